# tests/unit/fdt_struct.mk - host test of hyp/plan/fdt_struct.c's full check and error names against
# libfdt's fdt_check_full() and fdt_strerror(), which they replace in the image; reads platform.mk's
# fixtures.
UNIT_TESTS += fdt_struct
fdt_struct_SRCS := hyp/plan/fdt_struct.c
