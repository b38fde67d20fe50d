/* The host C library's functions, the reference the kernel's are checked
 * against (tests/host/oracle.c). */
#ifndef HOST_ORACLE_H
#define HOST_ORACLE_H

#include <pagoda/types.h>

int oracle_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int oracle_memcmp(const void *a, const void *b, size_t n);
int oracle_strcmp(const char *a, const char *b);
int oracle_strncmp(const char *a, const char *b, size_t n);
void *oracle_malloc(size_t n);
void oracle_free(void *p);
unsigned oracle_rand(unsigned *seed);

#endif
