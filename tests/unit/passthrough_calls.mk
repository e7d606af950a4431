# tests/unit/passthrough_calls.mk - host test of irq/passthrough.c one call at a time (set-up
# refusals, partly mirrored source operations, quiesce, counters), with the real vGIC under it;
# test_passthrough.c runs the same code in whole guest scenarios.
UNIT_TESTS += passthrough_calls
passthrough_calls_SRCS := irq/passthrough.c irq/vgic.c irq/vgic_mmio.c irq/sgi.c
