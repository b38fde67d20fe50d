#!/usr/bin/env python3
"""Type a scripted session at an interactive shell on the serial console,
as a user would, and print what the screen showed (tests/console/).

    tools/console-session.py [--linux] KEYS

boots Pagoda (or, with --linux, Debian's i386 kernel from tools/linux-kernel.sh,
the oracle) in QEMU with the test initramfs, running busybox's ash as an
interactive login shell whose controlling terminal is the console
(`setsid -c`). The .keys file says what to type (its header explains the
form); before each line the session waits for the prompt. The transcript
is the console output from "init: running" to init's "exit status" line,
without carriage returns: the same on both kernels, so tools/test.py
compares Pagoda's with the recorded Linux one (KEYS with .out for .keys).
"""
import os
import re
import select
import shlex
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHELL = "/bin/busybox setsid -c /bin/busybox ash -i"
PROMPT = b"/ # "
PAUSE = 1.5                 # seconds between the keys of one line
LIMIT = 60                  # seconds to wait for a prompt


def qemu(linux, machine):
    if linux:
        return ["qemu-system-i386", "-accel", "tcg", "-cpu", "max", "-m", "512M", "-no-reboot",
                "-nographic", "-net", "none", "-kernel", "build/linux/vmlinuz",
                "-initrd", "build/initramfs.cpio", "-append",
                f"console=ttyS0,115200 quiet loglevel=3 panic=-1 -- {SHELL}"]
    return ["qemu-system-i386", *machine, "-m", "256M", "-kernel", "build/pagoda.elf",
            "-initrd", "build/initramfs.cpio", "-append", f"panic=-1 quiet -- {SHELL}"]


def key_groups(path):
    """Each line of the script: the byte strings to type, PAUSE apart."""
    for line in open(path):
        line = line.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        keys = []
        for k in line.split(" | "):
            if re.fullmatch(r"\^[A-Z@\\]", k):
                keys.append(bytes([ord(k[1]) & 0x1F]))
            else:
                keys.append(k.encode() + b"\r")
        yield keys


class Console:
    def __init__(self, cmd):
        self.p = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT)
        self.out = b""
        self.mark = 0

    def wait_for(self, pattern, limit=LIMIT):
        """Read until pattern shows after the last keys typed: True, or
        False once limit seconds pass or the machine ends."""
        end = time.time() + limit
        while time.time() < end:
            ready, _, _ = select.select([self.p.stdout], [], [], 0.2)
            if not ready:
                continue
            data = os.read(self.p.stdout.fileno(), 4096)
            if not data:
                return False
            self.out += data
            if re.search(pattern, self.out[self.mark:]):
                return True
        return False

    def type(self, keys):
        self.mark = len(self.out)
        self.p.stdin.write(keys)
        self.p.stdin.flush()

    def close(self):
        self.p.kill()
        self.p.wait()


def transcript(out):
    """The console from init's "running" line to its exit status line."""
    text = out.decode(errors="replace").replace("\r", "")
    start = text.find("init: running ")
    if start < 0:
        return text
    text = text[text.index("\n", start) + 1:]
    end = re.search(r"^init: (exit status|killed by signal) .*\n", text, re.M)
    return text[:end.end()] if end else text


def session(keys_path, linux=False, machine=()):
    """Run the session: (transcript, None) or (transcript so far, why not)."""
    con = Console(qemu(linux, machine))
    why = None
    try:
        if not con.wait_for(PROMPT):
            why = "no first prompt"
        groups = list(key_groups(keys_path))
        for i, keys in enumerate(groups):
            if why:
                break
            for k in keys:
                con.type(k)
                time.sleep(PAUSE)
            last = i == len(groups) - 1
            if not con.wait_for(rb"init: (exit status|killed by signal) .*\n" if last else PROMPT):
                why = f"no prompt after {b' | '.join(keys)!r}"
    finally:
        con.close()
    return transcript(con.out), why


def main():
    args = sys.argv[1:]
    linux = args[:1] == ["--linux"]
    if linux:
        args = args[1:]
    if len(args) != 1:
        sys.exit(__doc__)
    machine = shlex.split(subprocess.run([sys.executable, os.path.join(ROOT, "tools/test.py"),
                                          "--machine-flags"], capture_output=True, text=True).stdout)
    text, why = session(args[0], linux, machine)
    sys.stdout.write(text)
    if why:
        sys.exit(f"console-session: {why}")


if __name__ == "__main__":
    main()
