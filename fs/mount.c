/*
 * Mounts: file system instances grafted on directories. A directory that
 * something is mounted on points at the mount (dentry->mounted); a walk
 * that reaches it continues at the mount's root, and ".." from a mount's
 * root continues above the directory it covers (fs/namei.c).
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

int vfs_mount(const struct fs_type *type, const char *source, const char *options,
	      struct path *where)
{
	struct mount *m;
	int err;

	if (!S_ISDIR(where->d->inode->mode))
		return -ENOTDIR;
	err = mount_new(type, source, options, &m);
	if (err)
		return err;
	m->point = dentry_get(where->d);
	m->parent = where->mnt;
	m->parent->refs++;
	m->refs = 1;                    /* the graft itself */
	where->d->mounted = m;
	m->next = mount_list;
	mount_list = m;
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
	for (struct mount **pp = &mount_list; *pp; pp = &(*pp)->next)
		if (*pp == m) {
			*pp = m->next;
			break;
		}
	m->point->mounted = NULL;
	dentry_put(m->point);
	m->parent->refs--;
	tree_free(m->root);
	dentry_put(m->root);            /* the caller's */
	dentry_put(m->root);            /* the mount's: the root and its inode go */
	kfree(m->sb);
	kfree(m);
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
		if (m->sb == inode->sb) {
			p.mnt = m;
			return vfs_path_string(&p, buf, size);
		}
	return -ENOENT;
}
