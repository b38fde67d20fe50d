/*
 * Basic types shared by every layer. Virtual and physical addresses have
 * distinct types: a physical address is 64 bits wide even on 32-bit paging,
 * so PAE (36-bit physical addresses) can come later without a rewrite.
 */
#ifndef PAGODA_TYPES_H
#define PAGODA_TYPES_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdarg.h>

typedef uintptr_t vaddr_t;      /* a virtual address */
typedef uint64_t paddr_t;       /* a physical address */

#endif /* PAGODA_TYPES_H */
