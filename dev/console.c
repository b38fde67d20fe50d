/* The console fans output out to the serial port and the VGA screen. */
#include <pagoda/console.h>

void console_init(void)
{
	serial_init();
	vga_init();
}

void console_write(const char *s, size_t len)
{
	serial_write(s, len);
	vga_write(s, len);
}

void console_emit(const char *s, size_t len)
{
	serial_write_raw(s, len);
	vga_write(s, len);
}
