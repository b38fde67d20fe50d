/*
 * Kernel microbenchmarks, run when the command line says "bench" (make
 * bench boots them under QEMU's -icount shift=0, where the TSC counts guest
 * instructions, so every figure is exact and repeats from run to run).
 * Interrupts are off while measuring, so the timer does not add to them.
 */
#include <pagoda/kbench.h>
#include <pagoda/log.h>
#include <pagoda/kmalloc.h>
#include <pagoda/kmap.h>
#include <pagoda/page_alloc.h>
#include <pagoda/pmap.h>
#include <pagoda/printf.h>
#include <pagoda/uaccess.h>
#include <pagoda/vm.h>
#include <arch/cpu.h>
#include <arch/memlayout.h>

#define BENCH_VA        0x40000000u     /* a user address in the scratch pmap */
#define BATCH           5               /* with one more held: fits a slab of every class */

static void report(const char *what, uint64_t instructions, uint32_t ops)
{
	printk("bench: %-46s %8llu instructions/op\n", what,
	       (unsigned long long)(instructions / ops));
}

static void bench_pages(void)
{
	uint64_t t0 = rdtsc();

	for (int i = 0; i < 1000; i++)
		page_free(page_alloc(0, PMM_LOWMEM), 0);
	report("frame alloc+free pair (order 0)", rdtsc() - t0, 1000);
}

/* What the measuring loop of bench_kmalloc costs by itself, per op: rdtsc,
 * the loop and the store, with an empty asm where the call would be. */
static uint64_t loop_overhead(void)
{
	void *p[BATCH];
	uint64_t t = 0, t0;

	for (int round = 0; round < 200; round++) {
		t0 = rdtsc();
		for (int i = 0; i < BATCH; i++)
			__asm__ volatile("" : "=r"(p[i]));
		t += rdtsc() - t0;
	}
	return t;
}

/* kmalloc and kfree of `size`, timed apart, BATCH objects at a time; the
 * measuring loop's own cost is taken off. One object stays allocated
 * throughout, so the slab never empties: these are the fast paths. */
static void bench_kmalloc(size_t size)
{
	void *p[BATCH], *pin = kmalloc(size);
	uint64_t base = loop_overhead(), ta = 0, tf = 0, t0;
	char what[64];

	for (int round = 0; round < 200; round++) {
		t0 = rdtsc();
		for (int i = 0; i < BATCH; i++)
			p[i] = kmalloc(size);
		ta += rdtsc() - t0;
		t0 = rdtsc();
		for (int i = 0; i < BATCH; i++)
			kfree(p[i]);
		tf += rdtsc() - t0;
	}
	kfree(pin);
	snprintf(what, sizeof(what), "kmalloc(%u)", (unsigned)size);
	report(what, ta - base, 200 * BATCH);
	snprintf(what, sizeof(what), "kfree of a %u-byte object", (unsigned)size);
	report(what, tf - base, 200 * BATCH);
}

/* Map and unmap the page at BENCH_VA 1000 times. */
static void bench_map_unmap(struct pmap *p, paddr_t pa, const char *what)
{
	uint64_t t0 = rdtsc();

	for (int i = 0; i < 1000; i++) {
		pmap_enter(p, BENCH_VA, pa, VM_PROT_RW, PMAP_USER);
		pmap_remove(p, BENCH_VA, BENCH_VA + PAGE_SIZE);
	}
	report(what, rdtsc() - t0, 1000);
}

/* Map and unmap pages in an active user pmap, as a process would see it. */
static void bench_pmap(void)
{
	struct pmap p;
	uint64_t t0, singles, fulls;
	paddr_t pa = 0x100000;

	if (pmap_init(&p, &kernel_pmap_env, &kernel_pmap) != 0)
		return;
	pmap_activate(&p);
	pmap_enter(&p, BENCH_VA + PAGE_SIZE, pa, VM_PROT_RW, PMAP_USER);       /* keeps the table */
	bench_map_unmap(&p, pa, "map+unmap one page (page table kept)");
	pmap_remove(&p, BENCH_VA + PAGE_SIZE, BENCH_VA + 2 * PAGE_SIZE);
	bench_map_unmap(&p, pa, "map+unmap one page (table made and freed)");
	singles = pmap_stats.tlb_single;
	fulls = pmap_stats.tlb_full;
	t0 = rdtsc();
	for (int i = 0; i < 10; i++) {
		for (vaddr_t va = BENCH_VA; va < BENCH_VA + LARGE_PAGE_SIZE; va += PAGE_SIZE)
			pmap_enter(&p, va, pa, VM_PROT_RW, PMAP_USER);
		pmap_remove(&p, BENCH_VA, BENCH_VA + LARGE_PAGE_SIZE);
	}
	report("map 4 MiB as 1024 pages, unmap it; per page", rdtsc() - t0, 10 * 1024);
	printk("bench:   (that took %llu full TLB flushes and %llu invlpg)\n",
	       (unsigned long long)(pmap_stats.tlb_full - fulls),
	       (unsigned long long)(pmap_stats.tlb_single - singles));
	pmap_activate(&kernel_pmap);
	pmap_fini(&p);
}

static void bench_frames(void)
{
	struct page *a = page_alloc(0, PMM_ANY), *b = page_alloc(0, PMM_LOWMEM);
	struct page *c = page_alloc(0, PMM_ANY);
	uint64_t t0;
	void *va;

	if (!a || !b || !c)
		return;
	t0 = rdtsc();
	for (int i = 0; i < 100; i++)
		pmm_zero_page(b);
	report("zero a frame (low memory)", rdtsc() - t0, 100);
	t0 = rdtsc();
	for (int i = 0; i < 100; i++)
		pmm_copy_page(b, a);
	report(a->zone == ZONE_HIGH ? "copy a frame (from high memory)" : "copy a frame", rdtsc() - t0, 100);
	if (a->zone == ZONE_HIGH && c->zone == ZONE_HIGH) {
		t0 = rdtsc();
		for (int i = 0; i < 1000; i++) {
			va = kmap(i & 1 ? a : c);       /* alternate: the slot is remapped */
			kunmap(va);
		}
		report("kmap+kunmap of a high frame (slot remapped)", rdtsc() - t0, 1000);
	}
	page_free(a, 0);
	page_free(b, 0);
	page_free(c, 0);
}

/* Fault in n pages from va for writing, through the policy alone. */
static int touch(struct vmspace *vs, vaddr_t va, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (vm_fault(vs, va + i * PAGE_SIZE, VM_PROT_WRITE) != 0)
			return -1;
	return 0;
}

/* Faults, fork and copy-on-write on a kernel-made address space. */
static void bench_vm_space(uint32_t mib)
{
	struct vmspace parent, child;
	uint32_t n = mib * 256, v = 1;
	vaddr_t va = BENCH_VA;
	uint64_t t0, t;
	char what[64];

	if (vmspace_init(&parent, &kernel_vm_env) != 0 ||
	    vm_map(&parent, &va, n * PAGE_SIZE, VM_PROT_RW, VM_MAP_FIXED, NULL, 0) != 0)
		return;
	vmspace_activate(&parent);
	t0 = rdtsc();
	if (mib == 4) {         /* through the trap: a copyout's first write to each page */
		for (uint32_t i = 0; i < n; i++)
			copyout(va + i * PAGE_SIZE, &v, 4);
		report("demand-zero fault, via the trap (4 MiB)", rdtsc() - t0, n);
	} else if (touch(&parent, va, n) != 0) {
		goto out;
	}
	t0 = rdtsc();
	if (vmspace_fork(&child, &parent) != 0)
		goto out;
	t = rdtsc() - t0;
	snprintf(what, sizeof(what), "vmspace_fork, %u MiB touched (per fork)", mib);
	report(what, t, 1);
	if (mib == 4) {
		vmspace_activate(&child);
		t0 = rdtsc();
		touch(&child, va, n);
		report("copy-on-write break, vm_fault (per page)", rdtsc() - t0, n);
	}
	vmspace_activate(NULL);
	t0 = rdtsc();
	vmspace_destroy(&child);
	t = rdtsc() - t0;
	if (mib == 4) {         /* the child copied every page: it frees n frames */
		report("vmspace_destroy of that child, per copied page", t, n);
	} else {                /* the child still shares its tables: nothing to free */
		snprintf(what, sizeof(what), "vmspace_destroy of the child, %u MiB shared", mib);
		report(what, t, 1);
	}
out:
	vmspace_activate(NULL);
	vmspace_destroy(&parent);
}

void kbench_run(void)
{
	uint32_t irq = irq_save();

	printk("bench: kernel microbenchmarks; heap debug checks %s\n", kernel_heap.debug ? "on" : "off");
	bench_pages();
	bench_kmalloc(32);
	bench_kmalloc(512);
	bench_pmap();
	bench_frames();
	bench_vm_space(4);
	bench_vm_space(16);
	bench_vm_space(64);
	irq_restore(irq);
}
