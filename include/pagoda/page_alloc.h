/*
 * The kernel's frame allocator (mm/page_alloc.c): the buddy allocator of
 * <pagoda/pmm.h> over all RAM below 4 GiB, set up from the memory map.
 */
#ifndef PAGODA_PAGE_ALLOC_H
#define PAGODA_PAGE_ALLOC_H

#include <pagoda/pmm.h>

extern struct pmm kernel_pmm;

/* What boot-time setup found and decided, for the boot log and the tests. */
struct page_alloc_boot {
	paddr_t meta_start, meta_end;   /* the struct page array, physical */
	uint64_t total_bytes;           /* usable RAM below 4 GiB */
	uint64_t above_4g_bytes;        /* usable RAM out of reach without PAE */
	uint64_t free_at_boot;          /* frames free when setup finished */
	uint64_t setup_tsc;             /* TSC cycles page_alloc_init took */
};
extern struct page_alloc_boot page_alloc_boot;

/* Build the allocator from boot_info and print the "Memory:" summary. */
void page_alloc_init(void);

/* Allocate 2^order frames (PMM_LOWMEM or PMM_ANY); NULL when none is free.
 * Safe with interrupts on or off. */
struct page *page_alloc(unsigned order, unsigned flags);

/* Free what page_alloc returned, with the same order. */
void page_free(struct page *page, unsigned order);

static inline paddr_t page_to_pa(const struct page *page)
{
	return pmm_page_to_pa(&kernel_pmm, page);
}

static inline struct page *pa_to_page(paddr_t pa)
{
	return pmm_pfn_to_page(&kernel_pmm, (uint32_t)(pa >> PAGE_SHIFT));
}

#endif /* PAGODA_PAGE_ALLOC_H */
