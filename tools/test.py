#!/usr/bin/env python3
"""Run every test layer of Pagoda and end with one line: "N passed, N failed".

    host     host unit tests (ASan + UBSan) of the machine-independent code
    fuzz     a short fixed-seed run of each libFuzzer harness
    kernel   the in-kernel self-tests, booted by QEMU's -kernel
    memory   the frame allocator's self-tests at 16M, 1G, 3583M and 4G of RAM
    grub     the same self-tests booted from build/pagoda.iso through GRUB
    crash    deliberate crashes, whose reports must explain what happened
    user     static glibc and musl programs, whose output must be Linux's
    views    Pagoda's views of memory, and every command of docs/concepts.md
    sysfuzz  the system-call fuzzer on a fixed set of seeds
    docs     the docs' quotations of the code and their host commands

One counting rule: each case is one pass or one fail (a TAP result, a case
of a user program, a crash report, a seed, a command of the docs). A boot
or command that did not finish counts as one failure of its own, named, in
place of the cases it never printed. Skips are reported, counted as neither.

Every job (a QEMU boot or a host program) runs in a pool of os.cpu_count()
workers, each with a time limit and its own log under build/test-logs/;
the longest jobs of the last run start first (build/test-logs/times.json).
Results are checked and printed by layer, in the order above, whatever
order the jobs ended in. Every boot's command line comes from one function,
qemu_command(). Exit status 0 only if nothing failed.

A layer is a generator: it queues its jobs, yields None once (everything
queued), then checks the runs and yields one Outcome per case.

    usage: tools/test.py [LAYER...]        (default: all, in the order above)
           USER_CASES="mmap brk" tools/test.py user    (some user programs)
           tools/test.py --machine-flags   (QEMU's flags, for tools/fuzz-sys.sh)
"""
import concurrent.futures
import dataclasses
import difflib
import functools
import hashlib
import json
import os
import pathlib
import re
import shlex
import signal
import subprocess
import sys
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
BUILD = pathlib.Path("build")
LOGS = BUILD / "test-logs"
KERNEL = BUILD / "pagoda.elf"
INITRAMFS = BUILD / "initramfs.cpio"
FUZZ_INITRAMFS = BUILD / "initramfs-fuzz.cpio"   # the fuzzer's, without the tests
QEMU = "qemu-system-i386"
# isa-debug-exit turns the kernel's pass/fail write into QEMU's exit status:
# 0x10 -> 33 (all tests passed), 0x11 -> 35 (failure); see <pagoda/qemu.h>.
QEMU_PASS = 33
QEMU_FAIL = 35
MACHINE = ["-accel", "tcg", "-cpu", "max", "-no-reboot", "-nographic", "-net", "none",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
HOST_LIMIT = 600        # seconds; the old runner had none for host programs


# ---- Jobs: boots and host programs, each with a limit and a log ----

@dataclasses.dataclass(frozen=True)
class Boot:
    """One QEMU boot: everything that differs from one boot to another."""
    name: str                   # the log is build/test-logs/NAME.log
    append: str = ""
    mem: str = "128M"
    limit: int = 60             # seconds
    initrd: pathlib.Path | None = None
    cdrom: pathlib.Path | None = None
    fw_cfg: str | None = None   # QEMU adds it to the command line (kern/main.c)
    icount: bool = False        # virtual time by instructions, exact (user/tests/timing.c)


def qemu_command(boot):
    """The one place a boot's QEMU command line is made."""
    cmd = [QEMU, *MACHINE, "-m", boot.mem]
    if boot.cdrom:
        cmd += ["-cdrom", str(boot.cdrom), "-boot", "d"]
    else:
        cmd += ["-kernel", str(KERNEL)]
    if boot.initrd:
        cmd += ["-initrd", str(boot.initrd)]
    if boot.fw_cfg:
        cmd += ["-fw_cfg", f"name=opt/pagoda/cmdline,string={boot.fw_cfg}"]
    if boot.append:
        cmd += ["-append", boot.append]
    if boot.icount:
        cmd += ["-icount", "shift=0,align=off,sleep=off"]
    return cmd


@dataclasses.dataclass
class Run:
    """What a finished job left: its log, and how and when it ended."""
    log: pathlib.Path
    status: int | None          # None if it ran out of time
    limit: float

    @property
    def timed_out(self):
        return self.status is None

    @functools.cached_property
    def text(self):
        return self.log.read_text(errors="replace")

    def lines(self):
        return self.text.split("\n")

    def tail(self, n):
        return ["    " + line for line in self.text.rstrip("\n").split("\n")[-n:]]

    def unfinished(self):
        """Why this job counts as a failure of its own, or None."""
        if self.timed_out:
            return f"did not finish within {self.limit:g} s (log: {self.log})"
        return None


_live = set()                   # process groups to end on an interrupt
_live_lock = threading.Lock()


def kill_group(pid):
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def run_program(argv, log, limit, strip_cr=False, env=None):
    """Run argv from the repository's root with no input, its output in log.

    The program gets a process group of its own, so that a time-out ends
    whatever it started too (make run starts QEMU)."""
    with open(log, "wb") as out:
        try:
            proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                                    stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        except OSError as e:    # not built, say: a failure of the job, not of the runner
            out.write(f"tools/test.py: cannot run {argv[0]}: {e}\n".encode())
            return Run(log, 127, limit)
        with _live_lock:
            _live.add(proc.pid)
        try:
            status = proc.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            kill_group(proc.pid)
            proc.wait()
            status = None
        finally:
            with _live_lock:
                _live.discard(proc.pid)
    if strip_cr:                # the serial port's line ends are \r\n
        data = log.read_bytes()
        log.write_bytes(data.replace(b"\r", b""))
    return Run(log, status, limit)


class Job:
    """A piece of work for the pool; its result is a Run (or what fn returns)."""

    def __init__(self, name, fn):
        self.name, self.fn, self.future, self.seconds = name, fn, None, 0.0

    def run(self):
        start = time.monotonic()
        result = self.fn()
        self.seconds = time.monotonic() - start
        return result

    def result(self):
        return self.future.result()


class Queue:
    """The jobs of every layer, queued first, then run together."""

    def __init__(self):
        self.jobs = []

    def add(self, name, fn):
        job = Job(name, fn)
        self.jobs.append(job)
        return job

    def boot(self, boot):
        log = LOGS / f"{boot.name}.log"
        return self.add(boot.name, lambda: run_program(qemu_command(boot), log, boot.limit,
                                                       strip_cr=True))

    def program(self, name, argv, limit=HOST_LIMIT):
        log = LOGS / f"{name}.log"
        return self.add(name, lambda: run_program(argv, log, limit))

    def start(self, pool, times):
        """Submit the jobs, the longest of the last run first (new ones first
        of all): a long job started last would leave the other cores idle."""
        order = sorted(self.jobs, key=lambda j: -times.get(j.name, float("inf")))
        for job in order:
            job.future = pool.submit(job.run)


# ---- Outcomes: one per case ----

@dataclasses.dataclass
class Outcome:
    kind: str                   # "pass", "fail", "skip", or "note" (printed, not counted)
    text: str = ""
    detail: list = dataclasses.field(default_factory=list)


def ok(text=""):
    return Outcome("pass", text)


def fail(text, detail=()):
    return Outcome("fail", text, list(detail))


def skip(text):
    return Outcome("skip", text)


def note(text):
    return Outcome("note", text)


def check(passed, name, why, detail=()):
    """One case: a pass, or a failure that says why."""
    return ok(name) if passed else fail(why, detail)


def tally_tap(layer, run, want):
    """The TAP results of a run, one case each; a run that printed fewer
    results than its plan, or ended with another status than want, is one
    more failure."""
    lines = run.lines()
    oks = [l for l in lines if l.startswith("ok ") and " # SKIP " not in l]
    skips = [l for l in lines if l.startswith("ok ") and " # SKIP " in l]
    noks = [l for l in lines if l.startswith("not ok ")]
    plans = [int(m.group(1)) for l in lines if (m := re.fullmatch(r"1\.\.(\d+)", l))]
    yield from (ok(f"{layer}: {l}") for l in oks)
    yield from (fail(f"{layer}: {l} (log: {run.log})") for l in noks)
    yield from (skip(f"{layer}: {l}") for l in skips)
    ran = len(oks) + len(noks) + len(skips)
    yield note(f"{layer}: {len(oks)} passed, {len(noks)} failed, {len(skips)} skipped "
               f"(log: {run.log})")
    if not plans or ran != plans[0]:
        why = "did not finish within %g s and " % run.limit if run.timed_out else ""
        plan = plans[0] if plans else "?"
        yield fail(f"{layer}: {why}ran {ran} of {plan} planned tests (log: {run.log}); "
                   "the end of the log:", run.tail(30))
    elif run.status != want and not noks:
        why = run.unfinished() or f"exit status {run.status}, expected {want}"
        yield fail(f"{layer}: {why}")


def expect_lines(name, run, *patterns):
    """One case: every fixed string of patterns occurs in the run's log."""
    text = run.text
    missing = [f"    missing: {p}" for p in patterns if p not in text]
    if run.timed_out and missing:
        missing.insert(0, "    the boot " + run.unfinished())
    return check(not missing, name, f"{name} (log: {run.log})", missing)


def any_line(run, pattern):
    """Whether a whole line of the run's log matches the regular expression."""
    return any(re.fullmatch(pattern, line) for line in run.lines())


# ---- Layers ----

def layer_host(q):
    """The host unit tests of the machine-independent code (tests/host/,
    built with ASan and UBSan): TAP, every test one case."""
    tests = q.program("host", [str(BUILD / "host/unit-tests")])
    yield
    yield from tally_tap("host", tests.result(), 0)


def layer_fuzz(q):
    """A short fixed-seed pass of each libFuzzer harness: the same inputs
    every time, so a failure here is reproducible (`make fuzz` runs long)."""
    runs = {name: q.program(f"fuzz-{name}", [str(BUILD / f"fuzz/fuzz_{name}"), "-seed=1",
                                             "-runs=4000"])
            for name in ("pmm", "heap", "vm")}
    yield
    for name, job in runs.items():
        run = job.result()
        yield check(run.status == 0, f"fuzz {name}",
                    f"fuzz {name}: the harness crashed (log: {run.log})"
                    if not run.timed_out else f"fuzz {name}: {run.unfinished()}", run.tail(20))


def layer_kernel(q):
    """The in-kernel self-tests, booted by QEMU's -kernel; and loglevel=6,
    which hides messages of level 6 and above: the boot log's memory map
    disappears, the test results (printk) stay."""
    tests = q.boot(Boot("kernel", append="test"))
    quiet = q.boot(Boot("kernel-loglevel", append="test=eip loglevel=6"))
    yield
    yield from tally_tap("kernel", tests.result(), QEMU_PASS)
    run = quiet.result()
    yield check(run.status == QEMU_PASS and any_line(run, r"ok 1 - eip_in_higher_half.*")
                and "Physical RAM map" not in run.text, "kernel: loglevel=6",
                f"kernel: loglevel=6 should hide the boot log (log: {run.log})")


MEMORY_SIZES = ("16M", "1G", "3583M", "4G")
MEMORY_TESTS = "test=pmm,kmap,heap,vmalloc,vm,uaccess"


def layer_memory(q):
    """The frame allocator, temporary mappings and the heap at several
    memory sizes: each must account for every frame of its memory map
    (tests/kernel/test_pmm.c), and from 1G on there is high memory for kmap
    (tests/kernel/test_heap.c). With 4G, QEMU puts 1 GiB above 4 GiB, which
    the log must call out of reach. A Multiboot module (QEMU's -initrd) must
    stay out of the allocator."""
    sizes = {size: q.boot(Boot(f"memory-{size}", MEMORY_TESTS, mem=size, limit=120))
             for size in MEMORY_SIZES}
    module = q.boot(Boot("memory-module", "test=pmm", initrd=pathlib.Path("README.md")))
    yield
    for size, job in sizes.items():
        yield from tally_tap(f"memory {size}", job.result(), QEMU_PASS)
    high = sizes["3583M"].result()
    yield check(any_line(high, r"ok [0-9]* - kmap_high_frames_nest"), "memory 3583M: kmap",
                "memory 3583M: kmap_high_frames_nest must run (not skip) with high memory")
    yield from tally_tap("memory with a module", module.result(), QEMU_PASS)
    yield expect_lines("memory with a module: module seen", module.result(), "multiboot: module 0:")
    yield expect_lines("memory 4G: RAM above 4 GiB reported", sizes["4G"].result(),
                       "Memory: 1048576K of RAM above 4 GiB is out of reach without PAE")
    # The numbers themselves are checked in the kernel; here, the format.
    yield check(any_line(high, r"Memory: [0-9]+K/[0-9]+K available \([0-9]+K kernel code, "
                               r"[0-9]+K reserved\)"), "memory 3583M: Memory line",
                "memory 3583M: no Linux-style 'Memory: ...K/...K available' line")


def layer_grub(q):
    """The real boot loader: GRUB's memory map and command line. The image's
    grub.cfg has no "test"; QEMU adds it through fw_cfg (kern/main.c). The
    same image runs programs from the initramfs GRUB loaded."""
    iso = BUILD / "pagoda.iso"
    tests = q.boot(Boot("grub", cdrom=iso, fw_cfg="test", limit=120))
    user = q.boot(Boot("grub-user", cdrom=iso, fw_cfg="-- /bin/hello grub", limit=120))
    yield
    yield from tally_tap("grub", tests.result(), QEMU_PASS)
    yield expect_lines("grub: booted by GRUB with grub.cfg's command line", tests.result(),
                       "Physical RAM map, as given by GRUB",
                       "Command line: loglevel=7 bootloader=grub test")
    yield expect_lines("grub: the initramfs is GRUB's module, and /init runs from it",
                       user.result(), "multiboot: module 0:", "initramfs",
                       "init: running /bin/hello", 'argv[1] "grub"', "init: exit status 3")


# A trap's report also shows the call trace and the control registers.
TRAP_REPORT = ("Call trace:", "<crash_now+", "<kmain+", "CR0: ", "[ PE MP ET NE WP PG ]",
               "end of report")
CRASHES = {
    "pagefault": ("Page fault (#PF), vector 14, in kernel mode",
                  "The kernel read from address 0x00100000, which no page maps.",
                  "error code 0x0: not-present page | read | supervisor mode", "CR2: 00100000",
                  *TRAP_REPORT),
    "wp": ("Page fault (#PF), vector 14, in kernel mode",
           "The kernel wrote to address 0xffc00000, which is mapped read-only.",
           "error code 0x3: present (protection violation) page | write | supervisor mode",
           *TRAP_REPORT),
    "divide": ("Divide error (#DE), vector 0, in kernel mode",
               "This usually means a DIV or IDIV by zero", *TRAP_REPORT),
    "gp": ("General protection fault (#GP), vector 13, in kernel mode",
           "error code 0xfff8: GDT entry 8191", *TRAP_REPORT),
    "panic": ("Kernel panic: deliberate panic from the command line (crash=panic)",
              *TRAP_REPORT),
    "doublefree": ("Kernel panic: kmalloc-64: double free of object", "by crash_now+",
                   "(allocated by crash_now+", "already freed by crash_now+", *TRAP_REPORT),
    "overrun": ("Kernel panic: kmalloc-32: buffer overrun: object",
                "(20 bytes asked for, allocated by crash_now+", "found when crash_now+",
                *TRAP_REPORT),
    "useraccess": ("Page fault (#PF), vector 14, in kernel mode",
                   "The kernel read from address 0x08048000, which no page maps.",
                   "The address is in user space: kernel code must reach it through "
                   "copyin/copyout.", "crash_now+", *TRAP_REPORT),
    # The double fault runs on a task of its own, with its own stack.
    "kstack": ("Double fault (#DF), vector 8, taken on its own task.", "<recurse_forever+",
               "Kernel stack overflow: esp is in the unmapped guard page below a",
               "kernel stack (0x4000 bytes), so the CPU could not push the page fault.",
               "end of report"),
}


def layer_crash(q):
    """Deliberate crashes (crash=KIND): each boot must stop with the failure
    status, and its report must contain every line of CRASHES[KIND]."""
    boots = {kind: q.boot(Boot(f"crash-{kind}", f"test crash={kind}")) for kind in CRASHES}
    yield
    for kind, job in boots.items():
        run = job.result()
        if run.status != QEMU_FAIL:
            why = run.unfinished() or (f"exit status {run.status}, expected {QEMU_FAIL} "
                                       f"(log: {run.log})")
            yield fail(f"crash={kind}: {why}")
        else:
            yield expect_lines(f"crash={kind}: report", run, *CRASHES[kind])


# ---- The differential user suite ----

def user_boot(name, append):
    """A boot that runs a program from the initramfs."""
    return Boot(name, f"panic=-1 {append}", mem="256M", limit=300, initrd=INITRAMFS)


CASE_END = re.compile(r"([A-Za-z0-9_]+): (ok|FAILED)")


def split_cases(text):
    """A program's output cut into its cases: name -> what the case printed
    up to and with its "NAME: ok" or "NAME: FAILED..." line
    (user/tests/check.h); what follows the last case (init's report, or all
    of a program without cases) is the case "_end"."""
    cases, block = {}, []
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    for line in lines:
        block.append(line + "\n")
        if m := CASE_END.match(line):
            cases[m.group(1)] = "".join(block)
            block = []
    cases["_end"] = "".join(block)
    return cases


def program_output(run):
    """What the program printed, by tools/user-output.sh: the one definition,
    shared with tools/linux-oracle.sh, which recorded Linux's output."""
    out = run.log.with_name(run.log.name + ".out")
    text = subprocess.run(["sh", "tools/user-output.sh", str(run.log)], cwd=ROOT,
                          capture_output=True, text=True, errors="replace").stdout
    out.write_text(text)
    return text


def user_compare(name, libc, run):
    """Each case of the program's output on Pagoda against Linux's, one
    outcome each; a case that failed on Linux is a broken test. A case
    Pagoda printed that Linux did not is a failure too. A boot that did not
    finish is one failure, and the cases it never printed are not counted."""
    want = pathlib.Path(f"tests/user/expected/{name}.{libc}.out")
    if not want.is_file() or want.stat().st_size == 0:
        yield fail(f"user: no expected output {want}: record it with tools/linux-oracle.sh {name}")
        return
    log = run.log
    expected = split_cases(want.read_text(errors="replace"))
    got = split_cases(program_output(run))
    diffs = []
    for case, block in expected.items():
        if re.search(rf"^{case}: FAILED", block, re.M):
            yield fail(f"user: {name}.{libc} {case} fails on Linux too: a broken test ({want})")
        elif block == got.get(case):
            yield ok(f"user: {name}.{libc} {case}")
        elif run.timed_out and (case == "_end" or case not in got):
            continue
        else:
            diff = list(difflib.unified_diff(block.splitlines(), got.get(case, "").splitlines(),
                                             f"Linux: {want}", f"Pagoda: {log}", lineterm=""))
            diffs += diff
            yield fail(f"user: {name}.{libc} {case.lstrip('_')}: Pagoda differs from Linux "
                       f"(log: {log})", ["    " + d for d in diff[:20]])
    for case in sorted(got.keys() - expected.keys()):
        yield fail(f"user: {name}.{libc} {case}: a case Linux did not print (log: {log})")
    run.log.with_name(run.log.name + ".diff").write_text("".join(d + "\n" for d in diffs))
    if run.timed_out:
        yield fail(f"user: {name}.{libc}: the boot {run.unfinished()}")


def user_no_leak(what, run):
    """Pagoda only: the kernel's free memory after the program was reaped is
    what it was before it started (init's MemFree line, from /proc/meminfo):
    no frame or page table was leaked."""
    line = next((l for l in run.lines() if l.startswith("init: MemFree before ")), None)
    words = line.split() if line else []
    return check(len(words) >= 7 and words[3] == words[6], f"user: {what} no leak",
                 f"user: {what} leaks memory: {line or 'no MemFree line'} "
                 f"(log: {run.log})")


def user_programs():
    """tests/user/cases: (name, arguments), limited to USER_CASES if set."""
    only = os.environ.get("USER_CASES", "").split()
    for line in pathlib.Path("tests/user/cases").read_text().split("\n"):
        name, _, args = line.strip().partition(" ")
        if name and not name.startswith("#") and (not only or name in only):
            yield name, args.strip()


def layer_user(q):
    """User programs on Pagoda: each of tests/user/cases, built against glibc
    and musl, must print case by case what Linux printed for the same binary
    (tests/user/expected/, recorded by tools/linux-oracle.sh), and leave free
    memory as it found it. Then what only Pagoda promises (user_extras).
    USER_CASES="mmap brk" limits the layer to those programs, without the
    extras (make test-user CASE=mmap)."""
    boots = []
    for name, args in user_programs():
        for libc, suffix in (("glibc", ""), ("musl", ".musl")):
            boot = user_boot(f"user-{name}.{libc}", f"quiet -- /bin/{name}{suffix} {args}")
            boots.append((name, libc, q.boot(boot)))
    extras = None if os.environ.get("USER_CASES", "").split() else queue_user_extras(q)
    yield
    for name, libc, job in boots:
        run = job.result()
        yield from user_compare(name, libc, run)
        if not run.timed_out:
            yield user_no_leak(f"{name}.{libc}", run)
    if extras:
        yield from check_user_extras(*extras)


def queue_user_extras(q):
    """Exact memory accounting over 1000 fork/exec/exit rounds, copy-on-write
    counts (the vmstat exit line), Linux's log line for a segfault, and how
    exactly waits end, under -icount (user/tests/timing.c), with each libc."""
    timing = [q.boot(dataclasses.replace(user_boot(f"user-timing.{libc}",
                                                   f"quiet -- /bin/timing{suffix}"), icount=True))
              for libc, suffix in (("glibc", ""), ("musl", ".musl"))]
    return (q.boot(user_boot("user-forkloop-exact", "quiet -- /bin/forkloop exact")),
            q.boot(user_boot("user-fork-vmstat", "quiet vmstat -- /bin/fork_iso")),
            q.boot(user_boot("user-segv-log", "-- /bin/segv")), timing)


def check_user_extras(forkloop, vmstat, segv, timing):
    """The checks of queue_user_extras' boots, one case each."""
    for libc, job in zip(("glibc", "musl"), timing):
        run = job.result()
        for case in ("sleeps", "timeouts", "timers", "periodic", "idle"):
            yield expect_lines(f"user: timing.{libc} {case} (-icount)", run, f"{case}: ok")
    yield expect_lines("user: 1000 fork/exec/exit rounds leave free memory as it was",
                       forkloop.result(), "free memory back to its start: yes")
    # The child wrote 8 pages of 128 it shares with its parent: it copies
    # those and few others, not all (fork copied nothing).
    run = vmstat.result()
    yield check(any_line(run, r"exit: fork_iso\[[0-9]+\] status 0x300 faults: .* "
                              r"cow_copied ([89]|1[0-9]) .*"), "user: fork_iso cow",
                f"user: fork_iso's child should copy 8 to 19 pages on write "
                f"(log: {run.log})")
    run = segv.result()
    segfault = r"segv\[[0-9]+\]: segfault at %s ip [0-9a-f]{8} sp [0-9a-f]{8} error %d"
    yield check(any_line(run, segfault % ("0", 4)) and any_line(run, segfault % ("c0000000", 5)),
                "user: segfault lines",
                f"user: no Linux-style 'segfault at ... ip ... sp ... error ...' lines "
                f"(log: {run.log})")


# ---- The views ----

CONCEPTS = pathlib.Path("docs/concepts.md")


def concepts_commands():
    """Every `pagoda$` command of docs/concepts.md, each once, sorted."""
    text = CONCEPTS.read_text()
    return sorted({m[len("pagoda$ "):] for line in text.split("\n")
                   for m in re.findall(r"pagoda\$ [^`]*", line)})


def layer_views(q):
    """Pagoda's views of memory (/proc, the pagewalk call), checked by a
    program against what it did (user/views/views.c), then every `pagoda$`
    command of docs/concepts.md, run in one boot by the shell: each must
    print something and end well, and each session the page shows must be
    what its command prints."""
    views = q.boot(user_boot("views", "quiet -- /bin/views"))
    cmds = concepts_commands()
    docs = q.boot(user_boot("views-docs", "quiet -- /bin/sh -c " + "; ".join(cmds)))
    yield
    yield from views_program(views.result())
    run = docs.result()
    if run.timed_out:
        yield fail(f"views: the boot of docs/concepts.md's commands {run.unfinished()}")
        return
    for cmd in cmds:
        out = command_output(cmd, run)
        bad = [l for l in out if re.search(r"exited with status|killed by signal|^sh: ", l)]
        yield check(out and not bad, f"views: '{cmd}'",
                    f"views: docs/concepts.md's command '{cmd}' failed or printed nothing "
                    f"(log: {run.log})")
    yield from docs_sessions(run)


def views_program(run):
    """/bin/views: each "NAME: ok" or "NAME: FAILED" line one case, then its
    exit status and free memory."""
    log = run.log
    for line in run.lines():
        if re.fullmatch(r"[a-z_]*: ok", line):
            yield ok(f"views: {line}")
        elif re.match(r"[a-z_]*: FAILED", line):
            yield fail(f"views: {line} (log: {log})")
    if run.timed_out:
        yield fail(f"views: /bin/views: the boot {run.unfinished()}")
        return
    if "init: exit status 0" not in run.lines():
        yield fail(f"views: /bin/views did not exit with status 0 (log: {log})")
    yield user_no_leak("views", run)


def command_output(cmd, run):
    """What the shell's command cmd printed: the lines after its "$ CMD"
    echo, up to the next command's or init's end."""
    out, inside = [], False
    for line in run.lines():
        if line == "$ " + cmd:
            inside = True
        elif line.startswith("$ ") or line.startswith("init: exit status"):
            inside = False
        elif inside:
            out.append(line)
    return out


def rename_numbers(lines):
    """Rename the numbers that differ from boot to boot, consistently within
    one text: each distinct hex number becomes 0xH1, 0xH2..., each pid P1,
    P2... in order of appearance, so "the same frame" stays the same."""
    names = {}

    def rename(m):
        tok = m.group(0)
        if tok not in names:
            names[tok] = ("pid P" if tok.startswith("pid") else "0xH") + str(len(names) + 1)
        return names[tok]
    return [re.sub(r"0x[0-9a-f]+|pid [0-9]+", rename, line) for line in lines]


def concepts_sessions():
    """The sessions of docs/concepts.md: cmd -> the lines shown below it, for
    each code block whose first line is `pagoda$ CMD`."""
    lines = CONCEPTS.read_text().split("\n")
    cmds, start = [], 0
    for line in lines:
        if line.startswith("```"):
            start = 0 if start else 1
            continue
        if start == 1 and line.startswith("pagoda$ "):
            cmds.append(line[len("pagoda$ "):])
        start = 2 if start else 0
    sessions = {}
    for cmd in cmds:
        shown, inside = [], False
        for line in lines:
            if line.startswith("```"):
                inside = False
            elif line == "pagoda$ " + cmd:
                inside = True
            elif inside:
                shown.append(line)
        sessions[cmd] = shown
    return sessions


def docs_sessions(run):
    """Each session of docs/concepts.md is what its command printed, up to
    rename_numbers."""
    diff_log = LOGS / "views-session.diff"
    diffs = []
    for cmd, shown in concepts_sessions().items():
        diff = list(difflib.unified_diff(rename_numbers(shown),
                                         rename_numbers(command_output(cmd, run)),
                                         f"{CONCEPTS}: {cmd}", f"{run.log}",
                                         lineterm=""))
        diffs += diff
        yield check(not diff, f"views: session '{cmd}'",
                    f"views: docs/concepts.md's session of '{cmd}' is not what it prints "
                    f"(diff: {diff_log})")
    diff_log.write_text("".join(d + "\n" for d in diffs))


# ---- Interactive sessions on the console ----

CONSOLE_DIR = pathlib.Path("tests/console")


def layer_console(q):
    """Each tests/console/NAME.keys typed at busybox's ash on the console
    (tools/console-session.py): the screen must be Linux's, NAME.out,
    recorded with `tools/console-session.py --linux`."""
    jobs = {keys.stem: q.program(f"console-{keys.stem}",
                                 [sys.executable, "tools/console-session.py", str(keys)], limit=300)
            for keys in sorted(CONSOLE_DIR.glob("*.keys"))}
    yield
    for name, job in jobs.items():
        run = job.result()
        want = CONSOLE_DIR / f"{name}.out"
        diff = list(difflib.unified_diff(want.read_text().splitlines(), run.text.splitlines(),
                                         str(want), str(run.log), lineterm=""))
        if run.timed_out:
            yield fail(f"console: {name}: {run.unfinished()}")
        else:
            yield check(not diff and run.status == 0, f"console: {name}",
                        f"console: {name}: the screen is not Linux's (log: {run.log})",
                        ["    " + d for d in diff[:40]])


# ---- The system-call fuzzer ----

# (seeds, workers at once, memory): one worker at a time, four at once, and
# four at once in 32 MiB, where the out-of-memory paths run.
SYSFUZZ_RUNS = ((range(1, 9), 1, "256M"), (range(9, 13), 4, "256M"), (range(13, 17), 4, "32M"))
SYSFUZZ_ARGS = "--rounds 16 --calls 400"


def layer_sysfuzz(q):
    """The system-call fuzzer (user/fuzz/sysfuzz.c) on fixed seeds, each
    seed one boot and one case, judged by tools/fuzz-verdict.sh as
    tools/fuzz-sys.sh judges it (logs: fuzz-sys-S.log)."""
    boots = []
    for seeds, jobs, mem in SYSFUZZ_RUNS:
        for s in seeds:
            boot = Boot(f"fuzz-sys-{s}", f"panic=-1 quiet -- /bin/sysfuzz --seed {s} "
                        f"{SYSFUZZ_ARGS} --jobs {jobs}", mem=mem, limit=120, initrd=FUZZ_INITRAMFS)
            boots.append((s, boot, q.boot(boot)))
    yield
    calls = 0
    for s, boot, job in boots:
        run = job.result()
        verdict = sysfuzz_verdict(s, boot, run)
        made = re.search(rf"^sysfuzz: seed {s}: ([0-9]+) calls in ", run.text, re.M)
        calls += int(made.group(1)) if made else 0
        yield check(verdict == "ok", f"sysfuzz: seed {s}", f"sysfuzz: seed {s}: FAILED: {verdict}",
                    [f"    log: {run.log}",
                     f"    replay: {shlex.join(qemu_command(boot))}"])
    yield note(f"sysfuzz: {calls} calls in all, {len(boots)} seeds")


def sysfuzz_verdict(s, boot, run):
    """tools/fuzz-verdict.sh's verdict on seed s, kept with the log as
    tools/fuzz-sys.sh keeps it (LOG.verdict, and LOG.cmd to replay it)."""
    status = 124 if run.timed_out else run.status
    verdict = subprocess.run(["sh", "tools/fuzz-verdict.sh", str(s), str(run.log), str(status),
                              str(boot.limit)], cwd=ROOT, capture_output=True,
                             text=True).stdout.strip()
    run.log.with_name(run.log.name + ".verdict").write_text(verdict + "\n")
    run.log.with_name(run.log.name + ".cmd").write_text(shlex.join(qemu_command(boot)) + "\n")
    return verdict


# ---- The docs ----

def layer_docs(q):
    """The docs quote the code; these checks keep the quotes current: names
    of files, the layers (docs/layers.md), the layout diagram, every `host$`
    command of docs/*.md, and the kernel's first program header."""
    names = q.program("docs-check-names", [sys.executable, "tools/check-names.py"])
    layers = q.program("layers", [sys.executable, "tools/layers.py"])
    diagram = q.program("docs-layout-diagram", ["sh", "tools/layout-diagram.sh"])
    readelf = q.program("docs-readelf", ["readelf", "-lW", str(KERNEL)])
    commands = host_commands()
    host = q.add("docs-host", lambda: [run_host_command(i, cmd)
                                       for i, (cmd, _) in enumerate(commands, 1)])
    yield
    run = names.result()
    yield check(run.status == 0, "docs: names", "docs: stale names of files "
                "(tools/check-names.py)", run.tail(20))
    # No call cycle reaches kern/, lib/, mm/ or the console drivers.
    run = layers.result()
    yield check(run.status == 0, "docs: layers", "docs: a call cycle reaches a file that must be "
                f"in none (log: {run.log}; docs/layers.md)")
    yield diagram_check(diagram.result())
    for (cmd, promises), (run, changed) in zip(commands, host.result()):
        yield host_command_check(cmd, promises, run, changed)
    # docs/boot.md shows the first program header: linked high, loaded low.
    load = [l for l in readelf.result().lines() if re.match(r" +LOAD ", l)]
    yield check(bool(load) and re.fullmatch(r" +LOAD +0x001000 0xc0100000 0x00100000 .* R E 0x1000",
                                            load[0]), "docs: readelf",
                "docs: build/pagoda.elf's first LOAD header no longer matches docs/boot.md")


def diagram_check(run):
    """The diagram in docs/memory-layout.md is the one of memlayout.h, whole
    (the old runner's grep -F matched any one of its lines)."""
    diagram = run.text.rstrip("\n")
    page = pathlib.Path("docs/memory-layout.md").read_text()
    return check(run.status == 0 and diagram and diagram in page, "docs: diagram",
                 "docs: the diagram in docs/memory-layout.md differs from "
                 "arch/x86/include/arch/memlayout.h "
                 "(tools/layout-diagram.sh prints the current one)")


def host_commands():
    """Every `host$` command of docs/*.md, with the strings the page promises
    it prints: the backquoted strings after "prints" on its line, up to the
    table cell's end."""
    commands = []
    for page in sorted(pathlib.Path("docs").glob("*.md")):
        for line in page.read_text().split("\n"):
            if "host$ " not in line:
                continue
            if "`host$ " in line:       # inline, in a table or a sentence
                cmd, _, rest = line.split("`host$ ", 1)[1].partition("`")
            else:                       # a line of a code block
                cmd, rest = line.removeprefix("host$ "), ""
            promises = []
            if "prints" in rest:
                promises = re.findall(r"`([^`]*)`", rest.split("prints", 1)[1].split("|")[0])
            commands.append((cmd, promises))
    return commands


def docs_sums():
    """path -> SHA-1 of each file under docs/."""
    return {p: hashlib.sha1(p.read_bytes()).hexdigest()
            for p in sorted(pathlib.Path("docs").rglob("*")) if p.is_file()}


def run_host_command(i, cmd):
    """Run one `host$` command as the page shows it, from the repository's
    root with no input and outside make's jobserver; returns its Run and the
    files of docs/ it changed. The commands run one after another, so that a
    change is the command's own."""
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    before = docs_sums()
    run = run_program(["bash", "-c", cmd], LOGS / f"docs-host-{i}.log", 300, env=env)
    after = docs_sums()
    changed = sorted(str(p) for p in before.keys() | after.keys()
                     if before.get(p) != after.get(p))
    return run, changed


def host_command_check(cmd, promises, run, changed):
    """A `host$` command must end by itself and print each string the page
    says it prints; one that promises nothing must succeed. None may change a
    file of docs/: a command that draws a picture there must draw the one
    committed (when it does not, the new one is left in place, for git diff
    to show)."""
    log = run.log
    missing = [p for p in promises if p not in run.text]
    if run.timed_out:
        return fail(f"docs: '{cmd}' {run.unfinished()}")
    if missing:
        said = " ".join(repr(m) for m in missing)
        return fail(f"docs: '{cmd}' did not print {said} (log: {log})")
    if not promises and run.status != 0:
        return fail(f"docs: '{cmd}' failed with status {run.status} (log: {log})")
    if changed:
        return fail(f"docs: '{cmd}' changed files of docs/ (git diff shows how): "
                    + ", ".join(changed))
    return ok(f"docs: '{cmd}'")


# ---- The runner ----

LAYERS = {"host": layer_host, "fuzz": layer_fuzz, "kernel": layer_kernel, "memory": layer_memory,
          "grub": layer_grub, "crash": layer_crash, "user": layer_user, "console": layer_console,
          "views": layer_views, "sysfuzz": layer_sysfuzz, "docs": layer_docs}


def report(layer, outcomes, counts):
    """Print a layer's failures, skips and notes as they come, and count."""
    n = {"pass": 0, "fail": 0, "skip": 0}
    for o in outcomes:
        if o.kind == "fail":
            print(f"FAIL: {o.text}")
        elif o.kind == "skip":
            print(f"skipped: {o.text}")
        elif o.kind == "note":
            print(o.text)
        for line in o.detail if o.kind == "fail" else ():
            print(line)
        if o.kind in n:
            n[o.kind] += 1
        sys.stdout.flush()
    for kind in n:
        counts[kind] += n[kind]
    print(f"== {layer}: {n['pass']} passed, {n['fail']} failed, {n['skip']} skipped",
          flush=True)


def load_times():
    """Each job's seconds in the last run, to start the longest first."""
    try:
        return json.loads((LOGS / "times.json").read_text())
    except (OSError, ValueError):
        return {}


def save_times(times, jobs):
    times.update({j.name: round(j.seconds, 1) for j in jobs if j.future.done()})
    (LOGS / "times.json").write_text(json.dumps(times, indent=1, sort_keys=True) + "\n")


def main(argv):
    """Queue the layers' jobs, run them in the pool, report layer by layer."""
    if argv == ["--machine-flags"]:
        print(shlex.join(MACHINE))
        return 0
    unknown = [a for a in argv if a not in LAYERS]
    if unknown:
        print(f"tools/test.py: no layer {' '.join(unknown)}; the layers: {' '.join(LAYERS)}",
              file=sys.stderr)
        return 2
    os.chdir(ROOT)
    # On SIGTERM as on Ctrl-C: end the jobs' process groups, which are not
    # the terminal's, before leaving.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    LOGS.mkdir(parents=True, exist_ok=True)
    q, times = Queue(), load_times()
    layers = [(name, LAYERS[name](q)) for name in (argv or LAYERS)]
    for _, gen in layers:
        next(gen)               # each layer queues its jobs
    counts = {"pass": 0, "fail": 0, "skip": 0}
    start, workers = time.monotonic(), os.cpu_count() or 1
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        try:
            q.start(pool, times)
            for name, gen in layers:
                report(name, gen, counts)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            with _live_lock:
                for pid in _live:
                    kill_group(pid)
            raise
    save_times(times, q.jobs)
    print(f"{len(q.jobs)} jobs on {workers} workers in {time.monotonic() - start:.0f} s; "
          f"times of each in {LOGS}/times.json")
    print(f"{counts['pass']} passed, {counts['fail']} failed")
    return 1 if counts["fail"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
