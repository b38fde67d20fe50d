/* execve passes arguments and environment exactly; with no arguments this
 * program execs itself with some, and prints what it receives. */
#include "check.h"
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
	if (argc == 1) {
		char *args[] = { argv[0], "first", "", "with space", "last", NULL };
		char *env[] = { "ALPHA=1", "BETA=two words", "EMPTY=", NULL };

		printf("before exec\n");
		fflush(stdout);
		execve(argv[0], args, env);
		printf("execve failed: errno %d\n", errno);
		return 1;
	}
	printf("after exec: argc %d\n", argc);
	for (int i = 1; i < argc; i++)
		printf("argv[%d] = \"%s\"\n", i, argv[i]);
	for (char **e = environ; *e; e++)
		printf("env \"%s\"\n", *e);
	errno = 0;
	CHECK(execve("/bin/no-such-program", argv, environ) < 0 && errno == ENOENT);
	CHECK(execve("/bin", argv, environ) < 0 && errno == EACCES);
	CHECK(execve("/dev/console", argv, environ) < 0 && errno == EACCES);
	printf("failed execs returned ENOENT and EACCES\n");
	return 0;
}
