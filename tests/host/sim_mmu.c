/* The simulated MMU and TLB of the host tests; see sim_mmu.h. */
#include <string.h>
#include <arch/mmu.h>
#include "pmm_world.h"
#include "sim_mmu.h"

static uint32_t phys_read32(paddr_t pa)
{
	uint32_t v;

	memcpy(&v, world_phys_to_virt(pa), 4);
	return v;
}

/* Where va's PDE and (through it) PTE lie, in physical memory. */
static paddr_t pde_pa(paddr_t cr3, vaddr_t va)
{
	return cr3 + 4 * ((uint32_t)va >> 22);
}

static paddr_t pte_pa(uint32_t pde, vaddr_t va)
{
	return (pde & 0xFFFFF000u) + 4 * (((uint32_t)va >> 12) & 0x3FF);
}

struct sim_xlate sim_walk(paddr_t cr3, vaddr_t va)
{
	struct sim_xlate x = { 0 };
	uint32_t pde = phys_read32(pde_pa(cr3, va)), pte;

	if (!(pde & PTE_P))
		return x;
	if (pde & PDE_PS)
		return (struct sim_xlate){ true, pde & PTE_W, pde & PTE_U, true,
					   (pde & 0xFFC00000u) | ((uint32_t)va & 0x3FFFFFu), pde };
	pte = phys_read32(pte_pa(pde, va));
	x.pte = pte;
	x.in_use = pte & (PTE_P | PTE_SW_NOACCESS);
	if (!(pte & PTE_P))
		return x;
	x.present = true;
	x.writable = (pde & PTE_W) && (pte & PTE_W);
	x.user = (pde & PTE_U) && (pte & PTE_U);
	x.pa = (pte & 0xFFFFF000u) | ((uint32_t)va & 0xFFFu);
	return x;
}

void sim_mark_used(paddr_t cr3, vaddr_t va, bool write)
{
	uint32_t pde = phys_read32(pde_pa(cr3, va)), pte;
	uint8_t *at = world_phys_to_virt(pte_pa(pde, va));

	memcpy(&pte, at, 4);
	pte |= PTE_A | (write ? PTE_D : 0);
	memcpy(at, &pte, 4);
}

void sim_tlb_init(struct sim_tlb *tlb, vaddr_t base, uint32_t npages, struct sim_tlb_entry *entries)
{
	*tlb = (struct sim_tlb){ base, npages, entries, 0, 0 };
	memset(entries, 0, npages * sizeof(*entries));
}

struct sim_tlb_entry *sim_tlb_entry(struct sim_tlb *tlb, vaddr_t va)
{
	if (va < tlb->base || (va - tlb->base) / PAGE_SIZE >= tlb->npages)
		return NULL;
	return &tlb->e[(va - tlb->base) / PAGE_SIZE];
}

void sim_tlb_invlpg(struct sim_tlb *tlb, vaddr_t va)
{
	struct sim_tlb_entry *e = sim_tlb_entry(tlb, va);

	tlb->invlpg++;
	if (e)
		e->valid = false;
}

void sim_tlb_flush(struct sim_tlb *tlb)
{
	tlb->flushes++;
	memset(tlb->e, 0, tlb->npages * sizeof(*tlb->e));
}

struct sim_xlate sim_tlb_access(struct sim_tlb *tlb, paddr_t cr3, vaddr_t va)
{
	struct sim_tlb_entry *e = sim_tlb_entry(tlb, va);
	struct sim_xlate x;

	if (e && e->valid)
		return (struct sim_xlate){ true, e->writable, e->user, true,
					   e->frame | ((uint32_t)va & 0xFFFu), 0 };
	x = sim_walk(cr3, va);
	if (e && x.present)
		*e = (struct sim_tlb_entry){ true, x.writable, x.user, x.pa & ~0xFFFu };
	return x;
}
