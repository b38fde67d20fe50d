/*
 * Temporary mappings; see <pagoda/kmap.h>. The KMAP area's page table was
 * made at boot (pmap_bootstrap), so entering a slot never allocates and
 * never fails. Slot i is the page at KMAP_BASE + i * PAGE_SIZE.
 */
#include <pagoda/kmap.h>
#include <pagoda/panic.h>
#include <pagoda/page_alloc.h>
#include <pagoda/pmap.h>
#include <pagoda/string.h>
#include <arch/cpu.h>
#include <arch/memlayout.h>
#include <arch/page.h>

static unsigned depth, max_depth;       /* slots [0, depth) are in use */

static vaddr_t slot_va(unsigned slot)
{
	return KMAP_BASE + slot * PAGE_SIZE;
}

void *kmap(struct page *page)
{
	paddr_t pa = page_to_pa(page);
	uint32_t irq;
	unsigned slot;

	if (page->zone == ZONE_LOW)
		return phys_to_virt(pa);
	irq = irq_save();
	if (depth == KMAP_SLOTS)
		panic("kmap: all %u slots in use: a missing kunmap?", (unsigned)KMAP_SLOTS);
	slot = depth++;
	max_depth = MAX(max_depth, depth);
	irq_restore(irq);
	/* Replacing the slot's previous frame invalidates its TLB entry. */
	if (pmap_enter(&kernel_pmap, slot_va(slot), pa, VM_PROT_RW, PMAP_GLOBAL) != 0)
		panic("kmap: the KMAP page table is missing");
	return (void *)slot_va(slot);
}

void kunmap(void *va)
{
	vaddr_t v = (vaddr_t)va;
	uint32_t irq;

	if (v < KMAP_BASE || v >= KMAP_END)
		return;         /* low memory: kmap used the direct map */
	irq = irq_save();
	if (depth == 0 || ALIGN_DOWN(v, PAGE_SIZE) != slot_va(depth - 1))
		panic("kunmap(%p): not the innermost kmap (%u in use); kunmap in reverse order",
		      va, depth);
	depth--;
	irq_restore(irq);
}

unsigned kmap_depth(void)
{
	return depth;
}

unsigned kmap_max_depth(void)
{
	return max_depth;
}

void pmm_zero_page(struct page *page)
{
	void *va = kmap(page);

	zero_page(va);
	kunmap(va);
}

void pmm_copy_page(struct page *dst, struct page *src)
{
	void *d = kmap(dst), *s = kmap(src);

	copy_page(d, s);
	kunmap(s);
	kunmap(d);
}
