/*
 * lr.h - the list-register manager: flush a vCPU's in-flight list into the ICH_LR<n>_EL2
 * registers before it enters the guest, fold them back when it leaves. Knows nothing of
 * MMIO; the registers come through struct lr_hw so host tests can play the guest.
 */
#ifndef SKIFF_IRQ_LR_H
#define SKIFF_IRQ_LR_H

#include <stdint.h>

#include "drivers/lr_hw.h"
#include "irq/vgic.h"

/* Both with vc's ap_lock held (no other lock), on the CPU that runs vc. */
void lr_flush(struct vgic_cpu *vc, const struct lr_hw *hw);
void lr_fold(struct vgic_cpu *vc, const struct lr_hw *hw);

#endif
