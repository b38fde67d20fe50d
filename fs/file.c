/*
 * Open files and descriptor tables: the console, initramfs files and
 * directories, and pipes.
 */
#include <pagoda/file.h>
#include <pagoda/errno.h>
#include <pagoda/initramfs.h>
#include <pagoda/kmalloc.h>
#include <pagoda/panic.h>
#include <pagoda/proc.h>
#include <pagoda/signal.h>
#include <pagoda/string.h>
#include <pagoda/uaccess.h>

#define CONSOLE_MAJOR   5       /* /dev/console is char 5:1 on Linux */
#define CONSOLE_MINOR   1
#define PIPE_SIZE       (64 * 1024)     /* Linux's default capacity */
#define BLKSIZE         PAGE_SIZE

struct file *file_get(struct file *f)
{
	f->refs++;
	return f;
}

void file_put(struct file *f)
{
	if (--f->refs > 0)
		return;
	if (f->ops->release)
		f->ops->release(f);
	kfree(f);
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

/* ---- the console ---- */

/* Linux's struct termios for i386: four flag words, the line discipline,
 * 19 control characters. The values are N_TTY's defaults on a console. */
struct k_termios {
	uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
	uint8_t c_line;
	uint8_t c_cc[19];
};
struct k_winsize {
	uint16_t ws_row, ws_col, ws_xpixel, ws_ypixel;
};
#define TCGETS          0x5401
#define TIOCGWINSZ      0x5413

static long console_read(struct file *f, vaddr_t buf, size_t n, bool wait)
{
	(void)f;
	return tty_read(buf, n, wait);
}

static long console_write(struct file *f, vaddr_t buf, size_t n)
{
	(void)f;
	return tty_write(buf, n);
}

static void console_stat(struct file *f, struct kstat *st)
{
	(void)f;
	memset(st, 0, sizeof(*st));
	st->mode = S_IFCHR | 0600;
	st->nlink = 1;
	st->ino = 2;
	st->rdev_major = CONSOLE_MAJOR;
	st->rdev_minor = CONSOLE_MINOR;
	st->blksize = BLKSIZE;
}

static int console_ioctl(struct file *f, uint32_t cmd, vaddr_t arg)
{
	static const struct k_termios tios = {
		.c_iflag = 0x500,               /* ICRNL | IXON */
		.c_oflag = 0x5,                 /* OPOST | ONLCR */
		.c_cflag = 0xbf,                /* B38400 | CS8 | CREAD */
		.c_lflag = 0x8a3b,              /* ISIG ICANON ECHO ECHOE ECHOK ECHOCTL ECHOKE IEXTEN */
		.c_cc = { 3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0, 0, 0 },
	};
	struct k_winsize ws = { 0, 0, 0, 0 };   /* a serial line has no size */

	(void)f;
	if (cmd == TCGETS)
		return copyout(arg, &tios, sizeof(tios));
	if (cmd == TIOCGWINSZ)
		return copyout(arg, &ws, sizeof(ws));
	return -ENOTTY;
}

static const struct file_ops console_ops = {
	.read = console_read, .write = console_write, .stat = console_stat,
	.ioctl = console_ioctl,
};

struct file *file_console(void)
{
	return file_new(&console_ops, O_RDWR);
}

/* ---- initramfs files and directories ---- */

long file_read_bytes(struct file *f, const void *data, uint64_t size, vaddr_t buf, size_t n)
{
	if (f->pos >= (int64_t)size)
		return 0;
	if (n > size - (uint64_t)f->pos)
		n = (size_t)(size - (uint64_t)f->pos);
	n = copyout_partial(buf, (const char *)data + f->pos, n);
	if (n == 0)
		return -EFAULT;
	f->pos += n;
	return (long)n;
}

static long ramfs_read(struct file *f, vaddr_t buf, size_t n, bool wait)
{
	(void)wait;          /* a file always has its bytes */
	const struct initramfs_entry *e = f->entry;

	if (S_ISDIR(e->mode))
		return -EISDIR;
	return file_read_bytes(f, e->data, e->size, buf, n);
}

static long ramfs_write(struct file *f, vaddr_t buf, size_t n)
{
	(void)f, (void)buf, (void)n;
	return -EBADF;                  /* opened read-only: the only way */
}

static void ramfs_stat(struct file *f, struct kstat *st)
{
	const struct initramfs_entry *e = f->entry;

	memset(st, 0, sizeof(*st));
	st->ino = e->ino;
	st->mode = e->mode;
	st->nlink = e->nlink;
	st->rdev_major = e->rdev_major;
	st->rdev_minor = e->rdev_minor;
	st->size = S_ISREG(e->mode) ? e->size : 0;
	st->blksize = BLKSIZE;
	st->blocks = (st->size + 511) / 512;
	st->mtime = e->mtime;
}

static const struct file_ops ramfs_ops = {
	.read = ramfs_read, .write = ramfs_write, .stat = ramfs_stat, .seekable = true,
};

int file_open_initramfs(const char *canon, uint32_t flags, struct file **out)
{
	struct initramfs_entry *e = initramfs_lookup(canon);
	uint32_t acc = flags & O_ACCMODE;

	if (!e)
		return (flags & O_CREAT) ? -EROFS : -ENOENT;
	if ((flags & O_CREAT) && (flags & O_EXCL))
		return -EEXIST;
	if (S_ISDIR(e->mode) && acc != O_RDONLY)
		return -EISDIR;
	if ((flags & O_DIRECTORY) && !S_ISDIR(e->mode))
		return -ENOTDIR;
	if (S_ISCHR(e->mode) && e->rdev_major == CONSOLE_MAJOR && e->rdev_minor == CONSOLE_MINOR) {
		*out = file_console();  /* a device: writable, though its node is in the initramfs */
		return *out ? 0 : -ENOMEM;
	}
	if (acc != O_RDONLY || (flags & O_TRUNC))
		return -EROFS;
	if (!S_ISREG(e->mode) && !S_ISDIR(e->mode))
		return -ENXIO;          /* a device with no driver */
	*out = file_new(&ramfs_ops, flags);
	if (!*out)
		return -ENOMEM;
	(*out)->entry = e;
	return 0;
}

/* linux_dirent64: inode, offset of the next, record length, type, name. */
struct dirent64_head {
	uint64_t d_ino;
	int64_t d_off;
	uint16_t d_reclen;
	uint8_t d_type;
} __attribute__((packed));
#define DT_CHR 2
#define DT_DIR 4
#define DT_REG 8
#define DT_LNK 10

static uint8_t dirent_type(uint32_t mode)
{
	return S_ISDIR(mode) ? DT_DIR : S_ISREG(mode) ? DT_REG : S_ISCHR(mode) ? DT_CHR :
	       S_ISLNK(mode) ? DT_LNK : 0;
}

/*
 * The position of a directory is an index: 0 ".", 1 "..", then 2 + i for
 * the archive's entry i, when it lies in this directory; in /proc, then
 * 2 + count + j for procfs's entry j (its files and processes).
 */
static bool dir_entry(const struct initramfs_entry *dir, int64_t pos, char *name, size_t size,
		      uint32_t *ino, uint8_t *type)
{
	const struct initramfs_entry *e;
	bool is_dir;

	if (pos < 2) {
		strlcpy(name, pos == 0 ? "." : "..", size);
		*ino = dir->ino;
		*type = DT_DIR;
		return true;
	}
	if ((size_t)pos - 2 >= initramfs_count()) {
		if (strcmp(dir->path, "proc") != 0 ||
		    !procfs_dirent((size_t)pos - 2 - initramfs_count(), name, size, ino, &is_dir))
			return false;
		*type = is_dir ? DT_DIR : DT_REG;
		return true;
	}
	e = initramfs_entry((size_t)pos - 2);
	if (!initramfs_in_dir(e, dir->path)) {
		name[0] = '\0';         /* not here: skipped */
		return true;
	}
	strlcpy(name, strrchr(e->path, '/') ? strrchr(e->path, '/') + 1 : e->path, size);
	*ino = e->ino;
	*type = dirent_type(e->mode);
	return true;
}

long file_getdents64(struct file *f, vaddr_t buf, size_t size)
{
	const struct initramfs_entry *dir = f->entry;
	size_t done = 0;

	if (!dir || !S_ISDIR(dir->mode))
		return -ENOTDIR;
	for (;; f->pos++) {
		char name[PROC_PATH_MAX];
		struct dirent64_head h;
		uint8_t rec[sizeof(h) + PROC_PATH_MAX + 8];
		size_t namelen, reclen;
		uint32_t ino;
		uint8_t type;

		if (!dir_entry(dir, f->pos, name, sizeof(name), &ino, &type))
			break;
		if (!name[0])
			continue;
		namelen = strlen(name);
		reclen = (sizeof(h) + namelen + 1 + 7) & ~(size_t)7;
		if (reclen > size - done)
			return done ? (long)done : -EINVAL;
		h.d_ino = ino;
		h.d_off = f->pos + 1;
		h.d_reclen = (uint16_t)reclen;
		h.d_type = type;
		memset(rec, 0, reclen);
		memcpy(rec, &h, sizeof(h));
		memcpy(rec + sizeof(h), name, namelen);
		if (copyout(buf + done, rec, reclen))
			return -EFAULT;
		done += reclen;
	}
	return (long)done;
}

/* ---- pipes ---- */

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
	st->blksize = BLKSIZE;
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
	file_put(f);
	return 0;
}

int files_open_console(struct proc *p)
{
	struct file *f = file_console();

	if (!f)
		return -ENOMEM;
	for (int fd = 0; fd < 3; fd++)
		p->files[fd] = fd ? file_get(f) : f;
	return 0;
}

void files_fork(struct proc *child, struct proc *parent)
{
	for (int fd = 0; fd < FD_MAX; fd++)
		if (parent->files[fd])
			child->files[fd] = file_get(parent->files[fd]);
	memcpy(child->cloexec, parent->cloexec, sizeof(child->cloexec));
}

void files_exec(struct proc *p)
{
	for (int fd = 0; fd < FD_MAX; fd++)
		if (p->files[fd] && fd_cloexec(p, fd))
			fd_close(p, fd);
}

void files_close_all(struct proc *p)
{
	for (int fd = 0; fd < FD_MAX; fd++)
		if (p->files[fd])
			fd_close(p, fd);
}
