/*
 * Pipes, against Linux: their size (F_GETPIPE_SZ, F_SETPIPE_SZ and its
 * rounding, limits and EBUSY), how much they hold of writes of each size
 * (Linux's slots: a small write joins the last page only if it fits
 * there whole), PIPE_BUF atomicity between two writers, partial and
 * refused non-blocking writes, packet mode (O_DIRECT), FIONREAD, empty
 * reads and writes, and EPIPE.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

static char buf[1 << 16];

static int in_pipe(int fd)
{
	int n = -1;

	CHECK(ioctl(fd, FIONREAD, &n) == 0);
	return n;
}

static bool writable(int fd)
{
	struct pollfd p = { fd, POLLOUT, 0 };

	CHECK(poll(&p, 1, 0) >= 0);
	return p.revents & POLLOUT;
}

static void sizes(void)
{
	int fds[2], file;

	CHECK(pipe2(fds, O_NONBLOCK) == 0);
	show_ret("F_GETPIPE_SZ", fcntl(fds[0], F_GETPIPE_SZ));
	show_ret("F_GETPIPE_SZ of the write end", fcntl(fds[1], F_GETPIPE_SZ));
	show_ret("F_SETPIPE_SZ 0", fcntl(fds[0], F_SETPIPE_SZ, 0));
	show_ret("F_SETPIPE_SZ 1", fcntl(fds[0], F_SETPIPE_SZ, 1));
	show_ret("F_SETPIPE_SZ 4097", fcntl(fds[0], F_SETPIPE_SZ, 4097));
	show_ret("F_SETPIPE_SZ 100000", fcntl(fds[1], F_SETPIPE_SZ, 100000));
	show_ret("  F_GETPIPE_SZ of the other end", fcntl(fds[0], F_GETPIPE_SZ));
	show_ret("F_SETPIPE_SZ 1 MiB", fcntl(fds[0], F_SETPIPE_SZ, 1 << 20));
	show_ret("F_SETPIPE_SZ 2 MiB (root may pass pipe-max-size)", fcntl(fds[0], F_SETPIPE_SZ, 2 << 20));
	show_ret("F_SETPIPE_SZ 2^31 + 1", fcntl(fds[0], F_SETPIPE_SZ, 0x80000001u));
	show_ret("F_SETPIPE_SZ -1", fcntl(fds[0], F_SETPIPE_SZ, -1));
	CHECK(fcntl(fds[0], F_SETPIPE_SZ, 65536) == 65536);
	CHECK(write(fds[1], buf, 3 * 4096) == 3 * 4096);
	show_ret("3 pages in it: F_SETPIPE_SZ 8192", fcntl(fds[0], F_SETPIPE_SZ, 8192));
	show_ret("F_SETPIPE_SZ 16384", fcntl(fds[0], F_SETPIPE_SZ, 16384));
	show_ret("  a read of all", read(fds[0], buf, sizeof(buf)));
	CHECK((file = open("/tmp/pipes-file", O_RDWR | O_CREAT | O_TRUNC, 0600)) >= 0);
	show_ret("F_GETPIPE_SZ of a file", fcntl(file, F_GETPIPE_SZ));
	show_ret("F_SETPIPE_SZ of a file", fcntl(file, F_SETPIPE_SZ, 4096));
	CHECK(unlink("/tmp/pipes-file") == 0);
}

/* Non-blocking writes of n bytes until the pipe takes no more. */
static void fill(const char *what, int fd, size_t n)
{
	long count = 0, bytes = 0, r;

	while ((r = write(fd, buf, n)) > 0)
		count++, bytes += r;
	printf("%s: %ld writes, %ld bytes, then errno %d; FIONREAD %d; writable %s\n", what, count, bytes, errno,
	       in_pipe(fd), writable(fd) ? "yes" : "no");
}

static void capacity(void)
{
	int fds[2];

	CHECK(pipe2(fds, O_NONBLOCK) == 0);
	fill("writes of 1000", fds[1], 1000);
	show_ret("  one of 1", write(fds[1], buf, 1));
	show_ret("  read 1000", read(fds[0], buf, 1000));
	printf("  writable: %s\n", writable(fds[1]) ? "yes" : "no");
	show_ret("  one of 96 (what the last page has)", write(fds[1], buf, 96));
	show_ret("  one more of 1", write(fds[1], buf, 1));
	show_ret("  read 4000 (the first page's rest)", read(fds[0], buf, 4000));
	show_ret("  read 1", read(fds[0], buf, 1));
	printf("  writable: %s\n", writable(fds[1]) ? "yes" : "no");
	show_ret("  one of 5000", write(fds[1], buf, 5000));
	show_ret("  one of 4096", write(fds[1], buf, 4096));
	CHECK(close(fds[0]) == 0 && close(fds[1]) == 0);
	CHECK(pipe2(fds, O_NONBLOCK) == 0);
	fill("writes of 4096", fds[1], 4096);
	CHECK(close(fds[0]) == 0 && close(fds[1]) == 0);
	CHECK(pipe2(fds, O_NONBLOCK) == 0);
	fill("writes of 4097", fds[1], 4097);
	CHECK(close(fds[0]) == 0 && close(fds[1]) == 0);
	CHECK(pipe2(fds, O_NONBLOCK) == 0);
	fill("writes of 1", fds[1], 1);
	CHECK(close(fds[0]) == 0 && close(fds[1]) == 0);
	CHECK(pipe2(fds, O_NONBLOCK) == 0);
	CHECK(fcntl(fds[0], F_SETPIPE_SZ, 8192) == 8192);
	show_ret("8 KiB: a write of 10000", write(fds[1], buf, 10000));
	show_ret("  another", write(fds[1], buf, 10000));
	show_ret("  a read of 100", read(fds[0], buf, 100));
	show_ret("  a write of 1: no room in the page read from", write(fds[1], buf, 1));
	show_ret("  a read of 4000 empties that page", read(fds[0], buf, 4000));
	show_ret("  a write of 5000", write(fds[1], buf, 5000));
	show_ret("  FIONREAD", in_pipe(fds[0]));
	show_ret("a read of 0", read(fds[0], buf, 0));
	show_ret("a write of 0", write(fds[1], buf, 0));
}

/* Two writers of 4 KiB records into one pipe: the reader never sees one
 * split or mixed. */
static void atomic_writes(void)
{
	int fds[2], status, mixed = 0, records = 0;
	pid_t pid[2];

	CHECK(pipe(fds) == 0);
	for (int w = 0; w < 2; w++) {
		fflush(stdout);
		if ((pid[w] = fork()) == 0) {
			static char rec[4096];

			memset(rec, 'a' + w, sizeof(rec));
			for (int i = 0; i < 200; i++)
				CHECK(write(fds[1], rec, sizeof(rec)) == (ssize_t)sizeof(rec));
			_exit(0);
		}
	}
	CHECK(close(fds[1]) == 0);
	for (;;) {
		ssize_t n = 0, r;

		while (n < 4096 && (r = read(fds[0], buf + n, 4096 - n)) > 0)
			n += r;
		if (n == 0)
			break;
		CHECK(n == 4096);
		records++;
		for (int i = 1; i < 4096; i++)
			mixed |= buf[i] != buf[0];
	}
	for (int w = 0; w < 2; w++)
		CHECK(waitpid(pid[w], &status, 0) == pid[w] && status == 0);
	printf("two writers, 200 records of 4 KiB each: %d records read, none mixed: %s\n", records,
	       mixed ? "no" : "yes");
}

static void packets(void)
{
	int fds[2];

	CHECK(pipe2(fds, O_DIRECT | O_NONBLOCK) == 0);
	printf("O_DIRECT: F_GETFL %#x, of the write end %#x\n", fcntl(fds[0], F_GETFL), fcntl(fds[1], F_GETFL));
	CHECK(write(fds[1], "abc", 3) == 3 && write(fds[1], "defg", 4) == 4);
	show_ret("a read of 100", read(fds[0], buf, 100));
	show_ret("another", read(fds[0], buf, 100));
	CHECK(write(fds[1], "0123456789", 10) == 10);
	show_ret("a read of 4 of a packet of 10", read(fds[0], buf, 4));
	show_ret("  the rest is gone", read(fds[0], buf, 100));
	show_ret("a write of 5000", write(fds[1], buf, 5000));
	show_ret("  read", read(fds[0], buf, sizeof(buf)));
	show_ret("  read", read(fds[0], buf, sizeof(buf)));
	CHECK(write(fds[1], "ab", 2) == 2 && write(fds[1], "cd", 2) == 2);
	CHECK(fcntl(fds[0], F_SETFL, O_NONBLOCK) == 0);
	show_ret("the reader's flags do not matter: a read of 100", read(fds[0], buf, 100));
	CHECK(read(fds[0], buf, 100) == 2);
	CHECK(fcntl(fds[1], F_SETFL, O_NONBLOCK) == 0);
	CHECK(write(fds[1], "ab", 2) == 2 && write(fds[1], "cd", 2) == 2);
	show_ret("O_DIRECT cleared on the writer: a read of 100", read(fds[0], buf, 100));
	CHECK(fcntl(fds[1], F_SETFL, O_NONBLOCK | O_DIRECT) == 0);
	CHECK(write(fds[1], "ef", 2) == 2);
	CHECK(fcntl(fds[1], F_SETFL, O_NONBLOCK) == 0);
	CHECK(write(fds[1], "gh", 2) == 2);
	show_ret("a packet, then a stream write: not added to it", read(fds[0], buf, 100));
	show_ret("  then", read(fds[0], buf, 100));
	show_ret("pipe2 with O_DSYNC", pipe2(fds, O_DSYNC));
}

static void broken(void)
{
	int fds[2];

	CHECK(pipe(fds) == 0);
	CHECK(close(fds[0]) == 0);
	signal(SIGPIPE, SIG_IGN);
	show_ret("a write of 0 with no reader", write(fds[1], buf, 0));
	show_ret("a write of 1 with no reader", write(fds[1], buf, 1));
}

static const struct test_case cases[] = {
	CASE(sizes), CASE(capacity), CASE(atomic_writes), CASE(packets), CASE(broken),
};

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	return RUN_CASES(cases);
}
