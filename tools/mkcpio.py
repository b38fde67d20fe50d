#!/usr/bin/env python3
"""Write a cpio archive in the "newc" format (what Linux's initramfs and
Pagoda's fs/initramfs.c read).

    mkcpio.py OUT ENTRY...

Each ENTRY is one of
    dir:PATH[,MODE]             a directory, mode 0755 (or MODE, octal)
    file:PATH=HOSTFILE          a regular file; mode 0755 if HOSTFILE is executable
    chr:PATH=MAJOR,MINOR[,MODE] a character device node, mode 0600 (or MODE)
    sym:PATH=TARGET             a symbolic link
Entries keep their order; every timestamp, uid and gid is 0 so the archive
depends only on its contents.
"""
import os
import sys

S_IFDIR, S_IFREG, S_IFCHR, S_IFLNK = 0o040000, 0o100000, 0o020000, 0o120000


def header(ino, mode, nlink, size, rdev, name):
    # 13 fields of 8 hex digits after the magic; namesize counts the NUL.
    fields = [ino, mode, 0, 0, nlink, 0, size, 0, 0, rdev[0], rdev[1], len(name) + 1, 0]
    return ("070701" + "".join("%08x" % f for f in fields)).encode() + name.encode() + b"\0"


def pad4(buf):
    return buf + b"\0" * (-len(buf) % 4)


def member(ino, mode, nlink, data, rdev, name):
    return pad4(header(ino, mode, nlink, len(data), rdev, name)) + pad4(data)


def main():
    out, entries = sys.argv[1], sys.argv[2:]
    blob = b""
    for ino, entry in enumerate(entries, start=1):
        kind, _, spec = entry.partition(":")
        path, _, src = spec.partition("=")
        path = path.lstrip("/")
        if kind == "dir":
            path, _, mode = path.partition(",")
            blob += member(ino, S_IFDIR | int(mode or "755", 8), 2, b"", (0, 0), path)
        elif kind == "file":
            with open(src, "rb") as f:
                data = f.read()
            perm = 0o755 if os.access(src, os.X_OK) else 0o644
            blob += member(ino, S_IFREG | perm, 1, data, (0, 0), path)
        elif kind == "chr":
            major, minor, *mode = src.split(",")
            blob += member(ino, S_IFCHR | int(mode[0] if mode else "600", 8), 1, b"",
                           (int(major), int(minor)), path)
        elif kind == "sym":
            blob += member(ino, S_IFLNK | 0o777, 1, src.encode(), (0, 0), path)
        else:
            sys.exit("mkcpio: unknown entry kind in %r" % entry)
    blob += member(0, 0, 1, b"", (0, 0), "TRAILER!!!")
    with open(out, "wb") as f:
        f.write(blob)


if __name__ == "__main__":
    main()
