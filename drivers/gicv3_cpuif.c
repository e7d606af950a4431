/*
 * gicv3_cpuif.c - the physical GICv3 CPU interface at EL2 through the ICC_* system
 * registers: system-register access on, group 1 on, EOImode = 1 so that EOIR only drops
 * priority and DIR deactivates (docs/interrupts.md, "EOImode 1 at EL2"). Touches no memory-mapped
 * frame.
 */
#include "drivers/gicv3.h"
#include "arch/arm64/sysreg.h"

#define ICC_SRE_EL2_SRE (1u << 0)
#define ICC_SRE_EL2_DFB (1u << 1)
#define ICC_SRE_EL2_DIB (1u << 2)
#define ICC_SRE_EL2_ENABLE (1u << 3)
#define ICC_CTLR_EL1_EOIMODE (1u << 1)
#define ICC_IGRPEN1_EN (1u << 0)
#define ICC_PMR_LOWEST 0xff
#define ICC_IAR_INTID_MASK 0xffffff

/* ICC_SGI1R_EL1 fields (IHI 0069 12.2.23) */
#define ICC_SGIR_AFF1_SHIFT 16
#define ICC_SGIR_INTID_SHIFT 24
#define ICC_SGIR_AFF2_SHIFT 32
#define ICC_SGIR_RS_SHIFT 44
#define ICC_SGIR_AFF3_SHIFT 48
#define MPIDR_AFF0(m) ((m)&0xff)
#define MPIDR_AFF1(m) (((m) >> 8) & 0xff)
#define MPIDR_AFF2(m) (((m) >> 16) & 0xff)
#define MPIDR_AFF3(m) (((m) >> 32) & 0xff)

void gicv3_cpuif_init(void)
{
	write_sysreg(S3_4_C12_C9_5, ICC_SRE_EL2_SRE | ICC_SRE_EL2_DFB | ICC_SRE_EL2_DIB |
					    ICC_SRE_EL2_ENABLE); /* ICC_SRE_EL2 */
	isb();
	write_sysreg(S3_0_C4_C6_0, ICC_PMR_LOWEST);	    /* ICC_PMR_EL1 */
	write_sysreg(S3_0_C12_C12_3, 0);		    /* ICC_BPR1_EL1 */
	write_sysreg(S3_0_C12_C12_4, ICC_CTLR_EL1_EOIMODE); /* ICC_CTLR_EL1 */
	write_sysreg(S3_0_C12_C12_7, ICC_IGRPEN1_EN);	    /* ICC_IGRPEN1_EL1 */
	isb();
}

unsigned int gicv3_ack(void)
{
	unsigned int intid = read_sysreg(S3_0_C12_C12_0) & ICC_IAR_INTID_MASK; /* ICC_IAR1_EL1 */

	dsb_sy();
	return intid;
}

void gicv3_eoi(unsigned int intid)
{
	write_sysreg(S3_0_C12_C12_1, intid); /* ICC_EOIR1_EL1 */
	isb();
}

void gicv3_deactivate(unsigned int intid)
{
	/* a distributor write before it (a oneshot line's mask, GICD_ICENABLER) completes first:
	 * no barrier short of a DSB orders a memory-mapped write before a system register write */
	dsb_sy();
	write_sysreg(S3_0_C12_C11_1, intid); /* ICC_DIR_EL1 */
	isb();
}

void gicv3_send_sgi(uint64_t mpidr, unsigned int sgi)
{
	uint64_t v = (MPIDR_AFF3(mpidr) << ICC_SGIR_AFF3_SHIFT) |
		     (MPIDR_AFF2(mpidr) << ICC_SGIR_AFF2_SHIFT) |
		     ((MPIDR_AFF0(mpidr) / 16) << ICC_SGIR_RS_SHIFT) |
		     ((uint64_t)sgi << ICC_SGIR_INTID_SHIFT) |
		     (MPIDR_AFF1(mpidr) << ICC_SGIR_AFF1_SHIFT) |
		     (1ull << (MPIDR_AFF0(mpidr) % 16));

	dsb_ish();
	write_sysreg(S3_0_C12_C11_5, v); /* ICC_SGI1R_EL1 */
	isb();
}
