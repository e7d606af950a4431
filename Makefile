# skiff - one entry point: make, make run, make test, make bench, make lint (and make fuzz,
# make boards, make mutate).
# `make run` and `make test` install what is missing first (tools/setup.sh).

BUILD      := build
CROSS      ?= aarch64-linux-gnu-
CC         := $(CROSS)gcc
LD         := $(CROSS)ld
OBJCOPY    := $(CROSS)objcopy
HOSTCC     ?= gcc
FDT_DIR    := $(BUILD)/deps/libfdt/usr
FDT_LIB    := $(FDT_DIR)/lib/aarch64-linux-gnu/libfdt.a
VERSION    := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

# Where QEMU virt puts the DTB for firmware (-bios) boot: the start of RAM. Only used when
# skiff finds itself started from the reset vector with no DTB in x0 (docs/boot.md, "Firmware mode").
FW_DTB_ADDR     ?= 0x40000000
# skiff's console is the UART /chosen/stdout-path names, found before the rest of the tree is
# read. EARLY_UART=<PL011 address> adds a PL011 at a fixed address for the lines before that, in
# firmware mode only (debugging; never written in payload mode). Off by default.
EARLY_UART      ?= 0

# -Os keeps skiff.bin small; the paths that run per interrupt are built -O2 (HOT_SRCS)
IMG_OPT ?= -Os
IMG_CFLAGS = -std=c11 $(IMG_OPT) -g -ffreestanding -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-Iinclude/libc -I. -Iinclude -I$(FDT_DIR)/include -march=armv8-a -mgeneral-regs-only -mstrict-align \
	-mno-outline-atomics -fpie -fvisibility=hidden -fno-common -fno-stack-protector -ffunction-sections \
	-fdata-sections -fno-asynchronous-unwind-tables -Wall -Wextra -Werror $(IMG_LTO) \
	-DSKIFF_VERSION='"$(VERSION)"' -DFW_DTB_ADDR=$(FW_DTB_ADDR) -DEARLY_UART=$(EARLY_UART)
IMG_ASFLAGS = -D__ASSEMBLY__ -I. -march=armv8-a -DFW_DTB_ADDR=$(FW_DTB_ADDR) -DEARLY_UART=$(EARLY_UART) \
	-DDEFAULT_CONFIG_DTB='"$(DEFAULT_CONFIG_DTB)"'
IMG_LDFLAGS = -nostdlib -static -pie --no-dynamic-linker -z norelro -z noexecstack -z max-page-size=4096 \
	--gc-sections --no-undefined --build-id=none -T arch/arm64/skiff.ld -Map $(BUILD)/skiff.map \
	--fix-cortex-a53-843419=adr
# Everything is optimised across files at link time (-flto): the cold code (set-up, parsing,
# assignment) for size, what runs per exit and interrupt (HOT_SRCS) at -O2, each function at its
# file's level. For the hot code that was both smaller (1.4 KiB) and faster (make bench: no
# figure up, MMIO and PSCI exits 5 to 15 % down), and make bench measures what it links to.
# IMG_COLD_OPT is for the cold code only
# (about 1.4 KiB less): no frame pointer (nothing walks frames), points-to analysis across
# files, no shrink-wrapping and no inlining of small functions called more than once. Then
# (1.3 KiB less, the hot code's instructions unchanged: one register renamed in exc_handle) no
# hoisting of loop invariants (which keeps each in a register across the loop, spilling others),
# no "expensive" RTL passes (CSE following jumps, and the like), no coalescing of variables,
# no tail merging.
IMG_COLD_OPT := -fomit-frame-pointer -fipa-pta -fno-shrink-wrap -fno-inline-small-functions \
	-fno-move-loop-invariants -fno-expensive-optimizations -fno-tree-coalesce-vars \
	-fno-tree-tail-merge
IMG_LTO := -flto $(IMG_COLD_OPT)
IMG_LINK_FLAGS := -Os $(IMG_COLD_OPT) -flto=auto -flto-partition=one -g -fpie -ffreestanding -march=armv8-a -mgeneral-regs-only -mstrict-align \
	-mno-outline-atomics -fno-stack-protector -fno-asynchronous-unwind-tables -Wall -Wextra -Werror \
	-nostdlib -nostartfiles

IMG_DIRS := arch/arm64 lib drivers irq hyp/plan hyp/emul hyp/core hyp/exit hyp/run hyp/guests hyp
IMG_SRCS := $(foreach d,$(IMG_DIRS),$(wildcard $(d)/*.c) $(wildcard $(d)/*.S))
IMG_OBJS := $(patsubst %,$(BUILD)/obj/%.o,$(IMG_SRCS))
# What runs on every guest exit and interrupt is built for speed, the rest for size: aligned to
# 4 bytes, not 16 (0.7 KiB; padding is never executed, so make bench is unchanged). The GICD/GICR
# register files, passthrough and the physical CPU table are built for size since GICv2 needed the
# room: make bench's GICD exits and the eoi/oneshot paths stay below their old -O2 figures.
HOT_SRCS := irq/lr.c irq/lr_fast.c irq/vgic.c irq/vgic_mmio.c hyp/run/irq_fast.c \
	irq/sgi.c hyp/exit/trap.c hyp/run/vcpu.c hyp/run/exception.c hyp/emul/abort.c \
	hyp/emul/mmio.c hyp/exit/psci.c hyp/run/irq_entry.c arch/arm64/vcpu_arch.c drivers/gicv3_cpuif.c \
	drivers/gicv3_lr.c
$(patsubst %,$(BUILD)/obj/%.o,$(HOT_SRCS)): IMG_OPT := -O2 -falign-functions=4 -falign-jumps=1 -falign-loops=1 -falign-labels=1
$(patsubst %,$(BUILD)/obj/%.o,$(HOT_SRCS)): IMG_LTO := -flto

HOST_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -O1 -g -Wall -Wextra -Werror -I. -Iinclude -DSKIFF_HOST_TEST \
	-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
HOST_LIBS   := -lcmocka -lfdt

.PHONY: all run test test-all lint bench setup clean unit qemu-test check-size fuzz boards mutate
# the configurations in dts/, compiled (defined before all:, which expands its prerequisites at once)
DTS_DTBS := $(patsubst dts/%.dts,$(BUILD)/dts/%.dtb,$(wildcard dts/*.dts))
all: $(BUILD)/skiff.bin check-size $(BUILD)/skiff-check $(DTS_DTBS)

setup:
	@tools/setup.sh

# What tools/setup.sh installs, checked before the first compile: on a fresh clone `make` stops
# here with one line instead of a compiler error (make run and make test run setup first).
.PHONY: need-setup
need-setup:
	@missing=; \
	command -v $(CC) >/dev/null 2>&1 || missing="$$missing $(CC)"; \
	[ -f $(FDT_LIB) ] || missing="$$missing libfdt-for-arm64"; \
	command -v dtc >/dev/null 2>&1 || missing="$$missing dtc"; \
	[ -f /usr/include/libfdt.h ] || missing="$$missing libfdt-dev"; \
	[ -z "$$missing" ] || { echo "skiff: missing$$missing: run make setup (tools/setup.sh) first"; exit 1; }

comma := ,

# V=1 shows the commands
Q := $(if $(V),,@)

$(BUILD)/obj/%.c.o: %.c Makefile
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(IMG_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/obj/%.S.o: %.S Makefile
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(CC) $(IMG_ASFLAGS) -MMD -MP -c $< -o $@

# libfdt's headers only: lib/fdt.c, hyp/plan/fdt_write.c and hyp/plan/fdt_struct.c are the
# part of libfdt the image uses, so libfdt.a is not linked (a function they lack is undefined).
$(BUILD)/skiff.elf: $(IMG_OBJS) arch/arm64/skiff.ld
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(IMG_LINK_FLAGS) $(addprefix -Wl$(comma),$(IMG_LDFLAGS)) -o $@ $(IMG_OBJS) \
		$(shell $(CC) -print-libgcc-file-name)
	@tools/check-relocs.sh $@

$(BUILD)/skiff.bin: $(BUILD)/skiff.elf tools/pack-image.py
	$(Q)$(OBJCOPY) -O binary $< $@.raw
	$(Q)python3 tools/pack-image.py $< $@.raw $@

# skiff.bin must stay under 128 KiB.
check-size: $(BUILD)/skiff.bin
	@size=$$(stat -c %s $<); [ $$size -lt 131072 ] || \
		{ echo "skiff.bin is $$size bytes, over the 128 KiB budget"; exit 1; }

# ---- configurations (dts/README.md): dts/*.dts -> build/dts/*.dtb; the image embeds the
# default one. guest@N and channel@N nodes have a unit address and no reg by design (so guest@0
# and channel@0 share one): dtc's warnings about that are off.
DEFAULT_CONFIG_DTB := $(BUILD)/dts/default.dtb
$(BUILD)/obj/hyp/plan/default_config.S.o: $(DEFAULT_CONFIG_DTB)

$(BUILD)/dts/%.dtb: dts/%.dts
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  DTC     $@")
	$(Q)dtc -W no-unit_address_vs_reg -W no-unique_unit_address -I dts -O dtb -o $@ $<

# ---- build/skiff-check: the config checker, skiff's own config/ledger/assign code on the host
CHECK_SRCS := tools/skiff_check.c hyp/plan/config.c hyp/plan/ledger.c hyp/plan/assign.c hyp/plan/modules.c hyp/plan/guest_dtb.c hyp/plan/dma.c arch/arm64/pgtable.c hyp/plan/fdt_index.c hyp/plan/platform.c hyp/plan/console_dt.c drivers/uart.c hyp/plan/fdt_addr.c hyp/plan/fdt_struct.c \
	lib/printf.c
CHECK_SRCS += hyp/plan/fdt_write.c

# the built-in default configuration, the blob the image embeds, as a C array
CHECK_DEFAULT := $(BUILD)/check/default_config.c
$(CHECK_DEFAULT): $(DEFAULT_CONFIG_DTB)
	@mkdir -p $(dir $@)
	$(Q)python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); \
		print("const unsigned char default_config[] __attribute__((aligned(8))) = {"); \
		print(",".join(str(b) for b in d)); \
		print("};\nconst unsigned int default_config_size = %d;" % len(d))' $< > $@

$(BUILD)/skiff-check: $(CHECK_SRCS) $(CHECK_DEFAULT) $(shell find lib hyp drivers -name "*.h") Makefile
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -g -Wall -Wextra -Werror -I. -Iinclude \
		-o $@ $(CHECK_SRCS) $(CHECK_DEFAULT) -lfdt

# build/skiff-check-san: the same with ASan and UBSan, for `make boards` and its smoke in make test
$(BUILD)/skiff-check-san: $(CHECK_SRCS) $(CHECK_DEFAULT) $(shell find lib hyp drivers -name "*.h") Makefile
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -o $@ $(CHECK_SRCS) $(CHECK_DEFAULT) -lfdt
QEMU_TEST_DEPS += $(BUILD)/skiff-check-san

# ---- build/early/skiff.bin: the image with the opt-in early UART at QEMU virt's PL011, for
# test_boot's cases that show it is written in firmware mode only
$(BUILD)/early/skiff.bin: FORCE
	$(Q)$(MAKE) --no-print-directory BUILD=$(BUILD)/early FDT_DIR=$(FDT_DIR) EARLY_UART=0x09000000 $@
QEMU_TEST_DEPS += $(BUILD)/early/skiff.bin
.PHONY: FORCE
FORCE:

# ---- host unit tests: each tests/unit/*.mk adds UNIT_TESTS += name and name_SRCS := ...
UNIT_TESTS :=
include $(wildcard tests/unit/*.mk)
UNIT_BINS := $(patsubst %,$(BUILD)/tests/unit/test_%,$(UNIT_TESTS))
# ---- libFuzzer targets (build/fuzz/fuzz_*): adds them and their fixtures to QEMU_TEST_DEPS
include tests/fuzz/fuzz.mk

# ---- bare-metal EL1 test guests (build/guests/*.bin): adds GUEST_BINS to QEMU_TEST_DEPS
-include tests/guests/guests.mk
# ---- the guest Linux (build/linux/: Image, initramfs.cpio.gz): adds them to QEMU_TEST_DEPS
-include tests/linux/linux.mk

# Each test is compiled from several sources in one command, so gcc cannot write their header
# dependencies: every test depends on every header of the tree.
UNIT_HDRS := $(shell find arch drivers lib hyp irq include tests/unit -name '*.h')
define unit_rule
$(BUILD)/tests/unit/test_$(1): tests/unit/test_$(1).c $$($(1)_SRCS) $(UNIT_HDRS) Makefile
	@mkdir -p $$(dir $$@)
	@$(if $(Q),echo "  HOSTCC  $$@")
	$(Q)$(HOSTCC) $$(or $$($(1)_HOST_CFLAGS),$(HOST_CFLAGS)) $$($(1)_CFLAGS) -o $$@ \
		tests/unit/test_$(1).c $$($(1)_SRCS) $(HOST_LIBS)
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_rule,$(t))))

unit: $(UNIT_BINS) $(UNIT_FIXTURES)


# ---- the two commands
test:
	@tools/setup.sh
	@$(MAKE) --no-print-directory test-all

test-all: all unit $(QEMU_TEST_DEPS)
	@python3 tools/run-tests.py --build $(BUILD) $(if $(ONLY),--only $(ONLY))

# EXAMPLE=linux-aarch32: Linux beside the AArch32 guest over a channel (tools/run.sh; README)
run:
	@tools/setup.sh
	@$(MAKE) --no-print-directory all linux $(if $(EXAMPLE),guests)
	@tools/run.sh $(RUN_ARGS)

lint:
	@tools/lint.sh

# `make bench`: interrupt latency and hypervisor cost in instructions (QEMU -icount), native vs
# skiff's hw, eoi and oneshot modes on QEMU's GICv3 and again on its GICv2, Linux boot,
# footprint, the message rate of the Linux <-> AArch32 channel; compared with bench/baseline.json.
# BASELINE=update rewrites the baseline. What each figure means: bench/README.md.
bench:
	@tools/setup.sh
	@$(MAKE) --no-print-directory all $(BUILD)/guests/bench.bin $(BUILD)/guests/channel32.bin
	@python3 tools/bench.py $(if $(filter update,$(BASELINE)),--update-baseline)

# `make mutate`: the mutants of tools/mutants/*.txt, each alone on a scratch copy, against the
# unit tests that link its file; a table per file and area, exit 1 if an area misses its target
# (README "Mutation testing"). MUTATE_JOBS=n mutants at once (2), AREA=name one area only.
mutate: unit
	@python3 tools/mutate.py --build $(BUILD) $(if $(MUTATE_JOBS),-j $(MUTATE_JOBS)) \
		$(if $(AREA),--area $(AREA))

# `make fuzz`: every libFuzzer target for FUZZ_TIME seconds (default 300), or FUZZ_TARGET=name
# alone; corpora and crash files under build/fuzz/ (tests/fuzz/README.md).
fuzz:
	@tools/setup.sh
	@$(MAKE) --no-print-directory fuzz-build
	@python3 tools/fuzz.py --build $(BUILD) $(if $(FUZZ_TIME),--time $(FUZZ_TIME)) \
		$(if $(FUZZ_TARGET),--target $(FUZZ_TARGET)) $(if $(FUZZ_JOBS),--jobs $(FUZZ_JOBS))

# `make boards`: build/skiff-check-san over the 500-odd board device trees of Debian's arm64
# kernel package (fetched into build/linux/dl/ like `make linux`'s) and corrupted copies of each;
# fails on a crash, hang or sanitizer report. A table by SoC family in build/boards/report.md.
# SEED=n or SEED=random changes the corruptions, MUTANTS=n their number a tree (6), BOARDS=text
# runs the trees whose path has it (tools/boards.py, README "Board corpus").
boards:
	@tools/setup.sh
	@$(MAKE) --no-print-directory $(BUILD)/skiff-check-san
	@python3 tools/boards.py --build $(BUILD) $(if $(SEED),--seed $(SEED)) \
		$(if $(MUTANTS),--mutants $(MUTANTS)) $(if $(BOARDS),--only $(BOARDS))

clean:
	rm -rf $(BUILD)/obj $(BUILD)/tests $(BUILD)/skiff.* $(BUILD)/skiff-check $(BUILD)/skiff-check-san \
		$(BUILD)/dts $(BUILD)/boards

$(IMG_OBJS) $(BUILD)/skiff-check $(BUILD)/skiff-check-san $(DTS_DTBS) $(UNIT_BINS): | need-setup

-include $(IMG_OBJS:.o=.d)
