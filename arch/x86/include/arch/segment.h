/*
 * Pagoda's GDT layout and the selectors that name its entries.
 * Safe to include from assembly: the trap stubs and the boot code load these.
 *
 * The order of the user entries and the TLS slots matches Linux i386 where a
 * program can see it: glibc asks set_thread_area for any free slot
 * (entry_number = -1) and Linux hands out 6, 7 and 8.
 */
#ifndef ARCH_SEGMENT_H
#define ARCH_SEGMENT_H

#define GDT_NULL        0       /* required null descriptor */
#define GDT_KCODE       1       /* ring 0 code, flat 4 GiB */
#define GDT_KDATA       2       /* ring 0 data and stack, flat 4 GiB */
#define GDT_UCODE       3       /* ring 3 code, flat 4 GiB (paging guards the kernel) */
#define GDT_UDATA       4       /* ring 3 data and stack */
#define GDT_TSS         5       /* the task-state segment: esp0 for ring changes */
#define GDT_TLS_MIN     6       /* three slots for set_thread_area (thread-local storage) */
#define GDT_TLS_COUNT   3
#define GDT_TLS_MAX     (GDT_TLS_MIN + GDT_TLS_COUNT - 1)
#define GDT_DF_TSS      9       /* the double-fault task's TSS (arch/x86/doublefault.c) */
#define GDT_ENTRIES     (GDT_DF_TSS + 1)

#define SEL(index, rpl) (((index) << 3) | (rpl))
#define KERNEL_CS       SEL(GDT_KCODE, 0)       /* 0x08 */
#define KERNEL_DS       SEL(GDT_KDATA, 0)       /* 0x10 */
#define USER_CS         SEL(GDT_UCODE, 3)       /* 0x1b */
#define USER_DS         SEL(GDT_UDATA, 3)       /* 0x23 */
#define TSS_SEL         SEL(GDT_TSS, 0)         /* 0x28 */
#define DF_TSS_SEL      SEL(GDT_DF_TSS, 0)      /* 0x48 */

#endif /* ARCH_SEGMENT_H */
