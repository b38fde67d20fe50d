/*
 * A set of non-overlapping address ranges [start, end), ordered by address
 * (lib/rangetree.c): the index behind an address space's regions. It is an
 * AVL tree, so its height stays below 1.44 log2(n + 2): with the few
 * hundred regions a process has, a lookup visits at most a dozen nodes.
 *
 *   operation                       cost
 *   find the range holding va       O(1) if it is the last one found, else O(log n)
 *   insert, remove                  O(log n), rebalancing included
 *   first range ending after va     O(log n)
 *   next / previous in order        O(1) amortised, O(log n) at worst
 *
 * The nodes are embedded in their owner's structure (as Linux's rb_node):
 * the tree allocates nothing, so it cannot fail for lack of memory.
 */
#ifndef PAGODA_RANGETREE_H
#define PAGODA_RANGETREE_H

#include <pagoda/types.h>

struct range_node {
	vaddr_t start, end;                     /* [start, end), start < end */
	struct range_node *left, *right, *parent;
	int height;                             /* of the subtree; a leaf is 1 */
};

struct range_tree {
	struct range_node *root;
	struct range_node *hint;                /* the last range find returned */
	uint32_t count;
};

void range_tree_init(struct range_tree *t);

/* Add n (start and end set). Returns 0, or -EEXIST if it overlaps a range
 * already there (the tree is then unchanged). */
int range_tree_insert(struct range_tree *t, struct range_node *n);

/* Take n out of the tree. */
void range_tree_remove(struct range_tree *t, struct range_node *n);

/* The range that holds va, or NULL. */
struct range_node *range_tree_find(struct range_tree *t, vaddr_t va);

/* The lowest range that ends after va (holding va, or above it), or NULL. */
struct range_node *range_tree_ceil(const struct range_tree *t, vaddr_t va);

/* In address order: the first and last ranges, and the neighbours of n
 * (or NULL). */
struct range_node *range_tree_first(const struct range_tree *t);
struct range_node *range_tree_last(const struct range_tree *t);
struct range_node *range_tree_next(const struct range_node *n);
struct range_node *range_tree_prev(const struct range_node *n);

/* Check the tree's invariants (order, no overlap, heights, balance, parent
 * links, count): 0, or -EINVAL with the reason in why. */
int range_tree_check(const struct range_tree *t, char *why, size_t size);

#endif /* PAGODA_RANGETREE_H */
