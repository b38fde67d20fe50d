/*
 * Virtually contiguous kernel memory (mm/vmalloc.c): frames from anywhere
 * (high memory first), mapped side by side in a window of the kernel half,
 * with one unmapped guard page between areas and at the window's start, so
 * running off either end of an area (a kernel stack grows down) faults at
 * once instead of corrupting a neighbour.
 *
 *   VMALLOC_BASE                                                  VMALLOC_END
 *   |guard| area A (3 pages) |guard| area B (1 page) |guard|   free ...   |
 *
 * The bookkeeping is a list of areas sorted by address, searched first-fit:
 * O(areas) per call, fine for the tens of areas a kernel this size keeps.
 * The window's page tables exist from boot, so mapping never allocates a
 * table.
 */
#ifndef PAGODA_VMALLOC_H
#define PAGODA_VMALLOC_H

#include <pagoda/pmap.h>
#include <pagoda/slab.h>

struct vm_area;

struct vmalloc_space {
	struct pmap *pmap;              /* the kernel pmap (or a host test's) */
	struct pmm *pmm;                /* where the frames come from */
	vaddr_t base, end;              /* the window */
	struct vm_area *areas;          /* sorted by start */
	struct kmem_cache area_cache;   /* struct vm_area records */
	uint32_t nr_areas, nr_pages;    /* now */
};

/* Set up an empty window [base, end) mapped in pmap, with frames from
 * env->pmm. Returns 0 or -EINVAL. */
int vmalloc_init(struct vmalloc_space *vs, struct pmap *pmap, const struct heap_env *env,
		 vaddr_t base, vaddr_t end);

/* Map ceil(size / PAGE_SIZE) fresh, uninitialised frames and return the
 * address in *va: 0, -EINVAL for size 0, or -ENOMEM (nothing is left
 * behind: no frames, no mappings). */
int vmalloc_alloc(struct vmalloc_space *vs, size_t size, vaddr_t *va);

/* Unmap and free the area that starts at va: 0, or -EINVAL if none does. */
int vmalloc_free(struct vmalloc_space *vs, vaddr_t va);

/* Whether va lies in the window; the size asked for at va's area (0 if
 * va does not start one). */
bool vmalloc_owns(const struct vmalloc_space *vs, vaddr_t va);
size_t vmalloc_size(const struct vmalloc_space *vs, vaddr_t va);

#endif /* PAGODA_VMALLOC_H */
