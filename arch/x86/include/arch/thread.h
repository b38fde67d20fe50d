/*
 * The machine state of one thread of control beyond its registers in the
 * trap frame: its kernel stack, the stack pointer context_switch saved,
 * its FPU/SSE registers, and its thread-local-storage descriptors
 * (arch/x86/thread.c).
 *
 * A kernel stack is KSTACK_SIZE bytes from vmalloc, so an unmapped guard
 * page lies below it: running off the bottom faults, the fault cannot be
 * pushed, and the double-fault task (doublefault.c) reports it.
 */
#ifndef ARCH_THREAD_H
#define ARCH_THREAD_H

#include <arch/segment.h>
#include <arch/trap.h>
#include <pagoda/page.h>
#include <pagoda/types.h>

#define KSTACK_SIZE     (4 * PAGE_SIZE)
#define FXSAVE_SIZE     512     /* the FXSAVE image, 16-byte aligned */

/* Linux's user_desc, the argument of set_thread_area. */
struct user_desc {
	uint32_t entry_number;
	uint32_t base_addr;
	uint32_t limit;
	uint32_t seg_32bit : 1;
	uint32_t contents : 2;
	uint32_t read_exec_only : 1;
	uint32_t limit_in_pages : 1;
	uint32_t seg_not_present : 1;
	uint32_t useable : 1;
};

struct arch_thread {
	vaddr_t kstack;                 /* lowest address of the kernel stack */
	uint32_t esp;                   /* saved by context_switch */
	uint8_t *fpu;                   /* FXSAVE_SIZE bytes, 16-aligned */
	void *fpu_alloc;                /* what kmalloc returned for it */
	uint64_t tls[GDT_TLS_COUNT];    /* the GDT's TLS slots while this runs */
	/* The last exception in user mode, for a signal frame's sigcontext
	 * (Linux's thread.trap_nr, error_code, cr2). */
	uint32_t trap_nr, trap_err, trap_cr2;
};

/* Turn on the FPU and SSE and record the state a new program starts with. */
void fpu_init(void);

/* A kernel stack and FPU area for t, with the FPU in its initial state and
 * no TLS: 0 or -ENOMEM. */
int arch_thread_init(struct arch_thread *t);
void arch_thread_fini(struct arch_thread *t);

/* The trap frame at the top of t's kernel stack: the user registers. */
struct trapframe *arch_thread_trapframe(const struct arch_thread *t);

/* Make the first switch to t return to user mode through its trap frame. */
void arch_thread_start_user(struct arch_thread *t);

/* fork: the child's FPU registers and TLS descriptors are the parent's. */
void arch_thread_copy(struct arch_thread *dst, const struct arch_thread *src);

/* The running thread's FPU in its initial state (a signal handler's start). */
void arch_thread_fpu_reset(struct arch_thread *t);

/* execve: FPU back to the initial state, TLS slots emptied. */
void arch_thread_reset(struct arch_thread *t);

/* Set up registers for a program's first instruction (Linux's start_thread). */
void arch_trapframe_exec(struct trapframe *tf, vaddr_t entry, vaddr_t sp);

/* A TLS slot's new contents, checked: index 0..GDT_TLS_COUNT-1. */
struct tls_slot {
	int index;
	uint64_t desc;                  /* 0: no segment */
};

/*
 * Check a set_thread_area descriptor against Linux's rules for t (whose
 * free slot entry_number -1 takes, written back into u, if can_allocate):
 * 0 with *out filled, or -EINVAL (a descriptor or slot Linux refuses),
 * -ESRCH (no free slot). Nothing changes until arch_tls_store(t, out).
 */
int arch_tls_prepare(const struct arch_thread *t, struct user_desc *u, bool can_allocate,
		     struct tls_slot *out);
void arch_tls_store(struct arch_thread *t, const struct tls_slot *slot);
/* The same for t running now: its GDT slots are loaded too. */
void arch_tls_set(struct arch_thread *t, const struct tls_slot *slot);

/* get_thread_area: 0 or -EINVAL. */
int arch_get_tls(const struct arch_thread *t, struct user_desc *u);

/* Leave prev's registers on its stack and continue where next left off. */
void arch_switch(struct arch_thread *prev, struct arch_thread *next);

/* Adopt the running boot stack as the idle thread's. */
void arch_thread_init_idle(struct arch_thread *t);

/* The low-level switch (switch.S): save callee-saved registers and esp in
 * *save_esp, load new_esp, pop its registers, return into it. */
void context_switch(uint32_t *save_esp, uint32_t new_esp);

/* Load the GDT's TLS slots (gdt.c). */
void gdt_set_tls(const uint64_t desc[GDT_TLS_COUNT]);

/* The CPU features a program is told of in AT_HWCAP (CPUID.1:EDX). */
uint32_t arch_hwcap(void);

/* Install the double-fault task once paging is final (doublefault.c). */
void double_fault_init(void);

#endif /* ARCH_THREAD_H */
