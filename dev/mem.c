/*
 * The memory devices of Linux's major 1: /dev/null (1:3) takes everything
 * and gives nothing; /dev/zero (1:5) gives zeros, and its mappings are
 * anonymous memory (private ones private, shared ones a new shared
 * object, as Linux's shmem_zero_setup); /dev/full (1:7) gives zeros and
 * is always full; /dev/random (1:8) and /dev/urandom (1:9) give the
 * kernel's random bytes and accept writes.
 */
#include <pagoda/errno.h>
#include <pagoda/file.h>
#include <pagoda/random.h>
#include <pagoda/string.h>
#include <pagoda/uaccess.h>
#include <pagoda/vm.h>

static long null_read(struct file *f, vaddr_t buf, size_t n, bool wait)
{
	(void)f, (void)buf, (void)n, (void)wait;
	return 0;
}

static long null_write(struct file *f, vaddr_t buf, size_t n)
{
	(void)f, (void)buf;
	return (long)n;
}

static void fill_zero(void *b, size_t k)
{
	memset(b, 0, k);
}

static long zero_read(struct file *f, vaddr_t buf, size_t n, bool wait)
{
	(void)f, (void)wait;
	return clear_user(buf, n) ? copyout_made(buf, n, fill_zero) : (long)n;
}

static long full_write(struct file *f, vaddr_t buf, size_t n)
{
	(void)f, (void)buf, (void)n;
	return -ENOSPC;
}

static long random_read(struct file *f, vaddr_t buf, size_t n, bool wait)
{
	(void)f, (void)wait;
	return copyout_made(buf, n, random_bytes);
}

static int zero_mmap(struct file *f, bool shared, uint64_t end, struct vm_object **obj)
{
	(void)f;
	if (!shared) {
		*obj = NULL;            /* private anonymous memory */
		return 0;
	}
	*obj = vm_object_anon_shared(&kernel_vm_env, end);
	return *obj ? 0 : -ENOMEM;
}

const struct file_ops null_ops = {
	.read = null_read, .write = null_write, .seek_zero = true, .splice_write = true,
};
const struct file_ops zero_ops = {
	.read = zero_read, .write = null_write, .mmap = zero_mmap, .seek_zero = true,
};
const struct file_ops full_ops = { .read = zero_read, .write = full_write, .seek_zero = true };
/* /dev/random's poll, Linux's random_poll: readable once the generator
 * is seeded, which it is from boot. */
static uint32_t random_poll(struct file *f, struct poll_table *pt)
{
	(void)f, (void)pt;
	return POLLIN | POLLRDNORM;
}

const struct file_ops random_ops = {
	.read = random_read, .write = null_write, .poll = random_poll, .seek_zero = true,
	.splice_read = true, .splice_write = true,
};
/* /dev/urandom has no poll (always ready, and epoll refuses it), as Linux's. */
const struct file_ops urandom_ops = {
	.read = random_read, .write = null_write, .seek_zero = true,
	.splice_read = true, .splice_write = true,
};
