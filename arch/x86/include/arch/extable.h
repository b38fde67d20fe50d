/*
 * The exception table: instructions that are allowed to fault in kernel
 * mode, each with the place where execution continues if it does. This is
 * how the kernel touches memory that may not be mapped (user memory through
 * copyin/copyout later; probes today) without a check before every access.
 *
 * In assembly, mark an instruction like this:
 *     1:  movl (%ecx), %eax
 *         EXTABLE_ENTRY(1b, fixup_label)
 */
#ifndef ARCH_EXTABLE_H
#define ARCH_EXTABLE_H

#ifdef __ASSEMBLER__
#define EXTABLE_ENTRY(insn, fixup)      \
	.pushsection __ex_table, "a";   \
	.balign 4;                      \
	.long insn, fixup;              \
	.popsection
#else
#include <pagoda/types.h>

struct extable_entry {
	uint32_t insn;          /* address of the instruction that may fault */
	uint32_t fixup;         /* where to continue when it does */
};

/* The fix-up address for a fault at eip, or 0 if eip may not fault. */
vaddr_t extable_find(vaddr_t eip);

/*
 * Read or write one 32-bit word at addr, surviving any fault: return 0, or
 * -EFAULT if the access faulted (the fault is recorded in trap_last_fixup).
 * For diagnostics and tests that must look at memory that may be unmapped.
 */
int probe_read32(const volatile void *addr, uint32_t *out);
int probe_write32(volatile void *addr, uint32_t val);
#endif

#endif /* ARCH_EXTABLE_H */
