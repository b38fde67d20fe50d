/* What an attacker tried (issue 20): each case is one way a program once
 * crashed the kernel or saw what was not its own, and prints what Linux
 * answers. Segment selectors whose descriptors vanish, set_thread_area's
 * rules, flags a program may set, shared memory grown past its end, an
 * exec without an environment, init and signals, wait4's process groups,
 * numbers the kernel reports, buffers that run into the kernel's half, and
 * the mmap rules that were missing. */
#define _GNU_SOURCE
#include "check.h"
#include <fcntl.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>

#define NR_set_thread_area 243
#define NR_read 3

/* Linux's struct user_desc (<asm/ldt.h>), spelled here for musl too. */
struct user_desc {
	unsigned int entry_number;
	unsigned int base_addr;
	unsigned int limit;
	unsigned int seg_32bit : 1;
	unsigned int contents : 2;
	unsigned int read_exec_only : 1;
	unsigned int limit_in_pages : 1;
	unsigned int seg_not_present : 1;
	unsigned int useable : 1;
};

static const char *self_path;

/* A flat 32-bit data segment over all of memory, for slot `entry`. */
static struct user_desc flat_data(unsigned int entry)
{
	struct user_desc u = { .entry_number = entry, .base_addr = 0, .limit = 0xfffff,
			       .seg_32bit = 1, .limit_in_pages = 1 };
	return u;
}

/* Linux's "no segment here" (LDT_empty). */
static struct user_desc empty_desc(unsigned int entry)
{
	struct user_desc u = { .entry_number = entry, .read_exec_only = 1, .seg_not_present = 1 };
	return u;
}

static long set_area(struct user_desc *u)
{
	return syscall(SYS_set_thread_area, u);
}

static void show(const char *what, long ret)
{
	if (ret < 0)
		printf("%s: errno %d\n", what, errno);
	else
		printf("%s: %ld\n", what, ret);
}

/* A free TLS slot holding a flat data segment: its selector. */
static unsigned int take_slot(void)
{
	struct user_desc u = flat_data((unsigned int)-1);

	CHECK(set_area(&u) == 0);
	return u.entry_number << 3 | 3;
}

/* ---- set_thread_area's rules ---- */

static void tls_descriptor_rules(void)
{
	struct user_desc u, *ro;

	u = flat_data((unsigned int)-1);
	show("a free slot", set_area(&u));
	printf("it is entry %u\n", u.entry_number);
	u = empty_desc(7);
	show("emptied", set_area(&u));
	u = (struct user_desc){ .entry_number = 7 };
	show("all zero, meaning none", set_area(&u));
	u.entry_number = 7;
	CHECK(syscall(SYS_get_thread_area, &u) == 0);
	printf("read back: read_exec_only %u seg_not_present %u\n", u.read_exec_only, u.seg_not_present);
	u = flat_data(7);
	u.seg_not_present = 1;
	show("not present", set_area(&u));
	u = flat_data(7);
	u.seg_32bit = 0;
	show("16-bit", set_area(&u));
	u = flat_data(7);
	u.contents = 2;
	show("code", set_area(&u));
	u.contents = 3;
	show("conforming code", set_area(&u));
	u = flat_data(7);
	u.contents = 1;
	show("expand-down data", set_area(&u));
	u = flat_data(5);
	show("entry 5", set_area(&u));
	u = flat_data(9);
	show("entry 9", set_area(&u));
	u = flat_data(0x7fffffff);
	show("entry 0x7fffffff", set_area(&u));
	u = flat_data(8);
	show("entry 8", set_area(&u));
	u = flat_data((unsigned int)-1);
	show("none free", set_area(&u));
	show("NULL", set_area(NULL));
	/* entry_number is written back only when a slot was allocated. */
	ro = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(ro != MAP_FAILED);
	*ro = flat_data(8);
	CHECK(mprotect(ro, PAGE, PROT_READ) == 0);
	show("read-only, entry 8", set_area(ro));
	u = empty_desc(8);
	CHECK(set_area(&u) == 0);
	CHECK(mprotect(ro, PAGE, PROT_READ | PROT_WRITE) == 0);
	*ro = flat_data((unsigned int)-1);
	CHECK(mprotect(ro, PAGE, PROT_READ) == 0);
	show("read-only, entry -1", set_area(ro));
	u = flat_data((unsigned int)-1);
	show("then a free slot", set_area(&u));
	printf("it is entry %u\n", u.entry_number);
}

/* ---- selectors whose descriptor goes away ---- */

/*
 * Load REG with sel, empty the selector's slot with a raw set_thread_area,
 * and read REG back (into a register: with %ds at 0 no memory can be
 * reached): on the way out the kernel could not reload it, and Linux puts
 * 0 there. The old value is back before C runs again.
 */
#define EMPTY_UNDER(reg, sel, desc, out) \
	__asm__ volatile("mov %%" reg ", %%edi\n\t" \
			 "mov %[s], %%" reg "\n\t" \
			 "int $0x80\n\t" \
			 "mov %%" reg ", %[o]\n\t" \
			 "mov %%edi, %%" reg \
			 : [o] "=d"(out), "+a"(ret) \
			 : [s] "r"(sel), "b"(desc) \
			 : "edi", "memory")

static void emptied_slot_reads_as_zero(void)
{
	struct user_desc u;
	unsigned int sel;
	uint32_t out;
	long ret;

#define ONE(reg) \
	sel = take_slot(); \
	u = empty_desc(sel >> 3); \
	out = 0xdead; \
	ret = NR_set_thread_area; \
	EMPTY_UNDER(reg, sel, &u, out); \
	printf("%s after its slot was emptied: %#x (set_thread_area %ld)\n", reg, out & 0xffff, ret);
	ONE("ds") ONE("es") ONE("fs") ONE("gs")
#undef ONE
}

/* Write len bytes of msg into fd after a pause, from a child: the reader
 * sleeps in read() meanwhile. The child's pid. */
static pid_t write_later(int fd, const char *msg)
{
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		struct timespec ts = { 0, 50 * 1000 * 1000 };

		nanosleep(&ts, NULL);
		CHECK(write(fd, msg, strlen(msg)) == (ssize_t)strlen(msg));
		_exit(0);
	}
	return pid;
}

/*
 * A process whose %gs is 0 and whose own TLS slot is emptied sleeps in
 * read() on a pipe; a process with ordinary TLS runs meanwhile and writes;
 * the reader's copyout faults on a fresh page. (The kernel once carried
 * the writer's %gs into the reader and failed to reload it there.)
 */
static void sleep_without_tls(void)
{
	struct user_desc saved = { .entry_number = 6 }, empty = empty_desc(6);
	struct user_desc *savedp = &saved, *emptyp = &empty;
	char *buf = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *fresh = buf + PAGE;
	uint32_t gs_after = 0xdead;
	int fds[2], status, fd;
	long got;
	pid_t pid;

	CHECK(buf != MAP_FAILED && pipe(fds) == 0);
	CHECK(syscall(SYS_get_thread_area, &saved) == 0);
	fd = fds[0];
	pid = write_later(fds[1], "through the pipe");
	__asm__ volatile("mov %%gs, %%edi\n\t"
			 "xor %%eax, %%eax\n\t"
			 "mov %%eax, %%gs\n\t"
			 "mov %[sta], %%eax\n\t"        /* empty slot 6 */
			 "mov %[empty], %%ebx\n\t"
			 "int $0x80\n\t"
			 "mov %[rd], %%eax\n\t"         /* read(fd, fresh, 16): sleeps */
			 "mov %[fd], %%ebx\n\t"
			 "mov %[fresh], %%ecx\n\t"
			 "mov $16, %%edx\n\t"
			 "int $0x80\n\t"
			 "mov %%eax, %[got]\n\t"
			 "mov %%gs, %[gs]\n\t"
			 "mov %[sta], %%eax\n\t"        /* put slot 6 back */
			 "mov %[saved], %%ebx\n\t"
			 "int $0x80\n\t"
			 "mov %%edi, %%gs"
			 : [got] "=m"(got), [gs] "=m"(gs_after)
			 : [sta] "i"(NR_set_thread_area), [rd] "i"(NR_read), [empty] "m"(emptyp),
			   [fd] "m"(fd), [fresh] "m"(fresh), [saved] "m"(savedp)
			 : "eax", "ebx", "ecx", "edx", "edi", "memory");
	printf("read with no TLS: %ld bytes, \"%.16s\", gs %#x\n", got, fresh, gs_after & 0xffff);
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status));
}

/* How a child ended, as one number: its exit status, or minus its signal. */
static int ending(int status)
{
	return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

static int notls_input;

static void exec_notls(void)
{
	char *argv[] = { "notls", NULL };

	CHECK(dup2(notls_input, 0) == 0);
	execve("/bin/notls", argv, NULL);
	_exit(127);
}

/*
 * The same through exec: a child of a process with TLS becomes a program
 * that reads from a pipe before it has any TLS of its own (/bin/notls,
 * no C library), while another process with TLS writes.
 */
static void exec_then_sleep_before_tls(void)
{
	int fds[2], status;
	pid_t writer;

	CHECK(pipe(fds) == 0);
	notls_input = fds[0];
	writer = write_later(fds[1], "to a program without TLS\n");
	printf("notls: exit status %d\n", ending(status_of(exec_notls)));
	CHECK(waitpid(writer, &status, 0) == writer);
}

/* ---- flags a program may set ---- */

#define EFLAGS_TF 0x100
#define EFLAGS_NT 0x4000
#define EFLAGS_AC 0x40000

static void single_step(void)
{
	__asm__ volatile("pushf; orl %0, (%%esp); popf; nop; nop" : : "i"(EFLAGS_TF));
}

/* TF traps after the next instruction (SIGTRAP); NT and AC pass through
 * a system call and come back as they were. */
static void flags_a_program_sets(void)
{
	uint32_t after;
	long pid = SYS_getpid;

	printf("trap flag: signal %d\n", signal_of(single_step));
	__asm__ volatile("pushf\n\t"
			 "orl %[set], (%%esp)\n\t"
			 "popf\n\t"
			 "int $0x80\n\t"
			 "pushf\n\t"
			 "popl %[after]\n\t"
			 "pushf\n\t"
			 "andl %[clear], (%%esp)\n\t"
			 "popf"
			 : [after] "=r"(after), "+a"(pid)
			 : [set] "i"(EFLAGS_NT | EFLAGS_AC), [clear] "i"(~(EFLAGS_NT | EFLAGS_AC))
			 : "memory", "cc");
	printf("getpid with NT and AC set: %s; NT %s, AC %s after\n", pid == getpid() ? "right" : "wrong",
	       after & EFLAGS_NT ? "set" : "clear", after & EFLAGS_AC ? "set" : "clear");
}

/* ---- memory ---- */

static char *grown;
static size_t grown_at;

static void touch_grown(void)
{
	*(volatile char *)(grown + grown_at);
}

/* Shared anonymous memory keeps its size: the part mremap adds is SIGBUS,
 * grown in place or moved. */
static void mremap_grown_shared(void)
{
	char *p = mmap(NULL, 2 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(p != MAP_FAILED && munmap(p, 2 * PAGE) == 0);
	CHECK(mmap(p, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == p);
	p[0] = 'a';
	grown = mremap(p, PAGE, 2 * PAGE, 0);
	printf("grown in place: %s\n", grown == p ? "yes" : "no");
	grown_at = PAGE;
	printf("the old page: %c; the new one: signal %d\n", grown[0], signal_of(touch_grown));
	grown = mremap(p, 2 * PAGE, 8 * PAGE, MREMAP_MAYMOVE);
	CHECK(grown != MAP_FAILED);
	grown_at = 7 * PAGE;
	printf("moved: the old page: %c; the last: signal %d\n", grown[0], signal_of(touch_grown));
}

/* The kernel once wrote the part of a buffer below the kernel's half
 * (here the top of Pagoda's stack; on Linux the stack's top is random):
 * Linux refuses the buffer whole, with EFAULT, and writes nothing. */
static void buffer_into_kernel_half(void)
{
	char *edge = (char *)0xbffffffc;
	struct iovec iov = { edge, 8 };
	int fd = open("/etc/lines.txt", O_RDONLY), fds[2];
	char *page = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(fd >= 0 && pipe(fds) == 0 && page != MAP_FAILED);
	show("read", read(fd, edge, 8));
	show("getrandom", syscall(SYS_getrandom, edge, 8, 0));
	show("readv", readv(fd, &iov, 1));
	show("write", write(fds[1], edge, 8));
	show("writev", writev(fds[1], &iov, 1));
	show("getdents64", syscall(SYS_getdents64, open("/", O_RDONLY | O_DIRECTORY), edge - 4, 16));
	show("mincore", mincore(page, 2 * PAGE, (unsigned char *)0xbfffffff));
	/* Linux's order: the range first, then whether the count is negative. */
	show("read of 0x80000000 bytes", syscall(SYS_read, fd, page, 0x80000000u));
	show("read of 0x80000000 bytes at 0x50000000", syscall(SYS_read, fd, 0x50000000, 0x80000000u));
}

/* mmap2's page offset and length must not wrap 32 bits: EOVERFLOW. */
static void mmap2_offset_wraps(void)
{
	int fd = open("/etc/lines.txt", O_RDONLY);
	long p;

	CHECK(fd >= 0);
	show("anonymous at page 0xffffffff", syscall(SYS_mmap2, 0, PAGE, PROT_READ,
						     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0xffffffff) < 0 ? -1 : 0);
	show("file at page 0xffffffff", syscall(SYS_mmap2, 0, PAGE, PROT_READ, MAP_PRIVATE, fd,
						0xffffffff) < 0 ? -1 : 0);
	show("2 pages at 0xfffffffe", syscall(SYS_mmap2, 0, 2 * PAGE, PROT_READ, MAP_PRIVATE, fd,
					      0xfffffffe) < 0 ? -1 : 0);
	p = syscall(SYS_mmap2, 0, PAGE, PROT_READ, MAP_PRIVATE, fd, 0xfffffffe);
	show("1 page at 0xfffffffe", p == -1 ? -1 : 0);
	if (p != -1) {
		grown = (char *)p;
		grown_at = 0;
		printf("reading it: signal %d\n", signal_of(touch_grown));
	}
}

/* MAP_FIXED_NOREPLACE wins over MAP_FIXED: EEXIST, the mapping intact. */
static void fixed_noreplace_with_fixed(void)
{
	char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void *q;

	CHECK(p != MAP_FAILED);
	p[0] = 'k';
	q = mmap(p, PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_FIXED_NOREPLACE, -1, 0);
	show("MAP_FIXED | MAP_FIXED_NOREPLACE", q == MAP_FAILED ? -1 : 0);
	printf("kept: %c\n", p[0]);
}

/* A shared mapping of a file opened read-only may never become writable;
 * a private one may (its writes are its own). */
static void shared_readonly_file(void)
{
	int fd = open("/etc/lines.txt", O_RDONLY);
	char *s = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
	char *p = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 0), c;

	CHECK(fd >= 0 && s != MAP_FAILED && p != MAP_FAILED);
	show("shared: PROT_WRITE", mprotect(s, PAGE, PROT_READ | PROT_WRITE));
	show("shared: PROT_EXEC", mprotect(s, PAGE, PROT_READ | PROT_EXEC));
	show("private: PROT_WRITE", mprotect(p, PAGE, PROT_READ | PROT_WRITE));
	c = p[0];
	p[0] = c + 1;
	printf("the shared mapping still reads the file: %s\n", s[0] == c ? "yes" : "no");
}

/* ---- exec, processes and signals ---- */

/* Run from exec_null_envp: the environment is empty and the auxiliary
 * vector is where it belongs. */
static int envp_check(void)
{
	extern char **environ;

	printf("envp empty: %s\n", environ && !environ[0] ? "yes" : "no");
	printf("AT_PAGESZ %lu, AT_RANDOM given: %s\n", getauxval(AT_PAGESZ),
	       getauxval(AT_RANDOM) ? "yes" : "no");
	return 0;
}

static void exec_self_without_env(void)
{
	char *argv[] = { (char *)self_path, "--envp-check", NULL };

	execve(self_path, argv, NULL);
	_exit(127);
}

/* execve(path, argv, NULL): an empty environment, properly ended. */
static void exec_null_envp(void)
{
	printf("exit status %d\n", ending(status_of(exec_self_without_env)));
}

/* init receives only the signals it has a handler for. */
static void signals_to_init(void)
{
	show("kill(1, SIGKILL)", kill(1, SIGKILL));
	show("kill(1, SIGTERM)", kill(1, SIGTERM));
	show("kill(1, SIGSEGV)", kill(1, SIGSEGV));
	show("init still there", kill(1, 0));
}

/* wait4 selects by process group: a group nobody is in has no children. */
static void wait_for_groups(void)
{
	int status = 0;
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (pid == 0)
		_exit(7);
	show("wait4(-99999)", wait4(-99999, &status, 0, NULL));
	show("wait4(INT_MIN)", wait4(INT32_MIN, &status, 0, NULL));
	show("wait4(0) is the child", wait4(0, &status, 0, NULL) == pid);
	printf("status %d\n", WEXITSTATUS(status));
}

/* A pipe's inode number is a number of its own, not a kernel address. */
static void pipe_inode(void)
{
	int a[2], b[2];
	struct stat ra, wa, rb;

	CHECK(pipe(a) == 0 && pipe(b) == 0);
	CHECK(fstat(a[0], &ra) == 0 && fstat(a[1], &wa) == 0 && fstat(b[0], &rb) == 0);
	printf("a fifo: %s\n", S_ISFIFO(ra.st_mode) ? "yes" : "no");
	printf("both ends one inode: %s\n", ra.st_ino == wa.st_ino ? "yes" : "no");
	printf("two pipes, two inodes: %s\n", ra.st_ino != rb.st_ino ? "yes" : "no");
	printf("a kernel address: %s\n", ra.st_ino >= 0xc0000000u ? "yes" : "no");
}

static const struct test_case cases[] = {
	CASE(tls_descriptor_rules), CASE(emptied_slot_reads_as_zero), CASE(sleep_without_tls),
	CASE(exec_then_sleep_before_tls), CASE(flags_a_program_sets), CASE(mremap_grown_shared),
	CASE(buffer_into_kernel_half), CASE(mmap2_offset_wraps), CASE(fixed_noreplace_with_fixed),
	CASE(shared_readonly_file), CASE(exec_null_envp), CASE(signals_to_init),
	CASE(wait_for_groups), CASE(pipe_inode),
};

int main(int argc, char **argv)
{
	self_path = argv[0];
	if (argc == 2 && strcmp(argv[1], "--envp-check") == 0)
		return envp_check();
	setvbuf(stdout, NULL, _IOLBF, 0);
	return RUN_CASES(cases);
}
