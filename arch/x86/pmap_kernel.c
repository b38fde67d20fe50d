/*
 * The kernel's pmap: built once at boot, it replaces the boot page
 * directory. Its upper quarter (the kernel half) is shared by every address
 * space, so its page tables are all created here and never freed.
 */
#include <pagoda/page_alloc.h>
#include <pagoda/pmap.h>
#include <pagoda/log.h>
#include <pagoda/panic.h>
#include <arch/bootpgdir.h>
#include <arch/cpu.h>
#include <arch/memlayout.h>
#include <arch/sections.h>

struct pmap kernel_pmap;
static struct pmap *active_pmap;

/* Page tables are always low memory, so the direct map reaches them. */
static void *kernel_phys_to_virt(paddr_t pa)
{
	return phys_to_virt(pa);
}

static void kernel_invlpg(vaddr_t va)
{
	invlpg(va);
}

/* Reloading CR3 keeps global entries; toggling CR4.PGE drops them too. */
static void kernel_tlb_flush(void)
{
	uint32_t cr4 = read_cr4();

	write_cr4(cr4 & ~(uint32_t)CR4_PGE);
	write_cr4(cr4);
}

const struct pmap_env kernel_pmap_env = {
	&kernel_pmm, kernel_phys_to_virt, kernel_invlpg, kernel_tlb_flush,
};

void pmap_activate(struct pmap *pmap)
{
	if (active_pmap)
		active_pmap->active = false;
	write_cr3((uint32_t)pmap->pd_pa);
	pmap->active = true;
	active_pmap = pmap;
}

static void check(int err, const char *what)
{
	if (err)
		panic("pmap_bootstrap: %s failed (%d): not enough low memory for page tables", what, err);
}

/* The 4 MiB at chunk_pa in 4 KiB pages: the kernel's text and read-only
 * data (up to _data_start) read-only, everything else writable. */
static void map_chunk_small(paddr_t chunk_pa)
{
	paddr_t ro_start = virt_to_phys(_kernel_start), ro_end = virt_to_phys(_data_start);
	vaddr_t va = (vaddr_t)phys_to_virt(chunk_pa);

	check(pmap_kernel_reserve_tables(&kernel_pmap, va, va + LARGE_PAGE_SIZE), "a direct-map table");
	for (paddr_t pa = chunk_pa; pa < chunk_pa + LARGE_PAGE_SIZE; pa += PAGE_SIZE) {
		vm_prot_t prot = pa >= ro_start && pa < ro_end ? VM_PROT_READ : VM_PROT_RW;

		check(pmap_enter(&kernel_pmap, (vaddr_t)phys_to_virt(pa), pa, prot, PMAP_GLOBAL),
		      "a direct-map page");
	}
}

/* Map low memory at KERNEL_VBASE: large pages, except around the image. */
static void map_direct(uint64_t ram_end)
{
	uint64_t end = MIN(ALIGN_UP(ram_end, (uint64_t)LARGE_PAGE_SIZE), (uint64_t)DIRECT_MAP_SIZE);
	paddr_t image_end = virt_to_phys(_kernel_end);

	for (paddr_t pa = 0; pa < end; pa += LARGE_PAGE_SIZE) {
		if (pa < image_end)
			map_chunk_small(pa);
		else
			check(pmap_kernel_map_large(&kernel_pmap, (vaddr_t)phys_to_virt(pa), pa, LARGE_PAGE_SIZE,
						    VM_PROT_RW, PMAP_GLOBAL), "a large page");
	}
}

void pmap_bootstrap(void)
{
	check(pmap_init(&kernel_pmap, &kernel_pmap_env, NULL), "the kernel page directory");
	map_direct((uint64_t)kernel_pmm.npages << PAGE_SHIFT);
	/* vmalloc, kmap and the fixed mappings: tables now, pages later. */
	check(pmap_kernel_reserve_tables(&kernel_pmap, VMALLOC_BASE, 0), "the vmalloc/kmap/fixmap tables");
	write_cr4(read_cr4() | CR4_PGE);
	pmap_activate(&kernel_pmap);
	boot_pgdir_retire();
	pr_info("Paging: kernel page tables at %#llx, %u KiB of tables; text and rodata read-only\n",
		(unsigned long long)kernel_pmap.pd_pa,
		(unsigned)(pmap_stats.pt_alloc * PAGE_SIZE / 1024));
}

volatile void *pmap_map_vga_text(void)
{
	check(pmap_enter(&kernel_pmap, fix_to_virt(FIX_VGA), VGA_TEXT_PA, VM_PROT_RW,
			 PMAP_GLOBAL | PMAP_NOCACHE), "the VGA text buffer");
	return (volatile void *)fix_to_virt(FIX_VGA);
}
