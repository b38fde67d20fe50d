/*
 * Kernel linker script, run through the C preprocessor so that its addresses
 * come from <arch/memlayout.h> and nowhere else.
 *
 * The image is linked to run at KERNEL_LINK_VA (0xC0100000) but loaded at
 * KERNEL_LOAD_PA (1 MiB): every output section has AT(virtual - KERNEL_VBASE)
 * as its load address, so the ELF program headers carry p_vaddr in the higher
 * half and p_paddr where the boot loader must put the bytes. The entry point
 * is the physical address of _start, since paging is off when the loader
 * jumps there.
 */
#include <arch/memlayout.h>
#include <arch/mmu.h>

OUTPUT_FORMAT("elf32-i386")
OUTPUT_ARCH(i386)

ENTRY(_start)

SECTIONS
{
	. = KERNEL_LINK_VA;
	_kernel_start = .;

	/* The Multiboot header must lie in the first 8 KiB of the file. */
	.text ALIGN(PAGE_SIZE) : AT(ADDR(.text) - KERNEL_VBASE) {
		_text_start = .;
		KEEP(*(.multiboot))
		*(.text.boot)
		*(.text .text.*)
		_etext = .;
	}

	.rodata ALIGN(PAGE_SIZE) : AT(ADDR(.rodata) - KERNEL_VBASE) {
		_rodata_start = .;
		*(.rodata .rodata.*)
		/* Fault fix-ups: {instruction, continuation} pairs (arch/x86/extable.c). */
		. = ALIGN(4);
		__extable_start = .;
		KEEP(*(__ex_table))
		__extable_end = .;
		/* In-kernel self-tests, in link order (kern/ktest.c). */
		. = ALIGN(4);
		__ktests_start = .;
		KEEP(*(ktests))
		__ktests_end = .;
		/* The symbol table for backtraces comes last, so that its size,
		 * which changes between the two link passes, moves nothing above. */
		*(.ksyms)
		_erodata = .;
	}

	.data ALIGN(PAGE_SIZE) : AT(ADDR(.data) - KERNEL_VBASE) {
		_data_start = .;
		*(.data .data.*)
		_edata = .;
	}

	.bss ALIGN(PAGE_SIZE) : AT(ADDR(.bss) - KERNEL_VBASE) {
		_bss_start = .;
		*(.bss.pagealigned)
		*(.bss .bss.* COMMON)
		. = ALIGN(PAGE_SIZE);
		_bss_end = .;
	}

	_kernel_end = .;

	/* Physical extents, for the frame allocator and the boot code. */
	_kernel_start_pa = _kernel_start - KERNEL_VBASE;
	_kernel_end_pa = _kernel_end - KERNEL_VBASE;
	_bss_start_pa = _bss_start - KERNEL_VBASE;
	_bss_end_pa = _bss_end - KERNEL_VBASE;

	/DISCARD/ : {
		*(.note .note.*)
		*(.comment)
		*(.eh_frame .eh_frame_hdr)
	}
}
