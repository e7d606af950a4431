# tests/unit/gicv3.mk - host test of the physical GICv3 driver's MMIO half, drivers/gicv3.c,
# against ordinary memory laid out as distributor and redistributor frames.
UNIT_TESTS += gicv3
gicv3_SRCS := drivers/gicv3.c
