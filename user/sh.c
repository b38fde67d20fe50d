/*
 * Pagoda's shell: reads a line, splits it at blanks, and runs the program
 * it names (from /bin unless the name has a slash) with those arguments,
 * then shows how it ended. Built-ins: help, ls [DIR], exit [N].
 * `sh -c "LINE; LINE..."` runs those lines instead of reading any, each
 * echoed after a "$ " prompt (how the docs' examples are run and checked);
 * the words after -c are taken as one line.
 * It is an ordinary static Linux program: it runs on Linux just as well.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_LINE 512
#define MAX_ARGS 32

extern char **environ;

/* Read one line from fd 0 into buf, without the newline; -1 at end of input. */
static int read_line(char *buf, size_t size)
{
	size_t n = 0;
	char c;

	for (;;) {
		ssize_t r = read(0, &c, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return n > 0 ? (buf[n] = '\0', 0) : -1;
		if (c == '\n')
			break;
		if (n + 1 < size)
			buf[n++] = c;
	}
	buf[n] = '\0';
	return 0;
}

static int split(char *line, char **argv)
{
	int argc = 0;

	for (char *tok = strtok(line, " \t"); tok && argc < MAX_ARGS; tok = strtok(NULL, " \t"))
		argv[argc++] = tok;
	argv[argc] = NULL;
	return argc;
}

static void list(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d) {
		printf("ls: %s: %s\n", dir, strerror(errno));
		return;
	}
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			printf("%s\n", e->d_name);
	closedir(d);
}

static void run(char **argv)
{
	char path[MAX_LINE + 8];
	int status;
	pid_t pid;

	if (strchr(argv[0], '/'))
		snprintf(path, sizeof(path), "%s", argv[0]);
	else
		snprintf(path, sizeof(path), "/bin/%s", argv[0]);
	pid = fork();
	if (pid < 0) {
		printf("sh: fork: %s\n", strerror(errno));
		return;
	}
	if (pid == 0) {
		execve(path, argv, environ);
		printf("sh: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0) {
		printf("sh: waitpid: %s\n", strerror(errno));
		return;
	}
	if (WIFSIGNALED(status))
		printf("[%s killed by signal %d]\n", argv[0], WTERMSIG(status));
	else if (WEXITSTATUS(status) != 0)
		printf("[%s exited with status %d]\n", argv[0], WEXITSTATUS(status));
}

/* One command line: 1 to go on, 0 after exit (*status set). */
static int run_line(char *line, int *status)
{
	char *argv[MAX_ARGS + 1];

	if (split(line, argv) == 0)
		return 1;
	if (strcmp(argv[0], "exit") == 0) {
		*status = argv[1] ? atoi(argv[1]) : 0;
		return 0;
	}
	if (strcmp(argv[0], "help") == 0)
		printf("help | ls [DIR] | exit [N] | PROGRAM [ARGS...] (from /bin)\n");
	else if (strcmp(argv[0], "ls") == 0)
		list(argv[1] ? argv[1] : "/bin");
	else
		run(argv);
	return 1;
}

/* sh -c "A; B": each command echoed, then run. */
static int run_script(char *script)
{
	int status = 0;

	for (char *line = script, *next; line; line = next) {
		next = strchr(line, ';');
		if (next)
			*next++ = '\0';
		line += strspn(line, " \t");
		if (!*line)
			continue;
		printf("$ %s\n", line);
		if (!run_line(line, &status))
			break;
	}
	return status;
}

int main(int argc, char **argv)
{
	char line[MAX_LINE];
	int status = 0;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc >= 3 && strcmp(argv[1], "-c") == 0) {
		/* The words after -c, joined: Pagoda's boot arguments cannot hold spaces. */
		for (int i = 3; i < argc; i++)
			argv[i][-1] = ' ';
		return run_script(argv[2]);
	}
	printf("Pagoda shell. Type help for the commands, ls /bin for the programs.\n");
	for (;;) {
		printf("pagoda$ ");
		if (read_line(line, sizeof(line)) < 0)
			break;
		if (!run_line(line, &status))
			return status;
	}
	printf("\n");
	return 0;
}
