/*
 * Virtually contiguous kernel memory; see <pagoda/vmalloc.h>.
 */
#include <pagoda/vmalloc.h>
#include <pagoda/errno.h>
#include <pagoda/irq.h>
#include <pagoda/panic.h>

#define GUARD_PAGES     1
#define FREE_BATCH      256     /* frames unmapped at once by vmalloc_free */

struct vm_area {
	vaddr_t start;
	uint32_t npages;                /* mapped; the guard follows */
	size_t req;                     /* bytes asked for */
	struct vm_area *next;
};

int vmalloc_init(struct vmalloc_space *vs, struct pmap *pmap, const struct heap_env *env,
		 vaddr_t base, vaddr_t end)
{
	if (base % PAGE_SIZE || end % PAGE_SIZE || end <= base)
		return -EINVAL;
	*vs = (struct vmalloc_space){ .pmap = pmap, .pmm = env->pmm, .base = base, .end = end };
	return kmem_cache_init(&vs->area_cache, env, "vm_area", sizeof(struct vm_area), 0);
}

/* First fit: the lowest gap of `span` pages; *link is where the new area
 * goes in the list. Returns 0 or -ENOMEM. The window's first page is a
 * guard too, so every area has an unmapped page below it as well as above:
 * a kernel stack (which grows down) from the window's start would
 * otherwise run into whatever the kernel maps just below the window. */
static int find_gap(struct vmalloc_space *vs, uint64_t span, vaddr_t *start, struct vm_area ***link)
{
	uint64_t at = vs->base + GUARD_PAGES * PAGE_SIZE;
	struct vm_area **p = &vs->areas;

	for (; *p; p = &(*p)->next) {
		if (at + span * PAGE_SIZE <= (*p)->start)
			break;
		at = (uint64_t)(*p)->start + ((uint64_t)(*p)->npages + GUARD_PAGES) * PAGE_SIZE;
	}
	if (at + span * PAGE_SIZE > vs->end)
		return -ENOMEM;
	*start = (vaddr_t)at;
	*link = p;
	return 0;
}

/* Unmap [va, va + npages pages) and free the frames behind it, in batches
 * so that no frame is free while still mapped. */
static void unmap_and_free(struct vmalloc_space *vs, vaddr_t va, uint32_t npages)
{
	struct page *batch[FREE_BATCH];

	while (npages) {
		uint32_t n = MIN(npages, (uint32_t)FREE_BATCH);

		for (uint32_t i = 0; i < n; i++) {
			paddr_t pa;

			if (pmap_extract(vs->pmap, va + i * PAGE_SIZE, &pa, NULL) != 0)
				panic("vmalloc: page %#lx of an area is not mapped", (unsigned long)(va + i * PAGE_SIZE));
			batch[i] = pmm_pfn_to_page(vs->pmm, (uint32_t)(pa >> PAGE_SHIFT));
		}
		pmap_remove(vs->pmap, va, va + n * PAGE_SIZE);
		for (uint32_t i = 0; i < n; i++)
			pmm_free_pages(vs->pmm, batch[i], 0);
		va += n * PAGE_SIZE;
		npages -= n;
	}
}

/* Map npages fresh frames from va on: 0, or -ENOMEM with nothing mapped. */
static int map_fresh(struct vmalloc_space *vs, vaddr_t va, uint32_t npages)
{
	for (uint32_t i = 0; i < npages; i++) {
		struct page *pg = pmm_alloc_pages(vs->pmm, 0, PMM_ANY);

		if (!pg || pmap_enter(vs->pmap, va + i * PAGE_SIZE, pmm_page_to_pa(vs->pmm, pg), VM_PROT_RW,
				      PMAP_GLOBAL) != 0) {
			if (pg)
				pmm_free_pages(vs->pmm, pg, 0);
			unmap_and_free(vs, va, i);
			return -ENOMEM;
		}
	}
	return 0;
}

int vmalloc_alloc(struct vmalloc_space *vs, size_t size, vaddr_t *va)
{
	uint64_t npages = ((uint64_t)size + PAGE_SIZE - 1) / PAGE_SIZE;
	uint32_t irq = irq_save();
	struct vm_area *a, **link;
	vaddr_t start;
	int err = -EINVAL;

	if (size == 0)
		goto out;
	err = find_gap(vs, npages + GUARD_PAGES, &start, &link);
	if (err)
		goto out;
	err = -ENOMEM;
	a = kmem_cache_alloc(&vs->area_cache);
	if (!a)
		goto out;
	err = map_fresh(vs, start, (uint32_t)npages);
	if (err) {
		kmem_cache_free(&vs->area_cache, a);
		goto out;
	}
	*a = (struct vm_area){ start, (uint32_t)npages, size, *link };
	*link = a;
	vs->nr_areas++;
	vs->nr_pages += (uint32_t)npages;
	*va = start;
out:
	irq_restore(irq);
	return err;
}

int vmalloc_free(struct vmalloc_space *vs, vaddr_t va)
{
	uint32_t irq = irq_save();
	struct vm_area **p = &vs->areas, *a;

	while (*p && (*p)->start < va)
		p = &(*p)->next;
	a = *p;
	if (!a || a->start != va) {
		irq_restore(irq);
		return -EINVAL;
	}
	*p = a->next;
	unmap_and_free(vs, a->start, a->npages);
	vs->nr_areas--;
	vs->nr_pages -= a->npages;
	kmem_cache_free(&vs->area_cache, a);
	irq_restore(irq);
	return 0;
}

bool vmalloc_owns(const struct vmalloc_space *vs, vaddr_t va)
{
	return va >= vs->base && va < vs->end;
}

size_t vmalloc_size(const struct vmalloc_space *vs, vaddr_t va)
{
	for (const struct vm_area *a = vs->areas; a && a->start <= va; a = a->next)
		if (a->start == va)
			return a->req;
	return 0;
}
