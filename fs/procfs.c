/*
 * /proc: a file system whose names are made as they are looked up, and
 * files whose text the kernel writes when they are opened, in Linux's
 * formats, so that ordinary tools (cat, ps, and the test suite) read what
 * the kernel knows. The text is made once, at open, and read from that
 * snapshot, as Linux's seq_file does for small files.
 *
 *   /proc/{meminfo,buddyinfo,slabinfo,vmstat,mounts,uptime,loadavg}   the system's
 *   /proc/self                 a link to the caller's /proc/PID
 *   /proc/PID/{maps,smaps,smaps_rollup,status}         the process's (procfs_pid.c)
 *   /proc/PID/exe, cwd         links to its program and working directory
 *   /proc/PID/fd/N             a link to what descriptor N is open on
 */
#include "procfs.h"
#include <pagoda/clock.h>
#include <pagoda/errno.h>
#include <pagoda/file.h>
#include <pagoda/heap.h>
#include <pagoda/irq.h>
#include "readdir.h"
#include <pagoda/kmalloc.h>
#include <pagoda/page_alloc.h>
#include <pagoda/printf.h>
#include <pagoda/slab.h>
#include <pagoda/string.h>
#include <pagoda/time.h>
#include <pagoda/vm.h>
#include <pagoda/vmalloc.h>

/* A file's text starts in a buffer of PROC_TEXT_FIRST bytes, doubled
 * while it does not fit, up to PROC_TEXT_MAX (smaps of a few thousand
 * regions); past that it is cut. */
#define PROC_TEXT_FIRST 16384
#define PROC_TEXT_MAX   (1024 * 1024)

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
 * large blocks. The lines that Linux also has come in Linux's order.
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
	emit_kb(t, "Cached", vm_shared_frames);        /* tmpfs and shared memory: all shmem */
	emit_kb(t, "HighTotal", high->managed_pages);
	emit_kb(t, "HighFree", high->free_pages);
	emit_kb(t, "LowTotal", low->managed_pages);
	emit_kb(t, "LowFree", low->free_pages);
	/* tmpfs is all the page cache there is, and its pages are never
	 * written back, so none is Dirty or under Writeback: Linux keeps
	 * shmem out of both counts for the same reason. */
	emit_kb(t, "Dirty", 0);
	emit_kb(t, "Writeback", 0);
	emit_kb(t, "Mapped", pmm_shared_mapped);
	emit_kb(t, "Shmem", vm_shared_frames);
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

/* /proc/mounts: source, mount point, type, options, as Linux's. */
static void mounts(struct proc_text *t)
{
	char *buf = kmalloc(PATH_MAX);

	if (!buf)
		return;
	for (const struct mount *m = mount_list; m; m = m->next) {
		struct path p = { (struct mount *)m, m->root };

		if (vfs_path_string(&p, buf, PATH_MAX) < 0)
			continue;
		emit(t, "%s %s %s rw 0 0\n", m->source, buf, m->sb->type->name);
	}
	kfree(buf);
}

/* /proc/uptime: seconds since boot, and seconds idle, to 1/100 s. */
static void uptime(struct proc_text *t)
{
	uint64_t up = clock_mono_ns(), idle = sched_idle_ns();

	emit(t, "%llu.%02u %llu.%02u\n", (unsigned long long)(up / NSEC_PER_SEC),
	     (unsigned)(up % NSEC_PER_SEC / (NSEC_PER_SEC / 100)), (unsigned long long)(idle / NSEC_PER_SEC),
	     (unsigned)(idle % NSEC_PER_SEC / (NSEC_PER_SEC / 100)));
}

/* /proc/loadavg: the three load averages to 1/100, the processes running
 * or runnable and all of them, and the last pid given out, as Linux's. */
static void loadavg(struct proc_text *t)
{
	uint32_t avg[3], running, all;

	sched_loadavg(avg, &running, &all);
	for (int i = 0; i < 3; i++)
		emit(t, "%u.%02u ", avg[i] >> 11, ((avg[i] & 2047) * 100) >> 11);
	emit(t, "%u/%u %d\n", running, all, proc_last_pid());
}

/* A time in USER_HZ's units, /proc/stat's. */
static unsigned long long user_hz_of(uint64_t ns)
{
	return ns / (NSEC_PER_SEC / USER_HZ);
}

/*
 * /proc/stat, as Linux's: the CPU's time in user mode, nice (none),
 * system, idle and the rest (none), for all CPUs and for cpu0; the
 * interrupts in all and by line; context switches; the boot time;
 * forks; the processes running or runnable; then softirqs (none). The
 * busy time is exact; the tick's samples split it into user and system.
 */
static void cpu_stat(struct proc_text *t)
{
	uint64_t idle = sched_idle_ns(), busy = clock_mono_ns() - idle, user = 0, irqs = 0;
	uint64_t samples = sched_stats.user_ticks + sched_stats.system_ticks;
	uint32_t avg[3], running, all;

	if (samples)
		user = busy / samples * sched_stats.user_ticks + busy % samples * sched_stats.user_ticks / samples;
	for (int cpu = -1; cpu < 1; cpu++) {
		emit(t, cpu < 0 ? "cpu " : "cpu%d", cpu);
		emit(t, " %llu 0 %llu %llu 0 0 0 0 0 0\n", user_hz_of(user), user_hz_of(busy - user),
		     user_hz_of(idle));
	}
	for (int irq = 0; irq < irq_lines(); irq++)
		irqs += irq_count(irq);
	emit(t, "intr %llu", (unsigned long long)irqs);
	for (int irq = 0; irq < irq_lines(); irq++)
		emit(t, " %llu", (unsigned long long)irq_count(irq));
	sched_loadavg(avg, &running, &all);
	emit(t, "\nctxt %llu\nbtime %llu\nprocesses %llu\nprocs_running %u\nprocs_blocked 0\n",
	     (unsigned long long)sched_stats.switches,
	     (unsigned long long)((clock_realtime_ns() - clock_mono_ns()) / NSEC_PER_SEC),
	     (unsigned long long)sched_stats.forks, running);
	emit(t, "softirq 0 0 0 0 0 0 0 0 0 0 0\n");
}

static const struct {
	const char *name;
	void (*fill)(struct proc_text *t);
} proc_files[] = {
	{ "meminfo", meminfo }, { "buddyinfo", buddyinfo }, { "slabinfo", slabinfo },
	{ "vmstat", vmstat }, { "mounts", mounts }, { "uptime", uptime }, { "loadavg", loadavg },
	{ "stat", cpu_stat },
};

static const char *const pid_files[] = { "maps", "smaps", "smaps_rollup", "status" };

/* The kinds of name in /proc. */
enum { PK_ROOT, PK_FILE, PK_SELF, PK_PID_DIR, PK_PID_FILE, PK_EXE, PK_CWD, PK_FD_DIR, PK_FD };

static const struct inode_ops proc_dir_iops, proc_link_iops, proc_magic_iops;
static const struct file_ops proc_dir_ops, proc_file_ops;

/* Inode numbers that say what a name is, so stat agrees with itself. */
static uint32_t proc_ino(int kind, int index, int pid)
{
	return kind == PK_ROOT ? 1 : 0x1000u + (uint32_t)pid * 0x400u + (uint32_t)kind * 0x40u +
				      (uint32_t)index;
}

static int proc_inode(struct superblock *sb, int kind, int index, int pid, struct inode **out)
{
	static const uint32_t modes[] = {
		[PK_ROOT] = S_IFDIR | 0555, [PK_FILE] = S_IFREG | 0444, [PK_SELF] = S_IFLNK | 0777,
		[PK_PID_DIR] = S_IFDIR | 0555, [PK_PID_FILE] = S_IFREG | 0444,
		[PK_EXE] = S_IFLNK | 0777, [PK_CWD] = S_IFLNK | 0777, [PK_FD_DIR] = S_IFDIR | 0500,
		[PK_FD] = S_IFLNK | 0700,
	};
	struct inode *inode = inode_new(sb, modes[kind]);

	if (!inode)
		return -ENOMEM;
	inode->ino = proc_ino(kind, index, pid);
	inode->proc_kind = kind;
	inode->proc_index = index;
	inode->proc_pid = pid;
	inode->nlink = S_ISDIR(inode->mode) ? 2 : 1;
	if (S_ISDIR(inode->mode)) {
		inode->iops = &proc_dir_iops;
		inode->fops = &proc_dir_ops;
	} else if (kind == PK_CWD || kind == PK_FD) {
		inode->iops = &proc_magic_iops;
	} else if (S_ISLNK(inode->mode)) {
		inode->iops = &proc_link_iops;
	} else {
		inode->fops = &proc_file_ops;
	}
	*out = inode;
	return 0;
}

/* A decimal number of at most 7 digits, no leading zero: it, or -1. */
static int parse_number(const char *s)
{
	int n = 0;

	if (*s < '0' || *s > '9' || (s[0] == '0' && s[1]) || strlen(s) > 7)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		n = n * 10 + (*s - '0');
	}
	return n;
}

/* A process by pid, zombies too (their directories list, as on Linux;
 * their files show what is left). */
static struct proc *live_proc(int pid)
{
	return proc_find(pid);
}

static int proc_lookup(struct inode *dir, const char *name, struct inode **out)
{
	int pid = dir->proc_pid, n;

	switch (dir->proc_kind) {
	case PK_ROOT:
		for (size_t i = 0; i < ARRAY_SIZE(proc_files); i++)
			if (strcmp(name, proc_files[i].name) == 0)
				return proc_inode(dir->sb, PK_FILE, (int)i, 0, out);
		if (strcmp(name, "self") == 0)
			return proc_inode(dir->sb, PK_SELF, 0, 0, out);
		n = parse_number(name);
		return n > 0 && live_proc(n) ? proc_inode(dir->sb, PK_PID_DIR, 0, n, out) : -ENOENT;
	case PK_PID_DIR:
		if (!live_proc(pid))
			return -ENOENT;
		for (size_t i = 0; i < ARRAY_SIZE(pid_files); i++)
			if (strcmp(name, pid_files[i]) == 0)
				return proc_inode(dir->sb, PK_PID_FILE, (int)i, pid, out);
		if (strcmp(name, "exe") == 0)
			return proc_inode(dir->sb, PK_EXE, 0, pid, out);
		if (strcmp(name, "cwd") == 0)
			return proc_inode(dir->sb, PK_CWD, 0, pid, out);
		if (strcmp(name, "fd") == 0)
			return proc_inode(dir->sb, PK_FD_DIR, 0, pid, out);
		return -ENOENT;
	case PK_FD_DIR:
		n = parse_number(name);
		if (n < 0 || n >= FD_MAX || !live_proc(pid) || !live_proc(pid)->files[n])
			return -ENOENT;
		return proc_inode(dir->sb, PK_FD, n, pid, out);
	}
	return -ENOENT;
}

/* What an open file is, as /proc/PID/fd/N reads: its path ("pipe:[ino]"
 * for a pipe), or the console's name for the one made at boot. */
static int file_link_text(struct file *f, char *buf, size_t size)
{
	if (f->path.d)
		return vfs_path_string(&f->path, buf, size);
	return (int)strlcpy(buf, "/dev/console", size);
}

static int proc_get_link(struct inode *inode, char *buf, size_t size)
{
	struct proc *p = inode->proc_kind == PK_SELF ? proc_current : live_proc(inode->proc_pid);

	if (!p)
		return -ENOENT;
	switch (inode->proc_kind) {
	case PK_SELF:
		return snprintf(buf, size, "%d", p->pid);
	case PK_EXE:
		return p->vs ? (int)strlcpy(buf, p->exe, size) : -ENOENT;
	case PK_CWD:
		return p->cwd.d ? vfs_path_string(&p->cwd, buf, size) : -ENOENT;
	case PK_FD:
		return p->files[inode->proc_index] ? file_link_text(p->files[inode->proc_index], buf, size)
						   : -ENOENT;
	}
	return -EINVAL;
}

/* Where cwd and fd/N lead: the directory, or the open file itself. */
static int proc_get_path(struct inode *inode, struct path *out)
{
	struct proc *p = live_proc(inode->proc_pid);
	struct file *f;

	if (!p)
		return -ENOENT;
	if (inode->proc_kind == PK_CWD) {
		if (!p->cwd.d)
			return -ENOENT;         /* a zombie's */
		*out = p->cwd;
	} else {
		f = p->files[inode->proc_index];
		if (!f || !f->path.d)
			return -ENOENT;         /* gone, or the console made at boot */
		*out = f->path;
	}
	path_get(out);
	return 0;
}

static const struct inode_ops proc_dir_iops = { .lookup = proc_lookup };
static const struct inode_ops proc_link_iops = { .get_link = proc_get_link };
static const struct inode_ops proc_magic_iops = { .get_link = proc_get_link, .get_path = proc_get_path };

/* Fill t with the text of a file of /proc: 0, or -ENOENT if its process is gone. */
static int procfs_fill(struct proc_text *t, const struct inode *inode)
{
	struct proc *p;

	if (inode->proc_kind == PK_FILE) {
		proc_files[inode->proc_index].fill(t);
		return 0;
	}
	p = live_proc(inode->proc_pid);
	return p ? procfs_pid_fill(t, p, pid_files[inode->proc_index]) : -ENOENT;
}

/* Fill a buffer with the file's text, a larger one while it does not fit
 * (up to PROC_TEXT_MAX): 0, -ENOENT, or -ENOMEM. */
static int procfs_text(const struct inode *inode, struct proc_text *t)
{
	int err;

	for (size_t size = PROC_TEXT_FIRST;; size *= 2) {
		*t = (struct proc_text){ .buf = kmalloc(size), .size = size };
		if (!t->buf)
			return -ENOMEM;
		err = procfs_fill(t, inode);
		if (err)
			kfree(t->buf);
		if (err || !t->cut || size == PROC_TEXT_MAX)
			return err;
		kfree(t->buf);
	}
}

static int procfs_open(struct file *f)
{
	struct proc_text t;
	int err;

	err = procfs_text(f->inode, &t);
	if (err)
		return err;
	f->text = t.buf;
	f->text_len = t.len;
	return 0;
}

static long procfs_pread(struct file *f, vaddr_t buf, size_t n, int64_t pos)
{
	return file_read_bytes(f->text, f->text_len, pos, buf, n);
}

/* Root may open them for writing, as on Linux, but none takes a write. */
static long procfs_pwrite(struct file *f, vaddr_t buf, size_t n, int64_t pos)
{
	(void)f, (void)buf, (void)n, (void)pos;
	return -EINVAL;
}

static void procfs_release(struct file *f)
{
	kfree(f->text);
}

/* One directory's entries: ".", "..", then its names in a fixed order. */
static long proc_getdents(struct file *f, vaddr_t buf, size_t size)
{
	struct dir_ctx ctx = { .buf = buf, .size = size };
	const struct inode *dir = f->inode;
	struct proc *p = live_proc(dir->proc_pid), *q;
	char name[16];

	for (;; f->pos++) {
		int64_t i = f->pos - 2;
		int kind = -1, index = 0, pid = dir->proc_pid;
		const char *nm = name;

		if (f->pos < 2) {
			if (dirent_emit(&ctx, dir->ino, f->pos + 1, 4, f->pos ? ".." : "."))
				break;
			continue;
		}
		if (dir->proc_kind == PK_ROOT) {
			if (i < (int64_t)ARRAY_SIZE(proc_files)) {
				kind = PK_FILE, index = (int)i, nm = proc_files[i].name;
			} else if (i == (int64_t)ARRAY_SIZE(proc_files)) {
				kind = PK_SELF, nm = "self";
			} else {
				int64_t k = i - (int64_t)ARRAY_SIZE(proc_files) - 1;

				for (q = proc_all; q && k > 0; q = q->all_next)
					k--;
				if (!q)
					break;
				kind = PK_PID_DIR, pid = q->pid;
				snprintf(name, sizeof(name), "%d", q->pid);
			}
		} else if (dir->proc_kind == PK_PID_DIR && p) {
			static const int kinds[] = { PK_PID_FILE, PK_PID_FILE, PK_PID_FILE, PK_PID_FILE,
						     PK_EXE, PK_CWD, PK_FD_DIR };
			static const char *const names[] = { "maps", "smaps", "smaps_rollup", "status",
							     "exe", "cwd", "fd" };

			if (i >= (int64_t)ARRAY_SIZE(kinds))
				break;
			kind = kinds[i], index = i < 4 ? (int)i : 0, nm = names[i];
		} else if (dir->proc_kind == PK_FD_DIR && p) {
			while (i < FD_MAX && !p->files[i])
				i++, f->pos++;
			if (i >= FD_MAX)
				break;
			kind = PK_FD, index = (int)i;
			snprintf(name, sizeof(name), "%d", (int)i);
		} else {
			break;
		}
		if (dirent_emit(&ctx, proc_ino(kind, index, pid), f->pos + 1,
				kind == PK_PID_DIR || kind == PK_FD_DIR ? 4 :
				kind == PK_PID_FILE || kind == PK_FILE ? 8 : 10, nm))
			break;
	}
	return dirent_result(&ctx);
}

static long proc_dir_read(struct file *f, vaddr_t buf, size_t n, int64_t pos)
{
	(void)f, (void)buf, (void)n, (void)pos;
	return -EISDIR;
}

static const struct file_ops proc_file_ops = {
	.open = procfs_open, .pread = procfs_pread, .pwrite = procfs_pwrite,
	.release = procfs_release,
};
static const struct file_ops proc_dir_ops = { .pread = proc_dir_read, .getdents = proc_getdents };

static int procfs_mount(const char *options, struct inode **root)
{
	struct superblock *sb = kzalloc(sizeof(*sb));
	int err;

	(void)options;
	if (!sb)
		return -ENOMEM;
	sb->type = &procfs_type;
	err = proc_inode(sb, PK_ROOT, 0, 0, root);
	if (err)
		kfree(sb);
	return err;
}

const struct fs_type procfs_type = { .name = "proc", .magic = PROC_SUPER_MAGIC, .mount = procfs_mount };
