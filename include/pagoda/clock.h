/*
 * The kernel's clocks (kern/clock.c): monotonic nanoseconds since boot,
 * from the TSC calibrated at boot (arch/x86/tsc.c), and the wall clock,
 * that plus an offset which starts at the CMOS clock's time and which
 * clock_settime and settimeofday move. Where the TSC cannot be measured
 * the tick counts instead, at 10 ms.
 */
#ifndef PAGODA_CLOCK_H
#define PAGODA_CLOCK_H

#include <pagoda/types.h>

void clock_init(void);

/* Nanoseconds since clock_init; never goes back. */
uint64_t clock_mono_ns(void);

/* Whether the TSC keeps time; if not, the timer's 10 ms ticks move the
 * clock (clock_tick), and nothing is finer than a tick. */
bool clock_has_tsc(void);
void clock_tick(void);

/* Nanoseconds since 1970 (UTC), and setting it. */
uint64_t clock_realtime_ns(void);
void clock_set_realtime(uint64_t ns);
/* What the vDSO needs to read the clocks as clock_mono_ns does
 * (<pagoda/vdso.h>): mult 0 if there is no TSC to read. */
void clock_vdso_params(uint32_t *mult, uint64_t *tsc_base, int64_t *realtime_offset);

/* The machine's part: the TSC's rate in kHz, or 0 if it cannot be measured. */
uint32_t tsc_calibrate_khz(void);

#endif /* PAGODA_CLOCK_H */
