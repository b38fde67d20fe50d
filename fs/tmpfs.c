/*
 * tmpfs: a file system in memory, the root's and /tmp's. Its directories
 * are the dcache itself (every name is a pinned dentry, fs/dcache.c); a
 * regular file's bytes are its page cache (fs/pagecache.c); a symlink
 * keeps its target. Each instance has a size limit (size=, by default
 * half of RAM, as Linux's): a page past it is -ENOSPC to write() and
 * SIGBUS to a mapping, never a kernel out-of-memory.
 *
 * Options, as Linux's: size=N[k|m|g|%], nr_inodes=N (0 for either: no
 * limit, as the root has), mode=OCTAL.
 */
#include "pagecache.h"
#include "readdir.h"
#include <pagoda/errno.h>
#include <pagoda/file.h>
#include <pagoda/kmalloc.h>
#include <pagoda/page_alloc.h>
#include <pagoda/panic.h>
#include <pagoda/proc.h>
#include <pagoda/string.h>
#include <pagoda/vfs.h>

static const struct inode_ops tmpfs_dir_iops, tmpfs_file_iops, tmpfs_link_iops;
extern const struct file_ops fifo_ops;          /* fs/pipe.c */
static const struct file_ops tmpfs_dir_ops, tmpfs_file_ops;

static uint64_t ram_pages(void)
{
	uint64_t n = 0;

	for (int z = 0; z < NR_ZONES; z++)
		n += kernel_pmm.zones[z].managed_pages;
	return n;
}

/* A number with an optional k/m/g suffix, or % of RAM (in pages for size=). */
static int parse_size(const char *s, size_t len, bool pages, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;

	if (len == 0)
		return -EINVAL;
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
		v = v * 10 + (uint64_t)(s[i] - '0');
	if (i == 0)
		return -EINVAL;
	if (i < len) {
		if (i + 1 != len)
			return -EINVAL;
		switch (s[i]) {
		case 'k': case 'K': v <<= 10; break;
		case 'm': case 'M': v <<= 20; break;
		case 'g': case 'G': v <<= 30; break;
		case '%':
			if (!pages)
				return -EINVAL;
			*out = ram_pages() * v / 100;
			return 0;
		default:
			return -EINVAL;
		}
	}
	*out = pages ? (v + PAGE_SIZE - 1) / PAGE_SIZE : v;
	return 0;
}

/* Options "a=b,c=d": 0, or -EINVAL for one tmpfs does not know. */
static int parse_options(struct superblock *sb, const char *opts)
{
	while (opts && *opts) {
		const char *end = strchr(opts, ','), *eq = strchr(opts, '=');
		size_t len = end ? (size_t)(end - opts) : strlen(opts);
		int err = -EINVAL;

		if (eq && eq >= opts + len)
			eq = NULL;
		if (eq && (size_t)(eq - opts) == 4 && strncmp(opts, "size", 4) == 0)
			err = parse_size(eq + 1, len - 5, true, &sb->quota.max_pages);
		else if (eq && (size_t)(eq - opts) == 9 && strncmp(opts, "nr_inodes", 9) == 0)
			err = parse_size(eq + 1, len - 10, false, &sb->max_inodes);
		else if (eq && (size_t)(eq - opts) == 4 && strncmp(opts, "mode", 4) == 0) {
			uint32_t mode = 0;

			err = eq + 1 < opts + len ? 0 : -EINVAL;
			for (const char *c = eq + 1; c < opts + len; c++) {
				if (*c < '0' || *c > '7')
					err = -EINVAL;
				mode = mode * 8 + (uint32_t)(*c - '0');
			}
			sb->root_mode = mode & 07777;
		}
		if (err)
			return err;
		opts = end ? end + 1 : NULL;
	}
	return 0;
}

/* A new inode of mode in sb, set up for its kind. */
static int tmpfs_new_inode(struct superblock *sb, uint32_t mode, uint32_t rdev, struct inode **out)
{
	struct inode *inode = inode_new(sb, mode);

	if (!inode)
		return sb->max_inodes && sb->used_inodes >= sb->max_inodes ? -ENOSPC : -ENOMEM;
	switch (mode & S_IFMT) {
	case S_IFREG:
		inode->pages = vm_object_anon_shared(&kernel_vm_env, 0);
		if (!inode->pages) {
			inode_put(inode);
			return -ENOMEM;
		}
		inode->pages->quota = &sb->quota;
		inode->pages->file = inode;
		inode->iops = &tmpfs_file_iops;
		inode->fops = &tmpfs_file_ops;
		break;
	case S_IFDIR:
		inode->iops = &tmpfs_dir_iops;
		inode->fops = &tmpfs_dir_ops;
		break;
	case S_IFLNK:
		inode->iops = &tmpfs_link_iops;
		break;
	case S_IFIFO:
		inode->fops = &fifo_ops;
		break;
	case S_IFCHR:
	case S_IFBLK:
		inode->rdev_major = rdev >> 20;
		inode->rdev_minor = rdev & 0xfffff;
		if (S_ISCHR(mode))
			inode->fops = chrdev_ops(inode->rdev_major, inode->rdev_minor);
		break;
	}
	*out = inode;
	return 0;
}

static int tmpfs_mount(const char *options, struct inode **root)
{
	struct superblock *sb = kzalloc(sizeof(*sb));
	int err;

	if (!sb)
		return -ENOMEM;
	sb->type = &tmpfs_type;
	sb->next_ino = 1;
	sb->quota.max_pages = ram_pages() / 2;
	sb->max_inodes = ram_pages() / 2;
	sb->root_mode = 01777;
	err = parse_options(sb, options);
	if (!err)
		err = tmpfs_new_inode(sb, S_IFDIR | sb->root_mode, 0, root);
	if (err) {
		kfree(sb);
		return err;
	}
	(*root)->nlink = 2;
	return 0;
}

/* New limits for a mounted instance, as Linux's shmem_reconfigure: none
 * can be put on an instance made without one, nor below what it holds
 * (-EINVAL); mode= is taken and ignored. */
static int tmpfs_remount(struct superblock *sb, const char *options)
{
	struct superblock want = *sb;
	int err = parse_options(&want, options);

	if (err)
		return err;
	if (want.quota.max_pages && want.quota.max_pages != sb->quota.max_pages &&
	    (!sb->quota.max_pages || sb->quota.pages > want.quota.max_pages))
		return -EINVAL;
	if (want.max_inodes && want.max_inodes != sb->max_inodes &&
	    (!sb->max_inodes || sb->used_inodes > want.max_inodes))
		return -EINVAL;
	sb->quota.max_pages = want.quota.max_pages;
	sb->max_inodes = want.max_inodes;
	return 0;
}

static int tmpfs_mknod(struct inode *dir, uint32_t mode, uint32_t rdev, struct inode **out)
{
	return tmpfs_new_inode(dir->sb, mode, rdev, out);
}

/* A regular file's new size: the pages past it go from the cache. */
static int tmpfs_setsize(struct inode *inode, uint64_t size)
{
	int err;

	if (size > PAGECACHE_MAX_BYTES)
		return -EFBIG;
	if (size < inode->size)
		proc_unmap_object(inode->pages, size, UINT64_MAX, true);
	err = vm_object_resize(&kernel_vm_env, inode->pages, size);
	if (err)
		return err;
	inode->size = size;
	return 0;
}

/* Pages that bytes [from, to) touch. */
static uint64_t pages_in_range(uint64_t from, uint64_t to)
{
	return (PAGE_UP(to) - PAGE_DOWN(from)) / PAGE_SIZE;
}

/*
 * A hole, as Linux's shmem: the mappings let go of the whole pages in it
 * (private copies stay), the parts of pages at its edges become zeros in
 * place, and the whole pages are freed. Allocation makes every page, or
 * none if one cannot be had.
 */
static int tmpfs_fallocate(struct inode *inode, uint32_t mode, uint64_t off, uint64_t len)
{
	uint64_t end = off + len, first = PAGE_UP(off), last = PAGE_DOWN(end);
	struct vm_quota *quota = &inode->sb->quota;
	int err;

	if (mode & FALLOC_FL_PUNCH_HOLE) {
		if (first > last) {             /* within one page */
			pagecache_zero(inode, off, end);
		} else {
			proc_unmap_object(inode->pages, first, last, false);
			pagecache_zero(inode, off, first);
			pagecache_zero(inode, last, end);
			vm_object_punch(&kernel_vm_env, inode->pages, (uint32_t)(first / PAGE_SIZE),
					(uint32_t)(last / PAGE_SIZE));
		}
		inode_touch(inode, true);
		return 0;
	}
	if (end > PAGECACHE_MAX_BYTES)
		return -EFBIG;
	/* One that could never fit is ENOSPC at once, as Linux says. */
	if (quota->max_pages && pages_in_range(off, end) > quota->max_pages)
		return -ENOSPC;
	err = vm_object_reserve(&kernel_vm_env, inode->pages, (uint32_t)(off / PAGE_SIZE),
				(uint32_t)(PAGE_UP(end) / PAGE_SIZE));
	if (err)
		return err;
	if (!(mode & FALLOC_FL_KEEP_SIZE) && end > inode->size)
		err = tmpfs_setsize(inode, end);
	vfs_now(&inode->ctime);
	return err;
}

static int tmpfs_get_link(struct inode *inode, char *buf, size_t size)
{
	return (int)strlcpy(buf, inode->link ? inode->link : "", size);
}

static const struct inode_ops tmpfs_dir_iops = { .mknod = tmpfs_mknod };
static const struct inode_ops tmpfs_file_iops = { .setsize = tmpfs_setsize, .fallocate = tmpfs_fallocate };
static const struct inode_ops tmpfs_link_iops = { .get_link = tmpfs_get_link };

static long tmpfs_pread(struct file *f, vaddr_t buf, size_t n, int64_t pos)
{
	return pagecache_read(f->inode, buf, n, pos);
}

static long tmpfs_pwrite(struct file *f, vaddr_t buf, size_t n, int64_t pos)
{
	return pagecache_write(f->inode, buf, n, pos);
}

static int tmpfs_mmap(struct file *f, bool shared, uint64_t end, struct vm_object **obj)
{
	(void)shared, (void)end;
	vm_object_get(f->inode->pages);
	*obj = f->inode->pages;
	return 0;
}

static long dir_read(struct file *f, vaddr_t buf, size_t n, int64_t pos)
{
	(void)f, (void)buf, (void)n, (void)pos;
	return -EISDIR;
}

/* Positions: 0 ".", 1 "..", then each child's dir_seq, so entries made or
 * removed while a listing goes on never shift the others. */
static long tmpfs_getdents(struct file *f, vaddr_t buf, size_t size)
{
	struct dir_ctx ctx = { .buf = buf, .size = size };
	struct dentry *dir = f->path.d, *c;

	if (!dir->hashed && dir != f->path.mnt->root)
		return 0;               /* removed: empty, as Linux lists it */
	while (f->pos < 2) {
		struct dentry *d = f->pos == 0 ? dir : dir->parent;

		if (dirent_emit(&ctx, d->inode->ino, f->pos + 1, 4, f->pos == 0 ? "." : ".."))
			return dirent_result(&ctx);
		f->pos++;
	}
	for (c = d_child_from(dir, (uint64_t)f->pos); c; c = c->sib_next) {
		if (dirent_emit(&ctx, c->inode->ino, (int64_t)c->dir_seq + 1,
				dirent_type(c->inode->mode), c->name))
			return dirent_result(&ctx);
		f->pos = (int64_t)c->dir_seq + 1;
	}
	return dirent_result(&ctx);
}

static const struct file_ops tmpfs_file_ops = {
	.pread = tmpfs_pread, .pwrite = tmpfs_pwrite, .mmap = tmpfs_mmap,
	.splice_read = true, .splice_write = true,
};
static const struct file_ops tmpfs_dir_ops = {
	.pread = dir_read, .getdents = tmpfs_getdents,
};

const struct fs_type tmpfs_type = {
	.name = "tmpfs", .magic = TMPFS_MAGIC, .mount = tmpfs_mount, .remount = tmpfs_remount,
};

/* The kernel's own tmpfs, for files with no name (Linux's shm_mnt). */
static struct mount *unnamed_mount;

void tmpfs_init(void)
{
	unnamed_mount = vfs_kern_mount(&tmpfs_type, "size=0");
	if (!unnamed_mount)
		panic("tmpfs_init: no memory for the kernel's own tmpfs");
}

int tmpfs_unnamed_file(const char *name, struct file **out)
{
	struct path p;
	struct inode *inode;
	int err;

	err = tmpfs_new_inode(unnamed_mount->sb, S_IFREG | 0777, 0, &inode);
	if (err)
		return err;
	p.mnt = unnamed_mount;
	p.d = dentry_new(unnamed_mount->root, name, strlen(name));
	if (!p.d) {
		inode_put(inode);
		return -ENOMEM;
	}
	p.d->inode = inode;             /* unhashed: a name no lookup finds */
	inode->alias = p.d;
	p.mnt->refs++;
	*out = vfs_open_path(&p, O_RDWR | O_LARGEFILE);
	return *out ? 0 : -ENOMEM;
}
