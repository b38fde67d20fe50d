/*
 * /proc: files whose text the kernel writes when they are opened, in
 * Linux's formats, so that ordinary tools (cat, and the test suite) read
 * what the kernel knows. The text is made once, at open, and read from
 * that snapshot, as Linux's seq_file does for small files.
 *
 * /proc/self/exe is not here: it is a link (fs/sys_file.c, readlink).
 */
#include <pagoda/errno.h>
#include <pagoda/file.h>
#include <pagoda/initramfs.h>
#include <pagoda/kmalloc.h>
#include <pagoda/page_alloc.h>
#include <pagoda/printf.h>
#include <pagoda/string.h>

#define PROC_TEXT_MAX   4096

struct proc_text {
	char *buf;
	size_t len, size;
};

/* Append to t, as printf would; text past its size is cut. */
static void __attribute__((format(printf, 2, 3))) emit(struct proc_text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, t->size - t->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len = MIN(t->len + (size_t)n, t->size - 1);
}

static uint64_t kib(uint64_t frames)
{
	return frames * (PMM_PAGE_SIZE / 1024);
}

/* Linux's layout: the name and colon padded to 16 columns, the number
 * right-aligned in 8, then " kB". */
static void meminfo_line(struct proc_text *t, const char *name, uint64_t frames)
{
	char label[20];

	snprintf(label, sizeof(label), "%s:", name);
	emit(t, "%-16s%8llu kB\n", label, (unsigned long long)kib(frames));
}

/* /proc/meminfo: empty slabs are returned first, so that MemFree is exact
 * (a test can check that memory comes back to where it was). */
static void meminfo(struct proc_text *t)
{
	const struct zone *low = &kernel_pmm.zones[ZONE_LOW], *high = &kernel_pmm.zones[ZONE_HIGH];

	kmalloc_reclaim();
	meminfo_line(t, "MemTotal", low->managed_pages + high->managed_pages);
	meminfo_line(t, "MemFree", pmm_free_count(&kernel_pmm));
	meminfo_line(t, "HighTotal", high->managed_pages);
	meminfo_line(t, "HighFree", high->free_pages);
	meminfo_line(t, "LowTotal", low->managed_pages);
	meminfo_line(t, "LowFree", low->free_pages);
}

static const struct {
	const char *path;
	void (*fill)(struct proc_text *t);
} proc_files[] = {
	{ "proc/meminfo", meminfo },
};

static long procfs_read(struct file *f, vaddr_t buf, size_t n, bool wait)
{
	(void)wait;
	return file_read_bytes(f, f->text, f->text_len, buf, n);
}

static long procfs_write(struct file *f, vaddr_t buf, size_t n)
{
	(void)f, (void)buf, (void)n;
	return -EBADF;
}

/* As Linux: a regular file, read-only for all, of size 0. */
static void procfs_stat(struct file *f, struct kstat *st)
{
	(void)f;
	memset(st, 0, sizeof(*st));
	st->mode = S_IFREG | 0444;
	st->nlink = 1;
	st->blksize = PMM_PAGE_SIZE;
}

static void procfs_release(struct file *f)
{
	kfree(f->text);
}

static const struct file_ops procfs_ops = {
	.read = procfs_read, .write = procfs_write, .stat = procfs_stat,
	.release = procfs_release, .seekable = true,
};

int procfs_open(const char *canon, uint32_t flags, struct file **out)
{
	struct proc_text t = { .size = PROC_TEXT_MAX };

	for (size_t i = 0; i < ARRAY_SIZE(proc_files); i++) {
		if (strcmp(canon, proc_files[i].path) != 0)
			continue;
		if ((flags & O_ACCMODE) != O_RDONLY)
			return -EACCES;
		t.buf = kmalloc(t.size);
		*out = t.buf ? file_new(&procfs_ops, flags) : NULL;
		if (!*out) {
			kfree(t.buf);
			return -ENOMEM;
		}
		proc_files[i].fill(&t);
		(*out)->text = t.buf;
		(*out)->text_len = t.len;
		return 0;
	}
	return -ENOENT;
}
