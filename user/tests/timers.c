/*
 * timerfd, against Linux: the error paths in Linux's order; one-shot
 * and periodic timers (the count of expiries a read gives, the time
 * gettime says is left), absolute times on the monotonic clock and on
 * the wall clock (which a setting of the clock moves, or cancels with
 * TFD_TIMER_CANCEL_ON_SET), TFD_IOC_SET_TICKS, poll and epoll, and a
 * read a signal interrupts; and clock_nanosleep to a wall-clock time,
 * which a setting of the clock ends. Counts of expiries are checked against the
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

static void show(const char *what, long r)
{
	if (r < 0)
		printf("%s: -1 errno %d\n", what, errno);
	else
		printf("%s: %ld\n", what, r);
}

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

	show("create, CLOCK_PROCESS_CPUTIME_ID", timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0));
	show("create, CLOCK_MONOTONIC_RAW", timerfd_create(CLOCK_MONOTONIC_RAW, 0));
	show("create, CLOCK_TAI", timerfd_create(CLOCK_TAI, 0));
	show("create, clock 99", timerfd_create(99, 0));
	show("create, flags 4", timerfd_create(CLOCK_MONOTONIC, 4));
	CHECK((fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC)) >= 0);
	printf("F_GETFL %#x, F_GETFD %d\n", fcntl(fd, F_GETFL), fcntl(fd, F_GETFD));
	CHECK(fstat(fd, &st) == 0);
	printf("fstat: mode %#o\n", st.st_mode);
	CHECK((efd = timerfd_create(CLOCK_BOOTTIME, 0)) >= 0 && close(efd) == 0);
	CHECK((efd = eventfd(0, 0)) >= 0);
	show("settime, bad fd", timerfd_settime(99, 0, &v, NULL));
	show("settime, not a timerfd", timerfd_settime(efd, 0, &v, NULL));
	show("settime, flags 4", timerfd_settime(fd, 4, &v, NULL));
	show("settime, flags 4, bad fd", timerfd_settime(99, 4, &v, NULL));
	bad.it_value.tv_nsec = 1000000000;
	show("settime, value's nanoseconds 10^9", timerfd_settime(fd, 0, &bad, NULL));
	bad = its(0, 0);
	bad.it_interval.tv_sec = -1;
	show("settime, interval negative", timerfd_settime(fd, 0, &bad, NULL));
	show("settime, bad new pointer", syscall(NR_timerfd_settime, fd, 0, 8, 0));
	show("settime, bad new pointer, bad flags", syscall(NR_timerfd_settime, fd, 4, 8, 0));
	v = its(0, 10000 * MS);
	show("settime 10 s, bad old pointer", syscall(NR_timerfd_settime, fd, 0, &v, 8));
	CHECK(timerfd_gettime(fd, &v) == 0);
	printf("  set anyway: %s\n", v.it_value.tv_sec >= 9 ? "yes" : "no");
	show("gettime, bad pointer", syscall(NR_timerfd_gettime, fd, 8));
	show("gettime, bad fd", syscall(NR_timerfd_gettime, 99, &v));
	show("gettime, not a timerfd", syscall(NR_timerfd_gettime, efd, &v));
	show("read, 4 bytes", read(fd, &small, 4));
	show("read, not expired", read(fd, &n, 8));
	show("ioctl SET_TICKS 0", ioctl(fd, TFD_IOC_SET_TICKS_, &(uint64_t){ 0 }));
	show("ioctl SET_TICKS, bad pointer", ioctl(fd, TFD_IOC_SET_TICKS_, 8));
	show("ioctl 0x5401", ioctl(fd, 0x5401, &n));
	show("lseek", lseek(fd, 0, SEEK_SET));
	show("write", write(fd, &n, 8));
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
	show("a one-shot of 50 ms: the read waits", read(fd, &n, 8));
	printf("  expiries %llu; at least 50 ms later: %s\n", (unsigned long long)n,
	       now_ns(CLOCK_MONOTONIC) - t0 >= 50 * MS ? "yes" : "no");
	CHECK(timerfd_gettime(fd, &v) == 0);
	printf("  then gettime: value %lld, interval %lld\n", (long long)ns_of(v.it_value),
	       (long long)ns_of(v.it_interval));
	CHECK(fcntl(fd, F_SETFL, O_NONBLOCK) == 0);
	show("  and a read", read(fd, &n, 8));
	t0 = now_ns(CLOCK_MONOTONIC);
	CHECK(arm(fd, 0, 10 * MS, 20 * MS) == 0);
	nanosleep(&(struct timespec){ 0, 75 * MS }, NULL);
	CHECK(timerfd_gettime(fd, &v) == 0);
	printf("periodic, 20 ms then every 10: gettime's interval %lld, value within it: %s\n",
	       (long long)ns_of(v.it_interval), ns_of(v.it_value) > 0 && ns_of(v.it_value) <= 10 * MS ? "yes" : "no");
	read_count("  after 75 ms", fd, t0, 10 * MS, 20 * MS);
	show("  read again at once", read(fd, &n, 8));
	v = its(0, 0);
	CHECK(timerfd_settime(fd, 0, &v, &old) == 0);
	printf("  disarmed: the old interval %lld, value within it: %s\n", (long long)ns_of(old.it_interval),
	       ns_of(old.it_value) > 0 && ns_of(old.it_value) <= 10 * MS ? "yes" : "no");
	nanosleep(&(struct timespec){ 0, 30 * MS }, NULL);
	show("  nothing after", read(fd, &n, 8));
	CHECK(arm(fd, 0, 0, 10000 * MS) == 0);
	CHECK(arm(fd, 0, 0, 10 * MS) == 0);
	nanosleep(&(struct timespec){ 0, 30 * MS }, NULL);
	CHECK(arm(fd, 0, 0, 10000 * MS) == 0);
	show("an expiry not read is forgotten by settime", read(fd, &n, 8));
	CHECK(arm(fd, TFD_TIMER_ABSTIME, 0, 1) == 0);
	show("absolute, 1 ns after boot: poll, 1 s at most", poll(&(struct pollfd){ fd, POLLIN, 0 }, 1, 1000));
	show("  a read", read(fd, &n, 8));
	printf("  expiries %llu\n", (unsigned long long)n);
	CHECK(ioctl(fd, TFD_IOC_SET_TICKS_, &(uint64_t){ 5 }) == 0);
	show("SET_TICKS 5", read(fd, &n, 8));
	printf("  expiries %llu\n", (unsigned long long)n);
}

/* The 64-bit calls, with a timespec of 16 bytes. */
static void time64_calls(void)
{
	struct { int64_t isec, insec, vsec, vnsec; } v = { 0, 0, 5, 0 }, got;
	int fd;

	CHECK((fd = timerfd_create(CLOCK_MONOTONIC, 0)) >= 0);
	show("settime64, 5 s", syscall(NR_timerfd_settime64, fd, 0, &v, 0));
	memset(&got, 0xff, sizeof(got));
	show("gettime64", syscall(NR_timerfd_gettime64, fd, &got));
	printf("  interval %lld.%09lld; value 4 to 5 s: %s; nanoseconds' high half: %#x\n", (long long)got.isec,
	       (long long)got.insec, got.vsec == 4 || (got.vsec == 5 && got.vnsec == 0) ? "yes" : "no",
	       (unsigned)((uint64_t)got.vnsec >> 32));
	v.vnsec = 1000000000;
	show("settime64, 10^9 ns", syscall(NR_timerfd_settime64, fd, 0, &v, 0));
}

/* On the wall clock: an absolute time moves with a setting of the clock;
 * TFD_TIMER_CANCEL_ON_SET makes the setting an ECANCELED read, once. */
static void wall_clock(void)
{
	struct timespec wall;
	struct pollfd p;
	uint64_t n;
	int fd, cfd;

	CHECK((fd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK)) >= 0);
	CHECK((cfd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK)) >= 0);
	show("CANCEL_ON_SET, relative", timerfd_settime(cfd, TFD_TIMER_CANCEL_ON_SET, &(struct itimerspec){ { 0, 0 }, { 100, 0 } }, NULL));
	CHECK(arm(fd, TFD_TIMER_ABSTIME, 0, now_ns(CLOCK_REALTIME) + 10000 * MS) == 0);
	CHECK(arm(cfd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, 0, now_ns(CLOCK_REALTIME) + 10000 * MS) == 0);
	show("10 s off on the wall clock: a read", read(fd, &n, 8));
	CHECK(clock_gettime(CLOCK_REALTIME, &wall) == 0);
	wall.tv_sec += 20;
	CHECK(clock_settime(CLOCK_REALTIME, &wall) == 0);
	p = (struct pollfd){ fd, POLLIN, 0 };
	show("the clock set 20 s on: poll, 2 s at most", poll(&p, 1, 2000));
	show("  a read", read(fd, &n, 8));
	printf("  expiries %llu\n", (unsigned long long)n);
	show("the CANCEL_ON_SET one: a read", read(cfd, &n, 8));
	show("  again", read(cfd, &n, 8));
	CHECK(clock_gettime(CLOCK_REALTIME, &wall) == 0);
	wall.tv_sec -= 20;
	CHECK(clock_settime(CLOCK_REALTIME, &wall) == 0);
	show("the clock set back: it again", read(cfd, &n, 8));
	CHECK(arm(fd, TFD_TIMER_ABSTIME, 0, now_ns(CLOCK_REALTIME) + 10000 * MS) == 0);
	CHECK(clock_gettime(CLOCK_REALTIME, &wall) == 0);
	wall.tv_sec -= 100;
	CHECK(clock_settime(CLOCK_REALTIME, &wall) == 0);
	nanosleep(&(struct timespec){ 0, 50 * MS }, NULL);
	show("set 100 s back: nothing yet", read(fd, &n, 8));
	CHECK(clock_gettime(CLOCK_REALTIME, &wall) == 0);
	wall.tv_sec += 100;
	CHECK(clock_settime(CLOCK_REALTIME, &wall) == 0);
}

/* clock_nanosleep to a wall-clock time wakes when the clock is set past it. */
static void abs_sleep_clock_set(void)
{
	struct timespec wall, until;
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
	CHECK(clock_gettime(CLOCK_REALTIME, &wall) == 0);
	wall.tv_sec += 20;
	CHECK(clock_settime(CLOCK_REALTIME, &wall) == 0);
	CHECK(waitpid(pid, &status, 0) == pid);
	printf("a sleep until 10 s on, the clock set 20 s on: it ends, with %d, within 2 s: %s\n",
	       WEXITSTATUS(status), now_ns(CLOCK_MONOTONIC) - t0 < 2000 * MS ? "yes" : "no");
	CHECK(clock_gettime(CLOCK_REALTIME, &wall) == 0);
	wall.tv_sec -= 20;
	CHECK(clock_settime(CLOCK_REALTIME, &wall) == 0);
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
	show("poll, not expired", poll(&p, 1, 0));
	CHECK(arm(fd, 0, 0, 30 * MS) == 0);
	show("epoll_wait for a 30 ms timer", epoll_wait(ep, &ev, 1, 2000));
	printf("  data %llu, events %#x\n", (unsigned long long)ev.data.u64, ev.events);
	show("poll", poll(&p, 1, 0));
	printf("  revents %#x\n", p.revents);
	CHECK(read(fd, &n, 8) == 8);
	CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
	CHECK(arm(fd, 0, 0, 200 * MS) == 0);
	ualarm(50 * 1000, 0);
	show("a read, a SA_RESTART signal at 50 ms, the timer at 200", read(fd, &n, 8));
	printf("  handled %d, expiries %llu\n", handled, (unsigned long long)n);
	sa.sa_flags = 0;
	CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
	CHECK(arm(fd, 0, 0, 200 * MS) == 0);
	ualarm(50 * 1000, 0);
	show("without SA_RESTART", read(fd, &n, 8));
	printf("  handled %d\n", handled);
}

static const struct test_case cases[] = {
	CASE(timerfd_errors), CASE(one_shot_and_periodic), CASE(time64_calls), CASE(wall_clock), CASE(abs_sleep_clock_set),
	CASE(waiting),
};

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	return RUN_CASES(cases);
}
