/*
 * Timers (kern/timer.c): a callback at a time on clock_mono_ns()
 * (<pagoda/clock.h>), run by the timer interrupt as soon as the time has
 * come, not at the next 10 ms tick. The queue is kept in time order and
 * the machine's one-shot timer (arch/x86/pit.c) is set for its head, so
 * an idle CPU is interrupted only when something is due. Everything that
 * waits until a time uses one: a sleep's deadline, alarm and setitimer's
 * ITIMER_REAL, the scheduler's own tick while a process runs.
 *
 * Locking: the queue is touched only with interrupts off (the functions
 * below save and restore them), so the interrupt never sees it half made.
 */
#ifndef PAGODA_TIMER_H
#define PAGODA_TIMER_H

#include <pagoda/clock.h>
#include <pagoda/time.h>
#include <pagoda/types.h>

#define TIMER_HZ        100                     /* the scheduler's tick */
#define NSEC_PER_TICK   (NSEC_PER_SEC / TIMER_HZ)

struct ktimer;

/* A timer's callback: in the timer interrupt, interrupts off, the timer
 * already out of the queue (it may arm it again). from_user: whether the
 * interrupt came from user mode. */
typedef void ktimer_fn(struct ktimer *t, bool from_user);

/* Embedded in what owns it; all zero is a timer not armed. */
struct ktimer {
	uint64_t when;                  /* on clock_mono_ns */
	ktimer_fn *fn;
	struct ktimer *next, **pprev;   /* the queue; pprev NULL: not armed */
};

/* Start the queue on the machine's timer; with no one-shot timer (no
 * TSC to measure time by), every 10 ms tick looks at the queue instead. */
void timer_init(void);

/* Run fn at when (now if it has passed), replacing any earlier arming. */
void ktimer_arm(struct ktimer *t, uint64_t when, ktimer_fn *fn);

/* Take it out of the queue; nothing if it was not armed. */
void ktimer_cancel(struct ktimer *t);

static inline bool ktimer_armed(const struct ktimer *t)
{
	return t->pprev != NULL;
}

/* The machine's part (arch/x86/pit.c): start the timer, which calls
 * handler at each interrupt; one-shot (true) or, without a TSC, 100 Hz
 * ticks that move the clock. clockevent_program sets the one-shot timer
 * to interrupt in about ns (at least that) and says how long it really
 * set (it cannot count past some tens of milliseconds). */
bool clockevent_init(void (*handler)(bool from_user));
uint64_t clockevent_program(uint64_t ns);

/* Scheduler ticks since boot (proc/sched.c): ticks stop while idle. */
uint64_t timer_ticks(void);

/* The deadline sec seconds and nsec nanoseconds from now (one far enough
 * off never comes: it stops short of UINT64_MAX, which means none). */
static inline uint64_t timer_deadline(uint64_t sec, uint64_t nsec)
{
	uint64_t now = clock_mono_ns(), far = (UINT64_MAX - 1 - now) / NSEC_PER_SEC;

	if (sec >= far)
		return UINT64_MAX - 1;
	return now + sec * NSEC_PER_SEC + nsec;
}

/* Move a periodic expiry at *when past now by whole intervals, as
 * Linux's hrtimer_forward: how many it moved (0 if it is still to come). */
static inline uint64_t timer_forward(uint64_t *when, uint64_t interval, uint64_t now)
{
	uint64_t n;

	if (now < *when)
		return 0;
	n = (now - *when) / interval + 1;
	*when += n * interval;
	return n;
}

static inline bool timer_passed(uint64_t deadline)
{
	return clock_mono_ns() >= deadline;
}

/* The nanoseconds left until the deadline: 0 once it has come. */
static inline uint64_t timer_ns_left(uint64_t deadline)
{
	uint64_t now = clock_mono_ns();

	return deadline > now ? deadline - now : 0;
}

#endif /* PAGODA_TIMER_H */
