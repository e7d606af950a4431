/*
 * vgic.c - the core of a VM's virtual GICv3: set-up, SPI ownership, injection from sources
 * and devices, SGIs between vCPUs, and the per-vCPU lists of interrupts in flight that
 * irq/lr.c flushes into list registers. Plain C. It must not touch system registers, MMIO or
 * list registers: the guest's register view is vgic_dist.c and vgic_redist.c, the list
 * registers are lr.c, the hardware comes through struct vgic_ops.
 *
 * Locks, in the order they nest (docs/locks.md):
 *   vgic.config_lock -> vgic_cpu.ap_lock -> virq.lock -> (hardware leaves: icfgr_lock)
 * A virq's lock covers its state; a vCPU's ap_lock its list and its list registers. No CPU
 * holds two ap_locks, so a virq moves between lists in two steps: its old owner's prune takes
 * it off (vc->requeue), then vgic_requeue() queues it with no ap_lock held. Nobody holds a
 * virq's lock while it waits for an ap_lock (vgic_queue drops it first), so a CPU may hold
 * several virq locks only under its own ap_lock, for virqs on its own list.
 */
#include <stddef.h>
#include <string.h>

#include "irq/sgi.h"
#include "irq/vgic.h"
#include "drivers/gicv3_regs.h"

_Static_assert(VGIC_MAX_CPUS <= SGI_MAX_CPUS, "SGI target masks hold every vCPU");

/* ops->changed, for the virqs that can have a fast-path entry: hardware-linked, or fast_eoi */
static void vgic_changed(struct vgic *vg, struct virq *v)
{
	if ((v->hw || v->fast_eoi) && vg->ops && vg->ops->changed)
		vg->ops->changed(vg, v);
}

/* Whether v's fast-path entry depends on its being on a list: the assembly's entries (struct
 * vgic.asm_eoi) */
static bool vgic_listed_matters(const struct vgic *vg, const struct virq *v)
{
	return v->hw ? !vg->no_hw_lrs : v->fast_eoi && vg->asm_eoi;
}

static void vgic_kick(struct vgic *vg, struct vgic_cpu *vc)
{
	if (vg->ops && vg->ops->kick)
		vg->ops->kick(vg, vc->id);
}

/* A virq's state, everything from intid on: its lock and owned come before and are never
 * cleared, since other CPUs use them without the lock (a fire of a passed-through SPI on its
 * way while the guest is reset, vgic_get_virq). */
#define VIRQ_STATE_OFFSET offsetof(struct virq, intid)

static void virq_reset(struct virq *v, uint32_t intid, bool edge, struct vgic_cpu *target)
{
	memset((char *)v + VIRQ_STATE_OFFSET, 0, sizeof(*v) - VIRQ_STATE_OFFSET);
	v->intid = intid;
	v->priority = VGIC_PRIORITY_RESET;
	v->edge = edge;
	v->target = target;
	v->lr = -1;
}

struct vgic_cpu *vgic_route_target(const struct vgic *vg, uint64_t route)
{
	unsigned int i;

	if (vg->version == VGIC_V2) {
		/* an ITARGETSR byte: the lowest vCPU it names (skiff has no 1-of-N delivery) */
		route &= (1u << vg->nr_cpus) - 1;
		return route ? vg->cpus[__builtin_ctzll(route)] : NULL;
	}
	for (i = 0; i < vg->nr_cpus; i++)
		if ((vg->cpus[i]->mpidr & GICD_IROUTER_AFF_MASK) == (route & GICD_IROUTER_AFF_MASK))
			return vg->cpus[i];
	return NULL;
}

/* The state a reset of the VM leaves alone: what the interrupt is (its source, its hardware
 * link, whether its source wants EOIs) rather than what the guest did with it. */
static void virq_reset_keep(struct virq *v, struct vgic_cpu *target)
{
	struct irq_source *src = v->src;
	unsigned int src_index = v->src_index;
	uint32_t pintid = v->pintid;
	bool hw = v->hw, eoi_notify = v->eoi_notify, fast_eoi = v->fast_eoi;

	virq_reset(v, v->intid, v->edge, target); /* owned stays as it is */
	v->src = src;
	v->src_index = src_index;
	v->hw = hw;
	v->pintid = pintid;
	v->eoi_notify = eoi_notify;
	v->fast_eoi = fast_eoi;
}

/*
 * Every SPI's route as the guest finds it at reset. GICv3: IROUTER 0, affinity 0.0.0.0,
 * whichever vCPU has it. GICv2: ITARGETSR is IMPLEMENTATION DEFINED at reset (IHI 0048B
 * 4.3.12); skiff resets it to 0x01, vCPU 0, so that a guest that never writes it (a
 * uniprocessor one, whose GIC has ITARGETSR read-only) still gets its SPIs, as on GICv3.
 */
#define VGIC_V2_ITARGETSR_RESET 0x01u

static uint64_t vgic_reset_route(const struct vgic *vg)
{
	return vg->version == VGIC_V2 ? VGIC_V2_ITARGETSR_RESET : 0;
}

static void vgic_reset_routes(struct vgic *vg)
{
	uint64_t route = vgic_reset_route(vg);
	struct vgic_cpu *target = vgic_route_target(vg, route);
	unsigned int i;

	for (i = 0; i < VGIC_MAX_SPIS; i++) {
		vg->spis[i].route = route;
		vg->spis[i].target = target;
	}
}

/* One virq back to its reset state under its lock; a private one targets its vCPU vc, an SPI
 * the reset route. ops->changed hears of it if tell and it is private or owned. */
static void vgic_reset_one(struct vgic *vg, struct virq *v, struct vgic_cpu *vc, bool tell)
{
	spin_lock(&v->lock);
	virq_reset_keep(v, vc);
	if (v->intid >= VGIC_INTID_SPI_BASE) {
		v->route = vgic_reset_route(vg);
		v->target = vgic_route_target(vg, v->route);
	}
	if (tell && (v->intid < VGIC_INTID_SPI_BASE || v->owned))
		vgic_changed(vg, v);
	spin_unlock(&v->lock);
}

static void vgic_cpu_reset(struct vgic_cpu *vc)
{
	vc->ap_head = NULL;
	vc->nr_requeue = 0;
	vc->processor_sleep = true;
	vc->rd_ctlr = 0;
	vc->propbaser = 0;
	vc->pendbaser = 0;
	vc->lr_used = 0;
	vc->lr_map = 0;
	vc->lr_fast_eoi = 0;
	memset(vc->lr_virq, 0, sizeof(vc->lr_virq));
	memset(vc->lr_written, 0, sizeof(vc->lr_written));
	memset(vc->lr_live, 0, sizeof(vc->lr_live));
	vc->lr_unknown = ~0u; /* the next flush writes every LR */
	vc->hcr = 0;
	vc->hcr_unknown = true;
	vc->lr_latch = 0;
	vc->lr_fast = 0;
}

__attribute__((cold)) void vgic_init(struct vgic *vg, const struct vgic_ops *ops,
				     unsigned int nr_intids, struct vgic_cpu *const *cpus,
				     unsigned int nr_cpus)
{
	uint64_t mpidr[VGIC_MAX_CPUS];
	unsigned int i, n;

	_Static_assert(VGIC_MAX_CPUS <= SGI_MAP_CPUS, "struct sgi_map holds every vCPU");
	if (nr_cpus > VGIC_MAX_CPUS)
		nr_cpus = VGIC_MAX_CPUS;
	nr_intids &= ~(VGIC_NR_PRIVATE - 1u);
	if (nr_intids > VGIC_MAX_INTIDS)
		nr_intids = VGIC_MAX_INTIDS;
	if (nr_intids < VGIC_NR_PRIVATE)
		nr_intids = VGIC_NR_PRIVATE;

	vg->config_lock = (struct spinlock){ 0 };
	vg->ops = ops;
	vg->version = VGIC_V3;
	vg->nr_cpus = nr_cpus;
	vg->nr_intids = nr_intids;
	/* single Security state, affinity routing always on, both groups disabled */
	vg->ctlr = GICD_CTLR_DS | GICD_CTLR_ARE;
	memset(vg->cpus, 0, sizeof(vg->cpus));

	for (i = 0; i < nr_cpus; i++) {
		struct vgic_cpu *vc = cpus[i];

		vg->cpus[i] = vc;
		vc->ap_lock = (struct spinlock){ 0 };
		vc->id = i;
		vc->vgic = vg;
		vgic_cpu_reset(vc);
		mpidr[i] = vc->mpidr;
		/* SGIs are edge-triggered (GICR_ICFGR0 reads 0xaaaaaaaa), PPIs level */
		for (n = 0; n < VGIC_NR_PRIVATE; n++) {
			vc->private_irqs[n].lock = (struct spinlock){ 0 };
			vc->private_irqs[n].owned = true;
			virq_reset(&vc->private_irqs[n], n, n < VGIC_NR_SGIS, vc);
		}
	}

	for (i = 0; i < VGIC_MAX_SPIS; i++) {
		vg->spis[i].lock = (struct spinlock){ 0 };
		vg->spis[i].owned = false;
		virq_reset(&vg->spis[i], VGIC_INTID_SPI_BASE + i, false, NULL);
	}
	sgi_map_build(&vg->sgi_map, mpidr, nr_cpus);
	vgic_reset_routes(vg);
}

__attribute__((cold)) void vgic_set_v2(struct vgic *vg)
{
	vg->version = VGIC_V2;
	vg->ctlr = 0; /* no affinity routing, both groups disabled */
	vgic_reset_routes(vg);
}

__attribute__((cold)) void vgic_reset(struct vgic *vg)
{
	unsigned int i, n;

	SPIN_ASSERT_HELD(&vg->config_lock);
	/* GICv2: no affinity routing, both groups disabled; IGROUPR resets to 0 either way */
	vg->ctlr = vg->version == VGIC_V2 ? 0 : GICD_CTLR_DS | GICD_CTLR_ARE;
	for (i = 0; i < vg->nr_cpus; i++) {
		struct vgic_cpu *vc = vg->cpus[i];

		spin_lock(&vc->ap_lock);
		vgic_cpu_reset(vc);
		spin_unlock(&vc->ap_lock);
		for (n = 0; n < VGIC_NR_PRIVATE; n++)
			vgic_reset_one(vg, &vc->private_irqs[n], vc, true);
	}
	for (i = 0; i < VGIC_MAX_SPIS; i++)
		vgic_reset_one(vg, &vg->spis[i], NULL, i < vg->nr_intids - VGIC_INTID_SPI_BASE);
}

void vgic_clear_pending(struct vgic *vg, struct vgic_cpu *vc, uint32_t intid)
{
	struct virq *v = vgic_lock_virq(vg, vc, intid);

	if (v) {
		v->pending_latch = false;
		v->sgi_sources = 0;
		vgic_queue(vg, v);
		vgic_unlock_virq(v);
	}
}

__attribute__((cold)) int vgic_claim_spi(struct vgic *vg, uint32_t intid, struct irq_source *src,
					 unsigned int index)
{
	struct virq *v;
	int ret = -1;

	if (intid < VGIC_INTID_SPI_BASE || intid >= vg->nr_intids)
		return -1;
	v = &vg->spis[intid - VGIC_INTID_SPI_BASE];
	spin_lock(&v->lock);
	if (!v->owned) {
		v->src = src;
		v->src_index = index;
		v->target = vgic_route_target(vg, v->route);
		__atomic_store_n(&v->owned, true, __ATOMIC_RELAXED); /* read without the lock */
		ret = 0;
	}
	spin_unlock(&v->lock);
	return ret;
}

struct virq *vgic_get_virq(struct vgic *vg, struct vgic_cpu *vc, uint32_t intid)
{
	struct virq *v;

	if (intid < VGIC_NR_PRIVATE)
		return vc ? &vc->private_irqs[intid] : NULL;
	if (intid >= vg->nr_intids)
		return NULL;
	v = &vg->spis[intid - VGIC_INTID_SPI_BASE];
	/* set once at set-up; whoever then uses v takes its lock, which orders the rest */
	return __atomic_load_n(&v->owned, __ATOMIC_RELAXED) ? v : NULL;
}

struct virq *vgic_lock_virq(struct vgic *vg, struct vgic_cpu *vc, uint32_t intid)
{
	struct virq *v = vgic_get_virq(vg, vc, intid);

	if (v)
		spin_lock(&v->lock);
	return v;
}

/* ---- injection */

void vgic_set_level_locked(struct vgic *vg, struct vgic_cpu *vc, uint32_t intid, bool level)
{
	struct virq *v = vgic_get_virq(vg, vc, intid);

	if (!v)
		return;
	SPIN_ASSERT_HELD(&v->lock);
	/* an edge-triggered interrupt latches on the rising edge of its line */
	if (v->edge && level && !v->line_level)
		v->pending_latch = true;
	v->line_level = level;
	vgic_queue(vg, v);
}

void vgic_trigger_locked(struct vgic *vg, struct vgic_cpu *vc, uint32_t intid)
{
	struct virq *v = vgic_get_virq(vg, vc, intid);

	if (!v)
		return;
	SPIN_ASSERT_HELD(&v->lock);
	v->pending_latch = true;
	vgic_queue(vg, v);
}

void vgic_set_level(struct vgic *vg, struct vgic_cpu *vc, uint32_t intid, bool level)
{
	struct virq *v = vgic_lock_virq(vg, vc, intid);

	if (v) {
		vgic_set_level_locked(vg, vc, intid, level);
		vgic_unlock_virq(v);
	}
}

void vgic_trigger(struct vgic *vg, struct vgic_cpu *vc, uint32_t intid)
{
	struct virq *v = vgic_lock_virq(vg, vc, intid);

	if (v) {
		vgic_trigger_locked(vg, vc, intid);
		vgic_unlock_virq(v);
	}
}

__attribute__((cold)) void vgic_link_hw(struct vgic *vg, struct vgic_cpu *vc, uint32_t intid,
					uint32_t pintid)
{
	struct virq *v = vgic_lock_virq(vg, vc, intid);

	if (v) {
		v->hw = true;
		v->pintid = pintid;
		vgic_unlock_virq(v);
	}
}

__attribute__((cold)) void vgic_set_source(struct vgic *vg, struct vgic_cpu *vc, uint32_t intid,
					   struct irq_source *src, unsigned int index)
{
	struct virq *v = intid < VGIC_NR_PRIVATE ? vgic_lock_virq(vg, vc, intid) : NULL;

	if (v) {
		v->src = src;
		v->src_index = index;
		vgic_unlock_virq(v);
	}
}

void vgic_set_route(struct vgic *vg, struct virq *v, uint64_t route)
{
	if (v->route == route)
		return;
	v->route = route;
	v->target = vgic_route_target(vg, route);
	vgic_notify_config(v);
	vgic_queue(vg, v);
}

void vgic_notify_config(struct virq *v)
{
	struct irq_config cfg;

	if (!v->src || !v->src->ops || !v->src->ops->update_config)
		return;
	cfg.edge = v->edge;
	cfg.priority = v->priority;
	cfg.target_mpidr = v->target ? v->target->mpidr : 0;
	v->src->ops->update_config(v->src, v->src_index, &cfg);
}

/* ---- SGIs */

/*
 * Which SGIs a write generates, with a single Security state (GICD_CTLR.DS == 1; IHI 0069
 * "Forwarding an SGI to a target PE"): ICC_SGI0R_EL1 generates Group 0 SGIs, ICC_SGI1R_EL1
 * Group 1 SGIs. ICC_ASGI1R_EL1 generates Group 1 SGIs for the *other* Security state; with
 * only one state there is none, and the note under the spec's SGI forwarding table makes it
 * generate Group 0 SGIs instead - the caller passes group 0 for it. A target is pended only
 * if its copy of the SGI (GICR_IGROUPR0) is in that group; otherwise the write does nothing
 * for it. (KVM also lets ICC_SGI1R_EL1 pend an SGI configured as Group 0; skiff keeps the
 * strict match, so a guest cannot raise a Group 0 - FIQ - SGI through the Group 1 register.)
 */
/* Every target's SGI is queued before any target is kicked, and no kick is made under a
 * virq's lock (vgic_queue_deferred()). */
static void vgic_sgi_to(struct vgic *vg, uint32_t mask, unsigned int intid, unsigned int group)
{
	uint32_t kick = 0;

	for (; mask; mask &= mask - 1) {
		struct virq *v = &vg->cpus[__builtin_ctz(mask)]->private_irqs[intid];

		spin_lock(&v->lock);
		if (v->group == group) {
			v->pending_latch = true;
			kick |= vgic_queue_deferred(vg, v);
		}
		spin_unlock(&v->lock);
	}
	vgic_kick_mask(vg, kick);
}

void vgic_sgi(struct vgic *vg, struct vgic_cpu *self, uint64_t sgir, unsigned int group)
{
	vgic_sgi_to(vg, sgi_map_targets(&vg->sgi_map, sgir, self ? self->id : VGIC_MAX_CPUS),
		    sgi_intid(sgir), group);
}

bool vgic_sgi_others(struct vgic *vg, struct vgic_cpu *self, uint64_t sgir, unsigned int group)
{
	uint32_t mask = sgi_map_targets(&vg->sgi_map, sgir, self->id);

	if (mask & (1u << self->id))
		return false;
	vgic_sgi_to(vg, mask, sgi_intid(sgir), group);
	return true;
}

/* ---- the in-flight lists
 *
 * Invariants:
 * - v->ap_owner is the vCPU whose list holds v, NULL when v is on none; a virq is on at most
 *   one list. ap_owner changes only with both that list's ap_lock and v's lock held.
 * - A virq in a list register (v->lr >= 0) stays on its ap_owner's list: only lr.c takes it
 *   out of the LR, and only after that can it be dropped or moved.
 * - An active virq stays with its ap_owner until deactivated, even if its target changed: the
 *   guest on that vCPU owns the active state.
 * - A virq that wants a list register (vgic_wants_lr) and has a target is on a list, or is
 *   being moved to one (in its old owner's requeue, until vgic_requeue).
 * - Anything else on a list wants an LR and its ap_owner is its target, except while the
 *   owner's ap_lock was busy when it changed: then the owner has been kicked, and its next
 *   prune takes it off.
 */

/*
 * Both vc's ap_lock and v's lock held. A virq on a list has no fast-path entry (lr_fast_entry(),
 * hyp/core/fastirq.c's fast_lr()): the assembly fires, which take no lock, only ever write the
 * LR of a virq that is on no list and in no flushed LR, so no fire is adopted into a virq that
 * another vCPU still holds. Leaving a list tells ops->changed (vgic_ap_del, vgic_prune_at);
 * joining one does in the callers that matter (vgic_queue, vgic_queue_held, which end with
 * it; the C fire's lr_fast_inject_body is GICv2's, where it does not matter).
 */
void vgic_ap_add(struct vgic_cpu *vc, struct virq *v)
{
	v->ap_next = vc->ap_head;
	__atomic_store_n(&vc->ap_head, v, __ATOMIC_RELEASE); /* peeked without the lock */
	v->ap_owner = vc;
}

/* Both v->ap_owner's ap_lock and v's lock held. */
void vgic_ap_del(struct virq *v)
{
	struct vgic *vg = v->ap_owner->vgic;
	struct virq **pp = &v->ap_owner->ap_head;

	while (*pp && *pp != v)
		pp = &(*pp)->ap_next;
	if (*pp)
		__atomic_store_n(pp, v->ap_next, __ATOMIC_RELAXED);
	v->ap_next = NULL;
	v->ap_owner = NULL;
	if (vgic_listed_matters(vg, v))
		vgic_changed(vg, v);
}

/*
 * Taking a virq off its owner's list needs that ap_lock, which comes before v's: it is tried
 * without waiting. If someone holds it (the owner folding or flushing, possibly this very CPU
 * with a source callback under it), the owner is kicked instead and its next prune takes v off.
 */
uint32_t vgic_queue_deferred(struct vgic *vg, struct virq *v)
{
	uint32_t kick = 0;

	SPIN_ASSERT_HELD(&v->lock);
	for (;;) {
		struct vgic_cpu *owner = v->ap_owner, *target = v->target;
		bool wants = vgic_wants_lr(vg, v);

		if (owner) {
			/* free to leave its list: not in an LR, not active; it goes if unwanted or
			 * moved, else its owner must refresh its LRs */
			if (v->lr >= 0 || v->active || (wants && owner == target) ||
			    !spin_trylock(&owner->ap_lock)) {
				kick |= 1u << owner->id;
				break;
			}
			vgic_ap_del(v);
			spin_unlock(&owner->ap_lock);
			continue;
		}
		/* no target (IROUTER names no vCPU): stays pending, delivered once re-routed */
		if (!wants || !target)
			break;
		/* ap_lock comes before v's lock: let go of v, take both in order, look again */
		spin_unlock(&v->lock);
		spin_lock(&target->ap_lock);
		spin_lock(&v->lock);
		if (!v->ap_owner && v->target == target && vgic_wants_lr(vg, v)) {
			vgic_ap_add(target, v);
			spin_unlock(&target->ap_lock);
			kick |= 1u << target->id;
			break;
		}
		spin_unlock(&target->ap_lock);
	}
	vgic_changed(vg, v);
	return kick;
}

void vgic_kick_mask(struct vgic *vg, uint32_t mask)
{
	for (mask &= (1u << vg->nr_cpus) - 1; mask; mask &= mask - 1)
		vgic_kick(vg, vg->cpus[__builtin_ctz(mask)]);
}

void vgic_queue(struct vgic *vg, struct virq *v)
{
	vgic_kick_mask(vg, vgic_queue_deferred(vg, v));
}

void vgic_queue_held(struct vgic *vg, struct vgic_cpu *vc, struct virq *v)
{
	SPIN_ASSERT_HELD(&vc->ap_lock);
	SPIN_ASSERT_HELD(&v->lock);
	if (!v->ap_owner && vgic_wants_lr(vg, v))
		vgic_ap_add(vc, v);
	else if (v->ap_owner && v->ap_owner != vc)
		vgic_kick(vg, v->ap_owner);
	vgic_changed(vg, v);
}

enum vgic_prune_verdict vgic_prune_at(struct vgic *vg, struct vgic_cpu *vc, struct virq **pp)
{
	struct virq *v = *pp;
	bool wants = vgic_wants_lr(vg, v), move;

	SPIN_ASSERT_HELD(&vc->ap_lock);
	SPIN_ASSERT_HELD(&v->lock);
	if (v->lr >= 0 || (wants && (v->target == vc || v->active)))
		return VGIC_PRUNE_KEEP;
	move = wants && v->target;
	if (move && vc->nr_requeue >= VGIC_REQUEUE_MAX) {
		vc->nr_requeue++; /* moved by the next prune (vgic_requeue says so) */
		return VGIC_PRUNE_LATER;
	}
	*pp = v->ap_next;
	v->ap_next = NULL;
	v->ap_owner = NULL;
	if (vgic_listed_matters(vg, v)) /* off the list: its fast-path entry again (vgic_ap_add) */
		vgic_changed(vg, v);
	if (move)
		vc->requeue[vc->nr_requeue++] = v;
	return VGIC_PRUNE_GONE;
}

void vgic_prune(struct vgic *vg, struct vgic_cpu *vc)
{
	struct virq **pp = &vc->ap_head;

	SPIN_ASSERT_HELD(&vc->ap_lock);
	while (*pp) {
		struct virq *v = *pp;
		bool gone;

		spin_lock(&v->lock);
		gone = vgic_prune_at(vg, vc, pp) == VGIC_PRUNE_GONE;
		spin_unlock(&v->lock);
		if (!gone)
			pp = &v->ap_next;
	}
}

bool vgic_requeue(struct vgic *vg, struct vgic_cpu *vc)
{
	unsigned int i, n = vc->nr_requeue;

	vc->nr_requeue = 0;
	for (i = 0; i < n && i < VGIC_REQUEUE_MAX; i++) {
		struct virq *v = vc->requeue[i];

		spin_lock(&v->lock);
		vgic_queue(vg, v);
		spin_unlock(&v->lock);
	}
	return n > VGIC_REQUEUE_MAX;
}

void vgic_queue_all(struct vgic *vg)
{
	unsigned int i, n;

	SPIN_ASSERT_HELD(&vg->config_lock);
	for (i = VGIC_INTID_SPI_BASE; i < vg->nr_intids; i++) {
		struct virq *v = vgic_lock_virq(vg, NULL, i);

		if (v) {
			vgic_queue(vg, v);
			vgic_unlock_virq(v);
		}
	}
	for (i = 0; i < vg->nr_cpus; i++)
		for (n = 0; n < VGIC_NR_PRIVATE; n++) {
			struct virq *v = &vg->cpus[i]->private_irqs[n];

			spin_lock(&v->lock);
			vgic_queue(vg, v);
			spin_unlock(&v->lock);
		}
}
