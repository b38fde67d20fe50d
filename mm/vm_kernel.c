/*
 * The VM on the real machine: the kernel's vm_env (frames from the
 * kernel's allocator, records from kmalloc, frame contents through kmap)
 * and the current address space.
 */
#include <pagoda/vm.h>
#include <pagoda/kmalloc.h>
#include <pagoda/kmap.h>
#include <pagoda/string.h>
#include <arch/memlayout.h>

_Static_assert(VM_USER_END == USER_TOP, "the VM's user space ends where the kernel half begins");

struct vmspace *vm_current;

static void kernel_fill_frame(struct page *dst, const void *src, size_t n)
{
	uint8_t *p = kmap(dst);

	memcpy(p, src, n);
	memset(p + n, 0, PAGE_SIZE - n);
	kunmap(p);
}

static void kernel_zero_tail(struct page *frame, size_t from)
{
	uint8_t *p = kmap(frame);

	memset(p + from, 0, PAGE_SIZE - from);
	kunmap(p);
}

static void *kernel_zalloc(size_t size)
{
	return kzalloc(size);
}

static void kernel_free(void *p)
{
	kfree(p);
}

const struct vm_env kernel_vm_env = {
	.pmap = &kernel_pmap_env,
	.kernel = &kernel_pmap,
	.zalloc = kernel_zalloc,
	.free = kernel_free,
	.zero_frame = pmm_zero_page,
	.copy_frame = pmm_copy_page,
	.fill_frame = kernel_fill_frame,
	.zero_tail = kernel_zero_tail,
};

void vmspace_activate(struct vmspace *vs)
{
	vm_current = vs;
	pmap_activate(vs ? &vs->pmap : &kernel_pmap);
}

struct vmspace *vmspace_new(void)
{
	struct vmspace *vs = kzalloc(sizeof(*vs));

	if (vs && vmspace_init(vs, &kernel_vm_env) != 0) {
		kfree(vs);
		vs = NULL;
	}
	if (vs)
		vs->users = 1;
	return vs;
}

void vmspace_free(struct vmspace *vs)
{
	if (vs->users > 1) {
		vs->users--;
		return;
	}
	if (vs == vm_current)
		vmspace_activate(NULL);
	vmspace_destroy(vs);
	kfree(vs);
}
