/*
 * sysfuzz's workers: random sequences of system calls from a seed, made
 * by raw int $0x80, or a third of them by the vDSO's __kernel_vsyscall
 * (sysenter), never through glibc (the fuzz may break %gs, which it needs), with
 * their own oracles checked after each call: the read-only sentinels stay
 * as they were, and the few results Linux defines exactly are right.
 * Included by sysfuzz.c; nothing here may call libc after the fork.
 */

/* The raw entry points declared in sysfuzz.h. */
__asm__(".text\n"
	".globl fz_sc\n.type fz_sc,@function\nfz_sc:\n"
	"push %ebp\npush %edi\npush %esi\npush %ebx\n"
	"mov 20(%esp),%eax\nmov 24(%esp),%ebx\nmov 28(%esp),%ecx\nmov 32(%esp),%edx\n"
	"mov 36(%esp),%esi\nmov 40(%esp),%edi\nmov 44(%esp),%ebp\n"
	"int $0x80\n"
	"pop %ebx\npop %esi\npop %edi\npop %ebp\nret\n"
	".globl fz_vsc\n.type fz_vsc,@function\nfz_vsc:\n"
	"push %ebp\npush %edi\npush %esi\npush %ebx\n"
	"mov 20(%esp),%eax\nmov 24(%esp),%ebx\nmov 28(%esp),%ecx\nmov 32(%esp),%edx\n"
	"mov 36(%esp),%esi\nmov 40(%esp),%edi\nmov 44(%esp),%ebp\n"
	"call *fz_sysinfo\n"
	"pop %ebx\npop %esi\npop %edi\npop %ebp\nret\n"
	".globl fz_vfork_exec\n.type fz_vfork_exec,@function\nfz_vfork_exec:\n"
	"push %ebp\npush %edi\npush %esi\npush %ebx\n"
	"mov 20(%esp),%ebx\nmov 24(%esp),%ecx\nmov 28(%esp),%edx\nmov 32(%esp),%edi\n"
	"mov $190,%eax\nint $0x80\n"
	"test %eax,%eax\njnz 1f\n"
	"mov $11,%eax\nint $0x80\n"
	"mov $1,%eax\nmov %edi,%ebx\nint $0x80\n"
	"1:\npop %ebx\npop %esi\npop %edi\npop %ebp\nret\n"
	".globl fz_clone_exit\n.type fz_clone_exit,@function\nfz_clone_exit:\n"
	"push %ebp\npush %edi\npush %esi\npush %ebx\n"
	"mov 20(%esp),%ebx\nmov 24(%esp),%ecx\nmov 28(%esp),%edx\n"
	"mov 32(%esp),%esi\nmov 36(%esp),%edi\n"
	"mov $120,%eax\nint $0x80\n"
	"test %eax,%eax\njnz 2f\n"
	"mov $1,%eax\nxor %ebx,%ebx\nint $0x80\n"
	"2:\npop %ebx\npop %esi\npop %edi\npop %ebp\nret\n");

#define SC0(nr)                 fz_sc((nr), 0, 0, 0, 0, 0, 0)
#define SC1(nr, a)              fz_sc((nr), (long)(a), 0, 0, 0, 0, 0)
#define SC2(nr, a, b)           fz_sc((nr), (long)(a), (long)(b), 0, 0, 0, 0)
#define SC3(nr, a, b, c)        fz_sc((nr), (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define SC4(nr, a, b, c, d)     fz_sc((nr), (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)

/* A worker's state; each child gets a copy. */
struct wk {
	struct fz_slot *slot;
	uint64_t rng;
	int pid;
	int in_kid;                     /* a child: no forking, end by exiting */
	int pipe_r, pipe_w;             /* a non-blocking pipe, or -1 */
	int fz_fd;                      /* a file of FZ_DIR it opened lately, or -1 */
	uint32_t last_unmapped;         /* an arena page just unmapped */
	uint32_t brk_cur;
	uint32_t recent[8];             /* mappings the kernel gave us lately */
	uint32_t nrecent;
};

static void reap_kids(struct wk *w, int kill_first);
static long lines_len;                  /* of /etc/lines.txt, as the supervisor read it */
#define lines_copy ((const volatile char *)SENT_REF_VA)
#define scratch ((char *)SCRATCH_VA)    /* good buffers */
static char longpath[4200];             /* PATH_MAX and more */
static char clone_stack[4096];

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint32_t rnd(struct wk *w, uint32_t n)
{
	return n ? (uint32_t)(splitmix(&w->rng) % n) : 0;
}

static int chance(struct wk *w, uint32_t percent)
{
	return rnd(w, 100) < percent;
}

static uint32_t pick(struct wk *w, const uint32_t *v, uint32_t n)
{
	return v[rnd(w, n)];
}
#define PICK(w, arr) pick((w), (arr), sizeof(arr) / sizeof((arr)[0]))

/* The byte the anonymous sentinel holds at offset i. */
static uint8_t sentinel_byte(uint32_t i)
{
	return (uint8_t)(i * 7 + 0x5a);
}

static void copy_str(char *dst, const char *src, uint32_t size)
{
	uint32_t i = 0;

	for (; i + 1 < size && src[i]; i++)
		dst[i] = src[i];
	dst[i] = '\0';
}

/* End this process with status code after putting msg in the ring (the
 * first message wins). */
static void __attribute__((noreturn)) die(struct wk *w, int code, const char *msg)
{
	if (!w->slot->msg[0])
		copy_str(w->slot->msg, msg, sizeof(w->slot->msg));
	for (;;)
		SC1(SYS_exit_group, code);
}

/* Oracle c: the read-only pages are as they were. */
static void check_sentinels(struct wk *w)
{
	const volatile uint8_t *a = (const volatile uint8_t *)SENT_ANON_VA;
	const volatile char *f = (const volatile char *)SENT_FILE_VA;

	for (uint32_t i = 0; i < PAGE; i++)
		if (a[i] != sentinel_byte(i))
			die(w, EXIT_SENTINEL, "the read-only anonymous sentinel page changed");
	for (long i = 0; i < lines_len; i++)
		if (f[i] != lines_copy[i])
			die(w, EXIT_SENTINEL, "the read-only mapping of /etc/lines.txt changed");
}

/* Put a call in the ring before it is made: the entry to complete. */
static struct fz_entry *log_begin(struct wk *w, uint32_t nr, const uint32_t *a)
{
	uint32_t i = __sync_fetch_and_add(&w->slot->seq, 1) % RING_ENTRIES;
	struct fz_entry *en = &w->slot->log[i];

	en->done = 0;
	en->pid = w->pid;
	en->nr = nr;
	for (int k = 0; k < 6; k++)
		en->a[k] = a[k];
	return en;
}

static long log_end(struct wk *w, struct fz_entry *en, long r)
{
	en->ret = (int32_t)r;
	en->done = 1;
	__sync_fetch_and_add(&w->slot->calls, 1);
	return r;
}

/* Make one call, logged in the ring before and after. */
static long call(struct wk *w, uint32_t nr, uint32_t a, uint32_t b, uint32_t c, uint32_t d,
		 uint32_t e, uint32_t f)
{
	uint32_t args[6] = { a, b, c, d, e, f };
	bool vsyscall = fz_sysinfo && chance(w, 33);
	struct fz_entry *en = log_begin(w, nr, args);

	return log_end(w, en, vsyscall ? fz_vsc(nr, a, b, c, d, e, f) : fz_sc(nr, a, b, c, d, e, f));
}
#define CALL(w, nr, ...) call_n((w), (nr), (uint32_t[6]){ __VA_ARGS__ })
static long call_n(struct wk *w, uint32_t nr, const uint32_t *a)
{
	return call(w, nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* A result oracle broke: report the call and end. */
static void __attribute__((noreturn)) wrong(struct wk *w, const char *what, long ret)
{
	static const char hex[] = "0123456789abcdef";
	char m[160];
	uint32_t n = 0, v = (uint32_t)ret;

	for (; what[n] && n < 120; n++)
		m[n] = what[n];
	m[n++] = ':', m[n++] = ' ', m[n++] = '0', m[n++] = 'x';
	for (int s = 28; s >= 0; s -= 4)
		m[n++] = hex[(v >> s) & 15];
	m[n] = '\0';
	die(w, EXIT_ORACLE, m);
}

/* ---- Addresses and pointers ---- */

/* A page-aligned address in the arena: mostly in its first MiB, where
 * calls collide, sometimes anywhere in it. */
static uint32_t arena_addr(struct wk *w)
{
	if (chance(w, 80))
		return ARENA_VA + rnd(w, 256) * PAGE;
	return ARENA_VA + rnd(w, (ARENA_END - ARENA_VA) / PAGE - 64) * PAGE;
}

/* A length in bytes: mostly a few pages, sometimes 0, odd or huge. */
static uint32_t mem_len(struct wk *w)
{
	static const uint32_t odd[] = { 0, 1, PAGE - 1, PAGE + 1, 0x7fffffff, 0x80000000,
					0xfffff000, 0xffffffff, 64 * PAGE };

	if (chance(w, 90))
		return (1 + rnd(w, 16)) * PAGE;
	return PICK(w, odd);
}

/* Whether [va, va+len) lies inside the arena. */
static int in_arena(uint32_t va, uint32_t len)
{
	return va >= ARENA_VA && va < ARENA_END && len <= ARENA_END - va;
}

/* An address for a memory call: the arena, or rarely somewhere that
 * is not (which may legitimately end the worker: marked). */
static uint32_t mem_addr(struct wk *w)
{
	static const uint32_t odd[] = { 0, PAGE, 0x08048000, 0xbfffe000, 0xc0000000,
					0xc0100000, 0xfffff000, ARENA_END, UNMAPPED_VA };

	if (chance(w, 95))
		return arena_addr(w) + (chance(w, 3) ? 1 + rnd(w, PAGE - 1) : 0);
	return PICK(w, odd);
}

/*
 * Call before a memory call at (*va, *len), which it may change: the range
 * is kept off the fixed zone (the ring and the sentinels, RING_VA up to the
 * arena), since oracles c and d watch that zone and a worker that unmapped,
 * remapped, reprotected or discarded it itself would break them by its own
 * doing. Outside the arena the call may unmap or replace the worker's own
 * text, data or stack, after which it may end in any way its remains take
 * it (may_segv 2), for good.
 */
static void aim(struct wk *w, uint32_t *va, uint32_t *len)
{
	if (*va < ARENA_VA && (uint64_t)*va + *len + PAGE > RING_VA) {
		if (*va >= RING_VA)
			*va = arena_addr(w);
		else
			*len = RING_VA - *va;
	}
	if (!in_arena(*va, *len)) {
		reap_kids(w, 1);        /* no orphans if this ends the worker */
		w->slot->may_segv = 2;
	}
}

/* A pointer argument for a buffer of len bytes: good ones, and bad ones
 * of every kind. The read-only sentinels are among them. */
static uint32_t ptr_arg(struct wk *w, uint32_t len)
{
	uint32_t k = rnd(w, 28);

	if (len > SCRATCH_LEN)
		len = SCRATCH_LEN;
	switch (k) {
	case 0 ... 9: return (uint32_t)scratch + rnd(w, SCRATCH_LEN - len + 1) / 4 * 4;
	case 10: case 11: return PARENT_VA + rnd(w, PARENT_LEN / 8);
	case 12: return arena_addr(w);
	case 13: return 0;
	case 14: return 1;
	case 15: return UNMAPPED_VA;
	case 16: return EDGE_VA + PAGE - 1 - rnd(w, 8);         /* runs into unmapped */
	case 17: return 0xbffffffc;                             /* runs into the kernel */
	case 18: return 0xc0000000;
	case 19: return 0xc0100000;
	case 20: return 0xffffffff;
	case 21: return (uint32_t)scratch + 1 + rnd(w, 3);
	case 22: case 23: return SENT_ANON_VA + rnd(w, PAGE / 2);
	case 24: case 25: return SENT_FILE_VA + rnd(w, 4096);
	case 26: return w->last_unmapped ? w->last_unmapped : UNMAPPED_VA + PAGE;
	default: return 0xbffffff0 + rnd(w, 16);
	}
}

/* A path argument: real files, directories, missing and overlong
 * paths, and bad pointers. Nothing opened by the worker is writable. */
static uint32_t path_arg(struct wk *w)
{
	static const char *const paths[] = {
		"/etc/lines.txt", "/proc/self/maps", "/proc/meminfo", "/bin/hello",
		"/bin", "/proc", "/", "/nonexistent", "/etc/lines.txt/x", "",
		"/proc/self/exe", "/bin/bad/empty", "/proc/1/status", "/etc/../etc/lines.txt",
	};
	uint32_t k = rnd(w, 20);

	if (k < 14)
		return (uint32_t)paths[k];
	if (k == 14) {
		for (uint32_t i = 0; i < sizeof(longpath) - 1; i++)
			longpath[i] = i % 200 == 0 ? '/' : 'a';
		return (uint32_t)longpath;
	}
	return ptr_arg(w, 64);
}

/* A file descriptor: mostly small numbers (open or not), and bad ones. */
static uint32_t fd_arg(struct wk *w)
{
	static const uint32_t odd[] = { (uint32_t)-1, 1023, 1024, 0x7fffffff, 0x80000000 };

	if (chance(w, 92))
		return rnd(w, 12);
	return PICK(w, odd);
}

/* Oracle f, one part: a result that must be an error. */
static void must_fail(struct wk *w, long r, const char *what)
{
	if (r >= 0 || r < -4095)
		wrong(w, what, r);
}
