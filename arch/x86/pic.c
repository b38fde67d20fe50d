/*
 * The two cascaded 8259A interrupt controllers. At power-on they deliver
 * IRQs 0..7 on vectors 8..15, which collide with CPU exceptions (8 is the
 * double fault), so they are reprogrammed to deliver IRQs 0..15 on vectors
 * IRQ_BASE..IRQ_BASE+15 (32..47). All IRQs start masked.
 */
#include <arch/cpu.h>
#include <arch/trap.h>

#define PIC1_CMD        0x20    /* primary: IRQs 0..7 */
#define PIC1_DATA       0x21
#define PIC2_CMD        0xA0    /* secondary: IRQs 8..15, on the primary's IRQ 2 */
#define PIC2_DATA       0xA1

#define ICW1_ICW4       0x01    /* ICW4 will follow */
#define ICW1_INIT       0x10    /* start initialisation */
#define ICW4_8086       0x01    /* 8086 mode (not MCS-80) */
#define OCW2_EOI        0x20    /* non-specific end of interrupt */
#define OCW3_READ_ISR   0x0B    /* next read of the command port gives the ISR */
#define PIC_CASCADE_BIT (1 << IRQ_CASCADE)

static uint16_t pic_mask = 0xFFFF;      /* bit n set: IRQ n masked */

static void pic_write_masks(void)
{
	outb(PIC1_DATA, pic_mask & 0xFF);
	outb(PIC2_DATA, pic_mask >> 8);
}

void pic_init(void)
{
	outb(PIC1_CMD, ICW1_INIT | ICW1_ICW4);
	io_wait();
	outb(PIC2_CMD, ICW1_INIT | ICW1_ICW4);
	io_wait();
	outb(PIC1_DATA, IRQ_BASE);              /* ICW2: vector offset */
	io_wait();
	outb(PIC2_DATA, IRQ_BASE + 8);
	io_wait();
	outb(PIC1_DATA, PIC_CASCADE_BIT);       /* ICW3: secondary on IRQ 2 */
	io_wait();
	outb(PIC2_DATA, IRQ_CASCADE);           /* ICW3: its cascade identity */
	io_wait();
	outb(PIC1_DATA, ICW4_8086);
	io_wait();
	outb(PIC2_DATA, ICW4_8086);
	io_wait();
	pic_mask = (uint16_t)~PIC_CASCADE_BIT;  /* everything masked but the cascade */
	pic_write_masks();
}

void pic_unmask(int irq)
{
	pic_mask &= (uint16_t)~(1u << irq);
	pic_write_masks();
}

/*
 * True if `irq` (7 or 15) is spurious: the PIC raised it but no device holds
 * the line any more, so its in-service bit is clear and no EOI is owed to
 * that PIC. A spurious IRQ 15 still needs an EOI on the primary (cascade).
 */
bool pic_is_spurious(int irq)
{
	uint16_t port = irq < 8 ? PIC1_CMD : PIC2_CMD;

	outb(port, OCW3_READ_ISR);
	if (inb(port) & (1 << (irq & 7)))
		return false;
	if (irq >= 8)
		outb(PIC1_CMD, OCW2_EOI);
	return true;
}

/* Acknowledge `irq`, so the PIC can deliver the next one. */
void pic_eoi(int irq)
{
	if (irq >= 8)
		outb(PIC2_CMD, OCW2_EOI);
	outb(PIC1_CMD, OCW2_EOI);
}
