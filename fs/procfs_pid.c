/*
 * The files of /proc/PID/: maps (Linux's format, with [heap] and [stack]),
 * smaps and smaps_rollup (maps with each region's page counts), and status
 * (Linux's lines, and Pagoda's fault counts by kind). The numbers come from
 * the address space itself: its regions, and for the resident pages its
 * page tables (vm_region_usage).
 */
#include "procfs.h"
#include <pagoda/errno.h>
#include <pagoda/string.h>
#include <pagoda/vfs.h>
#include <pagoda/vm.h>
#include <pagoda/proc.h>
#include <pagoda/vdso.h>

/* Linux pads a maps line to this column before its name (25 + 6 * 4 - 1). */
#define MAPS_NAME_COLUMN        48

/* The file a region maps (its pages are a file's, named or once named),
 * or NULL (anonymous memory). */
static const struct vm_object *region_file(const struct vm_region *r)
{
	return r->obj && (r->obj->file || r->obj->gone_name) ? r->obj : NULL;
}

/* A region's file name, made while a maps file is filled (one CPU, no
 * preemption: one buffer serves). */
static char name_buf[PATH_MAX];

static const char *file_name(const struct vm_object *obj)
{
	if (obj->file && obj->file->nlink && vfs_inode_path(obj->file, name_buf, sizeof(name_buf)) >= 0)
		return name_buf;
	return obj->gone_name ? obj->gone_name : "(deleted)";
}

/* Linux's rule: the anonymous region that reaches [brk_start, brk], bss
 * included when the heap grew out of it. */
static bool region_is_heap(const struct proc *p, const struct vm_region *r)
{
	return !r->obj && r->node.start <= p->brk && r->node.end >= p->brk_start;
}

/* What maps shows at a region's end: a file, [heap], [stack], or nothing. */
static const char *region_name(const struct proc *p, const struct vm_region *r)
{
	if (vdso_region_name(r))
		return vdso_region_name(r);
	if (region_file(r))
		return file_name(r->obj);
	if (r->obj)                     /* shared anonymous memory, as Linux names it */
		return "/dev/zero (deleted)";
	if (r->flags & VM_REGION_GROWSDOWN)
		return "[stack]";
	return region_is_heap(p, r) ? "[heap]" : NULL;
}

/* End a maps line begun at line_start with a name: padded to the column,
 * then a space, the prefix and the name. */
static void maps_name(struct proc_text *t, size_t line_start, const char *prefix, const char *name)
{
	size_t used = t->len - line_start;
	int pad = used < MAPS_NAME_COLUMN ? (int)(MAPS_NAME_COLUMN - used) : 0;

	emit(t, "%*s %s%s", pad, "", prefix, name);
}

/* One region's maps line: start-end perms offset dev inode [name]. */
static void maps_line(struct proc_text *t, const struct proc *p, const struct vm_region *r)
{
	const struct vm_object *file = region_file(r);
	const char *name = region_name(p, r);
	size_t line_start = t->len;

	const struct inode *inode = file ? file->file : NULL;

	emit(t, "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu ",
	     (unsigned long)r->node.start, (unsigned long)r->node.end,
	     (r->prot & VM_PROT_READ) ? 'r' : '-', (r->prot & VM_PROT_WRITE) ? 'w' : '-',
	     (r->prot & VM_PROT_EXEC) ? 'x' : '-', (r->flags & VM_REGION_SHARED) ? 's' : 'p',
	     (unsigned long long)(file ? r->offset : 0), 0,
	     inode && inode->sb ? inode->sb->dev_minor : 0, (unsigned long)(inode ? inode->ino : 0));
	if (name)
		maps_name(t, line_start, "", name);
	emit(t, "\n");
}

static void maps(struct proc_text *t, struct proc *p)
{
	for (const struct vm_region *r = vm_region_first(p->vs); r; r = vm_region_next(r))
		maps_line(t, p, r);
}

/*
 * The page counts of smaps and smaps_rollup, Linux's lines for them.
 * Pss is left out: fork shares page tables, and a frame's refcount counts
 * tables, so Pagoda knows whether more than one address space maps a page
 * (Shared_*) but not how many do.
 */
static void smaps_usage(struct proc_text *t, const struct vm_usage *u)
{
	emit_kb(t, "Rss", u->resident);
	emit_kb(t, "Shared_Clean", u->shared - u->shared_dirty);
	emit_kb(t, "Shared_Dirty", u->shared_dirty);
	emit_kb(t, "Private_Clean", u->resident - u->shared - u->private_dirty);
	emit_kb(t, "Private_Dirty", u->private_dirty);
	emit_kb(t, "Referenced", u->referenced);
	emit_kb(t, "Anonymous", u->anonymous);
	emit_kb(t, "Swap", 0);          /* Pagoda does not swap */
}

/* Each region's maps line, then its size and page counts (4 KiB pages
 * only: the user half never has a 4 MiB one), and VmFlags: Linux's
 * two-letter names of the flags Pagoda's regions have. */
static void smaps(struct proc_text *t, struct proc *p)
{
	for (const struct vm_region *r = vm_region_first(p->vs); r; r = vm_region_next(r)) {
		struct vm_usage u = { 0 };

		vm_region_usage(p->vs, r, &u);
		maps_line(t, p, r);
		emit_kb(t, "Size", (r->node.end - r->node.start) / PAGE_SIZE);
		emit_kb(t, "KernelPageSize", 1);
		emit_kb(t, "MMUPageSize", 1);
		smaps_usage(t, &u);
		emit(t, "VmFlags:%s%s%s%s%s\n", (r->prot & VM_PROT_READ) ? " rd" : "",
		     (r->prot & VM_PROT_WRITE) ? " wr" : "", (r->prot & VM_PROT_EXEC) ? " ex" : "",
		     (r->flags & VM_REGION_SHARED) ? " sh" : "",
		     (r->flags & VM_REGION_GROWSDOWN) ? " gd" : "");
	}
}

/* The sum of smaps over every region, under one line that spans them all,
 * as Linux prints it. */
static void smaps_rollup(struct proc_text *t, struct proc *p)
{
	const struct vm_region *first = vm_region_first(p->vs), *last = NULL;
	struct vm_usage u = { 0 };
	size_t line_start = t->len;

	for (const struct vm_region *r = first; r; r = vm_region_next(r)) {
		vm_region_usage(p->vs, r, &u);
		last = r;
	}
	emit(t, "%08lx-%08lx ---p 00000000 00:00 0 ", first ? (unsigned long)first->node.start : 0UL,
	     last ? (unsigned long)last->node.end : 0UL);
	maps_name(t, line_start, "", "[rollup]");
	emit(t, "\n");
	smaps_usage(t, &u);
}

/* The status lines of an amount of memory, Linux's way: "VmRSS:\t    12 kB". */
static void status_kb(struct proc_text *t, const char *name, uint64_t frames)
{
	emit(t, "%s:\t%8llu kB\n", name, (unsigned long long)kib(frames));
}

static const char *state_name(enum proc_state s)
{
	static const char *const names[] = {
		[PROC_RUNNABLE] = "R (running)", [PROC_RUNNING] = "R (running)",
		[PROC_SLEEPING] = "S (sleeping)", [PROC_STOPPED] = "T (stopped)", [PROC_ZOMBIE] = "Z (zombie)",
	};
	return names[s];
}

/* Who the process is: the first lines of status. */
static void status_head(struct proc_text *t, const struct proc *p)
{
	emit(t, "Name:\t%s\nState:\t%s\nTgid:\t%d\nPid:\t%d\nPPid:\t%d\n", p->name,
	     state_name(p->state), p->pid, p->pid, p->parent ? p->parent->pid : 0);
}

/*
 * Linux's lines for the process and its memory: VmSize is every region,
 * VmRSS the pages with a frame (RssAnon its own, RssShmem a shared
 * object's: a tmpfs file's or shared anonymous memory), VmData the private writable regions other
 * than the stack, VmStk the stack, VmExe the executable file's text, VmPTE
 * the page tables (the directory included). Then MinFlt, the minor
 * faults of the process's whole life, exec or not (Linux shows them in
 * /proc/PID/stat), and Pagoda's faults by kind in the present address
 * space (since the last exec).
 */
static void status(struct proc_text *t, struct proc *p)
{
	uint64_t size = 0, rss = 0, anon = 0, shmem = 0, data = 0, stack = 0, exe = 0;
	const struct vm_fault_stats *f = &p->vs->faults;

	for (const struct vm_region *r = vm_region_first(p->vs); r; r = vm_region_next(r)) {
		uint64_t pages = (r->node.end - r->node.start) / PAGE_SIZE;
		struct vm_usage u = { 0 };

		vm_region_usage(p->vs, r, &u);
		size += pages;
		rss += u.resident;
		anon += u.anonymous;
		shmem += u.shmem;
		if (r->flags & VM_REGION_GROWSDOWN)
			stack += pages;
		else if (region_file(r) && (r->prot & VM_PROT_EXEC))
			exe += pages;
		else if ((r->prot & VM_PROT_WRITE) && !(r->flags & VM_REGION_SHARED))
			data += pages;
	}
	status_head(t, p);
	status_kb(t, "VmSize", size);
	status_kb(t, "VmHWM", MAX(rss, (uint64_t)pmap_resident_peak(&p->vs->pmap)));
	status_kb(t, "VmRSS", rss);
	status_kb(t, "RssAnon", anon);
	status_kb(t, "RssFile", rss - anon - shmem);    /* every file is tmpfs's: shmem */
	status_kb(t, "RssShmem", shmem);
	status_kb(t, "VmData", data);
	status_kb(t, "VmStk", stack);
	status_kb(t, "VmExe", exe);
	status_kb(t, "VmPTE", pmap_page_tables(&p->vs->pmap) + 1);     /* + the directory */
	emit(t, "Threads:\t1\nMinFlt:\t%llu\n",
	     (unsigned long long)(p->min_flt + vm_faults_resolved(f)));
#define LINE(name, kind, status) emit(t, status ":\t%llu\n", (unsigned long long)f->name);
	VM_FAULT_COUNTERS(LINE)
#undef LINE
}

int procfs_pid_fill(struct proc_text *t, struct proc *p, const char *name)
{
	if (!p->vs) {                   /* a zombie: only who it was is left */
		if (strcmp(name, "status") == 0)
			status_head(t, p);
		return 0;
	}
	static const struct {
		const char *name;
		void (*fill)(struct proc_text *t, struct proc *p);
	} files[] = {
		{ "maps", maps }, { "smaps", smaps }, { "smaps_rollup", smaps_rollup },
		{ "status", status },
	};

	for (size_t i = 0; i < ARRAY_SIZE(files); i++)
		if (strcmp(name, files[i].name) == 0) {
			files[i].fill(t, p);
			return 0;
		}
	return -ENOENT;
}
