/*
 * gicv3_lr.h - the GICv3 virtual CPU interface's list registers on this CPU (gicv3_lr.c).
 */
#ifndef SKIFF_DRIVERS_GICV3_LR_H
#define SKIFF_DRIVERS_GICV3_LR_H

#include "drivers/lr_hw.h"

/* ICH_LR<n>_EL2 and ICH_HCR_EL2 through struct lr_hw; nr_lrs from ICH_VTR_EL2, at most max
 * (gicv3_lr_hw_init, once per CPU). */
extern struct lr_hw gicv3_lr_hw;
void gicv3_lr_hw_init(unsigned int max);

/* The interface as a vCPU's reset leaves it: empty list registers, no active priorities, a
 * reset VMCR, ICH_HCR_EL2.En set. */
void gicv3_vcpu_if_reset(void);

#endif
