/*
 * Threads on the x86: kernel stacks, the switch between them, FPU/SSE
 * state, and the thread-local-storage descriptors of set_thread_area.
 *
 * The FPU state is switched eagerly: FXSAVE of the thread leaving and
 * FXRSTOR of the one arriving at every switch, 512 bytes each way. glibc
 * uses SSE2 from its first instructions, so a lazy scheme (CR0.TS and #NM)
 * would trap at nearly every switch anyway. The kernel itself is built
 * with -mno-sse and never touches these registers.
 */
#include <arch/thread.h>
#include <arch/cpu.h>
#include <arch/mmu.h>
#include <arch/tss.h>
#include <pagoda/errno.h>
#include <pagoda/panic.h>
#include <pagoda/kmalloc.h>
#include <pagoda/string.h>

#define MXCSR_DEFAULT    0x1F80 /* all SIMD exceptions masked, round to nearest */

/* The FPU registers of a program's first instruction: after FNINIT (FCW
 * 0x37F, empty stack) with MXCSR at its reset value, as Linux gives. */
static uint8_t fpu_initial[FXSAVE_SIZE] __attribute__((aligned(16)));

extern void trap_return(void);

void fpu_init(void)
{
	uint32_t r[4];
	uint32_t mxcsr = MXCSR_DEFAULT;

	cpuid(1, r);
	if (!(r[3] & CPUID1_EDX_FXSR) || !(r[3] & CPUID1_EDX_SSE))
		panic("fpu_init: the CPU lacks FXSR or SSE (CPUID.1:EDX %#x); run QEMU with -cpu max", r[3]);
	/* MP: WAIT obeys TS; NE: FPU errors raise #MF, not IRQ 13; EM off. */
	write_cr0((read_cr0() | CR0_MP | CR0_NE) & ~(CR0_EM | CR0_TS));
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
	__asm__ volatile("fninit; ldmxcsr %1; fxsave %0" : "=m"(fpu_initial) : "m"(mxcsr));
}

uint32_t arch_hwcap(void)
{
	uint32_t r[4];

	cpuid(1, r);
	return r[3];
}

int arch_thread_init(struct arch_thread *t)
{
	memset(t, 0, sizeof(*t));
	t->kstack = (vaddr_t)(uintptr_t)vmalloc(KSTACK_SIZE);
	if (!t->kstack)
		return -ENOMEM;
	t->fpu_alloc = kmalloc(FXSAVE_SIZE + 15);
	if (!t->fpu_alloc) {
		vfree((void *)t->kstack);
		t->kstack = 0;
		return -ENOMEM;
	}
	t->fpu = (uint8_t *)(((uintptr_t)t->fpu_alloc + 15) & ~(uintptr_t)15);
	memcpy(t->fpu, fpu_initial, FXSAVE_SIZE);
	return 0;
}

void arch_thread_fini(struct arch_thread *t)
{
	if (t->kstack)
		vfree((void *)t->kstack);
	kfree(t->fpu_alloc);
	t->kstack = 0;
	t->fpu = t->fpu_alloc = NULL;
}

struct trapframe *arch_thread_trapframe(const struct arch_thread *t)
{
	return (struct trapframe *)(t->kstack + KSTACK_SIZE) - 1;
}

/*
 * Below the trap frame, the four registers context_switch pops and the
 * address its `ret` takes: trap_return, which pops the frame and irets.
 */
void arch_thread_start_user(struct arch_thread *t)
{
	uint32_t *sp = (uint32_t *)arch_thread_trapframe(t);

	*--sp = (uint32_t)(uintptr_t)trap_return;
	for (int i = 0; i < 4; i++)     /* ebp, ebx, esi, edi */
		*--sp = 0;
	t->esp = (uint32_t)(uintptr_t)sp;
}

void arch_thread_copy(struct arch_thread *dst, const struct arch_thread *src)
{
	/* src is the running thread: its live registers are the state. */
	__asm__ volatile("fxsave %0" : "=m"(*(uint8_t (*)[FXSAVE_SIZE])dst->fpu));
	memcpy(dst->tls, src->tls, sizeof(dst->tls));
}

void arch_thread_fpu_reset(struct arch_thread *t)
{
	memcpy(t->fpu, fpu_initial, FXSAVE_SIZE);
	__asm__ volatile("fxrstor %0" : : "m"(*(uint8_t (*)[FXSAVE_SIZE])t->fpu));
}

void arch_thread_reset(struct arch_thread *t)
{
	arch_thread_fpu_reset(t);
	memset(t->tls, 0, sizeof(t->tls));
	gdt_set_tls(t->tls);
}

void arch_trapframe_exec(struct trapframe *tf, vaddr_t entry, vaddr_t sp)
{
	memset(tf, 0, sizeof(*tf));     /* edx = 0: no exit handler for _start */
	tf->ds = tf->es = USER_DS;
	tf->fs = tf->gs = 0;            /* no thread-local storage yet, as on Linux */
	tf->cs = USER_CS;
	tf->user_ss = USER_DS;
	tf->eip = (uint32_t)entry;
	tf->user_esp = (uint32_t)sp;
	tf->eflags = EFLAGS_IF | EFLAGS_FIXED;
}

void arch_thread_init_idle(struct arch_thread *t)
{
	memset(t, 0, sizeof(*t));
}

void arch_switch(struct arch_thread *prev, struct arch_thread *next)
{
	if (prev->fpu)
		__asm__ volatile("fxsave %0" : "=m"(*(uint8_t (*)[FXSAVE_SIZE])prev->fpu));
	if (next->fpu) {
		__asm__ volatile("fxrstor %0" : : "m"(*(uint8_t (*)[FXSAVE_SIZE])next->fpu));
		gdt_set_tls(next->tls);
	}
	if (next->kstack)
		tss_set_kernel_stack(next->kstack + KSTACK_SIZE);
	context_switch(&prev->esp, next->esp);
}

/* ---- Thread-local storage: set_thread_area's descriptors ---- */

/* Linux's spelling of "no segment in this slot" (LDT_empty). */
static bool user_desc_empty(const struct user_desc *u)
{
	return u->base_addr == 0 && u->limit == 0 && u->contents == 0 &&
	       u->read_exec_only == 1 && u->seg_32bit == 0 && u->limit_in_pages == 0 &&
	       u->seg_not_present == 1 && u->useable == 0;
}

/* The all-zero descriptor, which programs also use to mean "none"
 * (Linux's LDT_zero) and Linux accepts as such. */
static bool user_desc_zero(const struct user_desc *u)
{
	return u->base_addr == 0 && u->limit == 0 && u->contents == 0 &&
	       u->read_exec_only == 0 && u->seg_32bit == 0 && u->limit_in_pages == 0 &&
	       u->seg_not_present == 0 && u->useable == 0;
}

/*
 * What a program may put in a TLS slot (Linux's tls_desc_okay): no
 * segment, or a present 32-bit data segment. Code segments are refused,
 * and so are 16-bit ones (returning to a 16-bit stack leaks the upper
 * half of esp; Linux allows them only in the LDT, behind espfix) and
 * not-present ones: nothing needs them, and a selector that faults when
 * the kernel reloads it is an attack surface (trap_entry.S copes anyway).
 */
static bool user_desc_ok(const struct user_desc *u)
{
	if (user_desc_empty(u) || user_desc_zero(u))
		return true;
	return u->seg_32bit && u->contents <= 1 && !u->seg_not_present;
}

/* Encode u as a present ring-3 data segment descriptor (SDM 3A 3.4.5),
 * accessed already, as Linux's fill_ldt makes it. */
static uint64_t user_desc_encode(const struct user_desc *u)
{
	uint32_t lo = (u->base_addr & 0xFFFF) << 16 | (u->limit & 0xFFFF);
	uint32_t hi = (u->base_addr & 0xFF000000) | ((u->base_addr >> 16) & 0xFF) |
		      (u->limit & 0xF0000) |
		      (uint32_t)(!u->read_exec_only) << 9 |     /* writable */
		      (uint32_t)u->contents << 10 |             /* expand-down */
		      (uint32_t)(SEG_ACC_A | SEG_ACC_S | SEG_ACC_DPL(3) | SEG_ACC_P) << 8 |
		      (uint32_t)u->useable << 20 |
		      (uint32_t)u->seg_32bit << 22 |
		      (uint32_t)u->limit_in_pages << 23;

	return (uint64_t)hi << 32 | lo;
}

static void user_desc_decode(uint64_t d, uint32_t entry, struct user_desc *u)
{
	uint32_t lo = (uint32_t)d, hi = (uint32_t)(d >> 32);

	memset(u, 0, sizeof(*u));
	u->entry_number = entry;
	u->base_addr = (lo >> 16) | ((hi & 0xFF) << 16) | (hi & 0xFF000000);
	u->limit = (lo & 0xFFFF) | (hi & 0xF0000);
	u->read_exec_only = !((hi >> 9) & 1);
	u->contents = (hi >> 10) & 3;
	u->seg_not_present = !((hi >> 15) & 1);
	u->useable = (hi >> 20) & 1;
	u->seg_32bit = (hi >> 22) & 1;
	u->limit_in_pages = (hi >> 23) & 1;
}

int arch_tls_prepare(const struct arch_thread *t, struct user_desc *u, bool can_allocate,
		     struct tls_slot *out)
{
	int idx = (int)u->entry_number;

	if (!user_desc_ok(u))
		return -EINVAL;
	if (idx == -1 && can_allocate) {
		for (idx = 0; idx < GDT_TLS_COUNT && t->tls[idx] != 0; idx++)
			;
		if (idx == GDT_TLS_COUNT)
			return -ESRCH;
		idx += GDT_TLS_MIN;
		u->entry_number = (uint32_t)idx;
	}
	if (idx < GDT_TLS_MIN || idx > GDT_TLS_MAX)
		return -EINVAL;
	out->index = idx - GDT_TLS_MIN;
	out->desc = user_desc_empty(u) || user_desc_zero(u) ? 0 : user_desc_encode(u);
	return 0;
}

void arch_tls_store(struct arch_thread *t, const struct tls_slot *slot)
{
	t->tls[slot->index] = slot->desc;
}

void arch_tls_set(struct arch_thread *t, const struct tls_slot *slot)
{
	arch_tls_store(t, slot);
	gdt_set_tls(t->tls);
}

int arch_get_tls(const struct arch_thread *t, struct user_desc *u)
{
	int idx = (int)u->entry_number;

	if (idx < GDT_TLS_MIN || idx > GDT_TLS_MAX)
		return -EINVAL;
	user_desc_decode(t->tls[idx - GDT_TLS_MIN], (uint32_t)idx, u);
	if (t->tls[idx - GDT_TLS_MIN] == 0) {   /* Linux reports an empty slot so */
		u->read_exec_only = 1;
		u->seg_not_present = 1;
	}
	return 0;
}
