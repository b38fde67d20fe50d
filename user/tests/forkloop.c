/* 1000 rounds of fork, exec, exit and wait. The kernel's free memory is
 * read (sysinfo) after a first round and at the end; with the argument
 * "exact" the two must be equal, which only Pagoda promises (Linux caches). */
#include "check.h"
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void round_trip(const char *self)
{
	char *args[] = { (char *)self, "child", NULL };
	int status;
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		execve(self, args, environ);
		_exit(99);
	}
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 7);
}

int main(int argc, char **argv)
{
	struct sysinfo before, after;

	if (argc > 1 && strcmp(argv[1], "child") == 0)
		return 7;
	round_trip(argv[0]);
	CHECK(sysinfo(&before) == 0);
	for (int i = 0; i < 1000; i++)
		round_trip(argv[0]);
	CHECK(sysinfo(&after) == 0);
	printf("1000 fork/exec/exit/wait rounds done\n");
	if (argc > 1 && strcmp(argv[1], "exact") == 0)
		printf("free memory back to its start: %s (%ld pages before, %ld after)\n",
		       before.freeram == after.freeram ? "yes" : "NO",
		       (long)before.freeram, (long)after.freeram);
	return 0;
}
