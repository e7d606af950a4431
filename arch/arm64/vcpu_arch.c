/*
 * vcpu_arch.c - EL2 and EL1 system registers for running a vCPU on this CPU: guest
 * configuration (HCR, VTTBR, VTCR, VMPIDR, timers, PMU), the EL1 reset state Linux's boot
 * protocol expects, ICH_* list registers, and exception injection into EL1.
 */
#include "arch/arm64/vcpu_arch.h"
#include "arch/arm64/debug_regs.h"
#include "arch/arm64/sysreg.h"

#include <stdbool.h>

#define SCTLR_EL1_RES1 0x30d00800ull
#define ID_AA64DFR0_PMUVER_SHIFT 8
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
#define ICH_VTR_LISTREGS 0x1f

uint64_t vcpu_arch_mdcr(bool el2_counting)
{
	uint64_t pmcr_n = (read_sysreg(pmcr_el0) >> PMCR_N_SHIFT) & PMCR_N_MASK;
	uint64_t pmuver = (read_sysreg(id_aa64dfr0_el1) >> ID_AA64DFR0_PMUVER_SHIFT) & 0xf;
	uint64_t mdcr = (pmcr_n & MDCR_EL2_HPMN_MASK) | MDCR_EL2_DEBUG_TRAPS;

	if (el2_counting || pmuver == 0 || pmuver == ID_AA64DFR0_PMUVER_IMPDEF)
		return mdcr; /* test-only, or no architected PMU to count with */
	if (pmuver >= ID_AA64DFR0_PMUVER_V3P5)
		return mdcr | MDCR_EL2_HPMD | MDCR_EL2_HCCD;
	return mdcr | MDCR_EL2_TPM;
}

void vcpu_arch_setup(const struct vcpu_arch_cfg *cfg)
{
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
	return (read_sysreg(hcr_el2) & HCR_EL2_GUEST) == cfg->hcr &&
	       read_sysreg(vttbr_el2) == cfg->vttbr && read_sysreg(vtcr_el2) == cfg->vtcr &&
	       read_sysreg(mdcr_el2) == cfg->mdcr && read_sysreg(vmpidr_el2) == cfg->vmpidr;
}

void vcpu_arch_selftest_break(void)
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
 * as the guest's copies (hyp/debug_trap.c, pmu_trap.c) are reset with it. */
static void reset_debug_pmu(void)
{
	unsigned int n;

	for (n = 0; n < debug_hw_cpu.nr_bps(); n++)
		debug_hw_cpu.write(DBG_BCR, n, 0);
	for (n = 0; n < debug_hw_cpu.nr_wps(); n++)
		debug_hw_cpu.write(DBG_WCR, n, 0);
	write_sysreg(pmcntenclr_el0, ~0ull);
	write_sysreg(pmintenclr_el1, ~0ull);
	write_sysreg(pmovsclr_el0, ~0ull);
	write_sysreg(pmuserenr_el0, 0);
	write_sysreg(pmccfiltr_el0, 0);
}

static void reset_vcpu_if(void)
{
	unsigned int n;

	for (n = 0; n < vcpu_lr_hw.nr_lrs; n++)
		vcpu_lr_hw.write_lr(n, 0);
	write_sysreg(S3_4_C12_C9_0, 0);	 /* ICH_AP1R0_EL2 */
	write_sysreg(S3_4_C12_C8_0, 0);	 /* ICH_AP0R0_EL2 */
	write_sysreg(S3_4_C12_C11_7, 0); /* ICH_VMCR_EL2 */
	vcpu_lr_hw.write_hcr(ICH_HCR_EN);
}

void vcpu_arch_reset(struct exc_frame *frame, uint64_t pc, uint64_t arg0)
{
	unsigned int i;

	reset_el1();
	reset_debug_pmu();
	reset_vcpu_if();
	isb();
	for (i = 0; i < 31; i++)
		frame->x[i] = 0;
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

void vcpu_inject_abort(struct exc_frame *frame, uint64_t far, bool is_write, bool fetch)
{
	uint64_t ec, esr;

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

void vcpu_inject_undef(struct exc_frame *frame)
{
	take_sync(frame, ESR_ELX_IL); /* EC 0x00 (ESR_EC_UNKNOWN): unknown reason */
}

#define LR_CASE(n) \
	case n:    \
		return read_sysreg(S3_4_C12_C12_##n)
#define LR_CASE_HI(n, m) \
	case n:          \
		return read_sysreg(S3_4_C12_C13_##m)
#define LR_SET(n)                                    \
	case n:                                      \
		write_sysreg(S3_4_C12_C12_##n, val); \
		break
#define LR_SET_HI(n, m)                              \
	case n:                                      \
		write_sysreg(S3_4_C12_C13_##m, val); \
		break

/* ICH_LR<n>_EL2: n = 0..7 at S3_4_C12_C12_<n>, 8..15 at S3_4_C12_C13_<n-8> */
static uint64_t ich_read_lr(unsigned int n)
{
	switch (n) {
		LR_CASE(0);
		LR_CASE(1);
		LR_CASE(2);
		LR_CASE(3);
		LR_CASE(4);
		LR_CASE(5);
		LR_CASE(6);
		LR_CASE(7);
		LR_CASE_HI(8, 0);
		LR_CASE_HI(9, 1);
		LR_CASE_HI(10, 2);
		LR_CASE_HI(11, 3);
		LR_CASE_HI(12, 4);
		LR_CASE_HI(13, 5);
		LR_CASE_HI(14, 6);
		LR_CASE_HI(15, 7);
	}
	return 0;
}

static void ich_write_lr(unsigned int n, uint64_t val)
{
	switch (n) {
		LR_SET(0);
		LR_SET(1);
		LR_SET(2);
		LR_SET(3);
		LR_SET(4);
		LR_SET(5);
		LR_SET(6);
		LR_SET(7);
		LR_SET_HI(8, 0);
		LR_SET_HI(9, 1);
		LR_SET_HI(10, 2);
		LR_SET_HI(11, 3);
		LR_SET_HI(12, 4);
		LR_SET_HI(13, 5);
		LR_SET_HI(14, 6);
		LR_SET_HI(15, 7);
	}
}

static uint32_t ich_read_hcr(void)
{
	return (uint32_t)read_sysreg(S3_4_C12_C11_0); /* ICH_HCR_EL2 */
}

static void ich_write_hcr(uint32_t val)
{
	write_sysreg(S3_4_C12_C11_0, val);
}

struct lr_hw vcpu_lr_hw = {
	.read_lr = ich_read_lr,
	.write_lr = ich_write_lr,
	.read_hcr = ich_read_hcr,
	.write_hcr = ich_write_hcr,
};

void vcpu_lr_hw_init(void)
{
	vcpu_lr_hw.nr_lrs = (read_sysreg(S3_4_C12_C11_1) & ICH_VTR_LISTREGS) + 1; /* ICH_VTR_EL2 */
	if (vcpu_lr_hw.nr_lrs > VGIC_MAX_LRS)
		vcpu_lr_hw.nr_lrs = VGIC_MAX_LRS;
}
