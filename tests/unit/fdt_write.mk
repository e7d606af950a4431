# tests/unit/fdt_write.mk - host test of hyp/plan/fdt_write.c against libfdt's sequential-write
# API, which it replaces in the image.
UNIT_TESTS += fdt_write
fdt_write_SRCS := hyp/plan/fdt_write.c
