/*
 * Pipes: a ring of PIPE_SIZE bytes between a reading and a writing end.
 * A reader with nothing to read sleeps until a writer writes or the last
 * writer goes (0: the end); a writer with no room sleeps until a reader
 * reads, and with no reader left gets SIGPIPE and -EPIPE.
 *
 * A named pipe (a FIFO node, mkfifo) is the same ring, made at its first
 * open and shared by every open of the node while any is open: opening it
 * for reading waits for a writer and for writing waits for a reader, as on
 * Linux (O_NONBLOCK: a reader goes on at once, a writer with no reader
 * gets -ENXIO; O_RDWR never waits).
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
	uint32_t reader_opens, writer_opens;    /* FIFO opens so far, for those waiting */
	uint32_t ino;                   /* st_ino: a number, never an address */
	struct inode *fifo;             /* a named pipe's node, or NULL */
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
	uint32_t acc = f->flags & O_ACCMODE;

	if (!p)
		return;                 /* a FIFO whose open did not finish */
	if (acc != O_WRONLY)
		p->readers--;
	if (acc != O_RDONLY)
		p->writers--;
	wakeup(p);
	if (p->readers == 0 && p->writers == 0) {
		if (p->fifo)
			p->fifo->fifo = NULL;
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

/* ---- named pipes ---- */

/* The ring of FIFO node inode, made at the first open: NULL if no memory. */
static struct pipe *fifo_pipe(struct inode *inode)
{
	struct pipe *p = inode->fifo;

	if (p)
		return p;
	p = kzalloc(sizeof(*p));
	if (p && !(p->buf = vmalloc(PIPE_SIZE))) {
		kfree(p);
		p = NULL;
	}
	if (p) {
		p->fifo = inode;
		inode->fifo = p;
	}
	return p;
}

/* Open a FIFO: join its ring as a reader, a writer or both, and wait for
 * the other side as Linux does. An interrupted wait leaves as it came. */
static int fifo_open(struct file *f)
{
	uint32_t acc = f->flags & O_ACCMODE, seen;
	bool nonblock = f->flags & O_NONBLOCK;
	struct pipe *p = fifo_pipe(f->inode);

	if (!p)
		return -ENOMEM;
	if (acc == O_WRONLY && nonblock && p->readers == 0) {
		if (p->writers == 0) {  /* made for this open alone: it goes */
			f->inode->fifo = NULL;
			vfree(p->buf);
			kfree(p);
		}
		return -ENXIO;
	}
	f->pipe = p;
	if (acc != O_WRONLY) {
		p->readers++;
		p->reader_opens++;
	}
	if (acc != O_RDONLY) {
		p->writers++;
		p->writer_opens++;
	}
	wakeup(p);
	if (acc == O_RDONLY && !nonblock) {
		for (seen = p->writer_opens; p->writers == 0 && p->writer_opens == seen;)
			if (sleep_on_interruptible(p))
				goto interrupted;
	} else if (acc == O_WRONLY) {
		for (seen = p->reader_opens; p->readers == 0 && p->reader_opens == seen;)
			if (sleep_on_interruptible(p))
				goto interrupted;
	}
	return 0;
interrupted:
	return -EINTR;          /* file_put's release leaves the ring */
}

const struct file_ops fifo_ops = {
	.open = fifo_open, .read = pipe_read, .write = pipe_write, .release = pipe_release,
};
