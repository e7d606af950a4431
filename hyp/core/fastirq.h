/*
 * fastirq.h - the hw-mode fast path's tables: for each CPU, the list-register value that
 * injects each hardware-linked interrupt into the vCPU pinned there, kept in step with the
 * vGIC's state; arch/arm64/vectors.S uses them without locks.
 */
#ifndef SKIFF_HYP_FASTIRQ_H
#define SKIFF_HYP_FASTIRQ_H

#include <stdint.h>

#include "irq/vgic.h"

/* Point physical CPU pcpu's fast path at the vCPU pinned there: its table, the vCPU's mask of
 * LRs the fast path filled (struct vgic_cpu's lr_fast) and its IRQ exit and cost counters. */
void fastirq_attach(unsigned int pcpu, uint64_t *lr_fast, uint64_t *exits_irq, uint64_t *cost_irq);
/* vgic_ops.changed: recompute the fast-path entry of v (lock held). */
void fastirq_changed(struct vgic *vg, struct virq *v);
/* Injections the fast path made for intid into the vCPUs of vg. */
uint64_t fastirq_count(const struct vgic *vg, uint32_t intid);

#endif
