/* malloc under load: many small blocks (brk), large ones (mmap), growing
 * reallocs (mremap) and frees (munmap), with every byte checked. */
#include "check.h"
#include <stdint.h>

#define SLOTS 512

static uint32_t rng = 12345;
static uint32_t next(void) { rng = rng * 1103515245 + 12345; return rng >> 8; }

static void fill(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(seed + i * 7);
}

static int check(const unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (unsigned char)(seed + i * 7))
			return 0;
	return 1;
}

int main(void)
{
	static unsigned char *ptr[SLOTS];
	static size_t len[SLOTS];
	unsigned long allocs = 0, reallocs = 0, frees = 0;

	for (int round = 0; round < 20000; round++) {
		int s = (int)(next() % SLOTS);
		uint32_t r = next();

		if (ptr[s]) {
			CHECK(check(ptr[s], len[s], (unsigned)s));
			if (r % 3 == 0) {
				size_t n = len[s] * 2 + (r % 5000);
				unsigned char *q = realloc(ptr[s], n);

				CHECK(q && check(q, len[s], (unsigned)s));
				ptr[s] = q;
				len[s] = n;
				fill(q, n, (unsigned)s);
				reallocs++;
			} else {
				free(ptr[s]);
				ptr[s] = NULL;
				frees++;
			}
			continue;
		}
		len[s] = r % 16 == 0 ? 200000 + r % 300000 : 1 + r % 2000;
		ptr[s] = malloc(len[s]);
		CHECK(ptr[s]);
		fill(ptr[s], len[s], (unsigned)s);
		allocs++;
	}
	for (int s = 0; s < SLOTS; s++) {
		if (ptr[s])
			CHECK(check(ptr[s], len[s], (unsigned)s));
		free(ptr[s]);
	}
	printf("%lu mallocs, %lu reallocs, %lu frees; every byte as written\n", allocs, reallocs, frees);
	return 0;
}
