/*
 * int 0x80: Linux i386's system-call convention. The number is in eax,
 * the arguments in ebx, ecx, edx, esi, edi and ebp; the result, or -errno,
 * comes back in eax, and every other register is preserved (the trap
 * frame restores them). This file holds the table, and the calls too
 * small to have a home elsewhere: identity, limits, system facts.
 */
#include "proc_internal.h"
#include <pagoda/errno.h>
#include <pagoda/log.h>
#include <pagoda/halt.h>
#include <pagoda/timer.h>
#include <pagoda/heap.h>
#include <pagoda/kmalloc.h>
#include <pagoda/page_alloc.h>
#include <pagoda/slab.h>
#include <pagoda/vmalloc.h>
#include <pagoda/random.h>
#include <pagoda/string.h>
#include <pagoda/time.h>
#include <pagoda/uaccess.h>

#define SYSCALL_NR_MAX  (PAGODA_NR_PAGEWALK + 1)    /* Linux's end at 450 */
#include "syscall_nr.h"

#define X(name) long sys_##name(uint32_t, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t);
#include "syscall_list.h"
#undef X

static const syscall_fn syscall_table[SYSCALL_NR_MAX] = {
#define X(name) [__NR_##name] = sys_##name,
#include "syscall_list.h"
#undef X
};

static uint64_t unknown_calls;

uint64_t syscall_unknown_count(void)
{
	return unknown_calls;
}

/* int 0x80's own way in, from syscall_common in trap_entry.S (every other
 * trap goes through trap_dispatch): the call, then the way back to user
 * mode. From the kernel (its self-tests) there is no process to make a
 * call: -ENOSYS. All in one function, as the commonest trap of all. */
void syscall_trap(struct trapframe *tf)
{
	uint32_t nr = tf->eax;
	syscall_fn fn = nr < SYSCALL_NR_MAX ? syscall_table[nr] : NULL;

	trap_count_one(T_SYSCALL);
	if (!trap_from_user(tf)) {
		tf->eax = (uint32_t)-ENOSYS;
		return;
	}
	if (fn) {
		proc_current->syscall_nr = nr;
		tf->eax = (uint32_t)fn(tf->ebx, tf->ecx, tf->edx, tf->esi, tf->edi, tf->ebp);
	} else {
		unknown_calls++;
		pr_debug("%s[%d]: unknown system call %u\n", proc_current->name, proc_current->pid, nr);
		tf->eax = (uint32_t)-ENOSYS;
	}
	proc_return_to_user(tf);
}

/* ---- identity: everyone is root ---- */

SYSCALL(getuid) { return 0; }
SYSCALL(gettid) { return proc_current->pid; }

SYSCALL(getresuid32)
{
	uint32_t zero = 0;

	if (copyout(a0, &zero, 4) || copyout(a1, &zero, 4) || copyout(a2, &zero, 4))
		return -EFAULT;
	return 0;
}

/* ---- the system ---- */

struct utsname {
	char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};

/* The release names the Linux ABI level Pagoda implements: glibc refuses
 * to start on a kernel it thinks too old. */
SYSCALL(uname)
{
	struct utsname u;

	memset(&u, 0, sizeof(u));
	strlcpy(u.sysname, "Linux", sizeof(u.sysname));
	strlcpy(u.nodename, "pagoda", sizeof(u.nodename));
	strlcpy(u.release, "6.1.0-pagoda", sizeof(u.release));
	strlcpy(u.version, "#1 Pagoda", sizeof(u.version));
	strlcpy(u.machine, "i686", sizeof(u.machine));
	strlcpy(u.domainname, "(none)", sizeof(u.domainname));
	return copyout(a0, &u, sizeof(u));
}

SYSCALL(reboot)
{
	if (a0 != 0xfee1dead || (a1 != 672274793 && a1 != 85072278 && a1 != 369367448 &&
				 a1 != 537993216))
		return -EINVAL;
	printk("reboot: %s[%d] asked to restart; stopping.\n", proc_current->name, proc_current->pid);
	kernel_power_off();
}

/* struct sysinfo for i386: freeram counts free frames exactly. */
struct sysinfo {
	int32_t uptime;
	uint32_t loads[3];
	uint32_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	uint16_t procs, pad;
	uint32_t totalhigh, freehigh, mem_unit;
	char reserved[8];
};

SYSCALL(sysinfo)
{
	struct sysinfo si;
	uint32_t avg[3], running, procs;

	sched_loadavg(avg, &running, &procs);
	memset(&si, 0, sizeof(si));
	si.uptime = (int32_t)(clock_mono_ns() / NSEC_PER_SEC);
	for (int i = 0; i < 3; i++)
		si.loads[i] = avg[i] << (16 - 11);      /* SI_LOAD_SHIFT, from 11 bits of fraction */
	/* Empty slabs go back first, so that freeram is exact: a test can
	 * check that memory returns to where it started. */
	kmalloc_reclaim();
	si.totalram = (uint32_t)(page_alloc_boot.total_bytes / PAGE_SIZE);
	si.freeram = (uint32_t)pmm_free_count(&kernel_pmm);
	si.procs = (uint16_t)procs;
	si.mem_unit = PAGE_SIZE;
	return copyout(a0, &si, sizeof(si));
}

#define GRND_NONBLOCK   0x1
#define GRND_RANDOM     0x2
#define GRND_INSECURE   0x4

/* getrandom: Linux's flag rules, then the buffer whole (-EFAULT if it runs
 * into the kernel), then as many bytes as can be written. */
SYSCALL(getrandom)
{
	size_t len = MIN(a1, MAX_RW_COUNT);

	if ((a2 & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) ||
	    (a2 & (GRND_RANDOM | GRND_INSECURE)) == (GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if (!user_range_ok(a0, len))
		return -EFAULT;
	return copyout_made(a0, len, random_bytes);
}

/* prctl: PR_SET_NAME (15) and PR_GET_NAME (16); others -EINVAL. */
SYSCALL(prctl)
{
	char name[PROC_NAME_MAX] = { 0 };       /* PR_GET_NAME copies out all of it */
	size_t len;

	if (a0 == 15) {
		if (copyinstr(name, a1, sizeof(name), &len) == -EFAULT)
			return -EFAULT;
		name[sizeof(name) - 1] = '\0';
		memcpy(proc_current->name, name, sizeof(name));
		return 0;
	}
	if (a0 == 16)
		return copyout(a1, proc_current->name, sizeof(proc_current->name));
	return -EINVAL;
}

SYSCALL(rseq) { return -ENOSYS; }
SYSCALL(set_robust_list) { return -ENOSYS; }

/* futex without threads: WAIT sees a changed word (-EAGAIN) or would
 * sleep forever; WAKE finds nobody. */
SYSCALL(futex)
{
	uint32_t op = a1 & 0x7f, val;

	if (op == 1)                    /* FUTEX_WAKE */
		return 0;
	if (op == 0) {                  /* FUTEX_WAIT */
		if (copyin(&val, a0, sizeof(val)))
			return -EFAULT;
		return val != a2 ? -EAGAIN : -EINTR;
	}
	return -ENOSYS;
}

/* ---- limits ---- */

#define STACK_MAX_LIMIT (256u << 20)    /* an unlimited stack still stops here */

void rlimits_default(struct proc *p)
{
	for (int i = 0; i < RLIM_NLIMITS; i++)
		p->rlimits[i][0] = p->rlimits[i][1] = RLIM_INFINITY;
	p->rlimits[RLIMIT_STACK][0] = VM_STACK_MAX_DEFAULT;
	p->rlimits[RLIMIT_NOFILE][0] = p->rlimits[RLIMIT_NOFILE][1] = FD_MAX;
	p->rlimits[RLIMIT_CORE][0] = 0;         /* no core files */
}

/* prlimit64(pid, resource, new, old): for the caller (pid 0 or its own). */
SYSCALL(prlimit64)
{
	uint64_t lim[2];
	struct proc *p = proc_current;

	if (a0 && (int)a0 != p->pid)
		return proc_find((int)a0) ? -EPERM : -ESRCH;
	if (a1 >= RLIM_NLIMITS)
		return -EINVAL;
	if (a3 && copyout(a3, p->rlimits[a1], sizeof(lim)))
		return -EFAULT;
	if (a2) {
		if (copyin(lim, a2, sizeof(lim)))
			return -EFAULT;
		if (lim[0] > lim[1])
			return -EINVAL;
		memcpy(p->rlimits[a1], lim, sizeof(lim));
		if (a1 == RLIMIT_STACK)
			p->vs->stack_max = lim[0] > STACK_MAX_LIMIT ? STACK_MAX_LIMIT : (uint32_t)lim[0];
	}
	return 0;
}

/* ugetrlimit: the 32-bit form, infinity as 0xffffffff. */
SYSCALL(ugetrlimit)
{
	uint32_t lim[2];

	if (a0 >= RLIM_NLIMITS)
		return -EINVAL;
	for (int i = 0; i < 2; i++) {
		uint64_t v = proc_current->rlimits[a0][i];

		lim[i] = v > 0xffffffffull ? 0xffffffffu : (uint32_t)v;
	}
	return copyout(a1, lim, sizeof(lim));
}

/* ---- the calls that are another under an older name ---- */

SYSCALL(getgid) { return 0; }
SYSCALL(geteuid) { return 0; }
SYSCALL(getegid) { return 0; }
SYSCALL(getuid32) { return 0; }
SYSCALL(getgid32) { return 0; }
SYSCALL(geteuid32) { return 0; }
SYSCALL(getegid32) { return 0; }
SYSCALL(getresgid32) { return sys_getresuid32(a0, a1, a2, 0, 0, 0); }
