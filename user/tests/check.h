/*
 * What every test program shares.
 *
 * CHECK prints a failed assertion with its line and exits with status 1.
 *
 * A program made of cases lists them with CASE() and ends with
 * RUN_CASES(cases): each case runs in a child process of its own, so a
 * failure (or a fault) ends that case only, and its line reads
 *   NAME: ok          (the child returned normally)
 *   NAME: FAILED ...  (a CHECK failed, or it was killed)
 * after whatever the case printed itself. Arguments name the cases to run
 * (all by default). Everything printed must come out the same on Pagoda
 * and on Linux: results and error numbers, never addresses.
 */
#ifndef USER_TESTS_CHECK_H
#define USER_TESTS_CHECK_H

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* i386 Linux's page size, as sysconf(_SC_PAGESIZE) says. The kernel's
 * own definition (<pagoda/page.h>) is not used here: these programs are
 * built against musl too, whose <limits.h> defines PAGE_SIZE itself. */
#define PAGE 4096u

#define CHECK(cond) do { \
	if (!(cond)) { \
		printf("FAILED at %s:%d: %s (errno %d)\n", __FILE__, __LINE__, #cond, errno); \
		fflush(stdout); \
		exit(1); \
	} \
} while (0)

/* CHECK that a call failed with the given errno. */
#define CHECK_ERR(call, err) do { \
	errno = 0; \
	long check_ret_ = (long)(call); \
	if (check_ret_ != -1 || errno != (err)) { \
		printf("FAILED at %s:%d: %s returned %ld errno %d, expected -1 errno %d\n", \
		       __FILE__, __LINE__, #call, check_ret_, errno, (err)); \
		fflush(stdout); \
		exit(1); \
	} \
} while (0)

/* "ok" or the errno's name-free number: results of calls that may fail. */
static inline void report(const char *what, long ret)
{
	if (ret < 0)
		printf("%s: -1 errno %d\n", what, errno);
	else
		printf("%s: ok\n", what);
}

/* A call's result as a number, or -1 and its errno. */
static inline void show_ret(const char *what, long ret)
{
	if (ret < 0)
		printf("%s: -1 errno %d\n", what, errno);
	else
		printf("%s: %ld\n", what, ret);
}

/* Run fn in a child that exits with 0 if fn returns: its wait status. */
static inline int status_of(void (*fn)(void))
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		fn();
		_exit(0);
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	return status;
}

/* Run fn in a child: the signal that killed it, or 0 if it returned. */
static inline int signal_of(void (*fn)(void))
{
	int status = status_of(fn);

	return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

/* What a background job meets: fn in a child of a process group of its
 * own, and whether it exited or was stopped (then killed). */
static inline void show_job(const char *what, void (*fn)(void))
{
	pid_t pid;
	int status;

	fflush(stdout);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		CHECK(setpgid(0, 0) == 0);      /* both, so that it is done before fn */
		fn();
		_exit(0);
	}
	setpgid(pid, pid);
	CHECK(waitpid(pid, &status, WUNTRACED) == pid);
	if (WIFSTOPPED(status)) {
		printf("%s: stopped by %d\n", what, WSTOPSIG(status));
		CHECK(kill(pid, SIGKILL) == 0 && waitpid(pid, &status, 0) == pid);
	} else {
		printf("%s: exit %d\n", what, WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status));
	}
}

struct test_case {
	const char *name;
	void (*fn)(void);
};

#define CASE(fn) { #fn, fn }
#define RUN_CASES(list) run_cases(list, sizeof(list) / sizeof((list)[0]), argc, argv)

static inline int case_selected(const char *name, int argc, char **argv)
{
	if (argc < 2)
		return 1;
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return 1;
	return 0;
}

static inline int run_cases(const struct test_case *c, size_t n, int argc, char **argv)
{
	int failed = 0;

	for (size_t i = 0; i < n; i++) {
		int status;
		pid_t pid;

		if (!case_selected(c[i].name, argc, argv))
			continue;
		fflush(stdout);
		pid = fork();
		CHECK(pid >= 0);
		if (pid == 0) {
			c[i].fn();
			fflush(stdout);
			_exit(0);
		}
		CHECK(waitpid(pid, &status, 0) == pid);
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
			printf("%s: ok\n", c[i].name);
			continue;
		}
		failed++;
		if (WIFSIGNALED(status))
			printf("%s: FAILED: killed by signal %d\n", c[i].name, WTERMSIG(status));
		else
			printf("%s: FAILED: exit status %d\n", c[i].name, WEXITSTATUS(status));
	}
	return failed ? 1 : 0;
}

#endif
