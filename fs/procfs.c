/*
 * /proc: files whose text the kernel writes when they are opened, in
 * Linux's formats, so that ordinary tools (cat, and the test suite) read
 * what the kernel knows. The text is made once, at open, and read from
 * that snapshot, as Linux's seq_file does for small files.
 *
 * /proc/self/exe is not here: it is a link (fs/sys_file.c, readlink).
 */
#include "procfs.h"
#include <pagoda/errno.h>
#include <pagoda/file.h>
#include <pagoda/heap.h>
#include <pagoda/initramfs.h>
#include <pagoda/kmalloc.h>
#include <pagoda/page_alloc.h>
#include <pagoda/printf.h>
#include <pagoda/slab.h>
#include <pagoda/string.h>
#include <pagoda/vm.h>
#include <pagoda/vmalloc.h>

/* A file's text starts in a buffer of PROC_TEXT_FIRST bytes, doubled
 * while it does not fit, up to PROC_TEXT_MAX (smaps of a few thousand
 * regions); past that it is cut. */
#define PROC_TEXT_FIRST 16384
#define PROC_TEXT_MAX   (1024 * 1024)
#define PROCFS_INO_BASE 0x70000000u

void emit(struct proc_text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, t->size - t->len, fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n >= t->size - t->len)
		t->cut = true;
	if (n > 0)
		t->len = MIN(t->len + (size_t)n, t->size - 1);
}

void emit_kb(struct proc_text *t, const char *name, uint64_t frames)
{
	char label[20];

	snprintf(label, sizeof(label), "%s:", name);
	emit(t, "%-16s%8llu kB\n", label, (unsigned long long)kib(frames));
}

/* Frames held by slabs of every cache (one frame per slab). */
static uint64_t slab_frames(void)
{
	uint64_t n = 0;

	for (const struct kmem_cache *c = kmem_caches; c; c = c->next)
		n += c->nr_slabs;
	return n;
}

static uint64_t page_tables_now(void)
{
	return pmap_stats.pt_alloc - pmap_stats.pt_free;
}

/*
 * /proc/meminfo: empty slabs are returned first, so that MemFree is exact
 * (a test can check that memory comes back to where it was). KernelHeap,
 * Pagoda's own line, is what kmalloc holds: the heap's slabs and its
 * large blocks.
 */
static void meminfo(struct proc_text *t)
{
	const struct zone *low = &kernel_pmm.zones[ZONE_LOW], *high = &kernel_pmm.zones[ZONE_HIGH];
	uint64_t heap_slabs = 0;

	kmalloc_reclaim();
	for (unsigned i = 0; i < HEAP_NR_CLASSES; i++)
		heap_slabs += kernel_heap.classes[i].nr_slabs;
	emit_kb(t, "MemTotal", low->managed_pages + high->managed_pages);
	emit_kb(t, "MemFree", pmm_free_count(&kernel_pmm));
	emit_kb(t, "HighTotal", high->managed_pages);
	emit_kb(t, "HighFree", high->free_pages);
	emit_kb(t, "LowTotal", low->managed_pages);
	emit_kb(t, "LowFree", low->free_pages);
	emit_kb(t, "Slab", slab_frames());
	emit_kb(t, "PageTables", page_tables_now());
	emit_kb(t, "VmallocUsed", kernel_vmalloc.nr_pages);
	emit_kb(t, "KernelHeap", heap_slabs + kernel_heap.large_pages);
}

/* /proc/buddyinfo: free blocks of each order, by zone, as Linux prints
 * them. Frames in the order-0 cache are not on a list and not counted
 * (Linux leaves out its per-CPU lists the same way). */
static void buddyinfo(struct proc_text *t)
{
	for (int z = 0; z < NR_ZONES; z++) {
		const struct zone *zone = &kernel_pmm.zones[z];

		if (!zone->managed_pages)
			continue;
		emit(t, "Node 0, zone %8s ", zone->name);
		for (int order = 0; order < PMM_NR_ORDERS; order++)
			emit(t, "%6u ", zone->nr_free[order]);
		emit(t, "\n");
	}
}

/* /proc/slabinfo, version 2.1: one slab is one frame; there are no
 * tunables or shared caches, so those columns are 0. */
static void slabinfo(struct proc_text *t)
{
	kmalloc_reclaim();
	emit(t, "slabinfo - version: 2.1\n# name            <active_objs> <num_objs> <objsize> "
	     "<objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> "
	     ": slabdata <active_slabs> <num_slabs> <sharedavail>\n");
	for (const struct kmem_cache *c = kmem_caches; c; c = c->next)
		emit(t, "%-17s %6u %6u %6u %4u %4d : tunables %4u %4u %4u : slabdata %6u %6u %6u\n",
		     c->name, c->inuse, c->nr_slabs * c->per_slab, c->size, c->per_slab, 1,
		     0, 0, 0, c->nr_slabs, c->nr_slabs, 0);
}

/* /proc/vmstat: Linux's names where Linux has the counter, Pagoda's own
 * for the kinds of fault and page-table events. */
static void vmstat(struct proc_text *t)
{
	const struct vm_fault_stats *f = &vm_stats;
	const struct {
		const char *name;
		uint64_t value;
	} lines[] = {
		{ "nr_free_pages", pmm_free_count(&kernel_pmm) },
		{ "nr_page_table_pages", page_tables_now() },
		{ "pgfault", vm_faults_taken(f) },
		{ "pgmajfault", 0 },
#define LINE(name, kind, status) { "pgfault_" #name, f->name },
		VM_FAULT_COUNTERS(LINE)
#undef LINE
		{ "nr_tlb_local_flush_one", pmap_stats.tlb_single },
		{ "nr_tlb_local_flush_all", pmap_stats.tlb_full },
		{ "pgtable_alloc", pmap_stats.pt_alloc },
		{ "pgtable_free", pmap_stats.pt_free },
		{ "pgtable_shared", pmap_stats.pt_shared },
		{ "pgtable_copied", pmap_stats.pt_copied },
	};

	for (size_t i = 0; i < ARRAY_SIZE(lines); i++)
		emit(t, "%s %llu\n", lines[i].name, (unsigned long long)lines[i].value);
}

static const struct {
	const char *path;
	void (*fill)(struct proc_text *t);
} proc_files[] = {
	{ "proc/meminfo", meminfo },
	{ "proc/buddyinfo", buddyinfo },
	{ "proc/slabinfo", slabinfo },
	{ "proc/vmstat", vmstat },
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
	st->blksize = PAGE_SIZE;
}

static void procfs_release(struct file *f)
{
	kfree(f->text);
}

static const struct file_ops procfs_ops = {
	.read = procfs_read, .write = procfs_write, .stat = procfs_stat,
	.release = procfs_release, .seekable = true,
};

/* "PID/REST": the pid, with *rest after its slash; 0 if s does not start so. */
static int pid_prefix(const char *s, const char **rest)
{
	int pid = 0;

	if (*s < '1' || *s > '9')
		return 0;
	for (; *s >= '0' && *s <= '9' && pid < 1000000; s++)
		pid = pid * 10 + (*s - '0');
	if (*s != '/')
		return 0;
	*rest = s + 1;
	return pid;
}

bool procfs_canon(const char *path, char *canon, size_t size)
{
	const char *rest;

	if (strncmp(path, "/proc/", 6) != 0)
		return false;
	path += 6;
	if (strncmp(path, "self/", 5) == 0) {
		snprintf(canon, size, "proc/%d/%s", proc_current->pid, path + 5);
		return true;
	}
	if (!pid_prefix(path, &rest))
		return false;
	snprintf(canon, size, "proc/%s", path);
	return true;
}

/* "proc/PID/NAME": the process and NAME, or NULL if canon is not such a path. */
static struct proc *pid_path(const char *canon, const char **name)
{
	int pid = strncmp(canon, "proc/", 5) == 0 ? pid_prefix(canon + 5, name) : 0;

	return pid ? proc_find(pid) : NULL;
}

/* Fill t with canon's text: 0, or -ENOENT if /proc has no such file. */
static int procfs_fill(struct proc_text *t, const char *canon)
{
	const char *name;
	struct proc *p;

	for (size_t i = 0; i < ARRAY_SIZE(proc_files); i++)
		if (strcmp(canon, proc_files[i].path) == 0) {
			proc_files[i].fill(t);
			return 0;
		}
	p = pid_path(canon, &name);
	return p ? procfs_pid_fill(t, p, name) : -ENOENT;
}

/* Fill a buffer with canon's text, a larger one while it does not fit
 * (up to PROC_TEXT_MAX): 0, -ENOENT, or -ENOMEM. */
static int procfs_text(const char *canon, struct proc_text *t)
{
	int err;

	for (size_t size = PROC_TEXT_FIRST;; size *= 2) {
		*t = (struct proc_text){ .buf = kmalloc(size), .size = size };
		if (!t->buf)
			return -ENOMEM;
		err = procfs_fill(t, canon);
		if (err)
			kfree(t->buf);
		if (err || !t->cut || size == PROC_TEXT_MAX)
			return err;
		kfree(t->buf);
	}
}

int procfs_open(const char *canon, uint32_t flags, struct file **out)
{
	struct proc_text t;
	int err;

	if (strncmp(canon, "proc/", 5) != 0)
		return -ENOENT;
	err = procfs_text(canon, &t);
	if (err)
		return err;
	if ((flags & O_ACCMODE) != O_RDONLY)
		err = -EACCES;
	if (err == 0 && !(*out = file_new(&procfs_ops, flags)))
		err = -ENOMEM;
	if (err) {
		kfree(t.buf);
		return err;
	}
	(*out)->text = t.buf;
	(*out)->text_len = t.len;
	return 0;
}

/*
 * The i-th entry /proc lists beyond the archive's (which has only the
 * empty directory): its files, then one directory per process. false
 * past the end. Inode numbers are made up, above any of the archive's.
 */
bool procfs_dirent(size_t i, char *name, size_t size, uint32_t *ino, bool *is_dir)
{
	const struct proc *p = proc_all;

	if (i < ARRAY_SIZE(proc_files)) {
		strlcpy(name, proc_files[i].path + strlen("proc/"), size);
		*ino = PROCFS_INO_BASE + (uint32_t)i;
		*is_dir = false;
		return true;
	}
	for (i -= ARRAY_SIZE(proc_files); p && i > 0; i--)
		p = p->all_next;
	if (!p)
		return false;
	snprintf(name, size, "%d", p->pid);
	*ino = PROCFS_INO_BASE + 0x10000u + (uint32_t)p->pid;
	*is_dir = true;
	return true;
}
