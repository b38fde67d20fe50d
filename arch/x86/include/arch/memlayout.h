/*
 * The address-space layout: the one place it is drawn and defined.
 *
 * The linker script (arch/x86/kernel.ld.S), the boot code (arch/x86/boot.S)
 * and C all take their addresses from here. Safe to include from assembly.
 *
 *  virtual address                                   what is there
 *  0xFFFFFFFF +--------------------------------+
 *             | fixed mappings                 |  FIXMAP_BASE: one 4 MiB slot
 *  0xFFC00000 +--------------------------------+  for single-page mappings
 *             | temporary mappings (kmap)      |  KMAP_BASE: frames the direct
 *  0xFF800000 +--------------------------------+  map cannot reach (high memory)
 *             | vmalloc area                   |  VMALLOC_BASE: virtually
 *             |                                |  contiguous kernel memory
 *  0xF8000000 +--------------------------------+  DIRECT_MAP_END
 *             | direct map of low memory       |  physical 0 .. 896 MiB, at
 *             |   ...                          |  va = pa + KERNEL_VBASE
 *             |   kernel image (.text...bss)   |
 *  0xC0100000 |   <- KERNEL_LINK_VA            |  loaded at 1 MiB physical
 *             |   BIOS, VGA (0xC00B8000)...    |
 *  0xC0000000 +--------------------------------+  KERNEL_VBASE: ring 0 only
 *             | user space (3 GiB)             |  each process its own
 *             |                                |
 *  0x00010000 |                                |  VM_USER_MIN (<pagoda/vm.h>)
 *  0x00000000 +--------------------------------+  the first 64 KiB: never mapped
 *
 * Physical memory above DIRECT_MAP_SIZE (896 MiB) is "high memory": the
 * kernel reaches it only through temporary mappings, because the 1 GiB
 * kernel half must also hold vmalloc, kmap and fixed mappings.
 *
 * During early boot (arch/x86/boot.S) the low megabytes that the image needs
 * are also mapped at va = pa (the identity map), because the instruction
 * that turns paging on is fetched from a physical address; the identity map
 * is removed as soon as execution continues in the higher half.
 */
#ifndef ARCH_MEMLAYOUT_H
#define ARCH_MEMLAYOUT_H

#include <arch/mmu.h>   /* PAGE_SIZE */

#define KERNEL_VBASE    0xC0000000      /* start of the kernel half */
#define KERNEL_LOAD_PA  0x00100000      /* where the boot loader puts the image */
#define KERNEL_LINK_VA  (KERNEL_VBASE + KERNEL_LOAD_PA) /* 0xC0100000 */

#define DIRECT_MAP_BASE KERNEL_VBASE
#define DIRECT_MAP_SIZE 0x38000000      /* 896 MiB of low memory */
#define DIRECT_MAP_END  (DIRECT_MAP_BASE + DIRECT_MAP_SIZE)     /* 0xF8000000 */

#define VMALLOC_BASE    DIRECT_MAP_END  /* 0xF8000000 */
#define VMALLOC_END     0xFF800000
#define KMAP_BASE       VMALLOC_END     /* 0xFF800000 */
#define KMAP_END        0xFFC00000
#define KMAP_SLOTS      ((KMAP_END - KMAP_BASE) / PAGE_SIZE)    /* 1024 pages */
#define FIXMAP_BASE     KMAP_END        /* 0xFFC00000 */

#define USER_TOP        KERNEL_VBASE    /* user addresses are below this */

/* Fixed mappings: one page each, at addresses known when compiling. */
#define FIX_SCRATCH     0               /* for self-tests and crash=wp */
#define FIX_VGA         1               /* the VGA text buffer, uncached */
#define FIX_COUNT       2
#define fix_to_virt(i)  (FIXMAP_BASE + (i) * PAGE_SIZE)

/* Physical addresses of legacy devices, reached through the direct map. */
#define VGA_TEXT_PA     0x000B8000

/* The boot CPU's kernel stack, in .bss. */
#define BOOT_STACK_SIZE 0x4000          /* 16 KiB */

#ifndef __ASSEMBLER__
#include <pagoda/types.h>

/* Translate between the direct map and physical addresses (low memory only). */
static inline void *phys_to_virt(paddr_t pa)
{
	return (void *)(uintptr_t)(pa + KERNEL_VBASE);
}

static inline paddr_t virt_to_phys(const void *va)
{
	return (paddr_t)((uintptr_t)va - KERNEL_VBASE);
}
#endif

#endif /* ARCH_MEMLAYOUT_H */
