/* The kernel's clock: the periodic timer interrupt (arch/x86/pit.c). */
#ifndef PAGODA_TIMER_H
#define PAGODA_TIMER_H

#include <pagoda/types.h>

#define TIMER_HZ        100

/* Ticks since the timer started. */
uint64_t timer_ticks(void);

/* The ticks that sec seconds and nsec nanoseconds last, rounded up. */
static inline uint64_t timer_ticks_for(uint64_t sec, uint64_t nsec)
{
	const uint64_t per_tick = 1000000000ull / TIMER_HZ;

	return sec * TIMER_HZ + (nsec + per_tick - 1) / per_tick;
}

/* The tick by which sec and nsec from now have passed. */
static inline uint64_t timer_deadline(uint64_t sec, uint64_t nsec)
{
	return timer_ticks() + timer_ticks_for(sec, nsec);
}

/* The nanoseconds left until the tick deadline: 0 once it has come. */
static inline uint64_t timer_ns_left(uint64_t deadline)
{
	uint64_t now = timer_ticks();

	return deadline > now ? (deadline - now) * (1000000000ull / TIMER_HZ) : 0;
}

#endif /* PAGODA_TIMER_H */
