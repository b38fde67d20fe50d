/*
 * eventfd and epoll, against Linux: the error paths in Linux's order;
 * eventfd's counting (and EFD_SEMAPHORE's), its limits, blocking, and
 * what poll and fstat say of it; epoll's level-triggered, edge-triggered
 * and one-shot reports, on pipes in each state and on eventfds; the
 * order of the ready list when maxevents is short; items that belong to
 * the file and not the descriptor; an epoll inside an epoll, and loops;
 * waking when another process writes; timeouts; a signal (EINTR, even
 * with SA_RESTART) and epoll_pwait's mask.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "check.h"

#define NR_epoll_pwait2 441

static void show_events(const char *what, uint32_t ev)
{
	static const struct { uint32_t bit; const char *name; } names[] = {
		{ EPOLLIN, "IN" }, { EPOLLPRI, "PRI" }, { EPOLLOUT, "OUT" }, { EPOLLERR, "ERR" },
		{ EPOLLHUP, "HUP" }, { EPOLLRDNORM, "RDNORM" }, { EPOLLWRNORM, "WRNORM" },
		{ EPOLLRDHUP, "RDHUP" },
	};

	printf("%s:", what);
	if (!ev)
		printf(" none");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (ev & names[i].bit)
			printf(" %s", names[i].name);
	printf("\n");
}

/* One epoll_wait with no wait: how many, and each one's data and events. */
static void show_wait(const char *what, int ep, int max)
{
	struct epoll_event ev[8];
	int n = epoll_wait(ep, ev, max, 0);

	if (n < 0) {
		show_ret(what, n);
		return;
	}
	printf("%s: %d", what, n);
	for (int i = 0; i < n; i++)
		printf(" [%llu %#x]", (unsigned long long)ev[i].data.u64, ev[i].events);
	printf("\n");
}

static int add(int ep, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event ev = { .events = events, .data.u64 = data };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

static int mod(int ep, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event ev = { .events = events, .data.u64 = data };

	return epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
}

static void link_of(const char *what, int fd)
{
	char path[64], buf[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, buf, sizeof(buf) - 1);
	CHECK(n > 0);
	buf[n] = '\0';
	printf("%s: %s\n", what, buf);
}

static void eventfd_errors(void)
{
	uint64_t v = 1;
	uint32_t small = 1;
	int fd;

	show_ret("eventfd2(0, 8)", syscall(SYS_eventfd2, 0, 8));
	show_ret("eventfd2(0, O_RDWR)", syscall(SYS_eventfd2, 0, O_RDWR));
	CHECK((fd = eventfd(0, EFD_NONBLOCK)) >= 0);
	show_ret("read, empty, non-blocking", read(fd, &v, 8));
	show_ret("read of 4 bytes", read(fd, &small, 4));
	show_ret("read of 0 bytes", read(fd, &v, 0));
	show_ret("write of 4 bytes", write(fd, &small, 4));
	v = UINT64_MAX;
	show_ret("write of 2^64 - 1", write(fd, &v, 8));
	show_ret("write from a bad pointer", syscall(SYS_write, fd, 8, 8));
	show_ret("read into a bad pointer, empty", syscall(SYS_read, fd, 8, 8));
	show_ret("lseek", lseek(fd, 0, SEEK_SET));
	show_ret("pread", pread(fd, &v, 8, 0));
	CHECK(close(fd) == 0);
}

static void eventfd_counting(void)
{
	uint64_t v, big[2] = { 5, 0 };
	struct stat st;
	int fd, sem;

	CHECK((fd = eventfd(3, EFD_NONBLOCK | EFD_CLOEXEC)) >= 0);
	printf("F_GETFL %#x, F_GETFD %d\n", fcntl(fd, F_GETFL), fcntl(fd, F_GETFD));
	CHECK(fstat(fd, &st) == 0);
	printf("fstat: mode %#o, nlink %lu, size %lld\n", st.st_mode, (unsigned long)st.st_nlink, (long long)st.st_size);
	link_of("its link", fd);
	v = 7;
	show_ret("write 7", write(fd, &v, 8));
	show_ret("write 5 of 16 bytes", write(fd, big, 16));
	v = 0;
	show_ret("read", read(fd, &v, 8));
	printf("  the count: %llu\n", (unsigned long long)v);
	show_ret("read again", read(fd, &v, 8));
	v = UINT64_MAX - 1;
	show_ret("write 2^64 - 2", write(fd, &v, 8));
	v = 1;
	show_ret("write 1 more", write(fd, &v, 8));
	v = 0;
	show_ret("write 0 more", write(fd, &v, 8));
	show_ret("read", read(fd, &v, 8));
	printf("  the count: %#llx\n", (unsigned long long)v);
	v = 9;
	CHECK(write(fd, &v, 8) == 8);
	show_ret("read into a bad pointer", syscall(SYS_read, fd, 8, 8));
	show_ret("  the count went anyway: read", read(fd, &v, 8));
	CHECK((sem = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK)) >= 0);
	for (int i = 0; i < 3; i++) {
		v = 0;
		show_ret("semaphore read", read(sem, &v, 8));
		printf("  got %llu\n", (unsigned long long)v);
	}
	CHECK(close(fd) == 0 && close(sem) == 0);
}

static void eventfd_poll_and_wait(void)
{
	struct pollfd p;
	uint64_t v = UINT64_MAX - 1;
	pid_t pid;
	int fd;

	CHECK((fd = eventfd(0, 0)) >= 0);
	p = (struct pollfd){ fd, POLLIN | POLLOUT, 0 };
	CHECK(poll(&p, 1, 0) == 1);
	printf("poll, empty: %#x\n", p.revents);
	CHECK(write(fd, &v, 8) == 8);
	CHECK(poll(&p, 1, 0) == 1);
	printf("poll, full: %#x\n", p.revents);
	CHECK(read(fd, &v, 8) == 8);
	fflush(stdout);
	if ((pid = fork()) == 0) {
		v = 42;
		nanosleep(&(struct timespec){ 0, 50 * 1000 * 1000 }, NULL);
		CHECK(write(fd, &v, 8) == 8);
		_exit(0);
	}
	v = 0;
	show_ret("a blocking read, a child writes 42 after 50 ms", read(fd, &v, 8));
	printf("  got %llu\n", (unsigned long long)v);
	CHECK(waitpid(pid, NULL, 0) == pid);
	CHECK(close(fd) == 0);
}

static void epoll_errors(void)
{
	struct epoll_event ev = { EPOLLIN, { 0 } };
	int ep, ep2, fds[2], file;

	show_ret("epoll_create(0)", epoll_create(0));
	show_ret("epoll_create(-1)", epoll_create(-1));
	show_ret("epoll_create1(1)", epoll_create1(1));
	show_ret("epoll_create1(O_NONBLOCK)", epoll_create1(O_NONBLOCK));
	CHECK((ep = epoll_create1(EPOLL_CLOEXEC)) >= 0);
	printf("EPOLL_CLOEXEC: F_GETFD %d, F_GETFL %#x\n", fcntl(ep, F_GETFD), fcntl(ep, F_GETFL));
	link_of("its link", ep);
	CHECK(pipe(fds) == 0);
	CHECK((file = open("/tmp/epoll-file", O_RDWR | O_CREAT | O_TRUNC, 0600)) >= 0);
	show_ret("ctl, bad epfd", epoll_ctl(99, EPOLL_CTL_ADD, fds[0], &ev));
	show_ret("ctl, bad fd", epoll_ctl(ep, EPOLL_CTL_ADD, 99, &ev));
	show_ret("ctl, bad event pointer", epoll_ctl(ep, EPOLL_CTL_ADD, fds[0], (void *)8));
	show_ret("ctl, bad pointer, bad epfd", epoll_ctl(99, EPOLL_CTL_ADD, fds[0], (void *)8));
	show_ret("ctl DEL, bad pointer, not there", epoll_ctl(ep, EPOLL_CTL_DEL, fds[0], (void *)8));
	show_ret("ctl, a regular file", epoll_ctl(ep, EPOLL_CTL_ADD, file, &ev));
	show_ret("ctl, a regular file as epfd", epoll_ctl(file, EPOLL_CTL_ADD, fds[0], &ev));
	show_ret("ctl, a pipe as epfd", epoll_ctl(fds[1], EPOLL_CTL_ADD, fds[0], &ev));
	show_ret("ctl, itself", epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev));
	show_ret("ctl, op 0", epoll_ctl(ep, 0, fds[0], &ev));
	show_ret("ctl, op 4", epoll_ctl(ep, 4, fds[0], &ev));
	show_ret("ctl MOD, not there", epoll_ctl(ep, EPOLL_CTL_MOD, fds[0], &ev));
	show_ret("ctl DEL, not there", epoll_ctl(ep, EPOLL_CTL_DEL, fds[0], &ev));
	show_ret("ctl ADD", add(ep, fds[0], EPOLLIN, 1));
	show_ret("ctl ADD again", add(ep, fds[0], EPOLLIN, 1));
	show_ret("ctl ADD EPOLLEXCLUSIVE | EPOLLONESHOT", add(ep, fds[1], EPOLLOUT | EPOLLEXCLUSIVE | EPOLLONESHOT, 2));
	show_ret("ctl ADD EPOLLEXCLUSIVE", add(ep, fds[1], EPOLLOUT | EPOLLEXCLUSIVE, 2));
	show_ret("ctl MOD EPOLLEXCLUSIVE", mod(ep, fds[1], EPOLLOUT | EPOLLEXCLUSIVE, 2));
	show_ret("ctl MOD of an exclusive item", mod(ep, fds[1], EPOLLOUT, 2));
	show_ret("ctl DEL of it", epoll_ctl(ep, EPOLL_CTL_DEL, fds[1], NULL));
	CHECK((ep2 = epoll_create1(0)) >= 0);
	show_ret("ctl ADD EPOLLEXCLUSIVE of an epoll", add(ep, ep2, EPOLLIN | EPOLLEXCLUSIVE, 3));
	show_ret("ctl ADD of an epoll", add(ep, ep2, EPOLLIN, 3));
	show_ret("ctl ADD making a loop", add(ep2, ep, EPOLLIN, 4));
	show_ret("wait, maxevents 0", syscall(SYS_epoll_wait, ep, &ev, 0, 0));
	show_ret("wait, maxevents -1", syscall(SYS_epoll_wait, ep, &ev, -1, 0));
	show_ret("wait, maxevents too many", syscall(SYS_epoll_wait, ep, &ev, 0x7fffffff / 12 + 1, 0));
	show_ret("wait, bad epfd", epoll_wait(99, &ev, 1, 0));
	show_ret("wait, a pipe", epoll_wait(fds[0], &ev, 1, 0));
	show_ret("wait, kernel memory", syscall(SYS_epoll_wait, ep, 0xc0000000, 1, 0));
	show_ret("wait, NULL, nothing ready", syscall(SYS_epoll_wait, ep, NULL, 1, 0));
	CHECK(write(fds[1], "x", 1) == 1);
	show_ret("wait, NULL, something ready", syscall(SYS_epoll_wait, ep, NULL, 1, 0));
	show_ret("pwait, sigset size 4, raw", syscall(SYS_epoll_pwait, ep, &ev, 1, 0, &(sigset_t){ { 0 } }, 4));
	show_ret("pwait, bad sigset", syscall(SYS_epoll_pwait, ep, &ev, 1, 0, 8, 8));
	show_ret("pwait2, bad timespec", syscall(NR_epoll_pwait2, ep, &ev, 1, 8, NULL, 8));
	show_ret("pwait2, nanoseconds 10^9",
	     syscall(NR_epoll_pwait2, ep, &ev, 1, &(struct { int64_t s; long ns; }){ 0, 1000000000 }, NULL, 8));
	show_ret("pwait2, zero time",
	     syscall(NR_epoll_pwait2, ep, &ev, 1, &(struct { int64_t s; long ns; }){ 0, 0 }, NULL, 8));
	CHECK(unlink("/tmp/epoll-file") == 0);
}

/* A pipe, level-triggered, edge-triggered and one-shot, read end and
 * write end, and what its states report. */
static void pipe_triggers(void)
{
	int ep, lt[2], et[2], os[2];
	char buf[8];

	CHECK((ep = epoll_create1(0)) >= 0);
	CHECK(pipe(lt) == 0 && pipe(et) == 0 && pipe(os) == 0);
	CHECK(add(ep, lt[0], EPOLLIN, 10) == 0);
	CHECK(add(ep, et[0], EPOLLIN | EPOLLET, 20) == 0);
	CHECK(add(ep, os[0], EPOLLIN | EPOLLONESHOT, 30) == 0);
	show_wait("nothing written", ep, 8);
	CHECK(write(lt[1], "a", 1) == 1 && write(et[1], "b", 1) == 1 && write(os[1], "c", 1) == 1);
	show_wait("one byte in each", ep, 8);
	show_wait("again", ep, 8);
	CHECK(write(lt[1], "a", 1) == 1 && write(et[1], "b", 1) == 1 && write(os[1], "c", 1) == 1);
	show_wait("one more byte in each", ep, 8);
	show_wait("again", ep, 8);
	CHECK(mod(ep, os[0], EPOLLIN | EPOLLONESHOT, 31) == 0);
	show_wait("the one-shot modified", ep, 8);
	CHECK(read(lt[0], buf, 8) == 2 && read(et[0], buf, 8) == 2 && read(os[0], buf, 8) == 2);
	show_wait("all read", ep, 8);
	CHECK(mod(ep, lt[0], EPOLLIN | EPOLLET, 11) == 0);
	CHECK(close(lt[1]) == 0);
	show_wait("the writer of the first closed", ep, 8);
	show_wait("again (now edge-triggered)", ep, 8);
	CHECK(add(ep, et[1], EPOLLOUT, 21) == 0);
	show_wait("the second's write end, level-triggered", ep, 8);
	CHECK(close(et[0]) == 0);
	show_wait("its reader closed", ep, 8);
	CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, et[1], NULL) == 0);
	CHECK(add(ep, os[1], 0, 32) == 0);
	show_wait("a write end asking nothing", ep, 8);
	CHECK(close(os[0]) == 0);
	show_wait("its reader closed", ep, 8);
}

/* Three ready, two at a time: the ready list goes round. */
static void ready_order(void)
{
	int ep, p[3][2];

	CHECK((ep = epoll_create1(0)) >= 0);
	for (int i = 0; i < 3; i++) {
		CHECK(pipe(p[i]) == 0);
		CHECK(add(ep, p[i][0], EPOLLIN, 100 + i) == 0);
	}
	for (int i = 2; i >= 0; i--)
		CHECK(write(p[i][1], "x", 1) == 1);
	show_wait("three ready, two at a time", ep, 2);
	show_wait("the next two", ep, 2);
	show_wait("and the next", ep, 2);
	show_wait("all at once", ep, 8);
}

/* An item is the file's: it stays while a dup of it is open, reports the
 * descriptor it was added with, and goes with the file's last close. */
static void items_belong_to_files(void)
{
	int ep, fds[2], copy;

	CHECK((ep = epoll_create1(0)) >= 0);
	CHECK(pipe(fds) == 0);
	CHECK(add(ep, fds[0], EPOLLIN, 7) == 0);
	CHECK((copy = dup(fds[0])) >= 0);
	CHECK(close(fds[0]) == 0);
	CHECK(write(fds[1], "x", 1) == 1);
	show_wait("the descriptor closed, a dup open", ep, 8);
	show_ret("DEL by the dup", epoll_ctl(ep, EPOLL_CTL_DEL, copy, NULL));
	show_ret("ADD the dup", add(ep, copy, EPOLLIN, 8));
	show_wait("both items", ep, 8);
	CHECK(close(copy) == 0);
	show_wait("the last close", ep, 8);
	CHECK(pipe(fds) == 0);
	show_ret("DEL of a new file at the old number", epoll_ctl(ep, EPOLL_CTL_DEL, fds[0], NULL));
	show_ret("ADD of it", add(ep, fds[0], EPOLLIN, 9));
}

/* An epoll in an epoll, and poll on an epoll. */
static void nested(void)
{
	int outer, inner, efd;
	struct pollfd p;
	uint64_t v = 1;

	CHECK((outer = epoll_create1(0)) >= 0 && (inner = epoll_create1(0)) >= 0);
	CHECK((efd = eventfd(0, EFD_NONBLOCK)) >= 0);
	CHECK(add(inner, efd, EPOLLIN | EPOLLET, 1) == 0);
	CHECK(add(outer, inner, EPOLLIN, 2) == 0);
	p = (struct pollfd){ inner, POLLIN | POLLOUT, 0 };
	CHECK(poll(&p, 1, 0) >= 0);
	show_events("poll on an empty epoll", (uint32_t)p.revents);
	show_wait("outer, nothing", outer, 8);
	CHECK(write(efd, &v, 8) == 8);
	CHECK(poll(&p, 1, 0) >= 0);
	show_events("poll on the inner, an eventfd written", (uint32_t)p.revents);
	show_wait("outer", outer, 8);
	show_wait("inner", inner, 8);
	show_wait("outer, the inner's event taken", outer, 8);
	CHECK(write(efd, &v, 8) == 8);
	show_wait("written again: outer", outer, 8);
	show_wait("inner (edge-triggered: each write an event)", inner, 8);
	show_wait("inner again", inner, 8);
}

/* Which kinds of file epoll takes: those with a poll of their own. */
static void kinds(void)
{
	static const char *const paths[] = { "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom",
					     "/dev/tty", "/dev/console", "/proc/self/status", "/proc", "/" };
	int ep;

	CHECK((ep = epoll_create1(0)) >= 0);
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		int fd = open(paths[i], O_RDONLY | O_NONBLOCK);
		char what[64];

		snprintf(what, sizeof(what), "ADD %s", paths[i]);
		if (fd < 0) {
			printf("%s: cannot open, errno %d\n", what, errno);
			continue;
		}
		show_ret(what, add(ep, fd, EPOLLIN | EPOLLOUT, i));
		CHECK(close(fd) == 0);
	}
	show_wait("after they are closed", ep, 8);
}

static volatile int alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

/* Waiting: a child's write wakes it; a timeout; a signal. */
static void waiting(void)
{
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = SA_RESTART };
	struct epoll_event ev;
	struct timespec t0, t1;
	sigset_t block, old;
	int ep, fds[2];
	long ms;
	pid_t pid;

	CHECK((ep = epoll_create1(0)) >= 0);
	CHECK(pipe(fds) == 0);
	CHECK(add(ep, fds[0], EPOLLIN, 5) == 0);
	fflush(stdout);
	if ((pid = fork()) == 0) {
		nanosleep(&(struct timespec){ 0, 50 * 1000 * 1000 }, NULL);
		CHECK(write(fds[1], "x", 1) == 1);
		_exit(0);
	}
	show_ret("wait forever; a child writes after 50 ms", epoll_wait(ep, &ev, 1, -1));
	printf("  data %llu, events %#x\n", (unsigned long long)ev.data.u64, ev.events);
	CHECK(waitpid(pid, NULL, 0) == pid);
	CHECK(read(fds[0], &ev, 1) == 1);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	show_ret("wait 100 ms, nothing", epoll_wait(ep, &ev, 1, 100));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	printf("  it took 100 ms to 2 s: %s\n", ms >= 100 && ms < 2000 ? "yes" : "no");
	CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
	ualarm(50000, 0);
	show_ret("wait forever, an SA_RESTART alarm after 50 ms", epoll_wait(ep, &ev, 1, -1));
	printf("  the handler ran: %d\n", alarms);
	sigemptyset(&block);
	sigaddset(&block, SIGALRM);
	CHECK(sigprocmask(SIG_BLOCK, &block, &old) == 0);
	ualarm(50000, 0);
	show_ret("pwait with SIGALRM let in, blocked outside", epoll_pwait(ep, &ev, 1, 2000, &old));
	printf("  the handler ran: %d; blocked again after: %s\n", alarms,
	       sigprocmask(SIG_BLOCK, NULL, &old) == 0 && sigismember(&old, SIGALRM) ? "yes" : "no");
	ualarm(50000, 0);
	show_ret("pwait with SIGALRM blocked, 200 ms", epoll_pwait(ep, &ev, 1, 200, &block));
	printf("  the handler has not run: %d\n", alarms);
}

/* A forked child shares the epoll and its items. */
static void across_fork(void)
{
	int ep, fds[2], status;
	pid_t pid;

	CHECK((ep = epoll_create1(0)) >= 0);
	CHECK(pipe(fds) == 0);
	CHECK(add(ep, fds[0], EPOLLIN, 6) == 0);
	CHECK(write(fds[1], "x", 1) == 1);
	fflush(stdout);
	if ((pid = fork()) == 0) {
		show_wait("the child sees it", ep, 8);
		CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, fds[0], NULL) == 0);
		fflush(stdout);
		_exit(0);
	}
	CHECK(waitpid(pid, &status, 0) == pid && status == 0);
	show_wait("the child deleted it: the parent", ep, 8);
}

static const struct test_case cases[] = {
	CASE(eventfd_errors), CASE(eventfd_counting), CASE(eventfd_poll_and_wait), CASE(epoll_errors),
	CASE(pipe_triggers), CASE(ready_order), CASE(items_belong_to_files), CASE(nested), CASE(waiting),
	CASE(across_fork), CASE(kinds),
};

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	return RUN_CASES(cases);
}
