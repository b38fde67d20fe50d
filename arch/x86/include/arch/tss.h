/* The 32-bit task-state segment (SDM 3A 7.2.1). */
#ifndef ARCH_TSS_H
#define ARCH_TSS_H

#define TSS_ESP0        4       /* esp0's offset, for the sysenter entry */

#ifndef __ASSEMBLER__
#include <pagoda/types.h>

struct tss {
	uint32_t link;
	uint32_t esp0, ss0;     /* the stack a trap from ring 3 switches to */
	uint32_t esp1, ss1, esp2, ss2;
	uint32_t cr3, eip, eflags;
	uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;
	uint32_t es, cs, ss, ds, fs, gs;
	uint32_t ldt;
	uint16_t trap;
	uint16_t iomap_base;    /* offset of the I/O bitmap; past the limit = none */
} __attribute__((packed));

extern struct tss kernel_tss;
_Static_assert(__builtin_offsetof(struct tss, esp0) == TSS_ESP0, "TSS_ESP0 is esp0's offset");

/* Set the kernel stack used when a trap arrives from ring 3. */
void tss_set_kernel_stack(vaddr_t esp0);

/* Install a TSS descriptor for tss in GDT slot index (gdt.c). */
void gdt_set_tss(int index, struct tss *tss);

/* The raw 8-byte descriptor in GDT slot `index`, for inspection and tests. */
uint64_t gdt_descriptor(int index);

#endif /* __ASSEMBLER__ */

#endif /* ARCH_TSS_H */
