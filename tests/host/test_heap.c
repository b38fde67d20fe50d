/*
 * The heap (mm/slab.c, mm/heap.c) on the host, over the frames of a
 * pmm_world: random sequences of alloc/free/realloc against a model that
 * knows every live object's bytes, with and without KMEM_DEBUG, and each
 * misuse the debug checks must catch.
 */
#include <pagoda/errno.h>
#include <pagoda/heap.h>
#include <pagoda/ktest.h>
#include <pagoda/string.h>
#include "host_panic.h"
#include "oracle.h"
#include "pmm_world.h"

#define MAX_LIVE        512

static struct pmm_world world;
static struct heap heap;
static const struct heap_env env = { &world.pmm, world_phys_to_virt, world_virt_to_phys };
static char why[200];

struct live {
	uint8_t *p;
	size_t size;
	uint8_t seed;                   /* byte i holds seed + i */
};
static struct live live[MAX_LIVE];
static unsigned nlive;

static void reset(unsigned flags)
{
	world_init(&world);
	heap_init(&heap, &env, NULL, flags);
	nlive = 0;
}

static void fill(struct live *l)
{
	for (size_t i = 0; i < l->size; i++)
		l->p[i] = (uint8_t)(l->seed + i);
}

/* The first object whose bytes are not what was written, or -1. */
static int find_corrupt(void)
{
	for (unsigned k = 0; k < nlive; k++)
		for (size_t i = 0; i < live[k].size; i++)
			if (live[k].p[i] != (uint8_t)(live[k].seed + i))
				return (int)k;
	return -1;
}

/* Mostly small sizes, some just past a class, a few large ones. */
static size_t random_size(unsigned *seed)
{
	unsigned r = oracle_rand(seed) % 100;

	if (r < 70)
		return 1 + oracle_rand(seed) % 256;
	if (r < 92)
		return 1 + oracle_rand(seed) % 2100;
	return 2000 + oracle_rand(seed) % 40000;
}

/* One random run of ops operations; returns false after ktest_fail. */
static bool random_run(struct ktest_ctx *t, unsigned flags, unsigned seed, int ops)
{
	uint64_t free_before;

	world_init(&world);
	if (heap_init(&heap, &env, NULL, flags) != 0) {
		ktest_fail(t, __FILE__, __LINE__, "heap_init failed");
		return false;
	}
	free_before = pmm_free_count(&world.pmm);
	nlive = 0;
	for (int op = 0; op < ops; op++) {
		unsigned r = oracle_rand(&seed) % 10;

		if (r < 5 && nlive < MAX_LIVE) {                /* allocate */
			struct live *l = &live[nlive];

			l->size = random_size(&seed);
			l->p = heap_alloc(&heap, l->size, NULL);
			if (!l->p)
				continue;       /* the world is small: large blocks may not fit */
			if ((uintptr_t)l->p % KMEM_ALIGN || heap_size(&heap, l->p) < l->size) {
				ktest_fail(t, __FILE__, __LINE__, "object %p of %zu bytes: misaligned or short",
					   (void *)l->p, l->size);
				return false;
			}
			l->seed = (uint8_t)oracle_rand(&seed);
			fill(l);
			nlive++;
		} else if (r < 8 && nlive) {                    /* free */
			unsigned k = oracle_rand(&seed) % nlive;

			heap_free(&heap, live[k].p, NULL);
			live[k] = live[--nlive];
		} else if (nlive) {                             /* realloc, keeping the prefix */
			struct live *l = &live[oracle_rand(&seed) % nlive];
			size_t size = random_size(&seed);
			uint8_t *q = heap_realloc(&heap, l->p, size, NULL);

			if (!q)
				continue;
			for (size_t i = 0; i < MIN(size, l->size); i++)
				if (q[i] != (uint8_t)(l->seed + i)) {
					ktest_fail(t, __FILE__, __LINE__, "realloc %zu -> %zu lost byte %zu",
						   l->size, size, i);
					return false;
				}
			l->p = q;
			l->size = size;
			fill(l);
		}
		if (op % 128 == 0 && (find_corrupt() >= 0 || heap_check(&heap, why, sizeof(why)) != 0)) {
			ktest_fail(t, __FILE__, __LINE__, "after op %d: %s", op,
				   find_corrupt() >= 0 ? "an object's bytes changed" : why);
			return false;
		}
	}
	if (find_corrupt() >= 0) {
		ktest_fail(t, __FILE__, __LINE__, "an object's bytes changed");
		return false;
	}
	while (nlive)
		heap_free(&heap, live[--nlive].p, NULL);
	heap_shrink(&heap);
	if (heap_check(&heap, why, sizeof(why)) != 0 || pmm_free_count(&world.pmm) != free_before ||
	    heap.large_blocks != 0) {
		ktest_fail(t, __FILE__, __LINE__, "after freeing everything: %s, %llu of %llu frames free",
			   why, (unsigned long long)pmm_free_count(&world.pmm),
			   (unsigned long long)free_before);
		return false;
	}
	return true;
}

KTEST(heap_random_operations_keep_every_byte)
{
	KT_ASSERT(random_run(t, 0, 1, 10000));
	KT_ASSERT(random_run(t, 0, 2, 10000));
}

KTEST(heap_random_operations_keep_every_byte_debug)
{
	KT_ASSERT(random_run(t, KMEM_DEBUG, 3, 10000));
	KT_ASSERT(random_run(t, KMEM_DEBUG, 4, 10000));
}

KTEST(heap_size_classes)
{
	static const size_t asks[][2] = {
		{ 1, 8 }, { 8, 8 }, { 9, 16 }, { 33, 64 }, { 65, 96 }, { 97, 128 }, { 129, 192 },
		{ 200, 256 }, { 257, 512 }, { 513, 1024 }, { 1025, 0 }, { 0, 0 },
	};   /* 0: the half-slab class, (4096 - 48) / 2 with a 64-bit host's slab header */
	void *big;

	reset(0);
	KT_ASSERT_EQ(heap.slab_max, (PAGE_SIZE - 48) / 2);
	for (size_t i = 0; i < ARRAY_SIZE(asks); i++) {
		void *p = heap_alloc(&heap, asks[i][0] ? asks[i][0] : heap.slab_max, NULL);

		KT_ASSERT(p != NULL && (uintptr_t)p % PAGE_SIZE != 0);
		KT_ASSERT_EQ(heap_size(&heap, p), asks[i][1] ? asks[i][1] : heap.slab_max);
		heap_free(&heap, p, NULL);
	}
	/* Past the largest class: whole frames, page aligned. */
	big = heap_alloc(&heap, heap.slab_max + 1, NULL);

	KT_ASSERT(big != NULL && (uintptr_t)big % PAGE_SIZE == 0);
	KT_ASSERT_EQ(heap_size(&heap, big), PAGE_SIZE);
	heap_free(&heap, big, NULL);
	/* Zero bytes: a pointer that is not NULL and may be freed; NULL may be freed. */
	KT_ASSERT(heap_alloc(&heap, 0, NULL) == HEAP_ZERO_PTR);
	heap_free(&heap, HEAP_ZERO_PTR, NULL);
	heap_free(&heap, NULL, NULL);
}

KTEST(heap_debug_reports_exact_size)
{
	uint8_t *p;

	reset(KMEM_DEBUG);
	p = heap_alloc(&heap, 20, NULL);
	KT_ASSERT_EQ(heap_size(&heap, p), 20);
	KT_ASSERT_EQ(p[0], POISON_INUSE);       /* fresh objects are not zero: catch reliance */
	KT_ASSERT_EQ(p[20], RED_ACTIVE);        /* the slack up to the class size is red */
	p = heap_realloc(&heap, p, 30, NULL);   /* same class: in place, red zone moved */
	KT_ASSERT_EQ(heap_size(&heap, p), 30);
	KT_ASSERT_EQ(p[25], POISON_INUSE);
	heap_free(&heap, p, NULL);
}

KTEST(heap_realloc_moves_between_classes_and_blocks)
{
	uint8_t *p;

	reset(0);
	p = heap_alloc(&heap, 10, NULL);
	memcpy(p, "0123456789", 10);
	p = heap_realloc(&heap, p, 5000, NULL);         /* slab -> 2 frames */
	KT_ASSERT(p != NULL && (uintptr_t)p % PAGE_SIZE == 0 && memcmp(p, "0123456789", 10) == 0);
	p[4999] = 'x';
	p = heap_realloc(&heap, p, 7000, NULL);         /* fits the 8 KiB block: in place */
	KT_ASSERT(p[4999] == 'x');
	p = heap_realloc(&heap, p, 3, NULL);            /* back to a slab */
	KT_ASSERT(p != NULL && (uintptr_t)p % PAGE_SIZE != 0 && memcmp(p, "012", 3) == 0);
	KT_ASSERT(heap_realloc(&heap, p, 0, NULL) == HEAP_ZERO_PTR);
	KT_ASSERT_EQ(heap.large_blocks, 0);
}

KTEST(heap_out_of_memory_returns_null)
{
	uint64_t free_before;
	void *first = NULL, *p;
	unsigned n = 0;

	reset(0);
	free_before = pmm_free_count(&world.pmm);
	/* Chain 1 KiB objects through their first word until memory runs out. */
	while ((p = heap_alloc(&heap, 1024, NULL)) != NULL) {
		*(void **)p = first;
		first = p;
		n++;
	}
	KT_ASSERT(n > 1000);
	KT_ASSERT(heap_alloc(&heap, 3 * PAGE_SIZE, NULL) == NULL);
	while (first) {
		p = *(void **)first;
		heap_free(&heap, first, NULL);
		first = p;
	}
	heap_shrink(&heap);
	KT_ASSERT_EQ(heap_check(&heap, why, sizeof(why)), 0);
	KT_ASSERT_EQ(pmm_free_count(&world.pmm), free_before);
}

KTEST(kmem_cache_slab_lifecycle)
{
	struct kmem_cache c;
	void *objs[200];
	uint64_t free_before;

	world_init(&world);
	free_before = pmm_free_count(&world.pmm);
	KT_ASSERT_EQ(kmem_cache_init(&c, &env, "test-100", 100, 0), 0);
	KT_ASSERT_EQ(c.per_slab, (PAGE_SIZE - 48) / 104);   /* 48: the header on a 64-bit host */
	for (int i = 0; i < 200; i++) {
		objs[i] = kmem_cache_alloc(&c);
		KT_ASSERT(objs[i] != NULL);
		memset(objs[i], i, 100);
	}
	KT_ASSERT_EQ(c.nr_slabs, (200 + c.per_slab - 1) / c.per_slab);
	KT_ASSERT_EQ(kmem_cache_destroy(&c), -EBUSY);
	KT_ASSERT_EQ(kmem_cache_check(&c, why, sizeof(why)), 0);
	for (int i = 0; i < 200; i++)
		kmem_cache_free(&c, objs[i]);
	/* Empty slabs go back as they empty, except the last one kept. */
	KT_ASSERT_EQ(c.nr_slabs, 1);
	KT_ASSERT_EQ(kmem_cache_check(&c, why, sizeof(why)), 0);
	KT_ASSERT_EQ(kmem_cache_destroy(&c), 0);
	KT_ASSERT_EQ(pmm_free_count(&world.pmm), free_before);
	KT_ASSERT_EQ(kmem_cache_init(&c, &env, "too-big", PAGE_SIZE, 0), -EINVAL);
}

/* ---- misuse that must panic ---- */

KTEST(heap_debug_catches_double_free)
{
	void *p;

	reset(KMEM_DEBUG);
	p = heap_alloc(&heap, 64, NULL);
	heap_free(&heap, p, NULL);
	KT_EXPECT_PANIC(heap_free(&heap, p, NULL), "kmalloc-64: double free");
}

KTEST(heap_catches_immediate_double_free_without_debug)
{
	void *p;

	reset(0);
	p = heap_alloc(&heap, 64, NULL);
	heap_alloc(&heap, 64, NULL);            /* so the slab does not empty */
	heap_free(&heap, p, NULL);
	KT_EXPECT_PANIC(heap_free(&heap, p, NULL), "kmalloc-64: double free");
}

KTEST(heap_debug_catches_one_byte_overrun)
{
	uint8_t *p;

	reset(KMEM_DEBUG);
	p = heap_alloc(&heap, 20, NULL);
	p[20] = 0;                              /* in the class's slack: still caught */
	KT_EXPECT_PANIC(heap_free(&heap, p, NULL), "kmalloc-32: buffer overrun");
}

KTEST(heap_debug_catches_overrun_into_red_zone)
{
	uint8_t *p;

	reset(KMEM_DEBUG);
	p = heap_alloc(&heap, 32, NULL);
	p[33] = 0;
	KT_EXPECT_PANIC(heap_free(&heap, p, NULL), "buffer overrun");
}

KTEST(heap_debug_catches_use_after_free)
{
	uint8_t *p;

	reset(KMEM_DEBUG);
	p = heap_alloc(&heap, 128, NULL);
	heap_free(&heap, p, NULL);
	p[100] = 1;                             /* the object is free: poisoned */
	KT_EXPECT_PANIC(heap_alloc(&heap, 128, NULL), "kmalloc-128: use after free");
	KT_ASSERT(oracle_strstr(host_panic_msg, "offset 100") != NULL);
}

KTEST(heap_debug_catches_interior_pointer)
{
	uint8_t *p;

	reset(KMEM_DEBUG);
	p = heap_alloc(&heap, 64, NULL);
	KT_EXPECT_PANIC(heap_free(&heap, p + 8, NULL), "invalid free");
}

KTEST(heap_catches_pointer_outside_heap)
{
	reset(0);
	/* A frame nobody allocated: no slab header there. */
	KT_EXPECT_PANIC(heap_free(&heap, world_mem + 5 * PAGE_SIZE + 64, NULL), "not a heap object");
	KT_EXPECT_PANIC(heap_free(&heap, world_mem + 5 * PAGE_SIZE, NULL), "not an allocated heap block");
}

KTEST(heap_debug_catches_large_block_overrun_and_double_free)
{
	uint8_t *p;

	reset(KMEM_DEBUG);
	p = heap_alloc(&heap, 5000, NULL);
	p[5000] = 0;
	KT_EXPECT_PANIC(heap_free(&heap, p, NULL), "5000-byte block");
	reset(KMEM_DEBUG);
	p = heap_alloc(&heap, 5000, NULL);
	heap_free(&heap, p, NULL);
	KT_EXPECT_PANIC(heap_free(&heap, p, NULL), "double free");
}

KTEST(kmem_cache_rejects_object_of_another_cache)
{
	struct kmem_cache a, b;
	void *p;

	world_init(&world);
	kmem_cache_init(&a, &env, "cache-a", 40, 0);
	kmem_cache_init(&b, &env, "cache-b", 40, 0);
	p = kmem_cache_alloc(&a);
	KT_EXPECT_PANIC(kmem_cache_free(&b, p), "cache-b: invalid free");
	kmem_cache_free(&a, p);
	kmem_cache_destroy(&a);
	kmem_cache_destroy(&b);
}
