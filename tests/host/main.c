/*
 * The host unit-test runner. Tests are written with the kernel's own
 * <pagoda/ktest.h> macros and run by the same runner (lib/ktest.c); the
 * host linker bounds the "ktests" section with __start_ and __stop_ symbols.
 *   usage: unit-tests [PREFIX]   (run only the tests whose names start so)
 * Compiled without tests/host/rename.h: it uses the C library's stdio.
 */
#include <stdio.h>
#include <pagoda/ktest.h>

extern const struct ktest __start_ktests[], __stop_ktests[];

static int host_vprint(const char *fmt, va_list ap)
{
	int n = vprintf(fmt, ap);

	fflush(stdout);
	return n;
}

int main(int argc, char **argv)
{
	return ktest_run_range(__start_ktests, __stop_ktests, argc > 1 ? argv[1] : "", host_vprint) ? 1 : 0;
}
