/*
 * The pmap for 32-bit two-level x86 paging; see <pagoda/pmap.h>.
 *
 * This file is the only one above the boot code that knows what a PTE looks
 * like (<arch/mmu.h>). It reaches page tables only through env->
 * phys_to_virt, so it also runs on the host over simulated physical memory
 * (tests/host/test_pmap.c).
 *
 * Each page table's count of present entries lives in the metadata of its
 * frame (struct page priv[0]): when it drops to zero the table is freed.
 *
 * TLB rules: a PTE that was not present cannot be cached, so making one
 * present needs no invalidation. Changing or clearing a present one does,
 * if the pmap is active or the entry is global; an operation that would
 * need more than PMAP_TLB_FLUSH_THRESHOLD invlpgs flushes everything once.
 */
#include <pagoda/pmap.h>
#include <pagoda/errno.h>
#include <pagoda/kernel.h>
#include <pagoda/string.h>
#include <arch/memlayout.h>
#include <arch/mmu.h>
#include <arch/page.h>

#define KERNEL_PDX      PDX(KERNEL_VBASE)
#define PDE_SPAN        ((uint64_t)LARGE_PAGE_SIZE)     /* what one PDE covers */

struct pmap_stats pmap_stats;

/* Invalidations owed by one operation, done at its end. */
struct tlb_batch {
	vaddr_t va[PMAP_TLB_FLUSH_THRESHOLD];
	unsigned n;
	bool flush_all;
};

static uint32_t prot_to_pte(vm_prot_t prot, unsigned flags)
{
	uint32_t pte = PTE_P;

	if (prot & VM_PROT_WRITE)
		pte |= PTE_W;
	if (flags & PMAP_USER)
		pte |= PTE_U;
	if (flags & PMAP_GLOBAL)
		pte |= PTE_G;
	if (flags & PMAP_NOCACHE)
		pte |= PTE_PCD | PTE_PWT;
	if (flags & PMAP_WIRED)
		pte |= PTE_SW_WIRED;
	return pte;
}

/* 32-bit paging has no execute-disable: whatever is readable is executable. */
static vm_prot_t pte_to_prot(uint32_t pte)
{
	return VM_PROT_READ | VM_PROT_EXEC | ((pte & PTE_W) ? VM_PROT_WRITE : 0);
}

static struct page *pt_page(const struct pmap *pmap, uint32_t pde)
{
	return pmm_pfn_to_page(pmap->env->pmm, pde >> PAGE_SHIFT);
}

static uint32_t *pt_entries(const struct pmap *pmap, uint32_t pde)
{
	return pmap->env->phys_to_virt(pde & PTE_FRAME_MASK);
}

/* The kernel half is kernel_pmap's alone; the user half never is. */
static void check_range(const struct pmap *pmap, vaddr_t sva, vaddr_t eva, const char *op)
{
	bool kernel_range = sva >= KERNEL_VBASE;

	if (sva % PAGE_SIZE || eva % PAGE_SIZE || eva < sva || (eva > KERNEL_VBASE && !kernel_range) ||
	    kernel_range != pmap->kernel)
		panic("%s: range %#lx-%#lx is not page aligned or not this pmap's (%s pmap)", op,
		      (unsigned long)sva, (unsigned long)eva, pmap->kernel ? "kernel" : "user");
}

/* Whether the TLB may hold old_pte: it was present, and in this CPU's
 * address space (the active pmap, or a global kernel entry). */
static bool tlb_may_cache(const struct pmap *pmap, uint32_t old_pte)
{
	return (old_pte & PTE_P) && (pmap->active || (old_pte & PTE_G));
}

/* Record that the TLB may hold old_pte for va; do nothing if it cannot. */
static void tlb_note(const struct pmap *pmap, struct tlb_batch *b, vaddr_t va, uint32_t old_pte)
{
	if (!tlb_may_cache(pmap, old_pte))
		return;
	if (b->n < PMAP_TLB_FLUSH_THRESHOLD)
		b->va[b->n++] = va;
	else
		b->flush_all = true;
}

static void tlb_finish(const struct pmap *pmap, struct tlb_batch *b)
{
	if (b->flush_all) {
		pmap->env->tlb_flush();
		pmap_stats.tlb_full++;
		return;
	}
	for (unsigned i = 0; i < b->n; i++)
		pmap->env->tlb_invalidate(b->va[i]);
	pmap_stats.tlb_single += b->n;
}

/* Give *pde a new, empty page table with the directory bits pde_bits.
 * Returns 0, or -ENOMEM with *pde unchanged. */
static int pt_create(struct pmap *pmap, uint32_t *pde, uint32_t pde_bits)
{
	struct page *pt = pmm_alloc_pages(pmap->env->pmm, 0, PMM_LOWMEM);
	paddr_t pa;

	if (!pt)
		return -ENOMEM;
	pa = pmm_page_to_pa(pmap->env->pmm, pt);
	zero_page(pmap->env->phys_to_virt(pa));
	pt->priv[0] = 0;                        /* present entries */
	*pde = (uint32_t)pa | pde_bits;
	pmap_stats.pt_alloc++;
	return 0;
}

/* The PTE for va, creating its page table if needed: 0 or -ENOMEM. */
static int pte_lookup_or_create(struct pmap *pmap, vaddr_t va, uint32_t **ptep)
{
	uint32_t *pde = &pmap->pd[PDX(va)];
	int err;

	if (*pde & PDE_PS)
		panic("pmap_enter: %#lx lies in a 4 MiB page", (unsigned long)va);
	if (!(*pde & PTE_P)) {
		if (pmap->kernel)       /* kernel tables are all made at boot: shared */
			panic("pmap_enter: no kernel page table for %#lx", (unsigned long)va);
		/* The directory allows everything; each PTE restricts (as xv6 says). */
		err = pt_create(pmap, pde, PTE_P | PTE_W | PTE_U);
		if (err)
			return err;
		pmap->npts++;
	}
	*ptep = &pt_entries(pmap, *pde)[PTX(va)];
	return 0;
}

/* Free the page table behind pd[pdx] if it maps nothing any more. */
static void pt_free_if_empty(struct pmap *pmap, uint32_t pdx)
{
	uint32_t pde = pmap->pd[pdx];
	struct page *pt;

	if (pmap->kernel || !(pde & PTE_P) || pt_page(pmap, pde)->priv[0] != 0)
		return;
	pt = pt_page(pmap, pde);
	pmap->pd[pdx] = 0;
	pmm_free_pages(pmap->env->pmm, pt, 0);
	pmap->npts--;
	pmap_stats.pt_free++;
}

int pmap_enter(struct pmap *pmap, vaddr_t va, paddr_t pa, vm_prot_t prot, unsigned flags)
{
	uint32_t *pte, old;
	int err;

	check_range(pmap, va, va + PAGE_SIZE, "pmap_enter");
	if (pa % PAGE_SIZE || pa >> 32 || prot == VM_PROT_NONE)
		panic("pmap_enter: bad frame %#llx or protection %#x", (unsigned long long)pa, prot);
	err = pte_lookup_or_create(pmap, va, &pte);
	if (err)
		return err;
	old = *pte;
	*pte = (uint32_t)pa | prot_to_pte(prot, flags);
	if (!(old & PTE_P)) {
		pt_page(pmap, pmap->pd[PDX(va)])->priv[0]++;
	} else if (old != *pte && tlb_may_cache(pmap, old)) {
		pmap->env->tlb_invalidate(va);
		pmap_stats.tlb_single++;
	}
	return 0;
}

/*
 * Within one page table, clear (prot NONE) or re-protect every present
 * PTE for [va, end), noting what the TLB may still hold.
 */
static void pt_update(struct pmap *pmap, struct tlb_batch *b, uint64_t va, uint64_t end, vm_prot_t prot)
{
	uint32_t pde = pmap->pd[PDX(va)], *pt = pt_entries(pmap, pde);
	struct page *ptp = pt_page(pmap, pde);

	for (; va < end; va += PAGE_SIZE) {
		uint32_t *pte = &pt[PTX(va)], old = *pte;

		if (!(old & PTE_P))
			continue;
		if (prot == VM_PROT_NONE)
			*pte = 0;
		else
			*pte = (old & ~(uint32_t)PTE_W) | ((prot & VM_PROT_WRITE) ? PTE_W : 0);
		if (*pte == old)
			continue;
		if (prot == VM_PROT_NONE)
			ptp->priv[0]--;
		tlb_note(pmap, b, (vaddr_t)va, old);
	}
}

/* pt_update over [sva, eva), one directory entry at a time; entries with
 * no page table are skipped whole, and tables left empty are freed. */
static void pte_range_update(struct pmap *pmap, vaddr_t sva, vaddr_t eva, vm_prot_t prot)
{
	struct tlb_batch b;

	b.n = 0;                /* (not the whole array: this is a hot path) */
	b.flush_all = false;

	for (uint64_t va = sva, next; va < eva; va = next) {
		uint32_t pdx = PDX(va);

		next = MIN((va & ~(PDE_SPAN - 1)) + PDE_SPAN, (uint64_t)eva);
		if (pmap->pd[pdx] & PDE_PS)
			panic("pmap: %#llx lies in a 4 MiB page, which pmap_remove/protect do not split",
			      (unsigned long long)va);
		if (!(pmap->pd[pdx] & PTE_P))
			continue;
		pt_update(pmap, &b, va, next, prot);
		pt_free_if_empty(pmap, pdx);
	}
	tlb_finish(pmap, &b);
}

void pmap_remove(struct pmap *pmap, vaddr_t sva, vaddr_t eva)
{
	check_range(pmap, sva, eva, "pmap_remove");
	pte_range_update(pmap, sva, eva, VM_PROT_NONE);
}

void pmap_protect(struct pmap *pmap, vaddr_t sva, vaddr_t eva, vm_prot_t prot)
{
	check_range(pmap, sva, eva, "pmap_protect");
	pte_range_update(pmap, sva, eva, prot);
}

int pmap_extract(const struct pmap *pmap, vaddr_t va, paddr_t *pa, vm_prot_t *prot)
{
	uint32_t pde = pmap->pd[PDX(va)], pte;

	if (!(pde & PTE_P))
		return -ENOENT;
	if (pde & PDE_PS) {
		*pa = (pde & PDE_LARGE_FRAME_MASK) | (va & (LARGE_PAGE_SIZE - 1));
		pte = pde;
	} else {
		pte = pt_entries(pmap, pde)[PTX(va)];
		if (!(pte & PTE_P))
			return -ENOENT;
		*pa = (pte & PTE_FRAME_MASK) | (va & (PAGE_SIZE - 1));
	}
	if (prot)
		*prot = pte_to_prot(pte);
	return 0;
}

int pmap_init(struct pmap *pmap, const struct pmap_env *env, const struct pmap *kernel)
{
	struct page *pd = pmm_alloc_pages(env->pmm, 0, PMM_LOWMEM);

	if (!pd)
		return -ENOMEM;
	memset(pmap, 0, sizeof(*pmap));
	pmap->env = env;
	pmap->pd_pa = pmm_page_to_pa(env->pmm, pd);
	pmap->pd = env->phys_to_virt(pmap->pd_pa);
	memset(pmap->pd, 0, KERNEL_PDX * sizeof(uint32_t));
	if (kernel)
		memcpy(pmap->pd + KERNEL_PDX, kernel->pd + KERNEL_PDX,
		       (PD_ENTRIES - KERNEL_PDX) * sizeof(uint32_t));
	else    /* this is the kernel pmap: its half starts empty too */
		memset(pmap->pd + KERNEL_PDX, 0, (PD_ENTRIES - KERNEL_PDX) * sizeof(uint32_t));
	pmap->kernel = kernel == NULL;
	return 0;
}

void pmap_fini(struct pmap *pmap)
{
	if (pmap->active || pmap->kernel)
		panic("pmap_fini: the pmap is %s", pmap->active ? "active" : "the kernel's");
	for (uint32_t pdx = 0; pdx < KERNEL_PDX; pdx++) {
		if (pmap->pd[pdx] & PTE_P) {
			pmm_free_pages(pmap->env->pmm, pt_page(pmap, pmap->pd[pdx]), 0);
			pmap_stats.pt_free++;
		}
	}
	pmm_free_pages(pmap->env->pmm, pmm_pfn_to_page(pmap->env->pmm, (uint32_t)(pmap->pd_pa >> PAGE_SHIFT)), 0);
	pmap->npts = 0;
	pmap->pd = NULL;
}

int pmap_kernel_map_large(struct pmap *kernel, vaddr_t va, paddr_t pa, uint64_t len,
			  vm_prot_t prot, unsigned flags)
{
	if (!kernel->kernel || va < KERNEL_VBASE || (va | pa | len) % LARGE_PAGE_SIZE)
		panic("pmap_kernel_map_large: bad request va %#lx pa %#llx len %#llx",
		      (unsigned long)va, (unsigned long long)pa, (unsigned long long)len);
	for (uint64_t off = 0; off < len; off += LARGE_PAGE_SIZE)
		kernel->pd[PDX(va + off)] = (uint32_t)(pa + off) | PDE_PS | prot_to_pte(prot, flags);
	return 0;
}

int pmap_kernel_reserve_tables(struct pmap *kernel, vaddr_t sva, vaddr_t eva)
{
	if (!kernel->kernel || sva < KERNEL_VBASE)
		panic("pmap_kernel_reserve_tables: not the kernel half (%#lx)", (unsigned long)sva);
	for (uint64_t va = sva; va < eva || (eva == 0 && va < 0x100000000ull); va += PDE_SPAN) {
		uint32_t *pde = &kernel->pd[PDX(va)];
		int err;

		if (*pde & PTE_P)
			continue;
		err = pt_create(kernel, pde, PTE_P | PTE_W);    /* ring 0 only */
		if (err)
			return err;
	}
	return 0;
}

uint32_t pmap_page_tables(const struct pmap *pmap)
{
	return pmap->npts;
}
