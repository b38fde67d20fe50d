/*
 * The 8253/8254 programmable interval timer, channel 0 on IRQ 0: the
 * kernel's clock, TIMER_HZ (100) ticks a second.
 */
#include <pagoda/timer.h>
#include <pagoda/proc.h>
#include <arch/cpu.h>
#include <arch/trap.h>

#define PIT_CH0         0x40
#define PIT_CMD         0x43
#define PIT_INPUT_HZ    1193182 /* the PIT's oscillator */
#define PIT_CMD_CH0_LOHI_RATE 0x34 /* channel 0, lobyte/hibyte, mode 2, binary */

static volatile uint64_t ticks;

static void pit_irq(struct trapframe *tf)
{
	ticks++;
	clock_tick();
	sched_tick(trap_from_user(tf));
}

uint64_t timer_ticks(void)
{
	uint32_t flags = irq_save();    /* a 64-bit read is two loads */
	uint64_t t = ticks;

	irq_restore(flags);
	return t;
}

/* Start channel 0 at hz interrupts a second and unmask IRQ 0. */
void pit_init(unsigned hz)
{
	uint32_t divisor = (PIT_INPUT_HZ + hz / 2) / hz;

	outb(PIT_CMD, PIT_CMD_CH0_LOHI_RATE);
	outb(PIT_CH0, divisor & 0xFF);
	outb(PIT_CH0, (divisor >> 8) & 0xFF);
	irq_set_handler(IRQ_TIMER, pit_irq);
	pic_unmask(IRQ_TIMER);
}
