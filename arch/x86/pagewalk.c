/*
 * The raw page-table walk behind Pagoda's pagewalk system call: the
 * entries the CPU reads for one address, copied as they are, for
 * user/bin/pagewalk.c to explain. Nothing is changed, and no TLB is involved.
 */
#include <pagoda/pmap.h>
#include <pagoda/string.h>
#include <arch/mmu.h>
#include <uapi/pagoda.h>

void pmap_walk(const struct pmap *pmap, vaddr_t va, struct pagoda_pagewalk *w)
{
	uint32_t pde = pmap->pd[PDX(va)], pte;

	memset(w, 0, sizeof(*w));
	w->va = va;
	w->cr3 = (uint32_t)pmap->pd_pa;
	w->pde = pde;
	if (!(pde & PTE_P))
		return;
	if (pde & PDE_PS) {             /* a 4 MiB page: no table (the kernel's) */
		w->mapped = 1;
		w->pa = (pde & PDE_LARGE_FRAME_MASK) | (va & (LARGE_PAGE_SIZE - 1));
		return;
	}
	w->pt_pa = pde & PTE_FRAME_MASK;
	w->table_refs = pmap_table_sharers(pmap, va);
	pte = ((const uint32_t *)pmap->env->phys_to_virt(w->pt_pa))[PTX(va)];
	w->pte = pte;
	if (!(pte & PTE_P))
		return;
	w->mapped = 1;
	w->pa = (pte & PTE_FRAME_MASK) | (va & (PAGE_SIZE - 1));
	if (pte & PTE_SW_MANAGED)
		w->frame_refs = pmm_pfn_to_page(pmap->env->pmm, pte >> PAGE_SHIFT)->refcount;
}
