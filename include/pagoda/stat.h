/*
 * File types and their tests, in Linux's numbers (<uapi/linux/stat.h>):
 * the high bits of st_mode, as the initramfs stores them and stat reports.
 */
#ifndef PAGODA_STAT_H
#define PAGODA_STAT_H

#define S_IFMT          0170000
#define S_IFSOCK        0140000
#define S_IFLNK         0120000
#define S_IFREG         0100000
#define S_IFBLK         0060000
#define S_IFDIR         0040000
#define S_IFCHR         0020000
#define S_IFIFO         0010000

#define S_ISUID         04000
#define S_ISGID         02000
#define S_ISVTX         01000
#define S_IXGRP         00010

#define S_ISLNK(m)      (((m) & S_IFMT) == S_IFLNK)
#define S_ISREG(m)      (((m) & S_IFMT) == S_IFREG)
#define S_ISDIR(m)      (((m) & S_IFMT) == S_IFDIR)
#define S_ISCHR(m)      (((m) & S_IFMT) == S_IFCHR)
#define S_ISFIFO(m)     (((m) & S_IFMT) == S_IFIFO)
#define S_ISBLK(m)      (((m) & S_IFMT) == S_IFBLK)

#endif /* PAGODA_STAT_H */
