/*
 * The boot page directory built by boot.S, which maps low memory with 4 MiB
 * pages at KERNEL_VBASE, from boot.S until pmap_bootstrap replaces it with
 * the kernel pmap (arch/x86/pmap_kernel.c).
 */
#ifndef ARCH_BOOTPGDIR_H
#define ARCH_BOOTPGDIR_H

#include <pagoda/bootinfo.h>  /* boot_map_phys(): 4 MiB pages of direct map */

/* The kernel pmap has replaced the boot directory (pmap_bootstrap): from
 * now on boot_map_phys is a bug. */
void boot_pgdir_retire(void);

/* The directory itself, for inspection (tests, diagnostics). */
extern uint32_t boot_pgdir[];

#endif /* ARCH_BOOTPGDIR_H */
