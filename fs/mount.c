/*
 * Mounts: file system instances grafted on directories. A mount is
 * (superblock, root dentry) grafted at (parent mount, point dentry): a
 * walk that reaches the point through the parent continues at the root,
 * and ".." from a mount's root continues above the point (fs/namei.c).
 * A bind mount grafts a tree that is already mounted somewhere: another
 * mount of the same superblock, whose root may be any directory (or
 * file) of it. So the mount on a dentry depends on the mount it is seen
 * from (mount_on); the dentry only counts the mounts on it.
 */
#include <pagoda/vfs.h>
#include <pagoda/errno.h>
#include <pagoda/kmalloc.h>
#include <pagoda/log.h>
#include <pagoda/panic.h>
#include <pagoda/string.h>

struct mount *mount_list;
static struct mount *root_mount;
static uint32_t next_anon_minor = 12;   /* pipefs 0:12 first, then small numbers */

static const struct fs_type *const fs_types[] = { &tmpfs_type, &procfs_type };

const struct fs_type *fs_type_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(fs_types); i++)
		if (strcmp(fs_types[i]->name, name) == 0)
			return fs_types[i];
	return NULL;
}

void path_get(struct path *p)
{
	p->mnt->refs++;
	dentry_get(p->d);
}

void path_put(struct path *p)
{
	p->mnt->refs--;
	dentry_put(p->d);
}

void vfs_root(struct path *out)
{
	out->mnt = root_mount;
	out->d = root_mount->root;
	path_get(out);
}

struct mount *mount_on(const struct mount *mnt, const struct dentry *d)
{
	if (!d->mounts)
		return NULL;
	for (struct mount *m = mount_list; m; m = m->next)      /* the newest first: the top */
		if (m->parent == mnt && m->point == d && m != mnt)
			return m;
	return NULL;
}

/* A new instance of type with its root dentry: a mount not yet grafted. */
static int mount_new(const struct fs_type *type, const char *source, const char *options,
		     struct mount **out)
{
	struct mount *m = kzalloc(sizeof(*m));
	struct inode *root;
	int err = -ENOMEM;

	if (!m)
		return -ENOMEM;
	err = type->mount(options, &root);
	if (err)
		goto fail;
	err = -ENOMEM;
	m->root = dentry_new(NULL, "/", 1);
	if (!m->root) {
		inode_put(root);
		goto fail;
	}
	m->root->inode = root;
	root->alias = m->root;
	root->sb->dev_minor = next_anon_minor++;
	root->sb->mounts++;
	m->sb = root->sb;
	strlcpy(m->source, source, sizeof(m->source));
	*out = m;
	return 0;
fail:
	kfree(m);
	return err;
}

struct mount *vfs_kern_mount(const struct fs_type *type, const char *options)
{
	struct mount *m;

	if (mount_new(type, type->name, options, &m))
		return NULL;
	m->point = m->root;
	m->refs = 1;                    /* the kernel's, for ever */
	return m;
}

/* Graft m (its sb and root set) at where, on top of what is there. */
static void graft(struct mount *m, const struct path *where)
{
	m->point = dentry_get(where->d);
	m->parent = where->mnt;
	m->parent->refs++;
	where->d->mounts++;
	m->next = mount_list;
	mount_list = m;
}

/* Undo graft: m leaves its point (it must hold nothing but the graft). */
static void ungraft(struct mount *m)
{
	for (struct mount **pp = &mount_list; *pp; pp = &(*pp)->next)
		if (*pp == m) {
			*pp = m->next;
			break;
		}
	m->point->mounts--;
	dentry_put(m->point);
	m->parent->refs--;
}

int vfs_mount(const struct fs_type *type, const char *source, const char *options,
	      struct path *where)
{
	struct mount *m;
	int err;

	if (!S_ISDIR(where->d->inode->mode))
		return -ENOTDIR;
	err = mount_new(type, source, options, &m);
	if (!err) {
		m->refs = 1;            /* the graft itself */
		graft(m, where);
	}
	return err;
}

/* A new mount of what m mounts, seen from root (in m's tree), at where. */
static struct mount *bind_one(const struct mount *m, struct dentry *root, const struct path *where)
{
	struct mount *b = kzalloc(sizeof(*b));

	if (!b)
		return NULL;
	b->sb = m->sb;
	b->sb->mounts++;
	b->root = dentry_get(root);
	b->flags = m->flags;
	strlcpy(b->source, m->source, sizeof(b->source));
	b->refs = 1;                    /* the graft itself */
	graft(b, where);
	return b;
}

/* Whether d is under (or is) top, within one superblock. */
static bool dentry_under(const struct dentry *d, const struct dentry *top)
{
	for (;; d = d->parent) {
		if (d == top)
			return true;
		if (d->parent == d)
			return false;
	}
}

static int umount_one(struct mount *m);

/* MS_REC: bind copies of the mounts on src's tree under (mount, dentry)
 * src, onto the same points in dst, and of theirs, depth first. */
static int bind_children(const struct mount *src, struct dentry *src_root, struct mount *dst)
{
	for (struct mount *c = mount_list; c; c = c->next) {
		struct mount *copy;

		if (c->parent != src || c == src || c == dst || !dentry_under(c->point, src_root))
			continue;
		copy = bind_one(c, c->root, &(struct path){ dst, c->point });
		if (!copy || bind_children(c, c->root, copy))
			return -ENOMEM;
	}
	return 0;
}

int vfs_bind(struct path *from, struct path *where, bool recursive)
{
	struct mount *b;

	if (S_ISDIR(from->d->inode->mode) != S_ISDIR(where->d->inode->mode))
		return -ENOTDIR;
	b = bind_one(from->mnt, from->d, where);
	if (!b)
		return -ENOMEM;
	if (recursive && bind_children(from->mnt, from->d, b)) {
		/* Undo: every copy made lies above b, newer than it. */
		while (mount_list != b)
			umount_one(mount_list);
		umount_one(b);
		return -ENOMEM;
	}
	return 0;
}

int vfs_move(struct path *from, struct path *where)
{
	struct mount *m = from->mnt;

	if (from->d != m->root || m == root_mount || !m->parent ||
	    S_ISDIR(from->d->inode->mode) != S_ISDIR(where->d->inode->mode))
		return -EINVAL;
	for (struct mount *p = where->mnt;; p = p->parent) {
		if (p == m)
			return -ELOOP;          /* into itself */
		if (p == root_mount || !p->parent)
			break;
	}
	ungraft(m);
	graft(m, where);
	return 0;
}

int vfs_remount(struct path *where, const char *options, uint32_t flags)
{
	struct mount *m = where->mnt;
	int err;

	if (where->d != m->root)
		return -EINVAL;
	if (options && m->sb->type->remount && (err = m->sb->type->remount(m->sb, options)))
		return err;
	m->flags = flags;
	return 0;
}

/* Free every name of a tmpfs instance below d (its root), depth first. */
static void tree_free(struct dentry *d)
{
	while (d->child_first) {
		struct dentry *c = dentry_get(d->child_first);

		tree_free(c);
		d_delete(c);
		if (c->inode && c->inode->nlink)
			c->inode->nlink--;
		dentry_put(c);
	}
}

/* Take m (held only by its graft) away; the last mount of a superblock
 * takes the instance with it, from the instance's own root: m's may be
 * any directory of it (a bind), which holds the dentries above it. */
static int umount_one(struct mount *m)
{
	struct superblock *sb = m->sb;
	struct dentry *top = m->root;

	ungraft(m);
	if (--sb->mounts == 0) {
		while (top->parent != top)
			top = top->parent;
		tree_free(top);
	}
	dentry_put(m->root);            /* the mount's: the last puts the root and its inode */
	if (sb->mounts == 0)
		kfree(sb);
	kfree(m);
	return 0;
}

int vfs_umount(struct path *where)
{
	struct mount *m = where->mnt;
	int err = 0;

	if (where->d != m->root)
		err = -EINVAL;          /* not a mount point */
	else if (m == root_mount || m->refs > 2)
		err = -EBUSY;           /* the caller's path and the graft: more is a user */
	if (err) {
		path_put(where);
		return err;
	}
	dentry_put(m->root);            /* the caller's (its hold on m goes with m) */
	return umount_one(m);
}

int pseudo_fs_root(const struct fs_type *type, struct inode **root)
{
	struct superblock *sb = kzalloc(sizeof(*sb));

	if (!sb)
		return -ENOMEM;
	sb->type = type;
	sb->next_ino = 1;
	*root = inode_new(sb, S_IFDIR | 0700);
	if (!*root) {
		kfree(sb);
		return -ENOMEM;
	}
	return 0;
}

int vfs_path_string(const struct path *p, char *buf, size_t size)
{
	struct mount *m = p->mnt;
	struct dentry *d = p->d;
	bool gone = !d->hashed && d != m->root;
	size_t pos = size - 1;
	const char *suffix = gone ? " (deleted)" : "";

	if (m->sb->type->dname)
		return m->sb->type->dname(d, buf, size);
	buf[pos] = '\0';
	for (;;) {
		if (d == m->root) {
			if (m == root_mount || !m->parent)
				break;
			d = m->point;
			m = m->parent;
			continue;
		}
		if (d->parent == d)
			break;                  /* not under m's root: as far as it goes */
		if ((size_t)d->len + 1 > pos)
			return -ENAMETOOLONG;
		pos -= d->len;
		memcpy(buf + pos, d->name, d->len);
		buf[--pos] = '/';
		d = d->parent;
	}
	if (pos == size - 1)
		buf[--pos] = '/';
	if (strlen(buf + pos) + strlen(suffix) + 1 > size)
		return -ENAMETOOLONG;
	memmove(buf, buf + pos, size - pos);
	strlcat(buf, suffix, size);
	return (int)strlen(buf);
}

void vfs_init(void)
{
	int err;

	dcache_init();
	pipefs_init();
	anon_inodefs_init();
	tmpfs_init();
	err = mount_new(&tmpfs_type, "rootfs", "size=0,mode=755", &root_mount);
	if (err)
		panic("vfs_init: no root file system (%d)", err);
	root_mount->point = root_mount->root;
	root_mount->parent = root_mount;
	root_mount->refs = 1;
	mount_list = root_mount;
	err = rootfs_populate();
	if (err)
		pr_err("vfs: the initramfs was not unpacked whole (%d)\n", err);
}

int vfs_inode_path(struct inode *inode, char *buf, size_t size)
{
	struct path p = { NULL, inode->alias };

	for (struct mount *m = mount_list; m && p.d; m = m->next)
		if (m->sb == inode->sb && dentry_under(p.d, m->root)) {
			p.mnt = m;
			return vfs_path_string(&p, buf, size);
		}
	return -ENOENT;
}
