/*
 * sysfuzz's memory calls: the mmap family, munmap, mremap, mprotect,
 * madvise, mincore, brk, and touches of the arena. Included by sysfuzz.c
 * after worker.c.
 */

static const uint32_t map_flag_bits[] = {
	MAP_SHARED, MAP_PRIVATE, 0x03 /* MAP_SHARED_VALIDATE */, MAP_FIXED, MAP_ANONYMOUS,
	MAP_GROWSDOWN, MAP_DENYWRITE, MAP_EXECUTABLE, MAP_NORESERVE, MAP_POPULATE,
	MAP_NONBLOCK, MAP_STACK, 0x100000 /* MAP_FIXED_NOREPLACE */, MAP_HUGETLB, 0x80000 /* MAP_SYNC */,
	0x40 /* MAP_32BIT: not on i386 */, 0x00800000,
};

static uint32_t prot_arg(struct wk *w)
{
	static const uint32_t bits[] = { PROT_READ, PROT_WRITE, PROT_EXEC, 0x8 /* SEM */,
					 PROT_GROWSDOWN, PROT_GROWSUP, 0x10 };
	uint32_t p = rnd(w, 8);

	if (chance(w, 10))
		p |= PICK(w, bits);
	return p;
}

/* mmap flags: one of SHARED/PRIVATE, usually ANONYMOUS, and random others. */
static uint32_t map_flags(struct wk *w)
{
	uint32_t f = chance(w, 70) ? MAP_PRIVATE : MAP_SHARED;

	if (chance(w, 65))
		f |= MAP_ANONYMOUS;
	for (uint32_t n = rnd(w, 4); n > 0; n--)
		f |= PICK(w, map_flag_bits);
	if (chance(w, 3))
		f = splitmix(&w->rng);
	return f;
}

/* The fd of a mapping: none, the two initramfs files, or a random one. */
static uint32_t map_fd(struct wk *w, uint32_t flags)
{
	static int lines_fd = -1, hello_fd = -1;

	if ((flags & MAP_ANONYMOUS) && chance(w, 90))
		return (uint32_t)-1;
	if (chance(w, 45)) {
		if (lines_fd < 0 || chance(w, 10))
			lines_fd = (int)CALL(w, SYS_open, (uint32_t)"/etc/lines.txt", O_RDONLY);
		return (uint32_t)lines_fd;
	}
	if (chance(w, 80)) {
		if (hello_fd < 0 || chance(w, 10))
			hello_fd = (int)CALL(w, SYS_open, (uint32_t)"/bin/hello", O_RDONLY);
		return (uint32_t)hello_fd;
	}
	return fd_arg(w);
}

/* Remember a mapping a call returned, for touches to find. */
static void remember(struct wk *w, long r)
{
	if (r > 0 || r < -4095)
		w->recent[w->nrecent++ % 8] = (uint32_t)r;
}

/* Whether [va, va+len) is wholly mapped: mincore says so on Linux. */
static int range_mapped(struct wk *w, uint32_t va, uint32_t len)
{
	return len && len <= SCRATCH_LEN * PAGE &&
	       CALL(w, SYS_mincore, va, len, (uint32_t)scratch) == 0;
}

/* mmap2 with random flags, protections, files and page offsets; oracle f:
 * an offset past 2^32 pages and MAP_FIXED_NOREPLACE over a mapping fail. */
static void op_mmap2(struct wk *w)
{
	static const uint32_t offs[] = { 0, 1, 2, 0x7fffffff, 0xfffff, 0xffffffff, 0xfffffffe, 0x100000 };
	uint32_t flags = map_flags(w), len = mem_len(w), va, pgoff = 0, fd;
	int fixed = flags & (MAP_FIXED | 0x100000), occupied;
	long r;

	va = fixed || chance(w, 30) ? mem_addr(w) : 0;
	if (fixed)
		aim(w, &va, &len);
	fd = map_fd(w, flags);
	if (chance(w, 30))
		pgoff = PICK(w, offs);
	occupied = (flags & 0x100000) && range_mapped(w, va, len);
	r = CALL(w, SYS_mmap2, va, len, prot_arg(w), flags, fd, pgoff);
	remember(w, r);
	if (len && pgoff + ((len + PAGE - 1) / PAGE) < pgoff)
		must_fail(w, r, "mmap2 with a page offset past 2^32 pages succeeded");
	if (occupied && va % PAGE == 0)
		must_fail(w, r, "MAP_FIXED_NOREPLACE over a mapping succeeded");
}

/* The old mmap (90): one argument, a pointer to six words. */
static void op_old_mmap(struct wk *w)
{
	uint32_t *args = (uint32_t *)(scratch + SCRATCH_LEN - 64);
	uint32_t flags = map_flags(w);

	args[0] = flags & (MAP_FIXED | 0x100000) ? arena_addr(w) : 0;
	args[1] = mem_len(w);
	args[2] = prot_arg(w);
	args[3] = flags;
	args[4] = map_fd(w, flags);
	args[5] = chance(w, 80) ? 0 : chance(w, 50) ? PAGE * rnd(w, 4) : 1 + rnd(w, 0x10000);
	remember(w, CALL(w, SYS_mmap, chance(w, 85) ? (uint32_t)args : ptr_arg(w, 24)));
}

static void op_munmap(struct wk *w)
{
	uint32_t va = mem_addr(w), len = mem_len(w);

	aim(w, &va, &len);
	if (CALL(w, SYS_munmap, va, len) == 0 && in_arena(va, PAGE) && va % PAGE == 0)
		w->last_unmapped = va;
}

/* mremap with every flag mix; new addresses stay in the arena. */
static void op_mremap(struct wk *w)
{
	static const uint32_t flag_sets[] = { 0, 1, 1, 1 | 2, 1 | 4, 2, 4, 1 | 2 | 4, 8 };
	uint32_t va = mem_addr(w), old = mem_len(w), len = mem_len(w);

	aim(w, &va, &old);
	remember(w, CALL(w, SYS_mremap, va, old, len, PICK(w, flag_sets), arena_addr(w)));
}

/* Grow a shared anonymous mapping and touch its new part: what
 * MAP_SHARED's object must stretch for. */
static void op_mremap_shared(struct wk *w)
{
	uint32_t va = arena_addr(w), n = 1 + rnd(w, 3);
	long r;

	r = CALL(w, SYS_mmap2, va, n * PAGE, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, (uint32_t)-1, 0);
	if (r != (long)va)
		return;
	*(volatile uint32_t *)va = 0x12345678;
	r = CALL(w, SYS_mremap, va, n * PAGE, (n + 1 + rnd(w, 3)) * PAGE, chance(w, 50) ? 1 : 0, 0);
	if (r >= -4095 && r < 0)
		return;
	uint32_t sticky = w->slot->may_segv;
	w->slot->may_segv = 1;
	((volatile uint32_t *)r)[n * PAGE / 4] = 1;
	if (((volatile uint32_t *)r)[0] != 0x12345678)
		wrong(w, "mremap of shared memory lost its contents", ((volatile uint32_t *)r)[0]);
	w->slot->may_segv = sticky;
}

static void op_mprotect(struct wk *w)
{
	uint32_t va = mem_addr(w), len = mem_len(w);

	aim(w, &va, &len);
	CALL(w, SYS_mprotect, va, len, prot_arg(w));
}

/* madvise with every advice Linux has, and invalid ones; never
 * MADV_HWPOISON or MADV_SOFT_OFFLINE (they hurt the machine on Linux). */
static void op_madvise(struct wk *w)
{
	uint32_t advice = rnd(w, 30), va = mem_addr(w), len = mem_len(w);
	long r;

	if (chance(w, 5))
		advice = (uint32_t)-1;
	aim(w, &va, &len);             /* DONTNEED may drop the worker's own stack */
	r = CALL(w, SYS_madvise, va, len, advice);
	if ((advice == 10 || advice == 18) && (r == 0 || r == -ENOMEM))
		w->slot->fork_advised = 1;
}

static void op_mincore(struct wk *w)
{
	CALL(w, SYS_mincore, mem_addr(w), mem_len(w), ptr_arg(w, 64));
	check_sentinels(w);
}

static void op_brk(struct wk *w)
{
	static const uint32_t odd[] = { 0, 1, 0x08048000, 0x30000000, 0xbffff000, 0xc0000000,
					0xffffffff };
	uint32_t want;
	long r;

	if (!w->brk_cur)
		w->brk_cur = (uint32_t)CALL(w, SYS_brk, 0);
	if (chance(w, 80))
		want = w->brk_cur + (rnd(w, 64) - 16) * PAGE + (chance(w, 10) ? rnd(w, PAGE) : 0);
	else
		want = PICK(w, odd);
	r = CALL(w, SYS_brk, want);
	if (r > 0)
		w->brk_cur = (uint32_t)r;
}

/* Read or write one word of a mapping we were given lately (or of the
 * arena, or a bad address), after reaping the children: no orphans if it
 * ends the worker. SIGSEGV and SIGBUS are legitimate answers. */
static void op_touch(struct wk *w)
{
	uint32_t va, a[6] = { 0 }, write = chance(w, 30), sticky;
	struct fz_entry *en;

	reap_kids(w, 1);
	if (w->nrecent && chance(w, 95)) {
		va = w->recent[rnd(w, w->nrecent < 8 ? w->nrecent : 8)] + rnd(w, 4 * PAGE / 4) * 4;
	} else {
		va = chance(w, 90) ? arena_addr(w) + rnd(w, PAGE / 4) * 4 : ptr_arg(w, 4) & ~3u;
	}
	if (va >= RING_VA && va < SCRATCH_VA)
		va = arena_addr(w);     /* the sentinels are written only by the kernel's mistakes */
	a[0] = va, a[1] = write;
	en = log_begin(w, NR_TOUCH, a);
	sticky = w->slot->may_segv;
	w->slot->may_segv = 1;
	if (write)
		*(volatile uint32_t *)va = (uint32_t)splitmix(&w->rng);
	else
		(void)*(volatile uint32_t *)va;
	w->slot->may_segv = sticky;
	log_end(w, en, 0);
}
