# tests/unit/pgtable.mk - host test of the translation-table builder, arch/arm64/pgtable.c.
UNIT_TESTS += pgtable
pgtable_SRCS := arch/arm64/pgtable.c
