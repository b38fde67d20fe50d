/*
 * sysfuzz's shared pieces: the fixed addresses every process of a run
 * agrees on, the log ring the workers write and the supervisor reads, and
 * the raw system-call entry points (no libc, no %gs) the workers use.
 *
 * Address map (all below the arena, none ever touched by a memory call):
 *   0x30000000  the log ring, MAP_SHARED (one slot per worker)
 *   0x30100000  sentinel: a read-only anonymous page with a pattern
 *   0x30110000  sentinel: /etc/lines.txt mapped read-only, private
 *   0x30200000  the supervisor's patterned region (workers scribble on it)
 *   0x30120000  /etc/lines.txt as read, in a read-only anonymous page (the reference)
 *   0x30300000  an edge page: mapped, with nothing mapped after it
 *   0x30400000  the workers' good buffers (64 KiB), with nothing mapped after
 *               them: a call that writes more than it was given stops there
 *   0x3f000000  never mapped
 *   0x40000000..0x50000000  the arena: where the memory calls work
 */
#ifndef USER_FUZZ_SYSFUZZ_H
#define USER_FUZZ_SYSFUZZ_H

#include <stdint.h>
#include <pagoda/page.h>

#define RING_VA         0x30000000u
#define SENT_ANON_VA    0x30100000u
#define SENT_FILE_VA    0x30110000u
#define SENT_REF_VA     0x30120000u
#define SCRATCH_VA      0x30400000u
#define SCRATCH_LEN     65536u
#define PARENT_VA       0x30200000u
#define PARENT_LEN      (16u * 4096u)
#define EDGE_VA         0x30300000u
#define UNMAPPED_VA     0x3f000000u
#define ARENA_VA        0x40000000u
#define ARENA_END       0x50000000u
#define FZ_DIR          "/tmp/fz"       /* where the calls on names may change anything */
#define PAGE            ((uint32_t)PAGE_SIZE)    /* <pagoda/page.h> */

#define NR_TOUCH        0x10000 /* a memory touch, logged like a call (a[1]: write) */

#define MAX_WORKERS     4
#define RING_ENTRIES    64
#define MAX_KIDS        32
#define LINES_MAX       8192

/* Exit statuses of a worker that found a broken oracle itself. */
#define EXIT_SENTINEL   90      /* a read-only page changed */
#define EXIT_ORACLE     91      /* a result Linux defines was wrong; msg says which */
#define EXIT_EXEC_FAIL  100     /* a child's execve failed (expected, not an error) */
#define EXIT_EXEC_CHECK 99      /* an exec'd sysfuzz found its stack malformed */

/* One call as a worker (or its child) made it: written before the call
 * (done = 0) and completed after (done = 1, ret). */
struct fz_entry {
	int32_t pid;
	uint32_t nr;
	uint32_t a[6];
	int32_t ret;
	uint32_t done;
};

/* Kinds of a worker's child, which decide how it may end. */
enum kid_kind { KID_NONE, KID_QUICK, KID_EXEC_GOOD, KID_EXEC_BAD, KID_FUZZ,
		KID_SIGRETURN,          /* sigreturn of garbage: may end any way */
		KID_SIGRETURN_CLI,      /* of a frame asking for IOPL: must die */
		KID_SYSENTER };         /* sysenter of its own, any registers: any way */

/* What one worker (and its children) share with the supervisor. */
struct fz_slot {
	volatile uint32_t seq;                  /* entries written so far */
	volatile uint32_t calls;                /* calls made (children too) */
	volatile uint32_t may_segv;             /* 1: a SIGSEGV or SIGBUS now would be
						 * legitimate; 2: any ending (it remapped
						 * its own code or stack) */
	volatile uint32_t sent_mask[3];         /* signals sent to itself or its children */
	volatile uint32_t fork_advised;         /* 1: it told madvise to keep memory from
						 * its children (MADV_DONTFORK, WIPEONFORK),
						 * so a forked child may fault at once */
	volatile int32_t kid_pid[MAX_KIDS];     /* live children, 0 = free */
	volatile uint32_t kid_kind[MAX_KIDS];
	struct fz_entry log[RING_ENTRIES];
	char msg[200];                          /* why it exited 90/91 */
};

struct fz_ring {
	struct fz_slot slot[MAX_WORKERS];
};

/* The raw entry points (sysfuzz_asm in sysfuzz.c): nothing but registers
 * and the stack, so a broken %gs, %fs, %ds or %es cannot hurt them
 * before the call. */
long fz_sc(long nr, long a, long b, long c, long d, long e, long f);
/* The same through AT_SYSINFO's __kernel_vsyscall (fz_sysinfo; 0: none). */
long fz_vsc(long nr, long a, long b, long c, long d, long e, long f);
extern uint32_t fz_sysinfo;
/* vfork; the child execve(path, argv, envp) at once and, if that fails,
 * _exit(code), all inside one asm block, since it shares the stack. */
long fz_vfork_exec(long path, long argv, long envp, long code);
/* clone(flags, stack, ptid, tls, ctid) whose child exits(0) at once in asm. */
long fz_clone_exit(long flags, long stack, long ptid, long tls, long ctid);

#endif /* USER_FUZZ_SYSFUZZ_H */
