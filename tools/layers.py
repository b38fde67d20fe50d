#!/usr/bin/env python3
"""The kernel's call graph between files, and its cycles.

Reads every kernel object file (build/k/, tests left out) with nm: file A
depends on file B when A uses a symbol B defines. Prints each cycle (a
strongly connected component of more than one file) with the edges that
make it, and fails if a cycle reaches a file that must be in none: the
base services and boot orchestration (kern/), pure code (lib/), the
machine-independent VM (mm/) and the console drivers (dev/serial.c,
dev/vga.c), which everything that prints depends on. docs/layers.md names
the one cycle a kernel cannot avoid. The headers' include graph must have
no cycle at all.

    tools/layers.py [--edges]      (after make; the docs layer runs it)
"""
import collections
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
OBJS = ROOT / "build" / "k"
ACYCLIC = re.compile(r"^(kern/|lib/|mm/|dev/serial$|dev/vga$)")


def symbol_graph():
    """Each file's dependencies, and for each edge the symbols behind it."""
    defined, used = {}, collections.defaultdict(set)
    for obj in sorted(OBJS.rglob("*.o")):
        name = str(obj.relative_to(OBJS))[:-2]
        if "tests" in pathlib.Path(name).parts:
            continue
        out = subprocess.run(["nm", str(obj)], capture_output=True, text=True, check=True).stdout
        used.setdefault(name, set())
        for fields in (line.split() for line in out.splitlines()):
            if len(fields) == 3 and fields[1] in "TDBRC":
                defined[fields[2]] = name
            elif len(fields) == 2 and fields[0] == "U":
                used[name].add(fields[1])
    edges = collections.defaultdict(lambda: collections.defaultdict(list))
    for name, syms in used.items():
        for sym in sorted(syms):
            to = defined.get(sym)
            if to and to != name:
                edges[name][to].append(sym)
    return used.keys(), edges


def cycles(nodes, edges):
    """Tarjan's strongly connected components of more than one file."""
    index, low, stack, on, found, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return found


def include_graph():
    """Each kernel header's includes of other kernel headers."""
    dirs = [ROOT / "include", ROOT / "arch" / "x86" / "include"]
    headers = {str(p.relative_to(d)): p for d in dirs for p in d.rglob("*.h")}
    edges = collections.defaultdict(lambda: collections.defaultdict(list))
    for name, path in headers.items():
        for inc in re.findall(r"#include <([^>]+)>", path.read_text()):
            if inc in headers and inc != name:
                edges[name][inc].append("#include")
    return headers.keys(), edges


def main():
    if not OBJS.is_dir():
        print("layers: no build/k/: run make first")
        return 2
    bad = 0
    for comp in cycles(*include_graph()):
        print(f"layers: the headers {' '.join(comp)} include each other")
        bad += 1
    nodes, edges = symbol_graph()
    for comp in cycles(nodes, edges):
        print(f"cycle of {len(comp)} files: {' '.join(comp)}")
        if "--edges" in sys.argv:
            for a in comp:
                for b in sorted(edges[a]):
                    if b in comp:
                        print(f"  {a} -> {b}: {', '.join(edges[a][b][:4])}")
        for f in comp:
            if ACYCLIC.match(f):
                print(f"layers: {f} is in a cycle, and must be in none")
                bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
