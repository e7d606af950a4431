/*
 * virq.h - the state of one virtual interrupt, as the vGIC keeps it: one struct per INTID
 * per VM (SPIs) or per vCPU (SGIs, PPIs). Plain data; the rules live in irq/vgic*.c and
 * irq/lr.c. Every field is protected by the virq's own lock, except the list link ap_next,
 * which belongs to the lock of the vCPU whose list holds it (docs/locks.md).
 */
#ifndef SKIFF_IRQ_VIRQ_H
#define SKIFF_IRQ_VIRQ_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/spinlock.h"

#define VGIC_NR_SGIS 16
#define VGIC_NR_PRIVATE 32
#define VGIC_INTID_SPI_BASE 32
#define VGIC_MAX_INTIDS 512 /* SPIs 32..511: enough for QEMU virt (288) and most SoCs */
#define VGIC_MAX_SPIS (VGIC_MAX_INTIDS - VGIC_NR_PRIVATE)
#define VGIC_PRIORITY_RESET 0x00
#define VGIC_PRIO_BITS 5 /* priority bits the virtual CPU interface implements */

struct irq_source;
struct vgic_cpu;

struct virq {
	struct spinlock lock; /* this virq's state; taken after a vCPU's ap_lock */
	/* SPIs only: assigned to this VM, else RAZ/WI. Set once at set-up, read without the lock
	 * (vgic_get_virq); like the lock, never cleared by a reset (everything from intid on is) */
	bool owned;
	uint32_t intid;
	uint8_t priority; /* as written: 8 bits, low bits beyond VGIC_PRIO_BITS are RAZ */
	uint8_t group;	  /* 0 or 1 (IGROUPR) */
	bool enabled;
	bool edge;	    /* ICFGR: edge-triggered, else level-sensitive */
	bool pending_latch; /* edge seen, or ISPENDR written, not yet acknowledged */
	bool line_level;    /* a level source's input line */
	bool active;

	bool hw; /* HW-linked: the LR carries pintid, guest deactivation is physical */
	uint32_t pintid;
	bool eoi_notify; /* software interrupt whose source wants the guest's EOI */
	/* an SPI passed through in eoi or oneshot mode: the fast path (irq/lr_fast.c) may inject
	 * it and finish it at the maintenance interrupt */
	bool fast_eoi;

	uint64_t route;		 /* GICD_IROUTER value (SPIs) */
	struct vgic_cpu *target; /* vCPU it is delivered to (SPIs: from route) */
	struct irq_source *src;	 /* NULL for SGIs and sources-less PPIs */
	unsigned int src_index;

	/* membership of a vCPU's in-flight list (the "ap list"); ap_owner can lag behind target
	 * while the interrupt sits in one of ap_owner's list registers */
	struct virq *ap_next;
	struct vgic_cpu *ap_owner; /* NULL when on no list */
	int8_t lr;		   /* list register holding it, -1 when none */
	/* writes to its pending or active state (VIRQ_WRITE_*) that came while it sat in a list
	 * register of a running vCPU, where its state is the LR's: applied when that vCPU folds */
	uint8_t lr_writes;
	/* GICv2 VMs' SGIs only (IHI 0048B 3.2.3, an SGI is pending once per requesting CPU): bit n
	 * set while the SGI from vCPU n is pending outside the list registers (pending_latch is
	 * "any bit set"), and the vCPU whose SGI is active (the CPUID its LR carries). */
	uint8_t sgi_sources;
	uint8_t sgi_active_src;
};

#define VIRQ_WRITE_SET_ACTIVE (1u << 0)
#define VIRQ_WRITE_CLEAR_ACTIVE (1u << 1)
#define VIRQ_WRITE_CLEAR_PENDING (1u << 2)

/* Pending as the GIC sees it: latched, or a level line that is high (IHI 0069 4.1). */
static inline bool virq_pending(const struct virq *v)
{
	return v->pending_latch || (!v->edge && v->line_level);
}

/* Whether the interrupt needs a place on its target's list: pending and enabled, or
 * active (an active interrupt stays until deactivated, enabled or not). */
static inline bool virq_in_flight(const struct virq *v)
{
	return (virq_pending(v) && v->enabled) || v->active;
}

#endif
