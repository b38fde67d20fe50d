/* Running the kernel's self-tests; see <pagoda/ktest.h>. */
#include <pagoda/ktest.h>
#include <pagoda/log.h>

/* The "ktests" section, bounded by the linker script. */
extern const struct ktest __ktests_start[], __ktests_end[];

int ktest_run(const char *prefix)
{
	return ktest_run_range(__ktests_start, __ktests_end, prefix, vprintk);
}
