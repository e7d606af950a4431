# tests/unit/config.mk - host test of hyp/plan/config.c, and the device-tree fixtures it shares
# with test_assign: tests/unit/config/*.dts (configurations, and host-*.dts host trees built
# on tests/unit/dts/base.dtsi) compiled into $(BUILD)/tests/config/*.dtb, plus the default
# configuration dts/default.dts (the Makefile's DEFAULT_CONFIG_DTB) and the QEMU virt example.
UNIT_TESTS += config
config_SRCS := hyp/plan/config.c hyp/plan/fdt_struct.c lib/printf.c

config_DTB_DIR := $(BUILD)/tests/config
config_DTBS := $(patsubst tests/unit/config/%.dts,$(config_DTB_DIR)/%.dtb,\
	$(wildcard tests/unit/config/*.dts))

UNIT_FIXTURES += $(config_DTBS) $(DEFAULT_CONFIG_DTB) $(BUILD)/dts/qemu-virt.dtb

# -q: guest@N nodes (a unit address, no reg) and the broken cases draw dtc warnings on purpose.
$(config_DTBS): $(config_DTB_DIR)/%.dtb: tests/unit/config/%.dts tests/unit/dts/base.dtsi
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  DTC     $@")
	$(Q)dtc -q -I dts -O dtb -o $@ $<
