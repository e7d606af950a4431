# tests/unit/fdt.mk - host test of lib/fdt.c, the libfdt subset the image links in place of
# libfdt.a, against the host's libfdt: fdt_rename.h renames skiff's functions (skiff_fdt_...).
# Reads platform.mk's and config.mk's fixtures.
UNIT_TESTS += fdt
fdt_SRCS := lib/fdt.c
fdt_CFLAGS := -include tests/unit/fdt_rename.h
