/*
 * Files with no name and no inode of their own (eventfd, epoll), as
 * Linux's anon_inodefs: every one shares the file system's single inode
 * (mode 0600 and no file type, as fstat shows it), and /proc shows its
 * path as "anon_inode:[KIND]".
 */
#include <pagoda/errno.h>
#include <pagoda/file.h>
#include <pagoda/kmalloc.h>
#include <pagoda/panic.h>
#include <pagoda/printf.h>
#include <pagoda/proc.h>
#include <pagoda/string.h>
#include <pagoda/vfs.h>

#define ANON_INODE_FS_MAGIC     0x09041934

static struct mount *anon_mount;
static struct inode *anon_inode;        /* the one they all share */

/* Opening the inode anew (through /proc/PID/fd) finds no file behind it. */
static int anon_reopen(struct file *f)
{
	(void)f;
	return -ENXIO;
}

static const struct file_ops anon_reopen_ops = { .open = anon_reopen };

static int anon_dname(const struct dentry *d, char *buf, size_t size)
{
	return snprintf(buf, size, "anon_inode:%s", d->name);
}

static int anon_mount_fs(const char *options, struct inode **root)
{
	(void)options;
	return pseudo_fs_root(&anon_inodefs_type, root);
}

const struct fs_type anon_inodefs_type = {
	.name = "anon_inodefs", .magic = ANON_INODE_FS_MAGIC, .mount = anon_mount_fs, .dname = anon_dname,
};

void anon_inodefs_init(void)
{
	anon_mount = vfs_kern_mount(&anon_inodefs_type, "");
	if (!anon_mount || !(anon_inode = inode_new(anon_mount->sb, 0600)))
		panic("anon_inodefs_init: no memory for the file system of unnamed files");
	anon_inode->nlink = 1;
	anon_inode->fops = &anon_reopen_ops;
}

int anon_inode_file(const char *kind, const struct file_ops *ops, uint32_t flags, void *private,
		    struct file **out)
{
	struct dentry *d = dentry_new(anon_mount->root, kind, strlen(kind));
	struct file *f;

	if (!d)
		return -ENOMEM;
	if (!(f = file_new(ops, flags))) {
		dentry_put(d);
		return -ENOMEM;
	}
	d->inode = inode_get(anon_inode);       /* unhashed: only the file reaches it */
	anon_mount->refs++;
	f->path = (struct path){ anon_mount, d };
	f->inode = anon_inode;
	f->private = private;
	*out = f;
	return 0;
}

int anon_inode_fd(const char *kind, const struct file_ops *ops, uint32_t flags, void *private, bool cloexec)
{
	struct file *f;
	int fd = fd_lowest_free(proc_current, 0), err;

	if (fd < 0)
		return fd;
	if ((err = anon_inode_file(kind, ops, flags, private, &f)))
		return err;
	fd_install_at(proc_current, fd, f, cloexec);    /* nothing can fail after the file is made */
	return fd;
}
