/*
 * gicv3_lr.c - the GICv3 virtual CPU interface's control registers (ICH_*_EL2, GICv3
 * architecture 12.4) on this CPU: the list registers and ICH_HCR_EL2 as struct lr_hw, and their
 * reset. Touches only those system registers.
 */
#include "drivers/gicv3_lr.h"

#include "arch/arm64/sysreg.h"

#define LR_CASE(n) \
	case n:    \
		return read_sysreg(S3_4_C12_C12_##n)
#define LR_CASE_HI(n, m) \
	case n:          \
		return read_sysreg(S3_4_C12_C13_##m)
#define LR_SET(n)                                    \
	case n:                                      \
		write_sysreg(S3_4_C12_C12_##n, val); \
		break
#define LR_SET_HI(n, m)                              \
	case n:                                      \
		write_sysreg(S3_4_C12_C13_##m, val); \
		break

/* ICH_LR<n>_EL2: n = 0..7 at S3_4_C12_C12_<n>, 8..15 at S3_4_C12_C13_<n-8> */
static uint64_t ich_read_lr(unsigned int n)
{
	switch (n) {
		LR_CASE(0);
		LR_CASE(1);
		LR_CASE(2);
		LR_CASE(3);
		LR_CASE(4);
		LR_CASE(5);
		LR_CASE(6);
		LR_CASE(7);
		LR_CASE_HI(8, 0);
		LR_CASE_HI(9, 1);
		LR_CASE_HI(10, 2);
		LR_CASE_HI(11, 3);
		LR_CASE_HI(12, 4);
		LR_CASE_HI(13, 5);
		LR_CASE_HI(14, 6);
		LR_CASE_HI(15, 7);
	}
	return 0;
}

static void ich_write_lr(unsigned int n, uint64_t val)
{
	switch (n) {
		LR_SET(0);
		LR_SET(1);
		LR_SET(2);
		LR_SET(3);
		LR_SET(4);
		LR_SET(5);
		LR_SET(6);
		LR_SET(7);
		LR_SET_HI(8, 0);
		LR_SET_HI(9, 1);
		LR_SET_HI(10, 2);
		LR_SET_HI(11, 3);
		LR_SET_HI(12, 4);
		LR_SET_HI(13, 5);
		LR_SET_HI(14, 6);
		LR_SET_HI(15, 7);
	}
}

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
	.read_lr = ich_read_lr,
	.write_lr = ich_write_lr,
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
