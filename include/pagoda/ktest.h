/*
 * In-kernel self-tests, run when the kernel boots with "test" on its command
 * line ("test=PREFIX" runs only the tests whose names start with PREFIX;
 * "test=A,B" those that start with A or B).
 * Results go to the console in TAP form, `ok N - name` or `not ok N - name`,
 * and QEMU then exits with a pass or fail status (tools/test.py).
 *
 *     KTEST(timer_ticks_advance)
 *     {
 *             uint64_t t0 = timer_ticks();
 *             ...
 *             KT_ASSERT(timer_ticks() > t0);
 *     }
 */
#ifndef PAGODA_KTEST_H
#define PAGODA_KTEST_H

#include <pagoda/compiler.h>
#include <pagoda/types.h>

struct ktest_ctx {
	const char *name;
	bool failed;
	const char *skip;       /* why the test could not run here, if it could not */
};

struct ktest {
	const char *name;
	void (*fn)(struct ktest_ctx *t);
};

#define KTEST(tname)                                                          \
	static void ktest_fn_##tname(struct ktest_ctx *t);                    \
	static const struct ktest ktest_##tname __section("ktests") __used   \
		__attribute__((no_reorder))                                   \
		__aligned(4) = { #tname, ktest_fn_##tname };                  \
	static void ktest_fn_##tname(struct ktest_ctx *t __unused)

/* Record a failure with its location; the test goes on (see KT_ASSERT). */
void ktest_fail(struct ktest_ctx *t, const char *file, int line, const char *fmt, ...) __printf(4, 5);

/* Fail and leave the test (with `leave`: return, or goto a label) when
 * cond is false. */
#define KT_ASSERT_THEN(cond, leave) do {                                      \
	if (!(cond)) {                                                        \
		ktest_fail(t, __FILE__, __LINE__, "assertion failed: %s", #cond); \
		leave;                                                        \
	}                                                                     \
} while (0)
#define KT_ASSERT(cond) KT_ASSERT_THEN(cond, return)

/*
 * The same, leaving through label: the test's teardown, which undoes what
 * it changed that the next test would inherit (an address space made
 * current, memory held), in the reverse order of doing it, as kernel code
 * unwinds. For tests whose early return would take the run down.
 */
#define KT_ASSERT_GOTO(cond, label) KT_ASSERT_THEN(cond, goto label)

/* Leave the test without a verdict: TAP "ok N - name # SKIP why", which
 * the runner (tools/test.py) counts as neither passed nor failed. For what
 * this machine lacks (high memory at -m 128M), never for a failure. */
#define KT_SKIP(why) do { t->skip = (why); return; } while (0)

/* Fail and leave the test unless a == b, printing both values. */
#define KT_ASSERT_EQ_THEN(a, b, leave) do {                                   \
	unsigned long long a_ = (unsigned long long)(a), b_ = (unsigned long long)(b); \
	if (a_ != b_) {                                                       \
		ktest_fail(t, __FILE__, __LINE__, "%s == %s: 0x%llx != 0x%llx", \
			   #a, #b, a_, b_);                                   \
		leave;                                                        \
	}                                                                     \
} while (0)
#define KT_ASSERT_EQ(a, b) KT_ASSERT_EQ_THEN(a, b, return)
#define KT_ASSERT_EQ_GOTO(a, b, label) KT_ASSERT_EQ_THEN(a, b, goto label)

/* Where test output goes: vprintk in the kernel, vprintf on the host. */
typedef int (*ktest_vprint_fn)(const char *fmt, va_list ap);

/*
 * Run the tests in [start, end) whose names begin with prefix, printing
 * TAP through vprint (lib/ktest.c). Returns the number that failed.
 */
int ktest_run_range(const struct ktest *start, const struct ktest *end,
		    const char *prefix, ktest_vprint_fn vprint);

/* Run the kernel's own selected tests (kern/ktest.c). */
int ktest_run(const char *prefix);

#endif /* PAGODA_KTEST_H */
