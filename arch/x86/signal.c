/*
 * Signal frames in Linux i386's layout (arch/x86/kernel/signal.c there),
 * built on the user stack before a handler runs and read back by
 * sigreturn and rt_sigreturn:
 *
 *        higher addresses: the interrupted stack, or the alternate one
 *   ┌──────────────────────────────┐
 *   │ FPU state, struct _fpstate   │ 112 bytes of fsave header, then the
 *   │ (the fxsave image 64-aligned)│ 512 of the fxsave image
 *   ├──────────────────────────────┤
 *   │ sigframe:    pretcode, sig,  │  plain handler: sigcontext, the
 *   │   sigcontext, fpstate_unused,│  high half of the mask, retcode
 *   │   extramask, retcode         │
 *   │ rt_sigframe: pretcode, sig,  │  SA_SIGINFO: siginfo and ucontext
 *   │   pinfo, puc, siginfo,       │  (its uc_mcontext is a sigcontext)
 *   │   ucontext, retcode          │
 *   └──────────────────────────────┘ ← the handler's esp: (esp + 4) % 16 == 0
 *
 * The handler returns to pretcode: the restorer glibc and musl give
 * (SA_RESTORER), else the vDSO's __kernel_sigreturn or
 * __kernel_rt_sigreturn, else (no vDSO) the frame's own retcode, which
 * calls sigreturn, as Linux chooses. The retcode is written either way,
 * as Linux's (debuggers look for it).
 * Restoring takes from the frame only what a process may set: its
 * general registers, the arithmetic flags (Linux's FIX_EFLAGS), data
 * selectors (one that cannot be loaded becomes 0 on the way out), and
 * FPU state with MXCSR's reserved bits cleared. A frame that cannot be
 * read is SIGSEGV; CS and SS must be the user's, or iret would fault,
 * which Linux i386 reports as SIGILL. Pagoda runs
 * without XSAVE, so the FPU state is the FXSR kind (magic 0) with no
 * extended area, as on a Linux machine whose CPU lacks XSAVE.
 */
#include <arch/cpu.h>
#include <arch/segment.h>
#include <arch/thread.h>
#include <arch/trap.h>
#include <pagoda/errno.h>
#include <pagoda/proc.h>
#include <pagoda/signal.h>
#include <pagoda/string.h>
#include <pagoda/uaccess.h>
#include <pagoda/vdso.h>
#include <pagoda/vm.h>

#define NR_sigreturn    119
#define NR_rt_sigreturn 173
#define FSAVE_HEADER    112             /* struct fregs_state */
#define X86_FXSR_MAGIC  0x0000
/* The flags sigreturn may set: the arithmetic ones, DF, TF, AC and RF. */
#define FIX_EFLAGS      0x00050dd5u
#define EFLAGS_TF_DF_RF 0x00010500u

struct sigcontext32 {
	uint16_t gs, gsh, fs, fsh, es, esh, ds, dsh;
	uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax;
	uint32_t trapno, err, eip;
	uint16_t cs, csh;
	uint32_t eflags, esp_at_signal;
	uint16_t ss, ssh;
	uint32_t fpstate, oldmask, cr2;
};
_Static_assert(sizeof(struct sigcontext32) == 88, "sigcontext is 88 bytes");

/* Linux's struct _fpstate_32: the fsave header, then the fxsave image. */
struct fpstate32 {
	uint32_t cw, sw, tag, ipoff, cssel, dataoff, datasel;
	uint8_t st[8][10];
	uint16_t status, magic;
	uint8_t fxsave[FXSAVE_SIZE];
};
_Static_assert(sizeof(struct fpstate32) == 624, "_fpstate_32 is 624 bytes");

struct ucontext32 {
	uint32_t uc_flags, uc_link;
	struct kstack uc_stack;
	struct sigcontext32 uc_mcontext;
	uint64_t uc_sigmask;            /* 4-aligned, as the i386 ABI places it */
};
_Static_assert(sizeof(struct ucontext32) == 116, "ucontext is 116 bytes");

struct sigframe32 {
	uint32_t pretcode;
	int32_t sig;
	struct sigcontext32 sc;
	struct fpstate32 fpstate_unused;
	uint32_t extramask;
	uint8_t retcode[8];
};
_Static_assert(sizeof(struct sigframe32) == 732, "sigframe is 732 bytes");

struct rt_sigframe32 {
	uint32_t pretcode;
	int32_t sig;
	uint32_t pinfo, puc;
	struct ksiginfo info;
	struct ucontext32 uc;
	uint8_t retcode[8];
};
_Static_assert(sizeof(struct rt_sigframe32) == 268, "rt_sigframe is 268 bytes");

/* The fxsave image's fields the fsave header repeats. */
struct fxsave_head {
	uint16_t cwd, swd;
	uint8_t ftw, reserved;
	uint16_t fop;
	uint32_t fip;
	uint16_t fcs, reserved2;
	uint32_t foo;
	uint16_t fos, reserved3;
	uint32_t mxcsr, mxcsr_mask;
};

/* The kernel is built -ffreestanding, so memcpy and memset are calls: the
 * register images' fixed 8-, 10- and 6-byte pieces below are copied with
 * __builtin_memcpy and __builtin_memset, which the compiler inlines. */

/* The full tag word (2 bits a register) from fxsave's abridged one, by
 * the contents of each register (Linux's twd_fxsr_to_i387). */
static uint32_t tag_word(const uint8_t *fx)
{
	const struct fxsave_head *h = (const void *)fx;
	uint32_t top = (h->swd >> 11) & 7, tags = 0;

	for (uint32_t i = 0; i < 8; i++) {
		const uint8_t *reg = fx + 32 + 16 * ((i - top) & 7);
		uint16_t exp = (uint16_t)((reg[9] << 8 | reg[8]) & 0x7fff);
		uint64_t sig;
		uint32_t tag = 3;                       /* empty */

		__builtin_memcpy(&sig, reg, 8);
		if (h->ftw & (1u << i))
			tag = exp == 0x7fff ? 2 : exp == 0 ? (sig ? 2 : 1) : (sig >> 63) ? 0 : 2;
		tags |= tag << (2 * i);
	}
	return tags | 0xffff0000u;
}

/* The abridged tag byte from a full tag word (Linux's twd_i387_to_fxsr). */
static uint8_t abridged_tags(uint32_t twd)
{
	uint8_t ftw = 0;

	for (int i = 0; i < 8; i++)
		if (((twd >> (2 * i)) & 3) != 3)
			ftw |= (uint8_t)(1u << i);
	return ftw;
}

/* The FPU state of the running thread, as the frame holds it. */
static void fpstate_make(struct fpstate32 *fp)
{
	struct arch_thread *t = &proc_current->thread;
	const struct fxsave_head *h;

	__asm__ volatile("fxsave %0" : "=m"(*(uint8_t (*)[FXSAVE_SIZE])t->fpu));
	/* Every header field is set below; of the image, the last 48 bytes
	 * are software's: zero. */
	memcpy(fp->fxsave, t->fpu, 464);
	__builtin_memset(fp->fxsave + 464, 0, FXSAVE_SIZE - 464);
	h = (const void *)t->fpu;
	fp->cw = h->cwd | 0xffff0000u;
	fp->sw = h->swd | 0xffff0000u;
	fp->tag = tag_word(t->fpu);
	fp->ipoff = h->fip;
	fp->cssel = h->fcs | ((uint32_t)h->fop << 16);
	fp->dataoff = h->foo;
	fp->datasel = h->fos | 0xffff0000u;
	for (int i = 0; i < 8; i++)
		__builtin_memcpy(fp->st[i], t->fpu + 32 + 16 * i, 10);
	fp->status = h->swd;
	fp->magic = X86_FXSR_MAGIC;
}

/* Load the FPU state of a frame: the header's x87 part over the image's
 * (Linux's convert_to_fxsr), MXCSR's reserved bits cleared. */
static void fpstate_load(const struct fpstate32 *fp)
{
	struct arch_thread *t = &proc_current->thread;
	struct fxsave_head *h = (void *)t->fpu;
	uint32_t mask = h->mxcsr_mask ? h->mxcsr_mask : 0xffbf;

	memcpy(t->fpu, fp->fxsave, 464);
	h->cwd = (uint16_t)fp->cw;
	h->swd = (uint16_t)fp->sw;
	h->ftw = abridged_tags(fp->tag);
	h->fop = (uint16_t)(fp->cssel >> 16);
	h->fip = fp->ipoff;
	h->fcs = (uint16_t)fp->cssel;
	h->foo = fp->dataoff;
	h->fos = (uint16_t)fp->datasel;
	for (int i = 0; i < 8; i++) {
		__builtin_memcpy(t->fpu + 32 + 16 * i, fp->st[i], 10);
		__builtin_memset(t->fpu + 32 + 16 * i + 10, 0, 6);
	}
	h->mxcsr &= mask;
	h->mxcsr_mask = mask;
	__asm__ volatile("fxrstor %0" : : "m"(*(uint8_t (*)[FXSAVE_SIZE])t->fpu));
}

/* Fill *sc, which the caller has zeroed (the selectors' high halves stay 0). */
static void sigcontext_make(struct sigcontext32 *sc, const struct trapframe *tf, uint32_t fpstate,
			    uint32_t oldmask)
{
	const struct arch_thread *t = &proc_current->thread;

	sc->gs = (uint16_t)tf->gs, sc->fs = (uint16_t)tf->fs;
	sc->es = (uint16_t)tf->es, sc->ds = (uint16_t)tf->ds;
	sc->edi = tf->edi, sc->esi = tf->esi, sc->ebp = tf->ebp, sc->esp = tf->user_esp;
	sc->ebx = tf->ebx, sc->edx = tf->edx, sc->ecx = tf->ecx, sc->eax = tf->eax;
	sc->trapno = t->trap_nr, sc->err = t->trap_err, sc->cr2 = t->trap_cr2;
	sc->eip = tf->eip;
	sc->cs = (uint16_t)tf->cs;
	sc->eflags = tf->eflags;
	sc->esp_at_signal = tf->user_esp;
	sc->ss = (uint16_t)tf->user_ss;
	sc->fpstate = fpstate;
	sc->oldmask = oldmask;
}

void arch_elf_gregs(const struct trapframe *tf, uint32_t orig_eax, uint32_t g[ELF_NGREG])
{
	g[0] = tf->ebx, g[1] = tf->ecx, g[2] = tf->edx, g[3] = tf->esi, g[4] = tf->edi;
	g[5] = tf->ebp, g[6] = tf->eax;
	g[7] = tf->ds & 0xffff, g[8] = tf->es & 0xffff, g[9] = tf->fs & 0xffff, g[10] = tf->gs & 0xffff;
	g[11] = orig_eax, g[12] = tf->eip, g[13] = tf->cs & 0xffff, g[14] = tf->eflags;
	g[15] = tf->user_esp, g[16] = tf->user_ss & 0xffff;
}

int arch_signal_frame(struct trapframe *tf, int sig, uint32_t handler, uint32_t flags, uint32_t restorer,
		      const struct ksiginfo *info, uint64_t mask, const struct kstack *stack, uint32_t sp)
{
	static const uint8_t retcode[8] = { 0x58, 0xb8, NR_sigreturn, 0, 0, 0, 0xcd, 0x80 };
	static const uint8_t rt_retcode[8] = { 0xb8, NR_rt_sigreturn, 0, 0, 0, 0xcd, 0x80, 0 };
	bool rt = flags & SA_SIGINFO;
	size_t size = rt ? sizeof(struct rt_sigframe32) : sizeof(struct sigframe32);
	uint32_t buf_fx = (sp - FXSAVE_SIZE) & ~63u, fpstate = buf_fx - FSAVE_HEADER, frame;
	union {
		struct sigframe32 plain;
		struct rt_sigframe32 rt;
	} u, *f = &u;
	struct fpstate32 fp;

	frame = ((fpstate - (uint32_t)size + 4) & ~15u) - 4;
	if (!(flags & SA_RESTORER))
		restorer = proc_current->vs->vdso_base ?
				   proc_current->vs->vdso_base + (rt ? arch_vdso_image()->rt_sigreturn : arch_vdso_image()->sigreturn) :
				   frame + (rt ? offsetof(struct rt_sigframe32, retcode) : offsetof(struct sigframe32, retcode));
	if (frame > sp || !user_range_ok(frame, sp - frame))
		return -EFAULT;
	/* A plain frame's fpstate_unused is not written, as on Linux: the
	 * state is at sc.fpstate. */
	memset(f, 0, rt ? size : offsetof(struct sigframe32, fpstate_unused));
	fpstate_make(&fp);
	if (rt) {
		f->rt.pretcode = restorer;
		f->rt.sig = sig;
		f->rt.pinfo = frame + offsetof(struct rt_sigframe32, info);
		f->rt.puc = frame + offsetof(struct rt_sigframe32, uc);
		f->rt.info = *info;
		f->rt.uc.uc_stack = *stack;
		sigcontext_make(&f->rt.uc.uc_mcontext, tf, fpstate, (uint32_t)mask);
		f->rt.uc.uc_sigmask = mask;
		memcpy(f->rt.retcode, rt_retcode, sizeof(rt_retcode));
	} else {
		f->plain.pretcode = restorer;
		f->plain.sig = sig;
		sigcontext_make(&f->plain.sc, tf, fpstate, (uint32_t)mask);
		f->plain.extramask = (uint32_t)(mask >> 32);
		memcpy(f->plain.retcode, retcode, sizeof(retcode));
	}
	if (copyout(fpstate, &fp, sizeof(fp)))
		return -EFAULT;
	if (rt ? copyout(frame, f, size) :
		 copyout(frame, f, offsetof(struct sigframe32, fpstate_unused)) ||
		 copyout(frame + offsetof(struct sigframe32, extramask), &f->plain.extramask,
			 size - offsetof(struct sigframe32, extramask)))
		return -EFAULT;
	/* The handler starts with a clean FPU, as Linux's fpu__clear_user_states. */
	arch_thread_fpu_reset(&proc_current->thread);
	tf->user_esp = frame;
	tf->eip = handler;
	tf->eax = (uint32_t)sig;
	tf->edx = rt ? frame + offsetof(struct rt_sigframe32, info) : 0;
	tf->ecx = rt ? frame + offsetof(struct rt_sigframe32, uc) : 0;
	tf->ds = tf->es = USER_DS;
	tf->cs = USER_CS;
	tf->user_ss = USER_DS;
	tf->eflags &= ~EFLAGS_TF_DF_RF;
	return 0;
}

int arch_sigreturn(struct trapframe *tf, bool rt, uint64_t *mask, struct kstack *stack)
{
	struct sigcontext32 sc;
	struct fpstate32 fp;
	uint32_t extramask;

	if (rt) {
		uint32_t uc = tf->user_esp - 4 + offsetof(struct rt_sigframe32, uc);

		if (copyin(&sc, uc + offsetof(struct ucontext32, uc_mcontext), sizeof(sc)) ||
		    copyin(mask, uc + offsetof(struct ucontext32, uc_sigmask), sizeof(*mask)) ||
		    copyin(stack, uc + offsetof(struct ucontext32, uc_stack), sizeof(*stack)))
			return -EFAULT;
	} else {
		uint32_t frame = tf->user_esp - 8;

		if (copyin(&sc, frame + offsetof(struct sigframe32, sc), sizeof(sc)) ||
		    copyin(&extramask, frame + offsetof(struct sigframe32, extramask), sizeof(extramask)))
			return -EFAULT;
		*mask = (uint64_t)extramask << 32 | sc.oldmask;
	}
	if (sc.fpstate && copyin(&fp, sc.fpstate, sizeof(fp)))
		return -EFAULT;
	/* The only way back is to user code: any other CS or SS would fault
	 * in iret, which Linux i386 answers with SIGILL (ILL_BADSTK). */
	if ((sc.cs | 3) != USER_CS || (sc.ss | 3) != USER_DS)
		return -EINVAL;
	tf->gs = sc.gs, tf->fs = sc.fs, tf->es = sc.es, tf->ds = sc.ds;
	tf->edi = sc.edi, tf->esi = sc.esi, tf->ebp = sc.ebp, tf->user_esp = sc.esp;
	tf->ebx = sc.ebx, tf->edx = sc.edx, tf->ecx = sc.ecx, tf->eax = sc.eax;
	tf->eip = sc.eip;
	tf->cs = USER_CS;
	tf->user_ss = USER_DS;
	tf->eflags = (tf->eflags & ~FIX_EFLAGS) | (sc.eflags & FIX_EFLAGS);
	if (sc.fpstate)
		fpstate_load(&fp);
	else
		arch_thread_fpu_reset(&proc_current->thread);
	return 0;
}
