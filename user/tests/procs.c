/* fork, wait and clone: chains and fan-outs, a large process, wait4's
 * statuses and options, and clone's TID and TLS flags. */
#define _GNU_SOURCE
#include "check.h"
#include <sched.h>
#include <spawn.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>


/* Each process forks the next; the last exits with 1 and each adds 1 to
 * its child's status. */
static int chain(int depth)
{
	int status;
	pid_t pid;

	if (depth == 0)
		return 1;
	pid = fork();
	if (pid < 0)
		return 100;
	if (pid == 0)
		_exit(chain(depth - 1));
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return 100;
	return WEXITSTATUS(status) + 1;
}

static void fork_chain(void)
{
	printf("a chain of 20 forks: %d\n", chain(20));
}

/* 30 children at once, each exiting with its own number. */
static void fork_fan_out(void)
{
	int seen[30] = { 0 }, status;
	pid_t pids[30];

	for (int i = 0; i < 30; i++) {
		pids[i] = fork();
		CHECK(pids[i] >= 0);
		if (pids[i] == 0)
			_exit(i);
	}
	for (int i = 0; i < 30; i++) {
		pid_t pid = wait(&status);

		CHECK(pid > 0 && WIFEXITED(status));
		CHECK(pids[WEXITSTATUS(status)] == pid && !seen[WEXITSTATUS(status)]++);
	}
	CHECK_ERR(wait(&status), ECHILD);
}

/* 24 MiB written before fork: the child reads it all, changes every
 * 16th page, and the parent's copy is unchanged. */
static void fork_large(void)
{
	size_t len = 24u << 20;
	uint32_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t sum = 0, child_sum = 0;
	int status;
	pid_t pid;

	CHECK(p != MAP_FAILED);
	for (size_t i = 0; i < len / 4; i += PAGE / 4) {
		p[i] = (uint32_t)i;
		sum += i;
	}
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		for (size_t i = 0; i < len / 4; i += PAGE / 4)
			child_sum += p[i];
		for (size_t i = 0; i < len / 4; i += 16 * PAGE / 4)
			p[i] = 0;
		_exit(child_sum == sum ? 0 : 1);
	}
	CHECK(waitpid(pid, &status, 0) == pid && status == 0);
	for (size_t i = 0; i < len / 4; i += PAGE / 4)
		CHECK(p[i] == (uint32_t)i);
}

/* How wait4 encodes each ending. */
static void wait_statuses(void)
{
	static const int codes[] = { 0, 1, 255, 0x1234 };
	int status;
	pid_t pid;

	for (int i = 0; i < 4; i++) {
		pid = fork();
		CHECK(pid >= 0);
		if (pid == 0)
			_exit(codes[i]);
		CHECK(waitpid(pid, &status, 0) == pid);
		printf("_exit(%#x): status %#x\n", codes[i], status);
	}
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		for (;;)
			pause();
	CHECK(kill(pid, SIGKILL) == 0);
	CHECK(waitpid(pid, &status, 0) == pid);
	printf("SIGKILL: status %#x\n", status);
}

/* WNOHANG: 0 while the child runs; its status once it has ended. */
static void wait_nohang(void)
{
	int fds[2], status;
	char c;
	pid_t pid;

	CHECK(pipe(fds) == 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		_exit(read(fds[0], &c, 1) == 1 ? c : 99);
	}
	printf("WNOHANG while it runs: %d\n", (int)waitpid(pid, &status, WNOHANG));
	CHECK(write(fds[1], "\x05", 1) == 1);
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status));
	printf("then: exit status %d\n", WEXITSTATUS(status));
	CHECK_ERR(waitpid(pid, &status, WNOHANG), ECHILD);
}

/* ECHILD: no children at all, or not this one. */
static void wait_echild(void)
{
	int status;

	CHECK_ERR(waitpid(-1, &status, 0), ECHILD);
	CHECK_ERR(waitpid(-1, &status, WNOHANG), ECHILD);
	CHECK_ERR(waitpid(1, &status, 0), ECHILD);
	CHECK_ERR(wait4(-1, &status, 0x100, NULL), EINVAL);     /* an unknown option */
}

/* Waiting for one child in particular leaves the others. */
static void wait_specific(void)
{
	pid_t a, b;
	int status;

	a = fork();
	CHECK(a >= 0);
	if (a == 0)
		_exit(1);
	b = fork();
	CHECK(b >= 0);
	if (b == 0)
		_exit(2);
	CHECK(waitpid(b, &status, 0) == b && WEXITSTATUS(status) == 2);
	CHECK(waitpid(-1, &status, 0) == a && WEXITSTATUS(status) == 1);
}

/* wait4 fills in the child's resource usage (its fault count moves). */
static void wait4_rusage(void)
{
	struct rusage ru;
	int status;
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		char *p = mmap(NULL, 64 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		for (unsigned i = 0; i < 64; i++)
			p[i * PAGE] = 1;
		_exit(0);
	}
	memset(&ru, 0xff, sizeof(ru));
	CHECK(wait4(pid, &status, 0, &ru) == pid && status == 0);
	printf("child's minor faults: at least 64: %s\n", ru.ru_minflt >= 64 ? "yes" : "no");
}

/* clone without CLONE_VM is fork, with the TIDs written where asked. */
static void clone_settid(void)
{
	pid_t ptid = 0, ctid = 0, pid;
	int status;

	fflush(stdout);
	pid = (pid_t)syscall(SYS_clone, SIGCHLD | CLONE_PARENT_SETTID | CLONE_CHILD_SETTID, 0, &ptid, 0, &ctid);
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(ctid == (pid_t)syscall(SYS_gettid) && ptid == 0 ? 0 : 1);
	CHECK(waitpid(pid, &status, 0) == pid);
	printf("child saw its TID in ctid: %s; parent's ptid is the child: %s; parent's ctid untouched: %s\n",
	       status == 0 ? "yes" : "no", ptid == pid ? "yes" : "no", ctid == 0 ? "yes" : "no");
}

/* Linux's user_desc, for CLONE_SETTLS on i386. */
struct tls_desc {
	unsigned int entry_number, base_addr, limit;
	unsigned int seg_32bit : 1, contents : 2, read_exec_only : 1, limit_in_pages : 1,
		     seg_not_present : 1, useable : 1;
};

static uint32_t tls_block[4] = { 0x600df00d };

/* CLONE_SETTLS: the child's %gs segment starts at the new base. The child
 * must not touch the C library's TLS (errno): only raw system calls. */
static void clone_settls(void)
{
	struct tls_desc d = { 0, (unsigned int)(uintptr_t)tls_block, 0xfffff, 1, 0, 0, 1, 0, 1 };
	unsigned short gs;
	int status;
	pid_t pid;

	__asm__ volatile("movw %%gs, %0" : "=r"(gs));
	d.entry_number = gs >> 3;
	fflush(stdout);
	pid = (pid_t)syscall(SYS_clone, SIGCHLD | CLONE_SETTLS, 0, NULL, &d, NULL);
	CHECK(pid >= 0);
	if (pid == 0) {
		uint32_t v;

		__asm__ volatile("movl %%gs:0, %0" : "=r"(v));
		__asm__ volatile("int $0x80" : : "a"(SYS_exit_group), "b"(v == 0x600df00d ? 0 : 1));
		__builtin_unreachable();
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	printf("child read the new TLS block through %%gs: %s\n", status == 0 ? "yes" : "no");
}

/* getpid, getppid and gettid agree across a fork. */
static void ids(void)
{
	pid_t me = getpid(), pid;
	int status;

	CHECK(syscall(SYS_gettid) == me);
	fflush(stdout);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(getppid() == me && getpid() != me && syscall(SYS_gettid) == getpid() ? 0 : 1);
	CHECK(waitpid(pid, &status, 0) == pid && status == 0);
}

static volatile int shared_word;

/* vfork's child runs in its parent's memory while the parent waits;
 * posix_spawn and system (clone with CLONE_VM | CLONE_VFORK in both C
 * libraries) start programs, and report one that is not there. */
static void spawn_and_vfork(void)
{
	char *ok[] = { "sh", "-c", "exit 7", NULL }, *missing[] = { "nothing", NULL };
	extern char **environ;
	int status, r;
	pid_t pid;

	fflush(stdout);
	shared_word = 1;
	if ((pid = vfork()) == 0) {
		shared_word = 2;        /* the parent's own memory */
		_exit(5);
	}
	printf("vfork: the child's write is the parent's: %s\n", shared_word == 2 ? "yes" : "no");
	CHECK(waitpid(pid, &status, 0) == pid);
	printf("  and its exit status %d\n", WEXITSTATUS(status));
	r = posix_spawn(&pid, "/bin/sh", NULL, NULL, ok, environ);
	CHECK(r == 0 && waitpid(pid, &status, 0) == pid);       /* (its output first, whoever runs first) */
	printf("posix_spawn of sh -c 'exit 7': %d, its exit status %d\n", r, WEXITSTATUS(status));
	r = posix_spawn(&pid, "/bin/nothing", NULL, NULL, missing, environ);
	printf("posix_spawn of a program not there: %d\n", r);
	if (r == 0) {                   /* a C library may report it by the exit status */
		CHECK(waitpid(pid, &status, 0) == pid);
		printf("  its exit status %d\n", WEXITSTATUS(status));
	}
	fflush(stdout);
	status = system("exit 3");
	printf("system(\"exit 3\"): exit status %d\n", WEXITSTATUS(status));
}

static const struct test_case cases[] = {
	CASE(fork_chain), CASE(fork_fan_out), CASE(fork_large), CASE(wait_statuses), CASE(wait_nohang),
	CASE(wait_echild), CASE(wait_specific), CASE(wait4_rusage), CASE(clone_settid),
	CASE(clone_settls), CASE(ids), CASE(spawn_and_vfork),
};

int main(int argc, char **argv)
{
	return RUN_CASES(cases);
}
