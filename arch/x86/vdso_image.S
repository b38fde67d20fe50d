/* The vDSO's image (built by the Makefile from arch/x86/vdso/), which
 * proc/vdso.c copies into the pages every process maps. */
	.section .rodata
	.balign 4096
	.globl vdso_image_start, vdso_image_end
vdso_image_start:
	.incbin VDSO_SO
vdso_image_end:
