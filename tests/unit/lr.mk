# tests/unit/lr.mk - host test of the list-register manager, irq/lr.c, linked with the real
# vGIC core (irq/vgic.c, which needs irq/sgi.c and irq/vgic_mmio.c) and played against a fake virtual CPU interface.
UNIT_TESTS += lr
lr_SRCS := irq/lr.c irq/vgic.c irq/vgic_mmio.c irq/sgi.c
