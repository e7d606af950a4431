/*
 * vgic.h - the virtual GICv3 of one VM: distributor and per-vCPU redistributor state, the
 * per-vCPU lists of in-flight interrupts, injection, SGIs. Plain C: the hardware it needs
 * (kicking a vCPU on another CPU, deactivating a physical interrupt) comes through
 * struct vgic_ops, so host tests can drive it. Locks (docs/locks.md): each virq has its own,
 * each vCPU one for its in-flight list and list registers (ap_lock), and the VM one for the
 * few VM-wide registers (config_lock); order config_lock -> ap_lock -> virq lock, never two
 * ap_locks at once. Nothing on a vCPU's exit path takes config_lock.
 */
#ifndef SKIFF_IRQ_VGIC_H
#define SKIFF_IRQ_VGIC_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/spinlock.h"
#include "irq/sgi.h"
#include "irq/source.h"
#include "irq/virq.h"

#define VGIC_MAX_CPUS 8
#define VGIC_MAX_LRS 16
#define VGIC_GICD_SIZE 0x10000
#define VGIC_GICD_SIZE_V2 0x1000 /* a GICv2 distributor is one 4 KiB page */
#define VGIC_GICC_SIZE_V2 0x2000 /* a GICv2 CPU interface: two 4 KiB pages */

/* The GIC architecture a VM's guest sees (struct vgic.version) */
#define VGIC_V2 2
#define VGIC_V3 3
#define VGIC_GICR_FRAME_SIZE 0x10000
#define VGIC_GICR_STRIDE 0x20000 /* RD_base + SGI_base per vCPU */

enum vgic_access {
	VGIC_ACCESS_OK = 0,
	VGIC_ACCESS_ABORT = -1, /* the access is reported to the guest as an external abort */
	/* not done: the guest must execute it again (an interrupt it changes sits in a list
	 * register the fast path wrote on another vCPU, which has been kicked to fold it) */
	VGIC_ACCESS_RETRY = 1,
};

struct vgic;

struct vgic_ops {
	/* vcpu must look at its list soon: a physical SGI if it runs on another CPU, nothing
	 * if it is the vCPU this CPU is handling right now (its list is flushed before it
	 * re-enters the guest) */
	void (*kick)(struct vgic *vg, unsigned int vcpu);
	/* the guest finished with a hardware-linked interrupt outside the list registers; vc is
	 * the vCPU a private interrupt belongs to (its CPU's PPI), NULL for an SPI */
	void (*deactivate_phys)(struct vgic *vg, const struct vgic_cpu *vc, uint32_t pintid);
	/* optional: v's state may have changed (enable, group, priority, target...); called at
	 * the end of every vgic_queue(), v's lock held, for a hardware-linked or fast_eoi virq (the
	 * fast path's table follows them; no other virq has an entry there) */
	void (*changed)(struct vgic *vg, struct virq *v);
};

/* GICD_CTLR as a single Security state sees it (GICD_CTLR.DS == 1) */
#define GICD_CTLR_ENABLE_GRP0 (1u << 0)
#define GICD_CTLR_ENABLE_GRP1 (1u << 1)
#define GICD_CTLR_ARE (1u << 4)

/* Aff3 [39:32], Aff2 [23:16], Aff1 [15:8], Aff0 [7:0]: the fields IROUTER stores */
#define GICD_IROUTER_AFF_MASK 0xff00ffffffull

/* Virqs a prune can hand to other vCPUs' lists in one go (vgic_prune, vgic_requeue) */
#define VGIC_REQUEUE_MAX 8

struct vgic_cpu {
	/* the in-flight list (ap_head, every member's ap_next), the list-register bookkeeping
	 * below and the redistributor state; taken by the vCPU's own CPU around lr_flush and
	 * lr_fold, and by any CPU to put a virq on this list (vgic_queue) */
	struct spinlock ap_lock;
	unsigned int id;       /* vCPU index in the VM */
	uint64_t mpidr;	       /* its affinity, as GICR_TYPER and IROUTER use it */
	unsigned int host_cpu; /* the physical CPU it is pinned to (set by its VM's builder) */
	struct vgic *vgic;
	struct virq private_irqs[VGIC_NR_PRIVATE];
	struct virq *ap_head; /* in-flight list, unordered; lr_flush orders it */

	/* redistributor */
	bool processor_sleep; /* GICR_WAKER.ProcessorSleep (resets to 1) */
	uint32_t rd_ctlr;
	uint64_t propbaser;
	uint64_t pendbaser;

	/* list registers, as lr_flush (or the maintenance fast path, irq/lr_fast.c) left them
	 * (irq/lr.c): LR n < lr_used holds lr_virq[n] if that is set, and lr_map has bit n */
	unsigned int lr_used;
	uint32_t lr_map;
	uint32_t lr_fast_eoi; /* LRs of lr_map holding a fast_eoi SPI, written with the EOI bit */
	struct virq *lr_virq[VGIC_MAX_LRS];
	uint64_t lr_written[VGIC_MAX_LRS];
	/* what each LR holds now as far as skiff knows (after a fold: as read), so a flush writes
	 * only the LRs that change; lr_unknown: LRs whose content it does not know */
	uint64_t lr_live[VGIC_MAX_LRS];
	uint32_t lr_unknown;
	uint32_t hcr; /* ICH_HCR_EL2 as flushed */
	/* after lr_fold: no LR needs writing (each is empty in ICH_ELRSR_EL2, or 0) and ICH_HCR_EL2
	 * is just En, so no maintenance interrupt can come: with nothing on the list, the flush
	 * before the guest runs again may be skipped (hyp/run/vcpu.c) */
	bool lr_idle;
	bool hcr_unknown;  /* ICH_HCR_EL2 may differ from hcr (an EOIcount to clear) */
	uint32_t lr_latch; /* LRs whose pending state is the virq's latch, moved in by the flush */
	/* LRs the hw-mode fast path (arch/arm64/vectors.S) filled since the last flush; it only
	 * takes LRs ICH_ELRSR_EL2 shows empty, so a flushed entry there had been finished */
	uint64_t lr_fast;
	/* virqs vgic_prune() took off this list for another vCPU's: vgic_requeue() puts them
	 * there once ap_lock is released (two ap_locks are never held at once) */
	struct virq *requeue[VGIC_REQUEUE_MAX];
	unsigned int nr_requeue;
};

struct vgic {
	/* GICD_CTLR writes, set-up and reset: what concerns every virq of the VM at once */
	struct spinlock config_lock;
	const struct vgic_ops *ops;
	unsigned int version; /* VGIC_V3 from vgic_init, VGIC_V2 after vgic_set_v2 */
	void *priv;	      /* the VM, for ops */
	unsigned int nr_cpus;
	struct vgic_cpu *cpus[VGIC_MAX_CPUS];
	struct sgi_map sgi_map; /* the vCPUs' affinities, for trapped SGI writes (fixed at init) */
	unsigned int nr_intids; /* 32 * (ITLinesNumber + 1), <= VGIC_MAX_INTIDS */
	uint32_t ctlr;		/* GICD_CTLR as the guest sees it; written under config_lock,
				 * read without it (vgic_wants_lr) */
	/* No LR with HW=1: a hardware-linked virq is written with the EOI bit and skiff
	 * deactivates the physical interrupt at the maintenance interrupt (lr_fold), for a GIC
	 * whose HW deactivation does not signal what it leaves pending (drivers/gicv2.h) */
	bool no_hw_lrs;
	/* The eoi/oneshot SPIs' fires are vectors.S's, with no lock (a GICv3 host: fast_irq_pt),
	 * not fastirq_c_v2()'s under the virq's lock: their entries, as a hardware-linked virq's
	 * that may take HW=1 LRs, are closed while the virq is on a list (vgic_ap_add) */
	bool asm_eoi;
	struct virq spis[VGIC_MAX_SPIS];
	uint64_t gicd_base; /* guest-physical frames (the host's addresses) */
	uint64_t gicr_base;
};

/* Set up a VM's vGIC with nr_intids INTIDs (rounded down to a multiple of 32, capped) and
 * its vCPUs (cpus[i]->id = i, mpidr filled by the caller before). Every SPI starts unowned
 * (RAZ/WI) until vgic_claim_spi(). */
void vgic_init(struct vgic *vg, const struct vgic_ops *ops, unsigned int nr_intids,
	       struct vgic_cpu *const *cpus, unsigned int nr_cpus);
/* Make the VM's vGIC a GICv2 (IHI 0048B): a memory-mapped distributor of one page with the
 * private interrupts banked per vCPU and ITARGETSR routing, SGIs by GICD_SGIR; the CPU interface
 * is the hardware's GICV. Right after vgic_init, before any other use. */
void vgic_set_v2(struct vgic *vg);
/* Reset the VM's interrupt state as a restart of the guest finds it (GICD_CTLR, every virq's
 * enable, pending, active, priority, group, route; the redistributors; the in-flight lists
 * and list-register bookkeeping), keeping what skiff configured: ownership, sources, hardware
 * links, trigger modes. config_lock held; every vCPU of the VM parked (its LRs are rewritten at
 * its next start). Takes each virq's lock in turn. Tells ops->changed about every interrupt. */
void vgic_reset(struct vgic *vg);
/* Drop a latched pending state (a timer PPI that fired before its vCPU started). */
void vgic_clear_pending(struct vgic *vg, struct vgic_cpu *vc, uint32_t intid);
/* Give the VM an SPI, optionally behind a source (index into it). */
int vgic_claim_spi(struct vgic *vg, uint32_t intid, struct irq_source *src, unsigned int index);
/* The virq for intid as seen by vCPU vc (private interrupts are per vCPU), or NULL. */
struct virq *vgic_get_virq(struct vgic *vg, struct vgic_cpu *vc, uint32_t intid);

/* Register access: offset within the frame (GICD) or within the whole redistributor
 * region (GICR: vCPU = offset / VGIC_GICR_STRIDE), width in bytes (1, 2, 4, 8). Accesses
 * the architecture does not define read as zero and ignore writes. self is the vCPU doing
 * the access. Returns VGIC_ACCESS_OK or VGIC_ACCESS_ABORT (GICR offsets beyond the last
 * vCPU's frames). */
int vgic_dist_read(struct vgic *vg, struct vgic_cpu *self, uint64_t offset, unsigned int width,
		   uint64_t *val);
int vgic_dist_write(struct vgic *vg, struct vgic_cpu *self, uint64_t offset, unsigned int width,
		    uint64_t val);
int vgic_redist_read(struct vgic *vg, struct vgic_cpu *self, uint64_t offset, unsigned int width,
		     uint64_t *val);
int vgic_redist_write(struct vgic *vg, struct vgic_cpu *self, uint64_t offset, unsigned int width,
		      uint64_t val);

/* Injection from sources and devices. vc selects the vCPU for private INTIDs (ignored for
 * SPIs). Take the virq's lock themselves; the _locked forms are for callers holding it (source
 * ops are called with it held, see vgic_lock_virq). */
void vgic_set_level(struct vgic *vg, struct vgic_cpu *vc, uint32_t intid, bool level);
void vgic_trigger(struct vgic *vg, struct vgic_cpu *vc, uint32_t intid);
void vgic_set_level_locked(struct vgic *vg, struct vgic_cpu *vc, uint32_t intid, bool level);
void vgic_trigger_locked(struct vgic *vg, struct vgic_cpu *vc, uint32_t intid);
/* The virq for intid (as vgic_get_virq) with its lock taken, or NULL; vgic_unlock_virq(v). */
struct virq *vgic_lock_virq(struct vgic *vg, struct vgic_cpu *vc, uint32_t intid);
static inline void vgic_unlock_virq(struct virq *v)
{
	spin_unlock(&v->lock);
}

/* Make intid on vc hardware-linked to physical pintid (timer PPIs, passthrough SPIs). */
void vgic_link_hw(struct vgic *vg, struct vgic_cpu *vc, uint32_t intid, uint32_t pintid);
/* Put a private interrupt (SGI/PPI) of vc behind a source (SPIs get theirs at claim). */
void vgic_set_source(struct vgic *vg, struct vgic_cpu *vc, uint32_t intid, struct irq_source *src,
		     unsigned int index);

/* A trapped ICC_SGI1R_EL1 / ICC_ASGI1R_EL1 / ICC_SGI0R_EL1 write by vCPU self. group is
 * the SGI group the register generates (1 for SGI1R, 0 for SGI0R and ASGI1R). */
void vgic_sgi(struct vgic *vg, struct vgic_cpu *self, uint64_t sgir, unsigned int group);
/* The same for a write whose targets leave out the writer self (which then needs no fold of its
 * own list registers first): true; false, with nothing done, if they include it. */
bool vgic_sgi_others(struct vgic *vg, struct vgic_cpu *self, uint64_t sgir, unsigned int group);

/*
 * List maintenance. vgic_queue(), v's lock held and no ap_lock: after a change to v, put it on
 * its target's list if it is in flight and on none, and kick the vCPU whose list has it (which
 * prunes what no longer belongs there at its next flush). It may drop v's lock to take the
 * target's ap_lock and take it again: the caller must not rely on v's state across the call.
 * vgic_queue_held(): the same from lr.c, holding vc's ap_lock and v's lock, for a v that
 * belongs on vc's list or on none (vgic_prune moves it on if it must).
 * vgic_prune(), vc's ap_lock held: drop from vc's list what is no longer in flight and not in
 * an LR; what now targets another vCPU is taken off and kept in vc->requeue.
 * vgic_requeue(), no lock held, on vc's CPU after it released ap_lock: queue those. Returns
 * true if the prune had more to move than requeue holds (prune and requeue again).
 */
void vgic_queue(struct vgic *vg, struct virq *v);
/* vgic_queue() without its kicks: returns the vCPUs to kick (bit n: vgic_cpu id n), for the
 * caller to kick with vgic_kick_mask() once it has let go of v's lock. A kick is a GIC register
 * write; another CPU folding v must not wait on it (docs/locks.md: on QEMU's TCG the write
 * takes QEMU's global lock, and may sleep). The SGI senders use it. */
uint32_t vgic_queue_deferred(struct vgic *vg, struct virq *v);
void vgic_kick_mask(struct vgic *vg, uint32_t mask);
void vgic_queue_held(struct vgic *vg, struct vgic_cpu *vc, struct virq *v);
void vgic_prune(struct vgic *vg, struct vgic_cpu *vc);
bool vgic_requeue(struct vgic *vg, struct vgic_cpu *vc);
/* vgic_prune() for the one virq *pp of vc's list, its lock and vc's ap_lock held, for a walk of
 * the list that prunes as it goes (lr_flush): KEEP it belongs here; GONE taken off (*pp is the
 * next one): dropped, or in vc->requeue; LATER it must move but requeue is full: it stays for
 * the next prune and must not go into vc's LRs. */
enum vgic_prune_verdict { VGIC_PRUNE_KEEP, VGIC_PRUNE_GONE, VGIC_PRUNE_LATER };
enum vgic_prune_verdict vgic_prune_at(struct vgic *vg, struct vgic_cpu *vc, struct virq **pp);
/* For irq/lr*.c: put v on vc's list / take it off its owner's, both locks held. */
void vgic_ap_add(struct vgic_cpu *vc, struct virq *v);
void vgic_ap_del(struct virq *v);
/* Whether v needs a place in a list register: pending, enabled and its group enabled in
 * GICD_CTLR, or active (an active interrupt stays until deactivated, enabled or not). */
static inline bool vgic_wants_lr(const struct vgic *vg, const struct virq *v)
{
	uint32_t grp_enable = v->group ? GICD_CTLR_ENABLE_GRP1 : GICD_CTLR_ENABLE_GRP0;

	if (v->active)
		return true;
	return virq_pending(v) && v->enabled &&
	       (__atomic_load_n(&vg->ctlr, __ATOMIC_RELAXED) & grp_enable);
}

/* For the vGIC's register files (irq/vgic_mmio.c and its users), v's lock held. */
/* The vCPU route names, or NULL: GICv3, the one whose affinity is route's Aff3.Aff2.Aff1.Aff0;
 * GICv2, the lowest of those an ITARGETSR byte sets (affinities are fixed at vgic_init and the
 * version at vgic_set_v2: no lock needed). */
struct vgic_cpu *vgic_route_target(const struct vgic *vg, uint64_t route);
/* A new route for SPI v (IROUTER value, or ITARGETSR byte for GICv2): its target follows, its
 * source is told, and it moves to the new target's list (or off every list: no target). */
void vgic_set_route(struct vgic *vg, struct virq *v, uint64_t route);
/* Tell v's source (if any) its trigger mode, priority or target changed. */
void vgic_notify_config(struct virq *v);
/* vgic_queue() every interrupt of the VM (a group was enabled or disabled); config_lock held,
 * no other. */
void vgic_queue_all(struct vgic *vg);

#endif
