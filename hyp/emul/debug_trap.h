/*
 * debug_trap.h - a guest's debug register accesses, trapped (MDCR_EL2.TDA, TDOSA, TDRA). A vCPU
 * owns its CPU, so its breakpoints, watchpoints, MDSCR_EL1 and OS lock are the hardware's; what
 * skiff changes on the way:
 *  - a breakpoint or watchpoint control (DBGBCR/DBGWCR) never reaches the hardware with HMC
 *    set: guest breakpoints match EL1 and EL0 only, never skiff's code (the guest reads back
 *    what it wrote);
 *  - the OS double lock (OSDLR_EL1), the power-down request (DBGPRCR_EL1) and the claim tags
 *    are the vCPU's own copies, not the hardware's: they concern an external debugger, which
 *    the guest does not own;
 *  - the debug communication channel (MDCCSR, DBGDTR*, OSDTR*, MDCCINT, OSECCR) reads as zero
 *    and ignores writes: there is no external debugger for the guest to talk to;
 *  - MDRAR_EL1 says there is no ROM table.
 * A breakpoint or watchpoint that does not exist, a write of a read-only register and a read of
 * a write-only one give UNDEF, as the architecture says.
 */
#ifndef SKIFF_HYP_DEBUG_TRAP_H
#define SKIFF_HYP_DEBUG_TRAP_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/arm64/debug_regs.h"
#include "hyp/emul/sysreg_trap.h"

#define DBGXCR_HMC (1ull << 13) /* higher mode control: match at EL2 */

/* The vCPU's own copies of what skiff keeps from the hardware. */
struct debug_shadow {
	uint64_t bcr[DEBUG_MAX_BPS]; /* as the guest wrote them (HMC included) */
	uint64_t wcr[DEBUG_MAX_BPS];
	uint8_t claim;	   /* DBGCLAIMSET/CLR tags */
	bool double_lock;  /* OSDLR_EL1.DLK */
	bool no_powerdown; /* DBGPRCR_EL1.CORENPDRQ */
};

/* Emulate the trapped access to the register key (SYSREG_KEY); *val is the value written, or
 * gets the value read. */
enum sysreg_trap_result debug_trap(const struct debug_hw *hw, struct debug_shadow *sh, uint32_t key,
				   bool read, uint64_t *val);

#endif
