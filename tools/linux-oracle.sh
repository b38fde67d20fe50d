#!/usr/bin/env bash
# Record what Linux prints for each user test: the expected outputs that
# tools/test.py compares Pagoda's with.
#
#   tools/linux-oracle.sh [NAME...]     (default: every case in tests/user/cases
#                                       and every session in tests/console/)
#   tools/linux-oracle.sh --check [NAME...]
#                                       record into build/oracle-check/ instead,
#                                       and fail if any differs from the
#                                       recorded one (CI runs this)
#
# It boots Debian 12's i386 kernel (linux-image-*-686-unsigned, fetched
# by tools/linux-kernel.sh into build/linux/) in the same QEMU, with the same
# initramfs Pagoda boots (build/initramfs.cpio; /init is user/init.c), and
# keeps what the program printed, between init's two report lines, in
# tests/user/expected/NAME.{glibc,musl}.out. A 64-bit host is no oracle:
# it gives a 32-bit program 4 GiB of address space, not 3.
set -euo pipefail
cd "$(dirname "$0")/.."

LINUX_DIR=build/linux
QEMU_FLAGS=(-accel tcg -cpu max -m 512M -no-reboot -nographic -net none)

out_dir=tests/user/expected
check=false
if [ "${1:-}" = --check ]; then
	check=true
	out_dir=build/oracle-check
	shift
fi

make -s build/initramfs.cpio
bash tools/linux-kernel.sh
mkdir -p "$out_dir" build/test-logs/linux
differ=0
while read -r name args; do
	case "$name" in ''|'#'*) continue ;; esac
	[ $# -eq 0 ] || printf '%s\n' "$@" | grep -qx "$name" || continue
	for libc in glibc musl; do
		prog=/bin/$name
		[ "$libc" = musl ] && prog=$prog.musl
		log=build/test-logs/linux/$name.$libc.log
		timeout 300 qemu-system-i386 "${QEMU_FLAGS[@]}" -kernel "$LINUX_DIR/vmlinuz" \
			-initrd build/initramfs.cpio \
			-append "console=ttyS0,115200 quiet loglevel=3 panic=-1 -- $prog $args" </dev/null > "$log" 2>&1 || true
		sh tools/user-output.sh "$log" > "$out_dir/$name.$libc.out"
		echo "linux-oracle: $name ($libc): $(tail -n 1 "$out_dir/$name.$libc.out")"
		if $check && ! diff -u "tests/user/expected/$name.$libc.out" "$out_dir/$name.$libc.out"; then
			echo "linux-oracle: $name ($libc): Linux now prints something else than tests/user/expected/ holds"
			differ=1
		fi
	done
done < tests/user/cases
# The interactive sessions of tests/console/: what Linux's screen showed.
for keys in tests/console/*.keys; do
	name=$(basename "$keys" .keys)
	[ $# -eq 0 ] || printf '%s\n' "$@" | grep -qx "$name" || continue
	want=tests/console/$name.out
	got=$want
	$check && got=$out_dir/console-$name.out
	python3 tools/console-session.py --linux "$keys" > "$got" || echo "linux-oracle: console $name: the session did not finish"
	echo "linux-oracle: console $name: $(wc -l < "$got") lines"
	if $check && ! diff -u "$want" "$got"; then
		echo "linux-oracle: console $name: Linux now shows something else than $want holds"
		differ=1
	fi
done
[ "$differ" -eq 0 ] || { echo "linux-oracle: expected outputs are stale: run tools/linux-oracle.sh to record them again"; exit 1; }
