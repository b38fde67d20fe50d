/*
 * VGA text mode: 80x25 cells of (character, attribute) at physical 0xB8000,
 * reached through the direct map during early boot and, once the kernel
 * page tables exist, through the uncached mapping boot makes for it
 * (vga_set_buffer). The driver maps nothing itself: printing must never
 * depend on the page tables or the frame allocator, which print when they
 * fail. The cursor is moved through the CRT controller's registers so the
 * screen shows where output continues.
 */
#include <pagoda/console.h>
#include <pagoda/string.h>
#include <arch/cpu.h>
#include <arch/memlayout.h>

#define VGA_COLS        80
#define VGA_ROWS        25
#define VGA_ATTR        0x07    /* light grey on black */
#define VGA_CRTC_INDEX  0x3D4
#define VGA_CRTC_DATA   0x3D5
#define CRTC_CURSOR_HI  0x0E
#define CRTC_CURSOR_LO  0x0F

static volatile uint16_t *vga_mem;
static unsigned vga_row, vga_col;

static uint16_t vga_cell(char c)
{
	return (uint16_t)((VGA_ATTR << 8) | (uint8_t)c);
}

static void vga_move_cursor(void)
{
	uint16_t pos = (uint16_t)(vga_row * VGA_COLS + vga_col);

	outb(VGA_CRTC_INDEX, CRTC_CURSOR_HI);
	outb(VGA_CRTC_DATA, pos >> 8);
	outb(VGA_CRTC_INDEX, CRTC_CURSOR_LO);
	outb(VGA_CRTC_DATA, pos & 0xFF);
}

/* Clear the screen and start at the top left. */
void vga_init(void)
{
	vga_mem = phys_to_virt(VGA_TEXT_PA);
	for (unsigned i = 0; i < VGA_COLS * VGA_ROWS; i++)
		vga_mem[i] = vga_cell(' ');
	vga_row = vga_col = 0;
	vga_move_cursor();
}

void vga_set_buffer(volatile void *text)
{
	vga_mem = text;
}

static void vga_newline(void)
{
	vga_col = 0;
	if (++vga_row < VGA_ROWS)
		return;
	/* Scroll up one line. */
	for (unsigned i = 0; i < VGA_COLS * (VGA_ROWS - 1); i++)
		vga_mem[i] = vga_mem[i + VGA_COLS];
	for (unsigned i = 0; i < VGA_COLS; i++)
		vga_mem[VGA_COLS * (VGA_ROWS - 1) + i] = vga_cell(' ');
	vga_row = VGA_ROWS - 1;
}

void vga_write(const char *s, size_t len)
{
	if (!vga_mem)
		return;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (c == '\n') {
			vga_newline();
		} else if (c == '\r') {
			vga_col = 0;
		} else if (c == '\b') {
			if (vga_col)
				vga_col--;
		} else if (c == '\t') {
			do
				vga_write(" ", 1);
			while (vga_col % 8);
		} else {
			vga_mem[vga_row * VGA_COLS + vga_col] = vga_cell(c);
			if (++vga_col == VGA_COLS)
				vga_newline();
		}
	}
	vga_move_cursor();
}
