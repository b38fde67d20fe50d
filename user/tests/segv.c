/* Faults that must kill only the offender: each runs in a child, and the
 * parent's waitpid must report the signal. */
#include "check.h"
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int sink;

static volatile int depth_limit = 1 << 30;      /* never reached: only the guard stops it */

static int recurse(int n)
{
	volatile char pad[1024];

	pad[0] = (char)n;
	return n < depth_limit ? recurse(n + 1) + pad[0] : 0;
}

static void null_read(void) { sink = *(volatile int *)0; }
static void text_write(void) { *(volatile unsigned char *)(void *)&null_read = 0xc3; }
static void kernel_read(void) { sink = *(volatile int *)0xC0000000; }
static void kernel_write(void) { *(volatile int *)0xC0100000 = 1; }
static void jump_unmapped(void) { ((void (*)(void))0x00001000)(); }
static void stack_overflow(void) { sink = recurse(0); }
static void self_kill(void) { kill(getpid(), SIGTERM); for (;;) pause(); }

static const struct { const char *name; void (*fn)(void); } cases[] = {
	{ "NULL dereference", null_read },
	{ "write to own text", text_write },
	{ "read of 0xC0000000", kernel_read },
	{ "write to 0xC0100000 (the kernel's code)", kernel_write },
	{ "jump to an unmapped page", jump_unmapped },
	{ "stack overflow past the guard", stack_overflow },
	{ "kill(getpid(), SIGTERM)", self_kill },
};

int main(void)
{
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int status = status_of(cases[i].fn);

		if (WIFSIGNALED(status))
			printf("%s: killed by signal %d (%s)\n", cases[i].name, WTERMSIG(status),
			       WTERMSIG(status) == SIGSEGV ? "SIGSEGV" : WTERMSIG(status) == SIGTERM ? "SIGTERM" : "other");
		else
			printf("%s: exited with %d\n", cases[i].name, WEXITSTATUS(status));
	}
	printf("parent still alive\n");
	return 0;
}
