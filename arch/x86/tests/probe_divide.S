/*
 * int probe_divide(uint32_t dividend, uint32_t divisor, uint32_t *quotient)
 * Divide, surviving a divide error (#DE) through the exception table:
 * returns 0 with the quotient stored, or -EDOM if the division faulted.
 * For the self-test that #DE reaches its handler and execution resumes.
 */
#include <arch/extable.h>
#include <pagoda/errno.h>

	.section .text
	.globl probe_divide
probe_divide:
	movl 4(%esp), %eax
	xorl %edx, %edx
1:	divl 8(%esp)
	movl 12(%esp), %ecx
	movl %eax, (%ecx)
	xorl %eax, %eax
	ret
2:	movl $-EDOM, %eax
	ret
	EXTABLE_ENTRY(1b, 2b)
