/*
 * lr_parts.h - what irq/lr.c shares with irq/lr_fast.c, the maintenance fast path: the value a
 * list register is written with, the fold of one LR and the deactivation callbacks. Internal
 * to irq/lr*.c; nothing else includes it.
 */
#ifndef SKIFF_IRQ_LR_PARTS_H
#define SKIFF_IRQ_LR_PARTS_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/lr_hw.h"
#include "irq/vgic.h"

#define LR_NONE (-1)

/* UIE | LRENPIE | NPIE in ICH_HCR_EL2: the last flush left something out of the LRs */
#define LR_HCR_OVERFLOW (ICH_HCR_UIE | ICH_HCR_LRENPIE | ICH_HCR_NPIE)

/* One entry lr_flush() has chosen, or is about to: the virq, whether its pending state is
 * delivered (pending, enabled, group enabled) and whether the guest can take it now (that,
 * and not active). */
struct lr_pick {
	struct virq *v;
	uint8_t prio; /* v's priority and active state when it was ranked */
	bool active;
	bool pend;
	bool take;
};

/* The LRs the manager uses: the hardware's, at most VGIC_MAX_LRS. */
unsigned int lr_count(const struct lr_hw *hw);
/* The LR value for p (its virq's lock held); pend_left: a pending interrupt is left out of the
 * LRs; hw_lr: a hardware-linked one may be written with HW=1. */
uint64_t lr_value(const struct lr_pick *p, bool pend_left, bool hw_lr);
/* v's state from the LR written as was and read as now (v's lock held); returns how many times
 * the guest deactivated it. */
unsigned int lr_fold_one(struct virq *v, uint64_t was, uint64_t now, bool latched, bool v2);
/* The guest finished with v once (v's lock held): the physical deactivation if phys, and its
 * source's eoi(). */
void lr_deactivated(struct vgic *vg, struct virq *v, bool phys);

#endif
