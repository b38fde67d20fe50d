/* The host C library, under names that cannot collide with the kernel's. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "oracle.h"

int oracle_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int oracle_memcmp(const void *a, const void *b, size_t n) { return memcmp(a, b, n); }
int oracle_strcmp(const char *a, const char *b) { return strcmp(a, b); }
int oracle_strncmp(const char *a, const char *b, size_t n) { return strncmp(a, b, n); }
const char *oracle_strstr(const char *h, const char *n) { return strstr(h, n); }
void *oracle_malloc(size_t n) { return malloc(n); }
void oracle_free(void *p) { free(p); }

/* A small deterministic generator (not the C library's rand, whose
 * sequence differs between libraries): xorshift32. */
unsigned oracle_rand(unsigned *seed)
{
	unsigned x = *seed ? *seed : 2463534242u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *seed = x;
}
