/*
 * A program without a C library, and so without thread-local storage: it
 * reads what arrives on descriptor 0 into its bss, a page nothing has
 * touched yet, copies it to descriptor 1 and exits with 0 (1 if nothing
 * came). hardening's exec_then_sleep_before_tls execs it from a process
 * that has TLS: it sleeps in read() before it could set up any of its own.
 */
static char buf[4096] __attribute__((aligned(4096)));

static long sys3(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("int $0x80" : "=a"(ret) : "0"(nr), "b"(a), "c"(b), "d"(c) : "memory");
	return ret;
}

void _start(void)
{
	long n = sys3(3, 0, (long)buf, sizeof(buf));            /* read */

	if (n > 0)
		sys3(4, 1, (long)buf, n);                       /* write */
	sys3(1, n > 0 ? 0 : 1, 0, 0);                           /* exit */
	for (;;)
		;
}
