/*
 * An AVL tree of non-overlapping ranges; see <pagoda/rangetree.h>.
 *
 * Every node keeps the height of its subtree, and after each insertion or
 * removal the nodes on the path back to the root are repaired: where one
 * side has grown two taller than the other, one or two rotations restore
 * balance. A rotation turns
 *
 *         x                    y
 *        / \                  / \
 *       a   y      into      x   c        (rotate_left at x)
 *          / \              / \
 *         b   c            a   b
 *
 * keeping the order a < x < b < y < c. When the taller grandchild is the
 * inner one (b), a rotation of y the other way first makes it outer.
 */
#include <pagoda/rangetree.h>
#include <pagoda/compiler.h>
#include <pagoda/errno.h>
#include <pagoda/printf.h>

static int height(const struct range_node *n)
{
	return n ? n->height : 0;
}

static void update_height(struct range_node *n)
{
	n->height = 1 + MAX(height(n->left), height(n->right));
}

static int balance(const struct range_node *n)
{
	return height(n->left) - height(n->right);
}

/* Make `new` take old's place under parent (or at the root). */
static void replace_child(struct range_tree *t, struct range_node *parent, struct range_node *old,
			  struct range_node *new)
{
	if (!parent)
		t->root = new;
	else if (parent->left == old)
		parent->left = new;
	else
		parent->right = new;
	if (new)
		new->parent = parent;
}

static struct range_node *rotate_left(struct range_tree *t, struct range_node *x)
{
	struct range_node *y = x->right;

	x->right = y->left;
	if (y->left)
		y->left->parent = x;
	replace_child(t, x->parent, x, y);
	y->left = x;
	x->parent = y;
	update_height(x);
	update_height(y);
	return y;
}

static struct range_node *rotate_right(struct range_tree *t, struct range_node *x)
{
	struct range_node *y = x->left;

	x->left = y->right;
	if (y->right)
		y->right->parent = x;
	replace_child(t, x->parent, x, y);
	y->right = x;
	x->parent = y;
	update_height(x);
	update_height(y);
	return y;
}

/* Repair heights and balance from n up to the root. */
static void rebalance(struct range_tree *t, struct range_node *n)
{
	for (; n; n = n->parent) {
		int b;

		update_height(n);
		b = balance(n);
		if (b > 1) {
			if (balance(n->left) < 0)
				rotate_left(t, n->left);
			n = rotate_right(t, n);
		} else if (b < -1) {
			if (balance(n->right) > 0)
				rotate_right(t, n->right);
			n = rotate_left(t, n);
		}
	}
}

void range_tree_init(struct range_tree *t)
{
	t->root = t->hint = NULL;
	t->count = 0;
}

int range_tree_insert(struct range_tree *t, struct range_node *n)
{
	struct range_node **link = &t->root, *parent = NULL;

	while (*link) {
		parent = *link;
		if (n->end <= parent->start)
			link = &parent->left;
		else if (n->start >= parent->end)
			link = &parent->right;
		else
			return -EEXIST;
	}
	n->left = n->right = NULL;
	n->parent = parent;
	n->height = 1;
	*link = n;
	rebalance(t, parent);
	t->count++;
	return 0;
}

static struct range_node *leftmost(struct range_node *n)
{
	while (n && n->left)
		n = n->left;
	return n;
}

static struct range_node *rightmost(struct range_node *n)
{
	while (n && n->right)
		n = n->right;
	return n;
}

void range_tree_remove(struct range_tree *t, struct range_node *n)
{
	struct range_node *fix;

	if (n->left && n->right) {
		/* Put the successor s (leftmost on the right) in n's place. */
		struct range_node *s = leftmost(n->right);

		if (s->parent != n) {
			fix = s->parent;
			replace_child(t, s->parent, s, s->right);
			s->right = n->right;
			s->right->parent = s;
		} else {
			fix = s;
		}
		replace_child(t, n->parent, n, s);
		s->left = n->left;
		s->left->parent = s;
	} else {
		fix = n->parent;
		replace_child(t, n->parent, n, n->left ? n->left : n->right);
	}
	rebalance(t, fix);
	if (t->hint == n)
		t->hint = NULL;
	t->count--;
}

struct range_node *range_tree_find(struct range_tree *t, vaddr_t va)
{
	struct range_node *n = t->hint;

	if (n && va >= n->start && va < n->end)
		return n;
	for (n = t->root; n;) {
		if (va < n->start)
			n = n->left;
		else if (va >= n->end)
			n = n->right;
		else
			return t->hint = n;
	}
	return NULL;
}

struct range_node *range_tree_ceil(const struct range_tree *t, vaddr_t va)
{
	struct range_node *best = NULL;

	for (struct range_node *n = t->root; n;) {
		if (n->end > va) {
			best = n;
			n = n->left;
		} else {
			n = n->right;
		}
	}
	return best;
}

struct range_node *range_tree_first(const struct range_tree *t)
{
	return leftmost(t->root);
}

struct range_node *range_tree_last(const struct range_tree *t)
{
	return rightmost(t->root);
}

struct range_node *range_tree_next(const struct range_node *n)
{
	if (n->right)
		return leftmost(n->right);
	while (n->parent && n->parent->right == n)
		n = n->parent;
	return n->parent;
}

struct range_node *range_tree_prev(const struct range_node *n)
{
	if (n->left)
		return rightmost(n->left);
	while (n->parent && n->parent->left == n)
		n = n->parent;
	return n->parent;
}

/* Check the subtree at n, whose ranges must lie in [lo, hi): its height,
 * or -1 after writing the reason to why. */
static int check_node(const struct range_node *n, const struct range_node *parent, uint64_t lo,
		      uint64_t hi, uint32_t *count, char *why, size_t size)
{
	int hl, hr;

	if (!n)
		return 0;
	if (n->parent != parent || n->start >= n->end || n->start < lo || n->end > hi) {
		snprintf(why, size, "range %#lx-%#lx: bad parent link, empty, or out of order",
			 (unsigned long)n->start, (unsigned long)n->end);
		return -1;
	}
	(*count)++;
	hl = check_node(n->left, n, lo, n->start, count, why, size);
	hr = hl < 0 ? -1 : check_node(n->right, n, n->end, hi, count, why, size);
	if (hr < 0)
		return -1;
	if (n->height != 1 + MAX(hl, hr) || hl - hr > 1 || hr - hl > 1) {
		snprintf(why, size, "range %#lx-%#lx: height %d, subtrees %d and %d",
			 (unsigned long)n->start, (unsigned long)n->end, n->height, hl, hr);
		return -1;
	}
	return n->height;
}

int range_tree_check(const struct range_tree *t, char *why, size_t size)
{
	uint32_t count = 0;

	if (check_node(t->root, NULL, 0, 0x100000000ull, &count, why, size) < 0)
		return -EINVAL;
	if (count != t->count) {
		snprintf(why, size, "%u ranges in the tree, count says %u", count, t->count);
		return -EINVAL;
	}
	return 0;
}
