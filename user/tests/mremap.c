/* mremap (grow in place, shrink, move), madvise (MADV_DONTNEED and what
 * fork does with a region) and mincore. */
#define _GNU_SOURCE
#include "check.h"
#include <stdint.h>
#include <sys/mman.h>


static char *map_rw(void *at, size_t len, int flags)
{
	return mmap(at, len, PROT_READ | PROT_WRITE, flags | MAP_ANONYMOUS, -1, 0);
}

static volatile char *probe;
static void read_probe(void) { (void)*probe; }
static int read_signal(void *p) { probe = p; return signal_of(read_probe); }

/* A region with room above it: four pages reserved, the top two unmapped. */
static char *with_room(void)
{
	char *p = map_rw(NULL, 4 * PAGE, MAP_PRIVATE);

	CHECK(p != MAP_FAILED && munmap(p + 2 * PAGE, 2 * PAGE) == 0);
	memset(p, 0x11, 2 * PAGE);
	return p;
}

static void grow_in_place(void)
{
	char *p = with_room();

	CHECK(mremap(p, 2 * PAGE, 4 * PAGE, 0) == p);
	CHECK(p[0] == 0x11 && p[2 * PAGE - 1] == 0x11 && p[2 * PAGE] == 0 && p[4 * PAGE - 1] == 0);
	p[4 * PAGE - 1] = 1;
}

static void shrink(void)
{
	char *p = with_room();

	CHECK(mremap(p, 2 * PAGE, PAGE, 0) == p);
	CHECK(p[0] == 0x11);
	printf("read of the page shrunk away: signal %d\n", read_signal(p + PAGE));
}

/* Without MREMAP_MAYMOVE a region that cannot grow where it is fails. */
static void blocked_without_maymove(void)
{
	char *p = map_rw(NULL, 3 * PAGE, MAP_PRIVATE);

	CHECK(p != MAP_FAILED && munmap(p + PAGE, PAGE) == 0);
	p[0] = 1;
	CHECK_ERR(mremap(p, PAGE, 3 * PAGE, 0), ENOMEM);
	CHECK(p[0] == 1);
}

/* With it, the region moves: contents intact, the old place unmapped. */
static void move(void)
{
	char *p = map_rw(NULL, 3 * PAGE, MAP_PRIVATE), *q;

	CHECK(p != MAP_FAILED && munmap(p + 2 * PAGE, PAGE) == 0);
	CHECK(map_rw(p + 2 * PAGE, PAGE, MAP_PRIVATE | MAP_FIXED) == p + 2 * PAGE);     /* a separate region */
	for (unsigned i = 0; i < 2 * PAGE; i++)
		p[i] = (char)(i % 251);
	q = mremap(p, 2 * PAGE, 8 * PAGE, MREMAP_MAYMOVE);
	CHECK(q != MAP_FAILED && q != p);
	for (unsigned i = 0; i < 2 * PAGE; i++)
		CHECK(q[i] == (char)(i % 251));
	CHECK(q[8 * PAGE - 1] == 0);
	printf("read of the old place: signal %d\n", read_signal(p));
	p[2 * PAGE] = 1;        /* the neighbour stays */
}

/* A shared mapping that moves is still shared with the child it had. */
static void move_shared(void)
{
	volatile int *p = (int *)map_rw(NULL, PAGE, MAP_SHARED), *q;
	int fds[2], status;
	char c;
	pid_t pid;

	CHECK(p != MAP_FAILED && pipe(fds) == 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		CHECK(read(fds[0], &c, 1) == 1);        /* until the parent has moved it */
		_exit(p[0] == 77 ? 0 : 1);
	}
	q = mremap((void *)p, PAGE, 4 * PAGE, MREMAP_MAYMOVE);
	CHECK(q != MAP_FAILED);
	q[0] = 77;
	CHECK(write(fds[1], "x", 1) == 1);
	CHECK(waitpid(pid, &status, 0) == pid);
	printf("child saw the write through the moved mapping: %s\n", status == 0 ? "yes" : "no");
}

static void mremap_errors(void)
{
	char *p = map_rw(NULL, 2 * PAGE, MAP_PRIVATE);

	CHECK(p != MAP_FAILED);
	CHECK_ERR(mremap(p + 1, PAGE, 2 * PAGE, 0), EINVAL);
	CHECK_ERR(mremap(p, PAGE, 0, 0), EINVAL);
	CHECK_ERR(mremap(p, PAGE, 2 * PAGE, 8), EINVAL);
	CHECK(munmap(p, 2 * PAGE) == 0);
	CHECK_ERR(mremap(p, PAGE, 2 * PAGE, MREMAP_MAYMOVE), EFAULT);
}

/* MADV_DONTNEED drops private anonymous pages: they read as zero. */
static void dontneed_zeroes(void)
{
	char *p = map_rw(NULL, 4 * PAGE, MAP_PRIVATE);

	CHECK(p != MAP_FAILED);
	memset(p, 0x33, 4 * PAGE);
	CHECK(madvise(p + PAGE, 2 * PAGE, MADV_DONTNEED) == 0);
	CHECK(p[0] == 0x33 && p[PAGE] == 0 && p[3 * PAGE - 1] == 0 && p[3 * PAGE] == 0x33);
	p[PAGE] = 1;
	CHECK(p[PAGE] == 1);
}

/* Shared memory keeps its contents: only this mapping of it is dropped. */
static void dontneed_shared_keeps(void)
{
	char *p = map_rw(NULL, PAGE, MAP_SHARED);

	CHECK(p != MAP_FAILED);
	strcpy(p, "shared");
	CHECK(madvise(p, PAGE, MADV_DONTNEED) == 0);
	CHECK(strcmp(p, "shared") == 0);
}

static void madvise_errors(void)
{
	char *p = map_rw(NULL, 2 * PAGE, MAP_PRIVATE);

	CHECK(p != MAP_FAILED);
	CHECK_ERR(madvise(p + 1, PAGE, MADV_DONTNEED), EINVAL);
	CHECK_ERR(madvise(p, PAGE, 12345), EINVAL);
	CHECK(madvise(p, PAGE, MADV_NORMAL) == 0);
	CHECK(madvise(p, PAGE, MADV_WILLNEED) == 0);
	CHECK(munmap(p + PAGE, PAGE) == 0);
	p[0] = 1;
	CHECK_ERR(madvise(p, 2 * PAGE, MADV_DONTNEED), ENOMEM);
	printf("the mapped page before the hole after DONTNEED: %d\n", p[0]);
}

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif

static void fixed_and_dontunmap(void)
{
	char *a = map_rw(NULL, 2 * PAGE, MAP_PRIVATE), *b = map_rw(NULL, 3 * PAGE, MAP_PRIVATE), *r;
	char *s = map_rw(NULL, PAGE, MAP_SHARED);
	unsigned char vec[3];

	CHECK(a != MAP_FAILED && b != MAP_FAILED && s != MAP_FAILED);
	strcpy(a, "moved");
	strcpy(s, "shared");
	CHECK_ERR(mremap(a, PAGE, PAGE, MREMAP_FIXED, b), EINVAL);
	CHECK_ERR(mremap(a, PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, b), EINVAL);
	CHECK_ERR(mremap(a, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, a + PAGE / 2), EINVAL);
	CHECK_ERR(mremap(a, 2 * PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, a + PAGE), EINVAL);
	CHECK_ERR(mremap(a, PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, (void *)0xbffff000u), EINVAL);
	/* No region at the old address is EFAULT before anything; one that
	 * runs past its region is EFAULT after the target is unmapped. */
	CHECK(munmap(a + PAGE, PAGE) == 0);
	CHECK_ERR(mremap(a + PAGE, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, b + 2 * PAGE), EFAULT);
	report("the target after a move from nothing: mincore", mincore(b + 2 * PAGE, PAGE, vec));
	CHECK_ERR(mremap(a, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, b + PAGE), EFAULT);
	report("the target after a move of too much: mincore", mincore(b + PAGE, PAGE, vec));
	r = mremap(a, PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, b);
	CHECK(r == b);
	printf("moved over b, grown: \"%s\", the new page reads %d, the old address: signal %d\n", b,
	       b[PAGE], read_signal(a));
	r = mremap(b, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0);
	CHECK(r != MAP_FAILED && r != b);
	printf("DONTUNMAP: the new place holds \"%s\", the old one reads %d\n", r, b[0]);
	r = mremap(s, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0);
	CHECK(r != MAP_FAILED);
	printf("DONTUNMAP of shared memory: new \"%s\", old \"%s\"\n", r, s);
}

#ifndef MADV_WIPEONFORK
#define MADV_WIPEONFORK 18
#define MADV_KEEPONFORK 19
#endif

static char *fork_probe_at;

/* In a child: what the page at fork_probe_at holds, or the signal. */
static void fork_probe(void)
{
	printf("  child reads %d\n", *fork_probe_at);
	fflush(stdout);
}

static void child_sees(const char *what, char *p)
{
	int sig;

	printf("%s:\n", what);
	fork_probe_at = p;
	sig = signal_of(fork_probe);
	if (sig)
		printf("  child killed by signal %d\n", sig);
}

/* MADV_DONTFORK: the child has no such region; WIPEONFORK: the child reads
 * zeros (private anonymous memory only); DOFORK and KEEPONFORK undo them;
 * mremap keeps the advice; the parent keeps its data either way. */
static void fork_advice(void)
{
	char *p = map_rw(NULL, 5 * PAGE, MAP_PRIVATE), *shared = map_rw(NULL, PAGE, MAP_SHARED), *moved;

	CHECK(p != MAP_FAILED && shared != MAP_FAILED && munmap(p + 4 * PAGE, PAGE) == 0);
	memset(p, 7, 4 * PAGE);
	CHECK(madvise(p + PAGE, PAGE, MADV_DONTFORK) == 0);
	CHECK(madvise(p + 2 * PAGE, PAGE, MADV_WIPEONFORK) == 0);
	child_sees("page 0, plain", p);
	child_sees("page 1, DONTFORK", p + PAGE);
	child_sees("page 2, WIPEONFORK", p + 2 * PAGE);
	printf("the parent still reads %d %d %d; writes page 2: ", p[PAGE], p[2 * PAGE], p[3 * PAGE]);
	p[2 * PAGE] = 9;
	printf("%d\n", p[2 * PAGE]);
	CHECK_ERR(madvise(shared, PAGE, MADV_WIPEONFORK), EINVAL);
	CHECK_ERR(madvise(p, 5 * PAGE, MADV_DONTFORK), ENOMEM);
	child_sees("page 3, after DONTFORK over a hole", p + 3 * PAGE);
	CHECK(madvise(p, 4 * PAGE, MADV_DOFORK) == 0 && madvise(p + 2 * PAGE, PAGE, MADV_KEEPONFORK) == 0);
	child_sees("page 1 after DOFORK", p + PAGE);
	child_sees("page 2 after KEEPONFORK", p + 2 * PAGE);
	CHECK(madvise(p + 3 * PAGE, PAGE, MADV_WIPEONFORK) == 0);
	moved = map_rw(NULL, PAGE, MAP_PRIVATE);        /* a place to move it to */
	CHECK(moved != MAP_FAILED);
	moved = mremap(p + 3 * PAGE, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, moved);
	CHECK(moved != MAP_FAILED);
	child_sees("a WIPEONFORK page moved by mremap", moved);
}

static void print_vec(const char *what, const unsigned char *vec, int n)
{
	printf("%s:", what);
	for (int i = 0; i < n; i++)
		printf(" %d", vec[i] & 1);
	printf("\n");
}

/* mincore: a page is resident once written, and not after DONTNEED. */
static void mincore_residency(void)
{
	char *p = map_rw(NULL, 6 * PAGE, MAP_PRIVATE);
	unsigned char vec[6];

	CHECK(p != MAP_FAILED && mincore(p, 6 * PAGE, vec) == 0);
	print_vec("fresh", vec, 6);
	p[0] = p[2 * PAGE] = p[5 * PAGE + 100] = 1;
	CHECK(mincore(p, 6 * PAGE, vec) == 0);
	print_vec("after writing pages 0, 2 and 5", vec, 6);
	CHECK(madvise(p, 3 * PAGE, MADV_DONTNEED) == 0);
	CHECK(mincore(p, 6 * PAGE - 1, vec) == 0);     /* a partial last page counts */
	print_vec("after dropping pages 0-2", vec, 6);
}

static void mincore_errors(void)
{
	char *p = map_rw(NULL, 2 * PAGE, MAP_PRIVATE);
	unsigned char vec[2];

	CHECK(p != MAP_FAILED);
	CHECK_ERR(mincore(p + 1, PAGE, vec), EINVAL);
	CHECK_ERR(mincore(p, PAGE, NULL), EFAULT);
	CHECK(munmap(p + PAGE, PAGE) == 0);
	CHECK_ERR(mincore(p, 2 * PAGE, vec), ENOMEM);
	CHECK_ERR(mincore((void *)0xC0000000, PAGE, vec), ENOMEM);
}

static const struct test_case cases[] = {
	CASE(grow_in_place), CASE(shrink), CASE(blocked_without_maymove), CASE(move), CASE(move_shared),
	CASE(mremap_errors), CASE(dontneed_zeroes), CASE(dontneed_shared_keeps), CASE(madvise_errors),
	CASE(mincore_residency), CASE(mincore_errors), CASE(fork_advice), CASE(fixed_and_dontunmap),
};

int main(int argc, char **argv)
{
	return RUN_CASES(cases);
}
