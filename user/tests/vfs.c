/* The file system as Linux's users see it: path resolution, making and
 * removing names, rename's rules, links, the working directory, holes
 * and truncation, the page cache that read, write and mmap share,
 * devices, getdents, statfs, /proc's links, and a tmpfs filled to its
 * limit. Every case works in a directory of its own under /tmp (a tmpfs
 * mount, user/init.c) and removes everything it made: the runner checks
 * that free memory comes back. */
#define _GNU_SOURCE
#include "check.h"
#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>

#define D "/tmp/vfs"
#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE 2
#endif
#ifndef FALLOC_FL_KEEP_SIZE
#define FALLOC_FL_KEEP_SIZE 1
#define FALLOC_FL_PUNCH_HOLE 2
#endif
#ifndef RENAME_WHITEOUT
#define RENAME_WHITEOUT 4
#endif

/* renameat2 through the system call: musl has no wrapper. */
static int rename2(const char *from, const char *to, unsigned flags)
{
	return (int)syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, flags);
}

static void mkd(const char *path)
{
	CHECK(mkdir(path, 0755) == 0);
}

/* A file holding text, made with mode 0644. */
static void put(const char *path, const char *text)
{
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);

	CHECK(fd >= 0);
	CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	CHECK(close(fd) == 0);
}

/* The file's first bytes as a string ("" if missing). */
static const char *get(const char *path)
{
	static char buf[256];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	buf[0] = '\0';
	if (fd < 0)
		return "(missing)";
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
	return buf;
}

static void errno_of(const char *what, long ret)
{
	if (ret < 0)
		printf("%s: errno %d\n", what, errno);
	else
		printf("%s: %ld\n", what, ret);
}

static void path_resolution(void)
{
	char name[300], longpath[5000];
	struct stat st;

	mkd(D);
	put(D "/f", "f");
	CHECK_ERR(open(D "/missing", O_RDONLY), ENOENT);
	CHECK_ERR(open(D "/missing/x", O_RDONLY), ENOENT);
	CHECK_ERR(open(D "/f/x", O_RDONLY), ENOTDIR);
	CHECK_ERR(open(D "/f/", O_RDONLY), ENOTDIR);
	CHECK_ERR(open(D "/f", O_RDONLY | O_DIRECTORY), ENOTDIR);
	CHECK_ERR(stat("", &st), ENOENT);
	memset(name, 'n', 256);
	name[256] = '\0';
	snprintf(longpath, sizeof(longpath), D "/%s", name);
	CHECK_ERR(open(longpath, O_RDONLY), ENAMETOOLONG);
	CHECK_ERR(mkdir(longpath, 0755), ENAMETOOLONG);
	name[255] = '\0';               /* NAME_MAX itself is fine */
	snprintf(longpath, sizeof(longpath), D "/%s", name);
	CHECK_ERR(open(longpath, O_RDONLY), ENOENT);
	memset(longpath, '/', 4095);    /* PATH_MAX with its NUL */
	longpath[4096] = '\0';
	longpath[4095] = 'x';
	CHECK_ERR(open(longpath, O_RDONLY), ENAMETOOLONG);
	longpath[4095] = '\0';
	CHECK(stat(longpath, &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(stat("/..", &st) == 0 && stat("/", &st) == 0);
	CHECK(strcmp(get(D "/../vfs/./f"), "f") == 0);
	CHECK(strcmp(get("//tmp///vfs//f"), "f") == 0);
	CHECK(symlink("loop2", D "/loop1") == 0 && symlink("loop1", D "/loop2") == 0);
	CHECK_ERR(open(D "/loop1", O_RDONLY), ELOOP);
	CHECK_ERR(stat(D "/loop1/x", &st), ELOOP);
	CHECK(lstat(D "/loop1", &st) == 0 && S_ISLNK(st.st_mode));
	CHECK(symlink("f", D "/link") == 0);
	CHECK_ERR(open(D "/link", O_RDONLY | O_NOFOLLOW), ELOOP);
	CHECK(strcmp(get(D "/link"), "f") == 0);
	CHECK_ERR(open(D "/link/", O_RDONLY), ENOTDIR);
	/* 40 links followed are fine, the 41st is ELOOP. */
	for (int i = 1; i <= 41; i++) {
		char from[64], to[64];

		snprintf(from, sizeof(from), D "/chain%d", i);
		snprintf(to, sizeof(to), i == 1 ? "f" : "chain%d", i - 1);
		CHECK(symlink(to, from) == 0);
	}
	CHECK(strcmp(get(D "/chain40"), "f") == 0);
	CHECK_ERR(open(D "/chain41", O_RDONLY), ELOOP);
	for (int i = 1; i <= 41; i++) {
		char from[64];

		snprintf(from, sizeof(from), D "/chain%d", i);
		CHECK(unlink(from) == 0);
	}
	CHECK(unlink(D "/loop1") == 0 && unlink(D "/loop2") == 0 && unlink(D "/link") == 0);
	CHECK(unlink(D "/f") == 0 && rmdir(D) == 0);
}

static void create_and_open_flags(void)
{
	struct stat st;
	int fd;

	mkd(D);
	CHECK_ERR(open(D "/x/y", O_CREAT | O_WRONLY, 0644), ENOENT);
	CHECK_ERR(open(D "/new/", O_CREAT | O_WRONLY, 0644), EISDIR);
	CHECK_ERR(open(D, O_CREAT | O_WRONLY, 0644), EISDIR);
	CHECK_ERR(open(D, O_WRONLY), EISDIR);
	CHECK_ERR(open(D, O_RDONLY | O_TRUNC), EISDIR);
	umask(027);
	fd = open(D "/f", O_CREAT | O_EXCL | O_RDWR, 0777);
	CHECK(fd >= 0);
	CHECK_ERR(open(D "/f", O_CREAT | O_EXCL | O_RDWR, 0777), EEXIST);
	CHECK(fstat(fd, &st) == 0);
	printf("created with 0777 under umask 027: mode %o, nlink %u, size %lld\n",
	       (unsigned)st.st_mode, (unsigned)st.st_nlink, (long long)st.st_size);
	printf("F_GETFL of O_RDWR|O_CREAT|O_EXCL: %o\n", fcntl(fd, F_GETFL) & ~0100000);
	CHECK(write(fd, "hello", 5) == 5 && close(fd) == 0);
	umask(022);
	fd = open(D "/f", O_WRONLY | O_APPEND);
	CHECK(fd >= 0 && lseek(fd, 0, SEEK_SET) == 0);
	CHECK(write(fd, " world", 6) == 6);
	printf("after an appending write the position is %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
	CHECK(pwrite(fd, "!", 1, 0) == 1);      /* O_APPEND: pwrite appends too */
	CHECK(close(fd) == 0);
	printf("contents: %s\n", get(D "/f"));
	fd = open(D "/f", O_RDONLY | O_TRUNC);  /* Linux truncates even so */
	CHECK(fd >= 0 && fstat(fd, &st) == 0 && close(fd) == 0);
	printf("O_RDONLY|O_TRUNC: size %lld\n", (long long)st.st_size);
	fd = creat(D "/c", 0600);
	CHECK(fd >= 0);
	CHECK_ERR(read(fd, &st, 1), EBADF);     /* creat opens for writing only */
	CHECK(close(fd) == 0);
	fd = open(D "/c", O_PATH);
	CHECK(fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode));
	CHECK_ERR(read(fd, &st, 1), EBADF);
	CHECK_ERR(write(fd, "x", 1), EBADF);
	CHECK(close(fd) == 0);
	CHECK(unlink(D "/f") == 0 && unlink(D "/c") == 0 && rmdir(D) == 0);
}

static void mkdir_and_rmdir(void)
{
	struct stat st;

	mkd(D);
	CHECK_ERR(mkdir(D, 0755), EEXIST);
	CHECK_ERR(mkdir("/", 0755), EEXIST);
	CHECK_ERR(mkdir(D "/a/b", 0755), ENOENT);
	CHECK(mkdir(D "/a/", 0700) == 0);       /* a trailing slash is fine */
	CHECK(mkdir(D "/a/b", 0755) == 0 && mkdir(D "/a/c", 0755) == 0);
	CHECK(stat(D "/a", &st) == 0);
	printf("a: mode %o, nlink %u (2 + two subdirectories)\n", (unsigned)st.st_mode, (unsigned)st.st_nlink);
	put(D "/a/f", "");
	CHECK(stat(D "/a", &st) == 0);
	printf("a with a file too: nlink %u\n", (unsigned)st.st_nlink);
	CHECK_ERR(rmdir(D "/a"), ENOTEMPTY);
	CHECK_ERR(rmdir(D "/a/f"), ENOTDIR);
	CHECK_ERR(rmdir(D "/a/."), EINVAL);
	CHECK_ERR(rmdir(D "/a/b/.."), ENOTEMPTY);
	CHECK_ERR(rmdir(D "/missing"), ENOENT);
	CHECK_ERR(rmdir("/tmp"), EBUSY);        /* a mount point */
	CHECK_ERR(mknod(D "/a/d", S_IFDIR | 0755, 0), EPERM);
	CHECK(unlink(D "/a/f") == 0 && rmdir(D "/a/b") == 0 && rmdir(D "/a/c/") == 0);
	CHECK(stat(D "/a", &st) == 0);
	printf("a emptied: nlink %u\n", (unsigned)st.st_nlink);
	CHECK(rmdir(D "/a") == 0 && rmdir(D) == 0);
}

static void unlink_rules(void)
{
	struct stat st;
	char buf[8];
	int fd;

	mkd(D);
	mkd(D "/dir");
	put(D "/f", "still here");
	CHECK_ERR(unlink(D "/dir"), EISDIR);
	CHECK_ERR(unlink(D "/missing"), ENOENT);
	CHECK_ERR(unlink(D "/f/"), ENOTDIR);
	CHECK_ERR(unlink(D "/dir/"), EISDIR);
	CHECK_ERR(unlinkat(AT_FDCWD, D "/f", 0x1), EINVAL);
	CHECK_ERR(unlinkat(AT_FDCWD, D "/f", AT_REMOVEDIR), ENOTDIR);
	fd = open(D "/f", O_RDONLY);
	CHECK(fd >= 0 && unlink(D "/f") == 0);
	CHECK_ERR(stat(D "/f", &st), ENOENT);
	CHECK(fstat(fd, &st) == 0 && read(fd, buf, 5) == 5);
	printf("an unlinked open file: nlink %u, size %lld, reads \"%.5s\"\n", (unsigned)st.st_nlink,
	       (long long)st.st_size, buf);
	CHECK(close(fd) == 0);
	CHECK(unlinkat(AT_FDCWD, D "/dir", AT_REMOVEDIR) == 0 && rmdir(D) == 0);
}

static void rename_rules(void)
{
	struct stat st;

	mkd(D);
	mkd(D "/d1");
	mkd(D "/d2");
	mkd(D "/full");
	put(D "/full/x", "x");
	put(D "/a", "a");
	put(D "/b", "b");
	CHECK_ERR(rename(D "/missing", D "/z"), ENOENT);
	CHECK_ERR(rename(D "/a", D "/d1"), EISDIR);
	CHECK_ERR(rename(D "/d1", D "/a"), ENOTDIR);
	CHECK_ERR(rename(D "/d1", D "/full"), ENOTEMPTY);
	CHECK_ERR(rename(D "/d1", D "/d1/sub"), EINVAL);
	CHECK_ERR(rename(D "/a", D "/a/"), ENOTDIR);
	CHECK_ERR(rename(D "/.", D "/z"), EBUSY);
	CHECK_ERR(rename(D "/a", "/a"), EXDEV);         /* /tmp to the root: two mounts */
	CHECK_ERR(rename2(D "/a", D "/b", RENAME_NOREPLACE), EEXIST);
	CHECK_ERR(rename2(D "/a", D "/none", RENAME_EXCHANGE), ENOENT);
	CHECK_ERR(rename2(D "/a", D "/b", RENAME_EXCHANGE | RENAME_NOREPLACE), EINVAL);
	CHECK_ERR(rename2(D "/a", D "/b", 0x100), EINVAL);
	CHECK(rename(D "/a", D "/b") == 0);             /* over a file */
	printf("a over b: b holds \"%s\", a is %s\n", get(D "/b"), get(D "/a"));
	CHECK(rename(D "/d1", D "/d2") == 0);           /* over an empty directory */
	CHECK(stat(D, &st) == 0);
	printf("d1 over d2: nlink of the parent %u, d1 is %s\n", (unsigned)st.st_nlink,
	       stat(D "/d1", &st) ? "gone" : "there");
	CHECK(rename2(D "/b", D "/full", RENAME_EXCHANGE) == 0);
	CHECK(stat(D "/b", &st) == 0);
	printf("exchanged: b is a directory %d holding x \"%s\", full a file holding \"%s\"\n",
	       S_ISDIR(st.st_mode), get(D "/b/x"), get(D "/full"));
	CHECK(rename(D "/b", D "/d2/moved") == 0);
	CHECK(stat(D "/d2", &st) == 0);
	printf("a directory moved into d2: its nlink %u, x there: \"%s\"\n", (unsigned)st.st_nlink,
	       get(D "/d2/moved/x"));
	CHECK(link(D "/full", D "/hard") == 0);
	CHECK(rename(D "/full", D "/hard") == 0);       /* two names of one file: nothing */
	CHECK(stat(D "/full", &st) == 0);
	printf("rename between hard links: both remain, nlink %u\n", (unsigned)st.st_nlink);
	CHECK(unlink(D "/full") == 0 && unlink(D "/hard") == 0);
	CHECK(unlink(D "/d2/moved/x") == 0 && rmdir(D "/d2/moved") == 0 && rmdir(D "/d2") == 0);
	CHECK(rmdir(D) == 0);
}

/* What RENAME_WHITEOUT leaves at the old name. */
static void show_whiteout(const char *what, const char *path)
{
	struct stat st;

	CHECK(lstat(path, &st) == 0);
	printf("%s: char device %d, mode %o, rdev %u:%u, nlink %u\n", what, S_ISCHR(st.st_mode),
	       st.st_mode & 07777, major(st.st_rdev), minor(st.st_rdev), (unsigned)st.st_nlink);
}

static void rename_whiteout(void)
{
	struct stat st;

	mkd(D);
	put(D "/a", "a");
	put(D "/b", "b");
	mkd(D "/dir");
	CHECK_ERR(rename2(D "/a", D "/b", RENAME_WHITEOUT | RENAME_EXCHANGE), EINVAL);
	CHECK_ERR(rename2(D "/missing", D "/c", RENAME_WHITEOUT), ENOENT);
	CHECK(rename2(D "/a", D "/c", RENAME_WHITEOUT) == 0);
	show_whiteout("a moved to c", D "/a");
	printf("c holds \"%s\"\n", get(D "/c"));
	CHECK_ERR(open(D "/a", O_RDONLY), ENXIO);
	CHECK(rename2(D "/c", D "/b", RENAME_WHITEOUT | RENAME_NOREPLACE) == -1 && errno == EEXIST);
	CHECK(rename2(D "/c", D "/b", RENAME_WHITEOUT) == 0);
	show_whiteout("c over b", D "/c");
	CHECK(rename2(D "/dir", D "/dir2", RENAME_WHITEOUT) == 0);
	show_whiteout("a directory moved", D "/dir");
	CHECK(stat(D, &st) == 0);
	printf("the parent's nlink: %u\n", (unsigned)st.st_nlink);
	CHECK_ERR(rename2(D "/dir2", D "/a", RENAME_WHITEOUT), ENOTDIR);
	CHECK(rename2(D "/b", D "/a", RENAME_WHITEOUT) == 0);
	show_whiteout("over a whiteout", D "/b");
	printf("a holds \"%s\"\n", get(D "/a"));
	CHECK(unlink(D "/a") == 0 && unlink(D "/b") == 0 && unlink(D "/c") == 0 && unlink(D "/dir") == 0);
	CHECK(rmdir(D "/dir2") == 0 && rmdir(D) == 0);
}

static void links(void)
{
	char buf[64];
	struct stat st;

	mkd(D);
	mkd(D "/sub");
	put(D "/f", "target");
	CHECK(link(D "/f", D "/g") == 0);
	CHECK(stat(D "/f", &st) == 0);
	printf("two names: nlink %u\n", (unsigned)st.st_nlink);
	CHECK_ERR(link(D "/f", D "/g"), EEXIST);
	CHECK_ERR(link(D "/sub", D "/sub2"), EPERM);
	CHECK_ERR(link(D "/missing", D "/h"), ENOENT);
	CHECK_ERR(link(D "/f", "/hard"), EXDEV);
	CHECK_ERR(symlink("", D "/empty"), ENOENT);
	CHECK_ERR(symlink("x", D "/f"), EEXIST);
	CHECK(symlink("../f", D "/sub/up") == 0);       /* relative to the link's directory */
	printf("through sub/up: \"%s\"\n", get(D "/sub/up"));
	CHECK(symlink("sub", D "/dirlink") == 0);
	printf("through dirlink/up: \"%s\"\n", get(D "/dirlink/up"));
	CHECK(symlink("nowhere", D "/dangling") == 0);
	CHECK_ERR(stat(D "/dangling", &st), ENOENT);
	CHECK(lstat(D "/dangling", &st) == 0);
	printf("dangling: lstat mode %o size %lld\n", (unsigned)st.st_mode, (long long)st.st_size);
	errno_of("readlink sub/up", readlink(D "/sub/up", buf, sizeof(buf)));
	errno_of("readlink into 2 bytes", readlink(D "/sub/up", buf, 2));
	printf("  the 2 bytes: %.2s\n", buf);
	CHECK_ERR(readlink(D "/f", buf, sizeof(buf)), EINVAL);
	CHECK_ERR(syscall(SYS_readlink, D "/sub/up", buf, 0), EINVAL);  /* musl fixes up 0 */
	CHECK_ERR(readlink(D "/missing", buf, sizeof(buf)), ENOENT);
	CHECK(unlink(D "/f") == 0);
	CHECK(stat(D "/g", &st) == 0);
	printf("one name left: nlink %u, \"%s\"\n", (unsigned)st.st_nlink, get(D "/g"));
	CHECK(unlink(D "/g") == 0 && unlink(D "/sub/up") == 0 && unlink(D "/dirlink") == 0);
	CHECK(unlink(D "/dangling") == 0 && rmdir(D "/sub") == 0 && rmdir(D) == 0);
}

static void working_directory(void)
{
	char buf[256];
	int fd, dfd;

	mkd(D);
	mkd(D "/in");
	put(D "/in/f", "relative");
	CHECK(chdir(D "/in") == 0);
	CHECK(getcwd(buf, sizeof(buf)) != NULL);
	printf("cwd: %s, f: \"%s\"\n", buf, get("f"));
	errno_of("getcwd's length", syscall(SYS_getcwd, buf, sizeof(buf)));
	CHECK_ERR(syscall(SYS_getcwd, buf, 5), ERANGE);
	CHECK_ERR(chdir(D "/in/f"), ENOTDIR);
	CHECK_ERR(chdir(D "/missing"), ENOENT);
	CHECK(chdir("..") == 0 && getcwd(buf, sizeof(buf)) != NULL);
	printf("after ..: %s\n", buf);
	dfd = open("in", O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0);
	fd = openat(dfd, "f", O_RDONLY);
	CHECK(fd >= 0 && close(fd) == 0);
	fd = open(D "/in/f", O_RDONLY);
	CHECK_ERR(openat(fd, "x", O_RDONLY), ENOTDIR);
	CHECK_ERR(openat(99, "x", O_RDONLY), EBADF);
	CHECK(openat(99, "/tmp", O_RDONLY | O_DIRECTORY) >= 0);    /* absolute: dirfd unused */
	CHECK_ERR(fchdir(fd), ENOTDIR);
	CHECK_ERR(fchdir(99), EBADF);
	CHECK(fchdir(dfd) == 0 && getcwd(buf, sizeof(buf)) != NULL);
	printf("fchdir: %s\n", buf);
	CHECK(readlink("/proc/self/cwd", buf, sizeof(buf)) > 0);
	printf("/proc/self/cwd names it too: %d\n", strncmp(buf, D "/in", strlen(D "/in")) == 0);
	CHECK(unlink("f") == 0 && rmdir(D "/in") == 0);
	CHECK(getcwd(buf, sizeof(buf)) == NULL);
	printf("getcwd in a removed directory: errno %d\n", errno);
	CHECK_ERR(open("new", O_CREAT | O_WRONLY, 0644), ENOENT);      /* no name in it, ever */
	CHECK_ERR(mkdir("newdir", 0755), ENOENT);
	CHECK_ERR(symlink("x", "newlink"), ENOENT);
	CHECK_ERR(open(".", O_RDONLY | O_DIRECTORY) >= 0 ? mkdirat(AT_FDCWD, "y", 0755) : -1, ENOENT);
	printf("umask: %o then %o\n", umask(077), umask(022));
	CHECK(chdir("/") == 0 && rmdir(D) == 0);
}

static void holes_and_truncation(void)
{
	struct stat st;
	char buf[16];
	int fd;

	mkd(D);
	fd = open(D "/h", O_CREAT | O_RDWR, 0644);
	CHECK(fd >= 0);
	CHECK_ERR(ftruncate(fd, -1), EINVAL);
	CHECK(ftruncate(fd, 3 * PAGE) == 0 && fstat(fd, &st) == 0);
	printf("grown to 3 pages: size %lld, blocks %lld\n", (long long)st.st_size, (long long)st.st_blocks);
	CHECK(pread(fd, buf, 4, 100) == 4 && memcmp(buf, "\0\0\0\0", 4) == 0);
	CHECK(pwrite(fd, "data", 4, PAGE + 10) == 4 && fstat(fd, &st) == 0);
	printf("one page written: blocks %lld, position still %lld\n", (long long)st.st_blocks,
	       (long long)lseek(fd, 0, SEEK_CUR));
	errno_of("SEEK_DATA from 0", lseek(fd, 0, SEEK_DATA));
	errno_of("SEEK_HOLE from 0", lseek(fd, 0, SEEK_HOLE));
	errno_of("SEEK_HOLE from page 1", lseek(fd, PAGE + 1, SEEK_HOLE));
	errno_of("SEEK_DATA from page 2", lseek(fd, 2 * PAGE, SEEK_DATA));
	errno_of("SEEK_DATA past the end", lseek(fd, 3 * PAGE, SEEK_DATA));
	CHECK(pwrite(fd, "far", 3, 1 << 20) == 3 && fstat(fd, &st) == 0);
	printf("a write at 1 MiB: size %lld, blocks %lld\n", (long long)st.st_size, (long long)st.st_blocks);
	CHECK(ftruncate(fd, PAGE + 12) == 0 && fstat(fd, &st) == 0);
	printf("cut to a page and 12: size %lld, blocks %lld\n", (long long)st.st_size, (long long)st.st_blocks);
	CHECK(ftruncate(fd, 2 * PAGE) == 0);
	CHECK(pread(fd, buf, 4, PAGE + 10) == 4);
	printf("grown again: kept \"%.2s\", then zeros: %d\n", buf, buf[2] == 0 && buf[3] == 0);
	CHECK(truncate(D "/h", 5) == 0 && stat(D "/h", &st) == 0 && st.st_size == 5);
	CHECK_ERR(truncate(D, 0), EISDIR);
	CHECK_ERR(truncate(D "/missing", 0), ENOENT);
	CHECK_ERR(pread(fd, buf, 1, -1), EINVAL);
	CHECK(close(fd) == 0);
	fd = open(D "/h", O_RDONLY);
	CHECK_ERR(ftruncate(fd, 0), EINVAL);
	CHECK_ERR(pwrite(fd, "x", 1, 0), EBADF);
	CHECK(close(fd) == 0);
	{
		int p[2];

		CHECK(pipe(p) == 0);
		CHECK_ERR(pread(p[0], buf, 1, 0), ESPIPE);
		CHECK_ERR(lseek(p[0], 0, SEEK_SET), ESPIPE);
		CHECK_ERR(ftruncate(p[1], 0), EINVAL);
		CHECK_ERR(fsync(p[1]), EINVAL);
		close(p[0]);
		close(p[1]);
	}
	CHECK(unlink(D "/h") == 0 && rmdir(D) == 0);
}

static void vectors_at_offsets(void)
{
	char a[4], b[4];
	struct iovec v[2] = { { a, 4 }, { b, 4 } };
	int fd;

	mkd(D);
	put(D "/v", "0123456789");
	fd = open(D "/v", O_RDWR);
	CHECK(fd >= 0);
	CHECK(preadv(fd, v, 2, 1) == 8 && memcmp(a, "1234", 4) == 0 && memcmp(b, "5678", 4) == 0);
	CHECK(lseek(fd, 0, SEEK_CUR) == 0);
	CHECK(pwritev(fd, v, 2, 6) == 8);
	printf("pwritev at 6: \"%s\"\n", get(D "/v"));
	CHECK_ERR(preadv(fd, v, 2, -1), EINVAL);
	CHECK(close(fd) == 0 && unlink(D "/v") == 0 && rmdir(D) == 0);
}

/* The page cache: a store through a shared mapping is what read() sees,
 * and what another process's mapping sees; write() is what mappings see. */
static void page_cache_is_shared(void)
{
	char buf[8];
	char *m;
	int fd, status;
	pid_t pid;

	mkd(D);
	fd = open(D "/p", O_CREAT | O_RDWR, 0644);
	CHECK(fd >= 0 && ftruncate(fd, 2 * PAGE) == 0);
	m = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED);
	memcpy(m + 100, "store", 5);
	CHECK(pread(fd, buf, 5, 100) == 5);
	printf("read() after a store: %.5s\n", buf);
	CHECK(pwrite(fd, "WRITE", 5, PAGE + 7) == 5);
	printf("the mapping after write(): %.5s\n", m + PAGE + 7);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		int cfd = open(D "/p", O_RDWR);
		char *c = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, cfd, 0);

		if (c == MAP_FAILED || memcmp(c + 100, "store", 5) != 0)
			_exit(1);
		memcpy(c + 200, "child", 5);
		_exit(0);
	}
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	printf("the child's store, in the parent's mapping: %.5s\n", m + 200);
	CHECK(msync(m, 2 * PAGE, MS_SYNC) == 0);
	CHECK_ERR(msync(m + 1, PAGE, MS_SYNC), EINVAL);
	CHECK_ERR(msync(m, PAGE, MS_SYNC | MS_ASYNC), EINVAL);
	CHECK(munmap(m, 2 * PAGE) == 0);
	CHECK(close(fd) == 0 && unlink(D "/p") == 0 && rmdir(D) == 0);
}

/* MAP_PRIVATE sees the file until it writes a page, then has its own. */
static void private_mapping_copies_on_write(void)
{
	char *m;
	int fd;

	mkd(D);
	put(D "/q", "AAAA");
	fd = open(D "/q", O_RDWR);
	CHECK(fd >= 0 && ftruncate(fd, 2 * PAGE) == 0);
	CHECK(pwrite(fd, "BBBB", 4, PAGE) == 4);
	m = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(m != MAP_FAILED);
	CHECK(pwrite(fd, "aaaa", 4, 0) == 4);
	printf("before its write the private mapping sees the file: %.4s\n", m);
	m[0] = 'x';
	CHECK(pwrite(fd, "zzzz", 4, 0) == 4 && pwrite(fd, "bbbb", 4, PAGE) == 4);
	printf("after: its page %.4s, the file %s, the page it did not write %.4s\n", m, get(D "/q"),
	       m + PAGE);
	CHECK(munmap(m, 2 * PAGE) == 0);
	CHECK(close(fd) == 0 && unlink(D "/q") == 0 && rmdir(D) == 0);
}

static void touch_past_end(void)
{
	int fd = open(D "/s", O_RDWR);
	volatile char *m = mmap(NULL, 2 * PAGE, PROT_READ, MAP_SHARED, fd, 0);

	if (m == MAP_FAILED)
		_exit(2);
	(void)m[PAGE];
}

static void touch_after_truncate(void)
{
	int fd = open(D "/s", O_RDWR);
	volatile char *m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (m == MAP_FAILED || ftruncate(fd, PAGE) != 0)
		_exit(2);
	m[0] = 'x';                     /* fine: within the file */
	if (ftruncate(fd, 0) != 0)
		_exit(3);
	(void)m[0];                     /* the page went with the truncation */
}

static void mapping_rules(void)
{
	int fd, ro;

	mkd(D);
	put(D "/s", "small");
	ro = open(D "/s", O_RDONLY);
	CHECK(ro >= 0);
	CHECK(mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0) != MAP_FAILED);
	CHECK_ERR(mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0), EACCES);
	fd = open(D "/s", O_WRONLY);
	CHECK_ERR(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0), EACCES);
	close(fd);
	fd = open(D, O_RDONLY);
	CHECK_ERR(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 0), ENODEV);
	close(fd);
	printf("a page past the end of the file: signal %d\n", signal_of(touch_past_end));
	printf("a page truncated away: signal %d\n", signal_of(touch_after_truncate));
	CHECK(close(ro) == 0 && unlink(D "/s") == 0 && rmdir(D) == 0);
}

static void devices(void)
{
	static const char *const nodes[] = { "/dev/null", "/dev/zero", "/dev/full", "/dev/random",
					     "/dev/urandom", "/dev/tty", "/dev/console" };
	unsigned char buf[64];
	struct stat st;
	char *z;
	int fd;

	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
		CHECK(stat(nodes[i], &st) == 0);
		printf("%s: char %d, %u:%u\n", nodes[i], S_ISCHR(st.st_mode), major(st.st_rdev),
		       minor(st.st_rdev));
	}
	fd = open("/dev/null", O_RDWR);
	CHECK(fd >= 0);
	errno_of("read /dev/null", read(fd, buf, sizeof(buf)));
	errno_of("write /dev/null", write(fd, buf, sizeof(buf)));
	errno_of("lseek /dev/null", lseek(fd, 100, SEEK_SET));
	CHECK(close(fd) == 0);
	fd = open("/dev/zero", O_RDWR);
	memset(buf, 0xff, sizeof(buf));
	errno_of("read /dev/zero", read(fd, buf, sizeof(buf)));
	printf("  all zero: %d\n", buf[0] == 0 && buf[63] == 0);
	z = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(z != MAP_FAILED && z[10] == 0);
	z[10] = 1;
	CHECK(munmap(z, PAGE) == 0);
	z = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(z != MAP_FAILED && z[10] == 0);
	CHECK(munmap(z, PAGE) == 0 && close(fd) == 0);
	fd = open("/dev/full", O_RDWR);
	CHECK_ERR(write(fd, buf, 1), ENOSPC);
	errno_of("read /dev/full", read(fd, buf, 8));
	CHECK(close(fd) == 0);
	fd = open("/dev/urandom", O_RDONLY);
	errno_of("read /dev/urandom", read(fd, buf, 16));
	CHECK(close(fd) == 0);
	CHECK_ERR(open("/dev/null/x", O_RDONLY), ENOTDIR);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void directory_listing(void)
{
	char *names[16];
	int n = 0;
	struct dirent *e;
	DIR *dir;

	mkd(D);
	mkd(D "/sub");
	put(D "/file", "");
	CHECK(symlink("file", D "/link") == 0);
	CHECK(mknod(D "/node", S_IFCHR | 0600, makedev(1, 3)) == 0);
	dir = opendir(D);
	CHECK(dir != NULL);
	while ((e = readdir(dir)) != NULL && n < 16) {
		char *s = malloc(300);

		snprintf(s, 300, "%s (type %d)", e->d_name, e->d_type);
		names[n++] = s;
	}
	closedir(dir);
	qsort(names, (size_t)n, sizeof(names[0]), by_name);
	for (int i = 0; i < n; i++)
		printf("  %s\n", names[i]);
	/* Removing while listing: every entry is seen once. */
	dir = opendir(D);
	n = 0;
	while ((e = readdir(dir)) != NULL) {
		char path[300];

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), D "/%s", e->d_name);
		CHECK((e->d_type == DT_DIR ? rmdir(path) : unlink(path)) == 0);
		n++;
	}
	closedir(dir);
	printf("removed while listing: %d\n", n);
	CHECK(rmdir(D) == 0);
}

static void file_system_facts(void)
{
	struct statfs s;

	CHECK(statfs("/tmp", &s) == 0);
	printf("/tmp: type %#lx, block %ld, name max %ld\n", (unsigned long)s.f_type, (long)s.f_bsize,
	       (long)s.f_namelen);
	CHECK(statfs("/proc", &s) == 0);
	printf("/proc: type %#lx\n", (unsigned long)s.f_type);
	CHECK_ERR(statfs("/missing", &s), ENOENT);
	CHECK_ERR(syscall(SYS_statfs64, "/tmp", 10, &s), EINVAL);
	CHECK_ERR(mount("none", "/tmp", "nosuchfs", 0, NULL), ENODEV);
	CHECK_ERR(mount("none", "/missing", "tmpfs", 0, NULL), ENOENT);
	CHECK_ERR(umount2("/", 0x100), EINVAL);
	CHECK_ERR(umount("/bin"), EINVAL);      /* not a mount point */
}

static void proc_links(void)
{
	char buf[256], line[512];
	ssize_t n;
	FILE *maps;
	char *m;
	int fd;

	n = readlink("/proc/self/exe", buf, sizeof(buf));
	CHECK(n > 0);
	buf[n] = '\0';
	printf("/proc/self/exe ends in /bin/vfs: %d\n", strstr(buf, "/bin/vfs") != NULL);
	mkd(D);
	put(D "/mapped", "m");
	fd = open(D "/mapped", O_RDWR);
	n = readlink("/proc/self/fd/3", buf, sizeof(buf));
	CHECK(fd == 3 && n > 0);
	buf[n] = '\0';
	printf("fd 3: %s\n", buf);
	m = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED && unlink(D "/mapped") == 0);
	n = readlink("/proc/self/fd/3", buf, sizeof(buf));
	buf[n > 0 ? n : 0] = '\0';
	printf("fd 3 once unlinked: %s\n", buf);
	maps = fopen("/proc/self/maps", "r");
	CHECK(maps != NULL);
	while (fgets(line, sizeof(line), maps))
		if (strstr(line, D "/mapped"))
			printf("maps: %s", strchr(line, '/'));
	fclose(maps);
	CHECK(munmap(m, PAGE) == 0 && close(fd) == 0 && rmdir(D) == 0);
	CHECK_ERR(readlink("/proc/self/fd/99", buf, sizeof(buf)), ENOENT);
}

static void attributes(void)
{
	struct timespec t[2] = { { 1000000000, 5 }, { 1234567890, 600 } };
	struct stat st;

	mkd(D);
	put(D "/a", "");
	CHECK(chmod(D "/a", 04755) == 0 && stat(D "/a", &st) == 0);
	printf("chmod 4755: %o\n", (unsigned)st.st_mode);
	CHECK(chown(D "/a", 1000, 1000) == 0 && stat(D "/a", &st) == 0);
	printf("chown 1000:1000: uid %u gid %u mode %o\n", (unsigned)st.st_uid, (unsigned)st.st_gid,
	       (unsigned)st.st_mode);
	CHECK(chown(D "/a", -1, 0) == 0 && stat(D "/a", &st) == 0);
	printf("chown -1:0: uid %u gid %u\n", (unsigned)st.st_uid, (unsigned)st.st_gid);
	CHECK(utimensat(AT_FDCWD, D "/a", t, 0) == 0 && stat(D "/a", &st) == 0);
	printf("utimensat: atime %lld.%09ld mtime %lld.%09ld\n", (long long)st.st_atim.tv_sec,
	       st.st_atim.tv_nsec, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	t[0].tv_nsec = UTIME_OMIT;
	t[1].tv_sec = 42;
	t[1].tv_nsec = 0;
	CHECK(utimensat(AT_FDCWD, D "/a", t, 0) == 0 && stat(D "/a", &st) == 0);
	printf("UTIME_OMIT: atime %lld mtime %lld\n", (long long)st.st_atim.tv_sec,
	       (long long)st.st_mtim.tv_sec);
	t[1].tv_nsec = 1000000000;
	CHECK_ERR(utimensat(AT_FDCWD, D "/a", t, 0), EINVAL);
	CHECK_ERR(utimensat(AT_FDCWD, D "/missing", NULL, 0), ENOENT);
	CHECK_ERR(chmod(D "/missing", 0), ENOENT);
	CHECK_ERR(access(D "/a", 8), EINVAL);
	CHECK(chmod(D "/a", 0644) == 0);
	CHECK_ERR(access(D "/a", X_OK), EACCES);
	CHECK(access(D "/a", R_OK | W_OK) == 0);
	CHECK(unlink(D "/a") == 0 && rmdir(D) == 0);
}

/* A tmpfs of 64 KiB fills up with ENOSPC, and gives everything back. */
static void tmpfs_fills_up(void)
{
	static char block[PAGE];
	long total = 0;
	ssize_t n;
	int fd, more;

	mkd(D);
	CHECK(mount("tmpfs", D, "tmpfs", 0, "size=64k") == 0);
	fd = open(D "/big", O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0);
	memset(block, 'b', sizeof(block));
	while ((n = write(fd, block, sizeof(block))) > 0)
		total += n;
	printf("wrote %ld bytes, then errno %d\n", total, errno);
	more = open(D "/more", O_CREAT | O_EXCL | O_WRONLY, 0644);      /* a name needs no page */
	CHECK(more >= 0);
	CHECK_ERR(write(more, block, 1), ENOSPC);
	CHECK_ERR(umount(D), EBUSY);
	CHECK(close(more) == 0 && close(fd) == 0);
	CHECK(unlink(D "/more") == 0 && unlink(D "/big") == 0);
	CHECK(umount(D) == 0 && rmdir(D) == 0);
}


/* Make path an executable file holding text. */
static void script(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, mode);

	CHECK(fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text) && close(fd) == 0);
}

/* exec path with argv in a child: what the program printed, then how it
 * ended, or the exec's errno. */
static void run(const char *path, char *const argv[])
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		execv(path, argv);
		printf("exec %s: errno %d\n", path, errno);
		fflush(stdout);
		_exit(127);
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	if (WIFEXITED(status) && WEXITSTATUS(status) != 127)
		printf("exec %s: exit status %d\n", path, WEXITSTATUS(status));
}

static void scripts(void)
{
	char *argv[] = { "name-given", "a1", NULL };
	char line[400] = "#!", text[64];

	mkd(D);
	script(D "/s1", "#!/bin/hello\n", 0755);
	run(D "/s1", argv);
	script(D "/s2", "#!  /bin/hello   one  two  \nignored\n", 0755);
	run(D "/s2", argv);
	script(D "/s3", "#!" D "/s1 x\n", 0755);      /* a script whose interpreter is one */
	run(D "/s3", argv);
	script(D "/s4", "#!/bin/hello", 0755);         /* no newline at all */
	run(D "/s4", argv);
	/* Interpreters nest: c0 runs hello, c1 runs c0, and so on. */
	script(D "/c0", "#!/bin/hello\n", 0755);
	for (int i = 1; i <= 5; i++) {
		char path[64];

		snprintf(path, sizeof(path), D "/c%d", i);
		snprintf(text, sizeof(text), "#!" D "/c%d\n", i - 1);
		script(path, text, 0755);
	}
	run(D "/c4", argv);
	run(D "/c5", argv);
	script(D "/e1", "#!/missing\n", 0755);
	run(D "/e1", argv);
	script(D "/e2", "#!\n", 0755);
	run(D "/e2", argv);
	script(D "/e3", "#!   \t \n", 0755);
	run(D "/e3", argv);
	script(D "/e4", "#!/bin/hello\n", 0644);
	run(D "/e4", argv);
	script(D "/e5", "#!/etc/lines.txt\n", 0755);
	run(D "/e5", argv);
	memset(line + 2, 'a', 300);
	script(D "/e6", line, 0755);
	run(D "/e6", argv);
	CHECK(symlink("/bin/hello", D "/hl") == 0);
	run(D "/hl", argv);
	for (int i = 0; i <= 5; i++) {
		char path[64];

		snprintf(path, sizeof(path), D "/c%d", i);
		CHECK(unlink(path) == 0);
	}
	for (int i = 1; i <= 6; i++) {
		char path[64];

		snprintf(path, sizeof(path), D "/e%d", i);
		CHECK(unlink(path) == 0);
	}
	CHECK(unlink(D "/s1") == 0 && unlink(D "/s2") == 0 && unlink(D "/s3") == 0);
	CHECK(unlink(D "/s4") == 0 && unlink(D "/hl") == 0 && rmdir(D) == 0);
}

static void flock_locks(void)
{
	int a, b, c, status;
	pid_t pid;

	mkd(D);
	put(D "/l", "");
	a = open(D "/l", O_RDWR);
	b = open(D "/l", O_RDWR);
	CHECK(a >= 0 && b >= 0);
	CHECK_ERR(flock(a, 0), EINVAL);
	CHECK_ERR(flock(99, LOCK_SH), EBADF);
	CHECK(flock(a, LOCK_EX) == 0);
	CHECK_ERR(flock(b, LOCK_EX | LOCK_NB), EWOULDBLOCK);
	CHECK_ERR(flock(b, LOCK_SH | LOCK_NB), EWOULDBLOCK);
	c = dup(a);
	CHECK(flock(c, LOCK_EX | LOCK_NB) == 0);        /* the same open file */
	CHECK(flock(a, LOCK_UN) == 0);
	CHECK(flock(b, LOCK_SH | LOCK_NB) == 0 && flock(a, LOCK_SH | LOCK_NB) == 0);
	CHECK_ERR(flock(a, LOCK_EX | LOCK_NB), EWOULDBLOCK);
	CHECK(flock(b, LOCK_UN) == 0);
	CHECK(flock(a, LOCK_EX | LOCK_NB) == 0);        /* the shared one was dropped first */
	fflush(stdout);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		int own = open(D "/l", O_RDWR);

		/* Its copies of the parent's descriptors share the locked open
		 * file: they must go too, or it would wait for itself. */
		close(a);
		close(c);
		_exit(flock(own, LOCK_EX) == 0 ? 0 : 1);        /* waits for the parent's close */
	}
	CHECK(close(a) == 0 && close(c) == 0);
	CHECK(waitpid(pid, &status, 0) == pid);
	printf("the child got the lock once the parent closed: %d\n", WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(close(b) == 0 && unlink(D "/l") == 0 && rmdir(D) == 0);
}

static void memfd(void)
{
	char buf[300], name[300];
	struct stat st;
	ssize_t n;
	char *m;
	int fd;

	CHECK_ERR(syscall(SYS_memfd_create, "x", 0x100), EINVAL);
	memset(name, 'm', 250);
	name[250] = '\0';
	CHECK_ERR(syscall(SYS_memfd_create, name, 0), EINVAL);
	name[249] = '\0';
	fd = (int)syscall(SYS_memfd_create, name, 0);
	CHECK(fd >= 0 && close(fd) == 0);
	fd = (int)syscall(SYS_memfd_create, "test", 1);
	CHECK(fd >= 0);
	printf("close-on-exec: %d\n", fcntl(fd, F_GETFD));
	CHECK(write(fd, "memory", 6) == 6 && fstat(fd, &st) == 0);
	printf("memfd: size %lld, nlink %u, regular %d\n", (long long)st.st_size, (unsigned)st.st_nlink,
	       S_ISREG(st.st_mode));
	snprintf(buf, sizeof(buf), "/proc/self/fd/%d", fd);
	n = readlink(buf, name, sizeof(name) - 1);
	CHECK(n > 0);
	name[n] = '\0';
	printf("its link: %s\n", name);
	m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED && memcmp(m, "memory", 6) == 0);
	memcpy(m, "MEM", 3);
	CHECK(pread(fd, buf, 6, 0) == 6);
	printf("read back: %.6s\n", buf);
	CHECK(munmap(m, PAGE) == 0 && close(fd) == 0);
}

#ifndef O_TMPFILE
#define O_TMPFILE (020000000 | O_DIRECTORY)
#endif

/* O_TMPFILE makes a file with no name, which linkat with AT_EMPTY_PATH
 * names; the old 16-bit chown takes 0xffff as "unchanged". */
static void unnamed_files(void)
{
	struct stat st;
	int fd;

	mkd(D);
	put(D "/plain", "");
	CHECK_ERR(open(D, O_TMPFILE | O_RDONLY, 0600), EINVAL);
	CHECK_ERR(open(D "/plain", O_TMPFILE | O_RDWR, 0600), ENOTDIR);
	CHECK_ERR(open(D "/missing", O_TMPFILE | O_RDWR, 0600), ENOENT);
	fd = open(D, O_TMPFILE | O_RDWR, 0600);
	CHECK(fd >= 0 && write(fd, "tmp", 3) == 3 && fstat(fd, &st) == 0);
	printf("O_TMPFILE: nlink %u, mode %o, size %lld\n", (unsigned)st.st_nlink, (unsigned)st.st_mode,
	       (long long)st.st_size);
	CHECK(linkat(fd, "", AT_FDCWD, D "/named", AT_EMPTY_PATH) == 0);
	CHECK(fstat(fd, &st) == 0);
	printf("named by linkat: nlink %u, holds \"%s\"\n", (unsigned)st.st_nlink, get(D "/named"));
	CHECK_ERR(linkat(fd, "", AT_FDCWD, D "/named", AT_EMPTY_PATH), EEXIST);
	CHECK(close(fd) == 0);
	fd = open(D, O_TMPFILE | O_RDWR | O_EXCL, 0600);
	CHECK(fd >= 0);
	CHECK_ERR(linkat(fd, "", AT_FDCWD, D "/never", AT_EMPTY_PATH), ENOENT);
	CHECK(close(fd) == 0);
	fd = open(D "/plain", O_RDONLY);
	CHECK(linkat(fd, "", AT_FDCWD, D "/second", AT_EMPTY_PATH) == 0 && stat(D "/plain", &st) == 0);
	printf("a named file linked through its descriptor: nlink %u\n", (unsigned)st.st_nlink);
	CHECK(close(fd) == 0);
	CHECK(syscall(SYS_chown, D "/plain", 1000, 0xffff) == 0 && stat(D "/plain", &st) == 0);
	printf("16-bit chown 1000:0xffff: uid %u gid %u\n", (unsigned)st.st_uid, (unsigned)st.st_gid);
	CHECK(syscall(SYS_lchown, D "/plain", 0xffff, 7) == 0 && stat(D "/plain", &st) == 0);
	printf("16-bit lchown 0xffff:7: uid %u gid %u\n", (unsigned)st.st_uid, (unsigned)st.st_gid);
	CHECK(unlink(D "/plain") == 0 && unlink(D "/second") == 0 && unlink(D "/named") == 0);
	CHECK(rmdir(D) == 0);
}

/* A named pipe: each side's open waits for the other; O_NONBLOCK lets a
 * reader go on and turns a lone writer away. */
static void named_pipes(void)
{
	char buf[16];
	struct stat st;
	int status, rd, wr;
	pid_t pid;

	mkd(D);
	CHECK(mkfifo(D "/fifo", 0644) == 0 && stat(D "/fifo", &st) == 0);
	printf("mkfifo: a FIFO %d, mode %o, size %lld\n", S_ISFIFO(st.st_mode), (unsigned)st.st_mode & 07777,
	       (long long)st.st_size);
	CHECK_ERR(open(D "/fifo", O_WRONLY | O_NONBLOCK), ENXIO);
	rd = open(D "/fifo", O_RDONLY | O_NONBLOCK);
	CHECK(rd >= 0);
	errno_of("read with no writer yet", read(rd, buf, sizeof(buf)));
	wr = open(D "/fifo", O_WRONLY | O_NONBLOCK);    /* a reader is there now */
	CHECK(wr >= 0 && write(wr, "abc", 3) == 3);
	errno_of("read what was written", read(rd, buf, sizeof(buf)));
	errno_of("read again, the writer still there", read(rd, buf, sizeof(buf)));
	CHECK_ERR(lseek(rd, 0, SEEK_SET), ESPIPE);
	CHECK(close(wr) == 0 && close(rd) == 0);
	fflush(stdout);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		int w = open(D "/fifo", O_WRONLY);      /* waits for the parent's open */

		_exit(w >= 0 && write(w, "from the child", 14) == 14 ? 0 : 1);
	}
	rd = open(D "/fifo", O_RDONLY);                 /* waits for the child's */
	CHECK(rd >= 0);
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	memset(buf, 0, sizeof(buf));
	errno_of("the child's bytes", read(rd, buf, sizeof(buf) - 1));
	printf("  \"%s\", then the end: %zd\n", buf, read(rd, buf, 1));
	CHECK(close(rd) == 0 && unlink(D "/fifo") == 0 && rmdir(D) == 0);
}

/* A line of /proc/meminfo, in kB. Linux keeps its counters per CPU and
 * folds them in now and then; writing /proc/sys/vm/stat_refresh folds
 * them at once. Pagoda's are exact and it has no such file. */
static long meminfo(const char *name)
{
	char line[128];
	long v = -1;
	int fd = open("/proc/sys/vm/stat_refresh", O_WRONLY);
	FILE *f;

	if (fd >= 0) {
		CHECK(write(fd, "1", 1) == 1);
		close(fd);
	}
	f = fopen("/proc/meminfo", "r");

	CHECK(f != NULL);
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, name, strlen(name)) == 0 && line[strlen(name)] == ':')
			v = atol(line + strlen(name) + 1);
	fclose(f);
	return v;
}

/* Shmem and Cached follow a tmpfs file's pages and shared memory, step
 * by step, as Linux counts them. */
static void memory_accounting(void)
{
	static char block[PAGE];
	long shmem0, cached0;
	char *m;
	int fd;

	mkd(D);
	shmem0 = meminfo("Shmem");
	cached0 = meminfo("Cached");
	fd = open(D "/acct", O_CREAT | O_RDWR, 0644);
	for (int i = 0; i < 10; i++)
		CHECK(write(fd, block, sizeof(block)) == (ssize_t)sizeof(block));
	printf("10 pages written: Shmem %+ld kB, Cached %+ld kB\n", meminfo("Shmem") - shmem0,
	       meminfo("Cached") - cached0);
	CHECK(ftruncate(fd, 4 * PAGE) == 0);
	printf("cut to 4 pages: Shmem %+ld kB\n", meminfo("Shmem") - shmem0);
	CHECK(ftruncate(fd, 64 * PAGE) == 0);
	printf("grown to 64 pages (a hole): Shmem %+ld kB\n", meminfo("Shmem") - shmem0);
	m = mmap(NULL, 64 * PAGE, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED && m[40 * PAGE] == 0);
	printf("a hole read through a mapping: Shmem %+ld kB\n", meminfo("Shmem") - shmem0);
	CHECK(unlink(D "/acct") == 0);
	printf("unlinked, still open and mapped: Shmem %+ld kB\n", meminfo("Shmem") - shmem0);
	CHECK(close(fd) == 0);
	printf("closed, still mapped: Shmem %+ld kB\n", meminfo("Shmem") - shmem0);
	CHECK(munmap(m, 64 * PAGE) == 0);
	printf("unmapped: Shmem %+ld kB\n", meminfo("Shmem") - shmem0);
	m = mmap(NULL, 5 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	for (int i = 0; i < 5; i++)
		m[i * PAGE] = 1;
	printf("5 pages of shared anonymous memory: Shmem %+ld kB\n", meminfo("Shmem") - shmem0);
	CHECK(munmap(m, 5 * PAGE) == 0);
	printf("gone: Shmem %+ld kB\n", meminfo("Shmem") - shmem0);
	CHECK(rmdir(D) == 0);
}

/* The steps of mapped_accounting, printed at the end when print is set:
 * the first run warms the code and the page tables the measuring itself
 * uses (the program's own text is mapped file pages too), so the second,
 * running the very same code, sees only what the steps change. */
static void mapped_steps(bool print)
{
	static char block[PAGE];
	static const char *what[9];
	static long delta[9];          /* 8 steps, then Dirty */
	long mapped0, dirty0;
	int fd, up[2], down[2], status, steps = 0;
	char *m, c;
	pid_t pid;

#define STEP(text) do { \
	what[steps] = text; \
	delta[steps++] = meminfo("Mapped") - mapped0; \
} while (0)
	mkd(D);
	fd = open(D "/mapped", O_CREAT | O_RDWR, 0644);
	CHECK(fd >= 0);
	for (int i = 0; i < 8; i++)
		CHECK(write(fd, block, sizeof(block)) == (ssize_t)sizeof(block));
	dirty0 = meminfo("Dirty");
	mapped0 = meminfo("Mapped");
	m = mmap(NULL, 8 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED);
	STEP("8 pages mapped, none touched");
	for (int i = 0; i < 3; i++)
		m[i * PAGE] = 1;
	STEP("3 written through the mapping");
	CHECK(pipe(up) == 0 && pipe(down) == 0);
	fflush(stdout);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		for (int i = 0; i < 5; i++)
			m[i * PAGE] = 2;
		CHECK(write(up[1], "x", 1) == 1);
		CHECK(read(down[0], &c, 1) == 1);      /* until the parent has looked */
		_exit(0);
	}
	CHECK(read(up[0], &c, 1) == 1);
	STEP("a child wrote 5, the first 3 among them");
	CHECK(munmap(m, 8 * PAGE) == 0);
	STEP("the parent unmapped, the child still maps them");
	CHECK(write(down[1], "y", 1) == 1 && waitpid(pid, &status, 0) == pid && status == 0);
	STEP("the child is gone");
	m = mmap(NULL, 8 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(m != MAP_FAILED);
	for (int i = 0; i < 8; i++)
		c = m[i * PAGE];
	STEP("8 read through a private mapping");
	m[PAGE] = 3;
	m[2 * PAGE] = 3;
	STEP("2 of them written: private copies");
	CHECK(munmap(m, 8 * PAGE) == 0 && unlink(D "/mapped") == 0 && close(fd) == 0);
	STEP("unmapped and removed");
	delta[steps] = meminfo("Dirty") - dirty0;
	for (int i = 0; print && i < steps; i++)
		printf("%s: Mapped %+ld kB\n", what[i], delta[i]);
	if (print)
		printf("Dirty %+ld kB\n", delta[steps]);
	CHECK(close(up[0]) == 0 && close(up[1]) == 0 && close(down[0]) == 0 && close(down[1]) == 0);
	CHECK(rmdir(D) == 0);
#undef STEP
}

/* Mapped counts the page-cache pages that page tables map, once each
 * however many map them; Dirty never counts tmpfs pages, which are not
 * written back. */
static void mapped_accounting(void)
{
	mapped_steps(false);
	mapped_steps(true);
}

/* fallocate through the system call, with the 64-bit values split as
 * i386 passes them (musl and glibc agree on nothing else here). */
static long falloc(int fd, int mode, long long off, long long len)
{
	return syscall(SYS_fallocate, fd, mode, (unsigned)off, (unsigned)(off >> 32), (unsigned)len,
		       (unsigned)(len >> 32));
}

static long blocks_of(int fd)
{
	struct stat st;

	CHECK(fstat(fd, &st) == 0);
	return (long)st.st_blocks;
}

static void fallocate_and_holes(void)
{
	static char block[3 * PAGE];
	int fd, ro, p[2], null;
	long shmem0 = meminfo("Shmem");
	char *shared, *private;
	struct stat st;

	mkd(D);
	fd = open(D "/f", O_CREAT | O_RDWR, 0644);
	ro = open(D "/f", O_RDONLY);
	null = open("/dev/null", O_WRONLY);
	CHECK(fd >= 0 && ro >= 0 && null >= 0 && pipe(p) == 0);
	report("bad descriptor", falloc(99, 0, 0, 1));
	report("read-only descriptor", falloc(ro, 0, 0, 1));
	report("negative offset", falloc(fd, 0, -1, 1));
	report("length 0", falloc(fd, 0, 0, 0));
	report("an unknown mode bit", falloc(fd, 0x80, 0, 1));
	report("a hole without KEEP_SIZE", falloc(fd, 2, 0, 1));
	report("a hole and ZERO_RANGE", falloc(fd, 0x13, 0, 1));
	report("COLLAPSE_RANGE with KEEP_SIZE", falloc(fd, 0x09, 0, 1));
	report("INSERT_RANGE with KEEP_SIZE", falloc(fd, 0x21, 0, 1));
	report("UNSHARE_RANGE with ZERO_RANGE", falloc(fd, 0x50, 0, 1));
	report("ZERO_RANGE on tmpfs", falloc(fd, 0x10, 0, 1));
	report("COLLAPSE_RANGE on tmpfs", falloc(fd, 0x08, 0, PAGE));
	report("NO_HIDE_STALE on tmpfs", falloc(fd, 0x04, 0, 1));
	report("a pipe", falloc(p[1], 0, 0, 1));
	report("/dev/null", falloc(null, 0, 0, 1));
	report("past the largest file", falloc(fd, 0, 0xfffffffffffLL, PAGE));
	report("wrapping past 2^63", falloc(fd, 0, 0x7ffffffffffffff0LL, 0x20));

	CHECK(falloc(fd, 0, 0, 3 * PAGE + 1) == 0 && fstat(fd, &st) == 0);
	printf("3 pages and a byte: size %lld, blocks %ld, Shmem %+ld kB\n", (long long)st.st_size,
	       (long)st.st_blocks, meminfo("Shmem") - shmem0);
	CHECK(falloc(fd, FALLOC_FL_KEEP_SIZE, 8 * PAGE, 2 * PAGE) == 0 && fstat(fd, &st) == 0);
	printf("2 more past the end, KEEP_SIZE: size %lld, blocks %ld\n", (long long)st.st_size,
	       (long)st.st_blocks);
	CHECK(ftruncate(fd, 10 * PAGE) == 0);
	printf("grown over them: blocks %ld\n", blocks_of(fd));
	CHECK(ftruncate(fd, 3 * PAGE) == 0);
	printf("cut to 3 pages: blocks %ld, Shmem %+ld kB\n", blocks_of(fd), meminfo("Shmem") - shmem0);

	/* A hole from byte 100 of page 0 to byte 50 of page 2. */
	memset(block, 'x', sizeof(block));
	CHECK(pwrite(fd, block, sizeof(block), 0) == (ssize_t)sizeof(block));
	shared = mmap(NULL, 3 * PAGE, PROT_READ, MAP_SHARED, fd, 0);
	private = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(shared != MAP_FAILED && private != MAP_FAILED);
	private[PAGE + 7] = 'p';                /* page 1: a private copy */
	CHECK(shared[PAGE] == 'x' && private[2 * PAGE] == 'x');
	CHECK(falloc(fd, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE, 100, 2 * PAGE - 50) == 0);
	CHECK(fstat(fd, &st) == 0);
	printf("punched: size %lld, blocks %ld\n", (long long)st.st_size, (long)st.st_blocks);
	printf("through the shared mapping: [99] %c [100] %d [4096] %d [8241] %d [8242] %c\n", shared[99],
	       shared[100], shared[PAGE], shared[2 * PAGE + 49], shared[2 * PAGE + 50]);
	printf("the private copy keeps its page: %c %c; its other pages see the hole: %d\n",
	       private[PAGE + 7], private[PAGE + 8], private[2 * PAGE + 10]);
	CHECK(pread(fd, block, sizeof(block), 0) == (ssize_t)sizeof(block));
	printf("read: [99] %c [100] %d [8242] %c\n", block[99], block[100], block[2 * PAGE + 50]);
	CHECK(falloc(fd, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE, 20 * PAGE, PAGE) == 0);
	CHECK(falloc(fd, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE, 10, 5) == 0);
	printf("a hole past the end, and one within a page: size %lld, [9] %c [10] %d\n",
	       (long long)lseek(fd, 0, SEEK_END), shared[9], shared[10]);
	CHECK(munmap(shared, 3 * PAGE) == 0 && munmap(private, 3 * PAGE) == 0);
	CHECK(close(fd) == 0 && close(ro) == 0 && unlink(D "/f") == 0);

	/* Too much for a small tmpfs: ENOSPC, and nothing is kept. */
	CHECK(mount("tmpfs", D, "tmpfs", 0, "size=64k") == 0);
	fd = open(D "/g", O_CREAT | O_RDWR, 0644);
	CHECK(fd >= 0);
	report("17 pages in 16", falloc(fd, 0, 0, 17 * PAGE));
	CHECK(falloc(fd, 0, 0, 10 * PAGE) == 0);
	report("10 more of which 6 fit", falloc(fd, 0, 8 * PAGE, 10 * PAGE));
	printf("after it: size %lld, blocks %ld\n", (long long)lseek(fd, 0, SEEK_END), blocks_of(fd));
	CHECK(close(fd) == 0 && unlink(D "/g") == 0 && umount(D) == 0);
	CHECK(close(null) == 0 && close(p[0]) == 0 && close(p[1]) == 0 && rmdir(D) == 0);
	printf("all gone: Shmem %+ld kB\n", meminfo("Shmem") - shmem0);
}

/* How many lines of /proc/mounts mount something at path. */
static int mounted_at(const char *path)
{
	char line[512], want[256];
	FILE *f = fopen("/proc/mounts", "r");
	int n = 0;

	CHECK(f != NULL);
	snprintf(want, sizeof(want), " %s ", path);
	while (fgets(line, sizeof(line), f))
		n += strstr(line, want) != NULL;
	fclose(f);
	return n;
}

static void binds_moves_and_remounts(void)
{
	struct statfs fs;
	struct stat a, b;

	mkd(D);
	mkd(D "/a");
	mkd(D "/b");
	CHECK(mount("tmpfs", D "/a", "tmpfs", 0, "size=64k") == 0);
	put(D "/a/file", "in a");
	CHECK(mount(D "/a", D "/b", NULL, MS_BIND, NULL) == 0);
	CHECK(stat(D "/a/file", &a) == 0 && stat(D "/b/file", &b) == 0);
	printf("bound: b/file holds \"%s\", the same file %d, in /proc/mounts %d and %d\n",
	       get(D "/b/file"), a.st_ino == b.st_ino && a.st_dev == b.st_dev, mounted_at(D "/a"),
	       mounted_at(D "/b"));
	CHECK_ERR(mount(NULL, D "/b", NULL, MS_BIND, NULL), EINVAL);
	CHECK_ERR(mount("", D "/b", NULL, MS_BIND, NULL), EINVAL);
	CHECK_ERR(mount(D "/missing", D "/b", NULL, MS_BIND, NULL), ENOENT);
	CHECK_ERR(mount(D "/a/file", D "/b", NULL, MS_BIND, NULL), ENOTDIR);

	/* Remounts: new limits, within what the instance holds. */
	CHECK(mount(NULL, D "/a", NULL, MS_REMOUNT, "size=128k") == 0 && statfs(D "/b", &fs) == 0);
	printf("remounted with size=128k: %ld blocks, seen through the bind too\n", (long)fs.f_blocks);
	CHECK_ERR(mount(NULL, D "/a", NULL, MS_REMOUNT, "size=0k,bogus"), EINVAL);
	CHECK_ERR(mount(NULL, D, NULL, MS_REMOUNT, "size=1m"), EINVAL);         /* not a mount */
	CHECK(mount(NULL, D "/a", NULL, MS_REMOUNT | MS_BIND, NULL) == 0);
	CHECK(mount(NULL, D "/a", NULL, MS_REMOUNT, "mode=700,nr_inodes=100") == 0);
	CHECK_ERR(mount(NULL, D "/a", NULL, MS_REMOUNT, "nr_inodes=1"), EINVAL);
	CHECK(statfs(D "/a", &fs) == 0);
	printf("nr_inodes=100: %ld files, %ld free\n", (long)fs.f_files, (long)fs.f_ffree);

	/* Propagation: every mount is private already. */
	CHECK(mount(NULL, D "/a", NULL, MS_PRIVATE, NULL) == 0);
	CHECK(mount(NULL, D "/a", NULL, MS_SLAVE | MS_REC, NULL) == 0);
	CHECK_ERR(mount(NULL, D "/a", NULL, MS_PRIVATE | MS_SLAVE, NULL), EINVAL);
	CHECK_ERR(mount(NULL, D, NULL, MS_PRIVATE, NULL), EINVAL);
	CHECK(mount(NULL, D "/a", NULL, MS_UNBINDABLE, NULL) == 0);
	mkd(D "/c");
	CHECK_ERR(mount(D "/a", D "/c", NULL, MS_BIND, NULL), EINVAL);
	CHECK(mount(NULL, D "/a", NULL, MS_PRIVATE, NULL) == 0);

	/* The first mount goes; the bind keeps the instance. */
	CHECK(umount(D "/a") == 0);
	printf("a unmounted: a/file %s, ", get(D "/a/file"));
	printf("b/file holds \"%s\"\n", get(D "/b/file"));
	CHECK(unlink(D "/b/file") == 0 && umount(D "/b") == 0);

	/* A bind of a subdirectory outlives the instance's first mount; the
	 * last unmount frees all of it (the runner checks free memory). */
	CHECK(mount("tmpfs", D "/a", "tmpfs", 0, NULL) == 0);
	mkd(D "/a/sub");
	put(D "/a/sub/f", "sub's");
	put(D "/a/outside", "o");
	CHECK(mount(D "/a/sub", D "/b", NULL, MS_BIND, NULL) == 0 && umount(D "/a") == 0);
	printf("a subdirectory bound, the first mount gone: b/f holds \"%s\", ", get(D "/b/f"));
	printf("b/.. is the parent's: %s\n", get(D "/b/../a/outside"));
	CHECK(umount(D "/b") == 0);

	/* A move, and the moves that cannot be. */
	CHECK(mount("tmpfs", D "/a", "tmpfs", 0, NULL) == 0);
	put(D "/a/x", "x");
	CHECK(mount(D "/a", D "/c", NULL, MS_MOVE, NULL) == 0);
	printf("moved to c: c/x holds \"%s\", ", get(D "/c/x"));
	printf("a/x is %s; mounts at a %d, at c %d\n", get(D "/a/x"), mounted_at(D "/a"), mounted_at(D "/c"));
	mkd(D "/c/inner");
	CHECK_ERR(mount(D "/c", D "/c/inner", NULL, MS_MOVE, NULL), ELOOP);
	CHECK_ERR(mount(D "/c/inner", D "/a", NULL, MS_MOVE, NULL), EINVAL);
	CHECK(rmdir(D "/c/inner") == 0 && unlink(D "/c/x") == 0 && umount(D "/c") == 0);

	/* A file bound over a file. */
	put(D "/f1", "one");
	put(D "/f2", "two");
	CHECK(mount(D "/f1", D "/f2", NULL, MS_BIND, NULL) == 0);
	printf("f1 bound over f2: f2 reads \"%s\"\n", get(D "/f2"));
	CHECK_ERR(unlink(D "/f2"), EBUSY);
	CHECK_ERR(mount(D "/a", D "/f2", NULL, MS_BIND, NULL), ENOTDIR);
	CHECK(umount(D "/f2") == 0 && unlink(D "/f1") == 0 && unlink(D "/f2") == 0);

	/* MS_REC takes the mounts inside the tree along. */
	CHECK(mount("tmpfs", D "/a", "tmpfs", 0, NULL) == 0);
	mkd(D "/a/sub");
	CHECK(mount("tmpfs", D "/a/sub", "tmpfs", 0, NULL) == 0);
	put(D "/a/sub/deep", "deep");
	CHECK(mount(D "/a", D "/b", NULL, MS_BIND, NULL) == 0);
	CHECK(mount(D "/a", D "/c", NULL, MS_BIND | MS_REC, NULL) == 0);
	printf("without MS_REC: b/sub/deep %s; ", get(D "/b/sub/deep"));
	printf("with it: c/sub/deep holds \"%s\"\n", get(D "/c/sub/deep"));
	CHECK_ERR(umount(D "/c"), EBUSY);
	CHECK(umount(D "/c/sub") == 0 && umount(D "/c") == 0 && umount(D "/b") == 0);
	CHECK(unlink(D "/a/sub/deep") == 0 && umount(D "/a/sub") == 0);
	CHECK(rmdir(D "/a/sub") == 0 && umount(D "/a") == 0);
	CHECK(rmdir(D "/a") == 0 && rmdir(D "/b") == 0 && rmdir(D "/c") == 0 && rmdir(D) == 0);
}

static const struct test_case cases[] = {
	CASE(path_resolution), CASE(create_and_open_flags), CASE(mkdir_and_rmdir), CASE(unlink_rules),
	CASE(rename_rules), CASE(links), CASE(working_directory), CASE(holes_and_truncation),
	CASE(vectors_at_offsets), CASE(page_cache_is_shared), CASE(private_mapping_copies_on_write),
	CASE(mapping_rules), CASE(devices), CASE(directory_listing), CASE(file_system_facts),
	CASE(proc_links), CASE(attributes), CASE(tmpfs_fills_up), CASE(scripts), CASE(flock_locks),
	CASE(memfd), CASE(memory_accounting), CASE(unnamed_files), CASE(named_pipes),
	CASE(mapped_accounting), CASE(rename_whiteout), CASE(fallocate_and_holes),
	CASE(binds_moves_and_remounts),
};

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	return RUN_CASES(cases);
}
