/* panic() (kern/panic.c; the host tests have their own, tests/host/panic.c). */
#ifndef PAGODA_PANIC_H
#define PAGODA_PANIC_H

#include <pagoda/compiler.h>

/*
 * Stop the kernel with a message, the caller, the control registers and a
 * backtrace. For a broken invariant only: errors are returned, not panicked.
 */
void panic(const char *fmt, ...) __printf(1, 2) __noreturn;

#endif /* PAGODA_PANIC_H */
