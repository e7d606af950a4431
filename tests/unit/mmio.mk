# tests/unit/mmio.mk - host test of the emulated-MMIO region table, hyp/mmio.c.
UNIT_TESTS += mmio
mmio_SRCS := hyp/mmio.c
