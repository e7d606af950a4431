/*
 * gic.c - the two operation tables of drivers/gic.h, binding each GIC architecture's driver
 * (gicv3*.c, gicv2*.c) to the interface the hypervisor calls, and the pointer to the one in
 * use. A GICv2's distributor has the per-INTID registers at GICv3's offsets, so those
 * accessors are shared; its private interrupts are banked there rather than in a
 * redistributor. Reads MPIDR_EL1 at a CPU's bring-up; touches nothing else itself.
 */
#include "drivers/gic.h"
#include "arch/arm64/sysreg.h"
#include "drivers/gicv2.h"
#include "drivers/gicv3.h"
#include "drivers/gicv3_lr.h"

const struct gic_ops *gic = &gicv3_ops;

static bool v3_cpu_init(uintptr_t rd)
{
	if (!gicv3_redist_init(rd))
		return false;
	gicv3_cpuif_init();
	return true;
}

const struct gic_ops gicv3_ops = {
	.version = 3,
	.cpu_init = v3_cpu_init,
	.ppi_enable = gicv3_ppi_enable,
	.ppi_deactivate = gicv3_ppi_deactivate,
	.ppi_pending = gicv3_ppi_pending,
	.ppi_active = gicv3_ppi_active,
	.spi_enable = gicv3_spi_enable,
	.spi_route = gicv3_spi_route,
	.spi_set_pending = gicv3_spi_set_pending,
	.spi_set_active = gicv3_spi_set_active,
	.spi_set_priority = gicv3_spi_set_priority,
	.spi_set_edge = gicv3_spi_set_edge,
	.spi_pending = gicv3_spi_pending,
	.spi_active = gicv3_spi_active,
	.ack = gicv3_ack,
	.eoi = gicv3_eoi,
	.deactivate = gicv3_deactivate,
	.send_sgi = gicv3_send_sgi,
	.lr = &gicv3_lr_hw,
	.lr_hw_init = gicv3_lr_hw_init,
	.vcpu_if_reset = gicv3_vcpu_if_reset,
};

/* ---- GICv2: the private interrupts are the calling CPU's bank of the distributor */

static bool v2_cpu_init(uintptr_t rd)
{
	(void)rd;
	return gicv2_cpu_init(read_sysreg(mpidr_el1) & MPIDR_AFF_MASK);
}

static void v2_ppi_enable(uintptr_t rd, unsigned int intid, bool on)
{
	(void)rd;
	gicv3_spi_enable(gicv2.gicd, intid, on);
}

static void v2_ppi_deactivate(uintptr_t rd, unsigned int intid)
{
	(void)rd;
	gicv3_spi_set_active(gicv2.gicd, intid, false);
}

static bool v2_ppi_pending(uintptr_t rd, unsigned int intid)
{
	(void)rd;
	return gicv3_spi_pending(gicv2.gicd, intid);
}

static bool v2_ppi_active(uintptr_t rd, unsigned int intid)
{
	(void)rd;
	return gicv3_spi_active(gicv2.gicd, intid);
}

const struct gic_ops gicv2_ops = {
	.version = 2,
	.cpu_init = v2_cpu_init,
	.ppi_enable = v2_ppi_enable,
	.ppi_deactivate = v2_ppi_deactivate,
	.ppi_pending = v2_ppi_pending,
	.ppi_active = v2_ppi_active,
	.spi_enable = gicv3_spi_enable,
	.spi_route = gicv2_spi_route,
	.spi_set_pending = gicv3_spi_set_pending,
	.spi_set_active = gicv3_spi_set_active,
	.spi_set_priority = gicv3_spi_set_priority,
	.spi_set_edge = gicv3_spi_set_edge, /* GICD_CTLR.RWP is RES0 on a GICv2: no wait */
	.spi_pending = gicv3_spi_pending,
	.spi_active = gicv3_spi_active,
	.ack = gicv2_ack,
	.eoi = gicv2_eoi,
	.deactivate = gicv2_deactivate,
	.send_sgi = gicv2_send_sgi,
	.lr = &gicv2_lr_hw,
	.lr_hw_init = gicv2_lr_hw_init,
	.vcpu_if_reset = gicv2_vcpu_if_reset,
};
