/*
 * gicv2_lr.h - the GICv2 list-register encoding (GICH_LR<n>, IHI 0048B 5.3.11) and its
 * translation to and from the GICv3 ICH_LR<n>_EL2 layout the interrupt core (irq/lr.c)
 * writes, so that one list-register manager serves both GIC versions. Pure functions, no
 * hardware: the GICv2 driver (drivers/gicv2_lr.c) and host tests use them alike.
 */
#ifndef SKIFF_DRIVERS_GICV2_LR_H
#define SKIFF_DRIVERS_GICV2_LR_H

#include <stdint.h>

#include "drivers/lr_hw.h"

/* GICH_LR<n> (IHI 0048B 5.3.11) */
#define GICH_LR_VIRTUALID_MASK 0x3ffu
#define GICH_LR_PHYSICALID_SHIFT 10
#define GICH_LR_PHYSICALID_MASK (0x3ffu << GICH_LR_PHYSICALID_SHIFT)
#define GICH_LR_CPUID_SHIFT 10 /* HW = 0, SGIs: the requesting CPU */
#define GICH_LR_CPUID_MASK (0x7u << GICH_LR_CPUID_SHIFT)
#define GICH_LR_EOI (1u << 19)	  /* HW = 0: maintenance interrupt on deactivation */
#define GICH_LR_PRIORITY_SHIFT 23 /* the upper five bits of the priority */
#define GICH_LR_PRIORITY_MASK (0x1fu << GICH_LR_PRIORITY_SHIFT)
#define GICH_LR_STATE_SHIFT 28
#define GICH_LR_PENDING (1u << 28)
#define GICH_LR_ACTIVE (1u << 29)
#define GICH_LR_GRP1 (1u << 30)
#define GICH_LR_HW (1u << 31)

/* GICv2 priorities keep their upper five bits in an LR */
#define GICH_LR_PRIO_DROP 3

static inline uint32_t gicv2_lr_from_ich(uint64_t ich)
{
	uint32_t lr = (uint32_t)(ich & GICH_LR_VIRTUALID_MASK);
	uint32_t prio = (uint32_t)((ich & ICH_LR_PRIORITY_MASK) >> ICH_LR_PRIORITY_SHIFT);

	lr |= (prio >> GICH_LR_PRIO_DROP) << GICH_LR_PRIORITY_SHIFT;
	lr |= (uint32_t)((ich & ICH_LR_STATE_MASK) >> ICH_LR_STATE_SHIFT) << GICH_LR_STATE_SHIFT;
	if (ich & ICH_LR_GROUP)
		lr |= GICH_LR_GRP1;
	if (ich & ICH_LR_HW) {
		lr |= GICH_LR_HW | (((uint32_t)((ich & ICH_LR_PINTID_MASK) >> ICH_LR_PINTID_SHIFT)
				     << GICH_LR_PHYSICALID_SHIFT) &
				    GICH_LR_PHYSICALID_MASK);
	} else {
		if (ich & ICH_LR_EOI)
			lr |= GICH_LR_EOI;
		lr |= (uint32_t)((ich & LR_V2_CPUID_MASK) >> LR_V2_CPUID_SHIFT)
		      << GICH_LR_CPUID_SHIFT;
	}
	return lr;
}

static inline uint64_t gicv2_lr_to_ich(uint32_t lr)
{
	uint64_t ich = lr & GICH_LR_VIRTUALID_MASK;
	uint64_t prio = ((lr & GICH_LR_PRIORITY_MASK) >> GICH_LR_PRIORITY_SHIFT)
			<< GICH_LR_PRIO_DROP;

	ich |= prio << ICH_LR_PRIORITY_SHIFT;
	ich |= (uint64_t)((lr >> GICH_LR_STATE_SHIFT) & 3u) << ICH_LR_STATE_SHIFT;
	if (lr & GICH_LR_GRP1)
		ich |= ICH_LR_GROUP;
	if (lr & GICH_LR_HW) {
		ich |= ICH_LR_HW |
		       ((uint64_t)((lr & GICH_LR_PHYSICALID_MASK) >> GICH_LR_PHYSICALID_SHIFT)
			<< ICH_LR_PINTID_SHIFT);
	} else {
		if (lr & GICH_LR_EOI)
			ich |= ICH_LR_EOI;
		ich |= (uint64_t)((lr & GICH_LR_CPUID_MASK) >> GICH_LR_CPUID_SHIFT)
		       << LR_V2_CPUID_SHIFT;
	}
	return ich;
}

#endif
