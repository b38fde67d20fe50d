/* execve: bss is zero, argument lists up to and past the limits, errors
 * in Linux's order, malformed ELF files, and a failed exec leaves the
 * caller as it was. */
#include "check.h"
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>

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
 * bytes after the first two, each "aaa...". A stack_limit other than 0
 * is set as RLIMIT_STACK first: a quarter of it bounds the arguments. */
static int run_self_limited(char **args, rlim_t stack_limit)
{
	int status;
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		struct rlimit rl = { stack_limit, RLIM_INFINITY };

		if (stack_limit && setrlimit(RLIMIT_STACK, &rl) != 0)
			_exit(102);
		execve(self, args, environ);
		_exit(errno == E2BIG ? 100 : 101);
	}
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status));
	return WEXITSTATUS(status);
}

static int run_self(char **args)
{
	return run_self_limited(args, 0);
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

/* With the default 8 MiB stack, the strings and pointers may fill 2 MiB;
 * one string may have 128 KiB, its NUL included. */
static void args_within_limits(void)
{
	printf("100 arguments of 1000 bytes: %d\n", run_self(make_args(100, 1000)));
	printf("1000 arguments of 1000 bytes: %d\n", run_self(make_args(1000, 1000)));
	printf("2000 arguments of 1000 bytes: %d\n", run_self(make_args(2000, 1000)));
	printf("one argument of 100000 bytes: %d\n", run_self(make_args(1, 100000)));
	printf("one argument of 131071 bytes: %d\n", run_self(make_args(1, 131071)));
	printf("20000 empty arguments: %d\n", run_self(make_args(20000, 0)));
}

static void args_past_limits(void)
{
	printf("one argument of 131072 bytes: %d\n", run_self(make_args(1, 131072)));
	printf("one argument of 200000 bytes: %d\n", run_self(make_args(1, 200000)));
	printf("2100 arguments of 1000 bytes: %d\n", run_self(make_args(2100, 1000)));
	printf("3000 arguments of 1000 bytes: %d\n", run_self(make_args(3000, 1000)));
	printf("500000 empty arguments: %d\n", run_self(make_args(500000, 0)));
}

/* The bound is a quarter of RLIMIT_STACK, but never below 128 KiB. */
static void args_follow_the_stack_limit(void)
{
	printf("1 MiB stack, 200 x 1000 bytes: %d\n", run_self_limited(make_args(200, 1000), 1 << 20));
	printf("1 MiB stack, 300 x 1000 bytes: %d\n", run_self_limited(make_args(300, 1000), 1 << 20));
	printf("256 KiB stack, 100 x 1000 bytes: %d\n",
	       run_self_limited(make_args(100, 1000), 256 << 10));
	printf("256 KiB stack, 200 x 1000 bytes: %d\n",
	       run_self_limited(make_args(200, 1000), 256 << 10));
}

/* Since Linux 5.18 an empty argv reaches the program as { "", NULL }. */
static void empty_argv_becomes_one_empty_string(void)
{
	char *env[] = { "EXECS_EMPTY_ARGV=1", NULL };
	int status;
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		syscall(SYS_execve, self, NULL, env);     /* libc insists on an argv */
		_exit(101);
	}
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status));
	printf("empty argv: exit status %d\n", WEXITSTATUS(status));
}

static int check_empty_argv(int argc, char **argv)
{
	return argc == 1 && argv[0] && argv[0][0] == '\0' && !argv[1] ? 0 : 1;
}

/* The arguments are copied before the file is looked up and read. */
static void errors_in_linuxs_order(void)
{
	char **big = make_args(3000, 1000);

	CHECK_ERR(execve("/nonexistent", (char **)0xC0000000, environ), EFAULT);
	CHECK_ERR(execve("/nonexistent", big, environ), E2BIG);
	CHECK_ERR(execve("/etc/lines.txt", big, environ), E2BIG);
	CHECK_ERR(execve("/bin/bad/bad_magic", big, environ), E2BIG);
	CHECK_ERR(execve("/bin/bad/bad_magic", (char **)0xC0000000, environ), EFAULT);
}

/* What became of execve(path) in a child: "E..." for an error, "killed"
 * for a signal, or how the program it ran ended. */
static const char *exec_outcome(const char *path)
{
	static const struct { int err; const char *name; } errs[] = {
		{ ENOEXEC, "ENOEXEC" }, { EIO, "EIO" }, { ENOENT, "ENOENT" },
		{ EACCES, "EACCES" }, { E2BIG, "E2BIG" }, { EFAULT, "EFAULT" },
	};
	static char buf[64];
	char *args[] = { (char *)path, NULL };
	int *err = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int status;
	pid_t pid;

	CHECK(err != MAP_FAILED);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		execve(path, args, environ);
		*err = errno;
		_exit(200);
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	if (WIFSIGNALED(status))
		snprintf(buf, sizeof(buf), "killed");
	else if (WEXITSTATUS(status) != 200)
		snprintf(buf, sizeof(buf), "ran, exit status %d", WEXITSTATUS(status));
	else {
		snprintf(buf, sizeof(buf), "error %d", *err);
		for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++)
			if (*err == errs[i].err)
				snprintf(buf, sizeof(buf), "%s", errs[i].name);
	}
	munmap(err, 4096);
	return buf;
}

/* tools/badelf.py's files that Linux refuses before the point of no
 * return, each with an error code. */
static void malformed_elf_refused(void)
{
	static const char *const names[] = {
		"bad_magic", "wrong_machine", "wrong_type", "bad_phentsize", "no_phdrs",
		"too_many_phdrs", "phdrs_past_end", "short_header", "empty",
		"missing_interp", "unterminated_interp", "interp_past_end",
	};
	char path[64];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "/bin/bad/%s", names[i]);
		printf("%s: %s\n", names[i], exec_outcome(path));
	}
}

/* The files whose faults Linux finds only while mapping the segments,
 * after the old program is gone: it kills the process (SIGSEGV, or
 * SIGBUS once running). Pagoda checks every segment before that point and
 * returns ENOEXEC. Both are "not run": the image never runs. (A segment
 * at page 0 is one more that Pagoda refuses, but Linux maps it for root.) */
static void malformed_elf_never_runs(void)
{
	static const char *const names[] = {
		"no_loads", "load_past_end", "filesz_over_memsz", "kernel_vaddr",
		"misaligned", "truncated",
	};
	char path[64];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *how;

		snprintf(path, sizeof(path), "/bin/bad/%s", names[i]);
		how = exec_outcome(path);
		if (strcmp(how, "killed") == 0 || strcmp(how, "ENOEXEC") == 0)
			how = "not run";
		printf("%s: %s\n", names[i], how);
	}
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
	CASE(args_follow_the_stack_limit), CASE(empty_argv_becomes_one_empty_string),
	CASE(errors_in_linuxs_order), CASE(malformed_elf_refused),
	CASE(malformed_elf_never_runs), CASE(failures_leave_caller_intact),
};

int main(int argc, char **argv)
{
	if (getenv("EXECS_EMPTY_ARGV"))
		return check_empty_argv(argc, argv);
	self = argv[0];
	if (argc > 3 && strcmp(argv[1], "check") == 0)
		return check_args(argc, argv);
	return RUN_CASES(cases);
}
