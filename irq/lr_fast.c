/*
 * lr_fast.c - the interrupt core's half of the eoi/oneshot fast path (docs/interrupts.md, "The
 * eoi and oneshot fast path"): a passed-through SPI in eoi or oneshot mode goes straight into a
 * free list register, and at the maintenance interrupt the LRs the guest EOId are finished
 * (the physical SPI deactivated, the oneshot mask released) without the general exit's fold
 * and flush of every LR. Called by hyp/core/fastirq.c on the CPU that runs the vCPU, with no
 * lock held; takes the vCPU's ap_lock, then the virqs' locks, as lr_fold() does.
 *
 * Plain C: the registers come through struct lr_hw. Each function either does exactly what the
 * general path would have done (passthrough_handle() then lr_flush(), or lr_fold() then
 * lr_flush()) for the case it knows, or changes nothing and returns false, and the caller takes
 * the general path. Must not touch anything but this vCPU's list registers and bookkeeping and
 * the virqs and passthrough lines involved.
 */
#include "irq/lr_fast.h"

uint64_t lr_fast_entry(const struct vgic *vg, const struct virq *v, const struct vgic_cpu *vc)
{
	uint32_t grp = v->group ? GICD_CTLR_ENABLE_GRP1 : GICD_CTLR_ENABLE_GRP0;

	/* on a list (v->ap_owner): in flight on the general path, perhaps in a flushed LR of
	 * another vCPU; a fire there is the general path's too, where the fire is the assembly's
	 * (irq/vgic.c, vgic_ap_add; fastirq_c_v2() looks itself, under the virq's lock) */
	if (!v->fast_eoi || !v->enabled || v->target != vc || (vg->asm_eoi && v->ap_owner) ||
	    !(__atomic_load_n(&vg->ctlr, __ATOMIC_RELAXED) & grp))
		return 0;
	return LR_FAST_C | ICH_LR_PENDING | ICH_LR_EOI | (v->group ? ICH_LR_GROUP : 0) |
	       ((uint64_t)v->priority << ICH_LR_PRIORITY_SHIFT) | v->intid;
}

bool lr_fast_inject(struct vgic_cpu *vc, const struct lr_hw *hw, struct virq *v,
		    const uint64_t *entry)
{
	return lr_fast_inject_body(vc, hw, hw, NULL, v, entry);
}

__attribute__((cold)) void lr_fast_refill(struct vgic_cpu *vc, const struct lr_hw *full)
{
	spin_lock(&vc->ap_lock);
	lr_fold(vc, full);
	lr_flush(vc, full);
	spin_unlock(&vc->ap_lock);
}

__attribute__((cold)) uint32_t lr_fast_maint_pt_calls(struct vgic_cpu *vc, const struct lr_hw *hw,
						      uint32_t lrs)
{
	return lr_fast_maint_pt(vc, hw, NULL, lrs);
}

bool lr_fast_maint(struct vgic_cpu *vc, const struct lr_hw *hw)
{
	enum lr_fast_maint_result r = lr_fast_maint_body(vc, hw, hw, NULL);

	if (r == LR_FAST_REFILL)
		lr_fast_refill(vc, hw);
	return r != LR_FAST_NOT;
}
