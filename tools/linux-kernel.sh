#!/usr/bin/env bash
# Fetch Debian 12's i386 Linux kernel once, for the programs' oracle
# (tools/linux-oracle.sh) and for the side-by-side benchmarks
# (tools/bench.py): the newest linux-image-*-686-unsigned in the i386
# package lists (tools/deps.sh adds the architecture), unpacked into
# build/linux/ with `apt-get download`, nothing installed. Leaves
#   build/linux/vmlinuz      the kernel QEMU boots
#   build/linux/version      the package's name
#   build/linux/root/boot/   its System.map (for tools/qprof.py)
set -euo pipefail
cd "$(dirname "$0")/.."

LINUX_DIR=build/linux
[ -f "$LINUX_DIR/vmlinuz" ] && exit 0
pkg=$(apt-cache search --names-only '^linux-image-[0-9.]+-[0-9]+-686-unsigned$' |
	awk '{ print $1 }' | sort -V | tail -n 1)
[ -n "$pkg" ] || { echo "linux-kernel: no linux-image-*-686-unsigned in the i386 lists" >&2; exit 1; }
mkdir -p "$LINUX_DIR"
(cd "$LINUX_DIR" && apt-get download -qq "$pkg:i386" 2>/dev/null && dpkg-deb -x "$pkg"_*_i386.deb root)
cp "$LINUX_DIR"/root/boot/vmlinuz-* "$LINUX_DIR/vmlinuz"
echo "$pkg" > "$LINUX_DIR/version"
