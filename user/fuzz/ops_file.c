/*
 * sysfuzz's file, pipe and miscellaneous calls, and the fully random
 * ones. Included by sysfuzz.c after worker.c. Files are opened read-only
 * (a write to /etc/lines.txt on Linux would change the sentinel), pipes
 * are non-blocking (no call may sleep forever), and nothing reaches the
 * console (fds 0-2 are closed first) but op_termios's settings calls.
 */

/* open flags: read-only plus random harmless bits. */
static uint32_t open_flags(struct wk *w)
{
	static const uint32_t bits[] = { O_NONBLOCK, O_CLOEXEC, O_DIRECTORY, O_NOFOLLOW, O_LARGEFILE,
					 O_NOATIME, O_APPEND, O_EXCL, O_NOCTTY, O_PATH, O_SYNC, 0x40000000 };
	uint32_t f = O_RDONLY;

	for (uint32_t n = rnd(w, 3); n > 0; n--)
		f |= PICK(w, bits);
	return f;
}

static void op_open(struct wk *w)
{
	uint32_t path = path_arg(w);

	if (chance(w, 50))
		CALL(w, SYS_open, path, open_flags(w), 0);
	else
		CALL(w, SYS_openat, chance(w, 80) ? (uint32_t)AT_FDCWD : fd_arg(w), path, open_flags(w), 0);
	check_sentinels(w);
}

/* read into and write from every kind of buffer, including the sentinels;
 * oracle f: 8 bytes at 0xbffffffc run into the kernel's half: EFAULT. */
static void op_rw(struct wk *w)
{
	static const uint32_t lens[] = { 0, 1, 8, 100, 4096, 8192, 65536, 0x7fffffff, 0xffffffff };
	uint32_t fd = fd_arg(w), buf = ptr_arg(w, 4096), len = PICK(w, lens);
	int to_kernel = buf >= 0xbffffff0 && buf < 0xc0000000;
	long r;

	if (to_kernel)
		len = 8;
	if (chance(w, 60)) {
		r = CALL(w, SYS_read, fd, buf, len);
		if (to_kernel && buf + len > 0xc0000000 && r > 0)
			wrong(w, "read into a buffer that runs into the kernel's half succeeded", r);
	} else {
		CALL(w, SYS_write, fd, buf, len);
	}
	check_sentinels(w);
}

static void op_seek(struct wk *w)
{
	static const uint32_t offs[] = { 0, 1, 100, 6000, 0x7fffffff, 0x80000000, 0xffffffff };

	if (chance(w, 50))
		CALL(w, SYS_lseek, fd_arg(w), PICK(w, offs), rnd(w, 6));
	else
		CALL(w, SYS__llseek, fd_arg(w), PICK(w, offs), PICK(w, offs), ptr_arg(w, 8), rnd(w, 6));
	check_sentinels(w);
}

/* readv/writev with iovec arrays of good and bad entries and counts. */
static void op_iov(struct wk *w)
{
	static const uint32_t counts[] = { 0, 1, 2, 3, 16, 1024, 1025, 0xffffffff };
	static const uint32_t lens[] = { 0, 1, 64, 4096, 0x7fffffff, 0x80000000, 0xffffffff };
	uint32_t *iov = (uint32_t *)(scratch + 4096), n = PICK(w, counts);

	for (uint32_t i = 0; i < 16; i++) {
		iov[2 * i] = ptr_arg(w, 64);
		iov[2 * i + 1] = chance(w, 80) ? 1 + rnd(w, 64) : PICK(w, lens);
	}
	CALL(w, chance(w, 60) ? SYS_readv : SYS_writev, fd_arg(w),
	     chance(w, 85) ? (uint32_t)iov : ptr_arg(w, 16), n > 16 && chance(w, 50) ? 16 : n);
	check_sentinels(w);
}

/* pipe2 (mostly non-blocking) and pipe, whose ends are made non-blocking
 * at once; the worker keeps the newest pair for its children to write to. */
static void op_pipe(struct wk *w)
{
	int *fds = (int *)(scratch + 128);
	long r;

	if (chance(w, 20)) {
		r = CALL(w, SYS_pipe2, ptr_arg(w, 8),
			 O_NONBLOCK | (chance(w, 30) ? O_CLOEXEC : 0) | (chance(w, 30) ? 040000 /* O_DIRECT */ : 0));
	} else {
		r = CALL(w, chance(w, 50) ? SYS_pipe : SYS_pipe2, (uint32_t)fds, 0);
		if (r == 0) {
			SC3(SYS_fcntl64, fds[0], F_SETFL, O_NONBLOCK);
			SC3(SYS_fcntl64, fds[1], F_SETFL, O_NONBLOCK);
			w->pipe_r = fds[0], w->pipe_w = fds[1];
		}
	}
	check_sentinels(w);
}

static void op_dup(struct wk *w)
{
	switch (rnd(w, 3)) {
	case 0: CALL(w, SYS_dup, fd_arg(w)); break;
	case 1: CALL(w, SYS_dup2, fd_arg(w), fd_arg(w)); break;
	default: CALL(w, SYS_dup3, fd_arg(w), fd_arg(w), chance(w, 70) ? O_CLOEXEC : rnd(w, 0x100000)); break;
	}
}

/* fcntl: every command but the record locks that wait (another worker's
 * lock could hold one for ever); F_SETFL keeps O_NONBLOCK. A lock's
 * structure is a random one, or a plausible struct flock or flock64. */
static void op_fcntl(struct wk *w)
{
	static const uint32_t cmds[] = { F_DUPFD, F_GETFD, F_SETFD, F_GETFL, F_SETFL, F_GETLK, F_SETLK,
					 1030 /* DUPFD_CLOEXEC */, 1031, 1032, 12, 13, 36, 37, 0xffff };
	static const uint32_t starts[] = { 0, 1, 5, 100, 0xffffffff, 0x7fffffff, 0x80000000 };
	uint32_t cmd = PICK(w, cmds), arg = rnd(w, 64);

	if (cmd == F_SETFL)
		arg = O_NONBLOCK | (chance(w, 50) ? O_APPEND : 0) | (chance(w, 20) ? 040000 /* O_DIRECT */ : 0);
	if (cmd == 1031)                /* F_SETPIPE_SZ: up to 256 KiB, or anything */
		arg = chance(w, 80) ? rnd(w, 262145) : (uint32_t)splitmix(&w->rng);
	if (cmd == F_GETLK || cmd == F_SETLK || (cmd >= 12 && cmd < 1030)) {
		uint32_t *fl = (uint32_t *)(scratch + 1024);
		bool wide = cmd >= 12;

		arg = chance(w, 30) ? ptr_arg(w, 32) : (uint32_t)fl;
		fl[0] = rnd(w, 4) | rnd(w, 4) << 16;    /* l_type, l_whence */
		fl[1] = PICK(w, starts);
		fl[2] = wide && chance(w, 80) ? 0 : PICK(w, starts) >> rnd(w, 31);
		fl[3] = chance(w, 50) ? 0 : PICK(w, starts) >> rnd(w, 31);
		fl[4] = fl[5] = chance(w, 80) ? 0 : rnd(w, 3);
	}
	CALL(w, chance(w, 50) ? SYS_fcntl : SYS_fcntl64, fd_arg(w), cmd, arg);
	check_sentinels(w);
}

static void op_close(struct wk *w)
{
	uint32_t fd = fd_arg(w);

	if (fd == (uint32_t)w->pipe_r || fd == (uint32_t)w->pipe_w)
		w->pipe_r = w->pipe_w = -1;
	CALL(w, SYS_close, fd);
}

/* stat64, lstat64, fstat64, fstatat64, statx, getdents64, readlink,
 * access, faccessat, getcwd. */
static void op_stat(struct wk *w)
{
	uint32_t buf = ptr_arg(w, 256);

	switch (rnd(w, 10)) {
	case 0: CALL(w, SYS_stat64, path_arg(w), buf); break;
	case 1: CALL(w, SYS_lstat64, path_arg(w), buf); break;
	case 2: CALL(w, SYS_fstat64, fd_arg(w), buf); break;
	case 3: CALL(w, SYS_fstatat64, chance(w, 70) ? (uint32_t)AT_FDCWD : fd_arg(w), path_arg(w), buf,
		     chance(w, 70) ? 0 : rnd(w, 0x2000)); break;
	case 4: CALL(w, SYS_statx, (uint32_t)AT_FDCWD, path_arg(w), rnd(w, 0x8000), 0x7ff, buf); break;
	case 5: CALL(w, SYS_getdents64, fd_arg(w), buf, chance(w, 80) ? 256 : splitmix(&w->rng)); break;
	case 6: CALL(w, SYS_readlink, path_arg(w), buf, chance(w, 80) ? 64 : rnd(w, 5)); break;
	case 7: CALL(w, SYS_access, path_arg(w), rnd(w, 8)); break;
	case 8: CALL(w, SYS_faccessat, (uint32_t)AT_FDCWD, path_arg(w), rnd(w, 8), 0); break;
	default: CALL(w, SYS_getcwd, buf, chance(w, 80) ? 64 : rnd(w, 3)); break;
	}
	check_sentinels(w);
}

/* ioctl: terminal and file requests, never FIONBIO (a blocking pipe). */
static void op_ioctl(struct wk *w)
{
	static const uint32_t reqs[] = { 0x5401 /* TCGETS */, 0x541b /* FIONREAD */, 0x5413 /* TIOCGWINSZ */,
					 0x540f /* TIOCGPGRP */, 0x80086601 /* FS_IOC_GETFLAGS */, 0 };
	uint32_t req = chance(w, 90) ? PICK(w, reqs) : (uint32_t)splitmix(&w->rng);

	if (req == 0x5421 || req == 0x5452 || req == 0x5412)    /* FIONBIO, FIOASYNC, TIOCSTI */
		req = 0x5401;
	CALL(w, SYS_ioctl, fd_arg(w), req, ptr_arg(w, 64));
	check_sentinels(w);
}

/* The terminal's settings, as the console's programs change them: each
 * set gives back what a get just read (random settings could stop or
 * rewrite the log's output), or reads from a bad pointer; flushes and
 * drains; flow control only to restart output. */
static void op_termios(struct wk *w)
{
	static const uint32_t gets[] = { 0x5401 /* TCGETS */, 0x5405 /* TCGETA */, 0x802C542A /* TCGETS2 */ };
	static const uint32_t sets[] = { 0x5402, 0x5403, 0x5404 };   /* TCSETS, TCSETSW, TCSETSF */
	static const uint32_t tcxonc[] = { 1 /* TCOON */, 4, 0x80000000u };
	static const uint32_t ints[] = { 0x5411 /* TIOCOUTQ */, 0x5424 /* TIOCGETD */, 0x80045440 /* TIOCGEXCL */ };
	static int console = -1;
	uint32_t t = (uint32_t)(scratch + 1536), fd;
	long r;

	/* The console, at an fd no other op picks: a read of it would wait
	 * for ever, and random writes would fill the log. */
	if (console < 0 && (r = CALL(w, SYS_open, (uint32_t)"/dev/console", O_RDWR | O_NOCTTY)) >= 0) {
		console = (int)CALL(w, SYS_fcntl64, (uint32_t)r, F_DUPFD, 100);
		CALL(w, SYS_close, (uint32_t)r);
	}
	fd = chance(w, 80) ? (uint32_t)console : fd_arg(w);

	switch (rnd(w, 7)) {
	case 0: CALL(w, SYS_ioctl, fd, PICK(w, gets), chance(w, 80) ? t : ptr_arg(w, 64)); break;
	case 1:
		if (CALL(w, SYS_ioctl, fd, 0x5401, t) == 0)
			CALL(w, SYS_ioctl, fd, PICK(w, sets), t);
		break;
	case 2: CALL(w, SYS_ioctl, fd, PICK(w, sets), chance(w, 50) ? 0 : 0xC0000000u); break;
	case 3: CALL(w, SYS_ioctl, fd, 0x540B /* TCFLSH */, rnd(w, 5)); break;
	case 4: CALL(w, SYS_ioctl, fd, 0x540A /* TCXONC */, PICK(w, tcxonc)); break;
	case 5: CALL(w, SYS_ioctl, fd, 0x5409 /* TCSBRK */, 1 + rnd(w, 3)); break;
	default: CALL(w, SYS_ioctl, fd, PICK(w, ints), chance(w, 80) ? t : ptr_arg(w, 4)); break;
	}
	check_sentinels(w);
}

/* eventfd, timerfd and epoll: new ones (made non-blocking at once),
 * epoll_ctl with any op, descriptors and events, waits of at most 2 ms
 * (never without a timeout), timers of at most 3 ms (or an hour), and an
 * eventfd's count read and written. */
static void op_event_files(struct wk *w)
{
	uint32_t *ev = (uint32_t *)(scratch + 2560), *ts = (uint32_t *)(scratch + 2688);
	uint32_t *mask = (uint32_t *)(scratch + 2704);
	uint32_t out = chance(w, 85) ? (uint32_t)ev : ptr_arg(w, 96);
	long r;

	ev[0] = chance(w, 70) ? (uint32_t)splitmix(&w->rng) & 0xc000201f : (uint32_t)splitmix(&w->rng);
	ev[1] = (uint32_t)splitmix(&w->rng), ev[2] = rnd(w, 100);
	ts[0] = 0, ts[1] = 0, ts[2] = rnd(w, 3) * 1000000, ts[3] = 0;   /* a 64-bit timespec */
	mask[0] = (uint32_t)splitmix(&w->rng), mask[1] = (uint32_t)splitmix(&w->rng);
	switch (rnd(w, 9)) {
	case 7:
		r = CALL(w, 322 /* timerfd_create */, chance(w, 80) ? PICK(w, ((const uint32_t[]){ 0, 1, 7, 8, 9 })) : rnd(w, 14) - 1,
			 chance(w, 90) ? O_NONBLOCK | (chance(w, 30) ? O_CLOEXEC : 0) : (uint32_t)splitmix(&w->rng));
		if (r >= 0)
			SC3(SYS_fcntl64, r, F_SETFL, O_NONBLOCK);
		break;
	case 8: {       /* an itimerspec: interval, value; 32-bit or 64-bit */
		uint32_t *it = ev + 8, time64 = chance(w, 50);

		memset(it, 0, 32);
		it[time64 ? 6 : 3] = chance(w, 80) ? rnd(w, 3000001) : (uint32_t)splitmix(&w->rng);
		it[time64 ? 2 : 1] = chance(w, 70) ? 0 : chance(w, 90) ? 1000000 + rnd(w, 1000000) : (uint32_t)splitmix(&w->rng);
		if (chance(w, 10))
			it[time64 ? 4 : 2] = 3600;      /* an hour off: never in a run */
		if (chance(w, 60))
			CALL(w, time64 ? 411 : 325 /* timerfd_settime */, fd_arg(w), chance(w, 80) ? rnd(w, 4) : (uint32_t)splitmix(&w->rng),
			     chance(w, 90) ? (uint32_t)it : ptr_arg(w, 32), chance(w, 50) ? 0 : ptr_arg(w, 32));
		else
			CALL(w, time64 ? 410 : 326 /* timerfd_gettime */, fd_arg(w), chance(w, 80) ? (uint32_t)it : ptr_arg(w, 32));
		break;
	}
	case 0:
		r = CALL(w, chance(w, 30) ? 323 /* eventfd */ : 328 /* eventfd2 */, rnd(w, 4),
			 chance(w, 90) ? O_NONBLOCK | rnd(w, 2) | (chance(w, 30) ? O_CLOEXEC : 0) : (uint32_t)splitmix(&w->rng));
		if (r >= 0)
			SC3(SYS_fcntl64, r, F_SETFL, O_NONBLOCK);
		break;
	case 1:
		if (chance(w, 70))
			CALL(w, 329 /* epoll_create1 */, chance(w, 80) ? (chance(w, 30) ? O_CLOEXEC : 0) : (uint32_t)splitmix(&w->rng));
		else
			CALL(w, 254 /* epoll_create */, rnd(w, 3) - 1);
		break;
	case 2:
	case 3:
		CALL(w, 255 /* epoll_ctl */, fd_arg(w), rnd(w, 5), fd_arg(w), chance(w, 85) ? (uint32_t)ev : ptr_arg(w, 12));
		break;
	case 4:
	case 5: {
		uint32_t max = chance(w, 90) ? 1 + rnd(w, 8) : (uint32_t)splitmix(&w->rng);

		if (chance(w, 40))
			CALL(w, 256 /* epoll_wait */, fd_arg(w), out, max, rnd(w, 3));
		else if (chance(w, 50))
			CALL(w, 319 /* epoll_pwait */, fd_arg(w), out, max, rnd(w, 3),
			     chance(w, 60) ? 0 : chance(w, 80) ? (uint32_t)mask : ptr_arg(w, 8), chance(w, 90) ? 8 : rnd(w, 16));
		else
			CALL(w, 441 /* epoll_pwait2 */, fd_arg(w), out, max, chance(w, 90) ? (uint32_t)ts : ptr_arg(w, 16),
			     chance(w, 60) ? 0 : (uint32_t)mask, 8);
		break;
	}
	default:        /* an eventfd's count, or whatever the descriptor is */
		CALL(w, chance(w, 50) ? SYS_read : SYS_write, fd_arg(w), chance(w, 85) ? (uint32_t)(ev + 1) : ptr_arg(w, 8),
		     chance(w, 85) ? 8 : rnd(w, 16));
		break;
	}
	check_sentinels(w);
}

/* poll, ppoll, select, pselect6 (both time sizes) on random descriptors,
 * always with a timeout of at most 20 ms; ppoll and pselect6 with a
 * random temporary mask (its size sometimes wrong). */
static void op_poll(struct wk *w)
{
	uint32_t *fds = (uint32_t *)(scratch + 2048), *ts = (uint32_t *)(scratch + 2240);
	uint32_t *sets = (uint32_t *)(scratch + 2304), *mask = (uint32_t *)(scratch + 2368);
	uint32_t *sig = (uint32_t *)(scratch + 2384), n = rnd(w, 8), nbits = rnd(w, 40);
	uint32_t time64 = chance(w, 50), tsp = chance(w, 90) ? (uint32_t)ts : 0xC0000000u;  /* never a random timeout */

	for (uint32_t i = 0; i < n; i++) {
		fds[2 * i] = chance(w, 90) ? fd_arg(w) : (uint32_t)-1;
		fds[2 * i + 1] = (uint32_t)splitmix(&w->rng) & 0xFFFF;      /* events; revents 0 */
	}
	for (int i = 0; i < 6; i++)
		sets[i] = chance(w, 50) ? (uint32_t)splitmix(&w->rng) : 0;
	mask[0] = (uint32_t)splitmix(&w->rng);
	mask[1] = (uint32_t)splitmix(&w->rng);
	sig[0] = chance(w, 70) ? (uint32_t)mask : 0;
	sig[1] = chance(w, 90) ? 8 : rnd(w, 16);
	ts[0] = 0;                      /* seconds; time64: the low half */
	ts[1] = time64 ? 0 : rnd(w, 20) * 1000000;
	ts[2] = rnd(w, 20) * 1000000;   /* time64's nanoseconds */
	ts[3] = 0;
	switch (rnd(w, 5)) {
	case 0: CALL(w, SYS_poll, chance(w, 90) ? (uint32_t)fds : ptr_arg(w, 8), chance(w, 95) ? n : 0x7fffffff, rnd(w, 20)); break;
	case 1:
		CALL(w, time64 ? 414 /* ppoll_time64 */ : SYS_ppoll, (uint32_t)fds, n, (uint32_t)tsp,
		     chance(w, 80) ? (uint32_t)mask : ptr_arg(w, 8), sig[1]);
		break;
	case 2:
		ts[0] = 0;
		ts[1] = rnd(w, 20000);          /* a timeval: microseconds */
		CALL(w, SYS__newselect, nbits, (uint32_t)sets, (uint32_t)(sets + 2), chance(w, 80) ? (uint32_t)(sets + 4) : ptr_arg(w, 8), tsp);
		break;
	case 3:
		CALL(w, time64 ? 413 /* pselect6_time64 */ : SYS_pselect6, nbits, (uint32_t)sets,
		     (uint32_t)(sets + 2), (uint32_t)(sets + 4), tsp, chance(w, 80) ? (uint32_t)sig : ptr_arg(w, 8));
		break;
	default:
		ts[0] = 0;
		ts[1] = rnd(w, 20000);
		fds[0] = nbits, fds[1] = (uint32_t)sets, fds[2] = 0, fds[3] = (uint32_t)(sets + 4), fds[4] = tsp;
		CALL(w, SYS_select, chance(w, 90) ? (uint32_t)fds : 0xC0000000u);
		break;
	}
	check_sentinels(w);
}

/* futex: never a wait whose value matches without a short timeout. */
static void op_futex(struct wk *w)
{
	static const uint32_t ops[] = { 0, 1, 9, 10, 128, 129, 137, 3, 5 };
	uint32_t op = PICK(w, ops), uaddr = ptr_arg(w, 4), *ts = (uint32_t *)(scratch + 192);
	uint32_t val = (uint32_t)splitmix(&w->rng);

	ts[0] = 0, ts[1] = 1000000;
	if ((op & 127) == 0 || (op & 127) == 9) {
		if (uaddr >= (uint32_t)scratch && uaddr < (uint32_t)scratch + SCRATCH_LEN)
			val = *(uint32_t *)uaddr + 1;
		else if (uaddr >= SENT_ANON_VA && uaddr < SENT_ANON_VA + PAGE - 4)
			val = *(uint32_t *)uaddr + 1;
		else if (!(uaddr >= 0xc0000000 || uaddr < PAGE || uaddr == UNMAPPED_VA))
			val = 0;                /* may match: so a timeout */
		CALL(w, SYS_futex, uaddr, op, val, val == 0 || chance(w, 30) ? (uint32_t)ts : 0,
		     0, (op & 127) == 9 ? 0xffffffff : 0);
		return;
	}
	CALL(w, SYS_futex, uaddr, op, rnd(w, 3), 0, ptr_arg(w, 4), rnd(w, 4));
	check_sentinels(w);
}

/* The calls without much state: identity, time, limits, randomness,
 * prctl, set_tid_address, robust lists, reboot with a wrong magic,
 * Pagoda's pagewalk; oracle f: getrandom into the kernel's half fails. */
static void op_misc(struct wk *w)
{
	static const uint32_t ids[] = { SYS_getpid, SYS_getppid, SYS_gettid, SYS_getuid32, SYS_geteuid32,
					SYS_getgid32, SYS_getegid32, SYS_getuid, SYS_sched_yield };
	static const uint32_t prctls[] = { 15, 16, 3, 4, 2, 36, 37, 23, 9, 10, 0, 60, 99, 0x7fffffff };
	uint32_t buf = ptr_arg(w, 64), *ts = (uint32_t *)(scratch + 200);

	ts[2] = rnd(w, 2000) - 1000, ts[3] = rnd(w, 2);         /* a struct timezone */
	long r;

	switch (rnd(w, 16)) {
	case 0: CALL(w, PICK(w, ids), 0); break;
	case 1: CALL(w, SYS_uname, buf); break;
	case 2: CALL(w, SYS_time, chance(w, 30) ? 0 : buf); break;
	case 3: CALL(w, SYS_gettimeofday, buf, chance(w, 70) ? 0 : ptr_arg(w, 8)); break;
	case 4: {
		/* the clocks by id, with CPU clocks of pids (~pid << 3 | kind) */
		uint32_t id = chance(w, 80) ? rnd(w, 14) - 1 : (~rnd(w, 3000) << 3) | rnd(w, 8);

		if (chance(w, 85)) {
			CALL(w, chance(w, 70) ? SYS_clock_gettime : SYS_clock_getres, id, buf);
		} else {        /* set: to now plus a little, or garbage; or the zone */
			ts[0] = (uint32_t)CALL(w, SYS_time, 0) + rnd(w, 5);
			ts[1] = chance(w, 80) ? rnd(w, 1000000) : (uint32_t)splitmix(&w->rng);
			if (chance(w, 50))
				CALL(w, SYS_clock_settime, id, chance(w, 80) ? (uint32_t)ts : ptr_arg(w, 8));
			else
				CALL(w, SYS_settimeofday, chance(w, 30) ? 0 : chance(w, 80) ? (uint32_t)ts : ptr_arg(w, 8),
				     chance(w, 50) ? 0 : chance(w, 80) ? (uint32_t)(ts + 2) : ptr_arg(w, 8));
		}
		break;
	}
	case 5:
		ts[0] = 0, ts[1] = chance(w, 80) ? 1000000 : PICK(w, ((const uint32_t[]){ 0, 999999999,
						1000000000, 0xffffffff }));
		if (chance(w, 50)) {
			CALL(w, SYS_nanosleep, chance(w, 80) ? (uint32_t)ts : ptr_arg(w, 8),
			     chance(w, 50) ? 0 : ptr_arg(w, 8));
		} else {        /* clock_nanosleep: relative, or TIMER_ABSTIME at a time long past */
			uint32_t flags = chance(w, 70) ? 0 : chance(w, 80) ? 1 : (uint32_t)splitmix(&w->rng);

			if (flags & 1)
				ts[0] = 0;      /* 1970: already gone on either clock */
			CALL(w, SYS_clock_nanosleep, rnd(w, 14) - 1, flags, chance(w, 80) ? (uint32_t)ts : ptr_arg(w, 8),
			     chance(w, 50) ? 0 : ptr_arg(w, 8));
		}
		break;
	case 6:
		if (chance(w, 50))
			CALL(w, SYS_sysinfo, buf);
		else if (chance(w, 80))         /* who: SELF, CHILDREN, THREAD, or wrong */
			CALL(w, SYS_getrusage, chance(w, 80) ? rnd(w, 3) - 1 : (uint32_t)splitmix(&w->rng), buf);
		else if ((r = CALL(w, SYS_restart_syscall)) != -EINTR)  /* nothing to go on with */
			wrong(w, "restart_syscall with nothing to restart is not EINTR", r);
		break;
	case 7: CALL(w, SYS_prlimit64, chance(w, 70) ? 0 : w->pid, rnd(w, 18), 0,
		     chance(w, 30) ? 0 : buf); break;
	case 8: CALL(w, SYS_ugetrlimit, rnd(w, 18), buf); break;
	case 9:
		r = CALL(w, SYS_getrandom, buf, buf >= 0xbffffff0 && buf < 0xc0000000 ? 8 : 1 + rnd(w, 300),
			 PICK(w, ((const uint32_t[]){ 0, 1, 2, 3, 4, 0x80 })));
		if (buf >= 0xbffffff0 && buf < 0xc0000000 && buf + 8 > 0xc0000000 && r > 0)
			wrong(w, "getrandom into a buffer that runs into the kernel's half succeeded", r);
		break;
	case 10: {
		uint32_t opt = PICK(w, prctls);
		CALL(w, SYS_prctl, opt, opt == 4 ? 1 : opt == 36 ? 0 : buf, 0, 0, 0);
		break;
	}
	case 11: CALL(w, SYS_set_tid_address, ptr_arg(w, 4)); break;
	case 12: CALL(w, SYS_set_robust_list, ptr_arg(w, 12), chance(w, 80) ? 12 : rnd(w, 100)); break;
	case 13: CALL(w, SYS_reboot, chance(w, 70) ? 0xfee1dead : 0x12345678, 0x1234567,
		     PICK(w, ((const uint32_t[]){ 0x1234567, 0xcdef0123, 0, 0x4321fedc })), 0); break;
	case 14: CALL(w, 1000 /* pagoda_pagewalk */, chance(w, 60) ? 0 : PICK(w, ((const uint32_t[]){
		     1, 2, 999999, 0xffffffff })), chance(w, 50) ? arena_addr(w) : ptr_arg(w, 4), buf); break;
	default:
		CALL(w, SYS_rt_sigprocmask, rnd(w, 4), chance(w, 80) ? (uint32_t)(scratch + 300) : ptr_arg(w, 8),
		     chance(w, 50) ? 0 : buf, chance(w, 90) ? 8 : rnd(w, 20));
		break;
	}
	check_sentinels(w);
}

/* rt_sigaction: SIG_DFL or SIG_IGN with random flags and masks, never a
 * handler (a random handler address is only a way to die of SIGSEGV, on
 * Pagoda as on Linux); never for SIGKILL's sake, it fails anyway. */
static void op_sigaction(struct wk *w)
{
	uint32_t *act = (uint32_t *)(scratch + 320);

	act[0] = chance(w, 50) ? 0 : 1;
	act[1] = (uint32_t)splitmix(&w->rng) & ~0x04000000u;   /* no SA_RESTORER */
	act[2] = 0;
	act[3] = (uint32_t)splitmix(&w->rng), act[4] = (uint32_t)splitmix(&w->rng);
	/* A new action from that structure only: one read from random bytes
	 * would be a handler. A bad pointer still checks EFAULT. */
	if (chance(w, 75)) {
		CALL(w, SYS_rt_sigaction, rnd(w, 70), chance(w, 80) ? (uint32_t)act : chance(w, 50) ? 0xc0000000u : 8u,
		     chance(w, 50) ? 0 : ptr_arg(w, 20), chance(w, 90) ? 8 : rnd(w, 20));
	} else {        /* the old sigaction (handler, mask, flags, restorer), or signal() */
		act[1] = act[3], act[2] = (uint32_t)splitmix(&w->rng) & ~0x04000000u, act[3] = 0;
		if (chance(w, 80))
			CALL(w, 67 /* sigaction */, rnd(w, 70), chance(w, 80) ? (uint32_t)act : chance(w, 50) ? 0xc0000000u : 8u,
			     chance(w, 50) ? 0 : ptr_arg(w, 16));
		else
			CALL(w, 48 /* signal */, rnd(w, 70), act[0]);
	}
	check_sentinels(w);
}

/* Calls a random number may not make: they block, end or stop the
 * worker, change other processes, the machine or the files, or install
 * handlers and timers that would send signals nobody asked for. */
static int random_nr_forbidden(uint32_t nr)
{
	static const uint16_t deny[] = {
		1, 2, 3, 4, 5, 7, 8, 25, 54, 55, 86, 217, 221, 256, 295, 319, 331, 336, 337, 342,
		343, 345, 377, 385, 9, 10, 11, 14, 15, 16, 21, 22, 23, 26, 27, 29, 36, 37, 38, 39, 40,
		42, 45, 48, 51, 52, 61, 67, 72, 75, 79, 82, 83, 87, 88, 90, 91, 92, 93, 94, 95, 101,
		102, 103, 104, 110, 111, 113, 114, 115, 117, 119, 120, 123, 124, 125, 128, 129, 136,
		142, 143, 154, 155, 156, 157, 158, 159, 160, 161, 162, 163, 166, 167, 168, 172, 173,
		174, 177, 178, 179, 182, 187, 190, 192, 193, 194, 198, 207, 212, 219, 238, 239, 240,
		243, 252, 257, 259, 260, 264, 267, 270, 280, 282, 283, 284, 296, 297, 298, 301, 302,
		303, 304, 306, 308, 309, 310, 313, 315, 316, 324, 325, 335, 340, 346, 347, 348, 350,
		351, 353, 354, 357, 358, 359, 360, 361, 362, 363, 364, 365, 366, 367, 368, 369, 370,
		371, 372, 373, 374, 376, 380, 384, 386, 393, 394, 395, 396, 397, 398, 399, 400, 401,
		402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418,
		419, 420, 421, 422, 423, 424, 425, 426, 427, 428, 429, 430, 431, 432, 433, 434, 435,
		436, 437, 438, 439, 440, 441, 442, 443, 444, 445, 446, 447, 448, 449, 450,
	};

	for (uint32_t i = 0; i < sizeof(deny) / sizeof(deny[0]); i++)
		if (deny[i] == nr)
			return 1;
	return nr > 450;
}

static void op_random(struct wk *w)
{
	uint32_t nr = rnd(w, 451), a[6];

	if (random_nr_forbidden(nr))
		nr = 222;                       /* unused on i386: ENOSYS */
	for (int i = 0; i < 6; i++)
		a[i] = chance(w, 50) ? ptr_arg(w, 64) : chance(w, 50) ? rnd(w, 16) : (uint32_t)splitmix(&w->rng);
	call(w, nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	check_sentinels(w);
}
