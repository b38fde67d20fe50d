/* Kernel logging to the console; see <pagoda/log.h>. */
#include <pagoda/log.h>
#include <pagoda/console.h>
#include <pagoda/printf.h>
#include <arch/cpu.h>

int log_level = LOG_LEVEL_DEFAULT;

static void console_sink_put(struct fmt_sink *sink, const char *s, size_t len)
{
	(void)sink;
	console_write(s, len);
}

/* Interrupts stay off while one message is formatted, so a timer tick that
 * prints cannot land in the middle of a line. */
int vprintk(const char *fmt, va_list ap)
{
	struct fmt_sink sink = { console_sink_put };
	uint32_t flags = irq_save();
	int n = fmt_vformat(&sink, fmt, ap);

	irq_restore(flags);
	return n;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}

void klog(int level, const char *fmt, ...)
{
	va_list ap;

	if (level >= log_level)
		return;
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
}
