/*
 * irq_fast.c - the C half of the eoi/oneshot fast path (docs/interrupts.md, "The eoi and oneshot
 * fast path"): arch/arm64/vectors.S calls fastirq_c() for an interrupt whose fast-path entry
 * asks for it, with the guest's caller-saved registers saved and nothing else. It handles a
 * passed-through eoi/oneshot SPI of the vCPU running here, and the maintenance interrupt, through
 * irq/lr_fast.c; anything else goes to the general path (irq_entry). Touches this CPU's vCPU,
 * its vGIC state through irq/, and the physical GIC through gic.
 */
#include "hyp/run/irq_fast.h"

#include "drivers/gic.h"
#include "hyp/core/cpu.h"
#include "hyp/core/vm.h"
#include "irq/lr_fast.h"

int fastirq_c(struct cpu *c, uint32_t intid, const struct fast_irq *e)
{
	struct vcpu *v = c->vcpu;
	struct virq *vq;

	if (!v)
		goto general;
	if (intid == plat.gic_maint_intid) {
		if (!lr_fast_maint(&v->vgic, gic->lr))
			goto general;
		/* what a refill's prune moved; more than requeue holds: prune again, as flush() */
		while (v->vgic.nr_requeue && vgic_requeue(&v->vm->vgic, &v->vgic)) {
			spin_lock(&v->vgic.ap_lock);
			vgic_prune(&v->vm->vgic, &v->vgic);
			spin_unlock(&v->vgic.ap_lock);
		}
		v->lrs_clean = v->vgic.lr_used == 0;
		v->exits[SKIFF_EXIT_MAINT]++;
		gic->eoi(intid);
		gic->deactivate(intid); /* its condition is gone: the EOId LRs are cleared */
		return 0;
	}
	/* the entry was read with acquire (vectors.S), its virq stored before it */
	vq = __atomic_load_n(&e->virq, __ATOMIC_RELAXED);
	if (!vq || !lr_fast_inject(&v->vgic, gic->lr, vq, &e->lr))
		goto general;
	v->lrs_clean = false;
	gic->eoi(intid); /* priority drop; skiff deactivates at the guest's EOI */
	return 0;
general:
	c->fast.acked = intid + 1; /* irq_entry() takes it from here */
	return 1;
}
