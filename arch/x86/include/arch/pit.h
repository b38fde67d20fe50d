/*
 * The 8253/8254 programmable interval timer's ports: channel 0 raises
 * IRQ 0 (arch/x86/pit.c, the kernel's timer), channel 2 is gated and read
 * back through the speaker port (arch/x86/tsc.c, the TSC's calibration).
 * Every channel counts down at PIT_INPUT_HZ.
 */
#ifndef ARCH_PIT_H
#define ARCH_PIT_H

#define PIT_CH0         0x40
#define PIT_CH2         0x42
#define PIT_CMD         0x43
#define PIT_INPUT_HZ    1193182

/* Command bytes: channel, lobyte then hibyte, the mode, binary. */
#define PIT_CMD_CH0_LOHI_MODE0  0x30    /* interrupt once, at the end of the count */
#define PIT_CMD_CH0_LOHI_MODE2  0x34    /* a rate generator: interrupt every count */
#define PIT_CMD_CH2_LOHI_MODE0  0xB0

#endif /* ARCH_PIT_H */
