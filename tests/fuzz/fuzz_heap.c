/*
 * libFuzzer harness for the heap (mm/slab.c, mm/heap.c) over the frames of
 * a pmm_world: the input is a program of three-byte instructions; every
 * live object is filled with a pattern that must survive until it is freed,
 * so any overlap, lost byte, broken invariant or sanitizer report is a
 * crash. `make fuzz` runs it for long; `make test` for a short fixed-seed run.
 *
 *   byte 0 of the input: bit 0 turns the debug checks on
 *   then, per instruction (op, a, b):
 *     op % 4 == 0, 1: allocate a + 256 * (b % 48) bytes (0 to 12 KiB)
 *            == 2:    free live object number a
 *            == 3:    reallocate live object a to b * 64 bytes; b == 0
 *                     checks the heap instead
 * At the end everything is freed, empty slabs are given back, and the free
 * frame count must be what it was before the heap was used.
 */
#include <stdio.h>
#include <stdlib.h>
#include <pagoda/heap.h>
#include "../host/pmm_world.h"

#define MAX_LIVE        256

static struct pmm_world w;
static struct heap heap;
static const struct heap_env env = { &w.pmm, world_phys_to_virt, world_virt_to_phys };
static struct { uint8_t *p; size_t size; uint8_t seed; } live[MAX_LIVE];
static unsigned nlive;

static void die(const char *why, size_t n)
{
	fprintf(stderr, "heap fuzz: %s (%zu)\n", why, n);
	abort();
}

static void fill(unsigned k)
{
	for (size_t i = 0; i < live[k].size; i++)
		live[k].p[i] = (uint8_t)(live[k].seed + i);
}

static void verify(unsigned k)
{
	for (size_t i = 0; i < live[k].size; i++)
		if (live[k].p[i] != (uint8_t)(live[k].seed + i))
			die("an object's byte changed", i);
}

static void op_realloc(unsigned k, size_t size, uint8_t seed)
{
	uint8_t *q = heap_realloc(&heap, live[k].p, size, NULL);
	size_t keep = size < live[k].size ? size : live[k].size;

	if (!q)
		return;         /* out of memory: the old object stays */
	for (size_t i = 0; i < keep; i++)
		if (q[i] != (uint8_t)(live[k].seed + i))
			die("realloc lost a byte", i);
	live[k].p = q;
	live[k].size = size;
	live[k].seed = seed;
	if (size == 0)
		live[k] = live[--nlive];        /* realloc to 0 freed it */
	else
		fill(k);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[200];
	uint64_t free_before;

	if (size == 0)
		return 0;
	world_init(&w);
	heap_init(&heap, &env, NULL, data[0] & 1 ? KMEM_DEBUG : 0);
	free_before = pmm_free_count(&w.pmm);
	nlive = 0;
	for (size_t i = 1; i + 2 < size; i += 3) {
		uint8_t op = data[i], a = data[i + 1], b = data[i + 2];

		if (op % 4 < 2 && nlive < MAX_LIVE) {
			size_t n = a + 256u * (b % 48);
			uint8_t *p = heap_alloc(&heap, n, NULL);

			if (!p)
				continue;
			if (n == 0) {
				if (p != HEAP_ZERO_PTR)
					die("kmalloc(0) is not HEAP_ZERO_PTR", 0);
				continue;
			}
			live[nlive].p = p;
			live[nlive].size = n;
			live[nlive].seed = op;
			fill(nlive++);
		} else if (op % 4 == 2 && nlive) {
			unsigned k = a % nlive;

			verify(k);
			heap_free(&heap, live[k].p, NULL);
			live[k] = live[--nlive];
		} else if (op % 4 == 3 && nlive && b) {
			op_realloc(a % nlive, b * 64u, op);
		} else if (op % 4 == 3 && heap_check(&heap, why, sizeof(why)) != 0) {
			die(why, 0);
		}
	}
	while (nlive) {
		verify(--nlive);
		heap_free(&heap, live[nlive].p, NULL);
	}
	heap_shrink(&heap);
	if (heap_check(&heap, why, sizeof(why)) != 0)
		die(why, 0);
	if (pmm_free_count(&w.pmm) != free_before)
		die("frames leaked", (size_t)(free_before - pmm_free_count(&w.pmm)));
	return 0;
}
