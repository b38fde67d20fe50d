/*
 * Character devices by Linux's numbers: what opening a device node gives.
 * A node with no driver here opens as -ENXIO, as on Linux.
 */
#include <pagoda/file.h>
#include <pagoda/vfs.h>

extern const struct file_ops null_ops, zero_ops, full_ops, random_ops, urandom_ops, console_ops, tty_ops;

static const struct {
	uint32_t major, minor;
	const struct file_ops *ops;
} devices[] = {
	{ 1, 3, &null_ops }, { 1, 5, &zero_ops }, { 1, 7, &full_ops },
	{ 1, 8, &random_ops }, { 1, 9, &urandom_ops },
	{ 5, 0, &tty_ops },             /* /dev/tty: the controlling terminal, the console */
	{ 5, 1, &console_ops },         /* /dev/console */
};

const struct file_ops *chrdev_ops(uint32_t major, uint32_t minor)
{
	for (size_t i = 0; i < ARRAY_SIZE(devices); i++)
		if (devices[i].major == major && devices[i].minor == minor)
			return devices[i].ops;
	return NULL;
}
