/*
 * channel.c - the doorbells of inter-guest channels (docs/channel.md): a guest's write to its
 * doorbell page pends the peer's doorbell SPI in the peer's vGIC. Touches only its own ends and,
 * under that line's lock, the peer's one doorbell line; takes no lock of its own and never
 * waits for the peer (docs/locks.md).
 */
#include "hyp/emul/channel.h"

#include <stddef.h>

#include "hyp/emul/mmio.h"
#include "hyp/plan/config.h"

struct channel_end {
	struct emu_source emu;
	struct vgic *vgic; /* its guest's, once attached (boot, before any guest runs) */
	uint32_t intid;
	uint32_t heard; /* doorbells the peer rang at it since its guest started */
	struct channel_end *peer;
};

static struct channel_end ends[CONFIG_MAX_CHANNELS][2];

static int channel_read(void *ctx, struct vcpu *v, uint64_t offset, unsigned int width,
			uint64_t *val)
{
	struct channel_end *e = ctx;

	(void)v;
	*val = 0;
	if (width == 4 && offset == CHANNEL_HEARD)
		*val = __atomic_load_n(&e->heard, __ATOMIC_RELAXED);
	return MMIO_OK;
}

/*
 * RING: an edge on the peer's line. Only a line not already latched pending is triggered, so a
 * guest ringing in a loop costs the peer one interrupt (and its CPU one kick) per interrupt the
 * peer takes, not one per ring.
 */
static int channel_write(void *ctx, struct vcpu *v, uint64_t offset, unsigned int width,
			 uint64_t val)
{
	struct channel_end *p = ((struct channel_end *)ctx)->peer;
	struct virq *vq;

	(void)v;
	(void)val;
	if (width != 4 || offset != CHANNEL_RING)
		return MMIO_OK;
	if (!p->vgic)
		return MMIO_OK;
	__atomic_add_fetch(&p->heard, 1, __ATOMIC_RELAXED);
	vq = vgic_lock_virq(p->vgic, NULL, p->intid);
	if (!vq)
		return MMIO_OK;
	if (!vq->pending_latch)
		vgic_trigger_locked(p->vgic, NULL, p->intid);
	vgic_unlock_virq(vq);
	return MMIO_OK;
}

int channel_attach(unsigned int n, unsigned int end, struct mmio_bus *bus, struct vgic *vgic,
		   uint64_t base, uint32_t intid)
{
	struct channel_end *e = &ends[n][end];
	struct mmio_region r = {
		.base = base,
		.size = CHANNEL_DB_SIZE,
		.name = "channel",
		.ctx = e,
		.read = channel_read,
		.write = channel_write,
	};
	struct virq *vq;

	e->intid = intid;
	e->peer = &ends[n][!end];
	if (emu_source_init(&e->emu, vgic, intid, 1, NULL, NULL))
		return -1;
	vq = vgic_get_virq(vgic, NULL, intid);
	if (vq) {
		vq->edge = true;	/* kept across vgic_reset */
		vq->eoi_notify = false; /* nothing to resample: no maintenance interrupt */
	}
	e->vgic = vgic;
	return mmio_add(bus, &r) ? 0 : -1;
}

void channel_reset(const struct vgic *vgic)
{
	unsigned int n, i;

	for (n = 0; n < CONFIG_MAX_CHANNELS; n++)
		for (i = 0; i < 2; i++)
			if (ends[n][i].vgic == vgic)
				__atomic_store_n(&ends[n][i].heard, 0, __ATOMIC_RELAXED);
}
