/*
 * The page-fault policy (see <pagoda/vm.h>): one function that decides
 * what a fault means, in terms of regions, frames and VM_PROT_*. The trap
 * handler only turns CR2 and the error code into (address, access).
 *
 *   find the region ---- none: a grows-down region just above? grow it
 *        |                                    else -EFAULT (SEGV_MAPERR)
 *   access allowed by the region? ------- no: -EACCES (SEGV_ACCERR)
 *        |
 *   what does the pmap map there?
 *     nothing ........ past the object's end: -ENXIO (SIGBUS)
 *                      shared object, shared region: its frame (made on first touch)
 *                      shared object, private region: its frame read-only,
 *                          or for a write a private copy of it
 *                      file image: a new frame filled from it
 *                      anonymous: a new zeroed frame
 *     enough already . nothing to do (another fault got there first)
 *     too little ..... shared region: map the same frame with the region's rights
 *                      read: map the same frame read-only
 *                      write: copy-on-write (below)
 *
 * Fault-around: a read fault on a shared object's page also maps the
 * object's frames around it that are already made (Linux's
 * fault_around_bytes: 64 KiB, in the same page table), so reading through
 * a mapped file takes one trap per 16 pages rather than one per page. Not
 * in executable regions: fork shares page tables, so every page mapped
 * costs each fork twice (a reference when the table is copied, one
 * dropped when it goes), and program text, where a forking program has
 * most of its mappings, would pay that for pages it never runs. (Linux
 * makes the trade the other way round: its fork copies no entry of a
 * file mapping, and the child faults them in.) Measured by make bench:
 * ubench's tiny fork + exit + wait cost 45,030 instructions with
 * fault-around in its text, 41,440 without; a scattered read of a mapped
 * file costs 201 per page with fault-around, 824 without (Linux: 658).
 *
 * Copy-on-write: first make the page table this address space's own
 * (pmap_unshare), so the frame's refcount counts every page table that maps
 * it. A frame mapped once is this address space's alone: it is reused, made
 * writable in place. Otherwise it is copied to a new frame, and the old one
 * loses this mapping's reference.
 *
 * Out of memory is -ENOMEM to the caller, who fails the process, never the
 * kernel: nothing is left half done.
 */
#include <pagoda/vm.h>
#include <pagoda/errno.h>
#include <pagoda/panic.h>


struct vm_fault_stats vm_stats;

/* The sum of the counters of one kind. */
static uint64_t faults_of(const struct vm_fault_stats *f, enum vm_fault_kind want)
{
	uint64_t n = 0;

#define ADD(name, kind, status) if (kind == want) n += f->name;
	VM_FAULT_COUNTERS(ADD)
#undef ADD
	return n;
}

uint64_t vm_faults_resolved(const struct vm_fault_stats *f)
{
	return faults_of(f, VM_FAULT_RESOLVED);
}

uint64_t vm_faults_taken(const struct vm_fault_stats *f)
{
	return faults_of(f, VM_FAULT_RESOLVED) + faults_of(f, VM_FAULT_REFUSED);
}

#define COUNT(vs, what) ((vs)->faults.what++, vm_stats.what++)

/* Whether a mapping with protection have permits access. On x86 with
 * 32-bit paging anything mapped can be read and executed. */
static bool allows(vm_prot_t have, vm_prot_t access)
{
	if (access & VM_PROT_WRITE)
		return have & VM_PROT_WRITE;
	return have != VM_PROT_NONE;
}

/* The pmap protection for pages of a region with protection prot. */
static vm_prot_t map_prot(vm_prot_t prot)
{
	return VM_PROT_READ | (prot & VM_PROT_WRITE);
}

static int refuse(struct vmspace *vs, int err)
{
	COUNT(vs, bad);
	return err;
}

/*
 * No region holds va: extend a grows-down region just above it down to
 * va's page, if that stays within the stack limit and leaves the guard gap
 * below it free. The extended region, or NULL.
 */
static struct vm_region *grow_stack(struct vmspace *vs, vaddr_t va)
{
	struct range_node *n = range_tree_ceil(&vs->regions, va), *below;
	struct vm_region *r;

	if (!n || va < VM_USER_MIN)
		return NULL;
	r = container_of(n, struct vm_region, node);
	below = range_tree_prev(n);
	if (!(r->flags & VM_REGION_GROWSDOWN) || r->node.end - va > vs->stack_max ||
	    (below && (uint64_t)below->end + VM_STACK_GUARD_GAP > va))
		return NULL;
	r->node.start = va;     /* still above `below`: the tree's order holds */
	COUNT(vs, stack_grow);
	return r;
}

/* Map frame pg at va; the mapping takes its own reference. */
static int map_frame(struct vmspace *vs, vaddr_t va, struct page *pg, vm_prot_t prot)
{
	return pmap_enter(&vs->pmap, va, pmm_page_to_pa(vs->env->pmap->pmm, pg), prot, VM_PMAP_FLAGS);
}

/* Map at va a private copy of frame src, writable as region r allows. */
static int private_copy(struct vmspace *vs, struct vm_region *r, vaddr_t va, struct page *src)
{
	struct pmm *pmm = vs->env->pmap->pmm;
	struct page *copy = pmm_alloc_pages(pmm, 0, PMM_ANY);
	int err;

	if (!copy)
		return -ENOMEM;
	vs->env->copy_frame(copy, src);
	err = map_frame(vs, va, copy, map_prot(r->prot));
	pmm_page_put(pmm, copy);        /* the mapping's reference is the one left */
	if (!err)
		COUNT(vs, file);
	return err;
}

#define FAULT_AROUND_PAGES      16u     /* Linux's fault_around_bytes / PAGE_SIZE */

/* Whether fault-around is worth it in r (see the top of the file): not
 * in program text, nor in private writable memory, whose pages each
 * fault again when they are written (a copy). */
static bool around_pays(const struct vm_region *r)
{
	if (r->prot & VM_PROT_EXEC)
		return false;
	return (r->flags & VM_REGION_SHARED) || !(r->prot & VM_PROT_WRITE);
}

/*
 * Map, read-only for a private region and with its rights for a shared
 * one, the object's frames that exist in the aligned window of
 * FAULT_AROUND_PAGES around va, within r and va's page table, where
 * nothing is mapped yet. Best effort: what cannot be mapped is left for
 * its own fault.
 */
static void fault_around(struct vmspace *vs, struct vm_region *r, vaddr_t va)
{
	const uint64_t window = FAULT_AROUND_PAGES * PAGE_SIZE, table = (uint64_t)PAGE_SIZE * 1024;
	uint64_t start = MAX(ALIGN_DOWN((uint64_t)va, window), MAX((uint64_t)r->node.start,
								 ALIGN_DOWN((uint64_t)va, table)));
	uint64_t end = MIN(start + window, MIN((uint64_t)r->node.end, ALIGN_DOWN((uint64_t)va, table) + table));
	vm_prot_t prot = (r->flags & VM_REGION_SHARED) ? map_prot(r->prot) : VM_PROT_READ;
	paddr_t pa[FAULT_AROUND_PAGES];
	unsigned n = (unsigned)((end - start) / PAGE_SIZE), mapped;

	for (unsigned i = 0; i < n; i++) {
		uint64_t off = r->offset + (start - r->node.start) + (uint64_t)i * PAGE_SIZE;
		struct page *pg = off < r->obj->size ?
			vm_object_lookup(r->obj, vs->env, (uint32_t)(off / PAGE_SIZE)) : NULL;

		pa[i] = pg ? pmm_page_to_pa(vs->env->pmap->pmm, pg) : 0;      /* frame 0: none */
	}
	mapped = pmap_enter_empty(&vs->pmap, (vaddr_t)start, n, pa, prot, VM_PMAP_FLAGS);
	vs->faults.around += mapped;
	vm_stats.around += mapped;
}

/* Nothing is mapped at va: bring the page in. */
static int fault_in(struct vmspace *vs, struct vm_region *r, vaddr_t va, vm_prot_t access)
{
	const struct vm_env *env = vs->env;
	uint64_t off = r->offset + (va - r->node.start);
	struct page *pg;
	int err;

	/* An object keeps its size whatever maps it: a region grown past
	 * its end (mremap) finds nothing there, as Linux's SIGBUS says. */
	if (r->obj && off >= r->obj->size)
		return refuse(vs, -ENXIO);
	if (r->obj && r->obj->kind == VMO_ANON_SHARED) {
		err = vm_object_frame(env, r->obj, (uint32_t)(off / PAGE_SIZE), &pg);
		if (err == -ENOSPC)     /* a full tmpfs: SIGBUS, as Linux's shmem_fault */
			return refuse(vs, -ENXIO);
		if (err)
			return err;
		if (access & VM_PROT_WRITE && !(r->flags & VM_REGION_SHARED))
			return private_copy(vs, r, va, pg);
		/* A private mapping reads the file's own page until it writes. */
		err = map_frame(vs, va, pg, (r->flags & VM_REGION_SHARED) ? map_prot(r->prot) : VM_PROT_READ);
		if (err)
			return err;
		if (r->flags & VM_REGION_SHARED)
			COUNT(vs, shared);
		else
			COUNT(vs, file);
		if (!(access & VM_PROT_WRITE) && around_pays(r))
			fault_around(vs, r, va);
		return 0;
	}
	pg = pmm_alloc_pages(env->pmap->pmm, 0, PMM_ANY);
	if (!pg)
		return -ENOMEM;
	if (r->obj)
		env->fill_frame(pg, r->obj->data + off, (size_t)MIN(r->obj->size - off, (uint64_t)PAGE_SIZE));
	else
		env->zero_frame(pg);
	err = map_frame(vs, va, pg, map_prot(r->prot));
	pmm_page_put(env->pmap->pmm, pg);       /* the mapping's reference is the one left */
	if (!err && r->obj)
		COUNT(vs, file);
	else if (!err)
		COUNT(vs, zero);
	return err;
}

/* A write to a private page that is mapped without write permission. */
static int copy_on_write(struct vmspace *vs, struct vm_region *r, vaddr_t va)
{
	struct pmm *pmm = vs->env->pmap->pmm;
	struct page *old, *copy;
	vm_prot_t have;
	paddr_t pa;
	int err;

	err = pmap_unshare(&vs->pmap, va);
	if (err)
		return err;
	if (pmap_extract(&vs->pmap, va, &pa, &have) != 0)
		panic("vm_fault: the page at %#lx vanished while its table was unshared", (unsigned long)va);
	if (have & VM_PROT_WRITE) {     /* the table came back with the frame ours alone */
		COUNT(vs, cow_reused);
		return 0;
	}
	old = pmm_pfn_to_page(pmm, (uint32_t)(pa >> PAGE_SHIFT));
	if (old->refcount == 1) {
		err = map_frame(vs, va, old, map_prot(r->prot));
		if (!err)
			COUNT(vs, cow_reused);
		return err;
	}
	copy = pmm_alloc_pages(pmm, 0, PMM_ANY);
	if (!copy)
		return -ENOMEM;
	vs->env->copy_frame(copy, old);
	err = map_frame(vs, va, copy, map_prot(r->prot));    /* drops old's reference */
	pmm_page_put(pmm, copy);
	if (!err)
		COUNT(vs, cow_copied);
	return err;
}

int vm_fault(struct vmspace *vs, vaddr_t va, vm_prot_t access)
{
	struct vm_region *r;
	vm_prot_t have;
	paddr_t pa;
	int err;

	va &= ~(PAGE_SIZE - 1);
	if (va >= VM_USER_END)
		return refuse(vs, -EFAULT);
	r = vm_region_find(vs, va);
	if (!r && !(r = grow_stack(vs, va)))
		return refuse(vs, -EFAULT);
	if (!allows(r->prot, access))
		return refuse(vs, -EACCES);
	if (pmap_extract(&vs->pmap, va, &pa, &have) != 0) {
		err = fault_in(vs, r, va, access);
	} else if (allows(have, access)) {
		COUNT(vs, spurious);
		return 0;
	} else if ((r->flags & VM_REGION_SHARED) || !(access & VM_PROT_WRITE)) {
		/* A kept (PROT_NONE) page readable again, or a shared page
		 * whose table fork made read-only: the same frame, more rights. */
		vm_prot_t prot = (r->flags & VM_REGION_SHARED) ? map_prot(r->prot) : VM_PROT_READ;

		err = pmap_enter(&vs->pmap, va, pa, prot, VM_PMAP_FLAGS);
		if (!err)
			COUNT(vs, spurious);
	} else {
		err = copy_on_write(vs, r, va);
	}
	if (err == -ENOMEM)
		COUNT(vs, oom);
	return err;
}
