/* The buddy allocator's test world and model; see pmm_world.h. */
#include <pagoda/printf.h>
#include <pagoda/string.h>
#include "pmm_world.h"

#define WHY(...) (snprintf(w->why, sizeof(w->why), __VA_ARGS__), -1)

static const uint32_t free_ranges[][2] = {
	{ 1, 500 }, { 700, 2100 }, { 2100, 2200 }, { 2300, 2301 }, { 3000, WORLD_NPAGES },
};

#define WORLD_MEM_BYTES ((size_t)WORLD_NPAGES * PAGE_SIZE)
#define WORLD_PHYS_BASE ((paddr_t)WORLD_BASE_PFN << PAGE_SHIFT)

uint8_t world_mem[WORLD_MEM_BYTES] __attribute__((aligned(4096)));

void *world_phys_to_virt(paddr_t pa)
{
	if (pa < WORLD_PHYS_BASE || pa >= WORLD_PHYS_BASE + WORLD_MEM_BYTES)
		return NULL;    /* outside RAM: the caller's dereference fails loudly */
	return world_mem + (pa - WORLD_PHYS_BASE);
}

paddr_t world_virt_to_phys(const void *va)
{
	uintptr_t off = (uintptr_t)va - (uintptr_t)world_mem;

	return off < WORLD_MEM_BYTES ? WORLD_PHYS_BASE + off : 0;
}

void world_init(struct pmm_world *w)
{
	memset(w, 0, sizeof(*w));
	pmm_init(&w->pmm, w->pages, WORLD_BASE_PFN, WORLD_NPAGES, WORLD_HIGH_PFN);
	for (size_t i = 0; i < sizeof(free_ranges) / sizeof(free_ranges[0]); i++) {
		pmm_add_free_range(&w->pmm, WORLD_BASE_PFN + free_ranges[i][0],
				   WORLD_BASE_PFN + free_ranges[i][1]);
		for (uint32_t j = free_ranges[i][0]; j < free_ranges[i][1]; j++)
			w->usable[j] = true;
		w->expect_free += free_ranges[i][1] - free_ranges[i][0];
	}
	for (int z = 0; z < NR_ZONES; z++)
		memcpy(w->shape[z], w->pmm.zones[z].nr_free, sizeof(w->shape[z]));
}

/* Could a block of `order` be allocated in [lo, hi)? Frames in the order-0
 * cache serve only single-frame requests. */
static bool model_has_block(const struct pmm_world *w, unsigned order, uint32_t lo, uint32_t hi)
{
	for (uint32_t i = lo; i + (1u << order) <= hi; i += 1u << order) {
		bool ok = ((i + WORLD_BASE_PFN) & ((1u << order) - 1)) == 0;

		for (uint32_t j = i; ok && j < i + (1u << order); j++)
			ok = w->usable[j] && !w->owned[j] &&
			     (order == 0 || w->pages[j].state != PAGE_CACHED);
		if (ok)
			return true;
	}
	return false;
}

/* A failed allocation is right only if the model has no block either. */
static int check_failed_alloc(struct pmm_world *w, unsigned order, unsigned flags)
{
	uint32_t split = WORLD_HIGH_PFN - WORLD_BASE_PFN;

	if (order > PMM_MAX_ORDER)
		return 0;
	if (model_has_block(w, order, 0, split) ||
	    ((flags & PMM_ANY) && model_has_block(w, order, split, WORLD_NPAGES)))
		return WHY("order-%u allocation (flags %u) failed though a block is free", order, flags);
	return 0;
}

int world_alloc(struct pmm_world *w, unsigned order, unsigned flags)
{
	struct page *p = pmm_alloc_pages(&w->pmm, order, flags);
	uint32_t pfn, i;

	if (!p)
		return check_failed_alloc(w, order, flags);
	pfn = pmm_page_to_pfn(&w->pmm, p);
	i = pfn - WORLD_BASE_PFN;
	if (pfn & ((1u << order) - 1))
		return WHY("order-%u block at %#x is not aligned", order, pfn);
	if (!(flags & PMM_ANY) && pfn >= WORLD_HIGH_PFN)
		return WHY("PMM_LOWMEM allocation returned high frame %#x", pfn);
	if (p->state != PAGE_ALLOCATED || p->order != order || p->refcount != 1)
		return WHY("block %#x: state %u order %u refcount %u", pfn, p->state, p->order, p->refcount);
	for (uint32_t j = i; j < i + (1u << order); j++) {
		if (j >= WORLD_NPAGES || !w->usable[j] || w->owned[j])
			return WHY("frame %#x handed out but %s", j + WORLD_BASE_PFN,
				   j >= WORLD_NPAGES || !w->usable[j] ? "never free" : "already allocated");
		w->owned[j] = true;
	}
	w->live[w->nlive++] = (struct world_block){ pfn, order };
	w->expect_free -= 1u << order;
	if (pmm_free_count(&w->pmm) != w->expect_free)
		return WHY("free count %llu, model %llu", (unsigned long long)pmm_free_count(&w->pmm),
			   (unsigned long long)w->expect_free);
	return 0;
}

int world_free(struct pmm_world *w, uint32_t index)
{
	struct world_block b;

	if (w->nlive == 0)
		return 0;
	index %= w->nlive;
	b = w->live[index];
	w->nlive--;
	w->live[index] = w->live[w->nlive];
	pmm_free_pages(&w->pmm, pmm_pfn_to_page(&w->pmm, b.pfn), b.order);
	for (uint32_t j = 0; j < (1u << b.order); j++)
		w->owned[b.pfn - WORLD_BASE_PFN + j] = false;
	w->expect_free += 1u << b.order;
	if (pmm_free_count(&w->pmm) != w->expect_free)
		return WHY("after free: free count %llu, model %llu",
			   (unsigned long long)pmm_free_count(&w->pmm), (unsigned long long)w->expect_free);
	return 0;
}

int world_check(struct pmm_world *w)
{
	return pmm_check(&w->pmm, w->why, sizeof(w->why)) ? -1 : 0;
}

int world_finish(struct pmm_world *w)
{
	while (w->nlive)
		if (world_free(w, 0))
			return -1;
	pmm_drain_caches(&w->pmm);
	if (world_check(w))
		return -1;
	for (int z = 0; z < NR_ZONES; z++)
		for (int o = 0; o < PMM_NR_ORDERS; o++)
			if (w->pmm.zones[z].nr_free[o] != w->shape[z][o])
				return WHY("zone %d order %d: %u free blocks, %u after init (not fully merged)",
					   z, o, w->pmm.zones[z].nr_free[o], w->shape[z][o]);
	return 0;
}
