/*
 * The page: 4 KiB, the unit the MMU maps and the frame allocator hands
 * out. Every x86 paging format has it (32-bit and PAE alike; their large
 * pages are facts of each format, in <arch/mmu.h>). This is the one
 * definition of its size, for C and assembly.
 *
 * PAGE_SIZE is a plain int constant, as the CPU's manuals write it: an
 * expression such as ~(PAGE_SIZE - 1) is then -4096 and sign-extends, so it
 * masks a 64-bit physical address correctly; an unsigned 32-bit constant
 * there would clear the address's upper half.
 */
#ifndef PAGODA_PAGE_H
#define PAGODA_PAGE_H

#define PAGE_SHIFT      12
#define PAGE_SIZE       (1 << PAGE_SHIFT)

#ifndef __ASSEMBLER__
#include <pagoda/compiler.h>
#include <pagoda/types.h>

/* x rounded up to a whole number of pages, in 64 bits: a user's length
 * near 4 GiB rounds up without wrapping to 0. */
#define PAGE_UP(x)      ALIGN_UP((uint64_t)(x), (uint64_t)PAGE_SIZE)
#define PAGE_DOWN(x)    ALIGN_DOWN((uint64_t)(x), (uint64_t)PAGE_SIZE)
#endif

#endif /* PAGODA_PAGE_H */
