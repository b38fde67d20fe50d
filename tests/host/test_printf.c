/*
 * The kernel's printf formatter (lib/printf.c) against the host C library's
 * snprintf, on fixed cases and on random combinations of flags, width,
 * precision, length modifier and conversion.
 */
#include <pagoda/ktest.h>
#include <pagoda/printf.h>
#include <pagoda/string.h>
#include "oracle.h"

/* Some cases are deliberately odd (a '0' flag the precision overrides, a
 * NULL string); the compiler's format checks would reject them. */
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-overflow"

/* Format with both implementations; fail unless text and count agree. */
#define CHECK_FMT(fmt, ...) do {                                              \
	char ours_[256], ref_[256];                                           \
	int a_ = snprintf(ours_, sizeof(ours_), fmt, __VA_ARGS__);           \
	int b_ = oracle_snprintf(ref_, sizeof(ref_), fmt, __VA_ARGS__);      \
	if (a_ != b_ || oracle_strcmp(ours_, ref_) != 0)                      \
		ktest_fail(t, __FILE__, __LINE__, "\"%s\": got \"%s\" (%d), C library \"%s\" (%d)", \
			   fmt, ours_, a_, ref_, b_);                         \
} while (0)

KTEST(printf_integers)
{
	CHECK_FMT("%d %i %u", 0, -1, 4000000000u);
	CHECK_FMT("%d", -2147483647 - 1);
	CHECK_FMT("%x %X %o", 0xdeadbeefu, 0xdeadbeefu, 0777u);
	CHECK_FMT("[%5d] [%-5d] [%05d] [%+d] [% d]", 42, 42, 42, 42, 42);
	CHECK_FMT("[%.3d] [%8.3d] [%-8.3d] [%08.3d]", 7, 7, -7, 7);
	CHECK_FMT("[%.0d] [%.0x] [%5.0u]", 0, 0u, 0u);
	CHECK_FMT("[%#x] [%#X] [%#o] [%#o] [%#.3o] [%#x]", 255u, 255u, 8u, 0u, 8u, 0u);
	CHECK_FMT("[%#010x] [%-#10x] [%#5o]", 255u, 255u, 8u);
	CHECK_FMT("[%*d] [%-*d] [%*d] [%.*d] [%.*d]", 6, 1, 6, 1, -6, 1, 4, 1, -4, 1);
	CHECK_FMT("%hhd %hhu %hd %hu", 300, 300, 70000, 70000);
	CHECK_FMT("%ld %lu %lx", -5L, 5UL, 0xabcUL);
}

KTEST(printf_64bit)
{
	CHECK_FMT("%llu %lld %llx %llo", 18446744073709551615ull, -9223372036854775807ll - 1,
		  0x123456789abcdef0ull, 01777777777777777777777ull);
	CHECK_FMT("0x%016llx-0x%016llx", 0x9fc00ull, 0xfffffffffull);
	CHECK_FMT("%zu %zd %zx %td %jd %ju", (size_t)123, (size_t)456, (size_t)0xfff,
		  (ptrdiff_t)-9, (intmax_t)-10, (uintmax_t)11);
}

KTEST(printf_chars_strings_pointers)
{
	CHECK_FMT("[%c] [%3c] [%-3c]", 'a', 'b', 'c');
	CHECK_FMT("[%s] [%10s] [%-10s] [%.2s] [%10.2s]", "hello", "hello", "hello", "hello", "hello");
	CHECK_FMT("[%s] [%.3s] [%10s]", (char *)NULL, (char *)NULL, (char *)NULL);
	CHECK_FMT("[%p] [%20p] [%-20p|]", (void *)0x1234, (void *)0xc0100000, (void *)1);
	CHECK_FMT("[%p] [%10p]", (void *)NULL, (void *)NULL);
	CHECK_FMT("100%% %d%%", 5);
	CHECK_FMT("%s", "");
}

KTEST(printf_truncation_and_count)
{
	char buf[8];
	int n;

	memset(buf, 'x', sizeof(buf));
	n = snprintf(buf, sizeof(buf), "%s", "0123456789");
	KT_ASSERT_EQ(n, 10);
	KT_ASSERT_EQ(oracle_strcmp(buf, "0123456"), 0);
	n = snprintf(buf, 1, "abc");
	KT_ASSERT_EQ(n, 3);
	KT_ASSERT_EQ(buf[0], '\0');
	memset(buf, 'x', sizeof(buf));
	n = snprintf(buf, 0, "abc%d", 12345);
	KT_ASSERT_EQ(n, 8);
	KT_ASSERT_EQ(buf[0], 'x');              /* size 0: nothing written */
	n = snprintf(NULL, 0, "%08x", 1u);
	KT_ASSERT_EQ(n, 8);
}

/* Format one random integer conversion with both and compare. */
static bool random_integer_case(struct ktest_ctx *t, unsigned *seed)
{
	static const char *const lengths[] = { "hh", "h", "", "l", "ll", "z", "j", "t" };
	static const char convs[] = "diuoxX";
	char fmt[32], ours[128], ref[128];
	unsigned r = oracle_rand(seed);
	int len = 0, li = (int)(r % 8), a, b;
	char conv = convs[(r >> 3) % 6];
	unsigned long long v = ((unsigned long long)oracle_rand(seed) << 32) | oracle_rand(seed);

	v >>= oracle_rand(seed) % 64;           /* all magnitudes */
	fmt[len++] = '%';
	for (int i = 0; i < 5; i++)
		if ((r >> (6 + i)) & 1 && !(i == 4 && (conv == 'd' || conv == 'i' || conv == 'u')))
			fmt[len++] = "-0+ #"[i];
	if ((r >> 11) & 1)
		len += oracle_snprintf(fmt + len, 8, "%u", (r >> 12) % 25);
	if ((r >> 17) & 1)
		len += oracle_snprintf(fmt + len, 8, ".%u", (r >> 18) % 25);
	len += oracle_snprintf(fmt + len, 8, "%s%c", lengths[li], conv);

	/* Pass the argument as the type the length modifier names. */
#define BOTH(T) (a = snprintf(ours, sizeof(ours), fmt, (T)v), b = oracle_snprintf(ref, sizeof(ref), fmt, (T)v))
	switch (li) {
	case 0: case 1: case 2: BOTH(int); break;
	case 3: BOTH(long); break;
	case 4: BOTH(long long); break;
	case 5: BOTH(size_t); break;
	case 6: BOTH(long long); break;         /* intmax_t */
	default: BOTH(ptrdiff_t); break;
	}
	if (a != b || oracle_strcmp(ours, ref) != 0) {
		ktest_fail(t, __FILE__, __LINE__, "\"%s\" of %llu: got \"%s\", C library \"%s\"", fmt, v, ours, ref);
		return false;
	}
	return true;
}

KTEST(printf_random_integer_formats)
{
	unsigned seed = 12345;

	for (int i = 0; i < 50000; i++)
		if (!random_integer_case(t, &seed))
			return;
}
