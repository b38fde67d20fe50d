/*
 * Random bytes: xorshift64* seeded on first use from the time-stamp
 * counter. Good enough for AT_RANDOM's stack-protector canary and for
 * malloc's randomisation in user programs; not for keys. Under QEMU's
 * -icount the seed, and so every byte, is the same from run to run.
 */
#include <pagoda/random.h>
#include <pagoda/string.h>
#include <arch/cpu.h>

static uint64_t state;

static uint64_t next(void)
{
	if (state == 0)
		state = rdtsc() | 1;    /* xorshift must not start at 0 */
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return state * 0x2545F4914F6CDD1Dull;
}

void random_bytes(void *buf, size_t n)
{
	uint8_t *p = buf;

	while (n > 0) {
		uint64_t r = next();
		size_t k = n < sizeof(r) ? n : sizeof(r);

		memcpy(p, &r, k);
		p += k;
		n -= k;
	}
}
