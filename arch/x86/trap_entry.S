/*
 * Interrupt and exception entry. Each vector has a stub that makes the stack
 * look the same for all (an error code, real or zero, then the vector
 * number) and jumps to trap_common, which saves the rest of the registers
 * as a struct trapframe (<arch/trap.h>) and calls trap_dispatch(tf).
 */
#include <arch/segment.h>
#include <arch/trap.h>

/* Emit the stub for vector \n and record its address in trap_vector_stubs. */
.macro TRAP_STUB n
	.section .text
	.balign 16
trap_stub_\n:
	.if \n >= NUM_EXCEPTIONS
	pushl $0                /* interrupts push no error code: push one */
	.elseif ((T_ERRCODE_MASK >> \n) & 1) == 0
	pushl $0                /* nor do these exceptions */
	.endif
	pushl $\n
	jmp trap_common
	.section .rodata
	.long trap_stub_\n
.endm

	.section .rodata
	.balign 4
	.globl trap_vector_stubs
trap_vector_stubs:
	.altmacro
	.set vec, 0
	.rept NUM_EXCEPTIONS + NUM_IRQS
	TRAP_STUB %vec
	.set vec, vec + 1
	.endr
	TRAP_STUB %T_SYSCALL
	.noaltmacro

	.section .text
trap_common:
	pushl %ds
	pushl %es
	pushl %fs
	pushl %gs
	pushal
	movl $KERNEL_DS, %eax
	movl %eax, %ds
	movl %eax, %es
	cld                     /* the C ABI expects DF clear */
	pushl %esp              /* struct trapframe *tf */
	call trap_dispatch
	addl $4, %esp

	.globl trap_return
trap_return:
	popal
	popl %gs
	popl %fs
	popl %es
	popl %ds
	addl $8, %esp           /* vector number and error code */
	iret
