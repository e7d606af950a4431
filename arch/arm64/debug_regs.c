/*
 * debug_regs.c - MRS/MSR of the debug registers of debug_regs.h on this CPU. Nothing else.
 */
#include "arch/arm64/debug_regs.h"
#include "arch/arm64/sysreg.h"

#define ID_AA64DFR0_BRPS_SHIFT 12
#define ID_AA64DFR0_WRPS_SHIFT 20
#define ID_AA64DFR0_XRPS_MASK 0xf

/* DBG{B,W}{V,C}R<n>_EL1: op0 2, op1 0, CRn 0, CRm n, op2 4 (BVR), 5 (BCR), 6 (WVR), 7 (WCR) */
#define RD4(n)                                                \
	case n:                                               \
		switch (r) {                                  \
		case DBG_BVR:                                 \
			return read_sysreg(S2_0_C0_C##n##_4); \
		case DBG_BCR:                                 \
			return read_sysreg(S2_0_C0_C##n##_5); \
		case DBG_WVR:                                 \
			return read_sysreg(S2_0_C0_C##n##_6); \
		default:                                      \
			return read_sysreg(S2_0_C0_C##n##_7); \
		}
#define WR4(n)                                               \
	case n:                                              \
		switch (r) {                                 \
		case DBG_BVR:                                \
			write_sysreg(S2_0_C0_C##n##_4, val); \
			break;                               \
		case DBG_BCR:                                \
			write_sysreg(S2_0_C0_C##n##_5, val); \
			break;                               \
		case DBG_WVR:                                \
			write_sysreg(S2_0_C0_C##n##_6, val); \
			break;                               \
		default:                                     \
			write_sysreg(S2_0_C0_C##n##_7, val); \
			break;                               \
		}                                            \
		break

static uint64_t bp_read(enum debug_reg r, unsigned int n)
{
	switch (n) {
		RD4(0);
		RD4(1);
		RD4(2);
		RD4(3);
		RD4(4);
		RD4(5);
		RD4(6);
		RD4(7);
		RD4(8);
		RD4(9);
		RD4(10);
		RD4(11);
		RD4(12);
		RD4(13);
		RD4(14);
		RD4(15);
	default:
		return 0;
	}
}

static void bp_write(enum debug_reg r, unsigned int n, uint64_t val)
{
	switch (n) {
		WR4(0);
		WR4(1);
		WR4(2);
		WR4(3);
		WR4(4);
		WR4(5);
		WR4(6);
		WR4(7);
		WR4(8);
		WR4(9);
		WR4(10);
		WR4(11);
		WR4(12);
		WR4(13);
		WR4(14);
		WR4(15);
	default:
		break;
	}
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
		return bp_read(r, n);
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
