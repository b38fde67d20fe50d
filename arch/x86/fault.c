/*
 * The page-fault trap: decode CR2 and the error code into an address and
 * an access, and hand them to the fault policy (mm/vm_fault.c). Nothing
 * here decides anything about memory.
 *
 * Taken from user mode, or from kernel mode at an instruction of the
 * exception table (copyin/copyout), a fault on a user address goes to
 * vm_fault for the current address space. If it is resolved, the access
 * is retried; if not, a kernel-mode access continues at its fix-up (and
 * returns -EFAULT), and a user-mode one ends the process with a signal (a
 * user access to the kernel half too). Any other fault is the kernel's
 * bug: the fatal report names it.
 *
 * The handler runs with interrupts masked, as the gate left them.
 */
#include <arch/cpu.h>
#include <arch/extable.h>
#include <arch/memlayout.h>
#include <arch/mmu.h>
#include <arch/trap.h>
#include <pagoda/errno.h>
#include <pagoda/log.h>
#include <pagoda/proc.h>
#include <pagoda/signal.h>
#include <pagoda/vm.h>

/*
 * A process's page fault that the policy refused: SIGSEGV (SEGV_MAPERR
 * where nothing is mapped, SEGV_ACCERR where the mapping forbids it),
 * with Linux's log line (show_signal_msg) when no handler will take it;
 * SIGBUS past the end of a file; and for want of memory the process is
 * killed, as Linux's OOM killer would. si_addr is the address.
 */
static void user_page_fault(const struct trapframe *tf, vaddr_t va, int err)
{
	struct proc *p = proc_current;

	p->thread.trap_nr = T_PF;
	p->thread.trap_err = tf->err;
	p->thread.trap_cr2 = va;
	if (err == -ENOMEM) {
		pr_err("Out of memory: Killed process %d (%s)\n", p->pid, p->name);
		proc_fatal_signal(SIGKILL);
	} else if (err == -ENXIO) {
		signal_force(SIGBUS, BUS_ADRERR, va);
	} else {
		if (signal_unhandled(p, SIGSEGV))
			pr_info("%s[%d]: segfault at %x ip %08x sp %08x error %x\n", p->name, p->pid,
				va, tf->eip, tf->user_esp, tf->err & (PF_ERR_P | PF_ERR_W | PF_ERR_U | PF_ERR_I));
		signal_force(SIGSEGV, err == -EACCES ? SEGV_ACCERR : SEGV_MAPERR, va);
	}
}

static bool page_fault(struct trapframe *tf)
{
	vaddr_t va = read_cr2();
	vm_prot_t access = (tf->err & PF_ERR_W) ? VM_PROT_WRITE : VM_PROT_READ;
	int err;

	if (!vm_current || (tf->err & PF_ERR_RSVD))
		return false;
	if (!trap_from_user(tf) && (va >= USER_TOP || !extable_find(tf->eip)))
		return false;
	err = va < USER_TOP ? vm_fault(vm_current, va, access) : -EFAULT;
	if (err == 0)
		return true;
	if (!trap_from_user(tf))
		return false;           /* copyin/copyout: the fix-up returns -EFAULT */
	user_page_fault(tf, va, err);
	return true;
}

void page_fault_init(void)
{
	trap_set_handler(T_PF, page_fault);
}
