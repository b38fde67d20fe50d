/*
 * The console as a terminal: termios settings and the line discipline,
 * against Linux's N_TTY on its serial console. What is "typed" is put in
 * the input queue with TIOCSTI (root may, on both kernels), so the same
 * keys go through ISIG, ICANON editing and echo on each; echoes land in
 * the serial log between "[" and "]" and are compared with the rest.
 * Every case leaves the settings as it found them.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include "check.h"

/* Linux's struct termio (TCGETA) and the termios2 ioctl, which neither
 * libc's headers give alike. */
struct k_termio {
	unsigned short c_iflag, c_oflag, c_cflag, c_lflag;
	unsigned char c_line, c_cc[8];
};
struct k_termios2 {
	unsigned c_iflag, c_oflag, c_cflag, c_lflag;
	unsigned char c_line, c_cc[19];
	unsigned c_ispeed, c_ospeed;
};
#define K_TCGETS2 0x802C542A

static struct termios saved;

static void type(const char *keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		CHECK(ioctl(0, TIOCSTI, keys + i) == 0);
}
#define TYPE(s) type(s, sizeof(s) - 1)

/* Settings changed from the saved ones: lflag bits on and off. */
static void set_lflag(tcflag_t on, tcflag_t off)
{
	struct termios t = saved;

	t.c_lflag = (t.c_lflag | on) & ~off;
	CHECK(tcsetattr(0, TCSANOW, &t) == 0);
}

static void restore(void)
{
	CHECK(tcsetattr(0, TCSAFLUSH, &saved) == 0);
}

/* What one read returns, shown with control bytes as \xNN. */
static void show_read(const char *what, int fd, size_t n)
{
	char buf[256];
	ssize_t got = read(fd, buf, n < sizeof(buf) ? n : sizeof(buf));

	printf("%s: ", what);
	if (got < 0) {
		printf("-1 errno %d\n", errno);
		return;
	}
	printf("%zd \"", got);
	for (ssize_t i = 0; i < got; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c >= 0x20 && c < 0x7F && c != '\\')
			putchar(c);
		else
			printf("\\x%02x", c);
	}
	printf("\"\n");
}

static int readable(void)
{
	int n = -1;

	CHECK(ioctl(0, FIONREAD, &n) == 0);
	return n;
}

static void show_termios(const char *what, const struct termios *t)
{
	printf("%s: iflag %#o oflag %#o cflag %#o lflag %#o line %d cc", what, t->c_iflag,
	       t->c_oflag, t->c_cflag, t->c_lflag, t->c_line);
	for (int i = 0; i < 17; i++)
		printf(" %d", t->c_cc[i]);
	printf("\n");
}

/* The settings a console starts with, in each form they can be read. */
static void settings(void)
{
	struct k_termio old;
	struct k_termios2 t2;
	struct winsize ws;
	int disc = -1, q = -1;

	show_termios("tcgetattr", &saved);
	printf("115200 in and out: %d %d\n", cfgetispeed(&saved) == B115200,
	       cfgetospeed(&saved) == B115200);
	memset(&old, 0xAA, sizeof(old));
	CHECK(ioctl(0, TCGETA, &old) == 0);
	printf("TCGETA: iflag %#o oflag %#o cflag %#o lflag %#o line %d cc", old.c_iflag,
	       old.c_oflag, old.c_cflag, old.c_lflag, old.c_line);
	for (int i = 0; i < 8; i++)
		printf(" %d", old.c_cc[i]);
	printf("\n");
	CHECK(ioctl(0, K_TCGETS2, &t2) == 0);
	printf("TCGETS2: ispeed %u ospeed %u\n", t2.c_ispeed, t2.c_ospeed);
	CHECK(ioctl(0, TIOCGWINSZ, &ws) == 0);
	printf("winsize: %d x %d\n", ws.ws_row, ws.ws_col);
	CHECK(ioctl(0, TIOCGETD, &disc) == 0);
	CHECK(tcdrain(1) == 0 && ioctl(1, TIOCOUTQ, &q) == 0);
	printf("line discipline %d, readable %d, output queued %d\n", disc, readable(), q);
}

/* Bad requests change nothing. */
static void bad_requests(void)
{
	struct termios t;
	int null = open("/dev/null", O_RDWR), zero = 0, minus = -1;

	CHECK(null >= 0);
	CHECK_ERR(ioctl(0, TCGETS, NULL), EFAULT);
	CHECK_ERR(ioctl(0, TCSETS, NULL), EFAULT);
	CHECK_ERR(ioctl(0, TCSETA, NULL), EFAULT);
	CHECK_ERR(ioctl(0, TIOCSTI, NULL), EFAULT);
	CHECK_ERR(ioctl(0, TIOCSWINSZ, NULL), EFAULT);
	CHECK_ERR(ioctl(0, FIONREAD, NULL), EFAULT);
	CHECK_ERR(ioctl(0, TCFLSH, 3), EINVAL);
	CHECK_ERR(ioctl(0, TCXONC, 4), EINVAL);
	CHECK_ERR(ioctl(0, TIOCSETD, &minus), EINVAL);
	CHECK(ioctl(0, TIOCSETD, &zero) == 0);
	CHECK_ERR(ioctl(0, 0x54FF, 0), ENOTTY);
	CHECK_ERR(ioctl(null, TCGETS, &t), ENOTTY);
	CHECK_ERR(tcsetattr(null, TCSANOW, &saved), ENOTTY);
	CHECK(tcgetattr(0, &t) == 0);
	CHECK(t.c_iflag == saved.c_iflag && t.c_oflag == saved.c_oflag && t.c_cflag == saved.c_cflag &&
	      t.c_lflag == saved.c_lflag && memcmp(t.c_cc, saved.c_cc, 17) == 0);
	printf("bad requests refused, settings unchanged\n");
}

/* ICANON's editing, without echo: what a read gets. */
static void canonical_editing(void)
{
	struct termios t = saved;
	int fl = fcntl(0, F_GETFL);

	set_lflag(0, ECHO);
	TYPE("abc\x7f" "d\n");
	show_read("erase", 0, 100);
	TYPE("xyz\x15ok\n");
	show_read("kill", 0, 100);
	TYPE("one two\x17three\n");
	show_read("word erase", 0, 100);
	TYPE("one two  \x17\x17x\n");
	show_read("word erase twice", 0, 100);
	TYPE("a\x16\x7f" "b\x16\x15\n");
	show_read("literal next", 0, 100);
	TYPE("abc");
	printf("a partial line: readable %d\n", readable());
	TYPE("\x04");
	printf("ended by EOF: readable %d\n", readable());
	show_read("the line EOF ended", 0, 100);
	TYPE("\x04");
	show_read("EOF at a line's start", 0, 100);
	TYPE("l1\nl2\n");
	printf("two lines: readable %d\n", readable());
	show_read("first", 0, 100);
	show_read("second", 0, 100);
	TYPE("hello\n");
	show_read("two bytes of a line", 0, 2);
	show_read("the rest", 0, 100);
	TYPE("x\0y\n");
	show_read("a NUL (VEOL 0 is disabled)", 0, 100);
	TYPE("\x7f\x7f\x15" "ab\n");
	show_read("erasing nothing", 0, 100);
	t.c_lflag &= ~(tcflag_t)ECHO;
	t.c_cc[VEOL] = ';';
	t.c_cc[VEOL2] = '|';
	CHECK(tcsetattr(0, TCSANOW, &t) == 0);
	TYPE("a;b|c\n");
	show_read("VEOL", 0, 100);
	show_read("VEOL2", 0, 100);
	show_read("newline", 0, 100);
	CHECK(fcntl(0, F_SETFL, fl | O_NONBLOCK) == 0);
	TYPE("unfinished");
	show_read("non-blocking, no line", 0, 100);
	CHECK(fcntl(0, F_SETFL, fl) == 0);
	CHECK(tcflush(0, TCIFLUSH) == 0);
	printf("flushed: readable %d\n", readable());
	restore();
}

/* The echoes of typing and editing, on the console. */
static void echoes(void)
{
	struct termios t = saved;
	static const struct { const char *what; tcflag_t on, off; const char *keys; } rows[] = {
		{ "plain", 0, 0, "hi\x7f\x7fok\n" },
		{ "control characters", 0, 0, "a\x01\x1b\x7f\x7f" "b\n" },
		{ "tabs", 0, 0, "ab\tc\x7f\x7f\x7f\n" },
		{ "tab after a tab", 0, 0, "\tx\ty\x7f\x7f\n" },
		{ "reprint", 0, 0, "abc\x12" "d\n" },
		{ "kill", 0, 0, "abc\x15" "d\n" },
		{ "kill without ECHOKE", 0, ECHOKE, "abc\x15" "d\n" },
		{ "kill without ECHOK", 0, ECHOK | ECHOKE, "abc\x15" "d\n" },
		{ "erase without ECHOE", 0, ECHOE, "abc\x7f" "d\n" },
		{ "ECHOPRT", ECHOPRT, 0, "abc\x7f\x7f" "d\n" },
		{ "no ECHOCTL", 0, ECHOCTL, "a\x01\x7f\x7f" "b\n" },
		{ "literal next", 0, 0, "a\x16\x03" "b\n" },
		{ "word erase", 0, 0, "one two\x17" "x\n" },
		{ "ECHONL without ECHO", ECHONL, ECHO, "quiet\n" },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		set_lflag(rows[i].on, rows[i].off);
		printf("%s [", rows[i].what);
		fflush(stdout);
		type(rows[i].keys, strlen(rows[i].keys));
		printf("]\n");
		show_read("  read", 0, 100);
	}
	t.c_oflag |= OLCUC;
	CHECK(tcsetattr(0, TCSANOW, &t) == 0);
	printf("OLCUC [");
	fflush(stdout);
	TYPE("up\n");
	printf("]\n");
	show_read("  read", 0, 100);
	restore();
}

/* Non-canonical reads: VMIN and VTIME, and ICANON switched with input queued. */
static void raw_reads(void)
{
	struct termios t = saved;
	int fl = fcntl(0, F_GETFL);

	cfmakeraw(&t);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	CHECK(tcsetattr(0, TCSANOW, &t) == 0);
	show_termios("cfmakeraw", &t);
	TYPE("a\r\x03\x7f");
	printf("raw: readable %d\n", readable());
	show_read("VMIN 1", 0, 100);
	t.c_cc[VMIN] = 0;
	CHECK(tcsetattr(0, TCSANOW, &t) == 0);
	show_read("VMIN 0 VTIME 0, nothing typed", 0, 100);
	t.c_cc[VTIME] = 2;
	CHECK(tcsetattr(0, TCSANOW, &t) == 0);
	show_read("VMIN 0 VTIME 2, nothing typed", 0, 100);
	TYPE("xy");
	show_read("VMIN 0 VTIME 2, two typed", 0, 100);
	t.c_cc[VMIN] = 3;
	t.c_cc[VTIME] = 1;
	CHECK(tcsetattr(0, TCSANOW, &t) == 0);
	TYPE("pq");
	show_read("VMIN 3 VTIME 1, two typed", 0, 100);
	TYPE("pqrst");
	show_read("VMIN 3, 2 asked of 5", 0, 2);
	show_read("and the rest", 0, 100);
	t.c_cc[VMIN] = 2;
	t.c_cc[VTIME] = 0;
	CHECK(tcsetattr(0, TCSANOW, &t) == 0);
	CHECK(fcntl(0, F_SETFL, fl | O_NONBLOCK) == 0);
	TYPE("z");
	show_read("VMIN 2, one typed, non-blocking", 0, 100);
	show_read("nothing, non-blocking", 0, 100);
	CHECK(fcntl(0, F_SETFL, fl) == 0);
	TYPE("abc");
	t.c_lflag |= ICANON;
	CHECK(tcsetattr(0, TCSANOW, &t) == 0);
	printf("ICANON on with 3 queued: readable %d\n", readable());
	show_read("a pushed line", 0, 100);
	TYPE("de");
	printf("a partial line: readable %d\n", readable());
	t.c_lflag &= ~(tcflag_t)ICANON;
	t.c_cc[VMIN] = 1;
	CHECK(tcsetattr(0, TCSANOW, &t) == 0);
	printf("ICANON off: readable %d\n", readable());
	show_read("it", 0, 100);
	restore();
}

/* Input translation: CR and NL, and the eighth bit. */
static void input_translation(void)
{
	struct termios t = saved;

	t.c_lflag &= ~(tcflag_t)ECHO;
	t.c_iflag |= IGNCR;
	CHECK(tcsetattr(0, TCSANOW, &t) == 0);
	TYPE("a\rb\n");
	show_read("IGNCR", 0, 100);
	t.c_iflag &= ~(tcflag_t)(IGNCR | ICRNL);
	t.c_cc[VEOL] = '\r';
	CHECK(tcsetattr(0, TCSANOW, &t) == 0);
	TYPE("c\r");
	show_read("no ICRNL, CR as VEOL", 0, 100);
	t.c_iflag |= INLCR;
	CHECK(tcsetattr(0, TCSANOW, &t) == 0);
	TYPE("d\n");
	show_read("INLCR", 0, 100);
	t.c_iflag = saved.c_iflag | ISTRIP;
	CHECK(tcsetattr(0, TCSANOW, &t) == 0);
	TYPE("\xe1\xe2\n");
	show_read("ISTRIP", 0, 100);
	restore();
}

/* Output processing of what is written. */
static void output_processing(void)
{
	static const struct { const char *what; tcflag_t on, off; } rows[] = {
		{ "OCRNL", OCRNL, 0 }, { "OLCUC", OLCUC, 0 }, { "XTABS", XTABS, 0 },
		{ "ONOCR", ONOCR, 0 }, { "no OPOST", 0, OPOST },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct termios t = saved;

		t.c_oflag = (t.c_oflag | rows[i].on) & ~rows[i].off;
		printf("%s [", rows[i].what);
		fflush(stdout);
		CHECK(tcsetattr(0, TCSADRAIN, &t) == 0);
		CHECK(write(1, "ab\tc\rx\n", 7) == 7);
		restore();
		printf("]\n");
	}
}

static volatile sig_atomic_t got[32];

static void note_signal(int sig)
{
	got[sig]++;
}

/* ISIG's characters, for the foreground group of the console's session. */
static void signal_characters_in_session(void)
{
	struct termios t = saved;
	struct winsize ws = { 24, 80, 0, 0 };

	signal(SIGINT, note_signal);
	signal(SIGQUIT, note_signal);
	signal(SIGTSTP, note_signal);
	signal(SIGWINCH, note_signal);
	set_lflag(0, ECHO);
	TYPE("ab\x03");
	printf("^C: SIGINT %d, readable %d\n", got[SIGINT], readable());
	TYPE("cd\x1c");
	printf("^\\: SIGQUIT %d, readable %d\n", got[SIGQUIT], readable());
	TYPE("\x1a");
	printf("^Z: SIGTSTP %d\n", got[SIGTSTP]);
	set_lflag(NOFLSH, ECHO);
	TYPE("ef\x03\n");
	printf("NOFLSH ^C: SIGINT %d, readable %d\n", got[SIGINT], readable());
	show_read("kept", 0, 100);
	printf("echoed [");
	fflush(stdout);
	set_lflag(0, 0);
	TYPE("gh\x03");
	printf("]\n");
	t.c_lflag &= ~(tcflag_t)(ISIG | ECHO);
	CHECK(tcsetattr(0, TCSANOW, &t) == 0);
	TYPE("\x03\n");
	show_read("no ISIG", 0, 100);
	printf("SIGINT %d\n", got[SIGINT]);
	CHECK(ioctl(0, TIOCSWINSZ, &ws) == 0);
	CHECK(ioctl(0, TIOCSWINSZ, &ws) == 0);
	memset(&ws, 0, sizeof(ws));
	CHECK(ioctl(0, TIOCGWINSZ, &ws) == 0);
	printf("winsize %d x %d, SIGWINCH %d\n", ws.ws_row, ws.ws_col, got[SIGWINCH]);
	memset(&ws, 0, sizeof(ws));
	CHECK(ioctl(0, TIOCSWINSZ, &ws) == 0);
	printf("back to 0 x 0: SIGWINCH %d\n", got[SIGWINCH]);
	restore();
}

/* A background job's changes and (under TOSTOP) writes: stopped by SIGTTOU. */
static int tty_fd = -1;

static void background_tcsetattr(void) { CHECK(tcsetattr(0, TCSANOW, &saved) == 0); }
static void background_tcflush(void) { CHECK(tcflush(0, TCIFLUSH) == 0); }
static void background_write_tty(void) { CHECK(write(tty_fd, "", 0) == 0 && write(tty_fd, "w\n", 2) == 2); }
static void background_write_console(void) { CHECK(write(1, "c\n", 2) == 2); }
static void background_winsize(void)
{
	struct winsize ws;

	CHECK(ioctl(0, TIOCGWINSZ, &ws) == 0);
}

static void background_jobs_in_session(void)
{
	struct termios t = saved;

	tty_fd = open("/dev/tty", O_RDWR);
	CHECK(tty_fd >= 0);
	show_job("tcsetattr", background_tcsetattr);
	show_job("tcflush", background_tcflush);
	show_job("TIOCGWINSZ", background_winsize);
	show_job("a write to /dev/tty", background_write_tty);
	t.c_lflag |= TOSTOP;
	CHECK(tcsetattr(0, TCSANOW, &t) == 0);
	show_job("TOSTOP: a write to /dev/tty", background_write_tty);
	show_job("TOSTOP: a write to /dev/console", background_write_console);
	signal(SIGTTOU, SIG_IGN);
	show_job("TOSTOP, SIGTTOU ignored: a write to /dev/tty", background_write_tty);
	signal(SIGTTOU, SIG_DFL);
	restore();
}

/* Run fn as the leader of a new session whose terminal the console is. */
static void (*session_fn)(void);

static void session_leader(void)
{
	CHECK(setsid() == getpid());
	CHECK(ioctl(0, TIOCSCTTY, 0) == 0);
	session_fn();
	fflush(stdout);
}

static void in_session(void (*fn)(void))
{
	int status;

	session_fn = fn;
	status = status_of(session_leader);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void signal_characters(void) { in_session(signal_characters_in_session); }
static void background_jobs(void) { in_session(background_jobs_in_session); }

/* ^S holds output (TIOCOUTQ counts it) until ^Q; TCOOFF and TCOON the same. */
static void flow_control(void)
{
	int q = -1;

	CHECK(tcdrain(1) == 0);
	TYPE("\x13");
	CHECK(write(1, "held\n", 5) == 5);
	CHECK(ioctl(1, TIOCOUTQ, &q) == 0);
	TYPE("\x11");
	CHECK(tcdrain(1) == 0);
	printf("^S: %d bytes waited\n", q);
	CHECK(tcflow(1, TCOOFF) == 0);
	CHECK(write(1, "held again\n", 11) == 11);
	CHECK(ioctl(1, TIOCOUTQ, &q) == 0);
	CHECK(tcflow(1, TCOON) == 0);
	CHECK(tcdrain(1) == 0);
	printf("TCOOFF: %d bytes waited\n", q);
	CHECK(tcsendbreak(1, 0) == 0);
	printf("a break sent\n");
}

static const struct test_case cases[] = {
	CASE(settings), CASE(bad_requests), CASE(canonical_editing), CASE(echoes), CASE(raw_reads),
	CASE(input_translation), CASE(output_processing), CASE(signal_characters),
	CASE(background_jobs), CASE(flow_control),
};

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	CHECK(tcgetattr(0, &saved) == 0);
	return RUN_CASES(cases);
}
