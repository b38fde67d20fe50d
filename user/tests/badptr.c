/* System-call pointer validation: every pointer argument given NULL, a
 * kernel address, an unmapped page, a range that starts mapped and runs
 * into unmapped memory, and (where the kernel writes) a read-only page.
 * Each result prints as Linux gives it: never a kernel crash. */
#define _GNU_SOURCE
#include "check.h"
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <time.h>


/* musl names the 32-bit-time calls by what they are. */
#ifndef SYS_clock_gettime
#define SYS_clock_gettime SYS_clock_gettime32
#endif
#ifndef SYS_gettimeofday
#define SYS_gettimeofday SYS_gettimeofday_time32
#endif

enum { P_NULL, P_KERNEL, P_UNMAPPED, P_CROSSING, P_READONLY, P_KINDS };
static const char *const kind_name[P_KINDS] = { "NULL", "kernel", "unmapped", "crossing", "read-only" };
static char *ptr[P_KINDS];

/* Two pages: the first read-write (its last 8 bytes start the crossing
 * range), the second unmapped; and a read-only page of text. */
static void setup(void)
{
	char *p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(p != MAP_FAILED && munmap(p + PAGE, PAGE) == 0);
	CHECK(mprotect(p + 2 * PAGE, PAGE, PROT_READ) == 0);
	memset(p + PAGE - 8, 'x', 8);
	ptr[P_NULL] = NULL;
	ptr[P_KERNEL] = (char *)0xC0001000;
	ptr[P_UNMAPPED] = p + PAGE;
	ptr[P_CROSSING] = p + PAGE - 8;
	ptr[P_READONLY] = p + 2 * PAGE;
}

static void show(const char *call, int kind, long ret)
{
	if (ret < 0)
		printf("%s %s: errno %d\n", call, kind_name[kind], errno);
	else
		printf("%s %s: %ld\n", call, kind_name[kind], ret);
}

#define EACH_KIND(k) for (int k = 0; k < P_KINDS; k++)

/* The kernel reads the buffer: write, writev's vector and its buffers. */
static void write_buffer(void)
{
	int fds[2];

	setup();
	CHECK(pipe(fds) == 0);
	EACH_KIND(k)
		show("write", k, write(fds[1], ptr[k], 16));
	EACH_KIND(k) {
		struct iovec v[1] = { { ptr[k], 16 } };

		show("writev buffer", k, writev(fds[1], v, 1));
	}
	EACH_KIND(k)
		if (k != P_READONLY)
			show("writev vector", k, writev(fds[1], (struct iovec *)ptr[k], 1));
}

/* The kernel writes the buffer: read from a file and from a pipe. */
static void read_buffer(void)
{
	int fd = open("/etc/lines.txt", O_RDONLY), fds[2];

	setup();
	CHECK(fd >= 0 && pipe2(fds, O_NONBLOCK) == 0);
	EACH_KIND(k) {
		CHECK(lseek(fd, 0, SEEK_SET) == 0);
		show("read file", k, read(fd, ptr[k], 16));
	}
	EACH_KIND(k) {
		CHECK(write(fds[1], "0123456789abcdef", 16) == 16);
		show("read pipe", k, read(fds[0], ptr[k], 16));
		(void)!read(fds[0], ptr[P_CROSSING] - 64, 64);  /* what is left, if anything */
	}
	EACH_KIND(k) {
		struct iovec v[1] = { { ptr[k], 16 } };

		CHECK(lseek(fd, 0, SEEK_SET) == 0);
		show("readv buffer", k, readv(fd, v, 1));
	}
}

/* Paths the kernel reads: open, stat, execve, readlink. */
static void path_arguments(void)
{
	struct stat st;
	char buf[64];

	setup();
	EACH_KIND(k)
		if (k != P_READONLY)
			show("open path", k, open(ptr[k], O_RDONLY));
	EACH_KIND(k)
		if (k != P_READONLY)
			show("stat path", k, stat(ptr[k], &st));
	EACH_KIND(k)
		if (k != P_READONLY)
			show("readlink path", k, readlink(ptr[k], buf, sizeof(buf)));
	EACH_KIND(k)
		if (k != P_READONLY)
			show("execve path", k, syscall(SYS_execve, ptr[k], NULL, NULL));
}

/* Structures the kernel fills in. */
static void out_structures(void)
{
	int fd = open("/etc/lines.txt", O_RDONLY);

	setup();
	EACH_KIND(k)
		show("fstat", k, syscall(SYS_fstat64, fd, ptr[k]));
	EACH_KIND(k)
		show("stat buf", k, syscall(SYS_stat64, "/etc/lines.txt", ptr[k]));
	EACH_KIND(k)
		show("uname", k, syscall(SYS_uname, ptr[k]));
	EACH_KIND(k)
		show("sysinfo", k, syscall(SYS_sysinfo, ptr[k]));
	EACH_KIND(k)
		show("clock_gettime", k, syscall(SYS_clock_gettime, CLOCK_MONOTONIC, ptr[k]));
	EACH_KIND(k)
		show("gettimeofday", k, syscall(SYS_gettimeofday, ptr[k], NULL));
	EACH_KIND(k)
		show("pipe", k, syscall(SYS_pipe, ptr[k]));
	EACH_KIND(k)
		show("readlink buf", k, readlink("/proc/self/exe", ptr[k], 16));
	EACH_KIND(k)
		show("getrandom", k, syscall(SYS_getrandom, ptr[k], 16, 0));
}

/* Structures the kernel reads. */
static void in_structures(void)
{
	setup();
	EACH_KIND(k)
		if (k != P_READONLY)
			show("nanosleep", k, syscall(SYS_nanosleep, ptr[k], NULL));
	EACH_KIND(k)
		if (k != P_READONLY)
			show("set_thread_area", k, syscall(SYS_set_thread_area, ptr[k]));
}

/* Memory calls' out-pointers: mincore's vector, wait4's status. */
static void memory_and_wait(void)
{
	char *p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	setup();
	CHECK(p != MAP_FAILED);
	EACH_KIND(k)
		show("mincore vector", k, mincore(p, 4 * PAGE, (unsigned char *)ptr[k]));
	EACH_KIND(k) {
		pid_t pid = fork();

		CHECK(pid >= 0);
		if (pid == 0)
			_exit(3);
		show("wait4 status", k, syscall(SYS_wait4, pid, ptr[k], 0, NULL) == pid ? 0 : -1);
		while (waitpid(pid, NULL, 0) == pid)
			;
	}
}

static const struct test_case cases[] = {
	CASE(write_buffer), CASE(read_buffer), CASE(path_arguments), CASE(out_structures),
	CASE(in_structures), CASE(memory_and_wait),
};

int main(int argc, char **argv)
{
	return RUN_CASES(cases);
}
