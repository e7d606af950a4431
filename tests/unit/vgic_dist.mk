# tests/unit/vgic_dist.mk - host test of the virtual GICv3 distributor (irq/vgic_dist.c) and
# the vGIC core and register machinery under it.
UNIT_TESTS += vgic_dist
vgic_dist_SRCS := irq/vgic.c irq/vgic_mmio.c irq/vgic_dist.c irq/vgic_dist_v2.c irq/sgi.c
