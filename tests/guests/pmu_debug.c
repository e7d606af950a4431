/*
 * pmu_debug.c - test guest: a guest's PMU and debug registers under skiff (issue 9, defect 8).
 * Run under QEMU's -icount shift=0, where the cycle counter counts instructions:
 *  1. the cycle counter's filter (PMCCFILTR_EL0) reads back as written, NSH (count at EL2)
 *     included;
 *  2. with NSH set, the cycles counted across an HVC that skiff answers (PSCI_VERSION): the
 *     guest's own few instructions only, unless the configuration has the test-only
 *     pmu-el2-counting (bootargs pmu.el2=1 say so), when skiff's couple of hundred show too;
 *  3. an event counter (PMEVTYPER0_EL0, CPU_CYCLES with NSH) the same way, through PMSELR;
 *  4. a counter the PMU does not have (PMCR_EL0.N) is UNDEFINED where skiff traps the PMU
 *     (before FEAT_PMUv3p5, without pmu-el2-counting);
 *  5. a hardware breakpoint on one of its own functions fires at EL1 (EC 0x31), though skiff
 *     traps the debug registers: they work;
 *  6. DBGBCR0 reads back as written, HMC (match at EL2) included, and a breakpoint or
 *     watchpoint beyond ID_AA64DFR0_EL1 is UNDEFINED;
 *  7. under skiff those accesses were trapped (its SYSREG exit counter moved).
 * Natively the EL2 figures mean nothing: 2, 3 and 7 are SKIP native.
 */
#include <stdlib.h>

#include "tests/guests/lib/guest.h"
#include "tests/guests/lib/psci.h"
#include "tests/guests/lib/skiff.h"
#include "tests/guests/lib/tap.h"

#define NR_TESTS 8
#define PMCR_E BIT(0)
#define PMCR_N_SHIFT 11
#define PMCR_N_MASK 0x1f
#define PMCNTEN_CYCLES BIT(31)
#define PMEVTYPER_NSH BIT(27)
#define EVENT_CPU_CYCLES 0x11
#define FEW 40	     /* the guest's own instructions around the HVC */
#define EL2_MANY 120 /* skiff answers PSCI_VERSION in about 250 */
#define ESR_EC_BKPT_CUR 0x31
#define DBGBCR_E BIT(0)
#define DBGBCR_PMC_EL1_EL0 (3UL << 1)
#define DBGBCR_BAS_A64 (0xfUL << 5)
#define DBGBCR_HMC BIT(13)
#define MDSCR_KDE BIT(13)
#define MDSCR_MDE BIT(15)
#define ID_AA64DFR0_BRPS_SHIFT 12
#define ID_AA64DFR0_PMUVER_SHIFT 8
#define ID_AA64DFR0_PMUVER_V3P5 6
#define INSN_SIZE 4

const char guest_name[] = "pmu_debug";

static volatile unsigned int breakpoints, undefs;
static volatile uint64_t bkpt_elr;

static bool hook(struct exc_frame *frame, uint64_t esr, uint64_t far)
{
	(void)far;
	if (esr_ec(esr) == ESR_EC_BKPT_CUR) {
		breakpoints++;
		bkpt_elr = frame->elr;
		write_sysreg(0, dbgbcr0_el1); /* off, so the function can run */
		isb();
		return true;
	}
	if (esr_ec(esr) == ESR_EC_UNKNOWN) {
		undefs++;
		frame->elr += INSN_SIZE;
		return true;
	}
	return false;
}

static uint64_t __attribute__((noinline)) pmu_cycles_across_hvc(void)
{
	uint64_t a, b;

	isb();
	a = read_sysreg(pmccntr_el0);
	psci_call(PSCI_VERSION, 0, 0, 0);
	b = read_sysreg(pmccntr_el0);
	return b - a;
}

static uint64_t __attribute__((noinline)) event_cycles_across_hvc(void)
{
	uint64_t a, b;

	isb();
	a = read_sysreg(pmevcntr0_el0);
	psci_call(PSCI_VERSION, 0, 0, 0);
	b = read_sysreg(pmevcntr0_el0);
	return b - a;
}

static void __attribute__((noinline)) breakpoint_target(void)
{
	asm volatile("nop");
}

static bool el2_counted(uint64_t n, bool el2)
{
	return el2 ? n > EL2_MANY : n < FEW;
}

void guest_main(void)
{
	char v[8];
	bool el2 = bootarg("pmu.el2", v, sizeof(v)) && v[0] == '1';
	uint64_t pmuver = (read_sysreg(id_aa64dfr0_el1) >> ID_AA64DFR0_PMUVER_SHIFT) & 0xf;
	uint64_t n, filt, bcr, pmcr, sysregs = 0;
	unsigned int counters, brps;

	tap_plan(NR_TESTS);
	tap_check_dtb();
	set_sync_hook(hook);
	if (plat.skiff)
		sysregs = (uint64_t)skiff_vcpu_exits(0, SKIFF_EXIT_SYSREG);

	/* PMU */
	pmcr = read_sysreg(pmcr_el0);
	counters = (unsigned int)(pmcr >> PMCR_N_SHIFT) & PMCR_N_MASK;
	write_sysreg(pmcr | PMCR_E, pmcr_el0);
	write_sysreg(PMEVTYPER_NSH, pmccfiltr_el0);
	write_sysreg(PMCNTEN_CYCLES | BIT(0), pmcntenset_el0);
	isb();
	filt = read_sysreg(pmccfiltr_el0);
	tap_ok(filt == PMEVTYPER_NSH, "PMCCFILTR_EL0 reads back 0x%llx as written (NSH)",
	       (unsigned long long)filt);
	n = pmu_cycles_across_hvc();
	if (!plat.skiff)
		tap_skip_native("cycles across an HVC: %llu", (unsigned long long)n);
	else
		tap_ok(el2_counted(n, el2),
		       "cycles across an HVC skiff answers, NSH set: %llu (%s)",
		       (unsigned long long)n,
		       el2 ? "pmu-el2-counting: skiff's EL2 instructions count"
			   : "skiff's EL2 instructions not counted");
	write_sysreg(0, pmselr_el0);
	isb();
	write_sysreg(PMEVTYPER_NSH | EVENT_CPU_CYCLES, pmxevtyper_el0);
	isb();
	n = event_cycles_across_hvc();
	if (!plat.skiff)
		tap_skip_native("event counter 0 across an HVC: %llu", (unsigned long long)n);
	else
		tap_ok(el2_counted(n, el2) &&
			       read_sysreg(pmevtyper0_el0) == (PMEVTYPER_NSH | EVENT_CPU_CYCLES),
		       "event counter 0 (CPU_CYCLES, NSH) across an HVC: %llu, PMEVTYPER0 reads "
		       "back 0x%llx",
		       (unsigned long long)n, (unsigned long long)read_sysreg(pmevtyper0_el0));
	if (el2 || pmuver >= ID_AA64DFR0_PMUVER_V3P5) {
		/* skiff does not trap the PMU then: a missing counter is the hardware's to answer
		 * (CONSTRAINED UNPREDICTABLE), so there is nothing of skiff's to check */
		tap_ok(true, "PMU not trapped (%s): a missing counter is the hardware's to answer",
		       el2 ? "pmu-el2-counting" : "PMUv3p5 prohibits EL2 counting itself");
	} else {
		undefs = 0;
		write_sysreg(counters, pmselr_el0); /* one past the last counter */
		isb();
		(void)read_sysreg(pmxevcntr_el0);
		tap_ok(undefs == 1 || !plat.skiff,
		       "PMXEVCNTR_EL0 of counter %u (PMCR_EL0.N %u): UNDEFINED (%u)", counters,
		       counters, undefs);
	}

	/* debug */
	write_sysreg(0, oslar_el1); /* unlock the OS lock, as Linux does */
	write_sysreg((uintptr_t)breakpoint_target, dbgbvr0_el1);
	write_sysreg(DBGBCR_E | DBGBCR_PMC_EL1_EL0 | DBGBCR_BAS_A64, dbgbcr0_el1);
	write_sysreg(read_sysreg(mdscr_el1) | MDSCR_KDE | MDSCR_MDE, mdscr_el1);
	isb();
	asm volatile("msr daifclr, #8" ::: "memory"); /* debug exceptions on */
	breakpoint_target();
	asm volatile("msr daifset, #8" ::: "memory");
	tap_ok(breakpoints == 1 && bkpt_elr == (uintptr_t)breakpoint_target,
	       "a breakpoint on its own code fires at EL1: %u, at 0x%llx", breakpoints,
	       (unsigned long long)bkpt_elr);
	write_sysreg(DBGBCR_HMC | DBGBCR_PMC_EL1_EL0 | DBGBCR_BAS_A64, dbgbcr0_el1);
	isb();
	bcr = read_sysreg(dbgbcr0_el1);
	brps = (unsigned int)((read_sysreg(id_aa64dfr0_el1) >> ID_AA64DFR0_BRPS_SHIFT) & 0xf) + 1;
	undefs = 0;
	if (brps < 16) /* DBGBCR15_EL1, beyond the last breakpoint */
		write_sysreg(0, S2_0_C0_C15_5);
	tap_ok(bcr == (DBGBCR_HMC | DBGBCR_PMC_EL1_EL0 | DBGBCR_BAS_A64) &&
		       undefs == (brps < 16 ? 1u : 0u),
	       "DBGBCR0_EL1 reads back 0x%llx, HMC included; DBGBCR15 with %u breakpoints: %u "
	       "UNDEF",
	       (unsigned long long)bcr, brps, undefs);
	write_sysreg(0, dbgbcr0_el1);
	write_sysreg(read_sysreg(mdscr_el1) & ~(MDSCR_KDE | MDSCR_MDE), mdscr_el1);
	isb();
	set_sync_hook(NULL);
	if (!plat.skiff)
		tap_skip_native("PMU and debug accesses trapped");
	else
		tap_ok((uint64_t)skiff_vcpu_exits(0, SKIFF_EXIT_SYSREG) > sysregs + 5,
		       "PMU and debug accesses trapped: SYSREG exits %lld -> %lld%s",
		       (long long)sysregs, (long long)skiff_vcpu_exits(0, SKIFF_EXIT_SYSREG),
		       el2 ? " (debug only: pmu-el2-counting)" : "");
}
