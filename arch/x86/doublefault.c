/*
 * The double fault, taken through a task gate.
 *
 * When a kernel stack overflows into the unmapped guard page below it, the
 * page fault cannot push its frame onto that same stack; the CPU then
 * raises #DF, which an ordinary gate would try to push there too: a triple
 * fault, and QEMU resets without a word. So vector 8 is a task gate: the
 * CPU saves every register into the running task's TSS (kernel_tss), and
 * loads a second TSS with a stack of its own, where this code runs and
 * says what happened.
 */
#include <arch/cpu.h>
#include <arch/diag.h>
#include <arch/mmu.h>
#include <arch/segment.h>
#include <arch/thread.h>
#include <arch/trap.h>
#include <arch/tss.h>
#include <pagoda/log.h>
#include <pagoda/halt.h>
#include <pagoda/kmalloc.h>
#include <pagoda/pmap.h>
#include <pagoda/vmalloc.h>

#define DF_STACK_SIZE   PAGE_SIZE

static struct tss df_tss;
static uint8_t df_stack[DF_STACK_SIZE] __attribute__((aligned(16)));

static bool kernel_mapped(vaddr_t va)
{
	paddr_t pa;

	return pmap_extract(&kernel_pmap, va, &pa, NULL) == 0;
}

/* The double-fault task's entry: the faulting task's registers are in
 * kernel_tss, saved by the task switch. It never returns. */
static void __noreturn double_fault_task(void)
{
	vaddr_t esp = kernel_tss.esp;

	printk("\n------------[ cut here: double fault ]------------\n");
	printk("Double fault (#DF), vector 8, taken on its own task. The faulting task was at ");
	diag_print_symbol(kernel_tss.eip);
	/* A task switch saves the general registers but not CR3. */
	printk("\n  with esp %08x, ebp %08x.\n", esp, kernel_tss.ebp);
	if (vmalloc_owns(&kernel_vmalloc, esp) && !kernel_mapped(esp) &&
	    kernel_mapped(esp + PAGE_SIZE))
		printk("  Kernel stack overflow: esp is in the unmapped guard page below a\n"
		       "  kernel stack (%#x bytes), so the CPU could not push the page fault.\n",
		       KSTACK_SIZE);
	else
		printk("  This usually means %s.\n", trap_hint(T_DF));
	printk("------------[ end of report ]------------\n");
	kernel_stop(true);
}

void double_fault_init(void)
{
	df_tss.esp = df_tss.esp0 = (uint32_t)(uintptr_t)(df_stack + DF_STACK_SIZE);
	df_tss.ss = df_tss.ss0 = KERNEL_DS;
	df_tss.ds = df_tss.es = df_tss.fs = df_tss.gs = KERNEL_DS;
	df_tss.cs = KERNEL_CS;
	df_tss.eip = (uint32_t)(uintptr_t)double_fault_task;
	df_tss.eflags = EFLAGS_FIXED;       /* interrupts stay off */
	df_tss.cr3 = read_cr3();                /* any directory maps the kernel half */
	df_tss.iomap_base = sizeof(df_tss);
	gdt_set_tss(GDT_DF_TSS, &df_tss);
	idt_set_task_gate(T_DF, DF_TSS_SEL);
}
