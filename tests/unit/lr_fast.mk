# tests/unit/lr_fast.mk - host test of the eoi/oneshot fast path's interrupt half (irq/lr_fast.c),
# call by call, with the real vGIC, list-register manager and passthrough lines under it.
UNIT_TESTS += lr_fast
lr_fast_SRCS := irq/lr_fast.c irq/lr.c irq/passthrough.c irq/vgic.c irq/vgic_mmio.c irq/vgic_dist.c irq/vgic_dist_v2.c irq/sgi.c
