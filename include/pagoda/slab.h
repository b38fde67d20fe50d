/*
 * Object caches (mm/slab.c): fixed-size objects packed into one-frame
 * slabs, for the kernel's own records (regions, processes...) and, one
 * cache per size class, for kmalloc. docs/heap.md draws a slab.
 *
 *     static struct kmem_cache region_cache;
 *     kmem_cache_init(&region_cache, &kernel_heap_env, "region", sizeof(struct region), 0);
 *     struct region *r = kmem_cache_alloc(&region_cache);   NULL if out of memory
 *     kmem_cache_free(&region_cache, r);
 *
 * A slab is one frame of low memory; its header sits at the start, so the
 * slab of any object is the object's address rounded down to a page, and
 * an object is never page aligned (which is how kfree tells a large block
 * from a slab object).
 *
 * With KMEM_DEBUG each object is followed by a red zone and a record of who
 * allocated and freed it; free objects are poisoned. Double frees, frees of
 * pointers that are not objects, writes past the end of an object, and
 * writes to freed objects are then caught, and the panic names the cache
 * and the callers. Without it, the checks that cost nothing still run (a
 * pointer outside every slab, an object freed twice in a row).
 */
#ifndef PAGODA_SLAB_H
#define PAGODA_SLAB_H

#include <pagoda/pmm.h>
#include <pagoda/types.h>

/* Where slabs come from: frames of pmm, reached through a linear map of
 * low memory (the direct map in the kernel; simulated memory on the host). */
struct heap_env {
	struct pmm *pmm;
	void *(*phys_to_virt)(paddr_t pa);
	paddr_t (*virt_to_phys)(const void *va);
};

/* The struct page of the frame that env maps at va, or NULL if va lies
 * outside env's frames. */
static inline struct page *heap_env_page(const struct heap_env *env, const void *va)
{
	uint64_t pfn = env->virt_to_phys(va) >> PAGE_SHIFT;

	return pfn - env->pmm->base_pfn < env->pmm->npages ? pmm_pfn_to_page(env->pmm, (uint32_t)pfn) : NULL;
}

#define KMEM_ALIGN      8               /* every object's alignment */
#define KMEM_NAME_MAX   24
#define KMEM_DEBUG      0x1             /* red zones, poison, owner records */

/* Debug patterns (the values Linux uses, so they look familiar in a dump). */
#define POISON_FREE     0x6b            /* a freed object's bytes */
#define POISON_INUSE    0x5a            /* a new object's bytes, before use */
#define RED_ACTIVE      0xcc            /* red zone of an allocated object */
#define RED_INACTIVE    0xbb            /* red zone of a free object */

struct slab;

struct kmem_cache {
	char name[KMEM_NAME_MAX];
	const struct heap_env *env;
	uint32_t size;                  /* bytes a caller may use */
	uint32_t obj_size;              /* size rounded up to KMEM_ALIGN */
	uint32_t slot;                  /* obj_size plus the debug trailer */
	uint32_t per_slab;              /* objects in one slab */
	bool debug;
	struct slab *partial, *full;    /* slabs with and without free objects */
	uint32_t nr_slabs, nr_partial;
	uint32_t inuse;                 /* objects allocated now */
	struct kmem_cache *next;        /* on kmem_caches */
};

/* Every cache, newest first (for /proc/slabinfo). */
extern struct kmem_cache *kmem_caches;

/* Set up an empty cache of objects of `size` bytes; flags KMEM_DEBUG.
 * Returns 0, or -EINVAL if an object would not fit in a slab. */
int kmem_cache_init(struct kmem_cache *c, const struct heap_env *env, const char *name,
		    size_t size, unsigned flags);

/* Allocate an object (uninitialised), or NULL when no frame is left. */
void *kmem_cache_alloc(struct kmem_cache *c);

/* Free an object of this cache; panics on anything else (see above). */
void kmem_cache_free(struct kmem_cache *c, void *obj);

/* Give the frames of empty slabs back. Returns how many were freed. */
uint32_t kmem_cache_shrink(struct kmem_cache *c);

/* Tear down an empty cache: 0, or -EBUSY if objects are still allocated. */
int kmem_cache_destroy(struct kmem_cache *c);

/*
 * Check the cache's invariants (O(objects)): list membership agrees with
 * each slab's count, free lists stay inside their slab, counters add up,
 * and with KMEM_DEBUG every free object is still poisoned and every red
 * zone intact. Returns 0, or -EINVAL with the reason written to why.
 */
int kmem_cache_check(const struct kmem_cache *c, char *why, size_t size);

/* KMEM_DEBUG's marking of an allocated object or block of cap bytes whose
 * size asked for is now req (and was from): bytes [from, req) become
 * POISON_INUSE, the slack [req, cap) RED_ACTIVE. */
void kmem_debug_fill(void *obj, size_t from, size_t req, size_t cap);

/* The largest object size of which `n` fit in one slab (with flags). */
uint32_t kmem_max_size(unsigned n, unsigned flags);

/* For the heap (mm/heap.c): the same operations with the caller to
 * blame and the bytes asked for (which KMEM_DEBUG guards exactly);
 * slab_free frees an object of whichever cache it belongs to. */
void *__regparm slab_alloc(struct kmem_cache *c, size_t req, void *caller);
void __regparm slab_free(void *obj, void *caller);
struct kmem_cache *slab_cache_of(const void *obj, void *caller);
size_t slab_obj_req(const struct kmem_cache *c, const void *obj);
void slab_resize(struct kmem_cache *c, void *obj, size_t req);

#endif /* PAGODA_SLAB_H */
