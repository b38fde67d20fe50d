/*
 * Address spaces and their regions (see <pagoda/vm.h>).
 *
 * Regions live in a range tree (lib/rangetree.c), ordered by address and
 * never overlapping. Every operation that can run out of memory allocates
 * what it needs (region records for the cuts it will make, copies of the
 * shared page tables at its ends) before it changes anything, so -ENOMEM
 * leaves the address space as it was.
 *
 * The pmap always allows no more than the region does: permissions are
 * taken away eagerly (vm_protect) but only ever given back by a fault,
 * where the copy-on-write rules decide (mm/vm_fault.c).
 */
#include <pagoda/vm.h>
#include <pagoda/errno.h>
#include <pagoda/panic.h>
#include <pagoda/printf.h>
#include <pagoda/string.h>

static struct vm_region *region(struct range_node *n)
{
	return n ? container_of(n, struct vm_region, node) : NULL;
}

struct vm_region *vm_region_find(struct vmspace *vs, vaddr_t va)
{
	return region(range_tree_find(&vs->regions, va));
}

struct vm_region *vm_region_first(const struct vmspace *vs)
{
	return region(range_tree_first(&vs->regions));
}

struct vm_region *vm_region_next(const struct vm_region *r)
{
	return region(range_tree_next(&r->node));
}

int vmspace_init(struct vmspace *vs, const struct vm_env *env)
{
	memset(vs, 0, sizeof(*vs));
	vs->env = env;
	vs->mmap_base = VM_MMAP_BASE;
	vs->stack_max = VM_STACK_MAX_DEFAULT;
	range_tree_init(&vs->regions);
	return pmap_init(&vs->pmap, env->pmap, env->kernel);
}

/* Take r out of the tree and free it. */
static void region_delete(struct vmspace *vs, struct vm_region *r)
{
	range_tree_remove(&vs->regions, &r->node);
	if (r->obj)
		vm_object_put(vs->env, r->obj);
	vs->env->free(r);
}

static void region_insert(struct vmspace *vs, struct vm_region *r)
{
	if (range_tree_insert(&vs->regions, &r->node) != 0)
		panic("vmspace: region %#lx-%#lx overlaps another", (unsigned long)r->node.start,
		      (unsigned long)r->node.end);
}

void vmspace_destroy(struct vmspace *vs)
{
	struct range_node *n;

	while ((n = range_tree_first(&vs->regions)) != NULL)
		region_delete(vs, region(n));
	pmap_fini(&vs->pmap);   /* every page table, and with them the frames */
}

/* Make dst (not in any tree) describe what r does, with its own object
 * reference. */
static void region_copy(struct vm_region *dst, const struct vm_region *r)
{
	*dst = *r;
	memset(&dst->node, 0, sizeof(dst->node));
	dst->node.start = r->node.start;
	dst->node.end = r->node.end;
	if (dst->obj)
		vm_object_get(dst->obj);
}

/* A copy of r in a new record (not in any tree), or NULL. */
static struct vm_region *region_clone(struct vmspace *vs, const struct vm_region *r)
{
	struct vm_region *c = vs->env->zalloc(sizeof(*c));

	if (c)
		region_copy(c, r);
	return c;
}

int vmspace_fork(struct vmspace *child, struct vmspace *parent)
{
	int err = vmspace_init(child, parent->env);

	if (err)
		return err;
	child->mmap_base = parent->mmap_base;
	child->stack_max = parent->stack_max;
	child->vdso_base = parent->vdso_base;
	for (struct vm_region *r = vm_region_first(parent); r; r = vm_region_next(r)) {
		struct vm_region *c;

		if (r->flags & VM_REGION_DONTFORK)
			continue;
		if (!(c = region_clone(child, r))) {
			vmspace_destroy(child);
			return -ENOMEM;
		}
		region_insert(child, c);
	}
	pmap_fork(&child->pmap, &parent->pmap);
	/* The child shares every table: it lets go of what it must not see
	 * (no region) or must see as new (wiped: demand-zero again). */
	for (struct vm_region *r = vm_region_first(parent); r; r = vm_region_next(r))
		if ((r->flags & (VM_REGION_DONTFORK | VM_REGION_WIPEONFORK)) &&
		    pmap_remove(&child->pmap, r->node.start, r->node.end)) {
			vmspace_destroy(child);
			return -ENOMEM;
		}
	return 0;
}

/* ---- cutting and merging ---- */

/* Whether a region boundary must be made at va: a region straddles it. */
static bool needs_cut(struct vmspace *vs, vaddr_t va)
{
	struct vm_region *r = vm_region_find(vs, va);

	return r && r->node.start < va;
}

/* n (at most two) region records put aside in spare, the rest NULL:
 * 0 or -ENOMEM (release_spares frees what was had). */
static int reserve_records(struct vmspace *vs, struct vm_region *spare[2], unsigned n)
{
	spare[0] = spare[1] = NULL;
	for (unsigned i = 0; i < n; i++)
		if (!(spare[i] = vs->env->zalloc(sizeof(struct vm_region))))
			return -ENOMEM;
	return 0;
}

/*
 * Region records for the cuts at start and end (at most two), allocated up
 * front so that nothing fails after the first change. 0, -ENOMEM, or
 * -EINVAL for a cut in a region that may not be cut.
 */
static int reserve_cuts(struct vmspace *vs, vaddr_t start, uint64_t end, struct vm_region *spare[2])
{
	bool at_start = needs_cut(vs, start), at_end = end < VM_USER_END && needs_cut(vs, (vaddr_t)end);

	spare[0] = spare[1] = NULL;
	if ((at_start && (vm_region_find(vs, start)->flags & VM_REGION_NOSPLIT)) ||
	    (at_end && (vm_region_find(vs, (vaddr_t)end)->flags & VM_REGION_NOSPLIT)))
		return -EINVAL;
	return reserve_records(vs, spare, at_start + at_end);
}

static void release_spares(struct vmspace *vs, struct vm_region *spare[2])
{
	vs->env->free(spare[0]);
	vs->env->free(spare[1]);
}

/* If a region straddles va, split it there: its upper part goes into one
 * of the records reserve_cuts put aside. */
static void cut_at(struct vmspace *vs, vaddr_t va, struct vm_region *spare[2])
{
	struct vm_region *r = vm_region_find(vs, va), *upper;
	unsigned i = spare[0] ? 0 : 1;

	if (!r || r->node.start == va)
		return;
	upper = spare[i];
	if (!upper)
		panic("vmspace: no record reserved for the cut at %#lx", (unsigned long)va);
	spare[i] = NULL;
	region_copy(upper, r);
	upper->node.start = va;
	upper->offset = r->offset + (va - r->node.start);
	r->node.end = va;
	region_insert(vs, upper);
}

/* Two neighbours that one region could describe. */
static bool mergeable(const struct vm_region *a, const struct vm_region *b)
{
	return a->node.end == b->node.start && a->prot == b->prot && a->flags == b->flags &&
	       a->obj == b->obj &&
	       (!a->obj || a->offset + (a->node.end - a->node.start) == b->offset);
}

/* Merge r into its neighbours where they are alike; returns what holds r's
 * range afterwards. */
static struct vm_region *merge_around(struct vmspace *vs, struct vm_region *r)
{
	struct vm_region *prev = region(range_tree_prev(&r->node));
	struct vm_region *next = region(range_tree_next(&r->node));

	if (next && mergeable(r, next)) {
		vaddr_t end = next->node.end;

		region_delete(vs, next);
		r->node.end = end;
	}
	if (prev && mergeable(prev, r)) {
		vaddr_t end = r->node.end;

		region_delete(vs, r);
		prev->node.end = end;
		r = prev;
	}
	return r;
}

/* ---- unmapping ---- */

/* Check a range's alignment and bounds; its page-rounded end in *end. */
static int check_range(vaddr_t start, size_t len, uint64_t *end)
{
	*end = (uint64_t)start + ALIGN_UP((uint64_t)len, PAGE_SIZE);
	if (start % PAGE_SIZE || len == 0 || *end > VM_USER_END)
		return -EINVAL;
	return 0;
}

/* Unmap [start, end) once nothing can fail: spare holds the records its
 * cuts need and the page tables at its edges are this pmap's own. */
static void unmap_prepared(struct vmspace *vs, vaddr_t start, uint64_t end, struct vm_region *spare[2])
{
	struct range_node *n, *next;

	cut_at(vs, start, spare);
	if (end < VM_USER_END)
		cut_at(vs, (vaddr_t)end, spare);
	if (pmap_remove(&vs->pmap, start, (vaddr_t)end) != 0)
		panic("vm_unmap: pmap_remove failed after its tables were unshared");
	for (n = range_tree_ceil(&vs->regions, start); n && n->start < end; n = next) {
		next = range_tree_next(n);
		region_delete(vs, region(n));
	}
}

int vm_unmap(struct vmspace *vs, vaddr_t start, size_t len)
{
	struct vm_region *spare[2];
	uint64_t end;
	int err;

	err = check_range(start, len, &end);
	if (err)
		return err;
	err = reserve_cuts(vs, start, end, spare);
	if (!err)
		err = pmap_unshare_edges(&vs->pmap, start, end);
	if (!err)
		unmap_prepared(vs, start, end, spare);
	release_spares(vs, spare);
	return err;
}

/* ---- finding room and mapping ---- */

/* The lowest address a mapping may end at below r: a stack keeps its
 * guard gap free. */
static uint64_t gap_top(const struct vm_region *r)
{
	uint64_t top = r->node.start;

	if (r->flags & VM_REGION_GROWSDOWN)
		top = top > VM_STACK_GUARD_GAP ? top - VM_STACK_GUARD_GAP : 0;
	return top;
}

/* Whether [start, end) touches no region nor a stack's guard gap. */
static bool range_is_free(struct vmspace *vs, uint64_t start, uint64_t end, bool gaps)
{
	struct vm_region *r = region(range_tree_ceil(&vs->regions, (vaddr_t)start));

	return !r || (gaps ? gap_top(r) : r->node.start) >= end;
}

int vm_find_free(struct vmspace *vs, vaddr_t hint, size_t len, vaddr_t *out)
{
	uint64_t size = ALIGN_UP((uint64_t)len, PAGE_SIZE), top = vs->mmap_base;
	struct vm_region *above, *below;

	hint = ALIGN_DOWN(hint, (vaddr_t)PAGE_SIZE);
	if (size == 0 || size > VM_USER_END - VM_USER_MIN)
		return -ENOMEM;
	if (hint >= VM_USER_MIN && hint + size <= VM_USER_END && range_is_free(vs, hint, hint + size, true)) {
		*out = hint;
		return 0;
	}
	/* Top-down: the gaps between regions, from mmap_base downwards. */
	above = region(range_tree_ceil(&vs->regions, (vaddr_t)(top - 1)));
	for (;;) {
		uint64_t low;

		if (above && gap_top(above) < top)
			top = gap_top(above);
		below = region(above ? range_tree_prev(&above->node) : range_tree_last(&vs->regions));
		low = below ? MAX((uint64_t)below->node.end, (uint64_t)VM_USER_MIN) : VM_USER_MIN;
		if (top >= low + size) {
			*out = (vaddr_t)(top - size);
			return 0;
		}
		if (!below)
			return -ENOMEM;
		above = below;
	}
}

int vm_map(struct vmspace *vs, vaddr_t *addr, size_t len, vm_prot_t prot, unsigned flags,
	   struct vm_object *obj, uint64_t offset)
{
	bool fixed = flags & (VM_MAP_FIXED | VM_MAP_NOREPLACE);
	struct vm_region *r;
	vaddr_t start = *addr;
	uint64_t end;
	int err;

	if (offset % PAGE_SIZE || (obj && (flags & VM_REGION_GROWSDOWN)))
		return -EINVAL;         /* growing down moves the start, not the offset */
	if (obj && obj->kind == VMO_FILE && (flags & VM_REGION_SHARED) && (prot & VM_PROT_WRITE))
		return -EINVAL;         /* a file image is never written */
	if ((flags & VM_REGION_NOWRITE) && (prot & VM_PROT_WRITE))
		return -EINVAL;
	if (fixed) {
		err = check_range(start, len, &end);
		if (err || start < VM_USER_MIN)
			return -EINVAL;
		if ((flags & VM_MAP_NOREPLACE) && !range_is_free(vs, start, end, false))
			return -EEXIST;
	} else {
		err = vm_find_free(vs, start, len, &start);
		if (err)
			return err;
		end = start + ALIGN_UP((uint64_t)len, PAGE_SIZE);
	}
	r = vs->env->zalloc(sizeof(*r));
	if (!r)
		return -ENOMEM;
	if (flags & VM_MAP_FIXED) {
		err = vm_unmap(vs, start, (size_t)(end - start));
		if (err) {
			vs->env->free(r);
			return err;
		}
	}
	r->node.start = start;
	r->node.end = (vaddr_t)end;
	r->prot = prot;
	r->flags = flags & VM_REGION_FLAGS;
	r->obj = obj;
	r->offset = offset;
	if (obj)
		vm_object_get(obj);
	region_insert(vs, r);
	merge_around(vs, r);
	*addr = start;
	return 0;
}

/* ---- moving (mremap) ---- */

/* Give the page at old's frame to new, with the same rights. */
static int move_page(struct vmspace *vs, vaddr_t old, vaddr_t new)
{
	paddr_t pa;
	vm_prot_t prot;
	int err;

	if (pmap_extract(&vs->pmap, old, &pa, &prot) != 0)
		return 0;               /* never touched: it faults in at new */
	err = pmap_enter(&vs->pmap, new, pa & ~(paddr_t)(PAGE_SIZE - 1),
			 prot == VM_PROT_NONE ? VM_PROT_READ : prot, VM_PMAP_FLAGS);
	if (err == 0 && prot == VM_PROT_NONE)   /* PROT_NONE keeps its frame */
		err = pmap_protect(&vs->pmap, new, new + (vaddr_t)PAGE_SIZE, VM_PROT_NONE);
	return err;
}

/*
 * Everything that can fail comes before the first page moves: the records
 * for the cuts of both ranges (two each: the new region may merge with a
 * neighbour, even with the old one) and the page tables at both ranges'
 * edges, made this pmap's own. Then neither the move's end (unmapping old)
 * nor its undoing (unmapping new, if a page table for new cannot be had)
 * can fail, and -ENOMEM leaves the address space as it was.
 */
int vm_move(struct vmspace *vs, vaddr_t old, size_t len, vaddr_t new)
{
	struct vm_region *r = vm_region_find(vs, old), *spare_old[2] = { 0 }, *spare_new[2] = { 0 };
	uint64_t old_end = (uint64_t)old + len, new_end = (uint64_t)new + len, offset;
	vaddr_t at = new;
	int err;

	if (!r || old_end > r->node.end)
		return -EFAULT;
	if ((r->flags & VM_REGION_NOSPLIT) && (old != r->node.start || old_end != r->node.end))
		return -EINVAL;
	offset = r->obj ? r->offset + (old - r->node.start) : 0;
	err = reserve_records(vs, spare_old, 2);
	if (!err)
		err = reserve_records(vs, spare_new, 2);
	if (!err)
		err = pmap_unshare_edges(&vs->pmap, old, old_end);
	if (!err)
		err = pmap_unshare_edges(&vs->pmap, new, new_end);
	if (!err)
		err = vm_map(vs, &at, len, r->prot,
			     VM_MAP_NOREPLACE | (r->flags & VM_REGION_FLAGS & ~VM_REGION_GROWSDOWN),
			     r->obj, offset);
	if (err)
		goto out;
	for (vaddr_t off = 0; off < len; off += (vaddr_t)PAGE_SIZE) {
		err = move_page(vs, old + off, new + off);
		if (err) {
			unmap_prepared(vs, new, new_end, spare_new);    /* the frames are still at old */
			goto out;
		}
	}
	unmap_prepared(vs, old, old_end, spare_old);
	if (old == vs->vdso_base)
		vs->vdso_base = new;    /* the vDSO moves whole, and the kernel follows it */
out:
	release_spares(vs, spare_old);
	release_spares(vs, spare_new);
	return err;
}

/* ---- protection ---- */

/* Whether every page of [start, end) lies in some region. */
bool vm_range_mapped(struct vmspace *vs, vaddr_t start, uint64_t end)
{
	uint64_t covered = start;

	for (struct vm_region *r = vm_region_find(vs, start); r && covered < end; r = vm_region_next(r)) {
		if (r->node.start > covered)
			return false;
		covered = r->node.end;
	}
	return covered >= end;
}

/* Give r (wholly inside the range) protection prot. Only what is taken
 * away reaches the pmap now; what is given waits for a fault. */
static int protect_region(struct vmspace *vs, struct vm_region *r, vm_prot_t prot)
{
	vaddr_t s = r->node.start, e = r->node.end;
	int err = 0;

	if (prot == r->prot)
		return 0;
	if (prot == VM_PROT_NONE)
		err = pmap_protect(&vs->pmap, s, e, VM_PROT_NONE);
	else if ((r->prot & VM_PROT_WRITE) && !(prot & VM_PROT_WRITE))
		err = pmap_protect(&vs->pmap, s, e, VM_PROT_READ);
	if (!err)
		r->prot = prot;
	return err;
}

/*
 * Change the regions of [start, end): cut them at its edges, apply
 * change to each region within it in order (stopping at the first
 * error, as Linux does: what came before stays changed), and merge again
 * what has become alike. 0, or change's error, or -ENOMEM.
 */
static int change_regions(struct vmspace *vs, vaddr_t start, uint64_t end,
			  int (*change)(struct vmspace *vs, struct vm_region *r, unsigned arg), unsigned arg)
{
	struct vm_region *spare[2], *r;
	int err = reserve_cuts(vs, start, end, spare);

	if (err)
		goto out;
	cut_at(vs, start, spare);
	if (end < VM_USER_END)
		cut_at(vs, (vaddr_t)end, spare);
	for (r = vm_region_find(vs, start); r && r->node.start < end; r = vm_region_next(r))
		if ((err = change(vs, r, arg)))
			break;
	/* Re-merge from the region before the range to the one after it. */
	r = vm_region_find(vs, start);
	if (r && range_tree_prev(&r->node))
		r = region(range_tree_prev(&r->node));
	while (r && r->node.start <= end) {
		r = merge_around(vs, r);
		r = vm_region_next(r);
	}
out:
	release_spares(vs, spare);
	return err;
}

static int protect_change(struct vmspace *vs, struct vm_region *r, unsigned prot)
{
	if ((prot & VM_PROT_WRITE) && (r->flags & VM_REGION_NOWRITE))
		return -EACCES;
	return protect_region(vs, r, (vm_prot_t)prot);
}

int vm_protect(struct vmspace *vs, vaddr_t start, size_t len, vm_prot_t prot)
{
	uint64_t end;
	int err;

	err = check_range(start, len, &end);
	if (err)
		return err;
	if (!vm_range_mapped(vs, start, end))
		return -ENOMEM;
	return change_regions(vs, start, end, protect_change, prot);
}

/* ---- what fork does with a region ---- */

/* advice: the VM_REGION_ flag to set, or with VM_FORK_CLEAR to clear.
 * Wiping applies to private anonymous memory only (-EINVAL). */
static int fork_change(struct vmspace *vs, struct vm_region *r, unsigned advice)
{
	unsigned flag = advice & ~(unsigned)VM_FORK_CLEAR;

	(void)vs;
	if (flag == VM_REGION_WIPEONFORK && !(advice & VM_FORK_CLEAR) &&
	    (r->obj || (r->flags & VM_REGION_SHARED)))
		return -EINVAL;
	if (advice & VM_FORK_CLEAR)
		r->flags &= ~flag;
	else
		r->flags |= flag;
	return 0;
}

int vm_fork_advice(struct vmspace *vs, vaddr_t start, uint64_t end, unsigned advice)
{
	int err = change_regions(vs, start, end, fork_change, advice);

	return err ? err : vm_range_mapped(vs, start, end) ? 0 : -ENOMEM;
}

/* ---- checking ---- */

int vmspace_check(struct vmspace *vs, char *why, size_t size)
{
	int err = range_tree_check(&vs->regions, why, size);

	if (err)
		return err;
	for (struct vm_region *r = vm_region_first(vs); r; r = vm_region_next(r)) {
		if (r->node.start % PAGE_SIZE || r->node.end % PAGE_SIZE || r->node.start < VM_USER_MIN ||
		    r->node.end > VM_USER_END || r->offset % PAGE_SIZE || (r->obj && r->obj->refs == 0) ||
		    (r->flags & ~(unsigned)(VM_REGION_SHARED | VM_REGION_GROWSDOWN | VM_REGION_NOWRITE |
					    VM_REGION_DONTFORK | VM_REGION_WIPEONFORK))) {
			snprintf(why, size, "region %#lx-%#lx: misaligned, out of bounds, or bad flags",
				 (unsigned long)r->node.start, (unsigned long)r->node.end);
			return -EINVAL;
		}
	}
	return 0;
}
