# tests/unit/mmio.mk - host test of the emulated-MMIO region table, hyp/exit/mmio.c.
UNIT_TESTS += mmio
mmio_SRCS := hyp/exit/mmio.c
