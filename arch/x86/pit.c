/*
 * The 8253/8254 programmable interval timer's channel 0, on IRQ 0: the
 * kernel's clock event device (see <pagoda/timer.h>). Where the TSC keeps
 * time, the channel counts once, in mode 0, for each deadline the timer
 * queue sets, and interrupts at the end: 1,193,182 counts a second, at
 * most 65,535 (54.9 ms) at a time. Without a TSC it is a rate generator
 * (mode 2) at TIMER_HZ, and each interrupt moves the clock by a tick.
 */
#include <pagoda/timer.h>
#include <arch/cpu.h>
#include <arch/pit.h>
#include <arch/trap.h>

#define PIT_MAX_COUNT   0xFFFF

static void (*timer_handler)(bool from_user);
static bool periodic;

static void pit_irq(struct trapframe *tf)
{
	if (periodic)
		clock_tick();
	timer_handler(trap_from_user(tf));
}

/* Load count into channel 0 in mode op. Writing the command byte stops the
 * count and sets the output low, so a count is never left half written. */
static void pit_load(uint8_t op, uint32_t count)
{
	outb(PIT_CMD, op);
	outb(PIT_CH0, count & 0xFF);
	outb(PIT_CH0, (count >> 8) & 0xFF);
}

/* Counts are rounded up: the interrupt must never come early. */
uint64_t clockevent_program(uint64_t ns)
{
	uint64_t count = PIT_MAX_COUNT;

	if (ns < NSEC_PER_SEC)
		count = (ns * PIT_INPUT_HZ + NSEC_PER_SEC - 1) / NSEC_PER_SEC;
	if (count > PIT_MAX_COUNT)
		count = PIT_MAX_COUNT;
	if (count == 0)
		count = 1;
	pit_load(PIT_CMD_CH0_LOHI_MODE0, (uint32_t)count);
	return count * NSEC_PER_SEC / PIT_INPUT_HZ;
}

bool clockevent_init(void (*handler)(bool from_user))
{
	timer_handler = handler;
	periodic = !clock_has_tsc();
	if (periodic)
		pit_load(PIT_CMD_CH0_LOHI_MODE2, (PIT_INPUT_HZ + TIMER_HZ / 2) / TIMER_HZ);
	irq_set_handler(IRQ_TIMER, pit_irq);
	pic_unmask(IRQ_TIMER);
	return !periodic;
}
