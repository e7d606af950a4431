# tests/unit/mmio.mk - host test of the emulated-MMIO region table, hyp/emul/mmio.c.
UNIT_TESTS += mmio
mmio_SRCS := hyp/emul/mmio.c
