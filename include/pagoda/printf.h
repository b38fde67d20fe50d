/*
 * Formatted output (lib/printf.c): the C conversions d i u o x X c s p %,
 * the flags - 0 + space #, width and precision (also as *), and the length
 * modifiers hh h l ll j z t, so 64-bit values print with %llx or %llu.
 * One extension, Linux's: %pS prints a code address as "function+0xoffset"
 * when a symbol lookup is installed (fmt_symbol_lookup), else as %p.
 * Deliberately absent: floating point and %n.
 */
#ifndef PAGODA_PRINTF_H
#define PAGODA_PRINTF_H

#include <pagoda/types.h>
#include <pagoda/compiler.h>

/* Where formatted text goes: put() receives it a piece at a time. */
struct fmt_sink {
	void (*put)(struct fmt_sink *sink, const char *s, size_t len);
};

/* Name the function containing addr and set *offset, or return NULL. */
extern const char *(*fmt_symbol_lookup)(uintptr_t addr, uintptr_t *offset);

/* Format into sink. Returns the number of characters produced. */
int fmt_vformat(struct fmt_sink *sink, const char *fmt, va_list ap);

/* As C's: write at most size bytes including the NUL; return the length the
 * whole output would have had, so a result >= size means truncation. */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

#endif /* PAGODA_PRINTF_H */
