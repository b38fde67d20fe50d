/* What the files of proc/ share among themselves. */
#ifndef PROC_INTERNAL_H
#define PROC_INTERNAL_H

#include <pagoda/proc.h>
#include <pagoda/signal.h>

#define RLIM_INFINITY   (~0ull)

/* Every system call has this shape; unused arguments are ignored. */
#define SYSCALL(name) long sys_##name(uint32_t a0 __attribute__((unused)), \
	uint32_t a1 __attribute__((unused)), uint32_t a2 __attribute__((unused)), \
	uint32_t a3 __attribute__((unused)), uint32_t a4 __attribute__((unused)), \
	uint32_t a5 __attribute__((unused)))
typedef long (*syscall_fn)(uint32_t, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t);

struct proc *proc_alloc(void);
struct proc *proc_init(void);           /* pid 1, or NULL before it runs */
void proc_reap_dead(void);              /* free the ended that nobody waits for (sched.c) */
void signal_forget(struct proc *p);     /* its pending signals go (exit) */
void proc_free(struct proc *p);
void rlimits_default(struct proc *p);
int proc_fork(struct proc **childp, bool share_vm);
/* vfork (CLONE_VFORK): the parent sleeps until its child has exec'd or
 * ended (vfork_wait); the child lets it go on (vfork_release). */
void vfork_wait(struct proc *child);
void vfork_release(struct proc *p);
/* What a wait reports of a child. */
struct wait_result {
	int pid;
	int status;                     /* as wait4 encodes it */
	int code, value;                /* CLD_* and the code or signal: waitid's si_code, si_status */
	struct rusage_acct ru;          /* its usage, and its reaped children's */
};
#define WNOHANG         0x1
#define WUNTRACED       0x2             /* waitid: WSTOPPED */
#define WEXITED         0x4
#define WCONTINUED      0x8
#define WNOWAIT         0x01000000
/* Wait for a child that pid selects (wait4's pid) to end, stop or
 * continue, as options ask (WEXITED for the end; wait4 always asks it):
 * its pid, 0 (WNOHANG and nothing yet), -ECHILD or -ERESTARTSYS. */
int proc_wait(int pid, uint32_t options, struct wait_result *r);
/* Resource usage (proc/rusage.c): who is RUSAGE_SELF, _CHILDREN or
 * _BOTH; proc_leave_vmspace counts an address space's faults and peak
 * before it goes; a reaped child's usage (RUSAGE_BOTH's) becomes its
 * parent's children's;
 * rusage_copyout writes Linux's i386 struct rusage (0 or -EFAULT). */
void proc_rusage(const struct proc *p, int who, struct rusage_acct *ru);
void proc_leave_vmspace(struct proc *p, struct vmspace *vs);
void proc_rusage_reaped(struct proc *parent, const struct rusage_acct *ru);
int rusage_copyout(vaddr_t u, const struct rusage_acct *ru);

/* A child stopped or continued: tell the parent (SIGCHLD unless it asks
 * SA_NOCLDSTOP, and a wake-up for a wait). */
void proc_notify_stop(struct proc *p, int code, int value);

/* A relative time at user u, a timespec of 64 bits (time64) or 32: 0 with
 * *sec and *nsec, -EFAULT, or -EINVAL if it is negative or its nanoseconds
 * are not below a second (Linux's timespec64_valid). */
int timespec_in(vaddr_t u, bool time64, uint64_t *sec, uint64_t *nsec);
/* ns written at user u as a timespec of 64 bits or 32: 0 or -EFAULT. */
int timespec_out(vaddr_t u, bool time64, uint64_t ns);
/* An itimerspec (interval, then value) of either size, in ns: copied in
 * whole first (-EFAULT), then each checked (-EINVAL); and written out. */
int itimerspec_in(vaddr_t u, bool time64, uint64_t *interval, uint64_t *value);
int itimerspec_out(vaddr_t u, bool time64, uint64_t interval, uint64_t value);
/* settimeofday's time zone, for the vDSO's gettimeofday. */
void timezone_get(int32_t *minuteswest, int32_t *dsttime);
/* A CPU clock's id (clock_getcpuclockid's): ~pid << 3 | kind, and
 * CPUCLOCK_PERTHREAD for a thread's; the pid it names (0: the caller). */
#define CPUCLOCK_PROF           0       /* a CPU clock's kinds: user and system time, */
#define CPUCLOCK_VIRT           1       /* user time only, */
#define CPUCLOCK_SCHED          2       /* the time run */
#define CPUCLOCK_KIND_MASK      3       /* (3: a clock of a device file, not a CPU's) */
#define CPUCLOCK_PERTHREAD      4
static inline int32_t cpuclock_pid(int32_t id)
{
	return ~(id >> 3);
}
/* Nanoseconds on clock id since its epoch: 0, or -EINVAL for no such clock. */
int clock_now(int32_t id, uint64_t *ns);

/* execve with argument strings in the kernel (pid 1) or in user memory. */
int exec_kernel(struct proc *p, const char *path, char *const argv[], char *const envp[]);
int exec_user(const char *path, vaddr_t argv, vaddr_t envp);

#endif /* PROC_INTERNAL_H */
