/*
 * QEMU's isa-debug-exit and fw_cfg devices; see <pagoda/qemu.h>.
 * fw_cfg's I/O interface: write a 16-bit selector to port 0x510, then read
 * the item's bytes one at a time from port 0x511 (QEMU docs/specs/fw_cfg).
 */
#include <pagoda/qemu.h>
#include <pagoda/errno.h>
#include <pagoda/string.h>
#include <arch/cpu.h>

#define DEBUG_EXIT_PORT         0xF4

#define FW_CFG_PORT_SEL         0x510
#define FW_CFG_PORT_DATA        0x511
#define FW_CFG_SIGNATURE        0x0000  /* reads "QEMU" */
#define FW_CFG_FILE_DIR         0x0019  /* big-endian count, then entries */
#define FW_CFG_NAME_LEN         56

void qemu_exit(uint32_t code)
{
	outl(DEBUG_EXIT_PORT, code);
}

static void fw_cfg_select(uint16_t key)
{
	outw(FW_CFG_PORT_SEL, key);
}

static void fw_cfg_read(void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len--)
		*p++ = inb(FW_CFG_PORT_DATA);
}

static uint32_t be32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* Find `name` in the file directory: its selector and size. */
static int fw_cfg_find(const char *name, uint16_t *select, uint32_t *size)
{
	uint8_t sig[4], count[4];

	fw_cfg_select(FW_CFG_SIGNATURE);
	fw_cfg_read(sig, sizeof(sig));
	if (memcmp(sig, "QEMU", 4) != 0)
		return -ENODEV;
	fw_cfg_select(FW_CFG_FILE_DIR);
	fw_cfg_read(count, sizeof(count));
	for (uint32_t i = be32(count); i > 0; i--) {
		/* struct { be32 size; be16 select; u16 reserved; char name[56]; } */
		uint8_t entry[4 + 2 + 2 + FW_CFG_NAME_LEN];

		fw_cfg_read(entry, sizeof(entry));
		if (strncmp((const char *)entry + 8, name, FW_CFG_NAME_LEN) == 0) {
			*size = be32(entry);
			*select = (uint16_t)(entry[4] << 8 | entry[5]);
			return 0;
		}
	}
	return -ENOENT;
}

int fw_cfg_read_file(const char *name, char *buf, size_t size)
{
	uint16_t select;
	uint32_t len;
	int err = fw_cfg_find(name, &select, &len);

	if (err)
		return err;
	if (size == 0)
		return -ENAMETOOLONG;
	fw_cfg_select(select);
	if (len >= size) {
		fw_cfg_read(buf, size - 1);
		buf[size - 1] = '\0';
		return -ENAMETOOLONG;
	}
	fw_cfg_read(buf, len);
	buf[len] = '\0';
	return (int)len;
}
