/* Random bytes for AT_RANDOM and getrandom (kern/random.c): a xorshift
 * generator seeded from the time-stamp counter. Not cryptographic. */
#ifndef PAGODA_RANDOM_H
#define PAGODA_RANDOM_H

#include <pagoda/types.h>

void random_bytes(void *buf, size_t n);

#endif
