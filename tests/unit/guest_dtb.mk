# tests/unit/guest_dtb.mk - host test of hyp/plan/guest_dtb.c: configurations of config.mk (the
# default one, gdtb-*.dts and their host tree host-gdtb.dts) applied by hyp/plan/assign.c hyp/plan/dma.c arch/arm64/pgtable.c hyp/plan/fdt_index.c to the
# QEMU virt dumps of platform.mk and to one more dump made here, with acpi=off (the PL061 and
# its gpio-keys are in QEMU's tree only then, when it boots firmware).
UNIT_TESTS += guest_dtb
guest_dtb_SRCS := hyp/plan/guest_dtb.c hyp/plan/config.c hyp/plan/ledger.c hyp/plan/assign.c hyp/plan/modules.c hyp/plan/dma.c arch/arm64/pgtable.c hyp/plan/fdt_index.c hyp/plan/platform.c hyp/plan/console_dt.c drivers/uart.c hyp/plan/fdt_addr.c hyp/plan/fdt_struct.c \
	lib/printf.c hyp/plan/fdt_write.c

guest_dtb_ACPIOFF_DTB := $(BUILD)/tests/dtb/qemu-acpioff.dtb
UNIT_FIXTURES += $(guest_dtb_ACPIOFF_DTB)

$(guest_dtb_ACPIOFF_DTB): tests/unit/guest_dtb.mk
	@mkdir -p $(dir $@)
	@echo "  DUMPDTB $@"
	@qemu-system-aarch64 -M virt,virtualization=on,gic-version=3,acpi=off,dumpdtb=$@ \
		-cpu cortex-a57 -smp 2 -m 1G -nographic -nic none >$@.log 2>&1 || \
		{ cat $@.log; rm -f $@; exit 1; }
	@rm -f $@.log
