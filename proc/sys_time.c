/*
 * Time's system calls: the clocks (clock_gettime, clock_getres,
 * clock_settime, gettimeofday, settimeofday, time), CPU times (times),
 * the sleeps
 * (nanosleep, clock_nanosleep, and restart_syscall, which goes on with
 * one a stop interrupted), and the timespecs they exchange.
 *
 * The clocks, as Linux's posix-timers table has them:
 *
 *   id  clock                  reads             resolution  sleeps on  set
 *    0  REALTIME               wall clock        1 ns        yes        yes
 *    1  MONOTONIC              since boot        1 ns        yes        -
 *    2  PROCESS_CPUTIME_ID     the process's CPU 1 ns        yes        -
 *    3  THREAD_CPUTIME_ID      the thread's CPU  1 ns        EOPNOTSUPP -
 *    4  MONOTONIC_RAW          since boot        1 ns        EOPNOTSUPP -
 *    5  REALTIME_COARSE        wall, at the tick one tick    EOPNOTSUPP -
 *    6  MONOTONIC_COARSE       boot, at the tick one tick    EOPNOTSUPP -
 *    7  BOOTTIME               since boot        1 ns        yes        -
 *    8  REALTIME_ALARM         wall clock        1 ns        yes        -
 *    9  BOOTTIME_ALARM         since boot        1 ns        yes        -
 *   11  TAI                    wall clock        1 ns        yes        -
 *  <0   a process's CPU clock (clock_getcpuclockid): ~pid << 3 | kind;
 *       settime is EPERM
 *
 * Any other id is EINVAL; setting a clock that cannot be set is EINVAL. Nothing suspends, so BOOTTIME is MONOTONIC,
 * nothing slews, so MONOTONIC_RAW is too, and TAI's offset from UTC is 0,
 * Linux's until someone sets it.
 */
#include "proc_internal.h"
#include <pagoda/clock.h>
#include <pagoda/errno.h>
#include <pagoda/file.h>
#include <pagoda/time.h>
#include <pagoda/timer.h>
#include <pagoda/uaccess.h>
#include <pagoda/vdso.h>

/* struct timezone: what settimeofday keeps and gettimeofday gives back. */
static struct { int32_t minuteswest, dsttime; } sys_tz;


/* The CPU time of the process behind clock id (negative: a pid and a
 * kind; 2 and 3: the caller's own), by kind: 0 or -EINVAL. */
static int cpu_clock(int32_t id, uint64_t *ns)
{
	struct proc *p = proc_current;
	uint32_t kind = CPUCLOCK_SCHED;

	if (id < 0) {
		int32_t pid = cpuclock_pid(id);

		kind = (uint32_t)id & CPUCLOCK_KIND_MASK;
		if (kind == CPUCLOCK_KIND_MASK || (pid && !(p = proc_find(pid))))
			return -EINVAL;
	}
	*ns = kind == CPUCLOCK_VIRT ? proc_cpu_user_ns(p) : proc_cpu_ns(p);
	return 0;
}

int clock_now(int32_t id, uint64_t *ns)
{
	switch (id) {
	case CLOCK_REALTIME: case CLOCK_REALTIME_ALARM: case CLOCK_TAI:
		*ns = clock_realtime_ns();
		return 0;
	case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_RAW: case CLOCK_BOOTTIME: case CLOCK_BOOTTIME_ALARM:
		*ns = clock_mono_ns();
		return 0;
	case CLOCK_REALTIME_COARSE: case CLOCK_MONOTONIC_COARSE:
		*ns = id == CLOCK_REALTIME_COARSE ? clock_realtime_ns() : clock_mono_ns();
		*ns -= *ns % NSEC_PER_TICK;
		return 0;
	case CLOCK_PROCESS_CPUTIME: case CLOCK_THREAD_CPUTIME:
		return cpu_clock(id, ns);
	default:
		return id < 0 ? cpu_clock(id, ns) : -EINVAL;
	}
}

int timespec_out(vaddr_t u, bool time64, uint64_t ns)
{
	struct timespec64 t64 = { (int64_t)(ns / NSEC_PER_SEC), (int32_t)(ns % NSEC_PER_SEC), 0 };
	struct timespec32 t32 = { (int32_t)(ns / NSEC_PER_SEC), (int32_t)(ns % NSEC_PER_SEC) };

	return time64 ? copyout(u, &t64, sizeof(t64)) : copyout(u, &t32, sizeof(t32));
}

int timespec_in(vaddr_t u, bool time64, uint64_t *sec, uint64_t *nsec)
{
	int64_t s, ns;

	if (time64) {
		struct timespec64 ts;

		if (copyin(&ts, u, sizeof(ts)))
			return -EFAULT;
		s = ts.tv_sec, ns = ts.tv_nsec;
	} else {
		struct timespec32 ts;

		if (copyin(&ts, u, sizeof(ts)))
			return -EFAULT;
		s = ts.tv_sec, ns = ts.tv_nsec;
	}
	if (s < 0 || ns < 0 || ns >= (int64_t)NSEC_PER_SEC)
		return -EINVAL;
	*sec = (uint64_t)s, *nsec = (uint64_t)ns;
	return 0;
}

/* A time of ns nanoseconds, saturated as Linux's ktime (which stops at
 * 2^63 - 1 ns, some 292 years). */
static uint64_t ns_of_timespec(uint64_t sec, uint64_t nsec)
{
	return sec >= (uint64_t)INT64_MAX / NSEC_PER_SEC ? (uint64_t)INT64_MAX : sec * NSEC_PER_SEC + nsec;
}

int itimerspec_in(vaddr_t u, bool time64, uint64_t *interval, uint64_t *value)
{
	int64_t t[4];                   /* interval sec, nsec; value sec, nsec */

	if (time64) {
		struct timespec64 ts[2];

		if (copyin(ts, u, sizeof(ts)))
			return -EFAULT;
		t[0] = ts[0].tv_sec, t[1] = ts[0].tv_nsec, t[2] = ts[1].tv_sec, t[3] = ts[1].tv_nsec;
	} else {
		struct timespec32 ts[2];

		if (copyin(ts, u, sizeof(ts)))
			return -EFAULT;
		t[0] = ts[0].tv_sec, t[1] = ts[0].tv_nsec, t[2] = ts[1].tv_sec, t[3] = ts[1].tv_nsec;
	}
	for (int i = 0; i < 4; i += 2)
		if (t[i] < 0 || t[i + 1] < 0 || t[i + 1] >= (int64_t)NSEC_PER_SEC)
			return -EINVAL;
	*interval = ns_of_timespec((uint64_t)t[0], (uint64_t)t[1]);
	*value = ns_of_timespec((uint64_t)t[2], (uint64_t)t[3]);
	return 0;
}

int itimerspec_out(vaddr_t u, bool time64, uint64_t interval, uint64_t value)
{
	size_t size = time64 ? sizeof(struct timespec64) : sizeof(struct timespec32);

	return timespec_out(u, time64, interval) || timespec_out(u + size, time64, value) ? -EFAULT : 0;
}

/* ---- reading and setting the clocks ---- */

static long clock_gettime(uint32_t clock, vaddr_t uts, bool time64)
{
	uint64_t ns;
	int err = clock_now((int32_t)clock, &ns);

	return err ? err : timespec_out(uts, time64, ns);
}

SYSCALL(clock_gettime) { return clock_gettime(a0, a1, false); }
SYSCALL(clock_gettime64) { return clock_gettime(a0, a1, true); }

/* A clock's resolution: the tick for the coarse ones and for CPU clocks
 * of user or user and system time (which the tick samples), else 1 ns. */
static long clock_getres(uint32_t clock, vaddr_t uts, bool time64)
{
	uint64_t ns;
	int err = clock_now((int32_t)clock, &ns);
	bool ticks = clock == CLOCK_REALTIME_COARSE || clock == CLOCK_MONOTONIC_COARSE ||
		     ((int32_t)clock < 0 && (clock & CPUCLOCK_KIND_MASK) != CPUCLOCK_SCHED);

	if (err || !uts)
		return err;
	return timespec_out(uts, time64, ticks ? NSEC_PER_TICK : 1);
}

SYSCALL(clock_getres) { return clock_getres(a0, a1, false); }
SYSCALL(clock_getres_time64) { return clock_getres(a0, a1, true); }

/* What sleeps until a wall-clock time sleeps on: woken when it is set. */
static int realtime_sleepers;

void timezone_get(int32_t *minuteswest, int32_t *dsttime)
{
	*minuteswest = sys_tz.minuteswest;
	*dsttime = sys_tz.dsttime;
}

/* The wall clock was set: whatever waits for a time on it looks again. */
static void clock_was_set(void)
{
	vdso_update();
	wakeup(&realtime_sleepers);
	timerfd_clock_was_set();
	posix_timers_clock_was_set();
}

/* Set the wall clock to sec and nsec (already valid as a timespec): as
 * Linux's do_settimeofday64, not to before the machine booted. */
static int set_realtime(uint64_t sec, uint64_t nsec)
{
	uint64_t ns;

	if (sec >= UINT64_MAX / NSEC_PER_SEC / 2)
		return -EINVAL;
	ns = sec * NSEC_PER_SEC + nsec;
	if (ns < clock_mono_ns())
		return -EINVAL;
	clock_set_realtime(ns);
	clock_was_set();
	return 0;
}

/* In Linux's order: a clock that cannot be set (all but REALTIME) is
 * EINVAL before the time is read, except a pid's CPU clock (a negative
 * id), which reads it first and then is EPERM (EINVAL if no such clock). */
static long clock_settime(uint32_t clock, vaddr_t uts, bool time64)
{
	uint64_t sec, nsec, ns;
	int err;

	if ((int32_t)clock < 0) {
		if (timespec_in(uts, time64, &sec, &nsec) == -EFAULT)
			return -EFAULT;
		return clock_now((int32_t)clock, &ns) ? -EINVAL : -EPERM;
	}
	if ((err = clock_now((int32_t)clock, &ns)))
		return err;
	if (clock != CLOCK_REALTIME)
		return -EINVAL;
	return (err = timespec_in(uts, time64, &sec, &nsec)) ? err : set_realtime(sec, nsec);
}

SYSCALL(clock_settime) { return clock_settime(a0, a1, false); }
SYSCALL(clock_settime64) { return clock_settime(a0, a1, true); }

SYSCALL(gettimeofday)
{
	struct timeval32 tv = timeval_from_ns(clock_realtime_ns());

	if (a0 && copyout(a0, &tv, sizeof(tv)))
		return -EFAULT;
	if (a1 && copyout(a1, &sys_tz, sizeof(sys_tz)))
		return -EFAULT;
	return 0;
}

/* settimeofday(tv, tz), in Linux's order: both read, the microseconds
 * checked, then the zone (at most 15 hours from UTC), then the time. */
SYSCALL(settimeofday)
{
	struct timeval32 tv;
	__typeof__(sys_tz) tz;

	if (a0) {
		if (copyin(&tv, a0, sizeof(tv)))
			return -EFAULT;
		if (tv.tv_usec < 0 || tv.tv_usec >= 1000000)
			return -EINVAL;
	}
	if (a1 && copyin(&tz, a1, sizeof(tz)))
		return -EFAULT;
	if (a0 && tv.tv_sec < 0)
		return -EINVAL;
	if (a1) {
		if (tz.minuteswest > 15 * 60 || tz.minuteswest < -15 * 60)
			return -EINVAL;
		sys_tz = tz;
		vdso_update();
	}
	return a0 ? set_realtime((uint32_t)tv.tv_sec, (uint64_t)tv.tv_usec * NSEC_PER_USEC) : 0;
}

SYSCALL(time)
{
	uint32_t t = (uint32_t)(clock_realtime_ns() / NSEC_PER_SEC);

	if (a0 && copyout(a0, &t, sizeof(t)))
		return -EFAULT;
	return (long)t;
}

/* ---- CPU time ---- */

static int32_t clock_t_of(uint64_t ns)
{
	return (int32_t)(ns / (NSEC_PER_SEC / USER_HZ));
}

/* times(buf): the process's user and system time, and its waited-for
 * children's, in 1/100 s; returns the time since boot in the same unit
 * (only differences of it mean anything, as on Linux). */
SYSCALL(times)
{
	struct rusage_acct self, children;
	int32_t tms[4];

	proc_rusage(proc_current, RUSAGE_SELF, &self);
	proc_rusage(proc_current, RUSAGE_CHILDREN, &children);
	tms[0] = clock_t_of(self.utime_ns);
	tms[1] = clock_t_of(self.stime_ns);
	tms[2] = clock_t_of(children.utime_ns);
	tms[3] = clock_t_of(children.stime_ns);

	if (a0 && copyout(a0, tms, sizeof(tms)))
		return -EFAULT;
	return clock_t_of(clock_mono_ns());
}

/* ---- sleeping ---- */

static long sleep_on_block(struct restart_block *r);

/* Sleep until the deadline. A signal first: the time left is written to
 * rmtp (if any), and the call is -ERESTART_RESTARTBLOCK, so that a
 * handler makes it -EINTR and a stop and continue make restart_syscall
 * sleep on to the same deadline (Linux's hrtimer_nanosleep). */
static long sleep_until(uint64_t deadline, vaddr_t rmtp, bool time64)
{
	struct restart_block *r = &proc_current->restart;

	while (!timer_passed(deadline)) {
		/* Its own channel: only the deadline or a signal wakes it. */
		if (sleep_on_timeout(r, deadline) != -EINTR)
			continue;
		if (rmtp && timespec_out(rmtp, time64, timer_ns_left(deadline)))
			return -EFAULT;
		*r = (struct restart_block){ .fn = sleep_on_block, .deadline = deadline, .uaddr = rmtp,
					     .time64 = time64 };
		return -ERESTART_RESTARTBLOCK;
	}
	return 0;
}

static long sleep_on_block(struct restart_block *r)
{
	return sleep_until(r->deadline, r->uaddr, r->time64);
}

/* restart_syscall: go on with the call a stop interrupted; made by the
 * kernel's restart, never meant for programs (-EINTR with nothing to do). */
SYSCALL(restart_syscall)
{
	struct restart_block *r = &proc_current->restart;
	long (*fn)(struct restart_block *) = r->fn;

	r->fn = NULL;
	return fn ? fn(r) : -EINTR;
}

SYSCALL(nanosleep)
{
	uint64_t sec, nsec;
	long err = timespec_in(a0, false, &sec, &nsec);

	return err ? err : sleep_until(timer_deadline(sec, nsec), a1, false);
}

/* Sleep until the CPU clock id reads sec and nsec (from now, or absolute),
 * looking at each tick, as Linux's posix_cpu_nsleep (which a CPU timer
 * wakes): a process asleep uses none, so on its own clock it sleeps until
 * a signal. Its own per-thread clock is EINVAL. A signal is -ERESTARTNOHAND
 * (EINTR with a handler), the CPU time left written to rmtp. */
static long cpu_sleep(int32_t id, uint32_t flags, uint64_t sec, uint64_t nsec, uint64_t now,
		      vaddr_t rmtp, bool time64)
{
	uint64_t target = sec >= UINT64_MAX / NSEC_PER_SEC / 2 ? UINT64_MAX / 2 : sec * NSEC_PER_SEC + nsec;

	if (id < 0 && (id & CPUCLOCK_PERTHREAD) && (cpuclock_pid(id) == 0 || cpuclock_pid(id) == proc_current->pid))
		return -EINVAL;
	if (!(flags & TIMER_ABSTIME))
		target += now;
	while (clock_now(id, &now) == 0 && now < target) {
		if (sleep_on_timeout(&proc_current->restart, timer_deadline(0, NSEC_PER_TICK)) != -EINTR)
			continue;
		if (rmtp && !(flags & TIMER_ABSTIME) && timespec_out(rmtp, time64, target - now))
			return -EFAULT;
		return -ERESTARTNOHAND;
	}
	return 0;                       /* reached, or the process is gone */
}

/* Sleep until the wall clock reads target (TIMER_ABSTIME on a wall
 * clock): a setting of the clock wakes it to look again, as Linux's
 * clock_was_set. A signal is -ERESTARTNOHAND, and the restart sleeps to
 * the same time (Linux's for every absolute sleep). */
static long realtime_sleep_until(uint64_t target)
{
	for (;;) {
		uint64_t now = clock_realtime_ns(), left;

		if (now >= target)
			return 0;
		left = target - now;
		if (sleep_on_timeout(&realtime_sleepers, timer_deadline(left / NSEC_PER_SEC, left % NSEC_PER_SEC)) ==
		    -EINTR)
			return -ERESTARTNOHAND;
	}
}

/* clock_nanosleep of either timespec size: relative, or to an absolute
 * time of the clock (TIMER_ABSTIME), on the clocks the table above says. */
static long clock_nanosleep(uint32_t clock, uint32_t flags, vaddr_t uts, vaddr_t rmtp, bool time64)
{
	uint64_t sec, nsec, now, ns;
	long err;

	if ((err = clock_now((int32_t)clock, &now)))
		return err;
	if (clock == CLOCK_MONOTONIC_RAW || clock == CLOCK_REALTIME_COARSE || clock == CLOCK_MONOTONIC_COARSE)
		return -EOPNOTSUPP;
	if (clock == CLOCK_THREAD_CPUTIME)
		return -EOPNOTSUPP;
	if ((err = timespec_in(uts, time64, &sec, &nsec)))
		return err;
	if ((int32_t)clock < 0 || clock == CLOCK_PROCESS_CPUTIME)
		return cpu_sleep((int32_t)clock, flags, sec, nsec, now, rmtp, time64);
	if ((flags & TIMER_ABSTIME) && (clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_ALARM || clock == CLOCK_TAI))
		return realtime_sleep_until(ns_of_timespec(sec, nsec));
	if (flags & TIMER_ABSTIME) {    /* on the monotonic clock: no time left to write */
		ns = ns_of_timespec(sec, nsec);
		if (ns <= now)
			return 0;
		ns -= now;
		sec = ns / NSEC_PER_SEC, nsec = ns % NSEC_PER_SEC;
		rmtp = 0;
	}
	return sleep_until(timer_deadline(sec, nsec), rmtp, time64);
}

SYSCALL(clock_nanosleep)
{
	return clock_nanosleep(a0, a1, a2, a3, false);
}

SYSCALL(clock_nanosleep_time64)
{
	return clock_nanosleep(a0, a1, a2, a3, true);
}
