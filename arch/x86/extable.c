/* Exception-table lookup; see <arch/extable.h>. */
#include <arch/extable.h>

extern const struct extable_entry __extable_start[], __extable_end[];

/*
 * The table is small (one entry per instruction allowed to fault) and only
 * searched on a kernel-mode fault, which is rare, so a linear scan is enough
 * and spares the build a sorting step.
 */
vaddr_t extable_find(vaddr_t eip)
{
	for (const struct extable_entry *e = __extable_start; e < __extable_end; e++)
		if (e->insn == eip)
			return e->fixup;
	return 0;
}
