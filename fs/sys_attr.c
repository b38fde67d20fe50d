/*
 * System calls about a file's attributes: the stat family, access, chmod,
 * chown, utimensat, truncate, statfs.
 */
#include "../proc/proc_internal.h"
#include <pagoda/errno.h>
#include <pagoda/file.h>
#include <pagoda/kmalloc.h>
#include <pagoda/string.h>
#include <pagoda/time.h>
#include <pagoda/uaccess.h>
#include <pagoda/vfs.h>

#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_EACCESS      0x200
#define AT_NO_AUTOMOUNT 0x800
#define AT_EMPTY_PATH   0x1000
#define AT_STATX_SYNC_TYPE 0x6000

/*
 * What a path names, or (empty path with AT_EMPTY_PATH) dirfd's file:
 * *out gets a reference to its inode. Symlinks in the last component are
 * followed unless AT_SYMLINK_NOFOLLOW.
 */
static int inode_at(int dirfd, vaddr_t upath, uint32_t flags, bool follow_default, struct inode **out)
{
	char *path = kmalloc(PATH_MAX);
	struct path p;
	int err;

	if (!path)
		return -ENOMEM;
	err = user_path_copy(upath, path, flags & AT_EMPTY_PATH);
	if (err)
		goto out;
	if (!path[0]) {
		struct file *f = fd_get(proc_current, dirfd);

		err = -EBADF;
		if (dirfd == AT_FDCWD) {
			*out = inode_get(proc_current->cwd.d->inode);
			err = 0;
		} else if (f && f->inode) {
			*out = inode_get(f->inode);
			err = 0;
		} else if (f) {
			err = -ENOENT;  /* the console: no inode to name (stat uses fstat) */
		}
		goto out;
	}
	err = vfs_lookup(dirfd, path, follow_default && !(flags & AT_SYMLINK_NOFOLLOW) ? LOOKUP_FOLLOW : 0, &p);
	if (err)
		goto out;
	*out = inode_get(p.d->inode);
	path_put(&p);
out:
	kfree(path);
	return err;
}

/* Linux i386's struct stat64: 96 bytes, 4-byte aligned 64-bit fields. */
struct stat64 {
	uint64_t st_dev;
	uint8_t pad0[4];
	uint32_t st_ino_low;
	uint32_t st_mode, st_nlink, st_uid, st_gid;
	uint64_t st_rdev;
	uint8_t pad3[4];
	int64_t st_size;
	uint32_t st_blksize;
	uint64_t st_blocks;
	uint32_t st_atime, st_atime_nsec, st_mtime, st_mtime_nsec, st_ctime, st_ctime_nsec;
	uint64_t st_ino;
} __attribute__((packed));
_Static_assert(sizeof(struct stat64) == 96, "stat64 is 96 bytes on i386");

/* Linux's new_encode_dev: 12 bits of major, 20 of minor, interleaved. */
static uint32_t encode_dev(uint32_t major, uint32_t minor)
{
	return (minor & 0xff) | (major << 8) | ((minor & ~0xffu) << 12);
}

static long put_stat64(const struct kstat *st, vaddr_t buf)
{
	struct stat64 s;

	memset(&s, 0, sizeof(s));
	s.st_dev = encode_dev(st->dev_major, st->dev_minor);
	s.st_ino_low = st->ino;
	s.st_ino = st->ino;
	s.st_mode = st->mode;
	s.st_nlink = st->nlink;
	s.st_uid = st->uid;
	s.st_gid = st->gid;
	s.st_rdev = encode_dev(st->rdev_major, st->rdev_minor);
	s.st_size = (int64_t)st->size;
	s.st_blksize = st->blksize;
	s.st_blocks = st->blocks;
	s.st_atime = (uint32_t)st->atime.tv_sec;
	s.st_atime_nsec = (uint32_t)st->atime.tv_nsec;
	s.st_mtime = (uint32_t)st->mtime.tv_sec;
	s.st_mtime_nsec = (uint32_t)st->mtime.tv_nsec;
	s.st_ctime = (uint32_t)st->ctime.tv_sec;
	s.st_ctime_nsec = (uint32_t)st->ctime.tv_nsec;
	return copyout(buf, &s, sizeof(s));
}

static long stat_at(int dirfd, vaddr_t upath, uint32_t flags, struct kstat *st)
{
	struct inode *inode;
	struct file *f;
	long err;
	char first;

	if (flags & ~(uint32_t)(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE))
		return -EINVAL;
	/* An empty path names dirfd's file, whatever kind it is. */
	if ((flags & AT_EMPTY_PATH) && copyin(&first, upath, 1) == 0 && !first &&
	    (f = fd_get(proc_current, dirfd))) {
		file_stat(f, st);
		return 0;
	}
	err = inode_at(dirfd, upath, flags, true, &inode);
	if (err)
		return err;
	inode_stat(inode, st);
	inode_put(inode);
	return 0;
}

SYSCALL(fstat64)
{
	struct file *f = fd_get(proc_current, (int)a0);
	struct kstat st;

	if (!f)
		return -EBADF;
	file_stat(f, &st);
	return put_stat64(&st, a1);
}

SYSCALL(stat64)
{
	struct kstat st;
	long err = stat_at(AT_FDCWD, a0, 0, &st);

	return err ? err : put_stat64(&st, a1);
}

SYSCALL(lstat64)
{
	struct kstat st;
	long err = stat_at(AT_FDCWD, a0, AT_SYMLINK_NOFOLLOW, &st);

	return err ? err : put_stat64(&st, a1);
}

SYSCALL(fstatat64)
{
	struct kstat st;
	long err = stat_at((int)a0, a1, a3, &st);

	return err ? err : put_stat64(&st, a2);
}

/* struct statx: 256 bytes. */
struct statx {
	uint32_t stx_mask, stx_blksize;
	uint64_t stx_attributes;
	uint32_t stx_nlink, stx_uid, stx_gid;
	uint16_t stx_mode, spare0;
	uint64_t stx_ino, stx_size, stx_blocks, stx_attributes_mask;
	struct timespec64 stx_atime, stx_btime, stx_ctime, stx_mtime;
	uint32_t stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
	uint64_t spare2[14];
};
_Static_assert(sizeof(struct statx) == 256, "statx is 256 bytes");
#define STATX_BASIC_STATS 0x7ff
#define STATX__RESERVED 0x80000000u

/* statx(dirfd, path, flags, mask, buf) */
SYSCALL(statx)
{
	struct kstat st;
	struct statx sx;
	long err;

	if (a3 & STATX__RESERVED)
		return -EINVAL;
	if ((a2 & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE)
		return -EINVAL;
	err = stat_at((int)a0, a1, a2, &st);
	if (err)
		return err;
	memset(&sx, 0, sizeof(sx));
	sx.stx_mask = STATX_BASIC_STATS;
	sx.stx_blksize = st.blksize;
	sx.stx_nlink = st.nlink;
	sx.stx_uid = st.uid;
	sx.stx_gid = st.gid;
	sx.stx_mode = (uint16_t)st.mode;
	sx.stx_ino = st.ino;
	sx.stx_size = st.size;
	sx.stx_blocks = st.blocks;
	sx.stx_atime = st.atime;
	sx.stx_ctime = st.ctime;
	sx.stx_mtime = st.mtime;
	sx.stx_rdev_major = st.rdev_major;
	sx.stx_rdev_minor = st.rdev_minor;
	sx.stx_dev_major = st.dev_major;
	sx.stx_dev_minor = st.dev_minor;
	return copyout(a4, &sx, sizeof(sx));
}

/* ---- access ---- */

#define R_OK 4
#define W_OK 2
#define X_OK 1

static long do_access(int dirfd, vaddr_t upath, uint32_t mode, uint32_t flags)
{
	struct inode *inode;
	long err;

	if (mode & ~(uint32_t)(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (flags & ~(uint32_t)(AT_SYMLINK_NOFOLLOW | AT_EACCESS | AT_EMPTY_PATH))
		return -EINVAL;
	err = inode_at(dirfd, upath, flags, true, &inode);
	if (err)
		return err;
	err = inode_permission(inode, (int)mode);
	inode_put(inode);
	return err;
}

SYSCALL(access) { return do_access(AT_FDCWD, a0, a1, 0); }
SYSCALL(faccessat) { return do_access((int)a0, a1, a2, 0); }
SYSCALL(faccessat2) { return do_access((int)a0, a1, a2, a3); }

/* ---- chmod, chown ---- */

/* Whether inode's attributes may be changed: a tmpfs file's or a pipe's may. */
static int attr_change_ok(const struct inode *inode)
{
	const struct fs_type *type = inode->sb ? inode->sb->type : NULL;

	return type == &tmpfs_type || type == &pipefs_type ? 0 : -EPERM;
}

static long set_mode(struct inode *inode, uint32_t mode)
{
	long err = attr_change_ok(inode);

	if (!err) {
		inode->mode = (inode->mode & S_IFMT) | (mode & 07777);
		inode_touch(inode, false);
	}
	inode_put(inode);
	return err;
}

static long do_chmod(int dirfd, vaddr_t upath, uint32_t mode)
{
	struct inode *inode;
	long err = inode_at(dirfd, upath, 0, true, &inode);

	return err ? err : set_mode(inode, mode);
}

SYSCALL(chmod) { return do_chmod(AT_FDCWD, a0, a1); }
SYSCALL(fchmodat) { return do_chmod((int)a0, a1, a2); }

SYSCALL(fchmod)
{
	struct file *f = fd_get(proc_current, (int)a0);

	if (!f || (f->flags & O_PATH))
		return -EBADF;
	if (!f->inode)
		return -EPERM;
	return set_mode(inode_get(f->inode), a1);
}

/* Owners change (-1: unchanged); a regular file loses set-user-ID, and
 * set-group-ID where group execution makes it one, as on Linux. */
static long set_owner(struct inode *inode, uint32_t uid, uint32_t gid)
{
	long err = attr_change_ok(inode);

	if (!err) {
		if (uid != UINT32_MAX)
			inode->uid = uid;
		if (gid != UINT32_MAX)
			inode->gid = gid;
		if (!S_ISDIR(inode->mode) && (uid != UINT32_MAX || gid != UINT32_MAX)) {
			inode->mode &= ~(uint32_t)S_ISUID;
			if (inode->mode & S_IXGRP)
				inode->mode &= ~(uint32_t)S_ISGID;
		}
		inode_touch(inode, false);
	}
	inode_put(inode);
	return err;
}

static long do_chown(int dirfd, vaddr_t upath, uint32_t uid, uint32_t gid, uint32_t flags, bool follow)
{
	struct inode *inode;
	long err;

	if (flags & ~(uint32_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = inode_at(dirfd, upath, flags, follow, &inode);
	return err ? err : set_owner(inode, uid, gid);
}

SYSCALL(chown32) { return do_chown(AT_FDCWD, a0, a1, a2, 0, true); }
SYSCALL(lchown32) { return do_chown(AT_FDCWD, a0, a1, a2, 0, false); }
SYSCALL(fchownat) { return do_chown((int)a0, a1, a2, a3, a4, true); }

SYSCALL(fchown32)
{
	struct file *f = fd_get(proc_current, (int)a0);

	if (!f || (f->flags & O_PATH))
		return -EBADF;
	if (!f->inode)
		return -EPERM;
	return set_owner(inode_get(f->inode), a1, a2);
}

/* The old calls with 16-bit ids: 0xffff is -1, "unchanged". */
static uint32_t id16(uint32_t id)
{
	id &= 0xffff;
	return id == 0xffff ? UINT32_MAX : id;
}

SYSCALL(chown) { return do_chown(AT_FDCWD, a0, id16(a1), id16(a2), 0, true); }
SYSCALL(lchown) { return do_chown(AT_FDCWD, a0, id16(a1), id16(a2), 0, false); }
SYSCALL(fchown) { return sys_fchown32(a0, id16(a1), id16(a2), 0, 0, 0); }

/* ---- utimensat ---- */

#define UTIME_NOW       ((1l << 30) - 1)
#define UTIME_OMIT      ((1l << 30) - 2)

static bool time_ok(const struct timespec64 *t)
{
	return t->tv_nsec == UTIME_NOW || t->tv_nsec == UTIME_OMIT ||
	       (t->tv_nsec >= 0 && t->tv_nsec < (int32_t)NSEC_PER_SEC);
}

/* utimensat with times already read (NULL: both now). */
static long set_times(int dirfd, vaddr_t upath, const struct timespec64 *times, uint32_t flags)
{
	struct timespec64 now;
	struct inode *inode;
	long err;

	if (flags & ~(uint32_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (times && (!time_ok(&times[0]) || !time_ok(&times[1])))
		return -EINVAL;
	if (times && times[0].tv_nsec == UTIME_OMIT && times[1].tv_nsec == UTIME_OMIT)
		return 0;
	if (!upath) {                   /* futimens: the file at dirfd */
		struct file *f = fd_get(proc_current, dirfd);

		if (!f)
			return -EBADF;
		if (!f->inode)
			return -EPERM;
		inode = inode_get(f->inode);
	} else if ((err = inode_at(dirfd, upath, flags, true, &inode))) {
		return err;
	}
	vfs_now(&now);
	for (int i = 0; i < 2; i++) {
		struct timespec64 *dst = i ? &inode->mtime : &inode->atime;

		if (!times || times[i].tv_nsec == UTIME_NOW)
			*dst = now;
		else if (times[i].tv_nsec != UTIME_OMIT)
			*dst = (struct timespec64){ times[i].tv_sec, times[i].tv_nsec, 0 };
	}
	inode->ctime = now;
	inode_put(inode);
	return 0;
}

SYSCALL(utimensat_time64)
{
	struct timespec64 t[2];

	if (a2 && copyin(t, a2, sizeof(t)))
		return -EFAULT;
	return set_times((int)a0, a1, a2 ? t : NULL, a3);
}

SYSCALL(utimensat)
{
	struct timespec32 t32[2] = { { 0, 0 }, { 0, 0 } };
	struct timespec64 t[2];

	if (a2 && copyin(t32, a2, sizeof(t32)))
		return -EFAULT;
	for (int i = 0; i < 2; i++)
		t[i] = (struct timespec64){ t32[i].tv_sec, t32[i].tv_nsec, 0 };
	return set_times((int)a0, a1, a2 ? t : NULL, a3);
}

/* ---- truncate ---- */

static long truncate_path(vaddr_t upath, int64_t length)
{
	struct inode *inode;
	long err;

	if (length < 0)
		return -EINVAL;
	err = inode_at(AT_FDCWD, upath, 0, true, &inode);
	if (err)
		return err;
	err = vfs_truncate(inode, (uint64_t)length);
	inode_put(inode);
	return err;
}

static long truncate_fd(int fd, int64_t length)
{
	struct file *f;

	if (length < 0)
		return -EINVAL;
	f = fd_get(proc_current, fd);
	if (!f || (f->flags & O_PATH))
		return -EBADF;
	if (!f->inode || !S_ISREG(f->inode->mode) || (f->flags & O_ACCMODE) == O_RDONLY)
		return -EINVAL;
	return vfs_truncate(f->inode, (uint64_t)length);
}

SYSCALL(truncate) { return truncate_path(a0, (int32_t)a1); }
SYSCALL(ftruncate) { return truncate_fd((int)a0, (int32_t)a1); }
SYSCALL(truncate64) { return truncate_path(a0, (int64_t)((uint64_t)a2 << 32 | a1)); }
SYSCALL(ftruncate64) { return truncate_fd((int)a0, (int64_t)((uint64_t)a2 << 32 | a1)); }

#define FALLOC_FL_COLLAPSE_RANGE 0x08
#define FALLOC_FL_ZERO_RANGE    0x10
#define FALLOC_FL_INSERT_RANGE  0x20
#define FALLOC_FL_UNSHARE_RANGE 0x40
#define FALLOC_FL_SUPPORTED_MASK 0x7f   /* every mode Linux knows of */
#define MAX_LFS_FILESIZE        0xffffffff000LL

/* Linux's vfs_fallocate checks of mode, in its order: -EOPNOTSUPP for an
 * unknown bit or a combination no file system takes, -EINVAL for a
 * range mode that must stand alone. */
static int falloc_mode_ok(uint32_t mode)
{
	if (mode & ~(uint32_t)FALLOC_FL_SUPPORTED_MASK)
		return -EOPNOTSUPP;
	if ((mode & (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE)) == (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE))
		return -EOPNOTSUPP;
	if ((mode & FALLOC_FL_PUNCH_HOLE) && !(mode & FALLOC_FL_KEEP_SIZE))
		return -EOPNOTSUPP;
	if ((mode & FALLOC_FL_COLLAPSE_RANGE) && (mode & ~(uint32_t)FALLOC_FL_COLLAPSE_RANGE))
		return -EINVAL;
	if ((mode & FALLOC_FL_INSERT_RANGE) && (mode & ~(uint32_t)FALLOC_FL_INSERT_RANGE))
		return -EINVAL;
	if ((mode & FALLOC_FL_UNSHARE_RANGE) &&
	    (mode & ~(uint32_t)(FALLOC_FL_UNSHARE_RANGE | FALLOC_FL_KEEP_SIZE)))
		return -EINVAL;
	return 0;
}

/* fallocate(fd, mode, offset, len), the 64-bit values split in two:
 * Linux's checks in vfs_fallocate's order, then tmpfs's (which takes
 * only FALLOC_FL_KEEP_SIZE and FALLOC_FL_PUNCH_HOLE). */
SYSCALL(fallocate)
{
	struct file *f = fd_get(proc_current, (int)a0);
	int64_t off = (int64_t)((uint64_t)a3 << 32 | a2), len = (int64_t)((uint64_t)a5 << 32 | a4);
	struct inode *inode;
	long err;

	if (!f || (f->flags & O_PATH))
		return -EBADF;
	if (off < 0 || len <= 0)
		return -EINVAL;
	if ((err = falloc_mode_ok(a1)))
		return err;
	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	inode = f->inode;
	if (inode && S_ISFIFO(inode->mode))
		return -ESPIPE;
	if (inode && S_ISDIR(inode->mode))
		return -EISDIR;
	if (!inode || !S_ISREG(inode->mode))
		return -ENODEV;
	if (off + len > MAX_LFS_FILESIZE || off + len < 0)
		return -EFBIG;
	if (!inode->iops || !inode->iops->fallocate || (a1 & ~(uint32_t)(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE)))
		return -EOPNOTSUPP;
	return inode->iops->fallocate(inode, a1, (uint64_t)off, (uint64_t)len);
}

/* ---- statfs ---- */

/* Linux i386's struct statfs64 (packed to 4 bytes: 84). */
struct statfs64 {
	uint32_t f_type, f_bsize;
	uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
	int32_t f_fsid[2];
	uint32_t f_namelen, f_frsize, f_flags, f_spare[4];
} __attribute__((packed));
_Static_assert(sizeof(struct statfs64) == 84, "statfs64 is 84 bytes on i386");
#define ST_VALID        0x20
#define ST_RELATIME     0x1000

static long put_statfs(const struct inode *inode, uint32_t size, vaddr_t buf)
{
	const struct superblock *sb = inode->sb;
	struct statfs64 s;

	if (size != sizeof(s))
		return -EINVAL;
	memset(&s, 0, sizeof(s));
	s.f_type = sb->type->magic;
	s.f_bsize = s.f_frsize = PAGE_SIZE;
	s.f_namelen = NAME_MAX;
	s.f_flags = ST_VALID | ST_RELATIME;
	if (sb->type == &tmpfs_type) {
		s.f_blocks = sb->quota.max_pages;
		s.f_bfree = s.f_bavail = sb->quota.max_pages - MIN(sb->quota.pages, sb->quota.max_pages);
		s.f_files = sb->max_inodes;
		s.f_ffree = sb->max_inodes - MIN(sb->used_inodes, sb->max_inodes);
		/* No limit (the root): Linux's shmem says 0 free of 0. */
	}
	return copyout(buf, &s, sizeof(s));
}

SYSCALL(statfs64)
{
	struct inode *inode;
	long err = inode_at(AT_FDCWD, a0, 0, true, &inode);

	if (err)
		return err;
	err = put_statfs(inode, a1, a2);
	inode_put(inode);
	return err;
}

SYSCALL(fstatfs64)
{
	struct file *f = fd_get(proc_current, (int)a0);

	if (!f)
		return -EBADF;
	if (!f->inode)
		return -ENOSYS;         /* the console opened at boot has no inode */
	return put_statfs(f->inode, a1, a2);
}
