/*
 * The vectors' tables (see <arch/trap.h>): their names and hints for crash
 * reports, the handlers drivers and the fault code register, and how often
 * each vector was taken. The dispatcher (trap.c) reads them; this file calls
 * nothing, so registering a handler does not tie a driver to dispatch.
 */
#include <arch/trap.h>
#include <arch/cpu.h>

uint64_t trap_vector_counts[NUM_VECTORS];
static trap_handler_t exception_handlers[NUM_EXCEPTIONS];
static irq_handler_t irq_handlers[NUM_IRQS];

static const char *const exception_names[NUM_EXCEPTIONS] = {
	[T_DE] = "Divide error (#DE)",
	[T_DB] = "Debug (#DB)",
	[T_NMI] = "Non-maskable interrupt",
	[T_BP] = "Breakpoint (#BP)",
	[T_OF] = "Overflow (#OF)",
	[T_BR] = "BOUND range exceeded (#BR)",
	[T_UD] = "Invalid opcode (#UD)",
	[T_NM] = "Device not available (#NM)",
	[T_DF] = "Double fault (#DF)",
	[T_CSO] = "Coprocessor segment overrun",
	[T_TS] = "Invalid TSS (#TS)",
	[T_NP] = "Segment not present (#NP)",
	[T_SS] = "Stack-segment fault (#SS)",
	[T_GP] = "General protection fault (#GP)",
	[T_PF] = "Page fault (#PF)",
	[T_MF] = "x87 floating-point error (#MF)",
	[T_AC] = "Alignment check (#AC)",
	[T_MC] = "Machine check (#MC)",
	[T_XM] = "SIMD floating-point exception (#XM)",
	[T_VE] = "Virtualization exception (#VE)",
	[T_CP] = "Control protection (#CP)",
};

/* A sentence for the reader who meets this exception for the first time. */
static const char *const exception_hints[NUM_EXCEPTIONS] = {
	[T_DE] = "a DIV or IDIV by zero, or a quotient too large for its register",
	[T_UD] = "the CPU met bytes that are not a valid instruction: a jump into data?",
	[T_DF] = "an exception while delivering another; most often a kernel stack overflow",
	[T_TS] = "the task-state segment is invalid",
	[T_NP] = "a segment or gate marked not present was used",
	[T_SS] = "a stack-segment violation",
	[T_GP] = "a protection violation: a bad segment selector, a privileged instruction, or a gate of too high a privilege",
	[T_AC] = "an unaligned access with alignment checking on",
};

const char *trap_hint(int vector)
{
	return vector >= 0 && vector < NUM_EXCEPTIONS ? exception_hints[vector] : NULL;
}

const char *trap_name(int vector)
{
	if (vector >= 0 && vector < NUM_EXCEPTIONS && exception_names[vector])
		return exception_names[vector];
	if (vector >= IRQ_BASE && vector < IRQ_BASE + NUM_IRQS)
		return "Hardware interrupt";
	if (vector == T_SYSCALL)
		return "System call";
	return "Reserved vector";
}

trap_handler_t trap_set_handler(int vector, trap_handler_t handler)
{
	trap_handler_t old = exception_handlers[vector];

	exception_handlers[vector] = handler;
	return old;
}

void irq_set_handler(int irq, irq_handler_t handler)
{
	irq_handlers[irq] = handler;
}

uint64_t trap_count(int vector)
{
	uint32_t flags = irq_save();
	uint64_t n = trap_vector_counts[vector];

	irq_restore(flags);
	return n;
}

int irq_lines(void)
{
	return NUM_IRQS;
}

uint64_t irq_count(int irq)
{
	return trap_count(IRQ_BASE + irq);
}

trap_handler_t trap_handler(int vector)
{
	return exception_handlers[vector];
}

irq_handler_t irq_handler(int irq)
{
	return irq_handlers[irq];
}

