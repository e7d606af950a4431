/*
 * channel.h - the doorbells of an inter-guest channel (docs/channel.md): each of the two guests
 * has a doorbell page of its own; a write to RING raises the other guest's doorbell SPI once
 * (an edge). The shared memory itself is plain stage-2 RAM (hyp/core/vm.c); skiff never reads
 * or writes it after boot.
 *
 * Registers (32-bit): RING (write: raise the peer's doorbell), HEARD (read: doorbells the peer
 * rang at this guest since it started).
 */
#ifndef SKIFF_HYP_CHANNEL_H
#define SKIFF_HYP_CHANNEL_H

#include <stdint.h>

#include "irq/emulated.h"

#define CHANNEL_RING 0x0
#define CHANNEL_HEARD 0x4
#define CHANNEL_DB_SIZE 0x1000

struct mmio_bus;

/* Put end (0 or 1) of channel n into a VM: its doorbell page at IPA base, its own doorbell
 * SPI intid (which the peer raises). 0 on success. */
int channel_attach(unsigned int n, unsigned int end, struct mmio_bus *bus, struct vgic *vgic,
		   uint64_t base, uint32_t intid);
/* The VM of vgic restarts: its ends' counters start again (the vGIC's side is vgic_reset's). */
void channel_reset(const struct vgic *vgic);

#endif
