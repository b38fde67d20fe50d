/*
 * ubench: the user-space half of `make bench` (tools/bench.py).
 *
 * One ordinary static i386 program that times the virtual-memory paths a
 * process uses, with rdtsc around each loop. tools/bench.py runs the same
 * binary on Pagoda and on Debian's Linux, both under QEMU's
 * -icount shift=0, where the TSC advances by one per guest instruction, so
 * every figure is an instruction count and repeats exactly; and natively
 * on the host, where the same figures are CPU cycles.
 *
 *   ubench [-e PROGRAM] [KEY...]
 *
 * -e names the program the fork+exec measurement runs (default
 * /bin/bench-nop); KEYs pick measurements (default: all; the keys are in
 * `benches` below), which is how tools/qprof.py profiles one of them.
 * It prints one line per operation, after all measuring is done:
 *   ubench: NAME PER_OP
 * Each operation runs once untimed first, so that one-time costs (the
 * program's own pages coming in) are not counted.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <pagoda/page.h>

#define PAGE            ((uint32_t)PAGE_SIZE)    /* <pagoda/page.h> */
#define MIB             (1024u * 1024u)
#define MAX_RESULTS     32

struct result {
	const char *name;
	uint64_t per_op;
};

static struct result results[MAX_RESULTS];
static int nresults;
static const char *exec_target = "/bin/bench-nop";

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
	return ((uint64_t)hi << 32) | lo;
}

/* Keep one figure for the report: `total` counts over `ops` operations. */
static void record(const char *name, uint64_t total, uint64_t ops)
{
	if (nresults == MAX_RESULTS) {
		fprintf(stderr, "ubench: more than %d results\n", MAX_RESULTS);
		exit(1);
	}
	results[nresults].name = name;
	results[nresults].per_op = (total + ops / 2) / ops;
	nresults++;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* A fresh private anonymous mapping of `bytes`, not yet touched. */
static char *map_anon(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("ubench: mmap");
	return p;
}

/* Write one byte to every page of [p, p + bytes). Not inlined, so that
 * tools/qprof.py can start a trace at it. */
static __attribute__((noinline)) void touch(char *p, size_t bytes)
{
	for (size_t off = 0; off < bytes; off += PAGE)
		((volatile char *)p)[off] = 1;
}

/* The cheapest trip into the kernel and back. */
static void bench_null_syscall(void)
{
	const int reps = 20000;
	uint64_t t0;

	syscall(SYS_getpid);
	t0 = rdtsc();
	for (int i = 0; i < reps; i++)
		syscall(SYS_getpid);
	record("null system call (getpid)", rdtsc() - t0, reps);
}

/* memset of a resident page: what a demand-zero fault cannot go below. */
static void bench_zero_page(void)
{
	const int reps = 2000;
	char *page = map_anon(PAGE);
	uint64_t t0;

	memset(page, 0, PAGE);
	t0 = rdtsc();
	for (int i = 0; i < reps; i++) {
		memset(page, 0, PAGE);
		__asm__ volatile("" :: "r"(page) : "memory");
	}
	record("zero one page in user space", rdtsc() - t0, reps);
	munmap(page, PAGE);
}

/* Demand-zero faults over a fresh 4 MiB mapping, then munmap of it with
 * every page present: both per page. */
static void bench_fault_and_munmap(void)
{
	const int rounds = 4;
	const size_t bytes = 4 * MIB, pages = bytes / PAGE;
	uint64_t fault = 0, unmap = 0, t0;

	for (int r = 0; r <= rounds; r++) {
		char *p = map_anon(bytes);

		t0 = rdtsc();
		touch(p, bytes);
		if (r > 0)
			fault += rdtsc() - t0;
		t0 = rdtsc();
		munmap(p, bytes);
		if (r > 0)
			unmap += rdtsc() - t0;
	}
	record("demand-zero fault, per page (4 MiB)", fault, rounds * pages);
	record("munmap, per touched page (4 MiB)", unmap, rounds * pages);
}

/* Grow the break one page at a time and touch each new page. */
static void bench_brk(void)
{
	const int rounds = 2, pages = 1024;
	uint64_t total = 0, t0;

	for (int r = 0; r <= rounds; r++) {
		char *base = sbrk(0);

		t0 = rdtsc();
		for (int i = 0; i < pages; i++) {
			char *p = sbrk(PAGE);

			if (p == (char *)-1)
				die("ubench: sbrk");
			*(volatile char *)p = 1;
		}
		if (r > 0)
			total += rdtsc() - t0;
		if (brk(base) != 0)
			die("ubench: brk");
	}
	record("brk grow + touch, per page", total, rounds * pages);
}

/* The smallest whole life of a mapping. */
static void bench_mmap_touch_munmap(void)
{
	const int reps = 1000;
	uint64_t t0 = 0;

	for (int i = -1; i < reps; i++) {
		if (i == 0)
			t0 = rdtsc();
		char *p = map_anon(PAGE);
		*(volatile char *)p = 1;
		munmap(p, PAGE);
	}
	record("mmap + touch + munmap of one page", rdtsc() - t0, reps);
}

/* mprotect one page in the middle of a region read-only (a split into
 * three) and back (a merge into one). */
static void bench_mprotect_pair(void)
{
	const int reps = 1000;
	const size_t bytes = 16 * PAGE;
	char *p = map_anon(bytes);
	uint64_t t0 = 0;

	touch(p, bytes);
	for (int i = -1; i < reps; i++) {
		if (i == 0)
			t0 = rdtsc();
		if (mprotect(p + 8 * PAGE, PAGE, PROT_READ) != 0 ||
		    mprotect(p + 8 * PAGE, PAGE, PROT_READ | PROT_WRITE) != 0)
			die("ubench: mprotect");
	}
	record("mprotect pair (split and merge)", rdtsc() - t0, reps);
	munmap(p, bytes);
}

/* fork, the child's immediate _exit, and the parent's wait. */
static void fork_exit_wait(void)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		die("ubench: fork");
	if (pid == 0)
		_exit(0);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		die("ubench: waitpid");
}

/* fork+exit+wait of this process with `mib` MiB of touched data. */
static void fork_with(const char *name, size_t mib, int reps)
{
	char *p = mib ? map_anon(mib * MIB) : NULL;
	uint64_t t0 = 0;

	if (p)
		touch(p, mib * MIB);
	for (int i = -1; i < reps; i++) {
		if (i == 0)
			t0 = rdtsc();
		fork_exit_wait();
	}
	record(name, rdtsc() - t0, reps);
	if (p)
		munmap(p, mib * MIB);
}

static void bench_fork(void)
{
	fork_with("fork + exit + wait, tiny", 0, 200);
}

static void bench_fork4(void)
{
	fork_with("fork + exit + wait, 4 MiB touched", 4, 50);
}

static void bench_fork16(void)
{
	fork_with("fork + exit + wait, 16 MiB touched", 16, 20);
}

static void bench_fork64(void)
{
	fork_with("fork + exit + wait, 64 MiB touched", 64, 10);
}

/* After a fork, the child writes every page of 4 MiB that it shares with
 * its parent: each write breaks copy-on-write with a copy. The child times
 * its own loop and leaves the count in a shared page. */
static void bench_cow_break(void)
{
	const int rounds = 4;
	const size_t bytes = 4 * MIB, pages = bytes / PAGE;
	char *p = map_anon(bytes);
	volatile uint64_t *shared = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
					 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	uint64_t total = 0;

	if (shared == MAP_FAILED)
		die("ubench: mmap shared");
	touch(p, bytes);
	for (int r = 0; r <= rounds; r++) {
		pid_t pid = fork();
		int status;

		if (pid < 0)
			die("ubench: fork");
		if (pid == 0) {
			uint64_t t0 = rdtsc();

			touch(p, bytes);
			*shared = rdtsc() - t0;
			_exit(0);
		}
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
			die("ubench: waitpid");
		if (r > 0)
			total += *shared;
	}
	record("copy-on-write break, per page (4 MiB)", total, rounds * pages);
	munmap(p, bytes);
	munmap((void *)shared, PAGE);
}

/* fork, exec of a small static program that exits at once, and wait. */
static void bench_fork_exec(void)
{
	const int reps = 50;
	char *argv[] = { (char *)exec_target, NULL }, *envp[] = { NULL };
	uint64_t t0 = 0;

	for (int i = -1; i < reps; i++) {
		int status;
		pid_t pid;

		if (i == 0)
			t0 = rdtsc();
		pid = fork();
		if (pid < 0)
			die("ubench: fork");
		if (pid == 0) {
			execve(exec_target, argv, envp);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			die("ubench: fork+exec");
	}
	record("fork + exec + exit + wait", rdtsc() - t0, reps);
}

static const struct {
	const char *key;
	void (*run)(void);
} benches[] = {
	{ "getpid", bench_null_syscall },
	{ "zero", bench_zero_page },
	{ "fault", bench_fault_and_munmap },
	{ "brk", bench_brk },
	{ "mmap", bench_mmap_touch_munmap },
	{ "mprotect", bench_mprotect_pair },
	{ "fork", bench_fork },
	{ "fork4", bench_fork4 },
	{ "fork16", bench_fork16 },
	{ "fork64", bench_fork64 },
	{ "cow", bench_cow_break },
	{ "exec", bench_fork_exec },
};
#define NBENCHES (int)(sizeof(benches) / sizeof(benches[0]))

/* Is benches[i] among the keys asked for (all when none are)? */
static int wanted(int i, int nkeys, char **keys)
{
	for (int k = 0; k < nkeys; k++)
		if (strcmp(keys[k], benches[i].key) == 0)
			return 1;
	return nkeys == 0;
}

int main(int argc, char **argv)
{
	int first = 1;

	if (argc > 2 && strcmp(argv[1], "-e") == 0) {
		exec_target = argv[2];
		first = 3;
	}
	for (int i = 0; i < NBENCHES; i++)
		if (wanted(i, argc - first, argv + first))
			benches[i].run();
	for (int i = 0; i < nresults; i++)
		printf("ubench: %s: %llu\n", results[i].name,
		       (unsigned long long)results[i].per_op);
	return 0;
}
