/*
 * The x86 pmap (arch/x86/pmap.c) on the host, over simulated physical
 * memory. The simulated MMU (sim_mmu.c), written from the manual, checks
 * every translation, and its TLB, which caches what the walker finds and
 * forgets only what the pmap invalidates, catches every missing
 * invalidation.
 */
#include <pagoda/errno.h>
#include <pagoda/ktest.h>
#include <pagoda/pmap.h>
#include <pagoda/string.h>
#include <arch/memlayout.h>
#include <arch/mmu.h>
#include "oracle.h"
#include "pmm_world.h"
#include "sim_mmu.h"

#define TEST_VA         0x00400000u     /* the user range the tests use */
#define TEST_PAGES      8192u           /* 32 MiB: eight page tables */

static struct pmm_world world;

/* ---- the machine: memory and a TLB (sim_mmu.c) ---- */

static struct sim_tlb_entry tlb_entries[TEST_PAGES];
static struct sim_tlb tlb;

static void sim_invlpg(vaddr_t va)
{
	sim_tlb_invlpg(&tlb, va);
}

static void sim_flush(void)
{
	sim_tlb_flush(&tlb);
}

static const struct pmap_env env = { &world.pmm, world_phys_to_virt, sim_invlpg, sim_flush };

/* ---- the model ---- */

struct model_page {
	bool mapped, writable, user;
	uint32_t pa;
	bool hidden;            /* protected VM_PROT_NONE: kept, not present */
};
static struct model_page model[TEST_PAGES];

/* pmap_next must visit exactly the model's mapped pages (kept
 * inaccessible ones too), in order, with their frames and protections. */
static bool check_next(struct ktest_ctx *t, const struct pmap *p, int line)
{
	vaddr_t va = TEST_VA, end = TEST_VA + TEST_PAGES * PAGE_SIZE;
	struct pmap_mapping m;
	uint32_t i = 0;

	for (;; i++) {
		int err = pmap_next(p, &va, end, &m);

		while (i < TEST_PAGES && !model[i].mapped)
			i++;
		if (err || i == TEST_PAGES)
			break;
		if (m.va != TEST_VA + i * PAGE_SIZE || m.pa != model[i].pa || va != m.va + PAGE_SIZE ||
		    m.prot != (model[i].hidden ? VM_PROT_NONE : model[i].writable ? VM_PROT_RW | VM_PROT_EXEC
										    : VM_PROT_READ | VM_PROT_EXEC)) {
			ktest_fail(t, __FILE__, line, "pmap_next gave va %#lx pa %#llx prot %u; the model's next is %#lx",
				   (unsigned long)m.va, (unsigned long long)m.pa, m.prot,
				   (unsigned long)(TEST_VA + i * PAGE_SIZE));
			return false;
		}
	}
	if (i != TEST_PAGES || va != end) {
		ktest_fail(t, __FILE__, line, "pmap_next stopped at %#lx, model page %u", (unsigned long)va, i);
		return false;
	}
	return true;
}

/* Every page must translate as the model says, through the TLB too. */
static bool check_all(struct ktest_ctx *t, const struct pmap *p, int line)
{
	for (uint32_t i = 0; i < TEST_PAGES; i++) {
		vaddr_t va = TEST_VA + i * PAGE_SIZE;
		struct sim_xlate w = sim_walk(p->pd_pa, va), a = sim_tlb_access(&tlb, p->pd_pa, va);
		const struct model_page *m = &model[i];

		bool present = m->mapped && !m->hidden;

		if (w.present != present || (present && (w.pa != m->pa || w.writable != m->writable || w.user != m->user))) {
			ktest_fail(t, __FILE__, line, "va %#lx: walk %d/%#x/w%d/u%d, model %d/%#x/w%d/u%d",
				   (unsigned long)va, w.present, w.pa, w.writable, w.user,
				   present, m->pa, m->writable, m->user);
			return false;
		}
		if (a.present != w.present || a.pa != w.pa || a.writable != w.writable) {
			ktest_fail(t, __FILE__, line, "va %#lx: stale TLB entry (pa %#x w%d), tables say %d/%#x/w%d",
				   (unsigned long)va, a.pa, a.writable, w.present, w.pa, w.writable);
			return false;
		}
	}
	return check_next(t, p, line);
}

static uint32_t model_resident(void)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < TEST_PAGES; i++)
		n += model[i].mapped;
	return n;
}

/* Page tables needed = directory entries with at least one mapped page. */
static uint32_t model_tables(void)
{
	uint32_t n = 0;

	for (uint32_t pt = 0; pt < TEST_PAGES / 1024; pt++) {
		bool any = false;

		for (uint32_t i = 0; i < 1024; i++)
			any |= model[pt * 1024 + i].mapped;
		n += any;
	}
	return n;
}

static void reset(struct pmap *kernel)
{
	world_init(&world);
	memset(model, 0, sizeof(model));
	sim_tlb_init(&tlb, TEST_VA, TEST_PAGES, tlb_entries);
	if (kernel) {
		pmap_init(kernel, &env, NULL);
		pmap_kernel_reserve_tables(kernel, KMAP_BASE, KMAP_END);
		pmap_kernel_map_large(kernel, KERNEL_VBASE, 0, 8 << 20, VM_PROT_RW, PMAP_GLOBAL);
	}
}

KTEST(pmap_random_operations_match_mmu)
{
	struct pmap kernel, p;
	uint64_t free_before;
	unsigned seed = 77;

	uint32_t peak = 0;

	reset(&kernel);
	free_before = pmm_free_count(&world.pmm);
	KT_ASSERT_EQ(pmap_init(&p, &env, &kernel), 0);
	p.active = true;                /* every change must reach the TLB */
	for (int op = 0; op < 3000; op++) {
		unsigned r = oracle_rand(&seed);
		uint32_t i = oracle_rand(&seed) % TEST_PAGES, n = 1 + oracle_rand(&seed) % 64;
		vaddr_t va = TEST_VA + i * PAGE_SIZE;

		if (i + n > TEST_PAGES)
			n = TEST_PAGES - i;
		if (r % 4 < 2) {                        /* enter */
			bool w = r & 16, u = r & 32;
			uint32_t pa = (oracle_rand(&seed) & 0xFFFFF) << PAGE_SHIFT;

			KT_ASSERT_EQ(pmap_enter(&p, va, pa, w ? VM_PROT_RW : VM_PROT_READ, u ? PMAP_USER : 0), 0);
			model[i] = (struct model_page){ true, w, u, pa, false };
		} else if (r % 4 == 2) {                /* remove a range */
			pmap_remove(&p, va, va + n * PAGE_SIZE);
			for (uint32_t j = i; j < i + n; j++)
				model[j].mapped = false;
		} else {                                /* protect a range */
			vm_prot_t prot = r & 16 ? VM_PROT_RW : (r & 32 ? VM_PROT_READ : VM_PROT_NONE);

			pmap_protect(&p, va, va + n * PAGE_SIZE, prot);
			for (uint32_t j = i; j < i + n; j++) {
				model[j].writable = model[j].mapped && (prot & VM_PROT_WRITE);
				model[j].hidden = prot == VM_PROT_NONE;
			}
		}
		if (op % 50 == 0 && !check_all(t, &p, __LINE__))
			return;
		KT_ASSERT_EQ(pmap_page_tables(&p), model_tables());
		KT_ASSERT_EQ(pmap_resident(&p), model_resident());
		if (model_resident() > peak)
			peak = model_resident();
		KT_ASSERT_EQ(pmap_resident_peak(&p), peak);
	}
	if (!check_all(t, &p, __LINE__))
		return;
	pmap_remove(&p, TEST_VA, TEST_VA + TEST_PAGES * PAGE_SIZE);
	KT_ASSERT_EQ(pmap_page_tables(&p), 0);          /* no empty table left behind */
	p.active = false;
	pmap_fini(&p);
	KT_ASSERT_EQ(pmm_free_count(&world.pmm), free_before);
}

KTEST(pmap_extract_reports_frame_and_protection)
{
	struct pmap kernel, p;
	paddr_t pa;
	vm_prot_t prot;

	reset(&kernel);
	KT_ASSERT_EQ(pmap_init(&p, &env, &kernel), 0);
	KT_ASSERT_EQ(pmap_extract(&p, TEST_VA, &pa, &prot), -ENOENT);
	KT_ASSERT_EQ(pmap_enter(&p, TEST_VA, 0x12345000, VM_PROT_READ, PMAP_USER), 0);
	KT_ASSERT_EQ(pmap_extract(&p, TEST_VA + 0x678, &pa, &prot), 0);
	KT_ASSERT_EQ(pa, 0x12345678);
	KT_ASSERT_EQ(prot, VM_PROT_READ | VM_PROT_EXEC);
	pmap_protect(&p, TEST_VA, TEST_VA + PAGE_SIZE, VM_PROT_RW);
	KT_ASSERT_EQ(pmap_extract(&p, TEST_VA, &pa, &prot), 0);
	KT_ASSERT_EQ(prot, VM_PROT_RW | VM_PROT_EXEC);
	/* The kernel half, shared: a 4 MiB page of the direct map. */
	KT_ASSERT_EQ(pmap_extract(&p, KERNEL_VBASE + 0x512345, &pa, &prot), 0);
	KT_ASSERT_EQ(pa, 0x512345);
	KT_ASSERT_EQ(pmap_extract(&p, KERNEL_VBASE + (8 << 20), &pa, &prot), -ENOENT);
	pmap_remove(&p, TEST_VA, TEST_VA + PAGE_SIZE);
	pmap_fini(&p);
}

/* The CPU's accessed and dirty bits, set here as the CPU would, come back
 * as used; pmap_next steps over empty 4 MiB and reads a 4 MiB page as
 * 4 KiB ones. */
KTEST(pmap_next_reports_use_and_skips_empty_tables)
{
	struct pmap kernel, p;
	struct pmap_mapping m;
	vaddr_t va, b = TEST_VA + 5 * LARGE_PAGE_SIZE;
	uint32_t *pte;

	reset(&kernel);
	KT_ASSERT_EQ(pmap_init(&p, &env, &kernel), 0);
	KT_ASSERT_EQ(pmap_enter(&p, TEST_VA, 0x1000, VM_PROT_RW, PMAP_USER), 0);
	KT_ASSERT_EQ(pmap_enter(&p, TEST_VA + PAGE_SIZE, 0x2000, VM_PROT_RW, PMAP_USER), 0);
	KT_ASSERT_EQ(pmap_enter(&p, b, 0x3000, VM_PROT_READ, PMAP_USER), 0);
	pte = world_phys_to_virt((p.pd[PDX(TEST_VA)] & PTE_FRAME_MASK) + 4 * PTX(TEST_VA + PAGE_SIZE));
	*pte |= PTE_A | PTE_D;
	va = TEST_VA;
	KT_ASSERT_EQ(pmap_next(&p, &va, b + PAGE_SIZE, &m), 0);
	KT_ASSERT_EQ(m.va, TEST_VA);
	KT_ASSERT_EQ(m.used, 0);
	KT_ASSERT_EQ(m.table_sharers, 1);
	KT_ASSERT_EQ(pmap_next(&p, &va, b + PAGE_SIZE, &m), 0);
	KT_ASSERT_EQ(m.pa, 0x2000);
	KT_ASSERT_EQ(m.used, PMAP_REFERENCED | PMAP_MODIFIED);
	KT_ASSERT_EQ(pmap_next(&p, &va, b + PAGE_SIZE, &m), 0);   /* four empty entries later */
	KT_ASSERT_EQ(m.va, b);
	KT_ASSERT_EQ(m.prot, VM_PROT_READ | VM_PROT_EXEC);
	KT_ASSERT_EQ(pmap_next(&p, &va, b + PAGE_SIZE, &m), -ENOENT);
	KT_ASSERT_EQ(va, b + PAGE_SIZE);
	va = b + PAGE_SIZE;
	KT_ASSERT_EQ(pmap_next(&p, &va, KERNEL_VBASE, &m), -ENOENT);
	KT_ASSERT_EQ(va, KERNEL_VBASE);
	/* The direct map's first 4 MiB page, one 4 KiB page at a time. */
	va = KERNEL_VBASE + LARGE_PAGE_SIZE - PAGE_SIZE;
	KT_ASSERT_EQ(pmap_next(&p, &va, KERNEL_VBASE + LARGE_PAGE_SIZE + PAGE_SIZE, &m), 0);
	KT_ASSERT_EQ(m.pa, LARGE_PAGE_SIZE - PAGE_SIZE);
	KT_ASSERT_EQ(pmap_next(&p, &va, KERNEL_VBASE + LARGE_PAGE_SIZE + PAGE_SIZE, &m), 0);
	KT_ASSERT_EQ(m.pa, LARGE_PAGE_SIZE);
	pmap_remove(&p, TEST_VA, b + PAGE_SIZE);
	pmap_fini(&p);
}

/* pmap_enter_empty fills only empty entries, of an existing table that it
 * makes this pmap's own, and maps nothing where there is no table. */
KTEST(pmap_enter_empty_fills_only_empty_entries)
{
	struct pmap kernel, p, child;
	const paddr_t pa[4] = { 0x11000, 0, 0x13000, 0x14000 };
	vm_prot_t prot;
	paddr_t got;

	reset(&kernel);
	KT_ASSERT_EQ(pmap_init(&p, &env, &kernel), 0);
	KT_ASSERT_EQ(pmap_enter_empty(&p, TEST_VA, 4, pa, VM_PROT_READ, PMAP_USER), 0);    /* no table */
	KT_ASSERT_EQ(pmap_enter(&p, TEST_VA + 2 * PAGE_SIZE, 0x22000, VM_PROT_RW, PMAP_USER), 0);
	KT_ASSERT_EQ(pmap_protect(&p, TEST_VA + 2 * PAGE_SIZE, TEST_VA + 3 * PAGE_SIZE, VM_PROT_NONE), 0);
	KT_ASSERT_EQ(pmap_init(&child, &env, &kernel), 0);
	pmap_fork(&child, &p);
	KT_ASSERT_EQ(pmap_enter_empty(&p, TEST_VA, 4, pa, VM_PROT_READ, PMAP_USER), 2);
	KT_ASSERT_EQ(pmap_extract(&p, TEST_VA, &got, &prot), 0);
	KT_ASSERT_EQ(got, 0x11000);
	KT_ASSERT_EQ(prot, VM_PROT_READ | VM_PROT_EXEC);
	KT_ASSERT_EQ(pmap_extract(&p, TEST_VA + PAGE_SIZE, &got, &prot), -ENOENT);
	KT_ASSERT_EQ(pmap_extract(&p, TEST_VA + 3 * PAGE_SIZE, &got, &prot), 0);
	KT_ASSERT_EQ(got, 0x14000);
	/* The kept PROT_NONE page stays as it was, and the child saw nothing. */
	KT_ASSERT_EQ(pmap_next(&p, &(vaddr_t){ TEST_VA + 2 * PAGE_SIZE }, TEST_VA + 3 * PAGE_SIZE,
			       &(struct pmap_mapping){ 0 }), 0);
	KT_ASSERT_EQ(pmap_extract(&child, TEST_VA, &got, &prot), -ENOENT);
	pmap_remove(&child, TEST_VA, TEST_VA + 4 * PAGE_SIZE);
	pmap_fini(&child);
	pmap_remove(&p, TEST_VA, TEST_VA + 4 * PAGE_SIZE);
	pmap_fini(&p);
}

/* Resident counts through fork's shared tables: the child starts with the
 * parent's count and peak at it; unmapping in either (a whole shared
 * table, or part of one, which copies it) lowers only that one's count. */
KTEST(pmap_resident_counts_shared_tables)
{
	struct pmap kernel, p, child;

	reset(&kernel);
	KT_ASSERT_EQ(pmap_init(&p, &env, &kernel), 0);
	for (uint32_t i = 0; i < 8; i++)
		KT_ASSERT_EQ(pmap_enter(&p, TEST_VA + i * PAGE_SIZE, 0x40000 + i * PAGE_SIZE, VM_PROT_RW,
					PMAP_USER), 0);
	KT_ASSERT_EQ(pmap_enter(&p, TEST_VA + LARGE_PAGE_SIZE, 0x80000, VM_PROT_READ, PMAP_USER), 0);
	pmap_remove(&p, TEST_VA + 6 * PAGE_SIZE, TEST_VA + 8 * PAGE_SIZE);
	KT_ASSERT_EQ(pmap_resident(&p), 7);
	KT_ASSERT_EQ(pmap_resident_peak(&p), 9);
	KT_ASSERT_EQ(pmap_init(&child, &env, &kernel), 0);
	pmap_fork(&child, &p);
	KT_ASSERT_EQ(pmap_resident(&child), 7);
	KT_ASSERT_EQ(pmap_resident_peak(&child), 7);
	pmap_remove(&child, TEST_VA, TEST_VA + 2 * PAGE_SIZE);                  /* copies the table */
	pmap_remove(&child, TEST_VA + LARGE_PAGE_SIZE, TEST_VA + 2 * LARGE_PAGE_SIZE); /* lets go of it */
	KT_ASSERT_EQ(pmap_resident(&child), 4);
	KT_ASSERT_EQ(pmap_resident(&p), 7);
	KT_ASSERT_EQ(pmap_protect(&p, TEST_VA, TEST_VA + 4 * PAGE_SIZE, VM_PROT_NONE), 0);
	KT_ASSERT_EQ(pmap_resident(&p), 7);     /* PROT_NONE pages stay resident */
	pmap_fini(&child);
	pmap_remove(&p, TEST_VA, TEST_VA + 2 * LARGE_PAGE_SIZE);
	KT_ASSERT_EQ(pmap_resident(&p), 0);
	pmap_fini(&p);
}

KTEST(pmap_kernel_half_is_shared)
{
	struct pmap kernel, a, b;
	paddr_t pa;

	reset(&kernel);
	KT_ASSERT_EQ(pmap_init(&a, &env, &kernel), 0);
	KT_ASSERT_EQ(pmap_init(&b, &env, &kernel), 0);
	/* A kernel mapping made after both were created shows in both, since
	 * they point at the same kernel page table. */
	KT_ASSERT_EQ(pmap_enter(&kernel, KMAP_BASE, 0x7000, VM_PROT_RW, PMAP_GLOBAL), 0);
	KT_ASSERT_EQ(pmap_extract(&a, KMAP_BASE, &pa, NULL), 0);
	KT_ASSERT_EQ(pa, 0x7000);
	KT_ASSERT(sim_walk(b.pd_pa, KMAP_BASE).present);
	KT_ASSERT(!sim_walk(b.pd_pa, KMAP_BASE).user);
	KT_ASSERT_EQ(pmap_page_tables(&a), 0);
	pmap_remove(&kernel, KMAP_BASE, KMAP_BASE + PAGE_SIZE);
	KT_ASSERT_EQ(pmap_extract(&b, KMAP_BASE, &pa, NULL), -ENOENT);
	/* The kernel's own tables are never freed when empty. */
	KT_ASSERT(sim_walk(kernel.pd_pa, KMAP_BASE).present == false);
	KT_ASSERT(kernel.pd[KMAP_BASE >> 22] & PTE_P);
	pmap_fini(&a);
	pmap_fini(&b);
}

KTEST(pmap_tlb_invalidation_rules)
{
	struct pmap kernel, p;

	reset(&kernel);
	KT_ASSERT_EQ(pmap_init(&p, &env, &kernel), 0);
	p.active = true;
	for (uint32_t i = 0; i < 100; i++)      /* new mappings: nothing to invalidate */
		KT_ASSERT_EQ(pmap_enter(&p, TEST_VA + i * PAGE_SIZE, 0x100000 + i * PAGE_SIZE, VM_PROT_RW, 0), 0);
	KT_ASSERT_EQ(tlb.invlpg, 0);
	KT_ASSERT_EQ(pmap_enter(&p, TEST_VA, 0x200000, VM_PROT_RW, 0), 0);    /* replace: one */
	KT_ASSERT_EQ(tlb.invlpg, 1);
	pmap_protect(&p, TEST_VA, TEST_VA + 4 * PAGE_SIZE, VM_PROT_READ);      /* four */
	KT_ASSERT_EQ(tlb.invlpg, 5);
	pmap_protect(&p, TEST_VA, TEST_VA + 4 * PAGE_SIZE, VM_PROT_READ);      /* no change: none */
	KT_ASSERT_EQ(tlb.invlpg, 5);
	KT_ASSERT_EQ(tlb.flushes, 0);
	pmap_remove(&p, TEST_VA, TEST_VA + 100 * PAGE_SIZE);   /* past the threshold: one flush */
	KT_ASSERT_EQ(tlb.invlpg, 5);
	KT_ASSERT_EQ(tlb.flushes, 1);
	p.active = false;                       /* not in CR3: nothing to invalidate */
	KT_ASSERT_EQ(pmap_enter(&p, TEST_VA, 0x300000, VM_PROT_RW, 0), 0);
	pmap_remove(&p, TEST_VA, TEST_VA + PAGE_SIZE);
	KT_ASSERT_EQ(tlb.invlpg, 5);
	KT_ASSERT_EQ(tlb.flushes, 1);
	pmap_fini(&p);
}

KTEST(pmap_out_of_memory_changes_nothing)
{
	struct pmap kernel, p, q;
	struct page *pg;
	paddr_t pa;

	reset(&kernel);
	KT_ASSERT_EQ(pmap_init(&p, &env, &kernel), 0);
	KT_ASSERT_EQ(pmap_enter(&p, TEST_VA, 0x5000, VM_PROT_RW, 0), 0);
	while ((pg = pmm_alloc_pages(&world.pmm, 0, PMM_ANY)) != NULL)
		;                                       /* use up every frame */
	KT_ASSERT_EQ(pmap_enter(&p, TEST_VA + (4 << 20), 0x6000, VM_PROT_RW, 0), -ENOMEM);
	KT_ASSERT_EQ(pmap_extract(&p, TEST_VA + (4 << 20), &pa, NULL), -ENOENT);
	KT_ASSERT_EQ(pmap_page_tables(&p), 1);
	/* A page in an existing table needs no memory. */
	KT_ASSERT_EQ(pmap_enter(&p, TEST_VA + PAGE_SIZE, 0x6000, VM_PROT_RW, 0), 0);
	KT_ASSERT_EQ(pmap_init(&q, &env, &kernel), -ENOMEM);
}
