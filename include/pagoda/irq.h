/*
 * Interrupt masking for machine-independent code that must not be entered
 * twice (the heap): on the CPU, the architecture's irq_save/irq_restore;
 * in host builds (PAGODA_HOST: one thread, no interrupts), nothing.
 */
#ifndef PAGODA_IRQ_H
#define PAGODA_IRQ_H

#include <pagoda/types.h>

#ifdef PAGODA_HOST
static inline uint32_t irq_save(void)
{
	return 0;
}

static inline void irq_restore(uint32_t flags)
{
	(void)flags;
}
#else
#include <arch/cpu.h>
#endif

/* The interrupt lines, and how many interrupts each has brought since
 * boot (for /proc/stat and /proc/interrupts). */
int irq_lines(void);
uint64_t irq_count(int irq);

#endif /* PAGODA_IRQ_H */
