/*
 * System calls that move bytes: read and write, at the file's position
 * or at one given (pread64, pwrite64), with vectors (readv, writev,
 * preadv, pwritev), from one file to another (sendfile); seeking;
 * directory entries; syncing.
 */
#include "../proc/proc_internal.h"
#include <pagoda/errno.h>
#include <pagoda/file.h>
#include <pagoda/kmalloc.h>
#include <pagoda/string.h>
#include <pagoda/uaccess.h>
#include <pagoda/vfs.h>

#define SEEK_DATA       3
#define SEEK_HOLE       4
#define IOV_MAX         1024

/* The file at fd if it is open for reading (writing): NULL is -EBADF. */
static struct file *file_for(int fd, bool writing)
{
	struct file *f = fd_get(proc_current, fd);
	uint32_t acc;

	if (!f || (f->flags & O_PATH))
		return NULL;
	acc = f->flags & O_ACCMODE;
	if (writing ? acc == O_RDONLY : acc == O_WRONLY)
		return NULL;
	return f;
}

/* Linux's checks of a read or write buffer, in its order: the range
 * must be user memory (-EFAULT), then the count must not be negative
 * (-EINVAL). */
static long rw_check(vaddr_t buf, size_t n)
{
	if (!user_range_ok(buf, n))
		return -EFAULT;
	return (int32_t)n < 0 ? -EINVAL : 0;
}

/*
 * One transfer: at pos if it is not NULL (which advances), else on the
 * stream. wait says whether a stream with nothing for a read may sleep.
 * Appending writes go to the end whatever pos says.
 */
static long transfer(struct file *f, vaddr_t buf, size_t n, int64_t *pos, bool writing, bool wait)
{
	long done;

	if (!f->ops)
		return -EBADF;
	if (f->ops->pread) {
		int64_t at = *pos;

		if (writing && (f->flags & O_APPEND) && f->inode)
			at = (int64_t)f->inode->size;
		done = writing ? f->ops->pwrite(f, buf, n, at) : f->ops->pread(f, buf, n, at);
		if (done > 0)
			*pos = at + done;
		return done;
	}
	if (writing)
		return f->ops->write ? f->ops->write(f, buf, n) : -EINVAL;
	return f->ops->read ? f->ops->read(f, buf, n, wait && !(f->flags & O_NONBLOCK)) : -EINVAL;
}

static long do_rw(int fd, vaddr_t buf, size_t n, bool writing)
{
	struct file *f = file_for(fd, writing);
	long err;

	if (!f)
		return -EBADF;
	if ((err = rw_check(buf, n)))
		return err;
	return transfer(f, buf, MIN(n, (size_t)MAX_RW_COUNT), &f->pos, writing, true);
}

SYSCALL(read) { return do_rw((int)a0, a1, a2, false); }
SYSCALL(write) { return do_rw((int)a0, a1, a2, true); }

/* pread64 and pwrite64: Linux's order is the offset, the descriptor,
 * whether it has positions (-ESPIPE), its access mode, the buffer. */
static long do_prw(int fd, vaddr_t buf, size_t n, int64_t pos, bool writing)
{
	struct file *f;
	long err;

	if (pos < 0)
		return -EINVAL;
	f = fd_get(proc_current, fd);
	if (!f || (f->flags & O_PATH))
		return -EBADF;
	if (!f->ops || !f->ops->pread)
		return -ESPIPE;
	if (!file_for(fd, writing))
		return -EBADF;
	if ((err = rw_check(buf, n)))
		return err;
	n = MIN(n, (size_t)MAX_RW_COUNT);
	/* pwrite on an O_APPEND file appends, as Linux's does. */
	return transfer(f, buf, n, &pos, writing, true);
}

SYSCALL(pread64) { return do_prw((int)a0, a1, a2, (int64_t)((uint64_t)a4 << 32 | a3), false); }
SYSCALL(pwrite64) { return do_prw((int)a0, a1, a2, (int64_t)((uint64_t)a4 << 32 | a3), true); }

/*
 * Read a readv/writev vector of n elements into v, checked as Linux's
 * import_iovec does: a negative length anywhere is -EINVAL, then an
 * element that is not user memory -EFAULT; the total is cut to
 * MAX_RW_COUNT, the last elements shortened.
 */
static long iov_import(uint32_t (*v)[2], vaddr_t iov, uint32_t n)
{
	uint32_t total = 0;

	if (copyin(v, iov, n * sizeof(*v)))
		return -EFAULT;
	for (uint32_t i = 0; i < n; i++)
		if ((int32_t)v[i][1] < 0)
			return -EINVAL;
	for (uint32_t i = 0; i < n; i++) {
		if (!user_range_ok(v[i][0], v[i][1]))
			return -EFAULT;
		v[i][1] = MIN(v[i][1], MAX_RW_COUNT - total);
		total += v[i][1];
	}
	return 0;
}

/* readv and writev (pos NULL: the file's own position), preadv and
 * pwritev: the vector is read and checked whole first, then the file's
 * access mode (as on Linux, after the vector), then one transfer per
 * element, stopping at a short one. */
static long do_iov(int fd, vaddr_t iov, uint32_t iovcnt, int64_t *pos, bool writing)
{
	struct file *f = fd_get(proc_current, fd);
	bool mode_ok = file_for(fd, writing) != NULL;
	uint32_t (*v)[2];       /* iov_base, iov_len */
	long total = 0, err;

	if (!f)
		return -EBADF;
	if (iovcnt > IOV_MAX)
		return -EINVAL;
	if (iovcnt == 0)
		return mode_ok ? 0 : -EBADF;
	v = kmalloc(iovcnt * sizeof(*v));
	if (!v)
		return -ENOMEM;
	err = iov_import(v, iov, iovcnt);
	if (err == 0 && !mode_ok)
		err = -EBADF;
	if (err)
		goto out;
	if (!pos)
		pos = &f->pos;
	for (uint32_t i = 0; i < iovcnt; i++) {
		long n;

		if (v[i][1] == 0)
			continue;
		/* readv is one read, as on Linux: once bytes have come, a pipe
		 * or terminal does not wait to fill the later elements. */
		n = transfer(f, v[i][0], v[i][1], pos, writing, total == 0);
		if (n < 0) {
			err = total ? 0 : n;    /* an error after some bytes: those count */
			break;
		}
		total += n;
		if ((uint32_t)n < v[i][1])
			break;
	}
	if (total)
		err = total;
out:
	kfree(v);
	return err;
}

SYSCALL(readv) { return do_iov((int)a0, a1, a2, NULL, false); }
SYSCALL(writev) { return do_iov((int)a0, a1, a2, NULL, true); }

static long do_piov(int fd, vaddr_t iov, uint32_t iovcnt, int64_t pos, bool writing)
{
	struct file *f;

	if (pos < 0)
		return -EINVAL;
	f = fd_get(proc_current, fd);
	if (!f)
		return -EBADF;
	if (!f->ops || !f->ops->pread)
		return -ESPIPE;
	return do_iov(fd, iov, iovcnt, &pos, writing);
}

SYSCALL(preadv) { return do_piov((int)a0, a1, a2, (int64_t)((uint64_t)a4 << 32 | a3), false); }
SYSCALL(pwritev) { return do_piov((int)a0, a1, a2, (int64_t)((uint64_t)a4 << 32 | a3), true); }

/* ---- sendfile: from one file to another through a kernel buffer ---- */

#define MAX_NON_LFS     0x7fffffffLL            /* a 32-bit offset's limit */
#define MAX_LFS_FILESIZE 0xffffffff000LL        /* Linux's on 32 bits: 2^32 pages */

/* The largest size a file may reach, as its superblock's s_maxbytes. */
static int64_t max_bytes(const struct file *f)
{
	return file_is_pipe(f) || !f->inode ? MAX_NON_LFS : MAX_LFS_FILESIZE;
}

/*
 * Move up to n bytes of in, at *pos, to out (at its position), a bounce
 * buffer at a time: what was written (in's position moves by that much),
 * or -errno if nothing was. A short write ends it, as a short read does.
 */
static long splice_copy(struct file *in, int64_t *pos, struct file *out, size_t n)
{
	char *buf = kmalloc(PAGE_SIZE);
	vaddr_t win;
	long done = 0, err = 0;

	if (!buf)
		return -ENOMEM;
	win = uaccess_window_open(buf, PAGE_SIZE);
	while ((size_t)done < n) {
		int64_t at = *pos;
		long got = transfer(in, win, MIN(n - (size_t)done, (size_t)PAGE_SIZE), &at, false, done == 0);
		long put;

		if (got <= 0) {
			err = got;
			break;
		}
		put = transfer(out, win, (size_t)got, &out->pos, true, true);
		if (put <= 0) {
			err = put;
			break;
		}
		*pos += put;
		done += put;
		if (put < got)
			break;
	}
	uaccess_window_close();
	kfree(buf);
	return done ? done : err;
}

/*
 * sendfile's checks in Linux's order (do_sendfile): the in file, its
 * offset and count, then the out file, the size limit (max: the 32-bit
 * call's 2 GiB - 1, else the files' own), then whether each kind can be
 * spliced at all. Into a pipe it moves what fits in one go, as Linux's
 * splice_file_to_pipe; into anything else, up to count.
 */
static long do_sendfile(int out_fd, int in_fd, int64_t *ppos, size_t count, int64_t max)
{
	struct file *in = file_for(in_fd, false), *out;
	int64_t pos;
	long n;

	if (!in)
		return -EBADF;
	if (ppos && (!in->ops || !in->ops->pread))
		return -ESPIPE;
	pos = ppos ? *ppos : in->pos;
	if ((int32_t)count < 0 || pos < 0 || pos + (int64_t)count < 0)
		return -EINVAL;
	count = MIN(count, (size_t)MAX_RW_COUNT);
	out = file_for(out_fd, true);
	if (!out)
		return -EBADF;
	if (!max)
		max = MIN(max_bytes(in), max_bytes(out));
	if (pos + (int64_t)count > max) {
		if (pos >= max)
			return -EOVERFLOW;
		count = (size_t)(max - pos);
	}
	if (file_is_pipe(out)) {
		n = pipe_wait_room(out);
		if (n < 0)
			return n;
		count = MIN(count, (size_t)n);
	} else if (out->flags & O_APPEND) {
		return -EINVAL;
	}
	if (count == 0)
		return 0;
	if (!in->ops->splice_read || !(out->ops->splice_write || file_is_pipe(out)))
		return -EINVAL;
	n = splice_copy(in, &pos, out, count);
	if (ppos)
		*ppos = pos;
	else
		in->pos = pos;
	return n;
}

/* sendfile64(out, in, loff_t *offset, count) and sendfile with an off_t:
 * the offset is read first and written back whatever the outcome. */
SYSCALL(sendfile64)
{
	int64_t pos;
	long n;

	if (!a2)
		return do_sendfile((int)a0, (int)a1, NULL, a3, 0);
	if (copyin(&pos, a2, sizeof(pos)))
		return -EFAULT;
	n = do_sendfile((int)a0, (int)a1, &pos, a3, 0);
	return copyout(a2, &pos, sizeof(pos)) ? -EFAULT : n;
}

SYSCALL(sendfile)
{
	int32_t off;
	int64_t pos;
	long n;

	if (!a2)
		return do_sendfile((int)a0, (int)a1, NULL, a3, MAX_NON_LFS);
	if (copyin(&off, a2, sizeof(off)))
		return -EFAULT;
	pos = off;
	n = do_sendfile((int)a0, (int)a1, &pos, a3, MAX_NON_LFS);
	off = (int32_t)pos;
	return copyout(a2, &off, sizeof(off)) ? -EFAULT : n;
}

/* SEEK_DATA and SEEK_HOLE in a page cache: the first page at or after
 * from that has (data) or lacks (hole) a frame; the end is a hole. */
static int64_t seek_data_hole(const struct inode *inode, int64_t from, bool data)
{
	for (uint64_t at = (uint64_t)from; at < inode->size; at = ALIGN_DOWN(at, (uint64_t)PAGE_SIZE) + PAGE_SIZE) {
		bool here = vm_object_lookup(inode->pages, &kernel_vm_env, (uint32_t)(at / PAGE_SIZE)) != NULL;

		if (here == data)
			return (int64_t)at;
	}
	return data ? -ENXIO : (int64_t)inode->size;
}

static long do_seek(int fd, int64_t off, uint32_t whence, int64_t *result)
{
	struct file *f = fd_get(proc_current, fd);
	int64_t base, size;

	if (!f || (f->flags & O_PATH))
		return -EBADF;
	if (f->ops && f->ops->seek_zero) {
		*result = f->pos = 0;
		return whence > SEEK_HOLE ? -EINVAL : 0;
	}
	if (!f->ops || !f->ops->pread)
		return -ESPIPE;
	size = f->inode && S_ISREG(f->inode->mode) ? (int64_t)f->inode->size :
	       f->text ? (int64_t)f->text_len : 0;
	switch (whence) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = f->pos; break;
	case SEEK_END: base = size; break;
	case SEEK_DATA:
	case SEEK_HOLE:
		if (!f->inode || !f->inode->pages || off < 0 || off >= size)
			return -ENXIO;
		base = seek_data_hole(f->inode, off, whence == SEEK_DATA);
		if (base < 0)
			return (long)base;
		*result = f->pos = MAX(base, off);
		return 0;
	default:
		return -EINVAL;
	}
	if (base + off < 0)
		return -EINVAL;
	f->pos = base + off;
	*result = f->pos;
	return 0;
}

SYSCALL(lseek)
{
	int64_t pos;
	long err = do_seek((int)a0, (int32_t)a1, a2, &pos);

	if (err)
		return err;
	return pos > 0x7fffffff ? -EOVERFLOW : (long)pos;
}

/* _llseek(fd, offset_high, offset_low, result, whence) */
SYSCALL(_llseek)
{
	int64_t pos;
	long err = do_seek((int)a0, (int64_t)((uint64_t)a1 << 32 | a2), a4, &pos);

	if (err)
		return err;
	return copyout(a3, &pos, sizeof(pos));
}

SYSCALL(getdents64)
{
	struct file *f = fd_get(proc_current, (int)a0);

	if (!f || (f->flags & O_PATH))
		return -EBADF;
	if (!f->ops || !f->ops->getdents)
		return -ENOTDIR;
	return f->ops->getdents(f, a1, a2);
}

/* fsync and fdatasync: memory is where tmpfs keeps its files, so they are
 * always in sync; a stream or device cannot be synced (-EINVAL). */
static long do_fsync(int fd)
{
	struct file *f = fd_get(proc_current, fd);

	if (!f || (f->flags & O_PATH))
		return -EBADF;
	return f->inode && (f->inode->pages || S_ISDIR(f->inode->mode)) ? 0 : -EINVAL;
}

SYSCALL(fsync) { return do_fsync((int)a0); }
SYSCALL(fdatasync) { return do_fsync((int)a0); }
SYSCALL(sync) { return 0; }

SYSCALL(syncfs)
{
	struct file *f = fd_get(proc_current, (int)a0);

	return f ? 0 : -EBADF;
}
