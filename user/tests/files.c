/* Files of the initramfs, the console and pipes: open, read, seek, stat,
 * directories, descriptors, readv/writev, ioctl and readlink. The text
 * file /etc/lines.txt has 200 lines of 30 bytes: "line 001: the quick
 * brown fox". */
#define _GNU_SOURCE
#include "check.h"
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <termios.h>

#define LINES "/etc/lines.txt"
#define LINE_LEN 30

static void read_and_seek(void)
{
	char buf[64];
	int fd = open(LINES, O_RDONLY);

	CHECK(fd >= 0);
	CHECK(read(fd, buf, LINE_LEN) == LINE_LEN && memcmp(buf, "line 001: the quick brown fox\n", LINE_LEN) == 0);
	CHECK(lseek(fd, 0, SEEK_CUR) == LINE_LEN);
	CHECK(lseek(fd, 99 * LINE_LEN, SEEK_SET) == 99 * LINE_LEN);
	CHECK(read(fd, buf, 8) == 8 && memcmp(buf, "line 100", 8) == 0);
	CHECK(lseek(fd, -LINE_LEN, SEEK_END) == 199 * LINE_LEN);
	CHECK(read(fd, buf, sizeof(buf)) == LINE_LEN && memcmp(buf, "line 200", 8) == 0);
	CHECK(read(fd, buf, sizeof(buf)) == 0);                 /* end of file */
	CHECK(lseek(fd, 10000, SEEK_SET) == 10000 && read(fd, buf, 1) == 0);
	CHECK_ERR(lseek(fd, -1, SEEK_SET), EINVAL);
	CHECK_ERR(lseek(fd, 0, 7), EINVAL);
	CHECK(lseek64(fd, 5 * LINE_LEN, SEEK_SET) == 5 * LINE_LEN);        /* _llseek */
	CHECK(read(fd, buf, 8) == 8 && memcmp(buf, "line 006", 8) == 0);
	CHECK(close(fd) == 0);
	CHECK_ERR(read(fd, buf, 1), EBADF);
	CHECK_ERR(close(fd), EBADF);
}

static void stat_files(void)
{
	struct stat st;
	int fd = open(LINES, O_RDONLY);

	CHECK(fd >= 0 && fstat(fd, &st) == 0);
	printf("%s: mode %o, size %lld\n", LINES, (unsigned)st.st_mode, (long long)st.st_size);
	CHECK(stat("/bin", &st) == 0);
	printf("/bin: directory %d, mode %o\n", S_ISDIR(st.st_mode), (unsigned)st.st_mode);
	CHECK(stat("/dev/console", &st) == 0);
	printf("/dev/console: character device %d, %u:%u\n", S_ISCHR(st.st_mode),
	       major(st.st_rdev), minor(st.st_rdev));
	CHECK(stat("/bin/hello", &st) == 0 && lstat("/bin/hello", &st) == 0);
	printf("/bin/hello: mode %o, size equals what lseek finds: ", (unsigned)st.st_mode);
	fd = open("/bin/hello", O_RDONLY);
	printf("%s\n", fd >= 0 && lseek(fd, 0, SEEK_END) == st.st_size ? "yes" : "no");
	CHECK(fstatat(AT_FDCWD, "etc/lines.txt", &st, 0) == 0 && st.st_size == 200 * LINE_LEN);
	CHECK_ERR(stat("/nonexistent", &st), ENOENT);
	CHECK_ERR(stat(LINES "/x", &st), ENOTDIR);
	CHECK_ERR(stat("", &st), ENOENT);
}

static void open_errors(void)
{
	char c;
	int fd;

	CHECK_ERR(open("/nonexistent", O_RDONLY), ENOENT);
	CHECK_ERR(open("/nonexistent/x", O_RDONLY), ENOENT);
	CHECK_ERR(open(LINES "/x", O_RDONLY), ENOTDIR);
	CHECK_ERR(open(LINES, O_RDONLY | O_DIRECTORY), ENOTDIR);
	CHECK_ERR(open("/bin", O_WRONLY), EISDIR);
	fd = open("/bin", O_RDONLY);
	CHECK(fd >= 0);
	CHECK_ERR(read(fd, &c, 1), EISDIR);
	CHECK_ERR(write(fd, &c, 1), EBADF);
	fd = open(LINES, O_RDONLY);
	CHECK_ERR(write(fd, "x", 1), EBADF);
}

/* Paths with dots and repeated slashes, and openat from a directory. */
static void paths(void)
{
	char buf[8];
	int dir = open("/etc", O_RDONLY | O_DIRECTORY), fd;

	CHECK(dir >= 0);
	fd = openat(dir, "lines.txt", O_RDONLY);
	CHECK(fd >= 0 && read(fd, buf, 4) == 4 && memcmp(buf, "line", 4) == 0);
	CHECK(open("//etc/./../etc//lines.txt", O_RDONLY) >= 0);
	CHECK(open("/../../etc/lines.txt", O_RDONLY) >= 0);
	CHECK_ERR(openat(fd, "x", O_RDONLY), ENOTDIR);
	CHECK_ERR(openat(99, "x", O_RDONLY), EBADF);
	CHECK(openat(99, "/etc/lines.txt", O_RDONLY) >= 0);     /* absolute: dirfd unused */
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of a directory, sorted (their order is the file system's). */
static void list(const char *path)
{
	char *names[64];
	int n = 0;
	DIR *d = opendir(path);
	struct dirent *e;

	CHECK(d != NULL);
	while ((e = readdir(d)) != NULL && n < 64)
		names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, n, sizeof(names[0]), by_name);
	printf("%s:", path);
	for (int i = 0; i < n; i++)
		printf(" %s", names[i]);
	printf("\n");
}

static void directories(void)
{
	char buf[1024];
	int fd = open(LINES, O_RDONLY);

	list("/");
	list("/dev");
	list("/etc");
	CHECK_ERR(syscall(SYS_getdents64, fd, buf, sizeof(buf)), ENOTDIR);
	fd = open("/bin", O_RDONLY | O_DIRECTORY);
	CHECK_ERR(syscall(SYS_getdents64, fd, buf, 10), EINVAL);        /* too small for one entry */
	CHECK(syscall(SYS_getdents64, fd, buf, sizeof(buf)) > 0);
}

static void dup_family(void)
{
	char a[8], b[8];
	int fd = open(LINES, O_RDONLY), fd2, fd3;

	CHECK(fd >= 0);
	fd2 = dup(fd);
	CHECK(fd2 == fd + 1);
	CHECK(read(fd, a, 5) == 5 && read(fd2, b, 5) == 5);     /* one file position */
	CHECK(memcmp(a, "line ", 5) == 0 && memcmp(b, "001: ", 5) == 0);
	CHECK(dup2(fd, 50) == 50 && lseek(50, 0, SEEK_CUR) == 10);
	CHECK(dup2(fd, fd) == fd);
	CHECK_ERR(dup3(fd, fd, 0), EINVAL);
	fd3 = dup3(fd, 51, O_CLOEXEC);
	CHECK(fd3 == 51);
	printf("close-on-exec: dup %d, dup3(O_CLOEXEC) %d\n", fcntl(fd2, F_GETFD), fcntl(fd3, F_GETFD));
	CHECK(fcntl(fd, F_DUPFD, 40) == 40 && fcntl(fd, F_DUPFD_CLOEXEC, 40) == 41);
	CHECK((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDONLY);
	CHECK_ERR(dup(99), EBADF);
	CHECK_ERR(dup2(99, 3), EBADF);
	CHECK_ERR(dup2(fd, -1), EBADF);
	CHECK(close(50) == 0 && close(fd) == 0 && read(fd2, a, 1) == 1);        /* still open */
}

/* A pipe that cannot be made or handed back takes no descriptor: EMFILE
 * with one free, EFAULT with a bad array; then the lowest is still free. */
static void pipe_failures_take_no_descriptor(void)
{
	struct rlimit rl = { 8, 8 };
	int fds[2], fd;

	CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0);
	while ((fd = open("/etc/lines.txt", O_RDONLY)) >= 0 && fd < 6)
		;
	CHECK(fd == 6);
	CHECK_ERR(pipe(fds), EMFILE);
	CHECK(close(5) == 0);
	CHECK_ERR(syscall(SYS_pipe, 1), EFAULT);
	CHECK_ERR(syscall(SYS_pipe, 0xbffffffc), EFAULT);
	printf("after the failures, open gives %d\n", open("/etc/lines.txt", O_RDONLY));
	CHECK(close(5) == 0 && close(6) == 0);
	CHECK(pipe(fds) == 0);
	printf("then pipe gives %d and %d, and open %d\n", fds[0], fds[1],
	       open("/etc/lines.txt", O_RDONLY));
	CHECK_ERR(open("/etc/lines.txt", O_RDONLY), EMFILE);
}

static void pipes(void)
{
	int fds[2], status;
	char buf[16];
	pid_t pid;

	CHECK(pipe(fds) == 0);
	CHECK(write(fds[1], "hello", 5) == 5 && read(fds[0], buf, sizeof(buf)) == 5);
	CHECK_ERR(read(fds[1], buf, 1), EBADF);
	CHECK_ERR(write(fds[0], buf, 1), EBADF);
	CHECK_ERR(lseek(fds[0], 0, SEEK_SET), ESPIPE);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		CHECK(write(fds[1], "from the child", 14) == 14);
		_exit(0);
	}
	close(fds[1]);
	CHECK(read(fds[0], buf, sizeof(buf)) == 14 && memcmp(buf, "from the child", 14) == 0);
	CHECK(read(fds[0], buf, sizeof(buf)) == 0);     /* every writer gone: end of file */
	CHECK(waitpid(pid, &status, 0) == pid && status == 0);
	CHECK(pipe2(fds, O_CLOEXEC) == 0);
	printf("pipe2(O_CLOEXEC): %d %d\n", fcntl(fds[0], F_GETFD), fcntl(fds[1], F_GETFD));
}

/* More than a pipe holds, from a child: the writer waits for the reader. */
static void pipe_large_transfer(void)
{
	static char buf[300000];
	int fds[2], status;
	size_t got = 0;
	long n;
	pid_t pid;

	CHECK(pipe(fds) == 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		for (size_t i = 0; i < sizeof(buf); i++)
			buf[i] = (char)(i % 253);
		close(fds[0]);
		CHECK(write(fds[1], buf, sizeof(buf)) == sizeof(buf));
		_exit(0);
	}
	close(fds[1]);
	while ((n = read(fds[0], buf + got, sizeof(buf) - got)) > 0)
		got += (size_t)n;
	CHECK(got == sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		CHECK(buf[i] == (char)(i % 253));
	CHECK(waitpid(pid, &status, 0) == pid && status == 0);
}

static void write_to_closed_pipe(void)
{
	int fds[2], status;
	pid_t pid;

	CHECK(pipe(fds) == 0);
	close(fds[0]);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		long r = write(fds[1], "x", 1);

		_exit(r == -1 && errno == EPIPE ? 3 : 4);
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	printf("write with no reader: %s %d\n", WIFSIGNALED(status) ? "signal" : "exit", WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	signal(SIGPIPE, SIG_IGN);
	CHECK_ERR(write(fds[1], "x", 1), EPIPE);
}

static void vectors(void)
{
	char a[4], b[6], c[3];
	struct iovec out[3] = { { "abc", 3 }, { "", 0 }, { "defghij", 7 } };
	struct iovec in[3] = { { a, 4 }, { b, 6 }, { c, 3 } };
	int fds[2];

	CHECK(pipe(fds) == 0);
	CHECK(writev(fds[1], out, 3) == 10);
	CHECK(readv(fds[0], in, 3) == 10);
	CHECK(memcmp(a, "abcd", 4) == 0 && memcmp(b, "efghij", 6) == 0);
	CHECK_ERR(syscall(SYS_writev, fds[1], out, -1), EINVAL);
	CHECK(writev(1, out, 3) == 10);
	printf("\n");
}

static void console(void)
{
	struct termios t;
	struct winsize ws;
	int fd = open("/dev/console", O_RDWR), file = open(LINES, O_RDONLY);

	CHECK(fd >= 0);
	printf("isatty: console %d, stdout %d, file %d\n", isatty(fd), isatty(1), isatty(file));
	CHECK(tcgetattr(1, &t) == 0);
	CHECK(ioctl(1, TIOCGWINSZ, &ws) == 0);
	CHECK_ERR(ioctl(file, TCGETS, &t), ENOTTY);
	CHECK_ERR(ioctl(file, TIOCGWINSZ, &ws), ENOTTY);
	CHECK(write(fd, "written to /dev/console\n", 24) == 24);
}

static char *self;

static void proc_self_exe(void)
{
	char buf[256];
	long n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);

	CHECK(n > 0);
	buf[n] = '\0';
	printf("/proc/self/exe -> %s (argv[0] %s)\n", buf, self);
	CHECK(readlink("/proc/self/exe", buf, 4) == 4);         /* truncated, no NUL */
	CHECK_ERR(readlink(LINES, buf, sizeof(buf)), EINVAL);
	CHECK_ERR(readlink("/nonexistent", buf, sizeof(buf)), ENOENT);
}

static const struct test_case cases[] = {
	CASE(read_and_seek), CASE(stat_files), CASE(open_errors), CASE(paths), CASE(directories),
	CASE(dup_family), CASE(pipe_failures_take_no_descriptor), CASE(pipes), CASE(pipe_large_transfer), CASE(write_to_closed_pipe),
	CASE(vectors), CASE(console), CASE(proc_self_exe),
};

int main(int argc, char **argv)
{
	self = argv[0];
	return RUN_CASES(cases);
}
