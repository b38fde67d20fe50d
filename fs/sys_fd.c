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
		if (f->flags & O_PATH)
			return -EBADF;
		f->flags = (f->flags & ~(uint32_t)SETFL_MASK) | (a2 & SETFL_MASK);
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

SYSCALL(flock)
{
	struct file *f = fd_get(proc_current, (int)a0);

	if (!f || (f->flags & O_PATH))
		return -EBADF;
	return flock_file(f, a1);
}
