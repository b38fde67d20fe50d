/*
 * How exactly waits end: for each call that waits until a time, 20 waits
 * of 50 ms, each begun at another point of the 10 ms tick (a spin of
 * 0 to 9.5 ms first), must last at least 50 ms and end less than 1 ms
 * late. A kernel that wakes sleepers at its ticks ends some of them up to
 * 10 ms late; one with a one-shot timer, within microseconds.
 *
 * Meaningful only under QEMU's -icount (tools/test.py's "timing" boot,
 * or tools/pagoda-run --icount), where virtual time advances with the
 * instructions run and jumps over idle time: the host's load cannot make
 * a wait late. Not in tests/user/cases, for that reason: Linux's recorded
 * output would come from a machine without -icount.
 */
#define _GNU_SOURCE
#include "check.h"
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/select.h>
#include <sys/time.h>
#include <time.h>

#define WAIT_NS         50000000LL      /* 50 ms */
#define LATE_MAX_NS     1000000LL       /* 1 ms: well before a tick */
#define PHASES          20
#define PHASE_STEP_NS   500000LL        /* 0.5 ms: 20 of them cover a tick */

static int64_t now_ns(void)
{
	struct timespec ts;

	CHECK(clock_gettime(CLOCK_MONOTONIC, &ts) == 0);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void spin_ns(int64_t ns)
{
	int64_t end = now_ns() + ns;

	while (now_ns() < end)
		;
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* One wait of WAIT_NS, by each call. */
static void by_nanosleep(void)
{
	struct timespec ts = { 0, WAIT_NS };

	CHECK(nanosleep(&ts, NULL) == 0);
}

static void by_clock_nanosleep_abs(void)
{
	struct timespec ts;

	CHECK(clock_gettime(CLOCK_MONOTONIC, &ts) == 0);
	ts.tv_nsec += WAIT_NS;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	CHECK(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == 0);
}

static void by_poll(void)
{
	CHECK(poll(NULL, 0, (int)(WAIT_NS / 1000000)) == 0);
}

static void by_select(void)
{
	struct timeval tv = { 0, WAIT_NS / 1000 };

	CHECK(select(0, NULL, NULL, NULL, &tv) == 0);
}

static void by_setitimer(void)
{
	struct itimerval it = { { 0, 0 }, { 0, WAIT_NS / 1000 } };
	sigset_t all, none;

	sigemptyset(&none);
	sigemptyset(&all);
	sigaddset(&all, SIGALRM);
	CHECK(sigprocmask(SIG_BLOCK, &all, NULL) == 0);
	CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
	sigsuspend(&none);
	CHECK(sigprocmask(SIG_UNBLOCK, &all, NULL) == 0);
}

/* Each wait at each phase: never early, never as late as a tick. */
static void measure(const char *what, void (*wait)(void))
{
	int64_t late_max = 0, late_min = INT64_MAX;

	for (int i = 0; i < PHASES; i++) {
		int64_t t0, late;

		spin_ns(i * PHASE_STEP_NS);
		t0 = now_ns();
		wait();
		late = now_ns() - t0 - WAIT_NS;
		CHECK(late >= 0);
		if (late > late_max)
			late_max = late;
		if (late < late_min)
			late_min = late;
	}
	if (late_max >= LATE_MAX_NS)
		printf("%s: %d waits of 50 ms ended %lld to %lld us late\n", what, PHASES,
		       (long long)late_min / 1000, (long long)late_max / 1000);
	CHECK(late_max < LATE_MAX_NS);
}

static void sleeps(void)
{
	measure("nanosleep", by_nanosleep);
	measure("clock_nanosleep TIMER_ABSTIME", by_clock_nanosleep_abs);
}

static void timeouts(void)
{
	measure("poll", by_poll);
	measure("select", by_select);
}

static void timers(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };

	CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
	measure("setitimer ITIMER_REAL", by_setitimer);
}

/* A periodic ITIMER_REAL keeps its phase: the nth signal comes n
 * intervals after the start, not n intervals plus n wakeup delays. */
static void periodic(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval it = { { 0, 7000 }, { 0, 7000 } };    /* 7 ms */
	sigset_t alrm, none;
	int64_t t0, late;

	CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
	sigemptyset(&none);
	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	CHECK(sigprocmask(SIG_BLOCK, &alrm, NULL) == 0);
	t0 = now_ns();
	CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
	for (int i = 0; i < 50; i++)
		sigsuspend(&none);
	late = now_ns() - t0 - 50 * 7000000LL;
	if (late < 0 || late >= LATE_MAX_NS)
		printf("periodic: 50 signals 7 ms apart ended %lld us late\n", (long long)late / 1000);
	CHECK(late >= 0 && late < LATE_MAX_NS);
}

/* The timer's interrupts so far: /proc/stat's first line of "intr". */
static unsigned long long timer_irqs(void)
{
	static char buf[4096];
	unsigned long long total, irq0;
	int fd = open("/proc/stat", O_RDONLY);
	ssize_t n;

	CHECK(fd >= 0 && (n = read(fd, buf, sizeof(buf) - 1)) > 0 && close(fd) == 0);
	buf[n] = '\0';
	CHECK(strstr(buf, "\nintr ") && sscanf(strstr(buf, "\nintr "), "\nintr %llu %llu", &total, &irq0) == 2);
	return irq0;
}

/* No tick while idle: a second asleep, with nothing else to run, takes
 * the PIT's longest one-shot countdowns (54.9 ms), about 19 interrupts,
 * not a 100 Hz tick's 100. */
static void idle(void)
{
	unsigned long long before = timer_irqs(), irqs;

	nanosleep(&(struct timespec){ 1, 0 }, NULL);
	irqs = timer_irqs() - before;
	printf("idle: a second asleep took %llu timer interrupts\n", irqs);
	CHECK(irqs <= 25);
}

int main(int argc, char **argv)
{
	static const struct test_case cases[] = {
		CASE(sleeps), CASE(timeouts), CASE(timers), CASE(periodic), CASE(idle),
	};

	setvbuf(stdout, NULL, _IONBF, 0);
	return RUN_CASES(cases);
}
