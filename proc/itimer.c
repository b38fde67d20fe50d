/*
 * Interval timers: alarm, setitimer and getitimer, as Linux's
 * kernel/time/itimer.c. Each process has three:
 *
 *   ITIMER_REAL     counts down on the monotonic clock    SIGALRM
 *   ITIMER_VIRTUAL  counts down the user CPU time         SIGVTALRM
 *   ITIMER_PROF     counts down all its CPU time          SIGPROF
 *
 * each a value (when it next fires: a monotonic time for REAL, a reading
 * of the CPU clock for the others; 0: disarmed) and an interval to rearm
 * with (0: once). REAL is a kernel timer (<pagoda/timer.h>) that fires
 * at its value; the CPU timers are looked at by the tick (itimer_tick),
 * those of the running process, as Linux samples them. A timer fires
 * with SI_KERNEL, as Linux's; a periodic one is moved on by whole
 * intervals past now, so it keeps its phase: a CPU timer at once, REAL
 * only when its SIGALRM is taken (Linux's dequeue_signal), so that a
 * short interval with the signal blocked or ignored cannot keep the CPU
 * in the timer interrupt. fork's child has none armed; exec keeps them.
 */
#include "proc_internal.h"
#include <pagoda/errno.h>
#include <pagoda/signal.h>
#include <pagoda/time.h>
#include <pagoda/timer.h>
#include <pagoda/uaccess.h>

#define ITIMER_REAL     0
#define ITIMER_VIRTUAL  1
#define ITIMER_PROF     2

struct itimerval32 {
	struct timeval32 interval, value;
};

static const int itimer_signal[NR_ITIMERS] = { SIGALRM, SIGVTALRM, SIGPROF };

/* Where timer which of p stands now: its clock's reading. */
static uint64_t itimer_clock(const struct proc *p, int which)
{
	if (which == ITIMER_REAL)
		return clock_mono_ns();
	return which == ITIMER_VIRTUAL ? proc_cpu_user_ns(p) : proc_cpu_ns(p);
}

/* Fire p's timer which if it is due: the signal, and the next value
 * (0: disarmed). Says whether it fired. */
static bool itimer_check(struct proc *p, int which)
{
	struct itimer *t = &p->itimer[which];
	uint64_t now;

	if (!t->value || (now = itimer_clock(p, which)) < t->value)
		return false;
	if (t->interval)
		timer_forward(&t->value, t->interval, now);
	else
		t->value = 0;
	signal_post(p, itimer_signal[which], NULL);
	return true;
}

/* ITIMER_REAL's time has come: SIGALRM, and a periodic one waits to be
 * rearmed until the signal is taken (its value stays, for the phase). */
static void itimer_real_fire(struct ktimer *kt, bool from_user)
{
	struct proc *p = container_of(kt, struct proc, real_timer);
	struct itimer *t = &p->itimer[ITIMER_REAL];

	(void)from_user;
	if (!t->value)
		return;
	if (!t->interval)
		t->value = 0;
	signal_post(p, SIGALRM, NULL);
}

void itimer_real_taken(struct proc *p)
{
	struct itimer *t = &p->itimer[ITIMER_REAL];

	if (!t->interval || !t->value || ktimer_armed(&p->real_timer))
		return;
	timer_forward(&t->value, t->interval, clock_mono_ns());
	ktimer_arm(&p->real_timer, t->value, itimer_real_fire);
}

void itimer_tick(void)
{
	struct proc *p = proc_current;

	if (p && p->state != PROC_ZOMBIE) {
		itimer_check(p, ITIMER_VIRTUAL);
		itimer_check(p, ITIMER_PROF);
		posix_timer_tick(p);
	}
}

void itimer_exit(struct proc *p)
{
	ktimer_cancel(&p->real_timer);
}

/* Timer which as getitimer reports it: the time left (an armed timer
 * whose time has come but which has not fired yet says 1 us, as Linux's;
 * a REAL one that fired and waits for its signal to be taken, 0), and the
 * interval. */
static struct itimerval32 itimer_get(const struct proc *p, int which)
{
	const struct itimer *t = &p->itimer[which];
	uint64_t now = itimer_clock(p, which), left = 0;

	if (t->value && (which != ITIMER_REAL || ktimer_armed(&p->real_timer)))
		left = t->value > now ? t->value - now : NSEC_PER_USEC;
	if (left && left < NSEC_PER_USEC)
		left = NSEC_PER_USEC;
	return (struct itimerval32){ timeval_from_ns(t->interval), timeval_from_ns(left) };
}

/* Arm (or, with a zero value, disarm) timer which of the caller. A CPU
 * timer gets a tick more, as Linux's set_cpu_itimer gives it: the tick
 * that samples the time may come late by up to one. */
static void itimer_set(int which, uint64_t value, uint64_t interval)
{
	struct proc *p = proc_current;
	struct itimer *t = &p->itimer[which];

	if (value && which != ITIMER_REAL)
		value += NSEC_PER_TICK;
	t->interval = interval;
	t->value = value ? itimer_clock(p, which) + value : 0;
	if (which != ITIMER_REAL)
		return;
	if (t->value)
		ktimer_arm(&p->real_timer, t->value, itimer_real_fire);
	else
		ktimer_cancel(&p->real_timer);
}

static uint64_t ns_of_timeval(const struct timeval32 *tv)
{
	return (uint64_t)(uint32_t)tv->tv_sec * NSEC_PER_SEC + (uint64_t)tv->tv_usec * NSEC_PER_USEC;
}

static bool timeval_valid(const struct timeval32 *tv)
{
	return tv->tv_sec >= 0 && tv->tv_usec >= 0 && tv->tv_usec < 1000000;
}

SYSCALL(getitimer)
{
	struct itimerval32 v;

	if (a0 >= NR_ITIMERS)
		return -EINVAL;
	v = itimer_get(proc_current, (int)a0);
	return copyout(a1, &v, sizeof(v));
}

/* setitimer(which, new, old): a NULL new disarms, as Linux still allows. */
SYSCALL(setitimer)
{
	struct itimerval32 nv = { { 0, 0 }, { 0, 0 } }, ov;

	if (a1 && copyin(&nv, a1, sizeof(nv)))
		return -EFAULT;
	if (a0 >= NR_ITIMERS)
		return -EINVAL;
	if (!timeval_valid(&nv.value) || !timeval_valid(&nv.interval))
		return -EINVAL;
	ov = itimer_get(proc_current, (int)a0);
	itimer_set((int)a0, ns_of_timeval(&nv.value), ns_of_timeval(&nv.interval));
	if (a2 && copyout(a2, &ov, sizeof(ov)))
		return -EFAULT;
	return 0;
}

/* alarm(seconds): ITIMER_REAL once; the seconds the old one had left,
 * rounded to the nearest (and 1, not 0, if it had less than half of one). */
SYSCALL(alarm)
{
	struct itimerval32 old = itimer_get(proc_current, ITIMER_REAL);

	itimer_set(ITIMER_REAL, (uint64_t)a0 * NSEC_PER_SEC, 0);
	if ((!old.value.tv_sec && old.value.tv_usec) || old.value.tv_usec >= 500000)
		old.value.tv_sec++;
	return old.value.tv_sec;
}
