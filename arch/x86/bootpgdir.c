/* Changes to the boot page directory; see <arch/bootpgdir.h>. */
#include <arch/bootpgdir.h>
#include <arch/memlayout.h>
#include <arch/mmu.h>
#include <pagoda/panic.h>

static bool boot_pgdir_retired;

void *boot_map_phys(paddr_t pa, size_t len)
{
	paddr_t end = pa + len;

	if (boot_pgdir_retired)
		panic("boot_map_phys(%#llx) after the boot page directory was replaced",
		      (unsigned long long)pa);
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

void boot_pgdir_retire(void)
{
	boot_pgdir_retired = true;
}
