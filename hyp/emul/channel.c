/*
 * channel.c - the doorbells of inter-guest channels (docs/channel.md): a guest's write to its
 * doorbell page pends the peer's doorbell SPI in the peer's vGIC. Touches only its own ends and,
 * under that line's lock, the peer's one doorbell line; takes no lock of its own. A ring that
 * queues the line takes the peer vCPU's ap_lock too (vgic_queue), held by the peer only for one
 * fold or flush: the wait is bounded (docs/locks.md).
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
 * RING: an edge on the peer's line. A guest ringing in a loop must cost the peer at most one
 * interrupt, and one exit, per interrupt the peer takes, not one per ring:
 *  - a line already latched pending is left alone (edges merge while pending);
 *  - a line in one of the peer's list registers (pending, or active in the peer's handler) only
 *    gets its latch set, with no kick: its LR carries the EOI bit (eoi_notify), so the guest's
 *    deactivation brings the peer back (maintenance interrupt) and lr_fold() delivers the latch
 *    then. Kicking instead would make the peer exit after every flush, for as long as it rings;
 *  - anything else is triggered: queued on the peer's vCPU, which is kicked.
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
	if (vq->lr >= 0)
		vq->pending_latch = true;
	else if (!vq->pending_latch)
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
	if (vq) /* kept across vgic_reset, as emu_source_init's eoi_notify (see channel_write) */
		vq->edge = true;
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
