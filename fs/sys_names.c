/*
 * System calls about names: open, making and removing names, links,
 * rename, the working directory and umask, mount. They copy and check
 * their arguments; the work is the VFS's (fs/vfs_ops.c).
 */
#include "../proc/proc_internal.h"
#include <pagoda/errno.h>
#include <pagoda/file.h>
#include <pagoda/kmalloc.h>
#include <pagoda/string.h>
#include <pagoda/uaccess.h>
#include <pagoda/vfs.h>

#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR    0x200
#define AT_SYMLINK_FOLLOW 0x400
#define AT_EMPTY_PATH   0x1000

/* A user path in a new PATH_MAX buffer (*out, to kfree): 0 or -errno. */
static int path_in(vaddr_t upath, char **out, bool empty_ok)
{
	char *buf = kmalloc(PATH_MAX);
	int err;

	if (!buf)
		return -ENOMEM;
	err = user_path_copy(upath, buf, empty_ok);
	if (err) {
		kfree(buf);
		return err;
	}
	*out = buf;
	return 0;
}

static long do_open(int dirfd, vaddr_t upath, uint32_t flags, uint32_t mode)
{
	struct file *f;
	char *path;
	int err = path_in(upath, &path, false), fd;

	if (err)
		return err;
	/* Linux keeps none of these in the open file's flags. */
	err = vfs_open(dirfd, path, flags, mode, &f);
	kfree(path);
	if (err)
		return err;
	f->flags = flags & ~(uint32_t)(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC);
	fd = fd_install(proc_current, f, 0, flags & O_CLOEXEC);
	if (fd < 0)
		file_put(f);
	return fd;
}

SYSCALL(open) { return do_open(AT_FDCWD, a0, a1, a2); }
SYSCALL(openat) { return do_open((int)a0, a1, a2, a3); }
SYSCALL(creat) { return do_open(AT_FDCWD, a0, O_CREAT | O_WRONLY | O_TRUNC, a1); }

SYSCALL(close)
{
	return fd_close(proc_current, (int)a0);
}

static long do_mknod(int dirfd, vaddr_t upath, uint32_t mode, uint32_t dev)
{
	char *path;
	long err;

	switch (mode & S_IFMT) {
	case 0:
		mode |= S_IFREG;
		break;
	case S_IFREG: case S_IFCHR: case S_IFBLK: case S_IFIFO: case S_IFSOCK:
		break;
	case S_IFDIR:
		return -EPERM;
	default:
		return -EINVAL;
	}
	if ((err = path_in(upath, &path, false)))
		return err;
	/* Linux's new_decode_dev, into (major << 20 | minor). */
	err = vfs_mknod(dirfd, path, mode, ((dev & 0xfff00) >> 8) << 20 | (dev & 0xff) | ((dev >> 12) & 0xfff00),
			NULL);
	kfree(path);
	return err;
}

SYSCALL(mknod) { return do_mknod(AT_FDCWD, a0, a1, a2); }
SYSCALL(mknodat) { return do_mknod((int)a0, a1, a2, a3); }

static long do_mkdir(int dirfd, vaddr_t upath, uint32_t mode)
{
	char *path;
	long err = path_in(upath, &path, false);

	if (err)
		return err;
	err = vfs_mknod(dirfd, path, S_IFDIR | (mode & 01777), 0, NULL);
	kfree(path);
	return err;
}

SYSCALL(mkdir) { return do_mkdir(AT_FDCWD, a0, a1); }
SYSCALL(mkdirat) { return do_mkdir((int)a0, a1, a2); }

static long do_unlink(int dirfd, vaddr_t upath, bool dir)
{
	char *path;
	long err = path_in(upath, &path, false);

	if (err)
		return err;
	err = vfs_unlink(dirfd, path, dir);
	kfree(path);
	return err;
}

SYSCALL(unlink) { return do_unlink(AT_FDCWD, a0, false); }
SYSCALL(rmdir) { return do_unlink(AT_FDCWD, a0, true); }

SYSCALL(unlinkat)
{
	if (a2 & ~(uint32_t)AT_REMOVEDIR)
		return -EINVAL;
	return do_unlink((int)a0, a1, a2 & AT_REMOVEDIR);
}

static long do_rename(int olddirfd, vaddr_t uold, int newdirfd, vaddr_t unew, uint32_t flags)
{
	char *old, *new;
	long err;

	if (flags & ~(uint32_t)(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT))
		return -EINVAL;
	if ((flags & RENAME_EXCHANGE) && (flags & (RENAME_NOREPLACE | RENAME_WHITEOUT)))
		return -EINVAL;
	if ((err = path_in(uold, &old, false)))
		return err;
	if ((err = path_in(unew, &new, false)) == 0) {
		err = vfs_rename(olddirfd, old, newdirfd, new, flags);
		kfree(new);
	}
	kfree(old);
	return err;
}

SYSCALL(rename) { return do_rename(AT_FDCWD, a0, AT_FDCWD, a1, 0); }
SYSCALL(renameat) { return do_rename((int)a0, a1, (int)a2, a3, 0); }
SYSCALL(renameat2) { return do_rename((int)a0, a1, (int)a2, a3, a4); }

static long do_link(int olddirfd, vaddr_t uold, int newdirfd, vaddr_t unew, uint32_t flags)
{
	char *old, *new;
	long err;

	if (flags & ~(uint32_t)(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if ((err = path_in(uold, &old, flags & AT_EMPTY_PATH)))
		return err;
	if ((err = path_in(unew, &new, false)) == 0) {
		err = vfs_link(olddirfd, old, newdirfd, new, flags & AT_SYMLINK_FOLLOW);
		kfree(new);
	}
	kfree(old);
	return err;
}

SYSCALL(link) { return do_link(AT_FDCWD, a0, AT_FDCWD, a1, 0); }
SYSCALL(linkat) { return do_link((int)a0, a1, (int)a2, a3, a4); }

static long do_symlink(vaddr_t utarget, int dirfd, vaddr_t upath)
{
	char *target, *path;
	long err;

	if ((err = path_in(utarget, &target, false)))
		return err;
	if ((err = path_in(upath, &path, false)) == 0) {
		err = vfs_mknod(dirfd, path, S_IFLNK | 0777, 0, target);
		kfree(path);
	}
	kfree(target);
	return err;
}

SYSCALL(symlink) { return do_symlink(a0, AT_FDCWD, a1); }
SYSCALL(symlinkat) { return do_symlink(a0, (int)a1, a2); }

static long do_readlink(int dirfd, vaddr_t upath, vaddr_t buf, uint32_t size)
{
	struct path p;
	char *path, *target;
	long err, len;

	if ((int32_t)size <= 0)
		return -EINVAL;
	if ((err = path_in(upath, &path, true)))
		return err;
	err = vfs_lookup(dirfd, path, path[0] ? 0 : LOOKUP_EMPTY, &p);
	kfree(path);
	if (err)
		return err;
	target = kmalloc(PATH_MAX);
	err = -ENOMEM;
	if (!target)
		goto put;
	err = -EINVAL;
	if (!S_ISLNK(p.d->inode->mode) || !p.d->inode->iops || !p.d->inode->iops->get_link)
		goto out;
	len = p.d->inode->iops->get_link(p.d->inode, target, PATH_MAX);
	err = len;
	if (len < 0)
		goto out;
	len = MIN(len, (long)size);
	err = copyout(buf, target, (size_t)len) ? -EFAULT : len;
out:
	kfree(target);
put:
	path_put(&p);
	return err;
}

SYSCALL(readlink) { return do_readlink(AT_FDCWD, a0, a1, a2); }
SYSCALL(readlinkat) { return do_readlink((int)a0, a1, a2, a3); }

/* ---- the working directory and umask ---- */

static void set_cwd(struct path *p)
{
	path_put(&proc_current->cwd);
	proc_current->cwd = *p;
}

SYSCALL(chdir)
{
	struct path p;
	char *path;
	long err = path_in(a0, &path, false);

	if (err)
		return err;
	err = vfs_lookup(AT_FDCWD, path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &p);
	kfree(path);
	if (!err)
		set_cwd(&p);
	return err;
}

SYSCALL(fchdir)
{
	struct file *f = fd_get(proc_current, (int)a0);
	struct path p;

	if (!f)
		return -EBADF;
	if (!f->path.d || !S_ISDIR(f->path.d->inode->mode))
		return -ENOTDIR;
	p = f->path;
	path_get(&p);
	set_cwd(&p);
	return 0;
}

/* getcwd: the path with its NUL, or -ENOENT once the directory is
 * removed, -ERANGE if it does not fit in size bytes. */
SYSCALL(getcwd)
{
	struct path *cwd = &proc_current->cwd;
	char *buf;
	long len;

	if (!cwd->d->hashed && cwd->d != cwd->mnt->root)
		return -ENOENT;
	buf = kmalloc(PATH_MAX);
	if (!buf)
		return -ENOMEM;
	len = vfs_path_string(cwd, buf, PATH_MAX);
	if (len >= 0 && (uint32_t)len + 1 > a1)
		len = -ERANGE;
	if (len >= 0)
		len = copyout(a0, buf, (size_t)len + 1) ? -EFAULT : len + 1;
	kfree(buf);
	return len;
}

SYSCALL(umask)
{
	uint32_t old = proc_current->umask;

	proc_current->umask = a0 & 0777;
	return old;
}

/* ---- mounts ---- */

#define MS_RDONLY       0x1
#define MS_NOSUID       0x2
#define MS_NODEV        0x4
#define MS_NOEXEC       0x8
#define MS_REMOUNT      0x20
#define MS_NOSYMFOLLOW  0x100
#define MS_NOATIME      0x400
#define MS_NODIRATIME   0x800
#define MS_BIND         0x1000
#define MS_MOVE         0x2000
#define MS_REC          0x4000
#define MS_SILENT       0x8000
#define MS_UNBINDABLE   0x20000
#define MS_PRIVATE      0x40000
#define MS_SLAVE        0x80000
#define MS_SHARED       0x100000
#define MS_RELATIME     0x200000
#define MS_STRICTATIME  0x1000000
/* What a mount keeps of the flags (struct mount's flags). */
#define MS_MOUNT_FLAGS  (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | MS_RELATIME | \
			 MS_STRICTATIME)
#define MS_PROPAGATION  (MS_UNBINDABLE | MS_PRIVATE | MS_SLAVE | MS_SHARED)
#define MS_MGC_MSK      0xffff0000u
#define MS_MGC_VAL      0xc0ed0000u
#define MNT_FORCE       0x1
#define MNT_DETACH      0x2
#define MNT_EXPIRE      0x4
#define UMOUNT_NOFOLLOW 0x8

/* A user string of at most size bytes (NUL included) into buf. */
static int string_in(vaddr_t u, char *buf, size_t size)
{
	int err = copyinstr(buf, u, size, NULL);

	return err == -ENAMETOOLONG ? -EINVAL : err;
}

/* The path at user u (NULL or "" is -EINVAL) resolved, links followed. */
static int source_path(vaddr_t u, struct path *out)
{
	char *name;
	int err;

	if (!u)
		return -EINVAL;
	if ((err = path_in(u, &name, true)))
		return err;
	err = name[0] ? vfs_lookup(AT_FDCWD, name, LOOKUP_FOLLOW, out) : -EINVAL;
	kfree(name);
	return err;
}

/*
 * What mount(2) does with flags, in Linux's order (path_mount): a
 * remount (of the flags alone with MS_BIND), a bind, a change of
 * propagation, a move, else a new instance. Pagoda has no propagation
 * between mounts (every mount is private, as Linux's are without
 * systemd), so MS_PRIVATE and MS_SLAVE change nothing.
 */
static long mount_at(struct path *where, vaddr_t usource, const char *type, uint32_t flags,
		     const char *opts)
{
	const struct fs_type *fs;
	struct path from;
	uint32_t keep = flags & MS_MOUNT_FLAGS, prop = flags & ~(uint32_t)(MS_REC | MS_SILENT);
	char source[32] = "none";
	long err;

	if (flags & (MS_RDONLY | MS_NOSYMFOLLOW | MS_SHARED))
		return -EINVAL;                 /* not yet: read-only mounts, shared subtrees */
	if ((flags & (MS_REMOUNT | MS_BIND)) == (MS_REMOUNT | MS_BIND))
		return vfs_remount(where, NULL, keep);
	if (flags & MS_REMOUNT)
		return vfs_remount(where, opts ? opts : "", keep);
	if (flags & (MS_BIND | MS_MOVE)) {
		if ((err = source_path(usource, &from)))
			return err;
		err = (flags & MS_BIND) && (from.mnt->flags & MOUNT_UNBINDABLE) ? -EINVAL :
		      flags & MS_BIND ? vfs_bind(&from, where, flags & MS_REC) : vfs_move(&from, where);
		path_put(&from);
		return err;
	}
	if (flags & MS_PROPAGATION) {
		if (where->d != where->mnt->root || (prop & (prop - 1)))
			return -EINVAL;         /* not a mount, or not exactly one kind */
		if (prop == MS_UNBINDABLE)
			where->mnt->flags |= MOUNT_UNBINDABLE;
		else
			where->mnt->flags &= ~(uint32_t)MOUNT_UNBINDABLE;
		return 0;
	}
	if (!type)
		return -EINVAL;
	if (!(fs = fs_type_find(type)))
		return -ENODEV;
	if (usource && (err = string_in(usource, source, sizeof(source))))
		return err;
	err = vfs_mount(fs, source, opts ? opts : "", where);
	if (!err)
		mount_list->flags = keep;
	return err;
}

/* mount(source, target, type, flags, data): the strings copied in, the
 * target resolved, then mount_at. */
SYSCALL(mount)
{
	char type[16], *path, *opts = NULL;
	uint32_t flags = a3;
	struct path where;
	long err;

	if ((flags & MS_MGC_MSK) == MS_MGC_VAL)
		flags &= ~MS_MGC_MSK;
	if (a2 && (err = string_in(a2, type, sizeof(type))))
		return err;
	err = -ENOMEM;
	if (a4 && !(opts = kmalloc(PAGE_SIZE)))
		return err;
	if (opts && (err = string_in(a4, opts, PAGE_SIZE)))
		goto out;
	if ((err = path_in(a1, &path, false)))
		goto out;
	err = vfs_lookup(AT_FDCWD, path, LOOKUP_FOLLOW, &where);
	kfree(path);
	if (err)
		goto out;
	err = mount_at(&where, a0, a2 ? type : NULL, flags, opts);
	path_put(&where);
out:
	kfree(opts);
	return err;
}

SYSCALL(umount2)
{
	struct path where;
	char *path;
	long err;

	if (a1 & ~(uint32_t)(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW))
		return -EINVAL;
	if ((err = path_in(a0, &path, false)))
		return err;
	err = vfs_lookup(AT_FDCWD, path, a1 & UMOUNT_NOFOLLOW ? 0 : LOOKUP_FOLLOW, &where);
	kfree(path);
	return err ? err : vfs_umount(&where);
}

SYSCALL(umount) { return sys_umount2(a0, 0, 0, 0, 0, 0); }

/* ---- memfd_create ---- */

#define MFD_CLOEXEC             0x1
#define MFD_ALLOW_SEALING       0x2
#define MFD_NAME_MAX            (NAME_MAX - 6)  /* after "memfd:" */

SYSCALL(memfd_create)
{
	char name[6 + MFD_NAME_MAX + 2] = "memfd:";
	struct file *f;
	long err;
	int fd;

	if (a1 & ~(uint32_t)(MFD_CLOEXEC | MFD_ALLOW_SEALING))
		return -EINVAL;         /* MFD_HUGETLB: no huge pages */
	err = copyinstr(name + 6, a0, MFD_NAME_MAX + 1, NULL);
	if (err)
		return err == -ENAMETOOLONG ? -EINVAL : err;
	err = tmpfs_unnamed_file(name, &f);
	if (err)
		return err;
	fd = fd_install(proc_current, f, 0, a1 & MFD_CLOEXEC);
	if (fd < 0)
		file_put(f);
	return fd;
}
