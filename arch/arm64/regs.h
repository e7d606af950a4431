/*
 * regs.h - bit fields of the AArch64 system registers skiff programs, shared by C and
 * assembly. Names follow the Arm Architecture Reference Manual (DDI 0487).
 */
#ifndef SKIFF_ARCH_REGS_H
#define SKIFF_ARCH_REGS_H

#ifdef __ASSEMBLY__
#define UL(x) x
#else
#define UL(x) x##UL
#endif

#define BIT(n) (UL(1) << (n))

/* CurrentEL */
#define CURRENTEL_EL_SHIFT 2

/* MPIDR_EL1: Aff3 [39:32], Aff2 [23:16], Aff1 [15:8], Aff0 [7:0] */
#define MPIDR_AFF_MASK UL(0xff00ffffff)

/* SCTLR_EL2 (HCR_EL2.E2H == 0) */
#define SCTLR_EL2_M BIT(0)
#define SCTLR_EL2_A BIT(1)
#define SCTLR_EL2_C BIT(2)
#define SCTLR_EL2_SA BIT(3)
#define SCTLR_EL2_I BIT(12)
#define SCTLR_EL2_WXN BIT(19)
#define SCTLR_EL2_EE BIT(25)
#define SCTLR_EL2_RES1 UL(0x30c50830)

/* HCR_EL2 */
#define HCR_EL2_FMO BIT(3)
#define HCR_EL2_IMO BIT(4) /* physical IRQs to EL2, even while at EL2 */
#define HCR_EL2_AMO BIT(5)
#define HCR_EL2_RW BIT(31)

/* CPTR_EL2 (E2H == 0): TFP traps FP/SIMD; bits 13:12 and 9:0 are RES1 */
#define CPTR_EL2_RES1 UL(0x33ff)
#define CPTR_EL2_TFP BIT(10)
#define CPTR_EL2_TTA BIT(20) /* trace registers trap to EL2 */

/* ID_AA64PFR0_EL1.EL3 [15:12]: 0 = EL3 not implemented */
#define ID_AA64PFR0_EL3_SHIFT 12
#define ID_AA64PFR0_EL3_MASK UL(0xf)

/* ID_AA64MMFR0_EL1.PARange [3:0] */
#define ID_AA64MMFR0_PARANGE_MASK UL(0xf)

/* TCR_EL2 (E2H == 0) */
#define TCR_EL2_T0SZ(bits) (UL(64) - (bits))
#define TCR_EL2_IRGN0_WBWA (UL(1) << 8)
#define TCR_EL2_ORGN0_WBWA (UL(1) << 10)
#define TCR_EL2_SH0_INNER (UL(3) << 12)
#define TCR_EL2_TG0_4K (UL(0) << 14)
#define TCR_EL2_PS_SHIFT 16
#define TCR_EL2_RES1 (BIT(31) | BIT(23))

/* MAIR attribute encodings and the indexes skiff gives them */
#define MAIR_ATTR_DEVICE_nGnRE UL(0x04)
#define MAIR_ATTR_NORMAL_WB UL(0xff)
#define MAIR_ATTR_DEVICE_nGnRnE UL(0x00)
#define MAIR_ATTR_NORMAL_NC UL(0x44)
#define MAIR_IDX_DEVICE 0
#define MAIR_IDX_NORMAL 1
#define MAIR_IDX_DEVICE_STRICT 2
#define MAIR_IDX_NORMAL_NC 3
#define MAIR_EL2_VALUE                                               \
	((MAIR_ATTR_DEVICE_nGnRE << (8 * MAIR_IDX_DEVICE)) |         \
	 (MAIR_ATTR_NORMAL_WB << (8 * MAIR_IDX_NORMAL)) |            \
	 (MAIR_ATTR_DEVICE_nGnRnE << (8 * MAIR_IDX_DEVICE_STRICT)) | \
	 (MAIR_ATTR_NORMAL_NC << (8 * MAIR_IDX_NORMAL_NC)))

/* ESR_ELx */
#define ESR_EC_SHIFT 26
#define ESR_EC_MASK UL(0x3f)
#define ESR_ISS_MASK UL(0x1ffffff)

/* Generic timer control (CNTHP_CTL_EL2, CNTV_CTL_EL0 ...) */
#define CNT_CTL_ENABLE BIT(0)
#define CNT_CTL_IMASK BIT(1)
#define CNT_CTL_ISTATUS BIT(2)

/* CNTHCTL_EL2 (E2H == 0): EL1 access to the physical counter and timer, and the event
 * stream (a WFE wake-up every 2^(EVNTI+1) counter ticks: 1024 ticks, 16 us at 62.5 MHz) that
 * bounds skiff's WFE waits on hardware */
#define CNTHCTL_EL1PCTEN BIT(0)
#define CNTHCTL_EL1PCEN BIT(1)
#define CNTHCTL_EVNTEN BIT(2)
#define CNTHCTL_EVNTI_SHIFT 4
#define CNTHCTL_EVNTI_1024_TICKS (UL(9) << CNTHCTL_EVNTI_SHIFT)
#define CNTHCTL_EL2_VALUE \
	(CNTHCTL_EL1PCTEN | CNTHCTL_EL1PCEN | CNTHCTL_EVNTEN | CNTHCTL_EVNTI_1024_TICKS)

#endif
