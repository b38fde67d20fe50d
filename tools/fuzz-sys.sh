#!/usr/bin/env bash
# Run the system-call fuzzer (user/fuzz/sysfuzz.c) on Pagoda, one QEMU boot
# per seed, several boots at once; report each seed, then the calls made
# in all and every failure with its log and the command that replays it.
#
#   tools/fuzz-sys.sh [--seeds A-B] [--jobs 1|4] [--mem 256M] [--calls N]
#                     [--rounds R] [--parallel P] [--timeout SECS] [--linux]
#                     [-- SYSFUZZ-ARGS...]
#
# A seed passes when its boot ends with sysfuzz's "sysfuzz: seed S: ... ok"
# line, init's "exit status 0", and no kernel panic or "cut here" report
# (tools/fuzz-verdict.sh). Logs: build/test-logs/fuzz-sys-S.log. Exit
# status 0 only if all passed. QEMU's machine flags are the test runner's
# (tools/test.py --machine-flags).
# --linux boots Debian's i386 kernel instead (tools/linux-kernel.sh), with
# the same initramfs: the check that the fuzzer's oracles allow what Linux
# really does (logs fuzz-sys-linux-S.log).
set -u
cd "$(dirname "$0")/.."

seeds=1-4 jobs=1 mem=256M calls=400 rounds=8 parallel=$(nproc) limit=600 extra=() linux=false
while [ $# -gt 0 ]; do
	case "$1" in
	--seeds) seeds=$2; shift 2 ;;
	--jobs) jobs=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--calls) calls=$2; shift 2 ;;
	--rounds) rounds=$2; shift 2 ;;
	--parallel) parallel=$2; shift 2 ;;
	--timeout) limit=$2; shift 2 ;;
	--linux) linux=true; shift ;;
	--) shift; extra=("$@"); break ;;
	*) sed -n '2,14p' "$0"; exit 2 ;;
	esac
done
first=${seeds%-*} last=${seeds#*-}
LOGS=build/test-logs
mkdir -p "$LOGS"
kernel=build/pagoda.elf kargs="panic=-1 quiet" tag=
if $linux; then
	bash tools/linux-kernel.sh >&2 || exit 1
	kernel=build/linux/vmlinuz kargs="console=ttyS0 quiet panic=-1" tag=linux-
fi

machine=$(python3 tools/test.py --machine-flags) || exit 1
read -ra machine <<< "$machine"

# boot_seed S: one boot; its verdict goes into LOG.verdict.
boot_seed() {
	local s=$1 log=$LOGS/fuzz-sys-$tag$1.log args
	args="--seed $s --rounds $rounds --calls $calls --jobs $jobs ${extra[*]}"
	echo "qemu-system-i386 ${machine[*]} -m $mem -kernel $kernel" \
		"-initrd build/initramfs-fuzz.cpio -append \"$kargs -- /bin/sysfuzz $args\"" > "$log.cmd"
	timeout "$limit" qemu-system-i386 "${machine[@]}" -m "$mem" -kernel "$kernel" \
		-initrd build/initramfs-fuzz.cpio -append "$kargs -- /bin/sysfuzz $args" \
		</dev/null 2>&1 | tr -d '\r' > "$log"
	sh tools/fuzz-verdict.sh "$s" "$log" "${PIPESTATUS[0]}" "$limit" > "$log.verdict"
}

pids=()
for s in $(seq "$first" "$last"); do
	boot_seed "$s" &
	pids+=($!)
	while [ "$(jobs -rp | wc -l)" -ge "$parallel" ]; do wait -n; done
done
wait

total=0 failed=0
for s in $(seq "$first" "$last"); do
	log=$LOGS/fuzz-sys-$tag$s.log
	calls_made=$(sed -n "s/^sysfuzz: seed $s: \([0-9]*\) calls in .*/\1/p" "$log" | head -n 1)
	total=$((total + ${calls_made:-0}))
	verdict=$(cat "$log.verdict")
	if [ "$verdict" = ok ]; then
		echo "fuzz-sys: seed $s: ok, ${calls_made:-0} calls"
	else
		failed=$((failed + 1))
		echo "fuzz-sys: seed $s: FAILED: $verdict"
		echo "    log: $log"
		echo "    replay: $(cat "$log.cmd")"
	fi
done
echo "fuzz-sys: $total calls in all; $failed of $((last - first + 1)) seeds failed"
[ "$failed" -eq 0 ]
