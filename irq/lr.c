/*
 * lr.c - the list-register manager. lr_flush() chooses which of a vCPU's in-flight interrupts
 * go into the ICH_LR<n>_EL2 registers and sets ICH_HCR_EL2 before the vCPU enters the guest;
 * lr_fold() reads them back when it leaves and turns what the guest did (acknowledge,
 * deactivate, EOI of an interrupt outside the LRs) into virq state and source callbacks.
 *
 * Plain C: the registers come through struct lr_hw; the list itself (who is on it, moving and
 * dropping entries) belongs to irq/vgic.c. The caller holds the vCPU's ap_lock; lr.c takes the
 * lock of each virq on the list while it reads or changes it, and must not touch MMIO, system
 * registers, other locks, any ICH_ register but the LRs and HCR, or a virq that is not on this
 * vCPU's list (the callbacks it makes under a virq's lock change that virq only).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "irq/lr.h"
#include "irq/lr_parts.h"
#include "irq/source.h"
#include "irq/vgic.h"
#include "irq/vgic_mmio.h"
#include "irq/virq.h"

/*
 * The rules, and why they are enough (IHI 0069, 6.4 and ICH_HCR_EL2 / ICH_MISR_EL2):
 *
 * Between lr_fold() and lr_flush() no virq of this vCPU is in a list register (v->lr == -1)
 * and the virqs hold the whole truth. While the guest runs, the LR holds the truth of the
 * virqs in it: their pending and active state as the guest sees it.
 *
 * Rank: an interrupt the guest can take (pending, delivered, not active) beats one it cannot
 * (active, with or without a pending state it can take only after deactivating), then the
 * higher priority (numerically lower), then the lower INTID. lr_flush() puts the best nr_lrs
 * of the entries that want an LR into the LRs, in rank order (LR0 best). So if an interrupt the
 * guest could take is left out, every LR holds one it can take, and everything left out ranks
 * below everything in the LRs: the guest could not take a left-out interrupt before the ones
 * it has. (Ranking a pending+active one with the pending ones would let LRs the guest can do
 * nothing with until it deactivates them - an SGI made active by ISACTIVER, say - keep out an
 * interrupt it could take, with nothing to bring the vCPU back.)
 *
 * An active interrupt can live outside the LRs: its priority stays in the guest's active
 * priority registers, and the guest's EOI of it, finding no LR, counts in EOIcount.
 *
 * Nothing left out may be forgotten, so something must bring the vCPU back as soon as the
 * guest could use a left-out interrupt:
 *  - an active one left out: LRENPIE turns the guest's EOI of it into a maintenance
 *    interrupt; lr_fold() then deactivates that many of the active ones outside the LRs,
 *    highest priority first (the guest EOIs the most recently taken, the highest, first).
 *  - a pending one left out: the guest can take it only after it has acknowledged or
 *    finished one of those in the LRs. NPIE catches "no LR is pending any more"; it is set
 *    only if some LR is written pending-only, else it would fire at once, and forever.
 *    The EOI bit on every LR written active catches "finished" (that LR becomes invalid).
 *  - UIE (at most one LR valid) tops the LRs up early when more want one than fit. With a
 *    single LR it would always fire, so it is left off then; the two above are enough.
 * Right after lr_flush() no maintenance condition holds (every written LR is valid, one is
 * pending if NPIE is set, EOIcount is 0): no maintenance interrupt storm.
 *
 * Never written pending+active, but active only, the pending state staying in the virq and
 * the EOI bit set so that the guest's deactivation brings the vCPU back to deliver it:
 *  - a HW interrupt: its pending state belongs to the physical GIC. While it is held back
 *    the LR is written with HW=0 (the EOI bit and pINTID share bits), so lr_fold()
 *    deactivates the physical interrupt itself.
 *  - an eoi_notify interrupt: its source resamples at deactivation, and that must be seen
 *    before the guest may take it again.
 *
 * Deactivations are counted from the LR state alone. The guest moves an LR only from
 * pending to active (acknowledge) and from active to not active (deactivate); a
 * pending+active interrupt cannot be acknowledged. So, from written to read state:
 * activations at the start (written active) + acknowledgements (written pending, read not
 * pending) - activations at the end (read active) = deactivations. That gives
 * P->A 0, P->0 1, A->0 1, PA->P 1, PA->A 1 (deactivated, then taken again), PA->0 2.
 *
 * Pending state: a latch (an edge, an ISPENDR write, a passthrough interrupt skiff took)
 * moves into the LR when it is written pending, edge or level alike, and comes back at fold
 * only if that LR is still pending; a new one arriving meanwhile - possibly from another CPU
 * while the LR belongs to this vCPU - sets the latch again and is never mistaken for the one
 * the guest took. A level interrupt is also pending while its line is high; the line does
 * not go into the LR: one written while its line is high (HW=0) gets the EOI bit, because
 * after the guest's deactivation it must be pending again at once, and only lr_flush() can
 * say so.
 */

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

unsigned int lr_count(const struct lr_hw *hw)
{
	return hw->nr_lrs < VGIC_MAX_LRS ? hw->nr_lrs : VGIC_MAX_LRS;
}

/* Whether v's pending state may be delivered: vgic_wants_lr() without its "or active". */
static bool lr_can_pend(const struct vgic *vg, const struct virq *v)
{
	uint32_t grp_enable = v->group ? GICD_CTLR_ENABLE_GRP1 : GICD_CTLR_ENABLE_GRP0;

	return virq_pending(v) && v->enabled &&
	       (__atomic_load_n(&vg->ctlr, __ATOMIC_RELAXED) & grp_enable);
}

static bool lr_ranks_before(const struct lr_pick *a, const struct lr_pick *b)
{
	if (a->take != b->take)
		return a->take;
	if (a->prio != b->prio)
		return a->prio < b->prio;
	return a->v->intid < b->v->intid;
}

/* The LR value for p. pend_left: some pending interrupt is left out of the LRs. hw_lr: a
 * hardware-linked virq may be written with HW=1 (else with the EOI bit: lr_fold() deactivates
 * the physical interrupt, struct vgic.no_hw_lrs). */
static uint64_t lr_value(const struct lr_pick *p, bool pend_left, bool hw_lr)
{
	const struct virq *v = p->v;
	uint64_t val = ((uint64_t)v->intid & ICH_LR_VINTID_MASK) |
		       ((uint64_t)v->priority << ICH_LR_PRIORITY_SHIFT);
	bool pend = p->pend;
	bool held = false; /* active only, pending kept in the virq until deactivated */

	if (v->group)
		val |= ICH_LR_GROUP;
	if (v->active) {
		val |= ICH_LR_ACTIVE;
		if (pend && (v->hw || v->eoi_notify)) {
			pend = false;
			held = true;
		}
	}
	if (pend)
		val |= ICH_LR_PENDING;

	if (v->hw && !held && hw_lr)
		val |= ICH_LR_HW |
		       (((uint64_t)v->pintid << ICH_LR_PINTID_SHIFT) & ICH_LR_PINTID_MASK);
	else if (v->hw || v->eoi_notify || held || (pend_left && v->active) ||
		 (!v->edge && v->line_level))
		val |= ICH_LR_EOI;
	return val;
}

/*
 * A GICv2 VM's SGI (IHI 0048B 3.2.3, 5.3.11): it is pending once per requesting vCPU
 * (v->sgi_sources), and an LR carries one of them, its source in CPUID, which the guest reads
 * in GICV_IAR and writes back to GICV_EOIR. val is lr_value()'s.
 *  - Active: the LR carries the active one's source (v->sgi_active_src). With a pending one
 *    too, it is written active only, with the EOI bit, the pending ones kept in the virq: one
 *    CPUID cannot name two sources, and the deactivation brings the vCPU back to deliver.
 *  - Pending: the lowest source moves into the LR (a latch without a source, from
 *    vgic_trigger(), counts as vCPU 0's); the others stay latched, and the EOI bit brings the
 *    vCPU back when the guest has finished with this one. lr_fold() returns the source if the
 *    LR is still pending. Returns the value to write; *latched: a source moved into the LR.
 */
__attribute__((cold, noinline)) static uint64_t lr_v2_sgi(struct virq *v, uint64_t val,
							  bool *latched)
{
	unsigned int src;

	*latched = false;
	if (val & ICH_LR_ACTIVE) {
		if (val & ICH_LR_PENDING)
			val = (val & ~ICH_LR_PENDING) | ICH_LR_EOI;
		return val | ((uint64_t)v->sgi_active_src << LR_V2_CPUID_SHIFT & LR_V2_CPUID_MASK);
	}
	if (!(val & ICH_LR_PENDING) || !v->pending_latch)
		return val;
	src = v->sgi_sources ? (unsigned int)__builtin_ctz(v->sgi_sources) : 0;
	v->sgi_sources &= (uint8_t) ~(1u << src);
	v->pending_latch = v->sgi_sources != 0;
	*latched = true;
	if (v->pending_latch)
		val |= ICH_LR_EOI;
	return val | ((uint64_t)src << LR_V2_CPUID_SHIFT & LR_V2_CPUID_MASK);
}

static void lr_left_out(const struct lr_pick *p, bool *pend_left, bool *active_left)
{
	if (p->take)
		*pend_left = true;
	if (p->active)
		*active_left = true;
}

void lr_flush(struct vgic_cpu *vc, const struct lr_hw *hw)
{
	struct vgic *vg = vc->vgic;
	struct lr_pick pick[VGIC_MAX_LRS];
	unsigned int nr = lr_count(hw);
	unsigned int used = 0, wanting = 0, n;
	bool pend_left = false, active_left = false, pend_only_written = false;
	uint32_t latch = 0, fast_eoi = 0;
	uint32_t hcr = ICH_HCR_EN;
	struct virq *v, **pp;
	const bool v2 = vg->version == VGIC_V2;

	SPIN_ASSERT_HELD(&vc->ap_lock);

	/* Prune as it goes (vgic_prune_at), and keep the best nr entries in pick[], sorted by
	 * rank; what falls off is left out. The ranking reads each virq under its lock, once; a
	 * change by another CPU after that kicks this vCPU, so its next exit ranks again. */
	for (pp = &vc->ap_head; (v = *pp);) {
		struct lr_pick p = { .v = v };
		enum vgic_prune_verdict verdict;
		unsigned int pos;

		spin_lock(&v->lock);
		verdict = vgic_prune_at(vg, vc, pp);
		if (verdict == VGIC_PRUNE_KEEP) {
			v->lr = LR_NONE;
			p.prio = v->priority;
			p.active = v->active;
			p.pend = lr_can_pend(vg, v);
			p.take = p.pend && !v->active;
			pp = &v->ap_next;
		} else if (verdict == VGIC_PRUNE_LATER) {
			pp = &v->ap_next;
		}
		spin_unlock(&v->lock);
		if (verdict != VGIC_PRUNE_KEEP)
			continue;
		wanting++;

		pos = used;
		while (pos > 0 && lr_ranks_before(&p, &pick[pos - 1]))
			pos--;
		if (pos >= nr) {
			lr_left_out(&p, &pend_left, &active_left);
			continue;
		}
		if (used == nr) {
			used--;
			lr_left_out(&pick[used], &pend_left, &active_left);
		}
		for (n = used; n > pos; n--)
			pick[n] = pick[n - 1];
		pick[pos] = p;
		used++;
	}

	for (n = 0; n < nr; n++) {
		uint64_t val = 0;

		if (n < used) {
			v = pick[n].v;
			spin_lock(&v->lock);
			/* as ranked, unless another CPU changed it since: then as it is now */
			pick[n].pend = lr_can_pend(vg, v);
			pick[n].take = pick[n].pend && !v->active;
			val = vgic_wants_lr(vg, v) ? lr_value(&pick[n], pend_left, !vg->no_hw_lrs)
						   : 0;
			if (__builtin_expect(v2, 0) && v->intid < VGIC_NR_SGIS) {
				bool moved;

				val = lr_v2_sgi(v, val, &moved);
				latch |= (uint32_t)moved << n;
			} else if ((val & ICH_LR_PENDING) && v->pending_latch) {
				v->pending_latch = false; /* moved into the LR */
				latch |= 1u << n;
			}
			if ((val & ICH_LR_STATE_MASK) == ICH_LR_PENDING)
				pend_only_written = true;
			/* pending or active (never both, lr_value) with the EOI bit: at its EOI,
			 * lr_fast_maint() may finish it */
			if (v->fast_eoi && (val & ICH_LR_EOI) && (val & ICH_LR_STATE_MASK))
				fast_eoi |= 1u << n;
			v->lr = (int8_t)n;
			spin_unlock(&v->lock);
			vc->lr_virq[n] = v;
		} else {
			vc->lr_virq[n] = NULL;
		}
		vc->lr_written[n] = val;
		/* only what changes: an LR left as it was (not taken, or empty) is not rewritten */
		if ((vc->lr_unknown & (1u << n)) || vc->lr_live[n] != val) {
			hw->write_lr(n, val);
			vc->lr_live[n] = val;
		}
	}
	vc->lr_unknown = 0;
	vc->lr_used = used;
	vc->lr_map = (1u << used) - 1;
	vc->lr_fast_eoi = fast_eoi;
	vc->lr_latch = latch;

	if (wanting > nr && nr > 1)
		hcr |= ICH_HCR_UIE;
	if (pend_left && pend_only_written)
		hcr |= ICH_HCR_NPIE;
	if (active_left)
		hcr |= ICH_HCR_LRENPIE;
	/* EOIcount (bits 31:27) written 0: lr_fold() has accounted for every count */
	if (vc->hcr_unknown || vc->hcr != hcr) {
		vc->hcr = hcr;
		hw->write_hcr(hcr);
		vc->hcr_unknown = false;
	}
}

/* The guest finished with v once. phys: the GIC did not deactivate the physical interrupt
 * for us (no LR with HW=1 held it), so do it here. */
static void lr_deactivated(struct vgic *vg, struct virq *v, bool phys)
{
	if (phys && vg->ops && vg->ops->deactivate_phys)
		vg->ops->deactivate_phys(vg, v->intid < VGIC_NR_PRIVATE ? v->target : NULL,
					 v->pintid);
	if (v->src && v->src->ops && v->src->ops->eoi)
		v->src->ops->eoi(v->src, v->src_index);
}

/* A GICv2 SGI left the LR written was: its source comes back with the latch (back), or is the
 * active one's (active). */
__attribute__((cold, noinline)) static void lr_v2_sgi_fold(struct virq *v, uint64_t was, bool back,
							   bool active)
{
	uint8_t src = (uint8_t)((was & LR_V2_CPUID_MASK) >> LR_V2_CPUID_SHIFT);

	if (back)
		v->sgi_sources |= (uint8_t)(1u << src);
	if (active)
		v->sgi_active_src = src;
}

/* Bring back v's state from the LR it was written to (was) and read from (now); returns how
 * many times the guest deactivated it (see the top of the file). */
static unsigned int lr_fold_one(struct virq *v, uint64_t was, uint64_t now, bool latched, bool v2)
{
	bool was_pending = was & ICH_LR_PENDING;
	bool was_active = was & ICH_LR_ACTIVE;
	bool now_pending = now & ICH_LR_PENDING;
	bool now_active = now & ICH_LR_ACTIVE;
	bool taken = was_pending && !now_pending;
	int deactivations = (int)was_active + (int)taken - (int)now_active;

	v->lr = LR_NONE;
	v->active = now_active;
	if (latched && !taken && now_pending)
		v->pending_latch = true; /* not taken: the latch comes back */
	if (__builtin_expect(v2, 0) && v->intid < VGIC_NR_SGIS)
		lr_v2_sgi_fold(v, was, latched && !taken && now_pending, now_active);
	return deactivations > 0 ? (unsigned int)deactivations : 0;
}

static bool lr_was_in_lr(const struct vgic_cpu *vc, unsigned int used, const struct virq *v)
{
	unsigned int n;

	for (n = 0; n < used; n++)
		if (vc->lr_virq[n] == v)
			return true;
	return false;
}

/* The highest-priority active entry of vc's list that the last lr_flush() left out of the
 * LRs: the one the guest's next EOI outside the LRs was for. Returned with its lock held. */
static struct virq *lr_active_outside(const struct vgic_cpu *vc, unsigned int used)
{
	struct virq *best = NULL;
	uint8_t best_prio = 0;
	struct virq *v;

	for (v = vc->ap_head; v; v = v->ap_next) {
		bool better;

		if (lr_was_in_lr(vc, used, v))
			continue;
		spin_lock(&v->lock);
		better = v->active && (!best || v->priority < best_prio ||
				       (v->priority == best_prio && v->intid < best->intid));
		if (better) {
			best = v;
			best_prio = v->priority;
		}
		spin_unlock(&v->lock);
	}
	if (best)
		spin_lock(&best->lock);
	return best;
}

/*
 * LRs the fast path's assembly filled (arch/arm64/vectors.S): a hardware-linked interrupt written
 * pending (hw mode, HW=1), or an eoi/oneshot SPI written pending with the EOI bit (HW=0,
 * fast_irq_pt) whose line was not told: it is told first (its source's fast_fired). What the
 * guest has not finished goes back into its virq (pending latch, active) and onto the list; a
 * finished hw one needs nothing (the GIC deactivated the physical interrupt), a finished
 * eoi/oneshot one was deactivated once by the guest (its source's eoi, as lr_fold_one's P -> 0),
 * and its LR, which owes a maintenance interrupt, is cleared.
 */
static void lr_fold_fast(struct vgic_cpu *vc, const struct lr_hw *hw)
{
	struct vgic *vg = vc->vgic;
	unsigned int n;

	for (n = 0; n < lr_count(hw) && vc->lr_fast; n++) {
		uint64_t val;
		struct virq *v;
		bool pt;

		if (!(vc->lr_fast & (1ull << n)))
			continue;
		vc->lr_fast &= ~(1ull << n);
		vc->lr_unknown |= 1u << n; /* the fast path's entry, finished or cleared below */
		val = hw->read_lr(n);
		pt = (val & (ICH_LR_HW | ICH_LR_EOI)) == ICH_LR_EOI;
		if (!pt && !(val & ICH_LR_STATE_MASK))
			continue;
		/* the state is the virq's now: the LR must not stay live if the next flush is
		 * skipped (hyp/run/vcpu.c, nothing in flight here once the virq moved elsewhere),
		 * nor owe a maintenance interrupt */
		hw->write_lr(n, 0);
		v = vgic_lock_virq(vg, vc, (uint32_t)(val & ICH_LR_VINTID_MASK));
		if (!v)
			continue;
		if (pt && v->src && v->src->ops && v->src->ops->fast_fired)
			v->src->ops->fast_fired(v->src, v->src_index);
		if (val & ICH_LR_PENDING)
			v->pending_latch = true;
		if (val & ICH_LR_ACTIVE)
			v->active = true;
		if (val & ICH_LR_STATE_MASK)
			vgic_queue_held(vg, vc, v);
		else
			lr_deactivated(vg, v, false);
		vgic_unlock_virq(v);
	}
	vc->lr_fast = 0;
}

/*
 * Each LR's virq is folded, told of its deactivations and given the writes that waited for it
 * in one hold of its lock, so another CPU sees it either in the LR or wholly out of it. The
 * fast path's LRs come after the flushed ones: an LR it reused had been empty, so the entry
 * flushed there was finished (read as state 0).
 */
void lr_fold(struct vgic_cpu *vc, const struct lr_hw *hw)
{
	struct vgic *vg = vc->vgic;
	unsigned int used = vc->lr_used;
	unsigned int n, i, eoicount;
	uint32_t empty;
	const bool v2 = vg->version == VGIC_V2;

	SPIN_ASSERT_HELD(&vc->ap_lock);
	if (used > VGIC_MAX_LRS)
		used = VGIC_MAX_LRS;
	/* an LR ICH_ELRSR_EL2 shows empty is not read: its state is 0, the rest as written */
	empty = hw->read_elrsr ? hw->read_elrsr() : 0;

	for (n = 0; n < used; n++) {
		struct virq *v = vc->lr_virq[n];
		uint64_t was = vc->lr_written[n];
		bool phys;
		uint64_t now;
		unsigned int d;

		if (!v)
			continue;
		phys = v->hw && !(was & ICH_LR_HW);
		if (vc->lr_fast & (1ull << n)) {
			now = 0;
		} else if (empty & (1u << n)) {
			now = 0;
			vc->lr_live[n] = was & ~ICH_LR_STATE_MASK;
		} else {
			now = hw->read_lr(n);
			vc->lr_live[n] = now;
		}
		spin_lock(&v->lock);
		d = lr_fold_one(v, was, now, vc->lr_latch & (1u << n), v2);
		for (i = 0; i < d; i++)
			lr_deactivated(vg, v, phys);
		if (v->lr_writes)
			vgic_apply_lr_writes(vg, v);
		if (!v->active && !vgic_wants_lr(vg, v) && v->ap_owner == vc)
			vgic_ap_del(v); /* done with: the flush's prune need not visit it */
		spin_unlock(&v->lock);
	}
	lr_fold_fast(vc, hw);

	eoicount = (hw->read_hcr() & ICH_HCR_EOICOUNT_MASK) >> ICH_HCR_EOICOUNT_SHIFT;
	if (eoicount)
		vc->hcr_unknown = true; /* the next flush writes it 0 */
	vc->lr_idle =
		!eoicount && !vc->hcr_unknown && vc->hcr == ICH_HCR_EN && !(vc->lr_map & ~empty);
	for (i = 0; i < eoicount; i++) {
		struct virq *v = lr_active_outside(vc, used);

		if (!v)
			break;
		v->active = false;
		lr_deactivated(vg, v, v->hw);
		vgic_unlock_virq(v);
	}

	for (n = 0; n < used; n++) {
		vc->lr_virq[n] = NULL;
		vc->lr_written[n] = 0;
	}
	vc->lr_used = 0;
	vc->lr_map = 0;
	vc->lr_fast_eoi = 0;
	vc->lr_latch = 0;
	/* No prune here: a fold is always followed by lr_flush(), which prunes as it ranks, unless
	 * the list is empty (hyp/run/vcpu.c's flush(), lr_fast_maint's refill) */
}
