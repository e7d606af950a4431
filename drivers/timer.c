/*
 * timer.c - the generic timer's system counter and the EL2 physical timer (CNTHP_*_EL2).
 * System registers only.
 */
#include "drivers/timer.h"
#include "arch/arm64/sysreg.h"

#define US_PER_S 1000000u

uint64_t timer_freq(void)
{
	return read_sysreg(cntfrq_el0);
}

uint64_t timer_count(void)
{
	isb();
	return read_sysreg(cntpct_el0);
}

uint64_t timer_us_to_ticks(uint64_t us)
{
	return us * timer_freq() / US_PER_S;
}

void timer_hyp_arm(uint64_t ticks)
{
	write_sysreg(cnthp_tval_el2, ticks);
	write_sysreg(cnthp_ctl_el2, CNT_CTL_ENABLE);
	isb();
}

void timer_hyp_stop(void)
{
	write_sysreg(cnthp_ctl_el2, 0);
	isb();
}

void timer_allow_el1_physical(void)
{
	write_sysreg(cnthctl_el2, CNTHCTL_EL2_VALUE);
	isb();
}
