/* execve: bss is zero, argument lists up to and past the limits, and a
 * failed exec leaves the caller as it was. */
#include "check.h"
#include <stdint.h>
#include <sys/mman.h>

extern char **environ;

static char bss_block[3 << 20];                 /* 3 MiB of bss */
static int data_word = 42;                      /* .data, then bss in the same page */
static int bss_word;

static char *self;

static void bss_zeroed(void)
{
	for (size_t i = 0; i < sizeof(bss_block); i++)
		CHECK(bss_block[i] == 0);
	CHECK(data_word == 42 && bss_word == 0);
}

/* Exec this program as "check N LEN": it must find N arguments of LEN
 * bytes after the first two, each "aaa...". */
static int run_self(char **args)
{
	int status;
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		execve(self, args, environ);
		_exit(errno == E2BIG ? 100 : 101);
	}
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status));
	return WEXITSTATUS(status);
}

static char **make_args(int n, size_t len)
{
	char **args = calloc(n + 5, sizeof(char *)), *s = malloc(len + 1);
	static char nbuf[16], lbuf[16];

	CHECK(args && s);
	memset(s, 'a', len);
	s[len] = '\0';
	snprintf(nbuf, sizeof(nbuf), "%d", n);
	snprintf(lbuf, sizeof(lbuf), "%zu", len);
	args[0] = self;
	args[1] = "check";
	args[2] = nbuf;
	args[3] = lbuf;
	for (int i = 0; i < n; i++)
		args[4 + i] = s;
	return args;
}

static int check_args(int argc, char **argv)
{
	int n = atoi(argv[2]);
	size_t len = (size_t)atol(argv[3]);

	if (argc != n + 4)
		return 1;
	for (int i = 4; i < argc; i++)
		if (strlen(argv[i]) != len || strspn(argv[i], "a") != len)
			return 2;
	return 0;
}

static void args_within_limits(void)
{
	printf("100 arguments of 1000 bytes: %d\n", run_self(make_args(100, 1000)));
	printf("one argument of 100000 bytes: %d\n", run_self(make_args(1, 100000)));
	printf("20000 empty arguments: %d\n", run_self(make_args(20000, 0)));
}

static void args_past_limits(void)
{
	printf("one argument of 200000 bytes: %d\n", run_self(make_args(1, 200000)));
	printf("3000 arguments of 1000 bytes: %d\n", run_self(make_args(3000, 1000)));
}

/* Failed execs return to the caller with its memory as it was. */
static void failures_leave_caller_intact(void)
{
	char *args[] = { "x", NULL };
	char *heap = malloc(100), *map;
	char stack_buf[64] = "on the stack";

	map = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(heap && map != MAP_FAILED);
	strcpy(heap, "on the heap");
	strcpy(map, "in a mapping");
	CHECK_ERR(execve("/nonexistent", args, environ), ENOENT);
	CHECK_ERR(execve("/bin", args, environ), EACCES);
	CHECK_ERR(execve("/etc/lines.txt", args, environ), EACCES);      /* not executable */
	CHECK_ERR(execve("/etc/lines.txt/x", args, environ), ENOTDIR);
	CHECK_ERR(execve("/dev/console", args, environ), EACCES);
	CHECK_ERR(execve("/bin/hello", (char **)0xC0000000, environ), EFAULT);
	CHECK_ERR(execve("/bin/hello", args, (char **)0xC0000000), EFAULT);
	CHECK(strcmp(heap, "on the heap") == 0 && strcmp(map, "in a mapping") == 0);
	CHECK(strcmp(stack_buf, "on the stack") == 0 && data_word == 42);
}

static const struct test_case cases[] = {
	CASE(bss_zeroed), CASE(args_within_limits), CASE(args_past_limits),
	CASE(failures_leave_caller_intact),
};

int main(int argc, char **argv)
{
	self = argv[0];
	if (argc > 3 && strcmp(argv[1], "check") == 0)
		return check_args(argc, argv);
	return RUN_CASES(cases);
}
