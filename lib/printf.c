/*
 * A printf formatter with no dependency on anything but its sink, shared by
 * the kernel's console output and snprintf, and tested on the host against
 * the C library's snprintf (tests/host/test_printf.c).
 */
#include <pagoda/printf.h>
#include <pagoda/string.h>

enum {
	F_LEFT  = 1 << 0,       /* '-': pad on the right */
	F_ZERO  = 1 << 1,       /* '0': pad numbers with zeros */
	F_PLUS  = 1 << 2,       /* '+': sign on positive numbers */
	F_SPACE = 1 << 3,       /* ' ': space where the sign would be */
	F_ALT   = 1 << 4,       /* '#': 0x prefix, or a leading 0 for octal */
	F_SYMBOL = 1 << 5,      /* %pS: a code address, printed by name */
};

const char *(*fmt_symbol_lookup)(uintptr_t addr, uintptr_t *offset);

struct spec {
	unsigned flags;
	int width;              /* minimum field width, 0 if none */
	int prec;               /* precision, -1 if none */
	char length;            /* 'H' (hh), 'h', 'l', 'L' (ll), 'j', 'z', 't' or 0 */
	char conv;              /* the conversion character */
};

struct out {
	struct fmt_sink *sink;
	int count;
};

static void out_put(struct out *o, const char *s, size_t len)
{
	if (len) {
		o->sink->put(o->sink, s, len);
		o->count += (int)len;
	}
}

static void out_pad(struct out *o, char c, int n)
{
	char buf[16];

	memset(buf, c, sizeof(buf));
	for (; n > 0; n -= (int)sizeof(buf))
		out_put(o, buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf));
}

/* Emit body (already with any prefix) into a field of spec->width. */
static void out_field(struct out *o, const struct spec *sp, const char *body, size_t len)
{
	int pad = sp->width - (int)len;

	if (!(sp->flags & F_LEFT))
		out_pad(o, ' ', pad);
	out_put(o, body, len);
	if (sp->flags & F_LEFT)
		out_pad(o, ' ', pad);
}

/*
 * Format an integer of magnitude v (negative tells the sign) in the field
 * sp describes. The layout is: padding, sign or prefix, zeros, digits,
 * padding; where the zeros come from the precision or from the '0' flag.
 */
static void fmt_integer(struct out *o, const struct spec *sp, uint64_t v, bool negative)
{
	static const char lower[] = "0123456789abcdef", upper[] = "0123456789ABCDEF";
	const char *digits = sp->conv == 'X' ? upper : lower;
	unsigned base = sp->conv == 'o' ? 8 : (sp->conv == 'x' || sp->conv == 'X' || sp->conv == 'p') ? 16 : 10;
	char buf[24];           /* 22 octal digits cover 64 bits */
	char prefix[2];
	int ndigits = 0, nprefix = 0, zeros, pad;

	for (uint64_t x = v; x; x /= base)
		buf[sizeof(buf) - 1 - ndigits++] = digits[x % base];
	if (sp->prec < 0 && v == 0)
		buf[sizeof(buf) - 1 - ndigits++] = '0';     /* "0", unless precision 0 */

	if (negative)
		prefix[nprefix++] = '-';
	else if (sp->conv == 'd' && (sp->flags & F_PLUS))
		prefix[nprefix++] = '+';
	else if (sp->conv == 'd' && (sp->flags & F_SPACE))
		prefix[nprefix++] = ' ';
	if (((sp->flags & F_ALT) && base == 16 && v) || sp->conv == 'p') {
		prefix[nprefix++] = '0';
		prefix[nprefix++] = sp->conv == 'X' ? 'X' : 'x';
	}

	zeros = sp->prec > ndigits ? sp->prec - ndigits : 0;
	if ((sp->flags & F_ALT) && base == 8 && zeros == 0 && (ndigits == 0 || buf[sizeof(buf) - ndigits] != '0'))
		zeros = 1;      /* "#o": the first digit is a zero */
	pad = sp->width - nprefix - zeros - ndigits;
	if ((sp->flags & F_ZERO) && !(sp->flags & F_LEFT) && sp->prec < 0 && pad > 0) {
		zeros += pad;
		pad = 0;
	}

	if (!(sp->flags & F_LEFT))
		out_pad(o, ' ', pad);
	out_put(o, prefix, (size_t)nprefix);
	out_pad(o, '0', zeros);
	out_put(o, buf + sizeof(buf) - ndigits, (size_t)ndigits);
	if (sp->flags & F_LEFT)
		out_pad(o, ' ', pad);
}

/* Fetch a signed argument of the spec's length, widened to 64 bits. */
static int64_t arg_signed(const struct spec *sp, va_list *ap)
{
	switch (sp->length) {
	case 'H': return (signed char)va_arg(*ap, int);
	case 'h': return (short)va_arg(*ap, int);
	case 'l': return va_arg(*ap, long);
	case 'L': return va_arg(*ap, long long);
	case 'j': return va_arg(*ap, intmax_t);
	case 'z': return (int64_t)va_arg(*ap, size_t);  /* ssize_t has size_t's width */
	case 't': return va_arg(*ap, ptrdiff_t);
	default:  return va_arg(*ap, int);
	}
}

static uint64_t arg_unsigned(const struct spec *sp, va_list *ap)
{
	switch (sp->length) {
	case 'H': return (unsigned char)va_arg(*ap, unsigned);
	case 'h': return (unsigned short)va_arg(*ap, unsigned);
	case 'l': return va_arg(*ap, unsigned long);
	case 'L': return va_arg(*ap, unsigned long long);
	case 'j': return va_arg(*ap, uintmax_t);
	case 'z': return va_arg(*ap, size_t);
	case 't': return (uint64_t)va_arg(*ap, ptrdiff_t);
	default:  return va_arg(*ap, unsigned);
	}
}

/* Parse flags, width, precision and length at *fmtp; leave it past them. */
static void parse_spec(const char **fmtp, struct spec *sp, va_list *ap)
{
	const char *f = *fmtp;

	sp->flags = 0;
	for (;; f++) {
		if (*f == '-') sp->flags |= F_LEFT;
		else if (*f == '0') sp->flags |= F_ZERO;
		else if (*f == '+') sp->flags |= F_PLUS;
		else if (*f == ' ') sp->flags |= F_SPACE;
		else if (*f == '#') sp->flags |= F_ALT;
		else break;
	}
	sp->width = 0;
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {            /* a negative width means '-' */
			sp->flags |= F_LEFT;
			sp->width = -sp->width;
		}
		f++;
	}
	for (; *f >= '0' && *f <= '9'; f++)
		sp->width = sp->width * 10 + (*f - '0');
	sp->prec = -1;
	if (*f == '.') {
		f++;
		sp->prec = 0;
		if (*f == '*') {
			sp->prec = va_arg(*ap, int);    /* negative: as if omitted */
			if (sp->prec < 0)
				sp->prec = -1;
			f++;
		}
		for (; *f >= '0' && *f <= '9'; f++)
			sp->prec = sp->prec * 10 + (*f - '0');
	}
	sp->length = 0;
	if (*f == 'h' || *f == 'l') {
		sp->length = *f++;
		if (*f == sp->length) {         /* hh -> 'H', ll -> 'L' */
			sp->length = (char)(sp->length == 'h' ? 'H' : 'L');
			f++;
		}
	} else if (*f == 'j' || *f == 'z' || *f == 't') {
		sp->length = *f++;
	}
	sp->conv = *f;
	*fmtp = *f ? f + 1 : f;
}

/* Format one conversion whose spec has been parsed. */
static void fmt_one(struct out *o, struct spec *sp, va_list *ap)
{
	switch (sp->conv) {
	case 'd':
	case 'i': {
		int64_t v = arg_signed(sp, ap);

		sp->conv = 'd';
		fmt_integer(o, sp, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0);
		break;
	}
	case 'u': case 'o': case 'x': case 'X':
		fmt_integer(o, sp, arg_unsigned(sp, ap), false);
		break;
	case 'p': {
		void *p = va_arg(*ap, void *);
		uintptr_t off;
		const char *name;

		if ((sp->flags & F_SYMBOL) && fmt_symbol_lookup &&
		    (name = fmt_symbol_lookup((uintptr_t)p, &off)) != NULL) {
			struct spec hex = { 0, 0, -1, 0, 'x' };

			out_put(o, name, strlen(name));
			out_put(o, "+0x", 3);
			fmt_integer(o, &hex, off, false);
			break;
		}
		if (!p) {
			out_field(o, sp, "(nil)", 5);
			break;
		}
		sp->flags &= ~(unsigned)(F_PLUS | F_SPACE);
		fmt_integer(o, sp, (uintptr_t)p, false);
		break;
	}
	case 'c': {
		char c = (char)va_arg(*ap, int);

		out_field(o, sp, &c, 1);
		break;
	}
	case 's': {
		const char *s = va_arg(*ap, const char *);

		if (!s)
			s = sp->prec < 0 || sp->prec >= 6 ? "(null)" : "";
		out_field(o, sp, s, sp->prec < 0 ? strlen(s) : strnlen(s, (size_t)sp->prec));
		break;
	}
	case '%':
		out_put(o, "%", 1);
		break;
	default:        /* unknown or truncated: show it rather than guess */
		out_put(o, "%", 1);
		out_put(o, &sp->conv, sp->conv ? 1 : 0);
		break;
	}
}

int fmt_vformat(struct fmt_sink *sink, const char *fmt, va_list ap)
{
	struct out o = { sink, 0 };
	struct spec sp;
	va_list args;

	va_copy(args, ap);
	while (*fmt) {
		const char *pct = strchr(fmt, '%');
		size_t run = pct ? (size_t)(pct - fmt) : strlen(fmt);

		out_put(&o, fmt, run);
		if (!pct)
			break;
		fmt = pct + 1;
		parse_spec(&fmt, &sp, &args);
		if (sp.conv == 'p' && *fmt == 'S') {
			sp.flags |= F_SYMBOL;
			fmt++;
		}
		fmt_one(&o, &sp, &args);
	}
	va_end(args);
	return o.count;
}

struct buf_sink {
	struct fmt_sink sink;
	char *buf;
	size_t size;            /* room left, including the NUL */
};

static void buf_put(struct fmt_sink *s, const char *str, size_t len)
{
	struct buf_sink *b = (struct buf_sink *)s;
	size_t n = b->size > 1 ? MIN(len, b->size - 1) : 0;

	memcpy(b->buf, str, n);
	b->buf += n;
	b->size -= n;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct buf_sink b = { { buf_put }, buf, size };
	int n = fmt_vformat(&b.sink, fmt, ap);

	if (size)
		*b.buf = '\0';
	return n;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
