/*
 * passthrough.h - the passthrough kind of interrupt source: guest interrupts backed by
 * physical lines (DESIGN.md §4). The guest's enable is mirrored to the physical GIC and the
 * physical pending state shows through; the vGIC links each one to its physical INTID so the
 * guest's deactivation deactivates the physical interrupt (hw mode). The physical GIC is
 * reached only through struct passthrough_hw, so host tests can fake it.
 */
#ifndef SKIFF_IRQ_PASSTHROUGH_H
#define SKIFF_IRQ_PASSTHROUGH_H

#include <stdbool.h>
#include <stdint.h>

#include "irq/source.h"
#include "irq/vgic.h"

#define PASSTHROUGH_MAX_LINES 4

/* The physical GIC as passthrough needs it; frame is a GICR RD_base (PPIs) or GICD base. */
struct passthrough_hw {
	void (*set_enable)(uintptr_t frame, uint32_t pintid, bool on);
	bool (*is_pending)(uintptr_t frame, uint32_t pintid);
};

struct passthrough {
	struct irq_source src;
	const struct passthrough_hw *hw;
	uintptr_t frame;
	uint32_t pintid[PASSTHROUGH_MAX_LINES];
};

/*
 * Pass the physical PPIs pintids[0..count) of the CPU whose redistributor is at rd through
 * to the same INTIDs of vCPU vc, hardware-linked. The physical lines start disabled, like the
 * guest's. 0, or -1 if count is too large.
 */
int passthrough_init_ppis(struct passthrough *p, struct vgic *vg, struct vgic_cpu *vc,
			  const struct passthrough_hw *hw, uintptr_t rd, const uint32_t *pintids,
			  unsigned int count);

#endif
