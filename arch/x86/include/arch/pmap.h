/* The x86 pmap: one page directory and the page tables it points to. */
#ifndef ARCH_PMAP_H
#define ARCH_PMAP_H

#include <pagoda/types.h>
#include <arch/memlayout.h>
#include <arch/mmu.h>

struct pmap_env;

/* Directory entries of the user half, and the words of a bitmap of them. */
#define PMAP_USER_PDES          PDX(KERNEL_VBASE)
#define PMAP_TABLE_WORDS        (PMAP_USER_PDES / 32)

struct pmap {
	uint32_t *pd;                   /* the directory, via env->phys_to_virt */
	paddr_t pd_pa;                  /* what CR3 holds when this pmap runs */
	const struct pmap_env *env;
	bool kernel;                    /* kernel_pmap: owns the kernel half */
	bool active;                    /* in CR3: changes need TLB invalidation */
	uint32_t npts;                  /* page tables owned (user half) */
	uint32_t resident, resident_peak;       /* see pmap_resident() */
	/* Bit pdx set: pd[pdx] points to a page table (user half). fork and
	 * exit visit only these, not all 768 entries. */
	uint32_t tables[PMAP_TABLE_WORDS];
};

/* Copy the entries that translate va into w (arch/x86/pagewalk.c), for
 * the pagewalk system call (<uapi/pagoda.h>). */
struct pagoda_pagewalk;
void pmap_walk(const struct pmap *pmap, vaddr_t va, struct pagoda_pagewalk *w);

#endif /* ARCH_PMAP_H */
