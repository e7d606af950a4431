/*
 * pmu_trap.c - emulation of a guest's trapped PMU register accesses (pmu_trap.h). Plain C: the
 * registers come through struct pmu_hw. Touches only the PMU registers and the vCPU's shadow.
 */
#include "hyp/emul/pmu_trap.h"

#define PMCR_N_SHIFT 11
#define PMCR_N_MASK 0x1f
#define PMSELR_SEL_MASK 0x1f

/* op0 = 3: the PMU's encodings (Arm ARM D19.11, "Performance Monitors registers") */
#define KEY_PMCR_GROUP(op2) SYSREG_KEY(3, 3, 9, 12, op2)
#define KEY_PMCCNTR SYSREG_KEY(3, 3, 9, 13, 0)
#define KEY_PMXEVTYPER SYSREG_KEY(3, 3, 9, 13, 1)
#define KEY_PMXEVCNTR SYSREG_KEY(3, 3, 9, 13, 2)
#define KEY_PMUSERENR SYSREG_KEY(3, 3, 9, 14, 0)
#define KEY_PMOVSSET SYSREG_KEY(3, 3, 9, 14, 3)
#define KEY_PMINTENSET SYSREG_KEY(3, 0, 9, 14, 1)
#define KEY_PMINTENCLR SYSREG_KEY(3, 0, 9, 14, 2)

static const enum pmu_reg pmcr_group[8] = {
	PMU_PMCR,    PMU_PMCNTENSET, PMU_PMCNTENCLR, PMU_PMOVSCLR,
	PMU_PMSWINC, PMU_PMSELR,     PMU_PMCEID0,    PMU_PMCEID1,
};

static unsigned int nr_counters(const struct pmu_hw *hw)
{
	return (unsigned int)(hw->read(PMU_PMCR) >> PMCR_N_SHIFT) & PMCR_N_MASK;
}

/* A filter (counter n, or PMU_CYCLE_COUNTER): to the hardware without NSH, NSH kept apart. */
static uint64_t filter_to_hw(struct pmu_shadow *sh, unsigned int n, uint64_t val)
{
	if (val & PMEVTYPER_NSH)
		sh->nsh |= 1u << n;
	else
		sh->nsh &= ~(1u << n);
	return val & ~PMEVTYPER_NSH;
}

static uint64_t filter_from_hw(const struct pmu_shadow *sh, unsigned int n, uint64_t val)
{
	return (val & ~PMEVTYPER_NSH) | ((sh->nsh >> n) & 1 ? PMEVTYPER_NSH : 0);
}

/* A register reached through PMSELR (PMXEVTYPER or PMXEVCNTR for counter n): selected for the
 * access, the guest's selection put back after. */
static void indirect(const struct pmu_hw *hw, struct pmu_shadow *sh, enum pmu_reg r, unsigned int n,
		     bool read, uint64_t *val)
{
	uint64_t sel = hw->read(PMU_PMSELR);

	hw->write(PMU_PMSELR, n);
	if (read) {
		*val = hw->read(r);
		if (r == PMU_PMXEVTYPER)
			*val = filter_from_hw(sh, n, *val);
	} else {
		hw->write(r, r == PMU_PMXEVTYPER ? filter_to_hw(sh, n, *val) : *val);
	}
	hw->write(PMU_PMSELR, sel);
}

static enum sysreg_trap_result plain(const struct pmu_hw *hw, enum pmu_reg r, bool read,
				     uint64_t *val)
{
	if (read && r == PMU_PMSWINC)
		return SYSREG_UNDEF; /* write-only */
	if (!read && (r == PMU_PMCEID0 || r == PMU_PMCEID1))
		return SYSREG_UNDEF; /* read-only */
	if (read)
		*val = hw->read(r);
	else
		hw->write(r, *val);
	return SYSREG_DONE;
}

enum sysreg_trap_result pmu_trap(const struct pmu_hw *hw, struct pmu_shadow *sh, uint32_t key,
				 bool read, uint64_t *val)
{
	unsigned int n;

	if (SYSREG_OP0(key) != 3)
		return SYSREG_NOT_MINE;
	if ((key & ~SYSREG_KEY(0, 0, 0, 0, 7)) == KEY_PMCR_GROUP(0))
		return plain(hw, pmcr_group[SYSREG_OP2(key)], read, val);
	switch (key) {
	case KEY_PMCCNTR:
		return plain(hw, PMU_PMCCNTR, read, val);
	case KEY_PMUSERENR:
		return plain(hw, PMU_PMUSERENR, read, val);
	case KEY_PMOVSSET:
		return plain(hw, PMU_PMOVSSET, read, val);
	case KEY_PMINTENSET:
		return plain(hw, PMU_PMINTENSET, read, val);
	case KEY_PMINTENCLR:
		return plain(hw, PMU_PMINTENCLR, read, val);
	case KEY_PMXEVTYPER:
	case KEY_PMXEVCNTR:
		n = (unsigned int)hw->read(PMU_PMSELR) & PMSELR_SEL_MASK;
		if (n == PMU_CYCLE_COUNTER && key == KEY_PMXEVTYPER)
			goto cycle_filter;
		if (n >= nr_counters(hw))
			return SYSREG_UNDEF; /* no such counter (or PMXEVCNTR of the cycle counter)
					      */
		indirect(hw, sh, key == KEY_PMXEVTYPER ? PMU_PMXEVTYPER : PMU_PMXEVCNTR, n, read,
			 val);
		return SYSREG_DONE;
	default:
		break;
	}
	/* op1 = 3, CRn = 14: PMEVCNTR<n> at CRm 8..11, PMEVTYPER<n> at CRm 12..15, n =
	 * CRm[1:0]:op2; PMEVTYPER31 is PMCCFILTR_EL0 */
	if (SYSREG_OP1(key) != 3 || SYSREG_CRN(key) != 14 || SYSREG_CRM(key) < 8)
		return SYSREG_NOT_MINE;
	n = (SYSREG_CRM(key) & 3) << 3 | SYSREG_OP2(key);
	if (SYSREG_CRM(key) >= 12 && n == PMU_CYCLE_COUNTER)
		goto cycle_filter;
	if (n >= nr_counters(hw))
		return SYSREG_UNDEF;
	indirect(hw, sh, SYSREG_CRM(key) >= 12 ? PMU_PMXEVTYPER : PMU_PMXEVCNTR, n, read, val);
	return SYSREG_DONE;

cycle_filter:
	if (read)
		*val = filter_from_hw(sh, PMU_CYCLE_COUNTER, hw->read(PMU_PMCCFILTR));
	else
		hw->write(PMU_PMCCFILTR, filter_to_hw(sh, PMU_CYCLE_COUNTER, *val));
	return SYSREG_DONE;
}
