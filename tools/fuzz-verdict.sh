#!/bin/sh
# The verdict on one boot of the system-call fuzzer: prints "ok", or why the
# seed failed. One rule for tools/fuzz-sys.sh and the sysfuzz layer of the
# test runner, which both boot the seeds themselves.
#
# A seed passes when its boot ends with sysfuzz's "sysfuzz: seed S: ... ok"
# line, init's "exit status 0", and no kernel panic or "cut here" report.
#   tools/fuzz-verdict.sh SEED LOG STATUS LIMIT
#     (STATUS is QEMU's exit status, 124 if it ran out of its LIMIT seconds)
s=$1 log=$2 status=$3 limit=$4
if grep -q 'Kernel panic\|cut here' "$log"; then
	echo "kernel: $(grep -m1 'Kernel panic:\|(#[A-Z][A-Z])' "$log" || grep -m1 'cut here' "$log")"
elif [ "$status" -eq 124 ]; then
	echo "no end within $limit s"
elif ! grep -q "^sysfuzz: seed $s: .*: ok\$" "$log"; then
	grep -m1 "^sysfuzz: seed $s.*FAILED" "$log" || echo "no final sysfuzz line (the system ended?)"
elif ! grep -q '^init: exit status 0$' "$log"; then
	echo "sysfuzz did not exit with status 0"
else
	echo ok
fi
