/* mprotect: whole regions, parts of one, several at once, PROT_NONE, the
 * errors, and a protection changed on one side of a fork. */
#include "check.h"
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>


static char *map_rw(size_t len)
{
	return mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

static volatile char *probe;
static void read_probe(void) { (void)*probe; }
static void write_probe(void) { *probe = 1; }
static int read_signal(void *p) { probe = p; return signal_of(read_probe); }
static int write_signal(void *p) { probe = p; return signal_of(write_probe); }

static void read_only_region(void)
{
	char *p = map_rw(2 * PAGE);

	CHECK(p != MAP_FAILED);
	p[0] = 4;
	CHECK(mprotect(p, 2 * PAGE, PROT_READ) == 0);
	CHECK(p[0] == 4 && p[PAGE] == 0);
	printf("write to a read-only page: signal %d, its second page: signal %d\n",
	       write_signal(p), write_signal(p + PAGE));
	CHECK(mprotect(p, 2 * PAGE, PROT_READ | PROT_WRITE) == 0);
	p[PAGE] = 5;
	CHECK(p[0] == 4 && p[PAGE] == 5);
}

/* Protecting the middle pages cuts the region in three. */
static void part_of_a_region(void)
{
	char *p = map_rw(4 * PAGE);

	CHECK(p != MAP_FAILED);
	memset(p, 6, 4 * PAGE);
	CHECK(mprotect(p + PAGE, 2 * PAGE, PROT_READ) == 0);
	printf("writes to pages 0-3: signals %d %d %d %d\n", write_signal(p), write_signal(p + PAGE),
	       write_signal(p + 2 * PAGE), write_signal(p + 3 * PAGE));
	CHECK(p[PAGE] == 6 && p[3 * PAGE - 1] == 6);
	p[0] = p[3 * PAGE] = 7;
	/* and back: the pieces merge again, contents kept */
	CHECK(mprotect(p + PAGE, 2 * PAGE, PROT_READ | PROT_WRITE) == 0);
	p[PAGE] = 8;
	CHECK(p[0] == 7 && p[PAGE] == 8 && p[2 * PAGE] == 6 && p[3 * PAGE] == 7);
}

/* One call across two regions of different kinds. */
static void across_regions(void)
{
	char *p = map_rw(4 * PAGE);

	CHECK(p != MAP_FAILED);
	CHECK(mmap(p + 2 * PAGE, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED,
		   -1, 0) == p + 2 * PAGE);
	p[PAGE] = p[2 * PAGE] = 1;
	CHECK(mprotect(p + PAGE, 2 * PAGE, PROT_READ) == 0);
	printf("writes to pages 0-3: signals %d %d %d %d\n", write_signal(p), write_signal(p + PAGE),
	       write_signal(p + 2 * PAGE), write_signal(p + 3 * PAGE));
	CHECK(p[PAGE] == 1 && p[2 * PAGE] == 1);
}

/* PROT_NONE: no access at all; the contents come back with access. */
static void prot_none(void)
{
	char *p = map_rw(PAGE);

	CHECK(p != MAP_FAILED);
	strcpy(p, "kept");
	CHECK(mprotect(p, PAGE, PROT_NONE) == 0);
	printf("read and write of PROT_NONE: signals %d %d\n", read_signal(p), write_signal(p));
	CHECK(mprotect(p, PAGE, PROT_READ) == 0);
	CHECK(strcmp(p, "kept") == 0);
}

/* A PROT_NONE mapping never touched is still no access. */
static void prot_none_fresh(void)
{
	char *p = mmap(NULL, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(p != MAP_FAILED);
	printf("read and write of fresh PROT_NONE: signals %d %d\n", read_signal(p), write_signal(p));
	CHECK(mprotect(p, PAGE, PROT_READ | PROT_WRITE) == 0);
	CHECK(p[0] == 0);
}

static void errors(void)
{
	char *p = map_rw(2 * PAGE);

	CHECK(p != MAP_FAILED);
	CHECK_ERR(syscall(SYS_mprotect, p + 1, PAGE, PROT_READ), EINVAL);     /* musl's wrapper rounds */
	CHECK_ERR(mprotect(p, PAGE, 0x100), EINVAL);
	CHECK(munmap(p + PAGE, PAGE) == 0);
	CHECK_ERR(mprotect(p + PAGE, PAGE, PROT_READ), ENOMEM);
	CHECK_ERR(mprotect(p, 2 * PAGE, PROT_READ), ENOMEM);    /* runs into the hole */
	CHECK_ERR(mprotect((void *)0xC0000000, PAGE, PROT_READ), ENOMEM);
	CHECK(mprotect(p, 0, PROT_READ) == 0);                   /* nothing to do */
	printf("first page after the failed calls: %s\n", write_signal(p) ? "read-only" : "writable");
}

/* Read-only at fork; the child alone makes it writable and writes. */
static void fork_then_mprotect_one_side(void)
{
	char *p = map_rw(2 * PAGE);
	int status;
	pid_t pid;

	CHECK(p != MAP_FAILED);
	memset(p, 1, 2 * PAGE);
	CHECK(mprotect(p, 2 * PAGE, PROT_READ) == 0);
	fflush(stdout);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		CHECK(mprotect(p, PAGE, PROT_READ | PROT_WRITE) == 0);
		p[0] = 2;
		_exit(p[0] == 2 && p[PAGE] == 1 ? 0 : 1);
	}
	CHECK(waitpid(pid, &status, 0) == pid && status == 0);
	CHECK(p[0] == 1 && p[PAGE] == 1);
	printf("parent's page after the child wrote: still read-only: %s\n", write_signal(p) ? "yes" : "no");
}

static const struct test_case cases[] = {
	CASE(read_only_region), CASE(part_of_a_region), CASE(across_regions), CASE(prot_none),
	CASE(prot_none_fresh), CASE(errors), CASE(fork_then_mprotect_one_side),
};

int main(int argc, char **argv)
{
	return RUN_CASES(cases);
}
