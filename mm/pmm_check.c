/*
 * pmm_check: verify every invariant of a buddy allocator (<pagoda/pmm.h>).
 * For tests and debugging; O(frames + list lengths).
 */
#include <pagoda/pmm.h>
#include <pagoda/errno.h>
#include <pagoda/printf.h>

#define FAIL(...) do { snprintf(why, size, __VA_ARGS__); return -EINVAL; } while (0)

/* Walk one free list: each block must be a PAGE_FREE head of this order and
 * zone, aligned, inside the zone, with consistent back links. */
static int check_free_list(const struct pmm *pmm, int zi, unsigned order, char *why, size_t size)
{
	const struct zone *z = &pmm->zones[zi];
	uint32_t pfn = z->free_head[order], prev = PFN_NONE, n = 0;

	for (; pfn != PFN_NONE; prev = pfn, pfn = pmm_pfn_to_page(pmm, pfn)->list.next) {
		const struct page *p;

		if (pfn < z->start_pfn || pfn + (1u << order) > z->end_pfn)
			FAIL("%s order %u: block %#x outside the zone", z->name, order, pfn);
		p = pmm_pfn_to_page(pmm, pfn);
		if (p->state != PAGE_FREE || p->order != order || p->zone != zi)
			FAIL("%s order %u: block %#x has state %u order %u zone %u",
			     z->name, order, pfn, p->state, p->order, p->zone);
		if (pfn & ((1u << order) - 1))
			FAIL("%s order %u: block %#x is not aligned", z->name, order, pfn);
		if (p->list.prev != prev)
			FAIL("%s order %u: block %#x links back to %#x, not %#x",
			     z->name, order, pfn, p->list.prev, prev);
		if (++n > z->nr_free[order])
			FAIL("%s order %u: more blocks than the count %u (a cycle?)",
			     z->name, order, z->nr_free[order]);
	}
	if (n != z->nr_free[order])
		FAIL("%s order %u: %u blocks listed, count says %u", z->name, order, n, z->nr_free[order]);
	return 0;
}

static int check_cache(const struct pmm *pmm, int zi, uint64_t *frames, char *why, size_t size)
{
	const struct zone *z = &pmm->zones[zi];
	uint32_t n = 0;

	for (uint32_t pfn = z->cache_head; pfn != PFN_NONE; pfn = pmm_pfn_to_page(pmm, pfn)->list.next) {
		const struct page *p;

		if (pfn < z->start_pfn || pfn >= z->end_pfn)
			FAIL("%s cache: frame %#x outside the zone", z->name, pfn);
		p = pmm_pfn_to_page(pmm, pfn);
		if (p->state != PAGE_CACHED || p->zone != zi)
			FAIL("%s cache: frame %#x has state %u zone %u", z->name, pfn, p->state, p->zone);
		if (++n > z->cache_count)
			FAIL("%s cache: longer than its count %u (a cycle?)", z->name, z->cache_count);
	}
	if (n != z->cache_count)
		FAIL("%s cache: %u frames listed, count says %u", z->name, n, z->cache_count);
	*frames += n;
	return 0;
}

/*
 * Scan every frame in order: a block head (free, cached or allocated) must
 * be followed by exactly 2^order - 1 tail frames of its zone, and no tail
 * may stand alone. Counts the free frames per zone as it goes.
 */
static int check_frames(const struct pmm *pmm, uint64_t free[NR_ZONES], char *why, size_t size)
{
	for (uint32_t i = 0; i < pmm->npages;) {
		const struct page *p = &pmm->pages[i];
		uint32_t pfn = i + pmm->base_pfn, len = 1u << p->order;

		if (p->state == PAGE_RESERVED) {
			i++;
			continue;
		}
		if (p->state == PAGE_TAIL)
			FAIL("frame %#x: a tail frame with no block head before it", pfn);
		if (p->order > PMM_MAX_ORDER || i + len > pmm->npages)
			FAIL("frame %#x: block of order %u runs past the array", pfn, p->order);
		for (uint32_t j = 1; j < len; j++)
			if (p[j].state != PAGE_TAIL || p[j].zone != p->zone)
				FAIL("frame %#x: frame %u of its order-%u block has state %u zone %u",
				     pfn, j, p->order, p[j].state, p[j].zone);
		if (p->state != PAGE_ALLOCATED)
			free[p->zone] += len;
		i += len;
	}
	return 0;
}

int pmm_check(const struct pmm *pmm, char *why, size_t size)
{
	uint64_t scanned[NR_ZONES] = { 0, 0 };
	int err = check_frames(pmm, scanned, why, size);

	for (int zi = 0; zi < NR_ZONES && !err; zi++) {
		const struct zone *z = &pmm->zones[zi];
		uint64_t listed = 0;

		for (unsigned o = 0; o <= PMM_MAX_ORDER && !err; o++) {
			err = check_free_list(pmm, zi, o, why, size);
			listed += (uint64_t)z->nr_free[o] << o;
		}
		if (!err)
			err = check_cache(pmm, zi, &listed, why, size);
		if (!err && (listed != z->free_pages || scanned[zi] != z->free_pages))
			FAIL("%s: free_pages %llu, on the lists %llu, found by scanning %llu", z->name,
			     (unsigned long long)z->free_pages, (unsigned long long)listed,
			     (unsigned long long)scanned[zi]);
	}
	return err;
}
