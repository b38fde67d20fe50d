/*
 * Crash diagnostics shared by panic() and the fatal-exception report:
 * control registers with their bits named, and symbolized backtraces.
 */
#ifndef ARCH_DIAG_H
#define ARCH_DIAG_H

#include <pagoda/types.h>

/* Print CR0, CR2, CR3 and CR4, naming the bits that are set. */
void diag_print_control_regs(void);

/*
 * Print a call trace: eip first, then the return address of each frame on
 * the chain of saved frame pointers starting at ebp. Frames are read with
 * probe_read32, so a corrupt chain ends the trace instead of faulting.
 */
void diag_backtrace(vaddr_t eip, vaddr_t ebp);

/* Collect up to max return addresses from the caller's frame chain into
 * pcs[], the caller's own address first. Returns how many were found. */
int diag_collect_backtrace(vaddr_t *pcs, int max);

/* Print addr as "0xc0101234 <kmain+0x34>". */
void diag_print_symbol(vaddr_t addr);

/* Print the names of the set bits of value from a table of {mask, name}. */
struct bit_name {
	uint32_t mask;
	const char *name;
};
void diag_print_bits(uint32_t value, const struct bit_name *names);

/*
 * Faults on purpose, for kern/crash.c: #DE (in C a division by zero is
 * undefined, and GCC folds it away; only the instruction is sure to
 * fault), #GP from a selector past the GDT's end; and fn(0) on the stack
 * below top, never to return (arch/x86/crash_insn.c).
 */
static inline void diag_divide_by_zero(void)
{
	uint32_t quotient, remainder;

	__asm__ volatile("divl %2" : "=a"(quotient), "=d"(remainder) : "r"(0u), "a"(1u), "d"(0u));
}

static inline void diag_load_bad_selector(void)
{
	__asm__ volatile("movw %w0, %%ds" : : "r"(0xFFF8));
}

void diag_call_on_stack(void *top, void (*fn)(uint32_t)) __attribute__((noreturn));

/* Guard against a fault while reporting a fault: returns true the first
 * time, false if a report is already under way. */
bool diag_enter_fatal(void);

#endif /* ARCH_DIAG_H */
