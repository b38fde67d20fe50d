/*
 * The console's line discipline, as Linux's N_TTY (drivers/tty/n_tty.c):
 * what is typed goes into one input queue, through the termios settings.
 *
 *   serial IRQ --> n_tty_receive --> ISTRIP, IUCLC, IXON (^S ^Q),
 *                                    ISIG (^C ^\ ^Z: signal, flush),
 *                                    IGNCR ICRNL INLCR,
 *                  ICANON: editing (ERASE, KILL, WERASE, LNEXT, REPRINT)
 *                          and line ends (NL, EOL, EOL2, EOF)
 *                  queue[0, queued)  <-- n_tty_read: canonical, a line at
 *                   lines: [0, canon_end)          most; otherwise VMIN and
 *                                                  VTIME decide
 *
 * Echoes and written bytes both go out through output processing (OPOST:
 * ONLCR, OCRNL, ONOCR, ONLRET, OLCUC, XTABS), which keeps the column that
 * erasing a tab needs. While output is stopped (^S, TCOOFF) what would go
 * out is held, up to TTY_HELD_MAX bytes; then writers wait.
 *
 * A c_cc entry of 0 (_POSIX_VDISABLE) is no character: with the default
 * VEOL of 0 a NUL is data, as Linux's oracle shows.
 */
#include <pagoda/console.h>
#include <pagoda/errno.h>
#include <pagoda/file.h>
#include <pagoda/proc.h>
#include <pagoda/signal.h>
#include <pagoda/string.h>
#include <pagoda/timer.h>
#include <pagoda/tty.h>
#include <pagoda/uaccess.h>

#define TTY_BUF_SIZE    4096    /* Linux's N_TTY_BUF_SIZE */
#define TTY_HELD_MAX    4096    /* output held while stopped (the UART's xmit buffer) */
#define IUTF8           0x4000
#define EOF_MARK        '\0'    /* a VEOF in the queue: ends a line, never read */

/* The console's settings at boot: Linux's tty_std_termios, with the serial
 * console's line settings (console=ttyS0,115200). */
static struct k_termios termios = {
	.c_iflag = ICRNL | IXON,
	.c_oflag = OPOST | ONLCR,
	.c_cflag = B115200 | CS8 | CREAD | HUPCL | CLOCAL,
	.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN,
	.c_cc = { 3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0 },
};

static uint8_t queue[TTY_BUF_SIZE];
static uint8_t line_end[TTY_BUF_SIZE / 8];     /* bit i: queue[i] ends a line */
static size_t queued;           /* bytes in the queue */
static size_t canon_end;        /* ICANON: [0, canon_end) is complete lines */
static unsigned column;         /* the output column, as OPOST moves it */
static unsigned canon_column;   /* the column where the line being edited began */
static bool lnext;              /* the next character is literal (VLNEXT) */
static bool erasing;            /* ECHOPRT: between "\" and "/" */
static bool output_stopped;
static char held[TTY_HELD_MAX];
static size_t held_len;

#define L(flag)         (termios.c_lflag & (flag))
#define I(flag)         (termios.c_iflag & (flag))
#define O(flag)         (termios.c_oflag & (flag))
#define CC(v)           (termios.c_cc[v])
/* Whether c is the character of c_cc[v]; 0 there (_POSIX_VDISABLE) is none. */
#define IS(c, v)        ((c) == CC(v) && CC(v) != 0)

/* Linux's ctype, Latin-1: 0x80-0x9F are control characters too. */
static bool k_iscntrl(uint8_t c)
{
	return c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0);
}

static bool k_isalnum(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= 0xC0 && c != 0xD7 && c != 0xF7);
}

static bool is_continuation(uint8_t c)
{
	return I(IUTF8) && (c & 0xC0) == 0x80;
}

/* ---- output ---- */

/* Bytes to the line as they are: out now, or held while output is stopped
 * (dropped once the hold is full, which only echoes can reach). */
static void put_raw(const char *s, size_t n)
{
	if (!output_stopped) {
		console_emit(s, n);
		return;
	}
	for (size_t i = 0; i < n && held_len < TTY_HELD_MAX; i++)
		held[held_len++] = s[i];
}

/* One byte through output processing (Linux's do_output_char). */
static void output_char(uint8_t c)
{
	if (!O(OPOST)) {
		put_raw((const char *)&c, 1);
		return;
	}
	switch (c) {
	case '\n':
		if (O(ONLRET))
			column = 0;
		if (O(ONLCR)) {
			canon_column = column = 0;
			put_raw("\r\n", 2);
			return;
		}
		canon_column = column;
		break;
	case '\r':
		if (O(ONOCR) && column == 0)
			return;
		if (O(OCRNL)) {
			c = '\n';
			if (O(ONLRET))
				canon_column = column = 0;
			break;
		}
		canon_column = column = 0;
		break;
	case '\t': {
		unsigned spaces = 8 - (column & 7);

		column += spaces;
		if ((termios.c_oflag & TABDLY) == XTABS) {
			put_raw("        ", spaces);
			return;
		}
		break;
	}
	case '\b':
		if (column > 0)
			column--;
		break;
	default:
		if (!k_iscntrl(c)) {
			if (O(OLCUC) && c >= 'a' && c <= 'z')
				c = (uint8_t)(c - 'a' + 'A');
			if (!is_continuation(c))
				column++;
		}
		break;
	}
	put_raw((const char *)&c, 1);
}

/* Echo c as typed: a control character as ^X under ECHOCTL (a tab as itself). */
static void echo_char(uint8_t c)
{
	if (L(ECHOCTL) && k_iscntrl(c) && c != '\t') {
		char shown[2] = { '^', (char)(c ^ 0100) };

		put_raw(shown, 2);
		column += 2;
		return;
	}
	output_char(c);
}

static void finish_erasing(void)
{
	if (erasing) {
		output_char('/');
		erasing = false;
	}
}

/* Restart output: what was held goes out, and writers waiting for room go on. */
static void start_output(void)
{
	if (!output_stopped)
		return;
	output_stopped = false;
	console_emit(held, held_len);
	held_len = 0;
	wakeup(&held);
}

void n_tty_stop_output(bool stop)
{
	if (stop)
		output_stopped = true;
	else
		start_output();
}

void n_tty_send_char(char c)
{
	put_raw(&c, 1);
}

/* ---- the input queue ---- */

static bool ends_line(size_t i)
{
	return line_end[i / 8] & (1u << (i % 8));
}

static void set_line_end(size_t i, bool end)
{
	if (end)
		line_end[i / 8] |= (uint8_t)(1u << (i % 8));
	else
		line_end[i / 8] &= (uint8_t)~(1u << (i % 8));
}

/* Whether the queue can take no character: it is full, and not with a
 * line being edited (whose last character a new one replaces, so that a
 * newline can always end the line: Linux's n_tty_receive_buf_common). */
static bool queue_refuses(void)
{
	return queued == TTY_BUF_SIZE && (!L(ICANON) || canon_end == queued);
}

/* Add c at the end of the queue (see queue_refuses). */
static void put_queue(uint8_t c, bool end)
{
	if (queue_refuses())
		return;
	if (queued == TTY_BUF_SIZE)
		queued--;
	queue[queued] = c;
	set_line_end(queued, end);
	queued++;
	if (end)
		canon_end = queued;
	if (end || !L(ICANON))
		wakeup(&queue);
}

/* Drop the first n bytes of the queue (they were read). */
static void consume(size_t n)
{
	for (size_t i = n; i < queued; i++) {
		queue[i - n] = queue[i];
		set_line_end(i - n, ends_line(i));
	}
	queued -= n;
	canon_end = canon_end > n ? canon_end - n : 0;
}

void n_tty_flush_input(void)
{
	queued = canon_end = 0;
	lnext = erasing = false;
}

/* ---- editing (ICANON) ---- */

/* Move the cursor back over the tab queue[at] (Linux's echo_erase_tab):
 * the columns it filled depend on what precedes it on the line. */
static void erase_tab_echo(size_t at)
{
	unsigned chars = 0, back;
	bool after_tab = false;

	while (at > canon_end) {
		uint8_t c = queue[--at];

		if (c == '\t') {
			after_tab = true;
			break;
		}
		if (k_iscntrl(c))
			chars += L(ECHOCTL) ? 2 : 0;
		else if (!is_continuation(c))
			chars++;
	}
	if (!after_tab)
		chars += canon_column;
	back = 8 - (chars & 7);
	if (back > column)
		back = column;
	while (back--) {
		put_raw("\b", 1);
		column--;
	}
}

/* The echo of erasing c, the character at queue[at]. */
static void erase_echo(uint8_t c, size_t at, bool kill)
{
	if (L(ECHOPRT)) {
		if (!erasing) {
			output_char('\\');
			erasing = true;
		}
		echo_char(c);
	} else if (!kill && !L(ECHOE)) {
		echo_char(CC(VERASE));
	} else if (c == '\t') {
		erase_tab_echo(at);
	} else {
		/* One column back and blank, twice for a ^X. */
		int columns = k_iscntrl(c) ? (L(ECHOCTL) ? 2 : 0) : 1;

		while (columns--) {
			output_char('\b');
			output_char(' ');
			output_char('\b');
		}
	}
}

/* VERASE, VWERASE or VKILL on the line being edited (Linux's eraser). */
static void eraser(uint8_t c)
{
	enum { ERASE, WERASE, KILL } kind;
	int alnums = 0;

	if (queued == canon_end)
		return;
	if (IS(c, VERASE)) {
		kind = ERASE;
	} else if (IS(c, VWERASE)) {
		kind = WERASE;
	} else {
		if (!L(ECHO)) {
			queued = canon_end;
			return;
		}
		if (!L(ECHOK) || !L(ECHOKE) || !L(ECHOE)) {
			queued = canon_end;
			finish_erasing();
			echo_char(CC(VKILL));
			if (L(ECHOK))
				output_char('\n');
			return;
		}
		kind = KILL;
	}
	while (queued > canon_end) {
		size_t at = queued;

		do                      /* a whole character, in UTF-8 */
			c = queue[--at];
		while (is_continuation(c) && at > canon_end);
		if (is_continuation(c))
			break;
		if (kind == WERASE) {
			if (k_isalnum(c) || c == '_')
				alnums++;
			else if (alnums)
				break;
		}
		queued = at;
		if (L(ECHO))
			erase_echo(c, at, kind == KILL);
		if (kind == ERASE)
			break;
	}
	if (queued == canon_end && L(ECHO))
		finish_erasing();
}

/* VREPRINT: the line so far, again, on a line of its own. */
static void reprint(uint8_t c)
{
	finish_erasing();
	echo_char(c);
	output_char('\n');
	for (size_t i = canon_end; i < queued; i++)
		echo_char(queue[i]);
}

/* ---- receiving ---- */

/* An ordinary character: echoed, and queued. */
static void receive_plain(uint8_t c)
{
	if (queue_refuses())
		return;                 /* no room: Linux leaves it unread */
	if (L(ECHO)) {
		finish_erasing();
		if (queued == canon_end)
			canon_column = column;
		echo_char(c);
	}
	put_queue(c, false);
}

/* ISIG: the signal, the queue flushed (unless NOFLSH), the echo. */
static void receive_signal_char(int sig, uint8_t c)
{
	if (!L(NOFLSH))
		n_tty_flush_input();
	tty_signal_foreground(sig);
	if (I(IXON))
		start_output();
	if (L(ECHO))
		echo_char(c);
}

/* What ICANON makes of c: true if it was an editing or line-end character. */
static bool receive_canonical(uint8_t c)
{
	bool eol = IS(c, VEOL) || (IS(c, VEOL2) && L(IEXTEN));

	if (IS(c, VERASE) || IS(c, VKILL) || (IS(c, VWERASE) && L(IEXTEN))) {
		eraser(c);
	} else if (IS(c, VLNEXT) && L(IEXTEN)) {
		lnext = true;
		if (L(ECHO)) {
			finish_erasing();
			if (L(ECHOCTL)) {
				output_char('^');
				output_char('\b');
			}
		}
	} else if (IS(c, VREPRINT) && L(ECHO) && L(IEXTEN)) {
		reprint(c);
	} else if (c == '\n') {
		if (L(ECHO) || L(ECHONL))
			output_char('\n');
		put_queue(c, true);
	} else if (IS(c, VEOF)) {
		put_queue(EOF_MARK, true);
	} else if (eol) {
		if (L(ECHO)) {
			if (queued == canon_end)
				canon_column = column;
			echo_char(c);
		}
		put_queue(c, true);
	} else {
		return false;
	}
	return true;
}

void n_tty_receive(char ch)
{
	uint8_t c = (uint8_t)ch;

	if (I(ISTRIP))
		c &= 0x7F;
	if (I(IUCLC) && L(IEXTEN) && c >= 'A' && c <= 'Z')
		c = (uint8_t)(c - 'A' + 'a');
	if (lnext) {
		lnext = false;
		receive_plain(c);
		return;
	}
	if (I(IXON)) {
		if (IS(c, VSTART)) {
			start_output();
			return;
		}
		if (IS(c, VSTOP)) {
			output_stopped = true;
			return;
		}
	}
	if (L(ISIG)) {
		int sig = IS(c, VINTR) ? SIGINT : IS(c, VQUIT) ? SIGQUIT : IS(c, VSUSP) ? SIGTSTP : 0;

		if (sig) {
			receive_signal_char(sig, c);
			return;
		}
	}
	if (output_stopped && I(IXON) && I(IXANY))
		start_output();
	if (c == '\r') {
		if (I(IGNCR))
			return;
		if (I(ICRNL))
			c = '\n';
	} else if (c == '\n' && I(INLCR)) {
		c = '\r';
	}
	if (L(ICANON) && receive_canonical(c))
		return;
	receive_plain(c);
}

/* ---- settings ---- */

void n_tty_get(struct k_termios *t)
{
	*t = termios;
}

void n_tty_set(const struct k_termios *t)
{
	bool canon_changed = (termios.c_lflag ^ t->c_lflag) & ICANON;

	termios = *t;
	if (canon_changed) {
		/* Off: everything queued is readable. On: it is one line, pushed
		 * out as it is, with no terminator. */
		for (size_t i = 0; i < queued; i++)
			set_line_end(i, false);
		if (L(ICANON) && queued)
			set_line_end(queued - 1, true);
		canon_end = queued;
		lnext = erasing = false;
		wakeup(&queue);
	}
	if (!I(IXON))
		start_output();
}

/* ---- reading and writing ---- */

size_t n_tty_readable(void)
{
	size_t n = 0;

	if (!L(ICANON))
		return queued;
	for (size_t i = 0; i < canon_end; i++)
		if (!(ends_line(i) && queue[i] == EOF_MARK))
			n++;
	return n;
}

#define WAKEUP_CHARS    256     /* Linux's: writable below this much held */

uint32_t n_tty_poll(struct poll_table *pt)
{
	size_t want = !L(ICANON) && !CC(VTIME) && CC(VMIN) ? CC(VMIN) : 1;
	uint32_t mask = 0;

	poll_wait(pt, &queue);
	poll_wait(pt, &held);
	if (L(ICANON) ? canon_end > 0 : queued >= want)
		mask |= POLLIN | POLLRDNORM;
	if (held_len < WAKEUP_CHARS)
		mask |= POLLOUT | POLLWRNORM;
	return mask;
}

size_t n_tty_output_queued(void)
{
	return held_len;
}

/* ICANON: at most one line, without the VEOF that may end it. */
static long read_line(vaddr_t buf, size_t n, bool nonblock)
{
	size_t len = 0, take;
	bool eof;

	while (canon_end == 0) {
		if (nonblock)
			return -EAGAIN;
		if (sleep_on_interruptible(&queue))
			return -ERESTARTSYS;
	}
	while (len < canon_end && !ends_line(len))
		len++;
	eof = queue[len] == EOF_MARK;
	take = len + (eof ? 0 : 1);         /* the terminator, unless VEOF's */
	if (take > n)
		take = n;
	if (copyout(buf, queue, take))
		return -EFAULT;
	consume(take == len + (eof ? 0 : 1) ? len + 1 : take);
	return (long)take;
}

/* Not ICANON: VMIN bytes, as many as are there once VTIME passes (from
 * the call with VMIN 0, from the last byte otherwise), as Linux's
 * n_tty_read. */
static long read_raw(vaddr_t buf, size_t n, bool nonblock)
{
	size_t got = 0, min = CC(VMIN);
	uint64_t wait = (uint64_t)CC(VTIME) * NSEC_PER_DECISEC, deadline = 0;
	uint64_t inter = min ? wait : 0;

	if (!min) {
		min = 1;
		deadline = wait ? timer_deadline(0, wait) : 0;
		if (!wait && !queued)
			return 0;
	}
	for (;;) {
		size_t k = queued < n - got ? queued : n - got;
		int r;

		if (k) {
			if (copyout(buf + got, queue, k))
				return got ? (long)got : -EFAULT;
			consume(k);
			got += k;
			if (inter)
				deadline = timer_deadline(0, inter);
		}
		if (got >= min || got == n)
			break;
		if (nonblock)
			return got ? (long)got : -EAGAIN;
		r = deadline ? sleep_on_timeout(&queue, deadline) : sleep_on_interruptible(&queue);
		if (r == -ETIMEDOUT && !queued)
			break;
		if (r == -EINTR)
			return got ? (long)got : -ERESTARTSYS;
	}
	return (long)got;
}

long n_tty_read(vaddr_t buf, size_t n, bool nonblock)
{
	if (n == 0)
		return 0;
	return L(ICANON) ? read_line(buf, n, nonblock) : read_raw(buf, n, nonblock);
}

long n_tty_write(vaddr_t buf, size_t n, bool nonblock)
{
	char chunk[256];
	size_t done = 0;

	while (done < n) {
		size_t k = n - done < sizeof(chunk) ? n - done : sizeof(chunk);

		if (output_stopped && held_len + 8 * k > TTY_HELD_MAX) {
			k = (TTY_HELD_MAX - held_len) / 8;  /* what surely fits: a tab is 8 */
			if (k == 0) {
				if (nonblock)
					return done ? (long)done : -EAGAIN;
				if (sleep_on_interruptible(&held))
					return done ? (long)done : -ERESTARTSYS;
				continue;
			}
		}
		if (copyin(chunk, buf + done, k))
			return done ? (long)done : -EFAULT;
		for (size_t i = 0; i < k; i++)
			output_char((uint8_t)chunk[i]);
		done += k;
	}
	return (long)n;
}
