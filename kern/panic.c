/* panic(): stop the kernel on a broken invariant; see <pagoda/panic.h>. */
#include <pagoda/log.h>
#include <pagoda/panic.h>
#include <pagoda/halt.h>
#include <arch/diag.h>

void panic(const char *fmt, ...)
{
	vaddr_t caller = (vaddr_t)__builtin_return_address(0);
	vaddr_t caller_ebp = *(vaddr_t *)__builtin_frame_address(0);
	va_list ap;

	if (!diag_enter_fatal()) {
		printk("\n*** panic while reporting a fault or panic: %s\n", fmt);
		kernel_stop(true);
	}
	printk("\n------------[ cut here: kernel panic ]------------\nKernel panic: ");
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
	printk("\n");
	diag_print_control_regs();
	diag_backtrace(caller, caller_ebp);
	printk("------------[ end of report ]------------\n");
	kernel_stop(true);
}
