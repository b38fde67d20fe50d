/*
 * The machine's part of the vDSO: where the image's entry points are
 * (build/vdso/vdso-syms.h, made from its symbols), and the sysenter entry
 * that its __kernel_vsyscall uses.
 *
 * sysenter keeps neither the user's eip nor esp, and arrives with
 * interrupts off but the user's TF, NT and AC, on the stack
 * MSR_IA32_SYSENTER_ESP names: a small one of its own, used only by a trap
 * at the first instruction (a single step), for sysenter_entry
 * (trap_entry.S) at once loads the running process's kernel stack from
 * the TSS and clears the flags. It then builds the frame int 0x80 would have,
 * the user's stack pointer taken from ebp and ebp the sixth argument
 * (which __kernel_vsyscall left at the top of the user stack), and
 * sysenter_trap makes it a system call back to the vDSO's landing pad
 * (sysenter_bad_stack, if the stack cannot be read, -EFAULT). A call that is
 * restarted backs eip up over the int $0x80 just before the landing pad,
 * so it is made again by int 0x80. The return is by sysexit when the call
 * goes back to the landing pad as it came, else by iret as every other
 * trap's (a handler to run, a restart, exec, a single step).
 */
#include <pagoda/errno.h>
#include <pagoda/proc.h>
#include <pagoda/vdso.h>
#include <pagoda/vm.h>
#include <arch/cpu.h>
#include <arch/mmu.h>
#include <arch/segment.h>
#include <arch/trap.h>
#include <arch/tss.h>
#include <arch/vdso.h>
#include "vdso-syms.h"

#define MSR_IA32_SYSENTER_CS    0x174
#define MSR_IA32_SYSENTER_ESP   0x175
#define MSR_IA32_SYSENTER_EIP   0x176

extern const uint8_t vdso_image_start[], vdso_image_end[];
void sysenter_entry(void), sysenter_entry_stepped(void);      /* trap_entry.S */
void sysenter_trap(struct trapframe *tf);
void sysenter_bad_stack(struct trapframe *tf);

static struct vdso_image image;
static uint32_t entry_stack[64];        /* sysenter's own, for a trap at its first instruction */

/* A single step into sysenter (the user set TF) traps at sysenter_entry,
 * in ring 0 on entry_stack: go on without TF at sysenter_entry_stepped,
 * which gives it back to the user's flags for the way out, where the step
 * is then taken (SIGTRAP just after the call, as on Linux). Any other
 * debug trap is not this one's. */
static bool sysenter_debug(struct trapframe *tf)
{
	if (trap_from_user(tf) || tf->eip != (uint32_t)(uintptr_t)sysenter_entry)
		return false;
	tf->eflags &= ~(uint32_t)EFLAGS_TF;
	tf->eip = (uint32_t)(uintptr_t)sysenter_entry_stepped;
	return true;
}

/* Whether the CPU has a sysenter that works (the first Pentium Pros
 * claimed one they did not have, as Linux knows). */
static bool has_sysenter(void)
{
	uint32_t r[4];

	cpuid(1, r);
	if (!(r[3] & CPUID1_EDX_SEP))
		return false;
	return !(((r[0] >> 8) & 0xf) == 6 && ((r[0] >> 4) & 0xf) < 3 && (r[0] & 0xf) < 3);
}

void arch_vdso_init(void)
{
	image.start = vdso_image_start;
	image.size = (size_t)(vdso_image_end - vdso_image_start);
	image.sigreturn = VDSO_SYM__kernel_sigreturn;
	image.rt_sigreturn = VDSO_SYM__kernel_rt_sigreturn;
	image.vsyscall = VDSO_SYM__kernel_vsyscall_int80;
	if (has_sysenter()) {
		wrmsr(MSR_IA32_SYSENTER_CS, KERNEL_CS);
		wrmsr(MSR_IA32_SYSENTER_ESP, (uint32_t)(uintptr_t)(entry_stack + 64));
		wrmsr(MSR_IA32_SYSENTER_EIP, (uint32_t)(uintptr_t)sysenter_entry);
		trap_set_handler(T_DB, sysenter_debug);
		image.vsyscall = VDSO_SYM__kernel_vsyscall;
	}
}

const struct vdso_image *arch_vdso_image(void)
{
	return &image;
}

_Static_assert(__builtin_offsetof(struct vmspace, vdso_base) == VMSPACE_VDSO_BASE,
	       "VMSPACE_VDSO_BASE is where struct vmspace keeps the vDSO's base");

/* The frame sysenter_entry made, with the sixth argument in ebp: the
 * rest of it, and the call (sysenter_entry then picks sysexit or iret). */
void sysenter_trap(struct trapframe *tf)
{
	tf->eflags |= EFLAGS_IF;        /* sysenter cleared it; the user had it set */
	tf->eip = vm_current->vdso_base + VDSO_SYM__kernel_vsyscall_landing;
	syscall_trap(tf);
}

/* The user stack could not be read: -EFAULT, and no call (Linux's
 * do_fast_syscall_32). */
void sysenter_bad_stack(struct trapframe *tf)
{
	tf->eflags |= EFLAGS_IF;
	tf->eip = vm_current->vdso_base + VDSO_SYM__kernel_vsyscall_landing;
	tf->eax = (uint32_t)-EFAULT;
	proc_return_to_user(tf);
}
