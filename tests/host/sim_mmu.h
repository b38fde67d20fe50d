/*
 * The simulated x86 MMU of the host tests (tests/host/sim_mmu.c), written
 * from the manual (SDM 3A 4.3), not from arch/x86/pmap.c: a walker of the
 * real page tables in simulated physical memory (pmm_world), and a TLB that
 * caches what the walker finds and forgets only what the pmap invalidates,
 * so a missing invalidation shows as a stale translation. The pmap tests
 * (test_pmap.c) and the VM model (vm_world.c) both run on it; its own tests
 * are in test_sim_mmu.c.
 */
#ifndef HOST_SIM_MMU_H
#define HOST_SIM_MMU_H

#include <pagoda/types.h>

/* A translation as the MMU computes it: both levels must allow a write or
 * a user access. */
struct sim_xlate {
	bool present, writable, user;
	bool in_use;            /* the PTE is present or kept (PTE_SW_NOACCESS) */
	uint32_t pa;            /* the frame's address plus va's offset */
	uint32_t pte;           /* the entry (the PDE, for a 4 MiB page) */
};

/* Walk the tables of the directory at physical cr3 for va. */
struct sim_xlate sim_walk(paddr_t cr3, vaddr_t va);

/* What the CPU records in the PTE of a page it reaches: accessed, and
 * dirty on a write. */
void sim_mark_used(paddr_t cr3, vaddr_t va, bool write);

/* A TLB for the npages pages from base (entries, the caller's storage),
 * counting the invalidations it is sent. */
struct sim_tlb_entry {
	bool valid, writable, user;
	uint32_t frame;
};
struct sim_tlb {
	vaddr_t base;
	uint32_t npages;
	struct sim_tlb_entry *e;
	unsigned invlpg, flushes;
};

void sim_tlb_init(struct sim_tlb *tlb, vaddr_t base, uint32_t npages, struct sim_tlb_entry *entries);
void sim_tlb_invlpg(struct sim_tlb *tlb, vaddr_t va);          /* INVLPG */
void sim_tlb_flush(struct sim_tlb *tlb);                       /* a CR3 load */

/* The entry for va, or NULL outside the TLB's range. */
struct sim_tlb_entry *sim_tlb_entry(struct sim_tlb *tlb, vaddr_t va);

/* An access to va: what the TLB holds, or a walk of cr3's tables that it
 * then caches if present. A fault is the caller's to take: it forgets the
 * entry (sim_tlb_invlpg), as the CPU does on a page fault. */
struct sim_xlate sim_tlb_access(struct sim_tlb *tlb, paddr_t cr3, vaddr_t va);

#endif /* HOST_SIM_MMU_H */
