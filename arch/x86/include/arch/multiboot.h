/*
 * Multiboot (version 0.6.96) structures and constants.
 * The header part is safe to include from assembly (arch/x86/boot.S).
 */
#ifndef ARCH_MULTIBOOT_H
#define ARCH_MULTIBOOT_H

#define MULTIBOOT_HEADER_MAGIC          0x1BADB002 /* in the kernel image */
#define MULTIBOOT_BOOTLOADER_MAGIC      0x2BADB002 /* in %eax at entry */

/* Header flags: what the kernel asks of the boot loader. */
#define MULTIBOOT_PAGE_ALIGN    0x00000001 /* load modules on 4 KiB boundaries */
#define MULTIBOOT_MEMORY_INFO   0x00000002 /* provide mem_* and the memory map */
#define MULTIBOOT_HEADER_FLAGS  (MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO)

/* multiboot_info.flags: which fields the boot loader filled in. */
#define MBI_FLAG_MEM            0x00000001 /* mem_lower, mem_upper */
#define MBI_FLAG_BOOTDEV        0x00000002
#define MBI_FLAG_CMDLINE        0x00000004
#define MBI_FLAG_MODS           0x00000008
#define MBI_FLAG_AOUT_SYMS      0x00000010
#define MBI_FLAG_ELF_SHDR       0x00000020
#define MBI_FLAG_MMAP           0x00000040 /* mmap_length, mmap_addr */
#define MBI_FLAG_LOADER_NAME    0x00000200

/* Memory map entry types (the same numbers as the BIOS e820 call). */
#define MULTIBOOT_MEMORY_AVAILABLE      1
#define MULTIBOOT_MEMORY_RESERVED       2
#define MULTIBOOT_MEMORY_ACPI_RECLAIMABLE 3
#define MULTIBOOT_MEMORY_NVS            4
#define MULTIBOOT_MEMORY_BADRAM         5

#ifndef __ASSEMBLER__
#include <pagoda/types.h>

/* What the boot loader passes in %ebx (a physical address). */
struct multiboot_info {
	uint32_t flags;
	uint32_t mem_lower;     /* KiB of memory below 1 MiB */
	uint32_t mem_upper;     /* KiB of memory from 1 MiB to the first hole */
	uint32_t boot_device;
	uint32_t cmdline;       /* physical address of a NUL-terminated string */
	uint32_t mods_count;
	uint32_t mods_addr;     /* physical address of struct multiboot_module[] */
	uint32_t syms[4];
	uint32_t mmap_length;   /* bytes of memory map */
	uint32_t mmap_addr;     /* physical address of the first entry */
	uint32_t drives_length;
	uint32_t drives_addr;
	uint32_t config_table;
	uint32_t boot_loader_name; /* physical address of a string */
} __attribute__((packed));

/* One memory-map entry. `size` does not count itself: the next entry starts
 * at (char *)entry + entry->size + 4. */
struct multiboot_mmap_entry {
	uint32_t size;
	uint64_t addr;
	uint64_t len;
	uint32_t type;
} __attribute__((packed));

struct multiboot_module {
	uint32_t mod_start;     /* physical, inclusive */
	uint32_t mod_end;       /* physical, exclusive */
	uint32_t string;        /* physical address of the module's command line */
	uint32_t reserved;
} __attribute__((packed));

/*
 * Check the loader's magic and fill boot_info (<pagoda/bootinfo.h>) from
 * the structure at mbi_pa (arch/x86/multiboot.c). Returns 0, or -EINVAL if
 * the kernel was not started by a Multiboot loader; then mbi_pa is not
 * touched at all and boot_info is left as it was.
 */
int multiboot_parse(uint32_t magic, uint32_t mbi_pa);
#endif

#endif /* ARCH_MULTIBOOT_H */
