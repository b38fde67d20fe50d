/*
 * The global descriptor table and the task-state segment.
 *
 * Segmentation is kept flat: every code and data segment spans 0..4 GiB, so
 * a linear address equals the offset, and protection comes from paging.
 * Only privilege levels (ring 0 or 3) distinguish the kernel's segments from
 * the user's. The TSS exists because the CPU reads esp0/ss0 from it on every
 * trap from ring 3. The layout is in <arch/segment.h>.
 */
#include <arch/cpu.h>
#include <pagoda/compiler.h>
#include <arch/mmu.h>
#include <arch/segment.h>
#include <arch/trap.h>
#include <arch/thread.h>
#include <arch/tss.h>

static uint64_t gdt[GDT_ENTRIES] __aligned(8);
struct tss kernel_tss;

extern char boot_stack_top[];

/* Reload CS with a far jump and the data segment registers (gdt_load.S). */
void gdt_reload_segments(void);

/*
 * Encode a segment descriptor. The base and limit are scattered across the
 * 8 bytes for compatibility with the 80286:
 *   bits 15..0 limit 15..0, 39..16 base 23..0, 47..40 access,
 *   51..48 limit 19..16, 55..52 flags, 63..56 base 31..24.
 */
static uint64_t seg_desc(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
	return (uint64_t)(limit & 0xFFFF) |
	       (uint64_t)(base & 0xFFFFFF) << 16 |
	       (uint64_t)access << 40 |
	       (uint64_t)((limit >> 16) & 0xF) << 48 |
	       (uint64_t)(flags & 0xF) << 52 |
	       (uint64_t)(base >> 24) << 56;
}

/* A flat 4 GiB segment: limit 0xFFFFF in 4 KiB units. */
static uint64_t flat_seg(uint8_t type, int dpl)
{
	return seg_desc(0, 0xFFFFF, SEG_ACC_P | SEG_ACC_S | SEG_ACC_DPL(dpl) | type,
			SEG_FLAG_G | SEG_FLAG_DB);
}

/* Build the GDT and TSS, load them, and reload every segment register. */
void gdt_init(void)
{
	struct desc_ptr p = { sizeof(gdt) - 1, (uint32_t)(uintptr_t)gdt };

	gdt[GDT_NULL] = 0;
	gdt[GDT_KCODE] = flat_seg(SEG_ACC_EXEC | SEG_ACC_RW, 0);
	gdt[GDT_KDATA] = flat_seg(SEG_ACC_RW, 0);
	gdt[GDT_UCODE] = flat_seg(SEG_ACC_EXEC | SEG_ACC_RW, 3);
	gdt[GDT_UDATA] = flat_seg(SEG_ACC_RW, 3);
	/* TLS slots stay null (not present) until set_thread_area fills them. */

	kernel_tss.ss0 = KERNEL_DS;
	kernel_tss.esp0 = (uint32_t)(uintptr_t)boot_stack_top;
	kernel_tss.iomap_base = sizeof(kernel_tss);     /* no I/O bitmap */
	gdt_set_tss(GDT_TSS, &kernel_tss);

	lgdt(&p);
	gdt_reload_segments();
	ltr(TSS_SEL);
}

/* Install a TSS descriptor for tss in GDT slot index. */
void gdt_set_tss(int index, struct tss *tss)
{
	gdt[index] = seg_desc((uint32_t)(uintptr_t)tss, sizeof(*tss) - 1,
			      SEG_ACC_P | SEG_ACC_DPL(0) | SEG_TYPE_TSS32, 0);
}

/* The running thread's TLS descriptors; %gs is reloaded from them when the
 * trap frame's segment registers are popped on the way back to user mode. */
void gdt_set_tls(const uint64_t desc[GDT_TLS_COUNT])
{
	for (int i = 0; i < GDT_TLS_COUNT; i++)
		gdt[GDT_TLS_MIN + i] = desc[i];
}

void tss_set_kernel_stack(vaddr_t esp0)
{
	kernel_tss.esp0 = (uint32_t)esp0;
}

uint64_t gdt_descriptor(int index)
{
	return gdt[index];
}
