/*
 * cowdemo: copy-on-write, step by step. A page is written, the process
 * forks, and both processes' translations of that page are shown (the
 * same frame, through a page table the two share), with what their smaps
 * say of the page's region (shared, then private); then the child
 * writes, and the translations are shown again (two frames now), with
 * the child's copy-on-write count before and after; last the parent
 * writes, and keeps its frame, now its alone.
 */
#include "procfile.h"
#include <sys/mman.h>
#include <sys/wait.h>
#include <arch/mmu.h>

/* pid's translation of the page at va (pagewalk), then what its smaps
 * says of the page's region: resident, and shared with another address
 * space or private. */
static void show(const char *who, int pid, uint32_t va)
{
	struct pagoda_pagewalk w;
	char block[1024];
	const char *b;

	if (pagewalk(pid, va, &w) != 0 || !w.mapped) {
		printf("  %-7s pid %d: page not mapped\n", who, pid);
		return;
	}
	printf("  %-7s pid %d: frame 0x%08llx, frame references %u, page table used by %u, "
	       "%s\n", who, pid, (unsigned long long)(w.pa & ~0xFFFull), w.frame_refs,
	       w.table_refs, (w.pde & w.pte & PTE_W) ? "writable" : "read-only");
	b = smaps_region(pid, va, block, sizeof(block));
	if (b)
		printf("%17s smaps: Rss %lld kB, shared %lld kB, private %lld kB\n", "",
		       field(b, "Rss"), shared_kb(b),
		       field(b, "Private_Clean") + field(b, "Private_Dirty"));
}

static void step(int fd_wait, int fd_signal)
{
	char c = 0;

	if (fd_signal >= 0 && write(fd_signal, &c, 1) != 1)
		exit(1);
	if (fd_wait >= 0 && read(fd_wait, &c, 1) != 1)
		exit(1);
}

int main(void)
{
	int to_child[2], to_parent[2];
	char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint32_t va = (uint32_t)(uintptr_t)page;
	pid_t parent = getpid(), child;
	char status[64];
	long long cow0;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (page == MAP_FAILED || pipe(to_child) || pipe(to_parent))
		return 1;
	strcpy(page, "written by the parent");
	printf("1. the parent wrote \"%s\" at 0x%08x:\n", page, va);
	show("parent", parent, va);
	child = fork();
	if (child < 0)
		return 1;
	if (child == 0) {
		/* Ready, once this process's own first writes (its stack's)
		 * are copied: the page is then the one copy the write below
		 * adds to its count. */
		step(to_child[0], to_parent[1]);
		strcpy(page, "written by the child");
		step(to_child[0], to_parent[1]);        /* stay until the parent looked */
		_exit(0);
	}
	snprintf(status, sizeof(status), "/proc/%d/status", child);
	step(to_parent[0], -1);                 /* the child is ready */
	printf("2. after fork, both map the same frame, read-only, through a shared table:\n");
	show("parent", parent, va);
	show("child", child, va);
	printf("3. the child writes: a page fault copies the page for it alone\n");
	cow0 = file_field(status, "FltCowCopied");
	step(to_parent[0], to_child[1]);
	show("parent", parent, va);
	show("child", child, va);
	printf("   the child's copy-on-write copies: %lld more\n",
	       file_field(status, "FltCowCopied") - cow0);
	printf("4. the parent writes: its frame is its alone now, so it is made writable in place\n");
	strcpy(page, "written by the parent again");
	show("parent", parent, va);
	printf("   parent reads \"%s\"\n", page);
	step(-1, to_child[1]);
	waitpid(child, NULL, 0);
	return 0;
}
