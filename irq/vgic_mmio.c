/*
 * vgic_mmio.c - the table-driven register machinery of the virtual GICv3: finds the table
 * row an access falls in, applies the access-width rules, splits per-INTID registers into
 * one field per interrupt and 64-bit registers into 32-bit halves, and holds the per-INTID
 * field handlers the distributor and the redistributor share. Called by vgic_dist.c and
 * vgic_redist.c with no lock held; it takes each interrupt's lock around its field's handler,
 * and the VM's config_lock around a 64-bit register written in halves. It does not know which
 * frame it serves beyond the struct vgic_frame it is given, and touches no hardware.
 */
#include "irq/vgic_mmio.h"

/* The row holding offset: a binary search, the rows being sorted by offset and disjoint (every
 * table is; the register tests reach each row through it). */
static const struct vgic_reg *vgic_mmio_find(const struct vgic_frame *f, uint32_t offset)
{
	unsigned int lo = 0, hi = f->nr_regs;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;
		const struct vgic_reg *r = &f->regs[mid];

		if (offset < r->offset)
			hi = mid;
		else if (offset - r->offset >= r->len)
			lo = mid + 1;
		else
			return r;
	}
	return NULL;
}

/* The row an access uses, or NULL if the architecture does not define it (RAZ/WI). */
static const struct vgic_reg *vgic_mmio_match(const struct vgic_frame *f, uint32_t offset,
					      unsigned int width)
{
	const struct vgic_reg *r = vgic_mmio_find(f, offset);

	if (!r || width > 8 || (width & (width - 1))) /* 1, 2, 4 or 8 (0 matches no widths) */
		return NULL;
	if (!(r->widths & width) || (offset & (width - 1))) /* width: a power of two here */
		return NULL;
	return r;
}

static uint32_t vgic_mmio_field_mask(const struct vgic_reg *r)
{
	return r->bpi >= 32 ? 0xffffffffu : (1u << r->bpi) - 1;
}

uint64_t vgic_mmio_read(const struct vgic_frame *f, struct vgic_mmio *m, uint32_t offset,
			unsigned int width)
{
	const struct vgic_reg *r = vgic_mmio_match(f, offset, width);
	uint32_t rel, intid, i, n;
	uint64_t val = 0, full;

	if (!r)
		return 0;
	rel = offset - r->offset;
	switch (r->type) {
	case VGIC_REG_BITS:
		if (!r->read_irq)
			return 0;
		intid = rel * 8 / r->bpi;
		n = width * 8 / r->bpi;
		for (i = 0; i < n; i++) {
			struct virq *v = f->irq(m, intid + i);

			if (!v)
				continue;
			spin_lock(&v->lock);
			val |= (uint64_t)(r->read_irq(m, v) & vgic_mmio_field_mask(r))
			       << (i * r->bpi);
			spin_unlock(&v->lock);
		}
		return val;
	case VGIC_REG_32:
		return r->read ? (uint32_t)r->read(m, rel / 4) : 0;
	case VGIC_REG_64:
		full = r->read ? r->read(m, rel / 8) : 0;
		if (width == 8)
			return full;
		return (uint32_t)(full >> (8 * (rel % 8)));
	default:
		return 0;
	}
}

/*
 * A hardware-linked or eoi/oneshot passed-through interrupt (fast_eoi) the model holds idle (in
 * no LR lr_flush() wrote, neither pending nor active) whose physical interrupt is active sits in
 * a list register the fast path's assembly wrote on the CPU of one of the VM's vCPUs
 * (arch/arm64/vectors.S: fast_irq, fast_irq_pt), or is on its way into the model on the general
 * path: the model learns of it only when that vCPU folds. A write to its pending or active
 * state now would act on a stale state (put it in a second LR; end, or fail to end, a handling
 * skiff does not know of), so the access is retried after every vCPU is kicked to fold.
 */
static bool vgic_in_fast_lr(struct virq *v)
{
	const struct irq_source_ops *ops = v->src ? v->src->ops : NULL;
	bool in;

	spin_lock(&v->lock);
	in = (v->hw || v->fast_eoi) && v->lr < 0 && !v->active && !v->pending_latch && ops &&
	     ops->is_active && ops->is_active(v->src, v->src_index);
	spin_unlock(&v->lock);
	return in;
}

/* Before a state write: whether one of the interrupts whose bit is set is in a fast-path LR. */
static bool vgic_mmio_must_retry(const struct vgic_frame *f, struct vgic_mmio *m,
				 const struct vgic_reg *r, uint32_t intid, uint32_t n, uint64_t val)
{
	uint32_t i, c;

	if (!r->state) /* only I{S,C}PENDR, I{S,C}ACTIVER */
		return false;
	for (i = 0; i < n; i++) {
		struct virq *v = (val >> i) & 1 ? f->irq(m, intid + i) : NULL;

		if (v && vgic_in_fast_lr(v))
			break;
	}
	if (i == n)
		return false;
	for (c = 0; c < m->vg->nr_cpus; c++)
		if (m->vg->ops && m->vg->ops->kick)
			m->vg->ops->kick(m->vg, c);
	return true;
}

/* One interrupt's field of a per-INTID register written, under that interrupt's lock. */
static void vgic_mmio_write_field(const struct vgic_frame *f, struct vgic_mmio *m,
				  const struct vgic_reg *r, uint32_t intid, uint32_t field)
{
	struct virq *v = f->irq(m, intid);

	if (!v)
		return;
	spin_lock(&v->lock);
	r->write_irq(m, v, field);
	spin_unlock(&v->lock);
}

int vgic_mmio_write(const struct vgic_frame *f, struct vgic_mmio *m, uint32_t offset,
		    unsigned int width, uint64_t val)
{
	const struct vgic_reg *r = vgic_mmio_match(f, offset, width);
	uint32_t rel, intid, i, n;

	if (!r || (r->type == VGIC_REG_BITS ? !r->write_irq : !r->write))
		return VGIC_ACCESS_OK;
	rel = offset - r->offset;
	switch (r->type) {
	case VGIC_REG_BITS:
		intid = rel * 8 / r->bpi;
		n = width * 8 / r->bpi;
		if (r->w1) { /* one bit per INTID (n <= 32 here): only the INTIDs whose bit is 1 */
			uint64_t bits = val & ((1ull << n) - 1);

			if (vgic_mmio_must_retry(f, m, r, intid, n, val))
				return VGIC_ACCESS_RETRY;
			for (; bits; bits &= bits - 1)
				vgic_mmio_write_field(f, m, r,
						      intid + (uint32_t)__builtin_ctzll(bits), 1);
			break;
		}
		for (i = 0; i < n; i++)
			vgic_mmio_write_field(f, m, r, intid + i,
					      (uint32_t)(val >> (i * r->bpi)) &
						      vgic_mmio_field_mask(r));
		break;
	case VGIC_REG_32: /* the handler takes what it needs */
		r->write(m, rel / 4, (uint32_t)val);
		break;
	case VGIC_REG_64:
		/* IROUTER, PROPBASER, PENDBASER: rare; a half is merged with the other under
		 * config_lock, so two vCPUs writing the two halves at once keep both */
		spin_lock(&m->vg->config_lock);
		if (width == 4) {
			/* one half: merge it into the register's current value */
			uint32_t shift = 8 * (rel % 8);
			uint64_t full = r->read ? r->read(m, rel / 8) : 0;

			full &= ~(0xffffffffull << shift);
			val = full | (uint64_t)(uint32_t)val << shift;
		}
		r->write(m, rel / 8, val);
		spin_unlock(&m->vg->config_lock);
		break;
	default:
		break;
	}
	return VGIC_ACCESS_OK;
}

/* ---- per-INTID fields shared by GICD and GICR */

/* The operations of v's source, NULL if it has none. */
static const struct irq_source_ops *src_ops(const struct virq *v)
{
	return v->src ? v->src->ops : NULL;
}

/*
 * A write to the pending or active state of an interrupt in a list register (v->lr >= 0: the
 * writer folded its own LRs on its way here, so it is another vCPU's, running its guest) cannot
 * act on the LR, which holds the truth until that vCPU folds. It is kept in v->lr_writes (the
 * latest of set and clear wins) and that vCPU kicked; lr_fold() applies it
 * (vgic_apply_lr_writes), as if it had come just after what the guest did with the LR meanwhile.
 * True if deferred.
 */
static bool vgic_mmio_defer(struct vgic_mmio *m, struct virq *v, uint8_t write, uint8_t undo)
{
	if (v->lr < 0)
		return false;
	v->lr_writes = (uint8_t)((v->lr_writes & ~undo) | write);
	if (m->vg->ops && m->vg->ops->kick && v->ap_owner)
		m->vg->ops->kick(m->vg, v->ap_owner->id);
	return true;
}

uint32_t vgic_mmio_read_group(struct vgic_mmio *m, struct virq *v)
{
	(void)m;
	return v->group;
}

void vgic_mmio_write_group(struct vgic_mmio *m, struct virq *v, uint32_t field)
{
	SPIN_ASSERT_HELD(&v->lock);
	if (v->group == field)
		return;
	v->group = (uint8_t)field;
	vgic_queue(m->vg, v);
}

uint32_t vgic_mmio_read_enable(struct vgic_mmio *m, struct virq *v)
{
	(void)m;
	return v->enabled;
}

void vgic_mmio_write_set_enable(struct vgic_mmio *m, struct virq *v, uint32_t field)
{
	const struct irq_source_ops *ops = src_ops(v);

	SPIN_ASSERT_HELD(&v->lock);
	if (!field || v->enabled)
		return;
	v->enabled = true;
	if (ops && ops->unmask)
		ops->unmask(v->src, v->src_index);
	vgic_queue(m->vg, v);
}

void vgic_mmio_write_clear_enable(struct vgic_mmio *m, struct virq *v, uint32_t field)
{
	const struct irq_source_ops *ops = src_ops(v);

	SPIN_ASSERT_HELD(&v->lock);
	if (!field || !v->enabled)
		return;
	v->enabled = false;
	if (ops && ops->mask)
		ops->mask(v->src, v->src_index);
	vgic_queue(m->vg, v);
}

uint32_t vgic_mmio_read_pending(struct vgic_mmio *m, struct virq *v)
{
	const struct irq_source_ops *ops = src_ops(v);

	(void)m;
	if (virq_pending(v))
		return 1;
	return ops && ops->is_pending && ops->is_pending(v->src, v->src_index);
}

/* A GICv2 VM's SGI: GICD_ISPENDR/ICPENDR ignore writes to its bit; its pending state, one per
 * requesting vCPU, is set and cleared through GICD_SPENDSGIR/CPENDSGIR (IHI 0048B 4.3.7). */
static bool vgic_mmio_v2_sgi(const struct vgic_mmio *m, const struct virq *v)
{
	return v->intid < VGIC_NR_SGIS && m->vg->version == VGIC_V2;
}

void vgic_mmio_write_set_pending(struct vgic_mmio *m, struct virq *v, uint32_t field)
{
	const struct irq_source_ops *ops = src_ops(v);

	SPIN_ASSERT_HELD(&v->lock);
	if (!field || vgic_mmio_v2_sgi(m, v))
		return;
	v->lr_writes &= (uint8_t)~VIRQ_WRITE_CLEAR_PENDING; /* a later set undoes a waiting clear */
	if (v->pending_latch)
		return;
	v->pending_latch = true;
	if (ops && ops->trigger)
		ops->trigger(v->src, v->src_index);
	vgic_queue(m->vg, v);
}

/*
 * Clears the latch only: a level interrupt whose line is high stays pending (IHI 0069,
 * GICD_ICPENDR<n>). A hardware-linked interrupt the guest has not yet taken holds its physical
 * interrupt active (skiff acknowledged it to pend this one); with the pending state gone nothing
 * would ever deactivate it, so it is deactivated here - a level line still asserted simply fires
 * again. One sitting in a list register is left alone: the LR will complete it. The source
 * hears of every write that finds the interrupt pending as the guest reads it, its physical
 * pending state included.
 */
void vgic_mmio_write_clear_pending(struct vgic_mmio *m, struct virq *v, uint32_t field)
{
	const struct irq_source_ops *ops = src_ops(v);
	bool latched = v->pending_latch;

	SPIN_ASSERT_HELD(&v->lock);
	if (!field || vgic_mmio_v2_sgi(m, v))
		return;
	if (vgic_mmio_defer(m, v, VIRQ_WRITE_CLEAR_PENDING, 0))
		return;
	if (!vgic_mmio_read_pending(m, v))
		return;
	if (latched) {
		v->pending_latch = false;
		if (v->hw && !v->active && m->vg->ops && m->vg->ops->deactivate_phys)
			m->vg->ops->deactivate_phys(m->vg, v->target, v->pintid);
	}
	if (ops && ops->clear_pending)
		ops->clear_pending(v->src, v->src_index);
	if (latched)
		vgic_queue(m->vg, v);
}

/* The active state as the guest last wrote it: a write waiting for an LR's fold counts. */
uint32_t vgic_mmio_read_active(struct vgic_mmio *m, struct virq *v)
{
	(void)m;
	if (v->lr_writes & VIRQ_WRITE_SET_ACTIVE)
		return 1;
	if (v->lr_writes & VIRQ_WRITE_CLEAR_ACTIVE)
		return 0;
	return v->active;
}

void vgic_mmio_write_set_active(struct vgic_mmio *m, struct virq *v, uint32_t field)
{
	const struct irq_source_ops *ops = src_ops(v);

	SPIN_ASSERT_HELD(&v->lock);
	if (!field || vgic_mmio_defer(m, v, VIRQ_WRITE_SET_ACTIVE, VIRQ_WRITE_CLEAR_ACTIVE))
		return;
	if (v->active)
		return;
	v->active = true;
	if (ops && ops->set_active)
		ops->set_active(v->src, v->src_index, true);
	vgic_queue(m->vg, v);
}

/*
 * The guest deactivates an interrupt by hand. No list register will report it, so this does
 * what lr_fold() does for a deactivation it sees: a hardware-linked interrupt takes its
 * physical interrupt with it, and the source (if any) gets its eoi() to resample.
 */
void vgic_mmio_write_clear_active(struct vgic_mmio *m, struct virq *v, uint32_t field)
{
	const struct irq_source_ops *ops = src_ops(v);

	SPIN_ASSERT_HELD(&v->lock);
	if (!field || vgic_mmio_defer(m, v, VIRQ_WRITE_CLEAR_ACTIVE, VIRQ_WRITE_SET_ACTIVE))
		return;
	if (!v->active)
		return;
	v->active = false;
	if (v->hw && m->vg->ops && m->vg->ops->deactivate_phys)
		m->vg->ops->deactivate_phys(m->vg, v->target, v->pintid);
	if (ops && ops->set_active)
		ops->set_active(v->src, v->src_index, false);
	if (ops && ops->eoi)
		ops->eoi(v->src, v->src_index);
	vgic_queue(m->vg, v);
}

uint32_t vgic_mmio_read_priority(struct vgic_mmio *m, struct virq *v)
{
	(void)m;
	return v->priority;
}

void vgic_mmio_write_priority(struct vgic_mmio *m, struct virq *v, uint32_t field)
{
	uint8_t prio = (uint8_t)(field & VGIC_PRIO_MASK);

	SPIN_ASSERT_HELD(&v->lock);
	if (v->priority == prio)
		return;
	v->priority = prio;
	vgic_notify_config(v);
	vgic_queue(m->vg, v);
}

/* ICFGR: Int_config[1] set = edge-triggered; Int_config[0] is RES0. SGIs are always edge. */
uint32_t vgic_mmio_read_config(struct vgic_mmio *m, struct virq *v)
{
	(void)m;
	return v->edge ? GICD_ICFGR_EDGE : 0;
}

void vgic_mmio_write_config(struct vgic_mmio *m, struct virq *v, uint32_t field)
{
	bool edge = field & GICD_ICFGR_EDGE;

	SPIN_ASSERT_HELD(&v->lock);
	if (v->intid < VGIC_NR_SGIS || v->edge == edge)
		return;
	v->edge = edge;
	vgic_notify_config(v);
	vgic_queue(m->vg, v);
}

/* GICD_CTLR, GICv3 and GICv2: EnableGrp0/EnableGrp1 stored; GICv3's ARE and DS RAO/WI; RWP reads 0
 * (writes take effect at once); E1NWF not implemented (RAZ/WI). */
uint64_t vgic_mmio_read_ctlr(struct vgic_mmio *m, uint32_t idx)
{
	(void)idx;
	return __atomic_load_n(&m->vg->ctlr, __ATOMIC_RELAXED);
}

void vgic_mmio_write_ctlr(struct vgic_mmio *m, uint32_t idx, uint64_t val)
{
	const uint32_t enables = GICD_CTLR_ENABLE_GRP0 | GICD_CTLR_ENABLE_GRP1;
	struct vgic *vg = m->vg;
	uint32_t ctlr;

	(void)idx;
	spin_lock(&vg->config_lock);
	ctlr = (vg->ctlr & ~enables) | ((uint32_t)val & enables);
	if (ctlr != vg->ctlr) {
		__atomic_store_n(&vg->ctlr, ctlr, __ATOMIC_RELAXED);
		vgic_queue_all(
			vg); /* a group's interrupts may now need, or no longer need, an LR */
	}
	spin_unlock(&vg->config_lock);
}

/* GICD_IIDR and GICR_IIDR: skiff's identity (vgic_mmio.h), in every frame and GIC version */
uint64_t vgic_mmio_read_iidr(struct vgic_mmio *m, uint32_t idx)
{
	(void)m;
	(void)idx;
	return VGIC_IIDR;
}

/* ---- identification registers (IHI 0069 12.1.13; values in vgic_mmio.h) */

uint32_t vgic_mmio_idreg(uint32_t idx)
{
	/* PIDR4 (SIZE = 4: 64 KiB; DES_2 = 4, the JEP106 continuation code), PIDR5..7
	 * (reserved), PIDR0 (PART_0 = 0x53, part number 0x053), PIDR1 (DES_0 = 0xb, PART_1 = 0),
	 * PIDR2 (ArchRev, JEDEC, DES_1 = 3), PIDR3 (REVAND, CMOD = 0), CIDR0..3 (component ID
	 * 0xb105f00d) */
	static const uint32_t id[GIC_IDREGS_COUNT] = {
		0x44,
		0,
		0,
		0,
		0x53,
		0xb0,
		GIC_ARCHREV_GICV3 << GIC_PIDR2_ARCHREV_SHIFT | 0x8 | 0x3,
		0,
		0x0d,
		0xf0,
		0x05,
		0xb1,
	};

	return idx < GIC_IDREGS_COUNT ? id[idx] : 0;
}

void vgic_apply_lr_writes(struct vgic *vg, struct virq *v)
{
	struct vgic_mmio m = { .vg = vg, .vc = v->target };
	uint8_t w = v->lr_writes;

	SPIN_ASSERT_HELD(&v->lock);
	v->lr_writes = 0;
	if (w & VIRQ_WRITE_CLEAR_PENDING)
		vgic_mmio_write_clear_pending(&m, v, 1);
	if (w & VIRQ_WRITE_SET_ACTIVE)
		vgic_mmio_write_set_active(&m, v, 1);
	if (w & VIRQ_WRITE_CLEAR_ACTIVE)
		vgic_mmio_write_clear_active(&m, v, 1);
}
