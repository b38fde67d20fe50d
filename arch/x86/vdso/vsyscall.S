/*
 * The vDSO's entry points in assembly: __kernel_vsyscall, through which
 * glibc and musl make every system call (AT_SYSINFO), and the signal
 * return trampolines.
 *
 * __kernel_vsyscall saves ecx, edx and ebp on the user stack, puts the
 * stack pointer in ebp (sysenter keeps neither eip nor esp: the kernel
 * finds the stack in ebp, the sixth argument at (%ebp), and comes back to
 * the landing pad), and enters by sysenter. A call the kernel restarts is
 * made again from the int $0x80 just before the landing pad: the kernel
 * backs eip up over it, as for any int $0x80. Without sysenter the kernel
 * points AT_SYSINFO at __kernel_vsyscall_int80 instead.
 */
	.text
	.globl __kernel_vsyscall
	.type __kernel_vsyscall, @function
	.balign 16
__kernel_vsyscall:
	pushl %ecx
	pushl %edx
	pushl %ebp
	movl %esp, %ebp
	sysenter
	int $0x80
	.globl __kernel_vsyscall_landing
	.hidden __kernel_vsyscall_landing
__kernel_vsyscall_landing:
	popl %ebp
	popl %edx
	popl %ecx
	ret
	.size __kernel_vsyscall, . - __kernel_vsyscall

	.globl __kernel_vsyscall_int80
	.hidden __kernel_vsyscall_int80
	.type __kernel_vsyscall_int80, @function
__kernel_vsyscall_int80:
	int $0x80
	ret
	.size __kernel_vsyscall_int80, . - __kernel_vsyscall_int80

	.globl __kernel_sigreturn
	.type __kernel_sigreturn, @function
	.balign 32
__kernel_sigreturn:
	popl %eax
	movl $119, %eax         /* sigreturn */
	int $0x80
	.size __kernel_sigreturn, . - __kernel_sigreturn

	.globl __kernel_rt_sigreturn
	.type __kernel_rt_sigreturn, @function
	.balign 32
__kernel_rt_sigreturn:
	movl $173, %eax         /* rt_sigreturn */
	int $0x80
	.size __kernel_rt_sigreturn, . - __kernel_rt_sigreturn

	.section .note.GNU-stack, "", @progbits
