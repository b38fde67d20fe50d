/* The running kernel's embedded symbol table; see <pagoda/ksyms.h>. */
#include <pagoda/ksyms.h>
#include <pagoda/printf.h>

/* Emitted by tools/gen-ksyms.sh into the .ksyms section. */
extern const uint32_t ksyms_count;
extern const struct ksym ksyms_syms[];
extern const char ksyms_names[];
extern const char _etext[];

/* The printf hook behind %pS. */
static const char *ksyms_lookup_kernel(uintptr_t addr, uintptr_t *offset)
{
	return ksym_lookup(ksyms_kernel(), addr, offset);
}

void ksyms_init(void)
{
	fmt_symbol_lookup = ksyms_lookup_kernel;
}

const struct ksym_table *ksyms_kernel(void)
{
	static struct ksym_table table;

	table.syms = ksyms_syms;
	table.count = ksyms_count;
	table.names = ksyms_names;
	table.text_end = (vaddr_t)_etext;
	return &table;
}
