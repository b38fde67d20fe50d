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
			return -EINTR;
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
