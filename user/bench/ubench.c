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
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
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

/* The same through int 0x80 itself, not the vDSO's sysenter. */
static void bench_int80(void)
{
	const int reps = 20000;
	uint64_t t0;
	long r;

	t0 = rdtsc();
	for (int i = 0; i < reps; i++)
		__asm__ volatile("int $0x80" : "=a"(r) : "0"(SYS_getpid) : "memory");
	record("null system call by int 0x80 (getpid)", rdtsc() - t0, reps);
}

/* clock_gettime(CLOCK_MONOTONIC), which glibc makes through the vDSO. */
static void bench_clock_gettime(void)
{
	const int reps = 20000;
	struct timespec t;
	uint64_t t0;

	clock_gettime(CLOCK_MONOTONIC, &t);
	t0 = rdtsc();
	for (int i = 0; i < reps; i++)
		clock_gettime(CLOCK_MONOTONIC, &t);
	record("clock_gettime(CLOCK_MONOTONIC)", rdtsc() - t0, reps);
}

/* poll of n pipes with nothing to read, not waiting. */
static void poll_pipes(const char *name, int n)
{
	struct pollfd p[64];
	int fds[64][2];
	const int reps = 2000;
	uint64_t t0;

	for (int i = 0; i < n; i++) {
		if (pipe(fds[i]))
			die("ubench: pipe");
		p[i] = (struct pollfd){ fds[i][0], POLLIN, 0 };
	}
	poll(p, (nfds_t)n, 0);
	t0 = rdtsc();
	for (int i = 0; i < reps; i++)
		poll(p, (nfds_t)n, 0);
	record(name, rdtsc() - t0, reps);
	for (int i = 0; i < n; i++)
		close(fds[i][0]), close(fds[i][1]);
}

static void bench_poll(void)
{
	poll_pipes("poll of 1 pipe, nothing ready", 1);
	poll_pipes("poll of 64 pipes, nothing ready", 64);
}

/* How far past its time a 1 ms nanosleep ends, in ns (under -icount, an
 * instruction is a ns: the figure is exact). */
static void bench_sleep(void)
{
	const int reps = 20;
	struct timespec a, b;
	uint64_t late = 0;

	for (int i = 0; i < reps; i++) {
		clock_gettime(CLOCK_MONOTONIC, &a);
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
		clock_gettime(CLOCK_MONOTONIC, &b);
		late += (uint64_t)((b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec) - 1000000);
	}
	record("1 ms nanosleep: ns late", late, reps);
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

/* ---- files: tmpfs in /tmp (user/init.c mounts it on both kernels) ---- */

#define UB_DIR          "/tmp/ub"
#define UB_CROWD        5000    /* files beside the one looked up */
#define UB_FILE_MIB     8

/* A file of `bytes` written with write(), its descriptor open O_RDWR. */
static int make_file(const char *path, size_t bytes)
{
	static char block[PAGE];
	int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);

	if (fd < 0)
		die("ubench: open");
	memset(block, 'u', sizeof(block));
	for (size_t done = 0; done < bytes; done += sizeof(block))
		if (write(fd, block, sizeof(block)) != (ssize_t)sizeof(block))
			die("ubench: write");
	return fd;
}

/* stat and open + close of a three-component path, in a directory that
 * holds UB_CROWD other files: what a lookup costs when there are many. */
static void bench_lookup(void)
{
	const int reps = 500;
	char name[64];
	struct stat st;
	uint64_t t0 = 0;

	if (mkdir(UB_DIR, 0755) || mkdir(UB_DIR "/d", 0755))
		die("ubench: mkdir");
	for (int i = 0; i < UB_CROWD; i++) {
		snprintf(name, sizeof(name), UB_DIR "/d/crowd%d", i);
		close(make_file(name, 0));
	}
	close(make_file(UB_DIR "/d/f", PAGE));
	for (int i = -1; i < reps; i++) {
		if (i == 0)
			t0 = rdtsc();
		if (stat(UB_DIR "/d/f", &st))
			die("ubench: stat");
	}
	record("stat, 3 components, 5,000 files beside", rdtsc() - t0, reps);
	for (int i = -1; i < reps; i++) {
		if (i == 0)
			t0 = rdtsc();
		close(open(UB_DIR "/d/f", O_RDONLY));
	}
	record("open + close, 3 components, 5,000 files beside", rdtsc() - t0, reps);
	for (int i = 0; i < UB_CROWD; i++) {
		snprintf(name, sizeof(name), UB_DIR "/d/crowd%d", i);
		unlink(name);
	}
	unlink(UB_DIR "/d/f");
	rmdir(UB_DIR "/d");
	rmdir(UB_DIR);
}

/* write() of 4 KiB at a time into a tmpfs file, to 4 MiB. */
static void bench_write(void)
{
	static char block[PAGE];
	const int writes = 1024;
	uint64_t total = 0;

	memset(block, 'w', sizeof(block));
	for (int round = -1; round < 2; round++) {
		int fd = open("/tmp/ub-write", O_CREAT | O_RDWR | O_TRUNC, 0644);
		uint64_t t0 = rdtsc();

		for (int i = 0; i < writes; i++)
			if (write(fd, block, sizeof(block)) != (ssize_t)sizeof(block))
				die("ubench: write");
		if (round >= 0)
			total += rdtsc() - t0;
		close(fd);
		unlink("/tmp/ub-write");
	}
	record("write 4 KiB to a tmpfs file", total, 2 * writes);
}

/* Faults on a mapped file whose pages are in the page cache: every page
 * of an 8 MiB file in order, then one page at a time in a scattered
 * order (each fault its own, where fault-around cannot help). */
static void bench_file_faults(void)
{
	const size_t bytes = UB_FILE_MIB * MIB, pages = bytes / PAGE;
	int fd = make_file("/tmp/ub-map", bytes);
	volatile char *p;
	uint64_t t0, total = 0;
	char sum = 0;

	for (int round = -1; round < 2; round++) {
		p = mmap(NULL, bytes, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED)
			die("ubench: mmap");
		t0 = rdtsc();
		for (size_t i = 0; i < pages; i++)
			sum += p[i * PAGE];
		if (round >= 0)
			total += rdtsc() - t0;
		munmap((void *)p, bytes);
	}
	record("map an 8 MiB file, touch every page, per page", total, 2 * pages);
	total = 0;
	for (int round = -1; round < 2; round++) {
		p = mmap(NULL, bytes, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED)
			die("ubench: mmap");
		t0 = rdtsc();
		/* 1031 is prime and more than 16: consecutive touches are
		 * never in one fault-around window; every page comes once. */
		for (size_t i = 0, at = 0; i < pages; i++, at = (at + 1031) % pages)
			sum += p[at * PAGE];
		if (round >= 0)
			total += rdtsc() - t0;
		munmap((void *)p, bytes);
	}
	record("read fault on a cached file page, scattered", total, 2 * pages);
	(void)sum;
	close(fd);
	unlink("/tmp/ub-map");
}

/* LMbench's bw_pipe: a child writes 8 MiB into a pipe chunk bytes at a
 * time, the parent reads it as much at a time; per KiB moved. */
static void pipe_with(const char *name, size_t chunk)
{
	const size_t total = 8u << 20;
	char *buf = map_anon(chunk);
	uint64_t t0, sum = 0;
	int fds[2], status;

	touch(buf, chunk);
	for (int round = -1; round < 2; round++) {
		pid_t pid;

		if (pipe(fds))
			die("ubench: pipe");
		t0 = rdtsc();
		if ((pid = fork()) == 0) {
			close(fds[0]);
			for (size_t done = 0; done < total; done += chunk)
				if (write(fds[1], buf, chunk) != (ssize_t)chunk)
					_exit(1);
			_exit(0);
		}
		close(fds[1]);
		for (size_t done = 0; done < total;) {
			ssize_t n = read(fds[0], buf, chunk);

			if (n <= 0)
				die("ubench: read from the pipe");
			done += (size_t)n;
		}
		if (waitpid(pid, &status, 0) != pid || status != 0)
			die("ubench: the pipe's writer");
		if (round >= 0)
			sum += rdtsc() - t0;
		close(fds[0]);
	}
	munmap(buf, chunk);
	record(name, sum, 2 * (total / 1024));
}

static void bench_pipe(void)
{
	pipe_with("pipe bandwidth, per KiB (bw_pipe: 64 KiB writes)", 64 * 1024);
	pipe_with("pipe bandwidth, per KiB (4 KiB writes)", 4096);
}

static volatile int caught;
static char *prot_page;

static void on_usr1(int sig)
{
	(void)sig;
	caught++;
}

/* LMbench's lat_sig prot: the page is made writable again, and the store
 * that faulted goes through. */
static void on_segv(int sig)
{
	(void)sig;
	caught++;
	if (mprotect(prot_page, PAGE, PROT_READ | PROT_WRITE))
		die("ubench: mprotect in the handler");
}

/* Signals as LMbench's lat_sig measures them: installing a handler
 * (sigaction), a signal sent to oneself and handled (catch), and a
 * SIGSEGV handler that mprotects the page and returns (prot). */
static void bench_signals(void)
{
	struct sigaction sa;
	const int n = 2000;
	uint64_t t0, total = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	for (int round = -1; round < 2; round++) {
		t0 = rdtsc();
		for (int i = 0; i < n; i++)
			if (sigaction(SIGUSR1, &sa, NULL))
				die("ubench: sigaction");
		if (round >= 0)
			total += rdtsc() - t0;
	}
	record("sigaction", total, 2 * n);
	total = 0;
	for (int round = -1; round < 2; round++) {
		t0 = rdtsc();
		for (int i = 0; i < n; i++)
			kill(getpid(), SIGUSR1);
		if (round >= 0)
			total += rdtsc() - t0;
	}
	record("signal to oneself, handled (lat_sig catch)", total, 2 * n);
	prot_page = map_anon(PAGE);
	sa.sa_handler = on_segv;
	if (sigaction(SIGSEGV, &sa, NULL))
		die("ubench: sigaction");
	total = 0;
	for (int round = -1; round < 2; round++) {
		t0 = rdtsc();
		for (int i = 0; i < n; i++) {
			if (mprotect(prot_page, PAGE, PROT_READ))
				die("ubench: mprotect");
			((volatile char *)prot_page)[0] = 1;
		}
		if (round >= 0)
			total += rdtsc() - t0;
	}
	record("SIGSEGV handler that mprotects and returns (lat_sig prot)", total, 2 * n);
	signal(SIGSEGV, SIG_DFL);
	munmap(prot_page, PAGE);
	if (caught != 6 * n)
		die("ubench: a signal went missing");
}

static const struct {
	const char *key;
	void (*run)(void);
} benches[] = {
	{ "getpid", bench_null_syscall },
	{ "int80", bench_int80 },
	{ "clock", bench_clock_gettime },
	{ "poll", bench_poll },
	{ "sleep", bench_sleep },
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
	{ "lookup", bench_lookup },
	{ "write", bench_write },
	{ "filefault", bench_file_faults },
	{ "signals", bench_signals },
	{ "pipe", bench_pipe },
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
