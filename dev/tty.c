/*
 * The console terminal: output goes to every console (serial and VGA);
 * input comes from the serial port's receive interrupt through a
 * canonical-mode line discipline like Linux's N_TTY with its defaults:
 * characters are echoed, CR becomes NL (ICRNL), DEL or Backspace erases
 * one, Ctrl-U the line, and Ctrl-D at the start of a line is end of file.
 * A read returns at most one line, once it is complete.
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

/* One character from the serial port, in interrupt context. */
static void tty_input(char c)
{
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
#define TIOCGWINSZ      0x5413

static long term_read(struct file *f, vaddr_t buf, size_t n, bool wait)
{
	(void)f;
	return tty_read(buf, n, wait);
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
	return -ENOTTY;
}

const struct file_ops console_ops = {
	.read = term_read, .write = term_write, .stat = term_stat,
	.ioctl = term_ioctl, .splice_read = true, .splice_write = true,
};

struct file *file_console(void)
{
	return file_new(&console_ops, O_RDWR);
}

