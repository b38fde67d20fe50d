#!/usr/bin/env bash
# Run every test layer and end with one line: "N passed, N failed".
#
#   1. host unit tests (ASan + UBSan) of the machine-independent code, and a
#      short fixed-seed run of each libFuzzer harness;
#   2. the in-kernel self-tests, kernel booted by QEMU's -kernel, and the
#      frame allocator's at 16M, 1G, 3583M and 4G of RAM;
#   3. the same self-tests, booted from build/pagoda.iso through GRUB;
#   4. deliberate crashes, whose reports must explain what happened;
#   5. static glibc and musl programs on Pagoda, whose output must be what
#      Linux printed (tests/user/expected/, from tools/linux-oracle.sh);
#   6. Pagoda's views of memory (/proc, pagewalk) against what a program
#      did, and every command of docs/concepts.md;
#   7. the system-call fuzzer (user/fuzz/sysfuzz.c) on a fixed set of
#      seeds, two boots at once (tools/fuzz-sys.sh);
#   8. the docs' quotations of the code are current, and their host
#      commands print what they say.
#
# Each QEMU run has a time limit; every run's serial log is kept under
# build/test-logs/, and a failed run's is named. Exit status 0 only if
# nothing failed. `make test` builds what this needs first.
#   usage: tools/test.sh [LAYER...]    (host fuzz kernel memory grub crash user views sysfuzz docs; default all)
set -u
cd "$(dirname "$0")/.."

BUILD=build
LOGS=$BUILD/test-logs
QEMU=qemu-system-i386
# isa-debug-exit turns the kernel's pass/fail write into QEMU's exit status:
# 0x10 -> 33 (all tests passed), 0x11 -> 35 (failure); see <pagoda/qemu.h>.
QEMU_PASS=33
QEMU_FAIL=35
QEMU_FLAGS=(-accel tcg -cpu max -m 128M -no-reboot -nographic -net none
	-device isa-debug-exit,iobase=0xf4,iosize=0x04)

passed=0
failed=0
mkdir -p "$LOGS"

pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

# run_qemu LOG TIMEOUT ARGS...: boot QEMU, serial output to LOG with the
# carriage returns removed; returns QEMU's exit status (124 on time-out).
run_qemu() {
	local log=$1 limit=$2
	shift 2
	timeout "$limit" "$QEMU" "${QEMU_FLAGS[@]}" "$@" </dev/null 2>&1 | tr -d '\r' > "$log"
	return "${PIPESTATUS[0]}"
}

# tally_tap LAYER LOG STATUS WANT: count the TAP results in LOG; a run that
# printed fewer results than its plan, or ended with another status than
# WANT, counts as one more failure.
tally_tap() {
	local layer=$1 log=$2 status=$3 want=$4
	local ok nok skip plan
	ok=$(grep '^ok ' "$log" | grep -vc ' # SKIP ')
	skip=$(grep -c '^ok .* # SKIP ' "$log")
	nok=$(grep -c '^not ok ' "$log")
	plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' "$log" | head -n 1)
	passed=$((passed + ok))
	failed=$((failed + nok))
	grep '^not ok ' "$log" | sed "s/^/FAIL: $layer: /"
	grep '^ok .* # SKIP ' "$log" | sed "s/^/skipped: $layer: /"
	echo "$layer: $ok passed, $nok failed, $skip skipped (log: $log)"
	if [ -z "$plan" ] || [ $((ok + nok + skip)) -ne "$plan" ]; then
		fail "$layer: ran $((ok + nok + skip)) of ${plan:-?} planned tests; the end of the log:"
		tail -n 30 "$log" | sed 's/^/    /'
	elif [ "$status" -ne "$want" ] && [ "$nok" -eq 0 ]; then
		fail "$layer: exit status $status, expected $want"
	fi
}

# expect_lines NAME LOG PATTERN...: one test, passing if every fixed-string
# PATTERN occurs in LOG.
expect_lines() {
	local name=$1 log=$2 missing=""
	shift 2
	for p in "$@"; do
		grep -qF -- "$p" "$log" || missing="$missing\n    missing: $p"
	done
	if [ -z "$missing" ]; then pass; else fail "$name (log: $log)"; printf "%b\n" "$missing"; fi
}

layer_host() {
	local log=$LOGS/host.log status
	"$BUILD/host/unit-tests" > "$log" 2>&1
	status=$?
	tally_tap host "$log" "$status" 0
}

# A short fixed-seed pass of each libFuzzer harness: the same inputs every
# time, so a failure here is reproducible (`make fuzz` runs long).
layer_fuzz() {
	local name log
	for name in pmm heap vm; do
		log=$LOGS/fuzz-$name.log
		if "$BUILD/fuzz/fuzz_$name" -seed=1 -runs=4000 > "$log" 2>&1; then
			pass
		else
			fail "fuzz $name: the harness crashed (log: $log)"
			tail -n 20 "$log" | sed 's/^/    /'
		fi
	done
}

layer_kernel() {
	local log=$LOGS/kernel.log status
	run_qemu "$log" 60 -kernel "$BUILD/pagoda.elf" -append "test"
	status=$?
	tally_tap kernel "$log" "$status" "$QEMU_PASS"

	# loglevel=N hides messages of level N and above: the boot log's
	# memory map (level 6) disappears, the test results (printk) stay.
	log=$LOGS/kernel-loglevel.log
	run_qemu "$log" 60 -kernel "$BUILD/pagoda.elf" -append "test=eip loglevel=6"
	if [ $? -eq "$QEMU_PASS" ] && grep -q '^ok 1 - eip_in_higher_half' "$log" &&
	   ! grep -q 'Physical RAM map' "$log"; then
		pass
	else
		fail "kernel: loglevel=6 should hide the boot log (log: $log)"
	fi
}

# The frame allocator, temporary mappings and the heap at several memory
# sizes: each must account for every frame of its memory map
# (tests/kernel/test_pmm.c), and from 1G on there is high memory for kmap
# (tests/kernel/test_heap.c). With 4G, QEMU puts 1 GiB above 4 GiB, which
# the log must call out of reach.
layer_memory() {
	local size log status
	for size in 16M 1G 3583M 4G; do
		log=$LOGS/memory-$size.log
		run_qemu "$log" 120 -m "$size" -kernel "$BUILD/pagoda.elf" -append "test=pmm,kmap,heap,vmalloc,vm,uaccess"
		status=$?
		tally_tap "memory $size" "$log" "$status" "$QEMU_PASS"
	done
	if grep -qx 'ok [0-9]* - kmap_high_frames_nest' "$LOGS/memory-3583M.log"; then
		pass
	else
		fail "memory 3583M: kmap_high_frames_nest must run (not skip) with high memory"
	fi
	# A Multiboot module (QEMU's -initrd) must stay out of the allocator.
	log=$LOGS/memory-module.log
	run_qemu "$log" 60 -kernel "$BUILD/pagoda.elf" -initrd README.md -append "test=pmm"
	status=$?
	tally_tap "memory with a module" "$log" "$status" "$QEMU_PASS"
	expect_lines "memory with a module: module seen" "$log" "multiboot: module 0:"
	expect_lines "memory 4G: RAM above 4 GiB reported" "$LOGS/memory-4G.log" \
		"Memory: 1048576K of RAM above 4 GiB is out of reach without PAE"
	# The numbers themselves are checked in the kernel; here, the format.
	if grep -qE '^Memory: [0-9]+K/[0-9]+K available \([0-9]+K kernel code, [0-9]+K reserved\)$' \
		"$LOGS/memory-3583M.log"; then
		pass
	else
		fail "memory 3583M: no Linux-style 'Memory: ...K/...K available' line"
	fi
}

# The real boot loader: GRUB's memory map and command line. The image's
# grub.cfg has no "test"; QEMU adds it through fw_cfg (kern/main.c).
layer_grub() {
	local log=$LOGS/grub.log status
	run_qemu "$log" 120 -cdrom "$BUILD/pagoda.iso" -boot d \
		-fw_cfg name=opt/pagoda/cmdline,string=test
	status=$?
	tally_tap grub "$log" "$status" "$QEMU_PASS"
	expect_lines "grub: booted by GRUB with grub.cfg's command line" "$log" \
		"Physical RAM map, as given by GRUB" \
		"Command line: loglevel=7 bootloader=grub test"
	# The same image runs programs from the initramfs GRUB loaded.
	log=$LOGS/grub-user.log
	run_qemu "$log" 120 -cdrom "$BUILD/pagoda.iso" -boot d \
		-fw_cfg "name=opt/pagoda/cmdline,string=-- /bin/hello grub"
	expect_lines "grub: the initramfs is GRUB's module, and /init runs from it" "$log" \
		"multiboot: module 0:" "initramfs" "init: running /bin/hello" 'argv[1] "grub"' "init: exit status 3"
}

# crash_report KIND PATTERN...: boot with crash=KIND; the run must stop
# with the failure status and its report must contain every PATTERN.
crash_report() {
	local kind=$1 log=$LOGS/crash-$1.log status
	shift
	run_qemu "$log" 60 -kernel "$BUILD/pagoda.elf" -append "test crash=$kind"
	status=$?
	if [ "$status" -ne "$QEMU_FAIL" ]; then
		fail "crash=$kind: exit status $status, expected $QEMU_FAIL (log: $log)"
		return
	fi
	expect_lines "crash=$kind: report" "$log" "$@"
}

# crash_case KIND PATTERN...: a crash_report of a trap, which also shows
# the call trace and the control registers.
crash_case() {
	crash_report "$@" "Call trace:" "<crash_now+" "<kmain+" \
		"CR0: " "[ PE MP ET NE WP PG ]" "end of report"
}

layer_crash() {
	crash_case pagefault "Page fault (#PF), vector 14, in kernel mode" \
		"The kernel read from address 0x00100000, which no page maps." \
		"error code 0x0: not-present page | read | supervisor mode" "CR2: 00100000"
	crash_case wp "Page fault (#PF), vector 14, in kernel mode" \
		"The kernel wrote to address 0xffc00000, which is mapped read-only." \
		"error code 0x3: present (protection violation) page | write | supervisor mode"
	crash_case divide "Divide error (#DE), vector 0, in kernel mode" \
		"This usually means a DIV or IDIV by zero"
	crash_case gp "General protection fault (#GP), vector 13, in kernel mode" \
		"error code 0xfff8: GDT entry 8191"
	crash_case panic "Kernel panic: deliberate panic from the command line (crash=panic)"
	crash_case doublefree "Kernel panic: kmalloc-64: double free of object" "by crash_now+" \
		"(allocated by crash_now+" "already freed by crash_now+"
	crash_case overrun "Kernel panic: kmalloc-32: buffer overrun: object" \
		"(20 bytes asked for, allocated by crash_now+" "found when crash_now+"
	crash_case useraccess "Page fault (#PF), vector 14, in kernel mode" \
		"The kernel read from address 0x08048000, which no page maps." \
		"The address is in user space: kernel code must reach it through copyin/copyout." "crash_now+"
	# The double fault runs on a task of its own, with its own stack.
	crash_report kstack "Double fault (#DF), vector 8, taken on its own task." \
		"<recurse_forever+" \
		"Kernel stack overflow: esp is in the unmapped guard page below a" \
		"kernel stack (0x4000 bytes), so the CPU could not push the page fault." "end of report"
}

# User programs on Pagoda: each case of tests/user/cases, built against
# glibc and musl, must print exactly what Linux printed for the same binary
# (tests/user/expected/, recorded by tools/linux-oracle.sh). Then what only
# Pagoda promises: exact memory accounting, copy-on-write counts, and
# Linux's log line for a segfault.
user_boot() {
	local log=$1
	shift
	run_qemu "$log" 300 -m 256M -kernel "$BUILD/pagoda.elf" -initrd "$BUILD/initramfs.cpio" -append "panic=-1 $*"
}

# split_cases OUT DIR: one file per case of a program's output in DIR,
# named after the case, each holding what the case printed up to its
# "NAME: ok" or "NAME: FAILED..." line (user/tests/check.h); what follows
# the last case (init's report, or all of a program without cases) goes in
# DIR/_end.
split_cases() {
	rm -rf "$2" && mkdir -p "$2"
	awk -v dir="$2" '
		{ block = block $0 "\n" }
		/^[A-Za-z0-9_]+: (ok|FAILED)/ {
			name = substr($1, 1, length($1) - 1)
			printf "%s", block > (dir "/" name); close(dir "/" name); block = ""
		}
		END { printf "%s", block > (dir "/_end") }' "$1"
}

# user_compare NAME LIBC LOG: each case of the program's output on Pagoda
# against Linux's; a case that failed on Linux is a broken test.
user_compare() {
	local name=$1 libc=$2 log=$3 want=tests/user/expected/$1.$2.out block
	if [ ! -s "$want" ]; then
		fail "user: no expected output $want: record it with tools/linux-oracle.sh $name"
		return
	fi
	sh tools/user-output.sh "$log" > "$log.out"
	split_cases "$want" "$log.want"
	split_cases "$log.out" "$log.got"
	for block in "$log.want"/*; do
		block=${block##*/}
		if grep -q "^$block: FAILED" "$log.want/$block"; then
			fail "user: $name.$libc $block fails on Linux too: a broken test ($want)"
		elif diff -u "$log.want/$block" "$log.got/$block" > "$log.diff" 2>&1; then
			pass
		else
			fail "user: $name.$libc ${block#_}: Pagoda differs from Linux (log: $log)"
			head -n 20 "$log.diff" | sed 's/^/    /'
		fi
	done
}

# user_no_leak WHAT LOG: Pagoda only: the kernel's free memory after the
# program was reaped is what it was before it started (init's MemFree
# line, from /proc/meminfo): no frame or page table was leaked.
user_no_leak() {
	local line
	line=$(tr -d '\r' < "$2" | grep -m1 '^init: MemFree before ')
	if [ -n "$line" ] && echo "$line" | awk '{ exit !($4 == $7) }'; then
		pass
	else
		fail "user: $1 leaks memory: ${line:-no MemFree line} (log: $2)"
	fi
}

# USER_CASES="mmap brk" limits this layer to those programs of
# tests/user/cases (make test-user CASE=mmap).
layer_user() {
	local name args libc prog log
	while read -r name args; do
		case "$name" in ''|'#'*) continue ;; esac
		[ -z "${USER_CASES:-}" ] || [[ " $USER_CASES " == *" $name "* ]] || continue
		for libc in glibc musl; do
			prog=/bin/$name
			[ "$libc" = musl ] && prog=$prog.musl
			log=$LOGS/user-$name.$libc.log
			user_boot "$log" "quiet -- $prog $args"
			user_compare "$name" "$libc" "$log"
			user_no_leak "$name.$libc" "$log"
		done
	done < tests/user/cases
	[ -z "${USER_CASES:-}" ] || return 0

	log=$LOGS/user-forkloop-exact.log
	user_boot "$log" "quiet -- /bin/forkloop exact"
	expect_lines "user: 1000 fork/exec/exit rounds leave free memory as it was" "$log" \
		"free memory back to its start: yes"

	log=$LOGS/user-fork-vmstat.log
	user_boot "$log" "quiet vmstat -- /bin/fork_iso"
	# The child wrote 8 pages of 128 it shares with its parent: it copies
	# those and few others, not all (fork copied nothing).
	if grep -qE '^exit: fork_iso\[[0-9]+\] status 0x300 faults: .* cow_copied ([89]|1[0-9]) ' "$log"; then
		pass
	else
		fail "user: fork_iso's child should copy 8 to 19 pages on write (log: $log)"
	fi

	log=$LOGS/user-segv-log.log
	user_boot "$log" "-- /bin/segv"
	if grep -qE '^segv\[[0-9]+\]: segfault at 0 ip [0-9a-f]{8} sp [0-9a-f]{8} error 4$' "$log" &&
	   grep -qE '^segv\[[0-9]+\]: segfault at c0000000 ip [0-9a-f]{8} sp [0-9a-f]{8} error 5$' "$log"; then
		pass
	else
		fail "user: no Linux-style 'segfault at ... ip ... sp ... error ...' lines (log: $log)"
	fi
}

# Pagoda's views of memory (/proc, the pagewalk call), checked by a
# program against what it did (user/views/views.c), then every `pagoda$`
# command of docs/concepts.md, run in one boot by the shell: each must
# print something and end well.
layer_views() {
	local log=$LOGS/views.log cmds
	user_boot "$log" "quiet -- /bin/views"
	passed=$((passed + $(grep -c '^[a-z_]*: ok$' "$log")))
	grep -E '^[a-z_]*: FAILED' "$log" | sed 's/^/FAIL: views: /'
	failed=$((failed + $(grep -cE '^[a-z_]*: FAILED' "$log")))
	grep -q '^init: exit status 0$' "$log" || fail "views: /bin/views did not exit with status 0 (log: $log)"
	user_no_leak views "$log"

	log=$LOGS/views-docs.log
	cmds=$(grep -o 'pagoda\$ [^`]*' docs/concepts.md | sed 's/^pagoda\$ //' | sort -u)
	user_boot "$log" "quiet -- /bin/sh -c $(echo "$cmds" | paste -sd ';' | sed 's/;/; /g')"
	while read -r cmd; do
		if command_output "$cmd" "$log" | awk '
			/exited with status|killed by signal|^sh: / { bad = 1 }
			{ lines++ }
			END { exit !(lines > 0 && !bad) }'; then
			pass
		else
			fail "views: docs/concepts.md's command '$cmd' failed or printed nothing (log: $log)"
		fi
	done <<< "$cmds"
	docs_sessions "$log"
}

# What the shell's command CMD printed in LOG: the lines after its "$ CMD"
# echo, up to the next command's or init's end.
command_output() {
	awk -v cmd="$1" '
		$0 == "$ " cmd { inside = 1; next }
		/^\$ / || /^init: exit status/ { inside = 0 }
		inside' "$2"
}

# Rename the numbers that differ from boot to boot, consistently within
# one text: each distinct hex number becomes 0xH1, 0xH2..., each pid P1,
# P2... in order of appearance, so "the same frame" stays the same.
rename_numbers() {
	awk '{
		out = ""
		while (match($0, /0x[0-9a-f]+|pid [0-9]+/)) {
			tok = substr($0, RSTART, RLENGTH)
			if (!(tok in name))
				name[tok] = (tok ~ /^pid/ ? "pid P" : "0xH") (++n)
			out = out substr($0, 1, RSTART - 1) name[tok]
			$0 = substr($0, RSTART + RLENGTH)
		}
		print out $0
	}'
}

# A session shown in docs/concepts.md (a code block that starts with
# `pagoda$ CMD`, its output below) must be what CMD printed in LOG, up to
# rename_numbers.
docs_sessions() {
	local log=$1 cmd
	while IFS= read -r cmd; do
		if diff <(awk -v cmd="$cmd" '
				/^```/ { inside = 0; next }
				$0 == "pagoda$ " cmd { inside = 1; next }
				inside' docs/concepts.md | rename_numbers) \
			<(command_output "$cmd" "$log" | rename_numbers) > "$LOGS/views-session.diff"; then
			pass
		else
			fail "views: docs/concepts.md's session of '$cmd' is not what it prints (diff: $LOGS/views-session.diff)"
		fi
	done < <(awk '/^```/ { start = !start; next } start == 1 && /^pagoda\$ / { print substr($0, 9) } { start = start ? 2 : 0 }' docs/concepts.md)
}

# The promise of one `host$` command of the docs: the backquoted strings
# after "prints" on its line, up to the table cell's end, one per line.
host_promises() {
	local rest=$1
	[[ $rest == *prints* ]] || return 0
	rest=${rest#*prints}
	grep -o '`[^`]*`' <<< "${rest%%|*}" | tr -d '`'
}

# Every `host$` command of docs/*.md runs as the page shows it, from the
# repository's root with no input, and must end by itself and print each
# string the page says it prints; one that promises nothing must succeed.
# None may change a file of docs/: a command that draws a picture there
# must draw the one committed (when it does not, the new one is left in
# place, for git diff to show).
docs_sums() {
	find docs -type f | sort | xargs sha1sum
}

docs_host_commands() {
	local line cmd rest log status i=0 sums promises want missing
	sums=$(docs_sums)
	while IFS= read -r line; do
		if [[ $line == *'`host$ '* ]]; then     # inline, in a table or a sentence
			rest=${line#*\`host\$ }
			cmd=${rest%%\`*}
			rest=${rest#*\`}
		else                                    # a line of a code block
			cmd=${line#host\$ }
			rest=
		fi
		i=$((i + 1))
		log=$LOGS/docs-host-$i.log
		(env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS timeout 300 bash -c "$cmd") </dev/null >"$log" 2>&1
		status=$?
		promises=$(host_promises "$rest")
		missing=
		while IFS= read -r want; do
			[ -z "$want" ] || grep -qF -- "$want" "$log" || missing="$missing '$want'"
		done <<< "$promises"
		if [ "$status" -eq 124 ]; then
			fail "docs: '$cmd' did not end within 300 s (log: $log)"
		elif [ -n "$missing" ]; then
			fail "docs: '$cmd' did not print$missing (log: $log)"
		elif [ -z "$promises" ] && [ "$status" -ne 0 ]; then
			fail "docs: '$cmd' failed with status $status (log: $log)"
		elif [ "$(docs_sums)" != "$sums" ]; then
			fail "docs: '$cmd' changed files of docs/ (git diff shows how)"
			sums=$(docs_sums)
		else
			pass
		fi
	done < <(grep -h 'host\$ ' docs/*.md)
}

# sysfuzz_run ARGS...: tools/fuzz-sys.sh with ARGS, each seed one boot and
# one test.
sysfuzz_run() {
	local line
	while IFS= read -r line; do
		case "$line" in
		"fuzz-sys: seed "*": ok"*) pass ;;
		"fuzz-sys: seed "*) fail "sysfuzz: ${line#fuzz-sys: }" ;;
		"    "*) echo "$line" ;;
		*) echo "sysfuzz: ${line#fuzz-sys: }" ;;
		esac
	done < <(bash tools/fuzz-sys.sh --parallel 2 --rounds 16 --calls 400 --timeout 120 "$@")
}

# The system-call fuzzer on fixed seeds (about a minute in all, two boots
# at once): one worker at a time, four at once, and four at once in
# 32 MiB, where the out-of-memory paths run.
layer_sysfuzz() {
	sysfuzz_run --seeds 1-8
	sysfuzz_run --seeds 9-12 --jobs 4
	sysfuzz_run --seeds 13-16 --jobs 4 --mem 32M
}

# The docs quote the code; these checks keep the quotes current.
layer_docs() {
	local diagram
	# A comment that names code names code that exists.
	if python3 tools/check-names.py; then
		pass
	else
		fail "docs: stale names of files (tools/check-names.py)"
	fi
	# The layers: no cycle reaches kern/, lib/, mm/ or the console drivers.
	if python3 tools/layers.py > "$LOGS/layers.log"; then
		pass
	else
		fail "docs: a call cycle reaches a file that must be in none (log: $LOGS/layers.log; docs/layers.md)"
	fi
	diagram=$(sh tools/layout-diagram.sh)
	if grep -qF -- "$diagram" docs/memory-layout.md; then
		pass
	else
		fail "docs: the diagram in docs/memory-layout.md differs from arch/x86/include/arch/memlayout.h (tools/layout-diagram.sh prints the current one)"
	fi
	docs_host_commands
	# docs/boot.md shows the first program header: linked high, loaded low.
	if readelf -lW "$BUILD/pagoda.elf" | grep -qE '^ +LOAD +0x001000 0xc0100000 0x00100000 .* R E 0x1000$'; then
		pass
	else
		fail "docs: build/pagoda.elf's first LOAD header no longer matches docs/boot.md"
	fi
}

layers=${*:-host fuzz kernel memory grub crash user views sysfuzz docs}
for layer in $layers; do
	"layer_$layer"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
