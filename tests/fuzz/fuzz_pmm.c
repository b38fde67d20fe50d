/*
 * libFuzzer harness for the buddy allocator: the input is a program of
 * two-byte instructions run against the model world of tests/host/
 * pmm_world.c; any disagreement with the model, any broken invariant and
 * any sanitizer report is a crash. `make fuzz` runs it for a long time;
 * `make test` for a short fixed-seed run.
 *
 *   byte 0 % 4 == 0, 1: allocate order byte1 % 12 (11 is invalid and must
 *                       fail), PMM_ANY if byte 0 has its top bit set
 *               == 2:   free live block number byte1
 *               == 3:   byte1 odd: drain the caches; even: pmm_check
 * At the end everything is freed and the free lists must be back in their
 * initial shape.
 */
#include <stdio.h>
#include <stdlib.h>
#include "../host/pmm_world.h"

static struct pmm_world w;

static void check(int r)
{
	if (r) {
		fprintf(stderr, "pmm fuzz: %s\n", w.why);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	world_init(&w);
	for (size_t i = 0; i + 1 < size; i += 2) {
		uint8_t op = data[i], arg = data[i + 1];

		switch (op % 4) {
		case 0:
		case 1:
			if (w.nlive < WORLD_MAX_LIVE)
				check(world_alloc(&w, arg % (PMM_MAX_ORDER + 2), op & 0x80 ? PMM_ANY : PMM_LOWMEM));
			break;
		case 2:
			check(world_free(&w, arg));
			break;
		default:
			if (arg & 1)
				pmm_drain_caches(&w.pmm);
			else
				check(world_check(&w));
			break;
		}
	}
	check(world_finish(&w));
	return 0;
}
