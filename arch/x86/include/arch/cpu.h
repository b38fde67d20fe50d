/*
 * Inline wrappers for the privileged x86 instructions Pagoda uses: control
 * registers, descriptor tables, TLB invalidation, port I/O, interrupts.
 */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include <pagoda/types.h>
#include <arch/mmu.h>

static inline uint32_t read_cr0(void) { uint32_t v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline uint32_t read_cr2(void) { uint32_t v; __asm__ volatile("mov %%cr2, %0" : "=r"(v)); return v; }
static inline uint32_t read_cr3(void) { uint32_t v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); return v; }
static inline uint32_t read_cr4(void) { uint32_t v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void write_cr0(uint32_t v) { __asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory"); }
static inline void write_cr3(uint32_t v) { __asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory"); }
static inline void write_cr4(uint32_t v) { __asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory"); }

static inline uint32_t read_eflags(void)
{
	uint32_t v;

	__asm__ volatile("pushfl; popl %0" : "=r"(v));
	return v;
}

/* The time-stamp counter. Under QEMU with -icount shift=0 it counts guest
 * instructions, which makes it a deterministic measure (make bench). */
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* Invalidate the TLB entry that translates va (a whole 4 MiB page if large). */
static inline void invlpg(vaddr_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }

/* A write to the POST diagnostic port, which nothing listens to: about a
 * microsecond of delay, for slow legacy devices such as the PIC. */
#define IO_PORT_POST    0x80
static inline void io_wait(void) { outb(IO_PORT_POST, 0); }

static inline void cpu_enable_interrupts(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void cpu_disable_interrupts(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void cpu_halt(void) { __asm__ volatile("hlt" ::: "memory"); }

/* Enable interrupts and halt until one arrives, with no window between. */
static inline void cpu_wait_for_interrupt(void) { __asm__ volatile("sti; hlt" ::: "memory"); }

/* Save EFLAGS.IF and disable interrupts; restore with irq_restore(). */
static inline uint32_t irq_save(void)
{
	uint32_t flags = read_eflags();

	cpu_disable_interrupts();
	return flags;
}

static inline void irq_restore(uint32_t flags)
{
	if (flags & EFLAGS_IF)
		cpu_enable_interrupts();
}

struct __attribute__((packed)) desc_ptr {
	uint16_t limit;         /* size of the table in bytes, minus one */
	uint32_t base;          /* linear address of the table */
};

static inline void lgdt(const struct desc_ptr *p) { __asm__ volatile("lgdt %0" : : "m"(*p)); }
static inline void lidt(const struct desc_ptr *p) { __asm__ volatile("lidt %0" : : "m"(*p)); }
static inline void sgdt(struct desc_ptr *p) { __asm__ volatile("sgdt %0" : "=m"(*p)); }
static inline void sidt(struct desc_ptr *p) { __asm__ volatile("sidt %0" : "=m"(*p)); }
static inline void ltr(uint16_t sel) { __asm__ volatile("ltr %0" : : "r"(sel)); }
static inline uint16_t read_tr(void) { uint16_t v; __asm__ volatile("str %0" : "=r"(v)); return v; }

#define read_segment(reg) ({ uint16_t v_; __asm__ volatile("mov %%" #reg ", %0" : "=r"(v_)); v_; })

/* CPUID leaf `leaf`: eax, ebx, ecx, edx in r[0..3]. */
static inline void cpuid(uint32_t leaf, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(0));
}
#define CPUID1_EDX_SEP  (1u << 11)      /* SYSENTER/SYSEXIT */
#define CPUID1_EDX_FXSR (1u << 24)      /* FXSAVE/FXRSTOR */

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}
#define CPUID1_EDX_SSE  (1u << 25)
#define CPUID1_EDX_SSE2 (1u << 26)

#endif /* ARCH_CPU_H */
