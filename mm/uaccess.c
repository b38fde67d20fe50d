/*
 * copyin/copyout and friends (see <pagoda/uaccess.h>): the range checks
 * here, the copying in arch/x86/usercopy.S.
 */
#include <pagoda/uaccess.h>
#include <pagoda/errno.h>
#include <pagoda/panic.h>
#include <pagoda/vm.h>

size_t arch_clear_user(void *dst, size_t n);
long arch_copy_str_user(char *dst, const char *src, size_t max);
long arch_strnlen_user(const char *src, size_t max);

static struct uaccess_window *window;   /* the running thread's */

void uaccess_window_switch(struct uaccess_window *w)
{
	window = w;
}

/* Whether [va, va + n) lies in the running thread's open window. */
bool uaccess_in_window(vaddr_t va, size_t n)
{
	const struct uaccess_window *w = window;

	return w && w->len && va >= w->base && va - w->base <= w->len && n <= w->len - (va - w->base);
}

vaddr_t uaccess_window_open(void *buf, size_t n)
{
	struct uaccess_window *w = window;

	if (!w || w->len)
		panic("uaccess_window_open: no thread, or a window already open");
	w->base = (uintptr_t)buf;
	w->len = n;
	return (vaddr_t)(uintptr_t)buf;
}

void uaccess_window_close(void)
{
	window->len = 0;
}

size_t copyout_partial(vaddr_t dst, const void *src, size_t n)
{
	size_t done = 0;

	if (!user_range_ok(dst, n))
		return 0;
	while (done < n) {
		/* up to the end of dst's page: a page is copied whole or not */
		size_t k = MIN(n - done, PAGE_SIZE - (dst + done) % PAGE_SIZE);

		if (copyout(dst + done, (const char *)src + done, k))
			break;
		done += k;
	}
	return done;
}

size_t copyin_partial(void *dst, vaddr_t src, size_t n)
{
	size_t done = 0;

	if (!user_range_ok(src, n))
		return 0;
	while (done < n) {
		size_t k = MIN(n - done, PAGE_SIZE - (src + done) % PAGE_SIZE);

		if (copyin((char *)dst + done, src + done, k))
			break;
		done += k;
	}
	return done;
}

long copyout_made(vaddr_t dst, size_t n, void (*make)(void *buf, size_t k))
{
	uint8_t chunk[256];
	size_t done = 0;

	while (done < n) {
		size_t k = MIN(n - done, sizeof(chunk)), got;

		make(chunk, k);
		got = copyout_partial(dst + done, chunk, k);
		done += got;
		if (got < k)
			break;
	}
	return done || n == 0 ? (long)done : -EFAULT;
}

int clear_user(vaddr_t dst, size_t n)
{
	if (!user_range_ok(dst, n))
		return -EFAULT;
	return arch_clear_user((void *)dst, n) ? -EFAULT : 0;
}

/*
 * The user string at src: copied into dst (size bytes, NUL included) or,
 * with dst NULL, only measured. Reading stops at the kernel, where a fault
 * would be EFAULT.
 */
static int user_string(char *dst, vaddr_t src, size_t size, size_t *len)
{
	size_t max = size;
	long got;

	if (src >= VM_USER_END)
		return -EFAULT;
	if (max > VM_USER_END - src)
		max = VM_USER_END - src;
	got = dst ? arch_copy_str_user(dst, (const char *)src, max)
		  : arch_strnlen_user((const char *)src, max);
	if (got < 0)
		return -EFAULT;
	if ((size_t)got == max)         /* no NUL within reach */
		return max < size ? -EFAULT : -ENAMETOOLONG;
	if (len)
		*len = (size_t)got;
	return 0;
}

int copyinstr(char *dst, vaddr_t src, size_t size, size_t *len)
{
	return user_string(dst, src, size, len);
}

int strlen_user(vaddr_t src, size_t size, size_t *len)
{
	return user_string(NULL, src, size, len);
}
