/*
 * Pagoda-only checks of the views (/proc and the pagewalk call): each
 * number is checked against what the program did, so the views cannot
 * drift from what the kernel knows. Run by tools/test.py (layer views);
 * on Linux the Pagoda-only files and call are missing, so it is not a
 * differential test.
 */
#include "../tests/check.h"
#include "../bin/procfile.h"
#include <dirent.h>
#include <fcntl.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <arch/mmu.h>


static char text[16384];        /* /proc files are read into this */

static long long status_of_self(const char *key)
{
	return file_field("/proc/self/status", key);
}

/* The maps line of the region that starts at va, or NULL. */
static const char *maps_line(uint32_t va)
{
	char *l;

	CHECK(read_file("/proc/self/maps", text, sizeof(text)) > 0);
	l = region_line(text, va);
	if (l)
		l[strcspn(l, "\n")] = '\0';
	return l;
}

/* Touching 10 pages of a new mapping: its maps line, VmRSS + 40 kB,
 * FltZero + 10, and pagewalk finds each page after, none before. */
static void maps_rss_and_faults_agree(void)
{
	char *m = mmap(NULL, 10 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint32_t va = (uint32_t)(uintptr_t)m;
	struct pagoda_pagewalk w;
	char want[64];
	long long rss, zero;

	CHECK(m != MAP_FAILED);
	snprintf(want, sizeof(want), "%08x-%08x rw-p 00000000 00:00 0 ", va, va + 10 * PAGE);
	CHECK(maps_line(va) && strcmp(maps_line(va), want) == 0);
	status_of_self("VmRSS");                /* the reading's own pages, first */
	rss = status_of_self("VmRSS");
	zero = status_of_self("FltZero");
	for (int i = 0; i < 10; i++) {
		CHECK(pagewalk(0, va + i * PAGE, &w) == 0 && !w.mapped);
		m[i * PAGE] = 1;
		CHECK(pagewalk(0, va + i * PAGE, &w) == 0 && w.mapped && w.frame_refs == 1);
	}
	CHECK(status_of_self("VmRSS") == rss + 40);
	CHECK(status_of_self("FltZero") == zero + 10);
	munmap(m, 10 * PAGE);
	CHECK(status_of_self("VmRSS") == rss);
}

/* After a fork and one write by the child, the copy-on-write counter
 * (system-wide and the child's own) rises by exactly one. Every page the
 * parent writes while it measures is written once before (its own copies,
 * which would count too): m, and file_field's buffer. */
static void one_write_one_copy(void)
{
	static struct {
		int go[2], done[2];
		char c, path[64];
		long long all, own;
	} m;
	char *page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pid_t pid;

	CHECK(page != MAP_FAILED && pipe(m.go) == 0 && pipe(m.done) == 0);
	page[0] = 'p';
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		close(m.go[1]);         /* so that it ends if the parent does */
		m.c = 'c';              /* its copy of m is made now, before it says so */
		if (write(m.done[1], &m.c, 1) != 1 || read(m.go[0], &m.c, 1) != 1)
			_exit(1);
		page[0] = 'c';
		if (write(m.done[1], &m.c, 1) != 1 || read(m.go[0], &m.c, 1) != 1)
			_exit(1);
		_exit(0);
	}
	snprintf(m.path, sizeof(m.path), "/proc/%d/status", pid);
	m.all = m.own = 0;
	CHECK(read(m.done[0], &m.c, 1) == 1);                    /* the child is ready */
	file_field("/proc/vmstat", "pgfault_cow_copied");
	m.all = file_field("/proc/vmstat", "pgfault_cow_copied");
	m.own = file_field(m.path, "FltCowCopied");
	CHECK(write(m.go[1], &m.c, 1) == 1 && read(m.done[0], &m.c, 1) == 1);
	CHECK(file_field("/proc/vmstat", "pgfault_cow_copied") == m.all + 1);
	CHECK(file_field(m.path, "FltCowCopied") == m.own + 1);
	CHECK(page[0] == 'p');
	CHECK(write(m.go[1], &m.c, 1) == 1 && waitpid(pid, NULL, 0) == pid);
}

/* pagewalk: text is user, read-only and present; the kernel's first
 * page is mapped, but supervisor-only; page 0 has no translation. */
static void pagewalk_names_the_bits(void)
{
	struct pagoda_pagewalk w;
	uint32_t text_va = (uint32_t)(uintptr_t)&pagewalk_names_the_bits;

	CHECK(pagewalk(0, text_va, &w) == 0 && w.mapped);
	CHECK((w.pde & w.pte & PTE_U) && !(w.pte & PTE_W));
	CHECK(w.pa % PAGE == text_va % PAGE);
	CHECK(pagewalk(0, 0xC0100000u, &w) == 0 && w.mapped && !(w.pde & PTE_U));
	CHECK(pagewalk(0, 0, &w) == 0 && !w.mapped);
	CHECK(pagewalk(99999, 0, &w) == -1 && errno == ESRCH);
}

/* A page table for a new 4 MiB: PageTables + 4 kB and
 * nr_page_table_pages + 1 while a page there is mapped. */
static void page_tables_are_counted(void)
{
	uint32_t va = 0x60000000u;      /* a 4 MiB nothing else uses */
	long long tables = file_field("/proc/vmstat", "nr_page_table_pages");
	long long kb = file_field("/proc/meminfo", "PageTables");
	char *m = mmap((void *)va, PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	CHECK(m == (char *)va);
	m[0] = 1;
	CHECK(file_field("/proc/vmstat", "nr_page_table_pages") == tables + 1);
	CHECK(file_field("/proc/meminfo", "PageTables") == kb + 4);
	munmap(m, PAGE);
	CHECK(file_field("/proc/vmstat", "nr_page_table_pages") == tables);
}

/* [heap] covers the break; [stack] holds a local; the program's text
 * is named by its path; [vdso] starts at AT_SYSINFO_EHDR, [vvar] just
 * below it. */
static void maps_names_heap_stack_and_file(void)
{
	char *brk0 = sbrk(0), local = 0;
	uint32_t s, e, vdso = (uint32_t)getauxval(AT_SYSINFO_EHDR), vvar_end = 0;
	int heap = 0, stack = 0, file = 0, vdso_ok = 0;

	CHECK(sbrk(3 * PAGE) == brk0);
	CHECK(read_file("/proc/self/maps", text, sizeof(text)) > 0);
	for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n")) {
		CHECK(sscanf(l, "%x-%x", &s, &e) == 2);
		if (strstr(l, " [heap]"))
			heap += s <= (uint32_t)(uintptr_t)brk0 && (uint32_t)(uintptr_t)sbrk(0) <= e;
		if (strstr(l, " [stack]"))
			stack += s <= (uint32_t)(uintptr_t)&local && (uint32_t)(uintptr_t)&local < e;
		if (strstr(l, "r-xp") && strstr(l, " /bin/views"))
			file++;
		if (strstr(l, " [vvar]"))
			vvar_end = e;
		if (strstr(l, " [vdso]"))
			vdso_ok += s == vdso && vvar_end == s;
	}
	if (heap != 1 || stack != 1 || file != 1 || vdso_ok != 1)
		printf("heap %d stack %d file %d vdso %d, break %p..%p\n", heap, stack, file, vdso_ok, brk0, sbrk(0));
	CHECK(heap == 1 && stack == 1 && file == 1 && vdso_ok == 1);
}

/* /proc lists this process; its status names it, its parent and its
 * sizes; meminfo's zones add up. */
static void status_and_listing(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	char me[16];
	int found = 0, meminfo = 0;

	CHECK(d);
	snprintf(me, sizeof(me), "%d", getpid());
	while ((e = readdir(d)) != NULL) {
		found += strcmp(e->d_name, me) == 0 && e->d_type == DT_DIR;
		meminfo += strcmp(e->d_name, "meminfo") == 0;
	}
	closedir(d);
	CHECK(found == 1 && meminfo == 1);
	CHECK(status_of_self("Pid") == getpid() && status_of_self("PPid") == getppid());
	CHECK(status_of_self("VmRSS") > 0 && status_of_self("VmRSS") <= status_of_self("VmSize"));
	CHECK(status_of_self("VmStk") > 0 && status_of_self("VmExe") > 0);
	CHECK(read_file("/proc/meminfo", text, sizeof(text)) > 0);
	CHECK(field(text, "LowTotal") + field(text, "HighTotal") == field(text, "MemTotal"));
	CHECK(field(text, "LowFree") + field(text, "HighFree") == field(text, "MemFree"));
	CHECK(field(text, "KernelHeap") > 0 && field(text, "Slab") > 0);
}

/* buddyinfo's free blocks are free memory: no more than MemFree. slabinfo
 * has each cache with in-use objects no more than its total. */
static void buddyinfo_and_slabinfo(void)
{
	long long free_kb = file_field("/proc/meminfo", "MemFree"), listed = 0;
	unsigned active, total, size;
	int caches = 0;

	CHECK(read_file("/proc/buddyinfo", text, sizeof(text)) > 0);
	for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n")) {
		char *p = strstr(l, "zone");
		unsigned long n;
		int order = 0, used;

		CHECK(p && sscanf(p, "zone %*s%n", &used) == 0);
		for (p += used; sscanf(p, "%lu%n", &n, &used) == 1; p += used)
			listed += (long long)n << order++;
		CHECK(order == 11);
	}
	CHECK(listed > 0 && listed * 4 <= free_kb);
	CHECK(read_file("/proc/slabinfo", text, sizeof(text)) > 0);
	CHECK(strncmp(text, "slabinfo - version: 2.1\n", 24) == 0);
	for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n")) {
		if (l[0] == '#' || strncmp(l, "slabinfo", 8) == 0)
			continue;
		CHECK(sscanf(l, "%*s %u %u %u", &active, &total, &size) == 3);
		CHECK(active <= total && size > 0);
		caches++;
	}
	CHECK(caches > 5);
}

/* The objects in use in all of slabinfo's caches. */
static long slab_objects(void)
{
	long sum = 0;
	unsigned active;

	CHECK(read_file("/proc/slabinfo", text, sizeof(text)) > 0);
	for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n"))
		if (l[0] != '#' && strncmp(l, "slabinfo", 8) != 0 && sscanf(l, "%*s %u", &active) == 1)
			sum += active;
	return sum;
}

/* A file's backing object lives while a mapping holds it: mapped twice
 * and unmapped, the kernel holds no more objects than before (it once
 * kept one per file for good). */
static void file_object_goes_with_its_last_mapping(void)
{
	long before = slab_objects();
	int fd = open("/bin/cat", O_RDONLY);
	char *a = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
	char *b = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);

	CHECK(fd >= 0 && a != MAP_FAILED && b != MAP_FAILED && a[1] == 'E' && b[1] == 'E');
	CHECK(munmap(a, PAGE) == 0 && munmap(b, PAGE) == 0 && close(fd) == 0);
	CHECK(slab_objects() == before);
}

/* The smaps block of the region at va in process pid (0: this one). */
static const char *smaps_block(int pid, uint32_t va)
{
	static char block[1024];
	const char *b = smaps_region(pid, va, block, sizeof(block));

	CHECK(b);
	return b;
}

/* 10 pages, 6 written and 4 read: smaps says 40 kB resident, 24 dirty, all
 * private. After a fork both sides share all 10 (6 dirty); the child's
 * one write makes that page private to each side, and only that page. */
static void smaps_counts_dirty_and_shared_pages(void)
{
	static struct { int go[2], done[2]; char c; } m;
	char *r = mmap(NULL, 10 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint32_t va = (uint32_t)(uintptr_t)r;
	volatile char sink = 0;
	const char *b;
	pid_t pid;

	CHECK(r != MAP_FAILED && pipe(m.go) == 0 && pipe(m.done) == 0);
	for (int i = 0; i < 10; i++)
		if (i < 6)
			r[i * PAGE] = 1;
		else
			sink += r[i * PAGE];
	b = smaps_block(0, va);
	CHECK(field(b, "Size") == 40 && field(b, "Rss") == 40 && field(b, "Referenced") == 40);
	CHECK(field(b, "Private_Dirty") == 24 && field(b, "Private_Clean") == 16);
	CHECK(shared_kb(b) == 0 && field(b, "Anonymous") == 40 && strstr(b, "VmFlags: rd wr\n"));
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		close(m.go[1]);
		if (write(m.done[1], &m.c, 1) != 1 || read(m.go[0], &m.c, 1) != 1)
			_exit(1);
		r[0] = 2;
		if (write(m.done[1], &m.c, 1) != 1 || read(m.go[0], &m.c, 1) != 1)
			_exit(1);
		_exit(0);
	}
	CHECK(read(m.done[0], &m.c, 1) == 1);
	b = smaps_block(pid, va);
	CHECK(field(b, "Shared_Dirty") == 24 && field(b, "Shared_Clean") == 16);
	CHECK(field(b, "Private_Dirty") == 0 && field(b, "Private_Clean") == 0);
	CHECK(write(m.go[1], &m.c, 1) == 1 && read(m.done[0], &m.c, 1) == 1);
	for (int side = 0; side < 2; side++) {
		b = smaps_block(side ? pid : 0, va);
		CHECK(field(b, "Rss") == 40 && field(b, "Private_Dirty") == 4);
		CHECK(field(b, "Shared_Dirty") == 20 && field(b, "Shared_Clean") == 16);
	}
	CHECK(write(m.go[1], &m.c, 1) == 1 && waitpid(pid, NULL, 0) == pid);
	munmap(r, 10 * PAGE);
}

/* MAP_SHARED memory that one process maps is private to it, and not
 * anonymous (Linux's shmem); smaps_rollup adds up what smaps lists, and
 * status's VmSize and VmRSS agree. */
static void smaps_rollup_adds_up(void)
{
	char *r = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	long long size = 0, rss = 0, dirty = 0, vm_size = 0, vm_rss = 0, kb;
	const char *b;

	CHECK(r != MAP_FAILED);
	memset(r, 1, 3 * PAGE);
	b = smaps_block(0, (uint32_t)(uintptr_t)r);
	CHECK(field(b, "Rss") == 12 && field(b, "Private_Dirty") == 12 && shared_kb(b) == 0);
	CHECK(field(b, "Anonymous") == 0 && strstr(b, "VmFlags: rd wr sh\n"));
	/* Twice: the first pass writes every page that reading and parsing
	 * write (copying it from the parent process: it is dirty and private
	 * from then on), so that the second pass's readings agree. */
	for (int pass = 0; pass < 2; pass++) {
		size = rss = dirty = 0;
		CHECK(read_file("/proc/self/smaps", text, sizeof(text)) > 0);
		for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n")) {
			size += (kb = field(l, "Size")) > 0 ? kb : 0;
			rss += (kb = field(l, "Rss")) > 0 ? kb : 0;
			dirty += (kb = field(l, "Private_Dirty")) > 0 ? kb : 0;
		}
		vm_size = status_of_self("VmSize");
		vm_rss = status_of_self("VmRSS");
		CHECK(read_file("/proc/self/smaps_rollup", text, sizeof(text)) > 0);
	}
	CHECK(strstr(text, " [rollup]\n") && field(text, "Rss") == rss);
	CHECK(field(text, "Private_Dirty") == dirty);
	CHECK(vm_size == size && vm_rss == rss);
	munmap(r, 3 * PAGE);
}

/* 300 regions (pages of alternating protection) make smaps longer than
 * the kernel's first buffer for it: it must still come whole, one block
 * for each maps line. */
static void smaps_of_many_regions_is_whole(void)
{
	static char big[256 * 1024];
	char *r = mmap(NULL, 300 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int maps_lines = 0, smaps_heads = 0, flags_lines = 0;
	uint32_t s, e;
	long len;

	CHECK(r != MAP_FAILED);
	for (int i = 1; i < 300; i += 2)
		CHECK(mprotect(r + i * PAGE, PAGE, PROT_READ) == 0);
	CHECK(read_file("/proc/self/maps", big, sizeof(big)) > 0);
	for (char *l = strtok(big, "\n"); l; l = strtok(NULL, "\n"))
		maps_lines++;
	CHECK((len = read_file("/proc/self/smaps", big, sizeof(big))) > 64 * 1024);
	CHECK(big[len - 1] == '\n');
	for (char *l = strtok(big, "\n"); l; l = strtok(NULL, "\n")) {
		smaps_heads += sscanf(l, "%x-%x ", &s, &e) == 2 && s < e;
		flags_lines += strncmp(l, "VmFlags:", 8) == 0;
	}
	CHECK(maps_lines >= 300 && smaps_heads == maps_lines && flags_lines == maps_lines);
	munmap(r, 300 * PAGE);
}

static const struct test_case cases[] = {
	CASE(maps_rss_and_faults_agree), CASE(one_write_one_copy), CASE(pagewalk_names_the_bits),
	CASE(page_tables_are_counted), CASE(maps_names_heap_stack_and_file),
	CASE(status_and_listing), CASE(buddyinfo_and_slabinfo),
	CASE(file_object_goes_with_its_last_mapping),
	CASE(smaps_counts_dirty_and_shared_pages), CASE(smaps_rollup_adds_up),
	CASE(smaps_of_many_regions_is_whole),
};

int main(int argc, char **argv)
{
	return RUN_CASES(cases);
}
