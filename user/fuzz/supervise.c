/*
 * sysfuzz's supervisor: sets up the ring and the sentinels, forks the
 * workers of each round, runs the watchdog, checks the oracles a worker
 * cannot check itself (how it died, the parent's memory, free memory),
 * and prints what went wrong with the last calls of the worker concerned.
 * Included by sysfuzz.c; it may use libc (it never breaks its own %gs).
 */

struct opts {
	uint64_t seed;
	int rounds, calls, jobs, from, watchdog, verbose;
};

static struct {
	unsigned long long calls;
	int workers, killed, segv, bus, kill, pipe, other, watchdog, failures;
	int zombies, mem_checks, mem_skipped;
	char first[300];
} st;

static const char *sys_name(uint32_t nr)
{
	static const struct { uint32_t nr; const char *name; } names[] = {
		{ 1, "exit" }, { 2, "fork" }, { 3, "read" }, { 4, "write" }, { 5, "open" }, { 6, "close" },
		{ 11, "execve" }, { 13, "time" }, { 19, "lseek" }, { 20, "getpid" }, { 27, "alarm" }, { 29, "pause" }, { 33, "access" },
		{ 37, "kill" }, { 41, "dup" }, { 43, "times" }, { 48, "signal" }, { 42, "pipe" }, { 45, "brk" }, { 54, "ioctl" },
		{ 55, "fcntl" }, { 63, "dup2" }, { 64, "getppid" }, { 67, "sigaction" }, { 68, "sgetmask" }, { 69, "ssetmask" }, { 72, "sigsuspend" }, { 73, "sigpending" }, { 254, "epoll_create" }, { 255, "epoll_ctl" }, { 256, "epoll_wait" }, { 319, "epoll_pwait" }, { 323, "eventfd" }, { 328, "eventfd2" }, { 329, "epoll_create1" }, { 441, "epoll_pwait2" }, { 259, "timer_create" }, { 260, "timer_settime" }, { 261, "timer_gettime" }, { 262, "timer_getoverrun" }, { 263, "timer_delete" }, { 408, "timer_gettime64" }, { 409, "timer_settime64" }, { 322, "timerfd_create" }, { 325, "timerfd_settime" }, { 326, "timerfd_gettime" }, { 410, "timerfd_gettime64" }, { 411, "timerfd_settime64" }, { 77, "getrusage" }, { 78, "gettimeofday" }, { 79, "settimeofday" },
		{ 85, "readlink" }, { 88, "reboot" }, { 90, "mmap" }, { 91, "munmap" }, { 114, "wait4" },
		{ 104, "setitimer" }, { 105, "getitimer" }, { 116, "sysinfo" }, { 120, "clone" }, { 122, "uname" }, { 125, "mprotect" }, { 126, "sigprocmask" },
		{ 140, "_llseek" }, { 145, "readv" }, { 146, "writev" }, { 158, "sched_yield" },
		{ 162, "nanosleep" }, { 163, "mremap" }, { 172, "prctl" }, { 174, "rt_sigaction" },
		{ 175, "rt_sigprocmask" }, { 179, "rt_sigsuspend" }, { 183, "getcwd" }, { 190, "vfork+execve" }, { 191, "ugetrlimit" },
		{ 192, "mmap2" }, { 195, "stat64" }, { 196, "lstat64" }, { 197, "fstat64" },
		{ 199, "getuid32" }, { 218, "mincore" }, { 219, "madvise" }, { 220, "getdents64" },
		{ 221, "fcntl64" }, { 224, "gettid" }, { 238, "tkill" }, { 240, "futex" },
		{ 243, "set_thread_area" }, { 244, "get_thread_area" }, { 252, "exit_group" },
		{ 258, "set_tid_address" }, { 264, "clock_settime" }, { 265, "clock_gettime" }, { 266, "clock_getres" },
		{ 270, "tgkill" }, { 295, "openat" }, { 300, "fstatat64" }, { 307, "faccessat" },
		{ 311, "set_robust_list" }, { 330, "dup3" }, { 331, "pipe2" }, { 340, "prlimit64" },
		{ 355, "getrandom" }, { NR_TOUCH, "touch(addr, write)" }, { 383, "statx" }, { 1000, "pagoda_pagewalk" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].nr == nr)
			return names[i].name;
	return NULL;
}

/* The last calls of a slot, oldest first, decoded. */
static void print_calls(const struct fz_slot *s, int n)
{
	uint32_t seq = s->seq, first = seq > (uint32_t)n ? seq - (uint32_t)n : 0;

	printf("sysfuzz:   the last %u calls (pid call(args) = result):\n", seq - first);
	for (uint32_t i = first; i < seq; i++) {
		const struct fz_entry *e = &s->log[i % RING_ENTRIES];
		const char *name = sys_name(e->nr);
		char nbuf[16];

		if (!name)
			snprintf(nbuf, sizeof(nbuf), "sys_%u", e->nr), name = nbuf;
		printf("sysfuzz:     [%d] %s(%#x, %#x, %#x, %#x, %#x, %#x) = ", e->pid, name, e->a[0],
		       e->a[1], e->a[2], e->a[3], e->a[4], e->a[5]);
		if (e->done)
			printf("%d%s\n", e->ret, e->ret < 0 && e->ret > -4096 ? " (-errno)" : "");
		else
			printf("(did not return)\n");
	}
}

static void failure(const struct opts *o, int round, int job, const struct fz_slot *s,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Report a broken oracle of round/job (job -1: the round as a whole). */
static void failure(const struct opts *o, int round, int job, const struct fz_slot *s,
		    const char *fmt, ...)
{
	char why[240];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	printf("sysfuzz: seed %llu round %d worker %d: FAILED: %s\n", (unsigned long long)o->seed,
	       round, job, why);
	printf("sysfuzz:   replay: /bin/sysfuzz --seed %llu --from %d --rounds 1 --calls %d --jobs %d\n",
	       (unsigned long long)o->seed, round, o->calls, o->jobs);
	if (s)
		print_calls(s, 16);
	fflush(stdout);
	if (!st.failures++)
		snprintf(st.first, sizeof(st.first), "round %d worker %d: %s", round, job, why);
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static void nap(long ns)
{
	struct timespec t = { 0, ns };

	nanosleep(&t, NULL);
}

static uint8_t parent_byte(uint32_t i)
{
	return (uint8_t)(i * 13 + 0xa5);
}

static void *map_fixed(uint32_t va, uint32_t len, int prot, int flags, int fd)
{
	void *p = mmap((void *)va, len, prot, flags | MAP_FIXED, fd, 0);

	if (p != (void *)va) {
		printf("sysfuzz: cannot map %#x: %s\n", va, strerror(errno));
		exit(2);
	}
	return p;
}

/* Remove everything under dir (depth first), with no allocation: the
 * names a round made in FZ_DIR, so that free memory can be compared. */
static void remove_tree(const char *dir)
{
	char dents[4096], path[512];
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW), removed = 1;
	long n;

	if (fd < 0)
		return;
	while (removed && (n = syscall(SYS_getdents64, fd, dents, sizeof(dents))) > 0) {
		removed = 0;
		for (long off = 0; off < n; off += *(uint16_t *)(dents + off + 16)) {
			const char *name = dents + off + 19;

			if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, name);
			if (dents[off + 18] == DT_DIR)
				remove_tree(path);
			if (unlink(path) != 0 && rmdir(path) != 0)
				printf("sysfuzz: cannot remove %s: errno %d\n", path, errno);
			else
				removed = 1;
		}
		lseek(fd, 0, SEEK_SET);         /* the listing shrank: from the start again */
	}
	close(fd);
}

/* The deepest mount point under FZ_DIR in /proc/mounts, into path: 0 if
 * there is none. Read with no allocation, as remove_tree is. */
static int fz_deepest_mount(char *path, size_t size)
{
	static char text[16384];
	int fd = open("/proc/mounts", O_RDONLY);
	long n = fd < 0 ? -1 : read(fd, text, sizeof(text) - 1);
	size_t best = 0;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return 0;
	text[n] = '\0';
	for (char *line = text; line && *line;) {
		char *next = strchr(line, '\n'), *point = strchr(line, ' '), *end;

		if (next)
			*next++ = '\0';
		if (point && (end = strchr(++point, ' ')) && strncmp(point, FZ_DIR "/", sizeof(FZ_DIR)) == 0 &&
		    (size_t)(end - point) >= best && (size_t)(end - point) < size) {
			best = (size_t)(end - point);
			memcpy(path, point, best);
			path[best] = '\0';
		}
		line = next;
	}
	return best > 0;
}

/* FZ_DIR, empty: made at the start and after every round. What the
 * workers mounted in it is unmounted first, the deepest first. */
static void fz_reset(void)
{
	char point[512];

	for (int i = 0; i < 64 && fz_deepest_mount(point, sizeof(point)); i++)
		if (syscall(SYS_umount2, point, 0) != 0)
			printf("sysfuzz: cannot unmount %s: errno %d\n", point, errno);
	remove_tree(FZ_DIR);
	mkdir(FZ_DIR, 0755);
}

/* The ring, the sentinels, the parent's region and the edge page, all at
 * their fixed addresses (sysfuzz.h); the ring is touched now, so that its
 * first use by a worker does not count against free memory. */
static void setup(void)
{
	uint8_t *p;
	int fd;

	memset(map_fixed(RING_VA, sizeof(struct fz_ring), PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1), 0, sizeof(struct fz_ring));
	p = map_fixed(SENT_ANON_VA, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	for (uint32_t i = 0; i < PAGE; i++)
		p[i] = sentinel_byte(i);
	mprotect(p, PAGE, PROT_READ);
	p = map_fixed(SENT_REF_VA, LINES_MAX, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	fd = open("/etc/lines.txt", O_RDONLY);
	lines_len = fd < 0 ? -1 : read(fd, p, LINES_MAX);
	mprotect(p, LINES_MAX, PROT_READ);
	if (lines_len <= 0) {
		printf("sysfuzz: cannot read /etc/lines.txt\n");
		exit(2);
	}
	map_fixed(SENT_FILE_VA, LINES_MAX, PROT_READ, MAP_PRIVATE, fd);
	close(fd);
	p = map_fixed(PARENT_VA, PARENT_LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	for (uint32_t i = 0; i < PARENT_LEN; i++)
		p[i] = parent_byte(i);
	memset(map_fixed(SCRATCH_VA, SCRATCH_LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1),
	       0, SCRATCH_LEN);
	memset(map_fixed(EDGE_VA, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1), 0, PAGE);
	fz_reset();
}

/* Oracle d: nothing a child did reached the parent's region. */
static int parent_intact(void)
{
	const uint8_t *p = (const uint8_t *)PARENT_VA;

	for (uint32_t i = 0; i < PARENT_LEN; i++)
		if (p[i] != parent_byte(i))
			return 0;
	return 1;
}

/* The orphans init holds: live (returned) and zombies (*zombies), from
 * the /proc directory, with no allocation (getdents64 into a static
 * buffer, procfile.h's static reads). Kills the live ones if asked. */
static int orphans(int *zombies, int kill_them)
{
	static char dents[16384], text[4096];
	int fd = open("/proc", O_RDONLY | O_DIRECTORY), live = 0, self = getpid();
	long n;

	*zombies = 0;
	if (fd < 0)
		return 0;
	while ((n = syscall(SYS_getdents64, fd, dents, sizeof(dents))) > 0)
		for (long off = 0; off < n;) {
			const char *name = dents + off + 19;    /* d_ino 8, d_off 8, reclen 2, type 1 */
			char path[64];
			int pid = atoi(name);

			off += *(uint16_t *)(dents + off + 16);
			if (pid <= 1 || pid == self)
				continue;
			snprintf(path, sizeof(path), "/proc/%d/status", pid);
			if (read_file(path, text, sizeof(text)) < 0 || strstr(text, "State:\tZ")) {
				if (read_file(path, text, sizeof(text)) < 0 || field(text, "PPid") == 1)
					(*zombies)++;
				continue;
			}
			if (field(text, "PPid") != 1)
				continue;               /* a kernel thread, on Linux */
			live++;
			if (kill_them)
				kill(pid, SIGKILL);
		}
	close(fd);
	return live;
}

/* Wait until init holds no orphans, live (killed after 3 s) or dead (init
 * reaps them, user/init.c); the number still there after 6 s. */
static int settle(void)
{
	double start = now();
	int zombies, live;

	while (((live = orphans(&zombies, now() - start > 3.0)) > 0 || zombies > 0) &&
	       now() - start < 6.0)
		nap(10000000);
	return live + zombies;
}

/* Oracle b for a worker: may it have ended with wait status ws? */
static void judge(const struct opts *o, int round, int job, const struct fz_slot *s, int ws)
{
	int sig = WIFSIGNALED(ws) ? WTERMSIG(ws) : 0;

	if (WIFEXITED(ws)) {
		if (WEXITSTATUS(ws) == EXIT_SENTINEL || WEXITSTATUS(ws) == EXIT_ORACLE)
			failure(o, round, job, s, "%s", s->msg[0] ? s->msg : "an oracle broke");
		else if (WEXITSTATUS(ws) != 0 && s->may_segv < 2)
			failure(o, round, job, s, "exit status %d%s%s", WEXITSTATUS(ws),
				s->msg[0] ? ": " : "", s->msg);
		return;
	}
	st.killed++;
	if (o->verbose) {
		printf("sysfuzz: round %d worker %d: killed by signal %d (may_segv %u)\n", round, job, sig,
		       s->may_segv);
		print_calls(s, 6);
	}
	if (sig == SIGSEGV)
		st.segv++;
	else if (sig == SIGBUS)
		st.bus++;
	else if (sig == SIGKILL)
		st.kill++;
	else if (sig == SIGPIPE)
		st.pipe++;
	else
		st.other++;
	if (sig == SIGKILL || sig == SIGPIPE || sig_was_sent(s, sig))
		return;
	if ((sig == SIGSEGV || sig == SIGBUS) && s->may_segv)
		return;
	if ((sig == SIGILL || sig == SIGFPE || sig == SIGTRAP) && s->may_segv >= 2)
		return;                 /* what runs now may be anything */
	failure(o, round, job, s, "killed by signal %d (%s), which nothing here explains", sig,
		strsignal(sig));
}

/* The workers' children the ring records: killed on a watchdog's word. */
static void kill_kids(const struct fz_slot *s)
{
	for (int i = 0; i < MAX_KIDS; i++)
		if (s->kid_pid[i] > 1)
			kill(s->kid_pid[i], SIGKILL);
}

/* Start life `life` of worker j: its seed mixes the run's, the round, the
 * worker and the life, so a round replays alone. Returns the pid. */
static pid_t spawn(const struct opts *o, int round, int j, int life, int calls)
{
	struct fz_slot *s = &((struct fz_ring *)RING_VA)->slot[j];
	uint64_t seed = o->seed * 0x100000001b3ull ^ ((uint64_t)round << 32) ^ ((uint64_t)life << 8) ^
			(uint64_t)j;
	pid_t pid;

	memset((void *)s->kid_pid, 0, sizeof(s->kid_pid));
	memset((void *)s->sent_mask, 0, sizeof(s->sent_mask));
	s->may_segv = 0, s->fork_advised = 0, s->msg[0] = '\0';
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		worker_main(s, seed, calls);
	if (pid < 0)
		failure(o, round, j, NULL, "fork: %s", strerror(errno));
	st.workers++;
	return pid;
}

/* One round: each worker makes its calls, in as many lives as it takes
 * (a worker that dies of a legitimate fault is followed by a new one for
 * the calls left); the watchdog kills a life that runs too long. */
static void round_run(const struct opts *o, int round)
{
	struct fz_ring *ring = (struct fz_ring *)RING_VA;
	pid_t pid[MAX_WORKERS];
	int live = 0, ws, life[MAX_WORKERS] = { 0 };
	double start[MAX_WORKERS];

	memset(ring, 0, sizeof(*ring));
	for (int j = 0; j < o->jobs; j++) {
		pid[j] = spawn(o, round, j, 0, o->calls);
		start[j] = now();
		live += pid[j] > 0;
	}
	while (live > 0) {
		for (int j = 0; j < o->jobs; j++) {
			struct fz_slot *s = &ring->slot[j];

			if (pid[j] <= 0)
				continue;
			if (waitpid(pid[j], &ws, WNOHANG) == pid[j]) {
				judge(o, round, j, s, ws);
			} else if (now() - start[j] > o->watchdog) {
				printf("sysfuzz: seed %llu round %d worker %d: watchdog: still running after %d s, killed\n",
				       (unsigned long long)o->seed, round, j, o->watchdog);
				print_calls(s, 4);
				kill(pid[j], SIGKILL);
				kill_kids(s);
				waitpid(pid[j], &ws, 0);
				st.watchdog++;
			} else {
				continue;
			}
			pid[j] = 0, live--;
			if ((int)s->calls < o->calls && ++life[j] < 200 && !WIFEXITED(ws)) {
				pid[j] = spawn(o, round, j, life[j], o->calls - (int)s->calls);
				start[j] = now();
				live += pid[j] > 0;
			}
		}
		sched_yield();
		nap(2000000);
	}
	for (int j = 0; j < o->jobs; j++)
		st.calls += ring->slot[j].calls;
	if (!parent_intact())
		failure(o, round, -1, NULL, "a child changed its parent's memory (the patterned region)");
}

static int parse(int argc, char **argv, struct opts *o)
{
	*o = (struct opts){ .seed = 1, .rounds = 8, .calls = 400, .jobs = 1, .from = 0, .watchdog = 30 };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--verbose") == 0) {
			o->verbose = 1;
			continue;
		}
		if (!v)
			return -1;
		if (strcmp(a, "--seed") == 0)
			o->seed = strtoull(v, NULL, 0);
		else if (strcmp(a, "--rounds") == 0)
			o->rounds = atoi(v);
		else if (strcmp(a, "--calls") == 0)
			o->calls = atoi(v);
		else if (strcmp(a, "--jobs") == 0)
			o->jobs = atoi(v);
		else if (strcmp(a, "--from") == 0)
			o->from = atoi(v);
		else if (strcmp(a, "--watchdog") == 0)
			o->watchdog = atoi(v);
		else
			return -1;
		i++;
	}
	return o->jobs >= 1 && o->jobs <= MAX_WORKERS && o->rounds >= 0 && o->calls >= 0 ? 0 : -1;
}

static int on_pagoda(void)
{
	struct utsname u;

	return uname(&u) == 0 && strstr(u.release, "pagoda") != NULL;
}

/* Oracle e, after a round: once init holds no orphans, free memory (with
 * the supervisor's own resident pages and page tables) is exactly the
 * baseline; if some are left (one that would not die, or init
 * too slow to reap) as many as when the baseline was taken, the same, else
 * the baseline is taken again and the round counted as skipped. */
static void check_memory(const struct opts *o, int round, long *base, int *base_zombies)
{
	int zombies = settle();
	/* The supervisor's own pages count as free: the first time a round
	 * takes it down a new path it faults in a stack page of its own, or
	 * copies a data page, which is not the kernel's to give back. Its
	 * text is the page cache's (Shmem), which counts as a whole. */
	long free_kb = (long)file_field("/proc/meminfo", "MemFree") +
		       (long)file_field("/proc/meminfo", "Shmem") +
		       (long)file_field("/proc/self/status", "RssAnon") +
		       (long)file_field("/proc/self/status", "VmPTE");

	st.zombies = zombies;
	if (zombies != *base_zombies || round < 0) {
		st.mem_skipped++;
		*base = free_kb, *base_zombies = zombies;
		return;
	}
	st.mem_checks++;
	if (free_kb != *base) {
		failure(o, round, -1, NULL, "MemFree + Shmem + own RssAnon + VmPTE %ld kB after the round, %ld kB before the first",
			free_kb, *base);
		*base = free_kb;
	}
}

static int supervise(int argc, char **argv)
{
	struct opts o;
	int pagoda = on_pagoda(), base_zombies = 0;
	long base = 0;
	double start;

	if (parse(argc, argv, &o) < 0) {
		printf("usage: sysfuzz --seed S [--rounds R] [--calls C] [--jobs 1-4] [--from R0] "
		       "[--watchdog SECS] [--verbose]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("sysfuzz: seed %llu: rounds %d-%d, %d calls per worker, %d workers at once%s\n",
	       (unsigned long long)o.seed, o.from, o.from + o.rounds - 1, o.calls, o.jobs,
	       pagoda ? "" : " (not Pagoda: no MemFree oracle)");
	setup();
	/* A round of nothing first: the supervisor's own first touches (fork,
	 * waitpid, /proc, meminfo) happen before the baseline. */
	round_run(&(struct opts){ .seed = 0, .rounds = 1, .calls = 0, .jobs = o.jobs, .watchdog = 30 }, -1);
	fz_reset();
	st.workers = 0;
	if (pagoda) {
		for (int i = 0; i < 3; i++)
			check_memory(&o, -1, &base, &base_zombies);
		st.mem_checks = st.mem_skipped = 0;
	}
	start = now();
	for (int r = o.from; r < o.from + o.rounds; r++) {
		round_run(&o, r);
		fz_reset();
		if (pagoda)
			check_memory(&o, r, &base, &base_zombies);
	}
	printf("sysfuzz: seed %llu: %llu calls in %.1f s, %d workers, %d killed by signals "
	       "(SEGV %d, BUS %d, KILL %d, PIPE %d, other %d), %d watchdog kills%s, %d orphan zombies, "
	       "MemFree checked %d times (%d skipped)",
	       (unsigned long long)o.seed, st.calls, now() - start, st.workers, st.killed, st.segv, st.bus,
	       st.kill, st.pipe, st.other, st.watchdog,
	       st.watchdog > o.rounds / 4 ? " (often: a call sleeps too long?)" : "", st.zombies,
	       st.mem_checks, st.mem_skipped);
	if (st.failures)
		printf(": FAILED (%d broken oracles; first: %s)\n", st.failures, st.first);
	else
		printf(": ok\n");
	return st.failures ? 1 : 0;
}
