/*
 * test_sysreg_trap.c - host unit tests for hyp/emul/pmu_trap.c and hyp/emul/debug_trap.c, the
 * emulation of a guest's trapped PMU and debug register accesses, against fake register files:
 * every PMU register reaches the hardware except the filters' NSH bit (the guest cannot count at
 * EL2, yet reads back what it wrote), PMSELR is put back after an indirect access, counters
 * and breakpoints that do not exist and wrong directions give UNDEF, a breakpoint or
 * watchpoint never matches at EL2, and the debug registers that concern an external debugger
 * are the vCPU's own copies or RAZ/WI. Touches nothing but its fakes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hyp/emul/debug_trap.h"
#include "hyp/emul/pmu_trap.h"

#define NR_COUNTERS 6
#define PMCR_N (NR_COUNTERS << 11)
#define NR_BPS 6
#define NR_WPS 4

/* ---- the fake PMU: its registers, and the event counters' types and values behind PMSELR */
static uint64_t pmu[PMU_NR_REGS];
static uint64_t evtyper[32], evcntr[32];
static unsigned int pmu_writes;

static uint64_t pmu_read(enum pmu_reg r)
{
	uint64_t sel = pmu[PMU_PMSELR] & 31;

	if (r == PMU_PMXEVTYPER)
		return sel == 31 ? pmu[PMU_PMCCFILTR] : evtyper[sel];
	if (r == PMU_PMXEVCNTR)
		return evcntr[sel];
	return pmu[r];
}

static void pmu_write(enum pmu_reg r, uint64_t val)
{
	uint64_t sel = pmu[PMU_PMSELR] & 31;

	pmu_writes++;
	if (r == PMU_PMXEVTYPER && sel != 31)
		evtyper[sel] = val;
	else if (r == PMU_PMXEVTYPER)
		pmu[PMU_PMCCFILTR] = val;
	else if (r == PMU_PMXEVCNTR)
		evcntr[sel] = val;
	else
		pmu[r] = val;
}

static const struct pmu_hw fake_pmu = { .read = pmu_read, .write = pmu_write };

/* ---- the fake debug registers */
static uint64_t dbg[8][16];
static unsigned int dbg_writes;

static uint64_t dbg_read(enum debug_reg r, unsigned int n)
{
	return dbg[r][n];
}

static void dbg_write(enum debug_reg r, unsigned int n, uint64_t val)
{
	dbg_writes++;
	dbg[r][n] = val;
}

static unsigned int nr_bps(void)
{
	return NR_BPS;
}

static unsigned int nr_wps(void)
{
	return NR_WPS;
}

static const struct debug_hw fake_dbg = {
	.read = dbg_read, .write = dbg_write, .nr_bps = nr_bps, .nr_wps = nr_wps
};

static struct pmu_shadow psh;
static struct debug_shadow dsh;

static int setup(void **state)
{
	(void)state;
	memset(pmu, 0, sizeof(pmu));
	memset(evtyper, 0, sizeof(evtyper));
	memset(evcntr, 0, sizeof(evcntr));
	memset(dbg, 0, sizeof(dbg));
	memset(&psh, 0, sizeof(psh));
	memset(&dsh, 0, sizeof(dsh));
	pmu[PMU_PMCR] = PMCR_N;
	pmu_writes = dbg_writes = 0;
	return 0;
}

#define KEY_PMCR SYSREG_KEY(3, 3, 9, 12, 0)
#define KEY_PMCNTENSET SYSREG_KEY(3, 3, 9, 12, 1)
#define KEY_PMSWINC SYSREG_KEY(3, 3, 9, 12, 4)
#define KEY_PMSELR SYSREG_KEY(3, 3, 9, 12, 5)
#define KEY_PMCEID0 SYSREG_KEY(3, 3, 9, 12, 6)
#define KEY_PMCCNTR SYSREG_KEY(3, 3, 9, 13, 0)
#define KEY_PMXEVTYPER SYSREG_KEY(3, 3, 9, 13, 1)
#define KEY_PMXEVCNTR SYSREG_KEY(3, 3, 9, 13, 2)
#define KEY_PMINTENSET SYSREG_KEY(3, 0, 9, 14, 1)
#define KEY_PMEVCNTR(n) SYSREG_KEY(3, 3, 14, 8 + ((n) >> 3), (n)&7)
#define KEY_PMEVTYPER(n) SYSREG_KEY(3, 3, 14, 12 + ((n) >> 3), (n)&7)
#define KEY_PMCCFILTR KEY_PMEVTYPER(31)

static enum sysreg_trap_result pmu_rd(uint32_t key, uint64_t *val)
{
	return pmu_trap(&fake_pmu, &psh, key, true, val);
}

static enum sysreg_trap_result pmu_wr(uint32_t key, uint64_t val)
{
	return pmu_trap(&fake_pmu, &psh, key, false, &val);
}

/* ---- PMU */

static void test_pmu_plain(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(pmu_wr(KEY_PMCNTENSET, 0x8000000f), SYSREG_DONE);
	assert_int_equal(pmu[PMU_PMCNTENSET], 0x8000000f);
	pmu[PMU_PMCCNTR] = 12345;
	assert_int_equal(pmu_rd(KEY_PMCCNTR, &v), SYSREG_DONE);
	assert_int_equal(v, 12345);
	assert_int_equal(pmu_wr(KEY_PMINTENSET, 3), SYSREG_DONE);
	assert_int_equal(pmu[PMU_PMINTENSET], 3);
	assert_int_equal(pmu_rd(KEY_PMCR, &v), SYSREG_DONE);
	assert_int_equal(v, PMCR_N);
	/* write-only and read-only */
	assert_int_equal(pmu_rd(KEY_PMSWINC, &v), SYSREG_UNDEF);
	assert_int_equal(pmu_wr(KEY_PMCEID0, 1), SYSREG_UNDEF);
	/* not the PMU's */
	assert_int_equal(pmu_rd(SYSREG_KEY(3, 0, 12, 11, 5), &v), SYSREG_NOT_MINE);
	assert_int_equal(pmu_rd(SYSREG_KEY(2, 0, 0, 2, 2), &v), SYSREG_NOT_MINE);
}

/* NSH (count at EL2) never reaches the hardware, through any of the four ways to a filter;
 * the guest reads back what it wrote. */
static void test_pmu_nsh_kept_out(void **state)
{
	const uint64_t want = 0x88000011; /* P, NSH, event 0x11 */
	uint64_t v;

	(void)state;
	assert_int_equal(pmu_wr(KEY_PMCCFILTR, want), SYSREG_DONE);
	assert_int_equal(pmu[PMU_PMCCFILTR], want & ~PMEVTYPER_NSH);
	assert_int_equal(pmu_rd(KEY_PMCCFILTR, &v), SYSREG_DONE);
	assert_int_equal(v, want);

	assert_int_equal(pmu_wr(KEY_PMEVTYPER(2), want), SYSREG_DONE);
	assert_int_equal(evtyper[2], want & ~PMEVTYPER_NSH);
	assert_int_equal(pmu_rd(KEY_PMEVTYPER(2), &v), SYSREG_DONE);
	assert_int_equal(v, want);

	pmu[PMU_PMSELR] = 4;
	assert_int_equal(pmu_wr(KEY_PMXEVTYPER, want), SYSREG_DONE);
	assert_int_equal(evtyper[4], want & ~PMEVTYPER_NSH);
	assert_int_equal(pmu_rd(KEY_PMXEVTYPER, &v), SYSREG_DONE);
	assert_int_equal(v, want);

	pmu[PMU_PMSELR] = 31; /* PMXEVTYPER with SEL 31 is PMCCFILTR */
	assert_int_equal(pmu_wr(KEY_PMXEVTYPER, PMEVTYPER_NSH | 0x11), SYSREG_DONE);
	assert_int_equal(pmu[PMU_PMCCFILTR], 0x11);

	/* clearing NSH clears the shadow too */
	assert_int_equal(pmu_wr(KEY_PMEVTYPER(2), 0x11), SYSREG_DONE);
	assert_int_equal(pmu_rd(KEY_PMEVTYPER(2), &v), SYSREG_DONE);
	assert_int_equal(v, 0x11);
	assert_int_equal(psh.nsh, (1u << 4) | (1u << 31));
}

/* PMEVCNTR<n> / PMEVTYPER<n> go through PMSELR, which is put back afterwards. */
static void test_pmu_indirect_restores_pmselr(void **state)
{
	uint64_t v;

	(void)state;
	pmu[PMU_PMSELR] = 3;
	evcntr[5] = 777;
	assert_int_equal(pmu_rd(KEY_PMEVCNTR(5), &v), SYSREG_DONE);
	assert_int_equal(v, 777);
	assert_int_equal(pmu[PMU_PMSELR], 3);
	assert_int_equal(pmu_wr(KEY_PMEVCNTR(0), 42), SYSREG_DONE);
	assert_int_equal(evcntr[0], 42);
	assert_int_equal(pmu[PMU_PMSELR], 3);
	assert_int_equal(evcntr[3], 0);
	/* PMXEVCNTR follows the guest's own PMSELR */
	evcntr[3] = 9;
	assert_int_equal(pmu_rd(KEY_PMXEVCNTR, &v), SYSREG_DONE);
	assert_int_equal(v, 9);
}

/* A counter that does not exist (n >= PMCR_EL0.N) is UNDEFINED: never an access to it. */
static void test_pmu_missing_counters(void **state)
{
	unsigned int n;
	uint64_t v;

	(void)state;
	for (n = NR_COUNTERS; n < 31; n++) {
		unsigned int w = pmu_writes;

		assert_int_equal(pmu_rd(KEY_PMEVCNTR(n), &v), SYSREG_UNDEF);
		assert_int_equal(pmu_wr(KEY_PMEVTYPER(n), 1), SYSREG_UNDEF);
		pmu[PMU_PMSELR] = n;
		assert_int_equal(pmu_rd(KEY_PMXEVCNTR, &v), SYSREG_UNDEF);
		assert_int_equal(pmu_wr(KEY_PMXEVTYPER, 1), SYSREG_UNDEF);
		assert_int_equal(pmu_writes, w);
	}
	pmu[PMU_PMSELR] = 31; /* PMXEVCNTR of the cycle counter */
	assert_int_equal(pmu_rd(KEY_PMXEVCNTR, &v), SYSREG_UNDEF);
	assert_int_equal(pmu_rd(KEY_PMEVCNTR(31), &v), SYSREG_UNDEF);
}

/* ---- debug */

#define KEY_BVR(n) SYSREG_KEY(2, 0, 0, n, 4)
#define KEY_BCR(n) SYSREG_KEY(2, 0, 0, n, 5)
#define KEY_WVR(n) SYSREG_KEY(2, 0, 0, n, 6)
#define KEY_WCR(n) SYSREG_KEY(2, 0, 0, n, 7)
#define KEY_MDSCR SYSREG_KEY(2, 0, 0, 2, 2)
#define KEY_MDRAR SYSREG_KEY(2, 0, 1, 0, 0)
#define KEY_OSLAR SYSREG_KEY(2, 0, 1, 0, 4)
#define KEY_OSLSR SYSREG_KEY(2, 0, 1, 1, 4)
#define KEY_OSDLR SYSREG_KEY(2, 0, 1, 3, 4)
#define KEY_DBGPRCR SYSREG_KEY(2, 0, 1, 4, 4)
#define KEY_CLAIMSET SYSREG_KEY(2, 0, 7, 8, 6)
#define KEY_CLAIMCLR SYSREG_KEY(2, 0, 7, 9, 6)
#define KEY_AUTHSTATUS SYSREG_KEY(2, 0, 7, 14, 6)
#define KEY_MDCCSR SYSREG_KEY(2, 3, 0, 1, 0)
#define KEY_DBGDTR SYSREG_KEY(2, 3, 0, 4, 0)
#define KEY_MDCCINT SYSREG_KEY(2, 0, 0, 2, 0)

static enum sysreg_trap_result dbg_rd(uint32_t key, uint64_t *val)
{
	return debug_trap(&fake_dbg, &dsh, key, true, val);
}

static enum sysreg_trap_result dbg_wr(uint32_t key, uint64_t val)
{
	return debug_trap(&fake_dbg, &dsh, key, false, &val);
}

/* A guest's breakpoints and watchpoints are real, but never match at EL2 (HMC); the guest
 * reads back its own control value. */
static void test_debug_breakpoints_never_el2(void **state)
{
	const uint64_t ctrl = DBGXCR_HMC | (3u << 14) | (3u << 1) | 1; /* HMC, SSC, PMC, E */
	uint64_t v;
	unsigned int n;

	(void)state;
	for (n = 0; n < NR_BPS; n++) {
		assert_int_equal(dbg_wr(KEY_BVR(n), 0xffff800010000000ull + n), SYSREG_DONE);
		assert_int_equal(dbg[DBG_BVR][n], 0xffff800010000000ull + n);
		assert_int_equal(dbg_wr(KEY_BCR(n), ctrl), SYSREG_DONE);
		assert_int_equal(dbg[DBG_BCR][n], ctrl & ~DBGXCR_HMC);
		assert_int_equal(dbg_rd(KEY_BCR(n), &v), SYSREG_DONE);
		assert_int_equal(v, ctrl);
	}
	for (n = 0; n < NR_WPS; n++) {
		assert_int_equal(dbg_wr(KEY_WCR(n), ctrl), SYSREG_DONE);
		assert_int_equal(dbg[DBG_WCR][n], ctrl & ~DBGXCR_HMC);
		assert_int_equal(dbg_rd(KEY_WCR(n), &v), SYSREG_DONE);
		assert_int_equal(v, ctrl);
		assert_int_equal(dbg_wr(KEY_WVR(n), 0x1000 * n), SYSREG_DONE);
		assert_int_equal(dbg_rd(KEY_WVR(n), &v), SYSREG_DONE);
		assert_int_equal(v, 0x1000 * n);
	}
}

static void test_debug_missing_ones_undef(void **state)
{
	unsigned int n, w;
	uint64_t v;

	(void)state;
	w = dbg_writes;
	for (n = NR_BPS; n < 16; n++) {
		assert_int_equal(dbg_wr(KEY_BCR(n), 1), SYSREG_UNDEF);
		assert_int_equal(dbg_rd(KEY_BVR(n), &v), SYSREG_UNDEF);
	}
	for (n = NR_WPS; n < 16; n++) {
		assert_int_equal(dbg_wr(KEY_WCR(n), 1), SYSREG_UNDEF);
		assert_int_equal(dbg_rd(KEY_WVR(n), &v), SYSREG_UNDEF);
	}
	assert_int_equal(dbg_writes, w);
	/* wrong directions */
	assert_int_equal(dbg_rd(KEY_OSLAR, &v), SYSREG_UNDEF);
	assert_int_equal(dbg_wr(KEY_OSLSR, 1), SYSREG_UNDEF);
	assert_int_equal(dbg_wr(KEY_AUTHSTATUS, 1), SYSREG_UNDEF);
	assert_int_equal(dbg_wr(KEY_MDRAR, 1), SYSREG_UNDEF);
	assert_int_equal(dbg_wr(KEY_MDCCSR, 1), SYSREG_UNDEF);
	/* not a debug register */
	assert_int_equal(dbg_rd(SYSREG_KEY(3, 3, 9, 12, 0), &v), SYSREG_NOT_MINE);
	assert_int_equal(dbg_rd(SYSREG_KEY(2, 0, 5, 5, 0), &v), SYSREG_NOT_MINE);
}

/* MDSCR and the OS lock are the hardware's (this CPU is the vCPU's); the double lock, the
 * power-down request and the claim tags are the vCPU's copies; the DCC reads as zero. */
static void test_debug_own_copies(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(dbg_wr(KEY_MDSCR, 0xa000), SYSREG_DONE);
	assert_int_equal(dbg[DBG_MDSCR][0], 0xa000);
	assert_int_equal(dbg_rd(KEY_MDSCR, &v), SYSREG_DONE);
	assert_int_equal(v, 0xa000);
	assert_int_equal(dbg_wr(KEY_OSLAR, 0), SYSREG_DONE);
	assert_int_equal(dbg[DBG_OSLAR][0], 0);
	dbg[DBG_OSLSR][0] = 0x8;
	assert_int_equal(dbg_rd(KEY_OSLSR, &v), SYSREG_DONE);
	assert_int_equal(v, 0x8);

	dbg_writes = 0;
	assert_int_equal(dbg_wr(KEY_OSDLR, 1), SYSREG_DONE);
	assert_int_equal(dbg_rd(KEY_OSDLR, &v), SYSREG_DONE);
	assert_int_equal(v, 1);
	assert_int_equal(dbg_wr(KEY_DBGPRCR, 1), SYSREG_DONE);
	assert_int_equal(dbg_rd(KEY_DBGPRCR, &v), SYSREG_DONE);
	assert_int_equal(v, 1);
	assert_int_equal(dbg_wr(KEY_CLAIMSET, 0x1a5), SYSREG_DONE);
	assert_int_equal(dbg_rd(KEY_CLAIMCLR, &v), SYSREG_DONE);
	assert_int_equal(v, 0xa5);
	assert_int_equal(dbg_wr(KEY_CLAIMCLR, 0x05), SYSREG_DONE);
	assert_int_equal(dbg_rd(KEY_CLAIMSET, &v), SYSREG_DONE);
	assert_int_equal(v, 0xa0);
	assert_int_equal(dbg_writes, 0); /* none of that reached the hardware */

	v = 1;
	assert_int_equal(dbg_rd(KEY_MDRAR, &v), SYSREG_DONE);
	assert_int_equal(v, 0);
	v = 1;
	assert_int_equal(dbg_rd(KEY_DBGDTR, &v), SYSREG_DONE);
	assert_int_equal(v, 0);
	assert_int_equal(dbg_wr(KEY_DBGDTR, 0x55), SYSREG_DONE);
	assert_int_equal(dbg_wr(KEY_MDCCINT, 0x55), SYSREG_DONE);
	assert_int_equal(dbg_writes, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_pmu_plain, setup),
		cmocka_unit_test_setup(test_pmu_nsh_kept_out, setup),
		cmocka_unit_test_setup(test_pmu_indirect_restores_pmselr, setup),
		cmocka_unit_test_setup(test_pmu_missing_counters, setup),
		cmocka_unit_test_setup(test_debug_breakpoints_never_el2, setup),
		cmocka_unit_test_setup(test_debug_missing_ones_undef, setup),
		cmocka_unit_test_setup(test_debug_own_copies, setup),
	};

	return cmocka_run_group_tests_name("sysreg_trap", tests, NULL, NULL);
}
