/*
 * The console as a terminal file: /dev/console and /dev/tty, over the
 * line discipline of dev/n_tty.c (termios, editing, echo).
 *
 * Job control, as Linux's tty layer: a session leader makes the console
 * its session's controlling terminal with TIOCSCTTY (opening
 * /dev/console never does, on Linux either); its foreground group
 * (TIOCSPGRP) gets SIGINT for Ctrl-C, SIGQUIT for Ctrl-\ and SIGTSTP for
 * Ctrl-Z. A background group of the session that reads through /dev/tty,
 * writes through it under TOSTOP, or changes the settings, is stopped
 * with SIGTTIN or SIGTTOU (tty_check_job). The session losing its leader
 * loses the terminal, and its foreground group gets SIGHUP.
 */
#include <pagoda/console.h>
#include <pagoda/errno.h>
#include <pagoda/file.h>
#include <pagoda/proc.h>
#include <pagoda/string.h>
#include <pagoda/timer.h>
#include <pagoda/tty.h>
#include <pagoda/uaccess.h>

/* Job control: the session whose controlling terminal the console is (0:
 * none) and its foreground process group. */
static int tty_session, tty_pgrp;
extern const struct file_ops tty_ops;

void tty_init(void)
{
	serial_set_input_handler(n_tty_receive);
}

void tty_signal_foreground(int sig)
{
	if (tty_pgrp)
		signal_group(tty_pgrp, sig);
}

/* Whether the console is p's controlling terminal. */
static bool is_ctty(const struct proc *p)
{
	return p->ctty && tty_session && p->sid == tty_session;
}

/* A background group of the terminal's session may not read it, nor
 * change its settings (Linux's __tty_check_change): sig (SIGTTIN or
 * SIGTTOU) stops the group, and the call is made again once it is
 * continued (-ERESTARTSYS); if sig cannot stop it (ignored, blocked, an
 * orphaned group) a read is -EIO and a change goes ahead. */
static int tty_check_job(int sig)
{
	struct proc *p = proc_current;
	bool cannot = p->sigactions[sig - 1].handler == SIG_IGN || (p->sigmask & sig_bit(sig));

	if (!is_ctty(p) || p->pgid == tty_pgrp || !tty_pgrp)
		return 0;
	if (cannot)
		return sig == SIGTTIN ? -EIO : 0;
	if (signal_pgrp_orphaned(p->pgid))
		return -EIO;            /* nobody could continue it */
	signal_group(p->pgid, sig);
	return -ERESTARTSYS;
}

void tty_session_ends(struct proc *p)
{
	if (p->sid != p->pid || tty_session != p->sid)
		return;
	if (tty_pgrp)
		signal_group(tty_pgrp, SIGHUP);
	tty_session = tty_pgrp = 0;
}

/* ---- the terminal as a file: /dev/console and /dev/tty ---- */

#define CONSOLE_MAJOR   5       /* /dev/console is char 5:1 on Linux */
#define CONSOLE_MINOR   1

struct k_winsize {
	uint16_t ws_row, ws_col, ws_xpixel, ws_ypixel;
};
/* The old System V struct termio: 16-bit flags and 8 control characters. */
#define TERMIO_NCC      8
#define TERMIO_SIZE     17      /* the bytes Linux reads and writes of it */
/* termios2: termios and the two speeds in bits a second. */
struct k_termios2 {
	struct k_termios t;
	uint32_t c_ispeed, c_ospeed;
};

#define TCGETS          0x5401
#define TCSETS          0x5402
#define TCSETSW         0x5403
#define TCSETSF         0x5404
#define TCGETA          0x5405
#define TCSETA          0x5406
#define TCSETAW         0x5407
#define TCSETAF         0x5408
#define TCSBRK          0x5409
#define TCXONC          0x540A
#define TCFLSH          0x540B
#define TIOCEXCL        0x540C
#define TIOCNXCL        0x540D
#define TIOCSCTTY       0x540E
#define TIOCGPGRP       0x540F
#define TIOCSPGRP       0x5410
#define TIOCOUTQ        0x5411
#define TIOCSTI         0x5412
#define TIOCGWINSZ      0x5413
#define TIOCSWINSZ      0x5414
#define FIONREAD        0x541B
#define TIOCNOTTY       0x5422
#define TIOCSETD        0x5423
#define TIOCGETD        0x5424
#define TCSBRKP         0x5425
#define TIOCGSID        0x5429
#define TCGETS2         0x802C542A
#define TCSETS2         0x402C542B
#define TCSETSW2        0x402C542C
#define TCSETSF2        0x402C542D
#define TIOCGEXCL       0x80045440

#define CBAUDEX         0x1000
#define BOTHER          0x1000  /* CBAUDEX with no rate: c_ospeed says */
#define CIBAUD_SHIFT    16      /* the input rate's code, 0: the output's */
#define BREAK_NS        250000000ull    /* TCSBRK 0: a break of 250 ms */
#define N_TTY           0

static struct k_winsize winsize;        /* a serial line has no size: 0 x 0 */
static uint32_t ispeed = 115200, ospeed = 115200;
static bool exclusive;                  /* TIOCEXCL; root opens it anyway */

/* A read through /dev/tty is job-controlled; through /dev/console it is
 * not, as Linux's job_control says ("don't stop on /dev/console"). */
static long term_read(struct file *f, vaddr_t buf, size_t n, bool wait)
{
	int err = f->ops == &tty_ops ? tty_check_job(SIGTTIN) : 0;

	return err ? err : n_tty_read(buf, n, !wait);
}

/* /dev/tty is the caller's controlling terminal: -ENXIO with none. */
static int tty_open(struct file *f)
{
	(void)f;
	return is_ctty(proc_current) ? 0 : -ENXIO;
}

/* Under TOSTOP a background job writing through /dev/tty stops (SIGTTOU);
 * through /dev/console it never does, as on Linux. */
static long term_write(struct file *f, vaddr_t buf, size_t n)
{
	struct k_termios t;
	int err = 0;

	n_tty_get(&t);
	if ((t.c_lflag & TOSTOP) && f->ops == &tty_ops)
		err = tty_check_job(SIGTTOU);
	return err ? err : n_tty_write(buf, n, f->flags & O_NONBLOCK);
}

/* The console with no node (no /dev/console in the initramfs): what
 * Linux's stat says of its console device. */
static void term_stat(struct file *f, struct kstat *st)
{
	(void)f;
	memset(st, 0, sizeof(*st));
	st->mode = S_IFCHR | 0600;
	st->nlink = 1;
	st->ino = 2;
	st->rdev_major = CONSOLE_MAJOR;
	st->rdev_minor = CONSOLE_MINOR;
	st->blksize = PAGE_SIZE;
}

/* TIOCSCTTY: a session leader with no terminal takes the console for its
 * session, if no session has it (or it is root and asks to steal it). */
static int set_ctty(struct file *f, uint32_t arg)
{
	struct proc *p = proc_current;

	if (p->sid == p->pid && is_ctty(p))
		return 0;
	if (p->sid != p->pid || (p->ctty && tty_session == p->sid))
		return -EPERM;
	if ((f->flags & O_ACCMODE) == O_WRONLY)
		return -EPERM;
	if (tty_session && arg != 1)
		return -EPERM;
	tty_session = p->sid;
	tty_pgrp = p->pgid;
	p->ctty = true;
	return 0;
}

/* TIOCSPGRP: a group of the terminal's session becomes its foreground. */
static int set_foreground(vaddr_t arg)
{
	struct proc *p = proc_current;
	int32_t pgrp;
	bool found = false;
	int err = tty_check_job(SIGTTOU);

	if (err)
		return err == -EIO ? -ENOTTY : err;     /* an orphaned group: Linux's tiocspgrp */
	if (!is_ctty(p))
		return -ENOTTY;
	if (copyin(&pgrp, arg, sizeof(pgrp)))
		return -EFAULT;
	if (pgrp < 0)
		return -EINVAL;
	for (struct proc *q = proc_all; q; q = q->all_next)
		if (q->pgid == pgrp && q->state != PROC_ZOMBIE) {
			if (q->sid != p->sid)
				return -EPERM;
			found = true;
		}
	if (!found)
		return -ESRCH;
	tty_pgrp = pgrp;
	return 0;
}

/* The job-control ioctls: the terminal's session and foreground group. */
static int job_ioctl(struct file *f, uint32_t cmd, vaddr_t arg)
{
	struct proc *p = proc_current;
	int32_t v;

	switch (cmd) {
	case TIOCSCTTY:
		return set_ctty(f, arg);
	case TIOCSPGRP:
		return set_foreground(arg);
	case TIOCGPGRP:
	case TIOCGSID:
		if (!is_ctty(p))
			return -ENOTTY;
		v = cmd == TIOCGPGRP ? tty_pgrp : tty_session;
		return copyout(arg, &v, sizeof(v));
	case TIOCNOTTY:
		if (!is_ctty(p))
			return -ENOTTY;
		if (p->sid == p->pid) {         /* its leader lets go: the session loses it */
			if (tty_pgrp) {
				signal_group(tty_pgrp, SIGHUP);
				signal_group(tty_pgrp, SIGCONT);
			}
			tty_session = tty_pgrp = 0;
		}
		p->ctty = false;
		return 0;
	}
	return -ENOTTY;
}

/* The line speed a CBAUD code stands for (0 for B0 or an unknown code). */
static uint32_t baud_rate(uint32_t code)
{
	static const uint32_t low[16] = { 0, 50, 75, 110, 134, 150, 200, 300, 600, 1200,
					  1800, 2400, 4800, 9600, 19200, 38400 };
	static const uint32_t high[16] = { 0, 57600, 115200, 230400, 460800, 500000, 576000,
					   921600, 1000000, 1152000, 1500000, 2000000, 2500000,
					   3000000, 3500000, 4000000 };

	return code & CBAUDEX ? high[code & 0xF] : low[code & 0xF];
}

/* New settings, with the speeds they name (termios2 may give its own
 * with BOTHER); the UART follows the output speed when it can. */
static void apply_termios(const struct k_termios *t, const struct k_termios2 *t2)
{
	uint32_t out = t->c_cflag & CBAUD, in = (t->c_cflag >> CIBAUD_SHIFT) & CBAUD;
	uint32_t old_ospeed = ospeed;

	ospeed = out == BOTHER && t2 ? t2->c_ospeed : baud_rate(out);
	ispeed = in == 0 ? ospeed : in == BOTHER && t2 ? t2->c_ispeed : baud_rate(in);
	if (ospeed != old_ospeed)
		(void)serial_set_speed(ospeed);     /* a rate it cannot make: unchanged */
	n_tty_set(t);
}

/* TCSETS and its kin (Linux's set_termios): the change is a job-control
 * check first; *W waits for output to drain (it never waits: output is
 * synchronous but for what ^S holds), *F also drops what was typed. */
static int set_termios(uint32_t cmd, vaddr_t arg)
{
	struct k_termios t;
	struct k_termios2 t2;
	int err = tty_check_job(SIGTTOU);

	if (err)
		return err;
	n_tty_get(&t);
	if (cmd == TCSETA || cmd == TCSETAW || cmd == TCSETAF) {
		uint16_t flags[4];
		uint8_t rest[1 + TERMIO_NCC];

		if (copyin(flags, arg, sizeof(flags)) || copyin(rest, arg + sizeof(flags), sizeof(rest)))
			return -EFAULT;
		t.c_iflag = (t.c_iflag & 0xFFFF0000u) | flags[0];
		t.c_oflag = (t.c_oflag & 0xFFFF0000u) | flags[1];
		t.c_cflag = (t.c_cflag & 0xFFFF0000u) | flags[2];
		t.c_lflag = (t.c_lflag & 0xFFFF0000u) | flags[3];
		t.c_line = rest[0];
		memcpy(t.c_cc, rest + 1, TERMIO_NCC);
	} else if (cmd == TCSETS2 || cmd == TCSETSW2 || cmd == TCSETSF2) {
		if (copyin(&t2, arg, sizeof(t2)))
			return -EFAULT;
		t = t2.t;
	} else if (copyin(&t, arg, sizeof(t))) {
		return -EFAULT;
	}
	if (cmd == TCSETSF || cmd == TCSETAF || cmd == TCSETSF2)
		n_tty_flush_input();
	apply_termios(&t, cmd == TCSETS2 || cmd == TCSETSW2 || cmd == TCSETSF2 ? &t2 : NULL);
	return 0;
}

static int get_termios(uint32_t cmd, vaddr_t arg)
{
	struct k_termios2 t2;

	n_tty_get(&t2.t);
	if (cmd == TCGETA) {
		uint16_t flags[4] = { (uint16_t)t2.t.c_iflag, (uint16_t)t2.t.c_oflag,
				      (uint16_t)t2.t.c_cflag, (uint16_t)t2.t.c_lflag };
		uint8_t rest[1 + TERMIO_NCC];

		rest[0] = t2.t.c_line;
		memcpy(rest + 1, t2.t.c_cc, TERMIO_NCC);
		if (copyout(arg, flags, sizeof(flags)) || copyout(arg + sizeof(flags), rest, sizeof(rest)))
			return -EFAULT;
		return 0;
	}
	t2.c_ispeed = ispeed;
	t2.c_ospeed = ospeed;
	return copyout(arg, &t2, cmd == TCGETS2 ? sizeof(t2) : sizeof(t2.t));
}

/* TIOCSWINSZ: a new size is SIGWINCH for the foreground group. */
static int set_winsize(vaddr_t arg)
{
	struct k_winsize ws;

	if (copyin(&ws, arg, sizeof(ws)))
		return -EFAULT;
	if (memcmp(&ws, &winsize, sizeof(ws)) == 0)
		return 0;
	winsize = ws;
	tty_signal_foreground(SIGWINCH);
	return 0;
}

/* TCSBRK and TCSBRKP: wait for output to drain, and with 0 send a break
 * (TCSBRKP: of arg tenths of a second). */
static int send_break(uint32_t cmd, uint32_t arg)
{
	uint64_t ns = cmd == TCSBRKP && arg ? (uint64_t)arg * NSEC_PER_DECISEC : BREAK_NS;
	uint64_t deadline = timer_deadline(0, ns);
	int err = tty_check_job(SIGTTOU), r = 0;

	if (err)
		return err;
	if (cmd == TCSBRK && arg)
		return 0;
	serial_set_break(true);
	while (r == 0)
		r = sleep_on_timeout(&winsize, deadline);
	serial_set_break(false);
	return r == -EINTR ? -EINTR : 0;
}

/* TCFLSH and TCXONC: drop input or held output; stop and start either way. */
static int flow_ioctl(uint32_t cmd, uint32_t arg)
{
	struct k_termios t;
	int err = tty_check_job(SIGTTOU);

	if (err)
		return err;
	n_tty_get(&t);
	if (cmd == TCFLSH) {
		if (arg > 2)
			return -EINVAL;
		if (arg != 1)
			n_tty_flush_input();
		return 0;
	}
	switch (arg) {
	case 0:                 /* TCOOFF */
	case 1:                 /* TCOON */
		n_tty_stop_output(arg == 0);
		return 0;
	case 2:                 /* TCIOFF: ask the other end to stop */
	case 3:                 /* TCION */
		n_tty_send_char((char)t.c_cc[arg == 2 ? VSTOP : VSTART]);
		return 0;
	}
	return -EINVAL;
}

/* The queue and line-discipline ioctls that answer with an int. */
static int int_ioctl(uint32_t cmd, vaddr_t arg)
{
	int32_t v;

	switch (cmd) {
	case FIONREAD:
		v = (int32_t)n_tty_readable();
		break;
	case TIOCOUTQ:
		v = (int32_t)n_tty_output_queued();
		break;
	case TIOCGETD:
		v = N_TTY;
		break;
	case TIOCGEXCL:
		v = exclusive;
		break;
	case TIOCSETD:
		if (copyin(&v, arg, sizeof(v)))
			return -EFAULT;
		return v == N_TTY ? 0 : -EINVAL;
	default:
		return -ENOTTY;
	}
	return copyout(arg, &v, sizeof(v));
}

static int term_ioctl(struct file *f, uint32_t cmd, vaddr_t arg)
{
	char c;

	switch (cmd) {
	case TCGETS:
	case TCGETA:
	case TCGETS2:
		return get_termios(cmd, arg);
	case TCSETS: case TCSETSW: case TCSETSF:
	case TCSETA: case TCSETAW: case TCSETAF:
	case TCSETS2: case TCSETSW2: case TCSETSF2:
		return set_termios(cmd, arg);
	case TCSBRK:
	case TCSBRKP:
		return send_break(cmd, arg);
	case TCFLSH:
	case TCXONC:
		return flow_ioctl(cmd, arg);
	case TIOCSTI:           /* root may always; everyone is root */
		if (copyin(&c, arg, 1))
			return -EFAULT;
		n_tty_receive(c);
		return 0;
	case TIOCGWINSZ:
		return copyout(arg, &winsize, sizeof(winsize));
	case TIOCSWINSZ:
		return set_winsize(arg);
	case TIOCEXCL:
	case TIOCNXCL:
		exclusive = cmd == TIOCEXCL;
		return 0;
	case FIONREAD: case TIOCOUTQ: case TIOCGETD: case TIOCSETD: case TIOCGEXCL:
		return int_ioctl(cmd, arg);
	}
	return job_ioctl(f, cmd, arg);
}

static uint32_t term_poll(struct file *f, struct poll_table *pt)
{
	(void)f;
	return n_tty_poll(pt);
}

const struct file_ops console_ops = {
	.read = term_read, .write = term_write, .stat = term_stat, .ioctl = term_ioctl,
	.poll = term_poll, .splice_read = true, .splice_write = true,
};
const struct file_ops tty_ops = {
	.open = tty_open, .read = term_read, .write = term_write, .stat = term_stat,
	.ioctl = term_ioctl, .poll = term_poll, .splice_read = true, .splice_write = true,
};

struct file *file_console(void)
{
	return file_new(&console_ops, O_RDWR);
}

