/*
 * The VM (mm/vmspace.c, mm/vm_fault.c, mm/vm_object.c) on the host, over a
 * vm_world: random programs of map, unmap, protect, fork, destroy and user
 * accesses checked against the model after every few steps (contents,
 * permissions, the TLB, every frame's and page table's refcount, leaks),
 * then targeted cases for what the random programs rarely reach.
 */
#include <stdlib.h>
#include <pagoda/errno.h>
#include <pagoda/ktest.h>
#include <pagoda/string.h>
#include "oracle.h"
#include "vm_world.h"


static struct vm_world w;

static bool run_program(struct ktest_ctx *t, unsigned first_seed, unsigned steps, unsigned zalloc_fail_every)
{
	unsigned seed = first_seed;

	vmw_init(&w, zalloc_fail_every);
	for (unsigned i = 0; i < steps; i++) {
		uint32_t r[4] = { oracle_rand(&seed) << 8 ^ oracle_rand(&seed), oracle_rand(&seed),
				  oracle_rand(&seed), oracle_rand(&seed) << 12 ^ oracle_rand(&seed) };

		if (vmw_step(&w, r) != 0 || (i % 64 == 63 && vmw_check(&w) != 0)) {
			ktest_fail(t, __FILE__, __LINE__, "seed %u step %u: %s", first_seed, i, w.why);
			return false;
		}
	}
	if (vmw_check(&w) != 0 || vmw_finish(&w) != 0) {
		ktest_fail(t, __FILE__, __LINE__, "seed %u at the end: %s", first_seed, w.why);
		return false;
	}
	return true;
}

KTEST(vm_random_programs_match_model)
{
	struct vm_fault_stats before = vm_stats;
	uint64_t copied = pmap_stats.pt_copied, reclaimed = pmap_stats.pt_reclaimed;

	for (unsigned seed = 1; seed <= 12; seed++)
		if (!run_program(t, seed, 3000, 0))
			return;
	/* Every path of the fault policy was taken, many times. */
	struct vm_fault_stats d;

#define DELTA(name, kind, status) d.name = vm_stats.name - before.name;
	VM_FAULT_COUNTERS(DELTA)
#undef DELTA
	copied = pmap_stats.pt_copied - copied;
	reclaimed = pmap_stats.pt_reclaimed - reclaimed;
	if (d.zero < 1000 || d.file < 50 || d.shared < 50 || d.cow_copied < 50 || d.cow_reused < 20 ||
	    d.stack_grow < 10 || d.spurious < 10 || d.bad < 100 || copied < 20 || reclaimed < 20)
		ktest_fail(t, __FILE__, __LINE__, "a path was rarely taken: zero %llu file %llu shared %llu "
			   "cow copied %llu reused %llu stack %llu spurious %llu bad %llu oom %llu, "
			   "tables copied %llu reclaimed %llu", (unsigned long long)d.zero,
			   (unsigned long long)d.file, (unsigned long long)d.shared,
			   (unsigned long long)d.cow_copied, (unsigned long long)d.cow_reused,
			   (unsigned long long)d.stack_grow, (unsigned long long)d.spurious,
			   (unsigned long long)d.bad, (unsigned long long)d.oom,
			   (unsigned long long)copied, (unsigned long long)reclaimed);
}

KTEST(vm_random_programs_survive_record_allocation_failures)
{
	for (unsigned seed = 100; seed <= 105; seed++)
		if (!run_program(t, seed, 2000, 7))
			return;
}

/* ---- targeted cases, on space 0 of a fresh world ---- */

static struct vmspace *fresh(void)
{
	vmw_init(&w, 0);
	w.space[0].vs.pmap.active = false;
	return &w.space[0].vs;
}

static uint32_t *page_mem(struct vmspace *vs, vaddr_t va)
{
	paddr_t pa;

	if (pmap_extract(&vs->pmap, va, &pa, NULL) != 0)
		return NULL;
	return world_phys_to_virt(pa);
}

static struct page *frame_of(struct vmspace *vs, vaddr_t va)
{
	paddr_t pa;

	if (pmap_extract(&vs->pmap, va, &pa, NULL) != 0)
		return NULL;
	return pmm_pfn_to_page(&w.pmm.pmm, (uint32_t)(pa / PAGE_SIZE));
}

KTEST(vm_fork_shares_tables_and_breaks_cow_per_page)
{
	struct vmspace *parent = fresh(), child;
	vaddr_t a = 0x400000;
	struct pmap_stats before;
	uint64_t free_before;

	KT_ASSERT_EQ(vm_map(parent, &a, 4 * PAGE_SIZE, VM_PROT_RW, VM_MAP_FIXED, NULL, 0), 0);
	KT_ASSERT_EQ(vm_fault(parent, a, VM_PROT_WRITE), 0);
	page_mem(parent, a)[0] = 111;
	before = pmap_stats;
	free_before = pmm_free_count(&w.pmm.pmm);
	KT_ASSERT_EQ(vmspace_fork(&child, parent), 0);
	/* A directory, and nothing else: no table copied, no frame touched. */
	KT_ASSERT_EQ(pmm_free_count(&w.pmm.pmm), free_before - 1);
	KT_ASSERT_EQ(pmap_stats.pt_shared - before.pt_shared, 1);      /* (the stack has none yet) */
	KT_ASSERT_EQ(frame_of(parent, a), frame_of(&child, a));
	KT_ASSERT_EQ(frame_of(parent, a)->refcount, 1);                /* one table maps it */

	/* The child writes: it gets its own table, then its own copy. */
	KT_ASSERT_EQ(vm_fault(&child, a, VM_PROT_WRITE), 0);
	KT_ASSERT_EQ(child.faults.cow_copied, 1);
	page_mem(&child, a)[0] = 222;
	KT_ASSERT(frame_of(parent, a) != frame_of(&child, a));
	KT_ASSERT_EQ(page_mem(parent, a)[0], 111);
	KT_ASSERT_EQ(frame_of(parent, a)->refcount, 1);
	KT_ASSERT_EQ(frame_of(&child, a)->refcount, 1);

	/* The parent writes: its table is its own again and the frame too. */
	KT_ASSERT_EQ(vm_fault(parent, a, VM_PROT_WRITE), 0);
	KT_ASSERT_EQ(parent->faults.cow_reused, 1);
	KT_ASSERT_EQ(parent->faults.cow_copied, 0);
	KT_ASSERT_EQ(page_mem(parent, a)[0], 111);
	vmspace_destroy(&child);
	KT_ASSERT_EQ(pmm_free_count(&w.pmm.pmm), free_before);
	KT_ASSERT_EQ(vmw_finish(&w), 0);
}

KTEST(vm_shared_region_stays_shared_after_fork)
{
	struct vmspace *parent = fresh(), child;
	struct vm_object *obj = vm_object_anon_shared(parent->env, 2 * PAGE_SIZE);
	vaddr_t a = 0x800000;

	KT_ASSERT(obj != NULL);
	KT_ASSERT_EQ(vm_map(parent, &a, 2 * PAGE_SIZE, VM_PROT_RW, VM_MAP_FIXED | VM_REGION_SHARED, obj, 0), 0);
	vm_object_put(parent->env, obj);        /* the region holds it now */
	KT_ASSERT_EQ(vmspace_fork(&child, parent), 0);
	KT_ASSERT_EQ(vm_fault(&child, a + PAGE_SIZE, VM_PROT_WRITE), 0);    /* made after the fork */
	page_mem(&child, a + PAGE_SIZE)[5] = 0xabc;
	KT_ASSERT_EQ(vm_fault(parent, a + PAGE_SIZE, VM_PROT_WRITE), 0);
	KT_ASSERT_EQ(page_mem(parent, a + PAGE_SIZE)[5], 0xabc);
	KT_ASSERT_EQ(frame_of(parent, a + PAGE_SIZE), frame_of(&child, a + PAGE_SIZE));
	KT_ASSERT_EQ(parent->faults.cow_copied + child.faults.cow_copied, 0);
	vmspace_destroy(&child);
	KT_ASSERT_EQ(vmw_finish(&w), 0);
}

KTEST(vm_stack_grows_down_but_keeps_its_guard_gap)
{
	struct vmspace *vs = fresh();
	vaddr_t top = VMW_PAGES * PAGE_SIZE, below, a;

	/* Growth within the limit: one page at a time, or a jump. */
	KT_ASSERT_EQ(vm_fault(vs, top - 5 * PAGE_SIZE, VM_PROT_WRITE), 0);
	KT_ASSERT_EQ(vm_region_find(vs, top - 5 * PAGE_SIZE)->node.start, top - 5 * PAGE_SIZE);
	KT_ASSERT_EQ(vm_fault(vs, top - 20 * PAGE_SIZE + 12, VM_PROT_READ), 0);
	KT_ASSERT_EQ(vs->faults.stack_grow, 2);
	/* Past the limit: refused. */
	KT_ASSERT_EQ(vm_fault(vs, top - VMW_STACK_MAX * PAGE_SIZE - PAGE_SIZE, VM_PROT_READ), -EFAULT);
	/* A region inside the guard gap below the stack stops it growing. */
	vs->stack_max = 1024 * PAGE_SIZE;
	below = top - 20 * PAGE_SIZE - VM_STACK_GUARD_GAP;
	a = below - PAGE_SIZE;
	KT_ASSERT_EQ(vm_map(vs, &a, PAGE_SIZE, VM_PROT_RW, VM_MAP_FIXED, NULL, 0), 0);
	KT_ASSERT_EQ(vm_fault(vs, top - 21 * PAGE_SIZE, VM_PROT_READ), -EFAULT);
	KT_ASSERT_EQ(vm_unmap(vs, a, PAGE_SIZE), 0);
	KT_ASSERT_EQ(vm_fault(vs, top - 21 * PAGE_SIZE, VM_PROT_READ), 0);
	/* And top-down placement keeps out of the gap too. */
	vs->mmap_base = top;
	KT_ASSERT_EQ(vm_find_free(vs, 0, PAGE_SIZE, &a), 0);
	KT_ASSERT_EQ(a, top - 21 * PAGE_SIZE - VM_STACK_GUARD_GAP - PAGE_SIZE);
	KT_ASSERT_EQ(vmw_finish(&w), 0);
}

KTEST(vm_protect_splits_and_merges_and_none_keeps_data)
{
	struct vmspace *vs = fresh();
	vaddr_t a = 0x400000;
	unsigned n = 0;

	KT_ASSERT_EQ(vm_map(vs, &a, 8 * PAGE_SIZE, VM_PROT_RW, VM_MAP_FIXED, NULL, 0), 0);
	KT_ASSERT_EQ(vm_fault(vs, a + 3 * PAGE_SIZE, VM_PROT_WRITE), 0);
	page_mem(vs, a + 3 * PAGE_SIZE)[9] = 99;
	KT_ASSERT_EQ(vm_protect(vs, a + 2 * PAGE_SIZE, 3 * PAGE_SIZE, VM_PROT_NONE), 0);
	for (struct vm_region *r = vm_region_first(vs); r; r = vm_region_next(r))
		n++;
	KT_ASSERT_EQ(n, 4);                                             /* 3 pieces and the stack */
	KT_ASSERT_EQ(vm_fault(vs, a + 3 * PAGE_SIZE, VM_PROT_READ), -EACCES);
	KT_ASSERT_EQ(vm_protect(vs, a + 2 * PAGE_SIZE, 3 * PAGE_SIZE, VM_PROT_RW), 0);
	KT_ASSERT_EQ(vm_region_find(vs, a)->node.end, a + 8 * PAGE_SIZE);   /* merged again */
	KT_ASSERT_EQ(vm_fault(vs, a + 3 * PAGE_SIZE, VM_PROT_READ), 0);
	KT_ASSERT_EQ(page_mem(vs, a + 3 * PAGE_SIZE)[9], 99);
	/* A hole in the range: -ENOMEM and nothing changed. */
	KT_ASSERT_EQ(vm_protect(vs, a, 9 * PAGE_SIZE, VM_PROT_READ), -ENOMEM);
	KT_ASSERT_EQ(vm_region_find(vs, a)->prot, VM_PROT_RW);
	KT_ASSERT_EQ(vmw_finish(&w), 0);
}

KTEST(vm_fault_out_of_memory_changes_nothing)
{
	struct vmspace *vs = fresh();
	struct page *hoard[WORLD_NPAGES];
	vaddr_t a = 0x400000;
	unsigned n = 0;

	KT_ASSERT_EQ(vm_map(vs, &a, 2 * PAGE_SIZE, VM_PROT_RW, VM_MAP_FIXED, NULL, 0), 0);
	KT_ASSERT_EQ(vm_fault(vs, a, VM_PROT_WRITE), 0);        /* the page table exists */
	while ((hoard[n] = pmm_alloc_pages(&w.pmm.pmm, 0, PMM_ANY)) != NULL)
		n++;
	KT_ASSERT_EQ(vm_fault(vs, a + PAGE_SIZE, VM_PROT_READ), -ENOMEM);
	KT_ASSERT_EQ(vs->faults.oom, 1);
	KT_ASSERT(page_mem(vs, a + PAGE_SIZE) == NULL);
	while (n > 0)
		pmm_free_pages(&w.pmm.pmm, hoard[--n], 0);
	KT_ASSERT_EQ(vm_fault(vs, a + PAGE_SIZE, VM_PROT_READ), 0);
	KT_ASSERT_EQ(vmw_finish(&w), 0);
}

/* A move whose k-th record allocation, or whose k-th frame, fails: *err
 * is 0 (moved) or -ENOMEM with the address space exactly as it was (1 if
 * an assertion failed). The old range shares its table with a forked
 * child, so unsharing needs frames too. */
static void move_with_failure(struct ktest_ctx *t, unsigned k, bool frames, int *result)
{
	struct vmspace *vs = fresh(), child;
	struct page *hoard[WORLD_NPAGES];
	vaddr_t a = 0x400000 + 2 * PAGE_SIZE, b = 0x900000 + PAGE_SIZE;
	unsigned n = 0;
	int err;

	*result = 1;
	KT_ASSERT_EQ(vm_map(vs, &a, 3 * PAGE_SIZE, VM_PROT_RW, VM_MAP_FIXED, NULL, 0), 0);
	for (unsigned i = 0; i < 3; i++) {
		KT_ASSERT_EQ(vm_fault(vs, a + i * PAGE_SIZE, VM_PROT_WRITE), 0);
		page_mem(vs, a + i * PAGE_SIZE)[0] = 100 + i;
	}
	KT_ASSERT_EQ(vmspace_fork(&child, vs), 0);
	if (frames) {
		while ((hoard[n] = pmm_alloc_pages(&w.pmm.pmm, 0, PMM_ANY)) != NULL)
			n++;
		for (unsigned i = 0; i < k && n > 0; i++)
			pmm_free_pages(&w.pmm.pmm, hoard[--n], 0);
	} else {
		w.zalloc_fail_every = 1000;
		w.zalloc_calls = 1000 - k - 1;          /* call k (from 0) fails */
	}
	err = vm_move(vs, a + PAGE_SIZE, 2 * PAGE_SIZE, b);
	w.zalloc_fail_every = 0;
	while (n > 0)
		pmm_free_pages(&w.pmm.pmm, hoard[--n], 0);
	KT_ASSERT(err == 0 || err == -ENOMEM);
	for (unsigned i = 0; i < 3; i++) {
		vaddr_t va = i == 0 || err ? a + i * PAGE_SIZE : b + (i - 1) * PAGE_SIZE;

		KT_ASSERT(page_mem(vs, va) != NULL);
		KT_ASSERT_EQ(page_mem(vs, va)[0], 100 + i);
	}
	KT_ASSERT((vm_region_find(vs, b) != NULL) == (err == 0));
	KT_ASSERT((vm_region_find(vs, a + PAGE_SIZE) != NULL) == (err != 0));
	KT_ASSERT_EQ(vmspace_check(vs, w.why, sizeof(w.why)), 0);
	vmspace_destroy(&child);
	KT_ASSERT_EQ(vmw_finish(&w), 0);
	*result = err;
}

/* vm_move's promise: -ENOMEM changes nothing, whichever allocation fails. */
KTEST(vm_move_out_of_memory_changes_nothing)
{
	unsigned failed_records = 0, failed_frames = 0;
	int err = -ENOMEM;

	for (unsigned k = 0; k < 12 && err == -ENOMEM; k++) {
		move_with_failure(t, k, false, &err);
		failed_records += err == -ENOMEM;
	}
	KT_ASSERT_EQ(err, 0);
	err = -ENOMEM;
	for (unsigned k = 0; k < 12 && err == -ENOMEM; k++) {
		move_with_failure(t, k, true, &err);
		failed_frames += err == -ENOMEM;
	}
	KT_ASSERT_EQ(err, 0);
	/* Each kind of failure was met before the move could succeed. */
	KT_ASSERT(failed_records >= 4);
	KT_ASSERT(failed_frames >= 1);
}

/* mremap may grow a region past its shared object, which keeps its size:
 * the pages beyond it are -ENXIO (SIGBUS), never a frame the object lacks. */
KTEST(vm_shared_object_past_its_end_is_enxio)
{
	struct vmspace *vs = fresh();
	struct vm_object *obj = vm_object_anon_shared(vs->env, PAGE_SIZE);
	vaddr_t a = 0x400000;

	KT_ASSERT(obj != NULL);
	KT_ASSERT_EQ(vm_map(vs, &a, 2 * PAGE_SIZE, VM_PROT_RW, VM_MAP_FIXED | VM_REGION_SHARED, obj, 0), 0);
	vm_object_put(vs->env, obj);
	KT_ASSERT_EQ(vm_fault(vs, a, VM_PROT_WRITE), 0);
	KT_ASSERT_EQ(vm_fault(vs, a + PAGE_SIZE, VM_PROT_READ), -ENXIO);
	KT_ASSERT_EQ(vm_fault(vs, a + PAGE_SIZE, VM_PROT_WRITE), -ENXIO);
	KT_ASSERT_EQ(vmw_finish(&w), 0);
}

/* A region that may never be writable (a shared mapping of a file opened
 * read-only): mprotect cannot make it so, and mapping it so is refused. */
KTEST(vm_protect_refuses_write_on_a_nowrite_region)
{
	struct vmspace *vs = fresh();
	vaddr_t a = 0x400000, b = 0x800000;
	struct vm_region *r;

	KT_ASSERT_EQ(vm_map(vs, &b, PAGE_SIZE, VM_PROT_RW, VM_MAP_FIXED | VM_REGION_NOWRITE, NULL, 0),
		     -EINVAL);
	KT_ASSERT_EQ(vm_map(vs, &a, 2 * PAGE_SIZE, VM_PROT_RW, VM_MAP_FIXED, NULL, 0), 0);
	b = a + 2 * PAGE_SIZE;
	KT_ASSERT_EQ(vm_map(vs, &b, 2 * PAGE_SIZE, VM_PROT_READ, VM_MAP_FIXED | VM_REGION_NOWRITE, NULL, 0), 0);
	/* As Linux: the regions before the refused one are changed. */
	KT_ASSERT_EQ(vm_protect(vs, a, 4 * PAGE_SIZE, VM_PROT_READ | VM_PROT_WRITE | VM_PROT_EXEC), -EACCES);
	KT_ASSERT_EQ(vm_region_find(vs, a)->prot, VM_PROT_READ | VM_PROT_WRITE | VM_PROT_EXEC);
	r = vm_region_find(vs, b);
	KT_ASSERT_EQ(r->prot, VM_PROT_READ);
	KT_ASSERT_EQ(vm_protect(vs, b, PAGE_SIZE, VM_PROT_READ | VM_PROT_EXEC), 0);
	KT_ASSERT_EQ(vm_region_find(vs, b)->prot, VM_PROT_READ | VM_PROT_EXEC);
	KT_ASSERT_EQ(vm_fault(vs, b, VM_PROT_WRITE), -EACCES);
	KT_ASSERT_EQ(vmw_finish(&w), 0);
}

/* A region that may not be cut (the vDSO's): unmapping, protecting or
 * replacing part of it is -EINVAL and changes nothing; all of it may be,
 * and so may what lies beside it. */
KTEST(vm_nosplit_region)
{
	struct vmspace *vs = fresh();
	vaddr_t a = 0x400000, b, c = 0x400000 + PAGE_SIZE;

	KT_ASSERT_EQ(vm_map(vs, &a, 2 * PAGE_SIZE, VM_PROT_READ, VM_MAP_FIXED | VM_REGION_NOSPLIT, NULL, 0), 0);
	b = a + 2 * PAGE_SIZE;
	KT_ASSERT_EQ(vm_map(vs, &b, PAGE_SIZE, VM_PROT_RW, VM_MAP_FIXED, NULL, 0), 0);
	KT_ASSERT_EQ(vm_unmap(vs, a, PAGE_SIZE), -EINVAL);
	KT_ASSERT_EQ(vm_unmap(vs, a + PAGE_SIZE, 2 * PAGE_SIZE), -EINVAL);
	KT_ASSERT_EQ(vm_protect(vs, a + PAGE_SIZE, PAGE_SIZE, VM_PROT_RW), -EINVAL);
	KT_ASSERT_EQ(vm_map(vs, &c, PAGE_SIZE, VM_PROT_RW, VM_MAP_FIXED, NULL, 0), -EINVAL);
	KT_ASSERT(vm_range_mapped(vs, a, a + 3 * PAGE_SIZE));
	KT_ASSERT_EQ(vm_region_find(vs, a)->node.end, a + 2 * PAGE_SIZE);
	KT_ASSERT_EQ(vm_region_find(vs, a)->prot, VM_PROT_READ);
	KT_ASSERT_EQ(vm_protect(vs, a, 2 * PAGE_SIZE, VM_PROT_RW), 0);
	KT_ASSERT_EQ(vm_unmap(vs, b, PAGE_SIZE), 0);
	KT_ASSERT_EQ(vm_unmap(vs, a, 3 * PAGE_SIZE), 0);
	KT_ASSERT(vm_region_find(vs, a) == NULL);
	KT_ASSERT_EQ(vmw_finish(&w), 0);
}

/* mincore's residency and madvise's discard: faulted pages are in
 * memory, a shared object's page is wherever it is mapped, a hole is
 * -ENOMEM; a discarded private page reads as zero again. */
KTEST(vm_residency_and_discard)
{
	struct vmspace *vs = fresh();
	struct vm_object *obj = vm_object_anon_shared(vs->env, PAGE_SIZE);
	vaddr_t a = 0x400000, s = 0x800000;
	uint8_t vec[4];

	KT_ASSERT(obj != NULL);
	KT_ASSERT_EQ(vm_map(vs, &a, 4 * PAGE_SIZE, VM_PROT_RW, VM_MAP_FIXED, NULL, 0), 0);
	KT_ASSERT_EQ(vm_map(vs, &s, 2 * PAGE_SIZE, VM_PROT_RW, VM_MAP_FIXED | VM_REGION_SHARED, obj, 0), 0);
	vm_object_put(vs->env, obj);
	KT_ASSERT_EQ(vm_fault(vs, a, VM_PROT_WRITE), 0);
	KT_ASSERT_EQ(vm_fault(vs, a + 2 * PAGE_SIZE, VM_PROT_READ), 0);
	page_mem(vs, a)[5] = 7;
	KT_ASSERT_EQ(vm_residency(vs, a, 4, vec), 0);
	KT_ASSERT(vec[0] == 1 && vec[1] == 0 && vec[2] == 1 && vec[3] == 0);
	KT_ASSERT_EQ(vm_residency(vs, a + 3 * PAGE_SIZE, 2, vec), -ENOMEM);
	KT_ASSERT_EQ(vm_residency(vs, s, 2, vec), 0);
	KT_ASSERT(vec[0] == 0 && vec[1] == 0);
	KT_ASSERT_EQ(vm_fault(vs, s, VM_PROT_WRITE), 0);
	KT_ASSERT_EQ(vm_discard(vs, s, s + PAGE_SIZE), 0);     /* unmapped here, kept by the object */
	KT_ASSERT_EQ(vm_residency(vs, s, 2, vec), 0);
	KT_ASSERT(vec[0] == 1 && vec[1] == 0);                 /* page 1 is past the object's end */
	KT_ASSERT_EQ(vm_discard(vs, a, a + 5 * PAGE_SIZE), -ENOMEM);   /* a hole at the end */
	KT_ASSERT_EQ(vm_residency(vs, a, 4, vec), 0);
	KT_ASSERT(vec[0] == 0 && vec[2] == 0);
	KT_ASSERT_EQ(vm_fault(vs, a, VM_PROT_READ), 0);
	KT_ASSERT_EQ(page_mem(vs, a)[5], 0);
	KT_ASSERT_EQ(vmw_finish(&w), 0);
}

KTEST(vm_file_pages_fill_from_the_image_and_stop_at_its_end)
{
	struct vmspace *vs = fresh();
	vaddr_t a = 0x400000;
	uint8_t *p;

	KT_ASSERT_EQ(vm_map(vs, &a, 12 * PAGE_SIZE, VM_PROT_RW, VM_MAP_FIXED, w.file, 0), 0);
	KT_ASSERT_EQ(vm_fault(vs, a + 10 * PAGE_SIZE, VM_PROT_READ), 0);    /* the partial last page */
	p = (uint8_t *)page_mem(vs, a + 10 * PAGE_SIZE);
	KT_ASSERT_EQ(p[99], w.file_data[10 * PAGE_SIZE + 99]);
	KT_ASSERT_EQ(p[100], 0);                                        /* past the end: zero */
	KT_ASSERT_EQ(vm_fault(vs, a + 11 * PAGE_SIZE, VM_PROT_READ), -ENXIO);
	/* A private write copies; the image is never written. */
	KT_ASSERT_EQ(vm_fault(vs, a, VM_PROT_WRITE), 0);
	((uint8_t *)page_mem(vs, a))[0] ^= 0xFF;
	KT_ASSERT_EQ(w.file_data[0], 1);
	KT_ASSERT_EQ(vs->faults.file, 2);
	KT_ASSERT_EQ(vmw_finish(&w), 0);
}

KTEST(vm_unmapping_a_whole_shared_table_leaves_no_tlb_entry)
{
	struct vmspace *parent = fresh(), child;
	vaddr_t a = 0x400000;
	uint32_t v = 5;

	KT_ASSERT_EQ(vm_map(parent, &a, 1024 * PAGE_SIZE, VM_PROT_RW, VM_MAP_FIXED, NULL, 0), 0);
	KT_ASSERT_EQ(vmw_access(&w, 0, a + 7 * PAGE_SIZE, true, &v), 0);    /* active, in the TLB */
	KT_ASSERT_EQ(vmspace_fork(&child, parent), 0);
	KT_ASSERT_EQ(vmw_access(&w, 0, a + 7 * PAGE_SIZE, false, &v), 0);   /* read-only entry cached */
	KT_ASSERT(w.tlb.e[(a + 7 * PAGE_SIZE) / PAGE_SIZE].valid);
	KT_ASSERT_EQ(vm_unmap(parent, a, 1024 * PAGE_SIZE), 0);             /* drops its share, no copy */
	KT_ASSERT(!w.tlb.e[(a + 7 * PAGE_SIZE) / PAGE_SIZE].valid);
	KT_ASSERT_EQ(vmw_access(&w, 0, a + 7 * PAGE_SIZE, false, &v), -EFAULT);
	vmspace_destroy(&child);
	KT_ASSERT_EQ(vmw_finish(&w), 0);
}

KTEST(vm_map_unmap_protect_reject_bad_arguments)
{
	struct vmspace *vs = fresh();
	vaddr_t a;

#define MAP(addr, len, prot, flags, obj, off) (a = (addr), vm_map(vs, &a, (len), (prot), (flags), (obj), (off)))
	KT_ASSERT_EQ(MAP(0x400100, PAGE_SIZE, VM_PROT_RW, VM_MAP_FIXED, NULL, 0), -EINVAL);         /* unaligned */
	KT_ASSERT_EQ(MAP(0x400000, 0, VM_PROT_RW, VM_MAP_FIXED, NULL, 0), -EINVAL);            /* empty */
	KT_ASSERT_EQ(MAP(0x1000, PAGE_SIZE, VM_PROT_RW, VM_MAP_FIXED, NULL, 0), -EINVAL);           /* below the floor */
	KT_ASSERT_EQ(MAP(VM_USER_END - PAGE_SIZE, 2 * PAGE_SIZE, VM_PROT_RW, VM_MAP_FIXED, NULL, 0), -EINVAL);
	KT_ASSERT_EQ(MAP(0x400000, PAGE_SIZE, VM_PROT_READ, VM_MAP_FIXED, w.file, 100), -EINVAL);   /* offset */
	KT_ASSERT_EQ(MAP(0x400000, PAGE_SIZE, VM_PROT_RW, VM_MAP_FIXED | VM_REGION_GROWSDOWN, w.file, 0), -EINVAL);
	KT_ASSERT_EQ(MAP(0x400000, PAGE_SIZE, VM_PROT_RW, VM_MAP_FIXED | VM_REGION_SHARED, w.file, 0), -EINVAL);
	KT_ASSERT_EQ(MAP(0x400000, PAGE_SIZE, VM_PROT_READ, VM_MAP_FIXED | VM_REGION_SHARED, w.file, 0), 0);
	KT_ASSERT_EQ(MAP(0x400000, PAGE_SIZE, VM_PROT_RW, VM_MAP_NOREPLACE, NULL, 0), -EEXIST);
	KT_ASSERT_EQ(MAP(0x400000, PAGE_SIZE, VM_PROT_RW, 0, NULL, 0), 0);                          /* a taken hint */
	KT_ASSERT(a != 0x400000);
	KT_ASSERT_EQ(a, VMW_OPS_END * PAGE_SIZE - PAGE_SIZE);                                             /* top-down */
#undef MAP
	KT_ASSERT_EQ(vm_unmap(vs, 0x400100, PAGE_SIZE), -EINVAL);
	KT_ASSERT_EQ(vm_unmap(vs, 0x400000, 0), -EINVAL);
	KT_ASSERT_EQ(vm_unmap(vs, 0x500000, PAGE_SIZE), 0);          /* nothing there: fine */
	KT_ASSERT_EQ(vm_protect(vs, 0x500000, PAGE_SIZE, VM_PROT_READ), -ENOMEM);
	KT_ASSERT_EQ(vm_protect(vs, 0x400001, PAGE_SIZE, VM_PROT_READ), -EINVAL);
	KT_ASSERT_EQ(vmw_finish(&w), 0);
}
