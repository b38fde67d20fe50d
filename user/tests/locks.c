/* fcntl's record locks as Linux keeps them: errors in Linux's order,
 * ranges that split and merge, what F_GETLK reports to another process,
 * when POSIX locks go (any close, exit; never to a child), OFD locks
 * that belong to the open file, waiting, and deadlock detection. The
 * calls go through syscall() with the kernel's own structures, so glibc
 * and musl (whose struct flock differ) test the same thing. */
#define _GNU_SOURCE
#include "check.h"
#include <fcntl.h>
#include <stdint.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#define D "/tmp/locks"
#define FILE D "/file"

enum { GETLK = 5, SETLK = 6, SETLKW = 7, GETLK64 = 12, SETLK64 = 13, SETLKW64 = 14,
       OFD_GETLK = 36, OFD_SETLK = 37, OFD_SETLKW = 38 };

/* Linux i386's struct flock and struct flock64 (24 bytes). */
struct fl32 {
	short type, whence;
	int32_t start, len, pid;
};
struct fl64 {
	short type, whence;
	long long start, len;
	int pid;
};

static long lk64(int fd, int cmd, int type, int whence, long long start, long long len)
{
	struct fl64 fl = { (short)type, (short)whence, start, len, 0 };

	return syscall(SYS_fcntl64, fd, cmd, &fl);
}

static long lock(int fd, int type, long long start, long long len)
{
	return lk64(fd, SETLK64, type, SEEK_SET, start, len);
}

/* What F_GETLK64 says of a request of type over [start, start + len). */
static void show(const char *what, int fd, int type, long long start, long long len)
{
	struct fl64 fl = { (short)type, SEEK_SET, start, len, 0 };

	CHECK(syscall(SYS_fcntl64, fd, GETLK64, &fl) == 0);
	if (fl.type == F_UNLCK)
		printf("%s: free\n", what);
	else
		printf("%s: %s at %lld len %lld, pid is the parent's %d\n", what,
		       fl.type == F_WRLCK ? "write" : "read", fl.start, fl.len, fl.pid == getppid());
}

/* A request made by a child: another owner, who sees this process's
 * locks. cmd 0 asks F_GETLK64 and shows the answer; else the result of
 * the command is reported. */
static void in_child(const char *what, int fd, int cmd, int type, long long start, long long len)
{
	pid_t pid;
	int status;

	fflush(stdout);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		if (cmd)
			report(what, lk64(fd, cmd, type, SEEK_SET, start, len));
		else
			show(what, fd, type, start, len);
		fflush(stdout);
		_exit(0);
	}
	CHECK(waitpid(pid, &status, 0) == pid && status == 0);
}

static void probe(const char *what, int fd, int type, long long start, long long len)
{
	in_child(what, fd, 0, type, start, len);
}

/* The test file, ten bytes long, open for reading and writing. */
static int make_file(void)
{
	int fd;

	CHECK(mkdir(D, 0755) == 0);
	fd = open(FILE, O_CREAT | O_RDWR, 0644);
	CHECK(fd >= 0 && write(fd, "0123456789", 10) == 10);
	return fd;
}

static void clean(void)
{
	CHECK(unlink(FILE) == 0 && rmdir(D) == 0);
}

static void lock_errors(void)
{
	int fd = make_file(), ro = open(FILE, O_RDONLY), wo = open(FILE, O_WRONLY);
	int opath = open(FILE, O_PATH), p[2];
	struct fl64 fl = { F_RDLCK, SEEK_SET, 0, 0, 0 };
	struct fl32 f32 = { F_RDLCK, SEEK_SET, 0, 0, 0 };

	CHECK(ro >= 0 && wo >= 0 && opath >= 0 && pipe(p) == 0);
	report("bad type", lk64(fd, SETLK64, 5, SEEK_SET, 0, 1));
	report("bad whence", lk64(fd, SETLK64, F_RDLCK, 7, 0, 1));
	report("start before 0", lk64(fd, SETLK64, F_RDLCK, SEEK_SET, -1, 1));
	report("SEEK_END back past 0", lk64(fd, SETLK64, F_RDLCK, SEEK_END, -11, 1));
	report("negative length past 0", lk64(fd, SETLK64, F_RDLCK, SEEK_SET, 5, -6));
	report("start + length overflows", lk64(fd, SETLK64, F_RDLCK, SEEK_SET, 0x7fffffffffffffffLL, 2));
	report("start overflows with SEEK_END", lk64(fd, SETLK64, F_RDLCK, SEEK_END, 0x7ffffffffffffffaLL, 1));
	report("write lock, read-only descriptor", lk64(ro, SETLK64, F_WRLCK, SEEK_SET, 0, 1));
	report("read lock, write-only descriptor", lk64(wo, SETLK64, F_RDLCK, SEEK_SET, 0, 1));
	report("unlock, read-only descriptor", lk64(ro, SETLK64, F_UNLCK, SEEK_SET, 0, 1));
	report("bad descriptor", lk64(99, SETLK64, F_RDLCK, SEEK_SET, 0, 1));
	report("O_PATH descriptor", lk64(opath, SETLK64, F_RDLCK, SEEK_SET, 0, 1));
	report("O_PATH F_GETFL", syscall(SYS_fcntl64, opath, F_GETFL));
	report("bad address", syscall(SYS_fcntl64, fd, SETLK64, (void *)8));
	report("F_GETLK of F_UNLCK", lk64(fd, GETLK64, F_UNLCK, SEEK_SET, 0, 1));
	report("F_GETLK64 through fcntl", syscall(SYS_fcntl, fd, GETLK64, &fl));
	report("F_SETLK through fcntl", syscall(SYS_fcntl, fd, SETLK, &f32));
	fl.pid = 1;
	report("OFD lock with a pid", syscall(SYS_fcntl64, fd, OFD_SETLK, &fl));
	report("OFD test with a pid", syscall(SYS_fcntl64, fd, OFD_GETLK, &fl));
	report("lock a pipe", lk64(p[1], SETLK64, F_WRLCK, SEEK_SET, 0, 0));
	report("lock a read-only directory", lk64(open(D, O_RDONLY), SETLK64, F_RDLCK, SEEK_SET, 0, 0));
	report("unlock nothing", lock(fd, F_UNLCK, 100, 5));
	CHECK(lock(fd, F_WRLCK, 0, 0) == 0);
	show("one's own lock never conflicts", fd, F_WRLCK, 0, 10);
	CHECK(lock(fd, F_UNLCK, 0, 0) == 0);
	clean();
}

static void ranges_split_and_merge(void)
{
	int fd = make_file();

	CHECK(lock(fd, F_WRLCK, 0, 100) == 0 && lock(fd, F_RDLCK, 40, 20) == 0);
	probe("byte 0", fd, F_WRLCK, 0, 1);
	probe("byte 40", fd, F_WRLCK, 40, 1);
	probe("byte 60", fd, F_WRLCK, 60, 1);
	probe("byte 100", fd, F_WRLCK, 100, 1);
	probe("read over the read lock", fd, F_RDLCK, 40, 20);
	probe("read over all", fd, F_RDLCK, 0, 0);
	CHECK(lock(fd, F_UNLCK, 50, 20) == 0);
	probe("after unlocking 50-69: byte 45", fd, F_WRLCK, 45, 10);
	probe("byte 55", fd, F_WRLCK, 55, 1);
	probe("bytes 65-99", fd, F_WRLCK, 65, 35);
	CHECK(lock(fd, F_RDLCK, 100, 10) == 0 && lock(fd, F_RDLCK, 110, 10) == 0);
	probe("two touching read locks", fd, F_WRLCK, 115, 1);
	CHECK(lock(fd, F_RDLCK, 105, 30) == 0);
	probe("and one over their end", fd, F_WRLCK, 130, 1);
	CHECK(lock(fd, F_WRLCK, 200, 0) == 0);
	probe("to the end of the file", fd, F_RDLCK, 1000000, 1);
	CHECK(lk64(fd, SETLK64, F_WRLCK, SEEK_SET, 160, -10) == 0);
	probe("a negative length", fd, F_WRLCK, 140, 20);
	CHECK(lseek(fd, 3, SEEK_SET) == 3 && lk64(fd, SETLK64, F_UNLCK, SEEK_CUR, 0, 37) == 0);
	probe("unlocked from SEEK_CUR 3: byte 2", fd, F_WRLCK, 2, 1);
	probe("byte 3", fd, F_WRLCK, 3, 37);
	CHECK(lk64(fd, SETLK64, F_RDLCK, SEEK_END, -4, 2) == 0);
	probe("from SEEK_END", fd, F_WRLCK, 5, 5);
	CHECK(lock(fd, F_WRLCK, 0, 0) == 0);
	probe("one write lock over everything", fd, F_RDLCK, 500, 1);
	CHECK(lock(fd, F_UNLCK, 0, 0) == 0);
	probe("none left", fd, F_WRLCK, 0, 0);
	clean();
}

static void try_in_child(const char *what, int fd, int cmd, int type, long long start, long long len)
{
	in_child(what, fd, cmd, type, start, len);
}

static void who_holds_and_when_they_go(void)
{
	int fd = make_file(), other, sync[2], status;
	pid_t pid;
	char c;

	CHECK(lock(fd, F_WRLCK, 0, 10) == 0);
	try_in_child("child: a write lock inside", fd, SETLK64, F_WRLCK, 5, 1);
	try_in_child("child: a read lock inside", fd, SETLK64, F_RDLCK, 9, 1);
	try_in_child("child: a read lock after it", fd, SETLK64, F_RDLCK, 10, 10);

	/* Any close of the file by its owner drops its locks. */
	other = open(FILE, O_RDONLY);
	CHECK(other >= 0 && close(other) == 0);
	probe("after closing another descriptor", fd, F_WRLCK, 0, 0);

	/* A child that waits gets the lock once it is free. */
	CHECK(lock(fd, F_WRLCK, 0, 10) == 0 && pipe(sync) == 0);
	fflush(stdout);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		CHECK(write(sync[1], "w", 1) == 1);
		report("child: waited for the lock", lk64(fd, SETLKW64, F_WRLCK, SEEK_SET, 0, 1));
		fflush(stdout);
		_exit(0);
	}
	CHECK(read(sync[0], &c, 1) == 1);
	CHECK(lock(fd, F_UNLCK, 0, 0) == 0);
	CHECK(waitpid(pid, &status, 0) == pid && status == 0);
	probe("the child's lock went with its exit", fd, F_WRLCK, 0, 0);
	CHECK(close(sync[0]) == 0 && close(sync[1]) == 0);

	/* 32-bit F_GETLK of a lock past 2 GiB. */
	CHECK(lock(fd, F_WRLCK, 0x80000000LL, 0) == 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		struct fl32 f = { F_WRLCK, SEEK_SET, 0, 0, 0 };

		report("child: 32-bit F_GETLK of a lock past 2 GiB", syscall(SYS_fcntl64, fd, GETLK, &f));
		f = (struct fl32){ F_WRLCK, SEEK_SET, 0, 100, 0 };
		report("child: 32-bit F_GETLK below it", syscall(SYS_fcntl64, fd, GETLK, &f));
		printf("child: and it says %s\n", f.type == F_UNLCK ? "free" : "locked");
		fflush(stdout);
		_exit(0);
	}
	CHECK(waitpid(pid, &status, 0) == pid && status == 0);
	CHECK(close(fd) == 0);
	clean();
}

static void ofd_locks_belong_to_the_open_file(void)
{
	int fd = make_file(), other = open(FILE, O_RDWR), dup1, status;
	struct fl64 fl = { F_WRLCK, SEEK_SET, 0, 10, 0 };
	pid_t pid;

	CHECK(other >= 0 && syscall(SYS_fcntl64, fd, OFD_SETLK, &fl) == 0);
	report("own POSIX lock against own OFD lock", lock(other, F_WRLCK, 5, 1));
	report("another open's OFD lock", lk64(other, OFD_SETLK, F_RDLCK, SEEK_SET, 0, 1));
	fl = (struct fl64){ F_WRLCK, SEEK_SET, 0, 1, 0 };
	CHECK(syscall(SYS_fcntl64, other, OFD_GETLK, &fl) == 0);
	printf("OFD_GETLK: type %d start %lld len %lld pid %d\n", fl.type, fl.start, fl.len, fl.pid);
	dup1 = dup(fd);
	CHECK(dup1 >= 0 && close(dup1) == 0);
	report("a dup's close keeps it", lk64(other, OFD_SETLK, F_RDLCK, SEEK_SET, 0, 1));
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		report("child: the inherited open file owns it", lk64(fd, OFD_SETLK, F_RDLCK, SEEK_SET, 0, 10));
		_exit(0);
	}
	CHECK(waitpid(pid, &status, 0) == pid && status == 0);
	probe("the child turned it into a read lock", other, F_WRLCK, 0, 1);
	report("a POSIX read lock beside it", lock(other, F_RDLCK, 0, 1));
	CHECK(close(fd) == 0);
	report("gone with the open file", lk64(other, OFD_SETLK, F_WRLCK, SEEK_SET, 0, 10));
	CHECK(close(other) == 0);
	clean();
}

/* Two processes each hold a byte and wait for the other's: exactly one
 * of them is told EDEADLK, whichever closes the cycle; it lets go, and
 * the other gets its lock. */
static void deadlock_is_found(void)
{
	int fd = make_file(), sync[2], status, mine;
	pid_t pid;
	char c;

	CHECK(pipe(sync) == 0 && lock(fd, F_WRLCK, 0, 1) == 0);
	fflush(stdout);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		CHECK(lock(fd, F_WRLCK, 1, 1) == 0 && write(sync[1], "1", 1) == 1);
		if (lk64(fd, SETLKW64, F_WRLCK, SEEK_SET, 0, 1) == 0)
			_exit(0);
		_exit(errno == EDEADLK ? 2 : 3);       /* exit lets go of byte 1 */
	}
	CHECK(read(sync[0], &c, 1) == 1);
	mine = lk64(fd, SETLKW64, F_WRLCK, SEEK_SET, 1, 1) == 0 ? 0 : errno == EDEADLK ? 2 : 3;
	if (mine)
		CHECK(lock(fd, F_UNLCK, 0, 0) == 0);    /* let the child have byte 0 */
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status));
	printf("EDEADLK told %d time(s), locks granted %d, other errors %d\n",
	       (mine == 2) + (WEXITSTATUS(status) == 2), (mine == 0) + (WEXITSTATUS(status) == 0),
	       (mine == 3) + (WEXITSTATUS(status) == 3));
	CHECK(close(fd) == 0 && close(sync[0]) == 0 && close(sync[1]) == 0);
	clean();
}

/* lockf(3), as programs call it: through fcntl in either libc. */
static void lockf_works(void)
{
	int fd = make_file(), status;
	pid_t pid;

	CHECK(lockf(fd, F_LOCK, 5) == 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		report("child: F_TEST", lockf(fd, F_TEST, 1));
		report("child: F_TLOCK", lockf(fd, F_TLOCK, 1));
		CHECK(lseek(fd, 5, SEEK_SET) == 5);
		report("child: F_TLOCK after it", lockf(fd, F_TLOCK, 5));
		_exit(0);
	}
	CHECK(waitpid(pid, &status, 0) == pid && status == 0);
	CHECK(lseek(fd, 0, SEEK_SET) == 0 && lockf(fd, F_ULOCK, 0) == 0 && close(fd) == 0);
	clean();
}

static const struct test_case cases[] = {
	CASE(lock_errors), CASE(ranges_split_and_merge), CASE(who_holds_and_when_they_go),
	CASE(ofd_locks_belong_to_the_open_file), CASE(deadlock_is_found), CASE(lockf_works),
};

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	return RUN_CASES(cases);
}
