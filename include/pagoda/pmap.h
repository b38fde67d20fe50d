/*
 * The page-table layer (pmap), in machine-independent terms: protections
 * are VM_PROT_* and attributes PMAP_*, never PTE bits. The implementation
 * for 32-bit two-level x86 paging is arch/x86/pmap.c; everything above this
 * interface would stay as it is for PAE or x86-64.
 *
 * A pmap is one address space's page tables. Page tables are allocated on
 * demand and freed when their last mapping goes; running out of memory is
 * an error return, never a panic, and leaves the pmap as it was.
 *
 * The kernel half (KERNEL_VBASE and up) belongs to kernel_pmap alone, and
 * its page tables exist from boot on (pmap_bootstrap), so every pmap shares
 * them by copying the directory entries once, at pmap_init.
 *
 * Managed mappings (PMAP_MANAGED, all of user space's) hold a reference on
 * their frame's struct page: a frame's refcount counts the page tables that
 * map it (plus any reference its other owners hold), and the pmap frees the
 * frame when the last mapping of it goes.
 *
 * Fork shares page tables rather than copying them (pmap_fork): both
 * directories point at the same tables, read-only at the directory level,
 * so fork costs one step per page table and touches no PTE and no frame.
 * The first change through a shared table gives the pmap its own copy,
 * with every entry read-only and a reference on each frame it maps;
 * copy-on-write of the frames then proceeds page by page, as usual. That
 * copy can fail for lack of memory, which is why pmap_enter, pmap_remove
 * and pmap_protect can all return -ENOMEM (for kernel_pmap they never do).
 */
#ifndef PAGODA_PMAP_H
#define PAGODA_PMAP_H

#include <pagoda/pmm.h>
#include <pagoda/types.h>

typedef unsigned vm_prot_t;
#define VM_PROT_NONE    0x0
#define VM_PROT_READ    0x1
#define VM_PROT_WRITE   0x2
#define VM_PROT_EXEC    0x4     /* 32-bit paging cannot refuse it: read implies exec */
#define VM_PROT_RW      (VM_PROT_READ | VM_PROT_WRITE)

/* Attributes of a mapping, beyond its protection. */
#define PMAP_USER       0x1     /* reachable from ring 3 */
#define PMAP_GLOBAL     0x2     /* kept in the TLB across address-space switches */
#define PMAP_WIRED      0x4     /* never to be paged out (recorded, for later) */
#define PMAP_NOCACHE    0x8     /* uncached: device memory */
#define PMAP_MANAGED    0x10    /* holds a reference on the frame's struct page */

/*
 * What a pmap needs from the machine around it, so the same code runs on
 * the CPU and, in the host tests, over simulated physical memory.
 */
struct pmap_env {
	struct pmm *pmm;                        /* page-table frames (PMM_LOWMEM) */
	void *(*phys_to_virt)(paddr_t pa);      /* reach a page-table frame */
	void (*tlb_invalidate)(vaddr_t va);     /* one page, in the active pmap */
	void (*tlb_flush)(void);                /* all non-global entries */
};

/* Counters for /proc/vmstat and the tests. */
struct pmap_stats {
	uint64_t pt_alloc, pt_free;             /* page tables created and freed */
	uint64_t tlb_single, tlb_full;          /* invalidations by kind */
	uint64_t pt_shared;                     /* tables shared by pmap_fork */
	uint64_t pt_copied;                     /* shared tables copied on a change */
	uint64_t pt_reclaimed;                  /* tables that became one pmap's again */
};
extern struct pmap_stats pmap_stats;

/* Above this many single-page invalidations in one operation, flush the
 * whole TLB instead (docs/pmap.md says how it was chosen). */
#define PMAP_TLB_FLUSH_THRESHOLD 32

/* struct pmap, in the architecture's terms; its owner embeds it. */
#include <arch/pmap.h>

/*
 * Make *pmap an empty address space: a page directory holding the kernel
 * half's shared entries (copied from `kernel`) and nothing below
 * KERNEL_VBASE. Returns 0, or -ENOMEM.
 */
int pmap_init(struct pmap *pmap, const struct pmap_env *env, const struct pmap *kernel);

/* Free every page table of the user half (dropping this pmap's share of a
 * shared one) and the directory; managed frames lose a reference, and are
 * freed if it was their last. The pmap must not be active. */
void pmap_fini(struct pmap *pmap);

/*
 * Map the page at va to the frame at pa with prot and attributes, replacing
 * any mapping there (a managed one it replaces drops its reference). va and
 * pa must be page aligned; prot must allow something (VM_PROT_NONE is
 * pmap_remove's job). Returns 0, or -ENOMEM if a page table was needed, or
 * a shared one had to be copied, and no frame was free (nothing changed).
 */
int pmap_enter(struct pmap *pmap, vaddr_t va, paddr_t pa, vm_prot_t prot, unsigned flags);

/* Unmap every page in [sva, eva), freeing page tables that become empty
 * and dropping managed references. Returns 0, or -ENOMEM if a shared page
 * table only partly in the range could not be copied (the pages before it
 * are unmapped, the rest are not). */
int pmap_remove(struct pmap *pmap, vaddr_t sva, vaddr_t eva);

/*
 * Map page i of the n at va (which lie in one page table) to frame pa[i]
 * with prot and flags, wherever pa[i] is not 0 and nothing is mapped
 * (not even a kept PROT_NONE page). Nothing to invalidate: the entries
 * were empty. Best effort, for fault-around: if the table does not exist
 * or cannot be made this pmap's own, nothing is mapped. The pages mapped.
 */
unsigned pmap_enter_empty(struct pmap *pmap, vaddr_t va, unsigned n, const paddr_t *pa, vm_prot_t prot,
			  unsigned flags);

/* Change the protection of every mapped page in [sva, eva). VM_PROT_NONE
 * keeps the mapping (and its frame) but lets no access through, until a
 * later pmap_protect or pmap_enter. Unmapped pages stay unmapped. Returns 0
 * or -ENOMEM, as pmap_remove. */
int pmap_protect(struct pmap *pmap, vaddr_t sva, vaddr_t eva, vm_prot_t prot);

/* The user pages mapped (present, or kept for PROT_NONE), shared tables'
 * counted in each pmap that sees them; and the most there have been since
 * pmap_init or pmap_fork (Linux's rss and hiwater_rss, for getrusage). */
uint32_t pmap_resident(const struct pmap *pmap);
uint32_t pmap_resident_peak(const struct pmap *pmap);

/*
 * Fork: make the empty pmap dst share every user page table of src, both
 * read-only at the directory level from now on (src's TLB is flushed if it
 * is active). O(page tables); no PTE or frame is touched.
 */
void pmap_fork(struct pmap *dst, struct pmap *src);

/*
 * Make the page table that covers va this pmap's alone, copying it if
 * another pmap shares it, so that frame refcounts tell who else maps each
 * frame. Returns 0 (also when no table covers va), or -ENOMEM.
 */
int pmap_unshare(struct pmap *pmap, vaddr_t va);

/*
 * pmap_unshare for the tables that [sva, eva) covers only in part: after
 * it, pmap_remove over the range cannot fail (a shared table wholly inside
 * is dropped, not copied). eva may be the end of the user half. 0 or
 * -ENOMEM.
 */
int pmap_unshare_edges(struct pmap *pmap, vaddr_t sva, uint64_t eva);

/*
 * Translate va: returns 0 and sets *pa (with va's offset) and *prot (if not
 * NULL; VM_PROT_NONE for a mapping pmap_protect made inaccessible), or
 * -ENOENT if nothing maps it.
 */
int pmap_extract(const struct pmap *pmap, vaddr_t va, paddr_t *pa, vm_prot_t *prot);

/* One mapping, as pmap_next finds it. used tells what the CPU has done
 * through it since it was entered (x86: the accessed and dirty bits). */
struct pmap_mapping {
	vaddr_t va;
	paddr_t pa;                     /* the frame (page aligned) */
	vm_prot_t prot;                 /* as pmap_extract says */
	unsigned used;                  /* PMAP_REFERENCED, PMAP_MODIFIED */
	uint32_t table_sharers;         /* as pmap_table_sharers says */
};
#define PMAP_REFERENCED 0x1             /* read or written */
#define PMAP_MODIFIED   0x2             /* written */

/*
 * The first mapped page in [*va, eva) (both page aligned): returns 0 with
 * *m filled and *va moved just past it, or -ENOENT (*va = eva) if there is
 * none. `for (va = s; pmap_next(p, &va, e, &m) == 0;)` visits each mapped
 * page once, in order, skipping 4 MiB at a time where no table is.
 */
int pmap_next(const struct pmap *pmap, vaddr_t *va, vaddr_t eva, struct pmap_mapping *m);

/* How many pmaps map va through the same page table: 1 if the table is
 * this pmap's alone, more after pmap_fork until a side copies it, 0 if no
 * table covers va. */
uint32_t pmap_table_sharers(const struct pmap *pmap, vaddr_t va);

/*
 * Boot-time set-up of the kernel half (kernel_pmap only): map [va, va + len)
 * to [pa, pa + len) with 4 MiB pages (all 4 MiB aligned), or create the
 * empty page tables for [sva, eva) that later pmap_enter calls will fill,
 * so every pmap shares them. Return 0 or -ENOMEM.
 */
int pmap_kernel_map_large(struct pmap *kernel, vaddr_t va, paddr_t pa, uint64_t len,
			  vm_prot_t prot, unsigned flags);
int pmap_kernel_reserve_tables(struct pmap *kernel, vaddr_t sva, vaddr_t eva); /* eva 0: to 4 GiB */

/* The kernel's pmap and its environment (arch/x86/pmap_kernel.c). */
extern struct pmap kernel_pmap;
extern const struct pmap_env kernel_pmap_env;

/*
 * Build kernel_pmap and switch to it: the direct map of low memory (4 MiB
 * pages; 4 KiB pages around the kernel image so its text and read-only
 * data are read-only), empty shared page tables for vmalloc, kmap and the
 * fixed mappings, all global. Needs the frame allocator.
 */
void pmap_bootstrap(void);

/* Map the VGA text buffer at its fixed address, uncached (after
 * pmap_bootstrap): the address, for the driver. */
volatile void *pmap_map_vga_text(void);

/* Load pmap into CR3. */
void pmap_activate(struct pmap *pmap);

/* Page tables this pmap owns (the kernel's shared ones are not counted). */
uint32_t pmap_page_tables(const struct pmap *pmap);

#endif /* PAGODA_PMAP_H */
