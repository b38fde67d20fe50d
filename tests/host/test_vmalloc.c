/*
 * vmalloc (mm/vmalloc.c) on the host: a kernel pmap over a pmm_world's
 * frames, with a 16 MiB window. Every area must be mapped read-write page
 * by page to distinct frames, followed by an unmapped guard page, and
 * freeing must unmap it and return every frame.
 */
#include <pagoda/errno.h>
#include <pagoda/ktest.h>
#include <pagoda/string.h>
#include <pagoda/vmalloc.h>
#include <arch/memlayout.h>
#include "oracle.h"
#include "pmm_world.h"

#define WIN_BASE        VMALLOC_BASE
#define WIN_PAGES       4096u                   /* 16 MiB */
#define WIN_END         (WIN_BASE + WIN_PAGES * PAGE_SIZE)
#define MAX_AREAS       64

static struct pmm_world world;
static struct pmap kernel;
static struct vmalloc_space vs;

static void no_invlpg(vaddr_t va)
{
	(void)va;
}

static void no_flush(void)
{
}

static const struct pmap_env penv = { &world.pmm, world_phys_to_virt, no_invlpg, no_flush };
static const struct heap_env henv = { &world.pmm, world_phys_to_virt, world_virt_to_phys };

struct area {
	vaddr_t va;
	size_t size;
};

/* Returns 0 once the window is set up, with the frames free before it. */
static uint64_t setup(void)
{
	world_init(&world);
	pmap_init(&kernel, &penv, NULL);
	pmap_kernel_reserve_tables(&kernel, WIN_BASE, WIN_END);
	vmalloc_init(&vs, &kernel, &henv, WIN_BASE, WIN_END);
	return pmm_free_count(&world.pmm);
}

/* The page-by-page truth: which window pages are mapped, to distinct frames,
 * and whether that is exactly the areas with a guard after each. */
static bool window_matches(struct ktest_ctx *t, const struct area *a, unsigned n)
{
	static bool expect[WIN_PAGES];
	static uint32_t owner[WORLD_NPAGES];
	uint32_t mapped = 0;

	memset(expect, 0, sizeof(expect));
	memset(owner, 0, sizeof(owner));
	for (unsigned k = 0; k < n; k++) {
		uint32_t first = (a[k].va - WIN_BASE) / PAGE_SIZE, np = (uint32_t)((a[k].size + PAGE_SIZE - 1) / PAGE_SIZE);

		for (uint32_t i = first; i < first + np; i++)
			expect[i] = true;
		if (first == 0 || (first + np < WIN_PAGES && expect[first + np])) {
			ktest_fail(t, __FILE__, __LINE__, "area %#lx has no guard page", (unsigned long)a[k].va);
			return false;
		}
	}
	for (uint32_t i = 0; i < WIN_PAGES; i++) {
		paddr_t pa;
		vm_prot_t prot;
		bool present = pmap_extract(&kernel, WIN_BASE + i * PAGE_SIZE, &pa, &prot) == 0;

		if (present != expect[i] || (present && prot != (VM_PROT_RW | VM_PROT_EXEC))) {
			ktest_fail(t, __FILE__, __LINE__, "window page %u: mapped %d, expected %d", i, present, expect[i]);
			return false;
		}
		if (present && owner[(pa >> PAGE_SHIFT) - WORLD_BASE_PFN]++) {
			ktest_fail(t, __FILE__, __LINE__, "frame %#llx mapped twice", (unsigned long long)pa);
			return false;
		}
		mapped += present;
	}
	if (mapped != vs.nr_pages) {
		ktest_fail(t, __FILE__, __LINE__, "%u pages mapped, vmalloc counts %u", mapped, vs.nr_pages);
		return false;
	}
	return true;
}

KTEST(vmalloc_random_areas_have_guards_and_free_everything)
{
	struct area a[MAX_AREAS];
	unsigned n = 0, seed = 5, most = 0;
	uint64_t free_before = setup();

	for (int op = 0; op < 600; op++) {
		if (oracle_rand(&seed) % 3 && n < MAX_AREAS) {
			size_t size = 1 + oracle_rand(&seed) % (oracle_rand(&seed) % 4 ? 3 * PAGE_SIZE : 200 * PAGE_SIZE);
			int err = vmalloc_alloc(&vs, size, &a[n].va);

			KT_ASSERT(err == 0 || err == -ENOMEM);
			if (err == 0) {
				KT_ASSERT(vmalloc_size(&vs, a[n].va) == size);
				a[n++].size = size;
				most = MAX(most, n);
			}
		} else if (n) {
			unsigned k = oracle_rand(&seed) % n;

			KT_ASSERT_EQ(vmalloc_free(&vs, a[k].va), 0);
			a[k] = a[--n];
		}
		if (op % 20 == 0 && !window_matches(t, a, n))
			return;
	}
	KT_ASSERT(most >= 20);          /* the window really held many areas at once */
	while (n)
		KT_ASSERT_EQ(vmalloc_free(&vs, a[--n].va), 0);
	KT_ASSERT(window_matches(t, a, 0));
	kmem_cache_shrink(&vs.area_cache);
	KT_ASSERT_EQ(pmm_free_count(&world.pmm), free_before);
	kmem_cache_destroy(&vs.area_cache);
}

KTEST(vmalloc_full_window_fails_cleanly)
{
	uint64_t free_before = setup(), free_after_first;
	vaddr_t va, va2;

	/* The window minus two guard pages is the largest area there can be. */
	KT_ASSERT_EQ(vmalloc_alloc(&vs, (WIN_PAGES - 2) * PAGE_SIZE + 1, &va), -ENOMEM);
	KT_ASSERT_EQ(vmalloc_alloc(&vs, 0, &va), -EINVAL);
	KT_ASSERT_EQ(vmalloc_alloc(&vs, 100 * PAGE_SIZE, &va), 0);
	KT_ASSERT_EQ(va, WIN_BASE + PAGE_SIZE);         /* above the leading guard */
	free_after_first = pmm_free_count(&world.pmm);
	/* More frames than the world has: fails, leaving no frame or mapping. */
	KT_ASSERT_EQ(vmalloc_alloc(&vs, (WIN_PAGES - 200) * PAGE_SIZE, &va2), -ENOMEM);
	KT_ASSERT_EQ(pmm_free_count(&world.pmm), free_after_first);
	KT_ASSERT_EQ(vs.nr_areas, 1);
	KT_ASSERT_EQ(vmalloc_free(&vs, va + PAGE_SIZE), -EINVAL);       /* not an area's start */
	KT_ASSERT_EQ(vmalloc_free(&vs, va), 0);
	KT_ASSERT_EQ(vmalloc_free(&vs, va), -EINVAL);                   /* twice */
	kmem_cache_shrink(&vs.area_cache);
	KT_ASSERT_EQ(pmm_free_count(&world.pmm), free_before);
	kmem_cache_destroy(&vs.area_cache);
}
