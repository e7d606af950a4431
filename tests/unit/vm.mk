# tests/unit/vm.mk - host test of hyp/core/vm.c: a VM's build and the steps of stopping and
# restarting it, with the real vGIC, passthrough, doorbell, virtual console, stage 2 and log
# on a fake physical GIC, CPU table and timer (tests/unit/test_vm.c, tests/unit/fake_cpu.c).
UNIT_TESTS += vm
vm_SRCS := hyp/core/vm.c drivers/gicv2.c hyp/core/fastirq.c hyp/emul/mmio.c hyp/emul/doorbell.c hyp/emul/channel.c \
	hyp/emul/vconsole.c irq/vgic.c irq/vgic_mmio.c irq/vgic_dist.c irq/vgic_dist_v2.c \
	irq/vgic_redist.c \
	irq/passthrough.c irq/emulated.c irq/sgi.c irq/lr_fast.c irq/lr.c arch/arm64/stage2.c \
	arch/arm64/pgtable.c \
	lib/log.c lib/printf.c tests/unit/fake_cpu.c tests/unit/fake_console.c
