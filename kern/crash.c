/*
 * Deliberate crashes, chosen with "crash=KIND" on the command line, to show
 * (and to test, tools/test.py) what the kernel reports when things go wrong:
 *   crash=pagefault   read an unmapped address
 *   crash=wp          write to a read-only page
 *   crash=divide      divide by zero
 *   crash=gp          load a segment register with a bad selector
 *   crash=panic       call panic()
 *   crash=doublefree  kfree the same object twice (the heap's debug checks)
 *   crash=overrun     write one byte past a kmalloc'ed object, then kfree it
 *   crash=useraccess  read user memory directly, not through copyin
 *   crash=kstack      recurse without end on a kernel stack from vmalloc,
 *                     into the unmapped guard page below it
 */
#include <pagoda/cmdline.h>
#include <pagoda/log.h>
#include <pagoda/panic.h>
#include <pagoda/crash.h>
#include <pagoda/kmalloc.h>
#include <pagoda/string.h>
#include <pagoda/pmap.h>
#include <pagoda/vm.h>
#include <pagoda/vmalloc.h>
#include <arch/diag.h>
#include <arch/memlayout.h>
#include <arch/thread.h>

/* An address space with one page at `at`, not yet faulted in, made
 * current: a kernel that reads it directly (not with copyin) has a bug. */
static void enter_user_space(vaddr_t at)
{
	static struct vmspace vs;

	if (vmspace_init(&vs, &kernel_vm_env) == 0 &&
	    vm_map(&vs, &at, PAGE_SIZE, VM_PROT_RW, VM_MAP_FIXED, NULL, 0) == 0)
		vmspace_activate(&vs);
}

/* Always true; volatile, so the compiler cannot see the recursion below
 * is endless (it would refuse to build it). */
static volatile bool keep_recursing = true;

/* Each call pushes a frame of about 256 bytes and never returns: the
 * stack runs off its bottom after some 60 calls. */
static __attribute__((noinline)) void recurse_forever(uint32_t depth)
{
	volatile uint8_t frame[240];

	frame[depth % sizeof(frame)] = 1;
	if (keep_recursing)
		recurse_forever(depth + 1);
	barrier();                              /* not a tail call: each frame stays */
}

/* Run recurse_forever on a fresh kernel stack, as a process would run on
 * its own (arch_thread_init takes it from vmalloc in the same way). */
static void overflow_kernel_stack(void)
{
	uint8_t *stack = vmalloc(KSTACK_SIZE);

	if (!stack)
		panic("crash=kstack: no memory for a kernel stack");
	diag_call_on_stack(stack + KSTACK_SIZE, recurse_forever);
}

/* Kept out of line so the backtrace shows a chain of named frames. */
static __attribute__((noinline)) void crash_now(const char *kind)
{
	volatile char *obj;

	if (strcmp(kind, "pagefault") == 0) {
		(void)*(volatile uint32_t *)KERNEL_LOAD_PA;     /* the identity map is gone */
	} else if (strcmp(kind, "wp") == 0) {
		pmap_enter(&kernel_pmap, fix_to_virt(FIX_SCRATCH), 0, VM_PROT_READ, 0);
		*(volatile uint32_t *)fix_to_virt(FIX_SCRATCH) = 1;
	} else if (strcmp(kind, "divide") == 0) {
		diag_divide_by_zero();
	} else if (strcmp(kind, "gp") == 0) {
		diag_load_bad_selector();
	} else if (strcmp(kind, "panic") == 0) {
		panic("deliberate panic from the command line (crash=panic)");
	} else if (strcmp(kind, "doublefree") == 0) {
		obj = kmalloc(64);
		kfree((void *)obj);
		kfree((void *)obj);
	} else if (strcmp(kind, "overrun") == 0) {
		obj = kmalloc(20);
		obj[20] = 0;
		kfree((void *)obj);
	} else if (strcmp(kind, "useraccess") == 0) {
		enter_user_space(0x08048000);
		(void)*(volatile uint32_t *)0x08048000;
	} else if (strcmp(kind, "kstack") == 0) {
		overflow_kernel_stack();
	}
	barrier();                              /* no tail call: crash_now stays on the stack */
}

/* Crash as the command line asks, or return if it does not. */
void crash_if_requested(const char *args)
{
	char kind[16];

	if (cmdline_get_str(args, "crash", kind, sizeof(kind)) != 0)
		return;
	printk("crash=%s: crashing on purpose, as the command line asks\n", kind);
	crash_now(kind);
	printk("crash=%s: unknown kind; expected pagefault, wp, divide, gp, panic, doublefree, overrun, useraccess or kstack\n", kind);
}
