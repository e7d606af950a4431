/*
 * vcpu.h - running a vCPU on this physical CPU (vcpu.c): the loop that enters the guest and
 * the handling of each exit from it.
 */
#ifndef SKIFF_HYP_RUN_VCPU_H
#define SKIFF_HYP_RUN_VCPU_H

#include "arch/arm64/exception.h"
#include "hyp/core/vm.h"

/* A diagnostic for the test harness: the first vCPU to start on this logical CPU finds stage 2
 * turned off before its entry check, which must then refuse to enter it (-1: none). */
extern int selftest_entry_cpu;

/* Run v on this CPU for ever: wait for it to be powered on, reset it, enter the guest. */
_Noreturn void vcpu_run(struct vcpu *v);

/* Handle an exception from the guest on this CPU (fold, dispatch, flush). Returns the counter
 * of EL2 instructions of the exit's reason, v->el2_cost[reason]: vectors.S adds the exit's. */
uint64_t *vcpu_exit(struct vcpu *v, struct exc_frame *f, unsigned long slot);

#endif
