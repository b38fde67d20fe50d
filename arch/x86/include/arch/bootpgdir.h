/*
 * The boot page directory built by boot.S, which maps low memory with 4 MiB
 * pages at KERNEL_VBASE. Until the page-table layer replaces it, these are
 * the only ways to change what is mapped.
 */
#ifndef ARCH_BOOTPGDIR_H
#define ARCH_BOOTPGDIR_H

#include <pagoda/bootinfo.h>  /* boot_map_phys(): 4 MiB pages of direct map */

/* Map the 4 MiB page at 4 MiB-aligned pa at va, read-only or writable;
 * va must be above the direct map and currently unmapped. */
void boot_map_large(vaddr_t va, paddr_t pa, bool writable);

/* Remove a mapping made with boot_map_large and invalidate its TLB entry. */
void boot_unmap_large(vaddr_t va);

/* The directory itself, for inspection (tests, diagnostics). */
extern uint32_t boot_pgdir[];

#endif /* ARCH_BOOTPGDIR_H */
