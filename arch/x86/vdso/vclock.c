/*
 * The vDSO's clocks: clock_gettime, gettimeofday, time and clock_getres
 * read in user space, from the TSC and the data page the kernel keeps
 * (<pagoda/vdso.h>), with Linux's names and versions. A clock the page
 * cannot give (a CPU clock, an _ALARM one, or any clock on a machine
 * without a usable TSC) makes the system call instead, so every answer,
 * error numbers included, is the kernel's.
 *
 * Built as a shared object of its own (no libc, no relocations), linked at
 * 0 and mapped anywhere: the data page is found from the image's own
 * start, one page below it. As Linux's, it writes the caller's pointers
 * itself: a bad one is SIGSEGV, not EFAULT.
 */
#include <pagoda/time.h>
#include <pagoda/vdso.h>

extern const char __ehdr_start[] __attribute__((visibility("hidden")));

#define NR_time                 13
#define NR_gettimeofday         78
#define NR_clock_gettime        265
#define NR_clock_getres         266
#define NR_clock_gettime64      403

static const volatile struct vdso_data *vdata(void)
{
	uintptr_t start;

	__asm__("" : "=r"(start) : "0"(__ehdr_start));  /* an address, not an array to bound */
	return (const volatile struct vdso_data *)(start - VDSO_DATA_PAGES * 4096);
}

/* The system call, through int 0x80 (ebx is the PIC register: saved by hand). */
static long syscall2(long nr, long a, long b)
{
	long r;

	__asm__ volatile("xchgl %%ebx, %%edi\n\tint $0x80\n\txchgl %%ebx, %%edi"
			 : "=a"(r) : "0"(nr), "D"(a), "c"(b) : "memory");
	return r;
}

/* n / d, and n % d in *rem, for a 32-bit d: two divl, for the vDSO has
 * no libgcc to divide 64-bit numbers. */
static uint64_t divmod(uint64_t n, uint32_t d, uint32_t *rem)
{
	uint32_t hi = (uint32_t)(n >> 32), qhi = hi / d, qlo, r = hi % d;

	__asm__("divl %4" : "=a"(qlo), "=d"(r) : "0"((uint32_t)n), "1"(r), "rm"(d));
	*rem = r;
	return (uint64_t)qhi << 32 | qlo;
}

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* The monotonic clock and the realtime offset, as one consistent pair;
 * false if the page cannot give them. */
static inline __attribute__((always_inline)) int read_clock(uint64_t *mono, int64_t *offset)
{
	const volatile struct vdso_data *d = vdata();
	uint32_t seq, mult;
	uint64_t c;

	do {
		seq = d->seq;
		__asm__ volatile("" ::: "memory");
		mult = d->mult;
		c = rdtsc() - d->tsc_base;
		*offset = d->realtime_offset;
		__asm__ volatile("" ::: "memory");
	} while ((seq & 1) || seq != d->seq);
	if (!mult)
		return 0;
	/* kern/clock.c's sum, each half a 32 x 32 bit product */
	*mono = ((uint64_t)(uint32_t)(c >> 32) * mult << (32 - VDSO_CLOCK_SHIFT)) +
		((uint64_t)(uint32_t)c * mult >> VDSO_CLOCK_SHIFT);
	return 1;
}

/* Clock id's time in ns, as proc/sys_time.c's clock_now: 0, or -1 if the
 * system call must answer. */
static inline __attribute__((always_inline)) int clock_ns(int id, uint64_t *ns)
{
	uint64_t mono;
	int64_t offset;
	uint32_t rem;

	if (!read_clock(&mono, &offset))
		return -1;
	switch (id) {
	case CLOCK_REALTIME: case CLOCK_TAI:
		*ns = (uint64_t)((int64_t)mono + offset);
		return 0;
	case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_RAW: case CLOCK_BOOTTIME:
		*ns = mono;
		return 0;
	case CLOCK_REALTIME_COARSE:
		*ns = (uint64_t)((int64_t)mono + offset);
		*ns -= (divmod(*ns, VDSO_COARSE_NS, &rem), rem);
		return 0;
	case CLOCK_MONOTONIC_COARSE:
		*ns = mono - (divmod(mono, VDSO_COARSE_NS, &rem), rem);
		return 0;
	default:
		return -1;
	}
}

long __vdso_clock_gettime(int id, struct timespec32 *ts)
{
	uint64_t ns;
	uint32_t nsec;

	if (clock_ns(id, &ns))
		return syscall2(NR_clock_gettime, id, (long)ts);
	ts->tv_sec = (int32_t)divmod(ns, NSEC_PER_SEC, &nsec);
	ts->tv_nsec = (int32_t)nsec;
	return 0;
}

long __vdso_clock_gettime64(int id, struct timespec64 *ts)
{
	uint64_t ns;
	uint32_t nsec;

	if (clock_ns(id, &ns))
		return syscall2(NR_clock_gettime64, id, (long)ts);
	ts->tv_sec = (int64_t)divmod(ns, NSEC_PER_SEC, &nsec);
	ts->tv_nsec = (int32_t)nsec;
	ts->pad = 0;
	return 0;
}

struct timezone32 {
	int32_t minuteswest, dsttime;
};

long __vdso_gettimeofday(struct timeval32 *tv, struct timezone32 *tz)
{
	uint64_t ns;
	uint32_t nsec;

	if (clock_ns(CLOCK_REALTIME, &ns))
		return syscall2(NR_gettimeofday, (long)tv, (long)tz);
	if (tv) {
		tv->tv_sec = (int32_t)divmod(ns, NSEC_PER_SEC, &nsec);
		tv->tv_usec = (int32_t)(nsec / NSEC_PER_USEC);
	}
	if (tz) {
		tz->minuteswest = vdata()->tz_minuteswest;
		tz->dsttime = vdata()->tz_dsttime;
	}
	return 0;
}

long __vdso_time(int32_t *t)
{
	uint64_t ns;
	uint32_t nsec;
	int32_t now;

	if (clock_ns(CLOCK_REALTIME, &ns))
		return syscall2(NR_time, (long)t, 0);
	now = (int32_t)divmod(ns, NSEC_PER_SEC, &nsec);
	if (t)
		*t = now;
	return now;
}

/* The resolution of the clocks the page gives: 1 ns, and the tick for the
 * COARSE ones, as the system call says. */
static int res_ns(int id, uint32_t *ns)
{
	uint64_t mono;
	int64_t offset;

	if (!read_clock(&mono, &offset))
		return -1;
	switch (id) {
	case CLOCK_REALTIME: case CLOCK_TAI: case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_RAW: case CLOCK_BOOTTIME:
		*ns = 1;
		return 0;
	case CLOCK_REALTIME_COARSE: case CLOCK_MONOTONIC_COARSE:
		*ns = VDSO_COARSE_NS;
		return 0;
	default:
		return -1;
	}
}

long __vdso_clock_getres(int id, struct timespec32 *res)
{
	uint32_t ns;

	if (res_ns(id, &ns))
		return syscall2(NR_clock_getres, id, (long)res);
	if (res)
		*res = (struct timespec32){ 0, (int32_t)ns };
	return 0;
}
