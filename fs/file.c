/*
 * Open files and descriptor tables. The kinds of file are elsewhere:
 * tmpfs (fs/tmpfs.c), /proc (fs/procfs.c), pipes (fs/pipe.c), devices
 * (dev/).
 */
#include <pagoda/file.h>
#include <pagoda/errno.h>
#include <pagoda/kmalloc.h>
#include <pagoda/panic.h>
#include <pagoda/proc.h>
#include <pagoda/signal.h>
#include <pagoda/string.h>
#include <pagoda/uaccess.h>


struct file *file_get(struct file *f)
{
	f->refs++;
	return f;
}

void file_put(struct file *f)
{
	if (--f->refs > 0)
		return;
	if (f->flock)
		flock_release(f);
	record_locks_release(f);
	if (f->epitems)
		eventpoll_release(f);
	if (f->ops && f->ops->release)
		f->ops->release(f);
	if (f->path.d)
		path_put(&f->path);
	kfree(f);
}

void file_stat(struct file *f, struct kstat *st)
{
	if (f->inode)
		inode_stat(f->inode, st);
	else
		f->ops->stat(f, st);
}

long file_read_bytes(const void *data, uint64_t size, int64_t pos, vaddr_t buf, size_t n)
{
	if (pos < 0 || (uint64_t)pos >= size)
		return 0;
	if (n > size - (uint64_t)pos)
		n = (size_t)(size - (uint64_t)pos);
	n = copyout_partial(buf, (const char *)data + pos, n);
	return n ? (long)n : -EFAULT;
}

struct file *file_new(const struct file_ops *ops, uint32_t flags)
{
	struct file *f = kzalloc(sizeof(*f));

	if (f) {
		f->ops = ops;
		f->refs = 1;
		f->flags = flags;
	}
	return f;
}

/* ---- descriptor tables ---- */

int fd_lowest_free(struct proc *p, int min_fd)
{
	int limit = (int)MIN(p->rlimits[RLIMIT_NOFILE][0], (uint64_t)FD_MAX);

	for (int fd = min_fd; fd < limit; fd++)
		if (!p->files[fd])
			return fd;
	return -EMFILE;
}

void fd_install_at(struct proc *p, int fd, struct file *f, bool cloexec)
{
	if (p->files[fd])
		panic("fd_install_at: descriptor %d of %d is in use", fd, p->pid);
	p->files[fd] = f;
	if (fd >= p->fd_top)
		p->fd_top = fd + 1;
	fd_set_cloexec(p, fd, cloexec);
}

int fd_install(struct proc *p, struct file *f, int min_fd, bool cloexec)
{
	int fd = fd_lowest_free(p, min_fd);

	if (fd >= 0)
		fd_install_at(p, fd, f, cloexec);
	return fd;
}

struct file *fd_get(struct proc *p, int fd)
{
	return fd >= 0 && fd < FD_MAX ? p->files[fd] : NULL;
}

bool fd_cloexec(struct proc *p, int fd)
{
	return p->cloexec[fd / 8] & (1u << (fd % 8));
}

void fd_set_cloexec(struct proc *p, int fd, bool on)
{
	if (on)
		p->cloexec[fd / 8] |= (uint8_t)(1u << (fd % 8));
	else
		p->cloexec[fd / 8] &= (uint8_t)~(1u << (fd % 8));
}

int fd_close(struct proc *p, int fd)
{
	struct file *f = fd_get(p, fd);

	if (!f)
		return -EBADF;
	p->files[fd] = NULL;
	fd_set_cloexec(p, fd, false);
	while (p->fd_top > 0 && !p->files[p->fd_top - 1])
		p->fd_top--;
	record_locks_close(f, p);
	file_put(f);
	return 0;
}

int files_open_console(struct proc *p)
{
	struct file *f;

	/* /dev/console as Linux's init gets it, or the console itself if
	 * the initramfs has no such node. */
	if (vfs_open(AT_FDCWD, "/dev/console", O_RDWR, 0, &f) != 0 && !(f = file_console()))
		return -ENOMEM;
	for (int fd = 0; fd < 3; fd++)
		fd_install_at(p, fd, fd ? file_get(f) : f, false);
	vfs_root(&p->cwd);
	p->umask = 022;
	return 0;
}

void files_fork(struct proc *child, struct proc *parent)
{
	for (int fd = 0; fd < parent->fd_top; fd++)
		if (parent->files[fd])
			child->files[fd] = file_get(parent->files[fd]);
	child->fd_top = parent->fd_top;
	memcpy(child->cloexec, parent->cloexec, sizeof(child->cloexec));
	child->cwd = parent->cwd;
	path_get(&child->cwd);
	child->umask = parent->umask;
}

void files_exec(struct proc *p)
{
	for (int fd = p->fd_top - 1; fd >= 0; fd--)
		if (p->files[fd] && fd_cloexec(p, fd))
			fd_close(p, fd);
}

void files_close_all(struct proc *p)
{
	for (int fd = p->fd_top - 1; fd >= 0; fd--)
		if (p->files[fd])
			fd_close(p, fd);
	if (p->cwd.d) {
		path_put(&p->cwd);
		p->cwd.d = NULL;
	}
}
