/*
 * lr_fast.h - the eoi/oneshot fast path's interrupt logic (irq/lr_fast.c): inject a
 * passed-through SPI straight into a free list register, finish EOId ones at the maintenance
 * interrupt. Both return false, having changed nothing, for what only the general path does.
 */
#ifndef SKIFF_IRQ_LR_FAST_H
#define SKIFF_IRQ_LR_FAST_H

#include <stdbool.h>

#include "drivers/lr_hw.h"
#include "irq/lr_fast_body.h" /* LR_FAST_C, and the logic as inline bodies */
#include "irq/passthrough.h"
#include "irq/vgic.h"

/* The fast-path table entry of v on vc's CPU (v's lock held): for a fast_eoi SPI that is
 * enabled, its group enabled and vc its target, LR_FAST_C and the LR value lr_flush() would write
 * for it (pending, EOI bit); else 0. */
uint64_t lr_fast_entry(const struct vgic *vg, const struct virq *v, const struct vgic_cpu *vc);

/* On vc's CPU, vc in its guest, no lock held; entry is v's as lr_fast_entry() keeps it. */
bool lr_fast_inject(struct vgic_cpu *vc, const struct lr_hw *hw, struct virq *v,
		    const uint64_t *entry);
bool lr_fast_maint(struct vgic_cpu *vc, const struct lr_hw *hw);

#endif
