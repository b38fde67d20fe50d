/*
 * The console: every character the kernel prints goes to COM1 (the primary
 * console, readable under QEMU's -nographic) and to the VGA text screen.
 */
#ifndef PAGODA_CONSOLE_H
#define PAGODA_CONSOLE_H

#include <pagoda/types.h>

void console_init(void);
void console_write(const char *s, size_t len);
/* The same with no translation: the terminal's output processing (OPOST)
 * has already made the line ends it wants. */
void console_emit(const char *s, size_t len);

/* Individual devices (dev/serial.c, dev/vga.c). */
void serial_init(void);
void serial_write(const char *s, size_t len);
void serial_write_raw(const char *s, size_t len);
/* The line's speed in bits a second, if the UART's clock divides into it
 * (0 or any other: -EINVAL, unchanged); and a break on the line, or none. */
int serial_set_speed(uint32_t bps);
void serial_set_break(bool on);
void serial_set_input_handler(void (*handler)(char c));
void vga_init(void);
void vga_write(const char *s, size_t len);
/* Where the text buffer is mapped from now on (boot maps it, uncached,
 * once the kernel page tables exist: pmap_map_vga_text). */
void vga_set_buffer(volatile void *text);

#endif /* PAGODA_CONSOLE_H */
