/*
 * The page-fault trap: decode CR2 and the error code into an address and
 * an access, and hand them to the fault policy (mm/vm_fault.c). Nothing
 * here decides anything about memory.
 *
 * Taken from user mode, or from kernel mode at an instruction of the
 * exception table (copyin/copyout), a fault on a user address goes to
 * vm_fault for the current address space. If it is resolved, the access
 * is retried; if not, a kernel-mode access continues at its fix-up (and
 * returns -EFAULT), and a user-mode one falls through to the fatal report
 * (the process to kill arrives with processes). Any other fault is the
 * kernel's bug: the fatal report names it.
 *
 * The handler runs with interrupts masked, as the gate left them.
 */
#include <arch/cpu.h>
#include <arch/extable.h>
#include <arch/memlayout.h>
#include <arch/mmu.h>
#include <arch/trap.h>
#include <pagoda/vm.h>

static bool page_fault(struct trapframe *tf)
{
	vaddr_t va = read_cr2();
	vm_prot_t access = (tf->err & PF_ERR_W) ? VM_PROT_WRITE : VM_PROT_READ;

	if (!vm_current || va >= USER_TOP || (tf->err & PF_ERR_RSVD))
		return false;
	if (!trap_from_user(tf) && !extable_find(tf->eip))
		return false;
	return vm_fault(vm_current, va, access) == 0;
}

void page_fault_init(void)
{
	trap_set_handler(T_PF, page_fault);
}
