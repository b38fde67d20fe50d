/* Deliberate crashes for the crash reports' tests (kern/crash.c). */
#ifndef PAGODA_CRASH_H
#define PAGODA_CRASH_H

/* Crash on purpose if the command line says crash=KIND. */
void crash_if_requested(const char *args);

#endif /* PAGODA_CRASH_H */
