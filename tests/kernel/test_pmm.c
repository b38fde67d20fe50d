/*
 * Self-tests of the kernel's frame allocator on the machine's real memory
 * map. tools/test.py runs them at several memory sizes (16M to 4G).
 */
#include <pagoda/bootinfo.h>
#include <pagoda/ktest.h>
#include <pagoda/page_alloc.h>
#include <pagoda/printf.h>
#include <pagoda/string.h>
#include <arch/memlayout.h>
#include <arch/sections.h>

static bool overlaps(paddr_t a, paddr_t a_end, paddr_t b, paddr_t b_end)
{
	return a < b_end && b < a_end;
}

/*
 * Should frame pfn be free at boot? Decided frame by frame, the plain way,
 * independently of the interval arithmetic in mm/page_alloc.c.
 */
static bool frame_should_be_free(uint32_t pfn)
{
	paddr_t pa = (paddr_t)pfn << PAGE_SHIFT, end = pa + PAGE_SIZE;
	bool usable = false;

	if (pfn == 0)
		return false;
	for (size_t i = 0; i < boot_info.nranges; i++) {
		const struct boot_mem_range *r = &boot_info.ranges[i];

		if (r->type == BOOT_MEM_USABLE && r->base <= pa && end <= r->base + r->len)
			usable = true;
	}
	if (!usable || overlaps(pa, end, (uintptr_t)_kernel_start_pa, (uintptr_t)_kernel_end_pa) ||
	    overlaps(pa, end, page_alloc_boot.meta_start, page_alloc_boot.meta_end))
		return false;
	for (size_t i = 0; i < boot_info.nreserved; i++)
		if (overlaps(pa, end, boot_info.reserved[i].start, boot_info.reserved[i].end))
			return false;
	return true;
}

KTEST(pmm_free_frames_match_memory_map)
{
	uint64_t expected = 0;

	for (uint64_t pfn = 0; pfn < (1ull << (32 - PAGE_SHIFT)); pfn++)
		expected += frame_should_be_free((uint32_t)pfn);
	KT_ASSERT_EQ(page_alloc_boot.free_at_boot, expected);
}

/* Modules (QEMU's -initrd, GRUB's module lines) stay out of the allocator,
 * and so does the module list. tools/test.py boots one run with a module. */
KTEST(pmm_modules_are_reserved)
{
	for (size_t i = 0; i < boot_info.nmodules; i++) {
		const struct boot_module *m = &boot_info.modules[i];

		KT_ASSERT(m->end > m->start);
		for (paddr_t pa = ALIGN_DOWN(m->start, (paddr_t)PAGE_SIZE); pa < m->end; pa += PAGE_SIZE)
			KT_ASSERT_EQ(pa_to_page(pa)->state, PAGE_RESERVED);
	}
}

KTEST(pmm_consistent_at_boot)
{
	char why[160];

	if (pmm_check(&kernel_pmm, why, sizeof(why)) != 0)
		ktest_fail(t, __FILE__, __LINE__, "pmm_check: %s", why);
}

KTEST(pmm_zones_split_at_direct_map_end)
{
	const struct zone *low = &kernel_pmm.zones[ZONE_LOW], *high = &kernel_pmm.zones[ZONE_HIGH];
	uint64_t ram_end = (uint64_t)kernel_pmm.npages << PAGE_SHIFT;

	KT_ASSERT_EQ(low->start_pfn, 0);
	KT_ASSERT_EQ(low->end_pfn, MIN(ram_end, (uint64_t)DIRECT_MAP_SIZE) >> PAGE_SHIFT);
	KT_ASSERT_EQ(high->start_pfn, low->end_pfn);
	KT_ASSERT_EQ(high->end_pfn, kernel_pmm.npages);
	KT_ASSERT_EQ(high->managed_pages > 0, ram_end > DIRECT_MAP_SIZE);
}

/*
 * The first word of a low frame, through the direct map. (A 32-bit stamp:
 * GCC 12.2 at -m32 -O2 miscompiled the 64-bit version of this comparison,
 * loading the high word through a register it had just overwritten.)
 */
static volatile uint32_t *frame_stamp(const struct page *p)
{
	return phys_to_virt(page_to_pa(p));
}

/*
 * Allocate every frame, one at a time, from both zones; write each low
 * frame's own number into it through the direct map and read them all
 * back afterwards, which catches a frame handed out twice. Then free them
 * all: the count and the buddy lists must return to where they were. The
 * assertions come after the frees, so a failure leaves no memory behind.
 */
KTEST(pmm_allocate_and_free_all_memory)
{
	uint64_t before, low_before, high_before, n = 0, low = 0, high = 0, bad = 0;
	uint32_t chain = PFN_NONE;
	bool low_exhausted;
	struct page *p;
	char why[160];

	pmm_drain_caches(&kernel_pmm);
	before = pmm_free_count(&kernel_pmm);
	low_before = kernel_pmm.zones[ZONE_LOW].free_pages;
	high_before = kernel_pmm.zones[ZONE_HIGH].free_pages;
	while ((p = page_alloc(0, PMM_ANY)) != NULL) {
		p->priv[0] = chain;                     /* the owner's field: our list */
		chain = pmm_page_to_pfn(&kernel_pmm, p);
		if (p->zone == ZONE_LOW) {
			*frame_stamp(p) = pmm_page_to_pfn(&kernel_pmm, p);
			low++;
		} else {
			high++;
		}
		n++;
	}
	low_exhausted = page_alloc(0, PMM_LOWMEM) == NULL;
	while (chain != PFN_NONE) {
		p = pmm_pfn_to_page(&kernel_pmm, chain);
		chain = p->priv[0];
		if (p->zone == ZONE_LOW && *frame_stamp(p) != pmm_page_to_pfn(&kernel_pmm, p))
			bad++;
		page_free(p, 0);
	}
	pmm_drain_caches(&kernel_pmm);
	KT_ASSERT_EQ(n, before);
	KT_ASSERT(low_exhausted);
	KT_ASSERT_EQ(low, low_before);
	KT_ASSERT_EQ(high, high_before);
	KT_ASSERT_EQ(bad, 0);                   /* no frame was handed out twice */
	KT_ASSERT_EQ(pmm_free_count(&kernel_pmm), before);
	if (pmm_check(&kernel_pmm, why, sizeof(why)) != 0)
		ktest_fail(t, __FILE__, __LINE__, "pmm_check: %s", why);
}

KTEST(pmm_blocks_are_aligned_and_zoned)
{
	struct page *big = page_alloc(PMM_MAX_ORDER, PMM_LOWMEM);
	struct page *four = page_alloc(2, PMM_LOWMEM);

	KT_ASSERT(big != NULL && four != NULL);
	KT_ASSERT_EQ(page_to_pa(big) % (PAGE_SIZE << PMM_MAX_ORDER), 0);
	KT_ASSERT_EQ(page_to_pa(four) % (4 * PAGE_SIZE), 0);
	KT_ASSERT(page_to_pa(big) + (PAGE_SIZE << PMM_MAX_ORDER) <= DIRECT_MAP_SIZE);
	KT_ASSERT_EQ(big->refcount, 1);
	KT_ASSERT(pa_to_page(page_to_pa(four)) == four);
	page_free(four, 2);
	page_free(big, PMM_MAX_ORDER);
}
