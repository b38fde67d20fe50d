/*
 * Pipes: a ring of PIPE_SIZE bytes between a reading and a writing end.
 * A reader with nothing to read sleeps until a writer writes or the last
 * writer goes (0: the end); a writer with no room sleeps until a reader
 * reads, and with no reader left gets SIGPIPE and -EPIPE.
 */
#include <pagoda/errno.h>
#include <pagoda/file.h>
#include <pagoda/kmalloc.h>
#include <pagoda/proc.h>
#include <pagoda/signal.h>
#include <pagoda/string.h>
#include <pagoda/uaccess.h>

#define PIPE_SIZE       (64 * 1024)     /* Linux's default capacity */

struct pipe {
	uint8_t *buf;
	size_t head, len;               /* ring: bytes at head, len of them */
	int readers, writers;
	uint32_t ino;                   /* st_ino: a number, never an address */
};

/* Pipes live on a device of their own, as on Linux (pipefs, an anonymous
 * device: major 0), so their inode numbers never meet the initramfs's. */
#define PIPEFS_DEV_MINOR 12
static uint32_t pipe_next_ino = 1;

static long pipe_read(struct file *f, vaddr_t buf, size_t n, bool wait)
{
	struct pipe *p = f->pipe;
	size_t done = 0;

	while (p->len == 0) {
		if (p->writers == 0)
			return 0;
		if (!wait)
			return -EAGAIN;
		if (sleep_on_interruptible(p))
			return -EINTR;
	}
	while (done < n && p->len > 0) {
		size_t k = PIPE_SIZE - p->head;

		if (k > p->len)
			k = p->len;
		if (k > n - done)
			k = n - done;
		if (copyout(buf + done, p->buf + p->head, k))
			return done ? (long)done : -EFAULT;
		p->head = (p->head + k) % PIPE_SIZE;
		p->len -= k;
		done += k;
	}
	wakeup(p);
	return (long)done;
}

static long pipe_write(struct file *f, vaddr_t buf, size_t n)
{
	struct pipe *p = f->pipe;
	size_t done = 0;

	while (done < n) {
		size_t tail, k;

		if (p->readers == 0) {
			proc_kill(proc_current, SIGPIPE);
			return done ? (long)done : -EPIPE;
		}
		if (p->len == PIPE_SIZE) {
			if (f->flags & O_NONBLOCK)
				return done ? (long)done : -EAGAIN;
			wakeup(p);
			if (sleep_on_interruptible(p))
				return done ? (long)done : -EINTR;
			continue;
		}
		tail = (p->head + p->len) % PIPE_SIZE;
		/* Free bytes from tail up to the ring's end, or up to head if wrapped. */
		k = tail >= p->head ? PIPE_SIZE - tail : p->head - tail;
		if (k > n - done)
			k = n - done;
		if (copyin(p->buf + tail, buf + done, k))
			return done ? (long)done : -EFAULT;
		p->len += k;
		done += k;
	}
	wakeup(p);
	return (long)done;
}

static void pipe_stat(struct file *f, struct kstat *st)
{
	memset(st, 0, sizeof(*st));
	st->mode = S_IFIFO | 0600;
	st->nlink = 1;
	st->dev_minor = PIPEFS_DEV_MINOR;
	st->ino = f->pipe->ino;
	st->blksize = PAGE_SIZE;
}

static void pipe_release(struct file *f)
{
	struct pipe *p = f->pipe;

	if ((f->flags & O_ACCMODE) == O_RDONLY)
		p->readers--;
	else
		p->writers--;
	wakeup(p);
	if (p->readers == 0 && p->writers == 0) {
		vfree(p->buf);
		kfree(p);
	}
}

static const struct file_ops pipe_ops = {
	.read = pipe_read, .write = pipe_write, .stat = pipe_stat, .release = pipe_release,
};

/* An end of pipe p, open for mode (O_RDONLY or O_WRONLY), or NULL. From
 * here on file_put is how it goes: the last end frees the pipe. */
static struct file *pipe_end(struct pipe *p, uint32_t mode)
{
	struct file *f = file_new(&pipe_ops, mode);

	if (f) {
		f->pipe = p;
		if (mode == O_RDONLY)
			p->readers++;
		else
			p->writers++;
	}
	return f;
}

int pipe_create(struct file **rd, struct file **wr)
{
	struct pipe *p = kzalloc(sizeof(*p));

	if (!p)
		return -ENOMEM;
	p->buf = vmalloc(PIPE_SIZE);
	if (!p->buf)
		goto fail_pipe;
	*rd = pipe_end(p, O_RDONLY);
	if (!*rd)
		goto fail_buf;
	*wr = pipe_end(p, O_WRONLY);
	if (!*wr)
		goto fail_rd;
	p->ino = pipe_next_ino++;
	return 0;

fail_rd:
	file_put(*rd);          /* the only end: it frees the pipe */
	return -ENOMEM;
fail_buf:
	vfree(p->buf);
fail_pipe:
	kfree(p);
	return -ENOMEM;
}
