/*
 * The copy loops behind copyin/copyout (mm/uaccess.c). Each access to user
 * memory is in the exception table: a page fault there first goes to the
 * fault policy (arch/x86/fault.c), which brings in pages that are merely
 * not there yet and restarts the instruction (a `rep` one resumes where it
 * stopped, its registers counting what is left); a fault it cannot resolve
 * continues at the fix-up, which reports how much was not done.
 * The callers have already checked that the range lies below the kernel.
 */
#include <arch/extable.h>
#include <pagoda/errno.h>

	.section .text

/* size_t arch_copy_user(void *dst, const void *src, size_t n):
 * returns the bytes not copied (0 on success). Words first (rep movsl: a
 * quarter of the steps), then the last bytes. A fault that the policy
 * cannot resolve in the words goes back to bytes from where the words
 * stopped, so that the count left is exact to the byte (a read into a
 * buffer that runs into a hole returns all it could copy). Most copies
 * are whole words: with no tail (ZF from the andl; rep movs keeps the
 * flags) the byte step is skipped. */
	.globl arch_copy_user
arch_copy_user:
	pushl %esi
	pushl %edi
	movl 12(%esp), %edi
	movl 16(%esp), %esi
	movl 20(%esp), %ecx
	movl %ecx, %edx
	shrl $2, %ecx
	andl $3, %edx
1:	rep movsl
	jz 3f
	movl %edx, %ecx
2:	rep movsb
3:	movl %ecx, %eax
	popl %edi
	popl %esi
	ret
4:	leal (%edx,%ecx,4), %ecx        /* the words not moved, and the tail */
	jmp 2b
	EXTABLE_ENTRY(1b, 4b)
	EXTABLE_ENTRY(2b, 3b)

/* size_t arch_clear_user(void *dst, size_t n): the bytes not zeroed, by
 * words then bytes as arch_copy_user. */
	.globl arch_clear_user
arch_clear_user:
	pushl %edi
	movl 8(%esp), %edi
	movl 12(%esp), %ecx
	movl %ecx, %edx
	shrl $2, %ecx
	andl $3, %edx
	xorl %eax, %eax
5:	rep stosl
	movl %edx, %ecx
6:	rep stosb
7:	movl %ecx, %eax
	popl %edi
	ret
8:	leal (%edx,%ecx,4), %ecx
	jmp 6b
	EXTABLE_ENTRY(5b, 8b)
	EXTABLE_ENTRY(6b, 7b)

/* long arch_copy_str_user(char *dst, const char *src, size_t max): copy up
 * to max bytes, stopping after a NUL. Returns the length of the string (NUL
 * excluded), max if no NUL came within max bytes, or -EFAULT. */
	.globl arch_copy_str_user
arch_copy_str_user:
	pushl %esi
	pushl %edi
	movl 12(%esp), %edi
	movl 16(%esp), %esi
	movl 20(%esp), %ecx
	xorl %edx, %edx
5:	cmpl %ecx, %edx
	je 7f
6:	movb (%esi,%edx), %al
	movb %al, (%edi,%edx)
	testb %al, %al
	je 7f
	incl %edx
	jmp 5b
7:	movl %edx, %eax
	popl %edi
	popl %esi
	ret
8:	movl $-EFAULT, %eax
	popl %edi
	popl %esi
	ret
	EXTABLE_ENTRY(6b, 8b)

/* long arch_strnlen_user(const char *src, size_t max): the length of the
 * string at src (NUL excluded), max if no NUL came within max bytes, or
 * -EFAULT. Nothing is copied: exec measures its arguments with this. */
	.globl arch_strnlen_user
arch_strnlen_user:
	movl 4(%esp), %edx
	movl 8(%esp), %ecx
	xorl %eax, %eax
9:	cmpl %ecx, %eax
	je 11f
10:	cmpb $0, (%edx,%eax)
	je 11f
	incl %eax
	jmp 9b
11:	ret
12:	movl $-EFAULT, %eax
	ret
	EXTABLE_ENTRY(10b, 12b)
