/* fork gives the child a copy: what the child writes to globals, the heap
 * and the stack, the parent never sees; the child sees the parent's values
 * as they were at fork. */
#include "check.h"
#include <sys/wait.h>
#include <unistd.h>

#define PAGES 64
static int global = 42;
static char big[PAGES * 4096];

int main(void)
{
	int local = 7, status;
	char *heap = malloc(PAGES * 4096);
	pid_t pid;

	CHECK(heap);
	for (int i = 0; i < PAGES; i++)
		heap[i * 4096] = big[i * 4096] = (char)i;
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		CHECK(global == 42 && local == 7 && heap[5 * 4096] == 5 && big[9 * 4096] == 9);
		global = 1;
		local = 2;
		for (int i = 0; i < 4; i++)             /* four pages of each */
			heap[i * 4096] = big[i * 4096] = 'c';
		printf("child: wrote global, local, 4 heap pages, 4 bss pages\n");
		fflush(stdout);
		_exit(global + local);
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status));
	printf("parent: child exited with %d\n", WEXITSTATUS(status));
	printf("parent: global %d local %d heap[0] %d big[0] %d heap[63] %d\n", global, local,
	       heap[0], big[0], heap[63 * 4096]);
	/* Writing after the child is gone: the frames are ours alone again. */
	for (int i = 0; i < PAGES; i++)
		heap[i * 4096] = big[i * 4096] = 'p';
	printf("parent: wrote all %d pages of each\n", PAGES);
	return 0;
}
