/*
 * sysfuzz's calls on names and file contents: making, removing and
 * renaming names, links, truncation, positioned and vectored I/O, modes
 * and times, flock, msync, memfd. Included by sysfuzz.c after
 * ops_file.c. Everything that changes a name or a file stays inside
 * FZ_DIR (a tmpfs, emptied by the supervisor after every round, so that
 * free memory can be compared); the other paths it may name are ones no
 * call can change ("/", "/tmp", "/proc/self", bad pointers).
 */

/* FZ_DIR's names; the first FZ_NAMES are inside it, the rest are paths
 * no call on names can change (a mount point, the root, /proc). */
static const char *const names[] = {
	FZ_DIR "/a", FZ_DIR "/b", FZ_DIR "/d", FZ_DIR "/d/x", FZ_DIR "/d/e", FZ_DIR "/l",
	FZ_DIR "/a/", FZ_DIR "/d/", FZ_DIR "/d/../b", FZ_DIR "/l/x", FZ_DIR "/missing/y",
	"/", "/tmp", "/proc/self", "/proc/1/status", "",
};
#define FZ_NAMES 11

static char randname[64];

/* A path to make, remove or rename: mostly FZ_DIR's few names, some that
 * no call may change, and bad strings. */
static uint32_t name_arg(struct wk *w)
{
	uint32_t k = rnd(w, 24);

	if (k < sizeof(names) / sizeof(names[0]))
		return (uint32_t)names[k];
	if (k == 20) {
		memcpy(longpath, FZ_DIR "/", sizeof(FZ_DIR));
		for (uint32_t i = sizeof(FZ_DIR); i < sizeof(longpath) - 1; i++)
			longpath[i] = 'n';      /* one name past NAME_MAX, a path past PATH_MAX */
		longpath[sizeof(longpath) - 1] = '\0';
		return (uint32_t)longpath;
	}
	if (k == 21 || k == 22)
		return k == 21 ? 0 : 0xc0000000u;
	/* Random bytes as one name: with no slash in it, it stays in the
	 * worker's directory (FZ_DIR or below), whatever scratch holds. */
	for (uint32_t i = 0; i < sizeof(randname) - 1; i++) {
		char c = ((const char *)scratch)[rnd(w, 4096)];

		randname[i] = c == '/' ? '_' : c;
	}
	randname[rnd(w, sizeof(randname))] = '\0';
	return (uint32_t)randname;
}

/* A path whose file's contents or attributes may change: FZ_DIR's only,
 * or a bad pointer. */
static uint32_t fz_name(struct wk *w)
{
	return chance(w, 90) ? (uint32_t)names[rnd(w, FZ_NAMES)] : chance(w, 50) ? 0 : 0xc0000000u;
}

/* A symlink's target: FZ_DIR's names (relative or not), a loop, nothing. */
static uint32_t link_target(struct wk *w)
{
	static const char *const targets[] = { "a", "d", "l", "missing", FZ_DIR "/b", "../fz/d", "" };

	return chance(w, 95) ? (uint32_t)targets[rnd(w, sizeof(targets) / sizeof(targets[0]))] : 0;
}

/* A descriptor of FZ_DIR the worker opened lately, or any. */
static uint32_t fz_fd(struct wk *w)
{
	return w->fz_fd >= 0 && chance(w, 80) ? (uint32_t)w->fz_fd : fd_arg(w);
}

/* Oracle f where Linux's answer does not depend on the state, for root
 * (a random call may have changed the worker's ids, on Linux). */
static void expect(struct wk *w, long r, long want, const char *what)
{
	if (r != want && SC0(SYS_geteuid32) == 0)
		wrong(w, what, r);
}

static void op_names(struct wk *w)
{
	static const uint32_t rename_flags[] = { 0, 0, 1, 2, 4, 3, 0x100 };
	/* No FIFO: an open of one for reading would wait for a writer. Device
	 * nodes only of /dev/null and /dev/zero (1:3, 1:5, encoded). */
	static const uint32_t modes[] = { S_IFREG | 0644, S_IFCHR | 0600, S_IFDIR | 0755, 0644,
					  S_IFSOCK | 0600, 0170000 };
	long r;

	switch (rnd(w, 12)) {
	case 0:
		r = CALL(w, SYS_open, name_arg(w), O_CREAT | O_RDWR | (chance(w, 30) ? O_EXCL : 0) |
			 (chance(w, 30) ? O_TRUNC : 0) | (chance(w, 20) ? O_APPEND : 0), 0644);
		if (r >= 0)
			w->fz_fd = (int)r;
		break;
	case 1: CALL(w, SYS_mkdir, name_arg(w), rnd(w, 01000)); break;
	case 2: CALL(w, chance(w, 50) ? SYS_rmdir : SYS_unlink, name_arg(w)); break;
	case 3: CALL(w, SYS_unlinkat, (uint32_t)AT_FDCWD, name_arg(w), chance(w, 80) ? 0x200 * rnd(w, 2) : rnd(w, 0x1000)); break;
	case 4: CALL(w, SYS_rename, name_arg(w), name_arg(w)); break;
	case 5: CALL(w, SYS_renameat2, (uint32_t)AT_FDCWD, name_arg(w), (uint32_t)AT_FDCWD, name_arg(w),
		     PICK(w, rename_flags)); break;
	case 6: CALL(w, SYS_link, name_arg(w), name_arg(w)); break;
	case 7: CALL(w, SYS_linkat, (uint32_t)AT_FDCWD, name_arg(w), (uint32_t)AT_FDCWD, name_arg(w),
		     chance(w, 70) ? 0x400 * rnd(w, 2) : rnd(w, 0x2000)); break;
	case 8: CALL(w, SYS_symlink, link_target(w), name_arg(w)); break;
	case 9: CALL(w, SYS_mknod, name_arg(w), PICK(w, modes), chance(w, 50) ? 0x103 : 0x105); break;
	case 10:
		if (chance(w, 50)) {    /* an unnamed file, which linkat may name */
			r = CALL(w, SYS_open, chance(w, 80) ? (uint32_t)FZ_DIR : name_arg(w),
				 020200000 | O_RDWR | (chance(w, 30) ? O_EXCL : 0), 0600);
			if (r >= 0)
				w->fz_fd = (int)r;
			break;
		}
		expect(w, CALL(w, SYS_mkdir, (uint32_t)"/", 0755), -EEXIST, "mkdir(\"/\") is EEXIST");
		break;
	default:
		expect(w, CALL(w, SYS_rmdir, (uint32_t)"/tmp"), -EBUSY, "rmdir(\"/tmp\"), a mount point, is EBUSY");
		break;
	}
	check_sentinels(w);
}

/* The calls on a file's contents and attributes. */
static void op_fdata(struct wk *w)
{
	static const uint32_t lens[] = { 0, 1, 100, 4096, 5000, 0x7fffffff, 0xffffffff };
	static const uint32_t offs[] = { 0, 1, 4095, 4096, 1 << 20, 0x7fffffff, 0xffffffff };
	uint32_t *iov = (uint32_t *)(scratch + 8192), *ts = (uint32_t *)(scratch + 256);
	uint32_t *off = (uint32_t *)(scratch + 512);

	for (uint32_t i = 0; i < 4; i++)
		iov[2 * i] = ptr_arg(w, 64), iov[2 * i + 1] = chance(w, 80) ? rnd(w, 128) : PICK(w, lens);
	ts[0] = (uint32_t)splitmix(&w->rng), ts[1] = chance(w, 70) ? rnd(w, 1000000000) : (uint32_t)splitmix(&w->rng);
	ts[2] = 0, ts[3] = chance(w, 50) ? 0x3ffffffe : 0x3fffffff;     /* UTIME_OMIT, UTIME_NOW */
	off[0] = PICK(w, offs), off[1] = rnd(w, 4) ? 0 : PICK(w, offs);
	switch (rnd(w, 18)) {
	case 0: CALL(w, SYS_pread64, fz_fd(w), ptr_arg(w, 256), PICK(w, lens), PICK(w, offs), rnd(w, 2) ? 0 : PICK(w, offs)); break;
	case 1: CALL(w, SYS_pwrite64, fz_fd(w), ptr_arg(w, 256), PICK(w, lens), PICK(w, offs), rnd(w, 3) ? 0 : rnd(w, 2)); break;
	case 2: CALL(w, chance(w, 50) ? SYS_preadv : SYS_pwritev, fz_fd(w), (uint32_t)iov, rnd(w, 5), PICK(w, offs), 0); break;
	case 3: CALL(w, SYS_ftruncate64, fz_fd(w), PICK(w, offs) & 0x3fffff, rnd(w, 8) ? 0 : 0xffffffff); break;
	case 4: CALL(w, SYS_truncate, fz_name(w), PICK(w, offs) & 0x3fffff); break;
	case 5: CALL(w, chance(w, 50) ? SYS_fsync : SYS_fdatasync, fd_arg(w)); break;
	case 6: CALL(w, SYS_flock, fd_arg(w), chance(w, 80) ? (1 + rnd(w, 2) * (1 + rnd(w, 3))) | 4 : rnd(w, 16) | 4); break;
	case 7: CALL(w, SYS_fchmod, fz_fd(w) == (uint32_t)w->fz_fd ? (uint32_t)w->fz_fd : 9999, rnd(w, 010000)); break;
	case 8:
		if (chance(w, 50))
			CALL(w, SYS_chmod, fz_name(w), 0600 + rnd(w, 0200));
		else
			CALL(w, chance(w, 50) ? SYS_chown : SYS_lchown, fz_name(w), rnd(w, 0x10000), rnd(w, 0x10000));
		break;
	case 9: CALL(w, SYS_utimensat_time64, (uint32_t)AT_FDCWD, fz_name(w), chance(w, 80) ? (uint32_t)ts : ptr_arg(w, 32),
		     chance(w, 80) ? 0 : rnd(w, 0x2000)); break;
	case 10: CALL(w, SYS_statfs64, path_arg(w), chance(w, 80) ? 84 : rnd(w, 100), ptr_arg(w, 84)); break;
	case 11: CALL(w, SYS_fstatfs64, fd_arg(w), chance(w, 80) ? 84 : rnd(w, 100), ptr_arg(w, 84)); break;
	case 12: CALL(w, SYS_msync, ptr_arg(w, 4096) & ~0xfffu, PICK(w, lens), rnd(w, 8)); break;
	case 13: CALL(w, SYS_memfd_create, chance(w, 80) ? (uint32_t)"fz" : name_arg(w), rnd(w, 4)); break;
	case 14: CALL(w, SYS_chdir, chance(w, 60) ? (uint32_t)FZ_DIR : fz_name(w)); break;
	case 15: CALL(w, chance(w, 50) ? SYS_sendfile64 : SYS_sendfile, fd_arg(w), chance(w, 50) ? fz_fd(w) : fd_arg(w),
		      chance(w, 30) ? 0 : chance(w, 80) ? (uint32_t)off : ptr_arg(w, 8), PICK(w, lens)); break;
	case 16: CALL(w, SYS_fallocate, fz_fd(w), chance(w, 60) ? rnd(w, 4) : rnd(w, 0x100), PICK(w, offs),
		      rnd(w, 4) ? 0 : PICK(w, offs), PICK(w, lens) & 0x3fffff, rnd(w, 8) ? 0 : PICK(w, lens)); break;
	default: CALL(w, SYS_umask, rnd(w, 01000)); break;
	}
	check_sentinels(w);
}

/* mount and umount2 inside FZ_DIR: new tmpfs instances, binds, moves,
 * remounts and changes of propagation, with good and bad flags and
 * options. The supervisor unmounts what is left after every round. */
static void op_mount(struct wk *w)
{
	static const uint32_t flags[] = { 0, 0x1000 /* BIND */, 0x5000 /* BIND|REC */, 0x2000 /* MOVE */,
					  0x20 /* REMOUNT */, 0x1020, 0x40000 /* PRIVATE */, 0x20000,
					  0x80000, 0x100000, 0xc0000, 0x1, 0x8 /* NOEXEC */, 0x40 };
	static const char *const opts[] = { "size=64k", "size=0", "nr_inodes=3", "mode=700", "bogus",
					    "size=1%,nr_inodes=100", "" };
	static const char *const types[] = { "tmpfs", "proc", "ext4", "" };

	if (chance(w, 30)) {
		CALL(w, SYS_umount2, fz_name(w), chance(w, 80) ? 0 : rnd(w, 16));
		return;
	}
	CALL(w, SYS_mount, chance(w, 50) ? fz_name(w) : (uint32_t)"fz", fz_name(w),
	     chance(w, 80) ? (uint32_t)types[rnd(w, 4)] : ptr_arg(w, 16), PICK(w, flags) | (chance(w, 10) ? 0xc0ed0000u : 0),
	     chance(w, 70) ? (uint32_t)opts[rnd(w, sizeof(opts) / sizeof(opts[0]))] : 0);
	check_sentinels(w);
}
