/*
 * Self-tests of the boot path on the real (emulated) CPU: paging state,
 * segmentation, interrupt delivery, and fault recovery.
 */
#include <pagoda/bootinfo.h>
#include <pagoda/errno.h>
#include <pagoda/timer.h>
#include <pagoda/ktest.h>
#include <pagoda/page_alloc.h>
#include <pagoda/pmap.h>
#include <arch/bootpgdir.h>
#include <arch/cpu.h>
#include <arch/extable.h>
#include <arch/memlayout.h>
#include <arch/mmu.h>
#include <arch/multiboot.h>
#include <arch/sections.h>
#include <arch/segment.h>
#include <arch/trap.h>
#include <arch/tss.h>

/* Returns its own return address: an EIP in the caller. */
static __attribute__((noinline)) vaddr_t current_eip(void)
{
	return (vaddr_t)__builtin_return_address(0);
}

KTEST(eip_in_higher_half)
{
	vaddr_t eip = current_eip();

	KT_ASSERT(eip >= KERNEL_LINK_VA);
	KT_ASSERT((vaddr_t)&eip >= KERNEL_VBASE);      /* and so is the stack */
}

KTEST(paging_control_bits)
{
	KT_ASSERT(read_cr0() & CR0_PE);
	KT_ASSERT(read_cr0() & CR0_PG);
	KT_ASSERT(read_cr0() & CR0_WP);
	KT_ASSERT(read_cr4() & CR4_PSE);
	KT_ASSERT(read_cr4() & CR4_PGE);
	/* The boot directory is gone; the kernel pmap's is in CR3. */
	KT_ASSERT_EQ(read_cr3(), kernel_pmap.pd_pa);
	KT_ASSERT(read_cr3() != virt_to_phys(boot_pgdir));
}

KTEST(identity_map_gone)
{
	uint32_t v = 0xdeadbeef;

	/* Each PDE that boot.S used for the identity map is now empty, and
	 * the kernel pmap maps nothing below KERNEL_VBASE... */
	for (uint32_t pa = 0; pa < (uint32_t)_kernel_end_pa; pa += LARGE_PAGE_SIZE)
		KT_ASSERT_EQ(boot_pgdir[PDX(pa)], 0);
	for (uint32_t pdx = 0; pdx < PDX(KERNEL_VBASE); pdx++)
		KT_ASSERT_EQ(kernel_pmap.pd[pdx], 0);
	/* ...and the CPU agrees: reading the image's physical address faults. */
	KT_ASSERT_EQ(probe_read32((void *)KERNEL_LOAD_PA, &v), -EFAULT);
	KT_ASSERT_EQ(v, 0xdeadbeef);
	KT_ASSERT_EQ(trap_last_fixup.vector, T_PF);
	KT_ASSERT_EQ(trap_last_fixup.cr2, KERNEL_LOAD_PA);
	KT_ASSERT_EQ(trap_last_fixup.err & (PF_ERR_P | PF_ERR_W | PF_ERR_U), 0);
}

KTEST(higher_half_maps_the_image)
{
	uint32_t v;
	const uint32_t *header = phys_to_virt((paddr_t)(uintptr_t)_kernel_start_pa);

	/* The image starts with the Multiboot header, read via the direct map. */
	KT_ASSERT_EQ(probe_read32(header, &v), 0);
	KT_ASSERT_EQ(v, MULTIBOOT_HEADER_MAGIC);
}

/*
 * Map target's frame a second time, read-only, in the scratch fixed
 * mapping: a read through the alias sees what the writable direct map
 * holds, and a kernel write through it faults because CR0.WP makes ring 0
 * obey R/W.
 */
KTEST(cr0_wp_makes_kernel_obey_read_only)
{
	static volatile uint32_t target = 0x1234abcd;
	paddr_t target_pa = virt_to_phys((const void *)&target);
	vaddr_t alias = fix_to_virt(FIX_SCRATCH) + (vaddr_t)(target_pa % PAGE_SIZE);
	uint32_t v = 0;

	KT_ASSERT_EQ(pmap_enter(&kernel_pmap, fix_to_virt(FIX_SCRATCH), ALIGN_DOWN(target_pa, (paddr_t)PAGE_SIZE),
				VM_PROT_READ, 0), 0);
	KT_ASSERT_EQ(probe_read32((void *)alias, &v), 0);
	KT_ASSERT_EQ(v, 0x1234abcd);
	target = 0x5678;                                /* write through one mapping */
	KT_ASSERT_EQ(probe_read32((void *)alias, &v), 0);  /* read through the other */
	KT_ASSERT_EQ(v, 0x5678);
	KT_ASSERT_EQ(probe_write32((void *)alias, 0xbad), -EFAULT);
	pmap_remove(&kernel_pmap, fix_to_virt(FIX_SCRATCH), fix_to_virt(FIX_SCRATCH) + PAGE_SIZE);
	KT_ASSERT_EQ(trap_last_fixup.vector, T_PF);
	KT_ASSERT_EQ(trap_last_fixup.cr2, alias);
	KT_ASSERT_EQ(trap_last_fixup.err & (PF_ERR_P | PF_ERR_W | PF_ERR_U), PF_ERR_P | PF_ERR_W);
	KT_ASSERT_EQ(target, 0x5678);
	KT_ASSERT_EQ(probe_read32((void *)alias, &v), -EFAULT);   /* and now unmapped */
}

/* Text and read-only data are mapped read-only; CR0.WP enforces it on the
 * kernel itself. Data stays writable. */
KTEST(kernel_text_and_rodata_read_only)
{
	static volatile uint32_t data_word;
	uint32_t v;

	KT_ASSERT_EQ(probe_read32(_text_start, &v), 0);
	KT_ASSERT_EQ(probe_write32(_text_start, v), -EFAULT);
	KT_ASSERT_EQ(trap_last_fixup.err & (PF_ERR_P | PF_ERR_W), PF_ERR_P | PF_ERR_W);
	KT_ASSERT_EQ(trap_last_fixup.cr2, (vaddr_t)_text_start);
	KT_ASSERT_EQ(probe_write32(_rodata_start, 0), -EFAULT);
	KT_ASSERT_EQ(probe_write32((void *)((uintptr_t)_data_start - 4), 0), -EFAULT); /* last rodata word */
	KT_ASSERT_EQ(probe_write32(&data_word, 7), 0);
	KT_ASSERT_EQ(data_word, 7);
}

/* Kernel mappings carry the global bit, so they survive CR3 reloads. */
KTEST(kernel_mappings_are_global)
{
	uint32_t pde_text = kernel_pmap.pd[PDX(_text_start)];
	uint32_t *pt = phys_to_virt(pde_text & PTE_FRAME_MASK);
	uint32_t pte = pt[PTX(_text_start)];
	vaddr_t far = KERNEL_VBASE + ALIGN_DOWN(MIN((uint64_t)kernel_pmm.npages << PAGE_SHIFT,
						     (uint64_t)DIRECT_MAP_SIZE) - 1, (uint64_t)LARGE_PAGE_SIZE);

	KT_ASSERT(!(pde_text & PDE_PS));                /* 4 KiB pages around the image */
	KT_ASSERT_EQ(pte & (PTE_P | PTE_W | PTE_U | PTE_G), PTE_P | PTE_G);
	if (far >= KERNEL_VBASE + LARGE_PAGE_SIZE) {    /* 4 MiB pages beyond it */
		uint32_t pde = kernel_pmap.pd[PDX(far)];

		KT_ASSERT_EQ(pde & (PTE_P | PTE_W | PTE_U | PTE_G | PDE_PS), PTE_P | PTE_W | PTE_G | PDE_PS);
	}
}

/* The direct map reaches the last frame of low memory. */
KTEST(direct_map_covers_low_memory)
{
	uint64_t low_end = MIN((uint64_t)kernel_pmm.zones[ZONE_LOW].end_pfn << PAGE_SHIFT,
			       (uint64_t)DIRECT_MAP_SIZE);
	paddr_t pa;

	KT_ASSERT_EQ(pmap_extract(&kernel_pmap, KERNEL_VBASE + (vaddr_t)low_end - 4, &pa, NULL), 0);
	KT_ASSERT_EQ(pa, low_end - 4);
	KT_ASSERT_EQ(pmap_extract(&kernel_pmap, (vaddr_t)_kernel_start_pa + KERNEL_VBASE, &pa, NULL), 0);
	KT_ASSERT_EQ(pa, (paddr_t)(uintptr_t)_kernel_start_pa);
}

static volatile int breakpoints_seen;
static volatile vaddr_t breakpoint_eip;

static bool count_breakpoint(struct trapframe *tf)
{
	breakpoints_seen++;
	breakpoint_eip = tf->eip;       /* int3 is a trap: eip is past it */
	return true;
}

KTEST(int3_reaches_handler_and_returns)
{
	trap_handler_t old = trap_set_handler(T_BP, count_breakpoint);
	uint64_t before = trap_count(T_BP);
	vaddr_t after_int3;

	breakpoints_seen = 0;
	__asm__ volatile("int3\n1: movl $1b, %0" : "=r"(after_int3));
	trap_set_handler(T_BP, old);
	KT_ASSERT_EQ(breakpoints_seen, 1);
	KT_ASSERT_EQ(breakpoint_eip, after_int3);
	KT_ASSERT_EQ(trap_count(T_BP), before + 1);
}

int probe_divide(uint32_t dividend, uint32_t divisor, uint32_t *quotient);

KTEST(divide_error_reaches_handler_and_returns)
{
	uint32_t q = 0;

	KT_ASSERT_EQ(probe_divide(7, 2, &q), 0);
	KT_ASSERT_EQ(q, 3);
	KT_ASSERT_EQ(probe_divide(7, 0, &q), -EDOM);
	KT_ASSERT_EQ(trap_last_fixup.vector, T_DE);
	KT_ASSERT_EQ(q, 3);
}

KTEST(timer_ticks_advance)
{
	/* The vector count first: a tick between the two reads then only
	 * makes the second assertion easier, never harder. */
	uint64_t irq0 = trap_count(IRQ_BASE + IRQ_TIMER), t0 = timer_ticks();

	KT_ASSERT(read_eflags() & EFLAGS_IF);
	/* hlt returns on the next interrupt; the timer is the only one
	 * unmasked, so a few halts must see a few ticks. */
	for (int i = 0; i < 1000 && timer_ticks() < t0 + 3; i++)
		cpu_wait_for_interrupt();
	KT_ASSERT(timer_ticks() >= t0 + 3);
	/* They arrived on vector 32: the PIC was remapped. */
	KT_ASSERT(trap_count(IRQ_BASE + IRQ_TIMER) >= irq0 + 3);
}

KTEST(segment_registers_loaded)
{
	KT_ASSERT_EQ(read_segment(cs), KERNEL_CS);
	KT_ASSERT_EQ(read_segment(ds), KERNEL_DS);
	KT_ASSERT_EQ(read_segment(es), KERNEL_DS);
	KT_ASSERT_EQ(read_segment(ss), KERNEL_DS);
	KT_ASSERT_EQ(read_tr(), TSS_SEL);
}

/* The DPL field of a descriptor's access byte. */
static unsigned desc_dpl(uint64_t d)
{
	return (unsigned)(d >> 45) & 3;
}

KTEST(gdt_layout)
{
	struct desc_ptr p;

	sgdt(&p);
	KT_ASSERT_EQ(p.limit, GDT_ENTRIES * 8 - 1);
	KT_ASSERT_EQ(gdt_descriptor(GDT_NULL), 0);
	KT_ASSERT_EQ(desc_dpl(gdt_descriptor(GDT_KCODE)), 0);
	KT_ASSERT_EQ(desc_dpl(gdt_descriptor(GDT_KDATA)), 0);
	KT_ASSERT_EQ(desc_dpl(gdt_descriptor(GDT_UCODE)), 3);
	KT_ASSERT_EQ(desc_dpl(gdt_descriptor(GDT_UDATA)), 3);
	/* Flat: base 0 and limit 0xFFFFF pages, i.e. all 4 GiB. */
	KT_ASSERT_EQ(gdt_descriptor(GDT_UCODE) & 0xFF0F00FFFFFFFFFFull, 0x000F00000000FFFFull);
	/* ltr marks the TSS busy. */
	KT_ASSERT_EQ((gdt_descriptor(GDT_TSS) >> 40) & 0xF, SEG_TYPE_TSS32_BUSY);
	for (int i = GDT_TLS_MIN; i <= GDT_TLS_MAX; i++)
		KT_ASSERT_EQ(gdt_descriptor(i), 0);
	KT_ASSERT_EQ(kernel_tss.ss0, KERNEL_DS);
}

KTEST(idt_gates)
{
	struct desc_ptr p;
	const uint8_t *idt;

	sidt(&p);
	KT_ASSERT_EQ(p.limit, NUM_VECTORS * 8 - 1);
	idt = (const uint8_t *)(uintptr_t)p.base;
	/* Byte 5 of a gate: P | DPL | type. Exceptions and IRQs are ring 0
	 * but int3's and into's (user code may raise them); the double fault
	 * is a task gate to its own TSS (doublefault.c). */
	for (int v = 0; v < IRQ_BASE + NUM_IRQS; v++)
		KT_ASSERT_EQ(idt[v * 8 + 5], GATE_P | GATE_DPL(v == T_BP || v == T_OF ? 3 : 0) |
			     (v == T_DF ? GATE_TYPE_TASK : GATE_TYPE_INT32));
	KT_ASSERT_EQ(idt[T_DF * 8 + 2] | idt[T_DF * 8 + 3] << 8, DF_TSS_SEL);
	KT_ASSERT_EQ(idt[T_SYSCALL * 8 + 5], GATE_P | GATE_DPL(3) | GATE_TYPE_INT32);
	KT_ASSERT_EQ(idt[(T_SYSCALL + 1) * 8 + 5], 0);
}

KTEST(syscall_gate_returns_enosys)
{
	int32_t ret;

	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(20) : "memory");
	KT_ASSERT_EQ(ret, -ENOSYS);
}

KTEST(multiboot_magic_checked)
{
	size_t nranges = boot_info.nranges;

	/* A wrong magic means the info pointer is garbage: nothing is read
	 * (an unmapped physical address here would otherwise fault). */
	KT_ASSERT_EQ(multiboot_parse(0x12345678, 0xfffff000), -EINVAL);
	KT_ASSERT_EQ(multiboot_parse(MULTIBOOT_HEADER_MAGIC, 0xfffff000), -EINVAL);
	KT_ASSERT_EQ(boot_info.nranges, nranges);
}

KTEST(multiboot_info_read)
{
	uint64_t usable = 0;

	KT_ASSERT(boot_info.nranges > 0);
	for (size_t i = 0; i < boot_info.nranges; i++)
		if (boot_info.ranges[i].type == BOOT_MEM_USABLE)
			usable += boot_info.ranges[i].len;
	/* Every supported configuration has at least 8 MiB. */
	KT_ASSERT(usable >= 8u << 20);
	KT_ASSERT(boot_info.nreserved > 0);
	KT_ASSERT_EQ(boot_info.reserved[0].end - boot_info.reserved[0].start,
		     sizeof(struct multiboot_info));
}
