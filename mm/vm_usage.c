/*
 * What an address space holds in memory, for /proc/PID/status and maps
 * (see vm_usage_range in <pagoda/vm.h>). It asks the pmap about each page:
 * O(pages in the range), which is fine for the views that use it.
 */
#include <pagoda/vm.h>

void vm_usage_range(const struct vmspace *vs, vaddr_t start, vaddr_t end, struct vm_usage *u)
{
	const struct pmap_env *env = vs->env->pmap;

	u->resident = u->shared = 0;
	for (vaddr_t va = start; va < end && va >= start; va += PMM_PAGE_SIZE) {
		paddr_t pa;
		const struct page *frame;

		if (pmap_extract(&vs->pmap, va, &pa, NULL) != 0)
			continue;
		u->resident++;
		frame = pmm_pfn_to_page(env->pmm, (uint32_t)(pa / PMM_PAGE_SIZE));
		if (frame->refcount > 1 || pmap_table_sharers(&vs->pmap, va) > 1)
			u->shared++;
	}
}
