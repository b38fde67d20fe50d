/*
 * The vDSO: a small shared object (arch/x86/vdso/) that exec maps into
 * every process, with the data page it reads the clocks from just below:
 *
 *   [vvar]  1 page, read-only, shared by every process: struct vdso_data
 *   [vdso]  the image, read and execute, private (a debugger's write to it
 *           copies the page, as on Linux)
 *
 * Neither may be changed in part (-EINVAL: Linux's special mappings), only
 * whole; [vvar] never made writable (-EACCES).
 *
 * Both are objects of shared frames made at boot (vdso_init), so mapping
 * them costs two regions and no copying. AT_SYSINFO_EHDR names the image
 * and AT_SYSINFO its __kernel_vsyscall (the system-call entry glibc and
 * musl use: sysenter where the CPU has it). The kernel writes the data
 * page when the clock's parameters change (vdso_update), under a seqlock.
 */
#include "proc_internal.h"
#include <pagoda/clock.h>
#include <pagoda/errno.h>
#include <pagoda/kmap.h>
#include <pagoda/panic.h>
#include <pagoda/string.h>
#include <pagoda/vdso.h>
#include <pagoda/vm.h>

static struct vm_object *vdso_text, *vdso_data;
static struct page *data_frame;
static uint32_t text_pages;

/* The frame of page index of obj, made now: one that cannot be made at
 * boot leaves nothing to run programs with. */
static struct page *boot_frame(struct vm_object *obj, uint32_t index)
{
	struct page *frame;

	if (vm_object_frame(&kernel_vm_env, obj, index, &frame))
		panic("vdso_init: no frame for the vDSO's page %u", index);
	return frame;
}

void vdso_init(void)
{
	const struct vdso_image *img;

	arch_vdso_init();
	img = arch_vdso_image();

	text_pages = (uint32_t)((img->size + PAGE_SIZE - 1) / PAGE_SIZE);
	vdso_text = vm_object_anon_shared(&kernel_vm_env, (uint64_t)text_pages * PAGE_SIZE);
	vdso_data = vm_object_anon_shared(&kernel_vm_env, VDSO_DATA_PAGES * PAGE_SIZE);
	if (!vdso_text || !vdso_data)
		panic("vdso_init: no memory for the vDSO");
	for (uint32_t i = 0; i < text_pages; i++) {
		size_t off = (size_t)i * PAGE_SIZE;

		kernel_vm_env.fill_frame(boot_frame(vdso_text, i), img->start + off, MIN((size_t)PAGE_SIZE, img->size - off));
	}
	data_frame = boot_frame(vdso_data, 0);
	vdso_update();
}

void vdso_update(void)
{
	struct vdso_data *d = kmap(data_frame);

	d->seq++;               /* odd: readers wait */
	__asm__ volatile("" ::: "memory");
	clock_vdso_params(&d->mult, &d->tsc_base, &d->realtime_offset);
	timezone_get(&d->tz_minuteswest, &d->tz_dsttime);
	__asm__ volatile("" ::: "memory");
	d->seq++;
	kunmap(d);
}

int vdso_map(struct vmspace *vs)
{
	size_t len = (VDSO_DATA_PAGES + text_pages) * PAGE_SIZE;
	vaddr_t base, data, text;
	int err;

	if ((err = vm_find_free(vs, 0, len, &base)))
		return err;
	data = base;
	text = base + VDSO_DATA_PAGES * PAGE_SIZE;
	if ((err = vm_map(vs, &data, VDSO_DATA_PAGES * PAGE_SIZE, VM_PROT_READ,
			  VM_MAP_NOREPLACE | VM_REGION_NOWRITE | VM_REGION_NOSPLIT, vdso_data, 0)))
		return err;
	if ((err = vm_map(vs, &text, (size_t)text_pages * PAGE_SIZE, VM_PROT_READ | VM_PROT_EXEC,
			  VM_MAP_NOREPLACE | VM_REGION_NOSPLIT, vdso_text, 0)))
		return err;
	vs->vdso_base = text;
	return 0;
}

const char *vdso_region_name(const struct vm_region *r)
{
	if (r->obj && r->obj == vdso_data)
		return "[vvar]";
	if (r->obj && r->obj == vdso_text)
		return "[vdso]";
	return NULL;
}
