/* The kernel's clock: the periodic timer interrupt (arch/x86/pit.c). */
#ifndef PAGODA_TIMER_H
#define PAGODA_TIMER_H

#include <pagoda/types.h>

#define TIMER_HZ        100

/* Ticks since the timer started. */
uint64_t timer_ticks(void);

/* What sleepers on the clock wait on: woken at every tick. */
extern int timer_wait_channel;

/* The ticks that sec seconds and nsec nanoseconds last, rounded up. */
static inline uint64_t timer_ticks_for(uint64_t sec, uint64_t nsec)
{
	const uint64_t per_tick = 1000000000ull / TIMER_HZ;

	return sec * TIMER_HZ + (nsec + per_tick - 1) / per_tick;
}

#endif /* PAGODA_TIMER_H */
