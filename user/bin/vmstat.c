/* vmstat: the kernel's memory events since boot, one per line (as
 * `vmstat -s`), from /proc/vmstat and /proc/meminfo. */
#include "procfile.h"

int main(void)
{
	static char v[4096];
	static const struct {
		const char *key, *what;
	} lines[] = {
		{ "pgfault", "page faults" },
		{ "pgfault_zero", "  demand-zero pages" },
		{ "pgfault_file", "  pages filled from a file" },
		{ "pgfault_shared", "  shared pages mapped" },
		{ "pgfault_cow_copied", "  copy-on-write: page copied" },
		{ "pgfault_cow_reused", "  copy-on-write: last user kept the page" },
		{ "pgfault_spurious", "  already resolved" },
		{ "pgfault_bad", "  refused (SIGSEGV or SIGBUS)" },
		{ "pgfault_oom", "  out of memory" },
		{ "pgfault_stack_grow", "stack growths" },
		{ "pgfault_around", "cached neighbours mapped by fault-around" },
		{ "nr_tlb_local_flush_one", "TLB entries invalidated (invlpg)" },
		{ "nr_tlb_local_flush_all", "whole-TLB flushes (CR3 reload)" },
		{ "pgtable_alloc", "page tables allocated" },
		{ "pgtable_free", "page tables freed" },
		{ "pgtable_shared", "page tables shared by fork" },
		{ "pgtable_copied", "shared page tables copied on write" },
		{ "nr_page_table_pages", "page tables now" },
	};

	if (read_file("/proc/vmstat", v, sizeof(v)) < 0) {
		perror("vmstat: /proc/vmstat");
		return 1;
	}
	printf("%12lld K free memory\n", file_field("/proc/meminfo", "MemFree"));
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		printf("%12lld %s\n", field(v, lines[i].key), lines[i].what);
	return 0;
}
