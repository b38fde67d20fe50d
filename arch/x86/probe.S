/*
 * Memory probes that survive faults (see <arch/extable.h>). The fix-up
 * returns -EFAULT; the trap handler has already moved eip to it.
 */
#include <arch/extable.h>
#include <pagoda/errno.h>

	.section .text

/* int probe_read32(const volatile void *addr, uint32_t *out) */
	.globl probe_read32
probe_read32:
	movl 4(%esp), %ecx
1:	movl (%ecx), %eax
	movl 8(%esp), %edx
	movl %eax, (%edx)
	xorl %eax, %eax
	ret
	EXTABLE_ENTRY(1b, probe_efault)

/* int probe_write32(volatile void *addr, uint32_t val) */
	.globl probe_write32
probe_write32:
	movl 4(%esp), %ecx
	movl 8(%esp), %eax
2:	movl %eax, (%ecx)
	xorl %eax, %eax
	ret
	EXTABLE_ENTRY(2b, probe_efault)

probe_efault:
	movl $-EFAULT, %eax
	ret
