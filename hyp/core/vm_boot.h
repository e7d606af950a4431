/*
 * vm_boot.h - creating the guests at boot from the configuration and running their vCPUs:
 * what hyp/main.c calls once the platform is up.
 */
#ifndef SKIFF_HYP_VM_BOOT_H
#define SKIFF_HYP_VM_BOOT_H

#include "arch/arm64/exception.h"
#include "hyp/plan/assign.h"
#include "hyp/plan/config.h"
#include "hyp/core/vm.h"

extern unsigned int vm_boot_nr_intids; /* the physical distributor's INTID count */

/* Build guest idx of the configuration from its assignment: vCPUs on the CPUs it names,
 * stage-2 with its RAM and device pages, vGIC, timers, SPIs in their modes, doorbell, virtual
 * console. ops are its power hooks (hyp/guests/lifecycle.c). The VM starts IDLE. */
void vm_create(struct vm *vm, unsigned int idx, const struct config *cfg,
	       const struct assignment *a, const struct vm_ops *ops);

/* A physical SPI skiff acknowledged: give it to the guest that owns it; that guest, or NULL if
 * none owns it. */
struct vm *vm_handle_spi(uint32_t intid);

/* Make v's physical CPU look at it (a kick), unless that is this CPU. */
void vm_wake(struct vcpu *v);

/*
 * The steps of stopping or restarting a guest (hyp/guests/lifecycle.c), in this order:
 * vm_stop_vcpus: if the VM is in state from, make it STOPPING and every vCPU OFF, under its
 *   power_lock, and kick them; false (nothing done) if it was not in that state.
 * vm_wait_parked: wait until every vCPU but self is parked out of the guest; false if one
 *   does not within a second (its CPU is lost at EL2): nothing may then be reset.
 * vm_quiesce: disable and deactivate its physical lines, reset its vGIC, doorbell and virtual
 *   console, forget its vCPUs' entry points. Its RAM is untouched.
 * vm_start: route its lines again and power on vCPU 0 at entry with x0 = context (RUNNING).
 */
bool vm_stop_vcpus(struct vm *vm, enum vm_state from);
bool vm_wait_parked(struct vm *vm, const struct vcpu *self);
void vm_quiesce(struct vm *vm);
void vm_start(struct vm *vm, uint64_t entry, uint64_t context);

/* Print every vCPU's exits and every passed-through SPI's counters. */
void vm_print_stats(const struct vm *vm);

/* A diagnostic for the test harness: the first vCPU to start on this logical CPU finds stage 2
 * turned off before its entry check, which must then refuse to enter it (-1: none). */
extern int selftest_entry_cpu;

/* Run v on this CPU for ever: wait for it to be powered on, reset it, enter the guest. */
_Noreturn void vcpu_run(struct vcpu *v);

/* Handle an exception from the guest on this CPU (fold, dispatch, flush). */
void vcpu_exit(struct vcpu *v, struct exc_frame *f, unsigned long slot);

#endif
