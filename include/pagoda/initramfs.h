/*
 * The initramfs (fs/initramfs.c): a cpio archive in the "newc" format,
 * loaded by the boot loader as the first Multiboot module, read in place
 * and read-only. Files, directories and device nodes are entries in
 * archive order; paths are kept without their leading "/".
 */
#ifndef PAGODA_INITRAMFS_H
#define PAGODA_INITRAMFS_H

#include <pagoda/stat.h>
#include <pagoda/types.h>

struct vm_object;

struct initramfs_entry {
	char *path;                     /* "bin/sh"; "" is the root */
	uint32_t ino, mode, nlink, mtime;
	uint32_t rdev_major, rdev_minor;
	const uint8_t *data;            /* the file's bytes, in the archive */
	uint32_t size;
	struct vm_object *obj;          /* for mmap while mapped: a weak reference */
};

/*
 * Parse archive (size bytes, which must stay in memory): 0, or -EINVAL for
 * a malformed archive (nothing kept), -ENOMEM.
 */
int initramfs_load(const uint8_t *archive, size_t size);

/* Load the first Multiboot module, if there is one. */
void initramfs_init(void);

/*
 * Resolve path (absolute, or relative to the root, the only working
 * directory) into canonical form in out: "." and ".." and repeated
 * slashes removed. 0, -ENOENT (empty, or a component missing),
 * -ENOTDIR (a component is not a directory) or -ENAMETOOLONG.
 */
int initramfs_canon(const char *path, char *out, size_t size);

/* The entry with canonical path, or NULL. */
struct initramfs_entry *initramfs_lookup(const char *canon);

/* Entries in archive order: the count, and each by index. */
size_t initramfs_count(void);
struct initramfs_entry *initramfs_entry(size_t i);

/* Whether e sits directly in directory dir (canonical). */
bool initramfs_in_dir(const struct initramfs_entry *e, const char *dir);

/* The file's read-only backing object for mapping it, with a reference
 * for the caller: one object per file while any mapping holds it, freed
 * with the last (NULL: out of memory). */
struct vm_object *initramfs_object(struct initramfs_entry *e);

#endif /* PAGODA_INITRAMFS_H */
