/*
 * debug_trap.c - emulation of a guest's trapped debug register accesses (debug_trap.h). Plain
 * C: the registers come through struct debug_hw. Touches only the debug registers and the
 * vCPU's shadow.
 */
#include "hyp/emul/debug_trap.h"

#define CLAIM_MASK 0xffu
#define OSDLR_DLK 1u
#define DBGPRCR_CORENPDRQ 1u

/* op0 = 2 (Arm ARM D19.3, "Debug registers") */
#define KEY_MDSCR SYSREG_KEY(2, 0, 0, 2, 2)
#define KEY_MDCCINT SYSREG_KEY(2, 0, 0, 2, 0)
#define KEY_OSDTRRX SYSREG_KEY(2, 0, 0, 0, 2)
#define KEY_OSDTRTX SYSREG_KEY(2, 0, 0, 3, 2)
#define KEY_OSECCR SYSREG_KEY(2, 0, 0, 6, 2)
#define KEY_MDRAR SYSREG_KEY(2, 0, 1, 0, 0)
#define KEY_OSLAR SYSREG_KEY(2, 0, 1, 0, 4)
#define KEY_OSLSR SYSREG_KEY(2, 0, 1, 1, 4)
#define KEY_OSDLR SYSREG_KEY(2, 0, 1, 3, 4)
#define KEY_DBGPRCR SYSREG_KEY(2, 0, 1, 4, 4)
#define KEY_DBGCLAIMSET SYSREG_KEY(2, 0, 7, 8, 6)
#define KEY_DBGCLAIMCLR SYSREG_KEY(2, 0, 7, 9, 6)
#define KEY_DBGAUTHSTATUS SYSREG_KEY(2, 0, 7, 14, 6)
#define KEY_MDCCSR SYSREG_KEY(2, 3, 0, 1, 0)
#define KEY_DBGDTR SYSREG_KEY(2, 3, 0, 4, 0)
#define KEY_DBGDTRRXTX SYSREG_KEY(2, 3, 0, 5, 0)

/* DBGBVR/BCR/WVR/WCR<n>_EL1: op0 2, op1 0, CRn 0, CRm n, op2 4..7 */
static enum sysreg_trap_result bp_access(const struct debug_hw *hw, struct debug_shadow *sh,
					 uint32_t key, bool read, uint64_t *val)
{
	static const enum debug_reg regs[4] = { DBG_BVR, DBG_BCR, DBG_WVR, DBG_WCR };
	enum debug_reg r = regs[SYSREG_OP2(key) - 4];
	unsigned int n = SYSREG_CRM(key);
	bool watch = r == DBG_WVR || r == DBG_WCR;
	uint64_t *ctrl = watch ? &sh->wcr[n] : &sh->bcr[n];

	if (n >= (watch ? hw->nr_wps() : hw->nr_bps()))
		return SYSREG_UNDEF; /* no such breakpoint or watchpoint */
	if (r == DBG_BVR || r == DBG_WVR) {
		if (read)
			*val = hw->read(r, n);
		else
			hw->write(r, n, *val);
		return SYSREG_DONE;
	}
	if (read) {
		*val = *ctrl;
	} else {
		*ctrl = *val;
		hw->write(r, n, *val & ~DBGXCR_HMC); /* never a match at EL2 */
	}
	return SYSREG_DONE;
}

/* A register that only reads (ro) or only writes (wo): the other direction is UNDEFINED. */
static enum sysreg_trap_result one_way(bool read, bool readable)
{
	return read == readable ? SYSREG_DONE : SYSREG_UNDEF;
}

enum sysreg_trap_result debug_trap(const struct debug_hw *hw, struct debug_shadow *sh, uint32_t key,
				   bool read, uint64_t *val)
{
	enum sysreg_trap_result res = SYSREG_DONE;

	if (SYSREG_OP0(key) != 2)
		return SYSREG_NOT_MINE;
	if (SYSREG_OP1(key) == 0 && SYSREG_CRN(key) == 0 && SYSREG_OP2(key) >= 4)
		return bp_access(hw, sh, key, read, val);
	switch (key) {
	case KEY_MDSCR:
		if (read)
			*val = hw->read(DBG_MDSCR, 0);
		else
			hw->write(DBG_MDSCR, 0, *val);
		return SYSREG_DONE;
	case KEY_OSLAR: /* the OS lock only gates this CPU's debug events: the guest's to set */
		res = one_way(read, false);
		if (res == SYSREG_DONE)
			hw->write(DBG_OSLAR, 0, *val);
		return res;
	case KEY_OSLSR:
		res = one_way(read, true);
		if (res == SYSREG_DONE)
			*val = hw->read(DBG_OSLSR, 0);
		return res;
	case KEY_DBGAUTHSTATUS:
		res = one_way(read, true);
		if (res == SYSREG_DONE)
			*val = hw->read(DBG_AUTHSTATUS, 0);
		return res;
	case KEY_OSDLR:
		if (read)
			*val = sh->double_lock ? OSDLR_DLK : 0;
		else
			sh->double_lock = *val & OSDLR_DLK;
		return SYSREG_DONE;
	case KEY_DBGPRCR:
		if (read)
			*val = sh->no_powerdown ? DBGPRCR_CORENPDRQ : 0;
		else
			sh->no_powerdown = *val & DBGPRCR_CORENPDRQ;
		return SYSREG_DONE;
	case KEY_DBGCLAIMSET:
	case KEY_DBGCLAIMCLR:
		if (read)
			*val = sh->claim;
		else if (key == KEY_DBGCLAIMSET)
			sh->claim |= (uint8_t)(*val & CLAIM_MASK);
		else
			sh->claim &= (uint8_t) ~(*val & CLAIM_MASK);
		return SYSREG_DONE;
	case KEY_MDRAR:
	case KEY_MDCCSR:
		res = one_way(read, true);
		if (res == SYSREG_DONE)
			*val = 0; /* no ROM table; the channel is never busy or full */
		return res;
	case KEY_MDCCINT:
	case KEY_OSDTRRX:
	case KEY_OSDTRTX:
	case KEY_OSECCR:
	case KEY_DBGDTR:
	case KEY_DBGDTRRXTX:
		if (read)
			*val = 0;
		return SYSREG_DONE;
	default:
		return SYSREG_NOT_MINE;
	}
}
