# tests/unit/gicv2.mk - host test of the physical GICv2 driver, drivers/gicv2.c and
# drivers/gicv2_lr.c (with drivers/gicv3.c, whose per-INTID accessors it shares), against
# ordinary memory laid out as GICD, GICC and GICH frames; tests/unit/mmio_trace.h logs the
# writes.
UNIT_TESTS += gicv2
gicv2_SRCS := drivers/gicv2.c drivers/gicv2_lr.c drivers/gicv3.c tests/unit/fake_cpu.c
gicv2_CFLAGS := -include tests/unit/mmio_trace.h
