# tests/unit/assign.mk - host test of hyp/plan/assign.c hyp/plan/dma.c arch/arm64/pgtable.c hyp/plan/fdt_index.c on the configurations of config.mk and the
# QEMU virt dumps of platform.mk (both add their fixtures to UNIT_FIXTURES).
UNIT_TESTS += assign
assign_SRCS := hyp/plan/config.c hyp/plan/ledger.c hyp/plan/assign.c hyp/plan/modules.c hyp/plan/dma.c arch/arm64/pgtable.c hyp/plan/fdt_index.c hyp/plan/platform.c hyp/plan/console_dt.c drivers/uart.c hyp/plan/fdt_addr.c hyp/plan/fdt_struct.c lib/printf.c
