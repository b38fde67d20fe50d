/* Crash diagnostics; see <arch/diag.h>. */
#include <arch/diag.h>
#include <arch/cpu.h>
#include <arch/extable.h>
#include <arch/memlayout.h>
#include <pagoda/log.h>
#include <pagoda/ksyms.h>

#define BACKTRACE_MAX_FRAMES 24

static const struct bit_name cr0_bits[] = {
	{ CR0_PE, "PE" }, { CR0_MP, "MP" }, { CR0_EM, "EM" }, { CR0_TS, "TS" },
	{ CR0_ET, "ET" }, { CR0_NE, "NE" }, { CR0_WP, "WP" }, { CR0_AM, "AM" },
	{ CR0_NW, "NW" }, { CR0_CD, "CD" }, { CR0_PG, "PG" }, { 0, NULL },
};

static const struct bit_name cr4_bits[] = {
	{ CR4_VME, "VME" }, { CR4_PVI, "PVI" }, { CR4_TSD, "TSD" }, { CR4_DE, "DE" },
	{ CR4_PSE, "PSE" }, { CR4_PAE, "PAE" }, { CR4_MCE, "MCE" }, { CR4_PGE, "PGE" },
	{ CR4_PCE, "PCE" }, { CR4_OSFXSR, "OSFXSR" }, { CR4_OSXMMEXCPT, "OSXMMEXCPT" },
	{ 0, NULL },
};

void diag_print_bits(uint32_t value, const struct bit_name *names)
{
	printk("[");
	for (; names->name; names++)
		if (value & names->mask)
			printk(" %s", names->name);
	printk(" ]");
}

void diag_print_control_regs(void)
{
	uint32_t cr0 = read_cr0(), cr4 = read_cr4();

	printk("CR0: %08x ", cr0);
	diag_print_bits(cr0, cr0_bits);
	printk("  CR2: %08x  CR3: %08x\nCR4: %08x ", read_cr2(), read_cr3(), cr4);
	diag_print_bits(cr4, cr4_bits);
	printk("\n");
}

/* Print addr symbolized as if it were lookup_addr + (addr - lookup_addr). */
static void print_symbolized(vaddr_t addr, vaddr_t lookup_addr)
{
	vaddr_t off;
	const char *name = ksym_lookup(ksyms_kernel(), lookup_addr, &off);

	if (name)
		printk("0x%08lx <%s+0x%lx>", (unsigned long)addr, name,
		       (unsigned long)(off + (addr - lookup_addr)));
	else
		printk("0x%08lx <?>", (unsigned long)addr);
}

void diag_print_symbol(vaddr_t addr)
{
	print_symbolized(addr, addr);
}

/* A return address follows the call; when the call was the last instruction
 * of a function that never returns, it is already in the next function.
 * Looking up the byte before it names the caller. */
static void print_return_address(vaddr_t ret)
{
	print_symbolized(ret, ret - 1);
}

/*
 * Follow the frame-pointer chain: with -fno-omit-frame-pointer every
 * function starts with push %ebp; mov %esp, %ebp, so [ebp] is the caller's
 * ebp and [ebp + 4] the return address. The chain ends at ebp = 0 (set by
 * boot.S), and a frame must lie above the one before it, in the kernel half.
 */
static int walk_frames(vaddr_t ebp, vaddr_t *pcs, int max)
{
	int n = 0;

	while (n < max && ebp >= KERNEL_VBASE && ebp % 4 == 0) {
		uint32_t next, ret;

		if (probe_read32((void *)ebp, &next) || probe_read32((void *)(ebp + 4), &ret))
			break;
		if (ret == 0)
			break;
		pcs[n++] = ret;
		if (next <= ebp)
			break;
		ebp = next;
	}
	return n;
}

void diag_backtrace(vaddr_t eip, vaddr_t ebp)
{
	vaddr_t pcs[BACKTRACE_MAX_FRAMES];
	int n = walk_frames(ebp, pcs, BACKTRACE_MAX_FRAMES);

	printk("Call trace:\n  #0  ");
	diag_print_symbol(eip);
	printk("\n");
	for (int i = 0; i < n; i++) {
		printk("  #%-2d ", i + 1);
		print_return_address(pcs[i]);
		printk("\n");
	}
}

int diag_collect_backtrace(vaddr_t *pcs, int max)
{
	return walk_frames((vaddr_t)__builtin_frame_address(0), pcs, max);
}

bool diag_enter_fatal(void)
{
	static volatile int depth;

	cpu_disable_interrupts();
	return depth++ == 0;
}
