/* __thread variables: initial values from the TLS image, writes that
 * stick, and a forked child that gets its own copy. */
#include "check.h"
#include <sys/wait.h>
#include <unistd.h>

static __thread int counter = 5;
static __thread char name[16] = "parent";
static __thread long zeroed;

int main(void)
{
	int status;
	pid_t pid;

	printf("initial: counter %d name %s zeroed %ld\n", counter, name, zeroed);
	counter += 10;
	zeroed = -1;
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		printf("child sees: counter %d name %s zeroed %ld\n", counter, name, zeroed);
		counter = 99;
		strcpy(name, "child");
		printf("child wrote: counter %d name %s\n", counter, name);
		fflush(stdout);
		_exit(0);
	}
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status));
	printf("parent after: counter %d name %s zeroed %ld\n", counter, name, zeroed);
	return 0;
}
