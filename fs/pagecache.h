/* A regular file's bytes in its page cache (fs/pagecache.c). */
#ifndef FS_PAGECACHE_H
#define FS_PAGECACHE_H

#include <pagoda/vfs.h>

/* The largest file: what 32-bit page numbers reach, less a page (Linux's
 * MAX_LFS_FILESIZE on i386 is 16 TiB; Pagoda's objects stop at 4 GiB
 * pages). */
#define PAGECACHE_MAX_BYTES     ((uint64_t)UINT32_MAX * PAGE_SIZE)

/* read(): up to n bytes at pos to user buf; holes read as zeros. The
 * bytes copied, 0 at or past the end, or -EFAULT. */
long pagecache_read(struct inode *inode, vaddr_t buf, size_t n, int64_t pos);
/* write(): n bytes from user buf at pos, growing the file: the bytes
 * written (short at a bad page or a full file system), or -EFAULT,
 * -ENOSPC, -ENOMEM, -EFBIG. */
long pagecache_write(struct inode *inode, vaddr_t buf, size_t n, int64_t pos);

/* Zero bytes [from, to) within one page of the file, if that page is
 * there (a hole is zeros already). */
void pagecache_zero(struct inode *inode, uint64_t from, uint64_t to);
/* The same into kernel memory: the bytes copied (0 past the end). */
long pagecache_read_kernel(struct inode *inode, void *dst, size_t n, int64_t pos);
/* Give an empty file the n bytes at src (the initramfs's): 0, -ENOSPC or
 * -ENOMEM (the file left empty). */
int pagecache_fill(struct inode *inode, const void *src, size_t n);

#endif /* FS_PAGECACHE_H */
