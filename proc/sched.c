/*
 * The scheduler: round robin over one run queue, a time slice of
 * TIME_SLICE_TICKS timer ticks, and an idle loop on the boot stack that
 * halts until an interrupt when nothing can run. The tick is a timer
 * (<pagoda/timer.h>) that runs only while something does: the idle loop
 * stops it, so an idle CPU sleeps until the next deadline, and the first
 * switch to a process starts it again.
 *
 * A process is preempted only on its way back to user mode (the timer
 * marks the slice used up; proc_return_to_user yields), never in the
 * middle of kernel code; so kernel code needs no locks, only to keep
 * interrupts masked, as every trap gate leaves them.
 */
#include "proc_internal.h"
#include <pagoda/proc.h>
#include <pagoda/errno.h>
#include <pagoda/file.h>
#include <pagoda/string.h>
#include <pagoda/time.h>
#include <pagoda/timer.h>
#include <arch/cpu.h>

struct proc *proc_current;              /* NULL while idle */
static struct arch_thread idle_thread;  /* the boot stack */
static struct proc *rq_head, *rq_tail;
static uint64_t idle_ns, idle_since;    /* the idle loop's time, for /proc/uptime */
static struct ktimer tick_timer;
static volatile uint64_t ticks;
struct sched_stats sched_stats;

void sched_make_runnable(struct proc *p)
{
	p->state = PROC_RUNNABLE;
	p->run_next = NULL;
	if (rq_tail)
		rq_tail->run_next = p;
	else
		rq_head = p;
	rq_tail = p;
}

static struct proc *rq_pop(void)
{
	struct proc *p = rq_head;

	if (p) {
		rq_head = p->run_next;
		if (!rq_head)
			rq_tail = NULL;
	}
	return p;
}

/* Run next (NULL: the idle loop), with its address space and machine state. */
static void switch_to(struct proc *next)
{
	struct arch_thread *prev_t = proc_current ? &proc_current->thread : &idle_thread;
	struct arch_thread *next_t = next ? &next->thread : &idle_thread;

	uint64_t now = clock_mono_ns();

	if (proc_current != next)
		sched_stats.switches++;
	if (proc_current && proc_current != next) {
		/* Linux's nvcsw and nivcsw: it gave the CPU up to wait, or had it taken */
		if (proc_current->state == PROC_RUNNING || proc_current->state == PROC_RUNNABLE)
			proc_current->nivcsw++;
		else
			proc_current->nvcsw++;
	}
	if (proc_current)
		proc_current->cpu_ns += now - proc_current->run_since;
	else
		idle_ns += now - idle_since;
	if (!next)
		idle_since = now;
	proc_current = next;
	uaccess_window_switch(next ? &next->uwindow : NULL);
	if (next) {
		if (!ktimer_armed(&tick_timer))
			sched_tick_start();
		next->state = PROC_RUNNING;
		next->slice = TIME_SLICE_TICKS;
		next->run_since = now;
		vmspace_activate(next->vs);
	} else {
		vmspace_activate(NULL);
	}
	if (prev_t != next_t)
		arch_switch(prev_t, next_t);
	proc_reap_dead();               /* off their stacks now */
}

/*
 * Give the CPU away. The caller has set its own state first: still
 * PROC_RUNNING keeps it running if nobody else can; PROC_SLEEPING or
 * PROC_ZOMBIE leaves it off the run queue. Returns when it runs again.
 */
void schedule(void)
{
	struct proc *next = rq_pop();

	if (!next && proc_current && proc_current->state == PROC_RUNNING)
		return;
	switch_to(next);
}

void sched_yield(void)
{
	if (!rq_head) {         /* no one else wants the CPU: a new slice */
		proc_current->slice = TIME_SLICE_TICKS;
		return;
	}
	sched_make_runnable(proc_current);
	schedule();
}

void sleep_on(const void *chan)
{
	proc_current->wchan = chan;
	proc_current->state = PROC_SLEEPING;
	schedule();
	proc_current->wchan = NULL;
}

int sleep_on_interruptible(const void *chan)
{
	sleep_on(chan);
	return signal_pending(proc_current) ? -EINTR : 0;
}

void wakeup(const void *chan)
{
	for (struct proc *p = proc_all; p; p = p->all_next)
		if (p->state == PROC_SLEEPING &&
		    (p->wchan == chan || (p->polling && poll_table_wakes(p->polling, chan))))
			sched_make_runnable(p);
	eventpoll_wakeup(chan);
}

/* A sleeper's deadline has come: it runs again (unless woken already). */
static void sleep_timeout(struct ktimer *t, bool from_user)
{
	struct proc *p = container_of(t, struct proc, sleep_timer);

	(void)from_user;
	if (p->state == PROC_SLEEPING)
		sched_make_runnable(p);
}

int sleep_on_timeout(const void *chan, uint64_t deadline)
{
	struct proc *p = proc_current;

	if (timer_passed(deadline))
		return -ETIMEDOUT;
	ktimer_arm(&p->sleep_timer, deadline, sleep_timeout);
	sleep_on(chan);
	ktimer_cancel(&p->sleep_timer);
	if (signal_pending(p))
		return -EINTR;
	return timer_passed(deadline) ? -ETIMEDOUT : 0;
}

uint64_t sched_idle_ns(void)
{
	return idle_ns + (proc_current ? 0 : clock_mono_ns() - idle_since);
}

/*
 * The load average, as Linux's calc_global_load: every 5 s, each of the
 * three decays toward the number of processes running or runnable, in
 * fixed point with 11 bits of fraction, by e^(-5/60), e^(-5/300) and
 * e^(-5/900).
 */
#define FSHIFT          11
#define FIXED_1         (1u << FSHIFT)
#define LOAD_FREQ_NS    (5 * NSEC_PER_SEC + NSEC_PER_TICK)
#define LOAD_MISSED_MAX 2048    /* 10,000 s idle: every average is 0 by then */
static const uint32_t load_exp[3] = { 1884, 2014, 2037 };
static uint32_t avenrun[3];
static uint64_t next_load_at = LOAD_FREQ_NS;

/* The processes running or runnable, and all of them. */
static void count_procs(uint32_t *active, uint32_t *all)
{
	*active = *all = 0;
	for (const struct proc *p = proc_all; p; p = p->all_next, ++*all)
		*active += p->state == PROC_RUNNING || p->state == PROC_RUNNABLE;
}

/* One 5 s step of the three averages toward active. */
static void fold_load(uint32_t active)
{
	for (int i = 0; i < 3; i++) {
		uint64_t load = (uint64_t)avenrun[i] * load_exp[i] + (uint64_t)active * FIXED_1 * (FIXED_1 - load_exp[i]);

		if (active * FIXED_1 >= avenrun[i])
			load += FIXED_1 - 1;    /* Linux rounds up while the load grows */
		avenrun[i] = (uint32_t)(load >> FSHIFT);
	}
}

/* The steps due by now. Those missed while the tick was stopped were
 * idle ones, with nothing running: they fold 0 (Linux's calc_global_nohz). */
static void calc_load(uint64_t now)
{
	uint32_t active, all;
	uint64_t missed;

	if (now < next_load_at)
		return;
	missed = (now - next_load_at) / LOAD_FREQ_NS;
	next_load_at += (missed + 1) * LOAD_FREQ_NS;
	for (uint64_t i = 0; i < missed && i < LOAD_MISSED_MAX; i++)
		fold_load(0);
	count_procs(&active, &all);
	fold_load(active);
}

void sched_loadavg(uint32_t avg[3], uint32_t *running, uint32_t *all)
{
	calc_load(clock_mono_ns());
	count_procs(running, all);
	memcpy(avg, avenrun, sizeof(avenrun));
}

/* The tick, every NSEC_PER_TICK while the CPU is not idle: sample where
 * the running process is, use up its slice, and the load average. */
static void sched_tick(struct ktimer *t, bool from_user)
{
	uint64_t now = clock_mono_ns(), next = t->when + NSEC_PER_TICK;

	ticks++;
	ktimer_arm(t, next > now ? next : now + NSEC_PER_TICK, sched_tick);
	if (proc_current) {
		if (from_user)
			proc_current->user_ticks++, sched_stats.user_ticks++;
		else
			proc_current->system_ticks++, sched_stats.system_ticks++;
	}
	if (proc_current && proc_current->slice > 0)
		proc_current->slice--;
	itimer_tick();
	calc_load(now);
}

void sched_tick_start(void)
{
	ktimer_arm(&tick_timer, clock_mono_ns() + NSEC_PER_TICK, sched_tick);
}

uint64_t timer_ticks(void)
{
	uint32_t flags = irq_save();    /* a 64-bit read is two loads */
	uint64_t t = ticks;

	irq_restore(flags);
	return t;
}

uint64_t proc_cpu_ns(const struct proc *p)
{
	return p->cpu_ns + (p == proc_current ? clock_mono_ns() - p->run_since : 0);
}

/* The total split as the samples fall; with none yet, all of it is the
 * system's (exec and the first page faults come before any user code). */
uint64_t proc_cpu_user_ns(const struct proc *p)
{
	uint64_t total = proc_cpu_ns(p), ticks = (uint64_t)p->user_ticks + p->system_ticks;

	return ticks ? total / ticks * p->user_ticks + total % ticks * p->user_ticks / ticks : 0;
}

void __noreturn sched_run(void)
{
	arch_thread_init_idle(&idle_thread);
	for (;;) {
		cpu_disable_interrupts();
		if (rq_head) {
			switch_to(rq_pop());
		} else {
			ktimer_cancel(&tick_timer);     /* no tick while idle */
			cpu_wait_for_interrupt();
		}
	}
}
