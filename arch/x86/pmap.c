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
 * Its refcount counts the pmaps whose directory points at it (pmap_fork).
 * priv[1] holds the span of entries that have been in use (span_add), so
 * that copying or freeing a table visits those, not all 1024. The pmap's
 * resident count is the sum of the present counts of the tables it
 * points to, kept as they change (resident_add), not summed when asked.
 *
 * Shared page tables: a user directory entry is writable while its table is
 * this pmap's alone, and read-only from the fork that shared it until the
 * pmap next changes something through it (pt_own). A managed PTE holds one
 * reference on its frame per page table, not per pmap, so a shared table's
 * frames need no bookkeeping until it is copied.
 *
 * VM_PROT_NONE keeps an entry and its frame but clears its present bit
 * (PTE_SW_NOACCESS marks it, as Linux's _PAGE_PROTNONE), so mprotect to
 * PROT_NONE and back loses no data. An entry "in use" is present or so kept.
 *
 * TLB rules: a PTE that was not present cannot be cached, so making one
 * present needs no invalidation. Changing or clearing a present one does,
 * if the pmap is active or the entry is global; an operation that would
 * need more than PMAP_TLB_FLUSH_THRESHOLD invlpgs flushes everything once.
 * Replacing a directory entry of an active pmap flushes everything too.
 *
 * A frame whose last managed mapping goes is freed at once, before the TLB
 * invalidations of the same operation: safe on one CPU, where nothing runs
 * user code or allocates it in between. SMP would have to defer the frees
 * until after the shootdown, as Linux's mmu_gather does.
 */
#include <pagoda/pmap.h>
#include <pagoda/errno.h>
#include <pagoda/panic.h>
#include <pagoda/string.h>
#include <arch/memlayout.h>
#include <arch/mmu.h>
#include <arch/page.h>

#define KERNEL_PDX      PMAP_USER_PDES
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
	if (flags & PMAP_MANAGED)
		pte |= PTE_SW_MANAGED;
	return pte;
}

static bool pte_in_use(uint32_t pte)
{
	return (pte & (PTE_P | PTE_SW_NOACCESS)) != 0;
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

/* The frame a PTE maps. */
static struct page *pte_frame(const struct pmap *pmap, uint32_t pte)
{
	return pmm_pfn_to_page(pmap->env->pmm, pte >> PAGE_SHIFT);
}

/* A present PTE is going away: drop its frame reference if it holds one. */
static void pte_release(struct pmap *pmap, uint32_t pte)
{
	if (pte & PTE_SW_MANAGED)
		pmm_page_put(pmap->env->pmm, pte_frame(pmap, pte));
}

static void tlb_flush_all(const struct pmap *pmap)
{
	pmap->env->tlb_flush();
	pmap_stats.tlb_full++;
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
		tlb_flush_all(pmap);
		return;
	}
	for (unsigned i = 0; i < b->n; i++)
		pmap->env->tlb_invalidate(b->va[i]);
	pmap_stats.tlb_single += b->n;
}

/*
 * The span of a page table: every entry in use lies in [lo, hi), kept in
 * its frame's priv[1] as lo | hi << 16, and only widened while the table
 * lives. A process's tables are mostly empty with their entries bunched
 * (a 1 MiB program's text is 256 entries of one table, its stack a few at
 * the end of another), so a loop over the span is many times shorter than
 * one over the table.
 */
#define SPAN_EMPTY      ((uint32_t)PT_ENTRIES)  /* lo = 1024, hi = 0 */

static uint32_t span_lo(const struct page *pt)
{
	return pt->priv[1] & 0xffff;
}

static uint32_t span_hi(const struct page *pt)
{
	return pt->priv[1] >> 16;
}

/* Entry i of the table is coming into use. */
static void span_add(struct page *pt, uint32_t i)
{
	uint32_t lo = MIN(span_lo(pt), i), hi = MAX(span_hi(pt), i + 1);

	pt->priv[1] = lo | hi << 16;
}

/* The directory's bitmap of user page tables (struct pmap tables). */
static void table_mark(struct pmap *pmap, uint32_t pdx, bool present)
{
	uint32_t bit = 1u << (pdx % 32);

	if (present)
		pmap->tables[pdx / 32] |= bit;
	else
		pmap->tables[pdx / 32] &= ~bit;
}

/* The first user directory entry at or after pdx with a page table, or
 * KERNEL_PDX if there is none: for (pdx = next_table(p, 0); pdx <
 * KERNEL_PDX; pdx = next_table(p, pdx + 1)) visits every table. */
static uint32_t next_table(const struct pmap *pmap, uint32_t pdx)
{
	while (pdx < KERNEL_PDX) {
		uint32_t word = pmap->tables[pdx / 32] >> (pdx % 32);

		if (word)
			return pdx + (uint32_t)__builtin_ctz(word);
		pdx = (pdx / 32 + 1) * 32;
	}
	return KERNEL_PDX;
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
	pt->priv[1] = SPAN_EMPTY;
	*pde = (uint32_t)pa | pde_bits;
	pmap_stats.pt_alloc++;
	return 0;
}

/*
 * The table behind pd[pdx], which other pmaps share, becomes this pmap's
 * own copy: every entry read-only (its frame is now mapped by two tables)
 * and a reference taken on each managed frame. 0 or -ENOMEM (unchanged).
 */
static int pt_copy(struct pmap *pmap, uint32_t pdx)
{
	uint32_t old_pde = pmap->pd[pdx], new_pde, *src, *dst;
	struct page *old = pt_page(pmap, old_pde);
	int err = pt_create(pmap, &new_pde, PTE_P | PTE_W | PTE_U);

	if (err)
		return err;
	src = pt_entries(pmap, old_pde);
	dst = pt_entries(pmap, new_pde);
	for (uint32_t i = span_lo(old); i < span_hi(old); i++) {
		if (!pte_in_use(src[i]))
			continue;
		if (src[i] & PTE_SW_MANAGED)
			pmm_page_get(pte_frame(pmap, src[i]));
		dst[i] = src[i] & ~(uint32_t)PTE_W;
	}
	pt_page(pmap, new_pde)->priv[0] = old->priv[0];
	pt_page(pmap, new_pde)->priv[1] = old->priv[1];
	old->refcount--;
	pmap->pd[pdx] = new_pde;
	if (pmap->active)
		tlb_flush_all(pmap);
	pmap_stats.pt_copied++;
	return 0;
}

/*
 * The table behind pd[pdx] was shared and every other pmap has let go of
 * it: take it back. An entry stays writable only if its frame is mapped by
 * no other table (copies made from this one while it was shared hold
 * references too). Permissions only grow here: no TLB entry goes stale.
 */
static void pt_reclaim(struct pmap *pmap, uint32_t pdx)
{
	uint32_t *pt = pt_entries(pmap, pmap->pd[pdx]);
	const struct page *ptp = pt_page(pmap, pmap->pd[pdx]);
	const uint32_t writable = PTE_P | PTE_W | PTE_SW_MANAGED;

	for (uint32_t i = span_lo(ptp); i < span_hi(ptp); i++)
		if ((pt[i] & writable) == writable && pte_frame(pmap, pt[i])->refcount > 1)
			pt[i] &= ~(uint32_t)PTE_W;
	pmap->pd[pdx] |= PTE_W;
	pmap_stats.pt_reclaimed++;
}

/* pt_own for a table that fork left read-only in the directory. */
static int pt_own_shared(struct pmap *pmap, uint32_t pdx)
{
	if (pt_page(pmap, pmap->pd[pdx])->refcount > 1)
		return pt_copy(pmap, pdx);
	pt_reclaim(pmap, pdx);
	return 0;
}

/* Make the table behind user entry pd[pdx] (if any) this pmap's alone
 * before anything changes through it: 0, or -ENOMEM with nothing changed.
 * Inline, as the usual answer (nothing to do) is on every fault's path. */
static inline int pt_own(struct pmap *pmap, uint32_t pdx)
{
	uint32_t pde = pmap->pd[pdx];

	if (pmap->kernel || !(pde & PTE_P) || (pde & PTE_W))
		return 0;
	return pt_own_shared(pmap, pdx);
}

/* Let go of the table behind user entry pd[pdx]: drop this pmap's share,
 * and if it was the last one, every entry's reference and the table. */
static void pt_release(struct pmap *pmap, uint32_t pdx)
{
	uint32_t pde = pmap->pd[pdx], *pt = pt_entries(pmap, pde);
	struct page *ptp = pt_page(pmap, pde);

	pmap->pd[pdx] = 0;
	pmap->npts--;
	pmap->resident -= (uint32_t)ptp->priv[0];
	table_mark(pmap, pdx, false);
	if (--ptp->refcount > 0)
		return;
	for (uint32_t i = span_lo(ptp); i < span_hi(ptp) && ptp->priv[0] > 0; i++) {
		if (pte_in_use(pt[i])) {
			pte_release(pmap, pt[i]);
			ptp->priv[0]--;
		}
	}
	pmm_free_pages(pmap->env->pmm, ptp, 0);
	pmap_stats.pt_free++;
}

/* The PTE for va, creating its page table if needed, or copying it if it
 * is shared: 0 or -ENOMEM. */
static int pte_lookup_or_create(struct pmap *pmap, vaddr_t va, uint32_t **ptep)
{
	uint32_t *pde = &pmap->pd[PDX(va)];
	int err;

	if (*pde & PDE_PS)
		panic("pmap_enter: %#lx lies in a 4 MiB page", (unsigned long)va);
	err = pt_own(pmap, PDX(va));
	if (err)
		return err;
	if (!(*pde & PTE_P)) {
		if (pmap->kernel)       /* kernel tables are all made at boot: shared */
			panic("pmap_enter: no kernel page table for %#lx", (unsigned long)va);
		/* The directory allows everything; each PTE restricts (as xv6 says). */
		err = pt_create(pmap, pde, PTE_P | PTE_W | PTE_U);
		if (err)
			return err;
		pmap->npts++;
		table_mark(pmap, PDX(va), true);
	}
	*ptep = &pt_entries(pmap, *pde)[PTX(va)];
	return 0;
}

static void resident_add(struct pmap *pmap, uint32_t n)
{
	pmap->resident += n;
	if (pmap->resident > pmap->resident_peak)
		pmap->resident_peak = pmap->resident;
}

uint32_t pmap_resident(const struct pmap *pmap)
{
	return pmap->resident;
}

uint32_t pmap_resident_peak(const struct pmap *pmap)
{
	return pmap->resident_peak;
}

/* Free the page table behind pd[pdx] if it maps nothing any more. */
static void pt_free_if_empty(struct pmap *pmap, uint32_t pdx)
{
	uint32_t pde = pmap->pd[pdx];

	if (!pmap->kernel && (pde & PTE_P) && pt_page(pmap, pde)->priv[0] == 0)
		pt_release(pmap, pdx);
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
	if (flags & PMAP_MANAGED)       /* first, in case old maps the same frame */
		pmm_page_get(pte_frame(pmap, *pte));
	if (!pte_in_use(old)) {
		struct page *ptp = pt_page(pmap, pmap->pd[PDX(va)]);

		ptp->priv[0]++;
		span_add(ptp, PTX(va));
		resident_add(pmap, 1);
		return 0;
	}
	if (old != *pte && tlb_may_cache(pmap, old)) {
		pmap->env->tlb_invalidate(va);
		pmap_stats.tlb_single++;
	}
	pte_release(pmap, old);
	return 0;
}

unsigned pmap_enter_empty(struct pmap *pmap, vaddr_t va, unsigned n, const paddr_t *pa, vm_prot_t prot,
			  unsigned flags)
{
	uint32_t pde = pmap->pd[PDX(va)], *pt;
	struct page *ptp;
	unsigned done = 0;

	check_range(pmap, va, va + (uint64_t)n * PAGE_SIZE, "pmap_enter_empty");
	if (n == 0 || PDX(va) != PDX(va + (n - 1) * PAGE_SIZE) || prot == VM_PROT_NONE)
		panic("pmap_enter_empty: %u pages at %#lx do not lie in one table", n, (unsigned long)va);
	if (!(pde & PTE_P) || (pde & PDE_PS) || pt_own(pmap, PDX(va)))
		return 0;               /* no table yet, or no memory to copy a shared one */
	pde = pmap->pd[PDX(va)];
	pt = pt_entries(pmap, pde);
	ptp = pt_page(pmap, pde);
	for (unsigned i = 0; i < n; i++) {
		uint32_t *pte = &pt[PTX(va) + i];

		if (!pa[i] || pte_in_use(*pte))
			continue;
		if (pa[i] % PAGE_SIZE || pa[i] >> 32)
			panic("pmap_enter_empty: bad frame %#llx", (unsigned long long)pa[i]);
		*pte = (uint32_t)pa[i] | prot_to_pte(prot, flags);
		if (flags & PMAP_MANAGED)
			pmm_page_get(pte_frame(pmap, *pte));
		ptp->priv[0]++;
		span_add(ptp, PTX(va) + i);
		done++;
	}
	resident_add(pmap, done);
	return done;
}

/* What pte_range_update does to each entry in use. */
#define PT_REMOVE       ((vm_prot_t)-1)         /* clear it (else: the new protection) */

/* An entry in use, given protection prot: kept but not present for NONE. */
static uint32_t pte_reprotect(uint32_t pte, vm_prot_t prot)
{
	pte &= ~(uint32_t)(PTE_P | PTE_W | PTE_SW_NOACCESS);
	if (prot == VM_PROT_NONE)
		return pte | PTE_SW_NOACCESS;
	return pte | PTE_P | ((prot & VM_PROT_WRITE) ? PTE_W : 0);
}

/*
 * Within one page table, clear (PT_REMOVE) or re-protect every PTE in use
 * for [va, end), noting what the TLB may still hold.
 */
static void pt_update(struct pmap *pmap, struct tlb_batch *b, uint64_t va, uint64_t end, vm_prot_t op)
{
	uint32_t pde = pmap->pd[PDX(va)], *pt = pt_entries(pmap, pde);
	struct page *ptp = pt_page(pmap, pde);

	for (; va < end; va += PAGE_SIZE) {
		uint32_t *pte = &pt[PTX(va)], old = *pte;

		if (!pte_in_use(old))
			continue;
		*pte = op == PT_REMOVE ? 0 : pte_reprotect(old, op);
		if (*pte == old)
			continue;
		if (op == PT_REMOVE) {
			ptp->priv[0]--;
			pmap->resident--;
			pte_release(pmap, old);
		}
		tlb_note(pmap, b, (vaddr_t)va, old);
	}
}

/*
 * pt_update over [sva, eva), one directory entry at a time; entries with
 * no page table are skipped whole, and tables left empty are freed. A
 * shared table being unmapped whole is let go of; one changed in part is
 * copied first. Returns 0 or -ENOMEM (from the copy; see pmap_remove).
 */
static int pte_range_update(struct pmap *pmap, vaddr_t sva, vaddr_t eva, vm_prot_t op)
{
	struct tlb_batch b;
	int err = 0;

	b.n = 0;                /* (not the whole array: this is a hot path) */
	b.flush_all = false;

	for (uint64_t va = sva, next; va < eva; va = next) {
		uint32_t pdx = PDX(va), pde = pmap->pd[pdx];

		next = MIN((va & ~(PDE_SPAN - 1)) + PDE_SPAN, (uint64_t)eva);
		if (pde & PDE_PS)
			panic("pmap: %#llx lies in a 4 MiB page, which pmap_remove/protect do not split",
			      (unsigned long long)va);
		if (!(pde & PTE_P))
			continue;
		if (!pmap->kernel && !(pde & PTE_W) && op == PT_REMOVE && next - va == PDE_SPAN) {
			pt_release(pmap, pdx);
			b.flush_all |= pmap->active;
			continue;
		}
		err = pt_own(pmap, pdx);
		if (err)
			break;
		pt_update(pmap, &b, va, next, op);
		pt_free_if_empty(pmap, pdx);
	}
	tlb_finish(pmap, &b);
	return err;
}

int pmap_remove(struct pmap *pmap, vaddr_t sva, vaddr_t eva)
{
	check_range(pmap, sva, eva, "pmap_remove");
	return pte_range_update(pmap, sva, eva, PT_REMOVE);
}

int pmap_protect(struct pmap *pmap, vaddr_t sva, vaddr_t eva, vm_prot_t prot)
{
	check_range(pmap, sva, eva, "pmap_protect");
	return pte_range_update(pmap, sva, eva, prot);
}

void pmap_fork(struct pmap *dst, struct pmap *src)
{
	bool changed = false;

	if (dst->kernel || src->kernel || dst->npts)
		panic("pmap_fork: needs two user pmaps, the new one empty (%u tables)", dst->npts);
	for (uint32_t pdx = next_table(src, 0); pdx < KERNEL_PDX; pdx = next_table(src, pdx + 1)) {
		uint32_t pde = src->pd[pdx];

		pt_page(src, pde)->refcount++;
		changed |= (pde & PTE_W) != 0;
		src->pd[pdx] = dst->pd[pdx] = pde & ~(uint32_t)PTE_W;
		dst->npts++;
		pmap_stats.pt_shared++;
	}
	memcpy(dst->tables, src->tables, sizeof(dst->tables));
	dst->resident = dst->resident_peak = src->resident;
	if (changed && src->active)     /* it may cache writable entries */
		tlb_flush_all(src);
}

int pmap_unshare(struct pmap *pmap, vaddr_t va)
{
	if (pmap->kernel || va >= KERNEL_VBASE)
		panic("pmap_unshare: %#lx is not in a user pmap", (unsigned long)va);
	return pt_own(pmap, PDX(va));
}

int pmap_unshare_edges(struct pmap *pmap, vaddr_t sva, uint64_t eva)
{
	int err = 0;

	if (sva % PDE_SPAN)
		err = pmap_unshare(pmap, sva);
	if (!err && eva % PDE_SPAN)
		err = pmap_unshare(pmap, (vaddr_t)(eva - 1));
	return err;
}

/* What an entry in use grants, seen through its directory entry (a
 * shared table's entries are read-only: fork cleared the PDE's W). */
static vm_prot_t entry_prot(uint32_t pde, uint32_t pte)
{
	pte &= pde | ~(uint32_t)PTE_W;
	return (pte & PTE_P) ? pte_to_prot(pte) : VM_PROT_NONE;
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
		if (!pte_in_use(pte))
			return -ENOENT;
		*pa = (pte & PTE_FRAME_MASK) | (va & (PAGE_SIZE - 1));
	}
	if (prot)
		*prot = entry_prot(pde, pte);
	return 0;
}

/* Fill *m for the page at va, which entry pte (or the 4 MiB PDE) maps. */
static void mapping_of(const struct pmap *pmap, uint64_t va, uint32_t pde, uint32_t pte,
		       struct pmap_mapping *m)
{
	m->va = (vaddr_t)va;
	if (pde & PDE_PS)
		m->pa = (pde & PDE_LARGE_FRAME_MASK) | (va & (LARGE_PAGE_SIZE - PAGE_SIZE));
	else
		m->pa = pte & PTE_FRAME_MASK;
	m->prot = entry_prot(pde, pte);
	m->used = ((pte & PTE_A) ? PMAP_REFERENCED : 0) | ((pte & PTE_D) ? PMAP_MODIFIED : 0);
	m->table_sharers = pmap_table_sharers(pmap, (vaddr_t)va);
}

/*
 * Directory entries with nothing present are stepped over 4 MiB at a time,
 * so a walk over a large region costs its page tables and the entries in
 * them, not its size. The index is 64-bit: it may step past 0xFFC00000.
 */
int pmap_next(const struct pmap *pmap, vaddr_t *va, vaddr_t eva, struct pmap_mapping *m)
{
	uint64_t v = *va;

	while (v < eva) {
		uint32_t pde = pmap->pd[PDX(v)];
		const uint32_t *pt;

		if (!(pde & PTE_P)) {
			v = (v | (LARGE_PAGE_SIZE - 1)) + 1;
			continue;
		}
		if (pde & PDE_PS) {
			mapping_of(pmap, v, pde, pde, m);
			*va = (vaddr_t)(v + PAGE_SIZE);
			return 0;
		}
		pt = pt_entries(pmap, pde);
		for (uint32_t i = PTX(v); i < PT_ENTRIES && v < eva; i++, v += PAGE_SIZE)
			if (pte_in_use(pt[i])) {
				mapping_of(pmap, v, pde, pt[i], m);
				*va = (vaddr_t)(v + PAGE_SIZE);
				return 0;
			}
	}
	*va = eva;
	return -ENOENT;
}

uint32_t pmap_table_sharers(const struct pmap *pmap, vaddr_t va)
{
	uint32_t pde = pmap->pd[PDX(va)];

	if (!(pde & PTE_P))
		return 0;
	if ((pde & PDE_PS) || pmap->kernel || va >= KERNEL_VBASE)
		return 1;
	return pte_frame(pmap, pde)->refcount;  /* a table's refcount: pmaps pointing at it */
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
	for (uint32_t pdx = next_table(pmap, 0); pdx < KERNEL_PDX; pdx = next_table(pmap, pdx + 1))
		pt_release(pmap, pdx);
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
