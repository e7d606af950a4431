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

#include "irq/lr.h"
#include "irq/lr_parts.h"
#include "irq/vgic_mmio.h"

uint64_t lr_fast_entry(const struct vgic *vg, const struct virq *v, const struct vgic_cpu *vc)
{
	uint32_t grp = v->group ? GICD_CTLR_ENABLE_GRP1 : GICD_CTLR_ENABLE_GRP0;

	if (!v->fast_eoi || !v->enabled || v->target != vc ||
	    !(__atomic_load_n(&vg->ctlr, __ATOMIC_RELAXED) & grp))
		return 0;
	return LR_FAST_C | ICH_LR_PENDING | ICH_LR_EOI | (v->group ? ICH_LR_GROUP : 0) |
	       ((uint64_t)v->priority << ICH_LR_PRIORITY_SHIFT) | v->intid;
}

/*
 * SPI v fired on vc's CPU while vc was in its guest; entry is its fast-path table entry there
 * (hyp/core/fastirq.c): the LR value lr_flush() would write for it, pending with the EOI bit,
 * while it is enabled, its group enabled and vc its target, else 0; kept under v's lock. It
 * goes into the lowest free LR (ICH_ELRSR_EL2 shows it empty and no flushed entry waits there
 * for a fold) when the last flush left nothing out (no maintenance enable in ICH_HCR_EL2) and v
 * is on no list (neither pending nor active in skiff's view), exactly as passthrough_handle()
 * and lr_flush() would have put it there.
 */
bool lr_fast_inject(struct vgic_cpu *vc, const struct lr_hw *hw, struct virq *v,
		    const uint64_t *entry)
{
	struct passthrough *p;
	uint32_t free;
	uint64_t val;
	unsigned int n;
	bool done = false;

	if ((vc->hcr & LR_HCR_OVERFLOW) || !hw->read_elrsr)
		return false;
	free = hw->read_elrsr() & ~vc->lr_map & ((1u << lr_count(hw)) - 1);
	if (!free)
		return false;
	n = (unsigned int)__builtin_ctz(free);

	spin_lock(&vc->ap_lock);
	spin_lock(&v->lock);
	val = __atomic_load_n(entry, __ATOMIC_RELAXED) & ~LR_FAST_C;
	p = v->src->priv;
	if ((*entry & LR_FAST_C) && v->target == vc && !v->ap_owner && !v->active &&
	    !v->pending_latch && !v->lr_writes &&
	    !__atomic_load_n(&p->quiesced, __ATOMIC_RELAXED) &&
	    passthrough_take_locked(p, v->src_index)) {
		hw->write_lr(n, val);
		v->lr = (int8_t)n;
		vgic_ap_add(vc, v);
		vc->lr_virq[n] = v;
		vc->lr_written[n] = val;
		vc->lr_live[n] = val;
		vc->lr_unknown &= ~(1u << n);
		vc->lr_latch |= 1u
				<< n; /* its pending state is the LR's, as if latched and moved */
		vc->lr_map |= 1u << n;
		vc->lr_fast_eoi |= 1u << n;
		if (vc->lr_used <= n)
			vc->lr_used = n + 1;
		vc->lr_fast &= ~(1ull << n); /* a hw entry the fast path left there was done */
		passthrough_injected(p, v->src_index);
		done = true;
	}
	spin_unlock(&v->lock);
	spin_unlock(&vc->ap_lock);
	return done;
}

/*
 * The maintenance interrupt, vc in its guest. Handled here when its only cause is EOIs
 * (ICH_MISR_EL2 = EOI: the last flush left nothing out, so no underflow, no-pending or EOIcount
 * condition is armed) of LRs that hold a fast_eoi SPI written pending or active (never both:
 * lr_value) with the EOI bit (lr_fast_eoi): each was deactivated once, which is what
 * lr_fold_one() makes of P -> 0 and of A -> 0 (a latch moved into a pending LR was taken). So each
 * one's source gets its eoi (the physical SPI deactivated; oneshot: the mask released if the
 * guest's enable is set), its waiting writes are applied, the LR is cleared (which ends the
 * maintenance condition) and the virq leaves the list unless it wants an LR again. If anything on
 * the list is now outside the LRs, a whole fold and flush refill them, as the general exit does.
 * Returns true if done; then the caller queues what a prune moved (vgic_requeue).
 */
bool lr_fast_maint(struct vgic_cpu *vc, const struct lr_hw *hw)
{
	struct vgic *vg = vc->vgic;
	uint32_t eisr, bits;
	const struct virq *u;
	bool refill = false;

	if ((vc->hcr & LR_HCR_OVERFLOW) || !hw->read_misr || hw->read_misr() != ICH_MISR_EOI)
		return false;
	eisr = hw->read_eisr();
	if (!eisr || (eisr & ~vc->lr_fast_eoi))
		return false;

	spin_lock(&vc->ap_lock);
	for (bits = eisr; bits; bits &= bits - 1) {
		unsigned int n = (unsigned int)__builtin_ctz(bits);
		struct virq *v = vc->lr_virq[n];

		spin_lock(&v->lock);
		v->lr = LR_NONE; /* lr_fold_one(): P or A -> 0, one deactivation, no latch back */
		v->active = false;
		/* lr_deactivated(): a fast_eoi virq is no hw one; its source's eoi, directly */
		passthrough_eoi_locked(v->src->priv, v->src_index, v);
		if (v->lr_writes)
			vgic_apply_lr_writes(vg, v);
		hw->write_lr(n, 0);
		vc->lr_live[n] = 0;
		vc->lr_virq[n] = NULL;
		vc->lr_written[n] = 0;
		if (!vgic_wants_lr(vg, v))
			vgic_ap_del(v);
		spin_unlock(&v->lock);
	}
	vc->lr_map &= ~eisr;
	vc->lr_latch &= ~eisr;
	vc->lr_fast_eoi &= ~eisr;
	vc->lr_used = vc->lr_map ? 32u - (unsigned int)__builtin_clz(vc->lr_map) : 0;
	/* the list members' lr fields are written only under this ap_lock: no virq lock needed */
	for (u = vc->ap_head; u && !refill; u = u->ap_next)
		refill = u->lr < 0;
	if (refill) { /* as the general exit: lr_flush() only ever follows a whole fold */
		lr_fold(vc, hw);
		lr_flush(vc, hw);
	}
	spin_unlock(&vc->ap_lock);
	return true;
}
