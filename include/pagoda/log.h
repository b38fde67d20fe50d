/*
 * The kernel's log (kern/log.c): printk to the consoles, and klog with
 * Linux's levels, filtered by log_level ("loglevel=N", "quiet").
 */
#ifndef PAGODA_LOG_H
#define PAGODA_LOG_H

#include <pagoda/compiler.h>
#include <pagoda/types.h>

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

#endif /* PAGODA_LOG_H */
