/*
 * fuzz_vgic_mmio.c - libFuzzer target for the virtual GICv3 (irq/vgic.c, vgic_dist.c,
 * vgic_redist.c, vgic_mmio.c, sgi.c), the list-register manager (irq/lr.c) and the interrupt
 * sources (irq/passthrough.c, irq/emulated.c), played against fakes of everything around them:
 *  - a fake physical GIC behind struct passthrough_hw and vgic_ops.deactivate_phys that keeps
 *    each line's state (device line, latch, enable, active, trigger) and fires a line exactly
 *    when a GICv3 would (enabled, pending, not active);
 *  - one fake virtual CPU interface per vCPU with 1..16 list registers: the guest acknowledges
 *    (highest-priority pending LR above the running priority), EOIs (EOImode 0 or 1), deactivates
 *    (DIR, also of INTIDs in no LR: EOIcount), HW=1 deactivation of the physical interrupt,
 *    ICH_MISR_EL2's maintenance conditions, ICH_ELRSR_EL2's empty LRs;
 *  - the run loop: a trapped access, a physical IRQ or a kick folds the vCPU's LRs, handles it
 *    and flushes again (optionally skipping fold and flush as hyp/run/vcpu.c does when nothing is
 *    in flight); the hw-mode fast path of arch/arm64/vectors.S (a hardware-linked interrupt
 *    written pending into an empty LR without the lock, lr_fast) as its comment describes it.
 *
 * Setup from the first bytes: 1..8 vCPUs with distinct affinities, 1..16 LRs, nr_intids, up to
 * three passthrough devices of up to 8 SPIs in hw/eoi/oneshot modes (passthrough_init_spis),
 * an emulated device, the timer PPIs hardware-linked per vCPU; every other SPI stays unowned;
 * optionally the guest's GIC driver init (groups and every interrupt enabled).
 * Then a sequence of operations: GICD/GICR reads and writes at any offset and width (register-
 * shaped or raw), from any vCPU; injections (vgic_trigger / vgic_set_level) at any INTID; SGI
 * register writes (vgic_sgi); vCPU entry and exit; the guest's acknowledge / EOI / DIR; device
 * lines and physical interrupts; the test switch that makes oneshot release at EOI.
 *
 * After every operation it checks what the code promises (the invariants comments of
 * irq/vgic.c, irq/lr.c and irq/passthrough.c, and vgic.h's access rules):
 *  - each virq is on at most one vCPU list, ap_owner names that list, a private virq only on
 *    its own vCPU's; a virq in an LR (lr >= 0) is on the list of an in-guest vCPU whose
 *    lr_virq[lr] it is; anything else on a list wants an LR and has that vCPU as its target, or
 *    is active, or that vCPU is out of its guest or kicked (its next flush prunes it); a virq
 *    that wants an LR and has a target is on a list (nothing forgotten);
 *  - list-register bookkeeping: lr_used <= nr_lrs; after lr_flush, the LRs hold distinct
 *    INTIDs, no HW=1 LR is pending+active, each LR matches its virq (INTID, priority, group,
 *    pINTID), nothing left out ranks above what is in the LRs and nothing wanting is left out
 *    while an LR is free, and no maintenance condition holds; between fold and flush no virq
 *    is in an LR; across vCPUs no SPI is valid in two vCPUs' LRs;
 *  - unowned SPIs read as zero in every GICD register and never change; accesses the
 *    architecture does not define read as zero; GICR accesses abort exactly past the last
 *    vCPU's frames; every vGIC lock (config, ap, virq) is free after every call;
 *  - the fakes are never called for an INTID the VM does not own or out of range, nor with a
 *    vCPU index beyond the VM's; deactivate_phys only for hardware-linked lines (a PPI: on the
 *    CPU of the vCPU it belongs to); passthrough's own deactivation only of an active line;
 *  - passthrough: a physical line is enabled exactly when its guest enable is set and skiff
 *    holds no oneshot mask (unless the no-deferral switch was ever on); in eoi/oneshot mode the
 *    line is physically active exactly when phys_active says skiff holds it; a hardware-linked
 *    line (hw SPI, timer PPI) physically active, or an eoi/oneshot line skiff holds, has its
 *    virtual interrupt still pending or active (in the virq or in an LR), so some deactivation
 *    will end it;
 *  - when nothing will make a vCPU exit (no kick, no maintenance condition, no physical
 *    interrupt about to fire), no interrupt the guest could take (pending, enabled, not active,
 *    above its running priority) waits outside the LRs while no LR offers the guest anything
 *    to acknowledge; and when the machine settles (kicks, maintenance and physical interrupts
 *    taken), it does so without an interrupt storm.
 * Writes to the pending or active state of an interrupt in another vCPU's live LR wait for its
 * fold (virq.lr_writes: only ever on a virq in an LR); one in an LR the fast path wrote is
 * retried (VGIC_ACCESS_RETRY, only while some vCPU holds fast-path LRs), as the guest would.
 * The findings of FINDINGS.md are fixed; their reproducers under regress/ pass.
 * SKIFF_FUZZ_TRACE=1 prints every step. Touches only its own state.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "irq/emulated.h"
#include "irq/lr.h"
#include "irq/lr_fast.h"
#include "irq/passthrough.h"
#include "irq/sgi.h"
#include "irq/vgic.h"
#include "tests/unit/vgic_locks.h"
#include "irq/vgic_mmio.h"
#include "irq/virq.h"
#include "tests/fuzz/fuzz.h"

#define NR_PT 3
#define GICD_FRAME ((uintptr_t)0x08000000)
#define RD_FRAME(i) ((uintptr_t)0x080a0000 + (uintptr_t)(i)*VGIC_GICR_STRIDE)
#define TIMER_VIRT 27
#define TIMER_PHYS 30
#define MAX_OPS 256
#define MAX_NEST 64
#define SETTLE_MAX 256
#define NR_VIRQS (VGIC_MAX_SPIS + VGIC_MAX_CPUS * VGIC_NR_PRIVATE)
#define IDLE_PRIO 0x100u
#define MPIDR_AFF_ONLY 0xff00ffffffull
#define ICH_HCR_OVERFLOW (ICH_HCR_UIE | ICH_HCR_LRENPIE | ICH_HCR_NPIE)

#define LR_STATE(v) ((v)&ICH_LR_STATE_MASK)
#define LR_INTID(v) ((uint32_t)((v)&ICH_LR_VINTID_MASK))
#define LR_PRIO(v) ((unsigned int)(((v)&ICH_LR_PRIORITY_MASK) >> ICH_LR_PRIORITY_SHIFT))
#define LR_PINTID(v) ((uint32_t)(((v)&ICH_LR_PINTID_MASK) >> ICH_LR_PINTID_SHIFT))
#define HCR_EOICOUNT(v) (((v)&ICH_HCR_EOICOUNT_MASK) >> ICH_HCR_EOICOUNT_SHIFT)

/* ---- the VM */

static struct vgic vg;
static struct vgic_cpu vcpus[VGIC_MAX_CPUS];
static struct passthrough pts[NR_PT], ppis[VGIC_MAX_CPUS];
static struct emu_source emu;
static unsigned int nr_pts, nr_cpus, nr_lrs;
static bool have_emu, have_timers, skip_idle; /* skip_idle: hyp/run/vcpu.c's fold/flush skips */
/* the eoi/oneshot fast path (irq/lr_fast.c, as hyp/run/irq_fast.c drives it) takes what it can */
static bool fast_c;
static bool no_deferral, no_deferral_ever;
static int cur_cpu = -1; /* the physical CPU (= vCPU) whose exit is being handled */
static bool trace;	 /* SKIFF_FUZZ_TRACE=1: print what happens, to study a crash file */

#define TRACE(...)                                    \
	do {                                          \
		if (trace)                            \
			fprintf(stderr, __VA_ARGS__); \
	} while (0)

/* ---- the fake physical GIC */

struct pline {
	bool line, latch, enabled, active, edge;
};

enum owner { OWN_NONE, OWN_PT, OWN_EMU };

static struct pline spi_phys[VGIC_MAX_INTIDS];
static struct pline ppi_phys[VGIC_MAX_CPUS][VGIC_NR_PRIVATE];
static uint8_t spi_owner[VGIC_MAX_INTIDS];
static uint8_t spi_pt[VGIC_MAX_INTIDS];	  /* which passthrough */
static uint8_t spi_line[VGIC_MAX_INTIDS]; /* which line of it */
static struct virq unowned_ref[VGIC_MAX_SPIS];

static bool phys_pending(const struct pline *l)
{
	return l->latch || (!l->edge && l->line);
}

static bool is_timer(uint32_t intid)
{
	return intid == TIMER_VIRT || intid == TIMER_PHYS;
}

/* The line a passthrough_hw call names: an SPI of a passthrough device, or a timer PPI on the
 * redistributor of the vCPU it belongs to. */
static struct pline *hw_line(uintptr_t frame, uint32_t intid)
{
	unsigned int i;

	if (frame == GICD_FRAME) {
		FUZZ_CHECK(intid >= VGIC_INTID_SPI_BASE && intid < vg.nr_intids &&
				   spi_owner[intid] == OWN_PT,
			   "physical GIC call for SPI %u, which the VM was not given", intid);
		return &spi_phys[intid];
	}
	for (i = 0; i < nr_cpus; i++)
		if (frame == RD_FRAME(i)) {
			FUZZ_CHECK(have_timers && is_timer(intid),
				   "physical GIC call for PPI %u of vCPU %u's CPU", intid, i);
			return &ppi_phys[i][intid];
		}
	fuzz_fail(__FILE__, __LINE__, "physical GIC call with frame 0x%lx", (unsigned long)frame);
}

static void hw_set_enable(uintptr_t frame, uint32_t intid, bool on)
{
	hw_line(frame, intid)->enabled = on;
}

static bool hw_is_pending(uintptr_t frame, uint32_t intid)
{
	return phys_pending(hw_line(frame, intid));
}

static void hw_set_pending(uintptr_t frame, uint32_t intid, bool on)
{
	hw_line(frame, intid)->latch = on;
}

static void hw_set_active(uintptr_t frame, uint32_t intid, bool on)
{
	hw_line(frame, intid)->active = on;
}

static void hw_set_priority(uintptr_t frame, uint32_t intid, uint8_t prio)
{
	(void)prio;
	hw_line(frame, intid);
}

static void hw_set_edge(uintptr_t frame, uint32_t intid, bool edge)
{
	struct pline *l = hw_line(frame, intid);

	/* the architecture allows a change only while the interrupt is disabled */
	FUZZ_CHECK(!l->enabled, "ICFGR of SPI %u changed while it is enabled", intid);
	l->edge = edge;
}

static uint64_t spi_route[VGIC_MAX_INTIDS];

static void hw_route(uintptr_t frame, uint32_t intid, uint64_t mpidr)
{
	hw_line(frame, intid);
	FUZZ_CHECK(!(mpidr & ~MPIDR_AFF_ONLY), "SPI %u routed to 0x%llx: not only affinity", intid,
		   (unsigned long long)mpidr);
	spi_route[intid] = mpidr;
}

static void hw_deactivate(uint32_t intid)
{
	struct pline *l = hw_line(GICD_FRAME, intid);

	FUZZ_CHECK(pts[spi_pt[intid]].line[spi_line[intid]].mode != IRQ_MODE_HW,
		   "skiff deactivated hw-mode SPI %u itself", intid);
	FUZZ_CHECK(l->active, "skiff deactivated SPI %u, which is not active", intid);
	l->active = false;
}

static bool hw_is_active(uintptr_t frame, uint32_t intid)
{
	return hw_line(frame, intid)->active;
}

static const struct passthrough_hw fake_hw = {
	.set_enable = hw_set_enable,
	.is_pending = hw_is_pending,
	.is_active = hw_is_active,
	.set_pending = hw_set_pending,
	.set_active = hw_set_active,
	.set_priority = hw_set_priority,
	.set_edge = hw_set_edge,
	.route = hw_route,
	.deactivate = hw_deactivate,
};

static const struct passthrough_hw fake_ppi_hw = {
	.set_enable = hw_set_enable,
	.is_pending = hw_is_pending,
	.is_active = hw_is_active,
};

/* ---- vgic_ops */

struct cpuif {
	uint64_t lr[VGIC_MAX_LRS];
	uint32_t hcr;
	struct {
		unsigned int prio;
		uint32_t intid;
	} ap[MAX_NEST];
	unsigned int nr_ap;
	bool eoimode1;
	bool in_guest; /* flushed and not folded: the LRs hold the truth */
	bool kicked;
	bool lrs_clean;
	uint64_t fast[VGIC_MAX_INTIDS]; /* the fast path's table on this CPU (hyp/core/fastirq.c) */
};

static struct cpuif cif[VGIC_MAX_CPUS];

/* vgic_ops gives the signature */
// cppcheck-suppress constParameter
static void ops_kick(struct vgic *g, unsigned int id)
{
	FUZZ_CHECK(g == &vg, "kick of another vGIC");
	FUZZ_CHECK(id < nr_cpus, "kick of vCPU %u of %u", id, nr_cpus);
	cif[id].kicked = true;
}

static bool is_hw_spi(uint32_t pintid)
{
	return pintid >= VGIC_INTID_SPI_BASE && pintid < vg.nr_intids &&
	       spi_owner[pintid] == OWN_PT &&
	       pts[spi_pt[pintid]].line[spi_line[pintid]].mode == IRQ_MODE_HW;
}

/* vgic_ops gives the signature */
// cppcheck-suppress constParameter
static void ops_deactivate_phys(struct vgic *g, const struct vgic_cpu *vc, uint32_t pintid)
{
	FUZZ_CHECK(g == &vg, "deactivate_phys of another vGIC");
	if (pintid < VGIC_NR_PRIVATE) {
		/* hyp/core/vm.c deactivates a PPI on the CPU of the vCPU it belongs to */
		FUZZ_CHECK(have_timers && is_timer(pintid), "deactivate_phys of PPI %u", pintid);
		FUZZ_CHECK(vc >= vcpus && vc < vcpus + nr_cpus,
			   "deactivate_phys of PPI %u names no vCPU", pintid);
		ppi_phys[vc->id][pintid].active = false;
		return;
	}
	FUZZ_CHECK(is_hw_spi(pintid), "deactivate_phys of SPI %u, not a hw-mode line of the VM",
		   pintid);
	spi_phys[pintid].active = false;
}

static bool virq_of_vm(const struct virq *v)
{
	unsigned int i;

	if (v >= vg.spis && v < vg.spis + VGIC_MAX_SPIS)
		return true;
	for (i = 0; i < nr_cpus; i++)
		if (v >= vcpus[i].private_irqs && v < vcpus[i].private_irqs + VGIC_NR_PRIVATE)
			return true;
	return false;
}

/* The fast path's table, kept as hyp/core/fastirq.c's comment says: an LR value on the CPU of the
 * target vCPU while the vGIC would deliver it at once (hardware-linked, enabled, its group
 * enabled, routed to a vCPU), 0 elsewhere. */
static void ops_changed(struct vgic *g, struct virq *v)
{
	uint32_t grp = v->group ? GICD_CTLR_ENABLE_GRP1 : GICD_CTLR_ENABLE_GRP0;
	uint64_t lr = 0;
	unsigned int i;

	FUZZ_CHECK(g == &vg && virq_of_vm(v), "changed() with a virq of no vCPU of the VM");
	if (v->hw && v->enabled && v->target && (g->ctlr & grp))
		lr = ICH_LR_PENDING | ICH_LR_HW | (v->group ? ICH_LR_GROUP : 0) |
		     (((uint64_t)v->pintid << ICH_LR_PINTID_SHIFT) & ICH_LR_PINTID_MASK) |
		     ((uint64_t)v->priority << ICH_LR_PRIORITY_SHIFT) | v->intid;
	if (v->intid < VGIC_NR_PRIVATE) {
		if (v->target)
			cif[v->target->id].fast[v->intid] = lr;
		return;
	}
	for (i = 0; i < nr_cpus; i++)
		cif[i].fast[v->intid] = &vcpus[i] == v->target ? lr : 0;
}

static const struct vgic_ops fake_ops = {
	.kick = ops_kick,
	.deactivate_phys = ops_deactivate_phys,
	.changed = ops_changed,
};

/* ---- emulated device */

static unsigned int emu_first, emu_count;

/* struct emu_source gives the signature */
// cppcheck-suppress constParameter
static void emu_resample(void *dev, unsigned int index)
{
	FUZZ_CHECK(dev == &emu && index < emu_count, "resample of line %u", index);
}

/* ---- the fake virtual CPU interfaces */

static struct cpuif *cur_if; /* the one lr_hw reaches: the vCPU being flushed or folded */

static uint64_t if_read_lr(unsigned int n)
{
	FUZZ_CHECK(n < nr_lrs, "read of LR %u of %u", n, nr_lrs);
	return cur_if->lr[n];
}

static void if_write_lr(unsigned int n, uint64_t val)
{
	FUZZ_CHECK(n < nr_lrs, "write of LR %u of %u", n, nr_lrs);
	cur_if->lr[n] = val;
}

static uint32_t if_read_hcr(void)
{
	return cur_if->hcr;
}

static void if_write_hcr(uint32_t val)
{
	cur_if->hcr = val;
}

static uint32_t misr(const struct cpuif *c);
static uint32_t elrsr(const struct cpuif *c);
static uint32_t eisr(const struct cpuif *c);

static uint32_t if_read_elrsr(void)
{
	return elrsr(cur_if);
}

static uint32_t if_read_eisr(void)
{
	return eisr(cur_if);
}

static uint32_t if_read_misr(void)
{
	return misr(cur_if);
}

static struct lr_hw lr_hw = {
	.read_lr = if_read_lr,
	.write_lr = if_write_lr,
	.read_hcr = if_read_hcr,
	.write_hcr = if_write_hcr,
	.read_elrsr = if_read_elrsr,
	.read_eisr = if_read_eisr,
	.read_misr = if_read_misr,
};

/* ICH_MISR_EL2 (IHI 0069 12.4.7) */
static uint32_t misr(const struct cpuif *c)
{
	unsigned int n, valid = 0;
	bool pending = false;
	uint32_t m = 0;

	if (!(c->hcr & ICH_HCR_EN))
		return 0;
	for (n = 0; n < nr_lrs; n++) {
		uint64_t val = c->lr[n];

		if (LR_STATE(val))
			valid++;
		if (LR_STATE(val) == ICH_LR_PENDING)
			pending = true;
		if ((val & (ICH_LR_STATE_MASK | ICH_LR_HW | ICH_LR_EOI)) == ICH_LR_EOI)
			m |= ICH_MISR_EOI;
	}
	if ((c->hcr & ICH_HCR_UIE) && valid < 2)
		m |= ICH_MISR_U;
	if ((c->hcr & ICH_HCR_LRENPIE) && HCR_EOICOUNT(c->hcr))
		m |= ICH_MISR_LRENP;
	if ((c->hcr & ICH_HCR_NPIE) && !pending)
		m |= ICH_MISR_NP;
	return m;
}

/* ICH_ELRSR_EL2: invalid, and HW=1 or no EOI maintenance owed */
static uint32_t elrsr(const struct cpuif *c)
{
	uint32_t m = 0;
	unsigned int n;

	for (n = 0; n < nr_lrs; n++)
		if (!LR_STATE(c->lr[n]) && ((c->lr[n] & ICH_LR_HW) || !(c->lr[n] & ICH_LR_EOI)))
			m |= 1u << n;
	return m;
}

/* ICH_EISR_EL2: invalid, HW=0 and the EOI bit: a maintenance interrupt owed */
static uint32_t eisr(const struct cpuif *c)
{
	uint32_t m = 0;
	unsigned int n;

	for (n = 0; n < nr_lrs; n++)
		if ((c->lr[n] & (ICH_LR_STATE_MASK | ICH_LR_HW | ICH_LR_EOI)) == ICH_LR_EOI)
			m |= 1u << n;
	return m;
}

static unsigned int running_prio(const struct cpuif *c)
{
	return c->nr_ap ? c->ap[c->nr_ap - 1].prio : IDLE_PRIO;
}

/* A HW=1 LR leaves the active state: the GIC deactivates its physical interrupt. */
static void lr_hw_deactivate(unsigned int cpu, uint64_t val)
{
	uint32_t p = LR_PINTID(val);

	if (!(val & ICH_LR_HW))
		return;
	if (p < VGIC_NR_PRIVATE)
		ppi_phys[cpu][p].active = false;
	else if (p < VGIC_MAX_INTIDS)
		spi_phys[p].active = false;
}

static void guest_ack(unsigned int cpu)
{
	struct cpuif *c = &cif[cpu];
	int best = -1;
	unsigned int n;

	for (n = 0; n < nr_lrs; n++) {
		uint64_t val = c->lr[n];

		if (LR_STATE(val) != ICH_LR_PENDING)
			continue;
		if (best < 0 || LR_PRIO(val) < LR_PRIO(c->lr[best]))
			best = (int)n;
	}
	if (best < 0 || LR_PRIO(c->lr[best]) >= running_prio(c) || c->nr_ap == MAX_NEST)
		return;
	c->lr[best] = (c->lr[best] & ~ICH_LR_STATE_MASK) | ICH_LR_ACTIVE;
	c->ap[c->nr_ap].prio = LR_PRIO(c->lr[best]);
	c->ap[c->nr_ap].intid = LR_INTID(c->lr[best]);
	c->nr_ap++;
	TRACE("  vCPU %u acks INTID %u (LR%d)\n", cpu, LR_INTID(c->lr[best]), best);
}

/* Deactivation of intid: its active LR leaves the active state, or EOIcount counts it. */
static void guest_deactivate(unsigned int cpu, uint32_t intid)
{
	struct cpuif *c = &cif[cpu];
	unsigned int n;

	TRACE("  vCPU %u deactivates INTID %u\n", cpu, intid);
	for (n = 0; n < nr_lrs; n++) {
		uint64_t val = c->lr[n];

		if (!(val & ICH_LR_ACTIVE) || LR_INTID(val) != intid)
			continue;
		lr_hw_deactivate(cpu, val);
		c->lr[n] = val & ~ICH_LR_ACTIVE;
		return;
	}
	c->hcr = (c->hcr & ~ICH_HCR_EOICOUNT_MASK) |
		 (((HCR_EOICOUNT(c->hcr) + 1) << ICH_HCR_EOICOUNT_SHIFT) & ICH_HCR_EOICOUNT_MASK);
}

/* ICV_EOIR1_EL1 for the innermost active interrupt: priority drop, and with EOImode 0 its
 * deactivation. */
static void guest_eoi(unsigned int cpu)
{
	struct cpuif *c = &cif[cpu];
	uint32_t intid;

	if (!c->nr_ap)
		return;
	intid = c->ap[--c->nr_ap].intid;
	TRACE("  vCPU %u EOIs INTID %u%s\n", cpu, intid, c->eoimode1 ? " (priority drop)" : "");
	if (!c->eoimode1)
		guest_deactivate(cpu, intid);
}

/* ---- the run loop */

/* Snapshot before a flush: whether each virq was deliverable (lr.c ranks what the guest can
 * take - deliverable, not active - first, then by priority, INTID). */
static bool pend_before[NR_VIRQS];

static unsigned int virq_id(const struct virq *v)
{
	unsigned int i;

	if (v >= vg.spis && v < vg.spis + VGIC_MAX_SPIS)
		return (unsigned int)(v - vg.spis);
	if (v->intid < VGIC_NR_PRIVATE && v->target && v->target >= vcpus &&
	    v->target < vcpus + nr_cpus && v == &v->target->private_irqs[v->intid])
		return VGIC_MAX_SPIS + v->target->id * VGIC_NR_PRIVATE + v->intid;
	for (i = 0; i < nr_cpus; i++)
		if (v >= vcpus[i].private_irqs && v < vcpus[i].private_irqs + VGIC_NR_PRIVATE)
			return VGIC_MAX_SPIS + i * VGIC_NR_PRIVATE +
			       (unsigned int)(v - vcpus[i].private_irqs);
	fuzz_fail(__FILE__, __LINE__, "a virq of no vCPU of the VM");
}

/* The virqs that can change: the VM's SPIs and every vCPU's private ones (the unowned SPIs
 * are checked against their reset state instead). */
static struct virq *live[NR_VIRQS];
static unsigned int nr_live;

static void collect_live(void)
{
	unsigned int i, n;

	nr_live = 0;
	for (i = VGIC_INTID_SPI_BASE; i < vg.nr_intids; i++)
		if (spi_owner[i] != OWN_NONE)
			live[nr_live++] = &vg.spis[i - VGIC_INTID_SPI_BASE];
	for (i = 0; i < nr_cpus; i++)
		for (n = 0; n < VGIC_NR_PRIVATE; n++)
			live[nr_live++] = &vcpus[i].private_irqs[n];
}

/* Pending, enabled, its group enabled: its pending state may be delivered. */
static bool deliverable(const struct virq *v)
{
	uint32_t grp = v->group ? GICD_CTLR_ENABLE_GRP1 : GICD_CTLR_ENABLE_GRP0;

	return virq_pending(v) && v->enabled && (vg.ctlr & grp);
}

static bool wants_lr(const struct virq *v)
{
	return v->active || deliverable(v);
}

static bool ranks_before(bool pa, const struct virq *a, bool pb, const struct virq *b)
{
	if (pa != pb)
		return pa;
	if (a->priority != b->priority)
		return a->priority < b->priority;
	return a->intid < b->intid;
}

static void check_flush(unsigned int cpu)
{
	const struct cpuif *c = &cif[cpu];
	const struct vgic_cpu *vc = &vcpus[cpu];
	unsigned int n, m, used = vc->lr_used;
	const struct virq *v;

	FUZZ_CHECK(used <= nr_lrs, "vCPU %u: lr_used %u of %u LRs", cpu, used, nr_lrs);
	FUZZ_CHECK(misr(c) == 0, "vCPU %u: maintenance condition 0x%x right after a flush", cpu,
		   misr(c));
	for (n = 0; n < nr_lrs; n++) {
		uint64_t val = c->lr[n];

		if (n >= used) {
			FUZZ_CHECK(!val && !vc->lr_virq[n],
				   "vCPU %u: LR %u beyond lr_used holds 0x%llx", cpu, n,
				   (unsigned long long)val);
			continue;
		}
		v = vc->lr_virq[n];
		FUZZ_CHECK(v && v->lr == (int)n && v->ap_owner == vc && vc->lr_written[n] == val,
			   "vCPU %u: LR %u bookkeeping", cpu, n);
		FUZZ_CHECK(LR_STATE(val), "vCPU %u: LR %u written invalid for INTID %u", cpu, n,
			   v->intid);
		FUZZ_CHECK(LR_INTID(val) == v->intid && LR_PRIO(val) == v->priority &&
				   !!(val & ICH_LR_GROUP) == !!v->group,
			   "vCPU %u: LR %u 0x%llx is not INTID %u's", cpu, n,
			   (unsigned long long)val, v->intid);
		FUZZ_CHECK(!(val & ICH_LR_HW) || (v->hw && LR_PINTID(val) == v->pintid &&
						  LR_STATE(val) != ICH_LR_STATE_MASK),
			   "vCPU %u: LR %u 0x%llx: HW=1 for INTID %u (hw %d, pintid %u)", cpu, n,
			   (unsigned long long)val, v->intid, v->hw, v->pintid);
		FUZZ_CHECK(!(val & ICH_LR_PENDING) || pend_before[virq_id(v)],
			   "vCPU %u: LR %u pending for INTID %u, which was not deliverable", cpu, n,
			   v->intid);
		for (m = 0; m < n; m++)
			FUZZ_CHECK(LR_INTID(c->lr[m]) != v->intid,
				   "vCPU %u: INTID %u in LRs %u and %u", cpu, v->intid, m, n);
	}
	/* what was left out ranks below everything in the LRs, and only when they are full */
	for (v = vc->ap_head; v; v = v->ap_next) {
		if (v->lr >= 0 || !wants_lr(v))
			continue;
		FUZZ_CHECK(used == nr_lrs, "vCPU %u: INTID %u left out with LR %u free", cpu,
			   v->intid, used);
		for (n = 0; n < used; n++) {
			const struct virq *u = vc->lr_virq[n];

			FUZZ_CHECK(ranks_before(pend_before[virq_id(u)] && !u->active, u,
						pend_before[virq_id(v)] && !v->active, v),
				   "vCPU %u: INTID %u left out ranks above INTID %u in LR %u", cpu,
				   v->intid, u->intid, n);
		}
	}
}

static void flush(unsigned int cpu)
{
	struct cpuif *c = &cif[cpu];
	struct vgic_cpu *vc = &vcpus[cpu];
	unsigned int i;

	c->kicked = false;
	c->in_guest = true;
	/* hyp/run/vcpu.c: nothing in flight and the last flush wrote no LR */
	if (skip_idle && c->lrs_clean && !vc->ap_head)
		return;
	for (i = 0; i < nr_live; i++)
		pend_before[virq_id(live[i])] = deliverable(live[i]);
	cur_if = c;
	do {
		spin_lock(&vc->ap_lock);
		lr_flush(vc, &lr_hw);
		spin_unlock(&vc->ap_lock);
	} while (vgic_requeue(&vg, vc)); /* as hyp/run/vcpu.c */
	c->lrs_clean = vc->lr_used == 0;
	if (trace) {
		unsigned int n;

		TRACE("  flush vCPU %u: hcr 0x%x", cpu, c->hcr);
		for (n = 0; n < nr_lrs; n++)
			TRACE(" LR%u=%016llx", n, (unsigned long long)c->lr[n]);
		TRACE("\n");
	}
	check_flush(cpu);
}

static void fold(unsigned int cpu)
{
	struct cpuif *c = &cif[cpu];
	struct vgic_cpu *vc = &vcpus[cpu];

	c->in_guest = false;
	if (skip_idle && !vc->lr_used && !vc->lr_fast)
		return;
	if (trace) {
		unsigned int n;

		TRACE("  fold vCPU %u: hcr 0x%x lr_fast 0x%llx", cpu, c->hcr,
		      (unsigned long long)vc->lr_fast);
		for (n = 0; n < nr_lrs; n++)
			TRACE(" LR%u=%016llx", n, (unsigned long long)c->lr[n]);
		TRACE("\n");
	}
	cur_if = c;
	spin_lock(&vc->ap_lock);
	lr_fold(vc, &lr_hw);
	if (vc->lr_idle)
		c->lrs_clean = true; /* as hyp/run/vcpu.c: every LR finished */
	spin_unlock(&vc->ap_lock);
	vgic_requeue(&vg, vc);
	FUZZ_CHECK(!vc->lr_used && !vc->lr_fast, "vCPU %u: lr_used %u lr_fast 0x%llx after fold",
		   cpu, vc->lr_used, (unsigned long long)vc->lr_fast);
}

/* ---- physical interrupts */

/* The vCPU whose CPU an SPI is routed to, or -1 (a CPU that runs no vCPU). */
static int spi_cpu(uint32_t intid)
{
	unsigned int i;

	for (i = 0; i < nr_cpus; i++)
		if ((vcpus[i].mpidr & MPIDR_AFF_ONLY) == spi_route[intid])
			return (int)i;
	return -1;
}

/*
 * The fast path (arch/arm64/vectors.S): this CPU has an LR value for the INTID, the LRs are
 * not in overflow (no maintenance enable set) and one is empty: it is written there, pending,
 * lr_fast says so, the priority is dropped, and the guest goes on. Returns false when it
 * leaves the interrupt to the general path.
 */
static bool fast_path(unsigned int cpu, uint32_t intid)
{
	struct cpuif *c = &cif[cpu];
	uint32_t empty;
	unsigned int n;

	if (!c->in_guest || intid >= VGIC_MAX_INTIDS || !c->fast[intid] ||
	    (c->hcr & ICH_HCR_OVERFLOW))
		return false;
	empty = elrsr(c);
	if (!empty)
		return false;
	n = (unsigned int)__builtin_ctz(empty);
	c->lr[n] = c->fast[intid];
	vcpus[cpu].lr_fast |= 1ull << n;
	return true;
}

/* The eoi/oneshot fast path for an SPI on a vCPU in its guest, with the entry the fast-path
 * table holds for it on that CPU (lr_fast_entry, kept under the virq's lock): true if it
 * injected it; else nothing changed. */
static bool fast_c_inject(unsigned int cpu, uint32_t intid)
{
	struct virq *v;
	uint64_t entry;

	if (!fast_c || !cif[cpu].in_guest || intid < VGIC_INTID_SPI_BASE ||
	    intid >= VGIC_MAX_INTIDS)
		return false;
	v = vgic_get_virq(&vg, NULL, intid);
	if (!v)
		return false;
	spin_lock(&v->lock);
	entry = lr_fast_entry(&vg, v, &vcpus[cpu]);
	spin_unlock(&v->lock);
	cur_if = &cif[cpu];
	if (!(entry & LR_FAST_C) || !lr_fast_inject(&vcpus[cpu], &lr_hw, v, &entry))
		return false;
	cif[cpu].lrs_clean = false;
	return true;
}

/* Physical interrupt intid taken by CPU cpu (-1: none of the VM's): acknowledged (active, an
 * edge or software latch consumed), then the fast path or the general one (hyp/core/cpu.c). */
static void take_irq(int cpu, struct pline *l, uint32_t intid)
{
	int saved = cur_cpu;
	bool was_in = cpu >= 0 && cif[cpu].in_guest;

	l->active = true;
	l->latch = false;
	TRACE("  physical INTID %u fires on CPU %d\n", intid, cpu);
	if (cpu >= 0 && fast_path((unsigned int)cpu, intid)) {
		TRACE("  fast path\n");
		return;
	}
	if (cpu >= 0 && fast_c_inject((unsigned int)cpu, intid)) {
		TRACE("  eoi/oneshot fast path\n");
		return;
	}
	cur_cpu = cpu;
	if (was_in)
		fold((unsigned int)cpu);
	if (intid < VGIC_NR_PRIVATE)
		vgic_trigger(&vg, &vcpus[cpu], intid);
	else if (intid < VGIC_MAX_INTIDS)
		passthrough_handle(&pts[spi_pt[intid]], spi_line[intid]);
	if (was_in)
		flush((unsigned int)cpu);
	cur_cpu = saved;
}

/* Deliver one physical interrupt that is firing; false when none is. */
static bool fire_one(unsigned int pick)
{
	unsigned int i, n, k, nr = 0;

	for (k = 0; k < 2; k++) {
		for (i = VGIC_INTID_SPI_BASE; i < vg.nr_intids; i++) {
			struct pline *l = &spi_phys[i];

			if (spi_owner[i] != OWN_PT || !l->enabled || l->active || !phys_pending(l))
				continue;
			if (k && nr-- == 0) {
				take_irq(spi_cpu(i), l, i);
				return true;
			}
			if (!k)
				nr++;
		}
		for (n = 0; have_timers && n < nr_cpus; n++) {
			for (i = TIMER_VIRT; i <= TIMER_PHYS; i += TIMER_PHYS - TIMER_VIRT) {
				struct pline *l = &ppi_phys[n][i];

				if (!l->enabled || l->active || !phys_pending(l))
					continue;
				if (k && nr-- == 0) {
					/* a timer PPI fires on its own CPU; with no vCPU
					 * running there it waits */
					if (!cif[n].in_guest)
						return false;
					take_irq((int)n, l, i);
					return true;
				}
				if (!k)
					nr++;
			}
		}
		if (!nr)
			return false;
		nr = pick % nr;
	}
	return false;
}

/* An exit for a kick or a maintenance interrupt: fold, flush. */
/* The maintenance fast path, if the vCPU is in its guest, not kicked and owes one: true if it
 * did the exit's work. */
static bool fast_c_maint(unsigned int cpu)
{
	struct cpuif *c = &cif[cpu];

	if (!fast_c || !c->in_guest || c->kicked || !misr(c))
		return false;
	cur_if = c;
	if (!lr_fast_maint(&vcpus[cpu], &lr_hw))
		return false;
	vgic_requeue(&vg, &vcpus[cpu]);
	if (!vcpus[cpu].lr_used)
		c->lrs_clean = true; /* as hyp/run/irq_fast.c */
	TRACE("  maintenance fast path on vCPU %u\n", cpu);
	FUZZ_CHECK(misr(c) == 0, "vCPU %u: maintenance condition 0x%x after its fast path", cpu,
		   misr(c));
	return true;
}

static void kick_exit(unsigned int cpu)
{
	if (fast_c_maint(cpu))
		return;
	cur_cpu = (int)cpu;
	fold(cpu);
	flush(cpu);
	cur_cpu = -1;
}

/* ---- invariants */

static bool in_live_lr(const struct virq *v)
{
	unsigned int i, n;

	for (i = 0; i < nr_cpus; i++) {
		if (!cif[i].in_guest)
			continue;
		if (v->intid < VGIC_NR_PRIVATE && v->target != &vcpus[i])
			continue;
		for (n = 0; n < nr_lrs; n++)
			if (LR_STATE(cif[i].lr[n]) && LR_INTID(cif[i].lr[n]) == v->intid)
				return true;
	}
	return false;
}

/* The virtual interrupt is still pending or active somewhere, or sits in an LR the next fold
 * accounts for (an EOI maintenance interrupt, or the GIC for HW=1, ends it): a deactivation
 * will come. */
static bool alive(const struct virq *v)
{
	return v->pending_latch || v->active || v->lr >= 0 || in_live_lr(v);
}

static void check_lists(void)
{
	static uint8_t seen[NR_VIRQS];
	unsigned int i, n;

	/* a write waiting for a fold waits on a virq in an LR, which a fold will take out */
	for (i = 0; i < nr_live; i++)
		FUZZ_CHECK(!live[i]->lr_writes || live[i]->lr >= 0,
			   "INTID %u: writes 0x%x wait, and it is in no LR", live[i]->intid,
			   live[i]->lr_writes);
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < nr_cpus; i++) {
		const struct vgic_cpu *vc = &vcpus[i];
		const struct virq *v;
		unsigned int len = 0;

		for (v = vc->ap_head; v; v = v->ap_next) {
			unsigned int id;

			FUZZ_CHECK(++len <= NR_VIRQS, "vCPU %u: the list loops", i);
			FUZZ_CHECK(virq_of_vm(v), "vCPU %u: a list entry that is no virq of the VM",
				   i);
			id = virq_id(v);
			FUZZ_CHECK(!seen[id], "INTID %u is on two lists (or twice on one)",
				   v->intid);
			seen[id] = 1;
			FUZZ_CHECK(v->ap_owner == vc, "INTID %u on vCPU %u's list, ap_owner %d",
				   v->intid, i, v->ap_owner ? (int)v->ap_owner->id : -1);
			FUZZ_CHECK(v->intid >= VGIC_NR_PRIVATE || v->target == vc,
				   "vCPU %u's list holds another vCPU's private INTID %u", i,
				   v->intid);
			if (v->lr >= 0) {
				FUZZ_CHECK(cif[i].in_guest && (unsigned int)v->lr < vc->lr_used &&
						   vc->lr_virq[v->lr] == v,
					   "INTID %u: lr %d on vCPU %u (in guest %d, lr_used %u)",
					   v->intid, v->lr, i, cif[i].in_guest, vc->lr_used);
			} else if (!v->active && cif[i].in_guest && !cif[i].kicked) {
				/* one that no longer belongs leaves at its owner's next prune: a
				 * vCPU in its guest must have been kicked for it */
				FUZZ_CHECK(
					wants_lr(v) && v->target == vc,
					"INTID %u on vCPU %u's list: not active, wants an LR %d, "
					"target %d, and vCPU %u not kicked",
					v->intid, i, wants_lr(v),
					v->target ? (int)v->target->id : -1, i);
			}
		}
		FUZZ_CHECK(vc->lr_used <= nr_lrs, "vCPU %u: lr_used %u", i, vc->lr_used);
		if (!cif[i].in_guest)
			FUZZ_CHECK(!vc->lr_used && !vc->lr_fast,
				   "vCPU %u out of the guest: lr_used %u", i, vc->lr_used);
		/* lr_map names the LRs with an entry, all below lr_used (the maintenance fast path
		 * can leave holes) */
		for (n = 0; n < VGIC_MAX_LRS; n++) {
			bool mapped = vc->lr_map & (1u << n);

			FUZZ_CHECK(mapped == (vc->lr_virq[n] != NULL) &&
					   (!mapped || n < vc->lr_used),
				   "vCPU %u: lr_virq[%u] %d, lr_map 0x%x, lr_used %u", i, n,
				   vc->lr_virq[n] != NULL, vc->lr_map, vc->lr_used);
		}
		FUZZ_CHECK(!(vc->lr_fast_eoi & ~vc->lr_map),
			   "vCPU %u: lr_fast_eoi 0x%x, lr_map 0x%x", i, vc->lr_fast_eoi,
			   vc->lr_map);
	}
	for (i = 0; i < nr_live; i++) {
		const struct virq *v = live[i];

		if (seen[virq_id(v)])
			continue;
		FUZZ_CHECK(!v->ap_owner && v->lr < 0, "INTID %u on no list: ap_owner %d lr %d",
			   v->intid, v->ap_owner ? (int)v->ap_owner->id : -1, v->lr);
		FUZZ_CHECK(!wants_lr(v) || !v->target,
			   "INTID %u wants an LR (target vCPU %u) but is on no list", v->intid,
			   v->target->id);
	}
}

/* Live LRs: no SPI valid in two vCPUs' LRs, no HW=1 LR pending+active. */
static void check_live_lrs(void)
{
	static int8_t where[VGIC_MAX_INTIDS];
	unsigned int i, n;

	memset(where, -1, sizeof(where));
	for (i = 0; i < nr_cpus; i++) {
		if (!cif[i].in_guest)
			continue;
		for (n = 0; n < nr_lrs; n++) {
			uint64_t val = cif[i].lr[n];
			uint32_t intid = LR_INTID(val);

			if (!LR_STATE(val))
				continue;
			FUZZ_CHECK(!(val & ICH_LR_HW) || LR_STATE(val) != ICH_LR_STATE_MASK,
				   "vCPU %u: HW=1 LR %u pending+active", i, n);
			FUZZ_CHECK(intid < vg.nr_intids, "vCPU %u: LR %u holds INTID %u", i, n,
				   intid);
			if (intid < VGIC_NR_PRIVATE)
				continue;
			FUZZ_CHECK(where[intid] < 0 || where[intid] == (int8_t)i,
				   "SPI %u in LRs of vCPUs %d and %u", intid, where[intid], i);
			where[intid] = (int8_t)i;
		}
	}
}

static void check_passthrough(void)
{
	unsigned int p, i, c;

	for (p = 0; p < nr_pts; p++)
		for (i = 0; i < pts[p].src.count; i++) {
			const struct passthrough_line *l = &pts[p].line[i];
			const struct pline *ph = &spi_phys[l->pintid];
			const struct virq *v = vgic_get_virq(&vg, NULL, l->pintid);

			FUZZ_CHECK(v && v->src == &pts[p].src && v->src_index == i,
				   "SPI %u lost its source", l->pintid);
			if (!no_deferral_ever)
				FUZZ_CHECK(ph->enabled == (v->enabled && !l->skiff_masked),
					   "SPI %u physically %s, guest enable %d, skiff mask %d",
					   l->pintid, ph->enabled ? "enabled" : "disabled",
					   v->enabled, l->skiff_masked);
			if (l->mode == IRQ_MODE_HW) {
				FUZZ_CHECK(!ph->active || alive(v),
					   "hw SPI %u physically active, its virtual one idle: "
					   "nothing will deactivate it",
					   l->pintid);
			} else {
				FUZZ_CHECK(ph->active == l->phys_active,
					   "SPI %u physically %sactive, phys_active %d", l->pintid,
					   ph->active ? "" : "in", l->phys_active);
				FUZZ_CHECK(!l->phys_active || alive(v),
					   "SPI %u held active by skiff, its virtual one idle",
					   l->pintid);
			}
		}
	for (c = 0; have_timers && c < nr_cpus; c++)
		for (i = TIMER_VIRT; i <= TIMER_PHYS; i += TIMER_PHYS - TIMER_VIRT) {
			const struct virq *v = &vcpus[c].private_irqs[i];
			const struct pline *ph = &ppi_phys[c][i];

			FUZZ_CHECK(ph->enabled == v->enabled,
				   "vCPU %u PPI %u physically %d, guest %d", c, i, ph->enabled,
				   v->enabled);
			FUZZ_CHECK(!ph->active || alive(v),
				   "vCPU %u timer PPI %u physically active, its virtual one idle",
				   c, i);
		}
}

_Static_assert(sizeof(struct virq) % sizeof(uint64_t) == 0, "virq compared as words");

/* The unowned SPIs below end are as vgic_init() left them. The harness's own reads of the
 * VM's memory need no address checks: this runs after every step and must be cheap. */
__attribute__((no_sanitize("address"))) static void check_unowned(unsigned int end)
{
	const unsigned int words = sizeof(struct virq) / sizeof(uint64_t);
	unsigned int i, w;

	for (i = VGIC_INTID_SPI_BASE; i < end; i++) {
		const uint64_t *a = (const uint64_t *)&vg.spis[i - VGIC_INTID_SPI_BASE];
		const uint64_t *b = (const uint64_t *)&unowned_ref[i - VGIC_INTID_SPI_BASE];
		uint64_t diff = 0;

		if (spi_owner[i] != OWN_NONE)
			continue;
		for (w = 0; w < words; w++)
			diff |= a[w] ^ b[w];
		FUZZ_CHECK(!diff, "unowned SPI %u changed", i);
	}
}

/* Everything but the unowned SPIs, which only a step's end checks (settle() takes many). */
static void check_state(void)
{
	FUZZ_CHECK(vgic_all_unlocked(&vg), "a vGIC lock is held after a call");
	check_lists();
	check_live_lrs();
	check_passthrough();
}

static void check_all(void)
{
	check_state();
	check_unowned(vg.nr_intids);
}

/*
 * Nothing the guest could take waits outside the LRs with nothing in them to take: an
 * interrupt the guest could acknowledge natively (pending, enabled, its group enabled, not
 * active - a pending+active one waits for its deactivation - and above the running priority)
 * while no LR offers one.
 */
/* Whether some physical interrupt is about to fire (exits and kicks are coming). */
static bool firing(void)
{
	unsigned int i, c;

	for (i = VGIC_INTID_SPI_BASE; i < vg.nr_intids; i++) {
		const struct pline *l = &spi_phys[i];

		if (spi_owner[i] == OWN_PT && l->enabled && !l->active && phys_pending(l))
			return true;
	}
	for (c = 0; have_timers && c < nr_cpus; c++)
		for (i = TIMER_VIRT; i <= TIMER_PHYS; i += TIMER_PHYS - TIMER_VIRT) {
			const struct pline *l = &ppi_phys[c][i];

			if (l->enabled && !l->active && phys_pending(l))
				return true;
		}
	return false;
}

static void check_progress(void)
{
	unsigned int i, n;

	if (firing())
		return;
	for (i = 0; i < nr_cpus; i++) {
		const struct cpuif *c = &cif[i];
		const struct virq *v;
		bool offer = false;

		/* only a vCPU nothing will make exit: no kick, no maintenance (no IRQ coming) */
		if (!c->in_guest || c->kicked || misr(c))
			continue;
		for (n = 0; n < nr_lrs; n++)
			if (LR_STATE(c->lr[n]) == ICH_LR_PENDING &&
			    LR_PRIO(c->lr[n]) < running_prio(c))
				offer = true;
		for (v = vcpus[i].ap_head; v && !offer; v = v->ap_next)
			FUZZ_CHECK(v->lr >= 0 || v->active || !deliverable(v) ||
					   v->priority >= running_prio(c),
				   "vCPU %u: INTID %u (priority 0x%x) waits outside the LRs, the "
				   "guest (running priority 0x%x) has nothing to take, and nothing "
				   "brings the vCPU back",
				   i, v->intid, v->priority, running_prio(c));
	}
}

/* Take every kick, maintenance interrupt and firing physical interrupt until none is left. */
static void settle(unsigned int pick)
{
	unsigned int round, i;

	for (round = 0; round < SETTLE_MAX; round++) {
		bool any = false;

		for (i = 0; i < nr_cpus; i++)
			if (cif[i].in_guest && (cif[i].kicked || misr(&cif[i]))) {
				kick_exit(i);
				any = true;
			}
		if (!any && !fire_one(pick))
			break;
		check_state();
	}
	FUZZ_CHECK(round < SETTLE_MAX, "no end to exits: an interrupt storm");
	check_progress();
}

/* ---- register accesses */

struct reg_shape {
	uint32_t base;
	uint8_t bpi; /* bits per INTID, 0 for a plain register */
	uint8_t width;
};

static const struct reg_shape gicd_shapes[] = {
	{ 0x0000, 0, 4 },  { 0x0004, 0, 4 },  { 0x0008, 0, 4 }, { 0x000c, 0, 4 }, { 0x0010, 0, 4 },
	{ 0x0040, 0, 4 },  { 0x0080, 1, 4 },  { 0x0100, 1, 4 }, { 0x0180, 1, 4 }, { 0x0200, 1, 4 },
	{ 0x0280, 1, 4 },  { 0x0300, 1, 4 },  { 0x0380, 1, 4 }, { 0x0400, 8, 1 }, { 0x0400, 8, 4 },
	{ 0x0800, 8, 4 },  { 0x0c00, 2, 4 },  { 0x0d00, 1, 4 }, { 0x0e00, 2, 4 }, { 0x0f00, 0, 4 },
	{ 0x6000, 64, 8 }, { 0x6000, 64, 4 }, { 0xffd0, 0, 4 },
};

static const struct reg_shape gicr_shapes[] = {
	{ 0x0000, 0, 4 },  { 0x0004, 0, 4 },  { 0x0008, 0, 8 },	 { 0x000c, 0, 4 },
	{ 0x0014, 0, 4 },  { 0x0070, 0, 8 },  { 0x0078, 0, 8 },	 { 0xffd0, 0, 4 },
	{ 0x10080, 1, 4 }, { 0x10100, 1, 4 }, { 0x10180, 1, 4 }, { 0x10200, 1, 4 },
	{ 0x10280, 1, 4 }, { 0x10300, 1, 4 }, { 0x10380, 1, 4 }, { 0x10400, 8, 4 },
	{ 0x10400, 8, 1 }, { 0x10c00, 2, 4 }, { 0x10d00, 1, 4 }, { 0x10e00, 2, 4 },
};

/* An INTID worth trying: the VM's own lines, the unowned SPI next to them, the edges. */
static uint32_t pick_intid(struct fuzz_in *in)
{
	uint8_t how = fuzz_u8(in);
	unsigned int i;

	switch (how & 7) {
	case 0:
	case 1: /* a passthrough SPI */
		if (nr_pts) {
			const struct passthrough *p = &pts[(how >> 3) % nr_pts];

			return p->line[(how >> 5) % p->src.count].pintid;
		}
		return VGIC_INTID_SPI_BASE;
	case 2: /* an emulated SPI, or a timer PPI */
		if (have_emu && (how & 8))
			return emu_first + (how >> 4) % emu_count;
		return (how & 16) ? TIMER_PHYS : TIMER_VIRT;
	case 3: /* an SGI or a PPI */
		return (how >> 3) & 31;
	case 4: /* an unowned SPI */
		for (i = VGIC_INTID_SPI_BASE + (how >> 3); i < VGIC_MAX_INTIDS; i++)
			if (spi_owner[i] == OWN_NONE)
				return i;
		return VGIC_INTID_SPI_BASE;
	case 5: /* around the end */
		switch (how >> 5) {
		case 0:
			return vg.nr_intids - 1;
		case 1:
			return vg.nr_intids;
		case 2:
			return VGIC_MAX_INTIDS;
		case 3:
			return 1019;
		case 4:
			return 1020;
		case 5:
			return 1023;
		default:
			return fuzz_u32(in);
		}
	default:
		return fuzz_below(in, 1024);
	}
}

static unsigned int pick_width(struct fuzz_in *in, unsigned int natural)
{
	uint8_t how = fuzz_u8(in);

	if (how < 200)
		return natural;
	if (how < 240)
		return 1u << (how & 3);
	return how & 15;
}

static uint64_t pick_value(struct fuzz_in *in, uint32_t intid, const struct reg_shape *s)
{
	uint8_t how = fuzz_u8(in);

	switch (how & 3) {
	case 0: /* this INTID's field set, as a driver writes it */
		if (s->bpi == 1)
			return 1ull << (intid % 32);
		if (s->bpi == 2)
			return (uint64_t)((how >> 2) & 3) << (2 * (intid % 16));
		if (s->bpi == 8)
			return (uint64_t)(how & 0xf8) << (8 * (intid % 4));
		return how >> 2;
	case 1:
		return ~0ull;
	case 2: /* an affinity: a vCPU's, now and then with IRM */
		return (vcpus[(how >> 2) % nr_cpus].mpidr & MPIDR_AFF_ONLY) |
		       ((how & 0x80) ? GICD_IROUTER_IRM : 0);
	default:
		return fuzz_u64(in);
	}
}

/* The offset of a register-shaped access to intid, aligned to the width. */
static uint64_t shaped_offset(const struct reg_shape *s, uint32_t intid, unsigned int width)
{
	uint64_t off = s->base;

	if (s->bpi)
		off += (uint64_t)(intid % 1024) * s->bpi / 8;
	if (width && width <= 8)
		off &= ~(uint64_t)(width - 1);
	return off;
}

static uint64_t bytes_mask(unsigned int width)
{
	return width >= 8 ? ~0ull : (1ull << (8 * width)) - 1;
}

/*
 * What a GICD read may return, from the access rules alone (vgic.h, IHI 0069 12.1.3): zero
 * unless the width is allowed there (bytes for IPRIORITYR, doublewords for IROUTER, words for
 * the rest of the registers) and aligned; no bit of an INTID that is not an SPI the VM owns.
 */
static void check_gicd_read(uint64_t off, unsigned int width, uint64_t val)
{
	static const struct {
		uint32_t base, end;
		uint8_t bpi;
	} per_intid[] = {
		{ 0x0080, 0x0100, 1 },	/* IGROUPR */
		{ 0x0100, 0x0180, 1 },	/* ISENABLER */
		{ 0x0180, 0x0200, 1 },	/* ICENABLER */
		{ 0x0200, 0x0280, 1 },	/* ISPENDR */
		{ 0x0280, 0x0300, 1 },	/* ICPENDR */
		{ 0x0300, 0x0380, 1 },	/* ISACTIVER */
		{ 0x0380, 0x0400, 1 },	/* ICACTIVER */
		{ 0x0400, 0x0800, 8 },	/* IPRIORITYR */
		{ 0x0800, 0x0c00, 8 },	/* ITARGETSR */
		{ 0x0c00, 0x0d00, 2 },	/* ICFGR */
		{ 0x0d00, 0x0d80, 1 },	/* IGRPMODR */
		{ 0x0e00, 0x0f00, 2 },	/* NSACR */
		{ 0x6000, 0x8000, 64 }, /* IROUTER */
	};
	bool word = width == 4, ok;
	unsigned int i, b;

	if (width == 1)
		ok = off >= 0x400 && off < 0x800;
	else if (width == 8)
		ok = off >= 0x6000 && off < 0x8000;
	else
		ok = word;
	if (!ok || off % width || off >= VGIC_GICD_SIZE) {
		FUZZ_CHECK(!val, "GICD read at 0x%llx width %u: 0x%llx, not 0",
			   (unsigned long long)off, width, (unsigned long long)val);
		return;
	}
	FUZZ_CHECK(!(val & ~bytes_mask(width)), "GICD read of width %u: 0x%llx", width,
		   (unsigned long long)val);
	for (i = 0; i < sizeof(per_intid) / sizeof(per_intid[0]); i++) {
		if (off < per_intid[i].base || off >= per_intid[i].end)
			continue;
		for (b = 0; b < 8 * width; b++) {
			uint64_t bit = (off - per_intid[i].base) * 8 + b;
			uint32_t intid = (uint32_t)(bit / per_intid[i].bpi);
			bool owned = intid >= VGIC_INTID_SPI_BASE && intid < vg.nr_intids &&
				     spi_owner[intid] != OWN_NONE;

			FUZZ_CHECK(owned || !(val & (1ull << b)),
				   "GICD read at 0x%llx: bit %u of INTID %u, which the VM does not "
				   "own, reads 1 (0x%llx)",
				   (unsigned long long)off, b, intid, (unsigned long long)val);
		}
	}
}

static void mmio(struct fuzz_in *in, bool redist, bool write)
{
	uint8_t how = fuzz_u8(in);
	unsigned int cpu = fuzz_below(in, nr_cpus), width;
	uint64_t off, val = 0;
	int ret;

	if (how & 1) { /* register-shaped */
		const struct reg_shape *s;
		uint32_t intid;

		s = redist ? &gicr_shapes[(how >> 1) %
					  (sizeof(gicr_shapes) / sizeof(gicr_shapes[0]))]
			   : &gicd_shapes[(how >> 1) %
					  (sizeof(gicd_shapes) / sizeof(gicd_shapes[0]))];
		intid = pick_intid(in);
		width = pick_width(in, s->width);
		off = shaped_offset(s, intid, width);
		if (write)
			val = pick_value(in, intid, s);
	} else {
		off = fuzz_u32(in);
		off &= (how & 0x80) ? 0xffffffffull : redist ? 0x1ffffull : 0xffffull;
		width = (how >> 1) & 15;
		if (write)
			val = fuzz_u64(in);
	}
	if (redist) {
		/* whose frame: mostly this vCPU's, now and then any, or past the last */
		unsigned int frame = (how & 0x40) ? fuzz_u8(in) % (nr_cpus + 2) : cpu;
		off = (off & (VGIC_GICR_STRIDE - 1)) + (uint64_t)frame * VGIC_GICR_STRIDE;
		if ((how & 0xc1) == 0x80)
			off = fuzz_u64(in);
	}

	TRACE("  vCPU %u %s %s 0x%llx width %u val 0x%llx\n", cpu, redist ? "GICR" : "GICD",
	      write ? "write" : "read", (unsigned long long)off, width, (unsigned long long)val);
	cur_cpu = (int)cpu;
	if (cif[cpu].in_guest)
		fold(cpu);
	check_state();
	if (redist && write) {
		ret = vgic_redist_write(&vg, &vcpus[cpu], off, width, val);
	} else if (redist) {
		ret = vgic_redist_read(&vg, &vcpus[cpu], off, width, &val);
	} else if (write) {
		ret = vgic_dist_write(&vg, &vcpus[cpu], off, width, val);
	} else {
		ret = vgic_dist_read(&vg, &vcpus[cpu], off, width, &val);
		check_gicd_read(off, width, val);
	}
	/* a write the vGIC asks to retry: some vCPU in its guest holds fast-path LRs */
	if (write && ret == VGIC_ACCESS_RETRY) {
		bool fast = false;

		for (unsigned int i = 0; i < nr_cpus; i++)
			fast |= cif[i].in_guest && vcpus[i].lr_fast;
		FUZZ_CHECK(fast, "%s write at 0x%llx retried, no fast-path LR anywhere",
			   redist ? "GICR" : "GICD", (unsigned long long)off);
		TRACE("  retried\n");
	} else if (redist) {
		FUZZ_CHECK(ret == (off / VGIC_GICR_STRIDE < nr_cpus ? VGIC_ACCESS_OK
								    : VGIC_ACCESS_ABORT),
			   "GICR access at 0x%llx with %u vCPUs: %d", (unsigned long long)off,
			   nr_cpus, ret);
	} else {
		FUZZ_CHECK(ret == VGIC_ACCESS_OK, "GICD access at 0x%llx: %d",
			   (unsigned long long)off, ret);
	}
	if (redist && !write && ret == VGIC_ACCESS_ABORT)
		FUZZ_CHECK(!val, "GICR read that aborts gives 0x%llx", (unsigned long long)val);
	check_all();
	if (!(how & 0x20))
		flush(cpu);
	cur_cpu = -1;
}

/* ---- set-up */

/* What a guest's GIC driver does first, so that most inputs start where interrupts flow:
 * every interrupt enabled, in group 1 (as Linux puts them) or 0, priorities from how, both
 * groups enabled in GICD_CTLR. Through the register interface, from vCPU 0. */
static void guest_init(uint8_t how)
{
	uint32_t group = (how & 2) ? ~0u : 0;
	unsigned int i, n;

	for (i = 0; i < nr_cpus; i++) {
		uint64_t rd = (uint64_t)i * VGIC_GICR_STRIDE + 0x10000;

		vgic_redist_write(&vg, &vcpus[0], rd + 0x80, 4, group);
		vgic_redist_write(&vg, &vcpus[0], rd + 0x100, 4, ~0u);
		for (n = 0; (how & 4) && n < VGIC_NR_PRIVATE; n += 4)
			vgic_redist_write(&vg, &vcpus[0], rd + 0x400 + n, 4,
					  0x80a0c0e0u >> ((n / 4) % 4 * 8) & 0xf8f8f8f8u);
	}
	for (i = 1; i < vg.nr_intids / 32; i++) {
		vgic_dist_write(&vg, &vcpus[0], 0x80 + 4 * i, 4, group);
		vgic_dist_write(&vg, &vcpus[0], 0x100 + 4 * i, 4, ~0u);
	}
	vgic_dist_write(&vg, &vcpus[0], 0, 4, GICD_CTLR_ENABLE_GRP0 | GICD_CTLR_ENABLE_GRP1);
}

static uint64_t pick_mpidr(uint8_t how, unsigned int i, struct fuzz_in *in)
{
	switch (how & 3) {
	case 0:
		return i;
	case 1: /* clusters of four */
		return (uint64_t)(i / 4) << 8 | (i % 4);
	case 2: /* as QEMU's with RES1 bit 31, or Aff3 */
		return (how & 4) ? 0x80000000ull | i : (uint64_t)i << 32 | 0x10000;
	default:
		return fuzz_u64(in) & MPIDR_AFF_ONLY;
	}
}

static void setup(struct fuzz_in *in)
{
	struct vgic_cpu *list[VGIC_MAX_CPUS];
	uint8_t b0 = fuzz_u8(in), b1 = fuzz_u8(in), b2 = fuzz_u8(in), b3 = fuzz_u8(in);
	unsigned int i, j, p;

	memset(vcpus, 0, sizeof(vcpus));
	memset(cif, 0, sizeof(cif));
	memset(spi_phys, 0, sizeof(spi_phys));
	memset(ppi_phys, 0, sizeof(ppi_phys));
	memset(spi_owner, 0, sizeof(spi_owner));
	memset(spi_route, 0xff, sizeof(spi_route));
	memset(pts, 0, sizeof(pts));
	memset(ppis, 0, sizeof(ppis));
	nr_pts = 0;
	cur_cpu = -1;
	nr_cpus = 1 + (b0 & 7);
	skip_idle = b0 & 8;
	fast_c = b0 & 64;
	no_deferral = no_deferral_ever = b0 & 16;
	have_timers = !(b0 & 32);
	nr_lrs = 1 + (b1 & 15);
	lr_hw.nr_lrs = nr_lrs;
	for (i = 0; i < nr_cpus; i++) {
		uint64_t m = pick_mpidr(b1 >> 4, i, in);

		for (j = 0; j < i; j++)
			if ((vcpus[j].mpidr & MPIDR_AFF_ONLY) == (m & MPIDR_AFF_ONLY))
				m = 0x20000 + i; /* a host's CPUs have distinct affinities */
		vcpus[i].mpidr = m;
		list[i] = &vcpus[i];
		cif[i].eoimode1 = (b2 >> i) & 1;
	}
	/* nr_intids as a VM gets it: anything, rounded and capped by vgic_init */
	vgic_init(&vg, &fake_ops, (b0 & 0x80) ? fuzz_u16(in) : 64u + 32u * (b2 & 7), list, nr_cpus);
	vg.priv = &vg;
	for (i = 0; i < VGIC_MAX_SPIS; i++)
		unowned_ref[i] = vg.spis[i];

	if (have_timers)
		for (i = 0; i < nr_cpus; i++) {
			const uint32_t ppi[] = { TIMER_VIRT, TIMER_PHYS };

			FUZZ_CHECK(!passthrough_init_ppis(&ppis[i], &vg, &vcpus[i], &fake_ppi_hw,
							  RD_FRAME(i), ppi, 2),
				   "passthrough_init_ppis");
		}

	/* up to three devices of up to eight SPIs, on INTIDs nobody has */
	for (p = 0; p < NR_PT && vg.nr_intids > VGIC_INTID_SPI_BASE; p++) {
		uint8_t how = fuzz_u8(in);
		uint32_t intids[PASSTHROUGH_MAX_LINES];
		enum irq_mode modes[PASSTHROUGH_MAX_LINES];
		bool edges[PASSTHROUGH_MAX_LINES];
		unsigned int count = how & 7, n = 0;

		if (!count)
			break;
		for (i = 0; i < count; i++) {
			uint8_t l = fuzz_u8(in);
			uint32_t intid = VGIC_INTID_SPI_BASE +
					 fuzz_u8(in) % (vg.nr_intids - VGIC_INTID_SPI_BASE);

			for (j = 0; j < vg.nr_intids && spi_owner[intid] != OWN_NONE; j++)
				intid = intid + 1 < vg.nr_intids ? intid + 1 : VGIC_INTID_SPI_BASE;
			if (spi_owner[intid] != OWN_NONE)
				break;
			spi_owner[intid] = OWN_PT;
			spi_pt[intid] = (uint8_t)p;
			spi_line[intid] = (uint8_t)n;
			intids[n] = intid;
			modes[n] = (enum irq_mode)(l % 3);
			edges[n] = l & 4;
			n++;
		}
		if (!n)
			break;
		FUZZ_CHECK(!passthrough_init_spis(&pts[p], &vg, &fake_hw, GICD_FRAME, intids, modes,
						  edges, n, &no_deferral),
			   "passthrough_init_spis");
		nr_pts++;
	}
	/* an emulated device (skiff's doorbell is one) */
	have_emu = false;
	if ((b2 & 0x80) && vg.nr_intids > VGIC_INTID_SPI_BASE) {
		uint32_t first = VGIC_INTID_SPI_BASE + fuzz_u8(in) % (vg.nr_intids - 32);

		emu_count = 1 + (b2 >> 5 & 3);
		for (i = 0; i < emu_count; i++)
			if (first + i >= vg.nr_intids || spi_owner[first + i] != OWN_NONE)
				break;
		emu_count = i;
		if (emu_count) {
			emu_first = first;
			FUZZ_CHECK(
				!emu_source_init(&emu, &vg, first, emu_count, emu_resample, &emu),
				"emu_source_init");
			for (i = 0; i < emu_count; i++)
				spi_owner[first + i] = OWN_EMU;
			have_emu = true;
		}
	}
	/* what claiming changed is the owner's; the rest must stay as it is */
	for (i = 0; i < VGIC_MAX_SPIS; i++)
		unowned_ref[i] = vg.spis[i];
	collect_live(); /* lrs_clean starts false, as in hyp/run/vcpu.c: the first flush is real */
	if (b3 & 1)
		guest_init(b3);
	if (trace) {
		TRACE("setup: %u vCPUs, %u LRs, nr_intids %u, skip_idle %d, timers %d\n", nr_cpus,
		      nr_lrs, vg.nr_intids, skip_idle, have_timers);
		for (i = 0; i < nr_cpus; i++)
			TRACE("  vCPU %u mpidr 0x%llx EOImode %d\n", i,
			      (unsigned long long)vcpus[i].mpidr, cif[i].eoimode1);
		for (p = 0; p < nr_pts; p++)
			for (i = 0; i < pts[p].src.count; i++)
				TRACE("  SPI %u: mode %s edge %d\n", pts[p].line[i].pintid,
				      pts[p].line[i].mode == IRQ_MODE_HW    ? "hw"
				      : pts[p].line[i].mode == IRQ_MODE_EOI ? "eoi"
									    : "oneshot",
				      pts[p].line[i].edge);
		for (i = 0; have_emu && i < emu_count; i++)
			TRACE("  SPI %u: emulated\n", emu_first + i);
	}
	check_all();
}

/* ---- the operations */

enum op {
	OP_GICD_READ,
	OP_GICD_WRITE,
	OP_GICR_READ,
	OP_GICR_WRITE,
	OP_TRIGGER,
	OP_SET_LEVEL,
	OP_SGI,
	OP_ENTER,
	OP_EXIT,
	OP_ACK,
	OP_EOI,
	OP_DIR,
	OP_DEVICE,
	OP_FIRE,
	OP_SETTLE,
	OP_SWITCH,
	OP_COUNT,
};

static void op_device(struct fuzz_in *in)
{
	uint8_t how = fuzz_u8(in);
	uint32_t intid = pick_intid(in);
	struct pline *l;

	if (intid < VGIC_NR_PRIVATE) {
		if (!have_timers || !is_timer(intid))
			return;
		l = &ppi_phys[fuzz_below(in, nr_cpus)][intid];
	} else if (intid < vg.nr_intids && spi_owner[intid] == OWN_PT) {
		l = &spi_phys[intid];
	} else {
		return;
	}
	if (how & 1) { /* an edge */
		l->latch = true;
		return;
	}
	if (l->edge && (how & 2) && !l->line)
		l->latch = true;
	l->line = how & 2;
}

/* Injections as devices and skiff make them, on lines that are theirs, or at any INTID. */
static void op_inject(struct fuzz_in *in, bool level)
{
	uint8_t how = fuzz_u8(in);
	uint32_t intid = pick_intid(in);
	struct vgic_cpu *vc = (how & 1) ? NULL : &vcpus[fuzz_below(in, nr_cpus)];

	/* a passthrough line or a timer is injected by its physical interrupt only */
	if ((intid >= VGIC_INTID_SPI_BASE && intid < vg.nr_intids && spi_owner[intid] == OWN_PT) ||
	    (have_timers && is_timer(intid)))
		return;
	TRACE("  %s INTID %u vCPU %d\n", level ? (how & 2 ? "raise" : "lower") : "trigger", intid,
	      vc ? (int)vc->id : -1);
	if (level)
		vgic_set_level(&vg, vc, intid, how & 2);
	else
		vgic_trigger(&vg, vc, intid);
}

static void op_sgi(struct fuzz_in *in)
{
	uint8_t how = fuzz_u8(in);
	unsigned int cpu = fuzz_below(in, nr_cpus);
	uint64_t sgir;

	if (how & 1) {
		sgir = fuzz_u64(in);
	} else { /* a target list in this vCPU's cluster, or everyone but self */
		uint64_t m = vcpus[fuzz_below(in, nr_cpus)].mpidr;

		sgir = (uint64_t)((how >> 1) & 15) << ICC_SGI1R_INTID_SHIFT |
		       ((m >> 8) & 0xff) << ICC_SGI1R_AFF1_SHIFT |
		       ((m >> 16) & 0xff) << ICC_SGI1R_AFF2_SHIFT |
		       ((m >> 32) & 0xff) << ICC_SGI1R_AFF3_SHIFT |
		       ((m & 0xff) >> 4) << ICC_SGI1R_RS_SHIFT | (fuzz_u16(in) | 1u << (m & 15));
		if ((how & 0xe0) == 0xe0)
			sgir |= ICC_SGI1R_IRM;
	}
	TRACE("  vCPU %u SGI register 0x%llx group %u\n", cpu, (unsigned long long)sgir,
	      (unsigned int)(how >> 5) & 1);
	cur_cpu = (int)cpu;
	if (cif[cpu].in_guest)
		fold(cpu);
	vgic_sgi(&vg, &vcpus[cpu], sgir, (how >> 5) & 1);
	check_all();
	flush(cpu);
	cur_cpu = -1;
}

static void op_dir(struct fuzz_in *in, unsigned int cpu)
{
	struct cpuif *c = &cif[cpu];
	uint8_t how = fuzz_u8(in);

	if (how & 1) { /* an active LR's INTID, as a guest does */
		unsigned int n;

		for (n = 0; n < nr_lrs; n++) {
			unsigned int k = (n + (how >> 1)) % nr_lrs;

			if (c->lr[k] & ICH_LR_ACTIVE) {
				guest_deactivate(cpu, LR_INTID(c->lr[k]));
				return;
			}
		}
	}
	guest_deactivate(cpu, pick_intid(in));
}

static void run_op(struct fuzz_in *in)
{
	static const char *const names[] = { "gicd-read", "gicd-write", "gicr-read", "gicr-write",
					     "trigger",	  "set-level",	"sgi",	     "enter",
					     "exit",	  "ack",	"eoi",	     "dir",
					     "device",	  "fire",	"settle",    "switch" };
	enum op op = (enum op)(fuzz_u8(in) % OP_COUNT);
	unsigned int cpu;

	TRACE("op %s\n", names[op]);
	switch (op) {
	case OP_GICD_READ:
	case OP_GICD_WRITE:
	case OP_GICR_READ:
	case OP_GICR_WRITE:
		mmio(in, op >= OP_GICR_READ, op == OP_GICD_WRITE || op == OP_GICR_WRITE);
		break;
	case OP_TRIGGER:
	case OP_SET_LEVEL:
		op_inject(in, op == OP_SET_LEVEL);
		break;
	case OP_SGI:
		op_sgi(in);
		break;
	case OP_ENTER:
		cpu = fuzz_below(in, nr_cpus);
		if (!cif[cpu].in_guest) {
			cur_cpu = (int)cpu;
			flush(cpu);
			cur_cpu = -1;
		}
		break;
	case OP_EXIT:
		cpu = fuzz_below(in, nr_cpus);
		if (cif[cpu].in_guest) {
			cur_cpu = (int)cpu;
			fold(cpu);
			cur_cpu = -1;
		}
		break;
	case OP_ACK:
	case OP_EOI:
	case OP_DIR:
		cpu = fuzz_below(in, nr_cpus);
		if (!cif[cpu].in_guest)
			break;
		if (op == OP_ACK)
			guest_ack(cpu);
		else if (op == OP_EOI)
			guest_eoi(cpu);
		else if (cif[cpu].eoimode1) /* with EOImode 0, the EOI deactivates */
			op_dir(in, cpu);
		break;
	case OP_DEVICE:
		op_device(in);
		break;
	case OP_FIRE:
		fire_one(fuzz_u8(in));
		break;
	case OP_SETTLE:
		settle(fuzz_u8(in));
		break;
	case OP_SWITCH: /* SKIFF_TEST_ONESHOT_NO_DEFERRAL, flipped by the guest */
		no_deferral = !no_deferral;
		no_deferral_ever |= no_deferral;
		break;
	default:
		break;
	}
	check_all();
	check_progress();
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *t = getenv("SKIFF_FUZZ_TRACE");

	(void)argc;
	(void)argv;
	trace = t && *t == '1';
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	unsigned int n;

	setup(&in);
	for (n = 0; n < MAX_OPS && in.n; n++)
		run_op(&in);
	settle(0);
	check_unowned(VGIC_MAX_INTIDS);
	return 0;
}
