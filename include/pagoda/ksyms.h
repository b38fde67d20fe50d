/*
 * The kernel's own symbol table, embedded at build time (tools/gen-ksyms.sh
 * turns `nm` output of a first link into .ksyms data for the final link), so
 * a backtrace can name functions without a debugger.
 */
#ifndef PAGODA_KSYMS_H
#define PAGODA_KSYMS_H

#include <pagoda/types.h>

struct ksym {
	uint32_t addr;          /* start of the function */
	uint32_t name_off;      /* offset of its name in the string table */
};

struct ksym_table {
	const struct ksym *syms;        /* sorted by addr, ascending */
	size_t count;
	const char *names;              /* NUL-terminated names, back to back */
	vaddr_t text_end;               /* end of the last function's section */
};

/*
 * Find the function containing addr: the symbol with the greatest address
 * <= addr, provided addr < text_end. Returns its name and sets *offset to
 * addr minus its start; returns NULL if addr is outside the table.
 */
const char *ksym_lookup(const struct ksym_table *t, vaddr_t addr, vaddr_t *offset);

/* Let printf's %pS name kernel functions. */
void ksyms_init(void);

/* The running kernel's table (kern/ksyms.c); empty during the first link. */
const struct ksym_table *ksyms_kernel(void);

#endif /* PAGODA_KSYMS_H */
