#!/usr/bin/env python3
"""Draw a saved /proc/PID/maps and /proc/buddyinfo as one SVG picture: the
process's virtual address space on the left (top to bottom, as vmmap draws
it), physical memory's free blocks on the right.

    memsvg.py MAPS BUDDYINFO OUT.svg

Save the inputs from Pagoda with `cat /proc/self/maps` and
`cat /proc/buddyinfo` (docs/images/ holds a pair; docs/concepts.md shows
the picture made from them, and `make test` checks it is still what this
script draws). The drawing depends only on the inputs.

Address space: 4 GiB would leave a program's few pages invisible, so each
region gets a box of a height that grows with the logarithm of its size,
gaps get a thinner dashed box, and the kernel half one box at the top.
"""
import math
import sys
from xml.sax.saxutils import escape

LEFT_W, RIGHT_X, BAR_W = 420, 500, 170
ROW_MIN, GAP_H = 22, 16
# Monospace glyphs are about 0.6 em wide; the canvas is made as wide as the
# widest text needs (text() records each right edge), so none is cut off.
GLYPH_EM = 0.6
COLOURS = {"file": "#cfe2f3", "heap": "#d9ead3", "stack": "#fce5cd",
           "anon": "#eeeeee", "kernel": "#999999"}


def size_text(n):
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if n >= 1 << shift:
            v = n / (1 << shift)
            return ("%d %s" if v == int(v) else "%.1f %s") % (v, unit)
    return "%d B" % n


def read_maps(path):
    regions = []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) < 5 or "-" not in parts[0]:
                continue
            start, end = (int(x, 16) for x in parts[0].split("-"))
            name = parts[5] if len(parts) > 5 else ""
            kind = ("heap" if name == "[heap]" else "stack" if name == "[stack]"
                    else "file" if name.startswith("/") else "anon")
            regions.append((start, end, parts[1], name or "anonymous", kind))
    return sorted(regions)


def read_buddyinfo(path):
    zones = []
    with open(path) as f:
        for line in f:
            if "zone" not in line:
                continue
            words = line.split("zone", 1)[1].split()
            zones.append((words[0], [int(w) for w in words[1:]]))
    return zones


def box(out, x, y, w, h, fill, dashed=False):
    dash = ' stroke-dasharray="4 3"' if dashed else ""
    out.append('<rect x="%d" y="%d" width="%d" height="%d" fill="%s" stroke="#333"%s/>'
               % (x, y, w, h, fill, dash))


right_edge = [0]


def text(out, x, y, s, size=12):
    out.append('<text x="%d" y="%d" font-family="monospace" font-size="%d">%s</text>'
               % (x, y, size, escape(s)))
    right_edge[0] = max(right_edge[0], x + math.ceil(len(s) * size * GLYPH_EM))


def address_space(out, regions, x, y):
    """Top to bottom: the kernel half, then regions and the gaps between."""
    text(out, x, y - 10, "virtual address space", 14)
    box(out, x + 90, y, LEFT_W - 90, 40, COLOURS["kernel"])
    text(out, x + 95, y + 24, "kernel half: 1 GiB, supervisor only")
    text(out, x, y + 4, "0xffffffff", 10)
    y += 40
    above = 0xC0000000
    for start, end, perms, name, kind in reversed(regions):
        text(out, x, y + 4, "0x%08x" % above, 10)
        if above > end:
            box(out, x + 90, y, LEFT_W - 90, GAP_H, "white", dashed=True)
            text(out, x + 95, y + 12, "unmapped, " + size_text(above - end), 10)
            y += GAP_H
            text(out, x, y + 4, "0x%08x" % end, 10)
        h = ROW_MIN + int(4 * math.log2(max(1, (end - start) >> 12)))
        box(out, x + 90, y, LEFT_W - 90, h, COLOURS[kind])
        text(out, x + 95, y + 15, "%s %s %s" % (name, perms, size_text(end - start)), 11)
        y += h
        above = start
    text(out, x, y + 4, "0x%08x" % above, 10)
    if above:
        box(out, x + 90, y, LEFT_W - 90, GAP_H, "white", dashed=True)
        text(out, x + 95, y + 12, "unmapped, " + size_text(above), 10)
        y += GAP_H
        text(out, x, y + 4, "0x00000000", 10)
    return y


def physical(out, zones, x, y):
    """One bar per order and zone: free blocks, and the KiB they hold."""
    text(out, x, y - 10, "physical memory: free blocks (buddyinfo)", 14)
    for zone, counts in zones:
        text(out, x, y + 12, "zone " + zone, 12)
        y += 20
        most = max([c << o for o, c in enumerate(counts)] + [1])
        for order, count in enumerate(counts):
            kib = (count << order) * 4
            w = int(BAR_W * (count << order) / most)
            box(out, x + 110, y, max(w, 1), 14, "#b4a7d6")
            text(out, x, y + 11, "order %2d (%s)" % (order, size_text(4096 << order)), 10)
            text(out, x + 115 + w, y + 11, "%d x, %s" % (count, size_text(kib << 10)), 10)
            y += 18
        y += 10
    return y


def main():
    maps, buddy, out_path = sys.argv[1:4]
    out = []
    bottom = max(address_space(out, read_maps(maps), 10, 40),
                 physical(out, read_buddyinfo(buddy), RIGHT_X, 40))
    with open(out_path, "w") as f:
        f.write('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d">\n'
                % (max(LEFT_W + 20, right_edge[0] + 10), bottom + 20))
        f.write('<rect width="100%" height="100%" fill="white"/>\n')
        f.write("\n".join(out) + "\n</svg>\n")


if __name__ == "__main__":
    main()
