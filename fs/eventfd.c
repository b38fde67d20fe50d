/*
 * eventfd: a 64-bit counter behind a file, as Linux's fs/eventfd.c. A
 * write adds its 8 bytes to the count (waiting while the sum would pass
 * 2^64 - 2); a read takes the whole count and leaves 0 (EFD_SEMAPHORE:
 * takes 1), waiting while it is 0. Readable while the count is not 0,
 * writable while 1 more fits.
 */
#include "../proc/proc_internal.h"
#include <pagoda/errno.h>
#include <pagoda/file.h>
#include <pagoda/kmalloc.h>
#include <pagoda/uaccess.h>
#include <pagoda/vfs.h>

#define EFD_SEMAPHORE   1
#define EFD_FLAGS       (O_CLOEXEC | O_NONBLOCK | EFD_SEMAPHORE)
#define COUNT_MAX       UINT64_MAX      /* never reached: a write of it is -EINVAL */

struct eventfd {
	uint64_t count;
	bool semaphore;
};

/* Wait on the eventfd until ready() (-EAGAIN without waiting, -ERESTARTSYS
 * for a signal). */
static int eventfd_wait(struct file *f, bool wait, bool (*ready)(const struct eventfd *e, uint64_t n), uint64_t n)
{
	struct eventfd *e = f->private;

	while (!ready(e, n)) {
		if (!wait)
			return -EAGAIN;
		if (sleep_on_interruptible(e))
			return -ERESTARTSYS;
	}
	return 0;
}

static bool has_count(const struct eventfd *e, uint64_t n)
{
	(void)n;
	return e->count > 0;
}

static bool has_room(const struct eventfd *e, uint64_t n)
{
	return COUNT_MAX - e->count > n;
}

static long eventfd_read(struct file *f, vaddr_t buf, size_t n, bool wait)
{
	struct eventfd *e = f->private;
	uint64_t taken;
	int err;

	if (n < sizeof(taken))
		return -EINVAL;
	if ((err = eventfd_wait(f, wait, has_count, 0)))
		return err;
	taken = e->semaphore ? 1 : e->count;
	e->count -= taken;
	wakeup(e);
	/* Taken even when it cannot be written out, as Linux's. */
	return copyout(buf, &taken, sizeof(taken)) ? -EFAULT : (long)sizeof(taken);
}

static long eventfd_write(struct file *f, vaddr_t buf, size_t n)
{
	struct eventfd *e = f->private;
	uint64_t add;
	int err;

	if (n < sizeof(add))
		return -EINVAL;
	if (copyin(&add, buf, sizeof(add)))
		return -EFAULT;
	if (add == COUNT_MAX)
		return -EINVAL;
	if ((err = eventfd_wait(f, !(f->flags & O_NONBLOCK), has_room, add)))
		return err;
	e->count += add;
	wakeup(e);
	return sizeof(add);
}

static uint32_t eventfd_poll(struct file *f, struct poll_table *pt)
{
	struct eventfd *e = f->private;
	uint32_t mask = 0;

	poll_wait(pt, e);
	if (e->count > 0)
		mask |= POLLIN | POLLRDNORM;
	if (e->count == COUNT_MAX)
		mask |= POLLERR;
	if (COUNT_MAX - 1 > e->count)
		mask |= POLLOUT | POLLWRNORM;
	return mask;
}

static void eventfd_release(struct file *f)
{
	kfree(f->private);
}

static const struct file_ops eventfd_ops = {
	.read = eventfd_read, .write = eventfd_write, .poll = eventfd_poll, .release = eventfd_release,
	.seek_zero = true,      /* Linux's noop_llseek */
};

/* eventfd2(initval, flags): a new eventfd, open for reading and writing. */
SYSCALL(eventfd2)
{
	struct eventfd *e;
	int fd;

	if (a1 & ~(uint32_t)EFD_FLAGS)
		return -EINVAL;
	if (!(e = kzalloc(sizeof(*e))))
		return -ENOMEM;
	e->count = a0;
	e->semaphore = a1 & EFD_SEMAPHORE;
	if ((fd = anon_inode_fd("[eventfd]", &eventfd_ops, O_RDWR | (a1 & O_NONBLOCK), e, a1 & O_CLOEXEC)) < 0)
		kfree(e);
	return fd;
}

SYSCALL(eventfd)
{
	return sys_eventfd2(a0, 0, 0, 0, 0, 0);
}
