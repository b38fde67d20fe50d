/*
 * System calls about processes: fork and its relatives, execve, exit,
 * wait4, kill, and the thread bookkeeping glibc and musl do at start-up.
 */
#include "proc_internal.h"
#include <pagoda/errno.h>
#include <pagoda/string.h>
#include <pagoda/uaccess.h>

#define WNOHANG         0x1
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

	return proc_fork(&child);
}

/* vfork: a fork (the parent does not wait; the copy-on-write fork is cheap). */
SYSCALL(vfork)
{
	return sys_fork(0, 0, 0, 0, 0, 0);
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

	if (flags & (CLONE_VM | CLONE_THREAD))
		return (flags & CLONE_VFORK) ? sys_fork(0, 0, 0, 0, 0, 0) : -ENOSYS;
	if ((flags & ~(uint32_t)CSIGNAL) & ~(uint32_t)(CLONE_SETTLS | CLONE_PARENT_SETTID |
			CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | CLONE_VFORK))
		return -EINVAL;
	if (flags & CLONE_SETTLS) {
		if (copyin(&u, tls, sizeof(u)))
			return -EFAULT;
		/* the child's slots are the parent's, so checking against them holds */
		err = arch_tls_prepare(&proc_current->thread, &u, false, &slot);
		if (err)
			return err;
	}
	pid = proc_fork(&child);
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

/* struct rusage on i386: two timevals, then 14 longs from ru_maxrss on.
 * Only ru_minflt is kept; the rest reads as zero. */
struct rusage32 {
	uint32_t utime[2], stime[2];
	uint32_t maxrss, ixrss, idrss, isrss, minflt, majflt, nswap;
	uint32_t inblock, oublock, msgsnd, msgrcv, nsignals, nvcsw, nivcsw;
};

#define WUNTRACED       0x2
#define WCONTINUED      0x8
#define __WNOTHREAD     0x20000000
#define __WALL          0x40000000
#define __WCLONE        0x80000000

SYSCALL(wait4)
{
	struct rusage32 ru;
	uint64_t minflt = 0;
	int status = 0;
	int pid;

	if (a2 & ~(uint32_t)(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WALL | __WCLONE))
		return -EINVAL;
	if ((int)a0 == INT32_MIN)
		return -ESRCH;          /* no group -INT_MIN, as Linux says */
	pid = proc_wait((int)a0, &status, &minflt, a2 & WNOHANG);
	if (pid > 0 && a1 && copyout(a1, &status, sizeof(status)))
		return -EFAULT;
	if (pid > 0 && a3) {
		memset(&ru, 0, sizeof(ru));
		ru.minflt = (uint32_t)minflt;
		if (copyout(a3, &ru, sizeof(ru)))
			return -EFAULT;
	}
	return pid;
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

