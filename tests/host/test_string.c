/* The kernel's memory and string functions (lib/string.c). */
#include <pagoda/ktest.h>
#include <pagoda/string.h>
#include "oracle.h"

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

KTEST(string_memmove_overlap_both_ways)
{
	char buf[32];

	for (int shift = -5; shift <= 5; shift++) {
		char expect[32];

		for (int i = 0; i < 32; i++)
			buf[i] = expect[i] = (char)('a' + i % 26);
		/* Reference by hand: copy through a temporary. */
		char tmp[16];
		for (int i = 0; i < 16; i++)
			tmp[i] = expect[8 + i];
		for (int i = 0; i < 16; i++)
			expect[8 + shift + i] = tmp[i];
		memmove(buf + 8 + shift, buf + 8, 16);
		KT_ASSERT_EQ(oracle_memcmp(buf, expect, 32), 0);
	}
}

KTEST(string_memcpy_memset)
{
	unsigned char a[64], b[64];

	memset(a, 0xAB, sizeof(a));
	for (size_t i = 0; i < sizeof(a); i++)
		KT_ASSERT_EQ(a[i], 0xAB);
	memset(a, 0x1FF, 3);                    /* the value is converted to unsigned char */
	KT_ASSERT_EQ(a[2], 0xFF);
	for (size_t i = 0; i < sizeof(b); i++)
		b[i] = (unsigned char)i;
	KT_ASSERT(memcpy(a, b, sizeof(a)) == a);
	KT_ASSERT_EQ(oracle_memcmp(a, b, sizeof(a)), 0);
}

KTEST(string_compare_like_libc)
{
	static const char *const s[] = { "", "a", "ab", "abc", "abd", "b", "\xff", "a\xff", "abc\0x" };

	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		for (size_t j = 0; j < sizeof(s) / sizeof(s[0]); j++) {
			KT_ASSERT_EQ(sign(strcmp(s[i], s[j])), sign(oracle_strcmp(s[i], s[j])));
			for (size_t n = 0; n < 5; n++)
				KT_ASSERT_EQ(sign(strncmp(s[i], s[j], n)), sign(oracle_strncmp(s[i], s[j], n)));
			KT_ASSERT_EQ(sign(memcmp(s[i], s[j], 1)), sign(oracle_memcmp(s[i], s[j], 1)));
		}
}

KTEST(string_lengths_and_search)
{
	const char *s = "hello";

	KT_ASSERT_EQ(strlen(""), 0);
	KT_ASSERT_EQ(strlen(s), 5);
	KT_ASSERT_EQ(strnlen(s, 3), 3);
	KT_ASSERT_EQ(strnlen(s, 10), 5);
	KT_ASSERT(strchr(s, 'l') == s + 2);
	KT_ASSERT(strchr(s, '\0') == s + 5);
	KT_ASSERT(strchr(s, 'z') == NULL);
}

KTEST(string_strlcpy_truncates_and_terminates)
{
	char buf[6];

	KT_ASSERT_EQ(strlcpy(buf, "hi", sizeof(buf)), 2);
	KT_ASSERT_EQ(oracle_strcmp(buf, "hi"), 0);
	KT_ASSERT_EQ(strlcpy(buf, "truncated", sizeof(buf)), 9);
	KT_ASSERT_EQ(oracle_strcmp(buf, "trunc"), 0);
	buf[0] = 'x';
	KT_ASSERT_EQ(strlcpy(buf, "abc", 0), 3);
	KT_ASSERT_EQ(buf[0], 'x');
}

/* The word-at-a-time paths against a byte-by-byte reference, at every
 * alignment of source and destination and lengths around the word size. */
KTEST(string_memcpy_memset_every_alignment)
{
	static unsigned char src[96], dst[96], ref[96];

	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (unsigned char)(i * 7 + 1);
	for (size_t so = 0; so < 9; so++)
		for (size_t dof = 0; dof < 9; dof++)
			for (size_t n = 0; n < 40; n++) {
				for (size_t i = 0; i < sizeof(dst); i++)
					dst[i] = ref[i] = 0xEE;
				for (size_t i = 0; i < n; i++)
					ref[dof + i] = src[so + i];
				KT_ASSERT(memcpy(dst + dof, src + so, n) == dst + dof);
				KT_ASSERT(memcmp(dst, ref, sizeof(dst)) == 0);
				for (size_t i = 0; i < n; i++)
					ref[dof + i] = (unsigned char)(so + 0x41);
				KT_ASSERT(memset(dst + dof, (int)(so + 0x41) | 0x300, n) == dst + dof);
				KT_ASSERT(memcmp(dst, ref, sizeof(dst)) == 0);
			}
}

KTEST(string_memchr_inv_finds_first_other_byte)
{
	unsigned char b[16];

	memset(b, 0x6b, sizeof(b));
	KT_ASSERT(memchr_inv(b, 0x6b, sizeof(b)) == NULL);
	KT_ASSERT(memchr_inv(b, 0x6b, 0) == NULL);
	b[9] = 0;
	b[12] = 1;
	KT_ASSERT(memchr_inv(b, 0x6b, sizeof(b)) == b + 9);
	KT_ASSERT(memchr_inv(b, 0x16b, sizeof(b)) == b + 9);   /* c as unsigned char */
	KT_ASSERT(memchr_inv(b, 0x6b, 9) == NULL);
}
