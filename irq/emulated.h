/*
 * emulated.h - an interrupt source for a virtual device inside skiff: no physical line
 * behind it. The device drives the line with vgic_set_level()/vgic_trigger(); the source
 * passes the guest's EOI (the resample point of a level interrupt) back to the device.
 */
#ifndef SKIFF_IRQ_EMULATED_H
#define SKIFF_IRQ_EMULATED_H

#include "irq/source.h"
#include "irq/vgic.h"

struct emu_source {
	struct irq_source src;
	/* called with the line's virq lock held (and its vCPU's ap_lock, from lr_fold): may only
	 * use the vgic_*_locked calls, on that line */
	void (*resample)(void *dev, unsigned int index);
	void *dev;
};

/* Claim count SPIs from first_intid for the device; each asks for the guest's EOI. */
int emu_source_init(struct emu_source *e, struct vgic *vg, uint32_t first_intid, unsigned int count,
		    void (*resample)(void *dev, unsigned int index), void *dev);

#endif
