/*
 * The simulated MMU's own tests: tables written by hand, in the SDM's
 * terms, must translate as the manual says, and the TLB must keep a stale
 * translation until it is told otherwise. The pmap and VM tests rely on
 * both, so a mistake here would hide one there.
 */
#include <string.h>
#include <pagoda/ktest.h>
#include <arch/mmu.h>
#include "pmm_world.h"
#include "sim_mmu.h"

static struct pmm_world world;

/* A zeroed frame of the world: its physical address. */
static paddr_t new_frame(void)
{
	paddr_t pa = pmm_page_to_pa(&world.pmm, pmm_alloc_pages(&world.pmm, 0, PMM_ANY));

	memset(world_phys_to_virt(pa), 0, PAGE_SIZE);
	return pa;
}

static void put32(paddr_t pa, uint32_t v)
{
	memcpy(world_phys_to_virt(pa), &v, 4);
}

static uint32_t get32(paddr_t pa)
{
	uint32_t v;

	memcpy(&v, world_phys_to_virt(pa), 4);
	return v;
}

KTEST(sim_mmu_walks_as_the_manual_says)
{
	paddr_t cd, pt, frame;
	struct sim_xlate x;

	world_init(&world);
	cd = new_frame(), pt = new_frame(), frame = new_frame();
	/* 0x00400000: a table, user and writable at the directory level. */
	put32(cd + 4 * 1, (uint32_t)pt | PTE_P | PTE_W | PTE_U);
	put32(pt + 4 * 5, (uint32_t)frame | PTE_P | PTE_U);                /* read-only */
	put32(pt + 4 * 6, (uint32_t)frame | PTE_P | PTE_W);                /* supervisor */
	put32(pt + 4 * 7, PTE_SW_NOACCESS);                                 /* kept, not present */
	x = sim_walk(cd, 0x00405123);
	KT_ASSERT(x.present && x.user && !x.writable && x.in_use);
	KT_ASSERT_EQ(x.pa, (uint32_t)frame | 0x123);
	x = sim_walk(cd, 0x00406000);
	KT_ASSERT(x.present && x.writable && !x.user);
	x = sim_walk(cd, 0x00407000);
	KT_ASSERT(!x.present && x.in_use);
	KT_ASSERT(!sim_walk(cd, 0x00408000).in_use);
	KT_ASSERT(!sim_walk(cd, 0x00800000).present);                      /* no table */
	/* A read-only directory entry makes its whole table read-only. */
	put32(cd + 4 * 1, (uint32_t)pt | PTE_P | PTE_U);
	KT_ASSERT(!sim_walk(cd, 0x00406000).writable);
	/* A 4 MiB page: the directory entry is the translation. */
	put32(cd + 4 * 0x300, 0x01000000u | PDE_PS | PTE_P | PTE_W);
	x = sim_walk(cd, 0xC0123456);
	KT_ASSERT(x.present && x.writable && !x.user);
	KT_ASSERT_EQ(x.pa, 0x01123456u);
	/* The CPU's accessed and dirty bits. */
	sim_mark_used(cd, 0x00405000, false);
	KT_ASSERT_EQ(get32(pt + 4 * 5) & (PTE_A | PTE_D), PTE_A);
	sim_mark_used(cd, 0x00405000, true);
	KT_ASSERT_EQ(get32(pt + 4 * 5) & (PTE_A | PTE_D), PTE_A | PTE_D);
}

KTEST(sim_tlb_keeps_stale_entries_until_invalidated)
{
	static struct sim_tlb_entry entries[16];
	struct sim_tlb tlb;
	paddr_t cd, pt, a, b;

	world_init(&world);
	cd = new_frame(), pt = new_frame(), a = new_frame(), b = new_frame();
	put32(cd + 4 * 1, (uint32_t)pt | PTE_P | PTE_W | PTE_U);
	put32(pt, (uint32_t)a | PTE_P | PTE_W | PTE_U);
	sim_tlb_init(&tlb, 0x00400000, 16, entries);
	KT_ASSERT_EQ(sim_tlb_access(&tlb, cd, 0x00400010).pa, (uint32_t)a | 0x10);
	put32(pt, (uint32_t)b | PTE_P | PTE_U);                 /* remapped, read-only */
	KT_ASSERT_EQ(sim_tlb_access(&tlb, cd, 0x00400010).pa, (uint32_t)a | 0x10);
	KT_ASSERT(sim_tlb_access(&tlb, cd, 0x00400010).writable);      /* stale */
	sim_tlb_invlpg(&tlb, 0x00401000);                       /* another page: no effect */
	KT_ASSERT_EQ(sim_tlb_access(&tlb, cd, 0x00400010).pa, (uint32_t)a | 0x10);
	sim_tlb_invlpg(&tlb, 0x00400000);
	KT_ASSERT_EQ(sim_tlb_access(&tlb, cd, 0x00400010).pa, (uint32_t)b | 0x10);
	KT_ASSERT(!sim_tlb_access(&tlb, cd, 0x00400010).writable);
	put32(pt, 0);                                           /* unmapped */
	KT_ASSERT(sim_tlb_access(&tlb, cd, 0x00400000).present);       /* stale */
	sim_tlb_flush(&tlb);
	KT_ASSERT(!sim_tlb_access(&tlb, cd, 0x00400000).present);
	KT_ASSERT_EQ(tlb.invlpg, 2);
	KT_ASSERT_EQ(tlb.flushes, 1);
	/* A page outside its range is never cached: always walked. */
	KT_ASSERT(sim_tlb_entry(&tlb, 0x00410000) == NULL);
}
