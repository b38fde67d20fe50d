/*
 * Signals as Linux posts and delivers them (see <pagoda/signal.h> and
 * docs/signals.md):
 *
 *   post (kill, a fault, the kernel) ── ignored and not blocked? dropped
 *        │
 *        ▼
 *   pending set, one siginfo each ── an interruptible sleep ends
 *        │
 *        ▼  on the way back to user mode (signal_deliver), unblocked ones,
 *           synchronous (fault) signals first, then the lowest number:
 *   SIG_IGN ........ nothing
 *   SIG_DFL ........ ignore, stop (until SIGCONT), or end the process
 *   a handler ...... an interrupted call is restarted or fails with EINTR;
 *                    the frame goes on the user stack (or the alternate
 *                    one), the handler's mask is added, and the process
 *                    returns into the handler; sigreturn comes back
 *
 * Locking rule: one CPU and no preemption in the kernel; a process's
 * signal state is changed only by system calls and interrupts, with
 * interrupts masked, so nothing here takes a lock. With threads the
 * handlers become the group's and the mask each thread's.
 */
#include "proc_internal.h"
#include "syscall_nr.h"
#include <pagoda/errno.h>
#include <pagoda/kmalloc.h>
#include <pagoda/signal.h>
#include <pagoda/string.h>
#include <pagoda/time.h>
#include <pagoda/timer.h>
#include <pagoda/uaccess.h>
#include <arch/trap.h>

/* The signals whose faults come first (Linux's SYNCHRONOUS_MASK). */
#define SIG_SYNCHRONOUS (sig_bit(SIGSEGV) | sig_bit(SIGBUS) | sig_bit(SIGILL) | sig_bit(SIGTRAP) | \
			 sig_bit(SIGFPE) | sig_bit(SIGSYS))

/* What a signal does by default. */
enum sig_default { DFL_TERM, DFL_CORE, DFL_IGNORE, DFL_STOP };

static enum sig_default sig_default(int sig)
{
	switch (sig) {
	case SIGCHLD: case SIGURG: case SIGWINCH: case SIGCONT:
		return DFL_IGNORE;
	case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:
		return DFL_STOP;
	case SIGQUIT: case SIGILL: case SIGTRAP: case SIGABRT: case SIGBUS: case SIGFPE: case SIGSEGV:
	case SIGXCPU: case SIGXFSZ: case SIGSYS:
		return DFL_CORE;
	default:
		return DFL_TERM;
	}
}

#define SIG_STOPS       (sig_bit(SIGSTOP) | sig_bit(SIGTSTP) | sig_bit(SIGTTIN) | sig_bit(SIGTTOU))

/* Whether sig, coming to p now, would be dropped: ignored and not blocked. */
static bool sig_ignored(const struct proc *p, int sig)
{
	uint32_t handler = p->sigactions[sig - 1].handler;

	if (p->sigmask & sig_bit(sig))
		return false;
	return handler == SIG_IGN || (handler == SIG_DFL && sig_default(sig) == DFL_IGNORE);
}

/*
 * The siginfos of pending signals, as Linux's sigqueue: a standard signal
 * is pending once, with at most one; a real-time signal (SIGRTMIN and up)
 * is queued once for each time it was sent, each with its own. A post
 * with no siginfo (the kernel's) queues none: it is SI_KERNEL.
 */
struct sigqueue {
	struct ksiginfo info;
	struct sigqueue *next;
};

/* Every siginfo queued, of every process: Linux counts them per user
 * against RLIMIT_SIGPENDING, and on Pagoda everyone is root. */
static uint64_t sigqueue_count;

/* Queue info for sig at p (limited: only below p's RLIMIT_SIGPENDING):
 * false if it could not be. */
static bool enqueue(struct proc *p, int sig, const struct ksiginfo *info, bool limited)
{
	struct sigqueue *q, **tail = &p->sigqueue[sig - 1];

	if (limited && sigqueue_count >= p->rlimits[RLIMIT_SIGPENDING][0])
		return false;
	if (!(q = kmalloc(sizeof(*q))))
		return false;
	q->info = *info;
	q->next = NULL;
	while (*tail)
		tail = &(*tail)->next;
	*tail = q;
	sigqueue_count++;
	return true;
}

/* Take the oldest siginfo of sig off p's queue into *info: false if none. */
static bool unqueue(struct proc *p, int sig, struct ksiginfo *info)
{
	struct sigqueue *q = p->sigqueue[sig - 1];

	if (!q)
		return false;
	if (q->info.si_code == SI_TIMER)
		posix_timer_taken(p, &q->info);         /* rearm, and the overrun */
	if (info)
		*info = q->info;
	p->sigqueue[sig - 1] = q->next;
	kfree(q);
	sigqueue_count--;
	return true;
}

/* Drop what of set is pending for p. */
static void forget_pending(struct proc *p, uint64_t set)
{
	uint64_t drop = p->sigpending & set;

	while (drop) {                  /* only the signals pending: a fault's path */
		int sig = __builtin_ctzll(drop) + 1;

		while (unqueue(p, sig, NULL))
			;
		drop &= drop - 1;
	}
	p->sigpending &= ~set;
}

/* Wake p for a signal. Like Linux's wakeup preemption, the one who sent it
 * gives the CPU up on its way back to user mode, so that p acts on the
 * signal first (a killed job is gone before its shell looks for it). */
static void wake_for_signal(struct proc *p)
{
	sched_make_runnable(p);
	if (proc_current && p != proc_current)
		proc_current->slice = 0;
}

/* A stop signal and SIGCONT undo each other as they are posted; SIGCONT
 * wakes a stopped process whatever its action is (Linux's prepare_signal),
 * and the parent hears of it. */
static void stop_or_continue(struct proc *p, int sig)
{
	if (sig_bit(sig) & SIG_STOPS) {
		forget_pending(p, sig_bit(SIGCONT));
		return;
	}
	if (sig != SIGCONT)
		return;
	forget_pending(p, SIG_STOPS);
	if (p->state == PROC_STOPPED) {
		p->wait_stopped = false;
		p->wait_continued = true;
		wake_for_signal(p);
		proc_notify_stop(p, CLD_CONTINUED, SIGCONT);
	}
}

bool signal_pending(const struct proc *p)
{
	return p->killed || (p->sigpending & ~p->sigmask);
}

bool signal_unhandled(const struct proc *p, int sig)
{
	uint32_t handler = p->sigactions[sig - 1].handler;

	return handler == SIG_DFL || handler == SIG_IGN || (p->sigmask & sig_bit(sig));
}

int signal_post(struct proc *p, int sig, const struct ksiginfo *info)
{
	if (p->state == PROC_ZOMBIE)
		return 0;
	/* init gets only the signals it has handlers for, SIGKILL included
	 * (Linux's SIGNAL_UNKILLABLE). */
	if (p == proc_init() && p->sigactions[sig - 1].handler == SIG_DFL)
		return 0;
	stop_or_continue(p, sig);
	if (sig == SIGKILL) {
		if (!p->killed)
			p->killed = SIGKILL;
	} else if (sig_ignored(p, sig) || (sig < SIGRTMIN && (p->sigpending & sig_bit(sig)))) {
		return 0;               /* a standard signal is pending once */
	} else if (info && !enqueue(p, sig, info, sig >= SIGRTMIN || info->si_code < 0)) {
		/* As Linux's __send_signal: a real-time signal, or one that
		 * claims to come from a process (sigqueue, tkill), is
		 * queued only below RLIMIT_SIGPENDING. Past it a real-time
		 * one not from kill fails; any other is sent without its
		 * siginfo (kill's instance of a queued real-time signal is
		 * lost). */
		if (sig >= SIGRTMIN && info->si_code != SI_USER)
			return -EAGAIN;
		p->sigpending |= sig_bit(sig);
	} else {
		p->sigpending |= sig_bit(sig);
	}
	if ((p->state == PROC_SLEEPING && signal_pending(p)) || (p->state == PROC_STOPPED && p->killed))
		wake_for_signal(p);
	return 0;
}

bool signal_post_timer(struct proc *p, int sig, const struct ksiginfo *info)
{
	if (sig == SIGKILL || sig == SIGSTOP || sig == SIGCONT) {
		signal_post(p, sig, info);
		return false;
	}
	if (p->state == PROC_ZOMBIE || sig_ignored(p, sig) ||
	    (p == proc_init() && p->sigactions[sig - 1].handler == SIG_DFL) || !enqueue(p, sig, info, false))
		return false;
	p->sigpending |= sig_bit(sig);
	if (p->state == PROC_SLEEPING && signal_pending(p))
		wake_for_signal(p);
	return true;
}

/* What kill(2) and the kernel's own sends say of the sender: SI_USER. */
static void user_info(struct ksiginfo *info, int sig, int code)
{
	memset(info, 0, sizeof(*info));
	info->si_signo = sig;
	info->si_code = code;
	info->kill.pid = proc_current ? proc_current->pid : 0;
	info->kill.uid = 0;
}

void proc_kill(struct proc *p, int sig)
{
	struct ksiginfo info;

	user_info(&info, sig, SI_USER);
	signal_post(p, sig, &info);
}

void signal_force(int sig, int code, uint32_t addr)
{
	struct proc *p = proc_current;
	struct ksigaction *act = &p->sigactions[sig - 1];
	struct ksiginfo info;

	if (act->handler == SIG_IGN || (p->sigmask & sig_bit(sig)))
		act->handler = SIG_DFL;
	p->sigmask &= ~sig_bit(sig);
	memset(&info, 0, sizeof(info));
	info.si_signo = sig;
	info.si_code = code;
	info.fault.addr = addr;
	forget_pending(p, sig_bit(sig));        /* the fault's own account wins */
	if (p == proc_init() && act->handler == SIG_DFL) {
		proc_fatal_signal(sig);         /* init cannot survive its own fault */
		return;
	}
	signal_post(p, sig, &info);
}

void signal_group(int pgid, int sig)
{
	struct ksiginfo info;

	memset(&info, 0, sizeof(info));
	info.si_signo = sig;
	info.si_code = SI_KERNEL;
	for (struct proc *p = proc_all; p; p = p->all_next)
		if (p->pgid == pgid && p->state != PROC_ZOMBIE)
			signal_post(p, sig, &info);
}

/* The next signal of set to deliver (Linux's next_signal), or 0. */
static int next_signal(uint64_t set)
{
	if (set & 0xffffffffull & SIG_SYNCHRONOUS)
		set &= SIG_SYNCHRONOUS;
	else if (set & 0xffffffffull)
		set &= 0xffffffffull;
	return set ? __builtin_ctzll(set) + 1 : 0;
}

/* Take sig off p's pending set: its siginfo into *info. A SIGALRM
 * taken rearms a periodic ITIMER_REAL (Linux's dequeue_signal). */
static void dequeue(struct proc *p, int sig, struct ksiginfo *info)
{
	if (sig == SIGALRM)
		itimer_real_taken(p);
	if (!unqueue(p, sig, info)) {
		memset(info, 0, sizeof(*info));
		info->si_signo = sig;
		info->si_code = SI_KERNEL;
	}
	if (!p->sigqueue[sig - 1])      /* a real-time signal stays while queued */
		p->sigpending &= ~sig_bit(sig);
}

void signal_forget(struct proc *p)
{
	forget_pending(p, ~0ull);
}

/* Whether sp lies on p's alternate stack (Linux's on_sig_stack). */
static bool on_altstack(const struct proc *p, uint32_t sp)
{
	return p->altstack.ss_size && sp - p->altstack.ss_sp <= p->altstack.ss_size;
}

/* Where a handler's frame starts: the alternate stack's top for
 * SA_ONSTACK if there is one and the process is not on it already. */
static uint32_t frame_base(const struct proc *p, const struct ksigaction *act, uint32_t sp)
{
	if ((act->flags & SA_ONSTACK) && p->altstack.ss_size && !(p->altstack.ss_flags & SS_DISABLE) &&
	    !on_altstack(p, sp))
		return p->altstack.ss_sp + p->altstack.ss_size;
	return sp;
}

/* A system call interrupted for a handler: restarted or -EINTR, by its
 * code and the handler's SA_RESTART (Linux's handle_signal). */
static void restart_or_eintr(struct trapframe *tf, const struct ksigaction *act)
{
	switch (-(int32_t)tf->eax) {
	case ERESTARTNOHAND:
	case ERESTART_RESTARTBLOCK:
		tf->eax = (uint32_t)-EINTR;
		break;
	case ERESTARTSYS:
		if (!(act->flags & SA_RESTART)) {
			tf->eax = (uint32_t)-EINTR;
			break;
		}
		/* fall through */
	case ERESTARTNOINTR:
		tf->eax = proc_current->syscall_nr;
		tf->eip -= 2;                   /* int $0x80 again */
		break;
	}
}

/* No handler ran: an interrupted call is made again (ERESTART*), or for
 * -ERESTART_RESTARTBLOCK goes on through restart_syscall. */
static void restart_quietly(struct trapframe *tf)
{
	bool block = tf->eax == (uint32_t)-ERESTART_RESTARTBLOCK;

	tf->eax = block ? __NR_restart_syscall : proc_current->syscall_nr;
	tf->eip -= 2;
}

/* Set up a handler for sig: 0, or -EFAULT if its frame cannot be written. */
static int run_handler(struct trapframe *tf, int sig, struct ksigaction *act, const struct ksiginfo *info)
{
	struct proc *p = proc_current;
	uint64_t saved = p->restore_sigmask ? p->saved_sigmask : p->sigmask;
	uint32_t base = frame_base(p, act, tf->user_esp);
	struct kstack stack = p->altstack;
	int err;

	if (signal_interrupted_call(tf)) {
		restart_or_eintr(tf, act);
		tf->trapno = TRAPNO_NO_CALL;    /* settled: not again for the next */
	}
	stack.ss_flags = !p->altstack.ss_size ? SS_DISABLE : on_altstack(p, tf->user_esp) ? SS_ONSTACK : 0;
	err = arch_signal_frame(tf, sig, act->handler, act->flags, act->restorer, info, saved, &stack, base);
	/* Running off the end of the alternate stack is a bad frame too. */
	if (!err && base != tf->user_esp && on_altstack(p, base - 1) && !on_altstack(p, tf->user_esp))
		err = -EFAULT;
	if (err)
		return err;
	p->restore_sigmask = false;
	p->sigmask |= act->mask | ((act->flags & SA_NODEFER) ? 0 : sig_bit(sig));
	p->sigmask &= ~SIG_UNBLOCKABLE;
	if (act->flags & SA_RESETHAND) {
		act->handler = SIG_DFL;
		act->flags &= ~SA_SIGINFO;
	}
	return 0;
}

/* Whether group pgid is orphaned: no member has a parent in another group
 * of the same session (init does not count), so no shell can continue it.
 * Its terminal's stops are then dropped (Linux's is_current_pgrp_orphaned). */
bool signal_pgrp_orphaned(int pgid)
{
	for (struct proc *p = proc_all; p; p = p->all_next) {
		if (p->pgid != pgid || p->state == PROC_ZOMBIE || !p->parent || p->parent == proc_init())
			continue;
		if (p->parent->pgid != pgid && p->parent->sid == p->sid)
			return false;
	}
	return true;
}

/* The default action of a stop signal: stop until SIGCONT or SIGKILL. */
static void stop_self(int sig)
{
	struct proc *p = proc_current;

	if (sig != SIGSTOP && signal_pgrp_orphaned(p->pgid))
		return;
	p->stop_sig = sig;
	p->wait_stopped = true;
	p->wait_continued = false;
	p->state = PROC_STOPPED;
	proc_notify_stop(p, CLD_STOPPED, sig);
	schedule();
	if (p->killed)
		proc_exit(p->killed & 0x7f);
}

void signal_deliver(struct trapframe *tf)
{
	struct proc *p = proc_current;
	struct ksiginfo info;
	int sig;

	while ((sig = next_signal(p->sigpending & ~p->sigmask)) != 0) {
		struct ksigaction *act = &p->sigactions[sig - 1];

		dequeue(p, sig, &info);
		if (act->handler == SIG_IGN)
			continue;
		if (act->handler == SIG_DFL) {
			if (sig_default(sig) == DFL_STOP)
				stop_self(sig);
			if (sig_default(sig) == DFL_IGNORE || sig_default(sig) == DFL_STOP)
				continue;
			/* the core flag: a core file was written (coredump.c) */
			proc_exit(sig_default(sig) == DFL_CORE && core_dump(sig, tf) ? sig | WCOREFLAG : sig);
		}
		if (run_handler(tf, sig, act, &info)) {
			/* Linux's force_sigsegv: the process cannot take its
			 * signal, and a SIGSEGV handler cannot help with itself. */
			if (sig == SIGSEGV)
				act->handler = SIG_DFL;
			signal_force(SIGSEGV, SI_KERNEL, 0);
		}
	}
	if (signal_interrupted_call(tf)) {
		restart_quietly(tf);
		tf->trapno = TRAPNO_NO_CALL;
	}
	if (p->restore_sigmask) {
		p->sigmask = p->saved_sigmask;
		p->restore_sigmask = false;
	}
}

/* ---- the system calls ---- */

/* Linux's do_sigaction: sig's action into *old (if old), then act (if
 * act) in its place: SIGKILL's and SIGSTOP's cannot change; setting
 * SIG_IGN (or a default of ignoring) drops what is pending of it. 0 or
 * -EINVAL. */
static int do_sigaction(int sig, const struct ksigaction *act, struct ksigaction *old)
{
	struct ksigaction *cur;

	if (sig < 1 || sig > NSIG || (act && (sig == SIGKILL || sig == SIGSTOP)))
		return -EINVAL;
	cur = &proc_current->sigactions[sig - 1];
	if (old)
		*old = *cur;
	if (act) {
		*cur = *act;
		cur->mask &= ~SIG_UNBLOCKABLE;
		if (act->handler == SIG_IGN || (act->handler == SIG_DFL && sig_default(sig) == DFL_IGNORE))
			forget_pending(proc_current, sig_bit(sig));
	}
	return 0;
}

/* rt_sigaction(sig, act, oact, sigsetsize), in Linux's order: act is read
 * before sig is checked, and the new action stays even when oact cannot
 * be written (-EFAULT). */
SYSCALL(rt_sigaction)
{
	struct ksigaction act, old;
	int err;

	if (a3 != sizeof(uint64_t))
		return -EINVAL;
	if (a1 && copyin(&act, a1, sizeof(act)))
		return -EFAULT;
	if ((err = do_sigaction((int)a0, a1 ? &act : NULL, a2 ? &old : NULL)))
		return err;
	if (a2 && copyout(a2, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

/*
 * The calls of before real-time signals, which i386 keeps (old libcs,
 * dietlibc and klibc, still make them): their sets are the first 32
 * signals only. sigaction's struct orders its fields otherwise.
 */
struct old_sigaction {
	uint32_t handler, mask, flags, restorer;
};

SYSCALL(sigaction)
{
	struct old_sigaction oa;
	struct ksigaction act, old;
	int err;

	if (a1) {
		if (copyin(&oa, a1, sizeof(oa)))
			return -EFAULT;
		act = (struct ksigaction){ .handler = oa.handler, .flags = oa.flags, .restorer = oa.restorer,
					   .mask = oa.mask };
	}
	if ((err = do_sigaction((int)a0, a1 ? &act : NULL, a2 ? &old : NULL)))
		return err;
	oa = (struct old_sigaction){ old.handler, (uint32_t)old.mask, old.flags, old.restorer };
	if (a2 && copyout(a2, &oa, sizeof(oa)))
		return -EFAULT;
	return 0;
}

/* signal(sig, handler): the old handler, or -errno; the new one runs once
 * and does not block its signal (SA_RESETHAND | SA_NODEFER), as Linux's. */
SYSCALL(signal)
{
	struct ksigaction act = { .handler = a1, .flags = SA_RESETHAND | SA_NODEFER }, old;
	int err = do_sigaction((int)a0, &act, &old);

	return err ? err : (long)old.handler;
}

/* Change the mask by set as how says (SIG_BLOCK, SIG_UNBLOCK, or
 * SIG_SETMASK of the signals in which): 0 or -EINVAL. */
static int change_mask(uint32_t how, uint64_t set, uint64_t which)
{
	uint64_t *m = &proc_current->sigmask;

	if (how == 0)
		*m |= set;
	else if (how == 1)
		*m &= ~set;
	else if (how == 2)
		*m = (*m & ~which) | (set & which);
	else
		return -EINVAL;
	*m &= ~SIG_UNBLOCKABLE;
	return 0;
}

SYSCALL(rt_sigprocmask)
{
	uint64_t set, old = proc_current->sigmask;
	int err;

	if (a3 != sizeof(uint64_t))
		return -EINVAL;
	if (a1) {
		if (copyin(&set, a1, sizeof(set)))
			return -EFAULT;
		if ((err = change_mask(a0, set, ~0ull)))
			return err;
	}
	if (a2 && copyout(a2, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

/* sigprocmask(how, set, oset) of the first 32 signals: SIG_SETMASK
 * leaves the others as they are, as Linux's. */
SYSCALL(sigprocmask)
{
	uint32_t set, old = (uint32_t)proc_current->sigmask;
	int err;

	if (a1) {
		if (copyin(&set, a1, sizeof(set)))
			return -EFAULT;
		if ((err = change_mask(a0, set, 0xffffffffu)))
			return err;
	}
	if (a2 && copyout(a2, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

/* sgetmask and ssetmask: the first 32 signals' mask; ssetmask sets the
 * whole mask to its argument (the rest cleared), as Linux's. */
SYSCALL(sgetmask)
{
	return (long)(uint32_t)proc_current->sigmask;
}

SYSCALL(ssetmask)
{
	uint32_t old = (uint32_t)proc_current->sigmask;

	proc_current->sigmask = a0 & ~SIG_UNBLOCKABLE;
	return (long)old;
}

/* rt_sigpending: what is pending and blocked (the rest is on its way). */
SYSCALL(rt_sigpending)
{
	uint64_t set = proc_current->sigpending & proc_current->sigmask;

	if (a1 > sizeof(set))
		return -EINVAL;
	return copyout(a0, &set, a1) ? -EFAULT : 0;
}

/* sigpending: the first 32 signals of rt_sigpending's set. */
SYSCALL(sigpending)
{
	return sys_rt_sigpending(a0, sizeof(uint32_t), 0, 0, 0, 0);
}

/* Sleep until a signal comes that is not ignored: -ERESTARTNOHAND, which
 * becomes -EINTR once its handler is set up. */
static long wait_for_signal(void)
{
	while (!signal_pending(proc_current))
		sleep_on(proc_current);
	return -ERESTARTNOHAND;
}

SYSCALL(pause)
{
	return wait_for_signal();
}

/* rt_sigsuspend(mask, size): wait with mask in place; the old mask comes
 * back when the handler returns (it is what the frame saves). */
void signal_wait_mask(uint64_t mask)
{
	proc_current->saved_sigmask = proc_current->sigmask;
	proc_current->sigmask = mask & ~SIG_UNBLOCKABLE;
}

void signal_wait_mask_end(bool interrupted)
{
	if (interrupted)
		proc_current->restore_sigmask = true;
	else
		proc_current->sigmask = proc_current->saved_sigmask;
}

/* Wait for a signal with mask in place of the mask: sigsuspend. */
static long suspend(uint64_t mask)
{
	long r;

	signal_wait_mask(mask);
	r = wait_for_signal();
	signal_wait_mask_end(true);     /* it always is */
	return r;
}

SYSCALL(rt_sigsuspend)
{
	uint64_t mask;

	if (a1 != sizeof(mask))
		return -EINVAL;
	if (copyin(&mask, a0, sizeof(mask)))
		return -EFAULT;
	return suspend(mask);
}

/* sigsuspend(_, _, mask): i386's takes the first 32 signals' mask itself,
 * the rest unblocked while it waits. */
SYSCALL(sigsuspend)
{
	return suspend(a2);
}

/*
 * rt_sigtimedwait: take a signal of set (blocked, as a rule) off the
 * pending set without running its action, waiting up to the deadline
 * (on clock_mono_ns; 0: for ever) for one: its number, with its siginfo at
 * uinfo. While it waits the set is unblocked, so that posting one wakes
 * it (Linux does the same). -EAGAIN at the deadline, -EINTR if another
 * signal comes that must be delivered.
 */
static long sigtimedwait(uint64_t set, vaddr_t uinfo, bool poll, uint64_t deadline)
{
	struct proc *p = proc_current;
	uint64_t saved = p->sigmask;
	struct ksiginfo info;
	long r;
	int sig;

	set &= ~SIG_UNBLOCKABLE;
	for (;;) {
		if ((sig = next_signal(p->sigpending & set)) != 0)
			break;
		if (poll || (deadline && timer_passed(deadline))) {
			r = -EAGAIN;
			goto out;
		}
		p->sigmask = saved & ~set;
		if (signal_pending(p) && !(p->sigpending & set)) {
			r = -EINTR;
			goto out;
		}
		if (deadline)
			(void)sleep_on_timeout(p, deadline);   /* the loop looks at why */
		else
			sleep_on(p);
		p->sigmask = saved;
	}
	dequeue(p, sig, &info);
	r = uinfo && copyout(uinfo, &info, sizeof(info)) ? -EFAULT : sig;
out:
	p->sigmask = saved;
	return r;
}

/* Its arguments: the set, and a timeout (NULL: for ever) of either size. */
static long do_sigtimedwait(vaddr_t uset, vaddr_t uinfo, vaddr_t utimeout, uint32_t setsize, bool time64)
{
	uint64_t set, sec, nsec;
	long err;

	if (setsize != sizeof(set))
		return -EINVAL;
	if (copyin(&set, uset, sizeof(set)))
		return -EFAULT;
	if (!utimeout)
		return sigtimedwait(set, uinfo, false, 0);
	if ((err = timespec_in(utimeout, time64, &sec, &nsec)))
		return err;
	return sigtimedwait(set, uinfo, sec == 0 && nsec == 0, timer_deadline(sec, nsec));
}

SYSCALL(rt_sigtimedwait) { return do_sigtimedwait(a0, a1, a2, a3, false); }
SYSCALL(rt_sigtimedwait_time64) { return do_sigtimedwait(a0, a1, a2, a3, true); }

/* sigaltstack(ss, oss): Linux's do_sigaltstack. The stack in use cannot
 * change (-EPERM); a new one must hold MINSIGSTKSZ (-ENOMEM). */
SYSCALL(sigaltstack)
{
	struct proc *p = proc_current;
	struct kstack old = p->altstack, ss;
	bool on = on_altstack(p, p->tf->user_esp);
	uint32_t mode;

	old.ss_flags = on ? SS_ONSTACK : !p->altstack.ss_size ? SS_DISABLE : 0;
	old.ss_flags |= (int32_t)(p->altstack.ss_flags & SS_AUTODISARM);
	if (a0) {
		if (copyin(&ss, a0, sizeof(ss)))
			return -EFAULT;
		if (on)
			return -EPERM;
		mode = (uint32_t)ss.ss_flags & ~SS_AUTODISARM;
		if (mode != SS_DISABLE && mode != SS_ONSTACK && mode != 0)
			return -EINVAL;
		if (mode == SS_DISABLE) {
			ss.ss_sp = ss.ss_size = 0;
		} else if (ss.ss_size < MINSIGSTKSZ) {
			return -ENOMEM;
		}
		ss.ss_flags = (int32_t)((uint32_t)ss.ss_flags & SS_AUTODISARM);
	}
	if (a1 && copyout(a1, &old, sizeof(old)))
		return -EFAULT;
	if (a0)
		p->altstack = ss;
	return 0;
}

/* sigreturn and rt_sigreturn: the frame's registers and mask back (a bad
 * frame is SIGSEGV); the value of the call is the restored eax. */
static long do_sigreturn(bool rt)
{
	struct proc *p = proc_current;
	struct kstack stack;
	uint64_t mask;
	int err;

	p->tf->trapno = TRAPNO_NO_CALL; /* eax is the interrupted code's, no call's result */
	p->restart.fn = NULL;           /* a restart_syscall after a handler is -EINTR, as Linux's */
	err = arch_sigreturn(p->tf, rt, &mask, &stack);
	if (err) {
		signal_force(err == -EINVAL ? SIGILL : SIGSEGV, err == -EINVAL ? ILL_BADSTK : SI_KERNEL, 0);
		return (long)p->tf->eax;
	}
	p->sigmask = mask & ~SIG_UNBLOCKABLE;
	if (rt && !on_altstack(p, p->tf->user_esp)) {
		uint32_t mode = (uint32_t)stack.ss_flags & ~SS_AUTODISARM;

		/* restore_altstack: a bad one is quietly not taken */
		if (mode == SS_DISABLE)
			p->altstack = (struct kstack){ 0, 0, 0 };
		else if ((mode == 0 || mode == SS_ONSTACK) && stack.ss_size >= MINSIGSTKSZ)
			p->altstack = (struct kstack){ stack.ss_sp, (int32_t)((uint32_t)stack.ss_flags & SS_AUTODISARM),
						       stack.ss_size };
	}
	return (long)p->tf->eax;
}

SYSCALL(sigreturn) { return do_sigreturn(false); }
SYSCALL(rt_sigreturn) { return do_sigreturn(true); }

/* kill, tkill, tgkill: a signal from the caller (SI_USER, or SI_TKILL
 * for one thread); signal 0 only checks that the target exists. */
static long send_to(int pid, int sig, int code)
{
	struct ksiginfo info;
	struct proc *p;

	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	p = proc_find(pid);
	if (!p)
		return -ESRCH;
	if (!sig)
		return 0;
	user_info(&info, sig, code);
	return signal_post(p, sig, &info);
}

/* kill: a pid; 0, the caller's process group; -pgid, that group; -1,
 * every process but init and the caller (Linux's kill_something_info).
 * A group or -1 that reaches nobody is -ESRCH. */
SYSCALL(kill)
{
	int pid = (int)a0, sig = (int)a1, group, found = 0;
	struct ksiginfo info;

	if (pid == INT32_MIN)
		return -ESRCH;
	if (pid > 0)
		return send_to(pid, sig, SI_USER);
	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	group = pid == 0 ? proc_current->pgid : -pid;
	user_info(&info, sig, SI_USER);
	for (struct proc *p = proc_all; p; p = p->all_next) {
		if (p->state == PROC_ZOMBIE)
			continue;
		if (pid == -1 ? p->pid == 1 || p == proc_current : p->pgid != group)
			continue;
		found++;
		if (sig)
			signal_post(p, sig, &info);
	}
	return found ? 0 : -ESRCH;
}

SYSCALL(tkill)
{
	return (int)a0 <= 0 ? -EINVAL : send_to((int)a0, (int)a1, SI_TKILL);
}

SYSCALL(tgkill)
{
	if ((int)a0 <= 0 || (int)a1 <= 0)
		return -EINVAL;
	return a0 != a1 ? -ESRCH : send_to((int)a1, (int)a2, SI_TKILL);
}

/* rt_sigqueueinfo(pid, sig, info): the caller's siginfo, which may not
 * claim to come from the kernel or kill (-EPERM), as Linux checks. */
SYSCALL(rt_sigqueueinfo)
{
	struct ksiginfo info;
	struct proc *p;

	if (copyin(&info, a2, sizeof(info)))
		return -EFAULT;
	if ((info.si_code >= 0 || info.si_code == SI_TKILL) && (int)a0 != proc_current->pid)
		return -EPERM;
	if ((int)a1 < 0 || (int)a1 > NSIG)
		return -EINVAL;
	p = proc_find((int)a0);
	if (!p)
		return -ESRCH;
	info.si_signo = (int32_t)a1;
	return a1 ? signal_post(p, (int)a1, &info) : 0;
}
