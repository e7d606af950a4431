/*
 * vm_boot.h - creating the guests at boot from the configuration and running their vCPUs:
 * what hyp/main.c calls once the platform is up.
 */
#ifndef SKIFF_HYP_VM_BOOT_H
#define SKIFF_HYP_VM_BOOT_H

#include "arch/arm64/exception.h"
#include "hyp/assign.h"
#include "hyp/config.h"
#include "hyp/vm.h"

extern unsigned int vm_boot_nr_intids; /* the physical distributor's INTID count */

/* Build guest idx of the configuration from its assignment: vCPUs on the CPUs it names,
 * stage-2 with its RAM and device pages, vGIC, timers, SPIs in their modes, doorbell. */
void vm_create(struct vm *vm, unsigned int idx, const struct config *cfg,
	       const struct assignment *a);

/* A physical SPI skiff acknowledged: give it to the guest that owns it. false if none. */
bool vm_handle_spi(uint32_t intid);

/* Print every vCPU's exits and every passed-through SPI's counters. */
void vm_print_stats(const struct vm *vm);

/* Run v on this CPU for ever: wait for it to be powered on, reset it, enter the guest. */
_Noreturn void vcpu_run(struct vcpu *v);

/* Handle an exception from the guest on this CPU (fold, dispatch, flush). */
void vcpu_exit(struct vcpu *v, struct exc_frame *f, unsigned long slot);

#endif
