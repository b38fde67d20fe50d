/* getdents64's records (fs/readdir.c), for each kind of directory. */
#ifndef FS_READDIR_H
#define FS_READDIR_H

#include <pagoda/vfs.h>

struct dir_ctx {
	vaddr_t buf;
	size_t size, done;
	long err;
};

/* DT_* of a mode. */
uint8_t dirent_type(uint32_t mode);
/* Append one record (next: the position after it): 0, or -1 when it does
 * not fit or cannot be written, and the listing stops there. */
int dirent_emit(struct dir_ctx *ctx, uint64_t ino, int64_t next, uint8_t type, const char *name);
/* What getdents64 returns: the bytes written, or the error (-EINVAL if
 * not even one record fitted, -EFAULT). */
long dirent_result(const struct dir_ctx *ctx);

#endif /* FS_READDIR_H */
