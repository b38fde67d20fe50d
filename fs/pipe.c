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

#define PIPE_SIZE       (64 * 1024)     /* Linux's default capacity */

struct pipe {
	uint8_t *buf;
	size_t head, len;               /* ring: bytes at head, len of them */
	int readers, writers;
	uint32_t reader_opens, writer_opens;    /* FIFO opens so far, for those waiting */
	struct inode *fifo;             /* its node (a pipe's is in pipefs) */
};

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
			return -ERESTARTSYS;
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
				return done ? (long)done : -ERESTARTSYS;
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
	f->pipe_seen = acc == O_RDONLY && nonblock && p->writers == 0 ? p->writer_opens : ~0u;
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
	return -ERESTARTSYS;    /* file_put's release leaves the ring */
}

/* Linux's pipe_poll: readable with data, writable with a page's room;
 * POLLHUP for a reader once the last writer is gone (a FIFO opened
 * O_NONBLOCK with none: once one more has come and gone), POLLERR for a
 * writer with no reader. */
static uint32_t pipe_poll(struct file *f, struct poll_table *pt)
{
	struct pipe *p = f->pipe;
	uint32_t acc = f->flags & O_ACCMODE, mask = 0;

	poll_wait(pt, p);
	if (acc != O_WRONLY) {
		if (p->len)
			mask |= POLLIN | POLLRDNORM;
		if (p->writers == 0 && p->writer_opens != f->pipe_seen)
			mask |= POLLHUP;
	}
	if (acc != O_RDONLY) {
		if (p->len <= PIPE_SIZE - PAGE_SIZE)
			mask |= POLLOUT | POLLWRNORM;
		if (p->readers == 0)
			mask |= POLLERR;
	}
	return mask;
}

const struct file_ops fifo_ops = {
	.open = fifo_open, .read = pipe_read, .write = pipe_write, .release = pipe_release,
	.poll = pipe_poll,
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
		if (p->len < PIPE_SIZE)
			return (long)(PIPE_SIZE - p->len);
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (sleep_on_interruptible(p))
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
	struct superblock *sb = kzalloc(sizeof(*sb));

	(void)options;
	if (!sb)
		return -ENOMEM;
	sb->type = &pipefs_type;
	sb->next_ino = 1;
	*root = inode_new(sb, S_IFDIR | 0700);
	if (!*root) {
		kfree(sb);
		return -ENOMEM;
	}
	return 0;
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
