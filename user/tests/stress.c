/* Churn: four workers at once, each doing 75 rounds of fork/exec/exit/wait
 * mixed with mmap, munmap, mprotect and mremap of its own memory, checking
 * its data as it goes. On Pagoda the test runner then checks that free
 * memory came back exactly (init's MemFree line). */
#define _GNU_SOURCE
#include "check.h"
#include <stdint.h>
#include <sys/mman.h>

#define WORKERS 4
#define ROUNDS  75

extern char **environ;

static uint32_t next_rand(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

/* One region of the worker's churn: its pages hold a known pattern. */
struct block {
	uint32_t *p;
	size_t pages;
	uint32_t tag;
};

static void fill(struct block *b)
{
	for (size_t i = 0; i < b->pages; i++)
		b->p[i * PAGE / 4] = b->tag + (uint32_t)i;
}

static void verify(const struct block *b)
{
	for (size_t i = 0; i < b->pages; i++)
		CHECK(b->p[i * PAGE / 4] == b->tag + (uint32_t)i);
}

static void churn(struct block *b, uint32_t *seed)
{
	size_t pages = 1 + next_rand(seed) % 16;
	void *q;

	if (b->p) {
		verify(b);
		switch (next_rand(seed) % 3) {
		case 0:         /* read-only and back */
			CHECK(mprotect(b->p, b->pages * PAGE, PROT_READ) == 0);
			verify(b);
			CHECK(mprotect(b->p, b->pages * PAGE, PROT_READ | PROT_WRITE) == 0);
			break;
		case 1:         /* grow, maybe moving */
			q = mremap(b->p, b->pages * PAGE, (b->pages + pages) * PAGE, MREMAP_MAYMOVE);
			CHECK(q != MAP_FAILED);
			b->p = q;
			b->pages += pages;
			fill(b);
			break;
		default:        /* away */
			CHECK(munmap(b->p, b->pages * PAGE) == 0);
			b->p = NULL;
			return;
		}
		return;
	}
	b->p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(b->p != MAP_FAILED);
	b->pages = pages;
	b->tag = next_rand(seed);
	fill(b);
}

static int worker(int id, const char *self)
{
	struct block blocks[8] = { { 0 } };
	uint32_t seed = (uint32_t)id * 7919u + 1;

	for (int round = 0; round < ROUNDS; round++) {
		char *args[] = { (char *)self, "child", NULL };
		int status;
		pid_t pid;

		churn(&blocks[next_rand(&seed) % 8], &seed);
		pid = fork();
		CHECK(pid >= 0);
		if (pid == 0) {
			for (int i = 0; i < 8; i++)     /* the child sees the parent's data, and changes it */
				if (blocks[i].p) {
					verify(&blocks[i]);
					blocks[i].p[0] = ~0u;
				}
			execve(self, args, environ);
			_exit(99);
		}
		CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 7);
	}
	for (int i = 0; i < 8; i++)
		if (blocks[i].p)
			verify(&blocks[i]);
	return 0;
}

int main(int argc, char **argv)
{
	pid_t pids[WORKERS];
	int status, failed = 0;

	if (argc > 1 && strcmp(argv[1], "child") == 0)
		return 7;
	fflush(stdout);
	for (int i = 0; i < WORKERS; i++) {
		pids[i] = fork();
		CHECK(pids[i] >= 0);
		if (pids[i] == 0)
			_exit(worker(i, argv[0]));
	}
	for (int i = 0; i < WORKERS; i++) {
		CHECK(waitpid(pids[i], &status, 0) == pids[i]);
		failed += !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	printf("%d workers, %d rounds of fork/exec/exit with mmap churn each: %d failed\n",
	       WORKERS, ROUNDS, failed);
	return failed != 0;
}
