/*
 * The process table and the life of a process: creation (pid 1, fork),
 * exit, wait4 and kill.
 *
 * Wait statuses are encoded as Linux does: (code & 0xff) << 8 for an
 * exit, the signal number in the low 7 bits for a kill.
 */
#include <pagoda/proc.h>
#include <pagoda/errno.h>
#include <pagoda/file.h>
#include <pagoda/log.h>
#include <pagoda/panic.h>
#include <pagoda/halt.h>
#include <pagoda/kmalloc.h>
#include <pagoda/string.h>
#include <pagoda/uaccess.h>
#include "proc_internal.h"

struct proc *proc_all;          /* every process, newest first */
static struct proc *init_proc;
static int next_pid = 1;

struct proc *proc_find(int pid)
{
	for (struct proc *p = proc_all; p; p = p->all_next)
		if (p->pid == pid && p->state != PROC_ZOMBIE)
			return p;
	return NULL;
}

/* A new process with a kernel stack and nothing else: NULL if memory is short. */
struct proc *proc_alloc(void)
{
	struct proc *p = kzalloc(sizeof(*p));

	if (!p)
		return NULL;
	if (arch_thread_init(&p->thread) != 0) {
		kfree(p);
		return NULL;
	}
	p->tf = arch_thread_trapframe(&p->thread);
	p->pid = next_pid++;
	rlimits_default(p);
	p->all_next = proc_all;
	proc_all = p;
	return p;
}

/* Free what proc_alloc made (the address space and files are gone). */
void proc_free(struct proc *p)
{
	struct proc **pp;

	for (pp = &proc_all; *pp != p; pp = &(*pp)->all_next)
		;
	*pp = p->all_next;
	if (ktimer_armed(&p->sleep_timer) || ktimer_armed(&p->real_timer))
		panic("proc_free: process %d still has a timer armed", p->pid);
	arch_thread_fini(&p->thread);
	kfree(p);
}

static void add_child(struct proc *parent, struct proc *child)
{
	child->parent = parent;
	child->sibling = parent->children;
	parent->children = child;
}

static void remove_child(struct proc *parent, struct proc *child)
{
	struct proc **pp;

	for (pp = &parent->children; *pp != child; pp = &(*pp)->sibling)
		;
	*pp = child->sibling;
}

int proc_start_init(const char *path, char *const argv[], char *const envp[])
{
	struct proc *p = proc_alloc();
	int err;

	if (!p)
		return -ENOMEM;
	init_proc = p;
	err = files_open_console(p);
	if (err == 0)
		err = exec_kernel(p, path, argv, envp);
	if (err != 0) {
		files_close_all(p);
		proc_free(p);
		init_proc = NULL;
		return err;
	}
	arch_thread_start_user(&p->thread);
	sched_make_runnable(p);
	return 0;
}

/*
 * fork: a copy of the caller whose address space shares every private page
 * copy-on-write (or, share_vm, is the caller's own: CLONE_VM), whose files
 * are the same open files, and which returns 0 from the same system call.
 * Returns the child's pid, or -ENOMEM.
 */
int proc_fork(struct proc **childp, bool share_vm)
{
	struct proc *parent = proc_current, *child = proc_alloc();
	int err = -ENOMEM;

	if (!child)
		return -ENOMEM;
	if (share_vm) {
		child->vs = parent->vs;
		parent->vs->users++;
	} else {
		child->vs = kzalloc(sizeof(*child->vs));
		if (!child->vs)
			goto fail_free;
		if (vmspace_fork(child->vs, parent->vs) != 0)
			goto fail_vs;
		child->vs->users = 1;
	}
	files_fork(child, parent);
	*child->tf = *parent->tf;
	child->tf->eax = 0;
	arch_thread_copy(&child->thread, &parent->thread);
	arch_thread_start_user(&child->thread);
	memcpy(child->name, parent->name, sizeof(child->name));
	memcpy(child->exe, parent->exe, sizeof(child->exe));
	memcpy(child->sigactions, parent->sigactions, sizeof(child->sigactions));
	memcpy(child->rlimits, parent->rlimits, sizeof(child->rlimits));
	child->sigmask = parent->sigmask;
	child->altstack = parent->altstack;
	child->pgid = parent->pgid;
	child->sid = parent->sid;
	child->ctty = parent->ctty;
	child->brk_start = parent->brk_start;
	child->brk = parent->brk;
	add_child(parent, child);
	sched_stats.forks++;
	sched_make_runnable(child);
	*childp = child;
	return child->pid;

fail_vs:
	kfree(child->vs);
	child->vs = NULL;
fail_free:
	proc_free(child);
	return err;
}

void vfork_wait(struct proc *child)
{
	struct proc *self = proc_current;

	self->vfork_done = false;
	child->vfork_parent = self;
	/* Only a fatal signal ends the wait (Linux's killable wait). */
	while (!self->vfork_done && !self->killed)
		sleep_on(&self->vfork_done);
	/* Killed first: the child's vfork_parent goes with our exit
	 * (reparent_children); released: vfork_release cleared it. */
}

void vfork_release(struct proc *p)
{
	struct proc *parent = p->vfork_parent;

	if (!parent)
		return;
	p->vfork_parent = NULL;
	parent->vfork_done = true;
	wakeup(&parent->vfork_done);
}

/* Give p's children to init, which reaps them; wake it for the zombies. */
static void reparent_children(struct proc *p)
{
	bool zombies = false;

	while (p->children) {
		struct proc *c = p->children;

		p->children = c->sibling;
		if (c->vfork_parent == p)
			c->vfork_parent = NULL;         /* no one waits any more */
		add_child(init_proc, c);
		zombies |= c->state == PROC_ZOMBIE;
	}
	if (zombies)
		wakeup(init_proc);
}

/* "vmstat" on the command line: each exit logs its address space's fault
 * counts, so a test can see what copy-on-write shared. */
bool proc_log_exits;

static void log_exit(const struct proc *p, int wait_status)
{
	const struct vm_fault_stats *f = &p->vs->faults;

	printk("exit: %s[%d] status %#x faults:", p->name, p->pid, wait_status);
#define SHOW(name, kind, status) printk(" " #name " %llu", (unsigned long long)f->name);
	VM_FAULT_COUNTERS(SHOW)
#undef SHOW
	printk("\n");
}

/* SIGCHLD to p's parent: who, and what happened (CLD_*, with the exit
 * code or the signal), as Linux's do_notify_parent. */
static void sigchld(struct proc *p, int code, int value)
{
	struct ksiginfo info;

	memset(&info, 0, sizeof(info));
	info.si_signo = SIGCHLD;
	info.si_code = code;
	info.chld.pid = p->pid;
	info.chld.status = value;
	signal_post(p->parent, SIGCHLD, &info);
}

/* The end of p, told to its parent: SIGCHLD, unless the parent ignores
 * it; a parent that ignores it or asks SA_NOCLDWAIT leaves p to be reaped
 * at once, never waitable (POSIX's rule, Linux's autoreap). */
static bool notify_parent(struct proc *p, int wait_status)
{
	const struct ksigaction *act = &p->parent->sigactions[SIGCHLD - 1];
	bool autoreap = act->handler == SIG_IGN || (act->flags & SA_NOCLDWAIT);

	if (act->handler != SIG_IGN) {
		if (wait_status & 0x7f)
			sigchld(p, wait_status & WCOREFLAG ? CLD_DUMPED : CLD_KILLED, wait_status & 0x7f);
		else
			sigchld(p, CLD_EXITED, (wait_status >> 8) & 0xff);
	}
	return autoreap && p->parent != init_proc;
}

/* Processes that ended with nobody to wait for them, freed once the CPU
 * has left their kernel stacks (proc_reap_dead, after a switch). */
static struct proc *dead_list;

void proc_reap_dead(void)
{
	while (dead_list && dead_list != proc_current) {
		struct proc *p = dead_list;

		dead_list = p->run_next;
		remove_child(p->parent, p);
		proc_free(p);
	}
}

void proc_notify_stop(struct proc *p, int code, int value)
{
	if (!p->parent)
		return;
	if (!(p->parent->sigactions[SIGCHLD - 1].flags & SA_NOCLDSTOP))
		sigchld(p, code, value);
	wakeup(p->parent);
}

void __noreturn proc_exit(int wait_status)
{
	struct proc *p = proc_current;
	uint32_t zero = 0;

	if (proc_log_exits)
		log_exit(p, wait_status);

	if (p == init_proc) {
		printk("init exited (wait status %#x): nothing is left to run.\n", wait_status);
		kernel_stop(wait_status != 0);
	}
	if (p->clear_child_tid)
		(void)copyout(p->clear_child_tid, &zero, sizeof(zero));
	tty_session_ends(p);
	files_close_all(p);
	vfork_release(p);
	proc_leave_vmspace(p, p->vs);
	vmspace_free(p->vs);
	p->vs = NULL;
	reparent_children(p);
	signal_forget(p);
	itimer_exit(p);
	posix_timers_exit(p);
	p->exit_status = wait_status;
	p->autoreap = notify_parent(p, wait_status);
	p->state = PROC_ZOMBIE;
	if (p->autoreap) {
		p->run_next = dead_list;
		dead_list = p;
	}
	wakeup(p->parent);
	schedule();
	panic("proc_exit: zombie %d was scheduled", p->pid);
}

/* Whether child c is one that wait4's pid argument selects: any child
 * (-1), one of the caller's process group (0), of group -pid, or pid. */
static bool wait_selects(const struct proc *c, int pid)
{
	if (pid == -1)
		return true;
	if (pid == 0)
		return c->pgid == proc_current->pgid;
	return pid < 0 ? c->pgid == -pid : c->pid == pid;
}

/* Whether child c has something for a wait with options: fill r. */
static bool wait_ready(struct proc *c, uint32_t options, struct wait_result *r)
{
	int st = c->exit_status;

	r->pid = c->pid;
	if (c->state == PROC_ZOMBIE && c->autoreap)
		return false;
	if (c->state == PROC_ZOMBIE && (options & WEXITED)) {
		r->status = st;
		r->code = (st & 0x7f) ? (st & WCOREFLAG ? CLD_DUMPED : CLD_KILLED) : CLD_EXITED;
		r->value = (st & 0x7f) ? (st & 0x7f) : (st >> 8) & 0xff;
		return true;
	}
	if (c->wait_stopped && c->state == PROC_STOPPED && (options & WUNTRACED)) {
		r->status = c->stop_sig << 8 | 0x7f;
		r->code = CLD_STOPPED, r->value = c->stop_sig;
		if (!(options & WNOWAIT))
			c->wait_stopped = false;
		return true;
	}
	if (c->wait_continued && (options & WCONTINUED)) {
		r->status = 0xffff;
		r->code = CLD_CONTINUED, r->value = SIGCONT;
		if (!(options & WNOWAIT))
			c->wait_continued = false;
		return true;
	}
	return false;
}

/*
 * wait4 and waitid: report a child that pid selects which has ended
 * (reaped, unless WNOWAIT: its usage then counts as the parent's
 * children's, as Linux's rusage), stopped (WUNTRACED) or continued
 * (WCONTINUED), once each; sleep until one does unless WNOHANG.
 */
int proc_wait(int pid, uint32_t options, struct wait_result *r)
{
	struct proc *self = proc_current;

	for (;;) {
		bool any = false;

		for (struct proc *c = self->children; c; c = c->sibling) {
			if (!wait_selects(c, pid) || (c->state == PROC_ZOMBIE && c->autoreap))
				continue;       /* one reaped at once is waited for by no one */
			any = true;
			if (!wait_ready(c, options, r))
				continue;
			proc_rusage(c, RUSAGE_BOTH, &r->ru);    /* Linux's, whatever the event */
			if (c->state == PROC_ZOMBIE && !(options & WNOWAIT)) {
				proc_rusage_reaped(self, &r->ru);
				remove_child(self, c);
				proc_free(c);
			}
			return r->pid;
		}
		if (!any)
			return -ECHILD;
		if (options & WNOHANG)
			return 0;
		/* A child ready wins over a signal (Linux's do_wait looks first). */
		if (signal_pending(self))
			return -ERESTARTSYS;
		sleep_on(self);
	}
}

void proc_return_work(struct trapframe *tf)
{
	if (proc_current->killed)
		proc_exit(proc_current->killed & 0x7f);
	if (proc_current->slice <= 0)
		sched_yield();
	if (proc_current->killed)
		proc_exit(proc_current->killed & 0x7f);
	if (signal_work(proc_current, tf))
		signal_deliver(tf);
}

int proc_last_pid(void)
{
	return next_pid - 1;
}

struct proc *proc_init(void)
{
	return init_proc;
}

/* A fault the process cannot survive: the signal is forced, as Linux's
 * force_sig does, whatever the process asked for it. */
void proc_fatal_signal(int sig)
{
	if (!proc_current->killed)
		proc_current->killed = sig;
}

void proc_unmap_object(const struct vm_object *obj, uint64_t from, uint64_t to, bool copies)
{
	for (struct proc *p = proc_all; p; p = p->all_next)
		if (p->vs && vm_object_unmap(p->vs, obj, from, to, copies))
			pr_warn("truncate: %s[%d] keeps pages it should let go: no memory to copy a page table\n",
				p->name, p->pid);
}
