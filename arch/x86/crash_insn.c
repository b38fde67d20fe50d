/*
 * A switch of stacks for kern/crash.c's crash=kstack (the other deliberate
 * faults are inline, in <arch/diag.h>, so that the caller's frame is the
 * one the call trace shows).
 */
#include <arch/diag.h>

void diag_call_on_stack(void *top, void (*fn)(uint32_t))
{
	__asm__ volatile("movl %0, %%esp\n\tpushl $0\n\tcall *%1" : : "r"(top), "r"(fn) : "memory");
	__builtin_unreachable();        /* fn never returns: it runs off the stack */
}
