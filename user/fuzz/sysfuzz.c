/*
 * sysfuzz: Pagoda's system-call fuzzer, an ordinary static i386 program.
 *
 *   sysfuzz --seed S [--rounds R] [--calls C] [--jobs J] [--from R0]
 *           [--watchdog SECS] [--verbose]
 *
 * A supervisor maps the shared log ring and the sentinels, then, round
 * after round, forks J workers that each make C random system calls from
 * the seed (the round and the worker's number mixed in, so --from R0
 * --rounds 1 replays one round). Workers use raw int $0x80 only. The
 * oracles (docs/testing.md): the kernel does not panic (the last line
 * must be "... ok"); a worker and its children die only of signals Linux
 * would send; read-only pages never change; a child never changes its
 * parent's memory; after each round, free memory is back where it was
 * (Pagoda only); and the few results Linux defines exactly are right.
 *
 * Run without options (argv[1] not an option), it is the program the
 * workers exec: it checks that its stack (argv, envp, auxv) is well formed
 * and exits 0, or 99 if not.
 */
#define _GNU_SOURCE
#include <asm/ldt.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <dirent.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "sysfuzz.h"
#include "../bin/procfile.h"

#include "worker.c"
#include "ops_proc.c"
#include "ops_mem.c"
#include "ops_file.c"
#include "ops_names.c"

/* The operations and their weights: mostly memory. */
static const struct op {
	void (*fn)(struct wk *w);
	uint32_t weight;
} ops[] = {
	{ op_mmap2, 14 }, { op_old_mmap, 3 }, { op_munmap, 8 }, { op_mremap, 6 },
	{ op_mremap_shared, 2 }, { op_mprotect, 6 }, { op_madvise, 5 }, { op_mincore, 3 },
	{ op_brk, 3 }, { op_touch, 4 }, { op_fork, 2 }, { op_clone, 2 }, { op_vfork, 2 },
	{ op_execve_fail, 1 }, { op_wait4, 3 }, { op_kill, 2 }, { op_set_tls, 2 },
	{ op_segments, 1 }, { op_sigaction, 1 }, { op_open, 3 }, { op_rw, 4 }, { op_seek, 1 },
	{ op_iov, 2 }, { op_pipe, 1 }, { op_dup, 1 }, { op_fcntl, 1 }, { op_close, 2 },
	{ op_stat, 3 }, { op_ioctl, 1 }, { op_termios, 1 }, { op_poll, 1 }, { op_event_files, 3 }, { op_posix_timer, 2 }, { op_futex, 1 }, { op_misc, 4 }, { op_random, 2 },
	{ op_names, 4 }, { op_fdata, 4 }, { op_mount, 1 }, { op_sigreturn, 1 }, { op_sysenter, 1 },
	{ op_signal_misc, 2 }, { op_suspend, 1 },
};

/* One random operation (a call, or a few for the scripted ones). */
void one_call(struct wk *w)
{
	static uint32_t total;
	uint32_t k;

	if (!total)
		for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
			total += ops[i].weight;
	k = rnd(w, total);
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (k < ops[i].weight) {
			ops[i].fn(w);
			break;
		}
		k -= ops[i].weight;
	}
	check_sentinels(w);
}

/* A worker: close the console, make its calls, reap its children, exit. */
static void __attribute__((noreturn)) worker_main(struct fz_slot *slot, uint64_t seed, int calls)
{
	struct wk w = { .slot = slot, .rng = seed, .pipe_r = -1, .pipe_w = -1, .fz_fd = -1 };

	w.pid = (int)SC0(SYS_getpid);
	for (int fd = 0; fd < 3; fd++)
		SC1(SYS_close, fd);
	SC1(SYS_chdir, (long)FZ_DIR);   /* relative names, made of random bytes, land there */
	for (int i = 0; i < calls; i++)
		one_call(&w);
	reap_kids(&w, 1);
	for (;;)
		SC1(SYS_exit_group, 0);
}

/* Exec-check mode: argv and envp end in NULL, and the auxiliary vector
 * after envp ends in AT_NULL within reason. */
static int exec_check(char **envp)
{
	char **e = envp;
	uint32_t *aux;
	int n = 0;

	while (*e && n < 256) {
		if (!strchr(*e, '='))
			return EXIT_EXEC_CHECK;
		e++, n++;
	}
	if (*e)
		return EXIT_EXEC_CHECK;
	aux = (uint32_t *)(e + 1);
	for (int i = 0; i < 64; i++, aux += 2) {
		if (aux[0] == 0)
			return 0;
		if (aux[0] > 64)
			return EXIT_EXEC_CHECK;
	}
	return EXIT_EXEC_CHECK;
}

#include "supervise.c"

uint32_t fz_sysinfo;

int main(int argc, char **argv, char **envp)
{
	fz_sysinfo = (uint32_t)getauxval(AT_SYSINFO);
	if (argc < 2 || strncmp(argv[1], "--", 2) != 0)
		return exec_check(envp);
	return supervise(argc, argv);
}
