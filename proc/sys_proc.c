/*
 * System calls about processes: fork and its relatives, execve, exit,
 * wait4, kill, and the thread bookkeeping glibc and musl do at start-up.
 */
#include "proc_internal.h"
#include <pagoda/errno.h>
#include <pagoda/string.h>
#include <pagoda/uaccess.h>

#define CLONE_VM        0x00000100
#define CLONE_VFORK     0x00004000
#define CLONE_THREAD    0x00010000
#define CLONE_SETTLS    0x00080000
#define CLONE_PARENT_SETTID 0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_CHILD_SETTID 0x01000000
#define CSIGNAL         0x000000ff

SYSCALL(fork)
{
	struct proc *child;

	return proc_fork(&child, false);
}

SYSCALL(clone);

/* vfork: the child runs in the parent's own address space, on its stack,
 * while the parent sleeps until the child execs or ends (CLONE_VM |
 * CLONE_VFORK), as Linux's. */
SYSCALL(vfork)
{
	return sys_clone(CLONE_VM | CLONE_VFORK | SIGCHLD, 0, 0, 0, 0, 0);
}

/*
 * clone(flags, stack, parent_tid, tls, child_tid) on i386. Without
 * CLONE_VM it is fork with extras: a new stack pointer, TLS, and the
 * child's tid stored where asked. Threads (CLONE_VM) are not supported.
 * The TLS descriptor is checked before the child exists, so a bad one
 * fails the call (-EFAULT, -EINVAL) with nothing created, as on Linux.
 */
SYSCALL(clone)
{
	uint32_t flags = a0;
	vaddr_t stack = a1, ptid = a2, tls = a3, ctid = a4;
	struct tls_slot slot;
	struct user_desc u;
	struct proc *child;
	int pid, err;

	/* A shared address space without a vfork's wait is a thread: not yet. */
	if ((flags & CLONE_THREAD) || ((flags & CLONE_VM) && !(flags & CLONE_VFORK)))
		return -ENOSYS;
	if ((flags & ~(uint32_t)CSIGNAL) & ~(uint32_t)(CLONE_SETTLS | CLONE_PARENT_SETTID |
			CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | CLONE_VFORK | CLONE_VM))
		return -EINVAL;
	if (flags & CLONE_SETTLS) {
		if (copyin(&u, tls, sizeof(u)))
			return -EFAULT;
		/* the child's slots are the parent's, so checking against them holds */
		err = arch_tls_prepare(&proc_current->thread, &u, false, &slot);
		if (err)
			return err;
	}
	pid = proc_fork(&child, flags & CLONE_VM);
	if (pid < 0)
		return pid;
	if (stack)
		child->tf->user_esp = stack;
	if (flags & CLONE_SETTLS)
		arch_tls_store(&child->thread, &slot);
	if (flags & CLONE_PARENT_SETTID)
		(void)copyout(ptid, &pid, sizeof(pid));
	if (flags & CLONE_CHILD_CLEARTID)
		child->clear_child_tid = ctid;
	if (flags & CLONE_CHILD_SETTID) {
		/* The child's memory: write through its address space. */
		vmspace_activate(child->vs);
		(void)copyout(ctid, &pid, sizeof(pid));
		vmspace_activate(proc_current->vs);
	}
	if (flags & CLONE_VFORK)
		vfork_wait(child);
	return pid;
}

SYSCALL(execve)
{
	char path[PROC_PATH_MAX];
	size_t len;
	int err = copyinstr(path, a0, sizeof(path), &len);

	if (err)
		return err;
	err = exec_user(path, a1, a2);
	/* On success the trap frame is the new program's: return its eax (0). */
	return err ? err : (long)proc_current->tf->eax;
}

SYSCALL(exit)
{
	proc_exit((int)(a0 & 0xff) << 8);
}

SYSCALL(exit_group)
{
	proc_exit((int)(a0 & 0xff) << 8);
}

#define __WNOTHREAD     0x20000000
#define __WALL          0x40000000
#define __WCLONE        0x80000000

SYSCALL(wait4)
{
	struct wait_result r = { 0 };
	int pid;

	if (a2 & ~(uint32_t)(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WALL | __WCLONE))
		return -EINVAL;
	if ((int)a0 == INT32_MIN)
		return -ESRCH;          /* no group -INT_MIN, as Linux says */
	pid = proc_wait((int)a0, a2 | WEXITED, &r);
	if (pid > 0 && a1 && copyout(a1, &r.status, sizeof(r.status)))
		return -EFAULT;
	if (pid > 0 && a3 && rusage_copyout(a3, &r.ru))
		return -EFAULT;
	return pid;
}

#define P_ALL           0
#define P_PID           1
#define P_PGID          2

/*
 * waitid(idtype, id, infop, options, rusage): what wait4 reports, as a
 * siginfo (SIGCHLD, CLD_*, the pid and the code or signal), for the
 * kinds of event options name (at least one: -EINVAL); with WNOHANG and
 * nothing to report the siginfo is zeros and the result 0.
 */
SYSCALL(waitid)
{
	uint32_t options = a3;
	struct wait_result r = { 0 };
	struct ksiginfo info;
	int pid;

	if (options & ~(uint32_t)(WNOHANG | WNOWAIT | WEXITED | WUNTRACED | WCONTINUED | __WNOTHREAD | __WALL |
				  __WCLONE))
		return -EINVAL;
	if (!(options & (WEXITED | WUNTRACED | WCONTINUED)))
		return -EINVAL;
	if (a0 == P_ALL)
		pid = -1;
	else if (a0 == P_PID && (int)a1 > 0)
		pid = (int)a1;
	else if (a0 == P_PGID && (int)a1 >= 0)
		pid = a1 ? -(int)a1 : 0;
	else
		return -EINVAL;
	pid = proc_wait(pid, options, &r);
	if (pid < 0)
		return pid;
	memset(&info, 0, sizeof(info));
	if (pid > 0) {
		info.si_signo = SIGCHLD;
		info.si_code = r.code;
		info.chld.pid = r.pid;
		info.chld.status = r.value;
	}
	if (a2 && copyout(a2, &info, sizeof(info)))
		return -EFAULT;
	return a4 ? rusage_copyout(a4, &r.ru) : 0;
}

SYSCALL(waitpid)
{
	return sys_wait4(a0, a1, a2, 0, 0, 0);
}

SYSCALL(getpid)
{
	return proc_current->pid;
}

SYSCALL(getppid)
{
	return proc_current->parent ? proc_current->parent->pid : 0;
}

SYSCALL(sched_yield)
{
	sched_yield();
	return 0;
}

SYSCALL(set_tid_address)
{
	proc_current->clear_child_tid = a0;
	return proc_current->pid;
}

/* set_thread_area: entry_number -1 takes a free slot, whose number is
 * written back before anything changes; a descriptor Linux refuses is
 * -EINVAL. */
SYSCALL(set_thread_area)
{
	struct arch_thread *t = &proc_current->thread;
	struct tls_slot slot;
	struct user_desc u;
	bool allocate;
	int err;

	if (copyin(&u, a0, sizeof(u)))
		return -EFAULT;
	allocate = (int)u.entry_number == -1;
	err = arch_tls_prepare(t, &u, true, &slot);
	if (err)
		return err;
	if (allocate && copyout(a0, &u.entry_number, sizeof(u.entry_number)))
		return -EFAULT;
	arch_tls_set(t, &slot);
	return 0;
}

SYSCALL(get_thread_area)
{
	struct user_desc u;
	int err;

	if (copyin(&u, a0, sizeof(u)))
		return -EFAULT;
	err = arch_get_tls(&proc_current->thread, &u);
	if (err == 0 && copyout(a0, &u, sizeof(u)))
		return -EFAULT;
	return err;
}


/* ---- process groups and sessions ---- */

/* The process pid names (0: the caller), or NULL. */
static struct proc *proc_or_self(int pid)
{
	return pid ? proc_find(pid) : proc_current;
}

SYSCALL(getpgid)
{
	struct proc *p = proc_or_self((int)a0);

	return p ? p->pgid : -ESRCH;
}

SYSCALL(getpgrp)
{
	return proc_current->pgid;
}

SYSCALL(getsid)
{
	struct proc *p = proc_or_self((int)a0);

	return p ? p->sid : -ESRCH;
}

/* Whether some process (a zombie too: its group lives on) is in group pgid. */
static struct proc *group_member(int pgid)
{
	for (struct proc *q = proc_all; q; q = q->all_next)
		if (q->pgid == pgid)
			return q;
	return NULL;
}

/* setsid: a new session and group, named by the caller, which must not
 * lead a group already (-EPERM). */
SYSCALL(setsid)
{
	struct proc *p = proc_current;

	if (group_member(p->pid))
		return -EPERM;
	p->sid = p->pgid = p->pid;
	p->ctty = false;                /* a new session has no terminal yet */
	return p->sid;
}

/* setpgid(pid, pgid), in Linux's order: the caller or a child of its
 * session that has not exec'd (else -ESRCH, -EPERM, -EACCES), never a
 * session leader, into a new group named by pid or an existing one of the
 * same session (-EPERM). */
SYSCALL(setpgid)
{
	struct proc *self = proc_current, *p, *g;
	int pid = (int)a0 ? (int)a0 : self->pid, pgid = (int)a1 ? (int)a1 : pid;

	if (pgid < 0)
		return -EINVAL;
	p = proc_find(pid);
	if (!p)
		return -ESRCH;
	if (p->parent == self) {
		if (p->sid != self->sid)
			return -EPERM;
		if (p->execed)
			return -EACCES;
	} else if (p != self) {
		return -ESRCH;
	}
	if (p->sid == p->pid)
		return -EPERM;                  /* a session leader */
	if (pgid != pid && (!(g = group_member(pgid)) || g->sid != self->sid))
		return -EPERM;
	p->pgid = pgid;
	return 0;
}
