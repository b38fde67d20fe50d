/*
 * What the boot loader told us, copied out of the Multiboot structures into
 * the kernel's own memory (arch/x86/multiboot.c), in machine-independent
 * terms: the physical memory map, the command line, the modules, and the
 * physical ranges the boot structures themselves occupy.
 */
#ifndef PAGODA_BOOTINFO_H
#define PAGODA_BOOTINFO_H

#include <pagoda/types.h>

#define BOOT_CMDLINE_MAX        512
#define BOOT_MAX_RANGES         64
#define BOOT_MAX_MODULES        16
#define BOOT_MAX_RESERVED       (8 + 2 * BOOT_MAX_MODULES)

enum boot_mem_type {            /* the e820 numbers */
	BOOT_MEM_USABLE = 1,
	BOOT_MEM_RESERVED = 2,
	BOOT_MEM_ACPI = 3,
	BOOT_MEM_NVS = 4,
	BOOT_MEM_BAD = 5,
};

struct boot_mem_range {
	paddr_t base;
	uint64_t len;
	uint32_t type;          /* enum boot_mem_type; others are reserved */
};

struct boot_phys_range {
	paddr_t start, end;     /* [start, end) */
	const char *what;
};

struct boot_module {
	paddr_t start, end;     /* [start, end) */
	char cmdline[64];
};

struct boot_info {
	char cmdline[BOOT_CMDLINE_MAX]; /* the whole line, image name first */
	const char *args;               /* the line after the image name */
	char loader_name[64];
	bool has_mmap;                  /* false: ranges built from mem_lower/upper */
	size_t nranges;
	struct boot_mem_range ranges[BOOT_MAX_RANGES];
	size_t nmodules;
	struct boot_module modules[BOOT_MAX_MODULES];
	/* Physical memory the boot structures and modules occupy. */
	size_t nreserved;
	struct boot_phys_range reserved[BOOT_MAX_RESERVED];
};

extern struct boot_info boot_info;

/* Human name of a memory type ("usable", "reserved", "ACPI data", ...). */
const char *boot_mem_type_name(uint32_t type);

/*
 * Make physical [pa, pa + len) reachable through the direct map during boot
 * and return its virtual address, or NULL if it lies beyond the direct map
 * (provided by the architecture: arch/x86/bootpgdir.c).
 */
void *boot_map_phys(paddr_t pa, size_t len);

/* Print the memory map to the boot log, as Linux prints the e820 table. */
void boot_info_print_memory_map(void);

#endif /* PAGODA_BOOTINFO_H */
