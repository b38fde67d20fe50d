/*
 * The 16550 UART on COM1: the primary console. Output is polled; input
 * arrives by the receive interrupt (IRQ 4) once a handler is set.
 * Register map: PC16550D datasheet; COM1 sits at I/O port 0x3F8.
 */
#include <pagoda/console.h>
#include <pagoda/errno.h>
#include <arch/cpu.h>
#include <arch/trap.h>

#define COM1            0x3F8
#define UART_DATA       0       /* transmit/receive buffer (DLAB = 0) */
#define UART_IER        1       /* interrupt enable (DLAB = 0) */
#define UART_DLL        0       /* divisor latch low (DLAB = 1) */
#define UART_DLM        1       /* divisor latch high (DLAB = 1) */
#define UART_FCR        2       /* FIFO control */
#define UART_LCR        3       /* line control */
#define UART_MCR        4       /* modem control */
#define UART_LSR        5       /* line status */

#define LCR_8N1         0x03    /* 8 data bits, no parity, 1 stop bit */
#define LCR_DLAB        0x80    /* divisor latch access */
#define LCR_BREAK       0x40    /* hold the line at space: a break */
#define FCR_ENABLE_CLEAR 0x07   /* enable FIFOs and clear both */
#define MCR_DTR_RTS_OUT2 0x0B   /* DTR, RTS, and OUT2 (gates the IRQ line) */
#define LSR_THRE        0x20    /* transmit holding register empty */
#define LSR_DR          0x01    /* data ready: a received byte waits */
#define IER_RX          0x01    /* interrupt on received data */

#define UART_CLOCK_HZ   115200  /* the divisor's base rate */
#define SERIAL_BAUD     115200

static bool serial_present;

static void set_divisor(uint16_t divisor)
{
	uint8_t lcr = inb(COM1 + UART_LCR);

	outb(COM1 + UART_LCR, lcr | LCR_DLAB);
	outb(COM1 + UART_DLL, divisor & 0xFF);
	outb(COM1 + UART_DLM, divisor >> 8);
	outb(COM1 + UART_LCR, lcr);
}

/* Program COM1 for 115200 8N1 with FIFOs; no interrupts. */
void serial_init(void)
{
	uint16_t divisor = UART_CLOCK_HZ / SERIAL_BAUD;

	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, LCR_8N1);
	set_divisor(divisor);
	outb(COM1 + UART_FCR, FCR_ENABLE_CLEAR);
	outb(COM1 + UART_MCR, MCR_DTR_RTS_OUT2);
	/* With no UART, the bus floats and reads 0xFF: never wait on it. */
	serial_present = inb(COM1 + UART_LSR) != 0xFF;
}

static void serial_putc(char c)
{
	while (!(inb(COM1 + UART_LSR) & LSR_THRE))
		;
	outb(COM1 + UART_DATA, (uint8_t)c);
}

/* Write len bytes, turning "\n" into "\r\n" for terminals. */
void serial_write(const char *s, size_t len)
{
	if (!serial_present)
		return;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}

void serial_write_raw(const char *s, size_t len)
{
	if (!serial_present)
		return;
	for (size_t i = 0; i < len; i++)
		serial_putc(s[i]);
}

int serial_set_speed(uint32_t bps)
{
	if (bps == 0 || bps > UART_CLOCK_HZ || UART_CLOCK_HZ % bps)
		return -EINVAL;
	if (serial_present)
		set_divisor((uint16_t)(UART_CLOCK_HZ / bps));
	return 0;
}

void serial_set_break(bool on)
{
	uint8_t lcr;

	if (!serial_present)
		return;
	lcr = inb(COM1 + UART_LCR);
	outb(COM1 + UART_LCR, on ? lcr | LCR_BREAK : lcr & ~LCR_BREAK);
}

static void (*input_handler)(char c);

static void serial_irq(struct trapframe *tf)
{
	(void)tf;
	while (inb(COM1 + UART_LSR) & LSR_DR) {
		char c = (char)inb(COM1 + UART_DATA);

		if (input_handler)
			input_handler(c);
	}
}

/* Deliver each received byte to handler, in interrupt context. */
void serial_set_input_handler(void (*handler)(char c))
{
	if (!serial_present)
		return;
	input_handler = handler;
	irq_set_handler(IRQ_COM1, serial_irq);
	outb(COM1 + UART_IER, IER_RX);
	pic_unmask(IRQ_COM1);
}
