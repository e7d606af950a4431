/*
 * trap.h - what an exception from a guest means and what skiff does about it: emulated
 * MMIO, PSCI/SMCCC calls, trapped GIC system registers, physical interrupts; anything else
 * the architecture's way (UNDEF or an external abort injected into the guest).
 */
#ifndef SKIFF_HYP_TRAP_H
#define SKIFF_HYP_TRAP_H

#include "arch/arm64/exception.h"
#include "hyp/core/vm.h"

/* Returns the SKIFF_EXIT_* reason the exit counts under. An interrupt is only counted: the
 * caller (hyp/run/vcpu.c) takes it. */
unsigned int trap_handle(struct vcpu *v, struct exc_frame *f, unsigned long slot);
/* Handles in full, before the vCPU's list registers are folded, an exit that needs nothing of
 * them (an SGI sent to other vCPUs only), counted under SKIFF_EXIT_SYSREG: true. Else false,
 * nothing done: the caller folds and calls trap_handle(). */
bool trap_handle_unfolded(struct vcpu *v, struct exc_frame *f, unsigned long slot);

#endif
