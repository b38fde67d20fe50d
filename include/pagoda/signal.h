/*
 * Signals (proc/signal.c): Linux i386's numbers, flags and siginfo, which
 * user programs see, and how the kernel posts and delivers them. The life
 * of a signal is drawn in docs/signals.md.
 */
#ifndef PAGODA_SIGNAL_H
#define PAGODA_SIGNAL_H

#include <pagoda/types.h>

#define SIGHUP          1
#define SIGINT          2
#define SIGQUIT         3
#define SIGILL          4
#define SIGTRAP         5
#define SIGABRT         6
#define SIGBUS          7
#define SIGFPE          8
#define SIGKILL         9
#define SIGUSR1         10
#define SIGSEGV         11
#define SIGUSR2         12
#define SIGPIPE         13
#define SIGALRM         14
#define SIGTERM         15
#define SIGCHLD         17
#define SIGCONT         18
#define SIGSTOP         19
#define SIGTSTP         20
#define SIGTTIN         21
#define SIGTTOU         22
#define SIGURG          23
#define SIGXCPU         24
#define SIGXFSZ         25
#define SIGVTALRM       26
#define SIGPROF         27
#define SIGWINCH        28
#define SIGIO           29
#define SIGPWR          30
#define SIGSYS          31
#define SIGRTMIN        32

#define sig_bit(sig)    (1ull << ((sig) - 1))
#define SIG_UNBLOCKABLE (sig_bit(SIGKILL) | sig_bit(SIGSTOP))

/* sigaction's flags. */
#define SA_NOCLDSTOP    0x00000001u
#define SA_NOCLDWAIT    0x00000002u
#define SA_SIGINFO      0x00000004u
#define SA_RESTORER     0x04000000u
#define SA_ONSTACK      0x08000000u
#define SA_RESTART      0x10000000u
#define SA_NODEFER      0x40000000u
#define SA_RESETHAND    0x80000000u

/* si_code: who sent it, or why. */
#define SI_USER         0
#define SI_KERNEL       0x80
#define SI_QUEUE        (-1)
#define SI_TIMER        (-2)
#define SI_TKILL        (-6)
#define ILL_ILLOPN      2
#define ILL_BADSTK      8
#define FPE_INTDIV      1
#define FPE_FLTDIV      3
#define FPE_FLTOVF      4
#define FPE_FLTUND      5
#define FPE_FLTRES      6
#define FPE_FLTINV      7
#define SEGV_MAPERR     1
#define SEGV_ACCERR     2
#define BUS_ADRALN      1
#define BUS_ADRERR      2
#define TRAP_BRKPT      1
#define TRAP_TRACE      2
#define CLD_EXITED      1
#define CLD_KILLED      2
#define CLD_DUMPED      3
#define CLD_STOPPED     5
#define CLD_CONTINUED   6

/* In a wait status killed by a signal: a core file was written. */
#define WCOREFLAG       0x80

/* Linux i386's siginfo_t: 128 bytes, the fields after si_code by kind. */
struct ksiginfo {
	int32_t si_signo, si_errno, si_code;
	union {
		uint32_t pad[29];
		struct {
			int32_t pid;
			uint32_t uid;
			uint32_t value;         /* rt_sigqueueinfo's sigval */
		} kill;
		struct {
			int32_t pid;
			uint32_t uid;
			int32_t status;
			int32_t utime, stime;
		} chld;
		struct {
			uint32_t addr;
		} fault;
		struct {
			int32_t tid;            /* the timer's id */
			int32_t overrun;
			uint32_t value;         /* its sigev_value */
		} timer;
	};
};
_Static_assert(sizeof(struct ksiginfo) == 128, "siginfo_t is 128 bytes on i386");

/* stack_t, as sigaltstack and uc_stack hold it. */
struct kstack {
	uint32_t ss_sp;
	int32_t ss_flags;
	uint32_t ss_size;
};
#define SS_ONSTACK      1
#define SS_DISABLE      2
#define SS_AUTODISARM   (1u << 31)
#define MINSIGSTKSZ     2048

struct proc;
struct trapframe;

/* A trap frame whose eax is no system call's result any more (sigreturn
 * restored it, or a restart was settled): its trapno, as Linux's orig_ax
 * of -1. */
#define TRAPNO_NO_CALL  0xffffffffu

/* Post sig to p with info (NULL: SI_KERNEL): pending until p delivers it
 * on its way back to user mode, or discarded if p ignores it (unless it
 * is blocked: the handler may change before it is unblocked). 0, or
 * -EAGAIN: a real-time signal not from kill (sigqueue, tkill, the
 * kernel's with a siginfo) past RLIMIT_SIGPENDING. */
int signal_post(struct proc *p, int sig, const struct ksiginfo *info);
/* A POSIX timer's signal, queued even past RLIMIT_SIGPENDING and beside
 * a standard signal already pending (Linux's send_sigqueue, whose entry
 * is the timer's own): whether it waits to be taken (false: ignored, or
 * sent as SIGKILL, SIGSTOP or SIGCONT are, or no memory). */
bool signal_post_timer(struct proc *p, int sig, const struct ksiginfo *info);
/* A wait with its own mask (rt_sigsuspend, ppoll, pselect6): block mask
 * until it ends, the old mask saved. At the end, an interrupted wait
 * keeps it until the handler is set up (restore_sigmask, which puts the
 * old one back); any other puts the old one back at once. */
void signal_wait_mask(uint64_t mask);
void signal_wait_mask_end(bool interrupted);
/* A fault of the current process, as Linux's force_sig_fault: a blocked
 * or ignored sig is unblocked and given its default action first. */
void signal_force(int sig, int code, uint32_t addr);
/* sig to every process of group pgid, from the kernel (a terminal). */
void signal_group(int pgid, int sig);
/* Whether group pgid is orphaned: no member has a parent in another group
 * of its session (Linux's is_current_pgrp_orphaned). */
bool signal_pgrp_orphaned(int pgid);
/* Whether p has a signal to take now: an interruptible sleep ends for it. */
bool signal_pending(const struct proc *p);
/* Whether sig, if it came now, would find no handler (for log lines). */
bool signal_unhandled(const struct proc *p, int sig);
/* On the way back to user mode: run the pending signals' actions (a
 * handler's frame built on the user stack, or the default action), and
 * restart an interrupted system call where Linux would. Called only when
 * there is work: signal_work (<pagoda/proc.h>) says whether, on the fast
 * path of every return. */
void signal_deliver(struct trapframe *tf);

/*
 * The machine's part (arch/x86/signal.c). arch_signal_frame builds the
 * frame of a handler for sig at the stack pointer sp (already on the
 * alternate stack if it is to be used), saves the registers, the FPU
 * state and mask in it, and points tf at the handler: 0, or -EFAULT if
 * the frame cannot be written. arch_sigreturn undoes it from the frame at
 * the user stack: the mask to restore in *mask and, for rt, the
 * alternate stack to set in *stack; -EFAULT for a frame that cannot be
 * read (the process gets SIGSEGV), -EINVAL for selectors that cannot be
 * returned to (SIGILL, as when Linux's iret faults).
 */
int arch_signal_frame(struct trapframe *tf, int sig, uint32_t handler, uint32_t flags, uint32_t restorer,
		      const struct ksiginfo *info, uint64_t mask, const struct kstack *stack, uint32_t sp);
int arch_sigreturn(struct trapframe *tf, bool rt, uint64_t *mask, struct kstack *stack);

/* The user registers of tf in the order of a core file's NT_PRSTATUS
 * (Linux i386's user_regs_struct), orig_eax given (-1: not in a call). */
#define ELF_NGREG       17
void arch_elf_gregs(const struct trapframe *tf, uint32_t orig_eax, uint32_t gregs[ELF_NGREG]);

/* Write a core file for the current process, dying of sig with the user
 * registers in tf (proc/coredump.c): whether one was written whole, which
 * the wait status tells with its core flag. */
bool core_dump(int sig, const struct trapframe *tf);

#endif /* PAGODA_SIGNAL_H */
