/*
 * The first instructions: from the boot loader's protected mode, with paging
 * off, to C in the higher half.
 *
 * A Multiboot loader (GRUB, or QEMU's -kernel) enters _start at its physical
 * address with paging off, flat 4 GiB segments, %eax = the boot loader magic
 * and %ebx = the physical address of the multiboot_info structure. The image
 * is linked at KERNEL_LINK_VA (0xC0100000), so until paging is on, every
 * symbol must be translated with V2P() before it is used as an address.
 *
 * The steps, each explained in docs/boot.md:
 *  1. zero .bss (it holds the boot page directory and the boot stack);
 *  2. map [0, end of image) twice with 4 MiB pages: at va = pa (the identity
 *     map, because the instruction after the one that sets CR0.PG is still
 *     fetched from its physical address) and at va = pa + KERNEL_VBASE;
 *  3. turn on CR4.PSE, load CR3, set CR0.PG and CR0.WP;
 *  4. jump to the higher half through an absolute address;
 *  5. remove the identity map and invalidate its TLB entries;
 *  6. call kmain(magic, multiboot info) on the boot stack.
 */
#include <arch/memlayout.h>
#include <arch/mmu.h>
#include <arch/multiboot.h>

#define V2P(x)  ((x) - KERNEL_VBASE)
#define KERNEL_PDE_FIRST (KERNEL_VBASE >> PDE_SHIFT)    /* 768 */
#define BOOT_PDE_FLAGS (PTE_P | PTE_W | PDE_PS)

	.section .multiboot, "a"
	.align 4
multiboot_header:
	.long MULTIBOOT_HEADER_MAGIC
	.long MULTIBOOT_HEADER_FLAGS
	.long -(MULTIBOOT_HEADER_MAGIC + MULTIBOOT_HEADER_FLAGS)

	.section .text.boot, "ax"
	.globl _start
_start:
	cli
	cld
	/* Keep the loader's magic and info pointer out of the way of stosl. */
	movl %eax, %esi
	movl %ebx, %ebp

	/* 1. Zero .bss: nothing in it may be used before this. */
	movl $_bss_start_pa, %edi
	movl $_bss_end_pa, %ecx
	subl %edi, %ecx
	shrl $2, %ecx
	xorl %eax, %eax
	rep stosl

	movl %esi, V2P(boot_magic)
	movl %ebp, V2P(boot_mbi_pa)

	/* 2. Fill the boot page directory: one 4 MiB page per PDE, as many as
	 *    cover [0, _kernel_end_pa), each entered twice. */
	movl $V2P(boot_pgdir), %edi
	movl $_kernel_end_pa + LARGE_PAGE_SIZE - 1, %ecx
	shrl $LARGE_PAGE_SHIFT, %ecx            /* number of 4 MiB pages */
	movl %ecx, V2P(boot_pgdir_npdes)
	xorl %ebx, %ebx                         /* PDE index */
1:	movl %ebx, %eax
	shll $LARGE_PAGE_SHIFT, %eax
	orl $BOOT_PDE_FLAGS, %eax
	movl %eax, (%edi, %ebx, 4)                      /* identity */
	movl %eax, KERNEL_PDE_FIRST * 4(%edi, %ebx, 4)  /* higher half */
	incl %ebx
	cmpl %ecx, %ebx
	jb 1b

	/* 3. Paging on. PSE must be on before CR3 holds PS entries. */
	movl %cr4, %eax
	orl $CR4_PSE, %eax
	movl %eax, %cr4
	movl %edi, %cr3
	movl %cr0, %eax
	orl $(CR0_PG | CR0_WP), %eax
	movl %eax, %cr0

	/* 4. Still running at the physical address, through the identity map.
	 *    An indirect jump to an absolute address moves us to the higher half
	 *    (a relative jmp would stay where we are). */
	movl $higher_half, %eax
	jmp *%eax

higher_half:
	movl $boot_stack_top, %esp
	xorl %ebp, %ebp                 /* the end of every backtrace */

	/* 5. Drop the identity map: from here on, only addresses at or above
	 *    KERNEL_VBASE are mapped. invlpg of any address in a 4 MiB page
	 *    invalidates the whole page's TLB entry. */
	movl boot_pgdir_npdes, %ecx
	xorl %ebx, %ebx
2:	movl $0, boot_pgdir(, %ebx, 4)
	movl %ebx, %eax
	shll $LARGE_PAGE_SHIFT, %eax
	invlpg (%eax)
	incl %ebx
	cmpl %ecx, %ebx
	jb 2b

	/* 6. Into C. kmain does not return; halt if it ever does. */
	pushl boot_mbi_pa
	pushl boot_magic
	call kmain
3:	cli
	hlt
	jmp 3b

