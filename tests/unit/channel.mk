# tests/unit/channel.mk - host test of hyp/emul/channel.c's doorbells against the real vGIC and
# list-register manager (tests/unit/test_channel.c): what a ring costs the peer.
UNIT_TESTS += channel
channel_SRCS := hyp/emul/channel.c hyp/emul/mmio.c irq/emulated.c irq/lr.c irq/vgic.c \
	irq/vgic_mmio.c irq/sgi.c
