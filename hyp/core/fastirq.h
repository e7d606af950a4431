/*
 * fastirq.h - the hw-mode fast path's tables: for each CPU, the list-register value that
 * injects each hardware-linked interrupt into the vCPU pinned there, kept in step with the
 * vGIC's state; arch/arm64/vectors.S uses them without locks.
 */
#ifndef SKIFF_HYP_FASTIRQ_H
#define SKIFF_HYP_FASTIRQ_H

#include <stdint.h>

#include "hyp/core/vm.h"

/* Point v's physical CPU's fast path at v (its table, LR mask and counters). */
void fastirq_attach(struct vcpu *v);
/* vgic_ops.changed: recompute the fast-path entry of v (lock held). */
void fastirq_changed(struct vgic *vg, struct virq *v);
/* Injections the fast path made for intid into vm's vCPUs. */
uint64_t fastirq_count(const struct vm *vm, uint32_t intid);

#endif
