/*
 * The time-stamp counter's rate, measured at boot against the PIT's
 * channel 2 (Linux's pit_calibrate_tsc): the channel counts down a
 * known number of its 1,193,182 Hz ticks in mode 0, and its output (bit 5
 * of port 0x61, the speaker's control) goes high at the end; the TSC
 * read before and after gives the cycles in that time. Channel 0, the
 * kernel's tick, is not touched.
 */
#include <pagoda/clock.h>
#include <arch/cpu.h>
#include <arch/pit.h>

#define SPEAKER_PORT            0x61
#define SPEAKER_GATE2           0x01    /* channel 2 counts while high */
#define SPEAKER_DATA            0x02    /* its output to the speaker: off */
#define SPEAKER_OUT2            0x20    /* channel 2's output, read back */
#define CALIBRATE_MS            5
#define CALIBRATE_SPINS         50000000u       /* no PIT channel 2: give up */

uint32_t tsc_calibrate_khz(void)
{
	const uint32_t latch = PIT_INPUT_HZ * CALIBRATE_MS / 1000;
	uint64_t t0, t1;
	uint32_t spins = 0;

	outb(SPEAKER_PORT, (uint8_t)((inb(SPEAKER_PORT) & ~SPEAKER_DATA) | SPEAKER_GATE2));
	outb(PIT_CMD, PIT_CMD_CH2_LOHI_MODE0);
	outb(PIT_CH2, latch & 0xFF);
	outb(PIT_CH2, (latch >> 8) & 0xFF);     /* counting starts now */
	t0 = rdtsc();
	while (!(inb(SPEAKER_PORT) & SPEAKER_OUT2))
		if (++spins == CALIBRATE_SPINS)
			return 0;
	t1 = rdtsc();
	return (uint32_t)((t1 - t0) / CALIBRATE_MS);
}
