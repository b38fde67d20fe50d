/* What Pagoda's commands (user/bin/) share: reading /proc files, and
 * Pagoda's pagewalk system call. Header-only, static, like check.h. */
#ifndef USER_BIN_PROCFILE_H
#define USER_BIN_PROCFILE_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <uapi/pagoda.h>

/* Read all of path into buf (NUL-terminated): its length, or -1 (errno set). */
static inline long read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	size_t n = 0;
	ssize_t r = 0;

	if (fd < 0)
		return -1;
	while (n + 1 < size && (r = read(fd, buf + n, size - 1 - n)) > 0)
		n += (size_t)r;
	close(fd);
	buf[n] = '\0';
	return r < 0 ? -1 : (long)n;
}

/* The number after "key" and a separator (": " or " ") at a line's start
 * in text, or -1 if no line has it. */
static inline long long field(const char *text, const char *key)
{
	size_t len = strlen(key);

	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (strncmp(p, key, len) == 0 && (p[len] == ':' || p[len] == ' '))
			return strtoll(p + len + 1 + strspn(p + len + 1, " \t"), NULL, 10);
	return -1;
}

/* One file's field: -1 if the file or the line is missing. */
static inline long long file_field(const char *path, const char *key)
{
	static char buf[16384];

	return read_file(path, buf, sizeof(buf)) < 0 ? -1 : field(buf, key);
}

/* The line of text (a maps or smaps line, "start-end ...") of the region
 * that starts at va, or NULL. */
static inline char *region_line(char *text, uint32_t va)
{
	char prefix[16];

	snprintf(prefix, sizeof(prefix), "%08x-", va);
	for (char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (strncmp(l, prefix, strlen(prefix)) == 0)
			return l;
	return NULL;
}

/* Of the resident memory smaps lines count, the kB that another mapping
 * reaches too (Shared_Clean + Shared_Dirty). */
static inline long long shared_kb(const char *smaps)
{
	return field(smaps, "Shared_Clean") + field(smaps, "Shared_Dirty");
}

/*
 * The smaps block of the region that starts at va in process pid (0: the
 * caller): its maps line, kB lines and VmFlags line, each ending in a
 * newline, copied into block (read its lines with field()). NULL if there
 * is no such region, or it does not fit.
 */
static inline const char *smaps_region(int pid, uint32_t va, char *block, size_t size)
{
	static char text[128 * 1024];
	char path[64];
	const char *start, *end;

	snprintf(path, sizeof(path), pid ? "/proc/%d/smaps" : "/proc/self/smaps", pid);
	if (read_file(path, text, sizeof(text)) <= 0)
		return NULL;
	start = region_line(text, va);
	end = start ? strstr(start, "\nVmFlags:") : NULL;
	if (!end || !(end = strchr(end + 1, '\n')) || (size_t)(end + 1 - start) >= size)
		return NULL;
	memcpy(block, start, (size_t)(end + 1 - start));
	block[end + 1 - start] = '\0';
	return block;
}

/* Pagoda's pagewalk system call (<uapi/pagoda.h>): 0 or -1 with errno. */
static inline int pagewalk(int pid, uint32_t va, struct pagoda_pagewalk *w)
{
	return (int)syscall(PAGODA_NR_PAGEWALK, pid, va, w);
}

#endif /* USER_BIN_PROCFILE_H */
