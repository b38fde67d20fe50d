/*
 * The interrupt descriptor table: a gate for each CPU exception, each of the
 * PIC's 16 IRQs (vectors 32..47) and the system-call vector 0x80.
 *
 * Every gate is an interrupt gate, so the CPU clears IF on entry: handlers
 * never run nested inside one another unless they re-enable interrupts. Only
 * the system-call gate, int3's and into's have DPL 3, so `int $0x80` works
 * from ring 3 while an `int $14` from user code raises #GP instead of
 * faking a page fault.
 */
#include <arch/cpu.h>
#include <pagoda/compiler.h>
#include <arch/mmu.h>
#include <arch/segment.h>
#include <arch/trap.h>

struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t zero;
	uint8_t type_attr;      /* P | DPL | gate type */
	uint16_t offset_hi;
} __attribute__((packed));

static struct idt_gate idt[NUM_VECTORS] __aligned(8);

static void idt_set_gate(int vector, uint32_t handler, int dpl)
{
	idt[vector].offset_lo = handler & 0xFFFF;
	idt[vector].selector = KERNEL_CS;
	idt[vector].zero = 0;
	idt[vector].type_attr = GATE_P | GATE_DPL(dpl) | GATE_TYPE_INT32;
	idt[vector].offset_hi = handler >> 16;
}

/* A task gate: the CPU switches to the task whose TSS selector is tss_sel. */
void idt_set_task_gate(int vector, uint16_t tss_sel)
{
	idt[vector].offset_lo = 0;
	idt[vector].selector = tss_sel;
	idt[vector].zero = 0;
	idt[vector].type_attr = GATE_P | GATE_DPL(0) | GATE_TYPE_TASK;
	idt[vector].offset_hi = 0;
}

/* Fill the IDT from the entry stubs and load it. Vectors without a stub
 * stay not-present: using one raises #GP, which is reported. */
void idt_init(void)
{
	struct desc_ptr p = { sizeof(idt) - 1, (uint32_t)(uintptr_t)idt };

	for (int v = 0; v < NUM_EXCEPTIONS + NUM_IRQS; v++)
		idt_set_gate(v, trap_vector_stubs[v], 0);
	/* int3 and into are meant for user code (a debugger's breakpoint, an
	 * overflow check): DPL 3, as Linux's, so they trap as #BP and #OF. */
	idt_set_gate(T_BP, trap_vector_stubs[T_BP], 3);
	idt_set_gate(T_OF, trap_vector_stubs[T_OF], 3);
	idt_set_gate(T_SYSCALL, trap_vector_stubs[NUM_EXCEPTIONS + NUM_IRQS], 3);
	lidt(&p);
}
