/*
 * The general-purpose heap; see <pagoda/heap.h>.
 *
 * How kfree knows what it holds: a slab object is never page aligned (the
 * slab header is at the page's start), and everything larger is. A page-
 * aligned pointer is then a vmalloc area if it lies in the vmalloc window,
 * or else a block of frames whose struct page says PAGE_FLAG_KMALLOC and
 * keeps the size asked for in priv[0].
 */
#include <pagoda/heap.h>
#include <pagoda/errno.h>
#include <pagoda/irq.h>
#include <pagoda/panic.h>
#include <pagoda/printf.h>
#include <pagoda/string.h>

/* The class sizes below the half-slab class (heap.h explains the list). */
static const uint16_t class_sizes[HEAP_NR_CLASSES - 1] = {
	8, 16, 32, 64, 96, 128, 192, 256, 512, 1024,
};

int heap_init(struct heap *h, const struct heap_env *env, struct vmalloc_space *vm, unsigned flags)
{
	unsigned c = 0;

	memset(h, 0, sizeof(*h));
	h->env = env;
	h->vm = vm;
	h->debug = flags & KMEM_DEBUG;
	h->slab_max = kmem_max_size(2, flags);
	for (unsigned i = 0; i < HEAP_NR_CLASSES; i++) {
		uint32_t size = i < ARRAY_SIZE(class_sizes) ? class_sizes[i] : h->slab_max;
		char name[KMEM_NAME_MAX];

		snprintf(name, sizeof(name), "kmalloc-%u", (unsigned)size);
		if (kmem_cache_init(&h->classes[i], env, name, size, flags) != 0)
			return -EINVAL;
	}
	/* class_of[(s - 1) / 8]: the first class at least s bytes large. */
	for (uint32_t s = KMEM_ALIGN; s <= h->slab_max; s += KMEM_ALIGN) {
		while (h->classes[c].size < s)
			c++;
		h->class_of[(s - 1) / KMEM_ALIGN] = &h->classes[c];
	}
	return 0;
}

/* ---- large blocks: frames, or vmalloc ---- */

static unsigned order_for(size_t size)
{
	unsigned order = 0;

	while (((size_t)PAGE_SIZE << order) < size)
		order++;
	return order;
}

/* Whether p lies in the heap's vmalloc window. */
static bool in_vmalloc(const struct heap *h, const void *p)
{
	return h->vm && vmalloc_owns(h->vm, (vaddr_t)(uintptr_t)p);
}

static void *vmalloc_block(struct heap *h, size_t size)
{
	vaddr_t va;

	if (!h->vm || vmalloc_alloc(h->vm, size, &va) != 0)
		return NULL;
	return (void *)(uintptr_t)va;
}

static __attribute__((noinline)) void *large_alloc(struct heap *h, size_t size)
{
	unsigned order = order_for(size);
	struct page *page = NULL;
	uint8_t *p;

	if (h->vm && size > HEAP_CONTIG_MAX)
		return vmalloc_block(h, size);
	if (order <= PMM_MAX_ORDER)
		page = pmm_alloc_pages(h->env->pmm, order, PMM_LOWMEM);
	if (!page)      /* fragmented low memory: vmalloc still may serve */
		return size <= HEAP_CONTIG_MAX ? vmalloc_block(h, size) : NULL;
	page->flags = PAGE_FLAG_KMALLOC;
	page->priv[0] = (uint32_t)size;
	p = h->env->phys_to_virt(pmm_page_to_pa(h->env->pmm, page));
	if (h->debug)
		kmem_debug_fill(p, 0, size, (size_t)PAGE_SIZE << order);
	h->large_blocks++;
	h->large_pages += 1u << order;
	return p;
}

/* The struct page of a large frame block at p, or panic. */
static struct page *large_page(struct heap *h, const void *p, void *caller)
{
	struct page *page = heap_env_page(h->env, p);

	if (!page || page->state != PAGE_ALLOCATED || !(page->flags & PAGE_FLAG_KMALLOC))
		panic("kfree: invalid or double free of %p by %pS: not an allocated heap block", p, caller);
	return page;
}

static __attribute__((noinline)) void large_free(struct heap *h, void *p, void *caller)
{
	struct page *page;
	size_t req, bytes;

	if (in_vmalloc(h, p)) {
		if (vmalloc_free(h->vm, (vaddr_t)(uintptr_t)p) != 0)
			panic("kfree: invalid or double free of %p by %pS: no vmalloc area starts there",
			      p, caller);
		return;
	}
	page = large_page(h, p, caller);
	req = page->priv[0];
	bytes = (size_t)PAGE_SIZE << page->order;
	if (h->debug) {
		const uint8_t *bad = memchr_inv((uint8_t *)p + req, RED_ACTIVE, bytes - req);

		if (bad)
			panic("kfree: buffer overrun: the %zu-byte block %p was written at offset %zu "
			      "past its end; found when %pS freed it", req, p,
			      (size_t)(bad - (const uint8_t *)p), caller);
		memset(p, POISON_FREE, bytes);
	}
	h->large_blocks--;
	h->large_pages -= 1u << page->order;
	page->flags = 0;
	pmm_free_pages(h->env->pmm, page, page->order);
}

/* ---- the interface ---- */

/* Both mask interrupts around the frame allocator, as the slab paths do. */
void *__regparm heap_alloc_large(struct heap *h, size_t size, void *caller)
{
	uint32_t irq;
	void *p;

	(void)caller;   /* large blocks keep no owner record */
	if (size == 0)
		return HEAP_ZERO_PTR;
	irq = irq_save();
	p = large_alloc(h, size);
	irq_restore(irq);
	return p;
}

void __regparm heap_free_large(struct heap *h, void *p, void *caller)
{
	uint32_t irq;

	if (p == NULL || p == HEAP_ZERO_PTR)
		return;
	irq = irq_save();
	large_free(h, p, caller);
	irq_restore(irq);
}

size_t heap_size(struct heap *h, const void *p)
{
	struct page *page;

	if (p == NULL || p == HEAP_ZERO_PTR)
		return 0;
	if ((uintptr_t)p % PAGE_SIZE) {
		struct kmem_cache *c = slab_cache_of(p, __builtin_return_address(0));

		return slab_obj_req(c, p);
	}
	if (in_vmalloc(h, p))
		return vmalloc_size(h->vm, (vaddr_t)(uintptr_t)p);
	page = large_page(h, p, __builtin_return_address(0));
	return h->debug ? page->priv[0] : (size_t)PAGE_SIZE << page->order;
}

/* Grow or shrink p where it is, if its slot or block has room: true if so. */
static bool resize_in_place(struct heap *h, void *p, size_t size)
{
	struct page *page;
	size_t bytes;

	if ((uintptr_t)p % PAGE_SIZE) {
		struct kmem_cache *c = slab_cache_of(p, __builtin_return_address(0));

		if (size > c->size)
			return false;
		slab_resize(c, p, size);
		return true;
	}
	if (in_vmalloc(h, p))
		return false;   /* vmalloc areas always move */
	page = large_page(h, p, __builtin_return_address(0));
	bytes = (size_t)PAGE_SIZE << page->order;
	if (size > bytes || size <= h->slab_max)
		return false;
	if (h->debug)
		kmem_debug_fill(p, page->priv[0], size, bytes);
	page->priv[0] = (uint32_t)size;
	return true;
}

void *heap_realloc(struct heap *h, void *p, size_t size, void *caller)
{
	void *q;

	if (p == NULL || p == HEAP_ZERO_PTR)
		return heap_alloc(h, size, caller);
	if (size == 0) {
		heap_free(h, p, caller);
		return HEAP_ZERO_PTR;
	}
	if (resize_in_place(h, p, size))
		return p;
	q = heap_alloc(h, size, caller);
	if (!q)
		return NULL;
	memcpy(q, p, MIN(size, heap_size(h, p)));
	heap_free(h, p, caller);
	return q;
}

int heap_check(const struct heap *h, char *why, size_t size)
{
	for (unsigned i = 0; i < HEAP_NR_CLASSES; i++) {
		int err = kmem_cache_check(&h->classes[i], why, size);

		if (err)
			return err;
	}
	return 0;
}

uint32_t heap_shrink(struct heap *h)
{
	uint32_t n = 0;

	for (unsigned i = 0; i < HEAP_NR_CLASSES; i++)
		n += kmem_cache_shrink(&h->classes[i]);
	return n;
}
