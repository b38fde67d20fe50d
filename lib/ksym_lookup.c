/* Address-to-symbol lookup; see <pagoda/ksyms.h>. */
#include <pagoda/ksyms.h>

const char *ksym_lookup(const struct ksym_table *t, vaddr_t addr, vaddr_t *offset)
{
	size_t lo = 0, hi = t->count;

	if (t->count == 0 || addr < t->syms[0].addr || addr >= t->text_end)
		return NULL;
	/* Invariant: syms[lo].addr <= addr, and every index >= hi is > addr. */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->syms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	*offset = addr - t->syms[lo].addr;
	return t->names + t->syms[lo].name_off;
}
