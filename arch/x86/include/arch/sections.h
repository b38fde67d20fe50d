/*
 * The kernel image's extents, exported by the linker script
 * (arch/x86/kernel.ld.S). Virtual addresses unless the name ends in _pa;
 * only their addresses mean anything.
 */
#ifndef ARCH_SECTIONS_H
#define ARCH_SECTIONS_H

extern char _kernel_start[], _kernel_end[];     /* the whole image */
extern char _text_start[], _etext[];            /* code */
extern char _rodata_start[], _erodata[];        /* read-only data */
extern char _data_start[], _edata[];            /* data; .bss follows */
extern char _kernel_start_pa[], _kernel_end_pa[];

#endif /* ARCH_SECTIONS_H */
