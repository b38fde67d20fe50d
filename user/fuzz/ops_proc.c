/*
 * sysfuzz's process calls: fork, vfork, clone, execve, wait4, kill and
 * friends, and the children they make, which the worker records in the
 * ring (so the supervisor can kill them) and checks as it reaps them.
 * Included by sysfuzz.c after worker.c.
 */

static void sig_sent(struct wk *w, uint32_t sig)
{
	if (sig > 0 && sig < 96)
		__sync_fetch_and_or(&w->slot->sent_mask[sig / 32], 1u << (sig % 32));
}

static int sig_was_sent(const struct fz_slot *s, int sig)
{
	return sig > 0 && sig < 96 && (s->sent_mask[sig / 32] & (1u << (sig % 32)));
}

static int kid_index(struct wk *w, int pid)
{
	for (int i = 0; i < MAX_KIDS; i++)
		if (w->slot->kid_pid[i] == pid)
			return i;
	return -1;
}

static void kid_add(struct wk *w, int pid, enum kid_kind kind)
{
	int i = kid_index(w, 0);

	if (i >= 0) {
		w->slot->kid_kind[i] = kind;
		w->slot->kid_pid[i] = pid;
	}
}

/* Oracle b for a child: may it end with wait status st? */
static int kid_end_ok(const struct fz_slot *s, enum kid_kind kind, int st)
{
	int sig = st & 0x7f, code = (st >> 8) & 0xff;

	if (kind == KID_SIGRETURN || kind == KID_SYSENTER)
		return sig != 0x7f;                     /* it went wherever the frame said */
	if (kind == KID_SIGRETURN_CLI)               /* cli must fault: IOPL is never given */
		return sig == SIGSEGV || sig == SIGTRAP || sig == SIGILL || sig == SIGBUS || sig == SIGKILL ||
		       (sig && sig_was_sent(s, sig));
	if (sig == 0)
		return kind == KID_EXEC_BAD || code == 0 || code == EXIT_EXEC_FAIL;
	if (sig == 0x7f)
		return 0;                               /* stopped: never asked for */
	if (sig == SIGKILL || sig_was_sent(s, sig))
		return 1;
	if (sig == SIGSEGV || sig == SIGBUS)
		return kind == KID_FUZZ || kind == KID_EXEC_BAD || (s->fork_advised && kind != KID_NONE);
	/* A quick child may write to the worker's pipe, whose reading end a
	 * dup2 over its number can have closed: SIGPIPE, as it should. */
	return sig == SIGPIPE && (kind == KID_FUZZ || kind == KID_QUICK);
}

/* A child pid was reaped with status st (st < 0: unknown). */
static void kid_reaped(struct wk *w, int pid, int st)
{
	int i = kid_index(w, pid);
	enum kid_kind kind;

	if (i < 0) {
		if (!w->in_kid)
			wrong(w, "wait4 reaped a process that is not our child", pid);
		return;
	}
	kind = w->slot->kid_kind[i];
	w->slot->kid_pid[i] = 0;
	if (st >= 0 && ((st & 0x7f) == 0) && kind == KID_FUZZ &&
	    (((st >> 8) & 0xff) == EXIT_SENTINEL || ((st >> 8) & 0xff) == EXIT_ORACLE))
		die(w, (st >> 8) & 0xff, w->slot->msg[0] ? w->slot->msg : "a child's oracle broke");
	static const char *const what[] = {
		[KID_QUICK] = "a child that exits at once ended otherwise (wait status)",
		[KID_EXEC_GOOD] = "a child that execs bench-nop or sysfuzz ended otherwise (wait status)",
		[KID_EXEC_BAD] = "a child that execs a malformed file ended otherwise (wait status)",
		[KID_FUZZ] = "a child that makes random calls ended strangely (wait status)",
		[KID_SIGRETURN] = "a child that sigreturned to garbage ended strangely (wait status)",
		[KID_SIGRETURN_CLI] = "a child whose sigreturn frame asked for IOPL 3 ran cli (wait status)",
	};
	if (st >= 0 && !kid_end_ok(w->slot, kind, st))
		wrong(w, kind < sizeof(what) / sizeof(what[0]) && what[kind] ? what[kind] : "a child ended strangely", st);
}

/* Kill (if asked) and reap every child of this process. */
static void reap_kids(struct wk *w, int kill_first)
{
	int st;
	long r;

	if (w->in_kid)
		return;                 /* a child has none (it never forks) */
	if (kill_first)
		for (int i = 0; i < MAX_KIDS; i++)
			if (w->slot->kid_pid[i] > 0 && w->slot->kid_pid[i] != w->pid) {
				sig_sent(w, SIGKILL);
				SC2(SYS_kill, w->slot->kid_pid[i], SIGKILL);
			}
	while ((r = SC4(SYS_wait4, -1, (long)&st, 0, 0)) > 0)
		kid_reaped(w, (int)r, st);
}

static void __attribute__((noreturn)) kid_main(struct wk *w, enum kid_kind kind);
static void __attribute__((noreturn)) kid_sysenter(struct wk *w);

/* After a fork-like call: the child goes its own way, the parent records it. */
static void forked(struct wk *w, long r, enum kid_kind kind)
{
	if (r == 0)
		kid_main(w, kind);
	if (r > 0)
		kid_add(w, (int)r, kind);
}

static enum kid_kind kid_kind_draw(struct wk *w)
{
	static const uint32_t kinds[] = { KID_QUICK, KID_QUICK, KID_EXEC_GOOD, KID_EXEC_BAD,
					  KID_FUZZ, KID_FUZZ };
	return (enum kid_kind)PICK(w, kinds);
}

static void op_fork(struct wk *w)
{
	enum kid_kind kind = kid_kind_draw(w);

	if (w->in_kid || kid_index(w, 0) < 0)
		return;
	forked(w, CALL(w, SYS_fork, 0), kind);
}

/* clone: fork-like flags (the child goes on in C on the same stack), or
 * CLONE_VM with a stack of its own and a child that exits at once in asm. */
static void op_clone(struct wk *w)
{
	static const uint32_t extra[] = { 0x00100000 /* PARENT_SETTID */, 0x00200000 /* CHILD_CLEARTID */,
					  0x01000000 /* CHILD_SETTID */, 0x00080000 /* SETTLS */,
					  0x00000400 /* FILES */, 0x00000800 /* SIGHAND */,
					  0x00004000 /* VFORK */, 0x00001000 /* PIDFD */ };
	struct user_desc *tls = (struct user_desc *)(scratch + 256);
	uint32_t flags = SIGCHLD, tp;
	enum kid_kind kind = kid_kind_draw(w);
	long r;

	if (w->in_kid || kid_index(w, 0) < 0)
		return;
	for (uint32_t n = rnd(w, 3); n > 0; n--)
		flags |= PICK(w, extra);
	tls->entry_number = chance(w, 50) ? (unsigned)-1 : 6 + rnd(w, 4);
	tls->base_addr = (uint32_t)scratch;
	tls->limit = 0xfffff;
	tls->seg_32bit = 1, tls->limit_in_pages = 1, tls->useable = 1;
	tls->contents = 0, tls->read_exec_only = 0, tls->seg_not_present = 0;
	tp = chance(w, 70) ? (uint32_t)(scratch + 512) : ptr_arg(w, 4);
	if (chance(w, 30)) {
		flags |= CLONE_VM;
		uint32_t a[6] = { flags, (uint32_t)(clone_stack + sizeof(clone_stack) - 16), tp,
				  chance(w, 80) ? (uint32_t)tls : ptr_arg(w, 16), tp, 0 };
		struct fz_entry *en = log_begin(w, SYS_clone, a);

		r = log_end(w, en, fz_clone_exit(a[0], a[1], a[2], a[3], a[4]));
		if (r > 0)
			kid_add(w, (int)r, KID_QUICK);
		return;
	}
	if (flags & 0x00001000)
		flags &= ~0x00004000u;                  /* PIDFD writes into ptid */
	r = CALL(w, SYS_clone, flags, 0, tp, chance(w, 80) ? (uint32_t)tls : ptr_arg(w, 16), tp);
	forked(w, r, kind);
}

/* argv and envp for an execve: good lists, empty ones, NULL, bad pointers. */
static uint32_t exec_list(struct wk *w, int is_env)
{
	static char *const args[] = { "/bin/bench-nop", "x", NULL };
	static char *const env[] = { "A=1", "PATH=/bin", NULL };
	static char *const empty[] = { NULL };
	static char *bad[] = { "a", (char *)1, NULL };
	uint32_t k = rnd(w, 10);

	if (k < 5)
		return (uint32_t)(is_env ? env : args);
	if (k < 7)
		return (uint32_t)empty;
	if (k == 7)
		return 0;
	if (k == 8)
		return (uint32_t)bad;
	return ptr_arg(w, 16);
}

/* The program a child execs: bench-nop, sysfuzz itself (which checks its
 * stack when run without arguments), malformed ELF files, missing paths. */
static uint32_t exec_path(struct wk *w, enum kid_kind kind)
{
	static const char *const bad[] = {
		"/bin/bad/bad_magic", "/bin/bad/wrong_machine", "/bin/bad/wrong_type",
		"/bin/bad/bad_phentsize", "/bin/bad/no_phdrs", "/bin/bad/too_many_phdrs",
		"/bin/bad/phdrs_past_end", "/bin/bad/short_header", "/bin/bad/empty",
		"/bin/bad/missing_interp", "/bin/bad/unterminated_interp",
		"/bin/bad/interp_past_end", "/bin/bad/no_loads", "/bin/bad/load_past_end",
		"/bin/bad/filesz_over_memsz", "/bin/bad/kernel_vaddr", "/bin/bad/misaligned",
		"/bin/bad/truncated", "/nonexistent", "/bin", "/etc/lines.txt",
	};
	if (kind == KID_EXEC_GOOD)
		return chance(w, 60) ? (uint32_t)"/bin/bench-nop" : (uint32_t)"/bin/sysfuzz";
	if (chance(w, 80))
		return (uint32_t)bad[rnd(w, sizeof(bad) / sizeof(bad[0]))];
	return path_arg(w);
}

/* vfork: the child execs (or fails and exits) inside one asm block. */
static void op_vfork(struct wk *w)
{
	enum kid_kind kind = chance(w, 60) ? KID_EXEC_GOOD : KID_EXEC_BAD;
	uint32_t path = exec_path(w, kind), argv, envp;
	long r;

	if (w->in_kid || kid_index(w, 0) < 0)
		return;
	argv = (path == (uint32_t)"/bin/sysfuzz" && chance(w, 70)) ? 0 : exec_list(w, 0);
	envp = exec_list(w, 1);
	uint32_t a[6] = { path, argv, envp, 0, 0, 0 };
	struct fz_entry *en = log_begin(w, SYS_vfork, a);

	r = log_end(w, en, fz_vfork_exec(path, argv, envp, EXIT_EXEC_FAIL));
	if (r > 0)
		kid_add(w, (int)r, kind);
}

/* execve in this process: only a child may, and on success it is gone. */
static void __attribute__((noreturn)) kid_exec(struct wk *w, enum kid_kind kind)
{
	uint32_t path = exec_path(w, kind);
	uint32_t argv = path == (uint32_t)"/bin/sysfuzz" && chance(w, 50) ? 0 : exec_list(w, 0);

	CALL(w, SYS_execve, path, argv, exec_list(w, 1));
	for (;;)
		SC1(SYS_exit_group, EXIT_EXEC_FAIL);
}

/* execve in the worker itself: only of what fails before the point of
 * no return (a worker that execs is gone). */
static void op_execve_fail(struct wk *w)
{
	static const char *const paths[] = { "/nonexistent", "/bin", "/bin/bad/bad_magic",
					     "/bin/bad/empty", "/bin/bad/short_header", "/etc/lines.txt/x" };
	uint32_t path = chance(w, 70) ? (uint32_t)paths[rnd(w, 6)] :
			chance(w, 50) ? (uint32_t)longpath : ptr_arg(w, 8) | 0x80000000u;

	if (path >= (uint32_t)scratch && path < (uint32_t)scratch + SCRATCH_LEN)
		path = (uint32_t)paths[0];      /* a random string there could name a program */
	CALL(w, SYS_execve, path, exec_list(w, 0), exec_list(w, 1));
}

/* wait4 with random pids (-99999, 0, -1, its children, strangers),
 * options and pointers; oracle f: it reaps only our own children. */
static void op_wait4(struct wk *w)
{
	static const uint32_t opts[] = { WNOHANG, WNOHANG, 0, WNOHANG | WUNTRACED, __WALL | WNOHANG,
					 WNOHANG | 0x8 /* WCONTINUED */, 0x1000000, 0xffffffff };
	uint32_t k = rnd(w, 8), pid, st_ptr = (uint32_t)(scratch + 64), ru;
	int stranger = 0, st_kept;
	long r;

	if (k < 3)
		pid = (uint32_t)-1;
	else if (k == 3)
		pid = 0;
	else if (k == 4)
		pid = (uint32_t)w->slot->kid_pid[rnd(w, MAX_KIDS)];
	else if (k == 5)
		pid = (uint32_t)-99999, stranger = 1;   /* a group nobody is in */
	else
		pid = chance(w, 50) ? 1 : 1000000 + rnd(w, 1000), stranger = 1;
	if (chance(w, 15))
		st_ptr = ptr_arg(w, 4);
	ru = chance(w, 70) ? 0 : ptr_arg(w, 72);
	/* The rusage is written after the status (on Linux too): one over it
	 * leaves the status saying nothing. */
	st_kept = st_ptr == (uint32_t)(scratch + 64) &&
		  (!ru || (uint64_t)ru + 72 <= st_ptr || ru >= st_ptr + 4);
	*(int *)(scratch + 64) = -1;
	r = CALL(w, SYS_wait4, pid, st_ptr, PICK(w, opts), ru);
	check_sentinels(w);
	if (r > 0 && stranger)
		wrong(w, "wait4 of a pid that is no child of ours reaped one", r);
	if (r > 0)
		kid_reaped(w, (int)r, st_kept ? *(int *)(scratch + 64) : -1);
}

/* A signal to send: mostly ones whose default is to be ignored. */
static uint32_t sig_arg(struct wk *w, int fatal_ok)
{
	static const uint32_t harmless[] = { 0, SIGCHLD, SIGURG, SIGWINCH, SIGCONT, 65, 0xffffffff, 200 };
	static const uint32_t fatal[] = { SIGKILL, SIGTERM, SIGUSR1, SIGHUP, SIGALRM, SIGSEGV, SIGILL,
					  SIGUSR2, SIGPIPE };

	return fatal_ok && chance(w, 30) ? PICK(w, fatal) : PICK(w, harmless);
}

/* kill/tkill/tgkill of itself, its children, pids that do not exist and
 * init; never of 0, -1 or a group. Self-fatal ones are rare. */
static void op_kill(struct wk *w)
{
	uint32_t k = rnd(w, 10), pid, sig, nr = PICK(w, ((const uint32_t[]){ SYS_kill, SYS_kill,
							      SYS_tkill, SYS_tgkill }));

	if (k < 3) {
		pid = (uint32_t)w->pid;
		sig = sig_arg(w, chance(w, 10));
		if (sig != 0 && sig < 65 && sig != SIGCHLD && sig != SIGURG && sig != SIGWINCH &&
		    sig != SIGCONT)
			reap_kids(w, 1);
	} else if (k < 6) {
		pid = (uint32_t)w->slot->kid_pid[rnd(w, MAX_KIDS)];
		sig = sig_arg(w, 1);
		if (pid == 0)
			pid = 2000000;
	} else if (k < 8) {
		pid = 1000000 + rnd(w, 100000);
		sig = sig_arg(w, 1);
	} else {
		pid = 1;
		sig = sig_arg(w, 1);            /* init ignores them all */
	}
	sig_sent(w, sig);
	if (nr == SYS_tgkill)
		CALL(w, nr, chance(w, 80) ? pid : pid + 1, pid, sig);
	else
		CALL(w, nr, pid, sig);
}

/* ---- Thread-local-storage descriptors and segment registers ---- */

/* A user_desc with random contents: good ones, not-present, 16-bit, code,
 * expand-down, the "empty" one, entries -1, 6..8 and out of range. */
static void desc_fill(struct wk *w, struct user_desc *u)
{
	static const uint32_t entries[] = { (uint32_t)-1, 6, 7, 8, (uint32_t)-1, 5, 9, 12, 0x7fffffff };

	u->entry_number = PICK(w, entries);
	u->base_addr = chance(w, 70) ? (uint32_t)scratch : (uint32_t)splitmix(&w->rng);
	u->limit = chance(w, 70) ? 0xfffff : rnd(w, 0x100000);
	u->seg_32bit = chance(w, 85);
	u->contents = chance(w, 70) ? 0 : rnd(w, 4);
	u->read_exec_only = chance(w, 10);
	u->limit_in_pages = chance(w, 85);
	u->seg_not_present = chance(w, 10);
	u->useable = chance(w, 50);
	if (chance(w, 10)) {                    /* Linux's LDT_empty() */
		u->base_addr = 0, u->limit = 0, u->contents = 0, u->seg_32bit = 0;
		u->read_exec_only = 1, u->limit_in_pages = 0, u->seg_not_present = 1, u->useable = 0;
	}
}

/* The GDT entries the four data segment registers hold now (-1: none). */
static int tls_entry_loaded(int entry)
{
	uint16_t s[4];

	__asm__ volatile("mov %%fs,%0\n\tmov %%gs,%1\n\tmov %%ds,%2\n\tmov %%es,%3"
			 : "=r"(s[0]), "=r"(s[1]), "=r"(s[2]), "=r"(s[3]));
	for (int i = 0; i < 4; i++)
		if (!(s[i] & 4) && s[i] >> 3 == entry)
			return 1;
	return 0;
}

static void op_set_tls(struct wk *w)
{
	struct user_desc *u = (struct user_desc *)(scratch + 1024);
	uint32_t ptr;

	desc_fill(w, u);
	ptr = chance(w, 85) ? (uint32_t)u : ptr_arg(w, 16);
	if (tls_entry_loaded((int)u->entry_number))
		w->slot->may_segv = 1;          /* Linux reloads it as null: a fault may follow */
	CALL(w, chance(w, 80) ? SYS_set_thread_area : SYS_get_thread_area, ptr);
	check_sentinels(w);
}

/* Load sel into segment register reg (0 fs, 1 gs, 2 ds, 3 es) and make
 * a three-argument call with it loaded; ds and es get their old value
 * back at once (the worker's own code needs them), fs and gs keep sel. */
static long seg_call(int reg, uint32_t sel, long nr, long a, long b, long c)
{
	long r;

	switch (reg) {
	case 0:
		__asm__ volatile("movw %w1,%%fs\n\tint $0x80"
				 : "=a"(r) : "S"(sel), "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
		break;
	case 1:
		__asm__ volatile("movw %w1,%%gs\n\tint $0x80"
				 : "=a"(r) : "S"(sel), "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
		break;
	case 2:
		__asm__ volatile("mov %%ds,%%di\n\tmovw %w1,%%ds\n\tint $0x80\n\tmov %%di,%%ds"
				 : "=a"(r) : "S"(sel), "a"(nr), "b"(a), "c"(b), "d"(c) : "edi", "memory");
		break;
	default:
		__asm__ volatile("mov %%es,%%di\n\tmovw %w1,%%es\n\tint $0x80\n\tmov %%di,%%es"
				 : "=a"(r) : "S"(sel), "a"(nr), "b"(a), "c"(b), "d"(c) : "edi", "memory");
		break;
	}
	return r;
}

/* A call that sleeps: a blocking read of a pipe a child writes to a
 * moment later. Returns the call's arguments in a[] (a[0] = -1: none). */
static void sleeper(struct wk *w, uint32_t *a)
{
	int fds[2];

	a[0] = (uint32_t)-1;
	if (w->in_kid || kid_index(w, 0) < 0 || SC1(SYS_pipe, (long)fds) < 0)
		return;
	long r = CALL(w, SYS_fork, 0);
	if (r == 0) {
		for (int i = 0; i < 3; i++)
			SC0(SYS_sched_yield);
		SC3(SYS_write, fds[1], (long)"s", 1);
		for (;;)
			SC1(SYS_exit_group, 0);
	}
	if (r > 0)
		kid_add(w, (int)r, KID_QUICK);
	else
		SC3(SYS_write, fds[1], (long)"s", 1);   /* no child: do not sleep forever */
	a[0] = (uint32_t)fds[0], a[1] = (uint32_t)(scratch + 2048), a[2] = 1;
	a[3] = (uint32_t)fds[1];
}

/* set_thread_area, then a selector loaded into a segment register, then
 * a call that sleeps or that faults on a fresh page in the kernel; with
 * fs/gs, the descriptor may then be emptied and the sleep repeated. */
static void op_segments(struct wk *w)
{
	struct user_desc *u = (struct user_desc *)(scratch + 1024);
	static const uint32_t sels[] = { 0, 3, 0x2b, 0x23, 0x1b, 0x33, 0x3b, 0x43, 0x4b, 0xffff, 0x37 };
	int reg = (int)rnd(w, 4);
	uint32_t sel, a[6] = { 0 }, fresh;
	struct fz_entry *en;

	reap_kids(w, 1);
	desc_fill(w, u);
	CALL(w, SYS_set_thread_area, (uint32_t)u);
	sel = chance(w, 75) ? (u->entry_number << 3) | 3 : PICK(w, sels);
	w->slot->may_segv = 1;
	if (chance(w, 50)) {
		sleeper(w, a);
	} else {
		fresh = arena_addr(w);
		SC2(SYS_munmap, fresh, PAGE);
		if (SC4(SYS_mmap2, fresh, PAGE, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED) == (long)fresh) {
			a[0] = (uint32_t)SC2(SYS_open, (long)"/etc/lines.txt", O_RDONLY);
			a[1] = fresh, a[2] = 64;
		}
	}
	if ((int)a[0] < 0)
		a[0] = 1000, a[1] = 0, a[2] = 0;
	en = log_begin(w, SYS_read, a);
	log_end(w, en, seg_call(reg, sel, SYS_read, a[0], a[1], a[2]));
	SC1(SYS_close, a[0]);
	if (a[3])
		SC1(SYS_close, a[3]);
	if (reg < 2 && chance(w, 50)) {
		u->base_addr = 0, u->limit = 0, u->contents = 0, u->seg_32bit = 0;
		u->read_exec_only = 1, u->seg_not_present = 1, u->limit_in_pages = 0, u->useable = 0;
		if (chance(w, 50))
			u->read_exec_only = 0, u->base_addr = (uint32_t)scratch;
		CALL(w, SYS_set_thread_area, (uint32_t)u);
		sleeper(w, a);
		if ((int)a[0] >= 0) {
			CALL(w, SYS_read, a[0], a[1], a[2]);
			SC1(SYS_close, a[0]);
			SC1(SYS_close, a[3]);
		}
	}
	reap_kids(w, 0);
}

/* cli, then exit(0): in ring 3 the cli faults unless IOPL is 3. */
__asm__(".text\n.globl fz_cli_exit\nfz_cli_exit:\ncli\nmov $1,%eax\nxor %ebx,%ebx\nint $0x80\n");
void fz_cli_exit(void);

/* Call sigreturn or rt_sigreturn with esp at a frame in scratch: random
 * words, or a sigcontext that asks for what a process may not have (IOPL
 * 3, NT, VM86, kernel selectors) and returns to fz_cli_exit. */
static void __attribute__((noreturn)) kid_sigreturn(struct wk *w, enum kid_kind kind)
{
	static const uint32_t sels[] = { 0x1b, 0x23, 0x08, 0x10, 0, 0x33, 0xffff, 0x2b };
	uint32_t *frame = (uint32_t *)(scratch + 2048), *sc, cs, ds;
	bool rt = chance(w, 50);

	__asm__ volatile("movl %%cs, %0; movl %%ds, %1" : "=r"(cs), "=r"(ds));   /* the user's own */
	for (int i = 0; i < 256; i++)
		frame[i] = (uint32_t)splitmix(&w->rng);
	/* plain: the sigcontext at esp; rt: at esp - 4 + 164 (its ucontext's) */
	sc = rt ? frame + 40 : frame + 64;
	if (kind == KID_SIGRETURN_CLI) {
		sc[0] = PICK(w, sels), sc[1] = PICK(w, sels);          /* gs, fs */
		sc[2] = PICK(w, sels), sc[3] = PICK(w, sels);          /* es, ds */
		sc[14] = (uint32_t)fz_cli_exit;                         /* eip */
		sc[15] = chance(w, 90) ? cs : PICK(w, sels);
		sc[16] = 0x3000 | (uint32_t)splitmix(&w->rng);          /* eflags: IOPL 3 and more */
		sc[18] = chance(w, 90) ? ds : PICK(w, sels);            /* ss */
		sc[19] = 0;                                             /* fpstate */
	}
	SC0(SYS_getpid);                        /* the last call the log shows */
	__asm__ volatile("movl %0, %%esp\n\tint $0x80" : : "r"(rt ? frame : frame + 64), "a"(rt ? 173 : 119));
	for (;;)
		;
}

/* A child: a short life of its own kind, then an exit. */
static void __attribute__((noreturn)) kid_main(struct wk *w, enum kid_kind kind)
{
	void one_call(struct wk *w);

	w->in_kid = 1;
	w->pid = (int)SC0(SYS_getpid);
	w->rng ^= 0x6b69647321ull * (uint64_t)(kind + 1);
	if (kind == KID_EXEC_GOOD || kind == KID_EXEC_BAD)
		kid_exec(w, kind);
	if (kind == KID_SIGRETURN || kind == KID_SIGRETURN_CLI)
		kid_sigreturn(w, kind);
	if (kind == KID_SYSENTER)
		kid_sysenter(w);
	if (kind == KID_FUZZ)
		for (uint32_t n = 3 + rnd(w, 20); n > 0; n--)
			one_call(w);
	if (kind == KID_QUICK && w->pipe_w >= 0 && chance(w, 50))
		SC3(SYS_write, w->pipe_w, (long)"q", 1);
	for (;;)
		SC1(SYS_exit_group, 0);
}

/* A sysenter of the child's own, as __kernel_vsyscall would make it or
 * not: a stack at ebp that the landing pad can pop (saved ebp, edx, ecx,
 * then a return to an exit) or any ebp; a harmless call or any number;
 * NT or AC set or not. The kernel must come back (or the child fault). */
__asm__(".text\n.globl fz_exit_zero\nfz_exit_zero:\nmov $1,%eax\nxor %ebx,%ebx\nint $0x80\n");
void fz_exit_zero(void);

static void __attribute__((noreturn)) kid_sysenter(struct wk *w)
{
	static const uint32_t calls[] = { 20 /* getpid */, 64 /* getppid */, 13 /* time */, 224 /* gettid */ };
	uint32_t *frame = (uint32_t *)(scratch + 3072), ebp, eax, flags;

	frame[0] = (uint32_t)splitmix(&w->rng);         /* the sixth argument, then ebp */
	frame[1] = (uint32_t)splitmix(&w->rng), frame[2] = (uint32_t)splitmix(&w->rng);
	frame[3] = (uint32_t)fz_exit_zero;
	ebp = chance(w, 60) ? (uint32_t)frame : ptr_arg(w, 16);
	eax = chance(w, 80) ? PICK(w, calls) : rnd(w, 500);
	flags = (chance(w, 20) ? 0x4000u /* NT */ : 0) | (chance(w, 10) ? 0x40000u /* AC */ : 0);
	__asm__ volatile("pushfl\n\torl %2, (%%esp)\n\tpopfl\n\tmovl %1, %%ebp\n\txorl %%ebx, %%ebx\n\tsysenter"
			 : : "a"(eax), "r"(ebp), "r"(flags) : "memory");
	for (;;)
		SC1(SYS_exit_group, 0);
}

/* sysenter from a child of its own (kid_sysenter). */
static void op_sysenter(struct wk *w)
{
	long r;

	if (w->in_kid || kid_index(w, 0) < 0)
		return;
	r = CALL(w, SYS_fork, 0);
	forked(w, r, KID_SYSENTER);
}

/* sigreturn and rt_sigreturn of garbage frames, and of frames that ask
 * for IOPL 3 (kid_sigreturn), in a child waited for at once: what it
 * must not survive is checked before anything can kill it. */
static void op_sigreturn(struct wk *w)
{
	enum kid_kind kind = chance(w, 50) ? KID_SIGRETURN : KID_SIGRETURN_CLI;
	long r, st;

	if (w->in_kid || kid_index(w, 0) < 0)
		return;
	r = CALL(w, SYS_fork, 0);
	forked(w, r, kind);
	if (r > 0 && SC4(SYS_wait4, r, (long)&st, 0, 0) == r)
		kid_reaped(w, (int)r, (int)st);
}

/* POSIX timers: made on any clock (a CPU clock of its own, or of init),
 * with a harmless signal or none, set to fire within 3 ms (or an hour
 * off), looked at, and deleted; the ids are small. */
static void op_posix_timer(struct wk *w)
{
	uint32_t *ev = (uint32_t *)(scratch + 2816), *it = (uint32_t *)(scratch + 2880);
	uint32_t id = rnd(w, 8), time64 = chance(w, 50);
	static const uint32_t clocks[] = { 0, 1, 2, 3, 7, 8, 9, 11, 4, 5, 0xfffffff6 /* init's CPU clock */,
					   0xfffffffe /* its own, as pid 0 */, 0xfffffffd, 10, 99 };

	memset(ev, 0, 64);
	ev[0] = (uint32_t)splitmix(&w->rng);
	ev[1] = sig_arg(w, 0);
	ev[2] = chance(w, 80) ? rnd(w, 3) : chance(w, 50) ? 4 : (uint32_t)splitmix(&w->rng);
	ev[3] = chance(w, 80) ? (uint32_t)w->pid : (uint32_t)splitmix(&w->rng);
	sig_sent(w, (int)ev[1]);
	memset(it, 0, 32);
	it[time64 ? 6 : 3] = chance(w, 80) ? rnd(w, 3000001) : (uint32_t)splitmix(&w->rng);
	it[time64 ? 2 : 1] = chance(w, 70) ? 0 : chance(w, 90) ? 1000000 + rnd(w, 1000000) : (uint32_t)splitmix(&w->rng);
	if (chance(w, 10))
		it[time64 ? 4 : 2] = 3600;
	switch (rnd(w, 6)) {
	case 0:
	case 1:
		CALL(w, 259 /* timer_create */, PICK(w, clocks), chance(w, 85) ? (uint32_t)ev : chance(w, 50) ? 0 : ptr_arg(w, 64),
		     chance(w, 90) ? (uint32_t)(it + 12) : ptr_arg(w, 4));
		break;
	case 2:
	case 3:
		CALL(w, time64 ? 409 : 260 /* timer_settime */, id, chance(w, 80) ? rnd(w, 2) : (uint32_t)splitmix(&w->rng),
		     chance(w, 90) ? (uint32_t)it : chance(w, 50) ? 0 : ptr_arg(w, 32), chance(w, 50) ? 0 : ptr_arg(w, 32));
		break;
	case 4:
		if (chance(w, 50))
			CALL(w, time64 ? 408 : 261 /* timer_gettime */, id, chance(w, 85) ? (uint32_t)it : ptr_arg(w, 32));
		else
			CALL(w, 262 /* timer_getoverrun */, id);
		break;
	default:
		CALL(w, 263 /* timer_delete */, id);
		break;
	}
	check_sentinels(w);
}

/* The signal calls that cannot block: sigaltstack, rt_sigpending,
 * rt_sigtimedwait that only polls (a zero timeout, or a bad one),
 * waitid that neither waits nor reaps (WNOHANG, WNOWAIT), and the
 * process-group calls. */
static void op_signal_misc(struct wk *w)
{
	uint32_t *buf = (uint32_t *)(scratch + 1536);
	static const uint32_t zero_ts[4];

	buf[0] = chance(w, 50) ? (uint32_t)scratch + 4096 : (uint32_t)splitmix(&w->rng);
	buf[1] = chance(w, 70) ? rnd(w, 3) : (uint32_t)splitmix(&w->rng);
	buf[2] = chance(w, 70) ? 2048 + rnd(w, 8192) : rnd(w, 4096);
	switch (rnd(w, 10)) {
	case 8: {       /* the old 32-bit mask calls; ssetmask only when it clears nothing above */
		uint32_t *m = buf + 12;

		SC4(SYS_rt_sigprocmask, 0, 0, (long)m, 8);
		if (chance(w, 40))
			CALL(w, 126 /* sigprocmask */, rnd(w, 4), chance(w, 80) ? (uint32_t)(m + 2) : ptr_arg(w, 4),
			     chance(w, 50) ? 0 : ptr_arg(w, 4));
		else if (chance(w, 40))
			CALL(w, 73 /* sigpending */, chance(w, 80) ? (uint32_t)(m + 2) : ptr_arg(w, 4));
		else if (m[1] == 0 && chance(w, 50))
			CALL(w, 69 /* ssetmask */, m[0] | (uint32_t)splitmix(&w->rng));
		else
			CALL(w, 68 /* sgetmask */);
		break;
	}
	case 7: {       /* interval timers that never fire in a run: none, or an hour off */
		uint32_t *it = buf + 4;
		long r;

		it[0] = rnd(w, 5), it[1] = chance(w, 90) ? rnd(w, 1000000) : (uint32_t)splitmix(&w->rng);
		it[2] = chance(w, 30) ? 0 : 3600 + rnd(w, 3600);
		it[3] = chance(w, 10) ? 1000000 : it[2] ? rnd(w, 1000000) : 0;  /* invalid, or not soon */
		if (chance(w, 40)) {
			CALL(w, SYS_getitimer, rnd(w, 4), chance(w, 80) ? (uint32_t)(it + 4) : ptr_arg(w, 16));
		} else if (chance(w, 60)) {
			CALL(w, SYS_setitimer, rnd(w, 4), chance(w, 80) ? (uint32_t)it : chance(w, 50) ? 0 : ptr_arg(w, 16),
			     chance(w, 50) ? 0 : ptr_arg(w, 16));
		} else {
			CALL(w, SYS_alarm, 7200);
			if ((r = CALL(w, SYS_alarm, chance(w, 50) ? 0 : 3600 + rnd(w, 3600))) < 7199 || r > 7200)
				wrong(w, "alarm did not return the seconds left of the one just set", r);
		}
		break;
	}
	case 0: CALL(w, SYS_sigaltstack, chance(w, 70) ? (uint32_t)buf : ptr_arg(w, 12), chance(w, 50) ? 0 : ptr_arg(w, 12)); break;
	case 1: CALL(w, SYS_rt_sigpending, ptr_arg(w, 8), chance(w, 80) ? 8 : rnd(w, 16)); break;
	case 2:
	case 3:
		CALL(w, chance(w, 50) ? SYS_rt_sigtimedwait : 421 /* rt_sigtimedwait_time64 */, ptr_arg(w, 8),
		     chance(w, 50) ? 0 : ptr_arg(w, 128), chance(w, 80) ? (uint32_t)zero_ts : 0xc0000000u,
		     chance(w, 90) ? 8 : rnd(w, 16));
		break;
	case 4: CALL(w, SYS_waitid, rnd(w, 4), chance(w, 50) ? 0 : rnd(w, 2000), ptr_arg(w, 128),
		     0x01000001 | (rnd(w, 16) << 1), chance(w, 70) ? 0 : ptr_arg(w, 72)); break;
	case 5: CALL(w, chance(w, 50) ? SYS_getpgid : SYS_getsid, chance(w, 50) ? 0 : rnd(w, 3000)); break;
	case 6: CALL(w, SYS_setpgid, chance(w, 50) ? 0 : (uint32_t)w->slot->kid_pid[rnd(w, MAX_KIDS)],
		     chance(w, 50) ? 0 : rnd(w, 3000)); break;
	default: CALL(w, chance(w, 50) ? SYS_setsid : SYS_getpgrp); break;
	}
	check_sentinels(w);
}

/* rt_sigsuspend and pause, woken as they must be: SIGURG gets a handler of
 * this program's own. Either SIGURG is sent while blocked and a suspend
 * with a mask that lets it in returns -EINTR (a bad mask or size fails
 * first, and SIG_IGN then drops the pending signal), or a child sends
 * SIGURG over and over until pause returns -EINTR, and is killed. Either
 * way the handler has run. */
static volatile int urg_caught;

static void on_urg(int sig)
{
	(void)sig;
	urg_caught++;
}

static void __attribute__((noreturn)) urg_sender(int parent)
{
	while (SC0(SYS_getppid) == parent) {
		SC2(SYS_kill, parent, SIGURG);
		SC0(SYS_sched_yield);
	}
	for (;;)
		SC1(SYS_exit, 0);
}

static void op_suspend(struct wk *w)
{
	static const uint32_t flags[] = { 0, 0x10000000 /* SA_RESTART */, 0x40000000 /* SA_NODEFER */,
					  4 /* SA_SIGINFO */ };
	/* Never mapped by anyone (mmap's hints may take UNMAPPED_VA), or running into the kernel. */
	static const uint32_t bad[] = { 8, 0xbffffffcu, 0xc0000000u, 0xfffffffcu };
	uint32_t *act = (uint32_t *)(scratch + 1600), *ign = act + 5, *set = act + 10, *mask = act + 12;
	const uint32_t urg = 1u << (SIGURG - 1), self = (uint32_t)SC0(SYS_getpid);
	long r, want, st;

	act[0] = (uint32_t)on_urg, act[1] = PICK(w, flags), act[2] = act[3] = act[4] = 0;
	ign[0] = 1 /* SIG_IGN */, ign[1] = ign[2] = ign[3] = ign[4] = 0;
	set[0] = urg, set[1] = 0;
	if (CALL(w, SYS_rt_sigaction, SIGURG, (uint32_t)act, 0, 8))
		wrong(w, "rt_sigaction of a handler failed", -1);
	sig_sent(w, SIGURG);
	if (w->in_kid || kid_index(w, 0) < 0 || chance(w, 60)) {
		CALL(w, SYS_rt_sigprocmask, SIG_BLOCK, (uint32_t)set, (uint32_t)mask, 8);
		mask[0] &= ~urg;        /* what was blocked, but SIGURG */
		urg_caught = 0;
		CALL(w, SYS_kill, self, SIGURG);
		switch (rnd(w, 5)) {
		case 0: want = -EFAULT, r = CALL(w, SYS_rt_sigsuspend, PICK(w, bad), 8); break;
		case 1: want = -EINVAL, r = CALL(w, SYS_rt_sigsuspend, (uint32_t)mask, chance(w, 50) ? 4 : 16); break;
		case 2:         /* the old one unblocks all above 32: only when none is blocked */
			if (!mask[1]) {
				want = -EINTR, r = CALL(w, 72 /* sigsuspend */, 0, 0, mask[0]);
				break;
			}
			/* fall through */
		default: want = -EINTR, r = CALL(w, SYS_rt_sigsuspend, (uint32_t)mask, 8); break;
		}
		if (r != want)
			wrong(w, "rt_sigsuspend with SIGURG pending: not the result Linux gives", r);
		if (r == -EINTR && urg_caught < 1)
			wrong(w, "rt_sigsuspend returned EINTR without running the handler", urg_caught);
		if (r != -EINTR)        /* still pending and blocked: SIG_IGN drops it */
			CALL(w, SYS_rt_sigaction, SIGURG, (uint32_t)ign, 0, 8);
		CALL(w, SYS_rt_sigprocmask, SIG_UNBLOCK, (uint32_t)set, 0, 8);
		return;
	}
	CALL(w, SYS_rt_sigprocmask, SIG_UNBLOCK, (uint32_t)set, 0, 8);
	r = CALL(w, SYS_fork, 0);
	if (r == 0)
		urg_sender((int)self);
	if (r < 0)
		return;
	urg_caught = 0;
	if ((st = CALL(w, SYS_pause)) != -EINTR || !urg_caught)
		wrong(w, "pause did not end with EINTR after a handler", st);
	SC2(SYS_kill, r, SIGKILL);
	SC4(SYS_wait4, r, (long)&st, 0, 0);
}
