# tests/unit/platform.mk - host test of hyp/plan/platform.c (and hyp/plan/fdt_struct.c) and its device-tree fixtures: QEMU
# virt's own DTBs (dumped with dumpdtb, one per machine shape) and the hand-made edge and
# broken cases in tests/unit/dts/*.dts. Everything it makes goes under $(BUILD)/tests/dtb.
UNIT_TESTS += platform
platform_SRCS := hyp/plan/platform.c hyp/plan/console_dt.c drivers/uart.c hyp/plan/fdt_addr.c hyp/plan/fdt_index.c hyp/plan/fdt_struct.c lib/printf.c

platform_DTB_DIR := $(BUILD)/tests/dtb
platform_QEMU := qemu-system-aarch64
platform_VIRT := virt,virtualization=on,gic-version=3

# QEMU dumps: name, then the machine options (-M) and the other options for that name.
platform_QEMU_NAMES := qemu-smp1 qemu-smp2 qemu-smp4 qemu-smp8 qemu-smp12 qemu-a53-512M \
	qemu-max-3G qemu-gicv2 qemu-novirt qemu-secure qemu-secure-novirt
platform_qemu-smp1_M := $(platform_VIRT)
platform_qemu-smp1_ARGS := -cpu cortex-a57 -smp 1 -m 1G
platform_qemu-smp2_M := $(platform_VIRT)
platform_qemu-smp2_ARGS := -cpu cortex-a57 -smp 2 -m 1G
platform_qemu-smp4_M := $(platform_VIRT)
platform_qemu-smp4_ARGS := -cpu cortex-a57 -smp 4 -m 1G
platform_qemu-smp8_M := $(platform_VIRT)
platform_qemu-smp8_ARGS := -cpu cortex-a57 -smp 8 -m 1G
platform_qemu-smp12_M := $(platform_VIRT)
platform_qemu-smp12_ARGS := -cpu cortex-a57 -smp 12 -m 1G
platform_qemu-a53-512M_M := $(platform_VIRT)
platform_qemu-a53-512M_ARGS := -cpu cortex-a53 -smp 2 -m 512M
platform_qemu-max-3G_M := $(platform_VIRT)
platform_qemu-max-3G_ARGS := -cpu max -smp 4 -m 3G
platform_qemu-gicv2_M := virt,virtualization=on,gic-version=2
platform_qemu-gicv2_ARGS := -cpu cortex-a57 -smp 4 -m 1G
platform_qemu-novirt_M := virt,virtualization=off,gic-version=3
platform_qemu-novirt_ARGS := -cpu cortex-a57 -smp 2 -m 1G
platform_qemu-secure_M := virt,virtualization=on,secure=on,gic-version=3
platform_qemu-secure_ARGS := -cpu cortex-a57 -smp 2 -m 1G
platform_qemu-secure-novirt_M := virt,virtualization=off,secure=on,gic-version=3
platform_qemu-secure-novirt_ARGS := -cpu cortex-a57 -smp 2 -m 1G

platform_QEMU_DTBS := $(patsubst %,$(platform_DTB_DIR)/%.dtb,$(platform_QEMU_NAMES))
platform_DTS_DTBS := $(patsubst tests/unit/dts/%.dts,$(platform_DTB_DIR)/%.dtb,\
	$(wildcard tests/unit/dts/*.dts))

UNIT_FIXTURES += $(platform_QEMU_DTBS) $(platform_DTS_DTBS)

$(platform_QEMU_DTBS): $(platform_DTB_DIR)/%.dtb: tests/unit/platform.mk
	@mkdir -p $(dir $@)
	@echo "  DUMPDTB $@"
	@$(platform_QEMU) -M $(platform_$*_M),dumpdtb=$@ $(platform_$*_ARGS) -nographic -nic none \
		>$@.log 2>&1 || { cat $@.log; rm -f $@; exit 1; }
	@rm -f $@.log

# -q: the broken cases draw dtc warnings on purpose.
$(platform_DTS_DTBS): $(platform_DTB_DIR)/%.dtb: tests/unit/dts/%.dts tests/unit/dts/base.dtsi
	@mkdir -p $(dir $@)
	dtc -q -I dts -O dtb -o $@ $<
