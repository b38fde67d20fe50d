#!/usr/bin/env python3
"""A comment that names code names code that exists.

Every path of the tree named in the sources, tools and docs (arch/x86/pmap.c,
tools/test.py, <pagoda/vm.h>, ...) must be a file of the tree. Linux's own
files are named too (fs/exec.c, <uapi/linux/stat.h>): a name on a line that
says "Linux" (or just after one) is Linux's, and a placeholder in capitals
(user/tests/NAME.c) is no name. Prints each stale name with where it was
found; exits 1 if there was any.

    tools/check-names.py            (the docs layer of tools/test.py runs it)
"""
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
DIRS = "arch|kern|mm|proc|fs|dev|lib|user|tools|tests|include|docs"
PATH = re.compile(r"(?<![\w/.<])((?:%s)/[\w./-]*\w\.(?:c|h|S|sh|py|md|txt|cfg))\b" % DIRS)
HEADER = re.compile(r"<((?:pagoda|arch|uapi)/[\w/]+\.h)>")
INCLUDE_DIRS = ["include", "arch/x86/include"]


def tracked_files():
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True)
    return [f for f in out.stdout.split("\n") if f]


def header_exists(name):
    return any((ROOT / d / name).exists() for d in INCLUDE_DIRS)


def main():
    stale = []
    for rel in tracked_files():
        if not re.search(r"\.(c|h|S|sh|py|md)$|^Makefile$", rel) or rel.startswith("tests/user/expected"):
            continue
        lines = (ROOT / rel).read_text(errors="replace").split("\n")
        for n, line in enumerate(lines, 1):
            if "Linux" in line or (n > 1 and "Linux" in lines[n - 2]):
                continue
            for m in PATH.finditer(line):
                name = m.group(1)
                if re.search(r"\b[A-Z]{2,}\b", name) or name.startswith("build/"):
                    continue
                if not (ROOT / name).exists():
                    stale.append(f"{rel}:{n}: names {name}, which does not exist")
            for m in HEADER.finditer(line):
                if not m.group(1).startswith("uapi/linux/") and not header_exists(m.group(1)):
                    stale.append(f"{rel}:{n}: names <{m.group(1)}>, which does not exist")
    for s in stale:
        print(s)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
