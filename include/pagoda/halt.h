/*
 * How the machine stops (kern/halt.c). Boot decides once, from the command
 * line, whether stopping leaves QEMU (through isa-debug-exit, with a status
 * a test runner reads) or halts the CPU forever; the callers only say
 * whether the end is a failure.
 */
#ifndef PAGODA_HALT_H
#define PAGODA_HALT_H

#include <pagoda/compiler.h>
#include <pagoda/types.h>

/* After a successful end (test, bench) and after a failure (those, and
 * panic=N): leave QEMU instead of halting. Both start false. */
void halt_configure(bool exit_on_success, bool exit_on_failure);

/* End the kernel: a panic, a fatal trap, init's exit, the tests' end. */
void kernel_stop(bool failure) __noreturn;

/* A program asked for the machine to go off (reboot): leave QEMU with
 * success whatever the configuration, else halt. */
void kernel_power_off(void) __noreturn;

#endif /* PAGODA_HALT_H */
