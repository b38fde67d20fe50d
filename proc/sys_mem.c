/*
 * System calls about memory: brk, mmap (both forms), munmap, mprotect,
 * mremap, madvise and mincore, each a thin layer of Linux's argument rules
 * over the address-space operations of mm/vmspace.c.
 */
#include "proc_internal.h"
#include <pagoda/compiler.h>
#include <pagoda/errno.h>
#include <uapi/pagoda.h>
#include <pagoda/file.h>
#include <pagoda/vfs.h>
#include <pagoda/page_alloc.h>
#include <pagoda/pmap.h>
#include <pagoda/string.h>
#include <pagoda/uaccess.h>
#include <pagoda/page.h>

#define PROT_READ       0x1
#define PROT_WRITE      0x2
#define PROT_EXEC       0x4
#define PROT_SEM        0x8             /* accepted, meaningless on x86 */
#define PROT_GROWSDOWN  0x01000000
#define PROT_GROWSUP    0x02000000
#define PROT_KNOWN      (PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM | PROT_GROWSDOWN | PROT_GROWSUP)
#define MAP_SHARED      0x01
#define MAP_PRIVATE     0x02
#define MAP_SHARED_VALIDATE 0x03
#define MAP_TYPE        0x0f
#define MAP_FIXED       0x10
#define MAP_ANONYMOUS   0x20
#define MAP_GROWSDOWN   0x0100
#define MAP_FIXED_NOREPLACE 0x100000
#define MREMAP_MAYMOVE  1
#define MREMAP_FIXED    2
#define MREMAP_DONTUNMAP 4
#define MADV_DONTNEED   4
#define MADV_FREE       8
#define MADV_DONTFORK   10
#define MADV_DOFORK     11
#define MADV_WIPEONFORK 18
#define MADV_KEEPONFORK 19

static vm_prot_t prot_from_user(uint32_t prot)
{
	return ((prot & PROT_READ) ? VM_PROT_READ : 0) | ((prot & PROT_WRITE) ? VM_PROT_WRITE : 0) |
	       ((prot & PROT_EXEC) ? VM_PROT_EXEC : 0);
}

/*
 * Linux's default overcommit rule (heuristic, vm.overcommit_memory = 0):
 * memory is promised freely, except that one request for more than all of
 * RAM is refused at once with -ENOMEM, since it could never be met. It
 * applies to what could need fresh frames: private writable and shared
 * anonymous mappings, brk, and mremap's growth.
 */
static bool overcommit_ok(uint64_t bytes)
{
	return bytes / PAGE_SIZE <= page_alloc_boot.total_bytes / PAGE_SIZE;
}

/* Whether an mmap is one the rule applies to (Linux's VM_ACCOUNT): a
 * private mapping that may be written, or shared anonymous memory. A
 * shared file mapping's pages are the file's, never new. */
static bool mmap_accountable(uint32_t type, uint32_t prot, uint32_t flags)
{
	return type == MAP_PRIVATE ? (prot & PROT_WRITE) != 0 : (flags & MAP_ANONYMOUS) != 0;
}

/*
 * brk: move the end of the heap. Growing maps the new pages (refused if
 * anything is in the way); shrinking unmaps whole pages. Like Linux it
 * returns the new break, or the old one if the request cannot be met.
 */
SYSCALL(brk)
{
	struct proc *p = proc_current;
	vaddr_t want = a0, old_top = (vaddr_t)PAGE_UP(p->brk), new_top = (vaddr_t)PAGE_UP(want);

	if (want < p->brk_start || want >= VM_MMAP_BASE)
		return (long)p->brk;
	if (new_top > old_top) {
		vaddr_t at = old_top;

		if (!overcommit_ok(new_top - old_top) || vm_map(p->vs, &at, new_top - old_top, VM_PROT_RW, VM_MAP_NOREPLACE, NULL, 0))
			return (long)p->brk;
	} else if (new_top < old_top) {
		if (vm_unmap(p->vs, new_top, old_top - new_top))
			return (long)p->brk;
	}
	p->brk = want;
	return (long)want;
}

/* The object a file mapping maps: the file's page cache (or what its
 * driver gives: /dev/zero's), with a reference for the caller; NULL for
 * private anonymous memory. A shared mapping of a file not open for
 * writing may never become writable: VM_REGION_NOWRITE joins *vmflags. */
static long mmap_file_object(int fd, uint32_t flags, uint32_t prot, uint64_t end,
			     struct vm_object **obj, unsigned *vmflags)
{
	struct file *f = fd_get(proc_current, fd);
	bool shared_ro;
	long err;

	if (!f || (f->flags & O_PATH))
		return -EBADF;
	shared_ro = (flags & MAP_TYPE) != MAP_PRIVATE && (f->flags & O_ACCMODE) != O_RDWR;
	/* Linux's order: access rights first, then whether the file maps. */
	if ((f->flags & O_ACCMODE) == O_WRONLY)
		return -EACCES;         /* every mapping reads the file */
	if (shared_ro && (prot & PROT_WRITE))
		return -EACCES;
	if (!f->ops || !f->ops->mmap)
		return -ENODEV;
	err = f->ops->mmap(f, (flags & MAP_TYPE) != MAP_PRIVATE, end, obj);
	if (!err && shared_ro)
		*vmflags |= VM_REGION_NOWRITE;
	return err;
}

static long do_mmap(vaddr_t addr, size_t len, uint32_t prot, uint32_t flags, int fd, uint64_t off)
{
	struct vm_object *obj = NULL;
	unsigned vmflags = 0;
	uint32_t type = flags & MAP_TYPE;
	long err;

	if (len == 0 || off % PAGE_SIZE)
		return -EINVAL;
	if (PAGE_UP(len) > UINT32_MAX)
		return -ENOMEM;         /* rounding up wrapped, for Linux */
	/* The file's pages, numbered in 32 bits, must not wrap either. */
	if (off / PAGE_SIZE + PAGE_UP(len) / PAGE_SIZE > UINT32_MAX)
		return -EOVERFLOW;
	if (PAGE_UP(len) > VM_USER_END)
		return -ENOMEM;
	if (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE)
		return -EINVAL;
	if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) && (addr % PAGE_SIZE))
		return -EINVAL;
	if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) && PAGE_UP(len) > VM_USER_END - (uint64_t)addr)
		return -ENOMEM;         /* no room there below the kernel */
	if (flags & MAP_FIXED_NOREPLACE)        /* with MAP_FIXED too: it wins */
		vmflags |= VM_MAP_NOREPLACE;
	else if (flags & MAP_FIXED)
		vmflags |= VM_MAP_FIXED;
	else
		addr = ALIGN_DOWN(addr, (vaddr_t)PAGE_SIZE);      /* a hint */
	if (type != MAP_PRIVATE)
		vmflags |= VM_REGION_SHARED;
	if (flags & MAP_GROWSDOWN)
		vmflags |= VM_REGION_GROWSDOWN;
	if (mmap_accountable(type, prot, flags) && !overcommit_ok(PAGE_UP(len)))
		return -ENOMEM;
	if (flags & MAP_ANONYMOUS) {
		if (type != MAP_PRIVATE) {
			obj = vm_object_anon_shared(&kernel_vm_env, PAGE_UP(len));
			if (!obj)
				return -ENOMEM;
		}
		off = 0;
	} else {
		err = mmap_file_object(fd, flags, prot, off + PAGE_UP(len), &obj, &vmflags);
		if (err)
			return err;
		if (!obj)
			off = 0;        /* anonymous after all (/dev/zero) */
	}
	err = vm_map(proc_current->vs, &addr, len, prot_from_user(prot), vmflags, obj, off);
	if (obj)
		vm_object_put(&kernel_vm_env, obj);     /* the region holds its own */
	return err ? err : (long)addr;
}

/* mmap2: the offset in pages. */
SYSCALL(mmap2)
{
	return do_mmap(a0, a1, a2, a3, (int)a4, (uint64_t)a5 * PAGE_SIZE);
}

/* The old mmap: one pointer to the six arguments, the offset in bytes. */
SYSCALL(mmap)
{
	uint32_t args[6];

	if (copyin(args, a0, sizeof(args)))
		return -EFAULT;
	return do_mmap(args[0], args[1], args[2], args[3], (int)args[4], args[5]);
}

SYSCALL(munmap)
{
	if ((a0 % PAGE_SIZE) || a1 == 0 || PAGE_UP(a1) > VM_USER_END - (uint64_t)a0)
		return -EINVAL;
	return vm_unmap(proc_current->vs, a0, a1);
}

/* How far regions reach without a gap from start, up to end. */
static vaddr_t mapped_until(struct vmspace *vs, vaddr_t start, vaddr_t end)
{
	struct vm_region *r;

	while (start < end && (r = vm_region_find(vs, start)) != NULL)
		start = r->node.end;
	return start < end ? start : end;
}

/* mprotect: as on Linux, a range that runs into a hole is changed up to
 * the hole, and then the call fails with -ENOMEM. */
SYSCALL(mprotect)
{
	vaddr_t end, reach;
	long err;

	if ((a0 % PAGE_SIZE) || (a2 & ~(uint32_t)PROT_KNOWN))
		return -EINVAL;
	if (a1 == 0)
		return 0;
	if (PAGE_UP(a1) > VM_USER_END - (uint64_t)a0)
		return -ENOMEM;
	end = a0 + (vaddr_t)PAGE_UP(a1);
	reach = mapped_until(proc_current->vs, a0, end);
	if (reach == a0)
		return -ENOMEM;
	err = vm_protect(proc_current->vs, a0, reach - a0, prot_from_user(a2));
	return err ? err : reach < end ? -ENOMEM : 0;
}

/* Grow [old, old + old_len) in place to new_len if its region ends there
 * and the space after is free: 0, or -ENOMEM. */
static long grow_in_place(struct vmspace *vs, vaddr_t old, size_t old_len, size_t new_len)
{
	struct vm_region *r = vm_region_find(vs, old);
	vaddr_t at = old + old_len;
	uint64_t off;

	if (!r || r->node.end != at || (r->flags & VM_REGION_GROWSDOWN))
		return -ENOMEM;
	off = r->obj ? r->offset + (at - r->node.start) : 0;
	return vm_map(vs, &at, new_len - old_len, r->prot, VM_MAP_NOREPLACE | r->flags,
		      r->obj, off) ? -ENOMEM : 0;
}

/* mremap(old, old_len, new_len, flags, new_addr): shrink, grow in place,
 * or (MREMAP_MAYMOVE) move to where there is room; to new_addr with
 * MREMAP_FIXED, or leaving the old range mapped with MREMAP_DONTUNMAP
 * (mremap_to). */
/*
 * mremap with MREMAP_FIXED (to new, replacing what is there) or
 * MREMAP_DONTUNMAP (the old range stays mapped, empty), in the order of
 * Linux's mremap_to: the new range is checked and, with FIXED, unmapped
 * first, whatever comes after (old lies in a region: the caller saw to
 * that); then the old range is cut to the new length, checked again
 * (-EFAULT if it runs past its region), moved and grown.
 */
static long mremap_to(struct vmspace *vs, vaddr_t old, size_t old_len, vaddr_t new, size_t new_len,
		      uint32_t flags)
{
	struct vm_region *r, keep;
	long err;

	if (new % PAGE_SIZE || new_len > VM_USER_END || new > VM_USER_END - new_len)
		return -EINVAL;
	if ((uint64_t)old + old_len > new && (uint64_t)new + new_len > old)
		return -EINVAL;                 /* the ranges overlap */
	if ((flags & MREMAP_FIXED) && vm_unmap(vs, new, new_len))
		return -ENOMEM;
	if (old_len > new_len) {
		if (vm_unmap(vs, old + new_len, old_len - new_len))
			return -ENOMEM;
		old_len = new_len;
	}
	r = vm_region_find(vs, old);
	if (!r || (uint64_t)old + old_len > r->node.end)
		return -EFAULT;
	if (!overcommit_ok(new_len - old_len + ((flags & MREMAP_DONTUNMAP) ? old_len : 0)))
		return -ENOMEM;
	keep = *r;
	if (!(flags & MREMAP_FIXED) && (err = vm_find_free(vs, 0, new_len, &new)))
		return err;
	err = vm_move(vs, old, old_len, new);
	if (err)
		return err == -EFAULT ? -EFAULT : -ENOMEM;
	if (new_len > old_len && (err = grow_in_place(vs, new, old_len, new_len)))
		return err;
	/* DONTUNMAP: the old range is mapped again as it was, with no pages. */
	if ((flags & MREMAP_DONTUNMAP) &&
	    vm_map(vs, &old, old_len, keep.prot, VM_MAP_FIXED | keep.flags, keep.obj,
		   keep.offset + (old - keep.node.start)))
		return -ENOMEM;
	return (long)new;
}

SYSCALL(mremap)
{
	struct vmspace *vs = proc_current->vs;
	vaddr_t old = a0, dst;
	size_t old_len = (size_t)PAGE_UP(a1), new_len = (size_t)PAGE_UP(a2);
	struct vm_region *r;
	long err;

	if (a3 & ~(uint32_t)(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP))
		return -EINVAL;
	if ((a3 & (MREMAP_FIXED | MREMAP_DONTUNMAP)) && !(a3 & MREMAP_MAYMOVE))
		return -EINVAL;
	if ((a3 & MREMAP_DONTUNMAP) && old_len != new_len)
		return -EINVAL;
	if ((old % PAGE_SIZE) || new_len == 0)
		return -EINVAL;
	if (!vm_region_find(vs, old))
		return -EFAULT;         /* before anything else, as Linux 6.1 looks */
	if (old_len == 0)
		return -EINVAL;         /* duplicating a shared mapping: not supported */
	if (a3 & (MREMAP_FIXED | MREMAP_DONTUNMAP))
		return mremap_to(vs, old, old_len, a4, new_len, a3);
	r = vm_region_find(vs, old);
	if (!r || (uint64_t)old + old_len > r->node.end)
		return -EFAULT;
	if (new_len <= old_len) {
		if (new_len < old_len && vm_unmap(vs, old + new_len, old_len - new_len))
			return -ENOMEM;
		return (long)old;
	}
	if (!overcommit_ok(new_len - old_len))
		return -ENOMEM;
	if (grow_in_place(vs, old, old_len, new_len) == 0)
		return (long)old;
	if (!(a3 & MREMAP_MAYMOVE))
		return -ENOMEM;
	err = vm_find_free(vs, 0, new_len, &dst);
	if (err)
		return err;
	err = vm_move(vs, old, old_len, dst);
	if (err)
		return err == -EFAULT ? -EFAULT : -ENOMEM;
	err = grow_in_place(vs, dst, old_len, new_len);
	return err ? err : (long)dst;
}

/* The advice Linux 6.1 knows: 0-4 and 8-25 (MADV_HWPOISON and
 * MADV_SOFT_OFFLINE, 100 and 101, need privileges Pagoda has no notion of). */
static bool advice_known(uint32_t advice)
{
	return advice <= MADV_DONTNEED || (advice >= MADV_FREE && advice <= 25);
}

/*
 * madvise: MADV_DONTNEED (and MADV_FREE, which may free at once) drops
 * the pages of the range (vm_discard); the fork advice marks its regions
 * for vmspace_fork (vm_fork_advice); other known advice is accepted and
 * has no effect (MADV_REMOVE too, which should punch a hole in shared
 * memory). As on Linux, a hole anywhere in the range is -ENOMEM, after the
 * advice is applied where it is mapped.
 */
SYSCALL(madvise)
{
	uint64_t end = PAGE_UP((uint64_t)a0 + a1);

	if ((a0 % PAGE_SIZE) || end > VM_USER_END || !advice_known(a2))
		return -EINVAL;
	if (a2 == MADV_DONTNEED || a2 == MADV_FREE)
		return vm_discard(proc_current->vs, a0, end);
	if (a2 == MADV_DONTFORK || a2 == MADV_DOFORK)
		return vm_fork_advice(proc_current->vs, a0, end, VM_REGION_DONTFORK | (a2 == MADV_DOFORK ? VM_FORK_CLEAR : 0));
	if (a2 == MADV_WIPEONFORK || a2 == MADV_KEEPONFORK)
		return vm_fork_advice(proc_current->vs, a0, end,
				      VM_REGION_WIPEONFORK | (a2 == MADV_KEEPONFORK ? VM_FORK_CLEAR : 0));
	return vm_range_mapped(proc_current->vs, a0, end) ? 0 : -ENOMEM;
}

#define MS_ASYNC        1
#define MS_INVALIDATE   2
#define MS_SYNC         4

/*
 * msync: a tmpfs file's pages are its only copy, so a mapping is always
 * in sync and there is nothing to write or invalidate; what remains are
 * Linux's checks, in its order: flags, alignment, ASYNC with SYNC (-EINVAL),
 * a range that wraps, and a hole in it (-ENOMEM). Nothing is locked, so
 * MS_INVALIDATE is never -EBUSY.
 */
SYSCALL(msync)
{
	uint64_t end = PAGE_UP((uint64_t)a0 + a1);

	if (a2 & ~(uint32_t)(MS_ASYNC | MS_INVALIDATE | MS_SYNC))
		return -EINVAL;
	if (a0 % PAGE_SIZE || ((a2 & MS_ASYNC) && (a2 & MS_SYNC)))
		return -EINVAL;
	if (end == a0)
		return 0;
	if (end > VM_USER_END)
		return -ENOMEM;
	return vm_range_mapped(proc_current->vs, a0, end) ? 0 : -ENOMEM;
}

/* mincore: one byte per page, 1 if it is in memory (vm_residency), the
 * vector checked whole first, then filled a piece at a time. */
SYSCALL(mincore)
{
	uint64_t end = PAGE_UP((uint64_t)a0 + a1);
	size_t npages = (size_t)((end - a0) / PAGE_SIZE);
	uint8_t vec[64];
	long err;

	if (a0 % PAGE_SIZE)
		return -EINVAL;
	if (end > VM_USER_END)
		return -ENOMEM;
	if (!user_range_ok(a2, npages))
		return -EFAULT;         /* before any page is looked at */
	for (size_t done = 0; done < npages; done += sizeof(vec)) {
		size_t n = MIN(npages - done, sizeof(vec));

		err = vm_residency(proc_current->vs, a0 + done * PAGE_SIZE, n, vec);
		if (err)
			return err;
		if (copyout(a2 + done, vec, n))
			return -EFAULT;
	}
	return 0;
}

/* Pagoda's pagewalk(pid, va, out): the raw entries behind va in pid's
 * page tables (0: the caller's), for user/bin/pagewalk.c (<uapi/pagoda.h>). */
SYSCALL(pagoda_pagewalk)
{
	struct proc *p = a0 ? proc_find((int)a0) : proc_current;
	struct pagoda_pagewalk w;

	if (!p || !p->vs)
		return -ESRCH;
	pmap_walk(&p->vs->pmap, a1, &w);
	return copyout(a2, &w, sizeof(w));
}
