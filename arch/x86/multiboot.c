/*
 * Reading the Multiboot information into struct boot_info.
 *
 * The loader passes physical addresses; each structure is reached through
 * the direct map (extended by boot_map_phys when the loader put it above
 * what boot.S mapped) and copied, so nothing later depends on the loader's
 * memory staying intact.
 */
#include <arch/bootpgdir.h>
#include <arch/multiboot.h>
#include <pagoda/bootinfo.h>
#include <pagoda/cmdline.h>
#include <pagoda/compiler.h>
#include <pagoda/errno.h>
#include <pagoda/log.h>
#include <pagoda/panic.h>
#include <pagoda/string.h>

struct boot_info boot_info;

#define KIB 1024

static void reserve(paddr_t start, paddr_t len, const char *what)
{
	struct boot_phys_range *r;

	if (len == 0 || boot_info.nreserved == BOOT_MAX_RESERVED)
		return;
	r = &boot_info.reserved[boot_info.nreserved++];
	r->start = start;
	r->end = start + len;
	r->what = what;
}

/* Copy the NUL-terminated string at physical pa into dst (size bytes) and
 * record the bytes it occupies. */
static void copy_phys_string(paddr_t pa, char *dst, size_t size, const char *what)
{
	const char *src = boot_map_phys(pa, size);

	dst[0] = '\0';
	if (!src) {
		pr_warn("multiboot: %s at %#llx is beyond the direct map; ignored\n",
			what, (unsigned long long)pa);
		return;
	}
	strlcpy(dst, src, size);
	reserve(pa, strnlen(src, size - 1) + 1, what);
}

static void add_range(paddr_t base, uint64_t len, uint32_t type)
{
	struct boot_mem_range *r;

	if (boot_info.nranges == BOOT_MAX_RANGES) {
		pr_warn("multiboot: more than %d memory ranges; the rest are ignored\n", BOOT_MAX_RANGES);
		return;
	}
	r = &boot_info.ranges[boot_info.nranges++];
	r->base = base;
	r->len = len;
	r->type = type;
}

static void read_memory_map(const struct multiboot_info *mbi)
{
	const uint8_t *p, *end;

	if (!(mbi->flags & MBI_FLAG_MMAP)) {
		/* The fallback: conventional memory, and the contiguous extended
		 * memory above 1 MiB. */
		if (mbi->flags & MBI_FLAG_MEM) {
			add_range(0, (uint64_t)mbi->mem_lower * KIB, BOOT_MEM_USABLE);
			add_range(0x100000, (uint64_t)mbi->mem_upper * KIB, BOOT_MEM_USABLE);
		}
		return;
	}
	boot_info.has_mmap = true;
	reserve(mbi->mmap_addr, mbi->mmap_length, "multiboot memory map");
	p = boot_map_phys(mbi->mmap_addr, mbi->mmap_length);
	if (!p)
		panic("multiboot: memory map at %#x is beyond the direct map", mbi->mmap_addr);
	for (end = p + mbi->mmap_length; p + sizeof(struct multiboot_mmap_entry) <= end;) {
		const struct multiboot_mmap_entry *e = (const void *)p;

		add_range(e->addr, e->len, e->type);
		p += e->size + sizeof(e->size);
	}
}

static void read_modules(const struct multiboot_info *mbi)
{
	const struct multiboot_module *mods;
	size_t n = mbi->mods_count;

	if (!(mbi->flags & MBI_FLAG_MODS) || n == 0)
		return;
	reserve(mbi->mods_addr, n * sizeof(*mods), "multiboot module list");
	mods = boot_map_phys(mbi->mods_addr, n * sizeof(*mods));
	if (!mods)
		panic("multiboot: module list at %#x is beyond the direct map", mbi->mods_addr);
	if (n > BOOT_MAX_MODULES) {
		pr_warn("multiboot: %zu modules; only the first %d are used\n", n, BOOT_MAX_MODULES);
		n = BOOT_MAX_MODULES;
	}
	for (size_t i = 0; i < n; i++) {
		struct boot_module *m = &boot_info.modules[i];

		m->start = mods[i].mod_start;
		m->end = mods[i].mod_end;
		reserve(m->start, m->end - m->start, "multiboot module");
		if (mods[i].string)
			copy_phys_string(mods[i].string, m->cmdline, sizeof(m->cmdline), "module command line");
		pr_info("multiboot: module %zu: [mem %#llx-%#llx] %s\n", i, (unsigned long long)m->start,
			(unsigned long long)m->end - 1, m->cmdline);
	}
	boot_info.nmodules = n;
}

int multiboot_parse(uint32_t magic, uint32_t mbi_pa)
{
	const struct multiboot_info *mbi;

	if (magic != MULTIBOOT_BOOTLOADER_MAGIC)
		return -EINVAL;
	mbi = boot_map_phys(mbi_pa, sizeof(*mbi));
	if (!mbi)
		panic("multiboot: information structure at %#x is beyond the direct map", mbi_pa);
	reserve(mbi_pa, sizeof(*mbi), "multiboot information");
	if (mbi->flags & MBI_FLAG_CMDLINE)
		copy_phys_string(mbi->cmdline, boot_info.cmdline, sizeof(boot_info.cmdline), "command line");
	boot_info.args = cmdline_skip_image_name(boot_info.cmdline);
	if (mbi->flags & MBI_FLAG_LOADER_NAME)
		copy_phys_string(mbi->boot_loader_name, boot_info.loader_name,
				 sizeof(boot_info.loader_name), "boot loader name");
	read_memory_map(mbi);
	read_modules(mbi);
	return 0;
}
