/*
 * Host benchmark of the heap (mm/slab.c, mm/heap.c) and the pmap
 * (arch/x86/pmap.c), built with -O2 and no sanitizers, over 64 MiB of
 * simulated physical memory. The same operations are measured inside the
 * kernel, in guest instructions, by kern/kbench.c. `make bench` runs both.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <pagoda/heap.h>
#include <pagoda/pmap.h>
#include <arch/memlayout.h>

#define NPAGES          16384u          /* 64 MiB */
#define BASE_PFN        1024u           /* the simulated RAM starts at 4 MiB */

static struct pmm pmm;
static uint8_t *mem;

static void *sim_phys_to_virt(paddr_t pa)
{
	return mem + (pa - ((paddr_t)BASE_PFN << 12));
}

static paddr_t sim_virt_to_phys(const void *va)
{
	return (paddr_t)((const uint8_t *)va - mem) + ((paddr_t)BASE_PFN << 12);
}

static void sim_invlpg(vaddr_t va)
{
	(void)va;
}

static void sim_flush(void)
{
}

static const struct heap_env henv = { &pmm, sim_phys_to_virt, sim_virt_to_phys };
static const struct pmap_env penv = { &pmm, sim_phys_to_virt, sim_invlpg, sim_flush };

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void report(const char *what, long n, double secs)
{
	printf("  %-44s %8.1f ns/op\n", what, secs * 1e9 / n);
}

static void bench_kmalloc(struct heap *h, size_t size, const char *label)
{
	char what[80];
	long n = 10000000;
	double t0 = now();

	for (long i = 0; i < n; i++)
		heap_free(h, heap_alloc(h, size, NULL), NULL);
	snprintf(what, sizeof(what), "kmalloc+kfree %zu B pair (%s)", size, label);
	report(what, n, now() - t0);
}

static void bench_pmap(void)
{
	struct pmap kernel, p;
	const vaddr_t va = 0x40000000;
	long n = 2000000;
	double t0;

	pmap_init(&kernel, &penv, NULL);
	pmap_init(&p, &penv, &kernel);
	p.active = true;        /* invalidations are counted as on the CPU */
	pmap_enter(&p, va + PAGE_SIZE, 0x200000, VM_PROT_RW, PMAP_USER);        /* keeps the table */
	t0 = now();
	for (long i = 0; i < n; i++) {
		pmap_enter(&p, va, 0x100000, VM_PROT_RW, PMAP_USER);
		pmap_remove(&p, va, va + PAGE_SIZE);
	}
	report("map+unmap one page (page table kept)", n, now() - t0);
	pmap_remove(&p, va + PAGE_SIZE, va + 2 * PAGE_SIZE);
	t0 = now();
	for (long i = 0; i < n; i++) {
		pmap_enter(&p, va, 0x100000, VM_PROT_RW, PMAP_USER);
		pmap_remove(&p, va, va + PAGE_SIZE);
	}
	report("map+unmap one page (table made and freed)", n, now() - t0);
	n = 5000;
	t0 = now();
	for (long i = 0; i < n; i++) {
		for (vaddr_t a = va; a < va + LARGE_PAGE_SIZE; a += PAGE_SIZE)
			pmap_enter(&p, a, 0x100000, VM_PROT_RW, PMAP_USER);
		pmap_remove(&p, va, va + LARGE_PAGE_SIZE);
	}
	report("map 4 MiB as 1024 pages, then unmap, per page", n * 1024, now() - t0);
	p.active = false;
	pmap_fini(&p);
}

int main(void)
{
	struct page *pages = calloc(NPAGES, sizeof(*pages));
	struct heap h;

	mem = aligned_alloc(PAGE_SIZE, (size_t)NPAGES * PAGE_SIZE);
	pmm_init(&pmm, pages, BASE_PFN, NPAGES, BASE_PFN + NPAGES);
	pmm_add_free_range(&pmm, BASE_PFN, BASE_PFN + NPAGES);
	printf("Heap and page tables on this host (%s):\n", __VERSION__);
	heap_init(&h, &henv, NULL, 0);
	bench_kmalloc(&h, 32, "debug off");
	bench_kmalloc(&h, 512, "debug off");
	heap_init(&h, &henv, NULL, KMEM_DEBUG);
	bench_kmalloc(&h, 32, "debug on");
	bench_kmalloc(&h, 512, "debug on");
	bench_pmap();
	return 0;
}
