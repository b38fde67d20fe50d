/*
 * The buddy allocator (mm/pmm.c) on the host, in a private world of 4096
 * frames with holes (pmm_world.c), checked against a model.
 */
#include <pagoda/ktest.h>
#include <pagoda/pmm.h>
#include <pagoda/printf.h>
#include "host_panic.h"
#include "oracle.h"
#include "pmm_world.h"

static struct pmm_world world;

#define KT_WORLD(call) do {                                                   \
	if ((call) != 0) {                                                    \
		ktest_fail(t, __FILE__, __LINE__, "%s: %s", #call, world.why); \
		return;                                                       \
	}                                                                     \
} while (0)

KTEST(pmm_init_gives_every_free_frame_once)
{
	world_init(&world);
	KT_WORLD(world_check(&world));
	KT_ASSERT_EQ(pmm_free_count(&world.pmm), 499 + 1500 + 1 + 1096);
	/* The two adjacent pieces [700, 2100) and [2100, 2200) merged: an
	 * order-7 block at 1920 (relative) exists only if they did. */
	KT_ASSERT_EQ(pmm_pfn_to_page(&world.pmm, WORLD_BASE_PFN + 2048 + 0)->state, PAGE_FREE);
	KT_ASSERT_EQ(pmm_pfn_to_page(&world.pmm, WORLD_BASE_PFN + 2048)->order, 7);
	/* Holes stay reserved. */
	KT_ASSERT_EQ(pmm_pfn_to_page(&world.pmm, WORLD_BASE_PFN)->state, PAGE_RESERVED);
	KT_ASSERT_EQ(pmm_pfn_to_page(&world.pmm, WORLD_BASE_PFN + 600)->state, PAGE_RESERVED);
	KT_ASSERT_EQ(world.pmm.zones[ZONE_LOW].managed_pages, 499 + (2048 - 700));
}

/* Random allocations and frees against the model, checked throughout. */
KTEST(pmm_random_operations_match_model)
{
	unsigned seed = 2024;

	world_init(&world);
	for (int i = 0; i < 40000; i++) {
		unsigned r = oracle_rand(&seed);

		if (r % 3 != 0 && world.nlive < WORLD_MAX_LIVE) {
			/* Mostly small orders, as real workloads ask. */
			unsigned order = (r >> 4) % 8 == 0 ? (r >> 8) % (PMM_MAX_ORDER + 1) : (r >> 8) % 3;

			KT_WORLD(world_alloc(&world, order, (r >> 12) & 1 ? PMM_ANY : PMM_LOWMEM));
		} else {
			KT_WORLD(world_free(&world, r >> 4));
		}
		if (i % 1000 == 0)
			KT_WORLD(world_check(&world));
	}
	KT_WORLD(world_finish(&world));
}

KTEST(pmm_exhaustion_returns_null_then_recovers)
{
	uint64_t total;

	world_init(&world);
	total = pmm_free_count(&world.pmm);
	for (uint64_t i = 0; i < total; i++)
		KT_WORLD(world_alloc(&world, 0, PMM_ANY));
	KT_ASSERT_EQ(pmm_free_count(&world.pmm), 0);
	KT_ASSERT(pmm_alloc_pages(&world.pmm, 0, PMM_ANY) == NULL);
	KT_ASSERT(pmm_alloc_pages(&world.pmm, 0, PMM_LOWMEM) == NULL);
	KT_ASSERT(pmm_alloc_pages(&world.pmm, PMM_MAX_ORDER, PMM_ANY) == NULL);
	KT_WORLD(world_check(&world));
	KT_WORLD(world_finish(&world));
	KT_WORLD(world_alloc(&world, PMM_MAX_ORDER, PMM_ANY));  /* whole again */
	KT_WORLD(world_finish(&world));
}

KTEST(pmm_rejects_orders_above_max)
{
	world_init(&world);
	KT_ASSERT(pmm_alloc_pages(&world.pmm, PMM_MAX_ORDER + 1, PMM_ANY) == NULL);
	KT_ASSERT(pmm_alloc_pages(&world.pmm, 200, PMM_ANY) == NULL);
	KT_ASSERT_EQ(pmm_free_count(&world.pmm), world.expect_free);
}

KTEST(pmm_zone_choice)
{
	struct page *p;

	world_init(&world);
	p = pmm_alloc_pages(&world.pmm, 0, PMM_ANY);           /* high preferred */
	KT_ASSERT(p && pmm_page_to_pfn(&world.pmm, p) >= WORLD_HIGH_PFN);
	pmm_free_pages(&world.pmm, p, 0);
	/* With high memory used up, PMM_ANY falls back to low. */
	while ((p = pmm_alloc_pages(&world.pmm, 0, PMM_ANY)) && pmm_page_to_pfn(&world.pmm, p) >= WORLD_HIGH_PFN)
		;
	KT_ASSERT(p && pmm_page_to_pfn(&world.pmm, p) < WORLD_HIGH_PFN);
	KT_ASSERT_EQ(world.pmm.zones[ZONE_HIGH].free_pages, 0);
	for (int i = 0; i < 100; i++) {
		p = pmm_alloc_pages(&world.pmm, 1, PMM_LOWMEM);
		KT_ASSERT(p && p->zone == ZONE_LOW);
	}
}

KTEST(pmm_cache_is_bounded_and_drains)
{
	struct page *pages[200];

	world_init(&world);
	for (int i = 0; i < 200; i++)
		KT_ASSERT((pages[i] = pmm_alloc_pages(&world.pmm, 0, PMM_LOWMEM)) != NULL);
	for (int i = 0; i < 200; i++) {
		pmm_free_pages(&world.pmm, pages[i], 0);
		KT_ASSERT(world.pmm.zones[ZONE_LOW].cache_count <= PMM_CACHE_HIGH);
	}
	KT_ASSERT(world.pmm.zones[ZONE_LOW].cache_count > 0);
	KT_WORLD(world_check(&world));
	/* The most recently freed frame comes back first: it is cache-warm. */
	KT_ASSERT(pmm_alloc_pages(&world.pmm, 0, PMM_LOWMEM) == pages[199]);
	pmm_free_pages(&world.pmm, pages[199], 0);
	pmm_drain_caches(&world.pmm);
	KT_ASSERT_EQ(world.pmm.zones[ZONE_LOW].cache_count, 0);
	KT_WORLD(world_finish(&world));
}

KTEST(pmm_bad_frees_panic_and_change_nothing)
{
	struct page *big, *one;

	world_init(&world);
	big = pmm_alloc_pages(&world.pmm, 3, PMM_LOWMEM);
	one = pmm_alloc_pages(&world.pmm, 0, PMM_LOWMEM);
	KT_ASSERT(big && one);
	KT_EXPECT_PANIC(pmm_free_pages(&world.pmm, big, 2), "freed with order 2 but allocated with order 3");
	KT_EXPECT_PANIC(pmm_free_pages(&world.pmm, big + 1, 0), "not the first frame");
	KT_EXPECT_PANIC(pmm_free_pages(&world.pmm, &world.pages[0], 0), "never allocated");
	KT_EXPECT_PANIC(pmm_free_pages(&world.pmm, world.pages + WORLD_NPAGES, 0), "not a frame's metadata");
	pmm_free_pages(&world.pmm, one, 0);
	KT_EXPECT_PANIC(pmm_free_pages(&world.pmm, one, 0), "double free");
	pmm_free_pages(&world.pmm, big, 3);
	pmm_drain_caches(&world.pmm);
	KT_EXPECT_PANIC(pmm_free_pages(&world.pmm, big, 3), "frame 0x");
	KT_WORLD(world_check(&world));
	KT_ASSERT_EQ(pmm_free_count(&world.pmm), world.expect_free);
}

KTEST(pmm_panic_names_the_frame)
{
	struct page *p;

	world_init(&world);
	p = pmm_alloc_pages(&world.pmm, 0, PMM_LOWMEM);
	pmm_free_pages(&world.pmm, p, 0);
	KT_EXPECT_PANIC(pmm_free_pages(&world.pmm, p, 0), "double free");
	/* The frame's physical address is in the message. */
	{
		char addr[32];

		snprintf(addr, sizeof(addr), "frame %#llx", (unsigned long long)pmm_page_to_pa(&world.pmm, p));
		KT_ASSERT(oracle_strstr(host_panic_msg, addr) != NULL);
		KT_ASSERT(oracle_strstr(host_panic_msg, "caller") != NULL);
	}
}
