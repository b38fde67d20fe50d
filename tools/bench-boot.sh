#!/bin/sh
# Guest-side measurements (boot-time setup, and the kernel microbenchmarks
# of kern/kbench.c), deterministic: QEMU's -icount shift=0 makes the
# TSC count guest instructions, so the figures repeat exactly run to run.
#   usage: tools/bench-boot.sh      (after `make`)
cd "$(dirname "$0")/.." || exit 1
echo "Frame allocator setup in the guest (QEMU -icount shift=0: TSC = instructions):"
for mem in 128M 1G 3583M; do
	cycles=$(timeout 120 qemu-system-i386 -accel tcg -cpu max -m "$mem" -no-reboot -nographic -net none \
		-icount shift=0,align=off,sleep=off \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-kernel build/pagoda.elf -append "test=none loglevel=8" </dev/null 2>&1 |
		tr -d '\r' | sed -n 's/.*set up in \([0-9]*\) TSC cycles.*/\1/p')
	printf '  %-6s %12s instructions (%s ms at 1 instruction per ns)\n' "$mem" "$cycles" \
		"$(awk -v c="$cycles" 'BEGIN { printf "%.1f", c / 1e6 }')"
done
echo
for debug in off on; do
	echo "Kernel microbenchmarks in the guest, -m 3583M (instructions per operation), heap_debug=$debug:"
	timeout 120 qemu-system-i386 -accel tcg -cpu max -m 3583M -no-reboot -nographic -net none \
		-icount shift=0,align=off,sleep=off \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-kernel build/pagoda.elf -append "bench heap_debug=$debug" </dev/null 2>&1 |
		tr -d '\r' | sed -n 's/^bench: /  /p' | grep -v 'microbenchmarks;'
done
