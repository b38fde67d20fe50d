/* The kernel's clock: the periodic timer interrupt (arch/x86/pit.c). */
#ifndef PAGODA_TIMER_H
#define PAGODA_TIMER_H

#include <pagoda/types.h>

#define TIMER_HZ        100

/* Ticks since the timer started. */
uint64_t timer_ticks(void);

/* What sleepers on the clock wait on: woken at every tick. */
extern int timer_wait_channel;

#endif /* PAGODA_TIMER_H */
