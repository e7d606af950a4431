# tests/unit/fdt_addr.mk - host test of reg translation through `ranges`, hyp/plan/fdt_addr.c,
# on trees built in memory.
UNIT_TESTS += fdt_addr
fdt_addr_SRCS := hyp/plan/fdt_addr.c hyp/plan/fdt_index.c hyp/plan/fdt_struct.c lib/printf.c
