/*
 * Interrupt and exception vectors, and the trap frame that the entry stubs
 * (arch/x86/trap_entry.S) build on the kernel stack. The constants are safe
 * to include from assembly.
 */
#ifndef ARCH_TRAP_H
#define ARCH_TRAP_H

/* CPU exceptions (SDM 3A table 6-1). */
#define T_DE    0       /* divide error */
#define T_DB    1       /* debug */
#define T_NMI   2       /* non-maskable interrupt */
#define T_BP    3       /* breakpoint (int3) */
#define T_OF    4       /* overflow (into) */
#define T_BR    5       /* bound range exceeded */
#define T_UD    6       /* invalid opcode */
#define T_NM    7       /* device not available (FPU) */
#define T_DF    8       /* double fault */
#define T_CSO   9       /* coprocessor segment overrun (reserved) */
#define T_TS    10      /* invalid TSS */
#define T_NP    11      /* segment not present */
#define T_SS    12      /* stack-segment fault */
#define T_GP    13      /* general protection */
#define T_PF    14      /* page fault */
#define T_MF    16      /* x87 floating-point error */
#define T_AC    17      /* alignment check */
#define T_MC    18      /* machine check */
#define T_XM    19      /* SIMD floating-point exception */
#define T_VE    20      /* virtualization exception */
#define T_CP    21      /* control protection */
#define NUM_EXCEPTIONS 32

/* The exceptions for which the CPU pushes an error code; the entry stubs
 * push a zero for the others so every frame has the same shape. */
#define T_ERRCODE_MASK ((1 << T_DF) | (1 << T_TS) | (1 << T_NP) | (1 << T_SS) | \
			(1 << T_GP) | (1 << T_PF) | (1 << T_AC) | (1 << T_CP))

/* The legacy PIC's 16 IRQs, remapped above the exceptions (arch/x86/pic.c). */
#define IRQ_BASE        32
#define NUM_IRQS        16
#define IRQ_TIMER       0       /* PIT channel 0 */
#define IRQ_KEYBOARD    1
#define IRQ_CASCADE     2       /* the secondary PIC */
#define IRQ_COM1        4
#define IRQ_SPURIOUS_PRIMARY    7
#define IRQ_SPURIOUS_SECONDARY  15

/* Where the user's ebp, eip and eflags sit in a struct trapframe
 * (below), for the sysenter entry (the sixth argument goes in ebp). */
#define TF_EBP          8
#define TF_EIP          56
#define TF_EFLAGS       64

/* The Linux i386 system-call gate, reachable from ring 3. */
#define T_SYSCALL       0x80

#define NUM_VECTORS     256

#ifndef __ASSEMBLER__
#include <pagoda/types.h>

/*
 * The registers as the entry stub leaves them, lowest address first: what
 * pushal saved, the data segments, the vector and error code the stub
 * pushed, then what the CPU pushed. user_esp and user_ss exist only when
 * the trap came from ring 3.
 */
struct trapframe {
	uint32_t edi, esi, ebp, esp_at_pusha, ebx, edx, ecx, eax;
	uint32_t gs, fs, es, ds;
	uint32_t trapno;
	uint32_t err;
	uint32_t eip, cs, eflags;
	uint32_t user_esp, user_ss;
};

_Static_assert(__builtin_offsetof(struct trapframe, ebp) == TF_EBP, "TF_EBP is the trapframe's ebp");
_Static_assert(__builtin_offsetof(struct trapframe, eip) == TF_EIP, "TF_EIP is the trapframe's eip");
_Static_assert(__builtin_offsetof(struct trapframe, eflags) == TF_EFLAGS, "TF_EFLAGS is the trapframe's eflags");

/* The vector stubs, in vector order (trap_entry.S): for 0..47 and 0x80. */
extern const uint32_t trap_vector_stubs[];
#define NUM_STUBS (NUM_EXCEPTIONS + NUM_IRQS + 1)

static inline bool trap_from_user(const struct trapframe *tf)
{
	return (tf->cs & 3) == 3;
}

/* The stack pointer at the moment of the trap. A trap from ring 0 pushes no
 * esp/ss: the interrupted stack continues right above eflags. */
static inline uint32_t trap_esp(const struct trapframe *tf)
{
	return trap_from_user(tf) ? tf->user_esp : (uint32_t)(uintptr_t)&tf->user_esp;
}

/* Called with the frame for every vector (arch/x86/trap.c). */
void trap_dispatch(struct trapframe *tf);

/*
 * A handler for one exception vector taken in kernel mode. It returns true
 * if it dealt with the exception (execution resumes at tf->eip), false to
 * fall through to the exception table and then to the fatal report.
 */
typedef bool (*trap_handler_t)(struct trapframe *tf);
trap_handler_t trap_set_handler(int vector, trap_handler_t handler);

/* Send page faults on user addresses to the VM's fault policy (fault.c). */
void page_fault_init(void);

/* Interrupt handlers for the PIC's IRQs. */
typedef void (*irq_handler_t)(struct trapframe *tf);
void irq_set_handler(int irq, irq_handler_t handler);

/* How often each vector has been taken since boot; counting one more
 * (the dispatcher, with interrupts masked). */
uint64_t trap_count(int vector);
extern uint64_t trap_vector_counts[NUM_VECTORS];        /* vectors.c */

static inline void trap_count_one(int vector)
{
	trap_vector_counts[vector]++;
}

/* The handler registered for an exception vector or an IRQ, or NULL. */
trap_handler_t trap_handler(int vector);
irq_handler_t irq_handler(int irq);

/* Print the full diagnostic for an unexpected trap and stop the kernel. */
void trap_fatal(struct trapframe *tf, const char *why) __attribute__((noreturn));

/* A sentence on what an exception usually means, or NULL. */
const char *trap_hint(int vector);

/* The name of an exception vector, such as "Page fault". */
const char *trap_name(int vector);

/* The most recent exception that the exception table recovered from. */
struct trap_fixup_record {
	int vector;
	uint32_t err;
	vaddr_t cr2;            /* meaningful for page faults */
	vaddr_t eip;            /* the faulting instruction */
	vaddr_t fixup;          /* where execution continued */
};
extern struct trap_fixup_record trap_last_fixup;

void gdt_init(void);
void idt_init(void);
void idt_set_task_gate(int vector, uint16_t tss_sel);
void pic_init(void);
void pic_unmask(int irq);
bool pic_is_spurious(int irq);
void pic_eoi(int irq);
#endif

#endif /* ARCH_TRAP_H */
