# tests/unit/vgic.mk - host test of the vGIC core through its own calls (irq/vgic.c, with the
# SGI decode it uses) and of the emulated source on top of it (irq/emulated.c).
UNIT_TESTS += vgic
vgic_SRCS := irq/vgic.c irq/sgi.c irq/emulated.c
