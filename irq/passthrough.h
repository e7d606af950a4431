/*
 * passthrough.h - the passthrough kind of interrupt source: guest interrupts backed by
 * physical lines (docs/interrupts.md, "SPI passthrough modes"). The guest's enable, pending and
 * active state, priority, trigger mode and routing of its own lines are mirrored to the physical
 * GIC; the physical pending state shows through. A timer PPI is hardware-linked to its physical
 * INTID; an SPI runs in one of the three modes of enum irq_mode (hw, eoi, oneshot), whose state
 * machine lives in passthrough.c. The physical GIC is reached only through struct passthrough_hw,
 * so host tests can fake it.
 */
#ifndef SKIFF_IRQ_PASSTHROUGH_H
#define SKIFF_IRQ_PASSTHROUGH_H

#include <stdbool.h>
#include <stdint.h>

#include "irq/mode.h"
#include "irq/source.h"
#include "irq/vgic.h"

/* One struct passthrough per assigned device (or per vCPU for its timer PPIs). */
#define PASSTHROUGH_MAX_LINES IRQ_MAX_DEV_LINES

/*
 * The physical GIC as passthrough needs it; frame is a GICR RD_base (PPIs) or the GICD base
 * (SPIs). PPIs use set_enable, is_pending and is_active only. For SPIs every member may be NULL:
 * that effect is then simply not mirrored (a NULL set_pending keeps a guest's ISPENDR virtual).
 */
struct passthrough_hw {
	void (*set_enable)(uintptr_t frame, uint32_t pintid, bool on);
	bool (*is_pending)(uintptr_t frame, uint32_t pintid);
	bool (*is_active)(uintptr_t frame, uint32_t pintid); /* GICR_ISACTIVER0 / GICD_ISACTIVER */
	/* GICD_I{S,C}PENDR, GICD_I{S,C}ACTIVER, GICD_IPRIORITYR, GICD_ICFGR, GICD_IROUTER
	 * (mpidr: affinity fields only, never IRM) */
	void (*set_pending)(uintptr_t frame, uint32_t pintid, bool on);
	void (*set_active)(uintptr_t frame, uint32_t pintid, bool on);
	void (*set_priority)(uintptr_t frame, uint32_t pintid, uint8_t priority);
	void (*set_edge)(uintptr_t frame, uint32_t pintid, bool edge);
	void (*route)(uintptr_t frame, uint32_t pintid, uint64_t mpidr);
	/* end skiff's activation of an SPI it acknowledged (EOImode 1: ICC_DIR_EL1); may run on
	 * another CPU than the acknowledgement if the guest moved the interrupt meanwhile */
	void (*deactivate)(uint32_t pintid);
};

/* One line: its physical INTID (the guest's INTID is the same), mode, the state skiff keeps
 * for it and its counters (SKIFF_CNT_SPI_*). All of it under the lock of the line's virq. */
struct passthrough_line {
	uint32_t pintid;
	enum irq_mode mode;
	bool phys_active;  /* eoi/oneshot: skiff acknowledged it and has not deactivated it */
	bool skiff_masked; /* oneshot: skiff disabled the physical line when it fired */
	bool hw_enabled;   /* the physical line's enable as last written */
	bool cfg_edge;	   /* trigger mode as configured: what a restart of the guest restores */
	bool edge;	   /* trigger mode, priority and route as last written to the GIC */
	bool prio_known;
	uint8_t priority;
	bool routed;
	uint64_t route;
	uint64_t taken;
	uint64_t injected;
	uint64_t maint;
	uint64_t unmasked;
};

struct passthrough {
	struct irq_source src;
	const struct passthrough_hw *hw;
	uintptr_t frame;
	struct vgic_cpu *vc;	 /* PPIs: the vCPU they belong to; NULL for SPIs */
	const bool *no_deferral; /* test-only: release the oneshot mask at EOI, as KVM does */
	bool quiesced;		 /* its guest is stopping: a fire is deactivated, not injected */
	struct passthrough_line line[PASSTHROUGH_MAX_LINES];
};

/*
 * Pass the physical PPIs pintids[0..count) of the CPU whose redistributor is at rd through
 * to the same INTIDs of vCPU vc, hardware-linked. The physical lines start disabled, like the
 * guest's. 0, or -1 if count is too large.
 */
int passthrough_init_ppis(struct passthrough *p, struct vgic *vg, struct vgic_cpu *vc,
			  const struct passthrough_hw *hw, uintptr_t rd, const uint32_t *pintids,
			  unsigned int count);

/*
 * Give the VM the physical SPIs intids[0..count) of the distributor at gicd, as the same
 * INTIDs, line i in modes[i] with the trigger mode edges[i]: claimed in the vGIC with this
 * source, hardware-linked (hw) or asking for the guest's EOI (eoi, oneshot). Physically each
 * starts disabled, with that trigger mode, routed to the CPU of the vCPU the guest's reset
 * IROUTER names, or to the VM's first vCPU's when it names none: from the start, and
 * whatever the guest writes later, a line is only ever routed to a CPU of its own VM. no_deferral
 * (may be NULL) is read at every oneshot EOI. Before the guest runs. 0, or -1 if count is 0 or too
 * large, an INTID is not one of the VM's SPIs, a mode is unknown, or an SPI is taken already (the
 * lines before it stay claimed).
 */
int passthrough_init_spis(struct passthrough *p, struct vgic *vg, const struct passthrough_hw *hw,
			  uintptr_t gicd, const uint32_t *intids, const enum irq_mode *modes,
			  const bool *edges, unsigned int count, const bool *no_deferral);

/*
 * The physical interrupt of line index fired: skiff acknowledged it and dropped its priority
 * (EOImode 1) and has not deactivated it. Injects it into the guest. Takes the line's virq
 * lock: call without it, on any CPU.
 */
void passthrough_handle(struct passthrough *p, unsigned int index);
/* passthrough_handle() in two halves for irq/lr_fast.c, the line's virq lock held: the fire is
 * taken (counted; oneshot: masked; eoi/oneshot: held active), false if its guest is stopping
 * (then it is deactivated and over); and, once the virq is in an LR, counted as injected. */
bool passthrough_take_locked(struct passthrough *p, unsigned int index);
void passthrough_injected(struct passthrough *p, unsigned int index);
/* The guest finished with eoi/oneshot line index, whose virq v it is (its lock held): what its
 * source's eoi does (maint counted, the physical SPI deactivated, the oneshot mask released if
 * v is enabled), for irq/lr_fast.c, which knows the line already. */
void passthrough_eoi_locked(struct passthrough *p, unsigned int index, const struct virq *v);

/*
 * Its guest is stopping (SYSTEM_OFF or SYSTEM_RESET), its vCPUs parked: disable every line
 * physically, end what is active or pending (SPIs), forget the masks and mirrors. Until
 * passthrough_restart() a fire that was already on its way is deactivated, not injected.
 * The VM's config_lock held; takes each line's virq lock.
 */
void passthrough_quiesce(struct passthrough *p);
/* After vgic_reset(): the lines' configured trigger modes again, routed to a CPU of the VM as
 * at set-up; fires are injected again. The VM's config_lock held; takes each line's virq lock. */
void passthrough_restart(struct passthrough *p);

/* Counter id (SKIFF_CNT_SPI_TAKEN .. SKIFF_CNT_SPI_UNMASKED) of line index; 0 for an unknown
 * index or id. Lock-free: a counter read while it changes gives the old or the new value. */
uint64_t passthrough_counter(const struct passthrough *p, unsigned int index, unsigned int id);

/* The index of the line with INTID intid, or -1. */
int passthrough_find(const struct passthrough *p, uint32_t intid);

/*
 * The line's effects and the two halves of its life the fast path needs, inline and with the
 * physical GIC as a parameter: passthrough.c passes p->hw, and hyp/run/irq_fast.c on a GICv3 the
 * same effects as direct calls (no indirect call on the fast path). One logic either way; the
 * line's virq lock held.
 */
#define PT_INLINE static inline __attribute__((always_inline))

/* Counters are written under the line's virq lock and read without it (passthrough_counter). */
PT_INLINE void pt_count(uint64_t *c)
{
	__atomic_store_n(c, *c + 1, __ATOMIC_RELAXED);
}

PT_INLINE bool pt_no_deferral(const struct passthrough *p)
{
	return p->no_deferral && __atomic_load_n(p->no_deferral, __ATOMIC_RELAXED);
}

/* a NULL member of hw means that effect is not mirrored */
PT_INLINE void pt_set_enable_with(struct passthrough *p, struct passthrough_line *l, bool on,
				  const struct passthrough_hw *hw)
{
	l->hw_enabled = on;
	if (hw->set_enable)
		hw->set_enable(p->frame, l->pintid, on);
}

PT_INLINE void pt_deactivate_with(struct passthrough_line *l, const struct passthrough_hw *hw)
{
	l->phys_active = false;
	if (hw->deactivate)
		hw->deactivate(l->pintid);
}

/* Oneshot: the device has been serviced; the line may fire again. */
PT_INLINE void pt_release_with(struct passthrough *p, struct passthrough_line *l,
			       const struct passthrough_hw *hw)
{
	l->skiff_masked = false;
	pt_set_enable_with(p, l, true, hw);
	pt_count(&l->unmasked);
}

/* The guest has finished with what skiff acknowledged for it (eoi, oneshot modes). */
PT_INLINE void pt_done_with(struct passthrough *p, struct passthrough_line *l, const struct virq *v,
			    const struct passthrough_hw *hw)
{
	if (l->phys_active)
		pt_deactivate_with(l, hw);
	if (l->skiff_masked && ((v && v->enabled) || pt_no_deferral(p)))
		pt_release_with(p, l, hw);
}

/* passthrough_take_locked() and passthrough_eoi_locked() with hw for p->hw; then
 * passthrough_injected() */
PT_INLINE bool passthrough_take_with(struct passthrough *p, unsigned int index,
				     const struct passthrough_hw *hw)
{
	struct passthrough_line *l = &p->line[index];

	if (__atomic_load_n(&p->quiesced, __ATOMIC_RELAXED)) {
		/* its guest is being stopped: the fire ends here */
		if (hw->deactivate)
			hw->deactivate(l->pintid);
		return false;
	}
	pt_count(&l->taken);
	if (l->mode == IRQ_MODE_ONESHOT) {
		pt_set_enable_with(p, l, false, hw);
		l->skiff_masked = true;
	}
	if (l->mode != IRQ_MODE_HW)
		l->phys_active = true;
	return true;
}

PT_INLINE void passthrough_eoi_with(struct passthrough *p, unsigned int index, const struct virq *v,
				    const struct passthrough_hw *hw)
{
	struct passthrough_line *l = &p->line[index];

	pt_count(&l->maint);
	pt_done_with(p, l, v, hw);
}

/*
 * A fire the GICv3 assembly fast path injected (arch/arm64/vectors.S, fast_irq_pt) with no lock:
 * it acknowledged the SPI, masked it if oneshot (GICD_ICENABLER) and counted taken and injected
 * in its table (fastirq_count), but the line's state here was not told. Adopted now, under v's
 * lock, as passthrough_take_with() would have booked it: held active; oneshot: masked by skiff.
 * The mask is written again: a write of the guest's enable or trigger mode since the fire, made
 * against the stale state, may have lifted it, and the physical SPI, active until skiff
 * deactivates it, could not fire meanwhile.
 */
PT_INLINE void passthrough_adopt_with(struct passthrough *p, unsigned int index,
				      const struct passthrough_hw *hw)
{
	struct passthrough_line *l = &p->line[index];

	l->phys_active = true;
	if (l->mode == IRQ_MODE_ONESHOT) {
		pt_set_enable_with(p, l, false, hw);
		l->skiff_masked = true;
	}
}

/*
 * Such a fire, which the guest has EOId: passthrough_adopt_with() then passthrough_eoi_with(),
 * in one (the line l of p): maint counted, the physical SPI deactivated; oneshot: the mask released
 * if v is enabled (or no_deferral), else written again before the deactivation and held.
 */
PT_INLINE void passthrough_fast_eoi_line(struct passthrough *p, struct passthrough_line *l,
					 const struct virq *v, const struct passthrough_hw *hw)
{
	bool oneshot = l->mode == IRQ_MODE_ONESHOT;
	bool release = oneshot && (v->enabled || pt_no_deferral(p));

	pt_count(&l->maint);
	if (oneshot && !release) {
		pt_set_enable_with(p, l, false, hw); /* before the line may fire again */
		l->skiff_masked = true;
	}
	pt_deactivate_with(l, hw);
	if (release)
		pt_release_with(p, l, hw); /* the fire's mask */
}

#endif
