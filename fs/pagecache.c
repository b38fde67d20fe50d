/*
 * The page cache of a regular file: its bytes live in the frames of one
 * vm_object (a VMO_ANON_SHARED object, as Linux's shmem), which read(),
 * write() and every mapping share, so a store through a MAP_SHARED
 * mapping is what the next read() returns, and a write() is what every
 * mapping sees at once. A page never written is a hole: it reads as
 * zeros and holds no frame.
 */
#include "pagecache.h"
#include <pagoda/errno.h>
#include <pagoda/kmap.h>
#include <pagoda/string.h>
#include <pagoda/uaccess.h>
#include <pagoda/vm.h>

static const uint8_t zero_page[PAGE_SIZE];

long pagecache_read(struct inode *inode, vaddr_t buf, size_t n, int64_t pos)
{
	size_t done = 0;

	if (pos < 0)
		return -EINVAL;
	if ((uint64_t)pos >= inode->size)
		return 0;
	n = (size_t)MIN((uint64_t)n, inode->size - (uint64_t)pos);
	while (done < n) {
		uint64_t at = (uint64_t)pos + done;
		size_t off = at % PAGE_SIZE, k = MIN(n - done, PAGE_SIZE - off), got;
		struct page *pg = vm_object_lookup(inode->pages, &kernel_vm_env, (uint32_t)(at / PAGE_SIZE));

		if (pg) {
			uint8_t *p = kmap(pg);

			got = copyout_partial(buf + done, p + off, k);
			kunmap(p);
		} else {
			got = copyout_partial(buf + done, zero_page, k);
		}
		done += got;
		if (got < k)
			break;
	}
	return done ? (long)done : -EFAULT;
}

long pagecache_write(struct inode *inode, vaddr_t buf, size_t n, int64_t pos)
{
	struct vm_object *obj = inode->pages;
	uint64_t old_size = inode->size, end;
	size_t done = 0;
	long err = 0;

	if (pos < 0)
		return -EINVAL;
	if (n == 0)
		return 0;
	end = (uint64_t)pos + n;
	if (end > PAGECACHE_MAX_BYTES) {
		if ((uint64_t)pos >= PAGECACHE_MAX_BYTES)
			return -EFBIG;
		n = (size_t)(PAGECACHE_MAX_BYTES - (uint64_t)pos);
		end = PAGECACHE_MAX_BYTES;
	}
	if (end > obj->size && (err = vm_object_resize(&kernel_vm_env, obj, end)))
		return err;
	while (done < n) {
		uint64_t at = (uint64_t)pos + done;
		size_t off = at % PAGE_SIZE, k = MIN(n - done, PAGE_SIZE - off), got;
		struct page *pg;
		uint8_t *p;

		err = vm_object_frame(&kernel_vm_env, obj, (uint32_t)(at / PAGE_SIZE), &pg);
		if (err)
			break;
		p = kmap(pg);
		got = copyin_partial(p + off, buf + done, k);
		kunmap(p);
		done += got;
		if (got < k) {
			err = -EFAULT;
			break;
		}
	}
	end = MAX(old_size, (uint64_t)pos + done);
	if (end < obj->size)
		vm_object_resize(&kernel_vm_env, obj, end);     /* shrinking back cannot fail */
	inode->size = end;
	if (done)
		inode_touch(inode, true);
	return done ? (long)done : err;
}

long pagecache_read_kernel(struct inode *inode, void *dst, size_t n, int64_t pos)
{
	size_t done = 0;

	if (pos < 0 || (uint64_t)pos >= inode->size)
		return 0;
	n = (size_t)MIN((uint64_t)n, inode->size - (uint64_t)pos);
	while (done < n) {
		uint64_t at = (uint64_t)pos + done;
		size_t off = at % PAGE_SIZE, k = MIN(n - done, PAGE_SIZE - off);
		struct page *pg = vm_object_lookup(inode->pages, &kernel_vm_env, (uint32_t)(at / PAGE_SIZE));

		if (pg) {
			uint8_t *p = kmap(pg);

			memcpy((uint8_t *)dst + done, p + off, k);
			kunmap(p);
		} else {
			memset((uint8_t *)dst + done, 0, k);
		}
		done += k;
	}
	return (long)done;
}

int pagecache_fill(struct inode *inode, const void *src, size_t n)
{
	struct vm_object *obj = inode->pages;
	int err = vm_object_resize(&kernel_vm_env, obj, n);

	for (size_t done = 0; !err && done < n; done += PAGE_SIZE) {
		struct page *pg;

		err = vm_object_frame(&kernel_vm_env, obj, (uint32_t)(done / PAGE_SIZE), &pg);
		if (!err)
			kernel_vm_env.fill_frame(pg, (const uint8_t *)src + done, MIN(n - done, (size_t)PAGE_SIZE));
	}
	if (err) {
		vm_object_resize(&kernel_vm_env, obj, 0);
		return err;
	}
	inode->size = n;
	return 0;
}

void pagecache_zero(struct inode *inode, uint64_t from, uint64_t to)
{
	struct page *pg = vm_object_lookup(inode->pages, &kernel_vm_env, (uint32_t)(from / PAGE_SIZE));
	uint8_t *p;

	if (!pg || from >= to)
		return;
	p = kmap(pg);
	memset(p + from % PAGE_SIZE, 0, (size_t)(to - from));
	kunmap(p);
}
