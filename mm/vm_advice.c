/*
 * What madvise and mincore ask of an address space (see <pagoda/vm.h>):
 * dropping the pages of a range, and telling which pages are in memory.
 * The system calls only translate their arguments (proc/sys_mem.c).
 */
#include <pagoda/vm.h>
#include <pagoda/errno.h>

int vm_discard(struct vmspace *vs, vaddr_t start, uint64_t end)
{
	bool hole = false;
	uint64_t va = start;

	while (va < end) {
		struct range_node *n = range_tree_ceil(&vs->regions, (vaddr_t)va);
		uint64_t stop;

		if (!n || n->start >= end) {
			hole = true;
			break;
		}
		if (n->start > va)
			hole = true;
		va = MAX(va, (uint64_t)n->start);
		stop = MIN((uint64_t)n->end, end);
		if (pmap_remove(&vs->pmap, (vaddr_t)va, (vaddr_t)stop))
			return -ENOMEM;
		va = stop;
	}
	return hole ? -ENOMEM : 0;
}

int vm_residency(struct vmspace *vs, vaddr_t va, size_t npages, uint8_t *vec)
{
	for (size_t i = 0; i < npages; i++, va += PAGE_SIZE) {
		struct vm_region *r = vm_region_find(vs, va);
		paddr_t pa;

		if (!r)
			return -ENOMEM;
		if (r->obj)
			vec[i] = vm_object_resident(r->obj, r->offset + (va - r->node.start));
		else
			vec[i] = pmap_extract(&vs->pmap, va, &pa, NULL) == 0;
	}
	return 0;
}

/* Unmap the pages of private region r in [va, end) that map obj's own
 * frames, leaving the copies the region has made of them. */
static int unmap_originals(struct vmspace *vs, const struct vm_region *r, const struct vm_object *obj,
			   vaddr_t va, vaddr_t end)
{
	struct pmm *pmm = vs->env->pmap->pmm;
	struct pmap_mapping m;
	int err = 0;

	while (pmap_next(&vs->pmap, &va, end, &m) == 0) {
		uint64_t index = (r->offset + (m.va - r->node.start)) / PAGE_SIZE;

		if (vm_object_lookup(obj, vs->env, (uint32_t)index) == pmm_pfn_to_page(pmm, (uint32_t)(m.pa / PAGE_SIZE)) &&
		    pmap_remove(&vs->pmap, m.va, m.va + PAGE_SIZE))
			err = -ENOMEM;
	}
	return err;
}

int vm_object_unmap(struct vmspace *vs, const struct vm_object *obj, uint64_t from, uint64_t to, bool copies)
{
	int err = 0;

	from = PAGE_UP(from);
	to = PAGE_DOWN(to);
	for (struct vm_region *r = vm_region_first(vs); r; r = vm_region_next(r)) {
		uint64_t end_off = r->offset + (r->node.end - r->node.start), start_off, stop_off;
		vaddr_t va, end;

		if (r->obj != obj || end_off <= from || r->offset >= to)
			continue;
		start_off = MAX(from, r->offset);
		stop_off = MIN(to, end_off);
		va = (vaddr_t)(r->node.start + (start_off - r->offset));
		end = (vaddr_t)(r->node.start + (stop_off - r->offset));
		if (copies || (r->flags & VM_REGION_SHARED) ? pmap_remove(&vs->pmap, va, end)
							   : unmap_originals(vs, r, obj, va, end))
			err = -ENOMEM;
	}
	return err;
}
