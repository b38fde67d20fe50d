/* Exhaustion: address space and memory run out, the kernel refuses or
 * kills only the process that asked, and everything works again after. */
#include "check.h"
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#define MIB (1u << 20)

/* Map and touch 64 MiB: works whenever memory is not exhausted. */
static int touch_64mib(void)
{
	char *p = mmap(NULL, 64 * MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return -1;
	for (size_t i = 0; i < 64 * MIB; i += 4096)
		p[i] = 1;
	return munmap(p, 64 * MIB);
}

/* Touch 1 MiB after 1 MiB until the kernel gives up on this process. */
static void eat_memory(void)
{
	for (;;) {
		char *p = mmap(NULL, MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			_exit(2);
		for (size_t i = 0; i < MIB; i += 4096)
			p[i] = 1;
	}
}

static void out_of_memory_kills_only_the_eater(void)
{
	printf("the process that ate all memory: signal %d\n", signal_of(eat_memory));
	printf("then 64 MiB touched: %s\n", touch_64mib() == 0 ? "ok" : "failed");
	printf("and again: %s\n", touch_64mib() == 0 ? "ok" : "failed");
}

/* Untouched mappings of 64 MiB until the address space is full. */
static void address_space_runs_out(void)
{
	static void *maps[64];
	int n = 0;

	while (n < 64) {
		maps[n] = mmap(NULL, 64 * MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (maps[n] == MAP_FAILED)
			break;
		n++;
	}
	printf("refused with errno %d after more than 30 mappings (2 GiB): %s\n", errno, n > 30 ? "yes" : "no");
	while (n > 0)
		CHECK(munmap(maps[--n], 64 * MIB) == 0);
	printf("after unmapping them all, 64 MiB touched: %s\n", touch_64mib() == 0 ? "ok" : "failed");
}

/* The break grows in 64 MiB steps until it runs into something. */
static void break_runs_out(void)
{
	uintptr_t start = (uintptr_t)syscall(SYS_brk, 0), cur = start, next;
	int steps = 0;

	for (;;) {
		next = (uintptr_t)syscall(SYS_brk, cur + 64 * MIB);
		if (next != cur + 64 * MIB)
			break;
		cur = next;
		steps++;
	}
	printf("brk refused after more than 20 steps: %s; the break unchanged: %s\n",
	       steps > 20 ? "yes" : "no", next == cur ? "yes" : "no");
	CHECK((uintptr_t)syscall(SYS_brk, start) == start);
	printf("shrunk back, then 64 MiB touched: %s\n", touch_64mib() == 0 ? "ok" : "failed");
}

static const struct test_case cases[] = {
	CASE(out_of_memory_kills_only_the_eater), CASE(address_space_runs_out), CASE(break_runs_out),
};

int main(int argc, char **argv)
{
	return RUN_CASES(cases);
}
