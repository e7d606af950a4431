/*
 * vcpu_arch.h - the system-register side of running a vCPU on this physical CPU: EL2 guest
 * configuration, the guest's EL1 state at reset, the virtual CPU interface, and injecting
 * synchronous exceptions into EL1. A vCPU never leaves its physical CPU, so the guest's EL1
 * registers simply stay in the hardware; nothing here saves or restores them.
 */
#ifndef SKIFF_ARCH_VCPU_ARCH_H
#define SKIFF_ARCH_VCPU_ARCH_H

#include <stdint.h>

#include "arch/arm64/exception.h"
#include "irq/lr.h"

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

/* Program this CPU to run vCPUs of the VM with this VTTBR/VTCR (once per CPU). */
void vcpu_arch_setup(uint64_t vttbr, uint64_t vtcr, uint64_t vmpidr);

/* Reset the guest's EL1 state and the virtual CPU interface, and build the entry frame
 * (EL1h, DAIF masked, MMU off, x0 = arg0) for entry at pc. */
void vcpu_arch_reset(struct exc_frame *frame, uint64_t pc, uint64_t arg0);

/* Take a synchronous exception into the guest's EL1 as the architecture would: ESR_EL1,
 * FAR_EL1, ELR_EL1, SPSR_EL1 from the frame, then PC = VBAR_EL1 + the right vector. */
void vcpu_inject_abort(struct exc_frame *frame, uint64_t far, bool is_write, bool fetch);
void vcpu_inject_undef(struct exc_frame *frame);

/* The virtual CPU interface's list registers on this CPU. */
extern struct lr_hw vcpu_lr_hw;
void vcpu_lr_hw_init(void);

#endif
