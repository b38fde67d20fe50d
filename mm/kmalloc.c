/*
 * The kernel's heap: <pagoda/heap.h> over the direct map, with its vmalloc
 * window at VMALLOC_BASE. The entry points pass on who called them, which
 * the debug reports name.
 */
#include <pagoda/kmalloc.h>
#include <pagoda/cmdline.h>
#include <pagoda/log.h>
#include <pagoda/panic.h>
#include <pagoda/page_alloc.h>
#include <pagoda/string.h>
#include <arch/memlayout.h>

struct heap kernel_heap;
struct vmalloc_space kernel_vmalloc;

static void *direct_phys_to_virt(paddr_t pa)
{
	return phys_to_virt(pa);
}

static paddr_t direct_virt_to_phys(const void *va)
{
	return virt_to_phys(va);
}

const struct heap_env kernel_heap_env = { &kernel_pmm, direct_phys_to_virt, direct_virt_to_phys };

void kmalloc_init(const char *cmdline)
{
	char opt[8];
	bool debug = !(cmdline_get_str(cmdline, "heap_debug", opt, sizeof(opt)) == 0 &&
		       (strcmp(opt, "off") == 0 || strcmp(opt, "0") == 0));

	if (vmalloc_init(&kernel_vmalloc, &kernel_pmap, &kernel_heap_env, VMALLOC_BASE, VMALLOC_END) ||
	    heap_init(&kernel_heap, &kernel_heap_env, &kernel_vmalloc, debug ? KMEM_DEBUG : 0))
		panic("kmalloc_init: the heap's caches could not be set up");
	pr_info("Heap: slab classes 8-%u bytes, blocks of frames to %u KiB, vmalloc %#x-%#x; "
		"debug checks %s\n", (unsigned)kernel_heap.slab_max, HEAP_CONTIG_MAX / 1024,
		VMALLOC_BASE, VMALLOC_END, debug ? "on (heap_debug=off to disable)" : "off");
}

void *kmalloc(size_t size)
{
	return heap_alloc(&kernel_heap, size, __builtin_return_address(0));
}

void *kzalloc(size_t size)
{
	void *p = heap_alloc(&kernel_heap, size, __builtin_return_address(0));

	if (p && p != HEAP_ZERO_PTR)
		memset(p, 0, size);
	return p;
}

void *krealloc(void *p, size_t size)
{
	return heap_realloc(&kernel_heap, p, size, __builtin_return_address(0));
}

void kfree(void *p)
{
	heap_free(&kernel_heap, p, __builtin_return_address(0));
}

uint32_t kmalloc_reclaim(void)
{
	return heap_shrink(&kernel_heap) + kmem_cache_shrink(&kernel_vmalloc.area_cache);
}

size_t ksize(const void *p)
{
	return heap_size(&kernel_heap, p);
}

void *vmalloc(size_t size)
{
	vaddr_t va;

	return vmalloc_alloc(&kernel_vmalloc, size, &va) == 0 ? (void *)va : NULL;
}

void vfree(void *p)
{
	if (p && vmalloc_free(&kernel_vmalloc, (vaddr_t)p) != 0)
		panic("vfree: invalid or double free of %p by %pS: no vmalloc area starts there",
		      p, __builtin_return_address(0));
}

char *kstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *copy = kmalloc(n);

	if (copy)
		memcpy(copy, s, n);
	return copy;
}
