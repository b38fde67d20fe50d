/*
 * Resource usage, as getrusage and wait4 report it: CPU time, minor and
 * major faults, voluntary and involuntary context switches, and the most
 * memory ever resident (maxrss), of a process, and of its children once
 * reaped (theirs including their own reaped children's, as Linux's
 * signal_struct c* fields).
 *
 * A process's faults and maxrss outlive its address spaces: exec and
 * exit fold the old one's into the process (proc_leave_vmspace), so the
 * figures cover its whole life, as Linux's.
 */
#include "proc_internal.h"
#include <pagoda/compiler.h>
#include <pagoda/errno.h>
#include <pagoda/pmap.h>
#include <pagoda/string.h>
#include <pagoda/time.h>
#include <pagoda/uaccess.h>
#include <pagoda/vm.h>

#define PAGE_KB         (PAGE_SIZE / 1024)

void proc_leave_vmspace(struct proc *p, struct vmspace *vs)
{
	if (vs->users > 1)
		return;                 /* another's too (CLONE_VM): its counts stay there */
	p->min_flt += vm_faults_resolved(&vs->faults);
	p->maxrss_kb = MAX(p->maxrss_kb, (uint32_t)(pmap_resident_peak(&vs->pmap) * PAGE_KB));
}

/* What p has used itself: its CPU time split as the tick saw it, and its
 * present address space's faults and peak beside those it left behind. */
static void rusage_self(const struct proc *p, struct rusage_acct *ru)
{
	uint64_t user = proc_cpu_user_ns(p);

	ru->utime_ns += user;
	ru->stime_ns += proc_cpu_ns(p) - user;
	ru->minflt += p->min_flt;
	ru->nvcsw += p->nvcsw;
	ru->nivcsw += p->nivcsw;
	ru->maxrss_kb = MAX(ru->maxrss_kb, p->maxrss_kb);
	if (p->vs) {
		ru->minflt += vm_faults_resolved(&p->vs->faults);
		ru->maxrss_kb = MAX(ru->maxrss_kb, (uint32_t)(pmap_resident_peak(&p->vs->pmap) * PAGE_KB));
	}
}

void proc_rusage(const struct proc *p, int who, struct rusage_acct *ru)
{
	memset(ru, 0, sizeof(*ru));
	if (who == RUSAGE_CHILDREN || who == RUSAGE_BOTH)
		*ru = p->reaped;
	if (who != RUSAGE_CHILDREN)
		rusage_self(p, ru);
}

/* A child is reaped: ru, all it used with its children (RUSAGE_BOTH),
 * becomes its parent's children's (the times and counts added, maxrss the
 * larger). */
void proc_rusage_reaped(struct proc *parent, const struct rusage_acct *ru)
{
	struct rusage_acct *sum = &parent->reaped;

	sum->utime_ns += ru->utime_ns;
	sum->stime_ns += ru->stime_ns;
	sum->minflt += ru->minflt;
	sum->majflt += ru->majflt;
	sum->nvcsw += ru->nvcsw;
	sum->nivcsw += ru->nivcsw;
	sum->maxrss_kb = MAX(sum->maxrss_kb, ru->maxrss_kb);
}

/* struct rusage on i386: two timevals, then 14 longs from ru_maxrss on.
 * Pagoda has no swap, no block I/O and no System V messages: those read 0. */
struct rusage32 {
	struct timeval32 utime, stime;
	uint32_t maxrss, ixrss, idrss, isrss, minflt, majflt, nswap;
	uint32_t inblock, oublock, msgsnd, msgrcv, nsignals, nvcsw, nivcsw;
};

int rusage_copyout(vaddr_t u, const struct rusage_acct *ru)
{
	struct rusage32 r;

	memset(&r, 0, sizeof(r));
	r.utime = timeval_from_ns(ru->utime_ns);
	r.stime = timeval_from_ns(ru->stime_ns);
	r.maxrss = ru->maxrss_kb;
	r.minflt = (uint32_t)ru->minflt;
	r.majflt = (uint32_t)ru->majflt;
	r.nvcsw = (uint32_t)ru->nvcsw;
	r.nivcsw = (uint32_t)ru->nivcsw;
	return copyout(u, &r, sizeof(r)) ? -EFAULT : 0;
}

/* getrusage(who, usage): RUSAGE_SELF or RUSAGE_THREAD (one thread is the
 * whole process), or RUSAGE_CHILDREN; any other who is -EINVAL. */
SYSCALL(getrusage)
{
	struct rusage_acct ru;
	int who = (int)a0;

	if (who != RUSAGE_SELF && who != RUSAGE_THREAD && who != RUSAGE_CHILDREN)
		return -EINVAL;
	proc_rusage(proc_current, who, &ru);
	return rusage_copyout(a1, &ru);
}
