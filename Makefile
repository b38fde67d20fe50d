# Pagoda: a small x86 kernel about virtual memory.
#
#   make          build build/pagoda.elf (the Multiboot kernel)
#   make iso      build build/pagoda.iso (bootable through GRUB)
#   make run      boot it in QEMU, serial console on this terminal
#   make debug    boot it paused, with a gdb stub on :1234 (see tools/gdbinit)
#   make test     every test layer; ends with "N passed, N failed"
#   make host-tests   only the host unit tests (ASan + UBSan)
#   make fuzz     run the libFuzzer harnesses (FUZZ_SECONDS each, default 600)
#   make bench    Pagoda and Linux side by side (docs/benchmarks.md)
#
# `make run` and `make test` first install any missing Debian packages
# (tools/deps.sh), so a fresh Debian 12 machine needs nothing else.

BUILD   := build
CC      := gcc
HOSTCC  := gcc
QEMU    := qemu-system-i386

# ---- The kernel ----
KCFLAGS := -m32 -march=i686 -std=gnu11 -O2 -g \
	-ffreestanding -fno-pic -fno-pie -fno-stack-protector \
	-fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
	-mno-sse -mno-sse2 -mno-mmx -mno-80387 \
	-Wall -Wextra -Werror \
	-Iinclude -Iarch/x86/include -MMD -MP
KASFLAGS := -m32 -D__ASSEMBLER__ -Iinclude -Iarch/x86/include -MMD -MP -g
KLDFLAGS := -m32 -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,noexecstack \
	-Wl,-z,max-page-size=0x1000 -Wl,-T,$(BUILD)/kernel.ld
LIBGCC  := -lgcc        # 64-bit division and friends

KERNEL_C := $(wildcard arch/x86/*.c kern/*.c mm/*.c dev/*.c lib/*.c proc/*.c fs/*.c \
	arch/x86/tests/*.c tests/kernel/*.c)
KERNEL_S := $(wildcard arch/x86/*.S arch/x86/tests/*.S tests/kernel/*.S)
KERNEL_OBJS := $(patsubst %.c,$(BUILD)/k/%.o,$(KERNEL_C)) \
	$(patsubst %.S,$(BUILD)/k/%.o,$(filter-out arch/x86/kernel.ld.S,$(KERNEL_S)))

all: $(BUILD)/pagoda.elf

$(BUILD)/k/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -c $< -o $@

# A byte loop in memset must not be turned into a call to memset.
$(BUILD)/k/lib/string.o: KCFLAGS += -fno-tree-loop-distribute-patterns

$(BUILD)/k/%.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(KASFLAGS) -c $< -o $@

# The vDSO (arch/x86/vdso/): a shared object of its own, linked at 0 with
# no relocations, that the kernel carries (arch/x86/vdso_image.S) and maps
# into every process; its symbols' offsets become a header the kernel uses.
VDSO_CFLAGS := -m32 -march=i686 -std=gnu11 -O2 -fPIC -ffreestanding -fno-stack-protector \
	-fno-asynchronous-unwind-tables -fno-jump-tables -mno-sse -mno-mmx -mno-80387 \
	-Wall -Wextra -Werror -Iinclude -MMD -MP
$(BUILD)/vdso/%.o: arch/x86/vdso/%.c
	@mkdir -p $(dir $@)
	$(CC) $(VDSO_CFLAGS) -c $< -o $@
$(BUILD)/vdso/%.o: arch/x86/vdso/%.S
	@mkdir -p $(dir $@)
	$(CC) -m32 -MMD -MP -c $< -o $@
$(BUILD)/vdso/vdso.so: $(BUILD)/vdso/vclock.o $(BUILD)/vdso/vsyscall.o arch/x86/vdso/vdso.lds
	$(CC) -m32 -nostdlib -shared -Wl,-T,arch/x86/vdso/vdso.lds -Wl,-soname=linux-gate.so.1 \
		-Wl,--hash-style=both -Wl,--build-id=none -Wl,-z,max-page-size=4096 -Wl,-Bsymbolic \
		$(BUILD)/vdso/vclock.o $(BUILD)/vdso/vsyscall.o -o $@
	@if readelf -r $@ | grep -q "R_386"; then echo "vdso: it has relocations"; exit 1; fi
	@if nm $@ | grep -q " U "; then echo "vdso: it calls what it does not have"; exit 1; fi
$(BUILD)/vdso/vdso-syms.h: $(BUILD)/vdso/vdso.so
	nm $< | awk '$$3 ~ /^__kernel_/ { printf "#define VDSO_SYM%s 0x%s\n", $$3, $$1 }' > $@
$(BUILD)/k/arch/x86/vdso_image.o: $(BUILD)/vdso/vdso.so
$(BUILD)/k/arch/x86/vdso.o: $(BUILD)/vdso/vdso-syms.h
$(BUILD)/k/arch/x86/vdso.o: KCFLAGS += -I$(BUILD)/vdso
$(BUILD)/k/arch/x86/trap_entry.o: $(BUILD)/vdso/vdso-syms.h
$(BUILD)/k/arch/x86/trap_entry.o: KASFLAGS += -I$(BUILD)/vdso
$(BUILD)/k/arch/x86/vdso_image.o: KASFLAGS += -DVDSO_SO=\"$(BUILD)/vdso/vdso.so\"

$(BUILD)/kernel.ld: arch/x86/kernel.ld.S
	@mkdir -p $(dir $@)
	$(CC) -E -P -x c -D__ASSEMBLER__ -Iinclude -Iarch/x86/include -MMD -MP -MT $@ $< -o $@

# Two link passes: the first with an empty symbol table, whose function
# addresses then fill the table of the second. The table lies after all code
# (kernel.ld.S), so no function moves between passes; the check proves it.
$(BUILD)/ksyms0.S: tools/gen-ksyms.sh
	@mkdir -p $(BUILD)
	sh tools/gen-ksyms.sh > $@
$(BUILD)/pagoda.pass1.elf: $(KERNEL_OBJS) $(BUILD)/ksyms0.o $(BUILD)/kernel.ld
	$(CC) $(KLDFLAGS) -o $@ $(KERNEL_OBJS) $(BUILD)/ksyms0.o $(LIBGCC)
$(BUILD)/ksyms.S: $(BUILD)/pagoda.pass1.elf tools/gen-ksyms.sh
	sh tools/gen-ksyms.sh $< > $@
$(BUILD)/ksyms0.o $(BUILD)/ksyms.o: $(BUILD)/%.o: $(BUILD)/%.S
	$(CC) $(KASFLAGS) -c $< -o $@
$(BUILD)/pagoda.elf: $(KERNEL_OBJS) $(BUILD)/ksyms.o $(BUILD)/kernel.ld
	$(CC) $(KLDFLAGS) -o $@.tmp $(KERNEL_OBJS) $(BUILD)/ksyms.o $(LIBGCC)
	@sh tools/gen-ksyms.sh $@.tmp > $(BUILD)/ksyms.check.S; \
	 cmp -s $(BUILD)/ksyms.S $(BUILD)/ksyms.check.S || \
	 { echo "ksyms: function addresses moved between link passes"; exit 1; }
	mv $@.tmp $@

# ---- A GRUB-bootable image ----
iso: $(BUILD)/pagoda.iso
$(BUILD)/pagoda.iso: $(BUILD)/pagoda.elf $(BUILD)/initramfs.cpio tools/grub.cfg
	@rm -rf $(BUILD)/isodir && mkdir -p $(BUILD)/isodir/boot/grub
	cp $(BUILD)/pagoda.elf $(BUILD)/isodir/boot/pagoda.elf
	cp $(BUILD)/initramfs.cpio $(BUILD)/isodir/boot/initramfs.cpio
	cp tools/grub.cfg $(BUILD)/isodir/boot/grub/grub.cfg
	grub-mkrescue -o $@ $(BUILD)/isodir 2> $(BUILD)/grub-mkrescue.log || \
		{ cat $(BUILD)/grub-mkrescue.log; exit 1; }

# ---- User programs: ordinary static i386 Linux programs ----
# Each test in user/tests/ is built twice, against glibc and against musl;
# the initramfs holds them as /bin/NAME and /bin/NAME.musl, beside /init
# (user/init.c), Pagoda's shell /bin/sh (user/sh.c) and a text file the
# tests read, /etc/lines.txt (user/data/), and malformed copies of musl's
# hello in /bin/bad/ (tools/badelf.py) for execs. The same archive
# boots Debian's Linux for the expected outputs (tools/linux-oracle.sh).
UCFLAGS     := -m32 -static -O2 -g -Wall -Wextra -Werror -fno-pie -no-pie
MUSL_CC     := $(CC) -specs=$(BUILD)/musl/musl-gcc.specs
USER_TESTS  := $(basename $(notdir $(wildcard user/tests/*.c)))
USER_SYS    := init sh
USER_CMDS   := $(basename $(notdir $(wildcard user/bin/*.c)))
USER_BINS   := $(addprefix $(BUILD)/user/,$(USER_SYS)) \
	$(addprefix $(BUILD)/user/bin/,$(USER_CMDS)) $(BUILD)/user/views/views \
	$(addprefix $(BUILD)/user/glibc/,$(USER_TESTS)) \
	$(addprefix $(BUILD)/user/musl/,$(USER_TESTS)) \
	$(BUILD)/user/bench/ubench $(BUILD)/user/bench/nop $(BUILD)/user/raw/notls \
	$(BUILD)/user/fuzz/sysfuzz

$(BUILD)/user/%: user/%.c user/bin/procfile.h include/uapi/pagoda.h
	@mkdir -p $(dir $@)
	$(CC) $(UCFLAGS) -Iinclude -o $@ $<
# Pagoda's commands (user/bin/): they read /proc and Pagoda's own calls.
$(BUILD)/user/bin/%: user/bin/%.c user/bin/procfile.h include/uapi/pagoda.h arch/x86/include/arch/mmu.h
	@mkdir -p $(dir $@)
	$(CC) $(UCFLAGS) -Iinclude -Iarch/x86/include -o $@ $<
# The Pagoda-only checks of the views (tools/test.py, layer views).
$(BUILD)/user/views/views: user/views/views.c user/tests/check.h user/bin/procfile.h include/uapi/pagoda.h
	@mkdir -p $(dir $@)
	$(CC) $(UCFLAGS) -Iinclude -Iarch/x86/include -o $@ $<
# make bench's programs (tools/bench.py): ubench against glibc, and the
# tiny program it execs against musl.
$(BUILD)/user/bench/ubench: user/bench/ubench.c include/pagoda/page.h
	@mkdir -p $(dir $@)
	$(CC) $(UCFLAGS) -Iinclude -o $@ $<
$(BUILD)/user/bench/nop: user/bench/nop.c
	@mkdir -p $(dir $@)
	$(MUSL_CC) $(UCFLAGS) -o $@ $<
# Programs with no C library at all (user/raw/), for what a libc would hide.
$(BUILD)/user/raw/%: user/raw/%.c
	@mkdir -p $(dir $@)
	$(CC) $(UCFLAGS) -nostdlib -ffreestanding -o $@ $<
# The system-call fuzzer (make fuzz-sys, tools/fuzz-sys.sh), against glibc.
$(BUILD)/user/fuzz/sysfuzz: $(wildcard user/fuzz/*.c user/fuzz/*.h) user/bin/procfile.h
	@mkdir -p $(dir $@)
	$(CC) $(UCFLAGS) -Iinclude -o $@ user/fuzz/sysfuzz.c
$(BUILD)/user/glibc/%: user/tests/%.c user/tests/check.h
	@mkdir -p $(dir $@)
	$(CC) $(UCFLAGS) -o $@ $<
$(BUILD)/user/musl/%: user/tests/%.c user/tests/check.h
	@mkdir -p $(dir $@)
	$(MUSL_CC) $(UCFLAGS) -o $@ $<

BAD_ELVES   := $(shell python3 tools/badelf.py --list)

$(BUILD)/badelf/.stamp: $(BUILD)/user/musl/hello tools/badelf.py
	python3 tools/badelf.py $< $(dir $@)
	@touch $@

# What every initramfs holds: the tree, the device nodes, /init, and what
# the fuzzer execs and opens. The fuzzer boots an archive of just these
# (and itself), so that its 32 MiB runs are not filled by the test programs.
CPIO_BASE = dir:bin dir:bin/bad dir:dev dir:dev/shm,1777 dir:etc dir:proc \
		dir:root,700 dir:tmp,1777 \
		chr:dev/console=5,1 chr:dev/tty=5,0,666 chr:dev/null=1,3,666 chr:dev/zero=1,5,666 \
		chr:dev/full=1,7,666 chr:dev/random=1,8,666 chr:dev/urandom=1,9,666 \
		sym:dev/fd=/proc/self/fd sym:dev/stdin=/proc/self/fd/0 \
		sym:dev/stdout=/proc/self/fd/1 sym:dev/stderr=/proc/self/fd/2 \
		file:init=$(BUILD)/user/init file:etc/lines.txt=user/data/lines.txt \
		$(foreach b,$(BAD_ELVES),file:bin/bad/$(b)=$(BUILD)/badelf/$(b)) \
		file:bin/bench-nop=$(BUILD)/user/bench/nop file:bin/sysfuzz=$(BUILD)/user/fuzz/sysfuzz \
		file:bin/hello=$(BUILD)/user/glibc/hello

$(BUILD)/initramfs-fuzz.cpio: $(USER_BINS) $(BUILD)/badelf/.stamp tools/mkcpio.py user/data/lines.txt Makefile
	python3 tools/mkcpio.py $@ $(CPIO_BASE)

# Debian's busybox comes with the other packages (tools/deps.sh).
$(BUILD)/busybox/bin/busybox:
	sh tools/deps.sh

$(BUILD)/initramfs.cpio: $(USER_BINS) $(BUILD)/badelf/.stamp $(BUILD)/busybox/bin/busybox tools/mkcpio.py user/data/lines.txt Makefile
	python3 tools/mkcpio.py $@ $(CPIO_BASE) file:bin/sh=$(BUILD)/user/sh \
		file:bin/busybox=$(BUILD)/busybox/bin/busybox \
		$(foreach c,$(USER_CMDS),file:bin/$(c)=$(BUILD)/user/bin/$(c)) \
		file:bin/views=$(BUILD)/user/views/views \
		file:bin/ubench=$(BUILD)/user/bench/ubench file:bin/notls=$(BUILD)/user/raw/notls \
		$(foreach t,$(filter-out hello,$(USER_TESTS)),file:bin/$(t)=$(BUILD)/user/glibc/$(t)) \
		$(foreach t,$(USER_TESTS),file:bin/$(t).musl=$(BUILD)/user/musl/$(t))
initramfs: $(BUILD)/initramfs.cpio

# ---- Host unit tests of the machine-independent code ----
HOST_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=all
HOST_CFLAGS := -DPAGODA_HOST -std=gnu11 -g -O1 -Wall -Wextra -Werror -Iinclude -Iarch/x86/include $(HOST_SAN) -MMD -MP
HOST_LIB    := lib/string.c lib/printf.c lib/cmdline.c lib/ksym_lookup.c lib/ktest.c lib/rangetree.c \
	mm/pmm.c mm/pmm_check.c mm/slab.c mm/heap.c mm/vmalloc.c arch/x86/pmap.c \
	mm/vmspace.c mm/vm_fault.c mm/vm_object.c mm/vm_usage.c mm/vm_advice.c proc/elf.c
HOST_TESTS  := $(wildcard tests/host/test_*.c) tests/host/pmm_world.c tests/host/vm_world.c tests/host/sim_mmu.c
HOST_OBJS   := $(patsubst %.c,$(BUILD)/host/%.o,$(HOST_LIB) $(HOST_TESTS)) \
	$(BUILD)/host/tests/host/oracle.o $(BUILD)/host/tests/host/main.o \
	$(BUILD)/host/tests/host/panic.o

# The kernel's libc names would collide with the host's: prefix them.
$(BUILD)/host/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) -include tests/host/rename.h -c $< -o $@
$(BUILD)/host/lib/string.o: HOST_CFLAGS += -fno-tree-loop-distribute-patterns
# The oracle and the runner use the host's own C library: no renaming.
HOST_UNRENAMED := $(addprefix $(BUILD)/host/tests/host/,oracle.o main.o panic.o)
$(HOST_UNRENAMED): $(BUILD)/host/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) -c $< -o $@

$(BUILD)/host/unit-tests: $(HOST_OBJS)
	$(HOSTCC) $(HOST_SAN) -o $@ $(HOST_OBJS)

host-tests: $(BUILD)/host/unit-tests
	$(BUILD)/host/unit-tests

# ---- Fuzzing (clang's libFuzzer) ----
# `make fuzz` runs each harness for FUZZ_SECONDS, keeping its corpus in
# build/fuzz/corpus-NAME; `make test` runs a short fixed-seed pass.
FUZZ_CC      := clang
FUZZ_SAN     := -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS  := -DPAGODA_HOST -std=gnu11 -g -O1 -Wall -Wextra -Werror -Iinclude -Iarch/x86/include -MMD -MP
FUZZ_SECONDS ?= 600
FUZZ_PMM_SRC := lib/string.c lib/printf.c mm/pmm.c mm/pmm_check.c tests/host/pmm_world.c

$(BUILD)/fuzz/renamed/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_SAN) -include tests/host/rename.h -c $< -o $@
$(BUILD)/fuzz/renamed/lib/string.o: FUZZ_CFLAGS += -fno-builtin
$(BUILD)/fuzz/fuzz_pmm: tests/fuzz/fuzz_pmm.c tests/host/panic.c \
		$(patsubst %.c,$(BUILD)/fuzz/renamed/%.o,$(FUZZ_PMM_SRC))
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_SAN) -o $@ $(filter %.c %.o,$^)

FUZZ_HEAP_SRC := $(FUZZ_PMM_SRC) mm/slab.c mm/heap.c mm/vmalloc.c arch/x86/pmap.c
$(BUILD)/fuzz/fuzz_heap: tests/fuzz/fuzz_heap.c tests/host/panic.c \
		$(patsubst %.c,$(BUILD)/fuzz/renamed/%.o,$(FUZZ_HEAP_SRC))
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_SAN) -include tests/host/rename.h -o $@ $(filter %.c %.o,$^)

FUZZ_VM_SRC := $(FUZZ_PMM_SRC) lib/rangetree.c arch/x86/pmap.c mm/vmspace.c mm/vm_fault.c mm/vm_object.c mm/vm_usage.c \
	tests/host/vm_world.c tests/host/sim_mmu.c
$(BUILD)/fuzz/fuzz_vm: tests/fuzz/fuzz_vm.c tests/host/panic.c \
		$(patsubst %.c,$(BUILD)/fuzz/renamed/%.o,$(FUZZ_VM_SRC))
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_SAN) -o $@ $(filter %.c %.o,$^)

fuzz: deps $(BUILD)/fuzz/fuzz_pmm $(BUILD)/fuzz/fuzz_heap $(BUILD)/fuzz/fuzz_vm
	@mkdir -p $(BUILD)/fuzz/corpus-pmm $(BUILD)/fuzz/corpus-heap
	$(BUILD)/fuzz/fuzz_pmm -max_total_time=$(FUZZ_SECONDS) $(BUILD)/fuzz/corpus-pmm
	$(BUILD)/fuzz/fuzz_heap -max_total_time=$(FUZZ_SECONDS) $(BUILD)/fuzz/corpus-heap
	@mkdir -p $(BUILD)/fuzz/corpus-vm
	$(BUILD)/fuzz/fuzz_vm -max_total_time=$(FUZZ_SECONDS) $(BUILD)/fuzz/corpus-vm

# ---- Benchmarks (measurements, not tests) ----
BENCH_CFLAGS := -DPAGODA_HOST -std=gnu11 -O2 -g -Wall -Wextra -Werror -Iinclude -Iarch/x86/include -MMD -MP
BENCH_PMM_SRC := lib/string.c lib/printf.c mm/pmm.c
BENCH_VM_SRC  := $(BENCH_PMM_SRC) mm/slab.c mm/heap.c mm/vmalloc.c arch/x86/pmap.c

$(BUILD)/bench/renamed/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(BENCH_CFLAGS) -include tests/host/rename.h -c $< -o $@
$(BUILD)/bench/renamed/lib/string.o: BENCH_CFLAGS += -fno-tree-loop-distribute-patterns
$(BUILD)/bench/bench_pmm: tests/bench/bench_pmm.c tests/bench/panic.c \
		$(patsubst %.c,$(BUILD)/bench/renamed/%.o,$(BENCH_PMM_SRC))
	$(HOSTCC) $(BENCH_CFLAGS) -o $@ $(filter %.c %.o,$^)

$(BUILD)/bench/bench_vm: tests/bench/bench_vm.c tests/bench/panic.c \
		$(patsubst %.c,$(BUILD)/bench/renamed/%.o,$(BENCH_VM_SRC))
	$(HOSTCC) $(BENCH_CFLAGS) -include tests/host/rename.h -o $@ $(filter %.c %.o,$^)

# Pagoda and Linux side by side on the same binaries (tools/bench.py),
# with the kernel's microbenchmarks and the host allocator figures; the
# result goes into docs/benchmarks.md.
bench: deps
	@$(MAKE) --no-print-directory all $(BUILD)/initramfs.cpio $(BUILD)/bench/bench_pmm $(BUILD)/bench/bench_vm
	@python3 tools/bench.py

# ---- Running ----
deps:
	@sh tools/deps.sh

QEMU_RUN_FLAGS := -accel tcg -cpu max -m 128M -no-reboot -nographic \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04

run: deps
	@$(MAKE) --no-print-directory all $(BUILD)/initramfs.cpio
	@echo "Booting build/pagoda.elf into its shell; quit QEMU with Ctrl-A then X."
	$(QEMU) $(QEMU_RUN_FLAGS) -kernel $(BUILD)/pagoda.elf -initrd $(BUILD)/initramfs.cpio -append "$(CMDLINE)"

run-iso: deps
	@$(MAKE) --no-print-directory iso
	$(QEMU) $(QEMU_RUN_FLAGS) -cdrom $(BUILD)/pagoda.iso

debug: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory $(BUILD)/initramfs.cpio
	@echo "QEMU is paused with a gdb stub on :1234. In another terminal: gdb -x tools/gdbinit"
	$(QEMU) $(QEMU_RUN_FLAGS) -s -S -kernel $(BUILD)/pagoda.elf -initrd $(BUILD)/initramfs.cpio -append "$(CMDLINE)"

test: deps
	@$(MAKE) --no-print-directory all iso $(BUILD)/initramfs.cpio $(BUILD)/initramfs-fuzz.cpio $(BUILD)/host/unit-tests $(BUILD)/fuzz/fuzz_pmm $(BUILD)/fuzz/fuzz_heap $(BUILD)/fuzz/fuzz_vm
	@python3 tools/test.py

# The system-call fuzzer on Pagoda, one boot per seed (tools/fuzz-sys.sh):
# make fuzz-sys SEEDS=1-8 [JOBS=1|4] [MEM=256M] [CALLS=400]
SEEDS ?= 1-4
JOBS  ?= 1
MEM   ?= 256M
CALLS ?= 400
fuzz-sys: deps
	@$(MAKE) --no-print-directory all $(BUILD)/initramfs-fuzz.cpio
	@bash tools/fuzz-sys.sh --seeds $(SEEDS) --jobs $(JOBS) --mem $(MEM) --calls $(CALLS)

# The user programs alone, or some of them: make test-user CASE="mmap brk"
test-user: deps
	@$(MAKE) --no-print-directory all $(BUILD)/initramfs.cpio
	@USER_CASES="$(CASE)" python3 tools/test.py user

clean:
	rm -rf $(BUILD)

.PHONY: all iso initramfs host-tests fuzz fuzz-sys bench deps run run-iso debug test test-user clean

-include $(shell find $(BUILD) -name '*.d' -type f 2>/dev/null)
