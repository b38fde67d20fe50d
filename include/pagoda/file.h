/*
 * Open files (fs/file.c): what a file descriptor refers to. A file is an
 * open inode of the VFS (<pagoda/vfs.h>: tmpfs files and directories,
 * devices, /proc) or an object with no name (a pipe). Each kind supplies
 * its operations; data moves to and from user memory only through
 * copyin/copyout, which is why buffers are user addresses here.
 */
#ifndef PAGODA_FILE_H
#define PAGODA_FILE_H

#include <pagoda/time.h>
#include <pagoda/types.h>
#include <pagoda/vfs.h>

struct proc;
struct file;
struct pipe;
struct vm_object;

/* What stat reports, before it is laid out as stat64 or statx. */
struct kstat {
	uint32_t dev_major, dev_minor;
	uint32_t ino, mode, nlink, uid, gid;
	uint32_t rdev_major, rdev_minor;
	uint64_t size;
	uint32_t blksize;
	uint64_t blocks;                /* of 512 bytes */
	struct timespec64 atime, mtime, ctime;
};

/* poll's events (Linux's, <uapi/asm-generic/poll.h>). */
#define POLLIN          0x0001
#define POLLPRI         0x0002
#define POLLOUT         0x0004
#define POLLERR         0x0008
#define POLLHUP         0x0010
#define POLLNVAL        0x0020
#define POLLRDNORM      0x0040
#define POLLRDBAND      0x0080
#define POLLWRNORM      0x0100
#define POLLWRBAND      0x0200

/* The channels a poller sleeps on (fs/poll.c): what each polled file's
 * readers and writers are woken on. Past POLL_CHANNELS it wakes on any. */
#define POLL_CHANNELS   32
struct poll_table {
	const void *chans[POLL_CHANNELS];
	int n;
	bool overflow;
};
/* A poll op names chan (pt NULL: only the mask is wanted). */
void poll_wait(struct poll_table *pt, const void *chan);
/* Whether wakeup(chan) wakes a poller sleeping with pt. */
bool poll_table_wakes(const struct poll_table *pt, const void *chan);
/* The signal mask of ppoll, pselect6 and epoll_pwait: block the 8-byte
 * set at umask while waiting (NULL: keep the mask; a size not 8 is
 * -EINVAL, a bad pointer -EFAULT); and after the wait, the mask back
 * unless a signal interrupted it (then after its handler). */
int poll_mask_in(vaddr_t umask, uint32_t size, bool *set);
void poll_mask_out(bool set, bool interrupted);
/* epoll (fs/eventpoll.c): a wakeup of chan queues the items whose file
 * named it; a file's last reference takes its items from every epoll. */
void eventpoll_wakeup(const void *chan);
void eventpoll_release(struct file *f);
/* The wall clock was set: timerfds at a wall-clock time move with it, and
 * those that asked TFD_TIMER_CANCEL_ON_SET are canceled (fs/timerfd.c). */
void timerfd_clock_was_set(void);
/* A new file with no name (eventfd, epoll): ops, flags and private on
 * the shared anonymous inode, "anon_inode:KIND" in /proc (fs/anon_inode.c). */
int anon_inode_file(const char *kind, const struct file_ops *ops, uint32_t flags, void *private,
		    struct file **out);
/* The same at a new descriptor of the caller's (the lowest free): it, or
 * -errno (-EMFILE first) with nothing made, private still the caller's. */
int anon_inode_fd(const char *kind, const struct file_ops *ops, uint32_t flags, void *private, bool cloexec);

struct file_ops {
	/* A stream (pipe, terminal, device): bytes, or -errno. With nothing
	 * to give it sleeps for data if wait, else returns -EAGAIN. */
	long (*read)(struct file *f, vaddr_t buf, size_t n, bool wait);
	long (*write)(struct file *f, vaddr_t buf, size_t n);
	/* A file with positions: n bytes at pos (read and write use f->pos). */
	long (*pread)(struct file *f, vaddr_t buf, size_t n, int64_t pos);
	long (*pwrite)(struct file *f, vaddr_t buf, size_t n, int64_t pos);
	void (*stat)(struct file *f, struct kstat *st); /* a file with no inode */
	int (*ioctl)(struct file *f, uint32_t cmd, vaddr_t arg); /* NULL: -ENOTTY */
	/* What it is ready for now (POLL*), naming with poll_wait each
	 * channel that will wake someone waiting for it. NULL: always ready
	 * to read and write. */
	uint32_t (*poll)(struct file *f, struct poll_table *pt);
	/* Directory entries as getdents64 writes them, from f->pos on. */
	long (*getdents)(struct file *f, vaddr_t buf, size_t size);
	/* The object a mapping of the file maps, with a reference (*obj NULL:
	 * private anonymous memory, as /dev/zero's private mappings). NULL
	 * op: -ENODEV. */
	int (*mmap)(struct file *f, bool shared, uint64_t end, struct vm_object **obj);
	int (*open)(struct file *f);            /* at open, after f is made */
	void (*release)(struct file *f);        /* last reference gone */
	bool seek_zero;         /* a stream lseek accepts, staying at 0 (/dev/null) */
	/* What sendfile may read from and write to: the files with Linux
	 * 6.1's splice_read and splice_write (a pipe takes writes anyway). */
	bool splice_read, splice_write;
};

struct file {
	const struct file_ops *ops;
	int refs;
	uint32_t flags;                 /* O_ACCMODE, O_APPEND, O_NONBLOCK, O_PATH */
	int64_t pos;
	struct path path;               /* a named file: where it was opened */
	struct inode *inode;            /* its inode (path.d's), or NULL */
	struct pipe *pipe;              /* pipe ends */
	uint32_t pipe_seen;             /* a FIFO opened O_NONBLOCK with no writer: the writer
					 * opens then (no POLLHUP before a new one), else ~0 */
	char *text;                     /* /proc files: the text made at open */
	size_t text_len;
	uint8_t flock;                  /* the flock(2) it holds: 0, LOCK_SH or LOCK_EX */
	void *private;                  /* its kind's own: an eventfd's count, an epoll's items */
	struct epitem *epitems;         /* the epoll items that watch it */
};

/* lseek's and struct flock's l_whence. */
#define SEEK_SET        0
#define SEEK_CUR        1
#define SEEK_END        2

/*
 * fcntl's record locks (fs/record_lock.c), in Linux i386's struct
 * flock64 (24 bytes: the 64-bit fields 4-aligned, as the i386 ABI lays
 * them out). The 32-bit struct flock is converted to it by the caller.
 */
struct flock64 {
	int16_t l_type, l_whence;
	int64_t l_start, l_len;         /* l_len 0: to the end; < 0: before l_start */
	int32_t l_pid;
};
#define F_RDLCK         0
#define F_WRLCK         1
#define F_UNLCK         2
/* F_GETLK: fl becomes the first lock that would conflict with it, or its
 * l_type F_UNLCK if none would. 0, -EINVAL, -EOVERFLOW. */
int record_lock_test(struct file *f, struct flock64 *fl, bool ofd);
/* F_SETLK (F_SETLKW if wait): take or drop the lock fl describes.
 * 0, -EAGAIN, -EDEADLK, -EBADF (the file's mode), -EINVAL, -EOVERFLOW,
 * -EINTR, -ENOLCK. */
int record_lock_set(struct file *f, const struct flock64 *fl, bool ofd, bool wait);
/* Drop the POSIX locks p holds on f's inode: any close of it by p. */
void record_locks_close(struct file *f, struct proc *p);
/* Drop f's own (OFD) locks: its last reference is gone. */
void record_locks_release(struct file *f);

/* flock(2) on f's inode (fs/flock.c): op is LOCK_SH, LOCK_EX or LOCK_UN,
 * with LOCK_NB not to wait. 0, -EINVAL, -EAGAIN, -EINTR. */
int flock_file(struct file *f, uint32_t op);
void flock_release(struct file *f);     /* the file's last reference goes */

/* Linux i386's open flags. */
#define O_ACCMODE       00000003
#define O_RDONLY        00000000
#define O_WRONLY        00000001
#define O_RDWR          00000002
#define O_CREAT         00000100
#define O_EXCL          00000200
#define O_NOCTTY        00000400
#define O_TRUNC         00001000
#define O_APPEND        00002000
#define O_NONBLOCK      00004000
#define O_LARGEFILE     00100000
#define O_DIRECTORY     00200000
#define O_NOFOLLOW      00400000
#define O_CLOEXEC       02000000
#define O_PATH          010000000
#define O_TMPFILE       020200000

/* read() from bytes in kernel memory: size bytes at data, from pos on.
 * The bytes copied, 0 at the end, or -EFAULT. */
long file_read_bytes(const void *data, uint64_t size, int64_t pos, vaddr_t buf, size_t n);

/* A new open file of a kind (ops) with one reference, or NULL. */
struct file *file_new(const struct file_ops *ops, uint32_t flags);
struct file *file_get(struct file *f);
void file_put(struct file *f);
/* What stat says of an open file. */
void file_stat(struct file *f, struct kstat *st);
void inode_stat(const struct inode *inode, struct kstat *st);

/* The console (dev/console.c): a new open file of it, with no name. */
struct file *file_console(void);
int pipe_create(struct file **rd, struct file **wr);
/* Whether f is an end of a pipe or FIFO. */
bool file_is_pipe(const struct file *f);
/* Wait until the pipe f writes to has room, as a splice into it does
 * first: the free bytes, or -EPIPE (with SIGPIPE), -EAGAIN, -EINTR. */
long pipe_wait_room(struct file *f);
/* fcntl's F_SETPIPE_SZ (the new size, or -EBADF for a file that is no
 * pipe, -EINVAL, -EBUSY, -ENOMEM) and F_GETPIPE_SZ. */
long pipe_set_size(struct file *f, uint32_t size);
long pipe_get_size(struct file *f);

/* The descriptor table of a process. */
int fd_install(struct proc *p, struct file *f, int min_fd, bool cloexec); /* fd or -EMFILE */
int fd_lowest_free(struct proc *p, int min_fd);  /* below RLIMIT_NOFILE; fd or -EMFILE */
void fd_install_at(struct proc *p, int fd, struct file *f, bool cloexec); /* fd must be free */
struct file *fd_get(struct proc *p, int fd);    /* borrowed; NULL: -EBADF */
int fd_close(struct proc *p, int fd);
int files_open_console(struct proc *p);         /* fds 0, 1, 2 */
void files_fork(struct proc *child, struct proc *parent);
void files_exec(struct proc *p);                /* close the close-on-exec ones */
void files_close_all(struct proc *p);
bool fd_cloexec(struct proc *p, int fd);
void fd_set_cloexec(struct proc *p, int fd, bool on);

/* The console's terminal (dev/tty.c, <pagoda/tty.h>). */
void tty_init(void);
/* p ends: if it leads the terminal's session, the session loses it. */
void tty_session_ends(struct proc *p);

#endif /* PAGODA_FILE_H */
