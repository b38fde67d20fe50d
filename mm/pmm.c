/*
 * The buddy allocator of physical frames; see <pagoda/pmm.h> for the
 * interface and docs/pmm.md for the design.
 *
 * Blocks are 2^order frames, aligned to their own size in *physical* frame
 * numbers, so a free order-10 block is a 4 MiB-aligned 4 MiB region that a
 * large page could map. A block's buddy is the other half of the block one
 * order up: flip bit `order` of the frame number. Worked example, order 2
 * (4 frames):
 *
 *      pfn 0x108 = ...1 0000 1000      its buddy: 0x108 ^ (1 << 2) = 0x10C
 *      pfn 0x10C = ...1 0000 1100      its buddy: 0x10C ^ (1 << 2) = 0x108
 *
 * If both are free, they merge into the order-3 block at 0x108 (the lower of
 * the two, pfn & ~(1 << 2)), whose buddy is 0x108 ^ (1 << 3) = 0x100, and so
 * on up to PMM_MAX_ORDER.
 *
 * Single frames, by far the most frequent request, go through a small
 * per-zone cache first: freeing one pushes it on a stack, allocating one pops
 * it, both O(1) with no splitting or merging. The cache holds at most
 * PMM_CACHE_HIGH frames and gives PMM_CACHE_BATCH back when it overflows;
 * when empty, it takes PMM_CACHE_BATCH at once from one block.
 */
#include <pagoda/pmm.h>
#include <pagoda/irq.h>
#include <pagoda/panic.h>
#include <pagoda/string.h>

static bool pfn_managed(const struct pmm *pmm, uint32_t pfn)
{
	return pfn - pmm->base_pfn < pmm->npages;       /* unsigned: below base wraps */
}

static struct zone *page_zone(struct pmm *pmm, const struct page *page)
{
	return &pmm->zones[page->zone];
}

/* Put the block at pfn on its zone's free list for `order`. */
static void free_list_push(struct pmm *pmm, struct zone *z, uint32_t pfn, unsigned order)
{
	struct page *p = pmm_pfn_to_page(pmm, pfn);
	uint32_t head = z->free_head[order];

	p->state = PAGE_FREE;
	p->order = (uint8_t)order;
	p->list.prev = PFN_NONE;
	p->list.next = head;
	if (head != PFN_NONE)
		pmm_pfn_to_page(pmm, head)->list.prev = pfn;
	z->free_head[order] = pfn;
	z->nr_free[order]++;
}

/* Take the block at pfn off its free list; it becomes a tail frame. */
static void free_list_remove(struct pmm *pmm, struct zone *z, uint32_t pfn, unsigned order)
{
	struct page *p = pmm_pfn_to_page(pmm, pfn);

	if (p->list.prev != PFN_NONE)
		pmm_pfn_to_page(pmm, p->list.prev)->list.next = p->list.next;
	else
		z->free_head[order] = p->list.next;
	if (p->list.next != PFN_NONE)
		pmm_pfn_to_page(pmm, p->list.next)->list.prev = p->list.prev;
	p->state = PAGE_TAIL;
	z->nr_free[order]--;
}

/*
 * Return the block at pfn to the buddy lists, merging with its buddy for as
 * long as the buddy is a free block of the same order in the same zone.
 * The block's frames must all be PAGE_TAIL or its head; counters are the
 * caller's.
 */
static void buddy_free(struct pmm *pmm, struct zone *z, uint32_t pfn, unsigned order)
{
	for (; order < PMM_MAX_ORDER; order++) {
		uint32_t buddy = pfn ^ (1u << order);
		struct page *b;

		if (!pfn_managed(pmm, buddy))
			break;
		b = pmm_pfn_to_page(pmm, buddy);
		if (b->state != PAGE_FREE || b->order != order || &pmm->zones[b->zone] != z)
			break;
		free_list_remove(pmm, z, buddy, order);
		pmm_pfn_to_page(pmm, pfn)->state = PAGE_TAIL;
		pfn &= ~(1u << order);                  /* the merged block starts lower */
	}
	free_list_push(pmm, z, pfn, order);
}

/*
 * Take a block of 2^order frames from zone z: the smallest free block that
 * is large enough, split in halves until it fits; each upper half goes back
 * on the list one order down. Returns the first frame number, or PFN_NONE.
 */
static uint32_t buddy_alloc(struct pmm *pmm, struct zone *z, unsigned order)
{
	unsigned o = order;
	uint32_t pfn;

	while (o <= PMM_MAX_ORDER && z->free_head[o] == PFN_NONE)
		o++;
	if (o > PMM_MAX_ORDER)
		return PFN_NONE;
	pfn = z->free_head[o];
	free_list_remove(pmm, z, pfn, o);
	while (o > order) {
		o--;
		free_list_push(pmm, z, pfn + (1u << o), o);
	}
	return pfn;
}

void pmm_init(struct pmm *pmm, struct page *pages, uint32_t base_pfn,
	      uint32_t npages, uint32_t high_pfn)
{
	static const char *const names[NR_ZONES] = { "Normal", "HighMem" };
	uint32_t end_pfn = base_pfn + npages;

	if (high_pfn % (1u << PMM_MAX_ORDER))
		panic("pmm_init: zone boundary pfn %#x is not aligned to a %u-frame block",
		      high_pfn, 1u << PMM_MAX_ORDER);
	memset(pmm, 0, sizeof(*pmm));
	memset(pages, 0, (size_t)npages * sizeof(*pages));      /* all PAGE_RESERVED */
	pmm->pages = pages;
	pmm->base_pfn = base_pfn;
	pmm->npages = npages;
	for (int i = 0; i < NR_ZONES; i++) {
		struct zone *z = &pmm->zones[i];

		z->name = names[i];
		z->start_pfn = i == ZONE_LOW ? base_pfn : MAX(base_pfn, MIN(high_pfn, end_pfn));
		z->end_pfn = i == ZONE_LOW ? MAX(base_pfn, MIN(high_pfn, end_pfn)) : end_pfn;
		for (int o = 0; o < PMM_NR_ORDERS; o++)
			z->free_head[o] = PFN_NONE;
		z->cache_head = PFN_NONE;
	}
}

/* Largest order of an aligned block that starts at pfn and ends by end. */
static unsigned largest_fitting_order(uint32_t pfn, uint32_t end)
{
	unsigned order = 0;

	while (order < PMM_MAX_ORDER && (pfn & ((2u << order) - 1)) == 0 &&
	       (uint64_t)pfn + (2u << order) <= end)
		order++;
	return order;
}

void pmm_add_free_range(struct pmm *pmm, uint32_t start_pfn, uint32_t end_pfn)
{
	for (uint32_t pfn = start_pfn; pfn < end_pfn; pfn++) {
		struct page *p;

		if (!pfn_managed(pmm, pfn) || (p = pmm_pfn_to_page(pmm, pfn))->state != PAGE_RESERVED)
			panic("pmm_add_free_range: frame %#x is outside the array or already free", pfn);
		p->state = PAGE_TAIL;
		p->zone = pfn < pmm->zones[ZONE_HIGH].start_pfn ? ZONE_LOW : ZONE_HIGH;
	}
	/* Hand the range over in the largest aligned blocks that fit; each
	 * merges with free neighbours given earlier. */
	for (uint32_t pfn = start_pfn; pfn < end_pfn;) {
		unsigned order = largest_fitting_order(pfn, end_pfn);
		struct zone *z = page_zone(pmm, pmm_pfn_to_page(pmm, pfn));

		buddy_free(pmm, z, pfn, order);
		z->free_pages += 1u << order;
		z->managed_pages += 1u << order;
		pfn += 1u << order;
	}
}

/* Pop a frame from z's order-0 cache, or PFN_NONE if it is empty. */
static uint32_t cache_pop(struct pmm *pmm, struct zone *z)
{
	uint32_t pfn = z->cache_head;

	if (pfn != PFN_NONE) {
		z->cache_head = pmm_pfn_to_page(pmm, pfn)->list.next;
		z->cache_count--;
	}
	return pfn;
}

static void cache_push(struct pmm *pmm, struct zone *z, uint32_t pfn)
{
	struct page *p = pmm_pfn_to_page(pmm, pfn);

	p->state = PAGE_CACHED;
	p->order = 0;
	p->list.next = z->cache_head;
	z->cache_head = pfn;
	z->cache_count++;
}

/* Give up to n cached frames of z back to the buddy lists. */
static void cache_drain(struct pmm *pmm, struct zone *z, uint32_t n)
{
	uint32_t pfn;

	while (n-- && (pfn = cache_pop(pmm, z)) != PFN_NONE) {
		pmm_pfn_to_page(pmm, pfn)->state = PAGE_TAIL;
		buddy_free(pmm, z, pfn, 0);
	}
}

void pmm_drain_caches(struct pmm *pmm)
{
	for (int i = 0; i < NR_ZONES; i++)
		cache_drain(pmm, &pmm->zones[i], UINT32_MAX);
}

/*
 * An empty cache is refilled with one block of PMM_CACHE_BATCH frames, as
 * Linux refills its per-CPU lists in bulk: one buddy split then serves a
 * batch of single-frame requests (a process faulting in 4 MiB asks for
 * 1024 frames in a row). If no block that large is free, nothing is done
 * and the buddy lists serve the frame.
 */
#define REFILL_ORDER    5
_Static_assert(1u << REFILL_ORDER == PMM_CACHE_BATCH, "REFILL_ORDER is log2(PMM_CACHE_BATCH)");

static __attribute__((noinline)) void cache_refill(struct pmm *pmm, struct zone *z)
{
	uint32_t pfn = buddy_alloc(pmm, z, REFILL_ORDER);

	if (pfn == PFN_NONE)
		return;
	for (uint32_t i = PMM_CACHE_BATCH; i-- > 0;)    /* pfn itself on top */
		cache_push(pmm, z, pfn + i);
}

/* Allocate from one zone: single frames from the cache (refilled if it is
 * empty), blocks from the buddy lists. Inlined: this is every page fault's
 * path, and it runs once or twice per allocation. */
static inline __attribute__((always_inline)) uint32_t zone_alloc(struct pmm *pmm, struct zone *z, unsigned order)
{
	uint32_t pfn = PFN_NONE;

	if (z->free_pages < 1u << order)
		return PFN_NONE;
	if (order == 0) {
		if (z->cache_head == PFN_NONE)
			cache_refill(pmm, z);
		pfn = cache_pop(pmm, z);
	}
	if (pfn == PFN_NONE)
		pfn = buddy_alloc(pmm, z, order);
	if (pfn != PFN_NONE)
		z->free_pages -= 1u << order;
	return pfn;
}

struct page *pmm_alloc_pages(struct pmm *pmm, unsigned order, unsigned flags)
{
	uint32_t pfn = PFN_NONE, irq;
	struct page *p;

	if (order > PMM_MAX_ORDER)
		return NULL;
	irq = irq_save();
	/* High memory first for those who can use it, keeping the scarcer
	 * directly mapped frames for the kernel's own data. */
	if (flags & PMM_ANY)
		pfn = zone_alloc(pmm, &pmm->zones[ZONE_HIGH], order);
	if (pfn == PFN_NONE)
		pfn = zone_alloc(pmm, &pmm->zones[ZONE_LOW], order);
	irq_restore(irq);
	if (pfn == PFN_NONE)
		return NULL;
	p = pmm_pfn_to_page(pmm, pfn);
	p->state = PAGE_ALLOCATED;
	p->order = (uint8_t)order;
	p->flags = 0;
	p->refcount = 1;
	p->priv[0] = p->priv[1] = 0;
	return p;
}

/* Panic unless page is the first frame of an allocated block of `order`. */
static void check_free(struct pmm *pmm, struct page *page, unsigned order, void *caller)
{
	uint32_t pfn = pmm_page_to_pfn(pmm, page);
	const char *why;

	if (page < pmm->pages || page >= pmm->pages + pmm->npages)
		panic("pmm: free of %p, which is not a frame's metadata (order %u, caller %pS)",
		      (void *)page, order, caller);
	switch (page->state) {
	case PAGE_ALLOCATED:
		if (page->order == order)
			return;
		panic("pmm: frame %#llx freed with order %u but allocated with order %u (caller %pS)",
		      (unsigned long long)pfn << PAGE_SHIFT, order, page->order, caller);
	case PAGE_FREE:
	case PAGE_CACHED:
		why = "double free: the frame is already free";
		break;
	case PAGE_TAIL:
		why = "not the first frame of an allocated block (inside a block, or freed and merged)";
		break;
	default:
		why = "never allocated: the frame is reserved";
		break;
	}
	panic("pmm: bad free of frame %#llx (order %u): %s (caller %pS)",
	      (unsigned long long)pfn << PAGE_SHIFT, order, why, caller);
}

void pmm_free_pages(struct pmm *pmm, struct page *page, unsigned order)
{
	struct zone *z;
	uint32_t pfn, irq;

	check_free(pmm, page, order, __builtin_return_address(0));
	z = page_zone(pmm, page);
	pfn = pmm_page_to_pfn(pmm, page);
	page->refcount = 0;
	irq = irq_save();
	z->free_pages += 1u << order;
	if (order == 0) {
		cache_push(pmm, z, pfn);
		if (z->cache_count > PMM_CACHE_HIGH)
			cache_drain(pmm, z, PMM_CACHE_BATCH);
	} else {
		page->state = PAGE_TAIL;
		buddy_free(pmm, z, pfn, order);
	}
	irq_restore(irq);
}

uint64_t pmm_shared_mapped;

void pmm_page_put(struct pmm *pmm, struct page *page)
{
	if (page->state != PAGE_ALLOCATED || page->refcount == 0)
		panic("pmm_page_put: frame %#x is not in use (state %u, refcount %u), called from %p",
		      pmm_page_to_pfn(pmm, page), page->state, page->refcount, __builtin_return_address(0));
	if (page->refcount == 2 && (page->flags & PAGE_FLAG_SHARED))
		pmm_shared_mapped--;
	if (--page->refcount == 0)
		pmm_free_pages(pmm, page, page->order);
}

uint64_t pmm_free_count(const struct pmm *pmm)
{
	return pmm->zones[ZONE_LOW].free_pages + pmm->zones[ZONE_HIGH].free_pages;
}
