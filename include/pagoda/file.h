/*
 * Open files (fs/file.c): what a file descriptor refers to. Four kinds
 * exist: the console (a terminal on the serial line), a file or directory
 * of the initramfs, either end of a pipe, and a file of /proc (fs/procfs.c). Each kind supplies its
 * operations; data moves to and from user memory only through
 * copyin/copyout, which is why buffers are user addresses here.
 */
#ifndef PAGODA_FILE_H
#define PAGODA_FILE_H

#include <pagoda/types.h>

struct proc;
struct file;
struct initramfs_entry;
struct pipe;

/* What stat reports, before it is laid out as stat64 or statx. */
struct kstat {
	uint32_t dev_major, dev_minor;
	uint32_t ino, mode, nlink;
	uint32_t rdev_major, rdev_minor;
	uint64_t size;
	uint32_t blksize;
	uint64_t blocks;                /* of 512 bytes */
	uint32_t mtime;
};

struct file_ops {
	/* Bytes, or -errno. A pipe or terminal with nothing to give sleeps
	 * for data if wait, else returns -EAGAIN. */
	long (*read)(struct file *f, vaddr_t buf, size_t n, bool wait);
	long (*write)(struct file *f, vaddr_t buf, size_t n);
	void (*stat)(struct file *f, struct kstat *st);
	int (*ioctl)(struct file *f, uint32_t cmd, vaddr_t arg); /* NULL: -ENOTTY */
	void (*release)(struct file *f);                        /* last reference gone */
	bool seekable;
};

struct file {
	const struct file_ops *ops;
	int refs;
	uint32_t flags;                 /* O_ACCMODE, O_APPEND, O_NONBLOCK */
	int64_t pos;
	struct initramfs_entry *entry;  /* initramfs files and directories */
	struct pipe *pipe;              /* pipe ends */
	char *text;                     /* /proc files: the text made at open */
	size_t text_len;
};

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

/* read() from bytes in kernel memory: size bytes at data, from f->pos on
 * (which advances). The bytes copied, 0 at the end, or -EFAULT. */
long file_read_bytes(struct file *f, const void *data, uint64_t size, vaddr_t buf, size_t n);

/* A new open file of a kind (ops) with one reference, or NULL. */
struct file *file_new(const struct file_ops *ops, uint32_t flags);
struct file *file_get(struct file *f);
void file_put(struct file *f);

/* Open the initramfs entry at a canonical path with flags: 0 with *out
 * set, or -errno (-EISDIR, -ENOTDIR, -EROFS, ...). */
int file_open_initramfs(const char *canon, uint32_t flags, struct file **out);
struct file *file_console(void);        /* a new reference to the console */
/* Open a file of /proc at a canonical path (fs/procfs.c): 0 with *out
 * set, -ENOENT if /proc has no such file, or -EACCES / -ENOMEM. */
int procfs_open(const char *canon, uint32_t flags, struct file **out);

/* /proc/self/NAME and /proc/PID/NAME lie in no directory of the archive:
 * their canonical path ("self" made the caller's pid) goes to canon, and
 * true; false for any other path. */
bool procfs_canon(const char *path, char *canon, size_t size);

/* What getdents lists in /proc after the archive's entries: entry i's
 * name, inode and kind, or false past the last. */
bool procfs_dirent(size_t i, char *name, size_t size, uint32_t *ino, bool *is_dir);
int pipe_create(struct file **rd, struct file **wr);

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

/* Directory entries of an open initramfs directory as getdents64 writes
 * them: bytes written to buf, 0 at the end, or -errno. */
long file_getdents64(struct file *f, vaddr_t buf, size_t size);

/* The console's terminal (dev/tty.c): a line discipline over the serial
 * port, with echo and erase, as Linux's N_TTY in canonical mode. */
void tty_init(void);
long tty_read(vaddr_t buf, size_t n, bool wait);
long tty_write(vaddr_t buf, size_t n);

#endif /* PAGODA_FILE_H */
