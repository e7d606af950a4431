/*
 * debug_regs.h - the self-hosted debug registers (Arm ARM D2, "AArch64 Self-hosted Debug") by
 * name and index, read and written at EL2 on this CPU, for the emulation of a guest's trapped
 * accesses (hyp/emul/debug_trap.c), and how many breakpoints and watchpoints this CPU has.
 */
#ifndef SKIFF_ARCH_DEBUG_REGS_H
#define SKIFF_ARCH_DEBUG_REGS_H

#include <stdint.h>

#define DEBUG_MAX_BPS 16

enum debug_reg {
	DBG_BVR, /* DBGBVR<n>_EL1 */
	DBG_BCR, /* DBGBCR<n>_EL1 */
	DBG_WVR, /* DBGWVR<n>_EL1 */
	DBG_WCR, /* DBGWCR<n>_EL1 */
	DBG_MDSCR,
	DBG_OSLAR,
	DBG_OSLSR,
	DBG_AUTHSTATUS,
};

struct debug_hw {
	uint64_t (*read)(enum debug_reg r, unsigned int n);
	void (*write)(enum debug_reg r, unsigned int n, uint64_t val);
	unsigned int (*nr_bps)(void); /* ID_AA64DFR0_EL1.BRPs + 1 */
	unsigned int (*nr_wps)(void); /* ID_AA64DFR0_EL1.WRPs + 1 */
};

extern const struct debug_hw debug_hw_cpu;

#endif
