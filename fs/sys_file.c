/*
 * System calls about files: open, read, write, seek, stat, directories,
 * descriptors, pipes, and the one link Pagoda serves, /proc/self/exe.
 */
#include "../proc/proc_internal.h"
#include <pagoda/errno.h>
#include <pagoda/file.h>
#include <pagoda/initramfs.h>
#include <pagoda/kmalloc.h>
#include <pagoda/printf.h>
#include <pagoda/string.h>
#include <pagoda/time.h>
#include <pagoda/uaccess.h>

#define AT_FDCWD        (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_EMPTY_PATH   0x1000
#define F_DUPFD         0
#define F_GETFD         1
#define F_SETFD         2
#define F_GETFL         3
#define F_SETFL         4
#define F_DUPFD_CLOEXEC 1030
#define FD_CLOEXEC      1
#define SEEK_SET        0
#define SEEK_CUR        1
#define SEEK_END        2
#define IOV_MAX         1024
#define SELF_EXE        "/proc/self/exe"

/* Copy a user path and make it canonical (relative paths from the root,
 * the only working directory; dirfd must be AT_FDCWD or a directory). */
static int user_path(int dirfd, vaddr_t upath, char *canon, size_t size)
{
	char path[PROC_PATH_MAX], full[2 * PROC_PATH_MAX];
	size_t len;
	int err = copyinstr(path, upath, sizeof(path), &len);

	if (err)
		return err;
	if (path[0] != '/' && dirfd != AT_FDCWD) {
		struct file *d = fd_get(proc_current, dirfd);

		if (!d)
			return -EBADF;
		if (!d->entry || !S_ISDIR(d->entry->mode))
			return -ENOTDIR;
		snprintf(full, sizeof(full), "/%s/%s", d->entry->path, path);
		return initramfs_canon(full, canon, size);
	}
	if (procfs_canon(path, canon, size))
		return 0;
	return initramfs_canon(path, canon, size);
}

/* Open a canonical path: a file of /proc, or of the initramfs. */
static int open_canon(const char *canon, uint32_t flags, struct file **out)
{
	int err = procfs_open(canon, flags, out);

	return err == -ENOENT ? file_open_initramfs(canon, flags, out) : err;
}

static long do_open(int dirfd, vaddr_t upath, uint32_t flags)
{
	char canon[PROC_PATH_MAX];
	struct file *f;
	int err = user_path(dirfd, upath, canon, sizeof(canon)), fd;

	if (err)
		return err;
	err = open_canon(canon, flags, &f);
	if (err)
		return err;
	fd = fd_install(proc_current, f, 0, flags & O_CLOEXEC);
	if (fd < 0)
		file_put(f);
	return fd;
}

SYSCALL(open)
{
	return do_open(AT_FDCWD, a0, a1);
}

SYSCALL(openat)
{
	return do_open((int)a0, a1, a2);
}

SYSCALL(close)
{
	return fd_close(proc_current, (int)a0);
}

static struct file *file_for(int fd, uint32_t need)
{
	struct file *f = fd_get(proc_current, fd);

	if (!f)
		return NULL;
	if (need == O_RDONLY && (f->flags & O_ACCMODE) == O_WRONLY)
		return NULL;
	if (need == O_WRONLY && (f->flags & O_ACCMODE) == O_RDONLY)
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

SYSCALL(read)
{
	struct file *f = file_for((int)a0, O_RDONLY);
	long err;

	if (!f)
		return -EBADF;
	if ((err = rw_check(a1, a2)))
		return err;
	return f->ops->read(f, a1, a2, !(f->flags & O_NONBLOCK));
}

SYSCALL(write)
{
	struct file *f = file_for((int)a0, O_WRONLY);
	long err;

	if (!f)
		return -EBADF;
	if ((err = rw_check(a1, a2)))
		return err;
	return f->ops->write(f, a1, a2);
}

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

/* readv and writev: the vector is read and checked whole first, then the
 * file's access mode (as on Linux, after the vector), then one call per
 * element, stopping at a short transfer. */
static long do_iov(int fd, vaddr_t iov, uint32_t iovcnt, bool writing)
{
	struct file *f = fd_get(proc_current, fd);
	bool mode_ok = file_for(fd, writing ? O_WRONLY : O_RDONLY) != NULL;
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
	for (uint32_t i = 0; i < iovcnt; i++) {
		long n;

		if (v[i][1] == 0)
			continue;
		/* readv is one read, as on Linux: once bytes have come, a pipe
		 * or terminal does not wait to fill the later elements. */
		n = writing ? f->ops->write(f, v[i][0], v[i][1]) :
			      f->ops->read(f, v[i][0], v[i][1], total == 0 && !(f->flags & O_NONBLOCK));
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

SYSCALL(readv)
{
	return do_iov((int)a0, a1, a2, false);
}

SYSCALL(writev)
{
	return do_iov((int)a0, a1, a2, true);
}

static long do_seek(int fd, int64_t off, uint32_t whence, int64_t *result)
{
	struct file *f = fd_get(proc_current, fd);
	struct kstat st;
	int64_t base;

	if (!f)
		return -EBADF;
	if (!f->ops->seekable)
		return -ESPIPE;
	f->ops->stat(f, &st);
	base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? f->pos :
	       whence == SEEK_END ? (int64_t)st.size : -1;
	if (whence > SEEK_END)
		return -EINVAL;
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

/* Linux i386's struct stat64: 96 bytes, 4-byte aligned 64-bit fields. */
struct stat64 {
	uint64_t st_dev;
	uint8_t pad0[4];
	uint32_t st_ino_low;
	uint32_t st_mode, st_nlink, st_uid, st_gid;
	uint64_t st_rdev;
	uint8_t pad3[4];
	int64_t st_size;
	uint32_t st_blksize;
	uint64_t st_blocks;
	uint32_t st_atime, st_atime_nsec, st_mtime, st_mtime_nsec, st_ctime, st_ctime_nsec;
	uint64_t st_ino;
} __attribute__((packed));
_Static_assert(sizeof(struct stat64) == 96, "stat64 is 96 bytes on i386");

/* Linux's new_encode_dev: 12 bits of major, 20 of minor, interleaved. */
static uint32_t encode_dev(uint32_t major, uint32_t minor)
{
	return (minor & 0xff) | (major << 8) | ((minor & ~0xffu) << 12);
}

static long put_stat64(const struct kstat *st, vaddr_t buf)
{
	struct stat64 s;

	memset(&s, 0, sizeof(s));
	s.st_dev = encode_dev(st->dev_major, st->dev_minor);
	s.st_ino_low = st->ino;
	s.st_ino = st->ino;
	s.st_mode = st->mode;
	s.st_nlink = st->nlink;
	s.st_rdev = encode_dev(st->rdev_major, st->rdev_minor);
	s.st_size = (int64_t)st->size;
	s.st_blksize = st->blksize;
	s.st_blocks = st->blocks;
	s.st_atime = s.st_mtime = s.st_ctime = st->mtime;
	return copyout(buf, &s, sizeof(s));
}

/* Stat what a path names, or (empty path with AT_EMPTY_PATH) dirfd. */
static long stat_path(int dirfd, vaddr_t upath, uint32_t flags, struct kstat *st)
{
	char canon[PROC_PATH_MAX], first;
	struct file *f;
	long err;

	if (copyin(&first, upath, 1))
		return -EFAULT;
	if (first == '\0' && (flags & AT_EMPTY_PATH)) {
		f = fd_get(proc_current, dirfd);
		if (!f)
			return -EBADF;
		f->ops->stat(f, st);
		return 0;
	}
	err = user_path(dirfd, upath, canon, sizeof(canon));
	if (err)
		return err;
	err = open_canon(canon, O_RDONLY, &f);
	if (err)
		return err;
	f->ops->stat(f, st);
	file_put(f);
	return 0;
}

SYSCALL(fstat64)
{
	struct file *f = fd_get(proc_current, (int)a0);
	struct kstat st;

	if (!f)
		return -EBADF;
	f->ops->stat(f, &st);
	return put_stat64(&st, a1);
}

SYSCALL(stat64)
{
	struct kstat st;
	long err = stat_path(AT_FDCWD, a0, 0, &st);

	return err ? err : put_stat64(&st, a1);
}

SYSCALL(fstatat64)
{
	struct kstat st;
	long err = stat_path((int)a0, a1, a3, &st);

	return err ? err : put_stat64(&st, a2);
}

/* struct statx: 256 bytes; the fields Pagoda knows, the rest zero. */
struct statx {
	uint32_t stx_mask, stx_blksize;
	uint64_t stx_attributes;
	uint32_t stx_nlink, stx_uid, stx_gid;
	uint16_t stx_mode, spare0;
	uint64_t stx_ino, stx_size, stx_blocks, stx_attributes_mask;
	struct timespec64 stx_atime, stx_btime, stx_ctime, stx_mtime;
	uint32_t stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
	uint64_t spare2[14];
};
_Static_assert(sizeof(struct statx) == 256, "statx is 256 bytes");
#define STATX_BASIC_STATS 0x7ff

/* statx(dirfd, path, flags, mask, buf) */
SYSCALL(statx)
{
	struct kstat st;
	struct statx sx;
	long err = stat_path((int)a0, a1, a2, &st);

	if (err)
		return err;
	memset(&sx, 0, sizeof(sx));
	sx.stx_mask = STATX_BASIC_STATS;
	sx.stx_blksize = st.blksize;
	sx.stx_nlink = st.nlink;
	sx.stx_mode = (uint16_t)st.mode;
	sx.stx_ino = st.ino;
	sx.stx_size = st.size;
	sx.stx_blocks = st.blocks;
	sx.stx_atime.tv_sec = sx.stx_ctime.tv_sec = sx.stx_mtime.tv_sec = st.mtime;
	sx.stx_rdev_major = st.rdev_major;
	sx.stx_rdev_minor = st.rdev_minor;
	sx.stx_dev_major = st.dev_major;
	sx.stx_dev_minor = st.dev_minor;
	return copyout(a4, &sx, sizeof(sx));
}

SYSCALL(getdents64)
{
	struct file *f = fd_get(proc_current, (int)a0);

	if (!f)
		return -EBADF;
	return file_getdents64(f, a1, a2);
}

SYSCALL(ioctl)
{
	struct file *f = fd_get(proc_current, (int)a0);

	if (!f)
		return -EBADF;
	return f->ops->ioctl ? f->ops->ioctl(f, a1, a2) : -ENOTTY;
}

static long dup_to(int oldfd, int newfd, bool cloexec)
{
	struct proc *p = proc_current;
	struct file *f = fd_get(p, oldfd);

	if (!f)
		return -EBADF;
	if (newfd < 0 || newfd >= FD_MAX)
		return -EBADF;
	if (newfd == oldfd)
		return newfd;
	if (p->files[newfd])
		fd_close(p, newfd);
	p->files[newfd] = file_get(f);
	fd_set_cloexec(p, newfd, cloexec);
	return newfd;
}

SYSCALL(dup)
{
	struct file *f = fd_get(proc_current, (int)a0);
	int fd;

	if (!f)
		return -EBADF;
	fd = fd_install(proc_current, file_get(f), 0, false);
	if (fd < 0)
		file_put(f);
	return fd;
}

SYSCALL(dup2)
{
	if ((int)a0 == (int)a1)
		return fd_get(proc_current, (int)a0) ? (long)a1 : -EBADF;
	return dup_to((int)a0, (int)a1, false);
}

SYSCALL(dup3)
{
	if ((int)a0 == (int)a1 || (a2 & ~(uint32_t)O_CLOEXEC))
		return -EINVAL;
	return dup_to((int)a0, (int)a1, a2 & O_CLOEXEC);
}

SYSCALL(fcntl64)
{
	struct proc *p = proc_current;
	struct file *f = fd_get(p, (int)a0);
	int fd;

	if (!f)
		return -EBADF;
	switch (a1) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (a2 >= FD_MAX)
			return -EINVAL;
		fd = fd_install(p, file_get(f), (int)a2, a1 == F_DUPFD_CLOEXEC);
		if (fd < 0)
			file_put(f);
		return fd;
	case F_GETFD:
		return fd_cloexec(p, (int)a0) ? FD_CLOEXEC : 0;
	case F_SETFD:
		fd_set_cloexec(p, (int)a0, a2 & FD_CLOEXEC);
		return 0;
	case F_GETFL:
		return f->flags;
	case F_SETFL:
		f->flags = (f->flags & ~(uint32_t)(O_APPEND | O_NONBLOCK)) | (a2 & (O_APPEND | O_NONBLOCK));
		return 0;
	default:
		return -EINVAL;
	}
}

static long do_pipe(vaddr_t fds, uint32_t flags)
{
	struct proc *p = proc_current;
	struct file *rd, *wr;
	int fd[2];
	long err;

	if (flags & ~(uint32_t)(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	err = pipe_create(&rd, &wr);
	if (err)
		return err;
	/* Two free descriptors and the copy out, before either is taken:
	 * nothing can fail after the first is installed. */
	fd[0] = fd_lowest_free(p, 0);
	fd[1] = fd[0] < 0 ? fd[0] : fd_lowest_free(p, fd[0] + 1);
	if (fd[1] < 0) {
		err = fd[1];
		goto put;
	}
	if (copyout(fds, fd, sizeof(fd))) {
		err = -EFAULT;
		goto put;
	}
	rd->flags |= flags & O_NONBLOCK;
	wr->flags |= flags & O_NONBLOCK;
	fd_install_at(p, fd[0], rd, flags & O_CLOEXEC);
	fd_install_at(p, fd[1], wr, flags & O_CLOEXEC);
	return 0;

put:
	file_put(rd);
	file_put(wr);
	return err;
}

SYSCALL(pipe)
{
	return do_pipe(a0, 0);
}

SYSCALL(pipe2)
{
	return do_pipe(a0, a1);
}

/* readlink: /proc/self/exe is the only link; anything else that exists
 * is not one. */
static long do_readlink(vaddr_t upath, vaddr_t buf, uint32_t size)
{
	char path[PROC_PATH_MAX], canon[PROC_PATH_MAX];
	size_t len;
	long err = copyinstr(path, upath, sizeof(path), &len);

	if (err)
		return err;
	if ((int32_t)size <= 0)
		return -EINVAL;
	if (strcmp(path, SELF_EXE) == 0) {
		len = strlen(proc_current->exe);
		if (len > size)
			len = size;
		return copyout(buf, proc_current->exe, len) ? -EFAULT : (long)len;
	}
	err = initramfs_canon(path, canon, sizeof(canon));
	if (err)
		return err;
	return initramfs_lookup(canon) ? -EINVAL : -ENOENT;
}

SYSCALL(readlink)
{
	return do_readlink(a0, a1, a2);
}

SYSCALL(readlinkat)
{
	return (int)a0 == AT_FDCWD ? do_readlink(a1, a2, a3) : -EINVAL;
}

static long do_access(int dirfd, vaddr_t upath, uint32_t mode)
{
	char canon[PROC_PATH_MAX];
	long err = user_path(dirfd, upath, canon, sizeof(canon));
	struct initramfs_entry *e;

	if (err)
		return err;
	e = initramfs_lookup(canon);
	if (!e)
		return -ENOENT;
	if (mode & 2)
		return -EROFS;          /* W_OK */
	if ((mode & 1) && !(e->mode & 0111))
		return -EACCES;         /* X_OK */
	return 0;
}

SYSCALL(access)
{
	return do_access(AT_FDCWD, a0, a1);
}

SYSCALL(faccessat)
{
	return do_access((int)a0, a1, a2);
}

SYSCALL(getcwd)
{
	if (a1 < 2)
		return -ERANGE;
	return copyout(a0, "/", 2) ? -EFAULT : 2;
}
