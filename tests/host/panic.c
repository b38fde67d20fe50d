/*
 * panic() for host builds of kernel code (unit tests and fuzzers): record
 * the message, then either jump back to a test that expects the panic
 * (host_expect_panic) or report it and abort. Compiled without rename.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "host_panic.h"

jmp_buf *host_panic_jmp;
char host_panic_msg[512];

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(host_panic_msg, sizeof(host_panic_msg), fmt, ap);
	va_end(ap);
	if (host_panic_jmp)
		longjmp(*host_panic_jmp, 1);
	fprintf(stderr, "panic: %s\n", host_panic_msg);
	abort();
}
