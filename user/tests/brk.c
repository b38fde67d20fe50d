/* The program break, through the raw system call: Linux's brk returns the
 * new break, or the old one when it cannot move (the C libraries' brk and
 * sbrk wrappers hide that rule). */
#include "check.h"
#include <stdint.h>
#include <sys/syscall.h>

#define PAGE_UP(x) (((uintptr_t)(x) + PAGE - 1) & ~(uintptr_t)(PAGE - 1))

static uintptr_t sys_brk(uintptr_t to) { return (uintptr_t)syscall(SYS_brk, to); }
static uintptr_t start;

static void touch_past_break(void) { *(volatile char *)(PAGE_UP(start) + 16) = 1; }

/* Grow by three pages and a bit: every new byte is zero and writable. */
static void grow(void)
{
	uintptr_t want = start + 3 * PAGE + 100;

	CHECK(sys_brk(want) == want);
	CHECK(sys_brk(0) == want);
	for (volatile char *p = (char *)start; p < (char *)want; p++) {
		CHECK(*p == 0);
		*p = 0x5a;
	}
}

/* Shrink back: the pages above the old break fault again. */
static void shrink_then_access_faults(void)
{
	CHECK(sys_brk(start + 2 * PAGE) == start + 2 * PAGE);
	memset((void *)start, 1, 2 * PAGE);
	CHECK(sys_brk(start) == start);
	printf("access above the break after shrinking: signal %d\n", signal_of(touch_past_break));
}

/* What was written, shrunk away and grown back reads as zero. */
static void regrow_is_zero(void)
{
	uintptr_t page = PAGE_UP(start);

	CHECK(sys_brk(page + 2 * PAGE) == page + 2 * PAGE);
	memset((void *)page, 0xa5, 2 * PAGE);
	CHECK(sys_brk(page) == page);
	CHECK(sys_brk(page + 2 * PAGE) == page + 2 * PAGE);
	for (volatile char *p = (char *)page; p < (char *)page + 2 * PAGE; p++)
		CHECK(*p == 0);
}

/* A break that would run into the stack (or the kernel) is refused: the
 * old break comes back and stays. */
static void huge_request_fails(void)
{
	CHECK(sys_brk(0xBFFFF000u) == start);
	CHECK(sys_brk(0xC0001000u) == start);
	CHECK(sys_brk(start + 0x80000000u) == start);
	CHECK(sys_brk(0) == start);
}

/* Below the start of the heap, or wrapping past 4 GiB: refused too. */
static void wrap_and_underflow_fail(void)
{
	CHECK(sys_brk(0xFFFFF000u) == start);
	CHECK(sys_brk(0x1000) == start);
	CHECK(sys_brk(0) == start);
}

/* Many small steps up and down end where they began. */
static void many_steps(void)
{
	for (int i = 1; i <= 64; i++) {
		CHECK(sys_brk(start + i * 1000u) == start + i * 1000u);
		((volatile char *)start)[i * 1000 - 1] = (char)i;
	}
	for (int i = 64; i >= 0; i--)
		CHECK(sys_brk(start + i * 1000u) == start + i * 1000u);
}

static const struct test_case cases[] = {
	CASE(grow), CASE(shrink_then_access_faults), CASE(regrow_is_zero),
	CASE(huge_request_fails), CASE(wrap_and_underflow_fail), CASE(many_steps),
};

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);       /* no buffer on the heap: it leaves brk alone */
	start = sys_brk(0);
	CHECK(start != 0);
	return RUN_CASES(cases);
}
