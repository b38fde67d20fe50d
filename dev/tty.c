/*
 * The console terminal: output goes to every console (serial and VGA);
 * input comes from the serial port's receive interrupt through a
 * canonical-mode line discipline like Linux's N_TTY with its defaults:
 * characters are echoed, CR becomes NL (ICRNL), DEL or Backspace erases
 * one, Ctrl-U the line, and Ctrl-D at the start of a line is end of file.
 * A read returns at most one line, once it is complete.
 *
 * Job control, as Linux's tty layer: a session leader makes the console
 * its session's controlling terminal with TIOCSCTTY (opening
 * /dev/console never does, on Linux either); its foreground group
 * (TIOCSPGRP) gets SIGINT for Ctrl-C, SIGQUIT for Ctrl-\ and SIGTSTP for
 * Ctrl-Z, and a read from a background group of the session is SIGTTIN
 * (-EIO if that cannot stop it). The session losing its leader loses the
 * terminal, and its foreground group gets SIGHUP.
 */
#include <pagoda/console.h>
#include <pagoda/errno.h>
#include <pagoda/file.h>
#include <pagoda/proc.h>
#include <pagoda/string.h>
#include <pagoda/uaccess.h>

#define TTY_EDIT_MAX    255     /* a line being typed (Linux: 4095) */
#define TTY_COOKED_MAX  1024    /* finished lines not yet read */
#define CTRL(c)         ((c) & 0x1F)
#define CHAR_DEL        0x7F

/* Job control: the session whose controlling terminal the console is (0:
 * none) and its foreground process group. */
static int tty_session, tty_pgrp;
extern const struct file_ops tty_ops;

static char edit[TTY_EDIT_MAX];
static size_t edit_len;
static char cooked[TTY_COOKED_MAX];
static size_t cooked_len;
static int eof_pending;         /* Ctrl-D presses on empty lines, not yet read */

static void echo(const char *s, size_t n)
{
	console_write(s, n);
}

/* Move the edited line (and its terminator, if any) to the cooked buffer. */
static void finish_line(bool newline)
{
	size_t n = edit_len + (newline ? 1 : 0);

	if (n > TTY_COOKED_MAX - cooked_len)
		return;                 /* nobody reads: drop the line */
	for (size_t i = 0; i < edit_len; i++)
		cooked[cooked_len++] = edit[i];
	if (newline)
		cooked[cooked_len++] = '\n';
	edit_len = 0;
}

/* The characters that signal the foreground group (ISIG): what the input
 * so far holds is dropped, and the character echoed as ^C. */
static bool tty_signal_char(char c)
{
	int sig = c == CTRL('C') ? SIGINT : c == CTRL('\\') ? SIGQUIT : c == CTRL('Z') ? SIGTSTP : 0;
	char shown[2] = { '^', (char)(c + '@') };

	if (!sig)
		return false;
	edit_len = 0;
	cooked_len = 0;
	echo(shown, 2);
	if (tty_pgrp)
		signal_group(tty_pgrp, sig);
	return true;
}

/* One character from the serial port, in interrupt context. */
static void tty_input(char c)
{
	if (tty_signal_char(c))
		return;
	if (c == '\r')
		c = '\n';
	if (c == '\n') {
		echo("\n", 1);
		finish_line(true);
	} else if (c == CTRL('D')) {
		if (edit_len == 0)
			eof_pending++;
		else
			finish_line(false);
	} else if (c == CHAR_DEL || c == '\b') {
		if (edit_len > 0) {
			edit_len--;
			echo("\b \b", 3);
		}
	} else if (c == CTRL('U')) {
		while (edit_len > 0) {
			edit_len--;
			echo("\b \b", 3);
		}
	} else if (edit_len < TTY_EDIT_MAX) {
		edit[edit_len++] = c;
		echo(&c, 1);
	}
	wakeup(&cooked);
}

void tty_init(void)
{
	serial_set_input_handler(tty_input);
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

long tty_read(vaddr_t buf, size_t n, bool wait)
{
	size_t len = 0;

	while (cooked_len == 0 && eof_pending == 0) {
		if (!wait)
			return -EAGAIN;
		if (sleep_on_interruptible(&cooked))
			return -ERESTARTSYS;
	}
	if (cooked_len == 0) {
		eof_pending--;
		return 0;
	}
	while (len < cooked_len && len < n && (len == 0 || cooked[len - 1] != '\n'))
		len++;
	if (copyout(buf, cooked, len))
		return -EFAULT;
	for (size_t i = len; i < cooked_len; i++)
		cooked[i - len] = cooked[i];
	cooked_len -= len;
	return (long)len;
}

long tty_write(vaddr_t buf, size_t n)
{
	char chunk[256];
	size_t done = 0;

	while (done < n) {
		size_t k = n - done < sizeof(chunk) ? n - done : sizeof(chunk);

		if (copyin(chunk, buf + done, k))
			return done ? (long)done : -EFAULT;
		console_write(chunk, k);
		done += k;
	}
	return (long)n;
}

/* ---- the terminal as a file: /dev/console and /dev/tty ---- */

#define CONSOLE_MAJOR   5       /* /dev/console is char 5:1 on Linux */
#define CONSOLE_MINOR   1

/* Linux's struct termios for i386: four flag words, the line discipline,
 * 19 control characters. The values are N_TTY's defaults on a console. */
struct k_termios {
	uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
	uint8_t c_line;
	uint8_t c_cc[19];
};
struct k_winsize {
	uint16_t ws_row, ws_col, ws_xpixel, ws_ypixel;
};
#define TCGETS          0x5401
#define TIOCSCTTY       0x540E
#define TIOCGPGRP       0x540F
#define TIOCSPGRP       0x5410
#define TIOCGWINSZ      0x5413
#define TIOCNOTTY       0x5422
#define TIOCGSID        0x5429

/* A read through /dev/tty is job-controlled; through /dev/console it is
 * not, as Linux's job_control says ("don't stop on /dev/console"). */
static long term_read(struct file *f, vaddr_t buf, size_t n, bool wait)
{
	int err = f->ops == &tty_ops ? tty_check_job(SIGTTIN) : 0;

	return err ? err : tty_read(buf, n, wait);
}

/* /dev/tty is the caller's controlling terminal: -ENXIO with none. */
static int tty_open(struct file *f)
{
	(void)f;
	return is_ctty(proc_current) ? 0 : -ENXIO;
}

static long term_write(struct file *f, vaddr_t buf, size_t n)
{
	(void)f;
	return tty_write(buf, n);
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

static int term_ioctl(struct file *f, uint32_t cmd, vaddr_t arg)
{
	static const struct k_termios tios = {
		.c_iflag = 0x500,               /* ICRNL | IXON */
		.c_oflag = 0x5,                 /* OPOST | ONLCR */
		.c_cflag = 0xbf,                /* B38400 | CS8 | CREAD */
		.c_lflag = 0x8a3b,              /* ISIG ICANON ECHO ECHOE ECHOK ECHOCTL ECHOKE IEXTEN */
		.c_cc = { 3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0, 0, 0 },
	};
	struct k_winsize ws = { 0, 0, 0, 0 };   /* a serial line has no size */

	(void)f;
	if (cmd == TCGETS)
		return copyout(arg, &tios, sizeof(tios));
	if (cmd == TIOCGWINSZ)
		return copyout(arg, &ws, sizeof(ws));
	return job_ioctl(f, cmd, arg);
}

const struct file_ops console_ops = {
	.read = term_read, .write = term_write, .stat = term_stat,
	.ioctl = term_ioctl, .splice_read = true, .splice_write = true,
};
const struct file_ops tty_ops = {
	.open = tty_open, .read = term_read, .write = term_write, .stat = term_stat,
	.ioctl = term_ioctl, .splice_read = true, .splice_write = true,
};

struct file *file_console(void)
{
	return file_new(&console_ops, O_RDWR);
}

