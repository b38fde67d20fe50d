/* The battery-backed wall clock, read once at boot (dev/rtc.c). */
#ifndef PAGODA_RTC_H
#define PAGODA_RTC_H

#include <pagoda/types.h>

void rtc_init(void);

/* The wall-clock time at boot, in seconds since 1970. */
uint64_t rtc_boot_seconds(void);

#endif /* PAGODA_RTC_H */
