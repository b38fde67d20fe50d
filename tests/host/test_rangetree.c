/*
 * The range tree (lib/rangetree.c) against a model: a map of which of 2048
 * pages each range covers. Random inserts (overlapping ones must be refused
 * and change nothing) and removes, with every query compared to the model
 * and the AVL invariants checked throughout.
 */
#include <pagoda/errno.h>
#include <pagoda/ktest.h>
#include <pagoda/rangetree.h>
#include <pagoda/string.h>
#include "oracle.h"

#define PAGES   2048u
#define MAXN    400u
#define PG      4096u

static struct range_node nodes[MAXN];
static bool used[MAXN];
static int owner[PAGES];                /* node index covering the page, or -1 */

/* The node the model says holds page p's address, or NULL. */
static struct range_node *model_find(uint32_t p)
{
	return owner[p] < 0 ? NULL : &nodes[owner[p]];
}

/* The model's lowest range ending after page p's address. */
static struct range_node *model_ceil(uint32_t p)
{
	for (uint32_t q = p; q < PAGES; q++)
		if (owner[q] >= 0)
			return &nodes[owner[q]];
	return NULL;
}

KTEST(rangetree_random_against_model)
{
	struct range_tree tr;
	unsigned seed = 3, refused = 0, inserted = 0;
	char why[160];

	range_tree_init(&tr);
	memset(used, 0, sizeof(used));
	for (uint32_t p = 0; p < PAGES; p++)
		owner[p] = -1;
	for (int op = 0; op < 20000; op++) {
		uint32_t k = oracle_rand(&seed) % MAXN;

		if (!used[k]) {
			uint32_t first = oracle_rand(&seed) % PAGES;
			uint32_t len = 1 + oracle_rand(&seed) % (oracle_rand(&seed) % 8 ? 4 : 64);
			bool free_run = true;

			if (first + len > PAGES)
				len = PAGES - first;
			for (uint32_t p = first; p < first + len; p++)
				free_run = free_run && owner[p] < 0;
			nodes[k].start = first * PG;
			nodes[k].end = (first + len) * PG;
			if (!free_run) {
				KT_ASSERT_EQ(range_tree_insert(&tr, &nodes[k]), -EEXIST);
				refused++;
				continue;
			}
			KT_ASSERT_EQ(range_tree_insert(&tr, &nodes[k]), 0);
			for (uint32_t p = first; p < first + len; p++)
				owner[p] = (int)k;
			used[k] = true;
			inserted++;
		} else {
			range_tree_remove(&tr, &nodes[k]);
			for (uint32_t p = nodes[k].start / PG; p < nodes[k].end / PG; p++)
				owner[p] = -1;
			used[k] = false;
		}
		if (op % 16 == 0) {
			KT_ASSERT_EQ(range_tree_check(&tr, why, sizeof(why)), 0);
			for (int q = 0; q < 8; q++) {
				uint32_t p = oracle_rand(&seed) % PAGES;
				vaddr_t va = p * PG + oracle_rand(&seed) % PG;

				KT_ASSERT(range_tree_find(&tr, va) == model_find(p));
				KT_ASSERT(range_tree_ceil(&tr, va) == (model_find(p) ? model_find(p) : model_ceil(p)));
			}
		}
	}
	KT_ASSERT(refused > 100 && inserted > 1000);
	/* In order, forwards and backwards, exactly the model's ranges. */
	{
		struct range_node *n = range_tree_first(&tr), *last = NULL;
		uint32_t seen = 0;

		for (uint32_t p = 0; p < PAGES; p++) {
			if (owner[p] < 0 || (p > 0 && owner[p - 1] == owner[p]))
				continue;
			KT_ASSERT(n == &nodes[owner[p]]);
			KT_ASSERT(range_tree_prev(n) == last);
			last = n;
			n = range_tree_next(n);
			seen++;
		}
		KT_ASSERT(n == NULL);
		KT_ASSERT_EQ(seen, tr.count);
	}
}

KTEST(rangetree_stays_balanced_on_sorted_inserts)
{
	struct range_tree tr;
	char why[160];

	range_tree_init(&tr);
	for (uint32_t k = 0; k < MAXN; k++) {
		nodes[k].start = k * 2 * PG;
		nodes[k].end = nodes[k].start + PG;
		KT_ASSERT_EQ(range_tree_insert(&tr, &nodes[k]), 0);
	}
	KT_ASSERT_EQ(range_tree_check(&tr, why, sizeof(why)), 0);
	KT_ASSERT(tr.root->height <= 10);        /* 400 nodes: AVL bound 1.44 log2(402) = 12.4 */
	KT_ASSERT(range_tree_find(&tr, 3 * PG) == NULL);          /* a gap */
	KT_ASSERT(range_tree_find(&tr, 4 * PG + 5) == &nodes[2]);
	KT_ASSERT(range_tree_find(&tr, 4 * PG + 9) == &nodes[2]); /* the hint */
	for (uint32_t k = 0; k < MAXN; k += 2)
		range_tree_remove(&tr, &nodes[k]);
	KT_ASSERT_EQ(range_tree_check(&tr, why, sizeof(why)), 0);
	KT_ASSERT_EQ(tr.count, MAXN / 2);
	KT_ASSERT(range_tree_find(&tr, 4 * PG + 5) == NULL);      /* the hint was removed */
}
