/*
 * Pipes, as Linux's fs/pipe.c: a ring of slots, each a page of the pipe's
 * buffer holding one run of bytes (an offset and a length in it). There
 * are 16 slots (64 KiB) unless F_SETPIPE_SZ says otherwise.
 *
 * A write first adds what is over its whole pages to the last slot if it
 * fits there whole; the rest goes into new slots, a page each. So a write
 * of PIPE_BUF (a page) or less lands in one slot or not at all: it is
 * never split between two writers (POSIX's atomicity), and with no slot
 * free it waits (O_NONBLOCK: -EAGAIN) for a reader. A larger write takes
 * what slots there are and waits for more. A read takes from the oldest
 * slot on until it has what it asked or the pipe is empty; a reader with
 * nothing to read waits for a writer, or gets 0 once the last writer is
 * gone. A writer with no reader left gets SIGPIPE and -EPIPE. A writer
 * in packet mode (pipe2's O_DIRECT, which only the write end has, or
 * F_SETFL's) makes each slot a packet, which nothing is added to and a
 * read takes alone (what does not fit is lost), as Linux's.
 *
 * Readers sleep on rd_wait and writers on wr_wait: a write wakes readers;
 * a read wakes writers only when it frees a slot of a full pipe (Linux's
 * was_full), the one thing a waiting writer waits for.
 *
 * A named pipe (a FIFO node, mkfifo) is the same ring, made at its first
 * open and shared by every open of the node while any is open: opening it
 * for reading waits for a writer and for writing waits for a reader, as on
 * Linux (O_NONBLOCK: a reader goes on at once, a writer with no reader
 * gets -ENXIO; O_RDWR never waits).
 *
 * pipe(2) makes a FIFO with no name, as Linux does: an inode of pipefs, a
 * file system no one mounts, opened once for each end. So a pipe has what
 * every inode has (fstat, fchmod, flock, fcntl locks, fstatfs), and
 * /proc/PID/fd/N, "pipe:[ino]", opens the same ring again.
 */
#include <pagoda/errno.h>
#include <pagoda/file.h>
#include <pagoda/kmalloc.h>
#include <pagoda/panic.h>
#include <pagoda/printf.h>
#include <pagoda/proc.h>
#include <pagoda/signal.h>
#include <pagoda/string.h>
#include <pagoda/uaccess.h>

#define PIPE_DEF_SLOTS  16              /* Linux's default: 64 KiB */
#define O_DIRECT        040000          /* packet mode */
#define FIONREAD        0x541b

struct pipe_slot {
	uint16_t off, len;              /* the bytes in its page */
	bool packet;                    /* written in packet mode */
};

struct pipe {
	uint8_t *buf;                   /* nslots pages: slot i's is buf + i * PAGE_SIZE */
	struct pipe_slot *slots;
	uint32_t nslots;                /* a power of 2 */
	uint32_t tail, used;            /* the oldest slot, and how many are full */
	size_t len;                     /* bytes in all of them */
	int readers, writers;
	uint32_t reader_opens, writer_opens;    /* FIFO opens so far, for those waiting */
	struct inode *fifo;             /* its node (a pipe's is in pipefs) */
	char rd_wait, wr_wait;          /* the channels readers and writers sleep on */
};

static uint8_t *slot_page(const struct pipe *p, uint32_t i)
{
	return p->buf + (size_t)i * PAGE_SIZE;
}

static struct pipe_slot *slot_at(struct pipe *p, uint32_t nth)
{
	return &p->slots[(p->tail + nth) & (p->nslots - 1)];
}

static bool pipe_full(const struct pipe *p)
{
	return p->used == p->nslots;
}

/* A ring of nslots empty slots for p: 0 or -ENOMEM. */
static int pipe_ring(uint32_t nslots, uint8_t **buf, struct pipe_slot **slots)
{
	*buf = vmalloc((size_t)nslots * PAGE_SIZE);
	*slots = kzalloc(nslots * sizeof(**slots));
	if (*buf && *slots)
		return 0;
	vfree(*buf);
	kfree(*slots);
	return -ENOMEM;
}

static struct pipe *pipe_new(void)
{
	struct pipe *p = kzalloc(sizeof(*p));

	if (p && pipe_ring(PIPE_DEF_SLOTS, &p->buf, &p->slots)) {
		kfree(p);
		return NULL;
	}
	if (p)
		p->nslots = PIPE_DEF_SLOTS;
	return p;
}

static void pipe_free(struct pipe *p)
{
	vfree(p->buf);
	kfree(p->slots);
	kfree(p);
}

/* How many slots from s on, side by side in the buffer and at most max,
 * hold a whole page each: what one copy can move. */
static size_t whole_pages(const struct pipe *p, const struct pipe_slot *s, size_t max)
{
	size_t run = 0;

	while (run < max && run < p->used && s + run < p->slots + p->nslots && s[run].off == 0 &&
	       s[run].len == PAGE_SIZE && !s[run].packet)
		run++;
	return run;
}

/* Take up to n bytes from the oldest slots into user memory at buf: how
 * many, or -EFAULT if none could be written. */
static long pipe_take(struct file *f, vaddr_t buf, size_t n)
{
	struct pipe *p = f->pipe;
	bool freed_full = false;
	size_t done = 0;
	long r = 0;

	while (p->used && done < n) {
		struct pipe_slot *s = slot_at(p, 0);
		size_t k = MIN((size_t)s->len, n - done);
		size_t run = whole_pages(p, s, (n - done) / PAGE_SIZE);

		if (run > 1) {          /* one copy for them all */
			if (copyout(buf + done, slot_page(p, (uint32_t)(s - p->slots)), run * PAGE_SIZE)) {
				r = -EFAULT;
				break;
			}
			freed_full |= pipe_full(p);
			p->tail = (p->tail + (uint32_t)run) & (p->nslots - 1);
			p->used -= (uint32_t)run;
			p->len -= run * PAGE_SIZE;
			done += run * PAGE_SIZE;
			continue;
		}
		if (copyout(buf + done, slot_page(p, (uint32_t)(s - p->slots)) + s->off, k)) {
			r = -EFAULT;
			break;
		}
		s->off += (uint16_t)k;
		s->len -= (uint16_t)k;
		p->len -= k;
		done += k;
		if (s->packet) {        /* one packet a read; the rest is lost */
			p->len -= s->len;
			s->len = 0;
			n = done;
		}
		if (s->len == 0) {
			freed_full |= pipe_full(p);
			p->tail = (p->tail + 1) & (p->nslots - 1);
			p->used--;
		}
	}
	if (freed_full)
		wakeup(&p->wr_wait);
	return done ? (long)done : r;
}

static long pipe_read(struct file *f, vaddr_t buf, size_t n, bool wait)
{
	struct pipe *p = f->pipe;

	if (n == 0)
		return 0;
	while (p->used == 0) {
		if (p->writers == 0)
			return 0;
		if (!wait)
			return -EAGAIN;
		if (sleep_on_interruptible(&p->rd_wait))
			return -ERESTARTSYS;
	}
	return pipe_take(f, buf, n);
}

/* Add up to k bytes from user memory at buf into slot s (at its end):
 * false if they cannot be read. */
static bool slot_fill(struct pipe *p, struct pipe_slot *s, vaddr_t buf, size_t k)
{
	uint8_t *at = slot_page(p, (uint32_t)(s - p->slots)) + s->off + s->len;

	if (copyin(at, buf, k))
		return false;
	s->len += (uint16_t)k;
	p->len += k;
	return true;
}

static long pipe_write(struct file *f, vaddr_t buf, size_t n)
{
	struct pipe *p = f->pipe;
	bool packet = f->flags & O_DIRECT;
	size_t done = 0, head = n % PAGE_SIZE;
	long err = 0;

	if (n == 0)
		return 0;               /* not even a broken pipe, as Linux's */
	if (p->readers == 0)
		goto broken;
	/* What is over whole pages joins the last slot, if it fits whole. */
	if (head && p->used) {
		struct pipe_slot *last = slot_at(p, p->used - 1);

		if (!last->packet && last->off + last->len + head <= PAGE_SIZE) {
			if (!slot_fill(p, last, buf, head)) {
				err = -EFAULT;
				goto out;
			}
			done = head;
		}
	}
	while (done < n) {
		struct pipe_slot *s;
		size_t k;

		if (p->readers == 0)
			goto broken;
		if (pipe_full(p)) {
			if (f->flags & O_NONBLOCK) {
				err = -EAGAIN;
				break;
			}
			wakeup(&p->rd_wait);
			if (sleep_on_interruptible(&p->wr_wait)) {
				err = -ERESTARTSYS;
				break;
			}
			continue;
		}
		/* Whole pages into free slots side by side in one copy; then
		 * what is left, into one more. */
		s = slot_at(p, p->used);
		k = MIN(MIN((size_t)(p->nslots - p->used), (size_t)(p->nslots - (uint32_t)(s - p->slots))),
			(n - done) / PAGE_SIZE);
		if (k == 0)
			k = 1;
		if (copyin(slot_page(p, (uint32_t)(s - p->slots)), buf + done, MIN(k * PAGE_SIZE, n - done))) {
			err = -EFAULT;
			break;
		}
		for (size_t i = 0; i < k; i++, p->used++) {
			size_t len = MIN((size_t)PAGE_SIZE, n - done);

			*slot_at(p, p->used) = (struct pipe_slot){ 0, (uint16_t)len, packet };
			p->len += len;
			done += len;
		}
	}
out:
	if (done)
		wakeup(&p->rd_wait);
	return done ? (long)done : err;
broken:
	proc_kill(proc_current, SIGPIPE);
	if (done)
		wakeup(&p->rd_wait);
	return done ? (long)done : -EPIPE;
}

/* Everyone waiting on p, for any reason: its ends came or went. */
static void pipe_wake_all(struct pipe *p)
{
	wakeup(p);
	wakeup(&p->rd_wait);
	wakeup(&p->wr_wait);
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
	pipe_wake_all(p);
	if (p->readers == 0 && p->writers == 0) {
		if (p->fifo)
			p->fifo->fifo = NULL;
		pipe_free(p);
	}
}

/* ---- named pipes ---- */

/* The ring of FIFO node inode, made at the first open: NULL if no memory. */
static struct pipe *fifo_pipe(struct inode *inode)
{
	struct pipe *p = inode->fifo;

	if (p)
		return p;
	p = pipe_new();
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
			pipe_free(p);
		}
		return -ENXIO;
	}
	f->pipe = p;
	f->pipe_seen = acc == O_RDONLY && nonblock && p->writers == 0 ? p->writer_opens : ~0u;
	if (acc != O_WRONLY) {
		p->readers++;
		p->reader_opens++;
	}
	if (acc != O_RDONLY) {
		p->writers++;
		p->writer_opens++;
	}
	pipe_wake_all(p);
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
	return -ERESTARTSYS;    /* file_put's release leaves the ring */
}

/* Linux's pipe_poll: readable with data, writable with a slot free;
 * POLLHUP for a reader once the last writer is gone (a FIFO opened
 * O_NONBLOCK with none: once one more has come and gone), POLLERR for a
 * writer with no reader. */
static uint32_t pipe_poll(struct file *f, struct poll_table *pt)
{
	struct pipe *p = f->pipe;
	uint32_t acc = f->flags & O_ACCMODE, mask = 0;

	if (acc != O_WRONLY)
		poll_wait(pt, &p->rd_wait);
	if (acc != O_RDONLY)
		poll_wait(pt, &p->wr_wait);
	if (acc != O_WRONLY) {
		if (p->len)
			mask |= POLLIN | POLLRDNORM;
		if (p->writers == 0 && p->writer_opens != f->pipe_seen)
			mask |= POLLHUP;
	}
	if (acc != O_RDONLY) {
		if (!pipe_full(p))
			mask |= POLLOUT | POLLWRNORM;
		if (p->readers == 0)
			mask |= POLLERR;
	}
	return mask;
}

/* F_SETPIPE_SZ: size rounded up to a power of 2 pages (at least one,
 * at most 2^31 bytes: else -EINVAL), not below what it holds (-EBUSY);
 * the new size. Everyone is root: no pipe-max-size applies. */
long pipe_set_size(struct file *f, uint32_t size)
{
	struct pipe *p = f->pipe;
	uint32_t nslots = 1;
	struct pipe_slot *slots;
	uint8_t *buf;

	if (!file_is_pipe(f))
		return -EBADF;
	if (size > (1u << 31))
		return -EINVAL;
	while ((uint64_t)nslots * PAGE_SIZE < size)
		nslots <<= 1;
	if (nslots < p->used)
		return -EBUSY;
	if (nslots != p->nslots) {
		if (pipe_ring(nslots, &buf, &slots))
			return -ENOMEM;
		for (uint32_t i = 0; i < p->used; i++) {
			struct pipe_slot *s = slot_at(p, i);

			memcpy(buf + (size_t)i * PAGE_SIZE, slot_page(p, (uint32_t)(s - p->slots)), PAGE_SIZE);
			slots[i] = *s;
		}
		vfree(p->buf);
		kfree(p->slots);
		p->buf = buf, p->slots = slots, p->nslots = nslots, p->tail = 0;
		pipe_wake_all(p);       /* room, perhaps */
	}
	return (long)nslots * PAGE_SIZE;
}

long pipe_get_size(struct file *f)
{
	return file_is_pipe(f) ? (long)f->pipe->nslots * PAGE_SIZE : -EBADF;
}

/* FIONREAD: the bytes waiting to be read. */
static int pipe_ioctl(struct file *f, uint32_t cmd, vaddr_t arg)
{
	int32_t n = (int32_t)f->pipe->len;

	if (cmd != FIONREAD)
		return -ENOTTY;
	return copyout(arg, &n, sizeof(n)) ? -EFAULT : 0;
}

const struct file_ops fifo_ops = {
	.open = fifo_open, .read = pipe_read, .write = pipe_write, .release = pipe_release,
	.poll = pipe_poll, .ioctl = pipe_ioctl,
};

bool file_is_pipe(const struct file *f)
{
	return f->ops == &fifo_ops;
}

long pipe_wait_room(struct file *f)
{
	struct pipe *p = f->pipe;

	for (;;) {
		if (p->readers == 0) {
			proc_kill(proc_current, SIGPIPE);
			return -EPIPE;
		}
		if (!pipe_full(p))
			return (long)(p->nslots - p->used) * PAGE_SIZE;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (sleep_on_interruptible(&p->wr_wait))
			return -ERESTARTSYS;
	}
}

/* ---- pipefs: where every pipe(2) is a FIFO with no name ---- */

static struct mount *pipe_mount;

static int pipefs_dname(const struct dentry *d, char *buf, size_t size)
{
	return snprintf(buf, size, "pipe:[%u]", d->inode->ino);
}

static int pipefs_mount(const char *options, struct inode **root)
{
	(void)options;
	return pseudo_fs_root(&pipefs_type, root);
}

const struct fs_type pipefs_type = {
	.name = "pipefs", .magic = PIPEFS_MAGIC, .mount = pipefs_mount, .dname = pipefs_dname,
};

void pipefs_init(void)
{
	pipe_mount = vfs_kern_mount(&pipefs_type, "");
	if (!pipe_mount)
		panic("pipefs_init: no memory for the file system of pipes");
}

/* Open one end of the pipe at p (the reference is the file's from here
 * on), as a FIFO open that finds its other side or needs none. */
static int pipe_open_end(struct path *p, uint32_t mode, struct file **out)
{
	int err;

	*out = vfs_open_path(p, mode);
	if (!*out)
		return -ENOMEM;
	err = fifo_open(*out);
	if (err) {
		file_put(*out);
		return err;
	}
	(*out)->flags &= ~(uint32_t)O_NONBLOCK;
	return 0;
}

int pipe_create(struct file **rd, struct file **wr)
{
	struct inode *inode = inode_new(pipe_mount->sb, S_IFIFO | 0600);
	struct path p = { pipe_mount, NULL };
	int err;

	if (!inode)
		return -ENOMEM;
	inode->nlink = 1;
	inode->fops = &fifo_ops;
	p.d = dentry_new(pipe_mount->root, "pipe", 4);
	if (!p.d) {
		inode_put(inode);
		return -ENOMEM;
	}
	p.d->inode = inode;             /* unhashed: only its files reach it */
	inode->alias = p.d;
	pipe_mount->refs++;
	path_get(&p);                   /* a reference for each end */
	/* The reader first, not waiting: then the writer finds it. */
	err = pipe_open_end(&p, O_RDONLY | O_NONBLOCK, rd);
	if (err) {
		path_put(&p);
		return err;
	}
	err = pipe_open_end(&p, O_WRONLY, wr);
	if (err)
		file_put(*rd);
	return err;
}
