/*
 * The initramfs: a cpio "newc" archive read in place.
 *
 * Each member is a 110-byte ASCII header (the magic "070701" and 13 fields
 * of 8 hex digits), the NUL-terminated name, padding to 4 bytes, the data,
 * padding to 4 bytes. "TRAILER!!!" ends the archive. For example a 5-byte
 * file "init" takes 110 + 5 ("init\0") + 3 pad, then 5 + 3 pad: 126 bytes.
 */
#include <pagoda/initramfs.h>
#include <pagoda/bootinfo.h>
#include <pagoda/errno.h>
#include <pagoda/log.h>
#include <pagoda/kmalloc.h>
#include <pagoda/string.h>
#include <pagoda/vm.h>
#include <arch/memlayout.h>

#define CPIO_HEADER_LEN 110
#define CPIO_FIELDS     13
enum { F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE, F_DEVMAJOR,
       F_DEVMINOR, F_RDEVMAJOR, F_RDEVMINOR, F_NAMESIZE, F_CHECK };

static struct initramfs_entry *entries;
static size_t nentries;

static size_t align4(size_t n) { return (n + 3) & ~(size_t)3; }

static bool parse_hex8(const char *s, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < 8; i++) {
		char c = s[i];
		int d = c >= '0' && c <= '9' ? c - '0' :
			c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

		if (d < 0)
			return false;
		v = v << 4 | (uint32_t)d;
	}
	*out = v;
	return true;
}

/* Read the header at *off: fields and name. Advances *off past the member. */
static int parse_member(const uint8_t *a, size_t size, size_t *off, uint32_t f[CPIO_FIELDS],
			const char **name, const uint8_t **data)
{
	size_t o = *off, name_end, data_end;

	if (size - o < CPIO_HEADER_LEN || memcmp(a + o, "070701", 6) != 0)
		return -EINVAL;
	for (int i = 0; i < CPIO_FIELDS; i++)
		if (!parse_hex8((const char *)a + o + 6 + 8 * i, &f[i]))
			return -EINVAL;
	if (f[F_NAMESIZE] == 0 || f[F_NAMESIZE] > size - o - CPIO_HEADER_LEN)
		return -EINVAL;
	name_end = o + CPIO_HEADER_LEN + f[F_NAMESIZE];
	if (a[name_end - 1] != '\0')
		return -EINVAL;
	*name = (const char *)a + o + CPIO_HEADER_LEN;
	if (align4(name_end) > size || f[F_FILESIZE] > size - align4(name_end))
		return -EINVAL;
	*data = a + align4(name_end);
	data_end = align4(name_end) + f[F_FILESIZE];
	*off = align4(data_end) < size ? align4(data_end) : size;
	return 0;
}

/* Store name without "./" or "/" prefixes or a trailing "/". */
static char *clean_name(const char *name)
{
	size_t n;
	char *s;

	while (name[0] == '/' || (name[0] == '.' && name[1] == '/'))
		name += name[0] == '/' ? 1 : 2;
	if (strcmp(name, ".") == 0)
		name = "";
	n = strlen(name);
	while (n > 0 && name[n - 1] == '/')
		n--;
	s = kmalloc(n + 1);
	if (s) {
		memcpy(s, name, n);
		s[n] = '\0';
	}
	return s;
}

static void free_entries(struct initramfs_entry *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		kfree(list[i].path);
	kfree(list);
}

/* One entry for the root directory, first, whether or not the archive has one. */
static int add_root(struct initramfs_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->path = clean_name(".");
	e->mode = S_IFDIR | 0755;
	e->nlink = 2;
	e->ino = 1;
	return e->path ? 0 : -ENOMEM;
}

int initramfs_load(const uint8_t *a, size_t size)
{
	struct initramfs_entry *list = NULL;
	size_t n = 0, cap = 0, off = 0;
	int err = -ENOMEM;

	for (;;) {
		uint32_t f[CPIO_FIELDS];
		const char *name;
		const uint8_t *data;
		struct initramfs_entry *e;

		err = parse_member(a, size, &off, f, &name, &data);
		if (err)
			goto fail;
		if (strcmp(name, "TRAILER!!!") == 0)
			break;
		if (n + 1 >= cap) {
			struct initramfs_entry *bigger = krealloc(list, (cap ? cap * 2 : 32) * sizeof(*list));

			err = -ENOMEM;
			if (!bigger)
				goto fail;
			list = bigger;
			cap = cap ? cap * 2 : 32;
			if (n == 0 && (err = add_root(&list[n++])) != 0)
				goto fail;
		}
		e = &list[n];
		memset(e, 0, sizeof(*e));
		e->path = clean_name(name);
		err = -ENOMEM;
		if (!e->path)
			goto fail;
		n++;
		if (e->path[0] == '\0') {       /* the archive's own "." */
			kfree(e->path);
			n--;
			continue;
		}
		e->ino = n;
		e->mode = f[F_MODE];
		e->nlink = f[F_NLINK];
		e->mtime = f[F_MTIME];
		e->rdev_major = f[F_RDEVMAJOR];
		e->rdev_minor = f[F_RDEVMINOR];
		e->data = data;
		e->size = f[F_FILESIZE];
	}
	free_entries(entries, nentries);
	entries = list;
	nentries = n;
	return 0;
fail:
	free_entries(list, n);
	return err;
}

void initramfs_init(void)
{
	const struct boot_module *m = &boot_info.modules[0];
	int err;

	if (boot_info.nmodules == 0) {
		pr_warn("initramfs: no Multiboot module: there are no programs to run\n");
		return;
	}
	if (m->end > DIRECT_MAP_SIZE) {
		pr_err("initramfs: module at %#llx-%#llx lies beyond the direct map; not loaded\n",
		       (unsigned long long)m->start, (unsigned long long)m->end);
		return;
	}
	err = initramfs_load(phys_to_virt(m->start), (size_t)(m->end - m->start));
	if (err)
		pr_err("initramfs: the module is not a cpio (newc) archive (%d)\n", err);
	else
		pr_info("initramfs: %zu entries, %llu KiB\n", nentries,
			(unsigned long long)(m->end - m->start) / 1024);
}

struct initramfs_entry *initramfs_lookup(const char *canon)
{
	for (size_t i = 0; i < nentries; i++)
		if (strcmp(entries[i].path, canon) == 0)
			return &entries[i];
	return NULL;
}

/* Append component [c, c + len) to out (length *n): a "/" between. */
static int push_component(char *out, size_t size, size_t *n, const char *c, size_t len)
{
	size_t need = *n + (*n ? 1 : 0) + len;

	if (need + 1 > size)
		return -ENAMETOOLONG;
	if (*n)
		out[(*n)++] = '/';
	memcpy(out + *n, c, len);
	*n = need;
	out[*n] = '\0';
	return 0;
}

int initramfs_canon(const char *path, char *out, size_t size)
{
	size_t n = 0;
	const char *p = path;

	if (path[0] == '\0')
		return -ENOENT;
	out[0] = '\0';
	while (*p) {
		const char *c;
		size_t len;
		struct initramfs_entry *dir;
		int err;

		while (*p == '/')
			p++;
		c = p;
		while (*p && *p != '/')
			p++;
		len = (size_t)(p - c);
		if (len == 0 || (len == 1 && c[0] == '.'))
			continue;
		dir = initramfs_lookup(out);    /* what we are about to descend into */
		if (!dir)
			return -ENOENT;
		if (!S_ISDIR(dir->mode))
			return -ENOTDIR;
		if (len == 2 && c[0] == '.' && c[1] == '.') {
			while (n > 0 && out[n - 1] != '/')
				n--;
			if (n > 0)
				n--;
			out[n] = '\0';
			continue;
		}
		err = push_component(out, size, &n, c, len);
		if (err)
			return err;
	}
	/* A trailing slash demands a directory. */
	if (p > path && p[-1] == '/') {
		struct initramfs_entry *e = initramfs_lookup(out);

		if (e && !S_ISDIR(e->mode))
			return -ENOTDIR;
	}
	return 0;
}

size_t initramfs_count(void)
{
	return nentries;
}

struct initramfs_entry *initramfs_entry(size_t i)
{
	return i < nentries ? &entries[i] : NULL;
}

bool initramfs_in_dir(const struct initramfs_entry *e, const char *dir)
{
	size_t dl = strlen(dir);
	const char *rest;

	if (e->path[0] == '\0')
		return false;
	if (dl == 0)
		rest = e->path;
	else if (strncmp(e->path, dir, dl) == 0 && e->path[dl] == '/')
		rest = e->path + dl + 1;
	else
		return false;
	return strchr(rest, '/') == NULL;
}

struct vm_object *initramfs_object(struct initramfs_entry *e)
{
	if (e->obj) {
		vm_object_get(e->obj);
		return e->obj;
	}
	e->obj = vm_object_file(&kernel_vm_env, e->data, e->size);
	if (e->obj) {
		e->obj->name = e->path;
		e->obj->ino = e->ino;
		e->obj->cache = &e->obj;
	}
	return e->obj;
}
