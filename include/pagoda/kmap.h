/*
 * Temporary mappings (mm/kmap.c): how the kernel reaches a frame that the
 * direct map does not cover (high memory, above 896 MiB).
 *
 *     void *p = kmap(page);     ... use p, a 4 KiB window onto the frame ...
 *     kunmap(p);
 *
 * A low-memory frame is returned through the direct map at no cost. A high
 * one gets the next free slot of the KMAP area (<arch/memlayout.h>), used
 * as a stack: kmaps nest, and must be undone in reverse order, before the
 * code that made them gives up the CPU. Interrupt handlers may kmap too,
 * as long as they kunmap before returning.
 *
 * A slot's mapping is left in place by kunmap and replaced by the next
 * kmap of that slot, which is when its TLB entry is invalidated: a kmap
 * of the same frame again costs nothing.
 */
#ifndef PAGODA_KMAP_H
#define PAGODA_KMAP_H

#include <pagoda/pmm.h>

void *kmap(struct page *page);
void kunmap(void *va);

/* Slots in use now, and the deepest nesting seen (for tests and /proc). */
unsigned kmap_depth(void);
unsigned kmap_max_depth(void);

/* Fill a frame with zeros; copy one frame to another (either may be high). */
void pmm_zero_page(struct page *page);
void pmm_copy_page(struct page *dst, struct page *src);

#endif /* PAGODA_KMAP_H */
