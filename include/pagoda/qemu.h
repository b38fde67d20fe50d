/*
 * QEMU's paravirtual devices: the isa-debug-exit port that ends a test run
 * with a status, and fw_cfg, through which the host passes named files.
 */
#ifndef PAGODA_QEMU_H
#define PAGODA_QEMU_H

#include <pagoda/types.h>
#include <pagoda/compiler.h>

/*
 * isa-debug-exit (-device isa-debug-exit,iobase=0xf4,iosize=0x04): writing v
 * makes QEMU exit with status (v << 1) | 1. The test runner
 * (tools/test.py) expects these two values.
 */
#define QEMU_EXIT_SUCCESS       0x10    /* QEMU exits with 33 */
#define QEMU_EXIT_FAILURE       0x11    /* QEMU exits with 35 */

/* Ask QEMU to exit; returns only if there is no isa-debug-exit device. */
void qemu_exit(uint32_t code);

/*
 * Read the fw_cfg file `name` (-fw_cfg name=opt/...,string=... on QEMU's
 * command line) into buf, NUL-terminated. Returns its length, -ENODEV
 * without fw_cfg, -ENOENT if there is no such file, or -ENAMETOOLONG if it
 * did not fit (buf then holds the start).
 */
int fw_cfg_read_file(const char *name, char *buf, size_t size);

#endif /* PAGODA_QEMU_H */
