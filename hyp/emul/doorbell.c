/*
 * doorbell.c - the doorbell virtual device: MMIO register emulation and its level line,
 * through an emulated interrupt source. Touches only its own state and the vGIC.
 */
#include "hyp/emul/doorbell.h"

#include <stddef.h>
#include "hyp/emul/mmio.h"

static void doorbell_resample(void *dev, unsigned int index)
{
	struct doorbell *d = dev;

	(void)index;
	d->eois++; /* the line's level already decides whether it is pending again */
}

static int doorbell_read(void *ctx, struct vcpu *v, uint64_t offset, unsigned int width,
			 uint64_t *val)
{
	struct doorbell *d = ctx;

	(void)v;
	*val = 0;
	if (width != 4)
		return MMIO_OK;
	if (offset == DOORBELL_STATUS)
		*val = __atomic_load_n(&d->line, __ATOMIC_RELAXED);
	else if (offset == DOORBELL_EOIS)
		*val = __atomic_load_n(&d->eois, __ATOMIC_RELAXED);
	return MMIO_OK;
}

static int doorbell_write(void *ctx, struct vcpu *v, uint64_t offset, unsigned int width,
			  uint64_t val)
{
	struct doorbell *d = ctx;
	struct virq *vq;
	bool level;

	(void)v;
	(void)val;
	if (width != 4 || (offset != DOORBELL_RAISE && offset != DOORBELL_ACK))
		return MMIO_OK;
	level = offset == DOORBELL_RAISE;
	/* STATUS and the vGIC's line level change together: two vCPUs writing RAISE and ACK at
	 * once leave both at the later write */
	vq = vgic_lock_virq(d->vgic, NULL, d->intid);
	if (!vq)
		return MMIO_OK;
	__atomic_store_n(&d->line, level, __ATOMIC_RELAXED);
	vgic_set_level_locked(d->vgic, NULL, d->intid, level);
	vgic_unlock_virq(vq);
	return MMIO_OK;
}

int doorbell_attach(struct doorbell *d, struct mmio_bus *bus, struct vgic *vgic, uint64_t base,
		    uint32_t intid)
{
	struct mmio_region r = {
		.base = base,
		.size = DOORBELL_SIZE,
		.name = "doorbell",
		.ctx = d,
		.read = doorbell_read,
		.write = doorbell_write,
	};

	d->vgic = vgic;
	d->intid = intid;
	d->line = false;
	d->eois = 0;
	if (emu_source_init(&d->emu, vgic, intid, 1, doorbell_resample, d))
		return -1;
	return mmio_add(bus, &r) ? 0 : -1;
}

void doorbell_reset(struct doorbell *d)
{
	__atomic_store_n(&d->line, false, __ATOMIC_RELAXED);
	__atomic_store_n(&d->eois, 0, __ATOMIC_RELAXED);
}
