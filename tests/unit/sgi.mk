# tests/unit/sgi.mk - host test of the SGI decode (irq/sgi.c) and of vgic_sgi() in irq/vgic.c.
UNIT_TESTS += sgi
sgi_SRCS := irq/sgi.c irq/vgic.c irq/vgic_mmio.c
