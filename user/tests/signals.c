/* Signals as Linux delivers them: handlers with and without SA_SIGINFO
 * and what they are told, masks and the order of delivery, SA_RESETHAND
 * and SA_NODEFER, the alternate stack, interrupted calls with and
 * without SA_RESTART, sigsuspend and pause, faults handled (a handler
 * that mprotects and returns: demand paging in user space), registers
 * and FPU state across a handler, a forged frame, and SIGCHLD. Only what
 * does not depend on addresses or timing is printed. */
#define _GNU_SOURCE
#include "check.h"
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <termios.h>
#include <ucontext.h>

static volatile int got[65], order[16], norder;
static volatile sig_atomic_t last_code, last_pid, last_value;

static void on_signal(int sig)
{
	got[sig]++;
	order[norder++ % 16] = sig;
}

static void on_info(int sig, siginfo_t *info, void *uc)
{
	(void)uc;
	got[sig]++;
	last_code = info->si_code;
	last_pid = info->si_pid;
	last_value = info->si_value.sival_int;
}

static void set_handler(int sig, void (*fn)(int), int flags, const sigset_t *mask)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sa.sa_flags = flags;
	if (mask)
		sa.sa_mask = *mask;
	CHECK(sigaction(sig, &sa, NULL) == 0);
}

static void set_info_handler(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | flags;
	CHECK(sigaction(sig, &sa, NULL) == 0);
}

static void block(int sig, int how)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, sig);
	CHECK(sigprocmask(how, &s, NULL) == 0);
}

static void handlers_run(void)
{
	set_handler(SIGUSR1, on_signal, 0, NULL);
	CHECK(raise(SIGUSR1) == 0);
	printf("SIGUSR1 handled %d time(s), the program goes on\n", got[SIGUSR1]);
	CHECK(kill(getpid(), SIGUSR1) == 0);
	printf("and by kill: %d\n", got[SIGUSR1]);
	set_handler(SIGUSR1, SIG_IGN, 0, NULL);
	CHECK(raise(SIGUSR1) == 0);
	printf("ignored: still %d\n", got[SIGUSR1]);
	CHECK_ERR(sigaction(SIGKILL, &(struct sigaction){ .sa_handler = on_signal }, NULL), EINVAL);
	CHECK_ERR(sigaction(SIGSTOP, &(struct sigaction){ .sa_handler = SIG_IGN }, NULL), EINVAL);
	CHECK_ERR(sigaction(65, &(struct sigaction){ .sa_handler = SIG_IGN }, NULL), EINVAL);
}

/* The kernel's struct sigaction on i386, as rt_sigaction takes it. */
struct k_sigaction {
	void (*handler)(int);
	unsigned long flags;
	void (*restorer)(void);
	unsigned long mask[2];
};

/* rt_sigaction's own checks, in the kernel's order: the size of the set,
 * then act is read (EFAULT before the signal number is looked at), then
 * the number; the new action is set even when oact cannot be written. */
static void sigaction_errors(void)
{
	struct k_sigaction act = { .handler = on_signal }, old;

	CHECK_ERR(syscall(SYS_rt_sigaction, SIGUSR1, &act, NULL, 4), EINVAL);
	CHECK_ERR(syscall(SYS_rt_sigaction, 65, (void *)8, NULL, 8), EFAULT);
	CHECK_ERR(syscall(SYS_rt_sigaction, 0, &act, NULL, 8), EINVAL);
	CHECK_ERR(syscall(SYS_rt_sigaction, 65, NULL, &old, 8), EINVAL);
	CHECK_ERR(syscall(SYS_rt_sigaction, SIGKILL, (void *)8, NULL, 8), EFAULT);
	CHECK(syscall(SYS_rt_sigaction, SIGKILL, NULL, &old, 8) == 0);
	printf("SIGKILL's action can be read: handler %s\n", old.handler == SIG_DFL ? "SIG_DFL" : "?");
	CHECK_ERR(syscall(SYS_rt_sigaction, SIGUSR2, &act, (void *)8, 8), EFAULT);
	CHECK(raise(SIGUSR2) == 0);
	printf("set though oact was bad: SIGUSR2 handled %d time(s)\n", got[SIGUSR2]);
}

static void what_a_handler_is_told(void)
{
	siginfo_t si;

	set_info_handler(SIGUSR2, on_info, 0);
	CHECK(kill(getpid(), SIGUSR2) == 0);
	printf("kill: si_code %d, si_pid is ours %d\n", last_code, last_pid == getpid());
	CHECK(syscall(SYS_tkill, getpid(), SIGUSR2) == 0);
	printf("tkill: si_code %d\n", last_code);
	memset(&si, 0, sizeof(si));
	si.si_code = SI_QUEUE;
	si.si_pid = getpid();
	si.si_value.sival_int = 1234;
	CHECK(syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR2, &si) == 0);
	printf("rt_sigqueueinfo: si_code %d, value %d\n", last_code, last_value);
	si.si_code = SI_USER;
	CHECK_ERR(syscall(SYS_rt_sigqueueinfo, 1, SIGUSR2, &si), EPERM);
	printf("handled %d times\n", got[SIGUSR2]);
}

static sigset_t seen_mask;

static void on_mask(int sig)
{
	(void)sig;
	sigprocmask(SIG_BLOCK, NULL, &seen_mask);
}

static void masks_and_order(void)
{
	sigset_t set, pending;

	set_handler(SIGUSR1, on_signal, 0, NULL);
	set_handler(SIGUSR2, on_signal, 0, NULL);
	set_handler(SIGINT, on_signal, 0, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGINT);
	CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
	raise(SIGUSR2);
	raise(SIGINT);
	raise(SIGUSR1);
	raise(SIGUSR1);
	CHECK(sigpending(&pending) == 0);
	printf("blocked: pending USR1 %d USR2 %d INT %d, none run: %d\n", sigismember(&pending, SIGUSR1),
	       sigismember(&pending, SIGUSR2), sigismember(&pending, SIGINT),
	       got[SIGUSR1] + got[SIGUSR2] + got[SIGINT]);
	CHECK(sigprocmask(SIG_UNBLOCK, &set, NULL) == 0);
	printf("unblocked: ran in the order");
	for (int i = 0; i < norder; i++)
		printf(" %d", order[i]);
	printf("; USR1 %d time(s), once though sent twice\n", got[SIGUSR1]);

	/* In a handler its own signal and sa_mask are blocked; with
	 * SA_NODEFER its own is not. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	set_handler(SIGUSR1, on_mask, 0, &set);
	raise(SIGUSR1);
	printf("in the handler: USR1 blocked %d, USR2 blocked %d\n", sigismember(&seen_mask, SIGUSR1),
	       sigismember(&seen_mask, SIGUSR2));
	set_handler(SIGUSR1, on_mask, SA_NODEFER, NULL);
	raise(SIGUSR1);
	printf("with SA_NODEFER: USR1 blocked %d\n", sigismember(&seen_mask, SIGUSR1));
	sigprocmask(SIG_BLOCK, NULL, &set);
	printf("after it: USR1 blocked %d\n", sigismember(&set, SIGUSR1));
	sigfillset(&set);
	CHECK(sigprocmask(SIG_SETMASK, &set, NULL) == 0);
	sigprocmask(SIG_BLOCK, NULL, &set);
	printf("everything blocked: KILL %d STOP %d\n", sigismember(&set, SIGKILL), sigismember(&set, SIGSTOP));
	CHECK_ERR(syscall(SYS_rt_sigprocmask, 7, &set, NULL, 8), EINVAL);
	CHECK_ERR(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 4), EINVAL);
}

static void reset_hand(void)
{
	struct sigaction old;

	set_handler(SIGUSR1, on_signal, SA_RESETHAND, NULL);
	raise(SIGUSR1);
	CHECK(sigaction(SIGUSR1, NULL, &old) == 0);
	printf("SA_RESETHAND: ran %d, now SIG_DFL %d\n", got[SIGUSR1], old.sa_handler == SIG_DFL);
}

static char altstack[65536];
static volatile int on_alt, alt_flags, alt_eperm;

static void on_altstack(int sig)
{
	stack_t now, try = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	char here;

	(void)sig;
	on_alt = &here >= altstack && &here < altstack + sizeof(altstack);
	sigaltstack(NULL, &now);
	alt_flags = now.ss_flags;
	alt_eperm = sigaltstack(&try, NULL) == -1 && errno == EPERM;
}

static void alternate_stack(void)
{
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) }, old;

	CHECK(sigaltstack(NULL, &old) == 0);
	printf("at first: flags %d size %zu\n", old.ss_flags, old.ss_size);
	/* The kernel's checks, past musl's own (it reads ss itself). */
	CHECK_ERR(syscall(SYS_sigaltstack, &(stack_t){ .ss_sp = altstack, .ss_size = 100 }, NULL), ENOMEM);
	CHECK_ERR(syscall(SYS_sigaltstack, &(stack_t){ .ss_sp = altstack, .ss_size = sizeof(altstack), .ss_flags = 4 },
			  NULL), EINVAL);
	CHECK_ERR(syscall(SYS_sigaltstack, (stack_t *)8, NULL), EFAULT);
	CHECK_ERR(syscall(SYS_sigaltstack, NULL, (stack_t *)8), EFAULT);
	CHECK(sigaltstack(&ss, NULL) == 0);
	set_handler(SIGUSR1, on_altstack, SA_ONSTACK, NULL);
	raise(SIGUSR1);
	printf("SA_ONSTACK: on it %d, flags there %d, changing it there EPERM %d\n", on_alt, alt_flags, alt_eperm);
	set_handler(SIGUSR1, on_altstack, 0, NULL);
	raise(SIGUSR1);
	printf("without SA_ONSTACK: on it %d, flags %d\n", on_alt, alt_flags);
	CHECK(sigaltstack(NULL, &old) == 0);
	printf("after: flags %d, the same stack %d\n", old.ss_flags, old.ss_sp == altstack);
	CHECK(sigaltstack(&(stack_t){ .ss_flags = SS_DISABLE }, NULL) == 0 && sigaltstack(NULL, &old) == 0);
	printf("disabled: flags %d size %zu\n", old.ss_flags, old.ss_size);
}

/* The letter of process pid's State line in /proc (R, S, T, Z). */
static char state_of(pid_t pid)
{
	char path[64], line[128], state = '?';
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	CHECK(f != NULL);
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "State:", 6) == 0)
			sscanf(line + 6, " %c", &state);
	fclose(f);
	return state;
}

/* Wait until process pid sleeps (its /proc status says S). */
static void wait_sleeping(pid_t pid)
{
	char path[64], line[128];

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	for (;;) {
		FILE *f = fopen(path, "r");
		int sleeping = 0;

		CHECK(f != NULL);
		while (fgets(line, sizeof(line), f))
			if (strncmp(line, "State:", 6) == 0)
				sleeping = strchr(line, 'S') != NULL;
		fclose(f);
		if (sleeping)
			return;
		sched_yield();
	}
}

/* A child that signals us once we sleep, then writes a byte to fd. */
static pid_t signal_when_asleep(int sig, int fd)
{
	pid_t parent = getpid(), pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		wait_sleeping(parent);
		kill(parent, sig);
		if (fd >= 0) {
			wait_sleeping(parent);
			CHECK(write(fd, "x", 1) == 1);
		}
		_exit(0);
	}
	return pid;
}

static void interrupted_calls(void)
{
	int p[2], status;
	char c;
	long r;
	pid_t pid;

	CHECK(pipe(p) == 0);
	set_handler(SIGUSR1, on_signal, 0, NULL);
	pid = signal_when_asleep(SIGUSR1, -1);
	r = read(p[0], &c, 1);
	printf("read, no SA_RESTART: %ld errno %d, handled %d\n", r, errno, got[SIGUSR1]);
	CHECK(waitpid(pid, &status, 0) == pid);
	set_handler(SIGUSR1, on_signal, SA_RESTART, NULL);
	pid = signal_when_asleep(SIGUSR1, p[1]);
	r = read(p[0], &c, 1);
	printf("read, SA_RESTART: %ld (%c), handled %d\n", r, r == 1 ? c : '-', got[SIGUSR1]);
	CHECK(waitpid(pid, &status, 0) == pid);
	pid = signal_when_asleep(SIGUSR1, -1);
	r = pause();
	printf("pause: %ld errno %d, handled %d\n", r, errno, got[SIGUSR1]);
	CHECK(waitpid(pid, &status, 0) == pid);

	/* wait4 with SA_RESTART goes on waiting; the child ends it. */
	pid = signal_when_asleep(SIGUSR1, -1);
	r = waitpid(pid, &status, 0);
	printf("waitpid, SA_RESTART: the child %d, handled %d\n", r == pid, got[SIGUSR1]);
	CHECK(close(p[0]) == 0 && close(p[1]) == 0);
}

static void suspend(void)
{
	sigset_t wait_mask, now;
	pid_t pid;
	int status;
	long r;

	set_handler(SIGUSR1, on_signal, 0, NULL);
	block(SIGUSR1, SIG_BLOCK);
	raise(SIGUSR1);
	printf("blocked and pending: handled %d\n", got[SIGUSR1]);
	sigemptyset(&wait_mask);
	r = sigsuspend(&wait_mask);
	sigprocmask(SIG_BLOCK, NULL, &now);
	printf("sigsuspend: %ld errno %d, handled %d, blocked again %d\n", r, errno, got[SIGUSR1],
	       sigismember(&now, SIGUSR1));
	pid = signal_when_asleep(SIGUSR1, -1);
	r = sigsuspend(&wait_mask);
	printf("and once more, from another process: %ld errno %d, handled %d\n", r, errno, got[SIGUSR1]);
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK_ERR(syscall(SYS_rt_sigsuspend, &wait_mask, 4), EINVAL);
	CHECK_ERR(syscall(SYS_rt_sigsuspend, (void *)8, 8), EFAULT);
}

/* ---- faults ---- */

static char *pages;
static volatile int faults, fault_code, fault_at_page;

static void on_segv(int sig, siginfo_t *info, void *uc)
{
	char *page = (char *)((uintptr_t)info->si_addr & ~(uintptr_t)(PAGE - 1));

	(void)sig, (void)uc;
	faults++;
	fault_code = info->si_code;
	fault_at_page = (int)((page - pages) / PAGE);
	/* Demand paging: give the page access, fill it, and retry. */
	CHECK(mprotect(page, PAGE, PROT_READ | PROT_WRITE) == 0);
	for (unsigned i = 0; i < PAGE; i++)
		page[i] = (char)(fault_at_page * 7 + i % 251);
}

static void demand_paging_in_user_space(void)
{
	unsigned sum = 0;

	pages = mmap(NULL, 16 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(pages != MAP_FAILED);
	set_info_handler(SIGSEGV, on_segv, 0);
	for (int round = 0; round < 2; round++)
		for (int i = 15; i >= 0; i -= 3)
			sum += (unsigned char)pages[i * PAGE + 100 + round];
	printf("faults %d (last on page %d, si_code %d), checksum %u\n", faults, fault_at_page, fault_code, sum);
	CHECK(mprotect(pages, 16 * PAGE, PROT_READ) == 0);
	pages[3 * PAGE] = 1;
	printf("a write to a read-only page: si_code %d (SEGV_ACCERR), faults %d\n", fault_code, faults);
}

static volatile uintptr_t bad_addr_seen;

static void on_segv_skip(int sig, siginfo_t *info, void *ucv)
{
	ucontext_t *uc = ucv;

	(void)sig;
	bad_addr_seen = (uintptr_t)info->si_addr;
	fault_code = info->si_code;
	uc->uc_mcontext.gregs[REG_EIP] += 2;    /* past "movl (%eax), %eax" (8b 00) */
	uc->uc_mcontext.gregs[REG_EAX] = 77;
}

static void fault_codes(void)
{
	long v;

	set_info_handler(SIGSEGV, on_segv_skip, 0);
	__asm__ volatile("movl (%%eax), %%eax" : "=a"(v) : "a"(0x1234));
	printf("unmapped: si_addr %#lx, si_code %d (SEGV_MAPERR), eax after %ld\n", (unsigned long)bad_addr_seen,
	       fault_code, v);
	__asm__ volatile("movl (%%eax), %%eax" : "=a"(v) : "a"(0xc0001000));
	printf("the kernel's half: si_addr %#lx, si_code %d\n", (unsigned long)bad_addr_seen, fault_code);
}

static void on_bus(int sig, siginfo_t *info, void *uc)
{
	(void)sig, (void)uc;
	printf("SIGBUS: si_code %d (BUS_ADRERR), on page %d of the mapping\n", info->si_code,
	       (int)(((char *)info->si_addr - pages) / PAGE));
	fflush(stdout);
	_exit(0);
}

static void bus_past_the_end(void)
{
	int fd = open("/tmp/sigbus", O_CREAT | O_RDWR | O_TRUNC, 0644);
	pid_t pid;
	int status;

	CHECK(fd >= 0 && write(fd, "x", 1) == 1);
	pages = mmap(NULL, 4 * PAGE, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(pages != MAP_FAILED && unlink("/tmp/sigbus") == 0);
	fflush(stdout);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		set_info_handler(SIGBUS, on_bus, 0);
		(void)*(volatile char *)(pages + 2 * PAGE);
		_exit(1);
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	printf("the child's handler ran: exit %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	CHECK(close(fd) == 0);
}

/* ---- registers and FPU state ---- */

static void on_usr1_eax(int sig, siginfo_t *info, void *ucv)
{
	ucontext_t *uc = ucv;

	(void)sig, (void)info;
	uc->uc_mcontext.gregs[REG_EAX] = 42;    /* kill's result, as it returns */
}

static volatile unsigned handler_mxcsr;

static void on_usr1_fpu(int sig)
{
	unsigned m;

	(void)sig;
	__asm__ volatile("stmxcsr %0" : "=m"(m));
	handler_mxcsr = m;
	m = (m & ~0x6000u) | 0x2000u;           /* round down, here only */
	__asm__ volatile("ldmxcsr %0" : : "m"(m));
}

static void registers_and_fpu(void)
{
	unsigned m = 0x1f80 | 0x6000;           /* round toward zero */

	set_info_handler(SIGUSR1, on_usr1_eax, 0);
	printf("kill's result as the handler left it: %ld\n", syscall(SYS_kill, getpid(), SIGUSR1));
	set_handler(SIGUSR1, on_usr1_fpu, 0, NULL);
	__asm__ volatile("ldmxcsr %0" : : "m"(m));
	raise(SIGUSR1);
	__asm__ volatile("stmxcsr %0" : "=m"(m));
	printf("MXCSR in the handler %#x, after it %#x\n", handler_mxcsr, m);
}

/* ---- frames that cannot be, and default actions ---- */

static void forged_frame(void)
{
	static uint32_t garbage[256];

	for (int i = 0; i < 256; i++)
		garbage[i] = 0xdeadbeef;
	__asm__ volatile("movl %0, %%esp; movl $173, %%eax; int $0x80" : : "r"(garbage + 128) : "eax", "memory");
}

static void plain_forged_frame(void)
{
	static uint32_t zeros[256];

	__asm__ volatile("movl %0, %%esp; movl $119, %%eax; int $0x80" : : "r"(zeros + 128) : "eax", "memory");
}

/* cli, then exit(0): a process may run it only with IOPL 3. */
__asm__(".text\n.globl cli_then_exit\ncli_then_exit:\ncli\nmov $1,%eax\nxor %ebx,%ebx\nint $0x80\n");
void cli_then_exit(void);

static uint32_t iopl_frame[256];

/* A frame whose eflags ask for IOPL 3, returning to cli_then_exit; rt
 * selects rt_sigreturn (its sigcontext 160 bytes above esp) or
 * sigreturn (at esp). */
static void iopl_from(int rt)
{
	uint32_t *sc = rt ? iopl_frame + 40 : iopl_frame + 64, cs, ds;

	__asm__ volatile("movl %%cs, %0; movl %%ds, %1" : "=r"(cs), "=r"(ds));
	sc[2] = sc[3] = ds;                     /* es, ds: the kernel's own */
	sc[14] = (uint32_t)cli_then_exit;       /* eip */
	sc[15] = cs;
	sc[16] = 0x3202;                        /* eflags: IOPL 3, IF */
	sc[18] = ds;                            /* ss */
	__asm__ volatile("movl %0, %%esp\n\tint $0x80" : : "r"(rt ? iopl_frame : iopl_frame + 64),
			 "a"(rt ? 173 : 119) : "memory");
}

static void iopl_rt(void) { iopl_from(1); }
static void iopl_plain(void) { iopl_from(0); }

static void no_room_for_the_frame(void)
{
	set_handler(SIGUSR1, on_signal, 0, NULL);
	__asm__ volatile("movl $16, %%esp; movl $37, %%eax; int $0x80"
			 : : "b"(getpid()), "c"(SIGUSR1) : "eax", "memory");
}

static void usr1_by_default(void)
{
	raise(SIGUSR1);
}

static void usr1_twice(void)
{
	raise(SIGUSR1);
	raise(SIGUSR1);
}

static void frames_and_defaults(void)
{
	printf("rt_sigreturn of garbage: signal %d\n", signal_of(forged_frame));
	printf("sigreturn of zeros: signal %d\n", signal_of(plain_forged_frame));
	printf("no stack for the frame: signal %d\n", signal_of(no_room_for_the_frame));
	printf("a frame asking for IOPL 3, then cli: rt_sigreturn signal %d, sigreturn signal %d\n",
	       signal_of(iopl_rt), signal_of(iopl_plain));
	printf("SIGUSR1 by default: signal %d\n", signal_of(usr1_by_default));
	set_handler(SIGUSR1, on_signal, SA_RESETHAND, NULL);
	printf("a second one after SA_RESETHAND: signal %d\n", signal_of(usr1_twice));
}

/* ---- SIGCHLD ---- */

static volatile int chld_code, chld_status, chld_pid;

static void on_chld(int sig, siginfo_t *info, void *uc)
{
	(void)sig, (void)uc;
	chld_code = info->si_code;
	chld_status = info->si_status;
	chld_pid = info->si_pid;
}

static void child_signals(void)
{
	int status;
	pid_t pid;

	set_info_handler(SIGCHLD, on_chld, SA_RESTART);
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(3);
	CHECK(waitpid(pid, &status, 0) == pid);
	printf("a child exits 3: si_code %d, si_status %d, its pid %d\n", chld_code, chld_status, chld_pid == pid);
	pid = fork();
	if (pid == 0) {
		raise(SIGKILL);
		_exit(0);
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	printf("a child killed: si_code %d, si_status %d\n", chld_code, chld_status);
}

/* A child that waits for signals for ever; in its own group if asked
 * (set by the parent alone, so that nothing races with later moves). */
static pid_t sleeper(bool own_group)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		for (;;)
			pause();
	if (own_group)
		CHECK(setpgid(pid, pid) == 0);
	return pid;
}

static volatile int chld_count;

static void on_chld_count(int sig, siginfo_t *info, void *uc)
{
	(void)sig, (void)uc;
	chld_count++;
	chld_code = info->si_code;
	chld_status = info->si_status;
}

static void stop_and_continue(void)
{
	siginfo_t si;
	int status;
	pid_t pid;

	set_info_handler(SIGCHLD, on_chld_count, SA_RESTART);
	pid = sleeper(false);
	CHECK(kill(pid, SIGSTOP) == 0);
	CHECK(waitpid(pid, &status, WUNTRACED) == pid);
	printf("stopped: WIFSTOPPED %d, signal %d; SIGCHLD code %d status %d\n", WIFSTOPPED(status),
	       WSTOPSIG(status), chld_code, chld_status);
	printf("reported once: %d\n", (int)waitpid(pid, &status, WUNTRACED | WNOHANG));
	printf("its /proc state: %c\n", state_of(pid));
	CHECK(kill(pid, SIGCONT) == 0);
	CHECK(waitpid(pid, &status, WCONTINUED) == pid);
	printf("continued: WIFCONTINUED %d\n", WIFCONTINUED(status));  /* its SIGCHLD comes when it runs */
	memset(&si, 0xff, sizeof(si));
	CHECK(waitid(P_PID, pid, &si, WSTOPPED | WNOHANG) == 0);
	printf("waitid, nothing to say: si_pid %d\n", si.si_pid);
	CHECK(kill(pid, SIGSTOP) == 0);
	CHECK(waitid(P_PID, pid, &si, WSTOPPED | WNOWAIT) == 0);
	printf("waitid WNOWAIT: si_code %d si_status %d, the pid %d\n", si.si_code, si.si_status, si.si_pid == pid);
	CHECK(waitid(P_PID, pid, &si, WSTOPPED) == 0);
	printf("again without it: si_code %d\n", si.si_code);
	CHECK(kill(pid, SIGKILL) == 0 && waitpid(pid, &status, 0) == pid);
	printf("killed while stopped: WIFSIGNALED %d signal %d\n", WIFSIGNALED(status), WTERMSIG(status));
	CHECK_ERR(waitid(P_PID, pid, &si, 0), EINVAL);
	CHECK_ERR(waitid(7, 0, &si, WEXITED), EINVAL);

	/* SA_NOCLDSTOP: no SIGCHLD for a stop, one for the end. */
	set_info_handler(SIGCHLD, on_chld_count, SA_RESTART | SA_NOCLDSTOP);
	chld_count = 0;
	pid = sleeper(false);
	CHECK(kill(pid, SIGSTOP) == 0 && waitpid(pid, &status, WUNTRACED) == pid);
	printf("SA_NOCLDSTOP: SIGCHLD for the stop %d, ", chld_count);
	CHECK(kill(pid, SIGKILL) == 0 && waitpid(pid, &status, 0) == pid);
	printf("for the end %d\n", chld_count);

	/* SIGTSTP stops a child in a group of its own; in ours, which is
	 * orphaned (its parents are init's children), it is dropped. */
	pid = sleeper(true);
	CHECK(kill(pid, SIGTSTP) == 0 && waitpid(pid, &status, WUNTRACED) == pid);
	printf("TSTP, own group: stopped %d by %d\n", WIFSTOPPED(status), WSTOPSIG(status));
	CHECK(kill(pid, SIGKILL) == 0 && waitpid(pid, &status, 0) == pid);
	pid = sleeper(false);
	CHECK(kill(pid, SIGTSTP) == 0);
	sched_yield();
	printf("TSTP, orphaned group: %d\n", (int)waitpid(pid, &status, WUNTRACED | WNOHANG));
	CHECK(kill(pid, SIGKILL) == 0 && waitpid(pid, &status, 0) == pid);
}

static void groups_and_sessions(void)
{
	pid_t pid, other;
	int status, p[2];
	char c;

	printf("getpgrp is getpgid(0) %d, getsid(0) is ours %d\n", getpgrp() == getpgid(0),
	       getsid(0) == getsid(getpid()));
	CHECK_ERR(getpgid(999999), ESRCH);
	CHECK_ERR(getsid(999999), ESRCH);
	CHECK_ERR(setpgid(0, -1), EINVAL);
	CHECK_ERR(setpgid(999999, 0), ESRCH);
	CHECK_ERR(setpgid(1, 1), ESRCH);        /* not ours */
	pid = sleeper(true);
	printf("a child in its own group: %d\n", getpgid(pid) == pid);
	CHECK_ERR(setpgid(pid, 999999), EPERM);
	CHECK(setpgid(pid, getpgrp()) == 0);    /* ours is init's, 0: "its own" */
	printf("setpgid to our group %d: back in ours %d, in its own %d\n", getpgrp(), getpgid(pid) == getpgrp(),
	       getpgid(pid) == pid);
	CHECK(setpgid(pid, pid) == 0);
	other = sleeper(false);
	CHECK(setpgid(other, pid) == 0);        /* into the child's group */
	CHECK(kill(-pid, SIGTERM) == 0);
	CHECK(waitpid(pid, &status, 0) == pid);
	printf("kill(-group): the first %d, ", WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
	CHECK(waitpid(other, &status, 0) == other);
	printf("the second %d\n", WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
	CHECK_ERR(kill(-999999, 0), ESRCH);
	CHECK(kill(0, 0) == 0);

	/* setsid: a session and a group; its leader cannot change group. */
	CHECK(pipe(p) == 0);
	fflush(stdout);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		pid_t s = setsid();

		c = (char)('0' + (s == getpid()) + 2 * (getsid(0) == getpid()) + 4 * (getpgrp() == getpid()));
		c += (char)(8 * (setpgid(0, 0) == -1 && errno == EPERM));
		CHECK(write(p[1], &c, 1) == 1);
		_exit(0);
	}
	CHECK(read(p[0], &c, 1) == 1 && waitpid(pid, &status, 0) == pid);
	printf("setsid in a child: flags %d (15: its session, its group, and setpgid EPERM)\n", c - '0');
	pid = sleeper(true);
	fflush(stdout);
	other = fork();
	if (other == 0) {
		setpgid(0, 0);
		_exit(setsid() == -1 && errno == EPERM ? 0 : 1);
	}
	CHECK(waitpid(other, &status, 0) == other);
	printf("setsid of a group leader: EPERM %d\n", WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(kill(pid, SIGKILL) == 0 && waitpid(pid, &status, 0) == pid);
	CHECK(close(p[0]) == 0 && close(p[1]) == 0);
}

/* SIGCHLD set to SIG_IGN, or SA_NOCLDWAIT: children are reaped as they
 * end, and a wait finds none (ECHILD once they are gone). */
static void children_nobody_waits_for(void)
{
	pid_t pid;

	set_handler(SIGCHLD, SIG_IGN, 0, NULL);
	fflush(stdout);
	for (int i = 0; i < 3; i++) {
		pid = fork();
		if (pid == 0)
			_exit(i);
	}
	report("SIG_IGN: wait", wait(NULL));
	chld_count = 0;
	set_info_handler(SIGCHLD, on_chld_count, SA_NOCLDWAIT | SA_RESTART);
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(5);
	report("SA_NOCLDWAIT: wait", wait(NULL));
	printf("and its SIGCHLD came: %d, code %d status %d\n", chld_count, chld_code, chld_status);
}

static void timed_waits(void)
{
	struct timespec zero = { 0, 0 }, short_time = { 0, 20000000 }, bad = { 0, 1000000000 };
	sigset_t set;
	siginfo_t si;
	pid_t pid;
	int status, sig;

	set_handler(SIGUSR1, on_signal, 0, NULL);
	set_handler(SIGUSR2, on_signal, 0, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
	raise(SIGUSR1);
	sig = sigtimedwait(&set, &si, NULL);
	printf("pending already: %d, si_code %d, the handler did not run: %d\n", sig, si.si_code, got[SIGUSR1]);
	report("nothing pending, no time", sigtimedwait(&set, &si, &zero));
	report("nothing pending, 20 ms", sigtimedwait(&set, &si, &short_time));
	report("a bad timeout", sigtimedwait(&set, &si, &bad));
	report("a bad set size", syscall(SYS_rt_sigtimedwait, &set, &si, NULL, 4));
	pid = signal_when_asleep(SIGUSR1, -1);
	sig = sigwaitinfo(&set, &si);
	printf("from another process: %d, si_pid is the child's %d\n", sig, si.si_pid == pid);
	CHECK(waitpid(pid, &status, 0) == pid);
	/* The system call itself: musl's sigwaitinfo waits again on EINTR. */
	pid = signal_when_asleep(SIGUSR2, -1);
	report("another signal, handled", syscall(SYS_rt_sigtimedwait, &set, &si, NULL, 8));
	printf("its handler ran %d\n", got[SIGUSR2]);
	CHECK(waitpid(pid, &status, 0) == pid);
	raise(SIGUSR1);
	CHECK(sigwait(&set, &sig) == 0);
	printf("sigwait: %d\n", sig);
}

static int tty_fd = -1;

/* Through /dev/tty: a read through /dev/console is never stopped. */
static void read_tty(void)
{
	char c;

	(void)read(tty_fd, &c, 1);
}

static void take_foreground(void)
{
	_exit(tcsetpgrp(tty_fd, getpgrp()) == 0 ? 7 : 8);
}

static void take_foreground_ignoring(void)
{
	signal(SIGTTOU, SIG_IGN);
	_exit(tcsetpgrp(tty_fd, getpgrp()) == 0 ? 7 : 8);
}

static void steal_terminal(void)
{
	setsid();
	_exit(ioctl(0, TIOCSCTTY, 0) == -1 && errno == EPERM ? 7 : 8);
}

/* The console as a controlling terminal: a session leader takes it with
 * TIOCSCTTY; its background jobs are stopped for reading it (SIGTTIN)
 * and for taking the foreground (SIGTTOU, unless ignored); no other
 * session can take it while the leader lives. */
static void controlling_terminal(void)
{
	pid_t pid;
	int status;

	report("TIOCSCTTY, not a session leader", ioctl(0, TIOCSCTTY, 0));
	report("tcgetpgrp with no terminal", tcgetpgrp(0));
	report("tcgetsid with no terminal", tcgetsid(0));
	report("/dev/tty with no terminal", open("/dev/tty", O_RDWR));
	fflush(stdout);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		CHECK(setsid() == getpid());
		report("TIOCSCTTY by a session leader", ioctl(0, TIOCSCTTY, 0));
		printf("foreground is ours %d, session is ours %d\n", tcgetpgrp(0) == getpgrp(),
		       tcgetsid(0) == getpid());
		tty_fd = open("/dev/tty", O_RDWR);
		report("and /dev/tty opens", tty_fd);
		show_job("a background read of /dev/tty", read_tty);
		show_job("a background tcsetpgrp", take_foreground);
		show_job("the same, SIGTTOU ignored", take_foreground_ignoring);
		show_job("another session's TIOCSCTTY", steal_terminal);
		report("tcsetpgrp to a group that is not", tcsetpgrp(0, 999999));
		report("tcsetpgrp to ours again", tcsetpgrp(0, getpgrp()));
		fflush(stdout);
		_exit(0);
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	printf("the leader's end: exit %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

/* Real-time signals are queued once for each sending, with its value, and
 * delivered lowest first after the standard ones; past RLIMIT_SIGPENDING
 * sigqueue fails with EAGAIN while kill still goes through. */
static volatile int rt_seen[16], rt_count;

static void on_rt(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (rt_count < 16)
		rt_seen[rt_count++] = (sig >= SIGRTMIN ? sig - SIGRTMIN : 100 + sig) * 100 + si->si_value.sival_int;
}

static void queue_one(int sig, int value)
{
	union sigval v = { .sival_int = value };

	report("  sigqueue", sigqueue(getpid(), sig, v));
}

static void real_time_queues(void)
{
	struct rlimit two = { 2, 2 };
	struct timespec zero = { 0, 0 };
	sigset_t set, pend;
	siginfo_t si;
	int sig;

	set_info_handler(SIGUSR1, on_rt, 0);
	set_info_handler(SIGRTMIN + 1, on_rt, 0);
	set_info_handler(SIGRTMIN + 2, on_rt, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGRTMIN + 1);
	sigaddset(&set, SIGRTMIN + 2);
	CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
	queue_one(SIGRTMIN + 2, 1);
	queue_one(SIGRTMIN + 1, 2);
	queue_one(SIGRTMIN + 1, 3);
	queue_one(SIGUSR1, 4);
	queue_one(SIGUSR1, 5);
	CHECK(sigpending(&pend) == 0);
	printf("pending: USR1 %d, RTMIN+1 %d, RTMIN+2 %d\n", sigismember(&pend, SIGUSR1),
	       sigismember(&pend, SIGRTMIN + 1), sigismember(&pend, SIGRTMIN + 2));
	CHECK(sigprocmask(SIG_UNBLOCK, &set, NULL) == 0);
	printf("delivered:");
	for (int i = 0; i < rt_count; i++)
		printf(" %d", rt_seen[i]);
	printf("\n");
	sig = SIGRTMIN + 3;
	sigemptyset(&set);
	sigaddset(&set, sig);
	CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
	CHECK(setrlimit(RLIMIT_SIGPENDING, &two) == 0);
	printf("RLIMIT_SIGPENDING 2:\n");
	queue_one(sig, 1);
	queue_one(sig, 2);
	queue_one(sig, 3);
	report("  kill", kill(getpid(), sig));
	while (sigtimedwait(&set, &si, &zero) == sig)
		printf("  taken: code %d value %d\n", si.si_code, si.si_code == SI_QUEUE ? si.si_value.sival_int : -1);
}

/* int3 and the trap flag: SIGTRAP as Linux sends them; an int the IDT
 * does not open to user mode is #GP, SIGSEGV. */
static volatile int traps;
static volatile long trap_code, trap_no, trap_err, trap_addr_is_eip, trap_eip;

static void on_trap(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	(void)sig;
	if (traps++ == 0) {
		trap_code = si->si_code;
		trap_no = uc->uc_mcontext.gregs[REG_TRAPNO];
		trap_err = uc->uc_mcontext.gregs[REG_ERR];
		trap_addr_is_eip = (long)si->si_addr == uc->uc_mcontext.gregs[REG_EIP];
		trap_eip = uc->uc_mcontext.gregs[REG_EIP];
	}
	if (traps >= 3)
		uc->uc_mcontext.gregs[REG_EFL] &= ~0x100L;      /* stop stepping */
}

static void on_gp(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	(void)sig;
	trap_code = si->si_code;
	trap_no = uc->uc_mcontext.gregs[REG_TRAPNO];
	trap_err = uc->uc_mcontext.gregs[REG_ERR];
	trap_addr_is_eip = si->si_addr == NULL;
	uc->uc_mcontext.gregs[REG_EIP] += 2;    /* past the int */
}

extern char after_int3[];

static __attribute__((noinline)) void do_int3(void)
{
	__asm__ volatile("int3\n.globl after_int3\nafter_int3:" ::: "memory");
}

static void show_trap(const char *what)
{
	printf("%s: %d trap(s), code %ld, trapno %ld, err %#lx, %s\n", what, traps, trap_code, trap_no,
	       trap_err, trap_addr_is_eip ? "si_addr as expected" : "si_addr differs");
}

static void traps_and_trap_flag(void)
{
	set_info_handler(SIGTRAP, on_trap, 0);
	do_int3();
	show_trap("int3");
	printf("  the saved eip is past it: %d\n", trap_eip == (long)after_int3);
	traps = 0;
	__asm__ volatile("pushf\n\torl $0x100, (%%esp)\n\tpopf\n\tnop\n\tnop\n\tnop\n\tnop\n\tnop\n\tnop"
			 ::: "memory", "cc");
	show_trap("the trap flag");
	traps = 0;
	set_info_handler(SIGSEGV, on_gp, 0);
	__asm__ volatile("int $0x10" ::: "memory");
	show_trap("int $0x10");
}

/* i386's calls of before real-time signals, by number (glibc and musl
 * never make them; older libcs do). */
#define NR_signal       48
#define NR_sigaction    67
#define NR_sgetmask     68
#define NR_ssetmask     69
#define NR_sigsuspend   72
#define NR_sigpending   73
#define NR_sigprocmask  126

struct old_sigaction {
	void (*handler)(int);
	unsigned long mask, flags;
	void (*restorer)(void);
};

static volatile int usr2_blocked_inside = -1;

static void on_usr2_look(int sig)
{
	sigset_t now;

	got[sig]++;
	sigprocmask(SIG_SETMASK, NULL, &now);
	usr2_blocked_inside = sigismember(&now, SIGUSR2);
}

static uint64_t mask64(void)
{
	uint64_t m = 0;

	CHECK(syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &m, 8) == 0);
	return m;
}

/* The old calls against Linux: their 32-bit sets, signal()'s one-shot
 * handler that does not block itself, and their error paths. */
static void old_calls(void)
{
	struct old_sigaction oa = { on_signal, 1ul << (SIGUSR2 - 1), 0, NULL }, back;
	unsigned long set = 1ul << (SIGUSR1 - 1), pend = 0;
	uint64_t rt = 1ull << (SIGRTMIN + 2 - 1);

	CHECK_ERR(syscall(NR_sigaction, SIGKILL, &oa, NULL), EINVAL);
	CHECK_ERR(syscall(NR_sigaction, SIGUSR1, 8, NULL), EFAULT);
	CHECK_ERR(syscall(NR_sigaction, 0, NULL, &back), EINVAL);
	CHECK(syscall(NR_sigaction, SIGUSR1, &oa, NULL) == 0);
	CHECK(syscall(NR_sigaction, SIGUSR1, NULL, &back) == 0);
	printf("sigaction: the handler back %d, its mask %#lx, flags %#lx\n", back.handler == on_signal,
	       back.mask, back.flags);
	CHECK(kill(getpid(), SIGUSR1) == 0);
	printf("  SIGUSR1 handled: %d\n", got[SIGUSR1]);
	printf("signal(SIGUSR2): the old handler is SIG_DFL: %d\n",
	       syscall(NR_signal, SIGUSR2, on_usr2_look) == (long)SIG_DFL);
	printf("  again: the old one is ours: %d\n", syscall(NR_signal, SIGUSR2, on_usr2_look) == (long)on_usr2_look);
	CHECK(kill(getpid(), SIGUSR2) == 0);
	CHECK(syscall(NR_sigaction, SIGUSR2, NULL, &back) == 0);
	printf("  handled %d time(s), not blocked inside: %d, then SIG_DFL again: %d\n", got[SIGUSR2],
	       usr2_blocked_inside == 0, back.handler == SIG_DFL);
	CHECK_ERR(syscall(NR_signal, SIGKILL, SIG_IGN), EINVAL);
	CHECK_ERR(syscall(NR_signal, 65, SIG_IGN), EINVAL);
	CHECK(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &rt, NULL, 8) == 0);
	CHECK(syscall(NR_sigprocmask, SIG_BLOCK, &set, NULL) == 0);
	printf("sigprocmask(SIG_BLOCK, SIGUSR1): in the 64-bit mask: %d\n", (mask64() & set) != 0);
	CHECK(syscall(NR_sigprocmask, SIG_SETMASK, &(unsigned long){ 0 }, &pend) == 0);
	printf("  SIG_SETMASK 0: the old set was %#lx; SIGRTMIN+2 still blocked: %d\n", pend,
	       (mask64() & rt) != 0);
	CHECK_ERR(syscall(NR_sigprocmask, 3, &set, NULL), EINVAL);
	CHECK_ERR(syscall(NR_sigprocmask, SIG_BLOCK, 8, NULL), EFAULT);
	CHECK_ERR(syscall(NR_sigprocmask, SIG_BLOCK, NULL, 8), EFAULT);
	CHECK(syscall(NR_ssetmask, set | (1ul << (SIGKILL - 1))) == 0);
	printf("ssetmask(SIGUSR1 and SIGKILL): sgetmask says %#lx; SIGRTMIN+2 unblocked: %d\n",
	       (unsigned long)syscall(NR_sgetmask), (mask64() & rt) == 0);
	CHECK(kill(getpid(), SIGUSR1) == 0);
	CHECK(syscall(NR_sigpending, &pend) == 0);
	printf("sigpending: SIGUSR1 pending while blocked: %d\n", (pend & set) != 0);
	CHECK_ERR(syscall(NR_sigpending, 8), EFAULT);
	CHECK_ERR(syscall(NR_sigsuspend, 0, 0, 0), EINTR);
	printf("sigsuspend with an empty mask: EINTR, SIGUSR1 handled: %d; the mask back: %#lx\n", got[SIGUSR1],
	       (unsigned long)syscall(NR_sgetmask));
}

/* A word the core file must hold, at its address in a PT_LOAD. */
static volatile uint32_t core_marker = 0x41444750;

static volatile int *volatile null_page = (int *)8;

static void segv_now(void)
{
	core_marker = 0x41444750;
	*null_page = 1;
}

/* What the core file in the working directory says, from its ELF header,
 * its NT_PRSTATUS note and the PT_LOAD that holds core_marker; removed. */
static void show_core(pid_t pid)
{
	static unsigned char buf[1 << 20];
	int fd = open("core", O_RDONLY);
	ssize_t n;
	uint32_t phoff, i, found = 0;
	uint16_t phnum;

	if (fd < 0) {
		printf("  no core file (errno %d)\n", errno);
		return;
	}
	n = read(fd, buf, sizeof(buf));
	close(fd);
	CHECK(unlink("core") == 0);
	CHECK(n >= 52);
	memcpy(&phoff, buf + 28, 4);
	memcpy(&phnum, buf + 44, 2);
	printf("  core file: ELF %d, type %d, machine %d, %s program headers\n",
	       memcmp(buf, "\177ELF", 4) == 0, buf[16], buf[18], phnum > 1 ? "several" : "too few");
	for (i = 0; i < phnum && phoff + (i + 1) * 32 <= (uint32_t)n; i++) {
		uint32_t *ph = (uint32_t *)(buf + phoff + i * 32);

		if (ph[0] == 4 /* PT_NOTE */ && ph[1] + 12 <= (uint32_t)n) {
			uint32_t *nh = (uint32_t *)(buf + ph[1]), off = ph[1] + 12 + ((nh[0] + 3) & ~3u);

			if (nh[2] == 1 /* NT_PRSTATUS */ && off + 28 <= (uint32_t)n)
				printf("  first note: NT_PRSTATUS \"%s\", signal %d, pid is the child's %d\n",
				       (char *)(nh + 3), *(int16_t *)(buf + off + 12),
				       *(int32_t *)(buf + off + 24) == pid);
		}
		if (ph[0] == 1 /* PT_LOAD */ && ph[2] <= (uint32_t)&core_marker &&
		    (uint32_t)&core_marker + 4 <= ph[2] + ph[4] && ph[1] + ph[4] <= (uint32_t)n)
			found = *(uint32_t *)(buf + ph[1] + ((uint32_t)&core_marker - ph[2]));
	}
	printf("  the marker in the PT_LOAD that covers it: %s\n", found == 0x41444750 ? "yes" : "no");
}

/* A "core" default action: with RLIMIT_CORE 0 (the default) nothing is
 * written and the status has no core flag; with room, a core file in the
 * working directory, the flag in the status and CLD_DUMPED. */
static void core_dumps(void)
{
	struct rlimit rl;
	siginfo_t si;
	int status;
	pid_t pid;

	CHECK(getrlimit(RLIMIT_CORE, &rl) == 0);
	printf("RLIMIT_CORE at first: %ld\n", (long)rl.rlim_cur);
	CHECK(mkdir("/tmp/coredir", 0755) == 0 && chdir("/tmp/coredir") == 0);
	status = status_of(segv_now);
	printf("limit 0: signal %d, core flag %d\n", WTERMSIG(status), WCOREDUMP(status) != 0);
	show_core(0);
	rl.rlim_cur = 1;
	CHECK(setrlimit(RLIMIT_CORE, &rl) == 0);
	status = status_of(segv_now);
	printf("limit 1 byte: signal %d, core flag %d\n", WTERMSIG(status), WCOREDUMP(status) != 0);
	show_core(0);
	rl.rlim_cur = RLIM_INFINITY;
	CHECK(setrlimit(RLIMIT_CORE, &rl) == 0);
	fflush(stdout);
	if ((pid = fork()) == 0) {
		segv_now();
		_exit(0);
	}
	CHECK(waitid(P_PID, pid, &si, WEXITED | WNOWAIT) == 0);
	printf("unlimited: si_code %d (CLD_DUMPED %d), si_status %d\n", si.si_code, CLD_DUMPED, si.si_status);
	CHECK(waitpid(pid, &status, 0) == pid);
	printf("  signal %d, core flag %d\n", WTERMSIG(status), WCOREDUMP(status) != 0);
	show_core(pid);
	CHECK(chdir("/") == 0 && rmdir("/tmp/coredir") == 0);
}

static const struct test_case cases[] = {
	CASE(handlers_run), CASE(sigaction_errors), CASE(old_calls), CASE(what_a_handler_is_told), CASE(masks_and_order), CASE(reset_hand),
	CASE(alternate_stack), CASE(interrupted_calls), CASE(suspend), CASE(demand_paging_in_user_space),
	CASE(fault_codes), CASE(bus_past_the_end), CASE(registers_and_fpu), CASE(frames_and_defaults),
	CASE(child_signals), CASE(stop_and_continue), CASE(groups_and_sessions), CASE(children_nobody_waits_for),
	CASE(timed_waits), CASE(controlling_terminal), CASE(real_time_queues), CASE(traps_and_trap_flag), CASE(core_dumps),
};

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	return RUN_CASES(cases);
}
