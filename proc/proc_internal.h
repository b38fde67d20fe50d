/* What the files of proc/ share among themselves. */
#ifndef PROC_INTERNAL_H
#define PROC_INTERNAL_H

#include <pagoda/proc.h>
#include <pagoda/signal.h>

#define RLIM_INFINITY   (~0ull)

/* Every system call has this shape; unused arguments are ignored. */
#define SYSCALL(name) long sys_##name(uint32_t a0 __attribute__((unused)), \
	uint32_t a1 __attribute__((unused)), uint32_t a2 __attribute__((unused)), \
	uint32_t a3 __attribute__((unused)), uint32_t a4 __attribute__((unused)), \
	uint32_t a5 __attribute__((unused)))
typedef long (*syscall_fn)(uint32_t, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t);

struct proc *proc_alloc(void);
struct proc *proc_init(void);           /* pid 1, or NULL before it runs */
void signal_forget(struct proc *p);     /* its pending signals go (exit) */
void proc_free(struct proc *p);
void rlimits_default(struct proc *p);
int proc_fork(struct proc **childp);
int proc_wait(int pid, int *status, uint64_t *minflt, bool nohang);

/* execve with argument strings in the kernel (pid 1) or in user memory. */
int exec_kernel(struct proc *p, const char *path, char *const argv[], char *const envp[]);
int exec_user(const char *path, vaddr_t argv, vaddr_t envp);

#endif /* PROC_INTERNAL_H */
