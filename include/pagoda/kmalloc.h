/*
 * The kernel heap (mm/kmalloc.c): the kernel's instance of <pagoda/heap.h>
 * over the direct map, with vmalloc in its window of the kernel half.
 * Safe with interrupts on or off.
 *
 * The boot option heap_debug=off turns off red zones, poisoning and owner
 * records (they are on by default; docs/heap.md says what they cost).
 */
#ifndef PAGODA_KMALLOC_H
#define PAGODA_KMALLOC_H

#include <pagoda/heap.h>

extern struct heap kernel_heap;
extern struct vmalloc_space kernel_vmalloc;
extern const struct heap_env kernel_heap_env;   /* for kmem_cache_init */

/* Set up the heap and the vmalloc window (after pmap_bootstrap). */
void kmalloc_init(const char *cmdline);

void *kmalloc(size_t size);             /* NULL when memory is short */
void *kzalloc(size_t size);             /* zero-filled */
void *krealloc(void *p, size_t size);
void kfree(void *p);
char *kstrdup(const char *s);           /* a copy on the heap, or NULL */
size_t ksize(const void *p);            /* bytes usable at p */

/* Give the frames of empty slabs back to the frame allocator, so that its
 * free count says exactly what the kernel is not using (sysinfo,
 * /proc/meminfo). Returns the frames given back. */
uint32_t kmalloc_reclaim(void);

/* Virtually contiguous memory with a guard page after it (vmalloc.h). */
void *vmalloc(size_t size);
void vfree(void *p);

#endif /* PAGODA_KMALLOC_H */
