# tests/unit/vgic_smp.mk - the vGIC's locks under real concurrency (tests/unit/test_vgic_smp.c):
# host threads playing vCPUs and a writer, built with ThreadSanitizer instead of ASan/UBSan
# (the two cannot be combined), so a data race on vGIC state fails the test.
UNIT_TESTS += vgic_smp
vgic_smp_SRCS := irq/lr.c irq/lr_fast.c irq/vgic.c irq/vgic_mmio.c irq/vgic_dist.c \
	irq/vgic_dist_v2.c irq/vgic_redist.c irq/passthrough.c irq/sgi.c
vgic_smp_HOST_CFLAGS := $(filter-out -fsanitize=address%,$(HOST_CFLAGS)) -fsanitize=thread -pthread
