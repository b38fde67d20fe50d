/*
 * The virtual file system (fs/): the names, the files behind them, and the
 * file systems that hold them. docs/vfs.md draws it.
 *
 *   inode     fs/inode.c    a file of any kind: its attributes and operations
 *   dentry    fs/dcache.c   a name in a directory, hashed by (parent, name)
 *   mount     fs/mount.c    a file system instance grafted on a directory
 *   namei     fs/namei.c    path resolution, as Linux's: ., .., symlinks
 *   tmpfs     fs/tmpfs.c    the root and /tmp: files in the page cache
 *   procfs    fs/procfs.c   /proc, its names made as they are looked up
 *
 * Lifetimes, by reference count (one CPU, no preemption: no locks):
 *   a dentry is held by its children, open files, working directories and
 *   walks in progress; a tmpfs name holds its own dentry ("pinned") until
 *   it is unlinked. An unhashed dentry with no reference left is freed.
 *   An inode is held by its dentries and by whoever looked it up; it is
 *   freed when nothing holds it, which for a tmpfs file means no name
 *   (nlink 0), no open file and no walk. Its pages (the page cache, a
 *   vm_object) are held by the inode and by every mapping: a mapping of an
 *   unlinked, closed file keeps the pages, not the inode.
 */
#ifndef PAGODA_VFS_H
#define PAGODA_VFS_H

#include <pagoda/stat.h>
#include <pagoda/time.h>
#include <pagoda/types.h>
#include <pagoda/vm.h>

struct dentry;
struct path;
struct file_lock;
struct superblock;
struct file;
struct inode;
struct mount;
struct pipe;
struct vm_object;

#define AT_FDCWD        (-100)  /* "from the working directory" */
#define NAME_MAX        255
#define PATH_MAX        4096
#define MAXSYMLINKS     40      /* Linux's limit on links followed in one walk */

/* Linux's statfs magic numbers. */
#define TMPFS_MAGIC     0x01021994
#define PROC_SUPER_MAGIC 0x9fa0
#define PIPEFS_MAGIC    0x50495045

/* The kinds of file system, and one mounted instance of a kind. */
struct fs_type {
	const char *name;               /* as mount(2) and /proc/mounts name it */
	uint32_t magic;                 /* statfs's f_type */
	/* A new instance with its root inode: 0, or -errno (bad options). */
	int (*mount)(const char *options, struct inode **root);
	/* A file system of objects with no names (pipefs): the text that
	 * stands for d's path in /proc (Linux's d_dname), its length. */
	int (*dname)(const struct dentry *d, char *buf, size_t size);
	/* MS_REMOUNT's new options for an instance: 0, or -EINVAL (and
	 * nothing changed). NULL: options are ignored (proc). */
	int (*remount)(struct superblock *sb, const char *options);
};

struct superblock {
	const struct fs_type *type;
	uint32_t dev_minor;             /* anonymous devices 0:N, as Linux's */
	uint32_t next_ino;
	struct vm_quota quota;          /* tmpfs: size=, and what its files hold */
	uint64_t max_inodes, used_inodes;
	uint32_t root_mode;             /* tmpfs: mode= of its root */
	int mounts;                     /* mounts of this instance */
};

/* What an inode's directory offers beyond the dcache (NULL: -EPERM or
 * -EACCES as Linux answers for a file system without it). */
struct inode_ops {
	/* A name the dcache does not hold, made on demand (procfs): 0 with
	 * *out (a new reference), or -ENOENT. */
	int (*lookup)(struct inode *dir, const char *name, struct inode **out);
	/* A new inode of mode in dir's file system (its nlink 0, the caller
	 * links it): 0, or -ENOSPC / -ENOMEM. */
	int (*mknod)(struct inode *dir, uint32_t mode, uint32_t rdev, struct inode **out);
	/* Set a regular file's size: its pages past the end go. */
	int (*setsize)(struct inode *inode, uint64_t size);
	/* fallocate(2) on a regular file, its arguments checked: make the
	 * pages of [off, off + len) (FALLOC_FL_KEEP_SIZE: without growing
	 * the size), or with FALLOC_FL_PUNCH_HOLE free them (zeroing the
	 * parts of pages at the edges). 0, -ENOSPC, -ENOMEM, -EFBIG. */
	int (*fallocate)(struct inode *inode, uint32_t mode, uint64_t off, uint64_t len);
	/* A symlink's target into buf (size bytes, NUL-terminated): its
	 * length, or -errno. */
	int (*get_link)(struct inode *inode, char *buf, size_t size);
	/* A magic link (procfs's fd/N and cwd): where it leads, as a new
	 * reference. A walk jumps there instead of reading the target, so
	 * it reaches files with no name (a pipe, a removed file), as Linux's
	 * nd_jump_link. */
	int (*get_path)(struct inode *inode, struct path *out);
};

struct inode {
	uint32_t ino, mode, nlink, uid, gid;
	uint32_t rdev_major, rdev_minor;
	uint64_t size;
	struct timespec64 atime, mtime, ctime;
	struct superblock *sb;
	const struct inode_ops *iops;
	const struct file_ops *fops;    /* what open gives (a device's: its driver's) */
	struct vm_object *pages;        /* a regular tmpfs file: the page cache */
	struct pipe *fifo;              /* a FIFO node: its ring while it is open */
	char *link;                     /* a symlink's target */
	struct dentry *alias;           /* a name it has (for maps and getcwd), or NULL */
	int refs;
	bool linkable;                  /* O_TMPFILE without O_EXCL: linkat may name it */
	/* flock(2): the open files holding it shared, or the one holding it
	 * exclusively (fs/flock.c) */
	int flock_shared;
	struct file *flock_excl;
	struct file_lock *locks;        /* fcntl's record locks (fs/record_lock.c) */
	/* procfs: which kind of name, which of that kind, of which process */
	int proc_kind, proc_index, proc_pid;
};

struct dentry {
	struct dentry *parent;          /* itself at a file system's root */
	struct inode *inode;
	struct dentry *hash_next;
	struct dentry *child_first, *child_last, *sib_next, *sib_prev;
	int mounts;                     /* mounts whose point it is (Linux's d_mountpoint) */
	uint64_t dir_seq;               /* its position in the parent (getdents) */
	uint64_t next_seq;              /* a directory's: for the next child */
	uint32_t hash;
	int refs;
	bool hashed;                    /* in the dcache (tmpfs names); else freed at 0 refs */
	bool pinned;                    /* a tmpfs name holds its own reference */
	uint16_t len;
	char *name;                     /* NUL-terminated, len bytes */
};

struct mount {
	struct superblock *sb;
	struct dentry *root;            /* the instance's root */
	struct dentry *point;           /* where it is mounted (itself for /) */
	struct mount *parent;           /* the mount holding point */
	struct mount *next;             /* every mount, for /proc/mounts */
	int refs;                       /* paths in it, and mounts on it */
	uint32_t flags;                 /* MOUNT_*: mount(2)'s MS_* of the same values */
	char source[32];
};

#define MOUNT_NOEXEC    0x8     /* MS_NOEXEC: exec refuses its files */
#define MOUNT_UNBINDABLE 0x20000 /* MS_UNBINDABLE: no bind of it (-EINVAL) */

/* A place in the tree: a mount and a dentry of it, each with a reference. */
struct path {
	struct mount *mnt;
	struct dentry *d;
};

/* ---- inodes (fs/inode.c) ---- */
struct inode *inode_new(struct superblock *sb, uint32_t mode);  /* refs 1, nlink 0 */
struct inode *inode_get(struct inode *inode);
void inode_put(struct inode *inode);
void vfs_now(struct timespec64 *t);
void inode_touch(struct inode *inode, bool modified);   /* mtime and ctime, or ctime */
/* Whether the caller may access inode as mask (4 read, 2 write, 1 exec)
 * says: everyone is root, so only a file without any x bit refuses 1. */
int inode_permission(const struct inode *inode, int mask);

/* ---- dentries (fs/dcache.c) ---- */
void dcache_init(void);
struct dentry *dentry_new(struct dentry *parent, const char *name, size_t len);
struct dentry *dentry_get(struct dentry *d);
void dentry_put(struct dentry *d);
/* The child of parent named [name, name + len) in the dcache, or NULL
 * (borrowed: take a reference to keep it). */
struct dentry *dcache_lookup(struct dentry *parent, const char *name, size_t len);
/* Give d (new, negative) inode and a place in the dcache and in its
 * parent's list; the name pins it. d_delete undoes it. */
void d_add(struct dentry *d, struct inode *inode);
void d_delete(struct dentry *d);
/* Move d under new_parent with a new name (rename; name is the heap's,
 * taken over), and swap two names (RENAME_EXCHANGE). Neither can fail. */
void d_move(struct dentry *d, struct dentry *new_parent, char *name);
void d_exchange(struct dentry *a, struct dentry *b);
/* The first child of dir whose position is at least seq, or NULL. */
struct dentry *d_child_from(struct dentry *dir, uint64_t seq);
bool d_has_children(struct dentry *dir);

/* ---- mounts (fs/mount.c) ---- */
extern struct mount *mount_list;
void vfs_init(void);            /* the root tmpfs, /proc, /dev/shm, /tmp */
const struct fs_type *fs_type_find(const char *name);
/* Mount a new instance of type on the directory at where. */
int vfs_mount(const struct fs_type *type, const char *source, const char *options,
	      struct path *where);
/* The mount op of a file system of objects with no names (pipefs,
 * anon_inodefs): a superblock of type with an empty root: 0 or -ENOMEM. */
int pseudo_fs_root(const struct fs_type *type, struct inode **root);
/* A mount grafted nowhere, for the kernel's own files (memfd), or NULL. */
struct mount *vfs_kern_mount(const struct fs_type *type, const char *options);
/* Unmount the mount whose root is where; where (a reference) is dropped. */
int vfs_umount(struct path *where);
/* MS_BIND: graft the tree at from (a directory or a file, with MS_REC the
 * mounts inside it too) at where, of the same kind (-ENOTDIR). */
int vfs_bind(struct path *from, struct path *where, bool recursive);
/* MS_MOVE: the mount whose root is from goes to where: -EINVAL (not a
 * mount's root, the root, kinds differ), -ELOOP (into itself). */
int vfs_move(struct path *from, struct path *where);
/* MS_REMOUNT: new options (NULL: only the flags) and flags for the mount
 * whose root is where: -EINVAL if it is not one, or the options are bad. */
int vfs_remount(struct path *where, const char *options, uint32_t flags);
/* The mount on d seen from mnt (the top one if several are stacked), or NULL. */
struct mount *mount_on(const struct mount *mnt, const struct dentry *d);
void path_get(struct path *p);
void path_put(struct path *p);
/* The root of the tree. */
void vfs_root(struct path *out);
/* Write p's absolute path to buf (size bytes): its length, or -ENAMETOOLONG.
 * A name that is gone gets Linux's " (deleted)" after it. */
int vfs_path_string(const struct path *p, char *buf, size_t size);

/* ---- path resolution (fs/namei.c) ---- */
#define LOOKUP_FOLLOW   0x1     /* follow a symlink in the last component */
#define LOOKUP_DIRECTORY 0x2    /* the last component must be a directory */
#define LOOKUP_PARENT   0x4     /* stop at the parent: vfs_lookup_parent */
#define LOOKUP_EMPTY    0x8     /* "" names the start (AT_EMPTY_PATH) */

/* Resolve path (a kernel string) from dirfd (AT_FDCWD or a directory) in
 * the calling process: 0 with *out (a reference), or -errno. A negative
 * last component is -ENOENT. */
int vfs_lookup(int dirfd, const char *path, unsigned flags, struct path *out);
/* Resolve all but the last component: *parent (a directory, a reference)
 * and the last name in last (NUL-terminated, may be "." or ".."; a
 * trailing slash sets *trailing_slash). */
int vfs_lookup_parent(int dirfd, const char *path, struct path *parent, char *last,
		      bool *trailing_slash);
/* Copy a user path into buf (PATH_MAX bytes): 0, -EFAULT, -ENAMETOOLONG,
 * or -ENOENT for an empty one unless empty_ok. */
int user_path_copy(vaddr_t upath, char *buf, bool empty_ok);

/* ---- what the system calls share (fs/vfs_ops.c) ---- */
#define RENAME_NOREPLACE        0x1
#define RENAME_EXCHANGE         0x2
#define RENAME_WHITEOUT         0x4
#define FALLOC_FL_KEEP_SIZE     0x01
#define FALLOC_FL_PUNCH_HOLE    0x02

/* The child name of directory dir: a new reference, or -ENOENT
 * (fs/namei.c: the walk's own lookup). */
int vfs_lookup_child(struct path *dir, const char *name, struct dentry **out);
/* open(2): 0 with *out, or -errno in Linux's order. */
int vfs_open(int dirfd, const char *path, uint32_t flags, uint32_t mode, struct file **out);
struct file *vfs_open_path(struct path *p, uint32_t flags);     /* p is taken over */
/* Make a name: a file, directory, device or (target given) symlink. */
int vfs_mknod(int dirfd, const char *path, uint32_t mode, uint32_t rdev, const char *target);
int vfs_link(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, bool follow);
/* unlink (dir false) or rmdir (dir true). */
int vfs_unlink(int dirfd, const char *path, bool dir);
int vfs_rename(int olddirfd, const char *oldpath, int newdirfd, const char *newpath,
	       uint32_t flags);
int vfs_truncate(struct inode *inode, uint64_t size);
/* A regular file's bytes into kernel memory: the count (0 past the end). */
long vfs_read_kernel(struct inode *inode, void *dst, size_t n, int64_t pos);
/* The absolute path of some name of inode (for maps), or -ENOENT. */
int vfs_inode_path(struct inode *inode, char *buf, size_t size);

/* ---- tmpfs (fs/tmpfs.c) and the root's contents ---- */
extern const struct fs_type tmpfs_type;
extern const struct fs_type procfs_type;
extern const struct fs_type pipefs_type;
extern const struct fs_type anon_inodefs_type;
/* memfd_create: a new file with no name, "/memfd:NAME (deleted)" as
 * /proc shows it, open for reading and writing: 0 with *out, or -errno. */
int tmpfs_unnamed_file(const char *name, struct file **out);
void tmpfs_init(void);          /* the kernel's own tmpfs, at boot */
void pipefs_init(void);         /* the file system of pipes, at boot (fs/pipe.c) */
void anon_inodefs_init(void);   /* of files with no name (fs/anon_inode.c) */
/* Unpack the initramfs into the root, as Linux fills its rootfs
 * (fs/initramfs.c): 0, or the first error (what came before it stays). */
int rootfs_populate(void);

/* ---- character devices (dev/) ---- */
/* The operations of the driver of char device major:minor, or NULL. */
const struct file_ops *chrdev_ops(uint32_t major, uint32_t minor);

#endif /* PAGODA_VFS_H */
