/* What a descriptor leads to, as Linux's users see it: a pipe is an
 * inode of its own file system (fstat, fchmod, flock, fstatfs); the
 * links of /proc/self/fd and /proc/self/cwd open the very file or
 * directory, even one with no name left; sendfile moves bytes from one
 * descriptor to another, with Linux's errors in Linux's order. Every
 * case works under /tmp/fdio and removes what it made. */
#define _GNU_SOURCE
#include "check.h"
#include <fcntl.h>
#include <stdint.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>

#define D "/tmp/fdio"

/* The text of /proc/self/fd/FD's link. */
static const char *fd_link(int fd)
{
	static char buf[256];
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static int open_fd_link(int fd, int flags)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return open(path, flags);
}

static void put(const char *path, const char *text)
{
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);

	CHECK(fd >= 0);
	CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	CHECK(close(fd) == 0);
}

/* Read all of fd from its position, as a string. */
static const char *rest(int fd)
{
	static char buf[256];
	ssize_t n = read(fd, buf, sizeof(buf) - 1);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static void pipe_is_an_inode(void)
{
	struct stat a, b;
	struct statfs fs;
	char want[64];
	int p[2];

	CHECK(pipe(p) == 0);
	CHECK(fstat(p[0], &a) == 0 && fstat(p[1], &b) == 0);
	printf("fifo %d, mode %o, nlink %lu, size %lld, one inode %d, blksize %ld\n",
	       S_ISFIFO(a.st_mode), a.st_mode & 07777, (unsigned long)a.st_nlink,
	       (long long)a.st_size, a.st_ino == b.st_ino && a.st_dev == b.st_dev, (long)a.st_blksize);
	snprintf(want, sizeof(want), "pipe:[%lu]", (unsigned long)a.st_ino);
	printf("fd link is pipe:[ino]: %d\n", strcmp(fd_link(p[0]), want) == 0);
	CHECK(fstatfs(p[0], &fs) == 0);
	printf("fstatfs type %#lx\n", (unsigned long)fs.f_type);
	CHECK(fchmod(p[0], 0640) == 0 && fstat(p[1], &b) == 0);
	printf("fchmod of one end shows at the other: %o\n", b.st_mode & 07777);
	CHECK(fstatat(p[1], "", &b, AT_EMPTY_PATH) == 0);
	printf("fstatat AT_EMPTY_PATH: fifo %d\n", S_ISFIFO(b.st_mode));
	CHECK(flock(p[0], LOCK_EX | LOCK_NB) == 0);
	CHECK_ERR(flock(p[1], LOCK_EX | LOCK_NB), EWOULDBLOCK);
	CHECK(flock(p[0], LOCK_UN) == 0 && flock(p[1], LOCK_SH | LOCK_NB) == 0);
	CHECK_ERR(lseek(p[0], 0, SEEK_SET), ESPIPE);
	CHECK_ERR(ftruncate(p[1], 0), EINVAL);
	CHECK_ERR(fsync(p[1]), EINVAL);
	CHECK(close(p[0]) == 0 && close(p[1]) == 0);
}

static void fd_links_open_the_file(void)
{
	int p[2], fd, again;
	struct stat st;

	/* A pipe's link opens the same ring, for either end. */
	CHECK(pipe(p) == 0 && write(p[1], "abc", 3) == 3);
	fd = open_fd_link(p[0], O_RDONLY);
	CHECK(fd >= 0);
	printf("read through the read end's link: %s\n", rest(fd));
	again = open_fd_link(p[1], O_WRONLY);
	CHECK(again >= 0 && write(again, "de", 2) == 2);
	printf("written through the write end's link: %s\n", rest(p[0]));
	CHECK(close(again) == 0 && close(fd) == 0 && close(p[0]) == 0 && close(p[1]) == 0);

	/* A removed file's link still opens it, for writing too. */
	CHECK(mkdir(D, 0755) == 0);
	put(D "/gone", "kept");
	fd = open(D "/gone", O_RDONLY);
	CHECK(fd >= 0 && unlink(D "/gone") == 0);
	printf("link of a removed file: %s\n", fd_link(fd));
	again = open_fd_link(fd, O_RDWR);
	CHECK(again >= 0);
	CHECK(fstat(again, &st) == 0);
	printf("reopened: nlink %lu, %s\n", (unsigned long)st.st_nlink, rest(again));
	CHECK(pwrite(again, "KEPT", 4, 0) == 4);
	printf("the first descriptor sees the write: %s\n", rest(fd));
	CHECK_ERR(open_fd_link(fd, O_RDONLY | O_NOFOLLOW), ELOOP);
	CHECK(close(again) == 0 && close(fd) == 0);

	/* A directory's link walks on into it; a file's cannot. */
	put(D "/inside", "in");
	fd = open(D, O_RDONLY | O_DIRECTORY);
	again = open(D "/inside", O_RDONLY);
	CHECK(fd >= 0 && again >= 0);
	{
		char path[64];
		int in;

		snprintf(path, sizeof(path), "/proc/self/fd/%d/inside", fd);
		in = open(path, O_RDONLY);
		CHECK(in >= 0);
		printf("through a directory's link: %s\n", rest(in));
		CHECK(close(in) == 0);
		snprintf(path, sizeof(path), "/proc/self/fd/%d/", again);
		CHECK_ERR(open(path, O_RDONLY), ENOTDIR);
		snprintf(path, sizeof(path), "/dev/fd/%d", again);
		in = open(path, O_RDONLY);
		CHECK(in >= 0);
		printf("through /dev/fd: %s\n", rest(in));
		CHECK(close(in) == 0);
	}
	CHECK(close(again) == 0 && close(fd) == 0);
	CHECK(unlink(D "/inside") == 0 && rmdir(D) == 0);
}

static void cwd_link_reaches_a_removed_directory(void)
{
	char buf[256];
	ssize_t n;
	int fd;

	CHECK(mkdir(D, 0755) == 0 && mkdir(D "/sub", 0755) == 0 && chdir(D "/sub") == 0);
	CHECK(rmdir(D "/sub") == 0);
	n = readlink("/proc/self/cwd", buf, sizeof(buf) - 1);
	CHECK(n > 0);
	buf[n] = '\0';
	printf("cwd link: %s\n", buf);
	fd = open("/proc/self/cwd", O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0);
	CHECK_ERR(openat(fd, "new", O_CREAT | O_WRONLY, 0644), ENOENT);
	CHECK(close(fd) == 0 && chdir("/") == 0 && rmdir(D) == 0);
}

/* sendfile (32-bit offset) and sendfile64 through the system call. */
static long sf32(int out, int in, int32_t *off, size_t n)
{
	return syscall(SYS_sendfile, out, in, off, n);
}

static long sf64(int out, int in, int64_t *off, size_t n)
{
	return syscall(SYS_sendfile64, out, in, off, n);
}

static void sendfile_errors(void)
{
	int src, dst, ro, p[2], dir, app;
	int64_t off = 0;
	long n;
	int32_t off32 = 0;

	CHECK(mkdir(D, 0755) == 0);
	put(D "/src", "0123456789");
	src = open(D "/src", O_RDONLY);
	dst = open(D "/dst", O_CREAT | O_WRONLY, 0644);
	ro = open(D "/dst", O_RDONLY);
	app = open(D "/dst", O_WRONLY | O_APPEND);
	dir = open(D, O_RDONLY | O_DIRECTORY);
	CHECK(src >= 0 && dst >= 0 && ro >= 0 && app >= 0 && dir >= 0 && pipe(p) == 0);
	errno = 0;
	report("bad in fd", sf64(dst, 99, NULL, 4));
	report("in open for writing only", sf64(dst, dst, NULL, 4));
	report("bad out fd", sf64(99, src, NULL, 4));
	report("out open for reading only", sf64(ro, src, NULL, 4));
	report("both bad", sf64(99, 98, NULL, 4));
	report("offset at a bad address", sf64(dst, src, (int64_t *)8, 4));
	off = -1;
	report("negative offset", sf64(dst, src, &off, 4));
	off = 0;
	report("offset on a pipe", sf64(dst, p[0], &off, 4));
	report("out appends", sf64(app, src, NULL, 4));
	report("in is a directory", sf64(dst, dir, NULL, 4));
	report("count of zero", sf64(dst, src, NULL, 0));
	off32 = -5;
	report("negative 32-bit offset", sf32(dst, src, &off32, 4));
	/* Which kinds of file sendfile reads and writes. */
	{
		static const char *const ins[] = { "/dev/zero", "/dev/urandom", "/dev/null",
						   "/proc/self/status", "/dev/full" };
		static const char *const outs[] = { "/dev/zero", "/dev/full", "/dev/urandom",
						    "/proc/self/status" };
		char what[64];

		for (size_t i = 0; i < sizeof(ins) / sizeof(ins[0]); i++) {
			int fd = open(ins[i], O_RDONLY);

			CHECK(fd >= 0);
			snprintf(what, sizeof(what), "from %s", ins[i]);
			report(what, sf64(dst, fd, NULL, 4));
			CHECK(close(fd) == 0);
		}
		for (size_t i = 0; i < sizeof(outs) / sizeof(outs[0]); i++) {
			int fd = open(outs[i], O_WRONLY);

			snprintf(what, sizeof(what), "open %s for writing", outs[i]);
			report(what, fd);
			if (fd < 0)
				continue;
			off = 0;
			snprintf(what, sizeof(what), "to %s", outs[i]);
			report(what, sf64(fd, src, &off, 4));
			CHECK(close(fd) == 0);
		}
		/* The console (standard output here) takes it too. */
		off = 0;
		printf("to the console: [");
		fflush(stdout);
		n = sf64(1, src, &off, 4);
		printf("] %ld\n", n);
	}
	/* Past 2 GiB of a sparse file, the 32-bit call stops at 2 GiB - 1. */
	CHECK(close(src) == 0);
	src = open(D "/src", O_RDWR | O_LARGEFILE);
	CHECK(src >= 0 && ftruncate64(src, 3LL << 30) == 0);
	off32 = 0x7ffffffe;
	report("32-bit offset 2 GiB - 2", sf32(dst, src, &off32, 4));
	printf("offset then: %#x\n", off32);
	report("32-bit offset 2 GiB - 1", sf32(dst, src, &off32, 4));
	off = 0x7ffffffe;
	report("64-bit offset 2 GiB - 2", sf64(dst, src, &off, 4));
	printf("offset then: %#llx\n", (long long)off);
	CHECK(close(src) == 0 && close(dst) == 0 && close(ro) == 0 && close(app) == 0);
	CHECK(close(dir) == 0 && close(p[0]) == 0 && close(p[1]) == 0);
	CHECK(unlink(D "/src") == 0 && unlink(D "/dst") == 0 && rmdir(D) == 0);
}

static void sendfile_moves_bytes(void)
{
	int src, dst, p[2], null;
	int64_t off;
	long n;
	char buf[64];
	struct stat st;

	CHECK(mkdir(D, 0755) == 0);
	put(D "/src", "0123456789");
	src = open(D "/src", O_RDONLY);
	dst = open(D "/dst", O_CREAT | O_RDWR, 0644);
	CHECK(src >= 0 && dst >= 0);

	/* At the descriptor's position: both positions move. */
	printf("4 from the position: %ld\n", sf64(dst, src, NULL, 4));
	printf("positions: in %ld, out %ld\n", (long)lseek(src, 0, SEEK_CUR),
	       (long)lseek(dst, 0, SEEK_CUR));
	/* At an offset: it moves, the in position does not. */
	off = 7;
	n = sf64(dst, src, &off, 10);
	printf("10 from offset 7: %ld, offset now %lld, in position %ld\n", n, (long long)off,
	       (long)lseek(src, 0, SEEK_CUR));
	off = 10;
	n = sf64(dst, src, &off, 10);
	printf("at the end: %ld, offset %lld\n", n, (long long)off);
	CHECK(pread(dst, buf, sizeof(buf), 0) == 7);
	buf[7] = '\0';
	printf("out file: %s\n", buf);

	/* Into a pipe and out of it; a large count is cut to what there is. */
	CHECK(pipe(p) == 0);
	off = 0;
	printf("file to pipe: %ld\n", sf64(p[1], src, &off, 1 << 20));
	CHECK(read(p[0], buf, sizeof(buf)) == 10);
	printf("from the pipe: %.10s\n", buf);
	CHECK(write(p[1], "pipe", 4) == 4);
	CHECK(ftruncate(dst, 0) == 0 && lseek(dst, 0, SEEK_SET) == 0);
	report("pipe to file", sf64(dst, p[0], NULL, 4));
	null = open("/dev/null", O_WRONLY);
	CHECK(null >= 0);
	off = 0;
	printf("file to /dev/null: %ld\n", sf64(null, src, &off, 100));

	/* Into the same file, past its end: it grows. */
	off = 0;
	CHECK(lseek(src, 0, SEEK_SET) == 0);
	{
		int both = open(D "/src", O_RDWR);

		CHECK(both >= 0 && lseek(both, 10, SEEK_SET) == 10);
		printf("a file into itself: %ld\n", sf64(both, src, &off, 10));
		CHECK(fstat(both, &st) == 0);
		printf("its size: %lld\n", (long long)st.st_size);
		CHECK(close(both) == 0);
	}

	/* A page-sized, page-crossing copy, checked byte by byte. */
	{
		static char big[3 * 4096 + 123], back[sizeof(big)];
		int bigfd = open(D "/big", O_CREAT | O_RDWR | O_TRUNC, 0644);

		for (size_t i = 0; i < sizeof(big); i++)
			big[i] = (char)(i * 7 + 3);
		CHECK(bigfd >= 0 && write(bigfd, big, sizeof(big)) == (ssize_t)sizeof(big));
		CHECK(ftruncate(dst, 0) == 0 && lseek(dst, 5, SEEK_SET) == 5);
		off = 100;
		printf("big: %ld\n", sf64(dst, bigfd, &off, sizeof(big)));
		CHECK(pread(dst, back, sizeof(big) - 100, 5) == (ssize_t)sizeof(big) - 100);
		printf("big copy matches: %d\n", memcmp(back, big + 100, sizeof(big) - 100) == 0);
		CHECK(close(bigfd) == 0 && unlink(D "/big") == 0);
	}
	CHECK(close(src) == 0 && close(dst) == 0 && close(null) == 0);
	CHECK(close(p[0]) == 0 && close(p[1]) == 0);
	CHECK(unlink(D "/src") == 0 && unlink(D "/dst") == 0 && rmdir(D) == 0);
}

static const struct test_case cases[] = {
	CASE(pipe_is_an_inode), CASE(fd_links_open_the_file), CASE(cwd_link_reaches_a_removed_directory),
	CASE(sendfile_errors), CASE(sendfile_moves_bytes),
};

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	return RUN_CASES(cases);
}
