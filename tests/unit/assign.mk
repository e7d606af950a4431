# tests/unit/assign.mk - host test of hyp/assign.c hyp/dma.c arch/arm64/pgtable.c hyp/fdt_index.c on the configurations of config.mk and the
# QEMU virt dumps of platform.mk (both add their fixtures to UNIT_FIXTURES).
UNIT_TESTS += assign
assign_SRCS := hyp/config.c hyp/ledger.c hyp/assign.c hyp/dma.c arch/arm64/pgtable.c hyp/fdt_index.c hyp/platform.c hyp/fdt_struct.c hyp/printf.c
