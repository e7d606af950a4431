# tests/unit/vgic_redist.mk - host test of the virtual GICv3 redistributors
# (irq/vgic_redist.c) and the vGIC core and register machinery under them.
UNIT_TESTS += vgic_redist
vgic_redist_SRCS := irq/vgic.c irq/vgic_mmio.c irq/vgic_redist.c irq/vgic_dist.c irq/vgic_dist_v2.c irq/sgi.c
