/*
 * The vDSO, against Linux: the auxiliary vector's AT_SYSINFO_EHDR and
 * AT_SYSINFO, the image's ELF header and its symbols with their
 * versions, the [vvar] and [vdso] lines of /proc/self/maps, each
 * function called directly (by symbol, as the C libraries find them) and
 * checked against the system call it stands for, a setting of the wall
 * clock and the time zone seen through it, and what a process may do to
 * the two mappings (make the image writable; not the data page) and what
 * unmapping the image does to a program that uses it (it dies).
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/ucontext.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "check.h"

struct ts32 { int32_t sec, nsec; };
struct ts64 { int64_t sec; int32_t nsec, pad; };
struct tv32 { int32_t sec, usec; };     /* musl's own timeval has 64-bit times */

#define NR_clock_gettime        265
#define NR_clock_getres         266
#define NR_clock_gettime64      403
#define NR_clock_getres_time64  406

static const Elf32_Ehdr *ehdr(void)
{
	return (const Elf32_Ehdr *)getauxval(AT_SYSINFO_EHDR);
}

/* The image's dynamic symbol table, its strings and versions. */
static const Elf32_Sym *syms;
static const char *strs;
static const Elf32_Half *versym;
static const Elf32_Verdef *verdef;
static unsigned nsyms;

static void find_tables(void)
{
	const Elf32_Ehdr *e = ehdr();
	const char *base = (const char *)e;
	const Elf32_Phdr *ph = (const Elf32_Phdr *)(base + e->e_phoff);

	for (int i = 0; i < e->e_phnum; i++) {
		if (ph[i].p_type != PT_DYNAMIC)
			continue;
		for (const Elf32_Dyn *d = (const Elf32_Dyn *)(base + ph[i].p_offset); d->d_tag != DT_NULL; d++) {
			if (d->d_tag == DT_SYMTAB)
				syms = (const Elf32_Sym *)(base + d->d_un.d_ptr);
			else if (d->d_tag == DT_STRTAB)
				strs = base + d->d_un.d_ptr;
			else if (d->d_tag == DT_VERSYM)
				versym = (const Elf32_Half *)(base + d->d_un.d_ptr);
			else if (d->d_tag == DT_VERDEF)
				verdef = (const Elf32_Verdef *)(base + d->d_un.d_ptr);
			else if (d->d_tag == DT_HASH)
				nsyms = ((const Elf32_Word *)(base + d->d_un.d_ptr))[1];
		}
	}
	CHECK(syms && strs && versym && verdef && nsyms);
}

/* The name of version index v. */
static const char *version_name(unsigned v)
{
	for (const Elf32_Verdef *d = verdef;; d = (const Elf32_Verdef *)((const char *)d + d->vd_next)) {
		if (d->vd_ndx == v)
			return strs + ((const Elf32_Verdaux *)((const char *)d + d->vd_aux))->vda_name;
		if (!d->vd_next)
			return "?";
	}
}

static void *vdso_sym(const char *name)
{
	if (!syms)
		find_tables();
	for (unsigned i = 1; i < nsyms; i++)
		if (syms[i].st_shndx != SHN_UNDEF && strcmp(strs + syms[i].st_name, name) == 0)
			return (char *)ehdr() + syms[i].st_value;
	return NULL;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void image(void)
{
	const Elf32_Ehdr *e = ehdr();
	char *names[64];
	unsigned n = 0;

	printf("AT_SYSINFO_EHDR set: %s; AT_SYSINFO in the image: %s\n", e ? "yes" : "no",
	       getauxval(AT_SYSINFO) > (unsigned long)e && getauxval(AT_SYSINFO) < (unsigned long)e + 8192 ? "yes" : "no");
	printf("ELF: class %d, data %d, type %d, machine %d, page aligned: %s\n", e->e_ident[EI_CLASS],
	       e->e_ident[EI_DATA], e->e_type, e->e_machine, ((uintptr_t)e & 4095) == 0 ? "yes" : "no");
	find_tables();
	for (unsigned i = 1; i < nsyms && n < 64; i++) {
		const Elf32_Sym *s = &syms[i];

		if (s->st_shndx == SHN_UNDEF || ELF32_ST_TYPE(s->st_info) != STT_FUNC ||
		    ELF32_ST_BIND(s->st_info) != STB_GLOBAL)
			continue;
		CHECK(asprintf(&names[n++], "%s@%s", strs + s->st_name, version_name(versym[i] & 0x7fff)) > 0);
	}
	qsort(names, n, sizeof(names[0]), by_name);
	printf("its functions:");
	for (unsigned i = 0; i < n; i++)
		printf(" %s", names[i]);
	printf("\n");
	printf("AT_SYSINFO is __kernel_vsyscall: %s\n",
	       (void *)getauxval(AT_SYSINFO) == vdso_sym("__kernel_vsyscall") ? "yes" : "no");
}

/* The [vvar] and [vdso] lines of /proc/self/maps: their permissions, and
 * where they are against each other and the image. */
static void maps(void)
{
	char line[256];
	unsigned long vvar_lo = 0, vvar_hi = 0, vdso_lo = 0, vdso_hi = 0, off;
	char vvar_perm[8] = "", vdso_perm[8] = "";
	FILE *f = fopen("/proc/self/maps", "r");

	CHECK(f);
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		char perm[8];

		if (sscanf(line, "%lx-%lx %7s %lx", &lo, &hi, perm, &off) != 4)
			continue;
		if (strstr(line, "[vvar]"))
			vvar_lo = lo, vvar_hi = hi, strcpy(vvar_perm, perm);
		if (strstr(line, "[vdso]")) {
			vdso_lo = lo, vdso_hi = hi, strcpy(vdso_perm, perm);
			printf("[vdso] offset %lx, device and inode: %s", off, strstr(line, " 00:00 0 ") ? "00:00 0\n" : "other\n");
		}
	}
	fclose(f);
	printf("[vvar] %s, [vdso] %s; [vvar] just below [vdso]: %s; [vdso] is the image: %s, %s\n", vvar_perm,
	       vdso_perm, vvar_hi == vdso_lo ? "yes" : "no", vdso_lo == (unsigned long)ehdr() ? "yes" : "no",
	       vdso_hi > vdso_lo && vvar_hi > vvar_lo ? "both have pages" : "empty");
}

static int64_t ns32(struct ts32 t)
{
	return (int64_t)t.sec * 1000000000 + t.nsec;
}

/* Each clock through the vDSO between two readings by the system call;
 * getres the same as the system call's. */
static void calls(void)
{
	long (*cgt)(int, struct ts32 *) = vdso_sym("__vdso_clock_gettime");
	long (*cgt64)(int, struct ts64 *) = vdso_sym("__vdso_clock_gettime64");
	long (*gres)(int, struct ts32 *) = vdso_sym("__vdso_clock_getres");
	long (*gtod)(struct tv32 *, struct timezone *) = vdso_sym("__vdso_gettimeofday");
	long (*vtime)(int32_t *) = vdso_sym("__vdso_time");
	struct tv32 tv;
	int32_t t32;

	CHECK(cgt && cgt64 && gres && gtod && vtime);
	for (int id = -1; id <= 12; id++) {
		struct ts32 a = { 0, 0 }, v = { 0, 0 }, b = { 0, 0 }, r1 = { -1, -1 }, r2 = { -1, -1 };
		struct ts64 v64 = { 0, 0, 0 };
		long ra = syscall(NR_clock_gettime, id, &a), rv, rv64;

		ra = ra < 0 ? -errno : ra;
		rv = cgt(id, &v);
		rv64 = cgt64(id, &v64);

		syscall(NR_clock_gettime, id, &b);
		long g1 = syscall(NR_clock_getres, id, &r1), g2;

		g1 = g1 < 0 ? -errno : g1;      /* the system call's own -errno, as the vDSO returns it */
		g2 = gres(id, &r2);
		int64_t coarse = id == 5 || id == 6 ? 10000000 : 0;
		int cpu = id == 2 || id == 3;

		printf("clock %d: gettime %ld, %ld, 64-bit %ld", id, ra, rv, rv64);
		if (ra == 0 && !cpu)
			printf("; between the calls: %s, 64-bit too: %s", ns32(a) - coarse <= ns32(v) && ns32(v) <= ns32(b) + coarse ?
			       "yes" : "no", v64.sec >= v.sec && v64.sec <= b.sec + 1 ? "yes" : "no");
		printf("; getres %ld %ld, the same: %s\n", g1, g2,
		       g1 == g2 && r1.sec == r2.sec && r1.nsec == r2.nsec ? "yes" : "no");
	}
	CHECK(gtod(&tv, NULL) == 0);
	t32 = 0;
	printf("gettimeofday and time agree with time(): %s, %s\n", llabs(tv.sec - (long long)time(NULL)) <= 1 ? "yes" : "no",
	       llabs(vtime(&t32) - (long long)time(NULL)) <= 1 && llabs(t32 - (long long)time(NULL)) <= 1 ? "yes" : "no");
	printf("time(NULL) through it: %s\n", llabs(vtime(NULL) - (long long)time(NULL)) <= 1 ? "yes" : "no");
}

/* Setting the wall clock and the zone: seen through the vDSO at once. */
static void setting(void)
{
	long (*cgt)(int, struct ts32 *) = vdso_sym("__vdso_clock_gettime");
	long (*gtod)(struct tv32 *, struct timezone *) = vdso_sym("__vdso_gettimeofday");
	struct timespec now;
	struct ts32 v;
	struct timezone tz = { 0, 0 };
	struct tv32 tv;

	CHECK(clock_gettime(CLOCK_REALTIME, &now) == 0);
	now.tv_sec += 1000;
	CHECK(clock_settime(CLOCK_REALTIME, &now) == 0);
	CHECK(cgt(CLOCK_REALTIME, &v) == 0);
	printf("the clock set 1000 s on: the vDSO's REALTIME moved with it: %s\n",
	       v.sec >= now.tv_sec && v.sec <= now.tv_sec + 2 ? "yes" : "no");
	now.tv_sec -= 1000;
	CHECK(clock_settime(CLOCK_REALTIME, &now) == 0);
	CHECK(syscall(79 /* settimeofday */, NULL, &(struct timezone){ -120, 1 }) == 0);
	CHECK(gtod(&tv, &tz) == 0);
	printf("the zone set to -120, 1: the vDSO says %d, %d\n", tz.tz_minuteswest, tz.tz_dsttime);
	CHECK(syscall(79 /* settimeofday */, NULL, &(struct timezone){ 0, 0 }) == 0);
}

/* The [vdso] line's range, from /proc/self/maps. */
static void vdso_range(unsigned long *lo, unsigned long *hi)
{
	char line[256];
	FILE *f = fopen("/proc/self/maps", "r");

	CHECK(f);
	*lo = *hi = 0;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "[vdso]"))
			CHECK(sscanf(line, "%lx-%lx", lo, hi) == 2);
	fclose(f);
	CHECK(*hi > *lo);
}

static void write_vvar(void)
{
	char *vvar = (char *)ehdr() - 4096;

	vvar[0] = 1;
}

static void call_after_unmap(void)
{
	struct timespec t;

	unsigned long lo, hi;

	vdso_range(&lo, &hi);
	CHECK(munmap((void *)lo, hi - lo) == 0);        /* its return lands in what is gone */
	clock_gettime(CLOCK_MONOTONIC, &t);
}

/* What a process may do to the mappings. */
static void protections(void)
{
	char *img = (char *)ehdr();
	long (*cgt)(int, struct ts32 *) = vdso_sym("__vdso_clock_gettime");
	struct ts32 v;
	pid_t pid;
	int status, r;

	errno = 0;
	r = mprotect(img - 4096, 4096, PROT_READ | PROT_WRITE);
	printf("mprotect of the page below the image writable: %d errno %d\n", r, errno);
	printf("a write to it: killed by signal %d\n", signal_of(write_vvar));
	fflush(stdout);
	if ((pid = fork()) == 0) {
		unsigned long lo, hi;

		vdso_range(&lo, &hi);
		errno = 0;
		r = mprotect((void *)lo, hi - lo, PROT_READ | PROT_WRITE | PROT_EXEC);
		printf("a child: mprotect of the whole image writable: %d errno %d\n", r, errno);
		printf("  and it still works: %s\n", cgt(CLOCK_MONOTONIC, &v) == 0 ? "yes" : "no");
		fflush(stdout);
		_exit(0);
	}
	CHECK(waitpid(pid, &status, 0) == pid && status == 0);
	printf("a child that unmaps the image and calls through it: killed by signal %d\n",
	       signal_of(call_after_unmap));
	fflush(stdout);
	if ((pid = fork()) == 0)
		_exit(cgt(CLOCK_MONOTONIC, &v) == 0 ? 7 : 1);
	CHECK(waitpid(pid, &status, 0) == pid);
	printf("a forked child has it: exit %d\n", WEXITSTATUS(status));
}

static volatile uintptr_t returns_to;

static void __attribute__((noinline)) on_usr1(int sig)
{
	(void)sig;
	returns_to = (uintptr_t)__builtin_return_address(0);
}

/* A handler set without SA_RESTORER (by the system call itself) returns
 * into the vDSO's sigreturn, plain or rt, and from there to the program. */
static void restorers(void)
{
	struct { uintptr_t handler; unsigned long flags; uintptr_t restorer; uint32_t mask[2]; } sa = { 0 };
	unsigned long lo, hi;

	vdso_range(&lo, &hi);
	for (int rt = 0; rt < 2; rt++) {
		sa.handler = (uintptr_t)on_usr1;
		sa.flags = rt ? SA_SIGINFO : 0;
		CHECK(syscall(SYS_rt_sigaction, SIGUSR1, &sa, NULL, 8) == 0);
		returns_to = 0;
		CHECK(raise(SIGUSR1) == 0);
		printf("%s handler without SA_RESTORER: returns into the vDSO: %s, and back here\n", rt ? "an rt" : "a plain",
		       returns_to >= lo && returns_to < hi ? "yes" : "no");
	}
}

static volatile int steps;

static void on_trap(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	(void)sig, (void)si;
	if (++steps >= 500)     /* enough: the rest without stepping */
		uc->uc_mcontext.gregs[REG_EFL] &= ~0x100;
}

/* getpid through AT_SYSINFO with eflags | set in user mode. */
static long vsyscall_getpid_with(uint32_t set)
{
	long r;

	__asm__ volatile("pushfl\n\torl %3, (%%esp)\n\tpopfl\n\tcall *%2\n\t"
			 "pushfl\n\tandl %4, (%%esp)\n\tpopfl"
			 : "=a"(r) : "0"(SYS_getpid), "r"(getauxval(AT_SYSINFO)), "r"(set), "r"(~set)
			 : "memory", "ecx", "edx", "cc");
	return r;
}

static void sysenter_bad_stack(void)
{
	__asm__ volatile("movl %0, %%ebp\n\tsysenter" : : "r"(0x10000), "a"(SYS_getpid) : "memory");
}

/* What a program may do to the sysenter path: single-step through it,
 * enter with NT set, enter with a stack that is not there. The kernel
 * carries on each time. */
static void sysenter_abuse(void)
{
	struct sigaction sa = { .sa_sigaction = on_trap, .sa_flags = SA_SIGINFO };

	long pid;

	CHECK(sigaction(SIGTRAP, &sa, NULL) == 0);
	pid = vsyscall_getpid_with(0x100);
	/* some 6 steps to sysenter, and as many after, if the step goes on */
	printf("getpid single-stepped through the vDSO: right: %s; stepped before and after sysenter: %s\n",
	       pid == getpid() ? "yes" : "no", steps > 9 ? "yes" : "no");
	printf("getpid with NT set: right: %s\n", vsyscall_getpid_with(0x4000) == getpid() ? "yes" : "no");
	printf("sysenter with ebp at an unmapped page: killed by signal %d\n", signal_of(sysenter_bad_stack));
}

static const struct test_case cases[] = {
	CASE(image), CASE(maps), CASE(calls), CASE(setting), CASE(protections), CASE(restorers),
	CASE(sysenter_abuse),
};

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	return RUN_CASES(cases);
}
