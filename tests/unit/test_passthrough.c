/*
 * test_passthrough.c - host unit tests for irq/passthrough.c: passthrough SPIs in the three
 * modes of docs/interrupts.md (hw, eoi, oneshot) and the timer PPIs, run with the real vGIC
 * (irq/vgic.c, vgic_dist.c, vgic_mmio.c, vgic_redist.c, sgi.c) and list-register manager
 * (irq/lr.c). Around them:
 *  - a fake physical GIC behind struct passthrough_hw that records every call and keeps each
 *    line's state (device line, edge/software latch, enable, active, trigger, priority,
 *    route); a line fires exactly when a GICv3 would: enabled, pending and not active;
 *  - a fake virtual CPU interface that plays the guest on the list registers: acknowledge,
 *    EOI with EOImode 0, HW=1 deactivation of the physical line, maintenance conditions;
 *  - a vCPU loop: the guest leaves for a physical interrupt (skiff acknowledges it, drops its
 *    priority and calls passthrough_handle()), a maintenance interrupt or a trapped GICD
 *    access; each exit folds the list registers and flushes them again.
 * The tests walk the invariants event by event, per mode, and print the oneshot figures
 * (with and without deferral) as TAP diagnostics. Touches nothing but its own state.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hyp/plan/config.h"
#include "skiff/hvc.h"
#include "irq/lr.h"
#include "irq/lr_fast.h"
#include "irq/passthrough.h"
#include "irq/vgic.h"
#include "tests/unit/vgic_locks.h"
#include "irq/vgic_mmio.h"
#include "irq/virq.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define GICD_FRAME ((uintptr_t)0x08000000)
#define RD_FRAME ((uintptr_t)0x080a0000)
#define NR_INTIDS 96
#define SPI_A 40       /* line 0 */
#define SPI_B 41       /* line 1 */
#define SPI_FOREIGN 42 /* a physical SPI the VM was not given */
#define SPI_BEYOND 200 /* beyond the VM's nr_intids */
#define PRIO_A 0xa0
#define PRIO_B 0x80 /* preempts A */
#define TIMER_VIRT 27
#define TIMER_PHYS 30
#define NR_VCPUS 2
#define NR_LRS 4 /* QEMU's cortex-a57 */
#define MAX_NEST 16
#define MAX_CALLS 512
#define MAX_EXITS 64 /* more exits in a row with nothing for the guest to do: a storm */
#define SPURIOUS 1023u
#define CYCLES 3
#define LEVEL false
#define EDGE true

/* vCPU 0 has affinity 0.0.0.0, so IROUTER 0 targets it; vCPU 1 0.0.1.0, its MPIDR carries
 * MPIDR_EL1's RES1 bit 31, which must never reach the physical IROUTER (it would be IRM) */
static const uint64_t mpidrs[NR_VCPUS] = { 0x0, 0x80000100 };
#define VCPU1_AFF 0x100
/* a second guest's vCPUs: none has affinity 0.0.0.0, so the reset IROUTER names none of them */
static const uint64_t other_guest_mpidrs[NR_VCPUS] = { 0x2, 0x3 };
static const uint64_t *boot_mpidrs = mpidrs;

#define LR_STATE(val) ((val)&ICH_LR_STATE_MASK)
#define LR_INTID(val) ((uint32_t)((val)&ICH_LR_VINTID_MASK))
#define LR_PRIO(val) ((unsigned int)(((val)&ICH_LR_PRIORITY_MASK) >> ICH_LR_PRIORITY_SHIFT))
#define LR_PINTID(val) ((uint32_t)(((val)&ICH_LR_PINTID_MASK) >> ICH_LR_PINTID_SHIFT))
#define HCR_EOICOUNT(val) (((val)&ICH_HCR_EOICOUNT_MASK) >> ICH_HCR_EOICOUNT_SHIFT)

#define BIT_OF(intid) (1u << ((intid) % 32))
#define WORD_OF(reg, intid) ((reg) + (intid) / 32 * 4)

/* ---- the fake physical GIC: every call recorded, every line's state kept */

enum call_kind {
	HW_ENABLE,
	HW_IS_PENDING,
	HW_PENDING,
	HW_ACTIVE,
	HW_PRIORITY,
	HW_EDGE,
	HW_ROUTE,
	HW_DEACTIVATE,	 /* skiff's own deactivation (passthrough_hw.deactivate) */
	VGIC_DEACTIVATE, /* the vGIC's (vgic_ops.deactivate_phys) */
};

struct call {
	enum call_kind kind;
	uintptr_t frame;
	uint32_t intid;
	uint64_t arg;
};

static struct call calls[MAX_CALLS];
static unsigned int nr_calls;

struct phys_line {
	bool line;  /* the device's output; a level line pends while it is high */
	bool latch; /* an edge or a GICD_ISPENDR write, not yet acknowledged */
	bool enabled;
	bool active;
	bool edge;
	uint8_t priority;
	uint64_t route;
	unsigned int fires;	/* skiff acknowledged it: one hypervisor entry each */
	unsigned int gic_deact; /* deactivated by the GIC through an LR with HW=1 */
};

static struct phys_line phys[NR_INTIDS];

static void record(enum call_kind kind, uintptr_t frame, uint32_t intid, uint64_t arg)
{
	assert_true(nr_calls < MAX_CALLS);
	calls[nr_calls].kind = kind;
	calls[nr_calls].frame = frame;
	calls[nr_calls].intid = intid;
	calls[nr_calls].arg = arg;
	nr_calls++;
}

static struct phys_line *phys_line(uintptr_t frame, uint32_t intid)
{
	assert_int_equal(frame, GICD_FRAME);
	assert_true(intid >= VGIC_INTID_SPI_BASE && intid < NR_INTIDS);
	return &phys[intid];
}

static bool phys_pending(const struct phys_line *l)
{
	return l->latch || (!l->edge && l->line);
}

static void hw_set_enable(uintptr_t frame, uint32_t intid, bool on)
{
	record(HW_ENABLE, frame, intid, on);
	phys_line(frame, intid)->enabled = on;
}

static bool hw_is_pending(uintptr_t frame, uint32_t intid)
{
	record(HW_IS_PENDING, frame, intid, 0);
	return phys_pending(phys_line(frame, intid));
}

static bool hw_is_active(uintptr_t frame, uint32_t intid)
{
	return phys_line(frame, intid)->active;
}

static void hw_set_pending(uintptr_t frame, uint32_t intid, bool on)
{
	record(HW_PENDING, frame, intid, on);
	phys_line(frame, intid)->latch = on; /* a high level line stays pending regardless */
}

static void hw_set_active(uintptr_t frame, uint32_t intid, bool on)
{
	record(HW_ACTIVE, frame, intid, on);
	phys_line(frame, intid)->active = on;
}

static void hw_set_priority(uintptr_t frame, uint32_t intid, uint8_t prio)
{
	record(HW_PRIORITY, frame, intid, prio);
	phys_line(frame, intid)->priority = prio;
}

static void hw_set_edge(uintptr_t frame, uint32_t intid, bool edge)
{
	struct phys_line *l = phys_line(frame, intid);

	record(HW_EDGE, frame, intid, edge);
	/* the architecture allows a change only while the interrupt is disabled */
	assert_false(l->enabled);
	l->edge = edge;
}

static void hw_route(uintptr_t frame, uint32_t intid, uint64_t mpidr)
{
	record(HW_ROUTE, frame, intid, mpidr);
	phys_line(frame, intid)->route = mpidr;
}

static void hw_deactivate(uint32_t intid)
{
	struct phys_line *l = phys_line(GICD_FRAME, intid);

	record(HW_DEACTIVATE, GICD_FRAME, intid, 0);
	assert_true(l->active); /* skiff deactivates only what it holds */
	l->active = false;
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

static unsigned int count_calls(enum call_kind kind, uint32_t intid)
{
	unsigned int i, n = 0;

	for (i = 0; i < nr_calls; i++)
		if (calls[i].kind == kind && calls[i].intid == intid)
			n++;
	return n;
}

/* The n-th call since the log was last cleared is kind on intid with arg. */
static void expect_call(unsigned int n, enum call_kind kind, uint32_t intid, uint64_t arg)
{
	assert_true(n < nr_calls);
	assert_int_equal(calls[n].kind, kind);
	assert_int_equal(calls[n].intid, intid);
	assert_int_equal(calls[n].arg, arg);
}

/* ---- the VM */

static struct vgic vg;
static struct vgic_cpu vcpu[NR_VCPUS];
static struct passthrough pt;
static bool no_deferral;

static unsigned int kicks[NR_VCPUS];

static void ops_kick(struct vgic *g, unsigned int id)
{
	assert_ptr_equal(g, &vg);
	assert_true(id < NR_VCPUS);
	kicks[id]++;
}

static void ops_deactivate_phys(struct vgic *g, const struct vgic_cpu *vc, uint32_t pintid)
{
	assert_true(pintid >= VGIC_INTID_SPI_BASE || vc != NULL);
	assert_ptr_equal(g, &vg);
	record(VGIC_DEACTIVATE, GICD_FRAME, pintid, 0);
	if (pintid >= VGIC_INTID_SPI_BASE)
		phys_line(GICD_FRAME, pintid)->active = false;
}

static const struct vgic_ops fake_vgic_ops = {
	.kick = ops_kick,
	.deactivate_phys = ops_deactivate_phys,
};

/* ---- the fake virtual CPU interface of vCPU 0, the one the guest runs on */

static struct {
	uint64_t lr[NR_LRS];
	uint32_t hcr;
	struct {
		unsigned int prio;
		uint32_t intid;
	} ap[MAX_NEST]; /* acknowledged, not yet EOIed, newest last */
	unsigned int nr_ap;
} cpuif;

static uint64_t cpuif_read_lr(unsigned int n)
{
	assert_true(n < NR_LRS);
	return cpuif.lr[n];
}

static void cpuif_write_lr(unsigned int n, uint64_t val)
{
	assert_true(n < NR_LRS);
	cpuif.lr[n] = val;
}

static uint32_t cpuif_read_hcr(void)
{
	return cpuif.hcr;
}

static void cpuif_write_hcr(uint32_t val)
{
	cpuif.hcr = val;
}

static uint32_t misr(void);
static uint32_t cpuif_lr_bits(bool eoi_owed);

static uint32_t cpuif_read_elrsr(void)
{
	return cpuif_lr_bits(false);
}

static uint32_t cpuif_read_eisr(void)
{
	return cpuif_lr_bits(true);
}

static const struct lr_hw lr_hw = {
	.nr_lrs = NR_LRS,
	.read_lr = cpuif_read_lr,
	.write_lr = cpuif_write_lr,
	.read_hcr = cpuif_read_hcr,
	.write_hcr = cpuif_write_hcr,
	.read_elrsr = cpuif_read_elrsr,
	.read_eisr = cpuif_read_eisr,
	.read_misr = misr,
};

/* ICH_ELRSR_EL2 / ICH_EISR_EL2 (12.4.4, 12.4.3): invalid LRs that owe no maintenance interrupt
 * (HW=1 or no EOI bit) / that owe one (EOI bit, HW=0) */
static uint32_t cpuif_lr_bits(bool eoi_owed)
{
	uint32_t m = 0;
	unsigned int n;

	for (n = 0; n < NR_LRS; n++) {
		uint64_t val = cpuif.lr[n];

		if (!LR_STATE(val) && ((val & (ICH_LR_HW | ICH_LR_EOI)) == ICH_LR_EOI) == eoi_owed)
			m |= 1u << n;
	}
	return m;
}

/* ICH_MISR_EL2 (IHI 0069 12.4.7): the maintenance interrupts asserted now */
static uint32_t misr(void)
{
	unsigned int n, valid = 0;
	bool pending = false;
	uint32_t m = 0;

	if (!(cpuif.hcr & ICH_HCR_EN))
		return 0;
	for (n = 0; n < NR_LRS; n++) {
		uint64_t val = cpuif.lr[n];

		if (LR_STATE(val))
			valid++;
		if (LR_STATE(val) == ICH_LR_PENDING)
			pending = true;
		if ((val & (ICH_LR_STATE_MASK | ICH_LR_HW | ICH_LR_EOI)) == ICH_LR_EOI)
			m |= ICH_MISR_EOI;
	}
	if ((cpuif.hcr & ICH_HCR_UIE) && valid < 2)
		m |= ICH_MISR_U;
	if ((cpuif.hcr & ICH_HCR_LRENPIE) && HCR_EOICOUNT(cpuif.hcr))
		m |= ICH_MISR_LRENP;
	if ((cpuif.hcr & ICH_HCR_NPIE) && !pending)
		m |= ICH_MISR_NP;
	return m;
}

static uint64_t lr_of(uint32_t intid)
{
	unsigned int n;

	for (n = 0; n < NR_LRS; n++)
		if (LR_STATE(cpuif.lr[n]) && LR_INTID(cpuif.lr[n]) == intid)
			return cpuif.lr[n];
	return 0;
}

/* ---- the vCPU: exits, and the loop that takes what hardware would raise */

static struct {
	unsigned int irq;   /* a physical interrupt */
	unsigned int maint; /* the maintenance interrupt */
	unsigned int mmio;  /* a trapped GICD access */
} exits;

static unsigned int deliveries[NR_INTIDS]; /* the guest acknowledged it */
static unsigned int spurious[NR_INTIDS];   /* ... while its level line was low */

static unsigned int entries(void)
{
	return exits.irq + exits.maint + exits.mmio;
}

static void check_unlocked(void)
{
	assert_true(vgic_all_unlocked(&vg));
}

static void fold(void)
{
	spin_lock(&vcpu[0].ap_lock);
	lr_fold(&vcpu[0], &lr_hw);
	spin_unlock(&vcpu[0].ap_lock);
	vgic_requeue(&vg, &vcpu[0]);
}

static void flush(void)
{
	spin_lock(&vcpu[0].ap_lock);
	lr_flush(&vcpu[0], &lr_hw);
	spin_unlock(&vcpu[0].ap_lock);
	vgic_requeue(&vg, &vcpu[0]);
	assert_int_equal(misr(), 0); /* no maintenance interrupt right after a flush */
}

/* The next line the fake GIC fires (the lowest INTID that is enabled, pending and not
 * active), or 0. Routing is not modelled: one physical CPU. */
static uint32_t phys_next(void)
{
	uint32_t i;

	for (i = VGIC_INTID_SPI_BASE; i < NR_INTIDS; i++)
		if (phys[i].enabled && !phys[i].active && phys_pending(&phys[i]))
			return i;
	return 0;
}

/*
 * The eoi/oneshot fast path (irq/lr_fast.c), as hyp/run/irq_fast.c drives it, in the tests that
 * run a second time with fast_path set (the "_fast" ones in main): an SPI of vCPU 0 goes to
 * lr_fast_inject() with the entry the fast-path table holds for it (lr_fast_entry), the
 * maintenance interrupt to lr_fast_maint(); what they decline takes the general path. Every
 * figure those tests assert must come out the same either way. fast_taken counts what the fast
 * path did, so a test can tell that it ran.
 */
static bool fast_path;
static struct {
	unsigned int inject;
	unsigned int maint;
} fast_taken;

static bool fast_inject(uint32_t intid)
{
	struct virq *v = vgic_get_virq(&vg, NULL, intid);
	uint64_t entry;

	if (!fast_path || !v)
		return false;
	spin_lock(&v->lock);
	entry = lr_fast_entry(&vg, v, &vcpu[0]);
	spin_unlock(&v->lock);
	if (!(entry & LR_FAST_C) || !lr_fast_inject(&vcpu[0], &lr_hw, v, &entry))
		return false;
	fast_taken.inject++;
	check_unlocked();
	assert_int_equal(misr(), 0);
	return true;
}

static bool fast_maint(void)
{
	if (!fast_path || !lr_fast_maint(&vcpu[0], &lr_hw))
		return false;
	vgic_requeue(&vg, &vcpu[0]);
	fast_taken.maint++;
	check_unlocked();
	assert_int_equal(misr(), 0); /* the EOId LRs are cleared, nothing else was pending */
	return true;
}

/* A physical interrupt: skiff acknowledges it (active; an edge or software latch is
 * consumed), drops its priority (EOImode 1) and hands it to passthrough. */
static void irq_exit(uint32_t intid)
{
	int index = passthrough_find(&pt, intid);

	exits.irq++;
	if (fast_path) {
		struct phys_line before = phys[intid];

		phys[intid].fires++;
		phys[intid].active = true;
		phys[intid].latch = false;
		if (fast_inject(intid))
			return;
		phys[intid] = before; /* declined, having changed nothing: the general path */
	}
	fold();
	phys[intid].fires++;
	phys[intid].active = true;
	phys[intid].latch = false;
	assert_true(index >= 0);
	passthrough_handle(&pt, (unsigned int)index);
	check_unlocked();
	flush();
}

/* Let the machine run until the guest has to act again: take every physical and maintenance
 * interrupt as the hardware would raise it. Bounded: a storm fails the test. */
static void settle(void)
{
	unsigned int n;

	for (n = 0; n < MAX_EXITS; n++) {
		uint32_t intid = phys_next();

		check_unlocked();
		if (intid) {
			irq_exit(intid);
		} else if (misr()) {
			exits.maint++;
			if (!fast_maint()) {
				fold();
				flush();
			}
		} else {
			return;
		}
	}
	fail_msg("interrupt storm: %u exits in a row", MAX_EXITS);
}

/* ---- the device and the guest */

static void device_level(uint32_t intid, bool high)
{
	if (phys[intid].edge && high && !phys[intid].line)
		phys[intid].latch = true;
	phys[intid].line = high;
	settle();
}

static void device_edge(uint32_t intid)
{
	phys[intid].latch = true;
	settle();
}

static void guest_write(uint64_t offset, unsigned int width, uint64_t val)
{
	exits.mmio++;
	fold();
	assert_int_equal(vgic_dist_write(&vg, &vcpu[0], offset, width, val), VGIC_ACCESS_OK);
	check_unlocked();
	flush();
	settle();
}

static uint64_t guest_read(uint64_t offset, unsigned int width)
{
	uint64_t val;

	exits.mmio++;
	fold();
	assert_int_equal(vgic_dist_read(&vg, &vcpu[0], offset, width, &val), VGIC_ACCESS_OK);
	flush();
	settle();
	return val;
}

/* A write of intid's bit alone to a one-bit-per-INTID register (ISENABLER, ICPENDR...). */
static void guest_bit(uint32_t reg, uint32_t intid)
{
	guest_write(WORD_OF(reg, intid), 4, BIT_OF(intid));
}

/* ICV_IAR1_EL1: the highest-priority pending LR that can preempt the running priority
 * becomes active. The interrupt's INTID, or SPURIOUS. */
static uint32_t guest_take(void)
{
	unsigned int n, best = NR_LRS;
	uint32_t intid;

	for (n = 0; n < NR_LRS; n++) {
		uint64_t val = cpuif.lr[n];

		if (LR_STATE(val) != ICH_LR_PENDING)
			continue;
		if (best == NR_LRS || LR_PRIO(val) < LR_PRIO(cpuif.lr[best]))
			best = n;
	}
	if (!(cpuif.hcr & ICH_HCR_EN) || best == NR_LRS ||
	    (cpuif.nr_ap && LR_PRIO(cpuif.lr[best]) >= cpuif.ap[cpuif.nr_ap - 1].prio))
		return SPURIOUS;
	cpuif.lr[best] = (cpuif.lr[best] & ~ICH_LR_STATE_MASK) | ICH_LR_ACTIVE;
	intid = LR_INTID(cpuif.lr[best]);
	assert_true(cpuif.nr_ap < MAX_NEST && intid < NR_INTIDS);
	cpuif.ap[cpuif.nr_ap].prio = LR_PRIO(cpuif.lr[best]);
	cpuif.ap[cpuif.nr_ap].intid = intid;
	cpuif.nr_ap++;
	deliveries[intid]++;
	if (!phys[intid].edge && !phys[intid].line)
		spurious[intid]++;
	settle();
	return intid;
}

/* ICV_DIR_EL1: deactivation of intid's LR (HW=1: of the physical line too), or EOIcount + 1
 * when no LR holds it active. No priority drop. */
static void guest_deactivate(uint32_t intid)
{
	unsigned int n;

	for (n = 0; n < NR_LRS; n++) {
		uint64_t val = cpuif.lr[n];

		if (!(val & ICH_LR_ACTIVE) || LR_INTID(val) != intid)
			continue;
		if (val & ICH_LR_HW) {
			struct phys_line *l = phys_line(GICD_FRAME, LR_PINTID(val));

			l->active = false;
			l->gic_deact++;
		}
		cpuif.lr[n] = val & ~ICH_LR_ACTIVE;
		settle();
		return;
	}
	cpuif.hcr =
		(cpuif.hcr & ~ICH_HCR_EOICOUNT_MASK) |
		(((HCR_EOICOUNT(cpuif.hcr) + 1) << ICH_HCR_EOICOUNT_SHIFT) & ICH_HCR_EOICOUNT_MASK);
	settle();
}

/* ICV_EOIR1_EL1 with EOImode 0 for the innermost interrupt, which must be intid: priority
 * drop, then deactivation (guest_deactivate). */
static void guest_done(uint32_t intid)
{
	assert_true(cpuif.nr_ap > 0);
	assert_int_equal(cpuif.ap[cpuif.nr_ap - 1].intid, intid);
	cpuif.nr_ap--;
	guest_deactivate(intid);
}

/* ---- set-up */

static void boot_with(enum irq_mode mode_a, bool edge_a, enum irq_mode mode_b, bool edge_b,
		      const bool *nd)
{
	struct vgic_cpu *cpus[NR_VCPUS] = { &vcpu[0], &vcpu[1] };
	const uint32_t intids[] = { SPI_A, SPI_B };
	const enum irq_mode modes[] = { mode_a, mode_b };
	const bool edges[] = { edge_a, edge_b };
	unsigned int i;

	memset(&vg, 0, sizeof(vg));
	memset(vcpu, 0, sizeof(vcpu));
	memset(&pt, 0, sizeof(pt));
	memset(phys, 0, sizeof(phys));
	memset(&cpuif, 0, sizeof(cpuif));
	memset(&exits, 0, sizeof(exits));
	memset(deliveries, 0, sizeof(deliveries));
	memset(spurious, 0, sizeof(spurious));
	nr_calls = 0;
	no_deferral = false;
	/* the firmware left every line enabled: passthrough must disable them */
	for (i = 0; i < NR_INTIDS; i++)
		phys[i].enabled = true;
	for (i = 0; i < NR_VCPUS; i++)
		vcpu[i].mpidr = boot_mpidrs[i];
	vgic_init(&vg, &fake_vgic_ops, NR_INTIDS, cpus, NR_VCPUS);
	assert_int_equal(
		passthrough_init_spis(&pt, &vg, &fake_hw, GICD_FRAME, intids, modes, edges, 2, nd),
		0);
	check_unlocked();
	flush();
}

static void boot(enum irq_mode mode_a, bool edge_a, enum irq_mode mode_b, bool edge_b)
{
	boot_with(mode_a, edge_a, mode_b, edge_b, &no_deferral);
}

/* The guest's GIC driver: Group 1 on, both lines Group 1 at their priorities, enabled. Then
 * the log and the figures start from zero. */
static void guest_init(void)
{
	guest_write(GICD_CTLR, 4, GICD_CTLR_ENABLE_GRP1 | GICD_CTLR_ARE);
	guest_write(GICD_IGROUPR + 4, 4, BIT_OF(SPI_A) | BIT_OF(SPI_B));
	guest_write(GICD_IPRIORITYR + SPI_A, 1, PRIO_A);
	guest_write(GICD_IPRIORITYR + SPI_B, 1, PRIO_B);
	guest_bit(GICD_ISENABLER, SPI_A);
	guest_bit(GICD_ISENABLER, SPI_B);
	assert_true(phys[SPI_A].enabled && phys[SPI_B].enabled);
	nr_calls = 0;
	memset(&exits, 0, sizeof(exits));
}

static struct virq *virq_of(uint32_t intid)
{
	struct virq *v = vgic_get_virq(&vg, NULL, intid);

	assert_non_null(v);
	return v;
}

static uint64_t counter(uint32_t intid, unsigned int id)
{
	int index = passthrough_find(&pt, intid);

	assert_true(index >= 0);
	return passthrough_counter(&pt, (unsigned int)index, id);
}

static void check_counters(uint32_t intid, uint64_t taken, uint64_t injected, uint64_t maint,
			   uint64_t unmasked)
{
	assert_int_equal(counter(intid, SKIFF_CNT_SPI_TAKEN), taken);
	assert_int_equal(counter(intid, SKIFF_CNT_SPI_INJECTED), injected);
	assert_int_equal(counter(intid, SKIFF_CNT_SPI_MAINT), maint);
	assert_int_equal(counter(intid, SKIFF_CNT_SPI_UNMASKED), unmasked);
}

static enum irq_mode mode_hw = IRQ_MODE_HW, mode_eoi = IRQ_MODE_EOI,
		     mode_oneshot = IRQ_MODE_ONESHOT;

static enum irq_mode mode_of(void **state)
{
	return *(enum irq_mode *)*state;
}

/* ---- set-up, per mode */

static void test_init(void **state)
{
	enum irq_mode mode = mode_of(state);
	struct virq *a, *b;

	boot(mode, EDGE, IRQ_MODE_HW, LEVEL);
	/* physically: disabled first, then the trigger mode, then routed to vCPU 0's CPU */
	assert_int_equal(nr_calls, 6);
	expect_call(0, HW_ENABLE, SPI_A, false);
	expect_call(1, HW_EDGE, SPI_A, true);
	expect_call(2, HW_ROUTE, SPI_A, 0);
	expect_call(3, HW_ENABLE, SPI_B, false);
	expect_call(4, HW_EDGE, SPI_B, false);
	expect_call(5, HW_ROUTE, SPI_B, 0);
	assert_true(phys[SPI_FOREIGN].enabled); /* not given: untouched */

	a = virq_of(SPI_A);
	assert_ptr_equal(a->src, &pt.src);
	assert_int_equal(a->src_index, 0);
	assert_true(a->edge);
	assert_false(a->enabled);
	assert_int_equal(a->hw, mode == IRQ_MODE_HW);
	if (mode == IRQ_MODE_HW)
		assert_int_equal(a->pintid, SPI_A);
	assert_int_equal(a->eoi_notify, mode != IRQ_MODE_HW);
	b = virq_of(SPI_B);
	assert_int_equal(b->src_index, 1);
	assert_true(b->hw);
	assert_false(b->edge);
	assert_null(vgic_get_virq(&vg, NULL, SPI_FOREIGN));
	assert_int_equal(vgic_claim_spi(&vg, SPI_A, NULL, 0), -1); /* owned */

	assert_int_equal(passthrough_find(&pt, SPI_A), 0);
	assert_int_equal(passthrough_find(&pt, SPI_B), 1);
	assert_int_equal(passthrough_find(&pt, SPI_FOREIGN), -1);
	check_counters(SPI_A, 0, 0, 0, 0);
}

/* hw: the LR carries HW=1 and the pINTID and never the EOI bit; eoi and oneshot: HW=0 and
 * the EOI bit, pending and then active. */
static void test_lr_bits(void **state)
{
	enum irq_mode mode = mode_of(state);
	uint64_t val;

	boot(mode, LEVEL, IRQ_MODE_HW, LEVEL);
	guest_init();
	device_level(SPI_A, true);
	val = lr_of(SPI_A);
	assert_int_equal(LR_STATE(val), ICH_LR_PENDING);
	assert_int_equal(LR_PRIO(val), PRIO_A);
	if (mode == IRQ_MODE_HW) {
		assert_true(val & ICH_LR_HW);
		assert_int_equal(LR_PINTID(val), SPI_A);
		assert_false(val & ICH_LR_EOI);
	} else {
		assert_false(val & ICH_LR_HW);
		assert_true(val & ICH_LR_EOI);
	}
	assert_int_equal(guest_take(), SPI_A);
	guest_read(GICD_CTLR, 4); /* an exit: the LR is folded and written again, active */
	val = lr_of(SPI_A);
	assert_int_equal(LR_STATE(val), ICH_LR_ACTIVE);
	assert_int_equal(!!(val & ICH_LR_HW), mode == IRQ_MODE_HW);
	assert_int_equal(!!(val & ICH_LR_EOI), mode != IRQ_MODE_HW);
	device_level(SPI_A, false);
	guest_done(SPI_A);
	assert_int_equal(exits.maint, mode == IRQ_MODE_HW ? 0 : 1);
	assert_false(phys[SPI_A].active);
	assert_int_equal(lr_of(SPI_A), 0);
}

/* ---- the invariants, per mode */

/* A level interrupt enters the hypervisor once per guest handling cycle; in hw mode without
 * any maintenance interrupt. */
static void test_level_once_per_cycle(void **state)
{
	enum irq_mode mode = mode_of(state);
	bool hw = mode == IRQ_MODE_HW;
	unsigned int i;

	boot(mode, LEVEL, IRQ_MODE_HW, LEVEL);
	guest_init();
	for (i = 1; i <= CYCLES; i++) {
		device_level(SPI_A, true);
		assert_int_equal(phys[SPI_A].fires, i);
		assert_true(phys[SPI_A].active);
		assert_int_equal(phys[SPI_A].enabled, mode != IRQ_MODE_ONESHOT);
		assert_int_equal(guest_take(), SPI_A);
		assert_int_equal(phys[SPI_A].fires, i); /* asserted, but active: no second entry */
		device_level(SPI_A, false);		/* the handler quiets the device */
		guest_done(SPI_A);
		assert_false(phys[SPI_A].active);
		assert_true(phys[SPI_A].enabled);
		assert_int_equal(phys[SPI_A].fires, i);
	}
	assert_int_equal(exits.irq, CYCLES);
	assert_int_equal(exits.maint, hw ? 0 : CYCLES);
	assert_int_equal(deliveries[SPI_A], CYCLES);
	check_counters(SPI_A, CYCLES, CYCLES, hw ? 0 : CYCLES,
		       mode == IRQ_MODE_ONESHOT ? CYCLES : 0);
	/* who deactivated: the GIC through the HW bit, or skiff at the maintenance interrupt */
	assert_int_equal(phys[SPI_A].gic_deact, hw ? CYCLES : 0);
	assert_int_equal(count_calls(HW_DEACTIVATE, SPI_A), hw ? 0 : CYCLES);
	assert_int_equal(count_calls(VGIC_DEACTIVATE, SPI_A), 0);

	/* a guest that EOIs with the device still asserting: that is the next cycle, one more
	 * entry and one more delivery, no storm */
	device_level(SPI_A, true);
	assert_int_equal(guest_take(), SPI_A);
	guest_done(SPI_A);
	assert_int_equal(phys[SPI_A].fires, CYCLES + 2);
	assert_int_equal(guest_take(), SPI_A);
	device_level(SPI_A, false);
	guest_done(SPI_A);
	assert_int_equal(phys[SPI_A].fires, CYCLES + 2);
	assert_int_equal(deliveries[SPI_A], CYCLES + 2);
	assert_int_equal(spurious[SPI_A], 0);
	assert_int_equal(guest_take(), SPURIOUS);
}

/* An edge that arrives while the guest handles the previous one is delivered once more:
 * not lost, not twice (two edges meanwhile are one, as on the GIC). */
static void test_edge_during_handling(void **state)
{
	enum irq_mode mode = mode_of(state);

	boot(mode, EDGE, IRQ_MODE_HW, LEVEL);
	guest_init();
	device_edge(SPI_A);
	assert_int_equal(phys[SPI_A].fires, 1);
	assert_int_equal(guest_take(), SPI_A);
	device_edge(SPI_A);
	device_edge(SPI_A);
	assert_int_equal(phys[SPI_A].fires, 1); /* held pending by the physical GIC */
	assert_true(phys[SPI_A].latch);
	guest_done(SPI_A);
	assert_int_equal(phys[SPI_A].fires, 2);
	assert_int_equal(guest_take(), SPI_A);
	guest_done(SPI_A);
	assert_int_equal(guest_take(), SPURIOUS);
	assert_int_equal(phys[SPI_A].fires, 2);
	assert_int_equal(deliveries[SPI_A], 2);
	check_counters(SPI_A, 2, 2, mode == IRQ_MODE_HW ? 0 : 2, mode == IRQ_MODE_ONESHOT ? 2 : 0);

	/* an edge while the guest handles it in a thread, the line masked: once, at unmask */
	device_edge(SPI_A);
	assert_int_equal(guest_take(), SPI_A);
	guest_bit(GICD_ICENABLER, SPI_A);
	guest_done(SPI_A);
	device_edge(SPI_A);
	assert_int_equal(phys[SPI_A].fires, 3);
	guest_bit(GICD_ISENABLER, SPI_A);
	assert_int_equal(phys[SPI_A].fires, 4);
	assert_int_equal(guest_take(), SPI_A);
	guest_done(SPI_A);
	assert_int_equal(guest_take(), SPURIOUS);
	assert_int_equal(deliveries[SPI_A], 4);
}

/* A guest that never EOIs one line (oneshot: never unmasks it) blocks only that line: the
 * other keeps firing and being delivered. */
static void test_stuck_line_blocks_only_itself(void **state)
{
	enum irq_mode mode = mode_of(state);
	unsigned int i;

	boot(mode, LEVEL, mode, LEVEL);
	guest_init();
	device_level(SPI_A, true);
	assert_int_equal(guest_take(), SPI_A);
	if (mode == IRQ_MODE_ONESHOT) {
		guest_bit(GICD_ICENABLER, SPI_A);
		guest_done(SPI_A); /* and never unmasks it */
		assert_false(phys[SPI_A].enabled);
	}
	for (i = 1; i <= CYCLES; i++) {
		device_level(SPI_B, true);
		assert_int_equal(guest_take(), SPI_B);
		device_level(SPI_B, false);
		guest_done(SPI_B);
		assert_int_equal(phys[SPI_B].fires, i);
		assert_int_equal(deliveries[SPI_B], i);
	}
	assert_true(phys[SPI_A].line);
	assert_int_equal(phys[SPI_A].fires, 1);
	assert_int_equal(deliveries[SPI_A], 1);
	assert_int_equal(counter(SPI_A, SKIFF_CNT_SPI_INJECTED), 1);
	assert_int_equal(counter(SPI_B, SKIFF_CNT_SPI_INJECTED), CYCLES);
	assert_int_equal(phys[SPI_B].enabled, true);
	assert_false(phys[SPI_B].active);
}

/* The guest's writes to its own lines reach the physical GIC: enable, priority, trigger
 * mode, pending (ISPENDR delivered once, through the physical line), active. */
static void test_mirroring(void **state)
{
	enum irq_mode mode = mode_of(state);
	const uint32_t cfg = GICD_ICFGR + SPI_A / 16 * 4;
	const uint32_t cfg_edge = GICD_ICFGR_EDGE << (2 * (SPI_A % 16));

	boot(mode, LEVEL, IRQ_MODE_HW, LEVEL);
	guest_init();

	guest_bit(GICD_ICENABLER, SPI_A);
	expect_call(0, HW_ENABLE, SPI_A, false);
	guest_bit(GICD_ISENABLER, SPI_A);
	expect_call(1, HW_ENABLE, SPI_A, true);
	assert_int_equal(nr_calls, 2);

	/* priority: as stored (5 bits); an unchanged value is not written again */
	guest_write(GICD_IPRIORITYR + SPI_A, 1, 0x67);
	expect_call(2, HW_PRIORITY, SPI_A, 0x60);
	guest_write(GICD_IPRIORITYR + SPI_A, 1, 0x60);
	assert_int_equal(nr_calls, 3);
	assert_int_equal(phys[SPI_A].priority, 0x60);

	/* trigger mode: changed with the line disabled (hw_set_edge checks), then re-enabled;
	 * the other line in the same ICFGR word is unchanged: no call for it */
	guest_write(cfg, 4, cfg_edge);
	assert_int_equal(nr_calls, 6);
	expect_call(3, HW_ENABLE, SPI_A, false);
	expect_call(4, HW_EDGE, SPI_A, true);
	expect_call(5, HW_ENABLE, SPI_A, true);
	assert_true(phys[SPI_A].edge);
	guest_bit(GICD_ICENABLER, SPI_A);
	guest_write(cfg, 4, 0);
	expect_call(7, HW_EDGE, SPI_A, false);
	assert_int_equal(nr_calls, 8);
	guest_bit(GICD_ISENABLER, SPI_A);
	nr_calls = 0;

	/* ISPENDR: the physical line is pended, fires, and the guest gets it once */
	guest_bit(GICD_ISPENDR, SPI_A);
	expect_call(0, HW_PENDING, SPI_A, true);
	assert_int_equal(phys[SPI_A].fires, 1);
	assert_int_equal(guest_take(), SPI_A);
	guest_done(SPI_A);
	assert_int_equal(guest_take(), SPURIOUS);
	assert_int_equal(deliveries[SPI_A], 1);
	assert_int_equal(phys[SPI_A].fires, 1);
	assert_false(phys[SPI_A].active);

	/* disabled: pended physically, read back through ISPENDR, cleared by ICPENDR */
	guest_bit(GICD_ICENABLER, SPI_A);
	guest_bit(GICD_ISPENDR, SPI_A);
	assert_true(phys[SPI_A].latch);
	assert_int_equal(phys[SPI_A].fires, 1);
	assert_int_equal(guest_read(WORD_OF(GICD_ISPENDR, SPI_A), 4) & BIT_OF(SPI_A),
			 BIT_OF(SPI_A));
	nr_calls = 0;
	guest_bit(GICD_ICPENDR, SPI_A);
	assert_int_equal(count_calls(HW_PENDING, SPI_A), 1);
	assert_false(phys[SPI_A].latch);
	assert_int_equal(guest_read(WORD_OF(GICD_ISPENDR, SPI_A), 4) & BIT_OF(SPI_A), 0);
	guest_bit(GICD_ICPENDR, SPI_A); /* not pending: nothing to clear */
	assert_int_equal(count_calls(HW_PENDING, SPI_A), 1);
	guest_bit(GICD_ISENABLER, SPI_A);
	assert_int_equal(phys[SPI_A].fires, 1);
	assert_int_equal(guest_take(), SPURIOUS);

	/* active: set and cleared; what the guest activated it also ends, once */
	nr_calls = 0;
	guest_bit(GICD_ISACTIVER, SPI_A);
	expect_call(0, HW_ACTIVE, SPI_A, true);
	assert_true(phys[SPI_A].active);
	assert_true(virq_of(SPI_A)->active);
	guest_bit(GICD_ICACTIVER, SPI_A);
	assert_false(phys[SPI_A].active);
	assert_int_equal(count_calls(HW_ACTIVE, SPI_A), 2);
	assert_int_equal(count_calls(HW_DEACTIVATE, SPI_A), 0);
	assert_int_equal(count_calls(VGIC_DEACTIVATE, SPI_A), mode == IRQ_MODE_HW ? 1 : 0);
	assert_false(virq_of(SPI_A)->active);
	device_level(SPI_A, true);
	assert_int_equal(phys[SPI_A].fires, 2);
	assert_int_equal(guest_take(), SPI_A);
	device_level(SPI_A, false);
	guest_done(SPI_A);
	assert_false(phys[SPI_A].active);
	assert_true(phys[SPI_A].enabled);
}

/* ICPENDR of an interrupt skiff acknowledged and injected, before the guest took it: no EOI
 * will come for it, so the physical line is deactivated (and oneshot's mask released) at
 * once; the line keeps working. */
static void test_icpendr_untaken(void **state)
{
	enum irq_mode mode = mode_of(state);

	boot(mode, LEVEL, IRQ_MODE_HW, LEVEL);
	guest_init();
	device_level(SPI_A, true);
	assert_true(phys[SPI_A].active);
	device_level(SPI_A, false); /* the guest quiets the device by polling */
	guest_bit(GICD_ICPENDR, SPI_A);
	assert_false(phys[SPI_A].active);
	assert_true(phys[SPI_A].enabled);
	assert_int_equal(lr_of(SPI_A), 0);
	assert_int_equal(count_calls(mode == IRQ_MODE_HW ? VGIC_DEACTIVATE : HW_DEACTIVATE, SPI_A),
			 1);
	check_counters(SPI_A, 1, 1, 0, mode == IRQ_MODE_ONESHOT ? 1 : 0);
	device_level(SPI_A, true);
	assert_int_equal(phys[SPI_A].fires, 2);
	assert_int_equal(guest_take(), SPI_A);
	device_level(SPI_A, false);
	guest_done(SPI_A);
	assert_int_equal(deliveries[SPI_A], 1);
	assert_false(phys[SPI_A].active);
}

/* ICPENDR of an interrupt the guest holds active, its level line still high: the write finds it
 * pending (the line) but skiff's activation is the guest's to end, at its EOI. Nothing is
 * deactivated now, so the still-asserted line does not fire a second time; one delivery. */
static void test_icpendr_while_active(void **state)
{
	enum irq_mode mode = mode_of(state);

	boot(mode, LEVEL, IRQ_MODE_HW, LEVEL);
	guest_init();
	device_level(SPI_A, true);
	assert_int_equal(guest_take(), SPI_A);
	guest_bit(GICD_ICPENDR, SPI_A); /* the device still asserts */
	assert_true(phys[SPI_A].active);
	assert_true(virq_of(SPI_A)->active);
	assert_int_equal(count_calls(HW_DEACTIVATE, SPI_A), 0);
	assert_int_equal(count_calls(VGIC_DEACTIVATE, SPI_A), 0);
	assert_int_equal(phys[SPI_A].fires, 1);
	device_level(SPI_A, false);
	guest_done(SPI_A);
	assert_false(phys[SPI_A].active);
	assert_int_equal(count_calls(HW_DEACTIVATE, SPI_A), mode == IRQ_MODE_HW ? 0 : 1);
	assert_int_equal(phys[SPI_A].gic_deact, mode == IRQ_MODE_HW ? 1 : 0);
	assert_int_equal(phys[SPI_A].fires, 1);
	assert_int_equal(deliveries[SPI_A], 1);
	assert_int_equal(guest_take(), SPURIOUS);
}

/* hw mode: ISACTIVER, then the guest deactivates through the HW=1 LR (the GIC ends the physical
 * activation; skiff sees nothing). A later injection dropped by ICPENDR before the guest takes
 * it is deactivated once, by the vGIC: skiff holds nothing of the ISACTIVER to end as well. */
static void test_hw_isactiver_then_icpendr(void **state)
{
	uint64_t val;

	(void)state;
	boot(IRQ_MODE_HW, LEVEL, IRQ_MODE_HW, LEVEL);
	guest_init();
	guest_bit(GICD_ISACTIVER, SPI_A);
	assert_true(phys[SPI_A].active);
	val = lr_of(SPI_A);
	assert_int_equal(LR_STATE(val), ICH_LR_ACTIVE);
	assert_true(val & ICH_LR_HW);
	guest_deactivate(SPI_A);
	assert_false(phys[SPI_A].active);
	assert_int_equal(phys[SPI_A].gic_deact, 1);
	guest_read(GICD_CTLR, 4); /* an exit: the deactivated LR is folded */

	device_level(SPI_A, true);
	assert_int_equal(phys[SPI_A].fires, 1);
	assert_true(phys[SPI_A].active);
	device_level(SPI_A, false); /* the guest quiets the device by polling */
	nr_calls = 0;
	guest_bit(GICD_ICPENDR, SPI_A);
	assert_false(phys[SPI_A].active);
	assert_int_equal(count_calls(VGIC_DEACTIVATE, SPI_A) + count_calls(HW_DEACTIVATE, SPI_A),
			 1);
	assert_int_equal(lr_of(SPI_A), 0);

	device_level(SPI_A, true); /* and the line works on */
	assert_int_equal(phys[SPI_A].fires, 2);
	assert_int_equal(guest_take(), SPI_A);
	device_level(SPI_A, false);
	guest_done(SPI_A);
	assert_false(phys[SPI_A].active);
	assert_int_equal(count_calls(VGIC_DEACTIVATE, SPI_A) + count_calls(HW_DEACTIVATE, SPI_A),
			 1);
	assert_int_equal(phys[SPI_A].gic_deact, 2);
}

/* ISPENDR with the physical interrupt arriving late, after the guest has run on: the guest
 * still gets the interrupt once (the pend lives in the physical GIC, not in the vGIC too). */
static void test_ispendr_late_fire(void **state)
{
	enum irq_mode mode = mode_of(state);

	boot(mode, LEVEL, IRQ_MODE_HW, LEVEL);
	guest_init();
	exits.mmio++;
	fold();
	assert_int_equal(
		vgic_dist_write(&vg, &vcpu[0], WORD_OF(GICD_ISPENDR, SPI_A), 4, BIT_OF(SPI_A)),
		VGIC_ACCESS_OK);
	flush();
	assert_int_equal(guest_take(), SPURIOUS); /* nothing for it in the LRs yet */
	assert_int_equal(phys[SPI_A].fires, 0);
	settle(); /* the physical interrupt arrives */
	assert_int_equal(phys[SPI_A].fires, 1);
	assert_int_equal(guest_take(), SPI_A);
	guest_done(SPI_A);
	assert_int_equal(guest_take(), SPURIOUS);
	assert_int_equal(deliveries[SPI_A], 1);
	assert_false(phys[SPI_A].active);
}

/* ICACTIVER of an interrupt the guest is handling ends skiff's activation once: the physical
 * line is no longer active (eoi/oneshot: not deactivated a second time by the eoi() that
 * follows), oneshot's mask is released, and the line works on. */
static void test_icactiver_while_handling(void **state)
{
	enum irq_mode mode = mode_of(state);

	boot(mode, LEVEL, IRQ_MODE_HW, LEVEL);
	guest_init();
	device_level(SPI_A, true);
	assert_int_equal(guest_take(), SPI_A);
	device_level(SPI_A, false);
	guest_bit(GICD_ICACTIVER, SPI_A);
	assert_false(phys[SPI_A].active);
	assert_true(phys[SPI_A].enabled);
	assert_int_equal(count_calls(HW_ACTIVE, SPI_A), 1);
	assert_int_equal(count_calls(HW_DEACTIVATE, SPI_A), 0); /* hw_deactivate checks too */
	assert_int_equal(count_calls(VGIC_DEACTIVATE, SPI_A), mode == IRQ_MODE_HW ? 1 : 0);
	check_counters(SPI_A, 1, 1, mode == IRQ_MODE_HW ? 0 : 1, mode == IRQ_MODE_ONESHOT ? 1 : 0);
	guest_done(SPI_A); /* its LR is gone: counted in EOIcount, nothing more to end */
	device_level(SPI_A, true);
	assert_int_equal(phys[SPI_A].fires, 2);
	assert_int_equal(guest_take(), SPI_A);
	device_level(SPI_A, false);
	guest_done(SPI_A);
	assert_false(phys[SPI_A].active);
	assert_int_equal(deliveries[SPI_A], 2);
}

/* ---- oneshot and the threaded handler */

/* A Linux threaded ONESHOT handler: fire -> the guest acknowledges -> masks the line at the
 * GIC -> EOIs -> the device still asserts -> the thread quiets the device -> unmasks. No
 * physical fire between the EOI and the unmask; exactly one delivery. */
static void test_oneshot_threaded(void **state)
{
	struct virq *v;

	(void)state;
	boot(IRQ_MODE_ONESHOT, LEVEL, IRQ_MODE_HW, LEVEL);
	guest_init();
	v = virq_of(SPI_A);

	/* the device asserts: one entry; skiff masks the line and injects */
	device_level(SPI_A, true);
	assert_int_equal(phys[SPI_A].fires, 1);
	assert_false(phys[SPI_A].enabled);
	assert_true(phys[SPI_A].active);
	check_counters(SPI_A, 1, 1, 0, 0);
	assert_int_equal(LR_STATE(lr_of(SPI_A)), ICH_LR_PENDING);

	/* the hard handler acknowledges it and masks the line */
	assert_int_equal(guest_take(), SPI_A);
	guest_bit(GICD_ICENABLER, SPI_A);
	assert_false(v->enabled);

	/* EOI: the maintenance interrupt; skiff deactivates, the mask stays (enable clear) */
	guest_done(SPI_A);
	assert_int_equal(exits.maint, 1);
	assert_false(phys[SPI_A].active);
	assert_false(phys[SPI_A].enabled);
	check_counters(SPI_A, 1, 1, 1, 0);

	/* the device still asserts: nothing fires */
	settle();
	assert_true(phys[SPI_A].line);
	assert_int_equal(phys[SPI_A].fires, 1);

	/* the thread quiets the device, then unmasks: skiff's mask goes with the guest's */
	device_level(SPI_A, false);
	nr_calls = 0;
	guest_bit(GICD_ISENABLER, SPI_A);
	expect_call(0, HW_ENABLE, SPI_A, true);
	assert_true(phys[SPI_A].enabled);
	check_counters(SPI_A, 1, 1, 1, 1);
	assert_int_equal(phys[SPI_A].fires, 1);
	assert_int_equal(guest_take(), SPURIOUS);
	assert_int_equal(deliveries[SPI_A], 1);
	assert_int_equal(exits.irq, 1);
}

/* The same, the device still asserting at the unmask: exactly one new delivery. */
static void test_oneshot_asserted_at_unmask(void **state)
{
	(void)state;
	boot(IRQ_MODE_ONESHOT, LEVEL, IRQ_MODE_HW, LEVEL);
	guest_init();
	device_level(SPI_A, true);
	assert_int_equal(guest_take(), SPI_A);
	guest_bit(GICD_ICENABLER, SPI_A);
	guest_done(SPI_A);
	assert_int_equal(phys[SPI_A].fires, 1);

	guest_bit(GICD_ISENABLER, SPI_A); /* the device was not quieted */
	assert_int_equal(phys[SPI_A].fires, 2);
	assert_false(phys[SPI_A].enabled); /* masked again by skiff */
	assert_int_equal(guest_take(), SPI_A);
	guest_bit(GICD_ICENABLER, SPI_A);
	guest_done(SPI_A);
	device_level(SPI_A, false);
	guest_bit(GICD_ISENABLER, SPI_A);
	assert_int_equal(guest_take(), SPURIOUS);
	assert_int_equal(phys[SPI_A].fires, 2);
	assert_int_equal(deliveries[SPI_A], 2);
	assert_int_equal(spurious[SPI_A], 0);
	check_counters(SPI_A, 2, 2, 2, 2);
}

/* The test-only switch (KVM's behaviour): the mask is released at the EOI although the guest
 * has masked the line, so the still-asserted line fires again (an extra hypervisor entry)
 * and the guest receives the interrupt again after it unmasks, the device already quiet. */
static void test_oneshot_no_deferral(void **state)
{
	struct virq *v;

	(void)state;
	boot(IRQ_MODE_ONESHOT, LEVEL, IRQ_MODE_HW, LEVEL);
	no_deferral = true;
	guest_init();
	v = virq_of(SPI_A);
	device_level(SPI_A, true);
	assert_int_equal(guest_take(), SPI_A);
	guest_bit(GICD_ICENABLER, SPI_A);
	guest_done(SPI_A);
	/* released at the EOI: the asserted line fires again at once, is masked again */
	assert_int_equal(phys[SPI_A].fires, 2);
	assert_int_equal(exits.irq, 2);
	assert_false(phys[SPI_A].enabled);
	check_counters(SPI_A, 2, 2, 1, 1);
	assert_true(v->pending_latch);
	assert_int_equal(lr_of(SPI_A), 0); /* the guest's mask holds it in the vGIC */

	device_level(SPI_A, false);
	guest_bit(GICD_ISENABLER, SPI_A);
	assert_int_equal(guest_take(), SPI_A); /* spurious: the device is quiet */
	assert_false(phys[SPI_A].line);
	assert_int_equal(spurious[SPI_A], 1);
	guest_done(SPI_A);
	assert_int_equal(guest_take(), SPURIOUS);
	assert_int_equal(deliveries[SPI_A], 2);
	check_counters(SPI_A, 2, 2, 2, 2);

	/* switched back: deferral again */
	no_deferral = false;
	device_level(SPI_A, true);
	assert_int_equal(guest_take(), SPI_A);
	guest_bit(GICD_ICENABLER, SPI_A);
	guest_done(SPI_A);
	assert_int_equal(phys[SPI_A].fires, 3);
	assert_false(phys[SPI_A].enabled);
}

/* Oneshot: the line has fired and skiff holds it masked while the guest handles it. An ICFGR
 * change then must not enable it (IHI 0069 12.9.9 wants it disabled around the change, and it
 * was disabled already): it stays masked until the guest is done with it. */
static void test_oneshot_masked_icfgr(void **state)
{
	(void)state;
	boot(IRQ_MODE_ONESHOT, LEVEL, IRQ_MODE_HW, LEVEL);
	guest_init();
	device_level(SPI_A, true);
	assert_false(phys[SPI_A].enabled);
	assert_true(virq_of(SPI_A)->enabled);
	nr_calls = 0;
	guest_write(GICD_ICFGR + SPI_A / 16 * 4, 4, GICD_ICFGR_EDGE << (2 * (SPI_A % 16)));
	assert_true(phys[SPI_A].edge);
	assert_false(phys[SPI_A].enabled);
	assert_int_equal(count_calls(HW_ENABLE, SPI_A), 0);
	assert_int_equal(guest_take(), SPI_A);
	device_level(SPI_A, false);
	guest_done(SPI_A); /* the EOI, the guest's enable set: released */
	assert_true(phys[SPI_A].enabled);
	assert_false(phys[SPI_A].active);
	assert_int_equal(phys[SPI_A].fires, 1);
	assert_int_equal(deliveries[SPI_A], 1);
	check_counters(SPI_A, 1, 1, 1, 1);
}

/*
 * Finding 4 of tests/fuzz/FINDINGS.md: with the test-only switch the mask is released at the
 * EOI although the guest's enable is clear, so the physical line is enabled while the guest's
 * is not; an ICFGR write must still disable it around the change (IHI 0069 12.9.9: the fake
 * GIC asserts that) and leave it as it was.
 */
static void test_no_deferral_icfgr(void **state)
{
	(void)state;
	boot(IRQ_MODE_ONESHOT, LEVEL, IRQ_MODE_HW, LEVEL);
	no_deferral = true;
	guest_init();
	device_level(SPI_A, true);
	assert_int_equal(guest_take(), SPI_A);
	guest_bit(GICD_ICENABLER, SPI_A);
	device_level(SPI_A, false); /* serviced before the EOI: nothing fires after the release */
	guest_done(SPI_A);
	assert_true(phys[SPI_A].enabled);
	assert_false(virq_of(SPI_A)->enabled);
	guest_write(GICD_ICFGR + SPI_A / 16 * 4, 4, GICD_ICFGR_EDGE << (2 * (SPI_A % 16)));
	assert_true(phys[SPI_A].edge);
	assert_true(phys[SPI_A].enabled);
	no_deferral = false;
}

/*
 * A hardware-linked SPI the hw-mode fast path put in a vCPU's LR is idle for the vGIC until that
 * vCPU folds, while its physical interrupt is active. A write to its pending or active state is
 * not done (VGIC_ACCESS_RETRY: the guest executes it again) and every vCPU is kicked to fold
 * (finding 2 of tests/fuzz/FINDINGS.md: ISACTIVER made it active in a second vCPU's LR). The
 * same write to an interrupt the model knows, or with the bit clear, is done at once.
 */
static void test_state_write_retries_for_fast_lr(void **state)
{
	struct virq *v;
	unsigned int i;

	(void)state;
	boot(IRQ_MODE_ONESHOT, LEVEL, IRQ_MODE_HW, LEVEL);
	guest_init();
	v = virq_of(SPI_B);
	phys[SPI_B].active = true; /* acknowledged by the fast path, in some vCPU's LR */
	memset(kicks, 0, sizeof(kicks));
	assert_int_equal(
		vgic_dist_write(&vg, &vcpu[0], WORD_OF(GICD_ISACTIVER, SPI_B), 4, BIT_OF(SPI_B)),
		VGIC_ACCESS_RETRY);
	assert_false(v->active);
	for (i = 0; i < NR_VCPUS; i++)
		assert_int_equal(kicks[i], 1);
	assert_int_equal(
		vgic_dist_write(&vg, &vcpu[0], WORD_OF(GICD_ICPENDR, SPI_B), 4, BIT_OF(SPI_B)),
		VGIC_ACCESS_RETRY);
	assert_true(phys[SPI_B].active); /* not deactivated under the LR's feet */
	/* SPI_A (eoi/oneshot: not hardware-linked) and other bits are not held up */
	assert_int_equal(
		vgic_dist_write(&vg, &vcpu[0], WORD_OF(GICD_ISACTIVER, SPI_B), 4, BIT_OF(SPI_A)),
		VGIC_ACCESS_OK);
	/* the fold put it in the model: the write is done */
	spin_lock(&v->lock);
	v->pending_latch = true;
	spin_unlock(&v->lock);
	assert_int_equal(
		vgic_dist_write(&vg, &vcpu[0], WORD_OF(GICD_ISACTIVER, SPI_B), 4, BIT_OF(SPI_B)),
		VGIC_ACCESS_OK);
	assert_true(v->active);
}

struct figures {
	unsigned int fires;
	unsigned int entries;
	unsigned int maint_exits;
	unsigned int injected;
	unsigned int deliveries;
	unsigned int spurious;
};

/* What a cycle of intid cost and gave the guest. */
static struct figures figures_of(uint32_t intid)
{
	struct figures f;

	f.fires = phys[intid].fires;
	f.entries = entries();
	f.maint_exits = exits.maint;
	f.injected = (unsigned int)counter(intid, SKIFF_CNT_SPI_INJECTED);
	f.deliveries = deliveries[intid];
	f.spurious = spurious[intid];
	return f;
}

/* One cycle of the threaded handler; the guest then takes whatever it is given. */
static struct figures threaded_cycle(bool kvm_like, const bool *nd)
{
	uint32_t intid;

	boot_with(IRQ_MODE_ONESHOT, LEVEL, IRQ_MODE_HW, LEVEL, nd);
	no_deferral = kvm_like;
	guest_init();
	device_level(SPI_A, true);
	assert_int_equal(guest_take(), SPI_A);
	guest_bit(GICD_ICENABLER, SPI_A);
	guest_done(SPI_A);
	device_level(SPI_A, false);
	guest_bit(GICD_ISENABLER, SPI_A);
	while ((intid = guest_take()) != SPURIOUS)
		guest_done(intid);

	return figures_of(SPI_A);
}

static void print_figures(const char *name, const struct figures *f)
{
	print_message("# %-22s physical fires %u, hypervisor entries %u (maintenance %u), "
		      "injections %u, deliveries %u (spurious %u)\n",
		      name, f->fires, f->entries, f->maint_exits, f->injected, f->deliveries,
		      f->spurious);
}

static void test_oneshot_figures(void **state)
{
	struct figures deferred, kvm, null_switch;

	(void)state;
	deferred = threaded_cycle(false, &no_deferral);
	kvm = threaded_cycle(true, &no_deferral);
	null_switch = threaded_cycle(false, NULL);
	print_figures("oneshot (deferred):", &deferred);
	print_figures("oneshot, no deferral:", &kvm);

	assert_int_equal(deferred.fires, 1);
	assert_int_equal(deferred.injected, 1);
	assert_int_equal(deferred.deliveries, 1);
	assert_int_equal(deferred.spurious, 0);
	assert_int_equal(deferred.entries, 4); /* IRQ, ICENABLER, EOI maintenance, ISENABLER */
	assert_int_equal(kvm.fires, 2);
	assert_int_equal(kvm.injected, 2);
	assert_int_equal(kvm.deliveries, 2);
	assert_int_equal(kvm.spurious, 1);
	assert_int_equal(kvm.entries, 6); /* + the second IRQ and its EOI maintenance */
	assert_memory_equal(&null_switch, &deferred, sizeof(deferred));
}

/* One eoi-mode level cycle: fire, the guest takes it and EOIs with the line still high
 * (fires again after the deactivation), then lowers it and EOIs the second. */
static struct figures eoi_cycle(void)
{
	boot(IRQ_MODE_EOI, LEVEL, IRQ_MODE_HW, LEVEL);
	guest_init();
	device_level(SPI_A, true);
	assert_int_equal(guest_take(), SPI_A);
	guest_done(SPI_A); /* line still high: deactivated at the EOI, it fires again */
	assert_int_equal(guest_take(), SPI_A);
	device_level(SPI_A, false);
	guest_done(SPI_A);
	assert_int_equal(guest_take(), SPURIOUS);
	return figures_of(SPI_A);
}

/* The fast path does what the general path does, figure for figure (issue 13: the deferral
 * semantics and the event counts unchanged), and it is the fast path that did it. */
static void test_fast_path_figures(void **state)
{
	struct figures general, fast;

	(void)state;
	fast_path = false;
	general = threaded_cycle(false, &no_deferral);
	fast_path = true;
	memset(&fast_taken, 0, sizeof(fast_taken));
	fast = threaded_cycle(false, &no_deferral);
	assert_memory_equal(&fast, &general, sizeof(general));
	assert_int_equal(fast_taken.inject, 1);
	assert_int_equal(fast_taken.maint, 1);
	assert_int_equal(counter(SPI_A, SKIFF_CNT_SPI_MAINT), 1);
	assert_int_equal(counter(SPI_A, SKIFF_CNT_SPI_UNMASKED), 1); /* at the guest's unmask */

	fast_path = false;
	general = threaded_cycle(true, &no_deferral); /* KVM-like: released at the EOI */
	fast_path = true;
	memset(&fast_taken, 0, sizeof(fast_taken));
	fast = threaded_cycle(true, &no_deferral);
	assert_memory_equal(&fast, &general, sizeof(general));
	print_message("# kvm-like: fast inject %u maint %u\n", fast_taken.inject, fast_taken.maint);
	/* the second fire finds the guest's enable clear: no entry, the general path latches it */
	assert_int_equal(fast_taken.inject, 1);
	assert_int_equal(fast_taken.maint, 2);

	fast_path = false;
	general = eoi_cycle();
	fast_path = true;
	memset(&fast_taken, 0, sizeof(fast_taken));
	fast = eoi_cycle();
	assert_memory_equal(&fast, &general, sizeof(general));
	assert_int_equal(general.fires, 2);
	assert_int_equal(fast_taken.inject, 2);
	assert_int_equal(fast_taken.maint, 2);
	assert_false(phys[SPI_A].active);
	assert_null(vcpu[0].ap_head);
	fast_path = false;
}

/* ---- writes from another vCPU while the interrupt sits in vCPU 0's list register */

/* A GICD write by vCPU 1 (running on another CPU: no fold of vCPU 0's LRs on its way in). */
static void other_vcpu_write(uint32_t reg, uint32_t intid, uint32_t width, uint32_t val)
{
	uint32_t off = width == 1 ? reg + intid : WORD_OF(reg, intid);

	assert_int_equal(vgic_dist_write(&vg, &vcpu[1], off, width, val), VGIC_ACCESS_OK);
	check_unlocked();
}

/* vCPU 0 takes the kick vgic_queue or the deferral sent it: an exit, fold and flush. */
static void take_kick(void)
{
	assert_true(kicks[0] > 0);
	kicks[0] = 0;
	exits.irq++;
	fold();
	flush();
	settle();
}

/*
 * The race an earlier note named: a write by one vCPU to an interrupt in another running
 * vCPU's LR must not be lost at that vCPU's next fold. Pending and active writes wait in the
 * virq (lr_writes) and the owner is kicked; its fold applies them after what the guest did with
 * the LR. Enable and priority writes change the virq at once and kick the owner, whose next
 * flush rewrites the LR from it. Each step checks the write took effect, in the LR or not.
 */
static void test_cross_vcpu_writes(void **state)
{
	enum irq_mode mode = mode_of(state);
	struct virq *v;

	boot(mode, LEVEL, IRQ_MODE_HW, LEVEL);
	guest_init();
	v = virq_of(SPI_A);
	memset(kicks, 0, sizeof(kicks));

	/* ICPENDR while pending in vCPU 0's LR, untaken: gone at the fold, never delivered */
	device_level(SPI_A, true);
	assert_int_equal(LR_STATE(lr_of(SPI_A)), ICH_LR_PENDING);
	other_vcpu_write(GICD_ICPENDR, SPI_A, 4, BIT_OF(SPI_A));
	assert_int_equal(v->lr_writes, VIRQ_WRITE_CLEAR_PENDING); /* waits for the fold */
	device_level(SPI_A, false);
	take_kick();
	assert_int_equal(lr_of(SPI_A), 0);
	assert_false(v->pending_latch);
	assert_int_equal(guest_take(), SPURIOUS);
	if (mode != IRQ_MODE_HW)
		assert_false(phys[SPI_A].active); /* the held activation ended with it */

	/* IPRIORITYR while pending in the LR: the LR carries the new priority after the kick */
	device_level(SPI_A, true);
	assert_int_equal(LR_PRIO(lr_of(SPI_A)), PRIO_A);
	other_vcpu_write(GICD_IPRIORITYR, SPI_A, 1, 0x30);
	take_kick();
	assert_int_equal(LR_PRIO(lr_of(SPI_A)), 0x30);

	/* ICENABLER while pending in the LR: out of the LR after the kick, not taken */
	other_vcpu_write(GICD_ICENABLER, SPI_A, 4, BIT_OF(SPI_A));
	take_kick();
	assert_int_equal(lr_of(SPI_A), 0);
	assert_int_equal(guest_take(), SPURIOUS);
	/* enabled again: delivered once */
	other_vcpu_write(GICD_ISENABLER, SPI_A, 4, BIT_OF(SPI_A));
	if (kicks[0])
		take_kick();
	settle();
	assert_int_equal(guest_take(), SPI_A);
	device_level(SPI_A, false);

	/* ICACTIVER while the guest handles it (active in the LR): ended at the fold, the
	 * physical line deactivated with it; the guest's own EOI later finds it gone */
	other_vcpu_write(GICD_ICACTIVER, SPI_A, 4, BIT_OF(SPI_A));
	assert_int_equal(v->lr_writes, VIRQ_WRITE_CLEAR_ACTIVE);
	assert_int_equal(guest_read(WORD_OF(GICD_ISACTIVER, SPI_A), 4) & BIT_OF(SPI_A), 0);
	take_kick();
	assert_false(v->active);
	assert_false(phys[SPI_A].active);
	assert_int_equal(lr_of(SPI_A), 0);
	guest_done(SPI_A);
	/* the first fire, dropped by ICPENDR; the second, held through the priority change and the
	 * disable, delivered once */
	assert_int_equal(phys[SPI_A].fires, 2);
	assert_int_equal(deliveries[SPI_A], 1);
	assert_int_equal(guest_take(), SPURIOUS);
}

/* ---- routing and ownership */

/* IROUTER to vCPU 1 routes the physical line to vCPU 1's CPU (affinity only); back to vCPU 0
 * (affinity 0: still a target), to no vCPU (the line stays where it was), in 32-bit halves. */
static void test_routing(void **state)
{
	struct virq *v;

	(void)state;
	boot(IRQ_MODE_HW, LEVEL, IRQ_MODE_EOI, LEVEL);
	guest_init();
	v = virq_of(SPI_A);

	guest_write(GICD_IROUTER + 8 * SPI_A, 8, VCPU1_AFF);
	assert_int_equal(nr_calls, 1);
	expect_call(0, HW_ROUTE, SPI_A, VCPU1_AFF);
	assert_int_equal(calls[0].frame, GICD_FRAME);
	assert_ptr_equal(v->target, &vcpu[1]);
	device_level(SPI_A, true);
	assert_int_equal(phys[SPI_A].fires, 1);
	assert_ptr_equal(v->ap_owner, &vcpu[1]); /* injected into vCPU 1, not the one running */
	assert_int_equal(lr_of(SPI_A), 0);

	/* 0.0.0.7: no such vCPU; the line stays where it was, pending in the vGIC */
	guest_write(GICD_IROUTER + 8 * SPI_A, 8, 0x7);
	assert_null(v->target);
	assert_null(v->ap_owner);
	guest_write(GICD_IPRIORITYR + SPI_A, 1, 0x40); /* a config change without a target */
	assert_int_equal(count_calls(HW_ROUTE, SPI_A), 1);
	assert_int_equal(phys[SPI_A].route, VCPU1_AFF);

	/* back to vCPU 0, whose affinity is 0: a target all the same */
	guest_write(GICD_IROUTER + 8 * SPI_A, 8, 0);
	assert_int_equal(count_calls(HW_ROUTE, SPI_A), 2);
	assert_int_equal(phys[SPI_A].route, 0);
	assert_ptr_equal(v->ap_owner, &vcpu[0]);
	assert_int_equal(guest_take(), SPI_A);
	device_level(SPI_A, false);
	guest_done(SPI_A);

	/* in 32-bit halves: the high half changes nothing, the low half moves it */
	guest_write(GICD_IROUTER + 8 * SPI_A + 4, 4, 0);
	guest_write(GICD_IROUTER + 8 * SPI_A, 4, VCPU1_AFF);
	assert_int_equal(count_calls(HW_ROUTE, SPI_A), 3);
	assert_int_equal(phys[SPI_A].route, VCPU1_AFF);
	guest_write(GICD_IPRIORITYR + SPI_A, 1, 0x50); /* same route: not written again */
	assert_int_equal(count_calls(HW_ROUTE, SPI_A), 3);
	assert_int_equal(count_calls(HW_ROUTE, SPI_B), 0);
}

/*
 * A guest whose vCPUs do not include affinity 0.0.0.0 (the second guest of a machine, on CPUs
 * 2 and 3): its SPIs are routed to its own first vCPU's CPU from set-up on, not left where
 * the distributor's reset put them (the boot CPU, another guest's); and no IROUTER it writes
 * moves them off its own CPUs (issue 9, defect 2).
 */
static void test_route_own_cpu_from_setup(void **state)
{
	unsigned int n;

	(void)state;
	boot_mpidrs = other_guest_mpidrs;
	boot(IRQ_MODE_HW, LEVEL, IRQ_MODE_EOI, EDGE);
	boot_mpidrs = mpidrs;
	assert_null(virq_of(SPI_A)->target);  /* IROUTER 0 names none of its vCPUs... */
	expect_call(2, HW_ROUTE, SPI_A, 0x2); /* ...yet the line is on its vCPU 0's CPU */
	expect_call(5, HW_ROUTE, SPI_B, 0x2);
	assert_int_equal(phys[SPI_A].route, 0x2);
	guest_write(GICD_CTLR, 4, GICD_CTLR_ENABLE_GRP1 | GICD_CTLR_ARE);
	nr_calls = 0;
	guest_write(GICD_IROUTER + 8 * SPI_A, 8, 0x0); /* CPU 0: not one of its own */
	guest_write(GICD_IROUTER + 8 * SPI_A, 8, 0x1);
	guest_write(GICD_IROUTER + 8 * SPI_A, 8, GICD_IROUTER_IRM);
	assert_int_equal(count_calls(HW_ROUTE, SPI_A), 0);
	assert_int_equal(phys[SPI_A].route, 0x2);
	guest_write(GICD_IROUTER + 8 * SPI_A, 8, 0x3); /* its vCPU 1 */
	assert_int_equal(phys[SPI_A].route, 0x3);
	for (n = 0; n < nr_calls; n++)
		if (calls[n].kind == HW_ROUTE)
			assert_true(calls[n].arg == 0x2 || calls[n].arg == 0x3);
}

/*
 * A guest stopped (SYSTEM_OFF) or restarted (SYSTEM_RESET) with a line in the middle of its
 * handling: quiesce disables the line, ends its active and pending state and forgets the
 * oneshot mask; a fire already on its way while quiesced is deactivated, not injected; after
 * the vGIC's reset and the restart the line is as at set-up (configured trigger, routed to the
 * VM's CPU) and works again.
 */
static void test_quiesce_restart(void **state)
{
	enum irq_mode mode = mode_of(state);
	struct virq *a;
	int index;

	boot(mode, LEVEL, IRQ_MODE_HW, EDGE);
	guest_init();
	guest_write(GICD_ICFGR + 8, 4, 0x2u << (2 * (SPI_A % 16))); /* the guest makes it edge */
	device_edge(SPI_A);
	assert_int_equal(guest_take(), SPI_A);
	assert_true(phys[SPI_A].active);

	spin_lock(&vg.config_lock);
	passthrough_quiesce(&pt);
	spin_unlock(&vg.config_lock);
	assert_false(phys[SPI_A].enabled);
	assert_false(phys[SPI_A].active);
	assert_false(phys[SPI_A].latch);
	assert_false(phys[SPI_B].enabled);
	assert_false(pt.line[0].phys_active);
	assert_false(pt.line[0].skiff_masked);

	/* a fire that was already on its way to passthrough_handle */
	index = passthrough_find(&pt, SPI_A);
	phys[SPI_A].active = true;
	nr_calls = 0;
	passthrough_handle(&pt, (unsigned int)index);
	expect_call(0, HW_DEACTIVATE, SPI_A, 0);
	assert_false(phys[SPI_A].active);

	spin_lock(&vg.config_lock);
	vgic_reset(&vg);
	passthrough_restart(&pt);
	spin_unlock(&vg.config_lock);
	check_unlocked();
	a = virq_of(SPI_A);
	assert_false(a->enabled || a->active || a->pending_latch);
	assert_false(a->edge); /* configured level again */
	assert_false(phys[SPI_A].edge);
	assert_int_equal(a->lr, -1);
	assert_null(vcpu[0].ap_head);
	assert_int_equal(vcpu[0].lr_used, 0);
	assert_int_equal(a->hw, mode == IRQ_MODE_HW); /* still its source and link */
	assert_ptr_equal(a->src, &pt.src);
	memset(&cpuif, 0, sizeof(cpuif)); /* the vCPU starts with empty LRs */

	guest_init(); /* the restarted guest's driver */
	device_level(SPI_A, true);
	assert_int_equal(guest_take(), SPI_A);
	device_level(SPI_A, false);
	guest_done(SPI_A);
	assert_false(phys[SPI_A].active);
	assert_true(phys[SPI_A].enabled);
}

/* A guest cannot enable, pend, activate, deactivate, configure or route a physical SPI that
 * is not its own: its writes cause no hardware call at all. */
static void test_foreign_spis(void **state)
{
	static const uint32_t bit_regs[] = { GICD_ISENABLER, GICD_ICENABLER, GICD_ISPENDR,
					     GICD_ICPENDR,   GICD_ISACTIVER, GICD_ICACTIVER,
					     GICD_IGROUPR };
	static const uint32_t foreign[] = { SPI_FOREIGN, SPI_BEYOND, TIMER_VIRT };
	unsigned int i, n;

	(void)state;
	boot(IRQ_MODE_HW, LEVEL, IRQ_MODE_ONESHOT, LEVEL);
	guest_init();
	phys[SPI_FOREIGN].line = true;
	phys[SPI_FOREIGN].enabled = false; /* the host's; it does not fire here */

	for (n = 0; n < ARRAY_SIZE(foreign); n++) {
		uint32_t intid = foreign[n];

		for (i = 0; i < ARRAY_SIZE(bit_regs); i++)
			guest_bit(bit_regs[i], intid);
		guest_write(GICD_IPRIORITYR + intid, 1, 0x10);
		guest_write(GICD_ICFGR + intid / 16 * 4, 4, GICD_ICFGR_EDGE << (2 * (intid % 16)));
		guest_write(GICD_IROUTER + 8 * intid, 8, VCPU1_AFF);
		guest_write(GICD_IROUTER + 8 * intid + 4, 4, 1);
	}
	assert_int_equal(nr_calls, 0);
	assert_false(phys[SPI_FOREIGN].enabled);
	assert_false(phys[SPI_FOREIGN].active);
	assert_false(phys[SPI_FOREIGN].latch);

	/* whole words: only the VM's own lines are touched */
	guest_write(GICD_ICENABLER + 4, 4, 0xffffffff);
	guest_write(GICD_ISENABLER + 4, 4, 0xffffffff);
	guest_write(GICD_ISPENDR + 4, 4, 0xffffffff);
	guest_write(GICD_ICPENDR + 4, 4, 0xffffffff);
	guest_read(GICD_ISPENDR + 4, 4);
	for (i = 0; i < nr_calls; i++)
		assert_true(calls[i].intid == SPI_A || calls[i].intid == SPI_B);
	assert_false(phys[SPI_FOREIGN].enabled);

	/* and the physical side only knows the lines it was given */
	passthrough_handle(&pt, 2);
	passthrough_handle(&pt, PASSTHROUGH_MAX_LINES);
	assert_int_equal(counter(SPI_A, SKIFF_CNT_SPI_TAKEN), 1); /* the ISPENDR above */
	assert_int_equal(counter(SPI_B, SKIFF_CNT_SPI_TAKEN), 1);
}

/* ---- set-up errors, counters, the PPI path */

static void test_init_errors(void **state)
{
	struct vgic_cpu *cpus[NR_VCPUS] = { &vcpu[0], &vcpu[1] };
	const enum irq_mode modes[PASSTHROUGH_MAX_LINES + 1] = { IRQ_MODE_HW };
	const bool edges[PASSTHROUGH_MAX_LINES + 1] = { false };
	uint32_t intids[PASSTHROUGH_MAX_LINES + 1];
	enum irq_mode bad_mode = (enum irq_mode)7;
	unsigned int i;

	(void)state;
	memset(vcpu, 0, sizeof(vcpu));
	vgic_init(&vg, &fake_vgic_ops, NR_INTIDS, cpus, NR_VCPUS);
	nr_calls = 0;
	for (i = 0; i < ARRAY_SIZE(intids); i++)
		intids[i] = SPI_A + i;

	assert_int_equal(passthrough_init_spis(&pt, &vg, &fake_hw, GICD_FRAME, intids, modes, edges,
					       0, NULL),
			 -1);
	assert_int_equal(passthrough_init_spis(&pt, &vg, &fake_hw, GICD_FRAME, intids, modes, edges,
					       PASSTHROUGH_MAX_LINES + 1, NULL),
			 -1);
	intids[0] = TIMER_VIRT;
	assert_int_equal(passthrough_init_spis(&pt, &vg, &fake_hw, GICD_FRAME, intids, modes, edges,
					       1, NULL),
			 -1);
	intids[0] = NR_INTIDS;
	assert_int_equal(passthrough_init_spis(&pt, &vg, &fake_hw, GICD_FRAME, intids, modes, edges,
					       1, NULL),
			 -1);
	intids[0] = SPI_A;
	assert_int_equal(passthrough_init_spis(&pt, &vg, &fake_hw, GICD_FRAME, intids, &bad_mode,
					       edges, 1, NULL),
			 -1);
	/* only the last of several is beyond nr_intids */
	intids[1] = SPI_B;
	intids[2] = NR_INTIDS;
	assert_int_equal(passthrough_init_spis(&pt, &vg, &fake_hw, GICD_FRAME, intids, modes, edges,
					       3, NULL),
			 -1);
	intids[1] = NR_INTIDS;
	assert_int_equal(passthrough_init_spis(&pt, &vg, &fake_hw, GICD_FRAME, intids, modes, edges,
					       2, NULL),
			 -1);
	assert_int_equal(nr_calls, 0); /* checked before anything is touched */
	assert_null(vgic_get_virq(&vg, NULL, SPI_A));
	assert_null(vgic_get_virq(&vg, NULL, SPI_B));

	/* an SPI given twice */
	intids[1] = SPI_A;
	assert_int_equal(passthrough_init_spis(&pt, &vg, &fake_hw, GICD_FRAME, intids, modes, edges,
					       2, NULL),
			 -1);
}

static void test_counters(void **state)
{
	(void)state;
	boot(IRQ_MODE_EOI, LEVEL, IRQ_MODE_HW, LEVEL);
	guest_init();
	device_level(SPI_A, true);
	assert_int_equal(guest_take(), SPI_A);
	device_level(SPI_A, false);
	guest_done(SPI_A);
	check_counters(SPI_A, 1, 1, 1, 0);
	check_counters(SPI_B, 0, 0, 0, 0);
	assert_int_equal(passthrough_counter(&pt, 0, SKIFF_CNT_VCPU_EXITS), 0);
	assert_int_equal(passthrough_counter(&pt, 0, 99), 0);
	assert_int_equal(passthrough_counter(&pt, 2, SKIFF_CNT_SPI_TAKEN), 0);
	assert_int_equal(passthrough_counter(&pt, 1000, SKIFF_CNT_SPI_TAKEN), 0);
}

static void ppi_set_enable(uintptr_t frame, uint32_t intid, bool on)
{
	assert_int_equal(frame, RD_FRAME);
	record(HW_ENABLE, frame, intid, on);
}

static bool ppi_is_pending(uintptr_t frame, uint32_t intid)
{
	assert_int_equal(frame, RD_FRAME);
	record(HW_IS_PENDING, frame, intid, 0);
	return false;
}

/* What hyp/core/vm.c gives the timer PPIs: these two and nothing else. */
static const struct passthrough_hw ppi_hw = {
	.set_enable = ppi_set_enable,
	.is_pending = ppi_is_pending,
};

static void redist_write(uint32_t reg, uint32_t val)
{
	assert_int_equal(vgic_redist_write(&vg, &vcpu[0], reg, 4, val), VGIC_ACCESS_OK);
}

/* The timer PPIs keep working with a passthrough_hw that has only set_enable and is_pending:
 * enable mirrored, pending read through, hardware-linked, nothing else called. */
static void test_ppis(void **state)
{
	struct vgic_cpu *cpus[NR_VCPUS] = { &vcpu[0], &vcpu[1] };
	const uint32_t ppis[] = { TIMER_VIRT, TIMER_PHYS };
	struct passthrough timers;
	struct virq *v;
	uint64_t val;
	unsigned int i;

	(void)state;
	memset(vcpu, 0, sizeof(vcpu));
	memset(&cpuif, 0, sizeof(cpuif));
	vgic_init(&vg, &fake_vgic_ops, NR_INTIDS, cpus, NR_VCPUS);
	vg.ctlr |= GICD_CTLR_ENABLE_GRP1;
	nr_calls = 0;
	assert_int_equal(passthrough_init_ppis(&timers, &vg, &vcpu[0], &ppi_hw, RD_FRAME, ppis, 2),
			 0);
	assert_int_equal(nr_calls, 2);
	expect_call(0, HW_ENABLE, TIMER_VIRT, false);
	expect_call(1, HW_ENABLE, TIMER_PHYS, false);
	assert_int_equal(passthrough_find(&timers, TIMER_PHYS), 1);
	v = vgic_get_virq(&vg, &vcpu[0], TIMER_VIRT);
	assert_true(v->hw);
	assert_int_equal(v->pintid, TIMER_VIRT);
	assert_ptr_equal(v->src, &timers.src);
	assert_ptr_equal(vgic_get_virq(&vg, &vcpu[1], TIMER_VIRT)->src, NULL);

	nr_calls = 0;
	redist_write(GICR_IGROUPR0, 1u << TIMER_VIRT);
	redist_write(GICR_ISENABLER0, 1u << TIMER_VIRT);
	expect_call(0, HW_ENABLE, TIMER_VIRT, true);
	redist_write(GICR_ICENABLER0, 1u << TIMER_VIRT);
	expect_call(1, HW_ENABLE, TIMER_VIRT, false);
	redist_write(GICR_ISENABLER0, 1u << TIMER_VIRT);
	assert_int_equal(nr_calls, 3);

	/* pending read through while the latch is clear */
	assert_int_equal(vgic_redist_read(&vg, &vcpu[0], GICR_ISPENDR0, 4, &val), VGIC_ACCESS_OK);
	assert_int_equal(count_calls(HW_IS_PENDING, TIMER_VIRT), 1);
	assert_int_equal(count_calls(HW_IS_PENDING, TIMER_PHYS), 1);
	nr_calls = 0;

	/* the rest stays virtual: no passthrough_hw call, nothing NULL called */
	redist_write(GICR_ISPENDR0, 1u << TIMER_VIRT);
	assert_true(v->pending_latch);
	redist_write(GICR_IPRIORITYR0 + TIMER_VIRT / 4 * 4, 0x80u << (8 * (TIMER_VIRT % 4)));
	redist_write(GICR_ICFGR1, 0);
	assert_int_equal(nr_calls, 0);
	spin_lock(&vcpu[0].ap_lock);
	lr_flush(&vcpu[0], &lr_hw);
	spin_unlock(&vcpu[0].ap_lock);
	vgic_requeue(&vg, &vcpu[0]);
	val = lr_of(TIMER_VIRT);
	assert_true(val & ICH_LR_HW);
	assert_int_equal(LR_PINTID(val), TIMER_VIRT);
	assert_false(val & ICH_LR_EOI);
	spin_lock(&vcpu[0].ap_lock);
	lr_fold(&vcpu[0], &lr_hw);
	spin_unlock(&vcpu[0].ap_lock);
	vgic_requeue(&vg, &vcpu[0]);
	redist_write(GICR_ICPENDR0, 1u << TIMER_VIRT);
	assert_false(v->pending_latch);
	redist_write(GICR_ISACTIVER0, 1u << TIMER_VIRT);
	redist_write(GICR_ICACTIVER0, 1u << TIMER_VIRT);
	for (i = 0; i < nr_calls; i++)
		assert_int_equal(calls[i].kind,
				 VGIC_DEACTIVATE); /* the vGIC's, not passthrough's */
}

/* The same test once per mode, named for it */
// clang-format off
#define PER_MODE(f)                                                               \
	{ .name = #f "_hw", .test_func = f, .initial_state = &mode_hw },          \
	{ .name = #f "_eoi", .test_func = f, .initial_state = &mode_eoi },        \
	{ .name = #f "_oneshot", .test_func = f, .initial_state = &mode_oneshot }
#define PER_MODE_FAST(f)                                                                  \
	{ .name = #f "_eoi_fast", .test_func = f, .initial_state = &mode_eoi,             \
	  .setup_func = setup_fast, .teardown_func = teardown_fast },                     \
	{ .name = #f "_oneshot_fast", .test_func = f, .initial_state = &mode_oneshot,     \
	  .setup_func = setup_fast, .teardown_func = teardown_fast }
// clang-format on

/* The "_fast" runs: the same tests with the eoi/oneshot fast path taking what it can. */
static int setup_fast(void **state)
{
	(void)state;
	fast_path = true;
	memset(&fast_taken, 0, sizeof(fast_taken));
	return 0;
}

static int teardown_fast(void **state)
{
	(void)state;
	fast_path = false;
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		PER_MODE(test_init),
		PER_MODE(test_lr_bits),
		PER_MODE(test_level_once_per_cycle),
		PER_MODE(test_edge_during_handling),
		PER_MODE(test_stuck_line_blocks_only_itself),
		PER_MODE(test_mirroring),
		PER_MODE(test_icpendr_untaken),
		PER_MODE(test_icpendr_while_active),
		PER_MODE(test_ispendr_late_fire),
		PER_MODE(test_icactiver_while_handling),
		PER_MODE(test_quiesce_restart),
		PER_MODE(test_cross_vcpu_writes),
		PER_MODE_FAST(test_cross_vcpu_writes),
		PER_MODE_FAST(test_lr_bits),
		PER_MODE_FAST(test_level_once_per_cycle),
		PER_MODE_FAST(test_edge_during_handling),
		PER_MODE_FAST(test_stuck_line_blocks_only_itself),
		PER_MODE_FAST(test_mirroring),
		PER_MODE_FAST(test_icpendr_untaken),
		PER_MODE_FAST(test_icpendr_while_active),
		PER_MODE_FAST(test_ispendr_late_fire),
		PER_MODE_FAST(test_icactiver_while_handling),
		PER_MODE_FAST(test_quiesce_restart),
		cmocka_unit_test(test_fast_path_figures),
		cmocka_unit_test(test_route_own_cpu_from_setup),
		cmocka_unit_test(test_oneshot_threaded),
		cmocka_unit_test(test_oneshot_asserted_at_unmask),
		cmocka_unit_test(test_oneshot_no_deferral),
		cmocka_unit_test(test_oneshot_masked_icfgr),
		cmocka_unit_test(test_hw_isactiver_then_icpendr),
		cmocka_unit_test(test_no_deferral_icfgr),
		cmocka_unit_test(test_state_write_retries_for_fast_lr),
		cmocka_unit_test(test_oneshot_figures),
		cmocka_unit_test(test_routing),
		cmocka_unit_test(test_foreign_spis),
		cmocka_unit_test(test_init_errors),
		cmocka_unit_test(test_counters),
		cmocka_unit_test(test_ppis),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
