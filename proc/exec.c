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
#include <pagoda/vfs.h>
#include <pagoda/panic.h>
#include <pagoda/time.h>
#include <pagoda/kmalloc.h>
#include <pagoda/random.h>
#include <pagoda/string.h>
#include <pagoda/vdso.h>
#include <pagoda/uaccess.h>
#include <pagoda/page.h>

#define STACK_INIT_SIZE (128 * 1024)    /* mapped below the arguments; grows from there */
#define PLATFORM        "i686"

/* Auxiliary vector types (Linux's <uapi/linux/auxvec.h>). */
enum { AT_NULL = 0, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6, AT_BASE = 7,
       AT_FLAGS = 8, AT_ENTRY = 9, AT_UID = 11, AT_EUID = 12, AT_GID = 13, AT_EGID = 14,
       AT_PLATFORM = 15, AT_HWCAP = 16, AT_CLKTCK = 17, AT_SECURE = 23, AT_RANDOM = 25,
       AT_EXECFN = 31, AT_SYSINFO = 32, AT_SYSINFO_EHDR = 33 };
#define NAUX 20                 /* entries written, AT_NULL included */

/*
 * Linux's limits on the arguments (fs/exec.c): one string at most 32
 * pages, NUL included; all of them, the file name and the argv and envp
 * pointers together at most a quarter of the stack limit, but never less
 * than 128 KiB nor more than 6 MiB. With the default 8 MiB stack that is
 * 2 MiB: for example 2000 arguments of 1000 bytes fit, 2100 do not.
 */
#define ARG_STRLEN_MAX  (32 * PAGE_SIZE)
#define ARG_TOTAL_MIN   (128u * 1024)
#define ARG_TOTAL_MAX   (6u << 20)

/* A NULL-terminated array of strings: in the kernel (pid 1's) or in user memory. */
struct strv {
	char *const *kernel;
	vaddr_t user;                   /* 0 (NULL): an empty list */
};

/* The argument and environment strings, back to back, argv's first. */
struct exec_args {
	struct strv argv, envp;
	char *buf;
	size_t size, used;
	int argc, envc;
};

/* Find v's i-th string: *k for a kernel list, *u for a user one; both 0 past its end. */
static int strv_at(const struct strv *v, int i, const char **k, vaddr_t *u)
{
	uint32_t str = 0;

	*k = v->kernel ? v->kernel[i] : NULL;
	if (!v->kernel && v->user && copyin(&str, v->user + (vaddr_t)i * sizeof(str), sizeof(str)))
		return -EFAULT;
	*u = str;
	return 0;
}

/* Count v's strings and add their bytes (NULs included) to *bytes; past
 * the largest limit there is no need to read on: -E2BIG. */
static int strv_measure(const struct strv *v, int *count, size_t *bytes)
{
	const char *k;
	vaddr_t u;
	size_t len;
	int err;

	for (*count = 0;; (*count)++) {
		err = strv_at(v, *count, &k, &u);
		if (err || (!k && !u))
			return err;
		if (k)
			len = strnlen(k, ARG_STRLEN_MAX);
		else if ((err = strlen_user(u, ARG_STRLEN_MAX, &len)))
			return err == -ENAMETOOLONG ? -E2BIG : err;
		*bytes += len + 1;
		if (len + 1 > ARG_STRLEN_MAX || *bytes > ARG_TOTAL_MAX)
			return -E2BIG;
	}
}

/* Append v's first count strings to a->buf (sized by strv_measure). */
static int strv_copy(const struct strv *v, int count, struct exec_args *a)
{
	const char *k;
	vaddr_t u;
	size_t len;
	int err;

	for (int i = 0; i < count; i++) {
		err = strv_at(v, i, &k, &u);
		if (err)
			return err;
		if (k)
			len = strlcpy(a->buf + a->used, k, a->size - a->used);
		else if (!u)
			return -EFAULT;         /* the list changed under us */
		else if ((err = copyinstr(a->buf + a->used, u, a->size - a->used, &len)))
			return err == -ENAMETOOLONG ? -E2BIG : err;
		if (len >= a->size - a->used)
			return -E2BIG;
		a->used += len + 1;
	}
	return 0;
}

/*
 * Gather a's strings into a kernel buffer of their size: measure, apply
 * Linux's limit from p's stack limit (execfn is the file name, copied to
 * the stack as well), then copy. An empty argv becomes { "" }, as on
 * Linux since 5.18.
 */
static int args_gather(const struct proc *p, struct exec_args *a, const char *execfn)
{
	uint64_t limit = p->rlimits[RLIMIT_STACK][0] / 4;
	size_t fnlen = strlen(execfn) + 1, bytes = fnlen, ptrs;
	int err = strv_measure(&a->argv, &a->argc, &bytes);

	if (err == 0)
		err = strv_measure(&a->envp, &a->envc, &bytes);
	if (err)
		return err;
	limit = MAX(MIN(limit, ARG_TOTAL_MAX), ARG_TOTAL_MIN);
	ptrs = (size_t)(MAX(a->argc, 1) + a->envc) * sizeof(uint32_t);
	if (ptrs >= limit || bytes > limit - ptrs)
		return -E2BIG;
	a->size = bytes - fnlen + (a->argc == 0);       /* room for { "" } */
	a->buf = vmalloc(a->size);
	if (!a->buf)
		return -ENOMEM;
	err = strv_copy(&a->argv, a->argc, a);
	if (err == 0 && a->argc == 0) {
		a->buf[a->used++] = '\0';
		a->argc = 1;
	}
	if (err == 0)
		err = strv_copy(&a->envp, a->envc, a);
	return err;
}

static vm_prot_t segment_prot(uint32_t flags)
{
	return ((flags & PF_R) ? VM_PROT_READ : 0) | ((flags & PF_W) ? VM_PROT_WRITE : 0) |
	       ((flags & PF_X) ? VM_PROT_EXEC : 0);
}

/*
 * One PT_LOAD: the pages holding file bytes map the file's page cache,
 * privately (a write copies the page); the pages after are anonymous,
 * demand-zero. The rest of the last file page is the start of bss, made
 * zero by zero_bss once the address space is active.
 */
static int map_segment(struct vmspace *vs, struct inode *file, const Elf32_Phdr *ph)
{
	vaddr_t start = ALIGN_DOWN(ph->p_vaddr, (vaddr_t)PAGE_SIZE);
	vaddr_t file_end = ALIGN_UP(ph->p_vaddr + ph->p_filesz, PAGE_SIZE);
	vaddr_t mem_end = ALIGN_UP(ph->p_vaddr + ph->p_memsz, PAGE_SIZE);
	vm_prot_t prot = segment_prot(ph->p_flags);
	vaddr_t va = start;
	int err;

	if (ph->p_filesz > 0) {
		uint32_t lead = ph->p_vaddr % PAGE_SIZE;

		err = vm_map(vs, &va, file_end - start, prot, VM_MAP_NOREPLACE, file->pages,
			     ph->p_offset - lead);
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

/* The bytes of a writable segment's last file page past its file bytes:
 * bss, which must read as zero whatever the file holds there. vs is
 * active; the write makes the page a private copy. */
static int zero_bss(const Elf32_Phdr *ph)
{
	vaddr_t from = ph->p_vaddr + ph->p_filesz, to = ALIGN_UP(from, PAGE_SIZE);

	if (ph->p_memsz <= ph->p_filesz || !(ph->p_flags & PF_W) || from == to || ph->p_filesz == 0)
		return 0;
	return clear_user(from, MIN(to - from, ph->p_memsz - ph->p_filesz)) ? -ENOMEM : 0;
}

/* The words below the strings: argc, argv[], NULL, envp[], NULL, auxv. */
static size_t stack_words(const struct exec_args *a)
{
	return 1 + (size_t)a->argc + 1 + (size_t)a->envc + 1 + 2 * NAUX;
}

/* The initial stack's size: what build_stack writes (alignment included), page-rounded. */
static size_t stack_bytes(const struct exec_args *a, const char *execfn)
{
	size_t n = 4 + strlen(execfn) + 1 + a->used + sizeof(PLATFORM) + 16 + 16 +
		   stack_words(a) * 4 + 16;

	return ALIGN_UP(n, PAGE_SIZE);
}

/*
 * The initial stack, as Linux lays it out, from the top of user space
 * down: a zero word, the file name (AT_EXECFN), the argument and
 * environment strings, the platform string, 16 random bytes; then, 16-byte
 * aligned, argc, argv[], NULL, envp[], NULL and the auxiliary vector.
 * The words are built in a kernel buffer; vs must be active.
 */
static int build_stack(const struct exec_args *a, const char *execfn,
		       const struct elf_info *info, vaddr_t *spp)
{
	size_t fnlen = strlen(execfn) + 1, nwords = stack_words(a), off = 0;
	vaddr_t execfn_va = VM_USER_END - 4 - fnlen, strings = execfn_va - a->used;
	vaddr_t platform = strings - sizeof(PLATFORM), rnd = platform - 16;
	vaddr_t sp = ((rnd & ~(vaddr_t)15) - nwords * 4) & ~(vaddr_t)15;
	uint32_t *words = vmalloc(nwords * 4), *w = words;
	uint8_t rbytes[16];
	int err;

	if (!words)
		return -ENOMEM;
	*w++ = (uint32_t)a->argc;
	for (int i = 0; i < a->argc; i++, off += strlen(a->buf + off) + 1)
		*w++ = (uint32_t)(strings + off);
	*w++ = 0;                       /* the end of argv */
	for (int i = 0; i < a->envc; i++, off += strlen(a->buf + off) + 1)
		*w++ = (uint32_t)(strings + off);
	*w++ = 0;                       /* the end of envp */
	const uint32_t aux[NAUX][2] = {
		{ AT_SYSINFO, vm_current->vdso_base + arch_vdso_image()->vsyscall },
		{ AT_SYSINFO_EHDR, vm_current->vdso_base }, { AT_HWCAP, arch_hwcap() }, { AT_PAGESZ, PAGE_SIZE }, { AT_CLKTCK, USER_HZ },
		{ AT_PHDR, info->phdr_vaddr }, { AT_PHENT, sizeof(Elf32_Phdr) },
		{ AT_PHNUM, info->phnum }, { AT_BASE, 0 }, { AT_FLAGS, 0 },
		{ AT_ENTRY, info->entry }, { AT_UID, 0 }, { AT_EUID, 0 }, { AT_GID, 0 },
		{ AT_EGID, 0 }, { AT_SECURE, 0 }, { AT_RANDOM, (uint32_t)rnd },
		{ AT_EXECFN, (uint32_t)execfn_va }, { AT_PLATFORM, (uint32_t)platform },
		{ AT_NULL, 0 },
	};
	memcpy(w, aux, sizeof(aux));
	/* Every word copied out must have been written here: the buffer came
	 * from the heap, and whatever it held before is another's. */
	if (w + 2 * NAUX != words + nwords)
		panic("build_stack: %u words written for a stack of %u",
		      (unsigned)(w + 2 * NAUX - words), (unsigned)nwords);
	random_bytes(rbytes, sizeof(rbytes));
	/* The stack is fresh demand-zero memory: the top word and the padding are 0. */
	err = copyout(execfn_va, execfn, fnlen) || copyout(strings, a->buf, a->used) ||
	      copyout(platform, PLATFORM, sizeof(PLATFORM)) ||
	      copyout(rnd, rbytes, sizeof(rbytes)) || copyout(sp, words, nwords * 4) ? -ENOMEM : 0;
	vfree(words);
	*spp = sp;
	return err;
}

/*
 * A dynamically linked program names its loader. Pagoda has none to run,
 * but answers as Linux does when that file is missing: -ENOENT.
 */
static int interp_error(struct inode *file, const struct elf_info *info)
{
	char *name = (char *)info->interp;
	struct path p;
	int err = 0;

	if (!name) {            /* past the head: read it, and check it as elf_check would */
		name = kmalloc(info->interp_size);
		if (!name)
			return -ENOMEM;
		if (vfs_read_kernel(file, name, info->interp_size, info->interp_offset) !=
		    (long)info->interp_size)
			err = -EIO;
		else if (name[info->interp_size - 1] != '\0')
			err = -ENOEXEC;
	}
	if (!err)
		err = vfs_lookup(AT_FDCWD, name, LOOKUP_FOLLOW, &p);
	if (!err) {
		path_put(&p);
		err = -ENOEXEC;
	}
	if (name != info->interp)
		kfree(name);
	return err;
}

/* The part of exec that replaces p's program: a checked ELF image. */
static int exec_image(struct proc *p, const char *path, struct path *file,
		      const uint8_t *head, size_t head_len, const struct exec_args *a)
{
	struct inode *inode = file->d->inode;
	struct vmspace *vs, *old = p->vs, *was_active = vm_current;
	struct elf_info info;
	size_t stack_size = stack_bytes(a, path) + STACK_INIT_SIZE;
	vaddr_t stack = VM_USER_END - stack_size, sp;
	const char *base;
	int err;

	err = elf_check(head, head_len, inode->size, VM_USER_MIN, VM_USER_END, &info);
	if (err == 0 && info.has_interp)
		err = interp_error(inode, &info);
	if (err)
		return err;
	vs = vmspace_new();
	if (!vs)
		return -ENOMEM;
	for (unsigned i = 0; i < info.phnum && err == 0; i++)
		if (info.phdrs[i].p_type == PT_LOAD)
			err = map_segment(vs, inode, &info.phdrs[i]);
	if (err == 0)
		err = vm_map(vs, &stack, stack_size, VM_PROT_RW,
			     VM_MAP_NOREPLACE | VM_REGION_GROWSDOWN, NULL, 0);
	if (err == 0)
		err = vdso_map(vs);
	if (err == 0) {
		vmspace_activate(vs);
		for (unsigned i = 0; i < info.phnum && err == 0; i++)
			if (info.phdrs[i].p_type == PT_LOAD)
				err = zero_bss(&info.phdrs[i]);
		if (err == 0)
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
		proc_leave_vmspace(p, old);
		vmspace_free(old);
	}
	vfork_release(p);               /* a vfork parent goes on now */
	if (p != proc_current)
		vmspace_activate(was_active);
	p->brk_start = p->brk = info.brk;
	base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;    /* as given: Linux's comm */
	memset(p->name, 0, sizeof(p->name));   /* PR_GET_NAME copies out all of it */
	strlcpy(p->name, base, sizeof(p->name));
	if (vfs_path_string(file, p->exe, sizeof(p->exe)) < 0)
		strlcpy(p->exe, path, sizeof(p->exe));
	for (int s = 0; s < NSIG; s++) {        /* handlers go; ignored stays ignored */
		uint32_t handler = p->sigactions[s].handler == SIG_IGN ? SIG_IGN : SIG_DFL;

		memset(&p->sigactions[s], 0, sizeof(p->sigactions[s]));
		p->sigactions[s].handler = handler;
	}
	p->altstack = (struct kstack){ 0, 0, 0 };
	p->execed = true;
	files_exec(p);
	posix_timers_exec(p);
	if (p == proc_current)
		arch_thread_reset(&p->thread);
	arch_trapframe_exec(p->tf, info.entry, sp);
	return 0;
}

/*
 * The file exec runs: path resolved (symlinks followed), a regular file
 * with an execute bit (root's too), on a mount that allows it, with its
 * first ELF_HEAD_MAX bytes read into head.
 */
static int exec_open(const char *path, struct path *file, uint8_t *head, size_t *head_len)
{
	struct inode *inode;
	long n;
	int err = vfs_lookup(AT_FDCWD, path, LOOKUP_FOLLOW, file);

	if (err)
		return err;
	inode = file->d->inode;
	err = -EACCES;
	if (!S_ISREG(inode->mode) || inode_permission(inode, 1) || (file->mnt->flags & MOUNT_NOEXEC))
		goto fail;
	n = vfs_read_kernel(inode, head, ELF_HEAD_MAX, 0);
	if (n < 0) {
		err = (int)n;
		goto fail;
	}
	*head_len = (size_t)n;
	return 0;
fail:
	path_put(file);
	return err;
}

/* Linux's binfmt_script: the "#!" line is read from the first
 * BINPRM_BUF_SIZE bytes; an interpreter nests at most 5 deep. */
#define BINPRM_BUF_SIZE 256
#define SCRIPT_DEPTH_MAX 5

static bool spacetab(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * A "#!" line in the head's first bytes, parsed as Linux's binfmt_script
 * does: the interpreter's name into name, its one optional argument (the
 * rest of the line, trailing blanks cut) into arg ("" if none); each
 * BINPRM_BUF_SIZE bytes. -ENOEXEC if there is no name, or it may have
 * been cut off by the end of the buffer.
 */
static int script_line(const uint8_t *head, size_t head_len, char *name, char *arg)
{
	char buf[BINPRM_BUF_SIZE + 1];
	size_t n = MIN(head_len, (size_t)BINPRM_BUF_SIZE), end, i, sep;

	memcpy(buf, head, n);
	buf[n] = '\0';
	for (end = 2; end < n && buf[end] != '\n'; end++)
		;
	if (end == n && n == BINPRM_BUF_SIZE) {
		/* No newline in a full buffer: the name must end inside it. */
		for (i = 2; i < n && spacetab(buf[i]); i++)
			;
		while (i < n && buf[i] && !spacetab(buf[i]))
			i++;
		if (i == n)
			return -ENOEXEC;
	}
	while (end > 2 && spacetab(buf[end - 1]))
		end--;
	buf[end] = '\0';
	for (i = 2; i < end && spacetab(buf[i]); i++)
		;
	if (i == end || !buf[i])
		return -ENOEXEC;
	for (sep = i; sep < end && buf[sep] && !spacetab(buf[sep]); sep++)
		;
	memcpy(name, buf + i, sep - i);
	name[sep - i] = '\0';
	arg[0] = '\0';
	if (sep < end && buf[sep]) {
		while (sep < end && spacetab(buf[sep]))
			sep++;
		strlcpy(arg, buf + sep, BINPRM_BUF_SIZE);
	}
	return 0;
}

/* argv[0] replaced by interpreter, its argument (if any) and the script's
 * path, as binfmt_script splices them: -ENOMEM or -E2BIG, else 0. */
static int script_args(struct exec_args *a, const char *interp, const char *arg, const char *script)
{
	size_t zero = strlen(a->buf) + 1, add = strlen(interp) + 1 + (arg[0] ? strlen(arg) + 1 : 0) +
						 strlen(script) + 1;
	size_t size = a->used - zero + add, at = 0;
	char *buf;

	if (size > ARG_TOTAL_MAX)
		return -E2BIG;
	buf = vmalloc(size);
	if (!buf)
		return -ENOMEM;
	at += strlcpy(buf + at, interp, size - at) + 1;
	if (arg[0])
		at += strlcpy(buf + at, arg, size - at) + 1;
	at += strlcpy(buf + at, script, size - at) + 1;
	memcpy(buf + at, a->buf + zero, a->used - zero);
	vfree(a->buf);
	a->buf = buf;
	a->size = a->used = size;
	a->argc += arg[0] ? 2 : 1;
	return 0;
}

/*
 * Find what runs: path itself, or for a "#!" script its interpreter (and
 * so on, SCRIPT_DEPTH_MAX deep: -ELOOP past that), rewriting the
 * arguments on the way. *file and head are the ELF program's.
 */
static int exec_resolve(const char *path, struct exec_args *a, struct path *file, uint8_t *head,
			size_t *head_len)
{
	char *names = kmalloc(3 * (BINPRM_BUF_SIZE + 1)), *cur = names, *interp, *arg;
	int err = -ENOMEM;

	if (!names)
		return -ENOMEM;
	interp = names + BINPRM_BUF_SIZE + 1;
	arg = interp + BINPRM_BUF_SIZE + 1;
	strlcpy(cur, path, BINPRM_BUF_SIZE + 1);
	for (int depth = 0;; depth++) {
		err = -ELOOP;
		if (depth > SCRIPT_DEPTH_MAX)
			break;
		err = exec_open(depth ? cur : path, file, head, head_len);
		if (err || *head_len < 2 || head[0] != '#' || head[1] != '!')
			break;
		path_put(file);
		err = script_line(head, *head_len, interp, arg);
		if (!err)
			err = script_args(a, interp, arg, depth ? cur : path);
		if (err)
			break;
		strlcpy(cur, interp, BINPRM_BUF_SIZE + 1);
	}
	kfree(names);
	return err;
}

static int exec_common(struct proc *p, const char *path, struct exec_args *a)
{
	uint8_t *head = kmalloc(ELF_HEAD_MAX);
	struct path file;
	size_t head_len;
	int err = head ? args_gather(p, a, path) : -ENOMEM;       /* first, as on Linux */

	if (err)
		goto out;
	err = exec_resolve(path, a, &file, head, &head_len);
	if (err)
		goto out;
	err = exec_image(p, path, &file, head, head_len, a);
	path_put(&file);
out:
	kfree(head);
	vfree(a->buf);
	return err;
}

int exec_kernel(struct proc *p, const char *path, char *const argv[], char *const envp[])
{
	struct exec_args a = { .argv = { .kernel = argv }, .envp = { .kernel = envp } };

	return exec_common(p, path, &a);
}

int exec_user(const char *path, vaddr_t argv, vaddr_t envp)
{
	struct exec_args a = { .argv = { .user = argv }, .envp = { .user = envp } };

	return exec_common(proc_current, path, &a);
}
