/* What the files of /proc share (fs/procfs.c, fs/procfs_pid.c). */
#ifndef FS_PROCFS_H
#define FS_PROCFS_H

#include <pagoda/proc.h>
#include <pagoda/types.h>

/* A file's text, made at open. */
struct proc_text {
	char *buf;
	size_t len, size;
	bool cut;               /* something did not fit */
};

/* Append to t, as printf would; text past its size is cut (and t->cut set). */
void emit(struct proc_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "Name:" padded to 16 columns, the frames as KiB right-aligned in 8, then
 * " kB": the layout of Linux's meminfo and smaps. */
void emit_kb(struct proc_text *t, const char *name, uint64_t frames);

/* Frames to KiB. */
static inline uint64_t kib(uint64_t frames)
{
	return frames * (PAGE_SIZE / 1024);
}

/* The files of /proc/PID/ (procfs_pid.c): fill t for process p, as name
 * says ("maps", "smaps", "smaps_rollup", "status"). -ENOENT if there is
 * no such file. */
int procfs_pid_fill(struct proc_text *t, struct proc *p, const char *name);

#endif /* FS_PROCFS_H */
