/*
 * execve: replace a process's program with an ELF executable from the
 * initramfs.
 *
 * Everything that can fail happens before the old program is touched:
 * the arguments are copied into the kernel, the file is checked
 * (elf_check), and a whole new address space is built and its stack
 * written. Only then is the old address space dropped. Segments are not
 * read at exec time: each is a private mapping of the file, filled page by
 * page as the program faults on it.
 */
#include "proc_internal.h"
#include <pagoda/elf.h>
#include <pagoda/errno.h>
#include <pagoda/file.h>
#include <pagoda/initramfs.h>
#include <pagoda/kernel.h>
#include <pagoda/kmalloc.h>
#include <pagoda/random.h>
#include <pagoda/string.h>
#include <pagoda/uaccess.h>
#include <arch/mmu.h>

#define STACK_INIT_SIZE (128 * 1024)    /* mapped at exec; grows down from there */
#define PLATFORM        "i686"
#define PAGE_MASK       ((vaddr_t)PAGE_SIZE - 1)

/* Auxiliary vector types (Linux's <uapi/linux/auxvec.h>). */
enum { AT_NULL = 0, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6, AT_BASE = 7,
       AT_FLAGS = 8, AT_ENTRY = 9, AT_UID = 11, AT_EUID = 12, AT_GID = 13, AT_EGID = 14,
       AT_PLATFORM = 15, AT_HWCAP = 16, AT_CLKTCK = 17, AT_SECURE = 23, AT_RANDOM = 25,
       AT_EXECFN = 31 };
#define NAUX 18                 /* entries written, AT_NULL included */

/* The argument and environment strings, back to back, argv's first. */
struct exec_args {
	char *buf;
	size_t used;
	int argc, envc;
};

static int args_add_kernel(struct exec_args *a, char *const list[], int *count)
{
	for (; list && *list; list++) {
		size_t len = strlen(*list) + 1;

		if (len > ARG_MAX - a->used)
			return -E2BIG;
		memcpy(a->buf + a->used, *list, len);
		a->used += len;
		(*count)++;
	}
	return 0;
}

/* Copy a NULL-terminated user array of strings (uva 0: none). */
static int args_add_user(struct exec_args *a, vaddr_t uva, int *count)
{
	for (; uva; uva += sizeof(uint32_t)) {
		uint32_t str;
		size_t len;
		int err = copyin(&str, uva, sizeof(str));

		if (err)
			return err;
		if (!str)
			return 0;
		err = copyinstr(a->buf + a->used, str, ARG_MAX - a->used, &len);
		if (err)
			return err == -ENAMETOOLONG ? -E2BIG : err;
		a->used += len + 1;
		(*count)++;
	}
	return 0;
}

static vm_prot_t segment_prot(uint32_t flags)
{
	return ((flags & PF_R) ? VM_PROT_READ : 0) | ((flags & PF_W) ? VM_PROT_WRITE : 0) |
	       ((flags & PF_X) ? VM_PROT_EXEC : 0);
}

/*
 * One PT_LOAD: the pages holding file bytes map a file object that starts
 * at the segment's first page and ends at its last file byte, so the rest
 * of that page reads as zero (the start of bss); the pages after are
 * anonymous, demand-zero.
 */
static int map_segment(struct vmspace *vs, const uint8_t *image, const Elf32_Phdr *ph)
{
	vaddr_t start = ph->p_vaddr & ~PAGE_MASK;
	vaddr_t file_end = ALIGN_UP(ph->p_vaddr + ph->p_filesz, PAGE_SIZE);
	vaddr_t mem_end = ALIGN_UP(ph->p_vaddr + ph->p_memsz, PAGE_SIZE);
	vm_prot_t prot = segment_prot(ph->p_flags);
	vaddr_t va = start;
	int err;

	if (ph->p_filesz > 0) {
		uint32_t lead = ph->p_vaddr & PAGE_MASK;
		struct vm_object *obj = vm_object_file(&kernel_vm_env, image + ph->p_offset - lead,
						       (uint64_t)lead + ph->p_filesz);

		if (!obj)
			return -ENOMEM;
		err = vm_map(vs, &va, file_end - start, prot, VM_MAP_NOREPLACE, obj, 0);
		vm_object_put(&kernel_vm_env, obj);     /* the region holds its own */
		if (err)
			return err == -EEXIST ? -ENOEXEC : err;
		va = file_end;
	}
	if (mem_end > va) {
		err = vm_map(vs, &va, mem_end - va, prot, VM_MAP_NOREPLACE, NULL, 0);
		if (err)
			return err == -EEXIST ? -ENOEXEC : err;
	}
	return 0;
}

/*
 * The initial stack, as Linux lays it out, from the top of user space
 * down: a zero word, the file name (AT_EXECFN), the argument and
 * environment strings, the platform string, 16 random bytes; then, 16-byte
 * aligned, argc, argv[], NULL, envp[], NULL and the auxiliary vector.
 * Built in a kernel buffer and written with one copyout; vs must be active.
 */
static int build_stack(const struct exec_args *a, const char *execfn,
		       const struct elf_info *info, vaddr_t *spp)
{
	size_t fnlen = strlen(execfn) + 1;
	size_t nwords = 1 + (size_t)a->argc + 1 + (size_t)a->envc + 1 + 2 * NAUX;
	size_t total = 4 + fnlen + a->used + sizeof(PLATFORM) + 16 + 16 + nwords * 4 + 16;
	vaddr_t top = VM_USER_END, base = top - total, pos, strings, platform, rnd, execfn_va, sp;
	uint8_t *buf = vmalloc(total);
	uint32_t *w;
	size_t off = 0;
	int err;

	if (!buf)
		return -ENOMEM;
#define AT(va) (buf + ((va) - base))
	pos = top - 4;
	memset(AT(pos), 0, 4);
	pos -= fnlen;
	execfn_va = pos;
	memcpy(AT(pos), execfn, fnlen);
	pos -= a->used;
	strings = pos;
	memcpy(AT(pos), a->buf, a->used);
	pos -= sizeof(PLATFORM);
	platform = pos;
	memcpy(AT(pos), PLATFORM, sizeof(PLATFORM));
	pos -= 16;
	rnd = pos;
	random_bytes(AT(pos), 16);
	sp = ((pos & ~(vaddr_t)15) - nwords * 4) & ~(vaddr_t)15;
	w = (uint32_t *)AT(sp);
	*w++ = (uint32_t)a->argc;
	for (int i = 0; i < a->argc + a->envc; i++) {
		if (i == a->argc)
			*w++ = 0;               /* the end of argv */
		*w++ = (uint32_t)(strings + off);
		off += strlen(a->buf + off) + 1;
	}
	*w++ = 0;
	const uint32_t aux[NAUX][2] = {
		{ AT_HWCAP, arch_hwcap() }, { AT_PAGESZ, PAGE_SIZE }, { AT_CLKTCK, TIMER_HZ },
		{ AT_PHDR, info->phdr_vaddr }, { AT_PHENT, sizeof(Elf32_Phdr) },
		{ AT_PHNUM, info->phnum }, { AT_BASE, 0 }, { AT_FLAGS, 0 },
		{ AT_ENTRY, info->entry }, { AT_UID, 0 }, { AT_EUID, 0 }, { AT_GID, 0 },
		{ AT_EGID, 0 }, { AT_SECURE, 0 }, { AT_RANDOM, (uint32_t)rnd },
		{ AT_EXECFN, (uint32_t)execfn_va }, { AT_PLATFORM, (uint32_t)platform },
		{ AT_NULL, 0 },
	};
	memcpy(w, aux, sizeof(aux));
#undef AT
	err = copyout(sp, buf + (sp - base), top - sp) ? -ENOMEM : 0;
	vfree(buf);
	*spp = sp;
	return err;
}

/* The part of exec that replaces p's program: a checked ELF image. */
static int exec_image(struct proc *p, const char *path, const char *canon,
		      struct initramfs_entry *e, const struct exec_args *a)
{
	struct vmspace *vs, *old = p->vs, *was_active = vm_current;
	struct elf_info info;
	vaddr_t stack = VM_USER_END - STACK_INIT_SIZE, sp;
	const char *base;
	int err;

	/* Only a regular file with an execute bit runs (root included). */
	if (!S_ISREG(e->mode) || !(e->mode & 0111))
		return -EACCES;
	err = elf_check(e->data, e->size, VM_USER_MIN, VM_USER_END, &info);
	if (err)
		return err;
	vs = vmspace_new();
	if (!vs)
		return -ENOMEM;
	for (unsigned i = 0; i < info.phnum && err == 0; i++)
		if (info.phdrs[i].p_type == PT_LOAD)
			err = map_segment(vs, e->data, &info.phdrs[i]);
	if (err == 0)
		err = vm_map(vs, &stack, STACK_INIT_SIZE, VM_PROT_RW,
			     VM_MAP_NOREPLACE | VM_REGION_GROWSDOWN, NULL, 0);
	if (err == 0) {
		vmspace_activate(vs);
		err = build_stack(a, path, &info, &sp);
	}
	if (err) {
		vmspace_activate(was_active);
		vmspace_free(vs);
		return err == -EEXIST ? -ENOEXEC : err;
	}
	/* The point of no return: the old program is gone. */
	p->vs = vs;
	if (old) {
		p->min_flt += vmspace_minor_faults(old);
		vmspace_free(old);
	}
	if (p != proc_current)
		vmspace_activate(was_active);
	p->brk_start = p->brk = info.brk;
	base = strrchr(canon, '/') ? strrchr(canon, '/') + 1 : canon;
	strlcpy(p->name, base, sizeof(p->name));
	p->exe[0] = '/';
	strlcpy(p->exe + 1, canon, sizeof(p->exe) - 1);
	for (int s = 0; s < NSIG; s++)          /* handlers go; ignored stays ignored */
		if (p->sigactions[s].handler != SIG_IGN)
			memset(&p->sigactions[s], 0, sizeof(p->sigactions[s]));
	files_exec(p);
	if (p == proc_current)
		arch_thread_reset(&p->thread);
	arch_trapframe_exec(p->tf, info.entry, sp);
	return 0;
}

static int exec_common(struct proc *p, const char *path, struct exec_args *a)
{
	char canon[PROC_PATH_MAX];
	struct initramfs_entry *e;
	int err = initramfs_canon(path, canon, sizeof(canon));

	if (err)
		return err;
	e = initramfs_lookup(canon);
	if (!e)
		return -ENOENT;
	if (S_ISDIR(e->mode))
		return -EACCES;
	return exec_image(p, path, canon, e, a);
}

int exec_kernel(struct proc *p, const char *path, char *const argv[], char *const envp[])
{
	struct exec_args a = { .buf = vmalloc(ARG_MAX) };
	int err;

	if (!a.buf)
		return -ENOMEM;
	err = args_add_kernel(&a, argv, &a.argc);
	if (err == 0)
		err = args_add_kernel(&a, envp, &a.envc);
	if (err == 0)
		err = exec_common(p, path, &a);
	vfree(a.buf);
	return err;
}

int exec_user(const char *path, vaddr_t argv, vaddr_t envp)
{
	struct exec_args a = { .buf = vmalloc(ARG_MAX) };
	int err;

	if (!a.buf)
		return -ENOMEM;
	err = args_add_user(&a, argv, &a.argc);
	if (err == 0)
		err = args_add_user(&a, envp, &a.envc);
	if (err == 0)
		err = exec_common(proc_current, path, &a);
	vfree(a.buf);
	return err;
}
