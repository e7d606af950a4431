/*
 * debug_regs.c - MRS/MSR of the debug registers of debug_regs.h on this CPU (the breakpoint and
 * watchpoint registers through arch/arm64/debug_bp_regs.S). Nothing else.
 */
#include "arch/arm64/debug_regs.h"
#include "arch/arm64/sysreg.h"

#define ID_AA64DFR0_BRPS_SHIFT 12
#define ID_AA64DFR0_WRPS_SHIFT 20
#define ID_AA64DFR0_XRPS_MASK 0xf

#define BP_REGS 4 /* BVR, BCR, WVR, WCR: op2 4..7 */

/* arch/arm64/debug_bp_regs.S: the register of index BP_REGS * n + r (n below DEBUG_MAX_BPS) */
uint64_t debug_bp_read(unsigned int index);
void debug_bp_write(unsigned int index, uint64_t val);

static uint64_t bp_read(enum debug_reg r, unsigned int n)
{
	return n < DEBUG_MAX_BPS ? debug_bp_read(BP_REGS * n + (unsigned int)r) : 0;
}

static void bp_write(enum debug_reg r, unsigned int n, uint64_t val)
{
	if (n < DEBUG_MAX_BPS)
		debug_bp_write(BP_REGS * n + (unsigned int)r, val);
}

static uint64_t dbg_read(enum debug_reg r, unsigned int n)
{
	switch (r) {
	case DBG_MDSCR:
		return read_sysreg(mdscr_el1);
	case DBG_OSLSR:
		return read_sysreg(oslsr_el1);
	case DBG_AUTHSTATUS:
		return read_sysreg(dbgauthstatus_el1);
	case DBG_OSLAR:
		return 0; /* write-only */
	default:
		return r <= DBG_WCR ? bp_read(r, n) : 0;
	}
}

static void dbg_write(enum debug_reg r, unsigned int n, uint64_t val)
{
	switch (r) {
	case DBG_MDSCR:
		write_sysreg(mdscr_el1, val);
		break;
	case DBG_OSLAR:
		write_sysreg(oslar_el1, val);
		break;
	case DBG_OSLSR:
	case DBG_AUTHSTATUS:
		break; /* read-only */
	default:
		if (r <= DBG_WCR)
			bp_write(r, n, val);
		break;
	}
	isb();
}

static unsigned int nr_bps(void)
{
	return ((read_sysreg(id_aa64dfr0_el1) >> ID_AA64DFR0_BRPS_SHIFT) & ID_AA64DFR0_XRPS_MASK) +
	       1;
}

static unsigned int nr_wps(void)
{
	return ((read_sysreg(id_aa64dfr0_el1) >> ID_AA64DFR0_WRPS_SHIFT) & ID_AA64DFR0_XRPS_MASK) +
	       1;
}

const struct debug_hw debug_hw_cpu = {
	.read = dbg_read,
	.write = dbg_write,
	.nr_bps = nr_bps,
	.nr_wps = nr_wps,
};
