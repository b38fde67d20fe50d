/*
 * Self-tests of the machine-independent kernel pieces as they run in the
 * kernel: the embedded symbol table, backtraces, the command line, and
 * 64-bit formatting through libgcc's division.
 */
#include <pagoda/bootinfo.h>
#include <pagoda/cmdline.h>
#include <pagoda/ksyms.h>
#include <pagoda/panic.h>
#include <pagoda/ktest.h>
#include <pagoda/printf.h>
#include <pagoda/string.h>
#include <arch/diag.h>

void kmain(uint32_t magic, uint32_t mbi_pa);

KTEST(ksyms_name_kernel_functions)
{
	vaddr_t off = 0;
	const char *name = ksym_lookup(ksyms_kernel(), (vaddr_t)kmain + 5, &off);

	KT_ASSERT(ksyms_kernel()->count > 50);
	KT_ASSERT(name != NULL);
	KT_ASSERT_EQ(strcmp(name, "kmain"), 0);
	KT_ASSERT_EQ(off, 5);
	name = ksym_lookup(ksyms_kernel(), (vaddr_t)panic, &off);
	KT_ASSERT(name && strcmp(name, "panic") == 0 && off == 0);
	KT_ASSERT(ksym_lookup(ksyms_kernel(), 0x1000, &off) == NULL);
}

/* Two named, non-inlined frames, so the trace has something to find. */
static __attribute__((noipa)) int backtrace_inner(vaddr_t *pcs, int max)
{
	int n = diag_collect_backtrace(pcs, max);

	__asm__ volatile("" ::: "memory");      /* not a tail call */
	return n;
}

static __attribute__((noipa)) int backtrace_outer(vaddr_t *pcs, int max)
{
	int n = backtrace_inner(pcs, max);

	__asm__ volatile("" ::: "memory");
	return n;
}

KTEST(backtrace_names_callers)
{
	vaddr_t pcs[8], off;
	int n = backtrace_outer(pcs, 8);
	const char *names[8];

	KT_ASSERT(n >= 3);
	for (int i = 0; i < n; i++) {
		names[i] = ksym_lookup(ksyms_kernel(), pcs[i] - 1, &off);
		KT_ASSERT(names[i] != NULL);
	}
	/* pcs[0] returns into backtrace_inner's caller chain: inner, outer, test. */
	KT_ASSERT_EQ(strcmp(names[0], "backtrace_inner"), 0);
	KT_ASSERT_EQ(strcmp(names[1], "backtrace_outer"), 0);
	KT_ASSERT_EQ(strcmp(names[2], "ktest_fn_backtrace_names_callers"), 0);
}

KTEST(cmdline_from_boot_loader)
{
	const char *a;

	KT_ASSERT(cmdline_has(boot_info.args, "test"));
	/* QEMU's -kernel put the image's name first, GRUB did not; either
	 * way the parameters do not include it. */
	for (a = boot_info.args; *a; a++)
		KT_ASSERT(strncmp(a, "pagoda.elf", 10) != 0);
}

KTEST(printf_names_code_addresses)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "[%pS]", (void *)((uintptr_t)kmain + 0x10));
	KT_ASSERT_EQ(strcmp(buf, "[kmain+0x10]"), 0);
	snprintf(buf, sizeof(buf), "[%pS]", (void *)0x1000);   /* no symbol: plain %p */
	KT_ASSERT_EQ(strcmp(buf, "[0x1000]"), 0);
}

KTEST(printf_64bit_in_kernel)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%llu %llx %lld", 18446744073709551615ull,
		 0x123456789abcdef0ull, -9223372036854775807ll - 1);
	KT_ASSERT_EQ(strcmp(buf, "18446744073709551615 123456789abcdef0 -9223372036854775808"), 0);
}
