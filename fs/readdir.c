/*
 * getdents64's records, for every kind of directory: linux_dirent64 is
 * the inode, the offset of the next entry, the record's length, the type
 * and the NUL-terminated name, padded to 8 bytes.
 */
#include "readdir.h"
#include <pagoda/errno.h>
#include <pagoda/string.h>
#include <pagoda/uaccess.h>

struct dirent64_head {
	uint64_t d_ino;
	int64_t d_off;
	uint16_t d_reclen;
	uint8_t d_type;
} __attribute__((packed));

uint8_t dirent_type(uint32_t mode)
{
	return (uint8_t)((mode & S_IFMT) >> 12);        /* DT_* are S_IF* >> 12 */
}

int dirent_emit(struct dir_ctx *ctx, uint64_t ino, int64_t next, uint8_t type, const char *name)
{
	size_t namelen = strlen(name), reclen = (sizeof(struct dirent64_head) + namelen + 1 + 7) & ~(size_t)7;
	uint8_t rec[sizeof(struct dirent64_head) + NAME_MAX + 8];
	struct dirent64_head h = { ino, next, (uint16_t)reclen, type };

	if (reclen > ctx->size - ctx->done) {
		ctx->err = ctx->done ? 0 : -EINVAL;
		return -1;
	}
	memset(rec, 0, reclen);
	memcpy(rec, &h, sizeof(h));
	memcpy(rec + sizeof(h), name, namelen);
	if (copyout(ctx->buf + ctx->done, rec, reclen)) {
		ctx->err = -EFAULT;
		return -1;
	}
	ctx->done += reclen;
	return 0;
}

long dirent_result(const struct dir_ctx *ctx)
{
	return ctx->err ? ctx->err : (long)ctx->done;
}
