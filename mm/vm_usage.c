/*
 * What an address space holds in memory, for /proc/PID/status, smaps and
 * the tools built on them (see vm_region_usage in <pagoda/vm.h>). It asks
 * the pmap for the pages it maps (pmap_next), so a region costs its page
 * tables and the entries in them, not its size.
 *
 * Who else maps a frame: the frame's refcount counts the page tables that
 * map it, plus one held by a shared object (VMO_ANON_SHARED) that owns it
 * (a private mapping of a file maps the file's own frames until it
 * writes, then copies that are its own);
 * a page table can itself be shared by several address spaces after fork
 * (pmap_table_sharers). The page is shared if either count, less the
 * object's reference, is above one. Worked example: a parent maps a page,
 * forks, and the child writes elsewhere in the same 4 MiB. The child's
 * write copied the table, so the frame has refcount 2 (two tables), each
 * table has one sharer: shared in both. Before that write: refcount 1, but
 * one table with two sharers: shared too.
 */
#include <pagoda/vm.h>

void vm_region_usage(const struct vmspace *vs, const struct vm_region *r, struct vm_usage *u)
{
	struct pmm *pmm = vs->env->pmap->pmm;
	const bool paged = r->obj && r->obj->kind == VMO_ANON_SHARED;
	const bool private = !(r->flags & VM_REGION_SHARED);
	struct pmap_mapping m;

	for (vaddr_t va = r->node.start; pmap_next(&vs->pmap, &va, r->node.end, &m) == 0;) {
		const struct page *frame = pmm_pfn_to_page(pmm, (uint32_t)(m.pa / PAGE_SIZE));
		uint64_t off = r->offset + (m.va - r->node.start);
		const bool owned = paged && vm_object_lookup(r->obj, vs->env, (uint32_t)(off / PAGE_SIZE)) == frame;
		const bool shared = frame->refcount - (owned ? 1u : 0u) > 1 || m.table_sharers > 1;
		const bool dirty = m.used & PMAP_MODIFIED;

		u->resident++;
		u->shared += shared;
		u->shared_dirty += shared && dirty;
		u->private_dirty += !shared && dirty;
		u->referenced += (m.used & PMAP_REFERENCED) != 0;
		/* Linux's sense: private memory no file holds, which for a
		 * private file mapping is the pages written (copied from the
		 * page cache); and a shared object's pages, which are shmem
		 * (tmpfs files and shared anonymous memory alike, on Linux). */
		u->anonymous += private && !owned && !(r->obj && r->obj->kind == VMO_FILE && !dirty);
		u->shmem += owned;
	}
}
