/*
 * POSIX timers: timer_create, timer_settime, timer_gettime,
 * timer_getoverrun and timer_delete, as Linux's kernel/time/posix-timers.c
 * and posix-cpu-timers.c. A process's timers have ids 0, 1, 2, ... in the
 * order made (never reused until the count wraps, as Linux's), and go at
 * exec and exit; a child has none.
 *
 * A timer on a clock of time (REALTIME, MONOTONIC, BOOTTIME, TAI, the
 * _ALARMs) is a kernel timer; one on a CPU clock (the caller's, or
 * another process's through clock_getcpuclockid) is looked at by the
 * tick while that process runs. When one fires its signal is queued with
 * SI_TIMER, its id and sigev_value:
 *
 *   fires --signal queued---> waits; a periodic one is not rearmed until
 *     |                       the signal is taken (signal_deliver, or
 *     |                       sigtimedwait), then moved on past now by
 *     |                       whole intervals, those it missed being the
 *     |                       signal's si_overrun and timer_getoverrun's
 *     +--its signal still queued (set again meanwhile)--> an overrun more
 *     +--ignored------> a periodic one goes on at once (Linux's rule)
 *
 * so a timer has at most one signal queued, however short its period.
 * SIGEV_NONE timers never fire: timer_gettime works their time out.
 */
#include "proc_internal.h"
#include <pagoda/clock.h>
#include <pagoda/errno.h>
#include <pagoda/kmalloc.h>
#include <pagoda/signal.h>
#include <pagoda/string.h>
#include <pagoda/time.h>
#include <pagoda/timer.h>
#include <pagoda/uaccess.h>

#define SIGEV_SIGNAL    0
#define SIGEV_NONE      1
#define SIGEV_THREAD    2
#define SIGEV_THREAD_ID 4
#define NSIG_MAX        64
#define TIMER_ID_MAX    INT32_MAX

/* struct sigevent on i386: 64 bytes. */
struct sigevent32 {
	uint32_t value;
	int32_t signo, notify;
	int32_t tid;                    /* SIGEV_THREAD_ID's */
	int32_t pad[12];
};

struct posix_timer {
	int id;
	int clock;                      /* as timer_create named it */
	struct proc *owner;             /* who made it, and gets its signal */
	struct proc *target;            /* a CPU timer's process (NULL: gone) */
	bool none;                      /* SIGEV_NONE */
	int signo;
	uint32_t value;                 /* sigev_value */
	bool active;                    /* armed (a fired one-shot is not) */
	uint64_t expiry;                /* mono ns, or the target's CPU ns */
	uint64_t interval;
	bool wall;                      /* absolute on a wall clock: wall_expiry */
	uint64_t wall_expiry;
	bool queued;                    /* its signal waits to be taken */
	bool rearm;                     /* periodic: rearm when it is taken */
	int64_t missed;                 /* expiries since the queued one: Linux's it_overrun */
	int32_t fired_queued;           /* fired again while queued (set anew) */
	int32_t overrun_last;           /* timer_getoverrun's */
	struct ktimer ktimer;           /* not a CPU timer's */
	struct posix_timer *next;       /* the owner's timers */
	struct posix_timer *cpu_next;   /* every CPU timer */
};

static struct posix_timer *cpu_timers;

static bool cpu_clock_id(int clock)
{
	return clock < 0 || clock == CLOCK_PROCESS_CPUTIME || clock == CLOCK_THREAD_CPUTIME;
}

static bool wall_clock_id(int clock)
{
	return clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_ALARM || clock == CLOCK_TAI;
}

/* Where the timer's time base stands: the monotonic clock, or its
 * target's CPU time (UINT64_MAX once the target is gone: never). */
static uint64_t timer_now(const struct posix_timer *t)
{
	if (!cpu_clock_id(t->clock))
		return clock_mono_ns();
	if (!t->target)
		return 0;
	return t->clock < 0 && (t->clock & CPUCLOCK_KIND_MASK) == CPUCLOCK_VIRT ? proc_cpu_user_ns(t->target)
										 : proc_cpu_ns(t->target);
}

static void ktimer_fire(struct ktimer *kt, bool from_user);

/* Arm the machine's side: a kernel timer at the expiry (a CPU timer the
 * tick looks at needs none). */
static void timer_start(struct posix_timer *t)
{
	if (!cpu_clock_id(t->clock))
		ktimer_arm(&t->ktimer, t->expiry, ktimer_fire);
}

/* Move a periodic timer past now by whole intervals, counted in missed. */
static void ptimer_forward(struct posix_timer *t, uint64_t now)
{
	uint64_t n = timer_forward(&t->expiry, t->interval, now);

	t->wall_expiry += n * t->interval;
	t->missed += (int64_t)MIN(n, (uint64_t)INT32_MAX);
}

static int32_t clamp_int(int64_t v)
{
	return v > INT32_MAX ? INT32_MAX : v < 0 ? 0 : (int32_t)v;
}

/* The timer's time has come. */
static void timer_fire(struct posix_timer *t)
{
	struct ksiginfo info;

	if (t->queued) {                /* set again while its signal waits */
		if (t->fired_queued < INT32_MAX)
			t->fired_queued++;
		if (t->interval)
			t->rearm = true;        /* when its signal is taken */
		else
			t->active = false;
		return;
	}
	memset(&info, 0, sizeof(info));
	info.si_signo = t->signo;
	info.si_code = SI_TIMER;
	info.timer.tid = t->id;
	info.timer.value = t->value;
	if (signal_post_timer(t->owner, t->signo, &info)) {
		t->queued = true;
		t->missed = -1;
		t->fired_queued = 0;
		t->rearm = t->interval != 0;
		t->active = t->rearm;   /* a periodic one stays armed, waiting */
		return;
	}
	if (!t->interval) {             /* ignored: a periodic timer goes on */
		t->active = false;
		return;
	}
	/* ...but no oftener than the tick, to look again for a handler:
	 * Linux's rule, which keeps a nanosecond's interval from holding
	 * the CPU in the timer interrupt. */
	ptimer_forward(t, timer_now(t) + (t->interval < NSEC_PER_TICK ? NSEC_PER_TICK : 0));
	timer_start(t);
}

static void ktimer_fire(struct ktimer *kt, bool from_user)
{
	(void)from_user;
	timer_fire(container_of(kt, struct posix_timer, ktimer));
}

void posix_timer_tick(struct proc *p)
{
	for (struct posix_timer *t = cpu_timers; t; t = t->cpu_next)
		if (t->target == p && t->active && !t->rearm && timer_now(t) >= t->expiry)
			timer_fire(t);
}

/* The timer of p with id, or NULL. */
static struct posix_timer *timer_find(const struct proc *p, int id)
{
	for (struct posix_timer *t = p->posix_timers; t; t = t->next)
		if (t->id == id)
			return t;
	return NULL;
}

void posix_timer_taken(struct proc *p, struct ksiginfo *info)
{
	struct posix_timer *t = timer_find(p, info->timer.tid);
	int64_t overrun = 0;

	if (!t || !t->queued || t->signo != info->si_signo)
		return;                 /* deleted, or another's signal */
	t->queued = false;
	if (t->rearm) {
		t->rearm = false;
		ptimer_forward(t, timer_now(t));
		overrun = t->missed;
		t->overrun_last = clamp_int(overrun);
		timer_start(t);
	}
	info->timer.overrun = clamp_int(clamp_int(overrun) + (int64_t)t->fired_queued);
}

/* ---- the system calls ---- */

/* The checks of sigevent ev, as Linux's good_sigevent. */
static bool sigevent_good(const struct sigevent32 *ev)
{
	switch (ev->notify) {
	case SIGEV_SIGNAL | SIGEV_THREAD_ID:
		if (ev->tid != proc_current->pid)
			return false;   /* the caller's only thread */
		/* fall through */
	case SIGEV_SIGNAL:
	case SIGEV_THREAD:
		return ev->signo > 0 && ev->signo <= NSIG_MAX;
	case SIGEV_NONE:
		return true;
	default:
		return false;
	}
}

/* The process a CPU clock names (Linux's lookup_task): the caller for
 * its own clocks and pid 0; another process's only as a whole (a thread
 * clock must be of the caller's own threads), or NULL. */
static struct proc *cpu_clock_target(int clock)
{
	int pid = cpuclock_pid(clock);

	if (clock >= 0 || pid == 0 || pid == proc_current->pid)
		return proc_current;
	return clock & CPUCLOCK_PERTHREAD ? NULL : proc_find(pid);
}

/* Which clocks a timer may be on: EINVAL for none, EOPNOTSUPP for one
 * that cannot have timers (Linux's clock_monotonic_raw and the COARSE). */
static int timer_clock_check(int clock)
{
	uint64_t ns;

	if (clock == CLOCK_MONOTONIC_RAW || clock == CLOCK_REALTIME_COARSE || clock == CLOCK_MONOTONIC_COARSE)
		return -EOPNOTSUPP;
	if (clock >= 0)
		return clock_now(clock, &ns);
	/* a clock of a device file; a CPU clock's pid comes later */
	return (clock & CPUCLOCK_KIND_MASK) == CPUCLOCK_KIND_MASK ? -EOPNOTSUPP : 0;
}

static void timer_free(struct posix_timer *t)
{
	struct posix_timer **pp;

	ktimer_cancel(&t->ktimer);
	for (pp = &cpu_timers; *pp; pp = &(*pp)->cpu_next)
		if (*pp == t) {
			*pp = t->cpu_next;
			break;
		}
	kfree(t);
}

/* timer_create(clock, sevp, timerid): an id is used up even when a later
 * check fails, as Linux's. */
SYSCALL(timer_create)
{
	struct proc *p = proc_current;
	struct sigevent32 ev = { 0 };
	int clock = (int)a0, err, count = 0;
	struct posix_timer *t;

	if (a1 && copyin(&ev, a1, sizeof(ev)))
		return -EFAULT;
	if ((err = timer_clock_check(clock)))
		return err;
	for (t = p->posix_timers; t; t = t->next)
		count++;
	if ((uint64_t)count >= p->rlimits[RLIMIT_SIGPENDING][0] || !(t = kzalloc(sizeof(*t))))
		return -EAGAIN;
	t->id = p->next_timer_id;
	p->next_timer_id = (p->next_timer_id + 1) & TIMER_ID_MAX;
	t->clock = clock;
	t->owner = p;
	if (!a1)
		ev = (struct sigevent32){ .value = (uint32_t)t->id, .signo = SIGALRM, .notify = SIGEV_SIGNAL };
	err = -EINVAL;
	if (!sigevent_good(&ev))
		goto fail;
	t->none = ev.notify == SIGEV_NONE;
	t->signo = ev.signo;
	t->value = ev.value;
	err = -EFAULT;
	if (copyout(a2, &t->id, sizeof(t->id)))
		goto fail;
	err = -EINVAL;
	if (cpu_clock_id(clock) && !(t->target = cpu_clock_target(clock)))
		goto fail;
	if (cpu_clock_id(clock)) {
		t->cpu_next = cpu_timers;
		cpu_timers = t;
	}
	t->next = p->posix_timers;
	p->posix_timers = t;
	return 0;
fail:
	kfree(t);
	return err;
}

/* What timer_gettime says of t: the interval, and the time to the next
 * expiry; one due whose signal has not come yet says 1 ns, as Linux's. */
static void timer_get(struct posix_timer *t, uint64_t *interval, uint64_t *value)
{
	uint64_t now = timer_now(t);

	*interval = t->interval;
	*value = 0;
	if (!t->active && !(t->none && t->expiry))
		return;
	if (t->interval && (t->rearm || t->none))
		ptimer_forward(t, now);  /* Linux's common_timer_get: counted as missed */
	if (t->expiry > now)
		*value = t->expiry - now;
	else if (!t->none)
		*value = 1;
}

/* Set t as timer_settime says (value 0: disarm). */
static void timer_set(struct posix_timer *t, uint32_t flags, uint64_t interval, uint64_t value)
{
	uint64_t now = timer_now(t);

	ktimer_cancel(&t->ktimer);
	t->active = t->rearm = t->wall = false;
	t->overrun_last = 0;
	t->interval = 0;
	t->expiry = 0;
	if (!value)
		return;
	t->interval = interval;
	if (!(flags & TIMER_ABSTIME)) {
		t->expiry = now + MIN(value, UINT64_MAX / 2);
	} else if (wall_clock_id(t->clock)) {
		uint64_t wall = clock_realtime_ns();

		t->wall = true;
		t->wall_expiry = value;
		t->expiry = now + (value > wall ? value - wall : 0);
	} else {
		t->expiry = value;      /* the monotonic clock, or CPU time */
	}
	if (t->none)
		return;
	t->active = true;
	if (!cpu_clock_id(t->clock))
		ktimer_arm(&t->ktimer, t->expiry, ktimer_fire);
	else if (timer_now(t) >= t->expiry)
		timer_fire(t);          /* a CPU time already passed */
}

void posix_timers_clock_was_set(void)
{
	for (struct proc *p = proc_all; p; p = p->all_next)
		for (struct posix_timer *t = p->posix_timers; t; t = t->next)
			if (t->wall && ktimer_armed(&t->ktimer)) {
				uint64_t wall = clock_realtime_ns();

				t->expiry = clock_mono_ns() + (t->wall_expiry > wall ? t->wall_expiry - wall : 0);
				ktimer_arm(&t->ktimer, t->expiry, ktimer_fire);
			}
}

/* In Linux's order: a NULL new value is EINVAL, then it is read (EFAULT)
 * and checked (EINVAL), then the timer (EINVAL); the old value goes out
 * last. Flags other than TIMER_ABSTIME are ignored, as on Linux. */
static long timer_settime(int id, uint32_t flags, vaddr_t unew, vaddr_t uold, bool time64)
{
	uint64_t interval, value, old_interval, old_value;
	struct posix_timer *t;
	long err;

	if (!unew)
		return -EINVAL;
	if ((err = itimerspec_in(unew, time64, &interval, &value)))
		return err;
	if (!(t = timer_find(proc_current, id)))
		return -EINVAL;
	timer_get(t, &old_interval, &old_value);
	timer_set(t, flags, interval, value);
	return uold ? itimerspec_out(uold, time64, old_interval, old_value) : 0;
}

static long timer_gettime(int id, vaddr_t u, bool time64)
{
	struct posix_timer *t = timer_find(proc_current, id);
	uint64_t interval, value;

	if (!t)
		return -EINVAL;
	timer_get(t, &interval, &value);
	return itimerspec_out(u, time64, interval, value);
}

SYSCALL(timer_settime) { return timer_settime((int)a0, a1, a2, a3, false); }
SYSCALL(timer_settime64) { return timer_settime((int)a0, a1, a2, a3, true); }
SYSCALL(timer_gettime) { return timer_gettime((int)a0, a1, false); }
SYSCALL(timer_gettime64) { return timer_gettime((int)a0, a1, true); }

SYSCALL(timer_getoverrun)
{
	struct posix_timer *t = timer_find(proc_current, (int)a0);

	return t ? t->overrun_last : -EINVAL;
}

/* timer_delete: the timer goes; a signal of it still queued stays, and is
 * delivered as it is. */
SYSCALL(timer_delete)
{
	struct proc *p = proc_current;

	for (struct posix_timer **pp = &p->posix_timers; *pp; pp = &(*pp)->next)
		if ((*pp)->id == (int)a0) {
			struct posix_timer *t = *pp;

			*pp = t->next;
			timer_free(t);
			return 0;
		}
	return -EINVAL;
}

void posix_timers_exec(struct proc *p)
{
	while (p->posix_timers) {
		struct posix_timer *t = p->posix_timers;

		p->posix_timers = t->next;
		timer_free(t);
	}
}

void posix_timers_exit(struct proc *p)
{
	posix_timers_exec(p);
	for (struct posix_timer *t = cpu_timers; t; t = t->cpu_next)
		if (t->target == p)
			t->target = NULL, t->active = false;
}
