/* mmap and munmap: anonymous private and shared memory, MAP_FIXED,
 * MAP_FIXED_NOREPLACE, hints, files of the initramfs, and the errors. */
#include "check.h"
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

static char *map(void *at, size_t len, int prot, int flags)
{
	return mmap(at, len, prot, flags | MAP_ANONYMOUS, -1, 0);
}

static char *map_rw(size_t len) { return map(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE); }

static volatile char *probe;
static void read_probe(void) { (void)*probe; }

/* The signal a read of p raises in a child (0: none). */
static int read_signal(void *p) { probe = p; return signal_of(read_probe); }

static void anon_private_zero_and_writable(void)
{
	char *p = map_rw(5 * PAGE);

	CHECK(p != MAP_FAILED && ((uintptr_t)p & (PAGE - 1)) == 0);
	for (unsigned i = 0; i < 5 * PAGE; i++)
		CHECK(p[i] == 0);
	for (unsigned i = 0; i < 5 * PAGE; i++)
		p[i] = (char)(i * 7);
	for (unsigned i = 0; i < 5 * PAGE; i++)
		CHECK(p[i] == (char)(i * 7));
}

/* A shared mapping is one memory for parent and child, both ways. */
static void anon_shared_across_fork(void)
{
	volatile int *p = (int *)map(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED);
	int status;
	pid_t pid;

	CHECK(p != MAP_FAILED);
	p[0] = 1;
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		p[1] = p[0] + 41;
		p[1024] = 7;            /* the second page, first touched here */
		_exit(0);
	}
	CHECK(waitpid(pid, &status, 0) == pid && status == 0);
	CHECK(p[1] == 42 && p[1024] == 7);
}

/* A private mapping written before fork stays the parent's. */
static void anon_private_across_fork(void)
{
	volatile int *p = (int *)map_rw(PAGE);
	int status;
	pid_t pid;

	CHECK(p != MAP_FAILED);
	p[0] = 1;
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		p[0] = 2;
		_exit(p[0] == 2 ? 0 : 1);
	}
	CHECK(waitpid(pid, &status, 0) == pid && status == 0);
	CHECK(p[0] == 1);
}

/* MAP_FIXED replaces the pages it covers, and only those. */
static void fixed_replaces_middle(void)
{
	char *p = map_rw(4 * PAGE), *q;

	CHECK(p != MAP_FAILED);
	memset(p, 1, 4 * PAGE);
	q = map(p + PAGE, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED);
	CHECK(q == p + PAGE);
	CHECK(p[0] == 1 && p[PAGE - 1] == 1 && p[PAGE] == 0 && p[3 * PAGE - 1] == 0 && p[3 * PAGE] == 1);
}

/* MAP_FIXED_NOREPLACE: EEXIST over anything mapped; the exact address
 * where all is free. */
static void fixed_noreplace(void)
{
	char *p = map_rw(4 * PAGE);

	CHECK(p != MAP_FAILED);
	p[PAGE] = 9;
	CHECK_ERR(map(p + PAGE, PAGE, PROT_READ, MAP_PRIVATE | MAP_FIXED_NOREPLACE), EEXIST);
	CHECK_ERR(map(p + 3 * PAGE, 2 * PAGE, PROT_READ, MAP_PRIVATE | MAP_FIXED_NOREPLACE), EEXIST);
	CHECK(p[PAGE] == 9);
	CHECK(munmap(p + 2 * PAGE, 2 * PAGE) == 0);
	CHECK(map(p + 2 * PAGE, 2 * PAGE, PROT_READ, MAP_PRIVATE | MAP_FIXED_NOREPLACE) == p + 2 * PAGE);
}

/* A hint is taken when the range is free, and only then. */
static void hint_honoured_when_free(void)
{
	char *p = map_rw(3 * PAGE), *q;

	CHECK(p != MAP_FAILED && munmap(p, 3 * PAGE) == 0);
	q = map(p + PAGE, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	CHECK(q == p + PAGE);
	p[PAGE] = 5;
	q = map(p + PAGE, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	CHECK(q != MAP_FAILED && q != p + PAGE);
	CHECK(p[PAGE] == 5 && q[0] == 0);
}

/* munmap of the middle of a region leaves two, contents intact. */
static void munmap_middle_splits(void)
{
	char *p = map_rw(3 * PAGE);

	CHECK(p != MAP_FAILED);
	memset(p, 3, 3 * PAGE);
	CHECK(munmap(p + PAGE, PAGE) == 0);
	CHECK(p[0] == 3 && p[PAGE - 1] == 3 && p[2 * PAGE] == 3 && p[3 * PAGE - 1] == 3);
	printf("read of the hole: signal %d\n", read_signal(p + PAGE));
	printf("read below and above it: signals %d %d\n", read_signal(p + PAGE - 1), read_signal(p + 2 * PAGE));
}

/* One munmap across several regions of different protections. */
static void munmap_several_regions(void)
{
	char *p = map_rw(6 * PAGE);

	CHECK(p != MAP_FAILED);
	CHECK(map(p + PAGE, PAGE, PROT_READ, MAP_PRIVATE | MAP_FIXED) == p + PAGE);
	CHECK(map(p + 3 * PAGE, PAGE, PROT_NONE, MAP_PRIVATE | MAP_FIXED) == p + 3 * PAGE);
	CHECK(map(p + 4 * PAGE, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED) == p + 4 * PAGE);
	p[0] = p[4 * PAGE] = p[5 * PAGE] = 1;
	CHECK(munmap(p + PAGE, 4 * PAGE) == 0);
	for (int i = 1; i < 5; i++)
		CHECK(read_signal(p + i * PAGE) == SIGSEGV);
	CHECK(p[0] == 1 && p[5 * PAGE] == 1);
}

/* Unmapping what is not mapped is no error. */
static void munmap_unmapped_range(void)
{
	char *p = map_rw(4 * PAGE);

	CHECK(p != MAP_FAILED && munmap(p, 4 * PAGE) == 0);
	CHECK(munmap(p, 4 * PAGE) == 0);
	CHECK(munmap(p + PAGE, PAGE) == 0);
}

static void munmap_errors(void)
{
	char *p = map_rw(2 * PAGE);

	CHECK(p != MAP_FAILED);
	CHECK_ERR(munmap(p + 1, PAGE), EINVAL);
	CHECK_ERR(munmap(p, 0), EINVAL);
	CHECK_ERR(munmap((void *)0xC0000000, PAGE), EINVAL);
	CHECK_ERR(munmap((void *)0xBFFFF000, 2 * PAGE), EINVAL);
	CHECK(p[0] == 0);
}

static void mmap_errors(void)
{
	CHECK_ERR(map(NULL, 0, PROT_READ, MAP_PRIVATE), EINVAL);
	CHECK_ERR(map(NULL, PAGE, PROT_READ, 0), EINVAL);
	CHECK_ERR(map((void *)0x40000800, PAGE, PROT_READ, MAP_PRIVATE | MAP_FIXED), EINVAL);
	CHECK_ERR(map(NULL, 0xFFFFF000u, PROT_READ, MAP_PRIVATE), ENOMEM);
	CHECK_ERR(map(NULL, 0xC0000000u, PROT_READ, MAP_PRIVATE), ENOMEM);
	CHECK_ERR(map((void *)0xBFF00000, 0x200000, PROT_READ, MAP_PRIVATE | MAP_FIXED), ENOMEM);
	CHECK_ERR(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, 99, 0), EBADF);
}

/* A private mapping of an initramfs file reads as the file does; the
 * tail of its last page is zero. */
static void file_contents(void)
{
	int fd = open("/bin/hello", O_RDONLY);
	static char buf[3 * PAGE];
	struct stat st;
	char *p;

	CHECK(fd >= 0 && fstat(fd, &st) == 0 && st.st_size > 3 * (off_t)PAGE);
	CHECK(read(fd, buf, sizeof(buf)) == sizeof(buf));
	p = mmap(NULL, 2 * PAGE, PROT_READ, MAP_PRIVATE, fd, PAGE);
	CHECK(p != MAP_FAILED);
	CHECK(memcmp(p, buf + PAGE, 2 * PAGE) == 0);
	CHECK(munmap(p, 2 * PAGE) == 0);
	p = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, st.st_size & ~(off_t)(PAGE - 1));
	CHECK(p != MAP_FAILED);
	close(fd);                              /* the mapping outlives the descriptor */
	for (unsigned i = st.st_size % PAGE; i < PAGE; i++)
		CHECK(p[i] == 0);
}

/* A writable private file mapping: the writes are the process's own. */
static void file_private_write(void)
{
	int fd = open("/bin/hello", O_RDONLY);
	char *p, *q;

	CHECK(fd >= 0);
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	q = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED && q != MAP_FAILED);
	CHECK(memcmp(p, "\177ELF", 4) == 0);
	p[0] = 'X';
	CHECK(p[0] == 'X' && q[0] == '\177');
}

/* Pages wholly past the end of the file raise SIGBUS. */
static void file_past_end_sigbus(void)
{
	int fd = open("/bin/hello", O_RDONLY);
	struct stat st;
	char *p;

	CHECK(fd >= 0 && fstat(fd, &st) == 0);
	p = mmap(NULL, 8 * PAGE + st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED);
	printf("read past the end of the file: signal %d\n", read_signal(p + ((st.st_size + PAGE) & ~(PAGE - 1)) + PAGE));
}

static void file_errors(void)
{
	int fd = open("/bin/hello", O_RDONLY), fds[2];

	CHECK(fd >= 0 && pipe(fds) == 0);
	CHECK_ERR(mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), EACCES);
	CHECK_ERR(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 100), EINVAL);
	CHECK_ERR(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fds[0], 0), ENODEV);
	CHECK_ERR(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fds[1], 0), EACCES);
	close(fd);
	CHECK_ERR(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 0), EBADF);
}

static const struct test_case cases[] = {
	CASE(anon_private_zero_and_writable), CASE(anon_shared_across_fork),
	CASE(anon_private_across_fork), CASE(fixed_replaces_middle), CASE(fixed_noreplace),
	CASE(hint_honoured_when_free), CASE(munmap_middle_splits), CASE(munmap_several_regions),
	CASE(munmap_unmapped_range), CASE(munmap_errors), CASE(mmap_errors), CASE(file_contents),
	CASE(file_private_write), CASE(file_past_end_sigbus), CASE(file_errors),
};

int main(int argc, char **argv)
{
	return RUN_CASES(cases);
}
