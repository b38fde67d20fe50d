#!/usr/bin/env python3
"""make bench: Pagoda and Linux side by side, on the same binaries.

    tools/bench.py [--no-doc]      (make bench runs it, after building)

It boots Pagoda (build/pagoda.elf) and Debian's Linux for i386
(tools/linux-kernel.sh) in the same QEMU, with the same memory, CPU model
and -icount shift=0,align=off,sleep=off, where the TSC advances by one per
guest instruction, so each figure is an exact instruction count that
repeats from run to run. Both boot the same initramfs and run the same
static program, /bin/ubench (user/bench/ubench.c); init (user/init.c)
reports the TSC as its main began, the boot figure. The same ubench binary
then runs natively on this host, where its figures are CPU cycles.

It prints one table (operation, Pagoda, Linux, ratio, goal, host cycles),
then the kernel's own microbenchmarks (tools/bench-boot.sh) and the host
allocator figures (tests/bench/), and writes all of it, with the date, the
versions and the command, into docs/benchmarks.md between its two marker
lines (the prose around them is kept). --no-doc only prints.
"""
import datetime
import os
import platform
import re
import subprocess
import sys

# Both kernels boot in this machine, the clock starting at a fixed date.
# Pagoda's figures repeat exactly. Linux's vary by up to about 1% from boot
# to boot: its address-space randomization draws on RDRAND, which QEMU
# feeds from the host. Turning RDRAND off (rdrand=off) makes them repeat
# too, but then Linux makes its random numbers in software, and exec costs
# it a third more: the comparison would no longer be with Linux at its best.
MEM = "512M"
QEMU = ["qemu-system-i386", "-accel", "tcg", "-cpu", "max", "-m", MEM,
        "-rtc", "base=2026-01-01T00:00:00,clock=vm", "-no-reboot", "-nographic", "-net", "none",
        "-icount", "shift=0,align=off,sleep=off"]
PAGODA = ["-kernel", "build/pagoda.elf", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
LINUX = ["-kernel", "build/linux/vmlinuz"]
# Heap checks off, as Linux runs without slub_debug (the heap_debug column
# boots Pagoda with them, its default).
PAGODA_CMDLINE = "quiet panic=-1 heap_debug=off"
LINUX_CMDLINE = "console=ttyS0 quiet panic=-1"
DOC = "docs/benchmarks.md"
BEGIN = "<!-- tools/bench.py writes from here -->"
END = "<!-- tools/bench.py writes up to here -->"
BOOT = "boot: power-on to /init's main"

# The goals of issue 8: the most Pagoda may cost, as a fraction of Linux.
GOALS = {
    "null system call (getpid)": 0.5,
    "demand-zero fault, per page (4 MiB)": 0.4,
    "munmap, per touched page (4 MiB)": 0.3,
    "mmap + touch + munmap of one page": 0.3,
    "mprotect pair (split and merge)": 0.3,
    "fork + exit + wait, tiny": 0.25,
    "fork + exit + wait, 64 MiB touched": 0.1,
    "copy-on-write break, per page (4 MiB)": 0.5,
    "fork + exec + exit + wait": 0.3,
    # issue 22's
    "stat, 3 components, 5,000 files beside": 0.5,
    "open + close, 3 components, 5,000 files beside": 0.5,
    "read fault on a cached file page, scattered": 0.5,
    # issue 23's
    "sigaction": 0.5,
    "signal to oneself, handled (lat_sig catch)": 0.5,
    "SIGSEGV handler that mprotects and returns (lat_sig prot)": 0.5,
    # issue 24's
    "pipe bandwidth, per KiB (bw_pipe: 64 KiB writes)": 0.5,
    BOOT: 0.01,
}


def musl_version():
    """The musl the programs are built against: tools/deps.sh unpacks Debian's
    musl-dev into build/musl (no dpkg record), or an installed one."""
    log = sh("zcat build/musl/usr/share/doc/musl-dev/changelog.Debian.gz 2>/dev/null | head -n 1")
    m = re.match(r"musl \(([^)]*)\)", log)
    return m.group(1) if m else sh("dpkg-query -W -f '${Version}' musl-dev 2>/dev/null") or "?"


def sh(cmd):
    return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()


def parse(log):
    """{operation: figure} from a serial log: ubench's lines and init's TSC."""
    figures = {}
    for line in log.replace("\r", "").splitlines():
        m = re.match(r"ubench: (.*): (\d+)$", line)
        if m:
            figures[m.group(1)] = int(m.group(2))
        m = re.search(r"init: main at TSC (\d+)$", line)     # (after the BIOS's escapes)
        if m:
            figures[BOOT] = int(m.group(1))
    return figures


def boot(name, kernel, cmdline):
    """Boot a kernel under -icount running ubench; its figures."""
    os.makedirs("build/bench", exist_ok=True)
    run = subprocess.run(QEMU + kernel + ["-initrd", "build/initramfs.cpio", "-append",
                                          cmdline + " -- /bin/ubench"],
                         stdin=subprocess.DEVNULL, capture_output=True, timeout=900)
    log = run.stdout.decode("utf-8", "replace")
    with open("build/bench/%s.log" % name, "w") as f:
        f.write(log)
    figures = parse(log)
    if not figures or "init: exit status 0" not in log:
        sys.exit("bench: %s did not run ubench to the end (log: build/bench/%s.log)" % (name, name))
    return figures


def host_cycles():
    out = sh("build/user/bench/ubench -e build/user/bench/nop")
    return parse(out)


def table(pagoda, debug, linux, host):
    """The side-by-side table, in Markdown."""
    rows = ["| operation | Pagoda | Linux | Pagoda / Linux | goal | Pagoda, heap_debug on | host (cycles) |",
            "|---|--:|--:|--:|---|--:|--:|"]
    for op in [o for o in pagoda if o != BOOT] + [BOOT]:
        p, l = pagoda[op], linux.get(op)
        ratio = p / l if l else None
        goal = GOALS.get(op)
        if goal is None or ratio is None:
            verdict = ""
        elif ratio <= goal:
            verdict = "at most %g: met" % goal
        else:
            verdict = "at most %g: **missed** (%.2f times the goal)" % (goal, ratio / goal)
        rows.append("| %s | %s | %s | %s | %s | %s | %s |" % (
            op, "{:,}".format(p), "{:,}".format(l) if l else "?",
            "%.3f" % ratio if ratio is not None else "?", verdict,
            "{:,}".format(debug[op]) if op in debug else "?",
            "{:,}".format(host[op]) if op in host else "-"))
    return "\n".join(rows)


def versions():
    return "\n".join([
        "- Pagoda: commit %s%s" % (sh("git rev-parse --short HEAD"),
                                   " with uncommitted changes" if sh("git status --porcelain") else ""),
        "- Linux: Debian's %s (%s), booted with `%s`" % (
            open("build/linux/version").read().strip(), "tools/linux-kernel.sh", LINUX_CMDLINE),
        "- Pagoda booted with `%s` (heap checks off, as Linux runs without slub_debug);"
        " the heap_debug column boots it with its default checks on" % PAGODA_CMDLINE,
        "- %s; %s; musl %s" % (sh("qemu-system-i386 --version | head -n 1"),
                               sh("gcc --version | head -n 1"),
                               musl_version()),
        "- glibc %s (ubench is `gcc -m32 -static -O2`; bench-nop is musl)" % platform.libc_ver()[1],
        "- QEMU: `%s`" % " ".join(QEMU),
        "- host: %s" % (sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip() or platform.machine()),
    ])


def write_doc(text):
    doc = open(DOC).read()
    if BEGIN not in doc or END not in doc:
        sys.exit("bench: %s lacks the marker lines %r and %r" % (DOC, BEGIN, END))
    head, rest = doc.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    with open(DOC, "w") as f:
        f.write(head + BEGIN + "\n" + text + "\n" + END + tail)


def main():
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    subprocess.run(["bash", "tools/linux-kernel.sh"], check=True)
    print("bench: Pagoda (heap_debug=off), Pagoda (heap_debug on), Linux, then the host natively...",
          flush=True)
    pagoda = boot("pagoda", PAGODA, PAGODA_CMDLINE)
    debug = boot("pagoda-heap-debug", PAGODA, "quiet panic=-1")
    linux = boot("linux", LINUX, LINUX_CMDLINE)
    host = host_cycles()
    kernel = sh("sh tools/bench-boot.sh")
    allocator = sh("build/bench/bench_pmm; build/bench/bench_vm")
    text = "\n".join([
        "Measured %s by `make bench` (tools/bench.py); guest figures are instructions per"
        " operation (Pagoda's repeat exactly, Linux's within about 1%%), host figures are"
        " cycles and vary from run to run." %
        datetime.date.today().isoformat(),
        "",
        versions(),
        "",
        table(pagoda, debug, linux, host),
        "",
        "The kernel's own microbenchmarks (kern/kbench.c, tools/bench-boot.sh), in the same run:",
        "",
        "```",
        kernel,
        "```",
        "",
        "The allocators compiled for this host (tests/bench/; wall-clock time, varies):",
        "",
        "```",
        allocator,
        "```",
    ])
    print(text)
    if "--no-doc" not in sys.argv[1:]:
        write_doc(text)
        print("bench: wrote %s" % DOC)


if __name__ == "__main__":
    main()
