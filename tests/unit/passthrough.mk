# tests/unit/passthrough.mk - host test of the passthrough SPI state machine (irq/passthrough.c)
# in its three modes, with the real vGIC (core, distributor, redistributor, register machinery,
# SGIs) and list-register manager, against a fake physical GIC and a fake virtual CPU interface.
UNIT_TESTS += passthrough
passthrough_SRCS := irq/passthrough.c irq/lr.c irq/lr_fast.c irq/sgi.c
passthrough_SRCS += irq/vgic.c irq/vgic_dist.c irq/vgic_dist_v2.c irq/vgic_mmio.c irq/vgic_redist.c
