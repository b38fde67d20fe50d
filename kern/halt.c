/*
 * How the machine stops (see <pagoda/halt.h>). At the bottom of the kernel:
 * panic, fatal traps, the double-fault task and init's exit all end here,
 * so this file depends on nothing above the CPU and QEMU's exit port.
 */
#include <pagoda/halt.h>
#include <pagoda/log.h>
#include <pagoda/qemu.h>
#include <arch/cpu.h>

static bool exit_on_success, exit_on_failure;

void halt_configure(bool on_success, bool on_failure)
{
	exit_on_success = on_success;
	exit_on_failure = on_failure;
}

static void __noreturn halt_forever(void)
{
	printk("System halted.\n");
	for (;;)
		cpu_halt();
}

void kernel_stop(bool failure)
{
	cpu_disable_interrupts();
	if (failure ? exit_on_failure : exit_on_success)
		qemu_exit(failure ? QEMU_EXIT_FAILURE : QEMU_EXIT_SUCCESS);
	halt_forever();
}

void kernel_power_off(void)
{
	cpu_disable_interrupts();
	qemu_exit(QEMU_EXIT_SUCCESS);
	halt_forever();
}
