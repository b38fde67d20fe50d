/*
 * The kernel's frame allocator: one struct pmm over all of RAM below 4 GiB,
 * set up at boot from the memory map, and the entry points the rest of the
 * kernel calls (interrupt-safe wrappers around mm/pmm.c).
 *
 * What is never handed out: frame 0; whatever the memory map does not call
 * usable (the BIOS areas below 1 MiB among it); the kernel image; the
 * Multiboot information and everything it points to, modules included; and
 * the struct page array itself.
 */
#include <pagoda/page_alloc.h>
#include <pagoda/bootinfo.h>
#include <pagoda/log.h>
#include <pagoda/panic.h>
#include <pagoda/string.h>
#include <arch/cpu.h>
#include <arch/memlayout.h>
#include <arch/sections.h>

#define FOUR_GIB        0x100000000ull
#define LOW_MEMORY_END  0x100000ull     /* the metadata goes above 1 MiB */

struct pmm kernel_pmm;
struct page_alloc_boot page_alloc_boot;

/* The allocator masks interrupts itself (mm/pmm.c). */
struct page *page_alloc(unsigned order, unsigned flags)
{
	return pmm_alloc_pages(&kernel_pmm, order, flags);
}

void page_free(struct page *page, unsigned order)
{
	pmm_free_pages(&kernel_pmm, page, order);
}

/* The physical ranges that must never be handed out, sorted by start. */
static size_t collect_exclusions(struct boot_phys_range *out, size_t max)
{
	size_t n = 0;

	out[n++] = (struct boot_phys_range){ 0, PAGE_SIZE, "frame 0" };
	out[n++] = (struct boot_phys_range){ (uintptr_t)_kernel_start_pa,
					     (uintptr_t)_kernel_end_pa, "kernel image" };
	for (size_t i = 0; i < boot_info.nreserved && n < max; i++)
		out[n++] = boot_info.reserved[i];
	if (page_alloc_boot.meta_end > page_alloc_boot.meta_start && n < max)
		out[n++] = (struct boot_phys_range){ page_alloc_boot.meta_start,
						     page_alloc_boot.meta_end, "frame metadata" };
	for (size_t i = 1; i < n; i++)          /* insertion sort: a handful */
		for (size_t j = i; j > 0 && out[j].start < out[j - 1].start; j--) {
			struct boot_phys_range t = out[j];

			out[j] = out[j - 1];
			out[j - 1] = t;
		}
	return n;
}

/* Move *pa past every exclusion that overlaps [*pa, *pa + len). */
static void skip_exclusions(paddr_t *pa, uint64_t len, const struct boot_phys_range *ex, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ex[i].start < *pa + len && ex[i].end > *pa)
			*pa = ALIGN_UP(ex[i].end, (paddr_t)PAGE_SIZE);
}

/* Find len bytes of usable, directly mapped memory above 1 MiB that nothing
 * else occupies, for the struct page array. */
static paddr_t place_metadata(uint64_t len)
{
	struct boot_phys_range ex[BOOT_MAX_RESERVED + 2];
	size_t n = collect_exclusions(ex, ARRAY_SIZE(ex));

	for (size_t i = 0; i < boot_info.nranges; i++) {
		const struct boot_mem_range *r = &boot_info.ranges[i];
		paddr_t pa = ALIGN_UP(MAX(r->base, LOW_MEMORY_END), (paddr_t)PAGE_SIZE);
		paddr_t end = MIN(r->base + r->len, (paddr_t)DIRECT_MAP_SIZE);

		if (r->type != BOOT_MEM_USABLE)
			continue;
		skip_exclusions(&pa, len, ex, n);
		if (pa + len <= end)
			return pa;
	}
	panic("page_alloc: no %llu KiB of free low memory for the frame metadata",
	      (unsigned long long)(len / 1024));
}

/* Hand the frames of usable range [base, end) to the allocator, minus the
 * exclusions (sorted) and any frame only partly inside. */
static void add_usable_range(paddr_t base, paddr_t end, const struct boot_phys_range *ex, size_t n)
{
	uint64_t pfn = (base + PAGE_SIZE - 1) >> PAGE_SHIFT;
	uint64_t end_pfn = end >> PAGE_SHIFT;

	for (size_t i = 0; i < n && pfn < end_pfn; i++) {
		uint64_t ex_start = ex[i].start >> PAGE_SHIFT;
		uint64_t ex_end = (ex[i].end + PAGE_SIZE - 1) >> PAGE_SHIFT;

		if (ex_end <= pfn || ex_start >= end_pfn)
			continue;
		if (ex_start > pfn)
			pmm_add_free_range(&kernel_pmm, (uint32_t)pfn, (uint32_t)ex_start);
		pfn = MAX(pfn, ex_end);
	}
	if (pfn < end_pfn)
		pmm_add_free_range(&kernel_pmm, (uint32_t)pfn, (uint32_t)end_pfn);
}

/* Sum the usable RAM below and above 4 GiB, and find where it ends. */
static uint64_t measure_ram(uint64_t *above_4g)
{
	uint64_t end = 0;

	*above_4g = 0;
	page_alloc_boot.total_bytes = 0;
	for (size_t i = 0; i < boot_info.nranges; i++) {
		const struct boot_mem_range *r = &boot_info.ranges[i];
		uint64_t rend = r->base + r->len;

		if (r->type != BOOT_MEM_USABLE)
			continue;
		if (rend > FOUR_GIB)
			*above_4g += rend - MAX(r->base, FOUR_GIB);
		if (r->base < FOUR_GIB) {
			page_alloc_boot.total_bytes += MIN(rend, FOUR_GIB) - r->base;
			end = MAX(end, MIN(rend, FOUR_GIB));
		}
	}
	return end;
}

static void print_summary(void)
{
	uint64_t free_kb = pmm_free_count(&kernel_pmm) * (PAGE_SIZE / 1024);
	uint64_t total_kb = page_alloc_boot.total_bytes / 1024;

	pr_info("Memory: %lluK/%lluK available (%luK kernel code, %lluK reserved)\n",
		(unsigned long long)free_kb, (unsigned long long)total_kb,
		(unsigned long)(_etext - _kernel_start) / 1024,
		(unsigned long long)(total_kb - free_kb));
	for (int i = 0; i < NR_ZONES; i++) {
		const struct zone *z = &kernel_pmm.zones[i];

		pr_info("  zone %-7s pfn 0x%05x-0x%05x: %llu frames free\n", z->name, z->start_pfn,
			z->end_pfn, (unsigned long long)z->free_pages);
	}
	pr_info("  frame metadata: %lu KiB at %#llx (%u bytes per 4 KiB frame)\n",
		(unsigned long)((page_alloc_boot.meta_end - page_alloc_boot.meta_start) / 1024),
		(unsigned long long)page_alloc_boot.meta_start, (unsigned)sizeof(struct page));
	pr_debug("  set up in %llu TSC cycles (instructions, under QEMU's -icount)\n",
		 (unsigned long long)page_alloc_boot.setup_tsc);
	if (page_alloc_boot.above_4g_bytes)
		pr_warn("Memory: %lluK of RAM above 4 GiB is out of reach without PAE\n",
			(unsigned long long)page_alloc_boot.above_4g_bytes / 1024);
}

void page_alloc_init(void)
{
	struct boot_phys_range ex[BOOT_MAX_RESERVED + 2];
	uint64_t ram_end = measure_ram(&page_alloc_boot.above_4g_bytes);
	uint32_t npages = (uint32_t)(ram_end >> PAGE_SHIFT);
	uint64_t meta_len = ALIGN_UP((uint64_t)npages * sizeof(struct page), (uint64_t)PAGE_SIZE);
	uint64_t tsc = rdtsc();
	struct page *meta;
	size_t n;

	page_alloc_boot.meta_start = place_metadata(meta_len);
	page_alloc_boot.meta_end = page_alloc_boot.meta_start + meta_len;
	/* The direct map must reach all of low memory, the metadata included. */
	boot_map_phys(0, (size_t)MIN(ram_end, (uint64_t)DIRECT_MAP_SIZE));
	meta = phys_to_virt(page_alloc_boot.meta_start);
	pmm_init(&kernel_pmm, meta, 0, npages, DIRECT_MAP_SIZE >> PAGE_SHIFT);

	n = collect_exclusions(ex, ARRAY_SIZE(ex));
	for (size_t i = 0; i < boot_info.nranges; i++) {
		const struct boot_mem_range *r = &boot_info.ranges[i];

		if (r->type == BOOT_MEM_USABLE && r->base < ram_end)
			add_usable_range(r->base, MIN(r->base + r->len, ram_end), ex, n);
	}
	page_alloc_boot.free_at_boot = pmm_free_count(&kernel_pmm);
	page_alloc_boot.setup_tsc = rdtsc() - tsc;
	print_summary();
}
