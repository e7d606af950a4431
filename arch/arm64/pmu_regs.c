/*
 * pmu_regs.c - MRS/MSR of the PMU registers of pmu_regs.h on this CPU. Nothing else.
 */
#include "arch/arm64/pmu_regs.h"
#include "arch/arm64/sysreg.h"

#define RD(name, reg) \
	case name:    \
		return read_sysreg(reg)
#define WR(name, reg)                   \
	case name:                      \
		write_sysreg(reg, val); \
		break

static uint64_t pmu_read(enum pmu_reg r)
{
	switch (r) {
		RD(PMU_PMCR, pmcr_el0);
		RD(PMU_PMCNTENSET, pmcntenset_el0);
		RD(PMU_PMCNTENCLR, pmcntenclr_el0);
		RD(PMU_PMOVSCLR, pmovsclr_el0);
		RD(PMU_PMSELR, pmselr_el0);
		RD(PMU_PMCEID0, pmceid0_el0);
		RD(PMU_PMCEID1, pmceid1_el0);
		RD(PMU_PMCCNTR, pmccntr_el0);
		RD(PMU_PMXEVTYPER, pmxevtyper_el0);
		RD(PMU_PMXEVCNTR, pmxevcntr_el0);
		RD(PMU_PMUSERENR, pmuserenr_el0);
		RD(PMU_PMINTENSET, pmintenset_el1);
		RD(PMU_PMINTENCLR, pmintenclr_el1);
		RD(PMU_PMOVSSET, pmovsset_el0);
		RD(PMU_PMCCFILTR, pmccfiltr_el0);
	default:
		return 0; /* PMSWINC is write-only */
	}
}

static void pmu_write(enum pmu_reg r, uint64_t val)
{
	switch (r) {
		WR(PMU_PMCR, pmcr_el0);
		WR(PMU_PMCNTENSET, pmcntenset_el0);
		WR(PMU_PMCNTENCLR, pmcntenclr_el0);
		WR(PMU_PMOVSCLR, pmovsclr_el0);
		WR(PMU_PMSWINC, pmswinc_el0);
		WR(PMU_PMSELR, pmselr_el0);
		WR(PMU_PMCCNTR, pmccntr_el0);
		WR(PMU_PMXEVTYPER, pmxevtyper_el0);
		WR(PMU_PMXEVCNTR, pmxevcntr_el0);
		WR(PMU_PMUSERENR, pmuserenr_el0);
		WR(PMU_PMINTENSET, pmintenset_el1);
		WR(PMU_PMINTENCLR, pmintenclr_el1);
		WR(PMU_PMOVSSET, pmovsset_el0);
		WR(PMU_PMCCFILTR, pmccfiltr_el0);
	default:
		break; /* PMCEID0/1 are read-only */
	}
	isb();
}

const struct pmu_hw pmu_hw_cpu = {
	.read = pmu_read,
	.write = pmu_write,
};
