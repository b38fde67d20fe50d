/*
 * The physical memory manager: a buddy allocator of page frames over a
 * per-frame metadata array, in two zones (mm/pmm.c). docs/pmm.md explains
 * the design and works the buddy arithmetic through.
 *
 * Machine-independent: an allocator instance is a struct pmm over a struct
 * page array the caller provides, so host tests build private worlds of a
 * few thousand frames, and the kernel one for all of RAM (mm/page_alloc.c).
 */
#ifndef PAGODA_PMM_H
#define PAGODA_PMM_H

#include <pagoda/compiler.h>
#include <pagoda/page.h>
#include <pagoda/types.h>

#define PMM_MAX_ORDER   10              /* largest block: 2^10 frames = 4 MiB */
#define PMM_NR_ORDERS   (PMM_MAX_ORDER + 1)
#define PFN_NONE        0xFFFFFFFFu     /* "no frame" in a list link */

/* The order-0 cache: at most this many single frames kept out of the buddy
 * lists, returned in batches of PMM_CACHE_BATCH when it overflows. */
#define PMM_CACHE_HIGH  64
#define PMM_CACHE_BATCH 32

enum zone_id {
	ZONE_LOW,       /* directly mapped by the kernel (below 896 MiB) */
	ZONE_HIGH,      /* reachable only through temporary mappings */
	NR_ZONES,
};

/* What a frame is, from the allocator's point of view. */
enum page_state {
	PAGE_RESERVED = 0,      /* never handed out: a hole, the kernel, firmware... */
	PAGE_FREE,              /* first frame of a free block of 2^order frames */
	PAGE_TAIL,              /* any other frame of a block, free or allocated */
	PAGE_ALLOCATED,         /* first frame of an allocated block of 2^order */
	PAGE_CACHED,            /* a free single frame in the order-0 cache */
};

/*
 * Per-frame metadata: 16 bytes for each 4 KiB frame (0.39% of RAM). Links
 * are frame numbers rather than pointers, which keeps the size the same on
 * a 64-bit host and on PAE's 36-bit physical addresses.
 */
struct page {
	uint8_t state;          /* enum page_state */
	uint8_t order;          /* block order, for PAGE_FREE and PAGE_ALLOCATED */
	uint8_t zone;           /* enum zone_id */
	uint8_t flags;          /* what the owner uses it for: PAGE_FLAG_* */
	uint32_t refcount;      /* users of an allocated frame (copy-on-write) */
	union {
		struct {        /* while free: the free list, by frame number */
			uint32_t next, prev;
		} list;
		uint32_t priv[2];       /* while allocated: the owner's */
	};
};

/* struct page flags, set by a block's owner (cleared at allocation). */
#define PAGE_FLAG_SLAB          0x01    /* a slab of a kmem_cache (mm/slab.c) */
#define PAGE_FLAG_KMALLOC       0x02    /* a large kmalloc block (mm/kmalloc.c) */
#define PAGE_FLAG_SHARED        0x04    /* a page of a shared vm_object (mm/vm_object.c) */

/* Allocation flags: which frames the caller can use. */
#define PMM_LOWMEM      0x0     /* must be directly mapped (ZONE_LOW) */
#define PMM_ANY         0x1     /* any zone; high memory is preferred */

struct zone {
	const char *name;
	uint32_t start_pfn, end_pfn;            /* [start, end) */
	uint32_t free_head[PMM_NR_ORDERS];      /* free lists, PFN_NONE if empty */
	uint32_t nr_free[PMM_NR_ORDERS];        /* blocks on each list */
	uint32_t cache_head, cache_count;       /* the order-0 cache, a stack */
	uint64_t free_pages;                    /* frames free, cache included */
	uint64_t managed_pages;                 /* frames ever given to the zone */
};

struct pmm {
	struct page *pages;     /* pages[pfn - base_pfn] */
	uint32_t base_pfn, npages;
	struct zone zones[NR_ZONES];
};

/*
 * Set up an allocator over frames [base_pfn, base_pfn + npages), using
 * pages[] (npages entries) for their metadata. Frames below high_pfn are
 * ZONE_LOW, the rest ZONE_HIGH; high_pfn must be a multiple of the largest
 * block (2^PMM_MAX_ORDER frames) so no block spans two zones. Every frame
 * starts reserved: pmm_add_free_range hands them over.
 */
void pmm_init(struct pmm *pmm, struct page *pages, uint32_t base_pfn,
	      uint32_t npages, uint32_t high_pfn);

/* Give frames [start_pfn, end_pfn) to the allocator as free memory. They
 * must be reserved now and inside the array. */
void pmm_add_free_range(struct pmm *pmm, uint32_t start_pfn, uint32_t end_pfn);

/*
 * Allocate 2^order contiguous frames, aligned to their size, from the zones
 * that flags allow. Returns the first frame's struct page (state
 * PAGE_ALLOCATED, refcount 1), or NULL if no block is free: never panics.
 * Like pmm_free_pages, safe to call with interrupts on or off: the lists
 * are changed with interrupts masked, so an interrupt handler may allocate.
 */
struct page *pmm_alloc_pages(struct pmm *pmm, unsigned order, unsigned flags);

/*
 * Free a block from pmm_alloc_pages with the same order, merging it with
 * its free buddies. A double free, a frame that was never allocated, or the
 * wrong order is a broken invariant: panic, naming the frame and the caller.
 */
void pmm_free_pages(struct pmm *pmm, struct page *page, unsigned order);

/*
 * References to a frame that several users hold (copy-on-write): a block
 * starts with refcount 1; pmm_page_get adds one, and pmm_page_put drops
 * one and frees the block when none is left. Putting a frame that is not
 * in use panics.
 *
 * A shared object's frame (PAGE_FLAG_SHARED) holds one reference for the
 * object and one for each page table that maps it, so it is mapped while
 * it has two or more: pmm_shared_mapped counts those frames as the
 * references come and go (meminfo's Mapped).
 */
extern uint64_t pmm_shared_mapped;

static inline void pmm_page_get(struct page *page)
{
	if (++page->refcount == 2 && (page->flags & PAGE_FLAG_SHARED))
		pmm_shared_mapped++;
}
void pmm_page_put(struct pmm *pmm, struct page *page);

/* Return the order-0 caches' frames to the buddy lists. */
void pmm_drain_caches(struct pmm *pmm);

/* Frames free in total, or in one zone. */
uint64_t pmm_free_count(const struct pmm *pmm);

/*
 * Check every invariant of the allocator (O(frames)): the lists are well
 * linked, each free block is aligned, inside one zone and made of tail
 * frames, no frame is on two lists, and the counters agree. Returns 0, or
 * -EINVAL after writing what is wrong to `why` (size bytes).
 */
int pmm_check(const struct pmm *pmm, char *why, size_t size);

static inline uint32_t pmm_page_to_pfn(const struct pmm *pmm, const struct page *page)
{
	return (uint32_t)(page - pmm->pages) + pmm->base_pfn;
}

static inline struct page *pmm_pfn_to_page(const struct pmm *pmm, uint32_t pfn)
{
	return &pmm->pages[pfn - pmm->base_pfn];
}

static inline paddr_t pmm_page_to_pa(const struct pmm *pmm, const struct page *page)
{
	return (paddr_t)pmm_page_to_pfn(pmm, page) << PAGE_SHIFT;
}

#endif /* PAGODA_PMM_H */
