# tests/unit/vgic_dist_v2.mk - host test of the virtual GICv2 distributor (irq/vgic_dist_v2.c),
# the vGIC core and register machinery under it, and the SGI sources irq/lr.c puts in the LRs.
UNIT_TESTS += vgic_dist_v2
vgic_dist_v2_SRCS := irq/vgic.c irq/vgic_mmio.c irq/vgic_dist.c irq/vgic_dist_v2.c irq/sgi.c \
	irq/lr.c
