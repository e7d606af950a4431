/*
 * vcpu_arch.c - EL2 and EL1 system registers for running a vCPU on this CPU: guest
 * configuration (HCR, VTTBR, VTCR, VMPIDR, timers, PMU), the EL1 reset state Linux's boot
 * protocol expects, ICH_* list registers, and exception injection into EL1.
 */
#include "arch/arm64/vcpu_arch.h"
#include "arch/arm64/aarch32.h"
#include "arch/arm64/debug_regs.h"
#include "arch/arm64/sysreg.h"

#include <stdbool.h>

#define SCTLR_EL1_RES1 0x30d00800ull
#define ID_AA64DFR0_PMUVER_SHIFT 8
#define ID_AA64DFR0_TRACEFILT_SHIFT 40
#define ID_AA64PFR0_RAS_SHIFT 28
#define ID_AA64MMFR0_FGT_SHIFT 56
#define ID_AA64MMFR1_HCX_SHIFT 40
#define ID_AA64DFR0_PMUVER_V3P5 6
#define ID_AA64DFR0_PMUVER_IMPDEF 0xf
#define PMCR_N_SHIFT 11
#define PMCR_N_MASK 0x1full
#define ESR_ELX_IL (1ull << 25)
#define ESR_EC_UNKNOWN 0x00
#define ESR_EC_DABT_CUR 0x25
#define ESR_EC_DABT_LOW 0x24
#define ESR_EC_IABT_CUR 0x21
#define ESR_EC_IABT_LOW 0x20
#define ESR_DFSC_SYNC_EXT 0x10
#define ESR_ISS_WNR (1ull << 6)
#define VECTOR_CUR_SP0 0x000
#define VECTOR_CUR_SPX 0x200
#define VECTOR_LOW_A64 0x400
#define VECTOR_LOW_A32 0x600

static uint64_t id_field(uint64_t reg, unsigned int shift)
{
	return (reg >> shift) & 0xf;
}

static bool has_pmu(void)
{
	uint64_t pmuver = id_field(read_sysreg(id_aa64dfr0_el1), ID_AA64DFR0_PMUVER_SHIFT);

	return pmuver && pmuver != ID_AA64DFR0_PMUVER_IMPDEF;
}

__attribute__((cold)) uint64_t vcpu_arch_hcr(void)
{
	/* with FEAT_RAS, the error records (ERR*, possibly of a cluster's shared caches) are
	 * skiff's to emulate (hyp/exit/trap.c: no records), not the guest's to clear or inject into
	 */
	if (id_field(read_sysreg(id_aa64pfr0_el1), ID_AA64PFR0_RAS_SHIFT))
		return HCR_EL2_GUEST | HCR_EL2_TERR;
	return HCR_EL2_GUEST;
}

__attribute__((cold)) uint64_t vcpu_arch_mdcr(bool el2_counting)
{
	uint64_t pmuver = id_field(read_sysreg(id_aa64dfr0_el1), ID_AA64DFR0_PMUVER_SHIFT);
	uint64_t mdcr = MDCR_EL2_DEBUG_TRAPS, pmcr_n;

	if (!has_pmu())
		return mdcr; /* no architected PMU to count with */
	pmcr_n = (read_sysreg(pmcr_el0) >> PMCR_N_SHIFT) & PMCR_N_MASK;
	mdcr |= pmcr_n & MDCR_EL2_HPMN_MASK;
	if (el2_counting)
		return mdcr; /* test-only */
	if (pmuver >= ID_AA64DFR0_PMUVER_V3P5)
		return mdcr | MDCR_EL2_HPMD | MDCR_EL2_HCCD;
	return mdcr | MDCR_EL2_TPM;
}

/*
 * Registers whose reset value is UNKNOWN or IMPLEMENTATION DEFINED and that would give a guest
 * more than skiff means to: ACTLR_EL2 (on Cortex-A53/A57/A72 it lets EL1 write CPUACTLR,
 * CPUECTLR, L2CTLR, L2ECTLR: the cluster's shared L2), trace (CPTR_EL2.TTA; TRFCR_EL2 with
 * FEAT_TRF), and with FEAT_FGT and FEAT_HCX the fine-grained trap and HCRX controls (0: none
 * of their extra traps or features).
 */
static void quiet_extras(void)
{
	uint64_t dfr0 = read_sysreg(id_aa64dfr0_el1);

	write_sysreg(actlr_el2, 0);
	write_sysreg(cptr_el2, CPTR_EL2_RES1 | CPTR_EL2_TTA);
	if (id_field(dfr0, ID_AA64DFR0_TRACEFILT_SHIFT))
		write_sysreg(S3_4_C1_C2_1, 0); /* TRFCR_EL2: no trace at EL2 */
	if (id_field(read_sysreg(id_aa64mmfr0_el1), ID_AA64MMFR0_FGT_SHIFT)) {
		write_sysreg(S3_4_C1_C1_4, 0); /* HFGRTR_EL2 */
		write_sysreg(S3_4_C1_C1_5, 0); /* HFGWTR_EL2 */
		write_sysreg(S3_4_C1_C1_6, 0); /* HFGITR_EL2 */
		write_sysreg(S3_4_C3_C1_4, 0); /* HDFGRTR_EL2 */
		write_sysreg(S3_4_C3_C1_5, 0); /* HDFGWTR_EL2 */
	}
	if (id_field(read_sysreg(id_aa64mmfr1_el1), ID_AA64MMFR1_HCX_SHIFT))
		write_sysreg(S3_4_C1_C2_2, 0); /* HCRX_EL2 */
}

__attribute__((cold)) void vcpu_arch_setup(const struct vcpu_arch_cfg *cfg)
{
	quiet_extras();
	write_sysreg(vtcr_el2, cfg->vtcr);
	write_sysreg(vttbr_el2, cfg->vttbr);
	write_sysreg(vmpidr_el2, cfg->vmpidr);
	write_sysreg(vpidr_el2, read_sysreg(midr_el1));
	write_sysreg(mdcr_el2, cfg->mdcr);
	write_sysreg(hcr_el2, cfg->hcr);
	write_sysreg(cnthctl_el2, CNTHCTL_EL2_VALUE);
	write_sysreg(cntvoff_el2, 0);
	isb();
	__asm__ volatile("tlbi vmalls12e1is\n dsb ish\n isb" ::: "memory");
}

bool vcpu_arch_in_force(const struct vcpu_arch_cfg *cfg)
{
	isb();
	return (read_sysreg(hcr_el2) & (HCR_EL2_GUEST | HCR_EL2_TERR)) == cfg->hcr &&
	       read_sysreg(vttbr_el2) == cfg->vttbr && read_sysreg(vtcr_el2) == cfg->vtcr &&
	       read_sysreg(mdcr_el2) == cfg->mdcr && read_sysreg(vmpidr_el2) == cfg->vmpidr;
}

__attribute__((cold)) void vcpu_arch_selftest_break(void)
{
	write_sysreg(hcr_el2, read_sysreg(hcr_el2) & ~HCR_EL2_VM);
	isb();
}

static void reset_el1(void)
{
	write_sysreg(sctlr_el1, SCTLR_EL1_RES1);
	write_sysreg(cpacr_el1, 0);
	write_sysreg(vbar_el1, 0);
	write_sysreg(tcr_el1, 0);
	write_sysreg(ttbr0_el1, 0);
	write_sysreg(ttbr1_el1, 0);
	write_sysreg(mair_el1, 0);
	write_sysreg(contextidr_el1, 0);
	write_sysreg(tpidr_el1, 0);
	write_sysreg(tpidr_el0, 0);
	write_sysreg(tpidrro_el0, 0);
	write_sysreg(sp_el1, 0);
	write_sysreg(sp_el0, 0);
	write_sysreg(esr_el1, 0);
	write_sysreg(far_el1, 0);
	write_sysreg(cntkctl_el1, 0);
	write_sysreg(cntv_ctl_el0, 0);
	write_sysreg(cntp_ctl_el0, 0);
	write_sysreg(mdscr_el1, 0);
}

/* Breakpoints, watchpoints and PMU state a previous life of the vCPU (or firmware) left: off,
 * as the guest's copies (hyp/emul/debug_trap.c, pmu_trap.c) are reset with it. */
static void reset_debug_pmu(void)
{
	unsigned int n, counters;

	for (n = 0; n < debug_hw_cpu.nr_bps(); n++)
		debug_hw_cpu.write(DBG_BCR, n, 0);
	for (n = 0; n < debug_hw_cpu.nr_wps(); n++)
		debug_hw_cpu.write(DBG_WCR, n, 0);
	if (!has_pmu())
		return;
	/* every event filter too: firmware or a previous owner may have left NSH (count at
	 * EL2) set, which the guest's copy (hyp/emul/pmu_trap.c) would not show */
	counters = (unsigned int)(read_sysreg(pmcr_el0) >> PMCR_N_SHIFT) & PMCR_N_MASK;
	for (n = 0; n < counters; n++) {
		write_sysreg(pmselr_el0, n);
		isb();
		write_sysreg(pmxevtyper_el0, 0);
	}
	write_sysreg(pmselr_el0, 0);
	write_sysreg(pmcntenclr_el0, ~0ull);
	write_sysreg(pmintenclr_el1, ~0ull);
	write_sysreg(pmovsclr_el0, ~0ull);
	write_sysreg(pmuserenr_el0, 0);
	write_sysreg(pmccfiltr_el0, 0);
}

/* An AArch32 EL1 (HCR_EL2.RW clear, as vcpu_arch_setup() left it) */
static bool el1_aarch32(void)
{
	return !(read_sysreg(hcr_el2) & HCR_EL2_RW);
}

__attribute__((cold)) void vcpu_arch_reset(struct exc_frame *frame, uint64_t pc, uint64_t arg0,
					   bool kernel)
{
	unsigned int i;

	reset_el1();
	reset_debug_pmu();
	for (i = 0; i < 31; i++)
		frame->x[i] = 0;
	if (el1_aarch32()) {
		a32_reset_el1();
		isb();
		a32_reset_frame(frame, pc, arg0, kernel);
		return;
	}
	isb();
	frame->x[0] = arg0;
	frame->elr = pc;
	frame->spsr = SPSR_EL1H_DAIF_MASKED;
}

static uint64_t guest_vector(uint64_t spsr)
{
	uint64_t vbar = read_sysreg(vbar_el1);

	if (spsr & SPSR_MODE_RW_AARCH32)
		return vbar + VECTOR_LOW_A32;
	switch (spsr & SPSR_MODE_MASK) {
	case SPSR_MODE_EL1T:
		return vbar + VECTOR_CUR_SP0;
	case SPSR_MODE_EL1H:
		return vbar + VECTOR_CUR_SPX;
	default:
		return vbar + VECTOR_LOW_A64;
	}
}

static bool from_el1(uint64_t spsr)
{
	uint64_t mode = spsr & SPSR_MODE_MASK;

	return !(spsr & SPSR_MODE_RW_AARCH32) && (mode == SPSR_MODE_EL1T || mode == SPSR_MODE_EL1H);
}

static void take_sync(struct exc_frame *frame, uint64_t esr)
{
	write_sysreg(esr_el1, esr);
	write_sysreg(elr_el1, frame->elr);
	write_sysreg(spsr_el1, frame->spsr);
	frame->elr = guest_vector(frame->spsr);
	frame->spsr = SPSR_EL1H_DAIF_MASKED;
}

__attribute__((cold)) void vcpu_inject_abort(struct exc_frame *frame, uint64_t far, bool is_write,
					     bool fetch)
{
	uint64_t ec, esr;

	if (el1_aarch32()) {
		a32_take(frame, fetch ? A32_PREFETCH_ABORT : A32_DATA_ABORT, far, is_write);
		return;
	}
	if (fetch)
		ec = from_el1(frame->spsr) ? ESR_EC_IABT_CUR : ESR_EC_IABT_LOW;
	else
		ec = from_el1(frame->spsr) ? ESR_EC_DABT_CUR : ESR_EC_DABT_LOW;
	esr = (ec << ESR_EC_SHIFT) | ESR_ELX_IL | ESR_DFSC_SYNC_EXT;
	if (is_write && !fetch)
		esr |= ESR_ISS_WNR;
	write_sysreg(far_el1, far);
	take_sync(frame, esr);
}

__attribute__((cold)) void vcpu_inject_undef(struct exc_frame *frame)
{
	if (el1_aarch32()) {
		a32_take(frame, A32_UNDEF, 0, false);
		return;
	}
	take_sync(frame, ESR_ELX_IL); /* EC 0x00 (ESR_EC_UNKNOWN): unknown reason */
}
