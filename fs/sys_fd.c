/*
 * System calls about descriptors: dup and its variants, fcntl, pipes,
 * ioctl.
 */
#include "../proc/proc_internal.h"
#include <pagoda/errno.h>
#include <pagoda/file.h>
#include <pagoda/uaccess.h>

#define F_DUPFD         0
#define F_GETFD         1
#define F_SETFD         2
#define F_GETFL         3
#define F_SETFL         4
#define F_GETLK         5       /* struct flock: 32-bit offsets */
#define F_SETLK         6
#define F_SETLKW        7
#define F_GETLK64       12      /* struct flock64, fcntl64 only */
#define F_SETLK64       13
#define F_SETLKW64      14
#define F_OFD_GETLK     36      /* fcntl64: struct flock64; fcntl: struct flock */
#define F_OFD_SETLK     37
#define F_OFD_SETLKW    38
#define F_SETPIPE_SZ    1031    /* F_LINUX_SPECIFIC_BASE + 7 */
#define F_GETPIPE_SZ    1032
#define F_DUPFD_CLOEXEC 1030
#define FD_CLOEXEC      1
#define O_ASYNC         020000
#define O_DIRECT        040000
#define O_NOATIME       01000000
/* What F_SETFL may change, as Linux's SETFL_MASK. */
#define SETFL_MASK      (O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME)

SYSCALL(ioctl)
{
	struct file *f = fd_get(proc_current, (int)a0);

	if (!f || (f->flags & O_PATH))
		return -EBADF;
	return f->ops && f->ops->ioctl ? f->ops->ioctl(f, a1, a2) : -ENOTTY;
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
	fd_install_at(p, newfd, file_get(f), cloexec);
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

/* Linux i386's struct flock, with 32-bit offsets. */
struct flock32 {
	int16_t l_type, l_whence;
	int32_t l_start, l_len, l_pid;
};

/*
 * F_GETLK and F_SETLK(W), plain or OFD, with the lock described at user
 * arg as a struct flock64 (wide) or a struct flock. A lock F_GETLK
 * reports must fit the 32-bit struct (-EOVERFLOW).
 */
static long fcntl_lock(struct file *f, uint32_t cmd, vaddr_t arg, bool wide)
{
	bool ofd = cmd >= F_OFD_GETLK, test = cmd == F_GETLK || cmd == F_GETLK64 || cmd == F_OFD_GETLK;
	bool wait = cmd == F_SETLKW || cmd == F_SETLKW64 || cmd == F_OFD_SETLKW;
	struct flock64 fl;
	struct flock32 fl32;
	long err;

	if (wide) {
		if (copyin(&fl, arg, sizeof(fl)))
			return -EFAULT;
	} else {
		if (copyin(&fl32, arg, sizeof(fl32)))
			return -EFAULT;
		fl = (struct flock64){ fl32.l_type, fl32.l_whence, fl32.l_start, fl32.l_len, fl32.l_pid };
	}
	if (!test)
		return record_lock_set(f, &fl, ofd, wait);
	err = record_lock_test(f, &fl, ofd);
	if (err)
		return err;
	if (wide)
		return copyout(arg, &fl, sizeof(fl));
	if (fl.l_type != F_UNLCK &&
	    (fl.l_start > INT32_MAX || (fl.l_len && fl.l_start + fl.l_len - 1 > INT32_MAX)))
		return -EOVERFLOW;
	fl32 = (struct flock32){ fl.l_type, fl.l_whence, (int32_t)fl.l_start, (int32_t)fl.l_len, fl.l_pid };
	return copyout(arg, &fl32, sizeof(fl32));
}

/* fcntl and fcntl64: the same but for the record locks' structures (see
 * fcntl_lock). On an O_PATH descriptor only the descriptor's own
 * commands work. */
static long do_fcntl(int fdn, uint32_t cmd, uint32_t arg, bool is64)
{
	struct proc *p = proc_current;
	struct file *f = fd_get(p, fdn);
	int fd;

	if (!f)
		return -EBADF;
	if ((f->flags & O_PATH) && cmd != F_DUPFD && cmd != F_DUPFD_CLOEXEC && cmd != F_GETFD &&
	    cmd != F_SETFD && cmd != F_GETFL)
		return -EBADF;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (arg >= FD_MAX)
			return -EINVAL;
		fd = fd_install(p, file_get(f), (int)arg, cmd == F_DUPFD_CLOEXEC);
		if (fd < 0)
			file_put(f);
		return fd;
	case F_GETFD:
		return fd_cloexec(p, fdn) ? FD_CLOEXEC : 0;
	case F_SETFD:
		fd_set_cloexec(p, fdn, arg & FD_CLOEXEC);
		return 0;
	case F_GETFL:
		return f->flags;
	case F_SETFL:
		f->flags = (f->flags & ~(uint32_t)SETFL_MASK) | (arg & SETFL_MASK);
		return 0;
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
		return fcntl_lock(f, cmd, arg, false);
	case F_GETLK64:
	case F_SETLK64:
	case F_SETLKW64:
		return is64 ? fcntl_lock(f, cmd, arg, true) : -EINVAL;
	case F_OFD_GETLK:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		return fcntl_lock(f, cmd, arg, is64);
	case F_SETPIPE_SZ:
		return pipe_set_size(f, arg);
	case F_GETPIPE_SZ:
		return pipe_get_size(f);
	default:
		return -EINVAL;
	}
}

SYSCALL(fcntl) { return do_fcntl((int)a0, a1, a2, false); }
SYSCALL(fcntl64) { return do_fcntl((int)a0, a1, a2, true); }

static long do_pipe(vaddr_t fds, uint32_t flags)
{
	struct proc *p = proc_current;
	struct file *rd, *wr;
	int fd[2];
	long err;

	if (flags & ~(uint32_t)(O_CLOEXEC | O_NONBLOCK | O_DIRECT))
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
	wr->flags |= flags & (O_NONBLOCK | O_DIRECT);   /* packets are the writer's */
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

SYSCALL(flock)
{
	struct file *f = fd_get(proc_current, (int)a0);

	if (!f || (f->flags & O_PATH))
		return -EBADF;
	return flock_file(f, a1);
}
