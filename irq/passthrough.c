/*
 * passthrough.c - passthrough interrupt sources: the state machine of a guest interrupt
 * backed by a physical line, in the three SPI modes of docs/interrupts.md (hw, eoi, oneshot), and
 * the hardware-linked timer PPIs. It mirrors what the guest writes to the physical GIC and
 * decides when skiff deactivates, masks and unmasks the physical line.
 *
 * Touches the physical GIC only through struct passthrough_hw, and the vGIC through its calls
 * and, under their locks, the virqs of its own lines. Must not touch list registers, system
 * registers or MMIO, nor any interrupt it was not given.
 */
#include "irq/passthrough.h"

#include <stddef.h>
#include "arch/arm64/regs.h"
#include "skiff/hvc.h"

/*
 * The rules for an SPI, and why they keep the invariants of docs/interrupts.md ("Invariants of the
 * modes"). Skiff runs its CPU interface with EOImode 1: when the physical SPI fires, skiff
 * acknowledges it and drops its priority at once, then passthrough_handle() injects it. From then
 * on the physical interrupt is active, and an active interrupt does not fire again, whatever its
 * line does, until it is deactivated. Deactivation is therefore the one point that lets a line fire
 * again:
 *  - hw: the LR carries HW=1 and the pINTID; the guest's deactivation deactivates the physical
 *    interrupt in the GIC. Skiff sees nothing: one hypervisor entry per interrupt.
 *  - eoi: the LR carries the EOI bit; the guest's deactivation raises a maintenance interrupt,
 *    lr_fold() calls eoi() and skiff deactivates the physical SPI (phys_active says skiff
 *    holds it).
 *  - oneshot: as eoi, and passthrough_handle() also disables the physical line (skiff_masked).
 *    Deactivation at the EOI lets the line fire again once enabled; the mask is released when
 *    the device has been serviced: at the guest's EOI if the guest's virtual enable is set at
 *    that moment, else at the guest's next unmask (a threaded handler masks, EOIs, quiets the
 *    device in its thread, then unmasks). The test-only no_deferral switch releases it at the
 *    EOI regardless, as KVM does, to show the extra entry and the spurious interrupt.
 *
 * Hence:
 *  - One physical fire is one injection, and the next fire can only come after the guest has
 *    finished with it: a level line enters the hypervisor once per guest handling cycle, and
 *    an edge that arrives meanwhile is held pending by the physical GIC and fires once, after
 *    the deactivation (oneshot: after the release) - delivered once more, never lost, never
 *    merged into the one being handled.
 *  - The physical line is enabled exactly when the guest's virtual enable is set and skiff
 *    does not hold its oneshot mask (no_deferral aside). A guest that never EOIs or never
 *    unmasks keeps its own line active or masked; no other line depends on that state.
 *  - The pending state of a passthrough SPI lives in the physical GIC until skiff acknowledges
 *    it: ISPENDR pends the physical line and the vGIC's latch is taken back, so a guest's pend
 *    is delivered once, through passthrough_handle() like the device's, with the line's mode
 *    and mask. ICPENDR clears the physical pending state; if skiff holds the line active for
 *    an injection the guest drops untaken, no deactivation will come for it, so that is its
 *    end of handling.
 *  - ISACTIVER/ICACTIVER are mirrored, and in eoi/oneshot mode move phys_active with them, so
 *    the next deactivation ends what is active, once.
 *  - Trigger mode, priority and routing follow the guest's writes (routing: the CPU of the
 *    target vCPU, affinity only). Only the vGIC calls the ops, and it calls them only for the
 *    VM's own lines; passthrough_handle() is for the lines skiff gave the VM.
 * A line's state is under the lock of its virq: the ops run with it held, and
 * passthrough_handle() takes it.
 */

static struct passthrough *pt_of(struct irq_source *s)
{
	return s->priv;
}

/* The virq of a line: the guest's INTID is the physical one, and the VM owns it (claimed at
 * set-up: passthrough_init_spis refuses a line it cannot claim). */
static struct virq *pt_virq(struct passthrough *p, const struct passthrough_line *l)
{
	return p->vc ? &p->vc->private_irqs[l->pintid]
		     : &p->src.vgic->spis[l->pintid - VGIC_INTID_SPI_BASE];
}

/* ---- the physical GIC; a NULL member means that effect is not mirrored */

static void pt_set_enable(struct passthrough *p, struct passthrough_line *l, bool on)
{
	pt_set_enable_with(p, l, on, p->hw);
}

static void pt_set_pending(struct passthrough *p, const struct passthrough_line *l, bool on)
{
	if (p->hw->set_pending)
		p->hw->set_pending(p->frame, l->pintid, on);
}

static void pt_set_edge(struct passthrough *p, struct passthrough_line *l, bool edge)
{
	l->edge = edge;
	if (p->hw->set_edge)
		p->hw->set_edge(p->frame, l->pintid, edge);
}

static void pt_route(struct passthrough *p, struct passthrough_line *l, uint64_t mpidr)
{
	mpidr &= MPIDR_AFF_MASK; /* never IROUTER.IRM, nor MPIDR_EL1's RES1 bit 31 */
	if (l->routed && l->route == mpidr)
		return;
	l->routed = true;
	l->route = mpidr;
	if (p->hw->route)
		p->hw->route(p->frame, l->pintid, mpidr);
}

/* The guest has finished with what skiff acknowledged for it (eoi, oneshot modes). */
static void pt_done(struct passthrough *p, struct passthrough_line *l, const struct virq *v)
{
	pt_done_with(p, l, v, p->hw);
}

/* Oneshot: the device has been serviced; the line may fire again. */
static void pt_release(struct passthrough *p, struct passthrough_line *l)
{
	pt_release_with(p, l, p->hw);
}

/* ---- source operations, called by the vGIC with its lock held */

static void pt_mask(struct irq_source *s, unsigned int index)
{
	struct passthrough *p = pt_of(s);

	pt_set_enable(p, &p->line[index], false);
}

static void pt_unmask(struct irq_source *s, unsigned int index)
{
	struct passthrough *p = pt_of(s);
	struct passthrough_line *l = &p->line[index];

	if (l->skiff_masked)
		pt_release(p, l); /* oneshot: an unmask after the EOI is the end of servicing */
	else
		pt_set_enable(p, l, true);
}

static bool pt_is_pending(struct irq_source *s, unsigned int index)
{
	struct passthrough *p = pt_of(s);

	return p->hw->is_pending && p->hw->is_pending(p->frame, p->line[index].pintid);
}

static bool pt_is_active(struct irq_source *s, unsigned int index)
{
	struct passthrough *p = pt_of(s);

	return p->hw->is_active && p->hw->is_active(p->frame, p->line[index].pintid);
}

static void pt_trigger(struct irq_source *s, unsigned int index)
{
	struct passthrough *p = pt_of(s);
	struct passthrough_line *l = &p->line[index];
	struct virq *v;

	if (!p->hw->set_pending)
		return; /* not mirrored: the vGIC's latch delivers it */
	pt_set_pending(p, l, true);
	v = pt_virq(p, l);
	if (v)
		v->pending_latch = false; /* it comes back through passthrough_handle() */
}

static void pt_clear_pending(struct irq_source *s, unsigned int index)
{
	struct passthrough *p = pt_of(s);
	struct passthrough_line *l = &p->line[index];
	struct virq *v = pt_virq(p, l);

	pt_set_pending(p, l, false);
	/* dropped before the guest took it: an active one will still be deactivated */
	if (l->phys_active && v && !v->active)
		pt_done(p, l, v);
}

static void pt_set_active(struct irq_source *s, unsigned int index, bool active)
{
	struct passthrough *p = pt_of(s);
	struct passthrough_line *l = &p->line[index];

	if (!p->hw->set_active)
		return; /* not mirrored: eoi() still deactivates what skiff holds */
	p->hw->set_active(p->frame, l->pintid, active);
	if (l->mode != IRQ_MODE_HW)
		l->phys_active = active;
}

static void pt_eoi(struct irq_source *s, unsigned int index)
{
	struct passthrough *p = pt_of(s);
	struct passthrough_line *l = &p->line[index];

	if (l->mode == IRQ_MODE_HW)
		return; /* the GIC deactivated it (HW=1), or the vGIC did (deactivate_phys) */
	passthrough_eoi_locked(p, index, pt_virq(p, l));
}

static void pt_fast_fired(struct irq_source *s, unsigned int index)
{
	struct passthrough *p = pt_of(s);

	if (p->line[index].mode != IRQ_MODE_HW) /* (only eoi/oneshot SPIs have such entries) */
		passthrough_adopt_with(p, index, p->hw);
}

void passthrough_eoi_locked(struct passthrough *p, unsigned int index, const struct virq *v)
{
	passthrough_eoi_with(p, index, v, p->hw);
}

static void pt_update_config(struct irq_source *s, unsigned int index, const struct irq_config *cfg)
{
	struct passthrough *p = pt_of(s);
	struct passthrough_line *l = &p->line[index];
	struct virq *v = pt_virq(p, l);

	if (cfg->edge != l->edge) {
		/* ICFGR may only change while the interrupt is disabled (IHI 0069 12.9.9): as
		 * skiff last wrote its enable, which the test-only no_deferral can leave set
		 * while the guest's is clear */
		bool live = l->hw_enabled;

		if (live)
			pt_set_enable(p, l, false);
		pt_set_edge(p, l, cfg->edge);
		if (live)
			pt_set_enable(p, l, true);
	}
	if (!l->prio_known || l->priority != cfg->priority) {
		l->prio_known = true;
		l->priority = cfg->priority;
		if (p->hw->set_priority)
			p->hw->set_priority(p->frame, l->pintid, cfg->priority);
	}
	/* no vCPU has the guest's IROUTER affinity: the line stays where it was (the vGIC keeps
	 * it pending until the guest routes it to a vCPU); target_mpidr 0 can be vCPU 0's */
	if (v && v->target)
		pt_route(p, l, cfg->target_mpidr);
}

static const struct irq_source_ops pt_ppi_ops = {
	.mask = pt_mask,
	.unmask = pt_unmask,
	.is_pending = pt_is_pending,
	.is_active = pt_is_active,
};

static const struct irq_source_ops pt_spi_ops = {
	.trigger = pt_trigger,
	.clear_pending = pt_clear_pending,
	.set_active = pt_set_active,
	.mask = pt_mask,
	.unmask = pt_unmask,
	.update_config = pt_update_config,
	.eoi = pt_eoi,
	.is_pending = pt_is_pending,
	.is_active = pt_is_active,
	.fast_fired = pt_fast_fired,
};

/* ---- set-up */

__attribute__((cold)) static void pt_setup(struct passthrough *p, struct vgic *vg,
					   struct vgic_cpu *vc, const struct passthrough_hw *hw,
					   uintptr_t frame, const struct irq_source_ops *ops,
					   const uint32_t *intids, unsigned int count)
{
	unsigned int i;

	*p = (struct passthrough){ 0 };
	p->src.ops = ops;
	p->src.kind = IRQ_SOURCE_PASSTHROUGH;
	p->src.vgic = vg;
	p->src.first_intid = intids[0];
	p->src.count = count;
	p->src.priv = p;
	p->hw = hw;
	p->frame = frame;
	p->vc = vc;
	for (i = 0; i < count; i++)
		p->line[i].pintid = intids[i];
}

__attribute__((cold)) int passthrough_init_ppis(struct passthrough *p, struct vgic *vg,
						struct vgic_cpu *vc,
						const struct passthrough_hw *hw, uintptr_t rd,
						const uint32_t *pintids, unsigned int count)
{
	unsigned int i;

	if (!count || count > PASSTHROUGH_MAX_LINES)
		return -1;
	pt_setup(p, vg, vc, hw, rd, &pt_ppi_ops, pintids, count);
	for (i = 0; i < count; i++) {
		pt_set_enable(p, &p->line[i], false);
		vgic_link_hw(vg, vc, pintids[i], pintids[i]);
		vgic_set_source(vg, vc, pintids[i], &p->src, i);
	}
	return 0;
}

__attribute__((cold)) int passthrough_init_spis(struct passthrough *p, struct vgic *vg,
						const struct passthrough_hw *hw, uintptr_t gicd,
						const uint32_t *intids, const enum irq_mode *modes,
						const bool *edges, unsigned int count,
						const bool *no_deferral)
{
	unsigned int i;

	if (!count || count > PASSTHROUGH_MAX_LINES)
		return -1;
	for (i = 0; i < count; i++)
		if (intids[i] < VGIC_INTID_SPI_BASE || intids[i] >= vg->nr_intids ||
		    (unsigned int)modes[i] > IRQ_MODE_ONESHOT)
			return -1;
	pt_setup(p, vg, NULL, hw, gicd, &pt_spi_ops, intids, count);
	p->no_deferral = no_deferral;

	for (i = 0; i < count; i++) {
		struct passthrough_line *l = &p->line[i];
		struct virq *v;

		l->mode = modes[i];
		l->cfg_edge = edges[i];
		if (vgic_claim_spi(vg, l->pintid, &p->src, i))
			return -1;
		pt_set_enable(p, l, false);
		pt_set_edge(p, l, edges[i]);
		if (l->mode == IRQ_MODE_HW)
			vgic_link_hw(vg, NULL, l->pintid, l->pintid);

		v = vgic_lock_virq(vg, NULL, l->pintid);
		if (v) {
			v->edge = edges[i];
			v->eoi_notify = l->mode != IRQ_MODE_HW;
			v->fast_eoi = v->eoi_notify;
			/* physically on a CPU of this VM from the start, whatever the guest's
			 * IROUTER says: never on another guest's CPU */
			pt_route(p, l, v->target ? v->target->mpidr : vg->cpus[0]->mpidr);
			vgic_unlock_virq(v);
		}
	}
	return 0;
}

/* ---- stopping and restarting the guest */

__attribute__((cold)) void passthrough_quiesce(struct passthrough *p)
{
	unsigned int i;

	SPIN_ASSERT_HELD(&p->src.vgic->config_lock);
	for (i = 0; i < p->src.count; i++) {
		struct passthrough_line *l = &p->line[i];
		struct virq *v = vgic_lock_virq(p->src.vgic, p->vc, l->pintid);

		/* set before each line's reset, under its lock: passthrough_handle reads it there
		 */
		__atomic_store_n(&p->quiesced, true, __ATOMIC_RELAXED);
		pt_set_enable(p, l, false);
		if (!p->vc) { /* an SPI: end whatever the guest left active or pending */
			if (p->hw->set_active)
				p->hw->set_active(p->frame, l->pintid, false);
			pt_set_pending(p, l, false);
		}
		l->phys_active = false;
		l->skiff_masked = false;
		l->prio_known = false;
		if (v)
			vgic_unlock_virq(v);
	}
}

__attribute__((cold)) void passthrough_restart(struct passthrough *p)
{
	struct vgic *vg = p->src.vgic;
	unsigned int i;

	SPIN_ASSERT_HELD(&vg->config_lock);
	for (i = 0; i < p->src.count; i++) {
		struct passthrough_line *l = &p->line[i];
		struct virq *v = vgic_lock_virq(vg, p->vc, l->pintid);

		if (!p->vc) {
			pt_set_edge(p, l, l->cfg_edge);
			if (v) {
				v->edge = l->cfg_edge;
				pt_route(p, l, v->target ? v->target->mpidr : vg->cpus[0]->mpidr);
			}
		}
		__atomic_store_n(&p->quiesced, false, __ATOMIC_RELAXED);
		if (v)
			vgic_unlock_virq(v);
	}
}

/* ---- the physical interrupt */

void passthrough_handle(struct passthrough *p, unsigned int index)
{
	struct vgic *vg = p->src.vgic;
	struct passthrough_line *l;
	struct virq *v;

	if (index >= p->src.count)
		return;
	l = &p->line[index];
	v = vgic_lock_virq(vg, p->vc, l->pintid);
	if (!v) { /* never: a line's virq is claimed at set-up; the fire must end all the same */
		if (p->hw->deactivate)
			p->hw->deactivate(l->pintid);
		return;
	}
	if (passthrough_take_locked(p, index)) {
		vgic_trigger_locked(vg, p->vc, l->pintid);
		pt_count(&l->injected);
	}
	vgic_unlock_virq(v);
}

bool passthrough_take_locked(struct passthrough *p, unsigned int index)
{
	return passthrough_take_with(p, index, p->hw);
}

void passthrough_injected(struct passthrough *p, unsigned int index)
{
	pt_count(&p->line[index].injected);
}

/* ---- counters and lookup */

uint64_t passthrough_counter(const struct passthrough *p, unsigned int index, unsigned int id)
{
	const struct passthrough_line *l;

	if (index >= p->src.count)
		return 0;
	l = &p->line[index];
	switch (id) {
	case SKIFF_CNT_SPI_TAKEN:
		return __atomic_load_n(&l->taken, __ATOMIC_RELAXED);
	case SKIFF_CNT_SPI_INJECTED:
		return __atomic_load_n(&l->injected, __ATOMIC_RELAXED);
	case SKIFF_CNT_SPI_MAINT:
		return __atomic_load_n(&l->maint, __ATOMIC_RELAXED);
	case SKIFF_CNT_SPI_UNMASKED:
		return __atomic_load_n(&l->unmasked, __ATOMIC_RELAXED);
	default:
		return 0;
	}
}

int passthrough_find(const struct passthrough *p, uint32_t intid)
{
	unsigned int i;

	for (i = 0; i < p->src.count && i < PASSTHROUGH_MAX_LINES; i++)
		if (p->line[i].pintid == intid)
			return (int)i;
	return -1;
}
