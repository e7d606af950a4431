# tests/guests/guests.mk - bare-metal EL1 test guests (arm64 Images), included by the Makefile.
# Each guest is tests/guests/NAME.c linked with the runtime in tests/guests/lib/ (and skiff's
# own lib/printf.c and lib/string.c) into build/guests/NAME.bin, position-independent.
# Boot one natively:  qemu-system-aarch64 -M virt,gic-version=3 -cpu cortex-a57 -smp 2 -m 1G \
#   -nographic -nic none -kernel build/guests/NAME.bin
# or under skiff:     ... -M virt,virtualization=on,gic-version=3 -bios build/skiff.bin -kernel ...

GUESTS := gic_regs sgi timer prio disable_active doorbell abort psci pmu_debug
# GICv2 only (tests/qemu/test_gicv2.py; sgi, prio, timer, pt_uart and pt_rtc run on either GIC)
GUESTS += gicv2_regs
# SPI passthrough (tests/qemu/test_passthrough.py, with the configs dts/tests/pt-*.dts)
GUESTS += pt_uart pt_rtc pt_gpio
# the benchmark guest of `make bench` (tools/bench.py, bench/README.md)
GUESTS += bench
# isolation between guests running together: one attacks, one must not notice, one restarts
GUESTS += hostile canary lifecycle reset_flood
# the two ends of an inter-guest channel (docs/channel.md), with tests/guests/chan/chan.c
GUESTS += channel

GUEST_DIR       := $(BUILD)/guests
GUEST_LIB_SRCS  := $(wildcard tests/guests/lib/*.c) tests/guests/lib/start.S lib/printf.c lib/string.c
GUEST_LIB_OBJS  := $(patsubst %,$(GUEST_DIR)/obj/%.o,$(GUEST_LIB_SRCS))
GUEST_BINS      := $(patsubst %,$(GUEST_DIR)/%.bin,$(GUESTS))
GUEST_LDS       := tests/guests/lib/guest.ld

GUEST_CFLAGS = -std=gnu11 -O2 -g -ffreestanding -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-Iinclude/libc -I. -Iinclude -march=armv8-a -mgeneral-regs-only -mstrict-align -mno-outline-atomics \
	-fpie -fno-plt -fno-common -fno-stack-protector -ffunction-sections -fdata-sections \
	-fno-asynchronous-unwind-tables -Wall -Wextra -Werror
GUEST_ASFLAGS = -D__ASSEMBLY__ -I. -march=armv8-a
GUEST_LDFLAGS = -nostdlib -static -pie --no-dynamic-linker -z norelro -z noexecstack \
	-z max-page-size=4096 --no-warn-rwx-segments --gc-sections --no-undefined -T $(GUEST_LDS)

QEMU_TEST_DEPS += $(GUEST_BINS)

.PHONY: guests clean-guests
guests: $(GUEST_BINS)

$(GUEST_DIR)/obj/%.c.o: %.c tests/guests/guests.mk
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(GUEST_CFLAGS) -MMD -MP -c $< -o $@

$(GUEST_DIR)/obj/%.S.o: %.S tests/guests/guests.mk
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(CC) $(GUEST_ASFLAGS) -MMD -MP -c $< -o $@

$(GUEST_DIR)/%.elf: $(GUEST_DIR)/obj/tests/guests/%.c.o $(GUEST_LIB_OBJS) $(GUEST_LDS)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(LD) $(GUEST_LDFLAGS) -Map $(@:.elf=.map) -o $@ $(filter %.o,$^)
	@tools/check-relocs.sh $@

# A guest's own sources beyond NAME.c: one prerequisite line each (linked with the rest).
GUEST_EXTRA_OBJS := $(GUEST_DIR)/obj/tests/guests/hostile_probes.S.o \
	$(GUEST_DIR)/obj/tests/guests/chan/chan.c.o $(GUEST_DIR)/obj/tests/guests/chan/chan_dt.c.o \
	$(GUEST_DIR)/obj/tests/guests/spin_loader.S.o
$(GUEST_DIR)/hostile.elf: $(GUEST_DIR)/obj/tests/guests/hostile_probes.S.o
$(GUEST_DIR)/channel.elf: $(GUEST_DIR)/obj/tests/guests/chan/chan.c.o \
	$(GUEST_DIR)/obj/tests/guests/chan/chan_dt.c.o

$(GUEST_DIR)/%.bin: $(GUEST_DIR)/%.elf
	$(Q)$(OBJCOPY) -O binary $< $@

# ---- AArch32 guests (tests/guests/NAME.c with the runtime in tests/guests/lib32/), built with
# Debian's gcc-arm-none-eabi (A32, armv7-a, freestanding: only its libgcc) into
# build/guests/NAME.bin, a position-independent image with a zImage header (a skiff guest's
# kernel is AArch32 by that header). Native:  qemu-system-aarch64 -M virt,gic-version=3 \
#   -cpu cortex-a15 -smp 2 -m 1G -nographic -nic none -kernel build/guests/rt32.bin
GUESTS32        := rt32 rt32_thumb
# the AArch32 end of an inter-guest channel (docs/channel.md), with tests/guests/chan/
GUESTS32        += channel32
# the real-time guest of make bench's interference rows (tools/bench_interference.py)
GUESTS32        += rtlat32
CROSS32         ?= arm-none-eabi-
CC32            := $(CROSS32)gcc
LD32            := $(CROSS32)ld
OBJCOPY32       := $(CROSS32)objcopy
GUEST32_ARCH    := -march=armv7-a -mfloat-abi=soft
GUEST32_LIB_SRCS := $(wildcard tests/guests/lib32/*.c) tests/guests/lib32/start.S \
	tests/guests/lib/fdt.c tests/guests/lib/bootargs.c lib/printf.c lib/string.c
GUEST32_LIB_OBJS := $(patsubst %,$(GUEST_DIR)/obj32/%.o,$(GUEST32_LIB_SRCS))
GUEST32_BINS    := $(patsubst %,$(GUEST_DIR)/%.bin,$(GUESTS32))
GUEST32_LDS     := tests/guests/lib32/guest32.ld
GUEST32_LIBGCC   = $(shell $(CC32) $(GUEST32_ARCH) -mthumb -print-libgcc-file-name)
GUEST32_CFLAGS   = -std=gnu11 -O2 -g -ffreestanding -nostdinc \
	-isystem $(shell $(CC32) -print-file-name=include) -Iinclude/libc -I. -Iinclude \
	$(GUEST32_ARCH) -marm -mno-unaligned-access -fpie -fno-plt -fno-common \
	-fno-stack-protector -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables \
	-fno-unwind-tables -Wall -Wextra -Werror
GUEST32_LDFLAGS = -nostdlib -static -pie --no-dynamic-linker -z noexecstack \
	-z max-page-size=4096 --no-warn-rwx-segments --gc-sections --no-undefined -T $(GUEST32_LDS)

QEMU_TEST_DEPS += $(GUEST32_BINS)
guests: $(GUEST32_BINS)

$(GUEST_DIR)/obj32/%.c.o: %.c tests/guests/guests.mk
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC32    $<")
	$(Q)$(CC32) $(GUEST32_CFLAGS) -MMD -MP -c $< -o $@

$(GUEST_DIR)/obj32/%.S.o: %.S tests/guests/guests.mk
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS32    $<")
	$(Q)$(CC32) -D__ASSEMBLY__ -I. $(GUEST32_ARCH) -marm -MMD -MP -c $< -o $@

# rt32_thumb: rt32 with the Thumb-state first instructions of lib32/start_thumb.S
GUEST32_START   := $(GUEST_DIR)/obj32/tests/guests/lib32/start.S.o
GUEST32_THUMB_START := $(GUEST_DIR)/obj32/tests/guests/lib32/start_thumb.S.o
$(GUEST_DIR)/rt32_thumb.elf: GUEST32_LIB_OBJS := $(filter-out $(GUEST32_START),$(GUEST32_LIB_OBJS)) \
	$(GUEST32_THUMB_START)

# channel32: the channel's plain-C protocol and device-tree reading, built for AArch32
GUEST32_CHAN_OBJS := $(GUEST_DIR)/obj32/tests/guests/chan/chan.c.o \
	$(GUEST_DIR)/obj32/tests/guests/chan/chan_dt.c.o
$(GUEST_DIR)/channel32.elf: GUEST32_LIB_OBJS += $(GUEST32_CHAN_OBJS)
$(GUEST_DIR)/channel32.elf: $(GUEST32_CHAN_OBJS)

# start.S applies only R_ARM_RELATIVE: anything else fails the build
$(patsubst %,$(GUEST_DIR)/%.elf,$(GUESTS32)): $(GUEST_DIR)/%.elf: \
		$(GUEST_DIR)/obj32/tests/guests/%.c.o $(GUEST32_LIB_OBJS) $(GUEST32_THUMB_START) \
		$(GUEST32_LDS)
	@$(if $(Q),echo "  LD32    $@")
	$(Q)$(LD32) $(GUEST32_LDFLAGS) -Map $(@:.elf=.map) -o $@ \
		$(filter $(GUEST_DIR)/obj32/tests/guests/$*.c.o $(GUEST32_LIB_OBJS),$^) $(GUEST32_LIBGCC)
	@bad=$$($(CROSS32)readelf -rW $@ | awk '/^[0-9a-f]+ / && $$3 != "R_ARM_RELATIVE"'); \
		if [ -n "$$bad" ]; then echo "$@: relocations start.S cannot apply: $$bad" >&2; \
		rm -f $@; exit 1; fi

$(GUEST32_BINS): $(GUEST_DIR)/%.bin: $(GUEST_DIR)/%.elf
	$(Q)$(OBJCOPY32) -O binary $< $@

.PRECIOUS: $(GUEST_DIR)/obj32/%.c.o $(GUEST_DIR)/obj32/%.S.o

# Not a guest: the spin-table boot loader of tests/qemu/test_spin_table.py, QEMU's -bios, one
# assembly file linked to run from flash at 0.
SPIN_LOADER := $(GUEST_DIR)/spin_loader.bin
QEMU_TEST_DEPS += $(SPIN_LOADER)
$(GUEST_DIR)/spin_loader.elf: $(GUEST_DIR)/obj/tests/guests/spin_loader.S.o
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(LD) -nostdlib -static -z noexecstack -Ttext=0 -e _start -o $@ $<

.PRECIOUS: $(GUEST_DIR)/%.elf $(GUEST_DIR)/obj/%.c.o $(GUEST_DIR)/obj/%.S.o

clean: clean-guests
clean-guests:
	rm -rf $(GUEST_DIR)

# Test configurations for skiff: dts/tests/NAME.dts -> build/dts/tests/NAME.dtb, given to skiff
# at run time with -fw_cfg name=opt/skiff/config.dtb,file=build/dts/tests/NAME.dtb.
DTC             ?= dtc
TEST_DTS_DIR    := $(BUILD)/dts/tests
TEST_DTBS       := $(patsubst dts/tests/%.dts,$(TEST_DTS_DIR)/%.dtb,$(wildcard dts/tests/*.dts))

QEMU_TEST_DEPS += $(TEST_DTBS)

.PHONY: test-dtbs
test-dtbs: $(TEST_DTBS)

$(TEST_DTS_DIR)/%.dtb: dts/tests/%.dts tests/guests/guests.mk
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  DTC     $<")
	$(Q)$(DTC) -I dts -O dtb -q -o $@ $<

clean-guests: clean-test-dtbs
clean-test-dtbs:
	rm -rf $(TEST_DTS_DIR)

-include $(GUEST_LIB_OBJS:.o=.d) $(GUEST_EXTRA_OBJS:.o=.d) \
	$(patsubst %,$(GUEST_DIR)/obj/tests/guests/%.c.d,$(GUESTS)) $(GUEST32_LIB_OBJS:.o=.d) \
	$(GUEST32_THUMB_START:.o=.d) $(GUEST32_CHAN_OBJS:.o=.d) \
	$(patsubst %,$(GUEST_DIR)/obj32/tests/guests/%.c.d,$(GUESTS32))
