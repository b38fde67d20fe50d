/*
 * Trap dispatch: every interrupt, exception and system call arrives here
 * from the entry stubs (trap_entry.S) with interrupts disabled, and goes up
 * from here: to a handler registered in vectors.c, the exception table,
 * the system calls, or the process that trapped. Nothing registers here,
 * so drivers that install handlers depend on vectors.c alone.
 *
 * An exception in kernel mode goes, in order, to a registered handler, to
 * the exception table (an instruction that was allowed to fault), and
 * otherwise to trap_fatal(), which explains what happened and stops.
 */
#include <arch/trap.h>
#include <arch/cpu.h>
#include <arch/diag.h>
#include <arch/extable.h>
#include <arch/memlayout.h>
#include <pagoda/errno.h>
#include <pagoda/log.h>
#include <pagoda/halt.h>
#include <pagoda/proc.h>
#include <pagoda/signal.h>

struct trap_fixup_record trap_last_fixup;

/* Explain a page fault's error code in words. */
static void explain_page_fault(const struct trapframe *tf, vaddr_t cr2)
{
	const char *who = (tf->err & PF_ERR_U) ? "User code" : "The kernel";
	const char *what = (tf->err & PF_ERR_I) ? "fetched an instruction from" :
			   (tf->err & PF_ERR_W) ? "wrote to" : "read from";
	const char *why;

	if (tf->err & PF_ERR_RSVD)
		why = "whose paging entry has a reserved bit set";
	else if (!(tf->err & PF_ERR_P))
		why = "which no page maps";
	else if (tf->err & PF_ERR_W)
		why = "which is mapped read-only";
	else if (tf->err & PF_ERR_U)
		why = "which is mapped for the kernel only";
	else
		why = "which its page's protection forbids";
	printk("  %s %s address 0x%08lx, %s.\n", who, what, (unsigned long)cr2, why);
	if (cr2 < PAGE_SIZE)
		printk("  The address is in page 0: a NULL pointer dereference?\n");
	else if (!(tf->err & PF_ERR_U) && cr2 < USER_TOP)
		printk("  The address is in user space: kernel code must reach it through copyin/copyout.\n");
	printk("  error code 0x%x: %s page | %s | %s mode%s%s\n", tf->err,
	       (tf->err & PF_ERR_P) ? "present (protection violation)" : "not-present",
	       (tf->err & PF_ERR_W) ? "write" : "read",
	       (tf->err & PF_ERR_U) ? "user" : "supervisor",
	       (tf->err & PF_ERR_RSVD) ? " | reserved bit" : "",
	       (tf->err & PF_ERR_I) ? " | instruction fetch" : "");
}

/* Explain a selector error code (#TS, #NP, #SS, #GP). */
static void explain_selector_error(uint32_t err)
{
	static const char *const tables[] = { "GDT", "IDT", "LDT", "IDT" };

	if (err == 0)
		return;
	printk("  error code 0x%x: %s entry %u%s\n", err, tables[(err >> 1) & 3],
	       err >> 3, (err & 1) ? " (during an external event)" : "");
}

static void print_registers(const struct trapframe *tf)
{
	static const struct bit_name eflags_bits[] = {
		{ EFLAGS_CF, "CF" }, { EFLAGS_PF, "PF" }, { EFLAGS_AF, "AF" },
		{ EFLAGS_ZF, "ZF" }, { EFLAGS_SF, "SF" }, { EFLAGS_TF, "TF" },
		{ EFLAGS_IF, "IF" }, { EFLAGS_DF, "DF" }, { EFLAGS_OF, "OF" },
		{ EFLAGS_NT, "NT" }, { EFLAGS_RF, "RF" }, { EFLAGS_VM, "VM" },
		{ EFLAGS_AC, "AC" }, { 0, NULL },
	};

	printk("EAX: %08x  EBX: %08x  ECX: %08x  EDX: %08x\n", tf->eax, tf->ebx, tf->ecx, tf->edx);
	printk("ESI: %08x  EDI: %08x  EBP: %08x  ESP: %08x\n", tf->esi, tf->edi, tf->ebp, trap_esp(tf));
	printk("EIP: %08x  EFLAGS: %08x ", tf->eip, tf->eflags);
	diag_print_bits(tf->eflags, eflags_bits);
	printk("\nCS: %04x  DS: %04x  ES: %04x  FS: %04x  GS: %04x  SS: %04x\n",
	       tf->cs & 0xFFFF, tf->ds & 0xFFFF, tf->es & 0xFFFF, tf->fs & 0xFFFF,
	       tf->gs & 0xFFFF, trap_from_user(tf) ? tf->user_ss & 0xFFFF : (uint32_t)read_segment(ss));
	diag_print_control_regs();
}

void trap_fatal(struct trapframe *tf, const char *why)
{
	vaddr_t cr2 = read_cr2();
	const char *hint;

	if (!diag_enter_fatal()) {
		printk("\n*** fault while reporting a fault: %s at eip %08x\n", trap_name((int)tf->trapno), tf->eip);
		kernel_stop(true);
	}
	printk("\n------------[ cut here: %s ]------------\n", why);
	printk("%s, vector %u, in %s mode at ", trap_name((int)tf->trapno), tf->trapno,
	       trap_from_user(tf) ? "user" : "kernel");
	diag_print_symbol(tf->eip);
	printk("\n");
	if (tf->trapno == T_PF)
		explain_page_fault(tf, cr2);
	else if ((hint = trap_hint((int)tf->trapno)) != NULL)
		printk("  This usually means %s.\n", hint);
	if (tf->trapno == T_TS || tf->trapno == T_NP || tf->trapno == T_SS || tf->trapno == T_GP)
		explain_selector_error(tf->err);
	print_registers(tf);
	if (!trap_from_user(tf))
		diag_backtrace(tf->eip, tf->ebp);
	printk("------------[ end of report ]------------\n");
	kernel_stop(true);
}

/* The SSE exception an #XM reports (Linux's math_error, for SIMD): the
 * first unmasked one set in MXCSR. */
static int simd_code(void)
{
	uint32_t mxcsr, pending;

	__asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
	pending = mxcsr & ~(mxcsr >> 7) & 0x3f;
	return (pending & 1) ? FPE_FLTINV : (pending & 4) ? FPE_FLTDIV : (pending & 8) ? FPE_FLTOVF :
	       (pending & 0x12) ? FPE_FLTUND : (pending & 0x20) ? FPE_FLTRES : 0;
}

/* The signal, si_code and si_addr Linux gives an exception in user mode
 * (do_trap, do_error_trap, math_error). */
static int exception_signal(const struct trapframe *tf, int *code, uint32_t *addr)
{
	*addr = tf->eip;
	switch (tf->trapno) {
	case T_DE:
		*code = FPE_INTDIV;
		return SIGFPE;
	case T_MF:
		*code = FPE_FLTINV;
		return SIGFPE;
	case T_XM:
		*code = simd_code();
		return SIGFPE;
	case T_DB:
		*code = TRAP_TRACE;
		return SIGTRAP;
	case T_BP:
		*code = SI_KERNEL;
		*addr = 0;
		return SIGTRAP;
	case T_UD:
		*code = ILL_ILLOPN;
		return SIGILL;
	case T_AC:
		*code = BUS_ADRALN;
		return SIGBUS;
	default:                        /* #GP and the rest: the kernel's SIGSEGV */
		*code = SI_KERNEL;
		*addr = 0;
		return SIGSEGV;
	}
}

/*
 * A process's exception that nothing resolved: log it as Linux's
 * do_trap does ("traps: NAME[PID] trap ... ip:... sp:... error:...") if
 * no handler will take it, and send the signal Linux would. (Page faults
 * have their own line, in fault.c.)
 */
static void user_exception(struct trapframe *tf)
{
	struct proc *p = proc_current;
	uint32_t addr;
	int code, sig = exception_signal(tf, &code, &addr);

	p->thread.trap_nr = tf->trapno;
	p->thread.trap_err = tf->err;
	if (signal_unhandled(p, sig))
		pr_info("traps: %s[%d] %s ip:%x sp:%x error:%x\n", p->name, p->pid, trap_name((int)tf->trapno),
			tf->eip, tf->user_esp, tf->err);
	signal_force(sig, code, addr);
}

static void exception_dispatch(struct trapframe *tf)
{
	int v = (int)tf->trapno;
	trap_handler_t handler = trap_handler(v);
	vaddr_t fixup;

	if (handler && handler(tf))
		return;
	if (!trap_from_user(tf) && (fixup = extable_find(tf->eip)) != 0) {
		trap_last_fixup.vector = v;
		trap_last_fixup.err = tf->err;
		trap_last_fixup.cr2 = v == T_PF ? read_cr2() : 0;
		trap_last_fixup.eip = tf->eip;
		trap_last_fixup.fixup = fixup;
		tf->eip = fixup;
		return;
	}
	if (trap_from_user(tf) && proc_current) {
		user_exception(tf);
		return;
	}
	trap_fatal(tf, trap_from_user(tf) ? "exception in user mode with no process"
					  : "unhandled exception in kernel mode");
}

static void irq_dispatch(struct trapframe *tf)
{
	int irq = (int)tf->trapno - IRQ_BASE;

	if ((irq == IRQ_SPURIOUS_PRIMARY || irq == IRQ_SPURIOUS_SECONDARY) && pic_is_spurious(irq))
		return;
	irq_handler_t handler = irq_handler(irq);

	if (handler)
		handler(tf);
	pic_eoi(irq);
}

void trap_dispatch(struct trapframe *tf)
{
	trap_count_one((int)tf->trapno);
	if (tf->trapno < NUM_EXCEPTIONS)
		exception_dispatch(tf);
	else if (tf->trapno < IRQ_BASE + NUM_IRQS)
		irq_dispatch(tf);
	if (trap_from_user(tf))
		proc_return_to_user(tf);
}
