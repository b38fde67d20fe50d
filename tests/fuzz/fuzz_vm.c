/*
 * libFuzzer harness for the VM (mm/vmspace.c, mm/vm_fault.c, the pmap
 * beneath them) over a vm_world: the input is a program of 16-byte steps,
 * each one random operation of tests/host/vm_world.c (map, unmap, protect,
 * fork, destroy, user access), checked against the model as it goes.
 * Byte 0 of the input, when odd, makes every 5th record allocation fail.
 * Any disagreement with the model, leaked frame or sanitizer report is a
 * crash. `make fuzz` runs it for long; `make test` a short fixed-seed run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../host/vm_world.h"

static struct vm_world w;

static void die(const char *when)
{
	fprintf(stderr, "vm fuzz: %s: %s\n", when, w.why);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	vmw_init(&w, data[0] & 1 ? 5 : 0);
	data++;
	size--;
	for (unsigned i = 0; size >= 16; i++, data += 16, size -= 16) {
		uint32_t r[4];

		memcpy(r, data, sizeof(r));
		if (vmw_step(&w, r) != 0)
			die("step");
		if (i % 16 == 15 && vmw_check(&w) != 0)
			die("check");
	}
	if (vmw_check(&w) != 0)
		die("final check");
	if (vmw_finish(&w) != 0)
		die("finish");
	return 0;
}
