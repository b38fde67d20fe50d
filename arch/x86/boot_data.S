/*
 * What boot.S leaves behind for the rest of the kernel: the boot page
 * directory, the boot stack (the idle thread's, later) and the boot
 * loader's handoff. Kept apart from boot.S's code, which ends in kmain, so
 * that the files that use these (gdt.c, bootpgdir.c) depend on data, not
 * on boot orchestration.
 */
#include <arch/memlayout.h>
#include <arch/mmu.h>

	.section .bss.pagealigned, "aw", @nobits
	.align PAGE_SIZE
	.globl boot_pgdir
boot_pgdir:
	.space PAGE_SIZE
	.globl boot_stack_bottom, boot_stack_top
boot_stack_bottom:
	.space BOOT_STACK_SIZE
boot_stack_top:

	.section .bss
	.align 4
	.globl boot_magic, boot_mbi_pa, boot_pgdir_npdes
boot_magic:
	.long 0
boot_mbi_pa:
	.long 0
boot_pgdir_npdes:
	.long 0
