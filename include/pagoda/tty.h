/*
 * The console's terminal, in two parts as Linux's: the line discipline
 * (dev/n_tty.c: termios, the input queue, editing, echo and output
 * processing) and the terminal as a file (dev/tty.c: the ioctls, the
 * controlling terminal and job control).
 *
 * Locking: the queue is changed by the serial receive interrupt and by
 * system calls. The kernel runs with interrupts off (every IDT gate is an
 * interrupt gate), so on one CPU each is atomic; SMP will need a spinlock
 * taken with interrupts saved around every function here.
 */
#ifndef PAGODA_TTY_H
#define PAGODA_TTY_H

#include <pagoda/types.h>

struct poll_table;

/* Linux's struct termios for i386: four flag words, the line discipline,
 * 19 control characters. */
#define TTY_NCCS        19
struct k_termios {
	uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
	uint8_t c_line;
	uint8_t c_cc[TTY_NCCS];
};

/* c_cc */
enum {
	VINTR, VQUIT, VERASE, VKILL, VEOF, VTIME, VMIN, VSWTC, VSTART, VSTOP,
	VSUSP, VEOL, VREPRINT, VDISCARD, VWERASE, VLNEXT, VEOL2,
};
/* c_iflag */
#define ISTRIP          0x0020
#define INLCR           0x0040
#define IGNCR           0x0080
#define ICRNL           0x0100
#define IUCLC           0x0200
#define IXON            0x0400
#define IXANY           0x0800
#define IMAXBEL         0x2000
/* c_oflag */
#define OPOST           0x0001
#define OLCUC           0x0002
#define ONLCR           0x0004
#define OCRNL           0x0008
#define ONOCR           0x0010
#define ONLRET          0x0020
#define TABDLY          0x1800
#define XTABS           0x1800  /* TAB3: tabs become spaces */
/* c_cflag */
#define CBAUD           0x100F
#define CS8             0x0030
#define CREAD           0x0080
#define HUPCL           0x0400
#define CLOCAL          0x0800
#define B38400          0x000F
#define B115200         0x1002
/* c_lflag */
#define ISIG            0x0001
#define ICANON          0x0002
#define ECHO            0x0008
#define ECHOE           0x0010
#define ECHOK           0x0020
#define ECHONL          0x0040
#define NOFLSH          0x0080
#define TOSTOP          0x0100
#define ECHOCTL         0x0200
#define ECHOPRT         0x0400
#define ECHOKE          0x0800
#define IEXTEN          0x8000

/* ---- the line discipline (dev/n_tty.c) ---- */
void n_tty_get(struct k_termios *t);
/* New settings; a change of ICANON makes what was typed readable as
 * Linux's n_tty_set_termios does. */
void n_tty_set(const struct k_termios *t);
/* One received character, in interrupt context (or TIOCSTI's). */
void n_tty_receive(char c);
/* read(2) and write(2) of the terminal: bytes, or -EAGAIN, -ERESTARTSYS,
 * -EFAULT. */
long n_tty_read(vaddr_t buf, size_t n, bool nonblock);
long n_tty_write(vaddr_t buf, size_t n, bool nonblock);
/* What FIONREAD reports: the bytes a read could return now; and
 * TIOCOUTQ: the bytes held while output is stopped. */
size_t n_tty_readable(void);
size_t n_tty_output_queued(void);
/* poll: input to read (a line, or VMIN bytes) and room to write. */
uint32_t n_tty_poll(struct poll_table *pt);
/* TCFLSH and TCXONC: drop what was typed; stop or restart output. */
void n_tty_flush_input(void);
void n_tty_stop_output(bool stop);
/* Send a character to the line, past output processing (TCIOFF, TCION). */
void n_tty_send_char(char c);

/* ---- the terminal (dev/tty.c), for the line discipline ---- */
/* ISIG: c was typed; send sig to the foreground process group. */
void tty_signal_foreground(int sig);

#endif /* PAGODA_TTY_H */
