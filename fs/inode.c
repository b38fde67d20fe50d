/*
 * Inodes: a file of any kind, with its attributes, whatever file system
 * holds it. They are counted (<pagoda/vfs.h>); the last reference frees
 * one, and with it its page cache (mappings keep their own reference on
 * the pages, and the name the file had, for /proc/PID/maps).
 */
#include <pagoda/vfs.h>
#include <pagoda/errno.h>
#include <pagoda/file.h>
#include <pagoda/kmalloc.h>
#include <pagoda/panic.h>
#include <pagoda/rtc.h>
#include <pagoda/string.h>
#include <pagoda/timer.h>
#include <pagoda/vm.h>

struct inode *inode_new(struct superblock *sb, uint32_t mode)
{
	struct inode *inode;

	if (sb->max_inodes && sb->used_inodes >= sb->max_inodes)
		return NULL;
	inode = kzalloc(sizeof(*inode));
	if (!inode)
		return NULL;
	inode->sb = sb;
	inode->ino = sb->next_ino++;
	inode->mode = mode;
	inode->refs = 1;
	vfs_now(&inode->mtime);
	inode->atime = inode->ctime = inode->mtime;
	sb->used_inodes++;
	return inode;
}

struct inode *inode_get(struct inode *inode)
{
	inode->refs++;
	return inode;
}

void inode_put(struct inode *inode)
{
	if (inode->refs <= 0)
		panic("inode_put: inode %u has no references left", inode->ino);
	if (--inode->refs > 0)
		return;
	if (inode->pages) {             /* mappings may keep them: they forget us */
		inode->pages->file = NULL;
		vm_object_put(&kernel_vm_env, inode->pages);
	}
	inode->sb->used_inodes--;
	kfree(inode->link);
	kfree(inode);
}

void vfs_now(struct timespec64 *t)
{
	uint64_t ns = clock_realtime_ns();

	t->tv_sec = (int64_t)(ns / NSEC_PER_SEC);
	t->tv_nsec = (int32_t)(ns % NSEC_PER_SEC);
	t->pad = 0;
}

void inode_touch(struct inode *inode, bool modified)
{
	vfs_now(&inode->ctime);
	if (modified)
		inode->mtime = inode->ctime;
}

int inode_permission(const struct inode *inode, int mask)
{
	if ((mask & 1) && !S_ISDIR(inode->mode) && !(inode->mode & 0111))
		return -EACCES;
	return 0;
}

void inode_stat(const struct inode *inode, struct kstat *st)
{
	memset(st, 0, sizeof(*st));
	st->dev_minor = inode->sb ? inode->sb->dev_minor : 0;
	st->ino = inode->ino;
	st->mode = inode->mode;
	st->nlink = inode->nlink;
	st->uid = inode->uid;
	st->gid = inode->gid;
	st->rdev_major = inode->rdev_major;
	st->rdev_minor = inode->rdev_minor;
	st->size = inode->size;
	st->blksize = PAGE_SIZE;
	if (inode->pages)
		st->blocks = (uint64_t)inode->pages->resident * (PAGE_SIZE / 512);
	st->atime = inode->atime;
	st->mtime = inode->mtime;
	st->ctime = inode->ctime;
}
