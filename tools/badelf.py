#!/usr/bin/env python3
"""Write malformed copies of a static i386 executable, one per way an ELF
loader can find fault with a file, for the execs test (user/tests/execs.c).

    badelf.py BASE OUTDIR
    badelf.py --list            the variants' names

BASE must be a static ET_EXEC with at least four PT_LOAD headers first
(musl's hello: headers, text, rodata, data) and one more header after them.
Each variant is OUTDIR/NAME, mode 0755. The names and what each breaks are
in VARIANTS; execs.c lists the same names with the answer Linux gives.
"""
import os
import struct
import sys

EHDR = struct.Struct("<16sHHIIIIIHHHHHH")      # Elf32_Ehdr
PHDR = struct.Struct("<IIIIIIII")              # Elf32_Phdr
PT_NULL, PT_LOAD, PT_INTERP = 0, 1, 3
EM_X86_64, ET_REL = 62, 1


def ehdr(img):
    return list(EHDR.unpack_from(img, 0))


def set_ehdr(img, fields):
    EHDR.pack_into(img, 0, *fields)


def phdr(img, i):
    phoff = ehdr(img)[5]
    return list(PHDR.unpack_from(img, phoff + i * PHDR.size))


def set_phdr(img, i, fields):
    PHDR.pack_into(img, ehdr(img)[5] + i * PHDR.size, *fields)


def edit_ehdr(index, value):
    def edit(img):
        e = ehdr(img)
        e[index] = value(img) if callable(value) else value
        set_ehdr(img, e)
    return edit


def edit_phdr(i, index, value):
    def edit(img):
        p = phdr(img, i)
        p[index] = value(p)
        set_phdr(img, i, p)
    return edit


def interp(path, past_end=0):
    """Turn the last header (after the loads) into a PT_INTERP naming path,
    whose bytes are appended to the file (and said to be past_end further)."""
    def edit(img):
        n = ehdr(img)[10]
        off = len(img) + past_end
        img.extend(path)
        set_phdr(img, n - 1, [PT_INTERP, off, 0, 0, len(path), len(path), 4, 1])
    return edit


def no_loads(img):
    for i in range(ehdr(img)[10]):
        p = phdr(img, i)
        if p[0] == PT_LOAD:
            p[0] = PT_NULL
            set_phdr(img, i, p)


def cut(n):
    def edit(img):
        del img[n:]
    return edit


# Field indices: Ehdr 0 ident, 1 type, 2 machine, 5 phoff, 9 phentsize,
# 10 phnum; Phdr 1 offset, 2 vaddr, 4 filesz, 5 memsz.
VARIANTS = {
    # Found before the point of no return: Linux returns an error.
    "bad_magic": edit_ehdr(0, lambda img: b"\x7fXLF" + bytes(img[4:16])),
    "wrong_machine": edit_ehdr(2, EM_X86_64),
    "wrong_type": edit_ehdr(1, ET_REL),
    "bad_phentsize": edit_ehdr(9, 20),
    "no_phdrs": edit_ehdr(10, 0),
    "too_many_phdrs": edit_ehdr(10, 129),
    "phdrs_past_end": edit_ehdr(5, lambda img: len(img) - 16),
    "short_header": cut(40),
    "empty": cut(0),
    "missing_interp": interp(b"/lib/ld-missing.so.2\0"),
    "unterminated_interp": interp(b"/lib/ld-linux.so.2"),
    "interp_past_end": interp(b"/lib/ld-linux.so.2\0", 0x1000),
    # Found after it: Linux kills the process, Pagoda refuses with ENOEXEC.
    "no_loads": no_loads,
    "load_past_end": edit_phdr(1, 1, lambda p: p[1] + 0x100000),
    "filesz_over_memsz": edit_phdr(3, 4, lambda p: p[5] + 0x1000),
    "kernel_vaddr": edit_phdr(3, 2, lambda p: 0xC0000000 + (p[2] & 0xFFF)),
    "misaligned": edit_phdr(1, 2, lambda p: p[2] + 0x10),
    "truncated": cut(0x1000),
}


def main():
    if sys.argv[1:] == ["--list"]:
        print(" ".join(VARIANTS))
        return
    base, outdir = sys.argv[1], sys.argv[2]
    with open(base, "rb") as f:
        image = f.read()
    os.makedirs(outdir, exist_ok=True)
    for name, edit in VARIANTS.items():
        img = bytearray(image)
        edit(img)
        path = os.path.join(outdir, name)
        with open(path, "wb") as f:
            f.write(img)
        os.chmod(path, 0o755)


if __name__ == "__main__":
    main()
