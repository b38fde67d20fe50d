/*
 * Pagoda's own interface to user programs, beyond Linux's: shared by the
 * kernel and by the tools in user/ (built with -Iinclude/uapi), so both
 * read the same layout. Its system-call numbers lie far above Linux's.
 */
#ifndef UAPI_PAGODA_H
#define UAPI_PAGODA_H

#include <stdint.h>

/*
 * pagewalk(pid, va, struct pagoda_pagewalk *out): the page-table entries
 * the CPU would read to translate va in process pid (0: the caller), as
 * they are now. 0, -ESRCH, or -EFAULT. user/bin/pagewalk.c explains the bits
 * (<arch/mmu.h> names them).
 */
#define PAGODA_NR_PAGEWALK      1000

struct pagoda_pagewalk {
	uint32_t va;
	uint32_t cr3;           /* the page directory's physical address */
	uint32_t pde;           /* directory entry PDX(va) */
	uint32_t pt_pa;         /* the page table's physical address, 0 if none */
	uint32_t pte;           /* table entry PTX(va); 0 without a table */
	uint32_t table_refs;    /* address spaces sharing that table (fork) */
	uint32_t frame_refs;    /* references to the frame: page tables mapping it, and more */
	uint32_t mapped;        /* 1: va translates (pa is valid) */
	uint64_t pa;            /* the physical address va reaches */
};

#endif /* UAPI_PAGODA_H */
