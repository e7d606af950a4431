/*
 * doorbell.h - skiff's minimal virtual device: an MMIO doorbell that raises a level
 * interrupt until the guest acknowledges it, with a resample at every EOI. It exists to
 * exercise emulated interrupt sources end to end (tests/guests/doorbell.c).
 *
 * Registers (32-bit): RAISE (write: line high), ACK (write: line low), STATUS (read: line),
 * EOIS (read: EOIs of its interrupt seen so far).
 */
#ifndef SKIFF_HYP_DOORBELL_H
#define SKIFF_HYP_DOORBELL_H

#include <stdbool.h>
#include <stdint.h>

#include "irq/emulated.h"

#define DOORBELL_RAISE 0x0
#define DOORBELL_ACK 0x4
#define DOORBELL_STATUS 0x8
#define DOORBELL_EOIS 0xc
#define DOORBELL_SIZE 0x1000

struct mmio_bus;

struct doorbell {
	struct emu_source emu;
	struct vgic *vgic;
	uint32_t intid;
	bool line;
	uint32_t eois;
};

/* Put a doorbell at IPA base with interrupt intid into the VM. 0 on success. */
int doorbell_attach(struct doorbell *d, struct mmio_bus *bus, struct vgic *vgic, uint64_t base,
		    uint32_t intid);
/* Its guest restarts: line low, no EOIs seen (the vGIC's side is vgic_reset's). */
void doorbell_reset(struct doorbell *d);

#endif
