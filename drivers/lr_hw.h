/*
 * lr_hw.h - a GIC's list registers and hypervisor control register as the interrupt core
 * (irq/lr.c) sees them: each GIC driver provides one, host tests a fake. Definitions only.
 * The values are in the GICv3 ICH_LR<n>_EL2 layout (irq/lr.h's ICH_LR_*); a GICv2 driver
 * translates them to its GICH_LR<n> layout (drivers/gicv2_lr.h).
 */
#ifndef SKIFF_DRIVERS_LR_HW_H
#define SKIFF_DRIVERS_LR_HW_H

#include <stdint.h>

/* ICH_LR<n>_EL2 (IHI 0069 12.4.6) */
#define ICH_LR_VINTID_MASK 0xffffffffull
#define ICH_LR_PINTID_SHIFT 32
#define ICH_LR_PINTID_MASK (0x1fffull << ICH_LR_PINTID_SHIFT)
#define ICH_LR_EOI (1ull << 41)
#define ICH_LR_PRIORITY_SHIFT 48
#define ICH_LR_PRIORITY_MASK (0xffull << ICH_LR_PRIORITY_SHIFT)
#define ICH_LR_GROUP (1ull << 60)
#define ICH_LR_HW (1ull << 61)
#define ICH_LR_STATE_SHIFT 62
#define ICH_LR_STATE_MASK (3ull << ICH_LR_STATE_SHIFT)
#define ICH_LR_PENDING (1ull << 62)
#define ICH_LR_ACTIVE (1ull << 63)
/*
 * skiff's own field in bits ICH_LR<n>_EL2 leaves RES0 when HW = 0: the CPU that requested a
 * GICv2 guest's SGI, which GICH_LR<n>.CPUID carries and GICV_IAR reports. Set only for GICv2
 * VMs, so never written to a GICv3's list register.
 */
#define LR_V2_CPUID_SHIFT 42
#define LR_V2_CPUID_MASK (0x7ull << LR_V2_CPUID_SHIFT)

/* ICH_HCR_EL2 (12.4.2) */
#define ICH_HCR_EN (1u << 0)
#define ICH_HCR_UIE (1u << 1)
#define ICH_HCR_LRENPIE (1u << 2)
#define ICH_HCR_NPIE (1u << 3)
#define ICH_HCR_TDIR (1u << 14)
#define ICH_HCR_EOICOUNT_SHIFT 27
#define ICH_HCR_EOICOUNT_MASK (0x1fu << ICH_HCR_EOICOUNT_SHIFT)

/* ICH_MISR_EL2 (12.4.7) */
#define ICH_MISR_EOI (1u << 0)
#define ICH_MISR_U (1u << 1)
#define ICH_MISR_LRENP (1u << 2)
#define ICH_MISR_NP (1u << 3)

/* ICH_VTR_EL2 (12.4.9) */
#define ICH_VTR_LISTREGS_MASK 0x1f

struct lr_hw {
	unsigned int nr_lrs;
	uint64_t (*read_lr)(unsigned int n);
	void (*write_lr)(unsigned int n, uint64_t val);
	uint32_t (*read_hcr)(void);
	void (*write_hcr)(uint32_t val);
	/* A bit per LR, GICv3 12.4.4 and 12.4.3 (GICv2: GICH_ELRSR0, GICH_EISR0): no valid
	 * interrupt and no maintenance request (ICH_ELRSR_EL2); no valid interrupt and the EOI bit
	 * set, a maintenance request (ICH_EISR_EL2). And ICH_MISR_EL2 (GICH_MISR: same bits). */
	uint32_t (*read_elrsr)(void);
	uint32_t (*read_eisr)(void);
	uint32_t (*read_misr)(void);
};

#endif
