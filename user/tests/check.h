/*
 * What every test program shares: CHECK prints a failed assertion with its
 * line and exits with status 1, and a few helpers print results in words
 * that come out the same on Pagoda and Linux.
 */
#ifndef USER_TESTS_CHECK_H
#define USER_TESTS_CHECK_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond) do { \
	if (!(cond)) { \
		printf("FAILED at %s:%d: %s (errno %d)\n", __FILE__, __LINE__, #cond, errno); \
		fflush(stdout); \
		exit(1); \
	} \
} while (0)

/* "ok" or the errno's name-free number: results of calls that may fail. */
static inline void report(const char *what, long ret)
{
	if (ret < 0)
		printf("%s: -1 errno %d\n", what, errno);
	else
		printf("%s: ok\n", what);
}

#endif
