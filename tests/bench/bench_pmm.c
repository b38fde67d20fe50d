/*
 * Host benchmark of the buddy allocator (mm/pmm.c), built with -O2 and no
 * sanitizers: alloc+free pairs per second for order 0 and order 3, and a
 * random mixed workload, over a simulated 1 GiB of RAM; and the cost of
 * setting up 3.5 GiB (917,504 frames). `make bench` runs it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <pagoda/pmm.h>

#define NPAGES  (1u << 18)      /* 1 GiB of 4 KiB frames */
#define BIG     917504u         /* 3.5 GiB */

static struct pmm pmm;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void report(const char *what, long n, double secs)
{
	printf("  %-42s %8.1f ns/op  %12.0f ops/s\n", what, secs * 1e9 / n, n / secs);
}

static void bench_pairs(unsigned order, long n)
{
	char label[64];
	double t0 = now();

	for (long i = 0; i < n; i++) {
		struct page *p = pmm_alloc_pages(&pmm, order, PMM_ANY);

		pmm_free_pages(&pmm, p, order);
	}
	snprintf(label, sizeof(label), "order-%u alloc+free pair", order);
	report(label, n, now() - t0);
}

/* Keep up to 4096 blocks live; each step frees a random one or allocates a
 * random order 0-4 (order 0 three times in four). */
static void bench_mixed(long n)
{
	static struct { struct page *p; unsigned order; } live[4096];
	unsigned seed = 1, nlive = 0;
	double t0 = now();

	for (long i = 0; i < n; i++) {
		unsigned r = rand_r(&seed);

		if (nlive < 4096 && (r & 1)) {
			unsigned order = (r >> 1) % 4 ? 0 : (r >> 3) % 5;

			live[nlive].p = pmm_alloc_pages(&pmm, order, PMM_ANY);
			live[nlive++].order = order;
		} else if (nlive) {
			unsigned k = (r >> 1) % nlive;

			pmm_free_pages(&pmm, live[k].p, live[k].order);
			live[k] = live[--nlive];
		}
	}
	report("random mixed alloc/free (orders 0-4)", n, now() - t0);
	while (nlive--)
		pmm_free_pages(&pmm, live[nlive].p, live[nlive].order);
}

static void bench_setup(void)
{
	struct page *pages = malloc(BIG * sizeof(*pages));
	double t0 = now();

	pmm_init(&pmm, pages, 0, BIG, 229376);  /* 896 MiB */
	pmm_add_free_range(&pmm, 1, 0x9f);
	pmm_add_free_range(&pmm, 0x100, BIG);
	printf("  %-42s %8.1f ms (%u frames, %zu bytes of metadata each)\n",
	       "setting up 3.5 GiB", (now() - t0) * 1e3, BIG, sizeof(struct page));
	free(pages);
}

int main(void)
{
	struct page *pages = calloc(NPAGES, sizeof(*pages));

	printf("Buddy allocator on this host (%s):\n", __VERSION__);
	pmm_init(&pmm, pages, 0, NPAGES, NPAGES / 2);
	pmm_add_free_range(&pmm, 1, NPAGES);
	bench_pairs(0, 20000000);
	bench_pairs(3, 5000000);
	bench_mixed(10000000);
	bench_setup();
	return 0;
}
