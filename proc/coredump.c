/*
 * Core dumps, as Linux's fs/coredump.c and binfmt_elf.c's elf_core_dump
 * write them: a process killed by a signal whose default action is
 * "core" (SIGSEGV, SIGQUIT, SIGABRT...) writes an ELF file named "core"
 * in its working directory, if its RLIMIT_CORE leaves room for one (the
 * default, 0, does not), and its wait status then has the core flag
 * (0x80; SIGCHLD's CLD_DUMPED). gdb reads it: `gdb PROGRAM core`.
 *
 *   offset 0     ELF header: ET_CORE, EM_386, no sections
 *                program headers: PT_NOTE, then a PT_LOAD per region,
 *                in address order (p_memsz its size, p_filesz what is dumped)
 *                notes: NT_PRSTATUS (signal, pending and blocked signals,
 *                pids, the registers), NT_PRPSINFO (state, name)
 *   page aligned each region's dumped bytes, one after another; a page
 *                never brought in, or one that cannot be read, is a hole
 *
 * What of a region is dumped is Linux's default coredump_filter (0x33):
 * all of private anonymous and shared anonymous memory; of a private file
 * mapping, all of it if it is writable (Linux: if it has private copies,
 * which a writable one nearly always has), else its first page if it
 * begins the file and that page is an ELF header (so that gdb can find
 * the program's build); nothing of shared file mappings, which the file
 * keeps. The file is made as Linux makes it: any old "core" unlinked,
 * then created exclusively, mode 0600, and every byte, holes too, counts
 * against the limit: a dump that would pass it stops there, and counts
 * as not dumped.
 */
#include "proc_internal.h"
#include <pagoda/elf.h>
#include <pagoda/errno.h>
#include <pagoda/file.h>
#include <pagoda/kmalloc.h>
#include <pagoda/signal.h>
#include <pagoda/stat.h>
#include <pagoda/string.h>
#include <pagoda/uaccess.h>
#include <pagoda/vfs.h>
#include <pagoda/vm.h>

#define CORE_NAME       "core"
#define CORE_MIN        PAGE_SIZE       /* Linux's binfmt min_coredump */
#define NOTE_NAME       "CORE"
#define NOTE_NAME_SIZE  8               /* "CORE\0", padded to 4 */

/* Linux i386's struct elf_prstatus (144 bytes) and elf_prpsinfo (124). */
struct elf_prstatus {
	int32_t si_signo, si_code, si_errno;
	int16_t pr_cursig;
	uint16_t pad;
	uint32_t pr_sigpend, pr_sighold;
	int32_t pr_pid, pr_ppid, pr_pgrp, pr_sid;
	uint32_t pr_times[8];           /* user, system, children's: timevals */
	uint32_t pr_reg[ELF_NGREG];
	int32_t pr_fpvalid;
};
_Static_assert(sizeof(struct elf_prstatus) == 144, "elf_prstatus is 144 bytes");

struct elf_prpsinfo {
	char pr_state, pr_sname, pr_zomb, pr_nice;
	uint32_t pr_flag;
	uint16_t pr_uid, pr_gid;
	int32_t pr_pid, pr_ppid, pr_pgrp, pr_sid;
	char pr_fname[16];
	char pr_psargs[80];
};
_Static_assert(sizeof(struct elf_prpsinfo) == 124, "elf_prpsinfo is 124 bytes");

#define NOTE_SIZE(desc) (sizeof(Elf32_Nhdr) + NOTE_NAME_SIZE + sizeof(desc))

/* The file being written: where the next byte goes, and the limit. */
struct core {
	struct file *f;
	int64_t pos;
	uint64_t limit;
	char *buf;                      /* a page, behind the uaccess window */
	vaddr_t win;
};

/* n bytes at the buffer (the window) to the file: 0, or -EFBIG past the limit. */
static int emit(struct core *c, size_t n)
{
	if ((uint64_t)c->pos + n > c->limit)
		return -EFBIG;
	if (c->f->ops->pwrite(c->f, c->win, n, c->pos) != (long)n)
		return -EIO;
	c->pos += (int64_t)n;
	return 0;
}

/* n bytes of nothing: a hole, which counts against the limit too. */
static int skip(struct core *c, uint64_t n)
{
	if ((uint64_t)c->pos + n > c->limit)
		return -EFBIG;
	c->pos += (int64_t)n;
	return 0;
}

/* The bytes of r a core file holds, from its start. */
static uint32_t dump_size(const struct vm_region *r)
{
	uint32_t size = r->node.end - r->node.start;
	uint8_t head[4];

	if (!r->obj || (r->obj->kind == VMO_ANON_SHARED && !r->obj->file))
		return size;                    /* anonymous, private or shared */
	if (r->flags & VM_REGION_SHARED)
		return 0;                       /* the file has it */
	if (r->prot & VM_PROT_WRITE)
		return size;
	if (r->offset == 0 && (r->prot & VM_PROT_READ) && !copyin(head, r->node.start, sizeof(head)) &&
	    !memcmp(head, ELFMAG, 4))
		return PAGE_SIZE;
	return 0;
}

/* The ELF header, a PT_NOTE and the PT_LOADs, each written in the buffer. */
static int write_headers(struct core *c, const struct vmspace *vs, uint32_t nregions, uint32_t notes)
{
	Elf32_Ehdr *eh = (Elf32_Ehdr *)c->buf;
	Elf32_Phdr *ph = (Elf32_Phdr *)c->buf;
	uint32_t data = (uint32_t)PAGE_UP(sizeof(*eh) + (nregions + 1) * sizeof(*ph) + notes);
	uint32_t i = 1;
	int err;

	memset(eh, 0, sizeof(*eh));
	memcpy(eh->e_ident, ELFMAG, 4);
	eh->e_ident[4] = ELFCLASS32, eh->e_ident[5] = ELFDATA2LSB, eh->e_ident[6] = EV_CURRENT;
	eh->e_type = ET_CORE, eh->e_machine = EM_386, eh->e_version = EV_CURRENT;
	eh->e_phoff = sizeof(*eh), eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph), eh->e_phnum = (uint16_t)(nregions + 1);
	if ((err = emit(c, sizeof(*eh))))
		return err;
	ph[0] = (Elf32_Phdr){ .p_type = PT_NOTE, .p_offset = sizeof(*eh) + (nregions + 1) * sizeof(*ph),
			      .p_filesz = notes, .p_align = 4 };
	for (const struct vm_region *r = vm_region_first(vs); r; r = vm_region_next(r)) {
		uint32_t filesz = dump_size(r);

		ph[i++] = (Elf32_Phdr){
			.p_type = PT_LOAD, .p_offset = data, .p_vaddr = r->node.start,
			.p_filesz = filesz, .p_memsz = r->node.end - r->node.start, .p_align = PAGE_SIZE,
			.p_flags = (r->prot & VM_PROT_READ ? PF_R : 0) | (r->prot & VM_PROT_WRITE ? PF_W : 0) |
				   (r->prot & VM_PROT_EXEC ? PF_X : 0),
		};
		data += filesz;
		if (i == PAGE_SIZE / sizeof(*ph)) {     /* the buffer is full */
			if ((err = emit(c, i * sizeof(*ph))))
				return err;
			i = 0;
		}
	}
	return i ? emit(c, i * sizeof(*ph)) : 0;
}

/* One note (name "CORE") with its description, into the buffer and out. */
static int write_note(struct core *c, uint32_t type, const void *desc, uint32_t size)
{
	Elf32_Nhdr *nh = (Elf32_Nhdr *)c->buf;

	*nh = (Elf32_Nhdr){ sizeof(NOTE_NAME), size, type };
	memset(c->buf + sizeof(*nh), 0, NOTE_NAME_SIZE);
	memcpy(c->buf + sizeof(*nh), NOTE_NAME, sizeof(NOTE_NAME));
	memcpy(c->buf + sizeof(*nh) + NOTE_NAME_SIZE, desc, size);
	return emit(c, sizeof(*nh) + NOTE_NAME_SIZE + size);
}

static int write_notes(struct core *c, int sig, const struct trapframe *tf)
{
	const struct proc *p = proc_current;
	struct elf_prstatus st;
	struct elf_prpsinfo ps;
	int err;

	memset(&st, 0, sizeof(st));
	st.si_signo = sig, st.pr_cursig = (int16_t)sig;
	st.pr_sigpend = (uint32_t)p->sigpending, st.pr_sighold = (uint32_t)p->sigmask;
	st.pr_pid = p->pid, st.pr_ppid = p->parent ? p->parent->pid : 0;
	st.pr_pgrp = p->pgid, st.pr_sid = p->sid;
	arch_elf_gregs(tf, tf->trapno == T_SYSCALL ? p->syscall_nr : (uint32_t)-1, st.pr_reg);
	if ((err = write_note(c, NT_PRSTATUS, &st, sizeof(st))))
		return err;
	memset(&ps, 0, sizeof(ps));
	ps.pr_state = 0, ps.pr_sname = 'R';     /* running: it is the one dying */
	ps.pr_pid = st.pr_pid, ps.pr_ppid = st.pr_ppid, ps.pr_pgrp = st.pr_pgrp, ps.pr_sid = st.pr_sid;
	strlcpy(ps.pr_fname, p->name, sizeof(ps.pr_fname));
	strlcpy(ps.pr_psargs, p->name, sizeof(ps.pr_psargs));
	return write_note(c, NT_PRPSINFO, &ps, sizeof(ps));
}

/* The dumped bytes of r, a page at a time: what is in memory is copied,
 * what never came in (or cannot be read: PROT_NONE) is a hole. */
static int write_region(struct core *c, struct vmspace *vs, const struct vm_region *r)
{
	uint32_t size = dump_size(r);
	int err;

	for (vaddr_t va = r->node.start; va < r->node.start + size; va += PAGE_SIZE) {
		uint8_t in;

		if (vm_residency(vs, va, 1, &in) == 0 && in && copyin(c->buf, va, PAGE_SIZE) == 0)
			err = emit(c, PAGE_SIZE);
		else
			err = skip(c, PAGE_SIZE);
		if (err)
			return err;
	}
	return 0;
}

/* A new "core" in the working directory, as Linux makes it. */
static int core_create(struct file **f)
{
	int err;

	vfs_unlink(AT_FDCWD, CORE_NAME, false);         /* none there is fine */
	if ((err = vfs_open(AT_FDCWD, CORE_NAME, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW, 0600, f)))
		return err;
	if (!(*f)->inode || !S_ISREG((*f)->inode->mode) || !(*f)->ops->pwrite) {
		file_put(*f);
		return -EINVAL;
	}
	return 0;
}

bool core_dump(int sig, const struct trapframe *tf)
{
	struct vmspace *vs = proc_current->vs;
	struct core c = { .limit = proc_current->rlimits[RLIMIT_CORE][0] };
	uint32_t nregions = 0, notes = NOTE_SIZE(struct elf_prstatus) + NOTE_SIZE(struct elf_prpsinfo);
	int err;

	if (c.limit < CORE_MIN || !vs)
		return false;
	if (!(c.buf = kmalloc(PAGE_SIZE)))
		return false;
	if ((err = core_create(&c.f)))
		goto out;
	for (const struct vm_region *r = vm_region_first(vs); r; r = vm_region_next(r))
		nregions++;
	c.win = uaccess_window_open(c.buf, PAGE_SIZE);
	if (!(err = write_headers(&c, vs, nregions, notes)) && !(err = write_notes(&c, sig, tf)) &&
	    !(err = skip(&c, PAGE_UP(c.pos) - (uint64_t)c.pos)))
		for (const struct vm_region *r = vm_region_first(vs); r && !err; r = vm_region_next(r))
			err = write_region(&c, vs, r);
	uaccess_window_close();
	/* Holes at the end: the size must still reach them. */
	if (!err && c.f->inode->size < (uint64_t)c.pos)
		err = vfs_truncate(c.f->inode, (uint64_t)c.pos);
	file_put(c.f);
out:
	kfree(c.buf);
	return err == 0;
}
