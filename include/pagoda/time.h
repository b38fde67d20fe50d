/*
 * Time as system calls exchange it: the units, and Linux i386's layouts of
 * a time (<uapi/linux/time_types.h>, <uapi/linux/time.h>), named once.
 */
#ifndef PAGODA_TIME_H
#define PAGODA_TIME_H

#include <pagoda/types.h>

#define NSEC_PER_SEC    1000000000ull
#define NSEC_PER_USEC   1000u
#define NSEC_PER_DECISEC 100000000ull   /* VTIME's and TCSBRKP's unit */
#define USER_HZ         100     /* clock_t's unit, AT_CLKTCK: Linux's, whatever its HZ */

/* The clocks' ids (proc/sys_time.c says what each is), and the flag of
 * a time on one that is absolute. */
#define CLOCK_REALTIME          0
#define CLOCK_MONOTONIC         1
#define CLOCK_PROCESS_CPUTIME   2
#define CLOCK_THREAD_CPUTIME    3
#define CLOCK_MONOTONIC_RAW     4
#define CLOCK_REALTIME_COARSE   5
#define CLOCK_MONOTONIC_COARSE  6
#define CLOCK_BOOTTIME          7
#define CLOCK_REALTIME_ALARM    8
#define CLOCK_BOOTTIME_ALARM    9
#define CLOCK_TAI               11
#define TIMER_ABSTIME           1

/* The 64-bit timespec of the *_time64 calls and statx (16 bytes). */
struct timespec64 {
	int64_t tv_sec;
	int32_t tv_nsec;
	int32_t pad;            /* zero when the kernel writes it */
};

/* The old 32-bit timespec and timeval (8 bytes each). */
struct timespec32 {
	int32_t tv_sec;
	int32_t tv_nsec;
};

struct timeval32 {
	int32_t tv_sec;
	int32_t tv_usec;
};

/* ns as a timeval: whole microseconds, the rest dropped. */
static inline struct timeval32 timeval_from_ns(uint64_t ns)
{
	return (struct timeval32){ (int32_t)(ns / NSEC_PER_SEC), (int32_t)(ns % NSEC_PER_SEC / NSEC_PER_USEC) };
}

#endif /* PAGODA_TIME_H */
