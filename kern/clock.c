/*
 * The kernel's clocks (see <pagoda/clock.h>). A TSC count becomes
 * nanoseconds as Linux's clocksource does it, by a multiply and a shift:
 * ns = cycles * mult >> SHIFT, with mult = 10^6 << SHIFT / kHz. The
 * count is split in 32-bit halves so that the product cannot overflow:
 * the low half's is below 2^54, the high half's is shifted left instead.
 */
#include <pagoda/clock.h>
#include <pagoda/log.h>
#include <pagoda/rtc.h>
#include <pagoda/time.h>
#include <pagoda/timer.h>
#include <pagoda/vdso.h>
#include <arch/cpu.h>

#define SHIFT   22

static uint32_t mult;
static uint64_t tsc_base;
static volatile uint64_t tick_ns;       /* with no TSC: the ticks' time */
static int64_t realtime_offset;         /* realtime = mono + this */

void clock_init(void)
{
	uint32_t tsc_khz = tsc_calibrate_khz();

	if (tsc_khz) {
		mult = (uint32_t)((1000000ull << SHIFT) / tsc_khz);
		pr_info("clock: TSC at %u.%03u MHz\n", tsc_khz / 1000, tsc_khz % 1000);
	} else {
		pr_warn("clock: the TSC's rate cannot be measured; time moves by 10 ms ticks\n");
	}
	tsc_base = rdtsc();
	realtime_offset = (int64_t)(rtc_boot_seconds() * NSEC_PER_SEC);
}

uint64_t clock_mono_ns(void)
{
	uint64_t d;

	if (!mult) {
		uint32_t flags = irq_save();    /* a 64-bit read is two loads */

		d = tick_ns;
		irq_restore(flags);
		return d;
	}
	d = rdtsc() - tsc_base;
	return (((d >> 32) * mult) << (32 - SHIFT)) + (((d & 0xffffffffu) * mult) >> SHIFT);
}

void clock_vdso_params(uint32_t *m, uint64_t *base, int64_t *offset)
{
	_Static_assert(SHIFT == VDSO_CLOCK_SHIFT, "the vDSO scales the TSC as the kernel does");
	*m = mult;
	*base = tsc_base;
	*offset = realtime_offset;
}

bool clock_has_tsc(void)
{
	return mult != 0;
}

void clock_tick(void)
{
	if (!mult)
		tick_ns += NSEC_PER_TICK;
}

uint64_t clock_realtime_ns(void)
{
	return (uint64_t)((int64_t)clock_mono_ns() + realtime_offset);
}

void clock_set_realtime(uint64_t ns)
{
	realtime_offset = (int64_t)ns - (int64_t)clock_mono_ns();
}
