/*
 * The general-purpose heap behind kmalloc (mm/heap.c), machine-independent
 * so that the host tests run the very same code over simulated memory.
 *
 * Small requests go to one of HEAP_NR_CLASSES slab caches by size:
 *     8 16 32 64 96 128 192 256 512 1024, and "half a slab" (2032 bytes;
 *     2008 with KMEM_DEBUG), the largest size of which two fit in a frame.
 * Larger ones get whole frames: a contiguous block of 2^order frames up to
 * HEAP_CONTIG_MAX bytes; beyond that vmalloc (virtually contiguous, with a
 * guard page), or contiguous frames up to 4 MiB when the heap has no
 * vmalloc window (the host tests).
 */
#ifndef PAGODA_HEAP_H
#define PAGODA_HEAP_H

#include <pagoda/slab.h>
#include <pagoda/vmalloc.h>

#define HEAP_NR_CLASSES 11
#define HEAP_CONTIG_MAX (4 * PAGE_SIZE)     /* 16 KiB: order 2 at most */
#define HEAP_ZERO_PTR   ((void *)16)            /* what a 0-byte request gets */

struct heap {
	const struct heap_env *env;
	struct vmalloc_space *vm;       /* NULL: no vmalloc window */
	bool debug;                     /* KMEM_DEBUG caches, red zones on blocks */
	uint32_t slab_max;              /* the largest class */
	struct kmem_cache classes[HEAP_NR_CLASSES];
	struct kmem_cache *class_of[256];       /* the class for s bytes, by (s - 1) / 8 */
	uint32_t large_blocks, large_pages;     /* frame blocks handed out now */
};

/* Set up a heap over env (flags: KMEM_DEBUG), with an optional vmalloc
 * window. Returns 0 or -EINVAL. */
int heap_init(struct heap *h, const struct heap_env *env, struct vmalloc_space *vm, unsigned flags);

/* The paths for what is not a slab object (heap.c). */
void *__regparm heap_alloc_large(struct heap *h, size_t size, void *caller);
void __regparm heap_free_large(struct heap *h, void *p, void *caller);

/*
 * Allocate size bytes aligned to KMEM_ALIGN (page aligned from one page
 * up); NULL when memory is short. A size of 0 returns HEAP_ZERO_PTR, which
 * faults if used and may be freed. caller is who asked (for debug reports).
 * Inline, so that kmalloc goes straight to its slab: the class is one load.
 */
static inline void *heap_alloc(struct heap *h, size_t size, void *caller)
{
	if (likely(size - 1 < h->slab_max))    /* size 0 wraps: not a slab size */
		return slab_alloc(h->class_of[(size - 1) / KMEM_ALIGN], size, caller);
	return heap_alloc_large(h, size, caller);
}

/* Free what heap_alloc returned (NULL and HEAP_ZERO_PTR are ignored);
 * anything else panics, naming the size class and caller. A pointer that
 * is not page aligned can only be a slab object (slab.h says why). */
static inline void heap_free(struct heap *h, void *p, void *caller)
{
	if (likely((uintptr_t)p % PAGE_SIZE && p != HEAP_ZERO_PTR))
		slab_free(p, caller);
	else
		heap_free_large(h, p, caller);
}

/* Resize as Linux's krealloc: contents kept up to the smaller size, p may
 * move; size 0 frees. NULL (p untouched) when memory is short. */
void *heap_realloc(struct heap *h, void *p, size_t size, void *caller);

/* Bytes usable at p: the class size, the block's pages, or (with debug)
 * exactly what was asked. */
size_t heap_size(struct heap *h, const void *p);

/* Check every cache of the heap (kmem_cache_check): 0 or -EINVAL. */
int heap_check(const struct heap *h, char *why, size_t size);

/* Give empty slabs back: frames freed. */
uint32_t heap_shrink(struct heap *h);

#endif /* PAGODA_HEAP_H */
