/*
 * /init: the first process, on Pagoda and on Linux alike.
 *
 * With arguments (the kernel command line's words after "--"), it runs
 * them as one program, waits for it, reports how it ended on a line of its
 * own, and restarts the machine, which ends QEMU (-no-reboot). Without
 * arguments it starts Pagoda's shell, /bin/sh, and restarts once it ends.
 *
 * The lines around the program's output are what tools/pagoda-run and the
 * test runner look for:
 *   init: running PROGRAM
 *   ... the program's output ...
 *   init: exit status N        (or)  init: killed by signal N
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
	char *shell[] = { "/bin/sh", NULL };
	char **args = argc > 1 ? argv + 1 : shell;
	int status;
	pid_t pid;

	/* Linux: /proc/self/exe needs procfs. Pagoda has no mount(); it serves
	 * that one link itself. */
	mount("proc", "/proc", "proc", 0, NULL);
	printf("init: running %s\n", args[0]);
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("init: fork");
		return 1;
	}
	if (pid == 0) {
		execve(args[0], args, environ);
		fprintf(stderr, "init: cannot run %s: %s\n", args[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		;
	fflush(stdout);
	if (WIFSIGNALED(status))
		printf("init: killed by signal %d\n", WTERMSIG(status));
	else
		printf("init: exit status %d\n", WEXITSTATUS(status));
	fflush(stdout);
	sync();
	reboot(RB_AUTOBOOT);
	return 0;
}
