/*
 * A private world for the buddy allocator: 4096 frames with holes and a
 * zone boundary, and a model of which frames are allocated, against which
 * every operation is checked (tests/host/pmm_world.c). Shared by the unit
 * tests (test_pmm.c) and the fuzzer (tests/fuzz/fuzz_pmm.c).
 */
#ifndef HOST_PMM_WORLD_H
#define HOST_PMM_WORLD_H

#include <pagoda/pmm.h>

#define WORLD_BASE_PFN  1024u                   /* not 0: exercise the offset */
#define WORLD_NPAGES    4096u
#define WORLD_HIGH_PFN  (WORLD_BASE_PFN + 2048u)
#define WORLD_MAX_LIVE  WORLD_NPAGES

struct world_block {
	uint32_t pfn;
	unsigned order;
};

struct pmm_world {
	struct pmm pmm;
	struct page pages[WORLD_NPAGES];
	bool usable[WORLD_NPAGES];      /* handed to the allocator at init */
	bool owned[WORLD_NPAGES];       /* allocated, according to the model */
	struct world_block live[WORLD_MAX_LIVE];
	uint32_t nlive;
	uint64_t expect_free;
	uint32_t shape[NR_ZONES][PMM_NR_ORDERS];        /* free lists after init */
	char why[200];                  /* what went wrong, when a call fails */
};

/* Build the world: frames [1, 500), [700, 2200) in two adjacent pieces that
 * must merge, [2300, 2301) and [3000, 4096) of the array are free. */
void world_init(struct pmm_world *w);

/* Each returns 0, or -1 with w->why set when the allocator disagrees with
 * the model. */
int world_alloc(struct pmm_world *w, unsigned order, unsigned flags);
int world_free(struct pmm_world *w, uint32_t index);   /* live[index % nlive] */
int world_check(struct pmm_world *w);
/* Free everything: the free lists must be back in their initial shape. */
int world_finish(struct pmm_world *w);

/*
 * The world's frames as memory: frame pfn lives at world_mem + (pfn -
 * WORLD_BASE_PFN) * 4096, page aligned, so code that reaches frames through
 * a phys_to_virt hook (the pmap, the heap) runs on them unchanged.
 * world_virt_to_phys of a pointer outside them returns 0, which is no frame.
 */
extern uint8_t world_mem[];
void *world_phys_to_virt(paddr_t pa);
paddr_t world_virt_to_phys(const void *va);

#endif
