/*
 * Processes (proc/): each one an address space, a kernel stack and the
 * machine state around it, files, and the bookkeeping of the Linux
 * process model (parent, children, exit status, signals recorded).
 *
 * One CPU and a kernel that is not preempted: the kernel runs with
 * interrupts masked, and a process gives up the CPU only in schedule()
 * (sleeping, exiting, yielding, or a time slice ending on the way back to
 * user mode). Nothing else needs a lock.
 */
#ifndef PAGODA_PROC_H
#define PAGODA_PROC_H

#include <pagoda/errno.h>
#include <pagoda/signal.h>
#include <pagoda/timer.h>
#include <pagoda/types.h>
#include <pagoda/uaccess.h>
#include <pagoda/vfs.h>
#include <pagoda/vm.h>
#include <arch/thread.h>

#define PROC_NAME_MAX   16      /* like Linux's comm, with the NUL */
#define PROC_PATH_MAX   256
#define FD_MAX          256     /* RLIMIT_NOFILE */
#define NSIG            64
#define TIME_SLICE_TICKS 2      /* 20 ms at 100 Hz */

/* Resource limits: Linux's RLIMIT_* numbers, the indices of p->rlimits. */
enum {
	RLIMIT_CPU, RLIMIT_FSIZE, RLIMIT_DATA, RLIMIT_STACK, RLIMIT_CORE, RLIMIT_RSS,
	RLIMIT_NPROC, RLIMIT_NOFILE, RLIMIT_MEMLOCK, RLIMIT_AS, RLIMIT_LOCKS,
	RLIMIT_SIGPENDING, RLIMIT_MSGQUEUE, RLIMIT_NICE, RLIMIT_RTPRIO, RLIMIT_RTTIME,
	RLIM_NLIMITS
};

#define NR_ITIMERS      3       /* ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF */

/* What getrusage reports of a process, or of its reaped children: CPU
 * time, faults, context switches, and the most memory resident at once. */
struct rusage_acct {
	uint64_t utime_ns, stime_ns;
	uint64_t minflt, majflt;
	uint64_t nvcsw, nivcsw;
	uint32_t maxrss_kb;
};
#define RUSAGE_SELF     0
#define RUSAGE_CHILDREN (-1)
#define RUSAGE_THREAD   1
#define RUSAGE_BOTH     (-2)    /* self and children: what wait4 reports */

enum proc_state { PROC_RUNNABLE, PROC_RUNNING, PROC_SLEEPING, PROC_STOPPED, PROC_ZOMBIE };

/* A recorded rt_sigaction (Linux i386's struct k_sigaction). */
struct ksigaction {
	uint32_t handler;       /* SIG_DFL 0, SIG_IGN 1, or an address */
	uint32_t flags;
	uint32_t restorer;
	uint64_t mask;
};
#define SIG_DFL 0u
#define SIG_IGN 1u

struct file;
struct sigqueue;

struct proc {
	int pid;
	int pgid;                       /* process group: inherited; init's is 0, as on Linux */
	int sid;                        /* session: inherited; setsid makes one */
	bool execed;                    /* has run execve since fork (setpgid: -EACCES) */
	int stop_sig;                   /* what stopped it last */
	bool wait_stopped;              /* a stop its parent's wait has not reported */
	bool wait_continued;            /* a continue the same */
	bool autoreap;                  /* its parent ignores SIGCHLD: no zombie to wait for */
	bool ctty;                      /* the console is its controlling terminal (dev/tty.c) */
	enum proc_state state;
	char name[PROC_NAME_MAX];       /* the program's file name, as Linux's comm */
	char exe[PROC_PATH_MAX];        /* its path: /proc/self/exe */

	struct proc *parent;
	struct proc *children;          /* first child; siblings chained */
	struct proc *sibling;
	struct proc *all_next;          /* every process, for pids and wakeups */
	struct proc *run_next;          /* the run queue */

	struct vmspace *vs;
	vaddr_t brk_start, brk;         /* the heap: [brk_start, brk) */
	struct arch_thread thread;
	struct trapframe *tf;           /* the user registers, on the kernel stack */

	const void *wchan;              /* what a sleeping process waits for */
	struct ktimer sleep_timer;      /* and when it wakes anyway (sleep_on_timeout) */
	const struct poll_table *polling;       /* poll: every channel that wakes it */
	int slice;                      /* ticks left of its time slice */
	int killed;                     /* a signal that will end it, or 0 */
	int exit_status;                /* as wait4 reports it */
	uint64_t min_flt;               /* minor faults of address spaces left behind */
	uint32_t maxrss_kb;             /* and the most any of them had resident */
	uint64_t nvcsw, nivcsw;         /* switches away: to wait, and preempted */
	struct rusage_acct reaped;      /* its reaped children's, and theirs (proc/rusage.c) */
	/* CPU time: exact in total (the clock read at each switch, run_since
	 * the last switch to it), split into user and system time by the
	 * tick's samples of where it was, as Linux's cputime_adjust does. */
	uint64_t cpu_ns, run_since;
	uint32_t user_ticks, system_ticks;
	/* alarm and setitimer's timers (proc/itimer.c): REAL, VIRTUAL, PROF */
	struct itimer {
		uint64_t value;         /* when it fires, on its clock (0: disarmed) */
		uint64_t interval;      /* ns to rearm with (0: once) */
	} itimer[NR_ITIMERS];
	struct ktimer real_timer;       /* ITIMER_REAL's, armed at its value */
	struct posix_timer *posix_timers;       /* timer_create's (proc/posix_timer.c) */
	int next_timer_id;
	vaddr_t clear_child_tid;        /* set_tid_address */
	struct proc *vfork_parent;      /* sleeping in vfork until this one execs or ends */
	bool vfork_done;                /* a vfork parent's: its child let it go */

	struct path cwd;                /* the working directory */
	uint32_t umask;
	struct file *files[FD_MAX];
	int fd_top;                     /* descriptors from here on are all free */
	uint8_t cloexec[FD_MAX / 8];
	struct ksigaction sigactions[NSIG];
	uint64_t sigmask;               /* blocked signals */
	uint64_t sigpending;            /* posted, not yet delivered */
	struct sigqueue *sigqueue[NSIG];        /* each pending signal's siginfos, oldest first */
	uint64_t saved_sigmask;         /* rt_sigsuspend's: back once a handler is set up */
	bool restore_sigmask;
	struct kstack altstack;         /* sigaltstack; ss_size 0: none */
	uint32_t syscall_nr;            /* the call being made: a restart makes it again */
	/* What restart_syscall goes on with after -ERESTART_RESTARTBLOCK (a
	 * sleep or a poll stopped and continued): Linux's restart_block. */
	struct restart_block {
		long (*fn)(struct restart_block *r);
		uint64_t deadline;      /* the wait's end, on clock_mono_ns */
		vaddr_t uaddr;          /* a sleep's rmtp, where the time left goes
					 * (0: nowhere); poll's pollfds */
		uint32_t count;         /* poll's nfds */
		bool time64;
	} restart;
	uint64_t rlimits[RLIM_NLIMITS][2];      /* soft, hard */
	struct uaccess_window uwindow;  /* sendfile's bounce buffer (<pagoda/uaccess.h>) */
	const void *lock_waits_for;     /* the owner of the record lock it sleeps for */
};

/* Whether tf's eax is a system call's result that a signal interrupted
 * (-ERESTART*): signal_deliver restarts the call or makes it -EINTR. */
static inline bool signal_interrupted_call(const struct trapframe *tf)
{
	uint32_t code = (uint32_t)-(int32_t)tf->eax;

	return tf->trapno == T_SYSCALL &&
	       (code - ERESTARTSYS <= (uint32_t)(ERESTARTNOHAND - ERESTARTSYS) || code == ERESTART_RESTARTBLOCK);
}

/* Whether the way back to user mode has signal work: a pending signal not
 * blocked, a mask to restore, or a call to restart or fail with EINTR. */
static inline bool signal_work(const struct proc *p, const struct trapframe *tf)
{
	return (p->sigpending & ~p->sigmask) || p->restore_sigmask || signal_interrupted_call(tf);
}

extern struct proc *proc_current;
extern struct proc *proc_all;           /* every process, newest first (all_next) */
extern bool proc_log_exits;     /* "vmstat": log fault counts at each exit */

/* Boot: pid 1 from the initramfs running argv/envp, made runnable:
 * 0, or -errno if /init cannot be started. */
int proc_start_init(const char *path, char *const argv[], char *const envp[]);

/* Run processes forever; the boot stack becomes the idle loop. */
void __noreturn sched_run(void);

void sched_make_runnable(struct proc *p);
void schedule(void);
void sched_yield(void);
/* Start the scheduler's tick (at boot; the idle loop stops it, a switch
 * to a process starts it again). */
void sched_tick_start(void);

/* The tick's look at the CPU-time interval timers, and the end of a
 * process's ITIMER_REAL (proc/itimer.c). */
void itimer_tick(void);
void itimer_exit(struct proc *p);
void itimer_real_taken(struct proc *p);         /* SIGALRM dequeued: rearm ITIMER_REAL */
/* POSIX timers (proc/posix_timer.c): the tick looks at the CPU timers on
 * p's time; exec deletes p's timers, exit those and any CPU timer on p's
 * time; a setting of the wall clock moves those at a wall-clock time;
 * a timer's signal taken (delivered or flushed) rearms a periodic one and
 * fills in its si_overrun. */
void posix_timer_tick(struct proc *p);
void posix_timers_exec(struct proc *p);
void posix_timers_exit(struct proc *p);
void posix_timers_clock_was_set(void);
struct ksiginfo;
void posix_timer_taken(struct proc *p, struct ksiginfo *info);

/* The idle loop's time since boot; the load average (1, 5 and 15
 * minutes, fixed point with 11 bits of fraction), the processes running
 * or runnable now and all of them (proc/sched.c). */
uint64_t sched_idle_ns(void);
/* What /proc/stat counts since boot: context switches, forks, and the
 * tick's samples of the CPU in user mode and in the kernel (idle time is
 * sched_idle_ns's). Changed only with interrupts masked. */
struct sched_stats {
	uint64_t switches, forks;
	uint64_t user_ticks, system_ticks;
};
extern struct sched_stats sched_stats;
void sched_loadavg(uint32_t avg[3], uint32_t *running, uint32_t *all);
int proc_last_pid(void);        /* the pid given out last */

/* p's CPU time so far, all of it and the user part (proc/sched.c). */
uint64_t proc_cpu_ns(const struct proc *p);
uint64_t proc_cpu_user_ns(const struct proc *p);

/* Sleep until wakeup(chan), or a signal: the interruptible kind returns
 * -EINTR if a signal is what woke it (today only a fatal one does), else 0.
 * The caller checks its condition again either way. */
void sleep_on(const void *chan);
int sleep_on_interruptible(const void *chan);
/* The same, or until the clock reaches deadline (ticks): 0 if woken,
 * -EINTR for a signal, -ETIMEDOUT once the deadline has passed. */
int sleep_on_timeout(const void *chan, uint64_t deadline);
void wakeup(const void *chan);

struct proc *proc_find(int pid);

/* A file shrinks, or has a hole punched: every address space drops what
 * it maps of obj in [from, to), with or without its private copies
 * (vm_object_unmap), so those pages fault and find the end or the hole. */
void proc_unmap_object(const struct vm_object *obj, uint64_t from, uint64_t to, bool copies);

/* The exit path: status as wait4 encodes it. Never returns. */
void __noreturn proc_exit(int wait_status);

/* Mark p to end with signal sig at its next return to user mode. */
void proc_kill(struct proc *p, int sig);

/* The way back to user mode: die if killed, yield if the slice is over,
 * take the signals due. Inline is the test that there is nothing to do,
 * which is what nearly every return finds; proc_return_work does it. */
void proc_return_work(struct trapframe *tf);

static inline void proc_return_to_user(struct trapframe *tf)
{
	const struct proc *p = proc_current;

	if (p->killed || p->slice <= 0 || signal_work(p, tf))
		proc_return_work(tf);
}

/* A fault the process cannot survive (the caller has logged it as Linux
 * does): end it with sig at its return to user mode, whatever it asked
 * for that signal. */
void proc_fatal_signal(int sig);


/* System calls (proc/syscall.c): int 0x80's handler. */
void syscall_trap(struct trapframe *tf);
uint64_t syscall_unknown_count(void);

#endif /* PAGODA_PROC_H */
