/*
 * The self-test runner, shared by the kernel (kern/ktest.c) and the host
 * unit tests (tests/host/main.c); see <pagoda/ktest.h>.
 */
#include <pagoda/ktest.h>
#include <pagoda/string.h>

static ktest_vprint_fn ktest_vprint;

static void ktest_print(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ktest_vprint(fmt, ap);
	va_end(ap);
}

void ktest_fail(struct ktest_ctx *t, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	t->failed = true;
	ktest_print("# %s: %s:%d: ", t->name, file, line);
	va_start(ap, fmt);
	ktest_vprint(fmt, ap);
	va_end(ap);
	ktest_print("\n");
}

/* prefix is one or more name prefixes separated by commas ("" selects all). */
static bool selected(const struct ktest *k, const char *prefix)
{
	for (;;) {
		const char *comma = strchr(prefix, ',');
		size_t len = comma ? (size_t)(comma - prefix) : strlen(prefix);

		if (strncmp(k->name, prefix, len) == 0)
			return true;
		if (!comma)
			return false;
		prefix = comma + 1;
	}
}

int ktest_run_range(const struct ktest *start, const struct ktest *end,
		    const char *prefix, ktest_vprint_fn vprint)
{
	int planned = 0, n = 0, failed = 0;

	ktest_vprint = vprint;
	for (const struct ktest *k = start; k < end; k++)
		planned += selected(k, prefix);
	ktest_print("1..%d\n", planned);
	for (const struct ktest *k = start; k < end; k++) {
		struct ktest_ctx ctx = { k->name, false, NULL };

		if (!selected(k, prefix))
			continue;
		k->fn(&ctx);
		if (ctx.skip && !ctx.failed)
			ktest_print("ok %d - %s # SKIP %s\n", ++n, k->name, ctx.skip);
		else
			ktest_print("%s %d - %s\n", ctx.failed ? "not ok" : "ok", ++n, k->name);
		failed += ctx.failed;
	}
	ktest_print("# %d of %d tests failed\n", failed, planned);
	return failed;
}
