/*
 * gicv2_lr.c - the GICv2 virtual interface control (GICH, IHI 0048B 5.3) of this CPU: its list
 * registers and GICH_HCR as struct lr_hw, translated to and from the ICH_LR layout the
 * interrupt core writes (drivers/gicv2_lr.h), and their reset. GICH is banked per CPU at one
 * address. Touches only the GICH frame.
 */
#include "drivers/gicv2_lr.h"
#include "drivers/gicv2.h"
#include "drivers/gicv2_regs.h"
#include "drivers/mmio.h"

static uint64_t gich_read_lr(unsigned int n)
{
	return gicv2_lr_to_ich(mmio_read32(gicv2.gich + GICH_LR0 + 4 * n));
}

static void gich_write_lr(unsigned int n, uint64_t val)
{
	mmio_write32(gicv2.gich + GICH_LR0 + 4 * n, gicv2_lr_from_ich(val));
}

/* GICH_HCR has ICH_HCR_EL2's layout for every bit skiff uses (En, UIE, LRENPIE, NPIE,
 * EOICount) */
static uint32_t gich_read_hcr(void)
{
	return mmio_read32(gicv2.gich + GICH_HCR);
}

static void gich_write_hcr(uint32_t val)
{
	mmio_write32(gicv2.gich + GICH_HCR, val);
}

/* GICH_ELRSR0, GICH_EISR0: LRs 0..31, all skiff uses (VGIC_MAX_LRS); GICH_MISR: ICH_MISR_EL2's
 * bits */
static uint32_t gich_read_elrsr(void)
{
	return mmio_read32(gicv2.gich + GICH_ELRSR0);
}

static uint32_t gich_read_eisr(void)
{
	return mmio_read32(gicv2.gich + GICH_EISR0);
}

static uint32_t gich_read_misr(void)
{
	return mmio_read32(gicv2.gich + GICH_MISR);
}

struct lr_hw gicv2_lr_hw = {
	.read_lr = gich_read_lr,
	.write_lr = gich_write_lr,
	.read_hcr = gich_read_hcr,
	.write_hcr = gich_write_hcr,
	.read_elrsr = gich_read_elrsr,
	.read_eisr = gich_read_eisr,
	.read_misr = gich_read_misr,
};

void gicv2_lr_hw_init(unsigned int max)
{
	gicv2_lr_hw.nr_lrs = (mmio_read32(gicv2.gich + GICH_VTR) & GICH_VTR_LISTREGS_MASK) + 1;
	if (gicv2_lr_hw.nr_lrs > max)
		gicv2_lr_hw.nr_lrs = max;
}

void gicv2_vcpu_if_reset(void)
{
	unsigned int n;

	for (n = 0; n < gicv2_lr_hw.nr_lrs; n++)
		mmio_write32(gicv2.gich + GICH_LR0 + 4 * n, 0);
	mmio_write32(gicv2.gich + GICH_APR, 0);
	mmio_write32(gicv2.gich + GICH_VMCR, 0);
	gich_write_hcr(ICH_HCR_EN);
}
