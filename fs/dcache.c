/*
 * The dentry cache: every name of a tmpfs, in a hash table keyed by
 * (parent, name), so a lookup costs the same whatever the number of files;
 * and in its parent's list of children, in creation order, for getdents.
 * A dentry's lifetime rules are in <pagoda/vfs.h>.
 */
#include <pagoda/vfs.h>
#include <pagoda/kmalloc.h>
#include <pagoda/errno.h>
#include <pagoda/panic.h>
#include <pagoda/string.h>

#define DCACHE_BUCKETS  4096u   /* a power of two */

static struct dentry **buckets;

void dcache_init(void)
{
	buckets = kzalloc(DCACHE_BUCKETS * sizeof(*buckets));
	if (!buckets)
		panic("dcache_init: no memory for %u hash buckets", DCACHE_BUCKETS);
}

/* FNV-1a over the name, seeded with the parent's address. */
static uint32_t name_hash(const struct dentry *parent, const char *name, size_t len)
{
	uint32_t h = 2166136261u ^ (uint32_t)(uintptr_t)parent;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)name[i]) * 16777619u;
	return h;
}

static struct dentry **bucket(uint32_t hash)
{
	return &buckets[hash & (DCACHE_BUCKETS - 1)];
}

/* A dentry named [name, name + len) under parent (NULL: a root, its own
 * parent), negative, unhashed, with one reference; it holds one on parent. */
struct dentry *dentry_new(struct dentry *parent, const char *name, size_t len)
{
	struct dentry *d = kzalloc(sizeof(*d));

	if (!d)
		return NULL;
	d->name = kmalloc(len + 1);
	if (!d->name) {
		kfree(d);
		return NULL;
	}
	memcpy(d->name, name, len);
	d->name[len] = '\0';
	d->len = (uint16_t)len;
	d->refs = 1;
	d->parent = parent ? dentry_get(parent) : d;
	d->hash = name_hash(d->parent, name, len);
	return d;
}

struct dentry *dentry_get(struct dentry *d)
{
	d->refs++;
	return d;
}

/* Drop a reference; an unhashed dentry with none left is freed, and with
 * it its references on its inode and its parent. */
void dentry_put(struct dentry *d)
{
	while (d) {
		struct dentry *parent = d->parent;

		if (d->refs <= 0)
			panic("dentry_put: '%s' has no references left", d->name);
		if (--d->refs > 0 || d->hashed)
			return;
		if (d->inode) {
			if (d->inode->alias == d)
				d->inode->alias = NULL;
			inode_put(d->inode);
		}
		kfree(d->name);
		kfree(d);
		d = parent == d ? NULL : parent;
	}
}

struct dentry *dcache_lookup(struct dentry *parent, const char *name, size_t len)
{
	uint32_t hash = name_hash(parent, name, len);

	for (struct dentry *d = *bucket(hash); d; d = d->hash_next)
		if (d->hash == hash && d->parent == parent && d->len == len &&
		    memcmp(d->name, name, len) == 0)
			return d;
	return NULL;
}

static void hash_insert(struct dentry *d)
{
	struct dentry **b = bucket(d->hash);

	d->hash_next = *b;
	*b = d;
	d->hashed = true;
}

static void hash_remove(struct dentry *d)
{
	for (struct dentry **pp = bucket(d->hash); *pp; pp = &(*pp)->hash_next)
		if (*pp == d) {
			*pp = d->hash_next;
			d->hashed = false;
			return;
		}
	panic("hash_remove: '%s' is not in the dcache", d->name);
}

static void child_link(struct dentry *d)
{
	struct dentry *p = d->parent;

	d->dir_seq = p->next_seq++ + 2;         /* 0 and 1 are "." and ".." */
	d->sib_prev = p->child_last;
	d->sib_next = NULL;
	if (p->child_last)
		p->child_last->sib_next = d;
	else
		p->child_first = d;
	p->child_last = d;
}

static void child_unlink(struct dentry *d)
{
	struct dentry *p = d->parent;

	if (d->sib_prev)
		d->sib_prev->sib_next = d->sib_next;
	else
		p->child_first = d->sib_next;
	if (d->sib_next)
		d->sib_next->sib_prev = d->sib_prev;
	else
		p->child_last = d->sib_prev;
	d->sib_next = d->sib_prev = NULL;
}

void d_add(struct dentry *d, struct inode *inode)
{
	d->inode = inode;
	if (!inode->alias)
		inode->alias = d;
	hash_insert(d);
	child_link(d);
	d->pinned = true;
	dentry_get(d);
}

void d_delete(struct dentry *d)
{
	hash_remove(d);
	child_unlink(d);
	if (d->pinned) {
		d->pinned = false;
		d->refs--;      /* the caller still holds one: never the last */
	}
}

void d_move(struct dentry *d, struct dentry *new_parent, char *name)
{
	struct dentry *old_parent = d->parent;

	hash_remove(d);
	child_unlink(d);
	kfree(d->name);
	d->name = name;
	d->len = (uint16_t)strlen(name);
	d->parent = dentry_get(new_parent);
	d->hash = name_hash(new_parent, name, d->len);
	hash_insert(d);
	child_link(d);
	dentry_put(old_parent);
}

void d_exchange(struct dentry *a, struct dentry *b)
{
	struct dentry *pa = a->parent;
	char *na = a->name;
	uint16_t la = a->len;

	hash_remove(a);
	hash_remove(b);
	child_unlink(a);
	child_unlink(b);
	a->parent = b->parent;
	a->name = b->name;
	a->len = b->len;
	b->parent = pa;
	b->name = na;
	b->len = la;
	a->hash = name_hash(a->parent, a->name, a->len);
	b->hash = name_hash(b->parent, b->name, b->len);
	hash_insert(a);
	hash_insert(b);
	child_link(a);
	child_link(b);
}

struct dentry *d_child_from(struct dentry *dir, uint64_t seq)
{
	struct dentry *d = dir->child_first;

	while (d && d->dir_seq < seq)
		d = d->sib_next;
	return d;
}

bool d_has_children(struct dentry *dir)
{
	return dir->child_first != NULL;
}
