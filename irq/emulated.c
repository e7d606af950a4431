/*
 * emulated.c - the emulated kind of interrupt source: the vGIC's own state is all there is,
 * so enable/mask/config need no mirroring; the guest's EOI is forwarded to the device as
 * its resample point. Touches nothing but the vGIC.
 */
#include "irq/emulated.h"

#include <stddef.h>

static void emu_eoi(struct irq_source *s, unsigned int index)
{
	struct emu_source *e = (struct emu_source *)s->priv;

	if (e->resample)
		e->resample(e->dev, index);
}

static const struct irq_source_ops emu_ops = {
	.eoi = emu_eoi,
};

int emu_source_init(struct emu_source *e, struct vgic *vg, uint32_t first_intid, unsigned int count,
		    void (*resample)(void *dev, unsigned int index), void *dev)
{
	unsigned int i;

	e->src.ops = &emu_ops;
	e->src.kind = IRQ_SOURCE_EMULATED;
	e->src.vgic = vg;
	e->src.first_intid = first_intid;
	e->src.count = count;
	e->src.priv = e;
	e->resample = resample;
	e->dev = dev;
	for (i = 0; i < count; i++) {
		struct virq *v;
		int ret = vgic_claim_spi(vg, first_intid + i, &e->src, i);

		if (ret)
			return ret;
		v = vgic_get_virq(vg, NULL, first_intid + i);
		if (v)
			v->eoi_notify = true;
	}
	return 0;
}
