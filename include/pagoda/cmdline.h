/*
 * The kernel command line (lib/cmdline.c): space-separated words, each a flag
 * ("test") or key=value ("loglevel=8"). When a key appears twice, the last
 * one wins, as on Linux. These functions only read the string given.
 */
#ifndef PAGODA_CMDLINE_H
#define PAGODA_CMDLINE_H

#include <pagoda/types.h>

/*
 * Skip the kernel image's file name at the start of a Multiboot command
 * line. QEMU's -kernel puts it there ("build/pagoda.elf test"), GRUB 2 does
 * not ("test"), so the first word is taken as a file name only if it has a
 * '/' or a '.' and no '=', which no kernel parameter has. Returns the rest,
 * leading spaces skipped.
 */
const char *cmdline_skip_image_name(const char *cmdline);

/*
 * Find the last word that is `key` or starts with `key=`, before any "--"
 * (the words after it are init's, as on Linux). Returns true if
 * found; then *val and *val_len give the value (empty for a bare flag).
 */
bool cmdline_find(const char *cmdline, const char *key, const char **val, size_t *val_len);

/*
 * The words after "--" (init's arguments, as on Linux), copied into buf
 * (size bytes) and listed in argv[0..max-1], then a NULL (argv has max + 1
 * entries). Words that do not fit are dropped. Returns how many.
 */
int cmdline_init_args(const char *cmdline, char *buf, size_t size, char **argv, int max);

/* True if `key` appears, bare or with a value. */
bool cmdline_has(const char *cmdline, const char *key);

/*
 * Parse key=N as a decimal (or 0x hexadecimal) integer into *out.
 * Returns 0, -ENOENT if the key is absent, or -EINVAL if the value is not a
 * number that fits in a long; *out is changed only on success.
 */
int cmdline_get_long(const char *cmdline, const char *key, long *out);

/* Copy key's value into buf (NUL-terminated, truncated to size). Returns
 * 0, -ENOENT, or -ENAMETOOLONG if it did not fit. */
int cmdline_get_str(const char *cmdline, const char *key, char *buf, size_t size);

#endif /* PAGODA_CMDLINE_H */
