/*
 * Address spaces (the machine-independent VM): a vmspace is a pmap plus an
 * ordered set of regions, and vm_fault is the page-fault policy between
 * them. docs/vm.md draws the layers and the fault flow.
 *
 *   vmspace        mm/vmspace.c    map, unmap, protect, find free, fork, destroy
 *   vm_fault       mm/vm_fault.c   demand-zero, file fill, copy-on-write, stack growth
 *   vm_object      mm/vm_object.c  what backs pages that are not private anonymous
 *   pmap           <pagoda/pmap.h> the page tables, in VM_PROT_* terms
 *
 * Frames: every user page is a frame of its own, mapped with PMAP_MANAGED,
 * so its struct page refcount counts the page tables that map it (and a
 * shared object's own reference). A private page with refcount 1 in a table
 * of its own is this address space's alone; anything more is copy-on-write.
 *
 * Costs, with n regions (docs/vm.md has the reasoning):
 *   vm_region_find                 O(1) on a repeat, else O(log n)
 *   vm_map, vm_unmap, vm_protect   O(log n + regions touched) + the pmap's work
 *   vm_find_free                   O(log n + regions passed over)
 *   vmspace_fork                   O(n log n) + O(page tables): no frame touched
 *   vmspace_destroy                O(n) + O(page tables + pages mapped)
 *
 * Rules: one CPU, no preemption inside the kernel; these functions run in
 * process context only (never in an interrupt handler). The frame
 * allocator masks interrupts itself.
 */
#ifndef PAGODA_VM_H
#define PAGODA_VM_H

#include <pagoda/page.h>
#include <pagoda/pmap.h>
#include <pagoda/rangetree.h>
#include <pagoda/types.h>

/* The user part of an address space: [VM_USER_MIN, VM_USER_END). Below
 * VM_USER_MIN nothing is ever mapped (Debian's vm.mmap_min_addr), so NULL
 * pointers and small offsets from them fault. */
#define VM_USER_MIN             0x00010000u
#define VM_USER_END             0xC0000000u     /* KERNEL_VBASE */

/* Top-down placement of mappings without an address starts here: below
 * the stack, with room for it to grow (Linux: TASK_SIZE - 128 MiB). */
#define VM_MMAP_BASE            0xB8000000u
#define VM_STACK_MAX_DEFAULT    (8u << 20)      /* RLIMIT_STACK's default */
#define VM_STACK_GUARD_GAP      (256u * PAGE_SIZE) /* Linux's stack_guard_gap */

/* ---- backing objects (mm/vm_object.c) ---- */

enum vm_object_kind {
	VMO_FILE,               /* read-only bytes in kernel memory (the host tests' file) */
	VMO_ANON_SHARED,        /* frames shared by every mapping, zero-filled when made:
				 * shared anonymous memory, and a tmpfs file's page
				 * cache (Linux's shmem) */
};

struct inode;

/* A limit on the frames some objects may hold together (a tmpfs's size=;
 * 0: none): a frame past it is -ENOSPC, never taken. */
struct vm_quota {
	uint64_t pages, max_pages;
};

struct vm_object {
	enum vm_object_kind kind;
	uint32_t refs;                  /* regions (and creators) holding it */
	uint64_t size;                  /* bytes */
	const uint8_t *data;            /* VMO_FILE: the bytes, kernel-readable */
	uint32_t **frames;              /* VMO_ANON_SHARED: pfn by page, in leaves of
					 * VMO_LEAF_ENTRIES made on demand; 0 = none yet
					 * (frame 0, the real-mode IVT, is never allocated) */
	uint32_t nframes;               /* pages the object covers */
	uint32_t nleaves;               /* VMO_ANON_SHARED: entries of frames[] */
	uint32_t resident;              /* VMO_ANON_SHARED: frames it holds */
	struct vm_quota *quota;         /* whose limit its frames count against, or NULL */
	/* The file whose pages these are, for /proc/PID/maps: its inode while
	 * it lives (set and cleared by the file system), and the name it had
	 * with " (deleted)", saved when its last name went (owned, freed
	 * with the object). */
	struct inode *file;
	char *gone_name;
};

#define VMO_LEAF_ENTRIES        1024u   /* frame numbers per leaf of frames[] */

/* ---- regions and address spaces ---- */

/* Region flags. Anonymous or file-backed is told by the object. */
#define VM_REGION_SHARED        0x1     /* writes reach every mapping (MAP_SHARED) */
#define VM_REGION_GROWSDOWN     0x2     /* a stack: faults just below extend it */
#define VM_REGION_NOWRITE       0x4     /* may never be made writable: a shared
					 * mapping of a file opened read-only
					 * (Linux's VM_MAYWRITE clear) */
#define VM_REGION_DONTFORK      0x8     /* a child gets no such region (MADV_DONTFORK) */
#define VM_REGION_WIPEONFORK    0x10    /* a child's reads zeros again (MADV_WIPEONFORK) */
#define VM_REGION_NOSPLIT       0x20    /* the kernel's (the vDSO's): no change to part of
					 * it, -EINVAL (Linux's special_mapping_split) */
#define VM_REGION_FLAGS         (VM_REGION_SHARED | VM_REGION_GROWSDOWN | VM_REGION_NOWRITE | \
				 VM_REGION_DONTFORK | VM_REGION_WIPEONFORK | VM_REGION_NOSPLIT)

struct vm_region {
	struct range_node node;         /* [start, end), page aligned */
	vm_prot_t prot;                 /* VM_PROT_READ | WRITE | EXEC */
	unsigned flags;                 /* VM_REGION_* */
	struct vm_object *obj;          /* NULL: private anonymous, demand-zero */
	uint64_t offset;                /* byte offset in obj of node.start */
};

/* What the VM needs from the machine around it (the kernel's is
 * kernel_vm_env; the host tests build one over simulated memory). */
struct vm_env {
	const struct pmap_env *pmap;    /* page tables; its pmm gives user frames too */
	const struct pmap *kernel;      /* whose kernel half each vmspace shares */
	void *(*zalloc)(size_t size);   /* zeroed records; NULL when out of memory */
	void (*free)(void *p);
	void (*zero_frame)(struct page *frame);
	void (*copy_frame)(struct page *dst, struct page *src);
	/* Copy n (<= a page) bytes from src to the frame's start, zero the rest. */
	void (*fill_frame)(struct page *dst, const void *src, size_t n);
	/* Zero the frame from byte `from` to its end. */
	void (*zero_tail)(struct page *frame, size_t from);
};

/*
 * The fault counters, the one list of them: X(name, kind, status), with
 * status the name /proc/PID/status gives it. Every fault is counted once,
 * by how it ended: resolved (Linux's minor faults, wait4's ru_minflt) or
 * refused; a stack's growth, and each neighbour fault-around maps, are
 * counted besides the fault that brings them.
 */
#define VM_FAULT_COUNTERS(X) \
	X(zero,       VM_FAULT_RESOLVED, "FltZero")      /* demand-zero page */ \
	X(file,       VM_FAULT_RESOLVED, "FltFile")      /* private page filled from a file */ \
	X(shared,     VM_FAULT_RESOLVED, "FltShared")    /* shared page mapped (made or found) */ \
	X(cow_copied, VM_FAULT_RESOLVED, "FltCowCopied") /* copy-on-write: copied to a new frame */ \
	X(cow_reused, VM_FAULT_RESOLVED, "FltCowReused") /* copy-on-write: the last user kept it */ \
	X(stack_grow, VM_FAULT_ALSO,     "FltStackGrow") /* a grows-down region extended */ \
	X(around,     VM_FAULT_ALSO,     "FltAround")    /* a cached neighbour mapped too */ \
	X(spurious,   VM_FAULT_RESOLVED, "FltSpurious")  /* nothing to do: already right */ \
	X(bad,        VM_FAULT_REFUSED,  "FltBad")       /* no region, protection, past an end */ \
	X(oom,        VM_FAULT_REFUSED,  "FltOom")       /* no frame or page table to be had */

enum vm_fault_kind { VM_FAULT_RESOLVED, VM_FAULT_REFUSED, VM_FAULT_ALSO };

/* System-wide in vm_stats, and per address space. */
struct vm_fault_stats {
#define VM_FAULT_FIELD(name, kind, status) uint64_t name;
	VM_FAULT_COUNTERS(VM_FAULT_FIELD)
#undef VM_FAULT_FIELD
};
extern struct vm_fault_stats vm_stats;

/* Faults resolved (minor faults), and all faults taken (resolved or
 * refused), as Linux's ru_minflt and /proc/vmstat's pgfault count them. */
uint64_t vm_faults_resolved(const struct vm_fault_stats *f);
uint64_t vm_faults_taken(const struct vm_fault_stats *f);

struct vmspace {
	struct pmap pmap;
	struct range_tree regions;
	const struct vm_env *env;
	vaddr_t mmap_base;              /* top-down placement starts below this */
	uint32_t stack_max;             /* bytes a grows-down region may reach */
	vaddr_t vdso_base;              /* where exec put the vDSO (proc/vdso.c); 0: none */
	unsigned users;                 /* processes on it (clone's CLONE_VM): vmspace_free's */
	struct vm_fault_stats faults;   /* this address space's */
};

/* The pmap attributes of every user page: ring 3, and a frame reference. */
#define VM_PMAP_FLAGS           (PMAP_USER | PMAP_MANAGED)

/* Flags of vm_map. */
#define VM_MAP_FIXED            0x100   /* exactly at *addr, replacing what is there */
#define VM_MAP_NOREPLACE        0x200   /* exactly at *addr, -EEXIST if anything is */

/* An empty address space (the kernel half shared): 0 or -ENOMEM. */
int vmspace_init(struct vmspace *vs, const struct vm_env *env);

/* Return every region, frame and page table; vs is then invalid. It must
 * not be the active address space. */
void vmspace_destroy(struct vmspace *vs);

/*
 * Make child (uninitialised) a copy-on-write copy of parent: the same
 * regions, private pages shared read-only until either side writes,
 * shared regions still shared. 0, or -ENOMEM with child left invalid.
 */
int vmspace_fork(struct vmspace *child, struct vmspace *parent);

/*
 * Map [*addr, *addr + len) (len rounded up to pages) with prot and region
 * flags (VM_REGION_*) backed by obj at offset (NULL: private anonymous;
 * the region takes its own reference; a grows-down region must be
 * anonymous). Without VM_MAP_FIXED or
 * VM_MAP_NOREPLACE, *addr is a hint and the address chosen is stored there.
 * Returns 0, -EINVAL (bad alignment, length or range), -EEXIST
 * (NOREPLACE and something is there) or -ENOMEM.
 */
int vm_map(struct vmspace *vs, vaddr_t *addr, size_t len, vm_prot_t prot, unsigned flags,
	   struct vm_object *obj, uint64_t offset);

/* Unmap [start, start + len): regions are cut as needed, and unmapped
 * parts of the range are fine. 0, -EINVAL or -ENOMEM (nothing changed). */
int vm_unmap(struct vmspace *vs, vaddr_t start, size_t len);

/*
 * Set the protection of [start, start + len), splitting regions at its
 * ends and merging equal neighbours after. -ENOMEM if part of the range is
 * not mapped (nothing changed) or memory ran out, -EACCES at a region that
 * may not become writable (VM_REGION_NOWRITE); in those two cases a prefix
 * of the range may be changed, as with Linux's mprotect.
 */
int vm_protect(struct vmspace *vs, vaddr_t start, size_t len, vm_prot_t prot);

/*
 * MADV_DONTFORK, MADV_DOFORK, MADV_WIPEONFORK, MADV_KEEPONFORK: set the
 * flag (VM_REGION_DONTFORK or VM_REGION_WIPEONFORK) on the regions of
 * [start, end), or clear it with VM_FORK_CLEAR, which vmspace_fork
 * honours. As Linux: wiping only private anonymous memory (-EINVAL at the
 * first other region, those before it changed), -ENOMEM if a hole is in
 * the range (the rest changed).
 */
#define VM_FORK_CLEAR           0x100
int vm_fork_advice(struct vmspace *vs, vaddr_t start, uint64_t end, unsigned advice);

/*
 * mremap's move: the pages of [old, old + len), which must lie in one
 * region, go to the free range [new, new + len) with their frames (private
 * pages keep their copy-on-write state; nothing is copied), under a region
 * like the old one, and the old range is unmapped. 0, -EFAULT (old is not
 * inside one region), -EEXIST (new is not free) or -ENOMEM (nothing
 * changed).
 */
int vm_move(struct vmspace *vs, vaddr_t old, size_t len, vaddr_t new);

/* A free range of len bytes: at hint if it is free, else the highest below
 * mmap_base. 0 with *out set, or -ENOMEM. */
int vm_find_free(struct vmspace *vs, vaddr_t hint, size_t len, vaddr_t *out);

/* Whether regions cover all of [start, end), with no hole. */
bool vm_range_mapped(struct vmspace *vs, vaddr_t start, uint64_t end);

/* The region holding va, or NULL. */
struct vm_region *vm_region_find(struct vmspace *vs, vaddr_t va);

/* Regions in address order: the first, and the one after r (or NULL). */
struct vm_region *vm_region_first(const struct vmspace *vs);
struct vm_region *vm_region_next(const struct vm_region *r);

/*
 * The page-fault policy: make an access of kind `access` (VM_PROT_READ,
 * WRITE or EXEC) to va possible. Returns 0 (retry the access), -EFAULT (no
 * region: SIGSEGV, SEGV_MAPERR), -EACCES (the region forbids it: SIGSEGV,
 * SEGV_ACCERR), -ENXIO (a file page beyond its end: SIGBUS), or -ENOMEM.
 */
int vm_fault(struct vmspace *vs, vaddr_t va, vm_prot_t access);

/* What a region holds in memory, in pages: resident (mapped to a frame)
 * and of those shared (another address space maps the frame too:
 * copy-on-write after fork, or MAP_SHARED), written (the CPU's dirty bit)
 * while shared or private, referenced (accessed), and anonymous (as Linux
 * counts it: private, and not a clean page of a file). */
struct vm_usage {
	uint32_t resident, shared;
	uint32_t shared_dirty, private_dirty;
	uint32_t referenced, anonymous;
	uint32_t shmem;                 /* frames a shared object owns (Linux's RssShmem) */
};
/* Add region r of vs to *u (which the caller zeroes first). */
void vm_region_usage(const struct vmspace *vs, const struct vm_region *r, struct vm_usage *u);

/*
 * madvise(MADV_DONTNEED): drop the pages of [start, end) wherever it is
 * mapped, so private anonymous memory reads as zero again, private file
 * pages are read afresh and shared pages stay in their object. -ENOMEM if
 * some of the range is not mapped (the rest is still dropped, as on Linux)
 * or a page table could not be copied. (mm/vm_advice.c)
 */
int vm_discard(struct vmspace *vs, vaddr_t start, uint64_t end);

/*
 * Drop the pages that vs maps of obj at byte offsets [from, to), the
 * whole pages within it, as Linux's unmap_mapping_range: with copies,
 * private copies too (truncation, so that a touch there faults and finds
 * the object's end: SIGBUS), else only obj's own frames (a hole punched:
 * private copies stay). -ENOMEM if a shared page table could not be
 * copied (those pages stay mapped: their frames are still held).
 */
int vm_object_unmap(struct vmspace *vs, const struct vm_object *obj, uint64_t from, uint64_t to,
		    bool copies);

/*
 * mincore: vec[i] = 1 if page i of the npages at va is in memory: mapped
 * here, or held by the object behind it (a file of the initramfs, which
 * is in RAM; a shared object's page once made). -ENOMEM at the first page
 * outside every region.
 */
int vm_residency(struct vmspace *vs, vaddr_t va, size_t npages, uint8_t *vec);

/* Check the region tree and that every page the pmap maps lies in a region
 * and allows no more than it does: 0, or -EINVAL with the reason in why. */
int vmspace_check(struct vmspace *vs, char *why, size_t size);

/* Backing objects: created with one reference (the creator's). */
struct vm_object *vm_object_file(const struct vm_env *env, const void *data, uint64_t size);
struct vm_object *vm_object_anon_shared(const struct vm_env *env, uint64_t size);
void vm_object_get(struct vm_object *obj);
void vm_object_put(const struct vm_env *env, struct vm_object *obj);

/* Whether the object holds the page at byte offset (within its size): a
 * file's always, a shared object's once made. */
bool vm_object_resident(const struct vm_object *obj, uint64_t offset);

/* The frame behind page `index` of a VMO_ANON_SHARED object, made (zeroed)
 * on first use: 0 with *frame set, -ENOMEM, or -ENOSPC (its quota is full). */
int vm_object_frame(const struct vm_env *env, struct vm_object *obj, uint32_t index,
		    struct page **frame);

/* The frame behind page index if it has been made, else NULL (a hole). */
struct page *vm_object_lookup(const struct vm_object *obj, const struct vm_env *env, uint32_t index);

/*
 * Give a VMO_ANON_SHARED object a new size: growing makes room (-ENOMEM,
 * nothing changed); shrinking frees the frames wholly past the end and
 * zeroes the rest of the last page, so growing again reads zeros (a hole).
 * Mappings keep the frames they map until they are unmapped.
 */
int vm_object_resize(const struct vm_env *env, struct vm_object *obj, uint64_t size);

/*
 * fallocate on a VMO_ANON_SHARED object: make the frames of pages
 * [first, end), past its size too (they wait, zeroed, for the file to
 * grow; a shrink frees them). All or nothing: -ENOMEM or -ENOSPC frees
 * again the frames this call made.
 */
int vm_object_reserve(const struct vm_env *env, struct vm_object *obj, uint32_t first, uint32_t end);
/* Free the frames of pages [first, end): a hole punched (mappings must
 * have let go of them first: vm_object_unmap). */
void vm_object_punch(const struct vm_env *env, struct vm_object *obj, uint32_t first, uint32_t end);

/* Frames held by every VMO_ANON_SHARED object: /proc/meminfo's Shmem. */
extern uint64_t vm_shared_frames;

/* ---- the kernel's address spaces ---- */

extern const struct vm_env kernel_vm_env;

/* The address space user addresses refer to now (NULL: none), and
 * switching to another (NULL: the kernel's pmap alone). */
extern struct vmspace *vm_current;
void vmspace_activate(struct vmspace *vs);

/* An empty address space from the kernel's heap, or NULL; and its end
 * (switching to the kernel's pmap first if it is the active one). */
/* A new address space with one user; one user fewer (the last frees it). */
struct vmspace *vmspace_new(void);
void vmspace_free(struct vmspace *vs);

#endif /* PAGODA_VM_H */
