/*
 * kmain: where the boot code (arch/x86/boot.S) hands over, in the higher
 * half, with paging on and the identity map gone.
 */
#include <pagoda/bootinfo.h>
#include <pagoda/cmdline.h>
#include <pagoda/console.h>
#include <pagoda/log.h>
#include <pagoda/halt.h>
#include <pagoda/crash.h>
#include <pagoda/timer.h>
#include <pagoda/vdso.h>
#include <pagoda/rtc.h>
#include <pagoda/ksyms.h>
#include <pagoda/kbench.h>
#include <pagoda/kmalloc.h>
#include <pagoda/ktest.h>
#include <pagoda/errno.h>
#include <pagoda/file.h>
#include <pagoda/vfs.h>
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

/* The fw_cfg file whose contents QEMU users can append to the command line:
 * -fw_cfg name=opt/pagoda/cmdline,string=test */
#define FW_CFG_CMDLINE "opt/pagoda/cmdline"

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

/*
 * The command line's settings. "test" and "bench" end QEMU when they are
 * done, with their result; "panic=N" (N != 0, as Linux's panic=-1 with
 * QEMU's -no-reboot) ends it after a failure.
 */
static void apply_cmdline(void)
{
	long level, panic_timeout;
	bool runs_to_an_end = cmdline_has(boot_info.args, "test") || cmdline_has(boot_info.args, "bench");

	if (cmdline_has(boot_info.args, "quiet"))
		log_level = LOG_WARNING;        /* as Linux: errors only */
	if (cmdline_get_long(boot_info.args, "loglevel", &level) == 0)
		log_level = (int)level;
	halt_configure(runs_to_an_end, runs_to_an_end ||
		       (cmdline_get_long(boot_info.args, "panic", &panic_timeout) == 0 && panic_timeout != 0));
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
	int err;

	(void)cmdline_get_str(boot_info.args, "init", path, sizeof(path));
	argv[0] = path;
	cmdline_init_args(boot_info.args, words, sizeof(words), argv + 1, INIT_ARGS_MAX);
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
		kernel_stop(false);
	}
	if (cmdline_has(boot_info.args, "test")) {
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
	vga_set_buffer(pmap_map_vga_text());
	kmalloc_init(boot_info.args);

	double_fault_init();
	fpu_init();
	rtc_init();
	vfs_init();

	pic_init();
	clock_init();
	vdso_init();
	timer_init();
	sched_tick_start();     /* the self-tests count ticks before sched_run */
	tty_init();
	cpu_enable_interrupts();
	crash_if_requested(boot_info.args);
	kernel_run();
}
