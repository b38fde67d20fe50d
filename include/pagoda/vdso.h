/*
 * The vDSO's data page ([vvar]), as the kernel writes it and the vDSO
 * (arch/x86/vdso/) reads it: what turns the TSC into the kernel's clocks,
 * exactly as kern/clock.c does, so that a clock read in user space is the
 * one the system call would give. Mapped read-only, one page, just below
 * the vDSO's own pages.
 *
 * The kernel changes it only when the wall clock or the time zone is set:
 * seq is odd while it writes, and a reader that sees it odd, or changed
 * across its reads, reads again (a seqlock). Interrupts cannot tear it on
 * one CPU, but a reader in user space can be interrupted between its loads.
 */
#ifndef PAGODA_VDSO_H
#define PAGODA_VDSO_H

#include <pagoda/types.h>

#define VDSO_DATA_PAGES 1
#define VDSO_CLOCK_SHIFT 22             /* kern/clock.c's SHIFT */
#define VDSO_COARSE_NS  10000000u       /* the tick: what COARSE clocks round to */

struct vdso_data {
	uint32_t seq;
	uint32_t mult;                  /* ns = cycles * mult >> SHIFT; 0: no TSC (make the call) */
	uint64_t tsc_base;              /* the TSC at the monotonic clock's 0 */
	int64_t realtime_offset;        /* realtime = monotonic + this */
	int32_t tz_minuteswest, tz_dsttime;     /* settimeofday's time zone */
};

/* The image the machine's part gives (arch/x86/vdso.c): its bytes, and
 * the offsets in it of its entry points, made at boot by arch_vdso_init
 * (which also sets up the sysenter entry where the CPU has one). */
struct vdso_image {
	const uint8_t *start;
	size_t size;
	uint32_t vsyscall;              /* AT_SYSINFO's: sysenter's, or int 0x80's */
	uint32_t sigreturn, rt_sigreturn;
};
void arch_vdso_init(void);
const struct vdso_image *arch_vdso_image(void);

struct vmspace;
struct vm_region;
/* proc/vdso.c: make the objects at boot; write the data page anew (the
 * clock or the time zone was set); map both into vs at exec (0, or
 * -ENOMEM); and the name /proc/PID/maps gives a region of them, or NULL. */
void vdso_init(void);
void vdso_update(void);
int vdso_map(struct vmspace *vs);
const char *vdso_region_name(const struct vm_region *r);

#endif /* PAGODA_VDSO_H */
