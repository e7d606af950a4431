/*
 * vm_boot.h - creating the guest at boot and running its vCPUs: what hyp/main.c calls
 * once the platform is up.
 */
#ifndef SKIFF_HYP_VM_BOOT_H
#define SKIFF_HYP_VM_BOOT_H

#include "arch/arm64/stage2.h"
#include "hyp/vm.h"

/* skiff's test device (hyp/doorbell.h): an IPA and SPI QEMU virt leaves free */
#define VM_DOORBELL_BASE 0x0b000000ull
#define VM_DOORBELL_INTID 132

extern unsigned int vm_boot_nr_intids; /* the physical distributor's INTID count */

void vm_create(struct vm *vm, struct stage2 *s2);

/* Run v on this CPU for ever: wait for it to be powered on, reset it, enter the guest. */
_Noreturn void vcpu_run(struct vcpu *v);

/* Handle an exception from the guest on this CPU (fold, dispatch, flush). */
void vcpu_exit(struct vcpu *v, struct exc_frame *f, unsigned long slot);

#endif
