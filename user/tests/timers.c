/*
 * timerfd and POSIX timers, against Linux: the error paths in Linux's order; one-shot
 * and periodic timers (the count of expiries a read gives, the time
 * gettime says is left), absolute times on the monotonic clock and on
 * the wall clock (which a setting of the clock moves, or cancels with
 * TFD_TIMER_CANCEL_ON_SET), TFD_IOC_SET_TICKS, poll and epoll, and a
 * read a signal interrupts; and clock_nanosleep to a wall-clock time,
 * which a setting of the clock ends. POSIX timers: the error paths, the
 * ids, the signal's siginfo, overruns while the signal waits, SIGEV_NONE,
 * an ignored signal, CPU-time and wall-clock timers. Counts of expiries are checked against the
 * time measured around them, so nothing depends on the machine's speed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "check.h"

#define MS              1000000LL
#define NR_timerfd_settime 325
#define NR_timerfd_gettime 326
#define NR_timerfd_gettime64 410
#define NR_timerfd_settime64 411
#define TFD_IOC_SET_TICKS_ _IOW('T', 0, uint64_t)

static int64_t now_ns(clockid_t c)
{
	struct timespec t;

	CHECK(clock_gettime(c, &t) == 0);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static struct itimerspec its(int64_t interval, int64_t value)
{
	return (struct itimerspec){ { interval / 1000000000, interval % 1000000000 },
				    { value / 1000000000, value % 1000000000 } };
}

static int64_t ns_of(struct timespec t)
{
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Set the wall clock sec seconds on (or back). */
static void shift_wall_clock(int sec)
{
	struct timespec wall;

	CHECK(clock_gettime(CLOCK_REALTIME, &wall) == 0);
	wall.tv_sec += sec;
	CHECK(clock_settime(CLOCK_REALTIME, &wall) == 0);
}

static int arm(int fd, int flags, int64_t interval, int64_t value)
{
	struct itimerspec v = its(interval, value);

	return timerfd_settime(fd, flags, &v, NULL);
}

static void timerfd_errors(void)
{
	struct itimerspec v = its(0, 0), bad = its(0, 0);
	uint64_t n;
	uint32_t small;
	struct stat st;
	int fd, efd;

	show_ret("create, CLOCK_PROCESS_CPUTIME_ID", timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0));
	show_ret("create, CLOCK_MONOTONIC_RAW", timerfd_create(CLOCK_MONOTONIC_RAW, 0));
	show_ret("create, CLOCK_TAI", timerfd_create(CLOCK_TAI, 0));
	show_ret("create, clock 99", timerfd_create(99, 0));
	show_ret("create, flags 4", timerfd_create(CLOCK_MONOTONIC, 4));
	CHECK((fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC)) >= 0);
	printf("F_GETFL %#x, F_GETFD %d\n", fcntl(fd, F_GETFL), fcntl(fd, F_GETFD));
	CHECK(fstat(fd, &st) == 0);
	printf("fstat: mode %#o\n", st.st_mode);
	CHECK((efd = timerfd_create(CLOCK_BOOTTIME, 0)) >= 0 && close(efd) == 0);
	CHECK((efd = eventfd(0, 0)) >= 0);
	show_ret("settime, bad fd", timerfd_settime(99, 0, &v, NULL));
	show_ret("settime, not a timerfd", timerfd_settime(efd, 0, &v, NULL));
	show_ret("settime, flags 4", timerfd_settime(fd, 4, &v, NULL));
	show_ret("settime, flags 4, bad fd", timerfd_settime(99, 4, &v, NULL));
	bad.it_value.tv_nsec = 1000000000;
	show_ret("settime, value's nanoseconds 10^9", timerfd_settime(fd, 0, &bad, NULL));
	bad = its(0, 0);
	bad.it_interval.tv_sec = -1;
	show_ret("settime, interval negative", timerfd_settime(fd, 0, &bad, NULL));
	show_ret("settime, bad new pointer", syscall(NR_timerfd_settime, fd, 0, 8, 0));
	show_ret("settime, bad new pointer, bad flags", syscall(NR_timerfd_settime, fd, 4, 8, 0));
	v = its(0, 10000 * MS);
	show_ret("settime 10 s, bad old pointer", syscall(NR_timerfd_settime, fd, 0, &v, 8));
	CHECK(timerfd_gettime(fd, &v) == 0);
	printf("  set anyway: %s\n", v.it_value.tv_sec >= 9 ? "yes" : "no");
	show_ret("gettime, bad pointer", syscall(NR_timerfd_gettime, fd, 8));
	show_ret("gettime, bad fd", syscall(NR_timerfd_gettime, 99, &v));
	show_ret("gettime, not a timerfd", syscall(NR_timerfd_gettime, efd, &v));
	show_ret("read, 4 bytes", read(fd, &small, 4));
	show_ret("read, not expired", read(fd, &n, 8));
	show_ret("ioctl SET_TICKS 0", ioctl(fd, TFD_IOC_SET_TICKS_, &(uint64_t){ 0 }));
	show_ret("ioctl SET_TICKS, bad pointer", ioctl(fd, TFD_IOC_SET_TICKS_, 8));
	show_ret("ioctl 0x5401", ioctl(fd, 0x5401, &n));
	show_ret("lseek", lseek(fd, 0, SEEK_SET));
	show_ret("write", write(fd, &n, 8));
}

/* A read that waits for the expiries: how many, and whether that is the
 * count the time since t0 allows (within one, either way). */
static void read_count(const char *what, int fd, int64_t t0, int64_t interval, int64_t first)
{
	uint64_t n = 0;
	int64_t t1, due;

	CHECK(read(fd, &n, 8) == 8);
	t1 = now_ns(CLOCK_MONOTONIC);
	due = t1 - t0 < first ? 0 : 1 + (t1 - t0 - first) / interval;
	printf("%s: the count the time allows: %s\n", what,
	       (int64_t)n >= due - 1 && (int64_t)n <= due + 1 && n > 0 ? "yes" : "no");
}

static void one_shot_and_periodic(void)
{
	struct itimerspec v, old;
	int64_t t0;
	uint64_t n;
	int fd;

	CHECK((fd = timerfd_create(CLOCK_MONOTONIC, 0)) >= 0);
	CHECK(timerfd_gettime(fd, &v) == 0);
	printf("never set: value %lld, interval %lld\n", (long long)ns_of(v.it_value), (long long)ns_of(v.it_interval));
	t0 = now_ns(CLOCK_MONOTONIC);
	CHECK(arm(fd, 0, 0, 50 * MS) == 0);
	show_ret("a one-shot of 50 ms: the read waits", read(fd, &n, 8));
	printf("  expiries %llu; at least 50 ms later: %s\n", (unsigned long long)n,
	       now_ns(CLOCK_MONOTONIC) - t0 >= 50 * MS ? "yes" : "no");
	CHECK(timerfd_gettime(fd, &v) == 0);
	printf("  then gettime: value %lld, interval %lld\n", (long long)ns_of(v.it_value),
	       (long long)ns_of(v.it_interval));
	CHECK(fcntl(fd, F_SETFL, O_NONBLOCK) == 0);
	show_ret("  and a read", read(fd, &n, 8));
	t0 = now_ns(CLOCK_MONOTONIC);
	CHECK(arm(fd, 0, 10 * MS, 20 * MS) == 0);
	nanosleep(&(struct timespec){ 0, 75 * MS }, NULL);
	CHECK(timerfd_gettime(fd, &v) == 0);
	/* (0 is due but not yet fired: Linux's interrupt may come late) */
	printf("periodic, 20 ms then every 10: gettime's interval %lld, value within it: %s\n",
	       (long long)ns_of(v.it_interval), ns_of(v.it_value) >= 0 && ns_of(v.it_value) <= 10 * MS ? "yes" : "no");
	read_count("  after 75 ms", fd, t0, 10 * MS, 20 * MS);
	show_ret("  read again at once", read(fd, &n, 8));
	v = its(0, 0);
	CHECK(timerfd_settime(fd, 0, &v, &old) == 0);
	printf("  disarmed: the old interval %lld, value within it: %s\n", (long long)ns_of(old.it_interval),
	       ns_of(old.it_value) >= 0 && ns_of(old.it_value) <= 10 * MS ? "yes" : "no");
	nanosleep(&(struct timespec){ 0, 30 * MS }, NULL);
	show_ret("  nothing after", read(fd, &n, 8));
	CHECK(arm(fd, 0, 0, 10000 * MS) == 0);
	CHECK(arm(fd, 0, 0, 10 * MS) == 0);
	nanosleep(&(struct timespec){ 0, 30 * MS }, NULL);
	CHECK(arm(fd, 0, 0, 10000 * MS) == 0);
	show_ret("an expiry not read is forgotten by settime", read(fd, &n, 8));
	CHECK(arm(fd, TFD_TIMER_ABSTIME, 0, 1) == 0);
	show_ret("absolute, 1 ns after boot: poll, 1 s at most", poll(&(struct pollfd){ fd, POLLIN, 0 }, 1, 1000));
	show_ret("  a read", read(fd, &n, 8));
	printf("  expiries %llu\n", (unsigned long long)n);
	CHECK(ioctl(fd, TFD_IOC_SET_TICKS_, &(uint64_t){ 5 }) == 0);
	show_ret("SET_TICKS 5", read(fd, &n, 8));
	printf("  expiries %llu\n", (unsigned long long)n);
}

/* The 64-bit calls, with a timespec of 16 bytes. */
static void time64_calls(void)
{
	struct { int64_t isec, insec, vsec, vnsec; } v = { 0, 0, 5, 0 }, got;
	int fd;

	CHECK((fd = timerfd_create(CLOCK_MONOTONIC, 0)) >= 0);
	show_ret("settime64, 5 s", syscall(NR_timerfd_settime64, fd, 0, &v, 0));
	memset(&got, 0xff, sizeof(got));
	show_ret("gettime64", syscall(NR_timerfd_gettime64, fd, &got));
	printf("  interval %lld.%09lld; value 4 to 5 s: %s; nanoseconds' high half: %#x\n", (long long)got.isec,
	       (long long)got.insec, got.vsec == 4 || (got.vsec == 5 && got.vnsec == 0) ? "yes" : "no",
	       (unsigned)((uint64_t)got.vnsec >> 32));
	v.vnsec = 1000000000;
	show_ret("settime64, 10^9 ns", syscall(NR_timerfd_settime64, fd, 0, &v, 0));
}

/* On the wall clock: an absolute time moves with a setting of the clock;
 * TFD_TIMER_CANCEL_ON_SET makes the setting an ECANCELED read, once. */
static void wall_clock(void)
{
	struct pollfd p;
	uint64_t n;
	int fd, cfd;

	CHECK((fd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK)) >= 0);
	CHECK((cfd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK)) >= 0);
	show_ret("CANCEL_ON_SET, relative", timerfd_settime(cfd, TFD_TIMER_CANCEL_ON_SET, &(struct itimerspec){ { 0, 0 }, { 100, 0 } }, NULL));
	CHECK(arm(fd, TFD_TIMER_ABSTIME, 0, now_ns(CLOCK_REALTIME) + 10000 * MS) == 0);
	CHECK(arm(cfd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, 0, now_ns(CLOCK_REALTIME) + 10000 * MS) == 0);
	show_ret("10 s off on the wall clock: a read", read(fd, &n, 8));
	shift_wall_clock(20);
	p = (struct pollfd){ fd, POLLIN, 0 };
	show_ret("the clock set 20 s on: poll, 2 s at most", poll(&p, 1, 2000));
	show_ret("  a read", read(fd, &n, 8));
	printf("  expiries %llu\n", (unsigned long long)n);
	show_ret("the CANCEL_ON_SET one: a read", read(cfd, &n, 8));
	show_ret("  again", read(cfd, &n, 8));
	shift_wall_clock(-20);
	show_ret("the clock set back: it again", read(cfd, &n, 8));
	CHECK(arm(fd, TFD_TIMER_ABSTIME, 0, now_ns(CLOCK_REALTIME) + 10000 * MS) == 0);
	shift_wall_clock(-100);
	nanosleep(&(struct timespec){ 0, 50 * MS }, NULL);
	show_ret("set 100 s back: nothing yet", read(fd, &n, 8));
	shift_wall_clock(100);
}

/* clock_nanosleep to a wall-clock time wakes when the clock is set past it. */
static void abs_sleep_clock_set(void)
{
	struct timespec until;
	int64_t t0;
	int status;
	pid_t pid;

	CHECK(clock_gettime(CLOCK_REALTIME, &until) == 0);
	until.tv_sec += 10;
	fflush(stdout);
	if ((pid = fork()) == 0)
		_exit(clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &until, NULL));
	nanosleep(&(struct timespec){ 0, 100 * MS }, NULL);
	t0 = now_ns(CLOCK_MONOTONIC);
	shift_wall_clock(20);
	CHECK(waitpid(pid, &status, 0) == pid);
	printf("a sleep until 10 s on, the clock set 20 s on: it ends, with %d, within 2 s: %s\n",
	       WEXITSTATUS(status), now_ns(CLOCK_MONOTONIC) - t0 < 2000 * MS ? "yes" : "no");
	shift_wall_clock(-20);
}

static volatile int handled;

static void on_alarm(int sig)
{
	(void)sig;
	handled++;
}

/* Waiting on one: poll and epoll see it fire; a signal interrupts a read
 * (with SA_RESTART it goes on). */
static void waiting(void)
{
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = SA_RESTART };
	struct epoll_event ev;
	struct pollfd p;
	uint64_t n;
	int fd, ep;

	CHECK((fd = timerfd_create(CLOCK_MONOTONIC, 0)) >= 0);
	CHECK((ep = epoll_create1(0)) >= 0);
	ev = (struct epoll_event){ .events = EPOLLIN, .data.u64 = 77 };
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0);
	p = (struct pollfd){ fd, POLLIN | POLLOUT, 0 };
	show_ret("poll, not expired", poll(&p, 1, 0));
	CHECK(arm(fd, 0, 0, 30 * MS) == 0);
	show_ret("epoll_wait for a 30 ms timer", epoll_wait(ep, &ev, 1, 2000));
	printf("  data %llu, events %#x\n", (unsigned long long)ev.data.u64, ev.events);
	show_ret("poll", poll(&p, 1, 0));
	printf("  revents %#x\n", p.revents);
	CHECK(read(fd, &n, 8) == 8);
	CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
	CHECK(arm(fd, 0, 0, 200 * MS) == 0);
	ualarm(50 * 1000, 0);
	show_ret("a read, a SA_RESTART signal at 50 ms, the timer at 200", read(fd, &n, 8));
	printf("  handled %d, expiries %llu\n", handled, (unsigned long long)n);
	sa.sa_flags = 0;
	CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
	CHECK(arm(fd, 0, 0, 200 * MS) == 0);
	ualarm(50 * 1000, 0);
	show_ret("without SA_RESTART", read(fd, &n, 8));
	printf("  handled %d\n", handled);
}

/* ---- POSIX timers, by their system calls (the C libraries' timer_t
 * and SIGEV_THREAD differ; the kernel's calls do not) ---- */

struct sev {                    /* struct sigevent on i386: 64 bytes */
	int value, signo, notify, tid, pad[12];
};

/* The 32-bit itimerspec of calls 260 and 261 (musl's own has 64-bit times). */
struct its32 {
	int32_t isec, insec, vsec, vnsec;
};
#define NR_timer_settime 260
#define NR_timer_gettime 261

static struct its32 its32_of(int64_t interval, int64_t value)
{
	return (struct its32){ (int32_t)(interval / 1000000000), (int32_t)(interval % 1000000000),
			       (int32_t)(value / 1000000000), (int32_t)(value % 1000000000) };
}

static int64_t value_of(const struct its32 *v)
{
	return v->vsec * 1000000000LL + v->vnsec;
}

static int64_t interval_of(const struct its32 *v)
{
	return v->isec * 1000000000LL + v->insec;
}

static long t_create(int clock, const struct sev *ev, int *id)
{
	return syscall(SYS_timer_create, clock, ev, id);
}

static long t_set(int id, int flags, int64_t interval, int64_t value, struct its32 *old)
{
	struct its32 v = its32_of(interval, value);

	return syscall(NR_timer_settime, id, flags, &v, old);
}

static struct its32 t_get(int id)
{
	struct its32 v;

	CHECK(syscall(NR_timer_gettime, id, &v) == 0);
	return v;
}

static void t_show(const char *what, int id)
{
	struct its32 v = t_get(id);

	printf("%s: interval %lld, value %lld\n", what, (long long)interval_of(&v), (long long)value_of(&v));
}

static void timer_errors(void)
{
	struct sev ev = { 7, SIGUSR1, SIGEV_SIGNAL, 0, { 0 } };
	struct its32 v = its32_of(0, 0);
	clockid_t init_clock;
	int id = -1, ids[8];

	show_ret("create, clock 99", t_create(99, &ev, &id));
	show_ret("create, clock 10", t_create(10, &ev, &id));
	show_ret("create, CLOCK_MONOTONIC_RAW", t_create(CLOCK_MONOTONIC_RAW, &ev, &id));
	show_ret("create, CLOCK_REALTIME_COARSE", t_create(CLOCK_REALTIME_COARSE, &ev, &id));
	show_ret("create, a bad sigevent", syscall(SYS_timer_create, CLOCK_MONOTONIC, 8, &id));
	show_ret("create, a bad sigevent, clock 99", syscall(SYS_timer_create, 99, 8, &id));
	show_ret("create", t_create(CLOCK_MONOTONIC, &ev, &ids[0]));
	ev.notify = 3;
	show_ret("create, sigev_notify 3", t_create(CLOCK_MONOTONIC, &ev, &id));
	ev.notify = SIGEV_SIGNAL, ev.signo = 0;
	show_ret("create, signal 0", t_create(CLOCK_MONOTONIC, &ev, &id));
	ev.signo = 65;
	show_ret("create, signal 65", t_create(CLOCK_MONOTONIC, &ev, &id));
	ev.notify = SIGEV_NONE;
	show_ret("create, SIGEV_NONE, signal 65", t_create(CLOCK_MONOTONIC, &ev, &ids[1]));
	ev = (struct sev){ 0, SIGUSR1, SIGEV_SIGNAL | 4 /* SIGEV_THREAD_ID */, getpid(), { 0 } };
	show_ret("create, SIGEV_THREAD_ID of itself", t_create(CLOCK_REALTIME, &ev, &ids[2]));
	ev.tid = 1;
	show_ret("create, SIGEV_THREAD_ID of init", t_create(CLOCK_REALTIME, &ev, &id));
	ev.notify = 2;                  /* SIGEV_THREAD: the C library's; a signal to the kernel */
	show_ret("create, SIGEV_THREAD", t_create(CLOCK_REALTIME, &ev, &ids[3]));
	show_ret("create, a bad id pointer", syscall(SYS_timer_create, CLOCK_MONOTONIC, NULL, 8));
	show_ret("create, no sigevent", t_create(CLOCK_BOOTTIME, NULL, &ids[4]));
	CHECK(clock_getcpuclockid(1, &init_clock) == 0);
	show_ret("create, init's CPU clock", t_create(init_clock, NULL, &ids[5]));
	show_ret("create, init's thread CPU clock", t_create((int)((~1u << 3) | 5), NULL, &id));
	show_ret("create, a CPU clock of kind 3", t_create(-5, NULL, &id));
	show_ret("create, CLOCK_PROCESS_CPUTIME_ID", t_create(CLOCK_PROCESS_CPUTIME_ID, NULL, &ids[6]));
	show_ret("create, CLOCK_THREAD_CPUTIME_ID", t_create(CLOCK_THREAD_CPUTIME_ID, NULL, &ids[7]));
	printf("the ids (failures use them up): %d %d %d %d %d %d %d %d\n", ids[0], ids[1], ids[2], ids[3], ids[4],
	       ids[5], ids[6], ids[7]);
	show_ret("settime, NULL", syscall(NR_timer_settime, ids[0], 0, NULL, NULL));
	show_ret("settime, NULL, no such timer", syscall(NR_timer_settime, 99, 0, NULL, NULL));
	show_ret("settime, no such timer", syscall(NR_timer_settime, 99, 0, &v, NULL));
	show_ret("settime, a bad pointer", syscall(NR_timer_settime, ids[0], 0, 8, NULL));
	show_ret("settime, a bad pointer, no such timer", syscall(NR_timer_settime, 99, 0, 8, NULL));
	v.vnsec = 1000000000;
	show_ret("settime, nanoseconds 10^9", syscall(NR_timer_settime, ids[0], 0, &v, NULL));
	show_ret("settime, 10 s, flags 0xfe", t_set(ids[0], 0xfe, 0, 10000 * MS, NULL));
	v = its32_of(0, 20000 * MS);
	show_ret("settime 20 s, a bad old pointer", syscall(NR_timer_settime, ids[0], 0, &v, 8));
	v = t_get(ids[0]);
	printf("  set anyway: %s\n", v.vsec >= 19 ? "yes" : "no");
	show_ret("gettime, no such timer", syscall(NR_timer_gettime, 99, &v));
	show_ret("gettime, a bad pointer", syscall(NR_timer_gettime, ids[0], 8));
	show_ret("getoverrun", syscall(SYS_timer_getoverrun, ids[0]));
	show_ret("getoverrun, no such timer", syscall(SYS_timer_getoverrun, 99));
	show_ret("delete", syscall(SYS_timer_delete, ids[0]));
	show_ret("delete again", syscall(SYS_timer_delete, ids[0]));
	show_ret("gettime of it", syscall(NR_timer_gettime, ids[0], &v));
	show_ret("create once more: the next id", t_create(CLOCK_MONOTONIC, NULL, &id));
	printf("  %d\n", id);
	fflush(stdout);
	if (fork() == 0) {
		show_ret("a child: gettime of its parent's", syscall(NR_timer_gettime, ids[1], &v));
		show_ret("a child: create", t_create(CLOCK_MONOTONIC, NULL, &id));
		printf("  its id %d\n", id);
		fflush(stdout);
		_exit(0);
	}
	CHECK(wait(NULL) > 0);
}

static volatile int got_signo, got_code, got_tid, got_overrun, got_value, got_count;

static void on_timer(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_signo = sig, got_code = si->si_code, got_tid = si->si_timerid, got_overrun = si->si_overrun;
	got_value = si->si_value.sival_int, got_count++;
}

static void wait_for_count(int n, int ms)
{
	for (int i = 0; i < ms && got_count < n; i++)
		nanosleep(&(struct timespec){ 0, MS }, NULL);
}

/* The signal of a timer: its siginfo; a periodic one blocked for a while
 * has one signal queued, whose si_overrun counts the rest; SIGEV_NONE's
 * never come; ignored, a periodic timer goes on. */
static void timer_signals(void)
{
	struct sigaction sa = { .sa_sigaction = on_timer, .sa_flags = SA_SIGINFO };
	struct sev ev = { 1234, SIGUSR1, SIGEV_SIGNAL, 0, { 0 } };
	struct its32 old;
	sigset_t set;
	siginfo_t si;
	int id, pid_id, none, t0_ok;
	int64_t t0, t1, due;

	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0 && sigaction(SIGRTMIN, &sa, NULL) == 0);
	CHECK(t_create(CLOCK_REALTIME, &ev, &id) == 0);
	CHECK(t_set(id, 0, 0, 30 * MS, NULL) == 0);
	wait_for_count(1, 2000);
	printf("a one-shot of 30 ms: signal %d, code %d, timer %s, overrun %d, value %d\n", got_signo, got_code,
	       got_tid == id ? "its own" : "another", got_overrun, got_value);
	t_show("  then", id);
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
	ev = (struct sev){ 99, SIGRTMIN, SIGEV_SIGNAL, 0, { 0 } };
	CHECK(t_create(CLOCK_MONOTONIC, &ev, &pid_id) == 0);
	t0 = now_ns(CLOCK_MONOTONIC);
	CHECK(t_set(pid_id, 0, 10 * MS, 10 * MS, NULL) == 0);
	nanosleep(&(struct timespec){ 0, 75 * MS }, NULL);
	old = t_get(pid_id);
	printf("periodic 10 ms, blocked 75 ms: gettime's value within the interval: %s\n",
	       value_of(&old) > 0 && value_of(&old) <= 10 * MS ? "yes" : "no");
	CHECK(sigwaitinfo(&set, &si) == SIGRTMIN);
	t1 = now_ns(CLOCK_MONOTONIC);
	due = (t1 - t0) / (10 * MS);    /* expiries by now; all but one are overruns */
	printf("  one signal: code %d, value %d; its overrun the expiries the time allows less one: %s\n",
	       si.si_code, si.si_value.sival_int, si.si_overrun >= due - 2 && si.si_overrun <= due ? "yes" : "no");
	printf("  getoverrun agrees: %s\n", syscall(SYS_timer_getoverrun, pid_id) == si.si_overrun ? "yes" : "no");
	show_ret("  no second one queued", sigtimedwait(&set, &si, &(struct timespec){ 0, 0 }));
	nanosleep(&(struct timespec){ 0, 25 * MS }, NULL);
	CHECK(sigwaitinfo(&set, &si) == SIGRTMIN);
	printf("  rearmed when taken: another came; overrun 0 to 2: %s\n",
	       si.si_overrun >= 0 && si.si_overrun <= 2 ? "yes" : "no");
	CHECK(syscall(SYS_timer_delete, pid_id) == 0);
	ev = (struct sev){ 0, 0, SIGEV_NONE, 0, { 0 } };
	CHECK(t_create(CLOCK_MONOTONIC, &ev, &none) == 0);
	CHECK(t_set(none, 0, 0, 30 * MS, NULL) == 0);
	old = t_get(none);
	t0_ok = value_of(&old) > 0 && value_of(&old) <= 30 * MS;
	nanosleep(&(struct timespec){ 0, 50 * MS }, NULL);
	printf("SIGEV_NONE: counts down: %s; no signal: %s\n", t0_ok ? "yes" : "no", got_count == 1 ? "yes" : "no");
	t_show("  past its time", none);
	CHECK(t_set(none, 0, 20 * MS, 20 * MS, &old) == 0);
	nanosleep(&(struct timespec){ 0, 50 * MS }, NULL);
	old = t_get(none);
	printf("  periodic: the value within the interval: %s\n",
	       value_of(&old) > 0 && value_of(&old) <= 20 * MS ? "yes" : "no");
	signal(SIGUSR2, SIG_IGN);
	ev = (struct sev){ 0, SIGUSR2, SIGEV_SIGNAL, 0, { 0 } };
	CHECK(t_create(CLOCK_MONOTONIC, &ev, &id) == 0);
	CHECK(t_set(id, 0, 10 * MS, 10 * MS, NULL) == 0);
	nanosleep(&(struct timespec){ 0, 55 * MS }, NULL);
	old = t_get(id);
	printf("ignored, periodic: goes on, the value within the interval: %s\n",
	       value_of(&old) > 0 && value_of(&old) <= 10 * MS ? "yes" : "no");
	CHECK(t_set(id, 0, 0, 5000 * MS, &old) == 0);
	printf("  settime's old value: the interval %lld\n", (long long)interval_of(&old));
}

/* A timer's signal outlives it; a CPU-time timer fires after CPU time;
 * a wall-clock timer moves with a setting of the clock. */
static void timer_kinds(void)
{
	struct sigaction sa = { .sa_sigaction = on_timer, .sa_flags = SA_SIGINFO };
	struct sev ev = { 5, SIGUSR1, SIGEV_SIGNAL, 0, { 0 } };
	sigset_t set;
	int id, n;
	int64_t c0;

	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
	CHECK(t_create(CLOCK_MONOTONIC, &ev, &id) == 0);
	CHECK(t_set(id, 0, 0, 10 * MS, NULL) == 0);
	nanosleep(&(struct timespec){ 0, 30 * MS }, NULL);
	CHECK(syscall(SYS_timer_delete, id) == 0);
	CHECK(sigprocmask(SIG_UNBLOCK, &set, NULL) == 0);
	printf("deleted with its signal queued: the signal still comes: %s, value %d\n",
	       got_count == 1 ? "yes" : "no", got_value);
	ev.value = 6;
	CHECK(t_create(CLOCK_PROCESS_CPUTIME_ID, &ev, &id) == 0);
	c0 = now_ns(CLOCK_PROCESS_CPUTIME_ID);
	CHECK(t_set(id, 0, 0, 50 * MS, NULL) == 0);
	for (n = 0; got_count < 2 && n < 100000000; n++)
		;
	printf("CPU time, 50 ms: the signal came, value %d, after 50 ms of CPU at least: %s\n", got_value,
	       now_ns(CLOCK_PROCESS_CPUTIME_ID) - c0 >= 50 * MS ? "yes" : "no");
	ev.value = 7;
	CHECK(t_create(CLOCK_REALTIME, &ev, &id) == 0);
	CHECK(t_set(id, TIMER_ABSTIME, 0, now_ns(CLOCK_REALTIME) + 10000 * MS, NULL) == 0);
	shift_wall_clock(20);
	wait_for_count(3, 2000);
	printf("absolute, 10 s on the wall clock, the clock set 20 s on: it fires: %s, value %d\n",
	       got_count == 3 ? "yes" : "no", got_value);
	shift_wall_clock(-20);
}

/* Timers of the shortest intervals whose signals wait (blocked) or go
 * nowhere (ignored) cannot hold the CPU: a 100 ms sleep beside them ends
 * in time; a blocked ITIMER_REAL waits for its signal to be taken before
 * it goes on (getitimer says 0 meanwhile), as Linux's. */
static void short_intervals(void)
{
	struct sev ev = { 0, SIGURG, SIGEV_SIGNAL, 0, { 0 } };
	struct itimerval it = { { 0, 1 }, { 0, 1 } }, got;
	sigset_t alrm;
	int64_t t0;
	int id;

	CHECK(t_create(CLOCK_MONOTONIC, &ev, &id) == 0);        /* SIGURG: ignored by default */
	CHECK(t_set(id, 0, 1, 1, NULL) == 0);
	signal(SIGALRM, on_alarm);
	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	CHECK(sigprocmask(SIG_BLOCK, &alrm, NULL) == 0);
	CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
	t0 = now_ns(CLOCK_MONOTONIC);
	nanosleep(&(struct timespec){ 0, 100 * MS }, NULL);
	printf("a 1 ns POSIX timer ignored, a 1 us ITIMER_REAL blocked: a 100 ms sleep ends within 2 s: %s\n",
	       now_ns(CLOCK_MONOTONIC) - t0 < 2000 * MS ? "yes" : "no");
	CHECK(getitimer(ITIMER_REAL, &got) == 0);
	printf("  ITIMER_REAL waiting for its signal: value %ld.%06ld, interval %ld.%06ld\n", (long)got.it_value.tv_sec,
	       (long)got.it_value.tv_usec, (long)got.it_interval.tv_sec, (long)got.it_interval.tv_usec);
	CHECK(sigprocmask(SIG_UNBLOCK, &alrm, NULL) == 0);
	it = (struct itimerval){ { 0, 0 }, { 0, 0 } };
	CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
	printf("  unblocked: the handler ran: %s\n", handled > 0 ? "yes" : "no");
	CHECK(syscall(SYS_timer_delete, id) == 0);
}

static const struct test_case cases[] = {
	CASE(timerfd_errors), CASE(one_shot_and_periodic), CASE(time64_calls), CASE(wall_clock), CASE(abs_sleep_clock_set),
	CASE(waiting), CASE(timer_errors), CASE(timer_signals), CASE(timer_kinds),
	CASE(short_intervals),
};

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	return RUN_CASES(cases);
}
