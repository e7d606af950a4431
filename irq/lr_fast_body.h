/*
 * lr_fast_body.h - the logic of irq/lr_fast.c (the eoi/oneshot fast path) as inline bodies with
 * the hardware as parameters, so that one logic serves both callers: irq/lr_fast.c instantiates it
 * with the caller's struct lr_hw and each line's own passthrough_hw (GICv2, host tests), and
 * hyp/run/irq_fast.c on a GICv3 with constant tables of direct register accesses, which the
 * compiler folds into the code (no indirect call on the fast path). Internal to those two files.
 *
 * hw: the fast path's own accesses (read_elrsr, read_eisr, read_misr, write_lr); full: the lr_hw
 * a whole fold and flush uses, and whose nr_lrs counts; pt: the passthrough lines' effects, or
 * NULL for each line's own (p->hw). Included through irq/lr_fast.h.
 */
#ifndef SKIFF_IRQ_LR_FAST_BODY_H
#define SKIFF_IRQ_LR_FAST_BODY_H

#include <stdbool.h>

#include "drivers/lr_hw.h"
#include "irq/lr.h"
#include "irq/lr_parts.h"
#include "irq/passthrough.h"
#include "irq/vgic.h"
#include "irq/vgic_mmio.h"

/* The fast-path table entry bit that marks an entry for the C fast path (arch/arm64/fastirq.h,
 * FAST_IRQ_C_BIT); the rest of an SPI's entry is its LR value. */
#define LR_FAST_C (1ull << 63)

#define LR_FAST_INLINE static inline __attribute__((always_inline))

/*
 * SPI v fired on vc's CPU while vc was in its guest; entry is its fast-path table entry there
 * (hyp/core/fastirq.c): the LR value lr_flush() would write for it, pending with the EOI bit,
 * while it is enabled, its group enabled and vc its target, else 0; kept under v's lock. It
 * goes into the lowest free LR (ICH_ELRSR_EL2 shows it empty and no flushed entry waits there
 * for a fold) when the last flush left nothing out (no maintenance enable in ICH_HCR_EL2) and v
 * is on no list (neither pending nor active in skiff's view), exactly as passthrough_handle()
 * and lr_flush() would have put it there.
 */
LR_FAST_INLINE bool lr_fast_inject_body(struct vgic_cpu *vc, const struct lr_hw *hw,
					const struct lr_hw *full, const struct passthrough_hw *pt,
					struct virq *v, const uint64_t *entry)
{
	struct passthrough *p;
	uint32_t free, bit;
	uint64_t val;
	unsigned int n;
	bool done = false;

	if ((vc->hcr & LR_HCR_OVERFLOW) || !hw->read_elrsr)
		return false;
	free = hw->read_elrsr() & ~vc->lr_map & ((1u << lr_count(full)) - 1);
	if (!free)
		return false;
	n = (unsigned int)__builtin_ctz(free);
	bit = 1u << n;

	spin_lock(&vc->ap_lock);
	spin_lock(&v->lock);
	val = __atomic_load_n(entry, __ATOMIC_RELAXED);
	p = v->src->priv;
	if ((val & LR_FAST_C) && v->target == vc && !v->ap_owner && !v->active &&
	    !v->pending_latch && !v->lr_writes &&
	    !__atomic_load_n(&p->quiesced, __ATOMIC_RELAXED) && /* else the general path ends it */
	    passthrough_take_with(p, v->src_index, pt ? pt : p->hw)) {
		val &= ~LR_FAST_C;
		hw->write_lr(n, val);
		v->lr = (int8_t)n;
		vgic_ap_add(vc, v);
		vc->lr_virq[n] = v;
		vc->lr_written[n] = val;
		vc->lr_live[n] = val;
		vc->lr_unknown &= ~bit;
		vc->lr_latch |= bit; /* its pending state is the LR's, as if latched and moved */
		vc->lr_map |= bit;
		vc->lr_fast_eoi |= bit;
		if (vc->lr_used <= n)
			vc->lr_used = n + 1;
		vc->lr_fast &= ~(uint64_t)bit; /* a hw entry the fast path left there was done */
		pt_count(&p->line[v->src_index].injected);
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
 * maintenance condition) and the virq leaves the list unless it wants an LR again. Returns
 * LR_FAST_NOT (nothing changed), LR_FAST_DONE, or LR_FAST_REFILL: done, and something on the list
 * is now outside the LRs, so a whole fold and flush must refill them (lr_fast_refill), as the
 * general exit does. Then the caller queues what a prune moved (vgic_requeue).
 */
enum lr_fast_maint_result { LR_FAST_NOT = 0, LR_FAST_DONE, LR_FAST_REFILL };

/*
 * LR n, which the GICv3 assembly fire wrote (vc->lr_fast: an eoi/oneshot SPI with the EOI bit,
 * HW=0; arch/arm64/vectors.S, fast_irq_pt) and the guest has EOId: the model never held it (not
 * on the list, no bookkeeping but lr_fast), so it is finished under its virq's lock alone: its
 * line adopts the fire and ends it (passthrough_fast_eoi_line: maint counted, the physical SPI
 * deactivated; oneshot: the mask released if the guest's enable is set, else held), and the LR
 * is cleared, which ends its maintenance condition. False, changing nothing, if its INTID is no
 * fast_eoi SPI (never): the general path's fold (lr_fold_fast) then finishes it.
 */
LR_FAST_INLINE bool lr_fast_maint_pt_one(struct vgic_cpu *vc, const struct lr_hw *hw,
					 const struct passthrough_hw *pt, unsigned int n)
{
	uint32_t idx = (uint32_t)(hw->read_lr(n) & ICH_LR_VINTID_MASK) - VGIC_INTID_SPI_BASE;
	struct virq *v;
	struct passthrough *p;
	struct passthrough_line *l;

	/* (an SPI past nr_intids is never claimed: not fast_eoi, which is set at set-up) */
	if (idx >= VGIC_MAX_SPIS || !(v = &vc->vgic->spis[idx])->fast_eoi)
		return false;
	p = v->src->priv; /* its source and line, also set at set-up */
	l = &p->line[v->src_index];
	spin_lock(&v->lock);
	passthrough_fast_eoi_line(p, l, v, pt ? pt : p->hw);
	hw->write_lr(n, 0);
	spin_unlock(&v->lock);
	vc->lr_fast &= ~(1ull << n);
	return true;
}

/* lr_fast_maint_pt_one() for each LR of lrs; returns those it finished. */
LR_FAST_INLINE uint32_t lr_fast_maint_pt(struct vgic_cpu *vc, const struct lr_hw *hw,
					 const struct passthrough_hw *pt, uint32_t lrs)
{
	uint32_t done = 0;

	for (; lrs; lrs &= lrs - 1) {
		unsigned int n = (unsigned int)__builtin_ctz(lrs);

		if (lr_fast_maint_pt_one(vc, hw, pt, n))
			done |= 1u << n;
	}
	return done;
}

/* lr_fast_maint_pt() out of line, through hw and each line's own passthrough_hw: the rare
 * case for lr_fast_maint_body() (GICv3's common case is maint_pt_v3, a GICv2's fire is C).
 * irq/lr_fast.c. */
uint32_t lr_fast_maint_pt_calls(struct vgic_cpu *vc, const struct lr_hw *hw, uint32_t lrs);

LR_FAST_INLINE enum lr_fast_maint_result lr_fast_maint_body(struct vgic_cpu *vc,
							    const struct lr_hw *hw,
							    const struct lr_hw *full,
							    const struct passthrough_hw *pt)
{
	struct vgic *vgic = vc->vgic;
	uint32_t eoi_lrs, bits, asm_lrs;
	const struct virq *u;
	bool refill = false;

	if ((vc->hcr & LR_HCR_OVERFLOW) || !hw->read_misr || hw->read_misr() != ICH_MISR_EOI)
		return LR_FAST_NOT;
	eoi_lrs = hw->read_eisr();
	/* an LR the assembly fire wrote (lr_fast) owes a maintenance only as such (a hw one has
	 * HW=1); the others must be flushed fast_eoi ones */
	asm_lrs = eoi_lrs & (uint32_t)vc->lr_fast;
	eoi_lrs &= ~asm_lrs;
	if ((!eoi_lrs && !asm_lrs) || (eoi_lrs & ~vc->lr_fast_eoi))
		return LR_FAST_NOT;
	if (asm_lrs && lr_fast_maint_pt_calls(vc, full, asm_lrs) != asm_lrs)
		return LR_FAST_NOT; /* never; the general path's fold finishes the rest */
	if (!eoi_lrs)
		return LR_FAST_DONE;

	spin_lock(&vc->ap_lock);
	for (bits = eoi_lrs; bits; bits &= bits - 1) {
		unsigned int n = (unsigned int)__builtin_ctz(bits);
		struct virq *v = vc->lr_virq[n];
		struct passthrough *p = v->src->priv;

		spin_lock(&v->lock);
		v->lr = LR_NONE; /* lr_fold_one(): P or A -> 0, one deactivation, no latch back */
		v->active = false;
		/* lr_deactivated(): a fast_eoi virq is no hw one; its source's eoi, directly */
		passthrough_eoi_with(p, v->src_index, v, pt ? pt : p->hw);
		if (v->lr_writes)
			vgic_apply_lr_writes(vgic, v);
		hw->write_lr(n, 0);
		vc->lr_live[n] = 0;
		vc->lr_virq[n] = NULL;
		vc->lr_written[n] = 0;
		if (!vgic_wants_lr(vgic, v))
			vgic_ap_del(v);
		spin_unlock(&v->lock);
	}
	vc->lr_map &= ~eoi_lrs;
	vc->lr_latch &= ~eoi_lrs;
	vc->lr_fast_eoi &= ~eoi_lrs;
	vc->lr_used = vc->lr_map ? 32u - (unsigned int)__builtin_clz(vc->lr_map) : 0;
	/* the list members' lr fields are written only under this ap_lock: no virq lock needed */
	for (u = vc->ap_head; u && !refill; u = u->ap_next)
		refill = u->lr < 0;
	spin_unlock(&vc->ap_lock);
	return refill ? LR_FAST_REFILL : LR_FAST_DONE;
}

/* After LR_FAST_REFILL: as the general exit, lr_flush() only ever following a whole fold, in
 * one hold of the ap_lock (another CPU may have added to the list since: it kicked vc too).
 * irq/lr_fast.c. */
void lr_fast_refill(struct vgic_cpu *vc, const struct lr_hw *full);

#endif
