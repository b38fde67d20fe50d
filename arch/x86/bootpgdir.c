/* Changes to the boot page directory; see <arch/bootpgdir.h>. */
#include <arch/bootpgdir.h>
#include <arch/cpu.h>
#include <arch/memlayout.h>
#include <arch/mmu.h>
#include <pagoda/kernel.h>

#define PDX(va) ((uint32_t)(va) >> PDE_SHIFT)

void *boot_map_phys(paddr_t pa, size_t len)
{
	paddr_t end = pa + len;

	if (end < pa || end > DIRECT_MAP_SIZE)
		return NULL;
	for (paddr_t p = ALIGN_DOWN(pa, LARGE_PAGE_SIZE); p < end; p += LARGE_PAGE_SIZE) {
		uint32_t *pde = &boot_pgdir[PDX(KERNEL_VBASE + p)];

		/* Not present before, so no TLB entry can exist: no invlpg. */
		if (!(*pde & PTE_P))
			*pde = (uint32_t)p | PTE_P | PTE_W | PDE_PS;
	}
	return phys_to_virt(pa);
}

void boot_map_large(vaddr_t va, paddr_t pa, bool writable)
{
	uint32_t *pde = &boot_pgdir[PDX(va)];

	if (va < DIRECT_MAP_END || va % LARGE_PAGE_SIZE || pa % LARGE_PAGE_SIZE || (*pde & PTE_P))
		panic("boot_map_large: bad request va %08lx pa %llx (pde %08x)",
		      (unsigned long)va, (unsigned long long)pa, *pde);
	*pde = (uint32_t)pa | PTE_P | PDE_PS | (writable ? PTE_W : 0);
}

void boot_unmap_large(vaddr_t va)
{
	boot_pgdir[PDX(va)] = 0;
	invlpg(va);
}
