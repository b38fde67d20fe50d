/*
 * The initramfs: a cpio "newc" archive, unpacked into the root tmpfs at
 * boot as Linux fills its rootfs: directories, regular files (their bytes
 * copied into the page cache), symlinks, hard links and device nodes,
 * with the archive's modes and times. The archive is checked whole first,
 * so a malformed one changes nothing; as it is unpacked, the module's
 * pages already read go back to the frame allocator (Linux's "Freeing
 * initrd memory"), so the files never need twice their size in RAM.
 *
 * Each member is a 110-byte ASCII header (the magic "070701" and 13 fields
 * of 8 hex digits), the NUL-terminated name, padding to 4 bytes, the data,
 * padding to 4 bytes. "TRAILER!!!" ends the archive. For example a 5-byte
 * file "init" takes 110 + 5 ("init\0") + 3 pad, then 5 + 3 pad: 126 bytes.
 */
#include <pagoda/bootinfo.h>
#include <pagoda/errno.h>
#include <pagoda/log.h>
#include <pagoda/kmalloc.h>
#include <pagoda/string.h>
#include <pagoda/file.h>
#include <pagoda/page_alloc.h>
#include <pagoda/proc.h>
#include <pagoda/vfs.h>
#include <pagoda/vm.h>
#include "pagecache.h"
#include <arch/memlayout.h>

#define CPIO_HEADER_LEN 110
#define CPIO_FIELDS     13
enum { F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE, F_DEVMAJOR,
       F_DEVMINOR, F_RDEVMAJOR, F_RDEVMINOR, F_NAMESIZE, F_CHECK };

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

/* A member's name without "./" or "/" prefixes or a trailing "/", into
 * out (PATH_MAX bytes) with a leading "/": "" for the archive's root. */
static void clean_name(const char *name, char *out)
{
	size_t n;

	while (name[0] == '/' || (name[0] == '.' && name[1] == '/'))
		name += name[0] == '/' ? 1 : 2;
	if (strcmp(name, ".") == 0)
		name = "";
	n = strlen(name);
	while (n > 0 && name[n - 1] == '/')
		n--;
	if (n > PATH_MAX - 2)
		n = PATH_MAX - 2;
	out[0] = '/';
	memcpy(out + 1, name, n);
	out[n + 1] = '\0';
}

/* Check every member: 0, or -EINVAL at the first malformed one. */
static int archive_check(const uint8_t *a, size_t size)
{
	size_t off = 0;

	for (;;) {
		uint32_t f[CPIO_FIELDS];
		const char *name;
		const uint8_t *data;
		int err = parse_member(a, size, &off, f, &name, &data);

		if (err)
			return err;
		if (strcmp(name, "TRAILER!!!") == 0)
			return 0;
	}
}

/* Hard links: newc repeats the inode number of each name of one file. */
#define LINKS_MAX 64
struct link_seen {
	uint32_t ino, dev_major, dev_minor;
	char *path;
};

/* The first path seen with this member's inode, or NULL (and remember it). */
static const char *link_target(struct link_seen *seen, size_t *n, const uint32_t *f, const char *path)
{
	for (size_t i = 0; i < *n; i++)
		if (seen[i].ino == f[F_INO] && seen[i].dev_major == f[F_DEVMAJOR] &&
		    seen[i].dev_minor == f[F_DEVMINOR])
			return seen[i].path;
	if (*n < LINKS_MAX && (seen[*n].path = kstrdup(path)))
		seen[(*n)++] = (struct link_seen){ f[F_INO], f[F_DEVMAJOR], f[F_DEVMINOR], seen[*n].path };
	return NULL;
}

/* Set what the archive says of the file at path: its mode and times. */
static void set_attributes(const char *path, const uint32_t *f)
{
	struct path p;

	if (vfs_lookup(AT_FDCWD, path, 0, &p))
		return;
	p.d->inode->mode = f[F_MODE];
	p.d->inode->mtime.tv_sec = p.d->inode->ctime.tv_sec = p.d->inode->atime.tv_sec = f[F_MTIME];
	p.d->inode->mtime.tv_nsec = p.d->inode->ctime.tv_nsec = p.d->inode->atime.tv_nsec = 0;
	path_put(&p);
}

/* A regular file with its bytes. */
static int unpack_file(const char *path, const uint32_t *f, const uint8_t *data)
{
	struct file *file;
	int err = vfs_open(AT_FDCWD, path, O_CREAT | O_EXCL | O_WRONLY, f[F_MODE] & 07777, &file);

	if (err)
		return err;
	err = pagecache_fill(file->inode, data, f[F_FILESIZE]);
	file_put(file);
	return err;
}

static int unpack_member(const char *path, const uint32_t *f, const uint8_t *data,
			 struct link_seen *seen, size_t *nseen)
{
	uint32_t mode = f[F_MODE], type = mode & S_IFMT;
	const char *first;
	char *target;
	int err;

	if (strcmp(path, "/") == 0) {
		set_attributes(path, f);
		return 0;
	}
	if (type != S_IFDIR && f[F_NLINK] > 1 && (first = link_target(seen, nseen, f, path)))
		err = vfs_link(AT_FDCWD, first, AT_FDCWD, path, false);
	else if (type == S_IFREG)
		err = unpack_file(path, f, data);
	else if (type == S_IFDIR)
		err = vfs_mknod(AT_FDCWD, path, mode, 0, NULL);
	else if (type == S_IFLNK) {
		target = kmalloc(f[F_FILESIZE] + 1);
		if (!target)
			return -ENOMEM;
		memcpy(target, data, f[F_FILESIZE]);
		target[f[F_FILESIZE]] = '\0';
		err = vfs_mknod(AT_FDCWD, path, S_IFLNK | 0777, 0, target);
		kfree(target);
		return err;
	} else if (type == S_IFCHR || type == S_IFBLK || type == S_IFIFO || type == S_IFSOCK)
		err = vfs_mknod(AT_FDCWD, path, mode, f[F_RDEVMAJOR] << 20 | f[F_RDEVMINOR], NULL);
	else
		return 0;               /* Linux skips what it does not know */
	if (err == -EEXIST && type == S_IFDIR)
		err = 0;                /* listed twice: the attributes of the last win */
	if (!err)
		set_attributes(path, f);
	return err;
}

/* Give the allocator the module's whole pages in [*done, upto). */
static void release_pages(paddr_t base, paddr_t *done, paddr_t upto)
{
	paddr_t from = ALIGN_UP(*done, (paddr_t)PAGE_SIZE), to = ALIGN_DOWN(upto, (paddr_t)PAGE_SIZE);

	if (to > from)
		pmm_add_free_range(&kernel_pmm, (uint32_t)(from >> PAGE_SHIFT), (uint32_t)(to >> PAGE_SHIFT));
	if (to > *done)
		*done = MAX(*done, to);
	(void)base;
}

int rootfs_populate(void)
{
	const struct boot_module *m = &boot_info.modules[0];
	struct link_seen seen[LINKS_MAX];
	size_t off = 0, size, nseen = 0, count = 0;
	char *path = NULL;
	const uint8_t *a;
	paddr_t freed;
	int err = 0;

	if (boot_info.nmodules == 0) {
		pr_warn("initramfs: no Multiboot module: there are no programs to run\n");
		return 0;
	}
	if (m->end > DIRECT_MAP_SIZE) {
		pr_err("initramfs: module at %#llx-%#llx lies beyond the direct map; not loaded\n",
		       (unsigned long long)m->start, (unsigned long long)m->end);
		return -EINVAL;
	}
	a = phys_to_virt(m->start);
	size = (size_t)(m->end - m->start);
	if (archive_check(a, size)) {
		pr_err("initramfs: the module is not a cpio (newc) archive\n");
		return -EINVAL;
	}
	path = kmalloc(PATH_MAX);
	if (!path)
		return -ENOMEM;
	freed = m->start;
	for (;;) {
		uint32_t f[CPIO_FIELDS];
		const char *name;
		const uint8_t *data;
		int e;

		parse_member(a, size, &off, f, &name, &data);
		if (strcmp(name, "TRAILER!!!") == 0)
			break;
		clean_name(name, path);
		e = unpack_member(path, f, data, seen, &nseen);
		if (e && !err) {
			pr_err("initramfs: %s: not unpacked (%d)\n", path, e);
			err = e;
		}
		count++;
		/* Every byte before the next member has been read. */
		release_pages(m->start, &freed, m->start + off);
	}
	release_pages(m->start, &freed, m->end);
	pr_info("initramfs: %zu entries unpacked; %llu KiB of initrd memory freed\n", count,
		(unsigned long long)(freed - m->start) / 1024);
	boot_info.nmodules = 0;         /* its memory is the allocator's now */
	for (size_t i = 0; i < nseen; i++)
		kfree(seen[i].path);
	kfree(path);
	return err;
}
