/*
 * The operations on names that system calls share (fs/sys_*.c translate
 * arguments only): open, making and removing names, rename, link,
 * truncate. Each checks in Linux's order, so that a call with several
 * faults fails with the errno Linux gives, and changes nothing until
 * every check has passed.
 */
#include "pagecache.h"
#include <pagoda/errno.h>
#include <pagoda/file.h>
#include <pagoda/kmalloc.h>
#include <pagoda/printf.h>
#include <pagoda/proc.h>
#include <pagoda/string.h>
#include <pagoda/vfs.h>

/* The caller's umask; the kernel, unpacking the initramfs, has none. */
static uint32_t current_umask(void)
{
	return proc_current ? proc_current->umask : 0;
}

/* Whether a directory has been removed (rmdir took its last link): no
 * name may be made in it, though a process may still stand in it. */
static bool dead_dir(const struct path *dir)
{
	return dir->d->inode->nlink == 0;
}

/* Whether name is "." or ".." or empty (the root): not a name to make or remove. */
static bool special_name(const char *name)
{
	return !name[0] || strcmp(name, ".") == 0 || strcmp(name, "..") == 0;
}

struct file *vfs_open_path(struct path *p, uint32_t flags)
{
	struct inode *inode = p->d->inode;
	struct file *f = file_new(flags & O_PATH ? NULL : inode->fops, flags);

	if (!f) {
		path_put(p);
		return NULL;
	}
	f->path = *p;
	f->inode = inode;
	return f;
}

/* A new name under parent for a new inode of mode (rdev for devices):
 * the new dentry (a reference) in *out. */
static int make_node(struct path *parent, const char *name, uint32_t mode, uint32_t rdev,
		     struct dentry **out)
{
	struct inode *dir = parent->d->inode, *inode;
	struct dentry *d;
	int err;

	if (dead_dir(parent))
		return -ENOENT;         /* Linux's IS_DEADDIR */
	if (!dir->iops || !dir->iops->mknod)
		return S_ISREG(mode) ? -EACCES : -EPERM;
	if (strlen(name) > NAME_MAX)
		return -ENAMETOOLONG;
	d = dentry_new(parent->d, name, strlen(name));
	if (!d)
		return -ENOMEM;
	err = dir->iops->mknod(dir, mode, rdev, &inode);
	if (err) {
		dentry_put(d);
		return err;
	}
	inode->nlink = S_ISDIR(mode) ? 2 : 1;
	if (S_ISDIR(mode))
		dir->nlink++;
	d_add(d, inode);        /* the dentry holds the inode's one reference */
	inode_touch(dir, true);
	*out = d;
	return 0;
}

/* open(2) with O_CREAT: the last component made if it is missing. */
static int open_create(int dirfd, const char *path, uint32_t flags, uint32_t mode,
		       struct path *out)
{
	char *last = kmalloc(NAME_MAX + 1);
	struct path parent;
	struct dentry *d;
	bool slash;
	int err;

	if (!last)
		return -ENOMEM;
	err = vfs_lookup_parent(dirfd, path, &parent, last, &slash);
	if (err)
		goto out;
	if (special_name(last) || slash) {
		err = -EISDIR;
		goto put;
	}
	err = vfs_lookup_child(&parent, last, &d);
	if (err == 0) {
		struct inode *inode = d->inode;

		if (flags & O_EXCL)
			err = -EEXIST;
		else if (S_ISLNK(inode->mode) && (flags & O_NOFOLLOW))
			err = -ELOOP;
		dentry_put(d);
		if (!err)       /* exists: open it as if O_CREAT were not given */
			err = vfs_lookup(dirfd, path, flags & O_NOFOLLOW ? 0 : LOOKUP_FOLLOW, out);
		goto put;
	}
	if (err != -ENOENT)
		goto put;
	err = make_node(&parent, last, S_IFREG | (mode & ~current_umask() & 07777), 0, &d);
	if (err)
		goto put;
	out->mnt = parent.mnt;
	out->mnt->refs++;
	out->d = d;
put:
	path_put(&parent);
out:
	kfree(last);
	return err;
}

/*
 * O_TMPFILE: a regular file with no name in the directory at path, which
 * linkat(fd, "", ..., AT_EMPTY_PATH) may name later unless O_EXCL was
 * given. Its name in /proc is Linux's: "/tmp/#INO (deleted)".
 */
static int open_tmpfile(int dirfd, const char *path, uint32_t flags, uint32_t mode, struct path *out)
{
	struct inode *inode;
	struct path dir;
	char name[16];
	int err;

	if ((flags & O_ACCMODE) == O_RDONLY)
		return -EINVAL;
	err = vfs_lookup(dirfd, path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &dir);
	if (err)
		return err;
	err = -ENOENT;
	if (dead_dir(&dir))
		goto put;
	err = -EOPNOTSUPP;
	if (!dir.d->inode->iops || !dir.d->inode->iops->mknod)
		goto put;
	err = dir.d->inode->iops->mknod(dir.d->inode, S_IFREG | (mode & ~current_umask() & 07777), 0, &inode);
	if (err)
		goto put;
	snprintf(name, sizeof(name), "#%u", inode->ino);
	out->d = dentry_new(dir.d, name, strlen(name));
	if (!out->d) {
		inode_put(inode);
		err = -ENOMEM;
		goto put;
	}
	out->d->inode = inode;          /* unhashed: no lookup finds it */
	inode->alias = out->d;
	inode->linkable = !(flags & O_EXCL);
	out->mnt = dir.mnt;
	out->mnt->refs++;
put:
	path_put(&dir);
	return err;
}

int vfs_open(int dirfd, const char *path, uint32_t flags, uint32_t mode, struct file **out)
{
	uint32_t acc = flags & O_ACCMODE;
	bool writes = acc != O_RDONLY || (flags & O_TRUNC);
	struct inode *inode;
	struct path p;
	int err;

	if ((flags & O_TMPFILE) == O_TMPFILE && !(flags & O_PATH)) {
		err = open_tmpfile(dirfd, path, flags, mode, &p);
		if (err)
			return err;
		goto make;
	}
	if (flags & O_PATH)
		flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	if ((flags & O_CREAT) && !(flags & O_PATH))
		err = open_create(dirfd, path, flags, mode, &p);
	else
		err = vfs_lookup(dirfd, path, (flags & O_NOFOLLOW ? 0 : LOOKUP_FOLLOW) |
				 (flags & O_DIRECTORY ? LOOKUP_DIRECTORY : 0), &p);
	if (err)
		return err;
	inode = p.d->inode;
	if (flags & O_PATH)
		goto make;
	err = -ELOOP;
	if (S_ISLNK(inode->mode))
		goto fail;
	err = -ENOTDIR;
	if ((flags & O_DIRECTORY) && !S_ISDIR(inode->mode))
		goto fail;
	err = -EISDIR;
	if (S_ISDIR(inode->mode) && (writes || (flags & O_CREAT)))
		goto fail;
	err = -ENXIO;
	if (!inode->fops)
		goto fail;
	if ((flags & O_TRUNC) && S_ISREG(inode->mode) && inode->size) {
		err = vfs_truncate(inode, 0);
		if (err)
			goto fail;
	}
make:
	*out = vfs_open_path(&p, flags);
	if (!*out)
		return -ENOMEM;
	if ((*out)->ops && (*out)->ops->open && (err = (*out)->ops->open(*out))) {
		file_put(*out);
		return err;
	}
	return 0;
fail:
	path_put(&p);
	return err;
}

int vfs_truncate(struct inode *inode, uint64_t size)
{
	int err;

	if (S_ISDIR(inode->mode))
		return -EISDIR;
	if (!S_ISREG(inode->mode) || !inode->iops || !inode->iops->setsize)
		return -EINVAL;
	err = inode->iops->setsize(inode, size);
	if (!err)
		inode_touch(inode, true);
	return err;
}

long vfs_read_kernel(struct inode *inode, void *dst, size_t n, int64_t pos)
{
	return inode->pages ? pagecache_read_kernel(inode, dst, n, pos) : -EINVAL;
}

/* ---- making names ---- */

/* Resolve path's parent for making a name: the parent (a reference) and
 * the last component in last (NAME_MAX + 1 bytes). A name that exists is
 * -EEXIST; with a trailing slash, only mkdir may make it (else -ENOENT). */
static int parent_for_create(int dirfd, const char *path, bool is_dir, struct path *parent,
			     char *last)
{
	struct dentry *d;
	bool slash;
	int err = vfs_lookup_parent(dirfd, path, parent, last, &slash);

	if (err)
		return err;
	if (special_name(last)) {
		err = -EEXIST;
		goto fail;
	}
	err = vfs_lookup_child(parent, last, &d);
	if (err == 0) {
		dentry_put(d);
		err = -EEXIST;
		goto fail;
	}
	if (err != -ENOENT)
		goto fail;
	if (slash && !is_dir)
		goto fail;              /* -ENOENT */
	return 0;
fail:
	path_put(parent);
	return err;
}

int vfs_mknod(int dirfd, const char *path, uint32_t mode, uint32_t rdev, const char *target)
{
	char *last = kmalloc(NAME_MAX + 1);
	struct path parent;
	struct dentry *d;
	int err;

	if (!last)
		return -ENOMEM;
	err = parent_for_create(dirfd, path, S_ISDIR(mode), &parent, last);
	if (err)
		goto out;
	if (!S_ISLNK(mode))
		mode = (mode & S_IFMT) | (mode & ~current_umask() & 07777);
	err = make_node(&parent, last, mode, rdev, &d);
	if (!err && target) {
		d->inode->link = kstrdup(target);
		d->inode->size = strlen(target);
		if (!d->inode->link) {
			d->inode->nlink = 0;
			d_delete(d);
			err = -ENOMEM;
		}
	}
	if (!err)
		dentry_put(d);
	path_put(&parent);
out:
	kfree(last);
	return err;
}

int vfs_link(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, bool follow)
{
	char *last = kmalloc(NAME_MAX + 1);
	struct path old, parent;
	struct dentry *d;
	int err;

	if (!last)
		return -ENOMEM;
	/* An empty old path (AT_EMPTY_PATH) names olddirfd's file itself. */
	err = vfs_lookup(olddirfd, oldpath, (follow ? LOOKUP_FOLLOW : 0) | (oldpath[0] ? 0 : LOOKUP_EMPTY), &old);
	if (err)
		goto out;
	err = parent_for_create(newdirfd, newpath, false, &parent, last);
	if (err)
		goto put_old;
	err = -EXDEV;
	if (parent.mnt != old.mnt)
		goto put;
	err = -EPERM;
	if (S_ISDIR(old.d->inode->mode) || !parent.d->inode->iops || !parent.d->inode->iops->mknod)
		goto put;
	err = -ENOENT;
	if (dead_dir(&parent) || (old.d->inode->nlink == 0 && !old.d->inode->linkable))
		goto put;               /* a dead directory, or a file whose names are all gone */
	err = -ENOMEM;
	d = dentry_new(parent.d, last, strlen(last));
	if (!d)
		goto put;
	old.d->inode->nlink++;
	old.d->inode->linkable = false;         /* an O_TMPFILE file, now named */
	d_add(d, inode_get(old.d->inode));
	inode_touch(old.d->inode, false);
	inode_touch(parent.d->inode, true);
	dentry_put(d);
	err = 0;
put:
	path_put(&parent);
put_old:
	path_put(&old);
out:
	kfree(last);
	return err;
}

/* ---- removing names ---- */

/* Save the name a file had for the mappings that outlive it: maps shows
 * "/tmp/x (deleted)". */
static void name_gone(struct path *p)
{
	struct vm_object *obj = p->d->inode->pages;
	char *buf;

	if (!obj || obj->gone_name || !(buf = kmalloc(PATH_MAX)))
		return;
	if (vfs_path_string(p, buf, PATH_MAX - 12) >= 0) {
		strlcat(buf, " (deleted)", PATH_MAX);
		obj->gone_name = kstrdup(buf);
	}
	kfree(buf);
}

/* Take name d away from its directory (a file's last name frees it once
 * nothing holds it). The caller holds d. */
static void remove_name(struct path *parent, struct dentry *d)
{
	struct inode *inode = d->inode;

	if (S_ISDIR(inode->mode)) {
		parent->d->inode->nlink--;
		inode->nlink = 0;
	} else if (--inode->nlink == 0) {
		struct path p = { parent->mnt, d };

		name_gone(&p);
	}
	d_delete(d);
	inode_touch(inode, false);
	inode_touch(parent->d->inode, true);
}

/* Whether d (or, for a directory being replaced, anything) is in use as a
 * mount point or a mount's root. */
static bool busy(struct dentry *d)
{
	return d->mounts > 0;
}

int vfs_unlink(int dirfd, const char *path, bool dir)
{
	char *last = kmalloc(NAME_MAX + 1);
	struct path parent;
	struct dentry *d;
	bool slash;
	int err;

	if (!last)
		return -ENOMEM;
	err = vfs_lookup_parent(dirfd, path, &parent, last, &slash);
	if (err)
		goto out;
	if (special_name(last)) {
		err = !dir ? -EISDIR : !last[0] ? -EBUSY : last[1] ? -ENOTEMPTY : -EINVAL;
		goto put;
	}
	err = vfs_lookup_child(&parent, last, &d);
	if (err)
		goto put;
	if (dir)
		err = !S_ISDIR(d->inode->mode) ? -ENOTDIR : busy(d) ? -EBUSY :
		      d_has_children(d) ? -ENOTEMPTY : 0;
	else if (slash)
		err = S_ISDIR(d->inode->mode) ? -EISDIR : -ENOTDIR;
	else
		err = S_ISDIR(d->inode->mode) ? -EISDIR : busy(d) ? -EBUSY : 0;
	if (!err && (!d->hashed || !parent.d->inode->iops || !parent.d->inode->iops->mknod))
		err = -EPERM;           /* a file system whose names are not ours to remove */
	if (!err)
		remove_name(&parent, d);
	dentry_put(d);
put:
	path_put(&parent);
out:
	kfree(last);
	return err;
}

/* ---- rename ---- */

/* Whether a is b or one of b's ancestors (within one mount). */
static bool is_ancestor(struct dentry *a, struct dentry *b)
{
	for (;;) {
		if (a == b)
			return true;
		if (b->parent == b)
			return false;
		b = b->parent;
	}
}

/* The checks of replacing new (may be NULL) by old: 0 or -errno. */
static int replace_ok(struct dentry *old, struct dentry *new)
{
	if (!new)
		return 0;
	if (S_ISDIR(old->inode->mode) && !S_ISDIR(new->inode->mode))
		return -ENOTDIR;
	if (!S_ISDIR(old->inode->mode) && S_ISDIR(new->inode->mode))
		return -EISDIR;
	if (S_ISDIR(new->inode->mode) && d_has_children(new))
		return -ENOTEMPTY;
	return busy(old) || busy(new) ? -EBUSY : 0;
}

/* RENAME_WHITEOUT's whiteout, made before the rename changes anything:
 * the node (a character device 0:0 of mode 0, as overlayfs reads it)
 * that will take the old name in dir, not yet linked. */
static int whiteout_new(struct path *dir, const char *name, struct dentry **out)
{
	struct inode *parent = dir->d->inode, *inode;
	int err;

	*out = dentry_new(dir->d, name, strlen(name));
	if (!*out)
		return -ENOMEM;
	err = parent->iops->mknod(parent, S_IFCHR, 0, &inode);
	if (err) {
		dentry_put(*out);
		return err;
	}
	inode->nlink = 1;
	(*out)->inode = inode;
	return 0;
}

int vfs_rename(int olddirfd, const char *oldpath, int newdirfd, const char *newpath,
	       uint32_t flags)
{
	char *oldlast = kmalloc(2 * (NAME_MAX + 1)), *newlast = oldlast + NAME_MAX + 1;
	struct path op, np;
	struct dentry *old = NULL, *new = NULL;
	bool oslash, nslash;
	int err;

	if (!oldlast)
		return -ENOMEM;
	err = vfs_lookup_parent(olddirfd, oldpath, &op, oldlast, &oslash);
	if (err)
		goto out;
	err = vfs_lookup_parent(newdirfd, newpath, &np, newlast, &nslash);
	if (err)
		goto put_op;
	err = -EXDEV;
	if (op.mnt != np.mnt)
		goto put;
	err = -EBUSY;
	if (special_name(oldlast))
		goto put;
	if (special_name(newlast)) {
		err = flags & RENAME_NOREPLACE ? -EEXIST : -EBUSY;
		goto put;
	}
	err = vfs_lookup_child(&op, oldlast, &old);
	if (err)
		goto put;
	err = vfs_lookup_child(&np, newlast, &new);
	if (err == -ENOENT)
		new = NULL;
	else if (err)
		goto put;
	err = -ENOENT;
	if (!new && (flags & RENAME_EXCHANGE))
		goto put;
	err = -ENOTDIR;
	if (!S_ISDIR(old->inode->mode) && (oslash || (nslash && !(flags & RENAME_EXCHANGE))))
		goto put;
	if ((flags & RENAME_EXCHANGE) && new && !S_ISDIR(new->inode->mode) && nslash)
		goto put;
	err = -EEXIST;
	if (new && (flags & RENAME_NOREPLACE))
		goto put;
	err = -EINVAL;
	if (is_ancestor(old, np.d))
		goto put;               /* a directory into itself */
	err = -ENOTEMPTY;
	if (new && !(flags & RENAME_EXCHANGE) && is_ancestor(new, op.d))
		goto put;
	if ((flags & RENAME_EXCHANGE) && is_ancestor(new, op.d)) {
		err = -EINVAL;
		goto put;
	}
	err = -EPERM;
	if (!old->hashed || !op.d->inode->iops || !op.d->inode->iops->mknod)
		goto put;
	err = -ENOENT;
	if (dead_dir(&np))
		goto put;
	err = 0;
	if (new && new->inode == old->inode)
		goto put;               /* two names of one file: nothing to do */
	if (flags & RENAME_EXCHANGE) {
		err = busy(old) || busy(new) ? -EBUSY : 0;
		if (!err)
			d_exchange(old, new);
		if (!err && S_ISDIR(old->inode->mode) != S_ISDIR(new->inode->mode)) {
			struct inode *to_new = S_ISDIR(old->inode->mode) ? np.d->inode : op.d->inode;
			struct inode *to_old = to_new == np.d->inode ? op.d->inode : np.d->inode;

			to_new->nlink++;
			to_old->nlink--;
		}
	} else {
		struct dentry *whiteout = NULL;
		char *name = NULL;

		err = replace_ok(old, new);
		if (!err && !(name = kstrdup(newlast)))
			err = -ENOMEM;
		if (!err && (flags & RENAME_WHITEOUT) && (err = whiteout_new(&op, oldlast, &whiteout)))
			kfree(name);
		if (!err) {             /* nothing can fail from here */
			if (new)
				remove_name(&np, new);
			if (S_ISDIR(old->inode->mode) && op.d != np.d) {
				op.d->inode->nlink--;
				np.d->inode->nlink++;
			}
			d_move(old, np.d, name);
		}
		if (whiteout) {
			struct inode *inode = whiteout->inode;

			whiteout->inode = NULL;
			d_add(whiteout, inode);
			dentry_put(whiteout);
		}
	}
	if (!err) {
		inode_touch(old->inode, false);
		inode_touch(op.d->inode, true);
		inode_touch(np.d->inode, true);
	}
put:
	if (new)
		dentry_put(new);
	if (old)
		dentry_put(old);
	path_put(&np);
put_op:
	path_put(&op);
out:
	kfree(oldlast);
	return err;
}
