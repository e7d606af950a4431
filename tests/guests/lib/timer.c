/*
 * timer.c - accessors of the EL1 virtual timer (CNTV_*, CNTVCT_EL0) and EL1 physical timer
 * (CNTP_*, CNTPCT_EL0). System registers only.
 */
#include "tests/guests/lib/timer.h"

#include "tests/guests/lib/guest.h"

static uint64_t vcount(void)
{
	isb();
	return read_sysreg(cntvct_el0);
}

static void vset_ctl(uint32_t ctl)
{
	write_sysreg(ctl, cntv_ctl_el0);
	isb();
}

static uint32_t vget_ctl(void)
{
	return (uint32_t)read_sysreg(cntv_ctl_el0);
}

static void vset_cval(uint64_t cval)
{
	write_sysreg(cval, cntv_cval_el0);
	isb();
}

static void vset_tval(uint32_t tval)
{
	write_sysreg(tval, cntv_tval_el0);
	isb();
}

static uint64_t pcount(void)
{
	isb();
	return read_sysreg(cntpct_el0);
}

static void pset_ctl(uint32_t ctl)
{
	write_sysreg(ctl, cntp_ctl_el0);
	isb();
}

static uint32_t pget_ctl(void)
{
	return (uint32_t)read_sysreg(cntp_ctl_el0);
}

static void pset_cval(uint64_t cval)
{
	write_sysreg(cval, cntp_cval_el0);
	isb();
}

static void pset_tval(uint32_t tval)
{
	write_sysreg(tval, cntp_tval_el0);
	isb();
}

const struct gtimer vtimer = {
	.name = "virtual timer",
	.ppi = TIMER_VIRT_PPI,
	.count = vcount,
	.set_ctl = vset_ctl,
	.get_ctl = vget_ctl,
	.set_cval = vset_cval,
	.set_tval = vset_tval,
};

const struct gtimer ptimer = {
	.name = "EL1 physical timer",
	.ppi = TIMER_PHYS_PPI,
	.count = pcount,
	.set_ctl = pset_ctl,
	.get_ctl = pget_ctl,
	.set_cval = pset_cval,
	.set_tval = pset_tval,
};

void timers_off(void)
{
	vset_ctl(0);
	pset_ctl(0);
}
