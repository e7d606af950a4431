# tests/unit/fdt_struct.mk - host test of hyp/plan/fdt_struct.c's full check against libfdt's
# fdt_check_full(), which it replaces in the image; reads platform.mk's fixtures.
UNIT_TESTS += fdt_struct
fdt_struct_SRCS := hyp/plan/fdt_struct.c
