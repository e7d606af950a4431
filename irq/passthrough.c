/*
 * passthrough.c - passthrough interrupt sources: mirror the guest's enable of a line to the
 * physical GIC and report the physical pending state, through struct passthrough_hw.
 * Touches the vGIC only to link and attach its lines.
 */
#include "irq/passthrough.h"

static void pt_mask(struct irq_source *s, unsigned int index)
{
	struct passthrough *p = s->priv;

	p->hw->set_enable(p->frame, p->pintid[index], false);
}

static void pt_unmask(struct irq_source *s, unsigned int index)
{
	struct passthrough *p = s->priv;

	p->hw->set_enable(p->frame, p->pintid[index], true);
}

static bool pt_is_pending(struct irq_source *s, unsigned int index)
{
	struct passthrough *p = s->priv;

	return p->hw->is_pending(p->frame, p->pintid[index]);
}

static const struct irq_source_ops pt_ops = {
	.mask = pt_mask,
	.unmask = pt_unmask,
	.is_pending = pt_is_pending,
};

int passthrough_init_ppis(struct passthrough *p, struct vgic *vg, struct vgic_cpu *vc,
			  const struct passthrough_hw *hw, uintptr_t rd, const uint32_t *pintids,
			  unsigned int count)
{
	unsigned int i;

	if (count > PASSTHROUGH_MAX_LINES)
		return -1;
	p->src.ops = &pt_ops;
	p->src.kind = IRQ_SOURCE_PASSTHROUGH;
	p->src.vgic = vg;
	p->src.first_intid = pintids[0];
	p->src.count = count;
	p->src.priv = p;
	p->hw = hw;
	p->frame = rd;
	for (i = 0; i < count; i++) {
		p->pintid[i] = pintids[i];
		hw->set_enable(rd, pintids[i], false);
		vgic_link_hw(vg, vc, pintids[i], pintids[i]);
		vgic_set_source(vg, vc, pintids[i], &p->src, i);
	}
	return 0;
}
