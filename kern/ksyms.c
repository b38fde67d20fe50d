/* The running kernel's embedded symbol table; see <pagoda/ksyms.h>. */
#include <pagoda/ksyms.h>

/* Emitted by tools/gen-ksyms.sh into the .ksyms section. */
extern const uint32_t ksyms_count;
extern const struct ksym ksyms_syms[];
extern const char ksyms_names[];
extern const char _etext[];

const struct ksym_table *ksyms_kernel(void)
{
	static struct ksym_table table;

	table.syms = ksyms_syms;
	table.count = ksyms_count;
	table.names = ksyms_names;
	table.text_end = (vaddr_t)_etext;
	return &table;
}
