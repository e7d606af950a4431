/*
 * gicv3_lr.c - the GICv3 virtual CPU interface's control registers (ICH_*_EL2, GICv3
 * architecture 12.4) on this CPU: the list registers and ICH_HCR_EL2 as struct lr_hw, and their
 * reset. Touches only those system registers.
 */
#include "drivers/gicv3_lr.h"

#include "arch/arm64/sysreg.h"

/* ICH_LR<n>_EL2, n 0..15, by number: arch/arm64/ich_lr_regs.S */
uint64_t ich_lr_read(unsigned int n);
void ich_lr_write(unsigned int n, uint64_t val);

static uint32_t ich_read_hcr(void)
{
	return (uint32_t)read_sysreg(S3_4_C12_C11_0); /* ICH_HCR_EL2 */
}

static void ich_write_hcr(uint32_t val)
{
	write_sysreg(S3_4_C12_C11_0, val);
}

static uint32_t ich_read_elrsr(void)
{
	return (uint32_t)read_sysreg(S3_4_C12_C11_5); /* ICH_ELRSR_EL2 */
}

static uint32_t ich_read_eisr(void)
{
	return (uint32_t)read_sysreg(S3_4_C12_C11_3); /* ICH_EISR_EL2 */
}

static uint32_t ich_read_misr(void)
{
	return (uint32_t)read_sysreg(S3_4_C12_C11_2); /* ICH_MISR_EL2 */
}

struct lr_hw gicv3_lr_hw = {
	.read_lr = ich_lr_read,
	.write_lr = ich_lr_write,
	.read_hcr = ich_read_hcr,
	.write_hcr = ich_write_hcr,
	.read_elrsr = ich_read_elrsr,
	.read_eisr = ich_read_eisr,
	.read_misr = ich_read_misr,
};

void gicv3_lr_hw_init(unsigned int max)
{
	gicv3_lr_hw.nr_lrs =
		(read_sysreg(S3_4_C12_C11_1) & ICH_VTR_LISTREGS_MASK) + 1; /* ICH_VTR_EL2 */
	if (gicv3_lr_hw.nr_lrs > max)
		gicv3_lr_hw.nr_lrs = max;
}

void gicv3_vcpu_if_reset(void)
{
	unsigned int n;

	for (n = 0; n < gicv3_lr_hw.nr_lrs; n++)
		gicv3_lr_hw.write_lr(n, 0);
	write_sysreg(S3_4_C12_C9_0, 0);	 /* ICH_AP1R0_EL2 */
	write_sysreg(S3_4_C12_C8_0, 0);	 /* ICH_AP0R0_EL2 */
	write_sysreg(S3_4_C12_C11_7, 0); /* ICH_VMCR_EL2 */
	gicv3_lr_hw.write_hcr(ICH_HCR_EN);
}
