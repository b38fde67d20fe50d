/*
 * pagewalk [PID] ADDRESS: one translation explained the way the classic
 * diagrams draw it. The address is split into directory index, table
 * index and offset; the directory entry and the table entry are shown
 * with each bit named; then the frame and the physical address, or where
 * the walk stops and why. The entries are the real ones, read by the
 * kernel from the process's page tables at that moment (Pagoda's pagewalk
 * system call); the bits are named by the kernel's own <arch/mmu.h>.
 */
#include "procfile.h"
#include <arch/mmu.h>

/* The bits an entry has, named. */
static void bits(uint32_t e, int is_pde)
{
	static const struct {
		uint32_t bit;
		const char *set, *clear;
	} names[] = {
		{ PTE_P, "present", "not present" },
		{ PTE_W, "writable", "read-only" },
		{ PTE_U, "user", "supervisor only" },
		{ PTE_PWT, "write-through", NULL },
		{ PTE_PCD, "cache-disabled", NULL },
		{ PTE_A, "accessed", NULL },
		{ PTE_D, "dirty", NULL },
		{ PTE_G, "global", NULL },
		{ PTE_SW_MANAGED, "managed (Pagoda: holds a frame reference)", NULL },
		{ PTE_SW_NOACCESS, "kept inaccessible (Pagoda: PROT_NONE)", NULL },
	};

	const char *sep = "      bits: ";

	if (!(e & PTE_P)) {             /* the CPU reads no other bit then */
		printf("      bits: not present%s\n", (e & PTE_SW_NOACCESS) ?
		       ", kept inaccessible (Pagoda: PROT_NONE)" : ", the rest ignored");
		return;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *n = (e & names[i].bit) ? names[i].set : names[i].clear;

		if (n) {
			printf("%s%s", sep, n);
			sep = ", ";
		}
	}
	if (is_pde)
		printf("%s%s", sep, (e & PDE_PS) ? "4 MiB page (PS)" : "points to a page table");
	printf("\n");
}

static void explain(int pid, uint32_t va)
{
	struct pagoda_pagewalk w;
	uint32_t eff;

	if (pagewalk(pid, va, &w) != 0) {
		printf("pagewalk: pid %d: %s\n", pid, strerror(errno));
		exit(1);
	}
	printf("virtual address 0x%08x in pid %d\n", va, pid ? pid : (int)getpid());
	printf("  = directory index %u (bits 31-22) | table index %u (bits 21-12) | "
	       "offset 0x%03x (bits 11-0)\n", PDX(va), PTX(va), va & (PAGE_SIZE - 1));
	printf("  CR3 = 0x%08x: the page directory\n", w.cr3);
	printf("  PDE %u at 0x%08x = 0x%08x\n", PDX(va), w.cr3 + PDX(va) * 4, w.pde);
	bits(w.pde, 1);
	if (!(w.pde & PTE_P)) {
		printf("  stop: no page table covers this 4 MiB; an access faults (#PF, "
		       "not present), and the kernel decides (demand paging or SIGSEGV)\n");
		return;
	}
	if (w.pde & PDE_PS) {
		printf("  4 MiB page: frame 0x%08x, no page table\n", w.pde & PDE_LARGE_FRAME_MASK);
	} else {
		printf("  page table at 0x%08x, used by %u address space%s%s\n", w.pt_pa,
		       w.table_refs, w.table_refs == 1 ? "" : "s",
		       w.table_refs > 1 ? " (shared since fork: read-only in the PDE until one "
					  "side changes it)" : "");
		printf("  PTE %u at 0x%08x = 0x%08x\n", PTX(va), w.pt_pa + PTX(va) * 4, w.pte);
		bits(w.pte, 0);
		if (!(w.pte & PTE_P)) {
			printf("  stop: the page is not present; an access faults (#PF, not "
			       "present): %s\n", (w.pte & PTE_SW_NOACCESS) ?
			       "the frame is kept but PROT_NONE lets nothing through" :
			       "never touched (demand paging fills it) or not mapped");
			return;
		}
		printf("  frame 0x%08x (number %u), referenced %u time%s%s\n",
		       w.pte & PTE_FRAME_MASK, w.pte >> PAGE_SHIFT, w.frame_refs,
		       w.frame_refs == 1 ? "" : "s",
		       w.frame_refs > 1 ? " (shared: copy-on-write, or MAP_SHARED)" : "");
	}
	printf("  physical address 0x%08llx\n", (unsigned long long)w.pa);
	/* Both levels must allow an access: the effective bits are their AND. */
	eff = (w.pde & PDE_PS) ? w.pde : (w.pde & w.pte);
	if (!(eff & PTE_U))
		printf("  ring 3 cannot use it: the user bit is clear (#PF, protection)\n");
	else if (!(eff & PTE_W))
		printf("  ring 3 may read it; a write faults (#PF, protection): copy-on-write "
		       "if the region is writable, else SIGSEGV\n");
	else
		printf("  ring 3 may read and write it\n");
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: pagewalk [PID] ADDRESS\n");
		return 2;
	}
	explain(argc == 3 ? atoi(argv[1]) : 0, (uint32_t)strtoul(argv[argc - 1], NULL, 0));
	return 0;
}
