/* Segment-register reload after lgdt; see arch/x86/gdt.c. */
#include <arch/segment.h>

	.section .text
	.globl gdt_reload_segments
gdt_reload_segments:
	movl $KERNEL_DS, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	xorl %eax, %eax         /* fs and gs: null until thread-local storage */
	movl %eax, %fs
	movl %eax, %gs
	ljmp $KERNEL_CS, $1f    /* only a far jump (or call/ret) reloads CS */
1:	ret
