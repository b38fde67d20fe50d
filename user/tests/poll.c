/*
 * Waiting on files: poll, ppoll, select and pselect, against Linux. What
 * each kind of file reports (pipes in each state, FIFOs, the console,
 * regular files, devices, directories, /proc), the error paths, waking
 * when another process writes, timeouts, a signal during the wait
 * (EINTR, even with SA_RESTART, and ppoll's mask put back), and a stop
 * and continue (the wait goes on to the deadline it had).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include "check.h"

static void show_revents(const char *what, int revents)
{
	static const struct { int bit; const char *name; } names[] = {
		{ POLLIN, "IN" }, { POLLPRI, "PRI" }, { POLLOUT, "OUT" }, { POLLERR, "ERR" },
		{ POLLHUP, "HUP" }, { POLLNVAL, "NVAL" }, { POLLRDNORM, "RDNORM" },
		{ POLLRDBAND, "RDBAND" }, { POLLWRNORM, "WRNORM" }, { POLLWRBAND, "WRBAND" },
	};

	printf("%s:", what);
	if (!revents)
		printf(" none");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (revents & names[i].bit)
			printf(" %s", names[i].name);
	printf("\n");
}

#define ALL_EVENTS (POLLIN | POLLPRI | POLLOUT | POLLRDNORM | POLLRDBAND | POLLWRNORM | POLLWRBAND)

/* What one fd is ready for now, asked for everything. */
static void show_fd(const char *what, int fd)
{
	struct pollfd p = { fd, ALL_EVENTS, 0 };
	int r = poll(&p, 1, 0);

	CHECK(r >= 0);
	show_revents(what, p.revents);
}

static void errors(void)
{
	struct pollfd p = { 0, POLLIN, 0 };
	struct timeval tv = { 0, -1 };
	struct timespec ts = { -1, 0 };
	fd_set set;
	sigset_t mask;
	int fds[2];

	CHECK(pipe(fds) == 0);
	CHECK_ERR(syscall(SYS_poll, &p, 100000, 0), EINVAL);
	CHECK_ERR(syscall(SYS_poll, 8, 1, 0), EFAULT);
	CHECK_ERR(select(-1, NULL, NULL, NULL, NULL), EINVAL);
	FD_ZERO(&set);
	FD_SET(fds[0], &set);
	FD_SET(20, &set);
	CHECK_ERR(select(21, &set, NULL, NULL, NULL), EBADF);
	FD_ZERO(&set);
	FD_SET(fds[0], &set);
	CHECK_ERR(select(fds[0] + 1, &set, NULL, NULL, &tv), EINVAL);
	CHECK_ERR(select(fds[0] + 1, (fd_set *)8, NULL, NULL, NULL), EFAULT);
	CHECK_ERR(syscall(SYS_select, 8), EFAULT);
	CHECK_ERR(ppoll(&p, 1, &ts, NULL), EINVAL);
	sigemptyset(&mask);
	CHECK_ERR(syscall(SYS_ppoll, &p, 1, NULL, &mask, 4), EINVAL);
	CHECK_ERR(syscall(SYS_ppoll, &p, 1, NULL, (void *)8, 8), EFAULT);
	ts.tv_sec = 0;
	ts.tv_nsec = 1000000000;
	CHECK_ERR(pselect(1, NULL, NULL, NULL, &ts, NULL), EINVAL);
	printf("every bad request refused\n");
}

/* A pipe's ends in each state, as select sees them too. */
static void pipes(void)
{
	char buf[65536];
	int fds[2], fl, r;
	fd_set rd, wr;
	struct timeval tv = { 0, 0 };

	CHECK(pipe(fds) == 0);
	show_fd("empty, read end", fds[0]);
	show_fd("empty, write end", fds[1]);
	CHECK(write(fds[1], "x", 1) == 1);
	show_fd("a byte, read end", fds[0]);
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_SET(fds[0], &rd);
	FD_SET(fds[1], &rd);
	FD_SET(fds[0], &wr);
	FD_SET(fds[1], &wr);
	r = select(fds[1] + 1, &rd, &wr, NULL, &tv);
	printf("select: %d ready; read end readable %d writable %d, write end readable %d writable %d\n",
	       r, FD_ISSET(fds[0], &rd), FD_ISSET(fds[0], &wr), FD_ISSET(fds[1], &rd), FD_ISSET(fds[1], &wr));
	/* Filled from empty, Linux's pipe is 16 whole pages: it is writable
	 * again once a page is read. (Filled after a 1-byte write, its first
	 * page holds that byte alone, and reading the byte frees a page.) */
	CHECK(read(fds[0], buf, 1) == 1);
	fl = fcntl(fds[1], F_GETFL);
	CHECK(fcntl(fds[1], F_SETFL, fl | O_NONBLOCK) == 0);
	while (write(fds[1], buf, sizeof(buf)) > 0)
		;
	show_fd("full, write end", fds[1]);
	CHECK(read(fds[0], buf, 1) == 1);
	show_fd("full less a byte, write end", fds[1]);
	CHECK(read(fds[0], buf, 4095) == 4095);
	show_fd("full less a page, write end", fds[1]);
	CHECK(close(fds[1]) == 0);
	show_fd("data, no writer, read end", fds[0]);
	while (read(fds[0], buf, sizeof(buf)) > 0)
		;
	show_fd("empty, no writer, read end", fds[0]);
	CHECK(close(fds[0]) == 0);
	CHECK(pipe(fds) == 0);
	CHECK(close(fds[0]) == 0);
	show_fd("no reader, write end", fds[1]);
	CHECK(close(fds[1]) == 0);
}

/* A FIFO opened to read with no writer: no POLLHUP until a writer has come
 * and gone. */
static void fifos(void)
{
	int rd, wr;

	CHECK(mkfifo("/tmp/poll-fifo", 0600) == 0);
	rd = open("/tmp/poll-fifo", O_RDONLY | O_NONBLOCK);
	CHECK(rd >= 0);
	show_fd("FIFO, never a writer", rd);
	wr = open("/tmp/poll-fifo", O_WRONLY);
	CHECK(wr >= 0);
	show_fd("FIFO, a writer", rd);
	CHECK(close(wr) == 0);
	show_fd("FIFO, the writer gone", rd);
	CHECK(close(rd) == 0);
	rd = open("/tmp/poll-fifo", O_RDWR);
	show_fd("FIFO open to read and write", rd);
	CHECK(close(rd) == 0 && unlink("/tmp/poll-fifo") == 0);
}

/* Files that are always ready, and the descriptors that are not files. */
static void other_files(void)
{
	static const char *const paths[] = { "/etc/lines.txt", "/dev/null", "/dev/zero", "/tmp",
					     "/proc/self/status", "/dev/random", "/dev/urandom", "/dev/full" };
	struct pollfd p[3] = { { -1, POLLIN, 0x55 }, { 200, POLLIN, 0 }, { 0, 0, 0 } };
	int fd;

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		fd = open(paths[i], O_RDONLY);
		CHECK(fd >= 0);
		show_fd(paths[i], fd);
		CHECK(close(fd) == 0);
	}
	fd = open("/tmp/poll-file", O_RDWR | O_CREAT, 0600);
	CHECK(fd >= 0);
	show_fd("a tmpfs file, read and write", fd);
	CHECK(close(fd) == 0 && unlink("/tmp/poll-file") == 0);
	fd = open("/tmp", O_PATH);
	CHECK(fd >= 0);
	show_fd("an O_PATH descriptor", fd);
	p[2].fd = fd;
	fd = poll(p, 3, 0);
	printf("negative, closed, O_PATH: %d ready\n", fd);
	show_revents("  negative fd", p[0].revents);
	show_revents("  closed fd", p[1].revents);
	show_revents("  O_PATH fd, no events asked", p[2].revents);
}

/* The console: readable once a line is typed (canonical) or VMIN bytes. */
static void console(void)
{
	struct termios saved, t;
	char buf[16];

	CHECK(tcgetattr(0, &saved) == 0);
	t = saved;
	t.c_lflag &= ~(tcflag_t)ECHO;
	CHECK(tcsetattr(0, TCSANOW, &t) == 0);
	show_fd("console, nothing typed", 0);
	CHECK(ioctl(0, TIOCSTI, "a") == 0);
	show_fd("console, a partial line", 0);
	CHECK(ioctl(0, TIOCSTI, "\n") == 0);
	show_fd("console, a line", 0);
	CHECK(read(0, buf, sizeof(buf)) == 2);
	t.c_lflag &= ~(tcflag_t)ICANON;
	t.c_cc[VMIN] = 3;
	t.c_cc[VTIME] = 0;
	CHECK(tcsetattr(0, TCSANOW, &t) == 0);
	CHECK(ioctl(0, TIOCSTI, "b") == 0 && ioctl(0, TIOCSTI, "c") == 0);
	show_fd("console, VMIN 3, two typed", 0);
	CHECK(ioctl(0, TIOCSTI, "d") == 0);
	show_fd("console, VMIN 3, three typed", 0);
	CHECK(tcsetattr(0, TCSAFLUSH, &saved) == 0);
}

/* A child writes to the pipe a little later: each kind of wait wakes. */
static void write_later(int fd)
{
	struct timespec ts = { 0, 30 * 1000 * 1000 };

	fflush(stdout);
	if (fork() == 0) {
		nanosleep(&ts, NULL);
		CHECK(write(fd, "w", 1) == 1);
		_exit(0);
	}
}

static void wakeups(void)
{
	int fds[2], status, r;
	char c;
	struct pollfd p;
	fd_set rd;
	struct timespec ts = { 5, 0 };

	CHECK(pipe(fds) == 0);
	p = (struct pollfd){ fds[0], POLLIN, 0 };
	write_later(fds[1]);
	r = poll(&p, 1, -1);
	printf("poll, no timeout: %d\n", r);
	show_revents("  revents", p.revents);
	CHECK(read(fds[0], &c, 1) == 1 && wait(&status) > 0);
	write_later(fds[1]);
	FD_ZERO(&rd);
	FD_SET(fds[0], &rd);
	r = select(fds[0] + 1, &rd, NULL, NULL, NULL);
	printf("select, no timeout: %d, readable %d\n", r, FD_ISSET(fds[0], &rd));
	CHECK(read(fds[0], &c, 1) == 1 && wait(&status) > 0);
	write_later(fds[1]);
	r = ppoll(&p, 1, &ts, NULL);
	printf("ppoll, 5 s: %d\n", r);
	CHECK(read(fds[0], &c, 1) == 1 && wait(&status) > 0);
	write_later(fds[1]);
	ts = (struct timespec){ 5, 0 };
	FD_ZERO(&rd);
	FD_SET(fds[0], &rd);
	r = pselect(fds[0] + 1, &rd, NULL, NULL, &ts, NULL);
	printf("pselect, 5 s: %d, readable %d\n", r, FD_ISSET(fds[0], &rd));
	CHECK(read(fds[0], &c, 1) == 1 && wait(&status) > 0);
}

static void timeouts(void)
{
	struct { int32_t tv_sec, tv_nsec; } ts32 = { 0, 20 * 1000 * 1000 };
	int fds[2], r;
	struct pollfd p;
	struct timeval tv = { 0, 20000 };
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	fd_set rd;

	CHECK(pipe(fds) == 0);
	p = (struct pollfd){ fds[0], POLLIN, 0 };
	r = poll(&p, 1, 20);
	printf("poll, 20 ms, nothing: %d\n", r);
	r = poll(NULL, 0, 20);
	printf("poll of no fds, 20 ms: %d\n", r);
	FD_ZERO(&rd);
	FD_SET(fds[0], &rd);
	r = select(fds[0] + 1, &rd, NULL, NULL, &tv);
	printf("select, 20 ms, nothing: %d, still set %d\n", r, FD_ISSET(fds[0], &rd));
	printf("  timeval left: %ld s %ld us\n", (long)tv.tv_sec, (long)tv.tv_usec);
	r = select(0, NULL, NULL, NULL, &(struct timeval){ 0, 20000 });
	printf("select of no fds, 20 ms: %d\n", r);
	r = ppoll(&p, 1, &ts, NULL);
	printf("ppoll, 20 ms, nothing: %d\n", r);
	r = (int)syscall(SYS_ppoll, &p, 1, &ts32, NULL, 8);
	printf("the ppoll call itself, 20 ms: %d, timespec left %ld s %ld ns\n", r, (long)ts32.tv_sec,
	       (long)ts32.tv_nsec);
	FD_SET(fds[0], &rd);
	tv = (struct timeval){ 0, 0 };
	r = select(fds[0] + 1, &rd, NULL, NULL, &tv);
	printf("select, no time, nothing: %d, still set %d\n", r, FD_ISSET(fds[0], &rd));
}

static volatile sig_atomic_t caught;

static void on_usr1(int sig)
{
	(void)sig;
	caught++;
}

/* A child signals a little later: each wait ends with EINTR. */
static void signal_later(void)
{
	struct timespec ts = { 0, 30 * 1000 * 1000 };
	pid_t parent = getpid();

	fflush(stdout);
	if (fork() == 0) {
		nanosleep(&ts, NULL);
		kill(parent, SIGUSR1);
		_exit(0);
	}
}

static void signals(void)
{
	struct sigaction sa;
	sigset_t block, none, now;
	int fds[2], status, r;
	struct pollfd p;
	fd_set rd;
	struct timespec ts = { 5, 0 };

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_RESTART;
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	CHECK(pipe(fds) == 0);
	p = (struct pollfd){ fds[0], POLLIN, 0 };
	signal_later();
	r = poll(&p, 1, -1);
	printf("poll, SA_RESTART: %d errno %d, caught %d\n", r, errno, caught);
	CHECK(wait(&status) > 0);
	signal_later();
	FD_ZERO(&rd);
	FD_SET(fds[0], &rd);
	r = select(fds[0] + 1, &rd, NULL, NULL, NULL);
	printf("select, SA_RESTART: %d errno %d, caught %d\n", r, errno, caught);
	CHECK(wait(&status) > 0);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigemptyset(&none);
	CHECK(sigprocmask(SIG_BLOCK, &block, NULL) == 0);
	signal_later();
	r = ppoll(&p, 1, &ts, &none);
	printf("ppoll unblocking SIGUSR1: %d errno %d, caught %d\n", r, errno, caught);
	CHECK(sigprocmask(SIG_SETMASK, NULL, &now) == 0);
	printf("  SIGUSR1 blocked again after: %d\n", sigismember(&now, SIGUSR1));
	CHECK(wait(&status) > 0);
	signal_later();
	ts = (struct timespec){ 5, 0 };
	r = pselect(fds[0] + 1, &rd, NULL, NULL, &ts, &none);
	printf("pselect unblocking SIGUSR1: %d errno %d, caught %d\n", r, errno, caught);
	CHECK(sigprocmask(SIG_SETMASK, NULL, &now) == 0);
	printf("  SIGUSR1 blocked again after: %d\n", sigismember(&now, SIGUSR1));
	CHECK(wait(&status) > 0);
	CHECK(kill(getpid(), SIGUSR1) == 0);
	r = ppoll(&p, 1, &(struct timespec){ 0, 0 }, &none);
	printf("pending while blocked: ppoll with it unblocked, 0 timeout: %d errno %d, caught %d\n", r,
	       errno, caught);
}

static double now_ms(void)
{
	struct timespec t;

	CHECK(clock_gettime(CLOCK_MONOTONIC, &t) == 0);
	return t.tv_sec * 1000.0 + t.tv_nsec / 1e6;
}

/* poll(2), 1 s, stopped at 0.1 s and continued at 1.3 s, after its
 * deadline: Linux restarts it (restart_syscall) to the deadline it had,
 * so it returns 0 at once, not 1 s later. The margin is half a second. */
static void stopped_past_the_deadline(void)
{
	volatile double *continued = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct timespec ts = { 0, 100 * 1000 * 1000 };
	int fds[2], status;
	pid_t pid;

	CHECK(continued != MAP_FAILED && pipe(fds) == 0);
	fflush(stdout);
	if ((pid = fork()) == 0) {
		struct pollfd p = { fds[0], POLLIN, 0 };
		int r = poll(&p, 1, 1000);
		double late = now_ms() - *continued;

		printf("poll stopped past its deadline: %d; back within half a second of SIGCONT: %s\n", r,
		       late < 500 ? "yes" : "no");
		_exit(0);
	}
	nanosleep(&ts, NULL);
	CHECK(kill(pid, SIGSTOP) == 0);
	CHECK(waitpid(pid, &status, WUNTRACED) == pid && WIFSTOPPED(status));
	ts.tv_sec = 1, ts.tv_nsec = 200 * 1000 * 1000;
	nanosleep(&ts, NULL);
	*continued = now_ms();
	CHECK(kill(pid, SIGCONT) == 0);
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status));
}

static const struct test_case cases[] = {
	CASE(errors), CASE(pipes), CASE(fifos), CASE(other_files), CASE(console),
	CASE(wakeups), CASE(timeouts), CASE(signals), CASE(stopped_past_the_deadline),
};

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	return RUN_CASES(cases);
}
