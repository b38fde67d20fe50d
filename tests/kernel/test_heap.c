/*
 * The pmap, temporary mappings and the heap on the real MMU. Faults are
 * observed through probe_read32/probe_write32, which survive them.
 * The kmap tests are also run with -m 3583M (tools/test.py), where there
 * is high memory for them to map.
 */
#include <pagoda/errno.h>
#include <pagoda/kmalloc.h>
#include <pagoda/kmap.h>
#include <pagoda/ktest.h>
#include <pagoda/page_alloc.h>
#include <pagoda/pmap.h>
#include <pagoda/string.h>
#include <arch/extable.h>
#include <arch/memlayout.h>

#define SCRATCH         fix_to_virt(FIX_SCRATCH)

static void unmap_scratch(void)
{
	pmap_remove(&kernel_pmap, SCRATCH, SCRATCH + PAGE_SIZE);
}

KTEST(pmap_alias_sees_writes_both_ways)
{
	struct page *pg = page_alloc(0, PMM_LOWMEM);
	volatile uint32_t *direct, *alias = (volatile uint32_t *)SCRATCH;
	bool ok;

	KT_ASSERT(pg != NULL);
	direct = phys_to_virt(page_to_pa(pg));
	KT_ASSERT_EQ(pmap_enter(&kernel_pmap, SCRATCH, page_to_pa(pg), VM_PROT_RW, PMAP_GLOBAL), 0);
	direct[7] = 0x12345678;
	alias[9] = 0x9abcdef0;
	ok = alias[7] == 0x12345678 && direct[9] == 0x9abcdef0;
	unmap_scratch();
	page_free(pg, 0);
	KT_ASSERT(ok);
}

KTEST(pmap_protect_makes_writes_fault)
{
	struct page *pg = page_alloc(0, PMM_LOWMEM);
	volatile void *p = (volatile void *)SCRATCH;
	int w_rw, w_ro, r_ro, r_none;
	uint32_t v;

	KT_ASSERT(pg != NULL);
	KT_ASSERT_EQ(pmap_enter(&kernel_pmap, SCRATCH, page_to_pa(pg), VM_PROT_RW, PMAP_GLOBAL), 0);
	w_rw = probe_write32(p, 1);             /* also puts a writable entry in the TLB */
	pmap_protect(&kernel_pmap, SCRATCH, SCRATCH + PAGE_SIZE, VM_PROT_READ);
	w_ro = probe_write32(p, 2);             /* a stale TLB entry would let this through */
	r_ro = probe_read32(p, &v);
	pmap_protect(&kernel_pmap, SCRATCH, SCRATCH + PAGE_SIZE, VM_PROT_NONE);
	r_none = probe_read32(p, &v);
	unmap_scratch();
	page_free(pg, 0);
	KT_ASSERT_EQ(w_rw, 0);
	KT_ASSERT_EQ(w_ro, -EFAULT);
	KT_ASSERT_EQ(r_ro, 0);
	KT_ASSERT_EQ(r_none, -EFAULT);
}

KTEST(vmalloc_guard_page_faults)
{
	uint8_t *p = vmalloc(3 * PAGE_SIZE);
	int inside, guard, after_free;
	uint32_t v;

	KT_ASSERT(p != NULL);
	KT_ASSERT((vaddr_t)p >= VMALLOC_BASE && (vaddr_t)p < VMALLOC_END);
	memset(p, 0xab, 3 * PAGE_SIZE);
	inside = probe_write32(p + 3 * PAGE_SIZE - 4, 7);
	guard = probe_write32(p + 3 * PAGE_SIZE, 7);    /* one byte past: the guard */
	vfree(p);
	after_free = probe_read32(p, &v);
	KT_ASSERT_EQ(inside, 0);
	KT_ASSERT_EQ(guard, -EFAULT);
	KT_ASSERT_EQ(after_free, -EFAULT);
}

KTEST(kmap_low_frame_uses_direct_map)
{
	struct page *pg = page_alloc(0, PMM_LOWMEM);
	void *va;

	KT_ASSERT(pg != NULL);
	va = kmap(pg);
	kunmap(va);
	page_free(pg, 0);
	KT_ASSERT(va == phys_to_virt(page_to_pa(pg)));
	KT_ASSERT_EQ(kmap_depth(), 0);
}

/* A high frame, or NULL when this machine has no high memory. */
static struct page *high_page(void)
{
	struct page *pg = page_alloc(0, PMM_ANY);

	if (pg && pg->zone != ZONE_HIGH) {
		page_free(pg, 0);
		return NULL;
	}
	return pg;
}

KTEST(kmap_high_frames_nest)
{
	struct page *a = high_page(), *b = high_page(), *low = page_alloc(0, PMM_LOWMEM);
	uint32_t *pa, *pb, *again;
	bool distinct, kept;

	if (!a || !b) {
		if (a)
			page_free(a, 0);
		if (b)
			page_free(b, 0);
		page_free(low, 0);
		KT_SKIP("no high memory (run with -m 3583M)");
	}
	pa = kmap(a);
	pb = kmap(b);                           /* nested: the next slot */
	pa[0] = 0xaaaa0000;
	pb[0] = 0xbbbb0000;
	distinct = (vaddr_t)pa >= KMAP_BASE && (vaddr_t)pb >= KMAP_BASE && pa != pb && pa[0] != pb[0];
	kunmap(pb);
	kunmap(pa);
	again = kmap(b);                        /* slot 0 again, now for b: invalidated */
	kept = again[0] == 0xbbbb0000;
	kunmap(again);
	/* Zeroing and copying high frames, read back through the direct map. */
	pmm_copy_page(low, b);
	kept = kept && ((uint32_t *)phys_to_virt(page_to_pa(low)))[0] == 0xbbbb0000;
	pmm_zero_page(b);
	pmm_copy_page(low, b);
	kept = kept && ((uint32_t *)phys_to_virt(page_to_pa(low)))[0] == 0;
	page_free(a, 0);
	page_free(b, 0);
	page_free(low, 0);
	KT_ASSERT(distinct);
	KT_ASSERT(kept);
	KT_ASSERT_EQ(kmap_depth(), 0);
	KT_ASSERT(kmap_max_depth() >= 2);
}

KTEST(heap_kmalloc_everything_returns)
{
	static void *objs[300];
	uint64_t free_before;
	unsigned seed = 1;
	bool bytes_ok = true;

	heap_shrink(&kernel_heap);              /* start from no empty slabs */
	kmem_cache_shrink(&kernel_vmalloc.area_cache);
	free_before = pmm_free_count(&kernel_pmm);
	for (unsigned i = 0; i < ARRAY_SIZE(objs); i++) {
		size_t size;

		seed = seed * 1103515245 + 12345;
		size = 1 + (seed >> 8) % (i % 30 == 0 ? 64 * 1024 : 700);
		objs[i] = kmalloc(size);
		KT_ASSERT(objs[i] != NULL);
		memset(objs[i], (int)i, size);
		((uint8_t *)objs[i])[0] = (uint8_t)i;
	}
	for (unsigned i = 0; i < ARRAY_SIZE(objs); i++) {
		bytes_ok = bytes_ok && ((uint8_t *)objs[i])[0] == (uint8_t)i;
		kfree(objs[i]);
	}
	heap_shrink(&kernel_heap);
	kmem_cache_shrink(&kernel_vmalloc.area_cache);
	KT_ASSERT(bytes_ok);
	KT_ASSERT_EQ(pmm_free_count(&kernel_pmm), free_before);
	KT_ASSERT_EQ(kernel_vmalloc.nr_areas, 0);
}

KTEST(heap_large_kmalloc_overrun_hits_guard)
{
	size_t size = 40 * 1024;                /* past HEAP_CONTIG_MAX: vmalloc */
	uint8_t *p = kmalloc(size);
	int last, past;

	KT_ASSERT(p != NULL);
	last = probe_write32(p + size - 4, 1);
	past = probe_write32(p + size, 1);
	kfree(p);
	KT_ASSERT_EQ(last, 0);
	KT_ASSERT_EQ(past, -EFAULT);
}

KTEST(heap_kzalloc_and_krealloc)
{
	uint8_t *p = kzalloc(300);
	bool zero = true;

	KT_ASSERT(p != NULL);
	for (int i = 0; i < 300; i++)
		zero = zero && p[i] == 0;
	memcpy(p, "pagoda", 7);
	p = krealloc(p, 20000);                 /* slab -> vmalloc */
	KT_ASSERT(p != NULL);
	KT_ASSERT(memcmp(p, "pagoda", 7) == 0);
	KT_ASSERT_EQ(ksize(p), 20000);       /* vmalloc areas know the size asked for */
	kfree(p);
	KT_ASSERT(zero);
}
