/*
 * The kernel's tick, the periodic timer interrupt (arch/x86/pit.c), and
 * the deadlines waits are given: times on clock_mono_ns() (<pagoda/clock.h>),
 * so that a wait never ends early however the tick falls; a sleeper is
 * woken at the first tick at or after its deadline.
 */
#ifndef PAGODA_TIMER_H
#define PAGODA_TIMER_H

#include <pagoda/clock.h>
#include <pagoda/time.h>
#include <pagoda/types.h>

#define TIMER_HZ        100

/* Ticks since the timer started. */
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
