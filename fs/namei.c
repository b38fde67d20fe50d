/*
 * Path resolution, as Linux's (path_resolution(7)): component by
 * component from the root or a starting directory; "." stays, ".." goes
 * up (across mount points, never above the root); a directory with a
 * mount on it continues at the mount's root; a symlink is followed where
 * it appears, and in the last component unless the call says not to,
 * with at most MAXSYMLINKS followed in one resolution (-ELOOP). Every
 * component but the last must be a directory (-ENOTDIR); a name longer
 * than NAME_MAX is -ENAMETOOLONG; a trailing slash asks for a directory.
 */
#include <pagoda/vfs.h>
#include <pagoda/errno.h>
#include <pagoda/file.h>
#include <pagoda/kmalloc.h>
#include <pagoda/proc.h>
#include <pagoda/string.h>
#include <pagoda/uaccess.h>

struct nameidata {
	struct path cur;                /* where the walk is: a reference */
	int links;                      /* symlinks followed so far */
};

static void set_cur(struct nameidata *nd, struct mount *mnt, struct dentry *d)
{
	struct path next = { mnt, d };

	path_get(&next);
	path_put(&nd->cur);
	nd->cur = next;
}

/* Continue at the root of whatever is mounted on the current directory. */
static void follow_mounts(struct nameidata *nd)
{
	struct dentry *d = nd->cur.d;
	struct mount *m = nd->cur.mnt, *next;

	if (!d->mounts)
		return;
	while ((next = mount_on(m, d)) != NULL) {
		m = next;
		d = m->root;
	}
	if (m != nd->cur.mnt)
		set_cur(nd, m, d);
}

static void go_up(struct nameidata *nd)
{
	struct mount *m = nd->cur.mnt;
	struct dentry *d = nd->cur.d;

	/* Climb out of mounts whose root we stand on. */
	while (d == m->root && m->parent != m) {
		d = m->point;
		m = m->parent;
	}
	set_cur(nd, m, d->parent);
}

/* The child of directory dir named [name, name + len): a new reference,
 * found in the dcache or made by the file system. */
static int lookup_child(struct dentry *dir, const char *name, size_t len, struct dentry **out)
{
	struct dentry *d = dcache_lookup(dir, name, len);
	struct inode *inode;
	char buf[NAME_MAX + 1];
	int err;

	if (d) {
		*out = dentry_get(d);
		return 0;
	}
	if (!dir->inode->iops || !dir->inode->iops->lookup)
		return -ENOENT;
	memcpy(buf, name, len);
	buf[len] = '\0';
	err = dir->inode->iops->lookup(dir->inode, buf, &inode);
	if (err)
		return err;
	d = dentry_new(dir, name, len);
	if (!d) {
		inode_put(inode);
		return -ENOMEM;
	}
	d->inode = inode;
	if (!inode->alias)
		inode->alias = d;
	*out = d;
	return 0;
}

int vfs_lookup_child(struct path *dir, const char *name, struct dentry **out)
{
	return lookup_child(dir->d, name, strlen(name), out);
}

static int walk(struct nameidata *nd, const char *path, bool follow_last, char *last,
		bool *trailing);

/* Follow the symlink d (a reference, which is dropped) from the current
 * directory: its target resolved whole, every link in it followed. */
static int follow_link(struct nameidata *nd, struct dentry *d)
{
	const struct inode_ops *ops = d->inode->iops;
	char *target;
	int err;

	if (++nd->links > MAXSYMLINKS) {
		dentry_put(d);
		return -ELOOP;
	}
	if (ops && ops->get_path) {
		struct path to;

		err = ops->get_path(d->inode, &to);
		dentry_put(d);
		if (!err) {
			path_put(&nd->cur);
			nd->cur = to;
		}
		return err;
	}
	target = kmalloc(PATH_MAX);
	if (!target) {
		dentry_put(d);
		return -ENOMEM;
	}
	err = ops && ops->get_link ? ops->get_link(d->inode, target, PATH_MAX) : -EINVAL;
	dentry_put(d);
	if (err >= 0)
		err = target[0] ? walk(nd, target, true, NULL, NULL) : -ENOENT;
	kfree(target);
	return err;
}

/* Step into one component of the current directory. */
static int step(struct nameidata *nd, const char *name, size_t len, bool follow)
{
	struct dentry *d;
	int err;

	if (!S_ISDIR(nd->cur.d->inode->mode))
		return -ENOTDIR;
	if (len == 1 && name[0] == '.')
		return 0;
	if (len == 2 && name[0] == '.' && name[1] == '.') {
		go_up(nd);
		return 0;
	}
	err = lookup_child(nd->cur.d, name, len, &d);
	if (err)
		return err;
	if (S_ISLNK(d->inode->mode) && follow)
		return follow_link(nd, d);
	set_cur(nd, nd->cur.mnt, d);
	dentry_put(d);
	follow_mounts(nd);
	return 0;
}

/*
 * Walk path from nd->cur (or the root, for an absolute path). With last,
 * stop before the last component and copy it there ("" if there is none:
 * the path was "/" or only slashes); *trailing says whether a slash
 * followed it.
 */
static int walk(struct nameidata *nd, const char *path, bool follow_last, char *last,
		bool *trailing)
{
	const char *p = path;

	if (*p == '/') {
		struct path root;

		vfs_root(&root);
		path_put(&nd->cur);
		nd->cur = root;
		follow_mounts(nd);
	}
	if (last) {
		last[0] = '\0';
		*trailing = false;
	}
	for (;;) {
		const char *name;
		size_t len;
		bool is_last, slash;
		int err;

		while (*p == '/')
			p++;
		if (!*p)
			return 0;
		name = p;
		while (*p && *p != '/')
			p++;
		len = (size_t)(p - name);
		if (len > NAME_MAX)
			return -ENAMETOOLONG;
		slash = *p == '/';
		while (*p == '/')
			p++;
		is_last = *p == '\0';
		if (is_last && last) {
			if (!S_ISDIR(nd->cur.d->inode->mode))
				return -ENOTDIR;
			memcpy(last, name, len);
			last[len] = '\0';
			*trailing = slash;
			return 0;
		}
		err = step(nd, name, len, !is_last || follow_last || slash);
		if (err)
			return err;
		if (is_last && slash && !S_ISDIR(nd->cur.d->inode->mode))
			return -ENOTDIR;
	}
}

/* Where a walk starts: the working directory, or dirfd's directory. */
static int walk_start(int dirfd, const char *path, struct nameidata *nd)
{
	struct file *f;

	nd->links = 0;
	if (!proc_current) {            /* the kernel at boot: from the root */
		vfs_root(&nd->cur);
		return 0;
	}
	if (path[0] == '/' || dirfd == AT_FDCWD) {
		nd->cur = proc_current->cwd;
		path_get(&nd->cur);
		return 0;
	}
	f = fd_get(proc_current, dirfd);
	if (!f)
		return -EBADF;
	if (!f->path.d)
		return -ENOTDIR;
	if (!S_ISDIR(f->path.d->inode->mode) && path[0])
		return -ENOTDIR;
	nd->cur = f->path;
	path_get(&nd->cur);
	return 0;
}

int vfs_lookup(int dirfd, const char *path, unsigned flags, struct path *out)
{
	struct nameidata nd;
	int err;

	if (!path[0] && !(flags & LOOKUP_EMPTY))
		return -ENOENT;
	err = walk_start(dirfd, path, &nd);
	if (err)
		return err;
	err = walk(&nd, path, flags & LOOKUP_FOLLOW, NULL, NULL);
	if (!err && (flags & LOOKUP_DIRECTORY) && !S_ISDIR(nd.cur.d->inode->mode))
		err = -ENOTDIR;
	if (err) {
		path_put(&nd.cur);
		return err;
	}
	*out = nd.cur;
	return 0;
}

int vfs_lookup_parent(int dirfd, const char *path, struct path *parent, char *last,
		      bool *trailing_slash)
{
	struct nameidata nd;
	int err;

	if (!path[0])
		return -ENOENT;
	err = walk_start(dirfd, path, &nd);
	if (err)
		return err;
	err = walk(&nd, path, true, last, trailing_slash);
	if (err) {
		path_put(&nd.cur);
		return err;
	}
	*parent = nd.cur;
	return 0;
}

int user_path_copy(vaddr_t upath, char *buf, bool empty_ok)
{
	int err = copyinstr(buf, upath, PATH_MAX, NULL);

	if (err)
		return err;
	return !buf[0] && !empty_ok ? -ENOENT : 0;
}
