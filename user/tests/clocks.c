/*
 * The clocks, against Linux: which ids exist and what each call says of
 * each (results and error numbers, in Linux's order of checks), setting
 * the wall clock (clock_settime, settimeofday and its time zone, seen by
 * time, gettimeofday and a file's times, while MONOTONIC goes on),
 * nanosecond resolution, CPU time (the process's, and a child's through
 * clock_getcpuclockid), getrusage's figures and /proc/stat's. Nothing printed depends on how fast the
 * machine is; the few bounds on elapsed time are wide.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include "check.h"

struct ts32 { int32_t sec, nsec; };

/* The 32-bit time calls by number (musl names them *_time32). */
#define NR_gettimeofday         78
#define NR_settimeofday         79
#define NR_clock_settime        264
#define NR_clock_gettime        265
#define NR_clock_getres         266
#define NR_clock_nanosleep      267

static long raw(long nr, long a, long b, long c, long d)
{
	return syscall(nr, a, b, c, d);
}

static uint64_t ns_of(clockid_t id)
{
	struct timespec t;

	CHECK(clock_gettime(id, &t) == 0);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

/* Every id from -1 to 12: whether it reads, its resolution, whether one
 * may sleep on it, and whether it can be set (to what it says now). */
static void ids(void)
{
	char what[64];

	for (int id = -1; id <= 12; id++) {
		struct ts32 t = { 0, 0 }, res = { 0, 0 }, zero = { 0, 0 };
		long r;

		snprintf(what, sizeof(what), "clock %d: gettime", id);
		show_ret(what, raw(NR_clock_gettime, id, (long)&t, 0, 0));
		snprintf(what, sizeof(what), "clock %d: getres", id);
		r = raw(NR_clock_getres, id, (long)&res, 0, 0);
		show_ret(what, r);
		if (r == 0)
			printf("  resolution %s\n", res.sec == 0 && res.nsec == 1 ? "1 ns" :
			       res.sec == 0 && res.nsec >= 1000000 ? "a tick" : "other");
		snprintf(what, sizeof(what), "clock %d: getres(NULL)", id);
		show_ret(what, raw(NR_clock_getres, id, 0, 0, 0));
		snprintf(what, sizeof(what), "clock %d: nanosleep 0", id);
		show_ret(what, raw(NR_clock_nanosleep, id, 0, (long)&zero, 0));
		snprintf(what, sizeof(what), "clock %d: settime, a bad pointer", id);
		show_ret(what, raw(NR_clock_settime, id, 8, 0, 0));
		if (id != CLOCK_REALTIME) {
			snprintf(what, sizeof(what), "clock %d: settime", id);
			show_ret(what, raw(NR_clock_settime, id, (long)&t, 0, 0));
		}
	}
}

static void errors(void)
{
	struct ts32 bad_ns = { 1, 1000000000 }, neg = { -1, 0 }, ok = { 0, 1 };
	struct timeval tv;
	struct { int minuteswest, dsttime; } tz = { 901, 0 };

	show_ret("clock_gettime, a bad pointer", raw(NR_clock_gettime, CLOCK_MONOTONIC, 8, 0, 0));
	show_ret("clock_getres, a bad pointer", raw(NR_clock_getres, CLOCK_MONOTONIC, 8, 0, 0));
	show_ret("clock_settime, nanoseconds of a second", raw(NR_clock_settime, CLOCK_REALTIME, (long)&bad_ns, 0, 0));
	show_ret("clock_settime, before 1970", raw(NR_clock_settime, CLOCK_REALTIME, (long)&neg, 0, 0));
	show_ret("clock_settime, before the machine booted", raw(NR_clock_settime, CLOCK_REALTIME, (long)&ok, 0, 0));
	show_ret("clock_settime of the process's CPU clock, bad ns",
	     raw(NR_clock_settime, CLOCK_PROCESS_CPUTIME_ID, (long)&bad_ns, 0, 0));
	show_ret("clock_nanosleep, a bad pointer", raw(NR_clock_nanosleep, CLOCK_MONOTONIC, 0, 8, 0));
	show_ret("clock_nanosleep, nanoseconds of a second",
	     raw(NR_clock_nanosleep, CLOCK_MONOTONIC, 0, (long)&bad_ns, 0));
	show_ret("clock_nanosleep, absolute, in the past", raw(NR_clock_nanosleep, CLOCK_MONOTONIC, 1, (long)&ok, 0));
	show_ret("gettimeofday, a bad tz", raw(NR_gettimeofday, (long)&tv, 8, 0, 0));
	show_ret("settimeofday, a bad tv", raw(NR_settimeofday, 8, 0, 0, 0));
	tv = (struct timeval){ 2000000000, 1000000 };
	show_ret("settimeofday, a million microseconds", raw(NR_settimeofday, (long)&tv, 0, 0, 0));
	tv = (struct timeval){ 2000000000, -1 };
	show_ret("settimeofday, negative microseconds", raw(NR_settimeofday, (long)&tv, 0, 0, 0));
	tv = (struct timeval){ 2000000000, 0 };
	show_ret("settimeofday, a good tv, a bad tz", raw(NR_settimeofday, (long)&tv, 8, 0, 0));
	show_ret("settimeofday, a zone 15 h 1 min west", raw(NR_settimeofday, 0, (long)&tz, 0, 0));
	tz.minuteswest = -901;
	show_ret("settimeofday, a zone 15 h 1 min east", raw(NR_settimeofday, 0, (long)&tz, 0, 0));
	show_ret("settimeofday(NULL, NULL)", raw(NR_settimeofday, 0, 0, 0, 0));
}

/* The wall clock set, read back every way; MONOTONIC does not jump. */
static void setting(void)
{
	struct timeval tv = { 2000000000, 250000 };
	struct { int minuteswest, dsttime; } tz = { 60, 0 }, got = { 0, 0 };
	struct timespec ts = { 2100000000, 0 };
	uint64_t mono = ns_of(CLOCK_MONOTONIC);
	struct stat st;
	time_t now;
	int fd;

	CHECK(raw(NR_settimeofday, (long)&tv, (long)&tz, 0, 0) == 0);
	CHECK(raw(NR_gettimeofday, (long)&tv, (long)&got, 0, 0) == 0);
	printf("settimeofday: gettimeofday within 2 s: %s, the zone back: %d west, dst %d\n",
	       tv.tv_sec >= 2000000000 && tv.tv_sec < 2000000002 ? "yes" : "no", got.minuteswest, got.dsttime);
	now = time(NULL);
	printf("time() agrees: %s\n", now >= 2000000000 && now < 2000000002 ? "yes" : "no");
	printf("CLOCK_REALTIME_COARSE agrees: %s\n",
	       ns_of(CLOCK_REALTIME_COARSE) / 1000000000ull - 2000000000ull < 2 ? "yes" : "no");
	printf("CLOCK_TAI agrees: %s\n", ns_of(CLOCK_TAI) / 1000000000ull - 2000000000ull < 2 ? "yes" : "no");
	CHECK((fd = open("/tmp/clocks-file", O_CREAT | O_WRONLY | O_TRUNC, 0644)) >= 0);
	CHECK(fstat(fd, &st) == 0 && close(fd) == 0 && unlink("/tmp/clocks-file") == 0);
	printf("a new file's mtime is the new time: %s\n",
	       st.st_mtime >= 2000000000 && st.st_mtime < 2000000002 ? "yes" : "no");
	CHECK(clock_settime(CLOCK_REALTIME, &ts) == 0);
	printf("clock_settime: CLOCK_REALTIME within 2 s: %s\n",
	       ns_of(CLOCK_REALTIME) / 1000000000ull - 2100000000ull < 2 ? "yes" : "no");
	printf("CLOCK_MONOTONIC went on by less than 2 s: %s\n",
	       ns_of(CLOCK_MONOTONIC) - mono < 2000000000ull ? "yes" : "no");
	tz.minuteswest = 0;
	CHECK(raw(NR_settimeofday, 0, (long)&tz, 0, 0) == 0);
}

/* Consecutive reads of MONOTONIC, MONOTONIC_RAW and BOOTTIME: never back,
 * and not all on a millisecond (the clock is finer than the tick). */
static void resolution(void)
{
	static const clockid_t clocks[] = { CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, CLOCK_BOOTTIME,
					    CLOCK_REALTIME };

	for (unsigned c = 0; c < sizeof(clocks) / sizeof(clocks[0]); c++) {
		uint64_t prev = ns_of(clocks[c]), now;
		int back = 0, fine = 0;

		for (int i = 0; i < 200; i++) {
			now = ns_of(clocks[c]);
			back += now < prev;
			fine += now % 1000000 != 0;
			prev = now;
		}
		printf("clock %d: went back %d times; finer than a millisecond: %s\n", clocks[c], back,
		       fine > 100 ? "yes" : "no");
	}
}

static uint64_t busy_ms(unsigned ms)
{
	uint64_t end = ns_of(CLOCK_MONOTONIC) + ms * 1000000ull;
	volatile uint64_t spins = 0;

	while (ns_of(CLOCK_MONOTONIC) < end)
		spins++;
	return spins;
}

/* CPU time: a busy loop uses it, a sleep does not; a child's clock reads
 * while it lives and not once it is reaped. */
static void cpu_time(void)
{
	struct timespec t = { 0, 100 * 1000 * 1000 };
	uint64_t c0 = ns_of(CLOCK_PROCESS_CPUTIME_ID), w0 = ns_of(CLOCK_MONOTONIC), c1, w1;
	clockid_t child;
	pid_t pid;
	int fds[2], status;
	char c;

	busy_ms(200);
	c1 = ns_of(CLOCK_PROCESS_CPUTIME_ID), w1 = ns_of(CLOCK_MONOTONIC);
	/* (the reads of the two clocks are not at one instant: a millisecond's slack) */
	printf("200 ms busy: CPU time at least half of it: %s, no more than the time passed: %s\n",
	       c1 - c0 >= (w1 - w0) / 2 ? "yes" : "no", c1 - c0 <= w1 - w0 + 1000000 ? "yes" : "no");
	printf("the thread's CPU clock agrees: %s\n",
	       ns_of(CLOCK_THREAD_CPUTIME_ID) >= c1 ? "yes" : "no");
	c0 = ns_of(CLOCK_PROCESS_CPUTIME_ID);
	nanosleep(&t, NULL);
	printf("100 ms asleep: less than 20 ms of CPU: %s\n",
	       ns_of(CLOCK_PROCESS_CPUTIME_ID) - c0 < 20000000 ? "yes" : "no");
	CHECK(clock_getcpuclockid(0, &child) == 0);
	printf("clock_getcpuclockid(0) reads: %s\n", ns_of(child) >= c0 ? "yes" : "no");
	CHECK(pipe(fds) == 0);
	fflush(stdout);
	if ((pid = fork()) == 0) {
		busy_ms(50);
		CHECK(write(fds[1], "x", 1) == 1);
		pause();
		_exit(0);
	}
	CHECK(read(fds[0], &c, 1) == 1);
	CHECK(clock_getcpuclockid(pid, &child) == 0);
	printf("a child's CPU clock, after its 50 ms of work: more than 25 ms: %s\n",
	       ns_of(child) > 25000000 ? "yes" : "no");
	CHECK(kill(pid, SIGKILL) == 0 && waitpid(pid, &status, 0) == pid);
	show_ret("  and once it is reaped, clock_gettime",
	     raw(NR_clock_gettime, child, (long)&t, 0, 0));
	show_ret("a CPU clock of kind 3", raw(NR_clock_gettime, -5 /* ~0 << 3 | 3 */, (long)&t, 0, 0));
}

static volatile int fired[65], fired_code;

static void on_timer(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	fired[sig]++;
	fired_code = si->si_code;
}

static void show_itimer(const char *what, int which)
{
	struct itimerval v;

	CHECK(getitimer(which, &v) == 0);
	printf("%s: %ld s left (rounded up), interval %ld s %ld us\n", what,
	       (long)v.it_value.tv_sec + (v.it_value.tv_usec > 0), (long)v.it_interval.tv_sec,
	       (long)v.it_interval.tv_usec);
}

/* Wait up to 5 s of wall time, busy or not, for sig. */
static void wait_for(int sig, bool busy)
{
	uint64_t end = ns_of(CLOCK_MONOTONIC) + 5000000000ull;
	struct timespec t = { 0, 5 * 1000 * 1000 };

	while (!fired[sig] && ns_of(CLOCK_MONOTONIC) < end)
		if (!busy)
			nanosleep(&t, NULL);
}

/* alarm, setitimer and getitimer: errors, the time left, each timer's
 * signal (SI_KERNEL), rearming, and a child that starts with none. */
static void interval_timers(void)
{
	struct sigaction sa = { .sa_sigaction = on_timer, .sa_flags = SA_SIGINFO };
	struct itimerval v = { { 0, 0 }, { 0, 1000000 } }, old;
	pid_t pid;
	int status;

	show_ret("getitimer 3", getitimer(3, &old));
	show_ret("getitimer, a bad pointer", syscall(SYS_getitimer, ITIMER_REAL, 8));
	show_ret("setitimer 3", setitimer(3, &v, NULL));
	show_ret("setitimer, a million microseconds", setitimer(ITIMER_REAL, &v, NULL));
	show_ret("setitimer, a bad new value", syscall(SYS_setitimer, ITIMER_REAL, 8, 0));
	show_ret("setitimer, NULL: disarms", syscall(SYS_setitimer, ITIMER_REAL, 0, &old));
	v = (struct itimerval){ { 0, 0 }, { 100, 0 } };
	show_ret("setitimer, a bad old value", syscall(SYS_setitimer, ITIMER_REAL, &v, 8));
	show_itimer("  set anyway", ITIMER_REAL);
	show_ret("alarm(0), the one setitimer set", alarm(0));
	show_ret("alarm(5)", alarm(5));
	show_ret("alarm(3), the old one's seconds", alarm(3));
	show_itimer("ITIMER_REAL after alarm(3)", ITIMER_REAL);
	show_ret("alarm(0)", alarm(0));
	show_itimer("ITIMER_REAL after alarm(0)", ITIMER_REAL);
	v = (struct itimerval){ { 1, 0 }, { 2, 0 } };
	CHECK(setitimer(ITIMER_REAL, &v, NULL) == 0);
	show_itimer("ITIMER_REAL set to 2 s, every 1 s", ITIMER_REAL);
	fflush(stdout);
	if ((pid = fork()) == 0) {
		show_itimer("  in a forked child", ITIMER_REAL);
		_exit(0);
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(sigaction(SIGALRM, &sa, NULL) == 0 && sigaction(SIGVTALRM, &sa, NULL) == 0 &&
	      sigaction(SIGPROF, &sa, NULL) == 0);
	v = (struct itimerval){ { 0, 20000 }, { 0, 30000 } };
	CHECK(setitimer(ITIMER_REAL, &v, NULL) == 0);
	wait_for(SIGALRM, false);
	printf("SIGALRM: %s, si_code %#x\n", fired[SIGALRM] ? "came" : "never came", fired_code);
	fired[SIGALRM] = 0;
	wait_for(SIGALRM, false);
	printf("and again, every 20 ms: %s\n", fired[SIGALRM] ? "yes" : "no");
	CHECK(setitimer(ITIMER_REAL, &(struct itimerval){ { 0, 0 }, { 0, 0 } }, NULL) == 0);
	v = (struct itimerval){ { 0, 0 }, { 0, 30000 } };
	CHECK(setitimer(ITIMER_VIRTUAL, &v, NULL) == 0);
	wait_for(SIGVTALRM, true);
	printf("SIGVTALRM after 30 ms of user time: %s, si_code %#x\n",
	       fired[SIGVTALRM] ? "came" : "never came", fired_code);
	show_itimer("  ITIMER_VIRTUAL after", ITIMER_VIRTUAL);
	CHECK(setitimer(ITIMER_PROF, &v, NULL) == 0);
	wait_for(SIGPROF, true);
	printf("SIGPROF after 30 ms of CPU time: %s, si_code %#x\n",
	       fired[SIGPROF] ? "came" : "never came", fired_code);
	v = (struct itimerval){ { 0, 0 }, { 1000, 0 } };
	CHECK(setitimer(ITIMER_PROF, &v, NULL) == 0);
	nanosleep(&(struct timespec){ 0, 200 * 1000 * 1000 }, NULL);
	show_itimer("ITIMER_PROF after 200 ms asleep: it barely moves", ITIMER_PROF);
}

/* times(): the process's own time after 200 ms of work, a child's only
 * once it is waited for, and the return value counting 1/100 s. */
static void process_times(void)
{
	struct tms t0, t1;
	clock_t r0, r1;
	pid_t pid;
	int status;

	show_ret("times, a bad pointer", syscall(SYS_times, 8));
	CHECK(sysconf(_SC_CLK_TCK) == 100);
	r0 = times(&t0);
	busy_ms(200);
	r1 = times(&t1);
	printf("200 ms busy: user and system time at least 10/100 s: %s; the return went on 15 to 100: %s\n",
	       (t1.tms_utime + t1.tms_stime) - (t0.tms_utime + t0.tms_stime) >= 10 ? "yes" : "no",
	       r1 - r0 >= 15 && r1 - r0 <= 100 ? "yes" : "no");
	printf("no children's time yet: %s\n", t1.tms_cutime + t1.tms_cstime == 0 ? "yes" : "no");
	fflush(stdout);
	if ((pid = fork()) == 0) {
		busy_ms(200);
		_exit(0);
	}
	CHECK(waitid(P_PID, pid, &(siginfo_t){ 0 }, WEXITED | WNOWAIT) == 0);
	times(&t1);
	printf("a child dead, not yet waited for: still none: %s\n",
	       t1.tms_cutime + t1.tms_cstime == 0 ? "yes" : "no");
	CHECK(waitpid(pid, &status, 0) == pid);
	times(&t1);
	printf("waited for: its 200 ms counted, at least 10/100 s: %s\n",
	       t1.tms_cutime + t1.tms_cstime >= 10 ? "yes" : "no");
}

static void read_text(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	CHECK(fd >= 0);
	n = read(fd, buf, size - 1);
	CHECK(n > 0 && close(fd) == 0);
	buf[n] = '\0';
}

static long ms_of(struct timeval a, struct timeval b)
{
	return (a.tv_sec + b.tv_sec) * 1000L + (a.tv_usec + b.tv_usec) / 1000;
}

/* Fresh anonymous memory, every page of it touched. */
static void touch_mib(unsigned mib)
{
	char *p = mmap(NULL, mib << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(p != MAP_FAILED);
	for (unsigned i = 0; i < (mib << 20) / PAGE; i++)
		p[i * PAGE] = 1;
	CHECK(munmap(p, mib << 20) == 0);
}

static void nap_ms(unsigned ms, int times)
{
	for (int i = 0; i < times; i++)
		nanosleep(&(struct timespec){ 0, ms * 1000000L }, NULL);
}

/* A child that works 100 ms, sleeps 3 times, and touches 8 MiB; its own
 * child (if grandchild) 12 MiB, reaped before it ends. */
static pid_t busy_child(bool grandchild)
{
	pid_t pid;

	fflush(stdout);
	if ((pid = fork()) != 0)
		return pid;
	if (grandchild) {
		pid_t g = fork();

		if (g == 0) {
			touch_mib(12);
			_exit(0);
		}
		CHECK(waitpid(g, NULL, 0) == g);
	}
	busy_ms(100);
	nap_ms(1, 3);
	touch_mib(8);
	_exit(0);
}

/*
 * getrusage: who is checked first, then the pointer; a process's own
 * figures move with its work (CPU time), its faults (minor faults, and
 * maxrss, which a munmap does not lower) and its sleeps (voluntary
 * switches); its children's only once they are reaped, their own reaped
 * children's included (maxrss the largest of them); wait4's is the
 * child's with its children's. Linux counts resident pages a little
 * late (each thread's count is folded in every 64 faults), so its maxrss
 * may fall up to 256 KiB short: the bounds are 7/8 of what was touched.
 */
static void resource_usage(void)
{
	struct rusage r0, r1, rw;
	pid_t pid;

	show_ret("getrusage(2)", getrusage(2, &r0));
	show_ret("getrusage(RUSAGE_BOTH)", getrusage(-2, &r0));
	show_ret("getrusage(RUSAGE_SELF, a bad pointer)", syscall(SYS_getrusage, RUSAGE_SELF, 8));
	show_ret("getrusage(RUSAGE_CHILDREN, NULL)", syscall(SYS_getrusage, RUSAGE_CHILDREN, 0));
	show_ret("getrusage(7, NULL)", syscall(SYS_getrusage, 7, 0));
	show_ret("getrusage(RUSAGE_THREAD)", getrusage(RUSAGE_THREAD, &r0));
	CHECK(getrusage(RUSAGE_SELF, &r0) == 0);
	busy_ms(200);
	touch_mib(4);
	nap_ms(1, 5);
	CHECK(getrusage(RUSAGE_SELF, &r1) == 0);
	printf("200 ms busy: at least 100 ms of user and system time: %s\n",
	       ms_of(r1.ru_utime, r1.ru_stime) - ms_of(r0.ru_utime, r0.ru_stime) >= 100 ? "yes" : "no");
	printf("4 MiB touched: 1024 more minor faults: %s; maxrss 3.5 MiB more, not lowered by munmap: %s\n",
	       r1.ru_minflt - r0.ru_minflt >= 1024 ? "yes" : "no",
	       r1.ru_maxrss - r0.ru_maxrss >= 3584 ? "yes" : "no");
	printf("5 sleeps: 5 more voluntary switches: %s; no major faults: %s\n",
	       r1.ru_nvcsw - r0.ru_nvcsw >= 5 ? "yes" : "no", r1.ru_majflt == 0 ? "yes" : "no");
	CHECK(getrusage(RUSAGE_THREAD, &r0) == 0);
	printf("RUSAGE_THREAD is the process's: %s\n",
	       r0.ru_minflt >= r1.ru_minflt && r0.ru_maxrss == r1.ru_maxrss ? "yes" : "no");

	CHECK(getrusage(RUSAGE_CHILDREN, &r0) == 0);
	printf("no children yet: all zero: %s\n",
	       ms_of(r0.ru_utime, r0.ru_stime) == 0 && r0.ru_minflt == 0 && r0.ru_maxrss == 0 &&
	       r0.ru_nvcsw == 0 ? "yes" : "no");
	pid = busy_child(false);
	CHECK(waitid(P_PID, pid, &(siginfo_t){ 0 }, WEXITED | WNOWAIT) == 0);
	CHECK(getrusage(RUSAGE_CHILDREN, &r0) == 0);
	printf("a child dead, not yet reaped: still zero: %s\n", r0.ru_minflt == 0 ? "yes" : "no");
	memset(&rw, 0xff, sizeof(rw));
	CHECK(wait4(pid, NULL, 0, &rw) == pid);
	CHECK(getrusage(RUSAGE_CHILDREN, &r1) == 0);
	printf("reaped: wait4's figures are the children's now: %s\n",
	       rw.ru_minflt == r1.ru_minflt && rw.ru_maxrss == r1.ru_maxrss && rw.ru_nvcsw == r1.ru_nvcsw ?
	       "yes" : "no");
	printf("  its 100 ms (at least 50): %s; 2048 faults: %s; maxrss 7 MiB: %s; 3 sleeps: %s\n",
	       ms_of(r1.ru_utime, r1.ru_stime) >= 50 ? "yes" : "no", r1.ru_minflt >= 2048 ? "yes" : "no",
	       r1.ru_maxrss >= 7168 ? "yes" : "no", r1.ru_nvcsw >= 3 ? "yes" : "no");
	pid = busy_child(true);
	memset(&rw, 0xff, sizeof(rw));
	CHECK(wait4(pid, NULL, 0, &rw) == pid);
	CHECK(getrusage(RUSAGE_CHILDREN, &r0) == 0);
	printf("a child that reaped its own: wait4 counts both: %s; maxrss the grandchild's 12 MiB (10.5): %s\n",
	       rw.ru_minflt >= 3072 + 2048 ? "yes" : "no", rw.ru_maxrss >= 10752 ? "yes" : "no");
	printf("  the children's add up: %s; their maxrss the largest: %s\n",
	       r0.ru_minflt == r1.ru_minflt + rw.ru_minflt && r0.ru_nvcsw == r1.ru_nvcsw + rw.ru_nvcsw ? "yes" : "no",
	       r0.ru_maxrss == rw.ru_maxrss ? "yes" : "no");
}

/* The value after "name " in /proc/stat's text. */
static unsigned long long stat_field(const char *text, const char *name)
{
	char key[32];
	const char *at;

	snprintf(key, sizeof(key), "\n%s ", name);
	at = strstr(text, key);
	CHECK(at != NULL);
	return strtoull(at + strlen(key), NULL, 10);
}

/* /proc/stat: Linux's lines in Linux's order; the CPU's times add up to
 * about the uptime; switches and forks count; the boot time is now less
 * the uptime. And /proc/self/status's VmHWM: at least VmRSS. */
static void proc_stat(void)
{
	static char buf[8192];
	unsigned long long cpu[10], cpu0[10], sum = 0, s0, s1, c0, total, by_line = 0;
	char line[64], status[4096];
	const char *order[] = { "cpu ", "cpu0 ", "intr ", "ctxt ", "btime ", "processes ", "procs_running ",
				"procs_blocked ", "softirq " }, *at = buf;
	unsigned long up, upc, hwm = 0, rss = 0;
	bool in_order = true, same_cpu = true;
	char *end;
	int lines;
	pid_t pid;

	read_text("/proc/stat", buf, sizeof(buf));
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		snprintf(line, sizeof(line), i ? "\n%s" : "%s", order[i]);
		at = strstr(at, line);
		in_order &= at != NULL;
		if (!at)
			break;
	}
	printf("/proc/stat: cpu, cpu0, intr, ctxt, btime, processes, procs_running, procs_blocked, softirq: %s\n",
	       in_order ? "yes" : "no");
	CHECK(sscanf(buf, "cpu  %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &cpu[0], &cpu[1], &cpu[2], &cpu[3],
		     &cpu[4], &cpu[5], &cpu[6], &cpu[7], &cpu[8], &cpu[9]) == 10);
	CHECK(sscanf(strstr(buf, "\ncpu0 ") + 1, "cpu0 %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &cpu0[0],
		     &cpu0[1], &cpu0[2], &cpu0[3], &cpu0[4], &cpu0[5], &cpu0[6], &cpu0[7], &cpu0[8], &cpu0[9]) == 10);
	for (int i = 0; i < 8; i++)
		sum += cpu[i];
	read_text("/proc/uptime", line, sizeof(line));
	CHECK(sscanf(line, "%lu.%2lu", &up, &upc) == 2);
	for (int i = 0; i < 10; i++)
		same_cpu &= llabs((long long)(cpu[i] - cpu0[i])) <= 2;  /* read 2 ticks apart at most */
	printf("  one CPU: cpu is cpu0: %s; its times add up to the uptime, within 1 s: %s\n",
	       same_cpu ? "yes" : "no",
	       sum + 100 >= up * 100 + upc && sum <= up * 100 + upc + 100 ? "yes" : "no");
	at = strstr(buf, "\nintr ") + strlen("\nintr ");
	total = strtoull(at, &end, 10);
	for (lines = 0; *end == ' '; lines++)
		by_line += strtoull(end, &end, 10);
	printf("  interrupts: some, and no fewer than those of the lines after them: %s\n",
	       total > 0 && lines > 0 && by_line <= total ? "yes" : "no");
	printf("  the boot time is now less the uptime, within 2 s: %s; running at least 1: %s\n",
	       llabs((long long)stat_field(buf, "btime") - (long long)(time(NULL) - up)) <= 2 ? "yes" : "no",
	       stat_field(buf, "procs_running") >= 1 ? "yes" : "no");
	s0 = stat_field(buf, "processes");
	c0 = stat_field(buf, "ctxt");
	fflush(stdout);
	if ((pid = fork()) == 0)
		_exit(0);
	CHECK(waitpid(pid, NULL, 0) == pid);
	nap_ms(1, 3);
	read_text("/proc/stat", buf, sizeof(buf));
	s1 = stat_field(buf, "processes");
	printf("  a fork is one more process: %s; 3 sleeps are 3 more switches: %s\n", s1 - s0 >= 1 ? "yes" : "no",
	       stat_field(buf, "ctxt") - c0 >= 3 ? "yes" : "no");
	read_text("/proc/self/status", status, sizeof(status));
	CHECK(sscanf(strstr(status, "VmHWM:"), "VmHWM: %lu kB", &hwm) == 1);
	CHECK(sscanf(strstr(status, "VmRSS:"), "VmRSS: %lu kB", &rss) == 1);
	printf("/proc/self/status: VmHWM at least VmRSS: %s\n", hwm >= rss && rss > 0 ? "yes" : "no");
}

/* /proc/uptime and /proc/loadavg: their formats, and what their numbers
 * must be (the uptime grows with a sleep, idle time is not more than it,
 * the reader itself is running, the last pid is at least a new child's,
 * sysinfo's loads are the same). */
static void proc_files(void)
{
	char buf[256], tail;
	unsigned long s0, c0, i0, ic0, s1, c1, i1, ic1;
	unsigned l[6], running, all, last;
	struct timespec t = { 0, 300 * 1000 * 1000 };
	struct sysinfo si[2];
	int agree = 0;
	pid_t pid;

	read_text("/proc/uptime", buf, sizeof(buf));
	printf("/proc/uptime: two numbers to 1/100: %s\n",
	       sscanf(buf, "%lu.%2lu %lu.%2lu%c", &s0, &c0, &i0, &ic0, &tail) == 5 && tail == '\n' ? "yes" : "no");
	nanosleep(&t, NULL);
	read_text("/proc/uptime", buf, sizeof(buf));
	CHECK(sscanf(buf, "%lu.%2lu %lu.%2lu", &s1, &c1, &i1, &ic1) == 4);
	printf("  after 300 ms asleep, 0.3 to 2 s more: %s; idle no more than up: %s\n",
	       (s1 * 100 + c1) - (s0 * 100 + c0) >= 30 && (s1 * 100 + c1) - (s0 * 100 + c0) <= 200 ? "yes" : "no",
	       i1 * 100 + ic1 <= s1 * 100 + c1 ? "yes" : "no");
	fflush(stdout);
	if ((pid = fork()) == 0)
		_exit(0);
	CHECK(waitpid(pid, NULL, 0) == pid);
	CHECK(sysinfo(&si[0]) == 0);
	read_text("/proc/loadavg", buf, sizeof(buf));
	CHECK(sysinfo(&si[1]) == 0);     /* the loads move every 5 s: one of the two agrees */
	printf("/proc/loadavg: three loads, running/all, the last pid: %s\n",
	       sscanf(buf, "%u.%2u %u.%2u %u.%2u %u/%u %u%c", &l[0], &l[1], &l[2], &l[3], &l[4], &l[5], &running,
		      &all, &last, &tail) == 10 && tail == '\n' ? "yes" : "no");
	printf("  running at least this reader: %s; all at least running: %s; the last pid at least the child's: %s\n",
	       running >= 1 ? "yes" : "no", all >= running ? "yes" : "no", last >= (unsigned)pid ? "yes" : "no");
	for (int i = 0; i < 2; i++) {
		unsigned long avg = si[i].loads[0] >> 5;        /* 16 bits of fraction to 11 */

		agree += avg >> 11 == l[0] && ((avg & 2047) * 100) >> 11 == l[1];
	}
	printf("sysinfo's 1-minute load is /proc/loadavg's: %s\n", agree ? "yes" : "no");
}

static const struct test_case cases[] = {
	CASE(ids), CASE(errors), CASE(setting), CASE(resolution), CASE(cpu_time), CASE(interval_timers),
	CASE(process_times), CASE(proc_files), CASE(resource_usage), CASE(proc_stat),
};

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	return RUN_CASES(cases);
}
