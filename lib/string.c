/*
 * Memory and string functions. Plain C, compiled for the kernel and, with
 * the names prefixed, for the host tests (tests/host/rename.h).
 *
 * This file is compiled with -fno-tree-loop-distribute-patterns: otherwise
 * GCC may recognise the loop in memset as a memset and call itself.
 */
#include <pagoda/string.h>

/* A machine word that may alias anything, for the word-at-a-time loops. */
typedef unsigned long __attribute__((may_alias)) word_t;
#define WSIZE   sizeof(word_t)
#define WMASK   (WSIZE - 1)

/*
 * The word-at-a-time bulk of memset and memcpy. The kernel uses the
 * string instructions (<arch/string.h>); the host tests keep plain C
 * loops, whose every store AddressSanitizer checks.
 */
#ifdef PAGODA_HOST
static unsigned char *fill_words(unsigned char *d, word_t w, size_t nwords)
{
	for (; nwords; nwords--, d += WSIZE)
		*(word_t *)d = w;
	return d;
}

static unsigned char *copy_words(unsigned char *d, const unsigned char *s, size_t nwords)
{
	for (; nwords; nwords--, d += WSIZE, s += WSIZE)
		*(word_t *)d = *(const word_t *)s;
	return d;
}
#else
#include <arch/string.h>
#define fill_words(d, w, nwords)        ((unsigned char *)arch_fill_words(d, w, nwords))
#define copy_words(d, s, nwords)        ((unsigned char *)arch_copy_words(d, s, nwords))
#endif

/*
 * Copy n bytes; the ranges must not overlap. Returns dst. When dst and src
 * are equally misaligned (frames, structures: nearly always), the bulk
 * moves a word at a time: copying a frame is 1024 steps of rep movsl on
 * i386, not 4096 byte copies.
 */
void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if ((((uintptr_t)d ^ (uintptr_t)s) & WMASK) == 0) {
		for (; n && ((uintptr_t)d & WMASK); n--)
			*d++ = *s++;
		size_t words = n / WSIZE;

		d = copy_words(d, s, words);
		s += words * WSIZE;
		n -= words * WSIZE;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

/* Copy n bytes; the ranges may overlap. Returns dst. */
void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || n == 0)
		return dst;
	if (d < s) {
		while (n--)
			*d++ = *s++;
	} else {
		d += n;
		s += n;
		while (n--)
			*--d = *--s;
	}
	return dst;
}

/* Fill n bytes with (unsigned char)c. Returns dst. */
void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	word_t w = (unsigned char)c * (~(word_t)0 / 0xff);     /* the byte in every lane */

	for (; n && ((uintptr_t)d & WMASK); n--)
		*d++ = (unsigned char)c;
	d = fill_words(d, w, n / WSIZE);
	n %= WSIZE;
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

/* Compare n bytes as unsigned chars: <0, 0 or >0. */
int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

/* The first of n bytes at p that is not c (as Linux's memchr_inv), or
 * NULL if all are: how the heap checks poison and red zones. */
void *memchr_inv(const void *p, int c, size_t n)
{
	const unsigned char *b = p;

	for (; n; n--, b++)
		if (*b != (unsigned char)c)
			return (void *)b;
	return NULL;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

/* Length of s, but look at no more than maxlen bytes. */
size_t strnlen(const char *s, size_t maxlen)
{
	size_t n = 0;

	while (n < maxlen && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			break;
	}
	return 0;
}

/* First occurrence of (char)c in s, the terminating NUL included; or NULL. */
char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

/*
 * Copy src into dst of `size` bytes, always NUL-terminated when size > 0.
 * Returns strlen(src): a result >= size means the copy was truncated.
 */
size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

/* Append src to the string in dst (size bytes), as strlcpy copies:
 * returns the length the whole would have. */
size_t strlcat(char *dst, const char *src, size_t size)
{
	size_t have = strnlen(dst, size);

	if (have == size)
		return size + strlen(src);
	return have + strlcpy(dst + have, src, size - have);
}
