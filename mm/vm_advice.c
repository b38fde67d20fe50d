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

int vm_object_unmap(struct vmspace *vs, const struct vm_object *obj, uint64_t from)
{
	int err = 0;

	from = PAGE_UP(from);
	for (struct vm_region *r = vm_region_first(vs); r; r = vm_region_next(r)) {
		uint64_t end_off = r->offset + (r->node.end - r->node.start), start_off;

		if (r->obj != obj || end_off <= from)
			continue;
		start_off = MAX(from, r->offset);
		if (pmap_remove(&vs->pmap, (vaddr_t)(r->node.start + (start_off - r->offset)), r->node.end))
			err = -ENOMEM;
	}
	return err;
}
