/*
 * Safe access to user memory (mm/uaccess.c): the only way kernel code
 * touches it. User addresses are vaddr_t, never pointers, so they cannot
 * be dereferenced by mistake.
 *
 * Each call checks that the whole range lies below the kernel, then
 * copies; pages not yet brought in are faulted in on the way (demand-zero,
 * file pages, copy-on-write), and a fault that cannot be resolved
 * (unmapped, forbidden, out of memory) makes it return -EFAULT instead of
 * crashing. Any other kernel-mode fault on a user address is a bug and
 * gets the full fault report.
 */
#ifndef PAGODA_UACCESS_H
#define PAGODA_UACCESS_H

#include <pagoda/errno.h>
#include <pagoda/types.h>
#include <pagoda/vm.h>

/* Whether [va, va + n) lies wholly in user space (no wrap-around):
 * Linux's access_ok. A buffer that runs into the kernel's half is -EFAULT
 * before anything is copied, even where a partial copy is allowed.
 * (Or in the thread's open window: see struct uaccess_window below.) */
bool uaccess_in_window(vaddr_t va, size_t n);

static inline bool user_range_ok(vaddr_t va, size_t n)
{
	return (va <= VM_USER_END && n <= VM_USER_END - va) || uaccess_in_window(va, n);
}

/* The copy itself, which a fault on a user page may cut short
 * (arch/x86/usercopy.S): the bytes not copied. Only the calls below use it. */
size_t arch_copy_user(void *dst, const void *src, size_t n);

/* Copy n bytes from user src to kernel dst: 0 or -EFAULT. Inline: most
 * system calls copy a few words each way, and a call costs as much. */
static inline int copyin(void *dst, vaddr_t src, size_t n)
{
	if (!user_range_ok(src, n))
		return -EFAULT;
	return arch_copy_user(dst, (const void *)src, n) ? -EFAULT : 0;
}

/* Copy n bytes from kernel src to user dst: 0 or -EFAULT. */
static inline int copyout(vaddr_t dst, const void *src, size_t n)
{
	if (!user_range_ok(dst, n))
		return -EFAULT;
	return arch_copy_user((void *)dst, src, n) ? -EFAULT : 0;
}

/* Copy what can be copied of n bytes to user dst, in order, stopping at
 * the first page that cannot be written: the bytes copied (n if all; 0 if
 * the range is not wholly user space). read() and friends return that
 * short count, as Linux does. */
size_t copyout_partial(vaddr_t dst, const void *src, size_t n);

/* The same from user src: what write() takes before a bad page. */
size_t copyin_partial(void *dst, vaddr_t src, size_t n);

/* Copy n bytes that make writes (a chunk at a time, into a kernel buffer)
 * to user dst, stopping at the first page that cannot be written: the
 * bytes copied, or -EFAULT if none could be. /dev/urandom, getrandom. */
long copyout_made(vaddr_t dst, size_t n, void (*make)(void *buf, size_t k));

/* Zero n bytes of user memory at dst: 0 or -EFAULT. */
int clear_user(vaddr_t dst, size_t n);

/*
 * Copy the NUL-terminated string at user src into dst (size bytes, the
 * NUL included); *len (if not NULL) gets its length. 0, -EFAULT, or
 * -ENAMETOOLONG if no NUL came within size bytes.
 */
int copyinstr(char *dst, vaddr_t src, size_t size, size_t *len);

/* The same, measuring only: *len is the string's length; nothing is copied. */
int strlen_user(vaddr_t src, size_t size, size_t *len);

/*
 * A kernel buffer that the current thread's copyin and copyout take for
 * user memory while it is open: how sendfile moves bytes from one file to
 * another through the very read and write operations the system calls
 * use (BSD's UIO_SYSSPACE, narrowed to one buffer). Only that range gets
 * through, and only for the thread that opened it, so no user address can
 * reach it: user addresses lie below the kernel, the window above.
 */
struct uaccess_window {
	uintptr_t base;
	size_t len;                     /* 0: closed */
};
/* Open the window on [buf, buf + n): the address to pass as a user buffer. */
vaddr_t uaccess_window_open(void *buf, size_t n);
void uaccess_window_close(void);
/* The scheduler names the window of the thread it switches to (NULL for
 * the idle loop), so that this layer never asks who is running. */
void uaccess_window_switch(struct uaccess_window *w);

/* The most one read or write moves (Linux's MAX_RW_COUNT, INT_MAX rounded
 * down to a page): longer requests are cut to it. */
#define MAX_RW_COUNT    0x7ffff000u

#endif /* PAGODA_UACCESS_H */
