/*
 * irq_fast.h - the eoi/oneshot fast path's C entry, called from arch/arm64/vectors.S.
 */
#ifndef SKIFF_HYP_RUN_IRQ_FAST_H
#define SKIFF_HYP_RUN_IRQ_FAST_H

#include <stdint.h>

struct cpu;
struct fast_irq;

/* Interrupt intid, acknowledged on CPU c while its vCPU ran, e its entry in c's fast-path
 * table: 0 if handled (its priority dropped, back to the guest), else 1 with c->fast.acked set
 * for the general path. */
int fastirq_c(struct cpu *c, uint32_t intid, const struct fast_irq *e);
/* The same on a GICv2: fastirq_c() is for a GICv3 only */
int fastirq_c_v2(struct cpu *c, uint32_t intid, const struct fast_irq *e);

#endif
