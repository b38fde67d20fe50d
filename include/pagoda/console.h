/*
 * The console: every character the kernel prints goes to COM1 (the primary
 * console, readable under QEMU's -nographic) and to the VGA text screen.
 */
#ifndef PAGODA_CONSOLE_H
#define PAGODA_CONSOLE_H

#include <pagoda/types.h>

void console_init(void);
void console_write(const char *s, size_t len);

/* Individual devices (dev/serial.c, dev/vga.c). */
void serial_init(void);
void serial_write(const char *s, size_t len);
void serial_set_input_handler(void (*handler)(char c));
void vga_init(void);
void vga_write(const char *s, size_t len);
/* Where the text buffer is mapped from now on (boot maps it, uncached,
 * once the kernel page tables exist: pmap_map_vga_text). */
void vga_set_buffer(volatile void *text);

#endif /* PAGODA_CONSOLE_H */
