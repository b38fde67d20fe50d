/*
 * Kernel-wide essentials: logging, panic, and how the machine stops.
 */
#ifndef PAGODA_KERNEL_H
#define PAGODA_KERNEL_H

#include <pagoda/types.h>
#include <pagoda/compiler.h>

/* Log levels, Linux's numbers: a message prints if its level < log_level. */
#define LOG_EMERG       0
#define LOG_ERR         3
#define LOG_WARNING     4
#define LOG_NOTICE      5
#define LOG_INFO        6
#define LOG_DEBUG       7
#define LOG_LEVEL_DEFAULT 7     /* everything but debug; "loglevel=8" for all */

extern int log_level;

/* Print to the console, whatever the log level. */
int printk(const char *fmt, ...) __printf(1, 2);
int vprintk(const char *fmt, va_list ap);

/* Print if level < log_level. */
void klog(int level, const char *fmt, ...) __printf(2, 3);
#define pr_err(...)     klog(LOG_ERR, __VA_ARGS__)
#define pr_warn(...)    klog(LOG_WARNING, __VA_ARGS__)
#define pr_notice(...)  klog(LOG_NOTICE, __VA_ARGS__)
#define pr_info(...)    klog(LOG_INFO, __VA_ARGS__)
#define pr_debug(...)   klog(LOG_DEBUG, __VA_ARGS__)

/*
 * Stop the kernel with a message, the caller, the control registers and a
 * backtrace. For a broken invariant only: errors are returned, not panicked.
 */
void panic(const char *fmt, ...) __printf(1, 2) __noreturn;

/* True when booted with "test" on the command line (kern/main.c). */
extern bool kernel_test_mode;

/* How the kernel ends: halt forever, or in test mode leave QEMU with a
 * status the test runner reads (kern/main.c). */
void kernel_stop(bool failure) __noreturn;

/* Crash on purpose if the command line says crash=KIND (kern/crash.c). */
void crash_if_requested(const char *args);

/* Per the kernel's own clock (arch/x86/pit.c). */
uint64_t timer_ticks(void);

/* What sleepers on the clock wait on: woken at every tick (pit.c). */
extern int timer_wait_channel;

/* The wall-clock time at boot, in seconds since 1970 (dev/rtc.c). */
void rtc_init(void);
uint64_t rtc_boot_seconds(void);

/* Leave QEMU (isa-debug-exit) at a program's request, else halt. */
void kernel_power_off(void) __noreturn;
#define TIMER_HZ        100

#endif /* PAGODA_KERNEL_H */
