/*
 * /init: the first process, on Pagoda and on Linux alike.
 *
 * With arguments (the kernel command line's words after "--"), it runs
 * them as one program, waits for it (reaping the orphans it leaves, as any
 * init does), reports how it ended on a line of its own, and restarts the
 * machine, which ends QEMU (-no-reboot). Without
 * arguments it starts Pagoda's shell, /bin/sh, and restarts once it ends.
 *
 * The lines around the program's output are what tools/pagoda-run and the
 * test runner look for:
 *   init: running PROGRAM
 *   ... the program's output ...
 *   init: exit status N        (or)  init: killed by signal N
 * On Pagoda, which promises exact accounting, one more line follows: the
 * kernel's free memory before the program started and after it was reaped
 * (/proc/meminfo's MemFree), which the test runner checks are equal.
 *   init: MemFree before N kB, after N kB
 *
 * First of all it prints the TSC as main began, which under QEMU's
 * -icount shift=0 is the guest instructions since power-on (plus any time
 * the guest spent halted): `make bench` reports it as the cost of booting.
 *   init: main at TSC N
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/reboot.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bin/procfile.h"

extern char **environ;

/* MemFree from /proc/meminfo in kB, or -1. file_field uses no stdio and
 * a static buffer: nothing here may allocate, or the two readings would
 * differ by init's own memory. */
static long mem_free_kb(void)
{
	return (long)file_field("/proc/meminfo", "MemFree");
}

static int on_pagoda(void)
{
	struct utsname u;

	return uname(&u) == 0 && strstr(u.release, "pagoda") != NULL;
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* Reap children until pid is reaped, and then those already dead: the
 * orphans a program leaves are init's to reap, as on Linux, and a zombie
 * still holds memory the MemFree reading would count. pid's status. */
static int reap_until(pid_t pid)
{
	int status = 0, other;
	pid_t got;

	while ((got = wait(&other)) != pid)
		if (got < 0 && errno == ECHILD)
			break;
	if (got == pid)
		status = other;
	while (waitpid(-1, &other, WNOHANG) > 0)
		;
	return status;
}

int main(int argc, char **argv)
{
	uint64_t tsc_at_main = rdtsc();
	char *shell[] = { "/bin/sh", NULL };
	char **args = argc > 1 ? argv + 1 : shell;
	int status;
	long free_before, free_after;
	pid_t pid;

	/* What every system mounts early (Linux's systemd, busybox's fstab):
	 * /proc, and tmpfs on /tmp and /dev/shm, the same on both kernels. */
	mount("proc", "/proc", "proc", 0, NULL);
	mount("tmpfs", "/tmp", "tmpfs", 0, "mode=1777");
	mount("tmpfs", "/dev/shm", "tmpfs", 0, "mode=1777");
	printf("init: main at TSC %llu\n", (unsigned long long)tsc_at_main);
	printf("init: running %s\n", args[0]);
	fflush(stdout);
	/* A first round of what happens between the two readings (a fork, a
	 * wait, a reading) brings in init's own pages for it, so that the
	 * readings differ only by what the program left behind. */
	(void)mem_free_kb();
	pid = fork();
	if (pid == 0)
		_exit(0);
	while (pid > 0 && waitpid(pid, &status, 0) < 0)
		;
	free_before = mem_free_kb();
	pid = fork();
	if (pid < 0) {
		perror("init: fork");
		return 1;
	}
	if (pid == 0) {
		execve(args[0], args, environ);
		fprintf(stderr, "init: cannot run %s: %s\n", args[0], strerror(errno));
		_exit(127);
	}
	status = reap_until(pid);
	free_after = mem_free_kb();
	fflush(stdout);
	if (WIFSIGNALED(status))
		printf("init: killed by signal %d\n", WTERMSIG(status));
	else
		printf("init: exit status %d\n", WEXITSTATUS(status));
	if (on_pagoda())
		printf("init: MemFree before %ld kB, after %ld kB\n", free_before, free_after);
	fflush(stdout);
	sync();
	reboot(RB_AUTOBOOT);
	return 0;
}
