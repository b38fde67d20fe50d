/*
 * Interrupt and exception entry. Each vector has a stub that makes the stack
 * look the same for all (an error code, real or zero, then the vector
 * number) and jumps to trap_common, which saves the rest of the registers
 * as a struct trapframe (<arch/trap.h>) and calls trap_dispatch(tf). The
 * system-call gate's stub falls into syscall_common instead, which saves
 * the same frame, calls syscall_trap(tf) and falls into trap_return: the
 * commonest trap of all takes no jumps and none of trap_dispatch's
 * questions about what the vector is.
 *
 * The data segment registers are the user's to choose: a program may load
 * %fs or %gs with a thread-local-storage selector and then empty that slot
 * with set_thread_area, or a selector of the process that ran before may
 * still be loaded when the scheduler switches. So the kernel never runs
 * on them: every entry loads its own (KERNEL_DS in %ds and %es, the null
 * selector in %fs and %gs, which are always valid), so a nested trap saves
 * and restores only those. On the way back to user mode each saved
 * selector is reloaded from the GDT of the process now running; if that
 * fails (#GP or #NP: the descriptor is gone or not present), the fix-up
 * puts the null selector in its place and the return goes on, as Linux
 * does: the program finds 0 in that register, and faults only if it uses
 * it.
 */
#include <arch/extable.h>
#include <arch/memlayout.h>
#include <arch/mmu.h>
#include <arch/tss.h>
#include <arch/vdso.h>
#include "vdso-syms.h"
#include <arch/segment.h>
#include <arch/trap.h>

/* Save the registers as a struct trapframe and load the kernel's data
 * segments; the C ABI expects DF clear. */
.macro SAVE_TRAPFRAME
	pushl %ds
	pushl %es
	pushl %fs
	pushl %gs
	pushal
	movl $KERNEL_DS, %eax
	movl %eax, %ds
	movl %eax, %es
	xorl %eax, %eax
	movl %eax, %fs
	movl %eax, %gs
	cld
.endm

/* Restore what SAVE_TRAPFRAME saved but the CPU's own part. A selector
 * that cannot be reloaded (#GP or #NP: its descriptor is gone or not
 * present) becomes the null one and the return goes on, as Linux does;
 * the fix-ups lie out of the way, in .text.fixup. */
.macro RESTORE_TRAPFRAME
	popal
.Lgs\@:	popl %gs
.Lfs\@:	popl %fs
.Les\@:	popl %es
.Lds\@:	popl %ds
	EXTABLE_ENTRY(.Lgs\@, .Lgs_fix\@)
	EXTABLE_ENTRY(.Lfs\@, .Lfs_fix\@)
	EXTABLE_ENTRY(.Les\@, .Les_fix\@)
	EXTABLE_ENTRY(.Lds\@, .Lds_fix\@)
	.pushsection .text.fixup, "ax"
.Lgs_fix\@:	movl $0, (%esp)         /* %esp still points at its slot */
	jmp .Lgs\@
.Lfs_fix\@:	movl $0, (%esp)
	jmp .Lfs\@
.Les_fix\@:	movl $0, (%esp)
	jmp .Les\@
.Lds_fix\@:	movl $0, (%esp)
	jmp .Lds\@
	.popsection
.endm

/* Emit the stub for vector \n and record its address in trap_vector_stubs. */
.macro TRAP_STUB n
	.section .text
	.balign 16
trap_stub_\n:
	.if \n >= NUM_EXCEPTIONS
	pushl $0                /* interrupts push no error code: push one */
	.elseif ((T_ERRCODE_MASK >> \n) & 1) == 0
	pushl $0                /* nor do these exceptions */
	.endif
	pushl $\n
	.if \n != T_SYSCALL    /* which falls into syscall_common, just below */
	jmp trap_common
	.endif
	.section .rodata
	.long trap_stub_\n
.endm

	.section .rodata
	.balign 4
	.globl trap_vector_stubs
trap_vector_stubs:
	.altmacro
	.set vec, 0
	.rept NUM_EXCEPTIONS + NUM_IRQS
	TRAP_STUB %vec
	.set vec, vec + 1
	.endr
	TRAP_STUB %T_SYSCALL    /* the last stub: syscall_common follows it */
	.noaltmacro

	.section .text
syscall_common:
	SAVE_TRAPFRAME
	pushl %esp              /* struct trapframe *tf */
	call syscall_trap
	addl $4, %esp

	.globl trap_return
trap_return:
	RESTORE_TRAPFRAME
	addl $8, %esp           /* vector number and error code */
	iret

trap_common:
	SAVE_TRAPFRAME
	pushl %esp
	call trap_dispatch
	addl $4, %esp
	jmp trap_return

/*
 * sysenter from the vDSO's __kernel_vsyscall (arch/x86/vdso.c): the CPU
 * loaded cs, ss and eip from the MSRs, esp with the address of the TSS's
 * esp0, and cleared IF. Make the frame int 0x80 makes (the user's esp is
 * in ebp; eip and IF are sysenter_trap's to fill in) and go on as a
 * system call, back by trap_return's iret.
 */
	.globl sysenter_entry
sysenter_entry:
	/* The running process's kernel stack: read from the TSS, not by
	 * way of esp, which points at a small stack of its own (a trap
	 * here, a single step the user asked, lands there; vdso.c). */
	movl kernel_tss + TSS_ESP0, %esp
	pushl $USER_DS          /* ss */
	pushl %ebp              /* esp */
	pushfl
sysenter_flags_saved:
	pushl $EFLAGS_FIXED     /* sysenter leaves NT and AC as the user had them: */
	popfl                   /* the kernel runs with neither (an iret with NT would switch tasks) */
	pushl $USER_CS
	pushl $0                /* eip */
	pushl $0                /* error code */
	pushl $T_SYSCALL
	SAVE_TRAPFRAME
	/* The sixth argument, which __kernel_vsyscall left at the top of
	 * the user stack: read as copyin would (a fault it cannot resolve
	 * is the fix-up), only from user memory. */
	cmpl $(USER_TOP - 4), %ebp
	ja 2f
1:	movl (%ebp), %eax
	movl %eax, TF_EBP(%esp)
	pushl %esp
	call sysenter_trap
	addl $4, %esp
	/* sysexit sets only eip and esp: it ends the call when that goes
	 * back where it came from (no handler to run, restart or exec moved
	 * it) with flags it can leave as they are (no single step, no NT);
	 * else iret. (cs and ss are always the user's: no call sets them.) */
	testl $(EFLAGS_TF | EFLAGS_NT), TF_EFLAGS(%esp)
	jnz trap_return
	movl vm_current, %eax
	movl VMSPACE_VDSO_BASE(%eax), %eax
	addl $VDSO_SYM__kernel_vsyscall_landing, %eax
	cmpl %eax, TF_EIP(%esp)
	jne trap_return
	jmp sysexit_return
	EXTABLE_ENTRY(1b, 2f)
2:	pushl %esp
	call sysenter_bad_stack
	addl $4, %esp
	jmp trap_return

/*
 * Back to the vDSO's landing pad by sysexit: the frame popped as
 * trap_return pops it, then eip into edx and esp into ecx, which
 * __kernel_vsyscall restores from its stack, and the user's flags with
 * IF set by the sti just before, whose shadow covers the sysexit.
 */
sysexit_return:
	RESTORE_TRAPFRAME
	movl 8(%esp), %edx      /* eip (past the vector and error code) */
	movl 20(%esp), %ecx     /* esp */
	addl $16, %esp          /* to the flags */
	btrl $9, (%esp)         /* IF: by the sti */
	popfl
	sti
	sysexit

/* The same, for a user who stepped into sysenter (vdso.c's debug trap
 * took TF off): with TF in the flags the user gets back. */
	.globl sysenter_entry_stepped
sysenter_entry_stepped:
	movl kernel_tss + TSS_ESP0, %esp
	pushl $USER_DS
	pushl %ebp
	pushfl
	orl $EFLAGS_TF, (%esp)
	jmp sysenter_flags_saved
