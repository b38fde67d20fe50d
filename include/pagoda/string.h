/*
 * Memory and string functions for the kernel (lib/string.c). The compiler may
 * also emit calls to memcpy, memset, memmove and memcmp on its own.
 */
#ifndef PAGODA_STRING_H
#define PAGODA_STRING_H

#include <pagoda/types.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr_inv(const void *p, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t maxlen);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
size_t strlcpy(char *dst, const char *src, size_t size);
size_t strlcat(char *dst, const char *src, size_t size);

#endif /* PAGODA_STRING_H */
