#!/usr/bin/env python3
"""Where one benchmarked operation spends its instructions, on Pagoda or
on Linux: an exact instruction-by-instruction trace, counted per function.

    tools/qprof.py pagoda|linux KEY [--start FUNC] [--hit N] [--steps N] [--top N]
                   [--callers FUNC] [--again]

It boots the kernel in QEMU with the initramfs of `make bench`, running
`/bin/ubench KEY` (KEY as in user/bench/ubench.c), with QEMU's gdb stub.
gdb (running this same file as its script) stops at the N-th call of FUNC
in ubench (default: the third call of fork, so one warm-up round has
passed), then single-steps every instruction, in user space and in the
kernel, until ubench calls FUNC again (one whole round: fork, the child's
life, the wait) or for --steps instructions. The count of each program
counter is then folded into functions with the kernel's symbols
(build/pagoda.elf) and ubench's own. Linux's are not to be had: Debian's
System.map is a placeholder (the real one is in linux-image-*-dbg), so a
Linux trace splits only into ubench's functions and "the kernel". --callers
splits one function's instructions by the function that called it;
--again reports on the last trace of the same KEY without tracing anew.

It boots the machine `make bench` measures (tools/bench.py). gdb's single steps run with
interrupts masked (QEMU's default), so the timer does not appear in the
trace; otherwise the counts are those that `make bench` measures.
"""
import collections
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (the QEMU machine that make bench measures)

UBENCH = "build/user/bench/ubench"
MARKER_SYMBOL = "benches"           # ubench's table: its first word tells ubench apart
PORT = 12345


def gdb_side():
    """Runs inside gdb: trace, writing each program counter in turn to QPROF_OUT."""
    import gdb  # noqa: provided by gdb only
    start = int(os.environ["QPROF_START"], 16)
    marker = int(os.environ["QPROF_MARKER"], 16)
    marker_value = int(os.environ["QPROF_MARKER_VALUE"], 16)
    hits, steps = int(os.environ["QPROF_HIT"]), int(os.environ["QPROF_STEPS"])
    inferior = None

    def in_ubench():
        try:
            word = inferior.read_memory(marker, 4).tobytes()
        except gdb.MemoryError:
            return False
        return int.from_bytes(word, "little") == marker_value

    gdb.execute("set pagination off")
    gdb.execute("set architecture i386")
    gdb.execute("target remote localhost:%d" % PORT)
    inferior = gdb.selected_inferior()
    gdb.execute("hbreak *0x%x" % start)
    seen = 0
    while seen < hits:
        gdb.execute("continue", to_string=True)
        seen += in_ubench()
    gdb.execute("delete")
    trace = []
    for n in range(steps):
        pc = int(gdb.parse_and_eval("$pc")) & 0xffffffff
        if n > 0 and pc == start and in_ubench():
            break
        trace.append(pc)
        gdb.execute("stepi", to_string=True)
    with open(os.environ["QPROF_OUT"], "w") as out:
        out.write("".join("%x\n" % pc for pc in trace))
    gdb.execute("kill")


def nm(path):
    """(address, type, name) of every symbol of an ELF file, by address."""
    out = subprocess.run(["nm", "-n", path], capture_output=True, text=True, check=True).stdout
    return [(int(p[0], 16), p[1], p[2]) for p in (line.split() for line in out.splitlines()) if len(p) == 3]


def functions(syms):
    """(address, name) of the functions among nm's symbols."""
    return [(a, n) for a, t, n in syms if t in "tTwW"]


def symbol(pc, table, addrs):
    """(name, start) of the function in table (sorted; addrs its addresses) holding pc."""
    import bisect
    i = bisect.bisect_right(addrs, pc) - 1
    return table[i][1] if i >= 0 else "?", table[i][0] if i >= 0 else 0


def main(argv):
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("system", choices=["pagoda", "linux"])
    ap.add_argument("key")
    ap.add_argument("--start", default="fork")
    ap.add_argument("--hit", type=int, default=3)
    ap.add_argument("--steps", type=int, default=3000000)
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--callers")
    ap.add_argument("--again", action="store_true")
    args = ap.parse_args(argv)
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

    user_syms = nm(UBENCH)
    user = functions(user_syms)
    addr = {n: a for a, _, n in user_syms}
    if args.system == "pagoda":
        kernel, cmdline = bench.PAGODA, bench.PAGODA_CMDLINE
        ksyms = functions(nm("build/pagoda.elf"))
    else:
        kernel, cmdline = bench.LINUX, bench.LINUX_CMDLINE
        ksyms = [(0xC0000000, "linux kernel (no symbols)")]
    out = "build/qprof-%s-%s.pcs" % (args.system, args.key)
    if not args.again:
        trace(args, kernel, cmdline, addr, out)
    report(out, ksyms, user, args.top, args.callers)


def trace(args, kernel, cmdline, addr, out):
    """Boot, run ubench under gdb (gdb_side) and leave the trace in out."""
    marker_value = read_word(UBENCH, addr[MARKER_SYMBOL])
    if os.path.exists(out):
        os.remove(out)
    qemu = subprocess.Popen(bench.QEMU + ["-gdb", "tcp::%d" % PORT, "-S"] + kernel +
                            ["-initrd", "build/initramfs.cpio",
                             "-append", "%s -- /bin/ubench %s" % (cmdline, args.key)],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    env = dict(os.environ, QPROF_START="%x" % addr[args.start], QPROF_MARKER="%x" % addr[MARKER_SYMBOL],
               QPROF_MARKER_VALUE="%x" % marker_value, QPROF_HIT=str(args.hit),
               QPROF_STEPS=str(args.steps), QPROF_OUT=out)
    try:
        subprocess.run(["gdb", "-nx", "-batch", "-x", os.path.abspath(__file__)], env=env,
                       stdout=subprocess.DEVNULL, check=True)
    finally:
        qemu.kill()
        qemu.wait()
    if not os.path.exists(out):
        sys.exit("qprof: gdb made no trace (did ubench call %s %d times?)" % (args.start, args.hit))


def read_word(path, vaddr):
    """The 32-bit word at virtual address vaddr of an ELF file's image."""
    import struct
    data = open(path, "rb").read()
    phoff, = struct.unpack_from("<I", data, 28)
    phentsize, phnum = struct.unpack_from("<HH", data, 42)
    for i in range(phnum):
        ptype, off, va, _, filesz, _, _, _ = struct.unpack_from("<8I", data, phoff + i * phentsize)
        if ptype == 1 and va <= vaddr < va + filesz:
            return struct.unpack_from("<I", data, off + vaddr - va)[0]
    raise SystemExit("qprof: 0x%x is not in %s's file image" % (vaddr, path))


def report(path, ksyms, user, top, callers):
    """Print the functions by instructions executed, most first; or, with
    callers, how one function's instructions split by who called it."""
    kaddrs, uaddrs = [a for a, _ in ksyms], [a for a, _ in user]

    def func(pc):
        """(name, start address) of the function that holds pc."""
        if pc >= 0xC0000000:
            return symbol(pc, ksyms, kaddrs)
        name, start = symbol(pc, user, uaddrs)
        return "user: " + name, start

    pcs = [int(line, 16) for line in open(path)]
    funcs = [func(pc) for pc in pcs]
    names = [name for name, _ in funcs]
    per = collections.Counter()
    caller = "?"
    for i, (name, start) in enumerate(funcs):
        if callers is None:
            per[name] += 1
        elif name == callers:
            if i > 0 and pcs[i] == start and names[i - 1] != callers:
                caller = names[i - 1]       # a call (not a return from a callee)
            per[caller] += 1
    total = len(names) if callers is None else sum(per.values())
    print("%d instructions in the traced round%s" % (total, " in " + callers if callers else ""))
    for name, c in per.most_common(top):
        print("  %8d  %5.1f%%  %s" % (c, 100.0 * c / max(total, 1), name))


if __name__ == "__main__":
    try:
        import gdb  # noqa: F401
        gdb_side()
    except ImportError:
        main(sys.argv[1:])
