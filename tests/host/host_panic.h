/*
 * Catching the kernel's panic() in host tests (tests/host/panic.c):
 *     KT_EXPECT_PANIC(pmm_free_pages(&pmm, p, 0), "double free");
 * runs the statement and fails the test unless it panics with a message
 * containing the given text.
 */
#ifndef HOST_PANIC_H
#define HOST_PANIC_H

#include <setjmp.h>

extern jmp_buf *host_panic_jmp;
extern char host_panic_msg[512];

const char *oracle_strstr(const char *haystack, const char *needle);

#define KT_EXPECT_PANIC(stmt, text) do {                                      \
	jmp_buf jb_;                                                          \
	host_panic_jmp = &jb_;                                                \
	if (setjmp(jb_) == 0) {                                               \
		stmt;                                                         \
		host_panic_jmp = NULL;                                        \
		ktest_fail(t, __FILE__, __LINE__, "no panic from %s", #stmt); \
		return;                                                       \
	}                                                                     \
	host_panic_jmp = NULL;                                                \
	if (!oracle_strstr(host_panic_msg, text)) {                           \
		ktest_fail(t, __FILE__, __LINE__, "panic \"%s\" lacks \"%s\"", \
			   host_panic_msg, text);                             \
		return;                                                       \
	}                                                                     \
} while (0)

#endif
