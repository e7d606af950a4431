/*
 * pmu_trap.h - a guest's PMU register accesses, trapped (MDCR_EL2.TPM) on a PMU that cannot
 * prohibit counting at EL2 by itself (before FEAT_PMUv3p5): every access goes to the hardware
 * (the vCPU owns this CPU's counters), except that the event filters' NSH bit, which would
 * make a counter count at EL2, never reaches the hardware. The guest reads back what it wrote;
 * its counters simply do not see skiff run. Accesses the architecture leaves UNDEFINED
 * (a counter that does not exist, a read of PMSWINC, a write of PMCEID) give UNDEF.
 */
#ifndef SKIFF_HYP_PMU_TRAP_H
#define SKIFF_HYP_PMU_TRAP_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/arm64/pmu_regs.h"
#include "hyp/emul/sysreg_trap.h"

#define PMEVTYPER_NSH (1ull << 27) /* count at (non-secure) EL2 */
#define PMU_CYCLE_COUNTER 31	   /* PMSELR_EL0.SEL value naming PMCCFILTR_EL0 */

/* What the guest wrote that the hardware does not hold: the NSH bit of each filter (bit n of
 * event counter n, bit 31 of the cycle counter's). One per vCPU. */
struct pmu_shadow {
	uint32_t nsh;
};

/* Emulate the trapped access to the register key (SYSREG_KEY); *val is the value written, or
 * gets the value read. */
enum sysreg_trap_result pmu_trap(const struct pmu_hw *hw, struct pmu_shadow *sh, uint32_t key,
				 bool read, uint64_t *val);

#endif
