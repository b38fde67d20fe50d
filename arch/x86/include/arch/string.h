/*
 * The bulk of memset and memcpy (lib/string.c) with the string
 * instructions, as Linux's i386 memset/memcpy do: `rep stosl` and
 * `rep movsl` move a 32-bit word per step in microcode, where a C loop
 * spends a load or constant, a store, an add and a branch on each (and
 * fast-string hardware moves whole cache lines). Each returns the address
 * just past what it wrote.
 */
#ifndef ARCH_STRING_H
#define ARCH_STRING_H

#include <pagoda/types.h>

/* Store the word w nwords times from d. */
static inline void *arch_fill_words(void *d, uint32_t w, size_t nwords)
{
	__asm__ volatile("rep stosl" : "+D"(d), "+c"(nwords) : "a"(w) : "memory");
	return d;
}

/* Copy nwords words from s to d (not overlapping, or d below s). */
static inline void *arch_copy_words(void *d, const void *s, size_t nwords)
{
	__asm__ volatile("rep movsl" : "+D"(d), "+S"(s), "+c"(nwords) :: "memory");
	return d;
}

#endif /* ARCH_STRING_H */
