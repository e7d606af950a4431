/*
 * fastirq.c - keeps the fast path's per-CPU tables (arch/arm64/fastirq.h) in step with the
 * vGIC: an INTID gets an LR value on the CPU of its target vCPU only while the vGIC itself
 * would deliver it straight away - hardware-linked, enabled, its group enabled, routed to a
 * vCPU - and 0 everywhere else, which sends it down the general path. Written under the
 * lock of the INTID's virq, read by vectors.S without it (64-bit stores are single-copy atomic).
 */
#include "hyp/core/fastirq.h"
#include "drivers/gic.h"
#include "drivers/gicv2.h"
#include "drivers/gicv2_lr.h"
#include "hyp/core/cpu.h"
#include "irq/lr.h"
#include "irq/lr_fast.h"
#include "irq/passthrough.h"

_Static_assert(FAST_MAX_INTIDS == VGIC_MAX_INTIDS, "one fast entry per vGIC INTID");
_Static_assert(LR_FAST_C == 1ull << FAST_IRQ_C_BIT, "the C fast path's mark");

static struct fast_irq fast_table[SKIFF_MAX_CPUS][FAST_MAX_INTIDS];

void fastirq_attach(unsigned int pcpu, uint64_t *lr_fast, uint64_t *exits_irq, uint64_t *cost_irq)
{
	struct fast_cpu *f = &cpus[pcpu].fast;

	f->lr_fast = lr_fast;
	f->exits_irq = exits_irq;
	f->cost_irq = cost_irq;
	f->acked = 0;
	if (plat.gic_maint_intid < FAST_MAX_INTIDS)
		fast_table[pcpu][plat.gic_maint_intid].lr = 1ull << FAST_IRQ_C_BIT;
	if (gic->version == 2) { /* vectors.S's GICv2 path: MMIO, GICH_LR values */
		f->gicc = gicv2.gicc;
		f->gich = gicv2.gich;
		__atomic_store_n(&f->table_v2, fast_table[pcpu], __ATOMIC_RELEASE);
	} else {
		f->gicd = plat.gicd.base; /* fast_irq_pt: a oneshot line's GICD_ICENABLER */
		__atomic_store_n(&f->table, fast_table[pcpu], __ATOMIC_RELEASE);
	}
}

/* An SPI for fastirq_c() (GICv2) or vectors.S's fast_irq_pt (GICv3): passed through in eoi or
 * oneshot mode. */
static bool fast_c_spi(const struct virq *v)
{
	return v->fast_eoi;
}

/* A GICv2 host's eoi/oneshot SPIs go to fastirq_c_v2(), whose entry holds the virq; a GICv3
 * host's to the assembly, whose entry counts. */
static bool fast_pt_asm(void)
{
	return gic->version != 2;
}

/* The assembly's entry for eoi/oneshot SPI v (arch/arm64/fastirq.h, FAST_IRQ_PT_BIT), from the
 * C fast path's (lr): the LR value and the line's mode. */
static uint64_t fast_pt_entry(const struct virq *v, uint64_t lr)
{
	const struct passthrough *p = v->src ? v->src->priv : NULL;

	/* vectors.S masks the line by the LR's vINTID: a passed-through SPI keeps its INTID */
	if (!lr || !p || p->line[v->src_index].pintid != v->intid)
		return 0;
	lr = (lr & ~LR_FAST_C) | 1ull << FAST_IRQ_PT_BIT;
	if (p->line[v->src_index].mode == IRQ_MODE_ONESHOT)
		lr |= 1ull << FAST_IRQ_ONESHOT_BIT;
	return lr;
}

static uint64_t fast_lr(const struct vgic *vg, const struct virq *v)
{
	uint32_t grp = v->group ? GICD_CTLR_ENABLE_GRP1 : GICD_CTLR_ENABLE_GRP0;

	uint64_t lr;

	/* a passed-through SPI in eoi or oneshot mode: fastirq_c() (irq/lr_fast.c) */
	if (fast_c_spi(v))
		return fast_pt_asm() ? fast_pt_entry(v, lr_fast_entry(vg, v, v->target))
				     : lr_fast_entry(vg, v, v->target);
	/* on a list: the general path's until it leaves it (irq/vgic.c, vgic_ap_add) */
	if (!v->hw || vg->no_hw_lrs || !v->enabled || !v->target || v->ap_owner ||
	    !(__atomic_load_n(&vg->ctlr, __ATOMIC_RELAXED) & grp))
		return 0;
	lr = ICH_LR_PENDING | ICH_LR_HW | (v->group ? ICH_LR_GROUP : 0) |
	     (((uint64_t)v->pintid << ICH_LR_PINTID_SHIFT) & ICH_LR_PINTID_MASK) |
	     ((uint64_t)v->priority << ICH_LR_PRIORITY_SHIFT) | v->intid;
	return vg->version == VGIC_V2 ? gicv2_lr_from_ich(lr) : lr;
}

void fastirq_changed(struct vgic *vg, struct virq *v)
{
	const struct vgic_cpu *target = v->target;
	uint64_t lr = fast_lr(vg, v);
	unsigned int i;

	SPIN_ASSERT_HELD(&v->lock);
	if (v->intid >= FAST_MAX_INTIDS || v->intid == plat.gic_maint_intid)
		return; /* the maintenance interrupt's entry is fastirq_attach()'s */
	if (v->intid < VGIC_NR_PRIVATE) {
		if (target)
			__atomic_store_n(&fast_table[target->host_cpu][v->intid].lr, lr,
					 __ATOMIC_RELAXED);
		return;
	}
	for (i = 0; i < vg->nr_cpus; i++) {
		struct fast_irq *e = &fast_table[vg->cpus[i]->host_cpu][v->intid];
		uint64_t was = __atomic_load_n(&e->lr, __ATOMIC_RELAXED);
		uint64_t now = vg->cpus[i] == target ? lr : 0;

		/* GICv2: for good (the SPI's mode does not change), before its entry */
		if (fast_c_spi(v) && !fast_pt_asm())
			__atomic_store_n(&e->virq, v, __ATOMIC_RELAXED);
		__atomic_store_n(&e->lr, now, __ATOMIC_RELEASE);
		/* a virq on no list whose entry there closes (disabled, group disabled, moved) may
		 * sit in an LR the assembly wrote on that CPU, which only its fold shows the model:
		 * that vCPU is kicked, as a flushed LR's owner is (vgic_queue) */
		if (was && !now && !v->ap_owner && vg->ops && vg->ops->kick)
			vg->ops->kick(vg, i);
	}
}

uint64_t fastirq_count(const struct vgic *vg, uint32_t intid)
{
	uint64_t n = 0;
	unsigned int i;

	/* (a GICv2's eoi/oneshot SPI's entries hold its virq, and count nothing) */
	if (intid >= FAST_MAX_INTIDS || (!fast_pt_asm() && intid >= VGIC_INTID_SPI_BASE &&
					 fast_c_spi(&vg->spis[intid - VGIC_INTID_SPI_BASE])))
		return 0;
	for (i = 0; i < vg->nr_cpus; i++)
		n += __atomic_load_n(&fast_table[vg->cpus[i]->host_cpu][intid].count,
				     __ATOMIC_RELAXED);
	return n;
}
