/*
 * vcpu_arch.h - the system-register side of running a vCPU on this physical CPU: EL2 guest
 * configuration, the guest's EL1 state at reset, the virtual CPU interface, and injecting
 * synchronous exceptions into EL1. A vCPU never leaves its physical CPU, so the guest's EL1
 * registers simply stay in the hardware; nothing here saves or restores them.
 */
#ifndef SKIFF_ARCH_VCPU_ARCH_H
#define SKIFF_ARCH_VCPU_ARCH_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/arm64/exception.h"
#include "arch/arm64/regs.h"

/* HCR_EL2 while a guest runs (Arm ARM D17.2.48) */
#define HCR_EL2_VM (1ull << 0)
#define HCR_EL2_SWIO (1ull << 1)
#define HCR_EL2_PTW (1ull << 2)
#define HCR_EL2_FB (1ull << 9)
#define HCR_EL2_BSU_INNER (1ull << 10)
#define HCR_EL2_TSC (1ull << 19)
#define HCR_EL2_GUEST                                                                             \
	(HCR_EL2_VM | HCR_EL2_SWIO | HCR_EL2_FB | HCR_EL2_BSU_INNER | HCR_EL2_TSC | HCR_EL2_FMO | \
	 HCR_EL2_IMO | HCR_EL2_AMO | HCR_EL2_RW)

#define SPSR_EL1H_DAIF_MASKED 0x3c5 /* EL1h, D, A, I, F masked */
#define SPSR_MODE_MASK 0x1f
#define SPSR_MODE_EL0T 0x0
#define SPSR_MODE_EL1T 0x4
#define SPSR_MODE_EL1H 0x5
#define SPSR_MODE_RW_AARCH32 0x10

#define HCR_EL2_TERR (1ull << 36) /* FEAT_RAS: error record accesses trap to EL2 */

/* HCR_EL2 for a guest on this CPU: HCR_EL2_GUEST, and TERR where there are error records. */
uint64_t vcpu_arch_hcr(void);

/* The HCR_EL2 bits without which a guest is not confined: stage 2 on, SMC trapped, physical
 * interrupts and SErrors to EL2. (RW, AArch64 EL1, is clear for an AArch32 guest.) */
#define HCR_EL2_CONFINES (HCR_EL2_VM | HCR_EL2_TSC | HCR_EL2_IMO | HCR_EL2_FMO | HCR_EL2_AMO)

/* MDCR_EL2 (Arm ARM D19.2.80): the PMU and debug traps skiff sets for a guest */
#define MDCR_EL2_HPMN_MASK 0x1full
#define MDCR_EL2_TPM (1ull << 6)    /* PMU registers trap to EL2 */
#define MDCR_EL2_TDA (1ull << 9)    /* debug registers trap to EL2 */
#define MDCR_EL2_TDOSA (1ull << 10) /* OS lock and power-down registers trap */
#define MDCR_EL2_TDRA (1ull << 11)  /* MDRAR_EL1 traps */
#define MDCR_EL2_HPMD (1ull << 17)  /* FEAT_PMUv3p1: event counting prohibited at EL2 */
#define MDCR_EL2_HCCD (1ull << 23)  /* FEAT_PMUv3p5: cycle counting prohibited at EL2 */
#define MDCR_EL2_DEBUG_TRAPS (MDCR_EL2_TDA | MDCR_EL2_TDOSA | MDCR_EL2_TDRA)

/*
 * What this CPU must hold while it runs a given vCPU: the VM's stage 2 (VTTBR, VTCR), the
 * traps (HCR, MDCR) and the vCPU's MPIDR. Computed once when the VM is built; written by
 * vcpu_arch_setup() every time the vCPU is powered on; checked by vcpu_arch_in_force()
 * before that first entry and by vcpu_arch_guard() on every general exit. Nothing else in
 * skiff writes these registers.
 */
struct vcpu_arch_cfg {
	uint64_t hcr;
	uint64_t vttbr;
	uint64_t vtcr;
	uint64_t vmpidr;
	uint64_t mdcr;
};

/*
 * MDCR_EL2 for a guest: every PMU counter is the guest's (HPMN = PMCR_EL0.N), debug register
 * accesses trap (skiff emulates them, hyp/emul/debug_trap.c), and the guest cannot count at EL2:
 * with FEAT_PMUv3p5 through HPMD and HCCD, on older PMUs by trapping the PMU registers
 * (hyp/emul/pmu_trap.c clears the filters' NSH bit). el2_counting (a test-only configuration
 * flag, for make bench) leaves the PMU untrapped and EL2 counting allowed.
 */
uint64_t vcpu_arch_mdcr(bool el2_counting);

/* Program this CPU with cfg, for a vCPU that is about to start here. */
void vcpu_arch_setup(const struct vcpu_arch_cfg *cfg);
/* Whether the registers of cfg are in force on this CPU, as read back. */
bool vcpu_arch_in_force(const struct vcpu_arch_cfg *cfg);
#include "arch/arm64/sysreg.h"

/* The cheap check of every general exit: VTTBR_EL2 and HCR_EL2's confining bits. */
static inline bool vcpu_arch_guard(const struct vcpu_arch_cfg *cfg)
{
	/* one test of both: what differs from the configuration, in VTTBR or a confining bit */
	return !((read_sysreg(vttbr_el2) ^ cfg->vttbr) |
		 ((read_sysreg(hcr_el2) ^ cfg->hcr) & HCR_EL2_CONFINES));
}
/* Test-only (the opt/skiff/selftest "entry-check" switch): turn stage 2 off on this CPU, so
 * that the test can see skiff refuse to enter the guest. */
void vcpu_arch_selftest_break(void);

/* Reset the guest's EL1 state, and build the entry frame (EL1h, DAIF masked, MMU off, x0 =
 * arg0) for entry at pc. An AArch32 EL1 (HCR_EL2.RW clear) enters as aarch32.h's
 * a32_reset_frame() says: kernel for the boot vCPU's kernel entry, else a CPU_ON entry. */
void vcpu_arch_reset(struct exc_frame *frame, uint64_t pc, uint64_t arg0, bool kernel);

/* Take a synchronous exception into the guest's EL1 as the architecture would: ESR_EL1,
 * FAR_EL1, ELR_EL1, SPSR_EL1 from the frame, then PC = VBAR_EL1 + the right vector; into an
 * AArch32 EL1, the AArch32 way (aarch32.h's a32_take()). */
void vcpu_inject_abort(struct exc_frame *frame, uint64_t far, bool is_write, bool fetch);
void vcpu_inject_undef(struct exc_frame *frame);

#endif
