/* Address-to-symbol lookup (lib/ksym_lookup.c) over a synthetic table. */
#include <pagoda/ksyms.h>
#include <pagoda/ktest.h>
#include "oracle.h"

static const struct ksym syms[] = {
	{ 0x1000, 0 }, { 0x1010, 6 }, { 0x1010, 12 }, { 0x1080, 18 },
};
static const char names[] = "start\0alpha\0alias\0gamma";
static const struct ksym_table table = { syms, 4, names, 0x1100 };

static const char *lookup(vaddr_t addr, vaddr_t *off)
{
	return ksym_lookup(&table, addr, off);
}

KTEST(ksyms_lookup_finds_containing_function)
{
	vaddr_t off = 99;

	KT_ASSERT_EQ(oracle_strcmp(lookup(0x1000, &off), "start"), 0);
	KT_ASSERT_EQ(off, 0);
	KT_ASSERT_EQ(oracle_strcmp(lookup(0x100f, &off), "start"), 0);
	KT_ASSERT_EQ(off, 0xf);
	/* Two names at one address: the later one in the table wins. */
	KT_ASSERT_EQ(oracle_strcmp(lookup(0x1010, &off), "alias"), 0);
	KT_ASSERT_EQ(oracle_strcmp(lookup(0x10ff, &off), "gamma"), 0);
	KT_ASSERT_EQ(off, 0x7f);
}

KTEST(ksyms_lookup_outside_table)
{
	vaddr_t off = 99;
	static const struct ksym_table empty = { syms, 0, names, 0x1100 };

	KT_ASSERT(lookup(0xfff, &off) == NULL);
	KT_ASSERT(lookup(0x1100, &off) == NULL);        /* past the end of text */
	KT_ASSERT(ksym_lookup(&empty, 0x1000, &off) == NULL);
	KT_ASSERT_EQ(off, 99);
}
