/*
 * System calls about memory: brk, mmap (both forms), munmap, mprotect,
 * mremap, madvise and mincore, each a thin layer of Linux's argument rules
 * over the address-space operations of mm/vmspace.c.
 */
#include "proc_internal.h"
#include <pagoda/compiler.h>
#include <pagoda/errno.h>
#include <pagoda/file.h>
#include <pagoda/initramfs.h>
#include <pagoda/pmap.h>
#include <pagoda/string.h>
#include <pagoda/uaccess.h>
#include <arch/mmu.h>

#define PROT_READ       0x1
#define PROT_WRITE      0x2
#define PROT_EXEC       0x4
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
#define MADV_DONTNEED   4
#define PAGE_MASK       ((vaddr_t)PAGE_SIZE - 1)
#define PAGE_UP(x)      ALIGN_UP((uint64_t)(x), PAGE_SIZE)    /* in 64 bits: no wrap */

static vm_prot_t prot_from_user(uint32_t prot)
{
	return ((prot & PROT_READ) ? VM_PROT_READ : 0) | ((prot & PROT_WRITE) ? VM_PROT_WRITE : 0) |
	       ((prot & PROT_EXEC) ? VM_PROT_EXEC : 0);
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

		if (vm_map(p->vs, &at, new_top - old_top, VM_PROT_RW, VM_MAP_NOREPLACE, NULL, 0))
			return (long)p->brk;
	} else if (new_top < old_top) {
		if (vm_unmap(p->vs, new_top, old_top - new_top))
			return (long)p->brk;
	}
	p->brk = want;
	return (long)want;
}

/* The object a file mapping reads: the file's, from the initramfs. */
static long mmap_file_object(int fd, uint32_t flags, uint32_t prot, struct vm_object **obj)
{
	struct file *f = fd_get(proc_current, fd);

	if (!f)
		return -EBADF;
	if (!f->entry || !S_ISREG(f->entry->mode))
		return -ENODEV;
	if ((flags & MAP_TYPE) != MAP_PRIVATE && (prot & PROT_WRITE))
		return -EACCES;         /* the initramfs is read-only */
	*obj = initramfs_object(f->entry);
	return *obj ? 0 : -ENOMEM;
}

static long do_mmap(vaddr_t addr, size_t len, uint32_t prot, uint32_t flags, int fd, uint64_t off)
{
	struct vm_object *obj = NULL;
	unsigned vmflags = 0;
	uint32_t type = flags & MAP_TYPE;
	long err;

	if (len == 0 || PAGE_UP(len) > VM_USER_END || off % PAGE_SIZE)
		return -EINVAL;
	if (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE)
		return -EINVAL;
	if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) && (addr & PAGE_MASK))
		return -EINVAL;
	if (flags & MAP_FIXED)
		vmflags |= VM_MAP_FIXED;
	else if (flags & MAP_FIXED_NOREPLACE)
		vmflags |= VM_MAP_NOREPLACE;
	else
		addr &= ~PAGE_MASK;     /* a hint */
	if (type != MAP_PRIVATE)
		vmflags |= VM_REGION_SHARED;
	if (flags & MAP_GROWSDOWN)
		vmflags |= VM_REGION_GROWSDOWN;
	if (flags & MAP_ANONYMOUS) {
		if (type != MAP_PRIVATE) {
			obj = vm_object_anon_shared(&kernel_vm_env, PAGE_UP(len));
			if (!obj)
				return -ENOMEM;
		}
		off = 0;
	} else {
		err = mmap_file_object(fd, flags, prot, &obj);
		if (err)
			return err;
		vm_object_get(obj);     /* dropped below, as for a new object */
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
	if ((a0 & PAGE_MASK) || a1 == 0 || PAGE_UP(a1) > VM_USER_END - (uint64_t)a0)
		return -EINVAL;
	return vm_unmap(proc_current->vs, a0, a1);
}

SYSCALL(mprotect)
{
	if (a0 & PAGE_MASK)
		return -EINVAL;
	if (a1 == 0)
		return 0;
	if (PAGE_UP(a1) > VM_USER_END - (uint64_t)a0)
		return -ENOMEM;
	return vm_protect(proc_current->vs, a0, a1, prot_from_user(a2));
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
	return vm_map(vs, &at, new_len - old_len, r->prot,
		      VM_MAP_NOREPLACE | (r->flags & VM_REGION_SHARED), r->obj, off) ? -ENOMEM : 0;
}

/* mremap(old, old_len, new_len, flags, new_addr): shrink, grow in place,
 * or (MREMAP_MAYMOVE) move to where there is room. */
SYSCALL(mremap)
{
	struct vmspace *vs = proc_current->vs;
	vaddr_t old = a0, dst;
	size_t old_len = (size_t)PAGE_UP(a1), new_len = (size_t)PAGE_UP(a2);
	struct vm_region *r;
	long err;

	if ((old & PAGE_MASK) || new_len == 0 || (a3 & ~(uint32_t)(MREMAP_MAYMOVE | MREMAP_FIXED)))
		return -EINVAL;
	if ((a3 & MREMAP_FIXED) || old_len == 0)
		return -EINVAL;         /* MREMAP_FIXED, and duplicating shared mappings: not supported */
	r = vm_region_find(vs, old);
	if (!r || (uint64_t)old + old_len > r->node.end)
		return -EFAULT;
	if (new_len <= old_len) {
		if (new_len < old_len && vm_unmap(vs, old + new_len, old_len - new_len))
			return -ENOMEM;
		return (long)old;
	}
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

/*
 * madvise: MADV_DONTNEED drops the pages of the range, so that private
 * anonymous memory reads as zero again and file pages are read afresh;
 * other advice is accepted and has no effect.
 */
SYSCALL(madvise)
{
	vaddr_t start = a0;
	uint64_t end = PAGE_UP((uint64_t)a0 + a1);

	if ((start & PAGE_MASK) || end > VM_USER_END)
		return -EINVAL;
	if (a2 != MADV_DONTNEED)
		return 0;
	for (vaddr_t va = start; va < end; va += PAGE_SIZE)
		if (!vm_region_find(proc_current->vs, va))
			return -ENOMEM;
	return pmap_remove(&proc_current->vs->pmap, start, (vaddr_t)end) ? -ENOMEM : 0;
}

/*
 * mincore: one byte per page, 1 if it is in memory. Pages of an initramfs
 * file always are (the archive is in RAM, as Linux's page cache holds it);
 * a shared object's page once made; any other page once faulted in here.
 */
SYSCALL(mincore)
{
	struct vmspace *vs = proc_current->vs;
	vaddr_t start = a0;
	uint64_t end = PAGE_UP((uint64_t)a0 + a1);
	uint8_t vec[64];
	size_t n = 0;

	if (start & PAGE_MASK)
		return -EINVAL;
	if (end > VM_USER_END)
		return -ENOMEM;
	for (vaddr_t va = start; va < end; va += PAGE_SIZE) {
		struct vm_region *r = vm_region_find(vs, va);
		paddr_t pa;

		if (!r)
			return -ENOMEM;
		if (r->obj && r->obj->kind == VMO_FILE)
			vec[n % sizeof(vec)] = 1;
		else
			vec[n % sizeof(vec)] = pmap_extract(&vs->pmap, va, &pa, NULL) == 0;
		if (++n % sizeof(vec) == 0 && copyout(a2 + n - sizeof(vec), vec, sizeof(vec)))
			return -EFAULT;
	}
	if (n % sizeof(vec) && copyout(a2 + n - n % sizeof(vec), vec, n % sizeof(vec)))
		return -EFAULT;
	return 0;
}
