/*
 * Object caches; see <pagoda/slab.h>. One slab is one frame:
 *
 *   frame start                                                  frame end
 *   +-------------+--------+--------+--------+-----+--------+------------+
 *   | struct slab | object | object | object | ... | object | (leftover) |
 *   +-------------+--------+--------+--------+-----+--------+------------+
 *   <- SLAB_HDR ->  <slot->
 *
 * and with KMEM_DEBUG each slot is the object followed by a trailer:
 *
 *   | object (obj_size): POISON_FREE while free | red zone | req | callers |
 *
 * A free object holds the link to the next free object of its slab in its
 * first word. The cache keeps slabs on two lists: partial (some object
 * free: allocation takes from the first) and full. An empty slab stays on
 * the partial list only while it is the only one there, so a cache that
 * oscillates around a slab boundary does not free and refill a frame each
 * time.
 *
 * The fast paths (no debug, a partial slab at hand) are a handful of
 * loads and stores; everything else is in out-of-line slow paths.
 */
#include <pagoda/slab.h>
#include <pagoda/errno.h>
#include <pagoda/irq.h>
#include <pagoda/panic.h>
#include <pagoda/printf.h>
#include <pagoda/string.h>

#define SLAB_MAGIC      0x51ab51abu
#define SLAB_HDR        ALIGN_UP(sizeof(struct slab), 16)
#define FREE_LINK_SIZE  sizeof(void *)  /* a free object's first word: the link */

struct slab {
	uint32_t magic;                 /* SLAB_MAGIC: a cheap check of kfree's pointer */
	uint32_t inuse;                 /* objects allocated */
	struct kmem_cache *cache;
	struct slab *next, *prev;       /* on the cache's partial or full list */
	void *free;                     /* first free object, NULL when full */
};

/* What KMEM_DEBUG keeps after each object. */
struct slab_debug {
	uint8_t red[8];                 /* RED_ACTIVE or RED_INACTIVE */
	uint32_t req;                   /* bytes asked for; the rest up to obj_size is red too */
	uint32_t unused;
	void *alloc_caller, *free_caller;
};

struct kmem_cache *kmem_caches;

/* ---- slabs and their lists ---- */

static struct slab *slab_of(const void *obj)
{
	return (struct slab *)((uintptr_t)obj & ~(uintptr_t)(PAGE_SIZE - 1));
}

static uint8_t *slab_first(struct slab *s)
{
	return (uint8_t *)s + SLAB_HDR;
}

static struct slab_debug *obj_debug(const struct kmem_cache *c, const void *obj)
{
	return (struct slab_debug *)((uintptr_t)obj + c->obj_size);
}

static void list_push(struct slab **head, struct slab *s)
{
	s->prev = NULL;
	s->next = *head;
	if (*head)
		(*head)->prev = s;
	*head = s;
}

static void list_unlink(struct slab **head, struct slab *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		*head = s->next;
	if (s->next)
		s->next->prev = s->prev;
}

static void partial_to_full(struct kmem_cache *c, struct slab *s)
{
	list_unlink(&c->partial, s);
	c->nr_partial--;
	list_push(&c->full, s);
}

static void full_to_partial(struct kmem_cache *c, struct slab *s)
{
	list_unlink(&c->full, s);
	list_push(&c->partial, s);
	c->nr_partial++;
}

/* Fill a free object's debug state: poison after the link, red inactive. */
static void debug_mark_free(struct kmem_cache *c, void *obj, void *caller)
{
	struct slab_debug *d = obj_debug(c, obj);

	memset((uint8_t *)obj + FREE_LINK_SIZE, POISON_FREE, c->obj_size - FREE_LINK_SIZE);
	memset(d->red, RED_INACTIVE, sizeof(d->red));
	d->free_caller = caller;
}

/* A new slab with every object free and linked in address order, put on
 * the partial list; NULL when no frame is left. */
static struct slab *slab_create(struct kmem_cache *c)
{
	struct page *page = pmm_alloc_pages(c->env->pmm, 0, PMM_LOWMEM);
	struct slab *s;
	uint8_t *obj;

	if (!page)
		return NULL;
	page->flags = PAGE_FLAG_SLAB;
	s = c->env->phys_to_virt(pmm_page_to_pa(c->env->pmm, page));
	*s = (struct slab){ .magic = SLAB_MAGIC, .cache = c };
	obj = slab_first(s) + (c->per_slab - 1) * c->slot;
	for (uint32_t i = 0; i < c->per_slab; i++, obj -= c->slot) {
		if (c->debug) {
			memset(obj_debug(c, obj), 0, sizeof(struct slab_debug));
			debug_mark_free(c, obj, NULL);
		}
		*(void **)obj = s->free;
		s->free = obj;
	}
	list_push(&c->partial, s);
	c->nr_partial++;
	c->nr_slabs++;
	return s;
}

/* Give an empty slab's frame back. */
static void slab_destroy(struct kmem_cache *c, struct slab *s)
{
	struct page *page = heap_env_page(c->env, s);

	list_unlink(&c->partial, s);
	c->nr_partial--;
	c->nr_slabs--;
	s->magic = 0;
	page->flags = 0;
	pmm_free_pages(c->env->pmm, page, 0);
}

/* ---- debug checks ---- */

static bool red_is(const struct slab_debug *d, uint8_t val)
{
	return memchr_inv(d->red, val, sizeof(d->red)) == NULL;
}

/* Whether a free object's bytes after its link are all still POISON_FREE;
 * *bad gets the first that is not. */
static bool poison_intact(const struct kmem_cache *c, const void *obj, const uint8_t **bad)
{
	*bad = memchr_inv((const uint8_t *)obj + FREE_LINK_SIZE, POISON_FREE, c->obj_size - FREE_LINK_SIZE);
	return *bad == NULL;
}

void kmem_debug_fill(void *obj, size_t from, size_t req, size_t cap)
{
	if (req > from)
		memset((uint8_t *)obj + from, POISON_INUSE, req - from);
	memset((uint8_t *)obj + req, RED_ACTIVE, cap - req);
}

/* Taking a free object: it must be as debug_mark_free left it. */
static void debug_check_free_obj(struct kmem_cache *c, void *obj, const char *when)
{
	struct slab_debug *d = obj_debug(c, obj);
	const uint8_t *bad;

	if (!poison_intact(c, obj, &bad))
		panic("%s: use after free: object %p was written at offset %ld after it was freed "
		      "(freed by %pS, found %s)", c->name, obj, (long)(bad - (const uint8_t *)obj),
		      d->free_caller, when);
	if (!red_is(d, RED_INACTIVE))
		panic("%s: red zone after free object %p overwritten (freed by %pS, found %s)",
		      c->name, obj, d->free_caller, when);
}

static void debug_alloc(struct kmem_cache *c, void *obj, size_t req, void *caller)
{
	struct slab_debug *d = obj_debug(c, obj);

	debug_check_free_obj(c, obj, "when allocating");
	kmem_debug_fill(obj, 0, req, c->obj_size);
	memset(d->red, RED_ACTIVE, sizeof(d->red));
	d->req = (uint32_t)req;
	d->alloc_caller = caller;
}

/* Freeing obj: it must be the start of an allocated object, red zones intact. */
static void debug_free(struct kmem_cache *c, struct slab *s, void *obj, void *caller)
{
	uintptr_t off = (uintptr_t)obj - (uintptr_t)slab_first(s);
	struct slab_debug *d = obj_debug(c, obj);

	if ((uintptr_t)obj < (uintptr_t)slab_first(s) || off % c->slot || off / c->slot >= c->per_slab)
		panic("%s: invalid free of %p by %pS: not the start of an object", c->name, obj, caller);
	if (red_is(d, RED_INACTIVE))
		panic("%s: double free of object %p by %pS (allocated by %pS, already freed by %pS)",
		      c->name, obj, caller, d->alloc_caller, d->free_caller);
	if (!red_is(d, RED_ACTIVE) || memchr_inv((uint8_t *)obj + d->req, RED_ACTIVE, c->obj_size - d->req))
		panic("%s: buffer overrun: object %p (%u bytes asked for, allocated by %pS) was written "
		      "past its end; found when %pS freed it", c->name, obj, d->req, d->alloc_caller, caller);
	debug_mark_free(c, obj, caller);
}

/* ---- allocation and freeing ---- */

/* Take the first free object of s, moving s to the full list if that
 * was its last; both allocation paths run this, interrupts masked. */
static inline void *slab_pop(struct kmem_cache *c, struct slab *s)
{
	void *obj = s->free;

	s->free = *(void **)obj;
	if (unlikely(++s->inuse == c->per_slab))
		partial_to_full(c, s);
	c->inuse++;
	return obj;
}

/* The slow path: debug checks, or a new slab first. */
static __attribute__((noinline)) void *alloc_slow(struct kmem_cache *c, size_t req, void *caller)
{
	uint32_t irq = irq_save();
	struct slab *s = c->partial;
	void *obj = NULL;

	if (!s && !(s = slab_create(c)))
		goto out;
	obj = slab_pop(c, s);
	if (c->debug)
		debug_alloc(c, obj, req, caller);
out:
	irq_restore(irq);
	return obj;
}

/* The fast path: the first free object of the first partial slab. */
void *__regparm slab_alloc(struct kmem_cache *c, size_t req, void *caller)
{
	uint32_t irq = irq_save();
	struct slab *s = c->partial;
	void *obj;

	if (unlikely(!s || c->debug)) {
		irq_restore(irq);
		return alloc_slow(c, req, caller);
	}
	obj = slab_pop(c, s);
	irq_restore(irq);
	return obj;
}

/* After a free: move a slab that was full, release one that is empty. */
static __attribute__((noinline)) void free_slow(struct kmem_cache *c, struct slab *s)
{
	if (s->inuse == c->per_slab - 1)
		full_to_partial(c, s);
	if (s->inuse == 0 && c->nr_partial > 1)
		slab_destroy(c, s);
}

/* Validate with KMEM_DEBUG: is obj's frame really a slab (the header's
 * magic could in principle be forged by data)? */
static void debug_check_slab_frame(struct kmem_cache *c, struct slab *s, void *obj, void *caller)
{
	struct page *page = heap_env_page(c->env, s);

	if (!page || !(page->flags & PAGE_FLAG_SLAB))
		panic("%s: invalid free of %p by %pS: its frame is not a slab", c->name, obj, caller);
}

/* Out of line: what slab_free found wrong, or the debug checks. */
static __attribute__((noinline, cold)) void free_checks(struct slab *s, void *obj, void *caller)
{
	struct kmem_cache *c = s->cache;

	if (s->magic != SLAB_MAGIC)
		panic("kfree: invalid free of %p by %pS: not a heap object", obj, caller);
	if (c->debug) {
		debug_check_slab_frame(c, s, obj, caller);
		debug_free(c, s, obj, caller);
		return;
	}
	panic("%s: double free of object %p by %pS", c->name, obj, caller);
}

void __regparm slab_free(void *obj, void *caller)
{
	uint32_t irq = irq_save();
	struct slab *s = slab_of(obj);
	struct kmem_cache *c = s->cache;

	/* Anything unusual (a bad pointer, a debug cache, a double free that
	 * costs nothing to see) goes to free_checks, which returns only if
	 * the free is sound. */
	if (unlikely(s->magic != SLAB_MAGIC || c->debug || obj == s->free || s->inuse == 0))
		free_checks(s, obj, caller);
	*(void **)obj = s->free;
	s->free = obj;
	c->inuse--;
	if (unlikely(--s->inuse == c->per_slab - 1 || s->inuse == 0))
		free_slow(c, s);
	irq_restore(irq);
}

/* The cache of a heap object (after the checks slab_free makes). */
struct kmem_cache *slab_cache_of(const void *obj, void *caller)
{
	struct slab *s = slab_of(obj);

	if (s->magic != SLAB_MAGIC)
		panic("kfree: invalid pointer %p from %pS: not a heap object", obj, caller);
	if (s->cache->debug)
		debug_check_slab_frame(s->cache, s, (void *)obj, caller);
	return s->cache;
}

/* The bytes obj was allocated with: exact with KMEM_DEBUG, else its class. */
size_t slab_obj_req(const struct kmem_cache *c, const void *obj)
{
	return c->debug ? obj_debug(c, obj)->req : c->size;
}

/* krealloc within the same object: move the red zone to the new size. */
void slab_resize(struct kmem_cache *c, void *obj, size_t req)
{
	struct slab_debug *d = obj_debug(c, obj);

	if (!c->debug)
		return;
	kmem_debug_fill(obj, d->req, req, c->obj_size);
	d->req = (uint32_t)req;
}

void *kmem_cache_alloc(struct kmem_cache *c)
{
	return slab_alloc(c, c->size, __builtin_return_address(0));
}

void kmem_cache_free(struct kmem_cache *c, void *obj)
{
	struct slab *s = slab_of(obj);

	if (s->magic != SLAB_MAGIC || s->cache != c)
		panic("%s: invalid free of %p by %pS: not an object of this cache", c->name, obj,
		      __builtin_return_address(0));
	slab_free(obj, __builtin_return_address(0));
}

/* ---- caches ---- */

static void unlink_cache(struct kmem_cache *c)
{
	for (struct kmem_cache **p = &kmem_caches; *p; p = &(*p)->next)
		if (*p == c) {
			*p = c->next;
			return;
		}
}

uint32_t kmem_max_size(unsigned n, unsigned flags)
{
	uint32_t trailer = (flags & KMEM_DEBUG) ? sizeof(struct slab_debug) : 0;

	return ALIGN_DOWN((uint32_t)(PAGE_SIZE - SLAB_HDR) / n - trailer, (uint32_t)KMEM_ALIGN);
}

int kmem_cache_init(struct kmem_cache *c, const struct heap_env *env, const char *name,
		    size_t size, unsigned flags)
{
	uint32_t obj_size = ALIGN_UP((uint32_t)MAX(size, FREE_LINK_SIZE), (uint32_t)KMEM_ALIGN);
	uint32_t slot = obj_size + ((flags & KMEM_DEBUG) ? sizeof(struct slab_debug) : 0);

	if (size == 0 || size > PAGE_SIZE || slot > PAGE_SIZE - SLAB_HDR)
		return -EINVAL;
	unlink_cache(c);        /* a cache may be set up again (the host tests do) */
	memset(c, 0, sizeof(*c));
	strlcpy(c->name, name, sizeof(c->name));
	c->env = env;
	c->size = (uint32_t)size;
	c->obj_size = obj_size;
	c->slot = slot;
	c->per_slab = (uint32_t)(PAGE_SIZE - SLAB_HDR) / slot;
	c->debug = flags & KMEM_DEBUG;
	c->next = kmem_caches;
	kmem_caches = c;
	return 0;
}

uint32_t kmem_cache_shrink(struct kmem_cache *c)
{
	uint32_t irq = irq_save(), n = 0;

	for (struct slab *s = c->partial, *next; s; s = next) {
		next = s->next;
		if (s->inuse == 0) {
			slab_destroy(c, s);
			n++;
		}
	}
	irq_restore(irq);
	return n;
}

int kmem_cache_destroy(struct kmem_cache *c)
{
	if (c->inuse)
		return -EBUSY;
	kmem_cache_shrink(c);
	unlink_cache(c);
	return 0;
}

/* ---- the checker ---- */

#define CHECK(cond, ...) do { if (!(cond)) { snprintf(why, size, __VA_ARGS__); return -EINVAL; } } while (0)

/* One slab: its header, its free list (inside the slab, on object
 * boundaries, no loop) and, with debug, every free object's poison. */
static int check_slab(const struct kmem_cache *c, struct slab *s, bool full, char *why, size_t size)
{
	const uint8_t *bad;
	uint32_t nfree = 0;

	CHECK(s->magic == SLAB_MAGIC && s->cache == c, "%s: slab %p has a bad header", c->name, (void *)s);
	CHECK(full ? s->inuse == c->per_slab : s->inuse < c->per_slab,
	      "%s: slab %p with %u objects in use is on the %s list", c->name, (void *)s, s->inuse,
	      full ? "full" : "partial");
	for (uint8_t *o = s->free; o; o = *(void **)o) {
		uintptr_t off = (uintptr_t)o - (uintptr_t)slab_first(s);

		CHECK(slab_of(o) == s && o >= slab_first(s) && off % c->slot == 0 &&
		      off / c->slot < c->per_slab, "%s: slab %p free list points at %p", c->name,
		      (void *)s, (void *)o);
		CHECK(++nfree <= c->per_slab, "%s: slab %p free list loops", c->name, (void *)s);
		CHECK(!c->debug || (poison_intact(c, o, &bad) && red_is(obj_debug(c, o), RED_INACTIVE)),
		      "%s: free object %p was written after it was freed", c->name, (void *)o);
	}
	CHECK(nfree + s->inuse == c->per_slab, "%s: slab %p has %u free and %u in use, not %u",
	      c->name, (void *)s, nfree, s->inuse, c->per_slab);
	return 0;
}

int kmem_cache_check(const struct kmem_cache *c, char *why, size_t size)
{
	uint32_t slabs = 0, partial = 0, inuse = 0;
	int err;

	for (int full = 0; full < 2; full++) {
		for (struct slab *s = full ? c->full : c->partial; s; s = s->next) {
			err = check_slab(c, s, full, why, size);
			if (err)
				return err;
			CHECK(++slabs <= c->nr_slabs, "%s: more slabs on the lists than %u", c->name,
			      c->nr_slabs);
			partial += !full;
			inuse += s->inuse;
		}
	}
	CHECK(slabs == c->nr_slabs && partial == c->nr_partial && inuse == c->inuse,
	      "%s: counted %u slabs, %u partial, %u objects; the cache says %u, %u, %u", c->name,
	      slabs, partial, inuse, c->nr_slabs, c->nr_partial, c->inuse);
	return 0;
}
