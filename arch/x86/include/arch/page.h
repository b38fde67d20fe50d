/*
 * Whole-frame zeroing and copying with the string instructions (rep stosl,
 * rep movsl), as Linux's i386 clear_page/copy_page do without SSE: the CPU
 * moves 4 bytes per step in microcode, and fast-string hardware whole
 * cache lines. Used by pmm_zero_page and pmm_copy_page (mm/kmap.c), and
 * for new page tables. The same code is right on the x86-64 host, where
 * the host tests run the pmap.
 */
#ifndef ARCH_PAGE_H
#define ARCH_PAGE_H

#include <pagoda/types.h>
#include <arch/mmu.h>

static inline void zero_page(void *va)
{
	void *d;
	uint32_t n;

	__asm__ volatile("rep stosl" : "=D"(d), "=c"(n) : "0"(va), "1"(PAGE_SIZE / 4), "a"(0) : "memory");
}

static inline void copy_page(void *dst, const void *src)
{
	void *d;
	const void *s;
	uint32_t n;

	__asm__ volatile("rep movsl" : "=D"(d), "=S"(s), "=c"(n)
			 : "0"(dst), "1"(src), "2"(PAGE_SIZE / 4) : "memory");
}

#endif /* ARCH_PAGE_H */
