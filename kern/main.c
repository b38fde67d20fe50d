/*
 * kmain: where the boot code (arch/x86/boot.S) hands over, in the higher
 * half, with paging on and the identity map gone.
 */
#include <pagoda/bootinfo.h>
#include <pagoda/cmdline.h>
#include <pagoda/console.h>
#include <pagoda/kernel.h>
#include <pagoda/ksyms.h>
#include <pagoda/kbench.h>
#include <pagoda/kmalloc.h>
#include <pagoda/ktest.h>
#include <pagoda/errno.h>
#include <pagoda/file.h>
#include <pagoda/initramfs.h>
#include <pagoda/proc.h>
#include <pagoda/page_alloc.h>
#include <pagoda/pmap.h>
#include <pagoda/qemu.h>
#include <pagoda/string.h>
#include <arch/cpu.h>
#include <arch/memlayout.h>
#include <arch/multiboot.h>
#include <arch/sections.h>
#include <arch/thread.h>
#include <arch/trap.h>

bool kernel_test_mode;
static bool panic_ends_machine;         /* panic=N, N != 0: as Linux's panic=-1 */

/* The fw_cfg file whose contents QEMU users can append to the command line:
 * -fw_cfg name=opt/pagoda/cmdline,string=test */
#define FW_CFG_CMDLINE "opt/pagoda/cmdline"

void kernel_stop(bool failure)
{
	cpu_disable_interrupts();
	if (kernel_test_mode || (failure && panic_ends_machine))
		qemu_exit(failure ? QEMU_EXIT_FAILURE : QEMU_EXIT_SUCCESS);
	printk("System halted.\n");
	for (;;)
		cpu_halt();
}

void kernel_power_off(void)
{
	cpu_disable_interrupts();
	qemu_exit(QEMU_EXIT_SUCCESS);
	printk("System halted.\n");
	for (;;)
		cpu_halt();
}

/* Append the words QEMU passed through fw_cfg, if any. This lets the test
 * runner boot the same GRUB image in test mode without a second image. */
static void cmdline_add_fw_cfg(void)
{
	size_t len = strlen(boot_info.cmdline);
	char extra[128];

	if (fw_cfg_read_file(FW_CFG_CMDLINE, extra, sizeof(extra)) <= 0)
		return;
	if (len + 1 + strlen(extra) >= sizeof(boot_info.cmdline)) {
		pr_warn("cmdline: no room for \"%s\" from fw_cfg\n", extra);
		return;
	}
	boot_info.cmdline[len] = ' ';
	strlcpy(boot_info.cmdline + len + 1, extra, sizeof(boot_info.cmdline) - len - 1);
	boot_info.args = cmdline_skip_image_name(boot_info.cmdline);
}

static void apply_cmdline(void)
{
	long level, panic_timeout;

	if (cmdline_has(boot_info.args, "quiet"))
		log_level = LOG_WARNING;        /* as Linux: errors only */
	if (cmdline_get_long(boot_info.args, "loglevel", &level) == 0)
		log_level = (int)level;
	kernel_test_mode = cmdline_has(boot_info.args, "test");
	panic_ends_machine = cmdline_get_long(boot_info.args, "panic", &panic_timeout) == 0 &&
			     panic_timeout != 0;
	proc_log_exits = cmdline_has(boot_info.args, "vmstat");
}

static void print_kernel_extents(void)
{
	pr_info("Kernel image: virtual %p-%p, physical %#lx-%#lx (%lu KiB)\n",
		_kernel_start, _kernel_end, (unsigned long)_kernel_start_pa,
		(unsigned long)_kernel_end_pa, (unsigned long)(_kernel_end - _kernel_start) / 1024);
	pr_info("  text %lu KiB, rodata %lu KiB, data %lu KiB, bss %lu KiB\n",
		(unsigned long)(_etext - _kernel_start) / 1024,
		(unsigned long)(_erodata - _etext) / 1024,
		(unsigned long)(_edata - _erodata) / 1024,
		(unsigned long)(_kernel_end - _edata) / 1024);
}

#define INIT_ARGS_MAX   32

/*
 * Start pid 1: /init, or the program "init=PATH" names, with the words
 * after "--" on the command line as its arguments (as Linux does), and
 * Linux's environment for init.
 */
static void start_init(void)
{
	static char words[BOOT_CMDLINE_MAX], path[128] = "/init";
	static char *argv[INIT_ARGS_MAX + 2];
	static char *envp[] = { "HOME=/", "TERM=linux", NULL };
	const char *rest = boot_info.args;
	int argc = 0, err;

	(void)cmdline_get_str(boot_info.args, "init", path, sizeof(path));
	argv[argc++] = path;
	/* Find the word "--"; what follows is init's. */
	while (*rest && !(rest[0] == '-' && rest[1] == '-' && (rest[2] == ' ' || rest[2] == '\0') &&
			  (rest == boot_info.args || rest[-1] == ' ')))
		rest++;
	strlcpy(words, *rest ? rest + 2 : "", sizeof(words));
	for (char *w = words; *w && argc < INIT_ARGS_MAX + 1;) {
		while (*w == ' ')
			*w++ = '\0';
		if (*w)
			argv[argc++] = w;
		while (*w && *w != ' ')
			w++;
	}
	argv[argc] = NULL;
	err = proc_start_init(path, argv, envp);
	if (err) {
		pr_err("Cannot start %s (error %d): %s\n", path, err,
		       err == -ENOENT ? "no such file in the initramfs (was one loaded, with -initrd?)" :
		       err == -ENOEXEC ? "not a static i386 ELF executable" : "see the error number");
		kernel_stop(true);
	}
}

/* Boot has finished: run the self-tests, or start pid 1 and schedule. */
static void __noreturn kernel_run(void)
{
	char prefix[64];

	if (cmdline_has(boot_info.args, "bench")) {
		kbench_run();
		kernel_test_mode = true;        /* so that kernel_stop ends QEMU */
		kernel_stop(false);
	}
	if (kernel_test_mode) {
		/* "test" runs everything; "test=PREFIX" a selection. */
		if (cmdline_get_str(boot_info.args, "test", prefix, sizeof(prefix)) != 0)
			prefix[0] = '\0';
		kernel_stop(ktest_run(prefix) != 0);
	}
	start_init();
	sched_run();
}

void kmain(uint32_t magic, uint32_t mbi_pa)
{
	console_init();
	ksyms_init();
	gdt_init();
	idt_init();
	page_fault_init();
	if (multiboot_parse(magic, mbi_pa) != 0) {
		printk("Pagoda must be started by a Multiboot boot loader (GRUB, or QEMU -kernel),\n"
		       "which leaves 0x2badb002 in EAX; found %#x. Stopping.\n", magic);
		kernel_stop(true);
	}
	cmdline_add_fw_cfg();
	apply_cmdline();
	pr_notice("Pagoda, a small x86 kernel about virtual memory\n");
	pr_info("Command line: %s\n", boot_info.cmdline);
	print_kernel_extents();
	boot_info_print_memory_map();

	page_alloc_init();
	pmap_bootstrap();
	vga_remap();
	kmalloc_init(boot_info.args);

	double_fault_init();
	fpu_init();
	rtc_init();
	initramfs_init();

	pic_init();
	pit_init(TIMER_HZ);
	tty_init();
	cpu_enable_interrupts();
	crash_if_requested(boot_info.args);
	kernel_run();
}
