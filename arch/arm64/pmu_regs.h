/*
 * pmu_regs.h - the PMU registers (Arm ARM D12, PMUv3) by name, read and written at EL2 on this
 * CPU, for the emulation of a guest's trapped accesses (hyp/emul/pmu_trap.c). Event counters and
 * their types are reached through PMSELR_EL0 and PMXEV*, which the caller saves around.
 */
#ifndef SKIFF_ARCH_PMU_REGS_H
#define SKIFF_ARCH_PMU_REGS_H

#include <stdint.h>

enum pmu_reg {
	PMU_PMCR,
	PMU_PMCNTENSET,
	PMU_PMCNTENCLR,
	PMU_PMOVSCLR,
	PMU_PMSWINC,
	PMU_PMSELR,
	PMU_PMCEID0,
	PMU_PMCEID1,
	PMU_PMCCNTR,
	PMU_PMXEVTYPER,
	PMU_PMXEVCNTR,
	PMU_PMUSERENR,
	PMU_PMINTENSET,
	PMU_PMINTENCLR,
	PMU_PMOVSSET,
	PMU_PMCCFILTR,
	PMU_NR_REGS,
};

struct pmu_hw {
	uint64_t (*read)(enum pmu_reg r);
	void (*write)(enum pmu_reg r, uint64_t val);
};

extern const struct pmu_hw pmu_hw_cpu;

#endif
