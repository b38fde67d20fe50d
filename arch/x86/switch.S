/*
 * context_switch(uint32_t *save_esp, uint32_t new_esp)
 *
 * Push the registers the C ABI makes callee-saved, store esp through
 * save_esp, take new_esp, pop the same registers from it and return into
 * whatever it was doing: the caller of its last context_switch, or for a
 * new thread the address arch_thread_start_user put there (trap_return).
 */
	.text
	.globl context_switch
context_switch:
	movl 4(%esp), %eax      /* save_esp */
	movl 8(%esp), %edx      /* new_esp */
	pushl %ebp
	pushl %ebx
	pushl %esi
	pushl %edi
	movl %esp, (%eax)
	movl %edx, %esp
	popl %edi
	popl %esi
	popl %ebx
	popl %ebp
	ret
