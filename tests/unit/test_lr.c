/*
 * test_lr.c - host unit tests for irq/lr.c, the list-register manager, linked with the real
 * irq/vgic.c. The guest is played by a fake GICv3 virtual CPU interface that behaves as the
 * architecture says (IHI 0069): an array of list registers, ICH_HCR_EL2 with EOIcount, a
 * stack of active priorities, acknowledge (pending -> active, highest priority that can
 * preempt the running priority), EOI with EOImode 0 (priority drop, then deactivation of the
 * LR with that vINTID, or EOIcount + 1 when none), HW=1 deactivation of the physical
 * interrupt, and the maintenance conditions of ICH_MISR_EL2.
 *
 * The same fake can hold its list registers as a GICv2 does (v2_mode): 32-bit GICH_LR values
 * (drivers/gicv2_lr.h: 5 priority bits, 10-bit INTIDs, CPUID for SGIs), which the hypervisor
 * writes and reads through the translation and the guest sees decoded; the vGIC is then a
 * GICv2 (vgic_set_v2) and SGIs carry their source CPU.
 *
 * First one case per rule and per failure mode other hypervisors had; then a randomized
 * model check against a reference model of which interrupts are pending and active, with
 * GICv3 list registers and again with GICv2 ones (where some of its interrupts are SGIs
 * pending from several sources).
 * Touches nothing but its own state.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/gicv2_lr.h"
#include "irq/lr.h"
#include "irq/source.h"
#include "irq/vgic.h"
#include "irq/vgic_mmio.h"
#include "irq/virq.h"

#define NR_SPIS 64
#define SPI(n) (VGIC_INTID_SPI_BASE + (n))
#define TIMER_PPI 27
#define SPURIOUS 1023u
#define MAX_PINTID 1024
#define MAX_NEST 64
#define NO_RESAMPLE (-1)

#define LR_STATE(val) ((val)&ICH_LR_STATE_MASK)
#define LR_INTID(val) ((uint32_t)((val)&ICH_LR_VINTID_MASK))
#define LR_PRIO(val) ((unsigned int)(((val)&ICH_LR_PRIORITY_MASK) >> ICH_LR_PRIORITY_SHIFT))
#define LR_PINTID(val) ((uint32_t)(((val)&ICH_LR_PINTID_MASK) >> ICH_LR_PINTID_SHIFT))
#define HCR_EOICOUNT(val) (((val)&ICH_HCR_EOICOUNT_MASK) >> ICH_HCR_EOICOUNT_SHIFT)
#define LR_CPUID(val) ((unsigned int)(((val)&LR_V2_CPUID_MASK) >> LR_V2_CPUID_SHIFT))

/* ---- the fake virtual CPU interface: the guest's view of the list registers */

struct fake_cpuif {
	unsigned int nr; /* list registers implemented */
	uint64_t lr[VGIC_MAX_LRS];
	uint32_t hcr; /* as the hypervisor wrote it, EOIcount field included */
	struct {
		unsigned int prio;
		uint32_t intid;
	} ap[MAX_NEST]; /* active priorities: acknowledged and not yet EOIed, newest last */
	unsigned int nr_ap;
	unsigned int phys_deact[MAX_PINTID]; /* by the GIC, through an LR with HW=1 */
	uint32_t gich_lr[VGIC_MAX_LRS];	     /* v2_mode: the registers themselves */
};

static struct fake_cpuif cpu;
static bool v2_mode; /* a GICv2: GICH_LR registers, and the vGIC made a GICv2 */

/*
 * In v2_mode the LRs are cpu.gich_lr[]; cpu.lr[] is the guest's decoded view of them, which the
 * guest model below changes (only ever the state bits, as the GIC does), so every hypervisor
 * access first encodes that view back into the register.
 */
static void gich_sync(unsigned int n)
{
	if (v2_mode)
		cpu.gich_lr[n] = gicv2_lr_from_ich(cpu.lr[n]);
}

static uint64_t fake_read_lr(unsigned int n)
{
	assert_true(n < cpu.nr);
	if (!v2_mode)
		return cpu.lr[n];
	gich_sync(n);
	return gicv2_lr_to_ich(cpu.gich_lr[n]);
}

/* called after each LR write: another CPU acting between two of a flush's writes */
static void (*write_hook)(unsigned int n);

static void fake_write_lr(unsigned int n, uint64_t val)
{
	assert_true(n < cpu.nr);
	cpu.lr[n] = val;
	if (v2_mode) {
		gich_sync(n);
		cpu.lr[n] = gicv2_lr_to_ich(cpu.gich_lr[n]); /* what the 32 bits kept */
	}
	if (write_hook)
		write_hook(n);
}

static uint32_t fake_read_hcr(void)
{
	return cpu.hcr;
}

static void fake_write_hcr(uint32_t val)
{
	cpu.hcr = val;
}

/* ICH_ELRSR_EL2 / ICH_EISR_EL2 of the fake: invalid and no EOI maintenance owed (HW=1 or no
 * EOI bit) / invalid with the EOI bit and HW=0 */
static uint32_t fake_lr_bits(bool eoi_owed)
{
	uint32_t m = 0;
	unsigned int n;

	for (n = 0; n < cpu.nr; n++) {
		uint64_t val = fake_read_lr(n);
		bool owed = (val & (ICH_LR_HW | ICH_LR_EOI)) == ICH_LR_EOI;

		if (!(val & ICH_LR_STATE_MASK) && owed == eoi_owed)
			m |= 1u << n;
	}
	return m;
}

static uint32_t fake_read_elrsr(void)
{
	return fake_lr_bits(false);
}

static uint32_t fake_read_eisr(void)
{
	return fake_lr_bits(true);
}

static struct lr_hw hw = {
	.read_lr = fake_read_lr,
	.write_lr = fake_write_lr,
	.read_hcr = fake_read_hcr,
	.write_hcr = fake_write_hcr,
	.read_elrsr = fake_read_elrsr,
	.read_eisr = fake_read_eisr,
};

static void set_nr_lrs(unsigned int nr)
{
	cpu.nr = nr;
	hw.nr_lrs = nr;
}

static unsigned int running_prio(void)
{
	return cpu.nr_ap ? cpu.ap[cpu.nr_ap - 1].prio : 0x100;
}

/* ICV_IAR1_EL1: the highest-priority LR in the pending state (not pending+active) whose
 * priority is higher than the running priority becomes active. */
static uint32_t guest_ack(void)
{
	int best = -1;
	unsigned int n;

	if (!(cpu.hcr & ICH_HCR_EN))
		return SPURIOUS;
	for (n = 0; n < cpu.nr; n++) {
		uint64_t val = cpu.lr[n];

		if (LR_STATE(val) != ICH_LR_PENDING)
			continue;
		if (best < 0 || LR_PRIO(val) < LR_PRIO(cpu.lr[best]) ||
		    (LR_PRIO(val) == LR_PRIO(cpu.lr[best]) &&
		     LR_INTID(val) < LR_INTID(cpu.lr[best])))
			best = (int)n;
	}
	if (best < 0 || LR_PRIO(cpu.lr[best]) >= running_prio())
		return SPURIOUS;
	cpu.lr[best] = (cpu.lr[best] & ~ICH_LR_STATE_MASK) | ICH_LR_ACTIVE;
	assert_true(cpu.nr_ap < MAX_NEST);
	cpu.ap[cpu.nr_ap].prio = LR_PRIO(cpu.lr[best]);
	cpu.ap[cpu.nr_ap].intid = LR_INTID(cpu.lr[best]);
	cpu.nr_ap++;
	return LR_INTID(cpu.lr[best]);
}

/* ICV_EOIR1_EL1 with EOImode 0: drop the running priority, then deactivate the LR that holds
 * intid active; with none, count the EOI in EOIcount. The test guest EOIs in nesting order. */
static void guest_eoi(uint32_t intid)
{
	unsigned int n;

	assert_true(cpu.nr_ap > 0);
	assert_int_equal(cpu.ap[cpu.nr_ap - 1].intid, intid);
	cpu.nr_ap--;
	for (n = 0; n < cpu.nr; n++) {
		uint64_t val = cpu.lr[n];

		if (!(val & ICH_LR_ACTIVE) || LR_INTID(val) != intid)
			continue;
		if (val & ICH_LR_HW) {
			assert_true(LR_PINTID(val) < MAX_PINTID);
			cpu.phys_deact[LR_PINTID(val)]++;
		}
		cpu.lr[n] = val & ~ICH_LR_ACTIVE;
		return;
	}
	cpu.hcr = (cpu.hcr & ~ICH_HCR_EOICOUNT_MASK) |
		  (((HCR_EOICOUNT(cpu.hcr) + 1) << ICH_HCR_EOICOUNT_SHIFT) & ICH_HCR_EOICOUNT_MASK);
}

/* EOI the most recently acknowledged interrupt. */
static uint32_t guest_eoi_top(void)
{
	uint32_t intid;

	assert_true(cpu.nr_ap > 0);
	intid = cpu.ap[cpu.nr_ap - 1].intid;
	guest_eoi(intid);
	return intid;
}

/* ICH_MISR_EL2: which maintenance interrupts are asserted now. */
static uint32_t misr(void)
{
	unsigned int n, valid = 0;
	bool pending = false, eoi = false;
	uint32_t m = 0;

	for (n = 0; n < cpu.nr; n++) {
		uint64_t val = cpu.lr[n];

		if (LR_STATE(val))
			valid++;
		if (LR_STATE(val) == ICH_LR_PENDING)
			pending = true;
		if ((val & (ICH_LR_STATE_MASK | ICH_LR_HW | ICH_LR_EOI)) == ICH_LR_EOI)
			eoi = true;
	}
	if (!(cpu.hcr & ICH_HCR_EN))
		return 0;
	if (eoi)
		m |= ICH_MISR_EOI;
	if ((cpu.hcr & ICH_HCR_UIE) && valid < 2)
		m |= ICH_MISR_U;
	if ((cpu.hcr & ICH_HCR_LRENPIE) && HCR_EOICOUNT(cpu.hcr))
		m |= ICH_MISR_LRENP;
	if ((cpu.hcr & ICH_HCR_NPIE) && !pending)
		m |= ICH_MISR_NP;
	return m;
}

static int find_lr(uint32_t intid)
{
	unsigned int n;

	for (n = 0; n < cpu.nr; n++)
		if (LR_STATE(cpu.lr[n]) && LR_INTID(cpu.lr[n]) == intid)
			return (int)n;
	return -1;
}

static uint64_t lr_of(uint32_t intid)
{
	int n = find_lr(intid);

	return n < 0 ? 0 : cpu.lr[n];
}

/* ---- the VM: one vCPU, a vGIC, one interrupt source behind every SPI */

static struct vgic vg;
static struct vgic_cpu vc;
static struct irq_source src;
static struct irq_source sgi_src;		/* behind the model's SGIs: index = INTID */
static unsigned int eoi_calls[VGIC_MAX_INTIDS]; /* the source's eoi(), by INTID */
static int resample_to[VGIC_MAX_INTIDS];	/* line level the source sets at eoi() */
static unsigned int hyp_phys_deact[MAX_PINTID]; /* by skiff, through ops->deactivate_phys */
static void (*eoi_hook)(uint32_t intid);

static void src_eoi(struct irq_source *s, unsigned int index)
{
	uint32_t intid = s->first_intid + index;

	eoi_calls[intid]++;
	if (resample_to[intid] != NO_RESAMPLE)
		vgic_set_level_locked(&vg, &vc, intid, resample_to[intid]);
	if (eoi_hook)
		eoi_hook(intid);
}

static const struct irq_source_ops src_ops = {
	.eoi = src_eoi,
};

static void ops_kick(struct vgic *g, unsigned int vcpu)
{
	(void)g;
	(void)vcpu;
}

static void ops_deactivate_phys(struct vgic *g, const struct vgic_cpu *vc, uint32_t pintid)
{
	/* vc: the vCPU of a private interrupt, NULL for an SPI (struct vgic_ops) */
	assert_true(pintid >= VGIC_INTID_SPI_BASE ? vc == NULL : vc != NULL);
	assert_ptr_equal(g, &vg);
	assert_true(pintid < MAX_PINTID);
	hyp_phys_deact[pintid]++;
}

static const struct vgic_ops vgic_ops = {
	.kick = ops_kick,
	.deactivate_phys = ops_deactivate_phys,
};

static int setup(void **state)
{
	struct vgic_cpu *cpus[1] = { &vc };
	unsigned int i;

	(void)state;
	memset(&cpu, 0, sizeof(cpu));
	memset(&vg, 0, sizeof(vg));
	memset(&vc, 0, sizeof(vc));
	memset(&src, 0, sizeof(src));
	memset(eoi_calls, 0, sizeof(eoi_calls));
	memset(hyp_phys_deact, 0, sizeof(hyp_phys_deact));
	for (i = 0; i < VGIC_MAX_INTIDS; i++)
		resample_to[i] = NO_RESAMPLE;
	eoi_hook = NULL;
	write_hook = NULL;
	set_nr_lrs(4); /* QEMU's cortex-a57 */

	vc.mpidr = 0;
	vgic_init(&vg, &vgic_ops, VGIC_INTID_SPI_BASE + NR_SPIS, cpus, 1);
	if (v2_mode)
		vgic_set_v2(&vg);
	vg.ctlr |= GICD_CTLR_ENABLE_GRP0 | GICD_CTLR_ENABLE_GRP1;
	src.ops = &src_ops;
	src.kind = IRQ_SOURCE_EMULATED;
	src.vgic = &vg;
	src.first_intid = SPI(0);
	src.count = NR_SPIS;
	sgi_src.ops = &src_ops;
	sgi_src.kind = IRQ_SOURCE_EMULATED;
	sgi_src.vgic = &vg;
	sgi_src.first_intid = 0;
	sgi_src.count = VGIC_NR_SGIS;
	for (i = 0; i < NR_SPIS; i++)
		if (vgic_claim_spi(&vg, SPI(i), &src, i))
			return -1;
	return 0;
}

static struct virq *irq(uint32_t intid, uint8_t prio, bool edge)
{
	struct virq *v = vgic_get_virq(&vg, &vc, intid);

	assert_non_null(v);
	v->priority = prio;
	v->edge = edge;
	v->group = 1;
	v->enabled = true;
	return v;
}

/* As a source would inject: with the virq's lock held (the functions assert it). */
static void trigger(uint32_t intid)
{
	struct virq *v = vgic_lock_virq(&vg, &vc, intid);

	vgic_trigger_locked(&vg, &vc, intid);
	vgic_unlock_virq(v);
}

static void set_level(uint32_t intid, bool level)
{
	struct virq *v = vgic_lock_virq(&vg, &vc, intid);

	vgic_set_level_locked(&vg, &vc, intid, level);
	vgic_unlock_virq(v);
}

static void queue(struct virq *v)
{
	spin_lock(&v->lock);
	vgic_queue(&vg, v);
	spin_unlock(&v->lock);
}

static void set_enabled(struct virq *v, bool on)
{
	v->enabled = on;
	queue(v);
}

static bool on_list(const struct virq *v)
{
	const struct virq *w;

	for (w = vc.ap_head; w; w = w->ap_next)
		if (w == v)
			return v->ap_owner == &vc;
	return false;
}

static unsigned int list_len(void)
{
	const struct virq *w;
	unsigned int len = 0;

	for (w = vc.ap_head; w; w = w->ap_next)
		len++;
	return len;
}

/*
 * What must hold right after lr_flush(): the LRs are what the bookkeeping says, each LR
 * describes its virq (INTID, priority, group, state, HW and pINTID, EOI bit), no INTID is in
 * two LRs, a HW LR is never pending+active, unused LRs are 0, ICH_HCR_EL2 has En and a zero
 * EOIcount, and no maintenance interrupt is asserted (no storm).
 */
static void check_flushed(void)
{
	const struct virq *w;
	unsigned int n, m, in_lr = 0;

	assert_true(vc.lr_used <= cpu.nr);
	assert_int_equal(vc.hcr, cpu.hcr);
	assert_true(cpu.hcr & ICH_HCR_EN);
	assert_int_equal(HCR_EOICOUNT(cpu.hcr), 0);
	for (n = 0; n < cpu.nr; n++) {
		uint64_t val = cpu.lr[n];
		const struct virq *v = vc.lr_virq[n];

		if (n >= vc.lr_used) {
			assert_int_equal(val, 0);
			assert_null(v);
			continue;
		}
		assert_non_null(v);
		assert_int_equal(vc.lr_written[n], val);
		assert_int_equal(v->lr, n);
		assert_true(on_list(v));
		assert_int_equal(LR_INTID(val), v->intid);
		assert_int_equal(LR_PRIO(val), v->priority);
		assert_int_equal(!!(val & ICH_LR_GROUP), v->group);
		assert_true(LR_STATE(val) != 0);
		assert_int_equal(!!(val & ICH_LR_ACTIVE), v->active);
		if (val & ICH_LR_HW) {
			assert_true(v->hw);
			assert_int_equal(LR_PINTID(val), v->pintid);
			assert_true(LR_STATE(val) != ICH_LR_STATE_MASK);
		} else if (v->eoi_notify) {
			assert_true(val & ICH_LR_EOI);
		}
		if ((v->hw || v->eoi_notify) && (val & ICH_LR_ACTIVE))
			assert_false(val & ICH_LR_PENDING);
		if (v2_mode && v->intid < VGIC_NR_SGIS) {
			/* one CPUID names one source: never pending and active together, and
			 * an active one names the source the guest took */
			assert_true(LR_STATE(val) != ICH_LR_STATE_MASK);
			if (val & ICH_LR_ACTIVE)
				assert_int_equal(LR_CPUID(val), v->sgi_active_src);
		} else if (!(val & ICH_LR_HW)) {
			assert_int_equal(LR_CPUID(val), 0); /* RES0 in ICH_LR */
		}
		for (m = 0; m < n; m++)
			assert_int_not_equal(LR_INTID(cpu.lr[m]), LR_INTID(val));
	}
	for (w = vc.ap_head; w; w = w->ap_next) {
		assert_ptr_equal(w->ap_owner, &vc);
		if (w->lr >= 0) {
			assert_true((unsigned int)w->lr < vc.lr_used);
			assert_ptr_equal(vc.lr_virq[w->lr], w);
			in_lr++;
		}
	}
	assert_int_equal(in_lr, vc.lr_used);
	assert_int_equal(misr(), 0);
}

static void check_folded(void)
{
	const struct virq *w;

	assert_int_equal(vc.lr_used, 0);
	for (w = vc.ap_head; w; w = w->ap_next)
		assert_int_equal(w->lr, -1);
}

/* The vCPU leaves the guest, and enters it again. */
/* lr_fold() and lr_flush() run under the vCPU's ap_lock, as hyp/run/vcpu.c calls them, and
 * what a prune moved to another list is queued after it */
static void leave_guest(void)
{
	spin_lock(&vc.ap_lock);
	lr_fold(&vc, &hw);
	spin_unlock(&vc.ap_lock);
	vgic_requeue(&vg, &vc);
	check_folded();
}

static void enter_guest(void)
{
	do {
		spin_lock(&vc.ap_lock);
		lr_flush(&vc, &hw);
		spin_unlock(&vc.ap_lock);
	} while (vgic_requeue(&vg, &vc));
	check_flushed();
}

static void exit_guest(void)
{
	leave_guest();
	enter_guest();
}

/* Take every maintenance interrupt the guest has raised. */
static unsigned int service_maintenance(void)
{
	unsigned int exits = 0;

	while (misr()) {
		exit_guest();
		exits++;
		assert_true(exits < 4);
	}
	return exits;
}

/* Acknowledge, expecting intid; then take any maintenance interrupt. */
static void ack_expect(uint32_t intid)
{
	assert_int_equal(guest_ack(), intid);
	service_maintenance();
}

static void eoi_expect(uint32_t intid)
{
	assert_int_equal(guest_eoi_top(), intid);
	service_maintenance();
}

/* Deliver intid (triggered in an exit) and acknowledge it: it becomes active, nested. */
static void take(uint32_t intid)
{
	leave_guest();
	trigger(intid);
	enter_guest();
	ack_expect(intid);
}

/* The guest handles everything it can until nothing is left: acknowledge while there is
 * something to take, else EOI the innermost; maintenance interrupts are taken as they come.
 * The INTIDs acknowledged go to order[] (if not NULL, up to max). Returns how many there
 * were; bounded, so a livelock fails the test. */
static unsigned int drain_order(uint32_t *order, unsigned int max)
{
	unsigned int ops = 0, acks = 0;

	for (;;) {
		uint32_t intid = guest_ack();

		if (intid == SPURIOUS) {
			if (!cpu.nr_ap)
				break;
			guest_eoi_top();
		} else {
			if (order && acks < max)
				order[acks] = intid;
			acks++;
		}
		service_maintenance();
		assert_true(++ops < 10000);
	}
	exit_guest();
	return acks;
}

static unsigned int drain(void)
{
	return drain_order(NULL, 0);
}

static void check_idle(void)
{
	unsigned int n;

	assert_null(vc.ap_head);
	assert_int_equal(vc.lr_used, 0);
	for (n = 0; n < cpu.nr; n++)
		assert_int_equal(cpu.lr[n], 0);
	assert_int_equal(cpu.hcr, ICH_HCR_EN);
	assert_int_equal(cpu.nr_ap, 0);
}

/* ---- one case per rule */

static void test_flush_empty(void **state)
{
	(void)state;
	cpu.lr[2] = ~0ull; /* stale */
	enter_guest();
	check_idle();
}

static void test_lr_fields(void **state)
{
	struct virq *e = irq(SPI(8), 0xa0, true);
	struct virq *g0 = irq(SPI(9), 0xb0, true);
	struct virq *l = irq(SPI(10), 0xc0, false);

	(void)state;
	g0->group = 0;
	trigger(SPI(8));
	trigger(SPI(9));
	set_level(SPI(10), true);
	enter_guest();

	assert_int_equal(vc.lr_used, 3);
	assert_int_equal(cpu.lr[0], SPI(8) | (0xa0ull << ICH_LR_PRIORITY_SHIFT) | ICH_LR_GROUP |
					    ICH_LR_PENDING);
	assert_int_equal(cpu.lr[1], SPI(9) | (0xb0ull << ICH_LR_PRIORITY_SHIFT) | ICH_LR_PENDING);
	/* a level line high: the EOI bit, so that it is pending again after deactivation */
	assert_int_equal(cpu.lr[2], SPI(10) | (0xc0ull << ICH_LR_PRIORITY_SHIFT) | ICH_LR_GROUP |
					    ICH_LR_PENDING | ICH_LR_EOI);
	assert_int_equal(cpu.lr[3], 0);
	assert_ptr_equal(vc.lr_virq[0], e);
	assert_ptr_equal(vc.lr_virq[1], g0);
	assert_ptr_equal(vc.lr_virq[2], l);
	assert_int_equal(e->lr, 0);
	assert_false(e->pending_latch); /* moved into the LR */
	assert_true(l->line_level);
	assert_int_equal(cpu.hcr, ICH_HCR_EN);
}

static void test_sort_order(void **state)
{
	static const uint8_t prio[6] = { 0x80, 0x40, 0x40, 0xc0, 0x20, 0x80 };
	unsigned int i;

	(void)state;
	for (i = 0; i < 6; i++) {
		irq(SPI(i), prio[i], true);
		trigger(SPI(i));
	}
	enter_guest();
	/* priority first, then INTID */
	assert_int_equal(LR_INTID(cpu.lr[0]), SPI(4));
	assert_int_equal(LR_INTID(cpu.lr[1]), SPI(1));
	assert_int_equal(LR_INTID(cpu.lr[2]), SPI(2));
	assert_int_equal(LR_INTID(cpu.lr[3]), SPI(0));
	/* left out, still pending, still listed */
	for (i = 3; i < 6; i += 2) {
		struct virq *v = vgic_get_virq(&vg, &vc, SPI(i));

		assert_int_equal(v->lr, -1);
		assert_true(v->pending_latch);
		assert_true(on_list(v));
	}
	assert_int_equal(cpu.hcr, ICH_HCR_EN | ICH_HCR_UIE | ICH_HCR_NPIE);

	/* the guest takes them in rank order, the left-out ones after a maintenance exit */
	{
		static const unsigned int want[6] = { 4, 1, 2, 0, 5, 3 };
		uint32_t order[6];

		assert_int_equal(drain_order(order, 6), 6);
		for (i = 0; i < 6; i++)
			assert_int_equal(order[i], SPI(want[i]));
	}
	check_idle();
}

static void test_pending_beats_active(void **state)
{
	(void)state;
	irq(SPI(0), 0x60, true);
	irq(SPI(1), 0x50, true);
	irq(SPI(2), 0x40, true);
	irq(SPI(3), 0xa0, true);
	irq(SPI(4), 0xb0, true);
	enter_guest();
	take(SPI(0));
	take(SPI(1));
	take(SPI(2));
	assert_int_equal(cpu.hcr, ICH_HCR_EN);

	leave_guest();
	trigger(SPI(3));
	trigger(SPI(4));
	enter_guest();
	assert_int_equal(cpu.lr[0], SPI(3) | (0xa0ull << ICH_LR_PRIORITY_SHIFT) | ICH_LR_GROUP |
					    ICH_LR_PENDING);
	assert_int_equal(cpu.lr[1], SPI(4) | (0xb0ull << ICH_LR_PRIORITY_SHIFT) | ICH_LR_GROUP |
					    ICH_LR_PENDING);
	assert_int_equal(cpu.lr[2], SPI(2) | (0x40ull << ICH_LR_PRIORITY_SHIFT) | ICH_LR_GROUP |
					    ICH_LR_ACTIVE);
	assert_int_equal(cpu.lr[3], SPI(1) | (0x50ull << ICH_LR_PRIORITY_SHIFT) | ICH_LR_GROUP |
					    ICH_LR_ACTIVE);
	/* the lowest active lives outside: LRENPIE; five want four LRs: UIE; no pending out */
	assert_int_equal(cpu.hcr, ICH_HCR_EN | ICH_HCR_UIE | ICH_HCR_LRENPIE);
	assert_int_equal(vgic_get_virq(&vg, &vc, SPI(0))->lr, -1);
	assert_true(vgic_get_virq(&vg, &vc, SPI(0))->active);

	drain();
	check_idle();
	assert_int_equal(eoi_calls[SPI(0)], 1);
	assert_int_equal(eoi_calls[SPI(1)], 1);
	assert_int_equal(eoi_calls[SPI(2)], 1);
	assert_int_equal(eoi_calls[SPI(3)], 1);
	assert_int_equal(eoi_calls[SPI(4)], 1);
}

static void test_uie_threshold(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < 5; i++)
		irq(SPI(i), (uint8_t)(0x20 + 8 * i), true);
	for (i = 0; i < 4; i++)
		trigger(SPI(i));
	enter_guest();
	assert_int_equal(cpu.hcr, ICH_HCR_EN); /* exactly as many as LRs */

	leave_guest();
	trigger(SPI(4));
	enter_guest();
	assert_int_equal(cpu.hcr, ICH_HCR_EN | ICH_HCR_UIE | ICH_HCR_NPIE);

	/* a single LR: UIE ("at most one LR valid") would always fire; NPIE does the work */
	leave_guest();
	set_nr_lrs(1);
	enter_guest();
	assert_int_equal(cpu.hcr, ICH_HCR_EN | ICH_HCR_NPIE);
	assert_int_equal(LR_INTID(cpu.lr[0]), SPI(0));
	drain();
	check_idle();
	for (i = 0; i < 5; i++)
		assert_int_equal(eoi_calls[SPI(i)], 1);
}

static void test_npie_and_uie_bring_back_pending(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < 6; i++) {
		irq(SPI(i), (uint8_t)(0x80 - 8 * i), true); /* SPI(5) highest */
		trigger(SPI(i));
	}
	enter_guest();
	assert_true(cpu.hcr & ICH_HCR_NPIE);
	/* the guest takes the highest first; nothing below preempts it until its EOI */
	assert_int_equal(guest_ack(), SPI(5));
	assert_int_equal(guest_ack(), SPURIOUS);
	assert_int_equal(misr(), 0); /* three LRs still pending */
	assert_int_equal(guest_eoi_top(), SPI(5));
	assert_int_equal(guest_ack(), SPI(4));
	assert_int_equal(guest_eoi_top(), SPI(4));
	assert_int_equal(guest_ack(), SPI(3));
	assert_int_equal(guest_eoi_top(), SPI(3));
	assert_int_equal(misr(), ICH_MISR_U); /* one LR left valid */
	exit_guest();
	assert_int_equal(LR_INTID(cpu.lr[0]), SPI(2));
	assert_int_equal(LR_INTID(cpu.lr[1]), SPI(1));
	assert_int_equal(LR_INTID(cpu.lr[2]), SPI(0));
	drain();
	check_idle();
}

/*
 * A pending+active interrupt cannot be taken before it is deactivated, so one the guest can
 * take ranks above it. With one LR the pending+active one waits outside, its pending state in
 * the virq and its EOI counted (LRENPIE); its second edge follows the deactivation.
 */
static void test_takeable_beats_pending_active(void **state)
{
	struct virq *a = irq(SPI(0), 0x20, true);

	(void)state;
	irq(SPI(1), 0x30, true);
	set_nr_lrs(1);
	enter_guest();
	take(SPI(0));
	leave_guest();
	trigger(SPI(0)); /* again, while active */
	trigger(SPI(1));
	enter_guest();
	assert_int_equal(cpu.lr[0], SPI(1) | (0x30ull << ICH_LR_PRIORITY_SHIFT) | ICH_LR_GROUP |
					    ICH_LR_PENDING);
	/* nothing takeable left out: no NPIE (it would fire once SPI 1 is taken, for nothing) */
	assert_int_equal(cpu.hcr, ICH_HCR_EN | ICH_HCR_LRENPIE);
	assert_true(a->pending_latch && a->active);

	assert_int_equal(guest_eoi_top(), SPI(0)); /* outside the LRs: EOIcount */
	assert_int_equal(misr(), ICH_MISR_LRENP);
	exit_guest();
	assert_int_equal(eoi_calls[SPI(0)], 1);
	assert_int_equal(LR_INTID(cpu.lr[0]), SPI(0)); /* its second edge, above SPI 1 */
	ack_expect(SPI(0));
	eoi_expect(SPI(0));
	assert_int_equal(eoi_calls[SPI(0)], 2);
	ack_expect(SPI(1));
	eoi_expect(SPI(1));
	exit_guest();
	check_idle();
}

/*
 * Finding 1 of tests/fuzz/FINDINGS.md: SGIs made active by GICR_ISACTIVER0 (so not in the
 * guest's active priorities: its running priority stays idle) and pended again fill every LR
 * as pending+active; an SGI the guest could take at once must still get an LR. Before, the
 * pending+active ones ranked first and it waited for an exit nothing would cause.
 */
static void test_active_writes_do_not_starve(void **state)
{
	unsigned int n;

	(void)state;
	set_nr_lrs(4);
	for (n = 0; n < 4; n++) {
		struct virq *v = irq(n, 0x80, true);

		v->active = true; /* as GICR_ISACTIVER0 leaves it */
		trigger(n);
	}
	irq(5, 0x80, true);
	trigger(5);
	enter_guest();
	assert_int_equal(guest_ack(), 5);
	assert_int_equal(guest_eoi_top(), 5);
	service_maintenance();
	/* the guest never deactivates SGIs 0-3: they stay, nothing storms */
	for (n = 0; n < 4; n++)
		assert_true(vgic_get_virq(&vg, &vc, n)->active);
	assert_int_equal(misr(), 0);
}

static void test_lrenpie(void **state)
{
	(void)state;
	irq(SPI(0), 0x40, true);
	irq(SPI(1), 0x30, true);
	set_nr_lrs(1);
	enter_guest();
	take(SPI(0));
	take(SPI(1));
	/* SPI(1) in the LR, SPI(0) active outside */
	assert_int_equal(LR_INTID(cpu.lr[0]), SPI(1));
	assert_int_equal(cpu.hcr, ICH_HCR_EN | ICH_HCR_LRENPIE);
	assert_int_equal(guest_eoi_top(), SPI(1));
	assert_int_equal(misr(), 0);
	assert_int_equal(guest_eoi_top(), SPI(0)); /* no LR: EOIcount */
	assert_int_equal(HCR_EOICOUNT(cpu.hcr), 1);
	assert_int_equal(misr(), ICH_MISR_LRENP);
	exit_guest();
	assert_int_equal(eoi_calls[SPI(0)], 1);
	assert_int_equal(eoi_calls[SPI(1)], 1);
	check_idle();
}

static void test_edge_latch(void **state)
{
	struct virq *v = irq(SPI(0), 0x40, true);

	(void)state;
	trigger(SPI(0));
	enter_guest();
	assert_false(v->pending_latch);

	/* not taken: the latch comes back at fold, and goes again at flush */
	leave_guest();
	assert_true(v->pending_latch);
	assert_false(v->active);
	enter_guest();
	assert_int_equal(LR_STATE(cpu.lr[0]), ICH_LR_PENDING);

	/* taken: consumed */
	assert_int_equal(guest_ack(), SPI(0));
	leave_guest();
	assert_false(v->pending_latch);
	assert_true(v->active);
	enter_guest();
	assert_int_equal(LR_STATE(cpu.lr[0]), ICH_LR_ACTIVE);

	/* a new edge while it sits in an LR (from another CPU): latched, and written
	 * pending+active at the next flush */
	trigger(SPI(0));
	assert_true(v->pending_latch);
	leave_guest();
	assert_true(v->pending_latch);
	enter_guest();
	assert_int_equal(LR_STATE(cpu.lr[0]), ICH_LR_PENDING | ICH_LR_ACTIVE);
	assert_false(v->pending_latch);

	/* several edges before it is taken are one interrupt */
	eoi_expect(SPI(0));
	leave_guest();
	trigger(SPI(0));
	trigger(SPI(0));
	enter_guest();
	ack_expect(SPI(0));
	eoi_expect(SPI(0));
	assert_int_equal(guest_ack(), SPURIOUS);
	exit_guest();
	check_idle();
	assert_int_equal(eoi_calls[SPI(0)], 2);
}

static void test_edge_latch_across_lrs(void **state)
{
	struct virq *v = irq(SPI(5), 0x80, true);
	unsigned int i;

	(void)state;
	for (i = 0; i < 4; i++)
		irq(SPI(i), 0x40, true);
	trigger(SPI(5));
	enter_guest();
	assert_int_equal(v->lr, 0);
	assert_false(v->pending_latch);

	/* four higher-priority ones push it out: its latch must come back and stay */
	leave_guest();
	for (i = 0; i < 4; i++)
		trigger(SPI(i));
	enter_guest();
	assert_int_equal(v->lr, -1);
	assert_true(v->pending_latch);
	assert_true(on_list(v));
	drain();
	check_idle();
	assert_int_equal(eoi_calls[SPI(5)], 1);
}

static void test_pending_active_counts(void **state)
{
	struct virq *v = irq(SPI(0), 0x40, true);

	(void)state;
	enter_guest();
	take(SPI(0));
	leave_guest();
	trigger(SPI(0));
	enter_guest();
	assert_int_equal(LR_STATE(cpu.lr[0]), ICH_LR_PENDING | ICH_LR_ACTIVE);

	/* pending+active -> active within one run: deactivated once and taken again */
	assert_int_equal(guest_eoi_top(), SPI(0));
	assert_int_equal(guest_ack(), SPI(0));
	leave_guest();
	assert_int_equal(eoi_calls[SPI(0)], 1);
	assert_true(v->active);
	assert_false(v->pending_latch);

	/* pending+active -> invalid: twice */
	trigger(SPI(0));
	enter_guest();
	assert_int_equal(LR_STATE(cpu.lr[0]), ICH_LR_PENDING | ICH_LR_ACTIVE);
	assert_int_equal(guest_eoi_top(), SPI(0));
	assert_int_equal(guest_ack(), SPI(0));
	assert_int_equal(guest_eoi_top(), SPI(0));
	leave_guest();
	assert_int_equal(eoi_calls[SPI(0)], 3);
	assert_false(v->active);
	enter_guest();
	check_idle();

	/* pending -> invalid (taken and finished in one run): once */
	leave_guest();
	trigger(SPI(0));
	enter_guest();
	assert_int_equal(guest_ack(), SPI(0));
	assert_int_equal(guest_eoi_top(), SPI(0));
	exit_guest();
	assert_int_equal(eoi_calls[SPI(0)], 4);
	check_idle();
}

static void test_level(void **state)
{
	struct virq *v = irq(SPI(0), 0x40, false);

	(void)state;
	set_level(SPI(0), true);
	enter_guest();
	assert_int_equal(LR_STATE(cpu.lr[0]), ICH_LR_PENDING);
	assert_true(cpu.lr[0] & ICH_LR_EOI);

	/* taken and finished in one run with the line still high: the LR cannot know the
	 * line, the EOI maintenance interrupt brings the vCPU back to pend it again */
	assert_int_equal(guest_ack(), SPI(0));
	assert_int_equal(guest_eoi_top(), SPI(0));
	assert_int_equal(misr(), ICH_MISR_EOI);
	exit_guest();
	assert_int_equal(LR_STATE(cpu.lr[0]), ICH_LR_PENDING);
	assert_int_equal(eoi_calls[SPI(0)], 1);

	ack_expect(SPI(0));
	exit_guest();
	/* still high while active: pending+active, as a GIC shows it */
	assert_int_equal(LR_STATE(cpu.lr[0]), ICH_LR_PENDING | ICH_LR_ACTIVE);
	eoi_expect(SPI(0));
	assert_int_equal(LR_STATE(cpu.lr[0]), ICH_LR_PENDING);

	/* the line drops before the guest takes it again: gone at the next exit */
	leave_guest();
	set_level(SPI(0), false);
	enter_guest();
	check_idle();
	assert_false(on_list(v));

	/* a latched (ISPENDR) level interrupt: the acknowledgement consumes the latch */
	leave_guest();
	trigger(SPI(0));
	enter_guest();
	assert_false(v->pending_latch); /* moved into the LR, level as edge */
	ack_expect(SPI(0));
	leave_guest();
	assert_false(v->pending_latch);
	assert_true(v->active);
	enter_guest();
	assert_int_equal(LR_STATE(cpu.lr[0]), ICH_LR_ACTIVE);
	eoi_expect(SPI(0));
	exit_guest();
	check_idle();
	assert_int_equal(eoi_calls[SPI(0)], 3);
}

/*
 * A hardware-linked level interrupt (a passthrough SPI in hw mode) is written pending; while
 * the vCPU runs, the guest takes and finishes it (the GIC deactivates the physical one, no
 * exit) and it fires again and is injected from another CPU (the guest had just routed it
 * elsewhere, or skiff took it there): the fold must not mistake the new pending state for
 * the one the guest took. It was lost before lr_latch existed.
 */
static void test_level_repended_while_in_lr(void **state)
{
	struct virq *v = irq(SPI(2), 0x30, false);

	(void)state;
	vgic_link_hw(&vg, &vc, SPI(2), 70);
	trigger(SPI(2));
	enter_guest();
	assert_int_equal(LR_STATE(cpu.lr[0]), ICH_LR_PENDING);
	assert_int_equal(guest_ack(), SPI(2));
	assert_int_equal(guest_eoi_top(), SPI(2)); /* HW: the GIC deactivates pINTID 70 */
	assert_int_equal(cpu.phys_deact[70], 1);
	trigger(SPI(2)); /* fires again, injected meanwhile, before this vCPU exits */
	exit_guest();
	assert_true(on_list(v));
	assert_int_equal(LR_STATE(cpu.lr[0]), ICH_LR_PENDING);
	ack_expect(SPI(2));
	eoi_expect(SPI(2));
	exit_guest();
	assert_int_equal(cpu.phys_deact[70], 2);
	check_idle();
}

static void test_level_resample(void **state)
{
	struct virq *v = irq(SPI(0), 0x40, false);

	(void)state;
	v->eoi_notify = true;
	set_level(SPI(0), true);
	enter_guest();
	assert_int_equal(cpu.lr[0], SPI(0) | (0x40ull << ICH_LR_PRIORITY_SHIFT) | ICH_LR_GROUP |
					    ICH_LR_PENDING | ICH_LR_EOI);
	ack_expect(SPI(0));
	exit_guest();
	/* line still high, but never pending+active: the source resamples at EOI first */
	assert_int_equal(LR_STATE(cpu.lr[0]), ICH_LR_ACTIVE);
	assert_true(cpu.lr[0] & ICH_LR_EOI);

	/* the device still asserts at EOI: delivered again, once */
	resample_to[SPI(0)] = 1;
	assert_int_equal(guest_eoi_top(), SPI(0));
	assert_int_equal(misr(), ICH_MISR_EOI);
	exit_guest();
	assert_int_equal(eoi_calls[SPI(0)], 1);
	assert_int_equal(LR_STATE(cpu.lr[0]), ICH_LR_PENDING);

	/* serviced: the source lowers the line at EOI, the interrupt leaves */
	ack_expect(SPI(0));
	resample_to[SPI(0)] = 0;
	assert_int_equal(guest_eoi_top(), SPI(0));
	assert_int_equal(misr(), ICH_MISR_EOI);
	exit_guest();
	assert_int_equal(eoi_calls[SPI(0)], 2);
	check_idle();
	assert_false(on_list(v));
}

static void test_hw_fields(void **state)
{
	struct virq *v = irq(TIMER_PPI, 0x10, false);

	(void)state;
	vgic_link_hw(&vg, &vc, TIMER_PPI, TIMER_PPI);
	v->eoi_notify = true; /* HW wins: no EOI bit (it is pINTID's bit 9 then) */
	trigger(TIMER_PPI);
	enter_guest();
	assert_int_equal(cpu.lr[0], TIMER_PPI | ((uint64_t)TIMER_PPI << ICH_LR_PINTID_SHIFT) |
					    (0x10ull << ICH_LR_PRIORITY_SHIFT) | ICH_LR_GROUP |
					    ICH_LR_HW | ICH_LR_PENDING);

	/* a pINTID with bit 9 set is carried whole */
	leave_guest();
	v->pintid = 0x3ff;
	enter_guest();
	assert_int_equal(LR_PINTID(cpu.lr[0]), 0x3ff);
	assert_true(cpu.lr[0] & ICH_LR_EOI); /* = pINTID bit 9, not an EOI request */

	ack_expect(TIMER_PPI);
	eoi_expect(TIMER_PPI);
	assert_int_equal(cpu.phys_deact[0x3ff], 1); /* by the GIC */
	exit_guest();
	assert_int_equal(hyp_phys_deact[0x3ff], 0); /* not again by skiff */
	check_idle();
}

/*
 * struct vgic.no_hw_lrs (QEMU's GICv2, drivers/gicv2.h): a hardware-linked interrupt is written
 * with the EOI bit and no HW, so the guest's deactivation raises the EOI maintenance interrupt and
 * skiff deactivates the physical one (a write the GIC re-evaluates), once per handling, not the
 * GIC through the LR. In both LR encodings.
 */
static void test_no_hw_lrs(void **state)
{
	struct virq *v = irq(TIMER_PPI, 0x10, false);
	int round;

	(void)state;
	vg.no_hw_lrs = true;
	vgic_link_hw(&vg, &vc, TIMER_PPI, TIMER_PPI);
	for (round = 0; round < 2; round++) {
		trigger(TIMER_PPI);
		enter_guest();
		assert_int_equal(cpu.lr[0], TIMER_PPI | (0x10ull << ICH_LR_PRIORITY_SHIFT) |
						    ICH_LR_GROUP | ICH_LR_EOI | ICH_LR_PENDING);
		assert_int_equal(guest_ack(), TIMER_PPI);
		assert_int_equal(misr(), 0);
		assert_int_equal(guest_eoi_top(), TIMER_PPI);
		assert_int_equal(misr(), ICH_MISR_EOI);
		assert_int_equal(cpu.phys_deact[TIMER_PPI], 0); /* not by the GIC */
		assert_int_equal(hyp_phys_deact[TIMER_PPI], round);
		exit_guest();
		assert_int_equal(hyp_phys_deact[TIMER_PPI], round + 1); /* by skiff, once */
		check_idle();
	}
	assert_false(v->pending_latch);
}

/* What arch/arm64/vectors.S does for a hardware-linked interrupt: take the lowest empty LR
 * (state 0), write it pending with HW=1, and mark it in lr_fast. */
static unsigned int fast_inject(uint32_t intid, uint8_t prio)
{
	unsigned int n;

	for (n = 0; n < cpu.nr; n++)
		if (!(cpu.lr[n] & ICH_LR_STATE_MASK))
			break;
	assert_true(n < cpu.nr);
	cpu.lr[n] = intid | ((uint64_t)intid << ICH_LR_PINTID_SHIFT) |
		    ((uint64_t)prio << ICH_LR_PRIORITY_SHIFT) | ICH_LR_GROUP | ICH_LR_HW |
		    ICH_LR_PENDING;
	vc.lr_fast |= 1ull << n;
	return n;
}

/* The fast path's LR, still pending at the exit, goes back into the virq and the list, and
 * is written again by the next flush: not lost. Finished in the guest: nothing remains. */
static void test_fast_path_lr(void **state)
{
	struct virq *v = irq(TIMER_PPI, 0x10, false);

	(void)state;
	vgic_link_hw(&vg, &vc, TIMER_PPI, TIMER_PPI);
	enter_guest();
	fast_inject(TIMER_PPI, 0x10);
	exit_guest(); /* not yet taken: it must survive the fold and flush */
	assert_int_equal(vc.lr_fast, 0);
	assert_true(v->pending_latch || LR_STATE(cpu.lr[0]) == ICH_LR_PENDING);
	ack_expect(TIMER_PPI);
	eoi_expect(TIMER_PPI);
	assert_int_equal(cpu.phys_deact[TIMER_PPI], 1);
	exit_guest();
	check_idle();

	/* taken and finished between two exits: the fold finds an empty LR, nothing to do */
	fast_inject(TIMER_PPI, 0x10);
	ack_expect(TIMER_PPI);
	eoi_expect(TIMER_PPI);
	exit_guest();
	assert_int_equal(cpu.phys_deact[TIMER_PPI], 2);
	check_idle();

	/* taken but still active at the exit: it stays active, on the list, in an LR */
	fast_inject(TIMER_PPI, 0x10);
	ack_expect(TIMER_PPI);
	exit_guest();
	assert_true(v->active);
	assert_int_equal(LR_STATE(cpu.lr[0]), ICH_LR_ACTIVE);
	eoi_expect(TIMER_PPI);
	exit_guest();
	check_idle();
}

/* Finding 5 of tests/fuzz/FINDINGS.md: the fold of a fast-path LR moves its state into the virq
 * and must clear the LR, or it stays live when the next flush is skipped (hyp/run/vcpu.c, nothing
 * in flight: the interrupt moved to another vCPU or was disabled at this exit). */
static void test_fast_path_fold_clears_lr(void **state)
{
	struct virq *v = irq(TIMER_PPI, 0x10, false);
	unsigned int n;

	(void)state;
	vgic_link_hw(&vg, &vc, TIMER_PPI, TIMER_PPI);
	enter_guest();
	n = fast_inject(TIMER_PPI, 0x10);
	leave_guest();
	assert_int_equal(cpu.lr[n], 0);
	assert_true(v->pending_latch);
	set_enabled(v, false); /* the exit's business: nothing is in flight any more */
	assert_null(vc.ap_head);
	/* no flush follows (skipped); the guest finds nothing to take */
	assert_int_equal(guest_ack(), SPURIOUS);
}

/*
 * Finding 2 of tests/fuzz/FINDINGS.md: an active-state write that finds the interrupt in a
 * list register of a running vCPU waits for that vCPU's fold and applies to what the guest did
 * with the LR meanwhile, rather than to the state the flush left in the virq (which the fold
 * would overwrite). Here the guest deactivates it meanwhile and a set-active write comes: the
 * fold counts the deactivation, then the write makes it active again.
 */
static void test_active_write_waits_for_fold(void **state)
{
	struct virq *v = irq(SPI(2), 0x40, true);
	struct vgic_mmio m = { .vg = &vg, .vc = &vc };

	(void)state;
	enter_guest();
	take(SPI(2)); /* active, in an LR */
	assert_true(v->lr >= 0);
	eoi_expect(SPI(2));  /* the guest deactivates it; the virq still says active */
	spin_lock(&v->lock); /* as vgic_mmio_write() calls the handler */
	vgic_mmio_write_set_active(&m, v, 1);
	spin_unlock(&v->lock);
	assert_true(v->lr >= 0);
	assert_int_equal(vgic_mmio_read_active(&m, v), 1); /* as written */
	leave_guest();
	assert_int_equal(eoi_calls[SPI(2)], 1);
	assert_true(v->active);
	assert_int_equal(v->lr_writes, 0);
	enter_guest();
	assert_int_equal(LR_STATE(cpu.lr[0]), ICH_LR_ACTIVE);

	/* and a clear that finds it active in the LR deactivates it at the fold */
	spin_lock(&v->lock);
	vgic_mmio_write_clear_active(&m, v, 1);
	spin_unlock(&v->lock);
	assert_int_equal(vgic_mmio_read_active(&m, v), 0);
	leave_guest();
	assert_false(v->active);
	assert_int_equal(eoi_calls[SPI(2)], 2);
	enter_guest();
	check_idle();
}

/* The fast path reuses an LR whose flushed interrupt the guest had finished (empty): the fold
 * must count that interrupt as finished, not read the fast path's interrupt as its state. */
static void test_fast_path_reuses_finished_lr(void **state)
{
	struct virq *spi = irq(SPI(1), 0x20, true);
	struct virq *t = irq(TIMER_PPI, 0x10, false);

	(void)state;
	vgic_link_hw(&vg, &vc, TIMER_PPI, TIMER_PPI);
	trigger(SPI(1));
	enter_guest();
	assert_int_equal(LR_INTID(cpu.lr[0]), SPI(1));
	ack_expect(SPI(1));
	eoi_expect(SPI(1)); /* LR 0 is empty again */
	assert_int_equal(fast_inject(TIMER_PPI, 0x10), 0);
	exit_guest();
	assert_false(spi->active);
	assert_false(virq_pending(spi));
	assert_int_equal(eoi_calls[SPI(1)], 1); /* one deactivation, not a phantom second */
	ack_expect(TIMER_PPI);
	eoi_expect(TIMER_PPI);
	exit_guest();
	assert_false(t->active);
	check_idle();
}

static void test_hw_never_pending_active(void **state)
{
	struct virq *v = irq(SPI(3), 0x20, true);

	(void)state;
	vgic_link_hw(&vg, &vc, SPI(3), 77);
	trigger(SPI(3));
	enter_guest();
	assert_true(cpu.lr[0] & ICH_LR_HW);
	ack_expect(SPI(3));

	/* pended again while active: written active only, the pending kept in the virq; HW=0
	 * with the EOI bit, so its deactivation brings the vCPU back */
	leave_guest();
	trigger(SPI(3));
	enter_guest();
	assert_int_equal(cpu.lr[0], SPI(3) | (0x20ull << ICH_LR_PRIORITY_SHIFT) | ICH_LR_GROUP |
					    ICH_LR_ACTIVE | ICH_LR_EOI);
	assert_true(v->pending_latch);
	exit_guest(); /* and again: still not pending+active */
	assert_int_equal(LR_STATE(cpu.lr[0]), ICH_LR_ACTIVE);
	assert_true(v->pending_latch);

	assert_int_equal(guest_eoi_top(), SPI(3));
	assert_int_equal(cpu.phys_deact[77], 0);
	assert_int_equal(misr(), ICH_MISR_EOI);
	exit_guest();
	assert_int_equal(hyp_phys_deact[77], 1); /* skiff deactivated it */
	assert_int_equal(eoi_calls[SPI(3)], 1);
	assert_int_equal(cpu.lr[0], SPI(3) | (77ull << ICH_LR_PINTID_SHIFT) |
					    (0x20ull << ICH_LR_PRIORITY_SHIFT) | ICH_LR_GROUP |
					    ICH_LR_HW | ICH_LR_PENDING);
	ack_expect(SPI(3));
	eoi_expect(SPI(3));
	assert_int_equal(cpu.phys_deact[77], 1);
	exit_guest();
	assert_int_equal(hyp_phys_deact[77], 1);
	assert_int_equal(eoi_calls[SPI(3)], 2);
	check_idle();
}

static void test_eoi_bit(void **state)
{
	struct virq *n = irq(SPI(0), 0x40, true);
	struct virq *p = irq(SPI(1), 0x50, true);

	(void)state;
	n->eoi_notify = true;
	trigger(SPI(0));
	trigger(SPI(1));
	enter_guest();
	assert_true(lr_of(SPI(0)) & ICH_LR_EOI);
	assert_false(lr_of(SPI(1)) & ICH_LR_EOI);
	assert_false(p->eoi_notify);

	/* the EOI maintenance interrupt fires when the guest deactivates it */
	ack_expect(SPI(0));
	assert_int_equal(guest_eoi_top(), SPI(0));
	assert_int_equal(misr(), ICH_MISR_EOI);
	exit_guest();
	assert_int_equal(eoi_calls[SPI(0)], 1);
	ack_expect(SPI(1));
	eoi_expect(SPI(1));
	assert_int_equal(misr(), 0); /* no EOI bit: no exit */
	assert_int_equal(eoi_calls[SPI(1)], 0);
	exit_guest();
	assert_int_equal(eoi_calls[SPI(1)], 1);
	check_idle();
}

static void test_group_disabled_while_active(void **state)
{
	struct virq *v = irq(SPI(0), 0x40, true);

	(void)state;
	trigger(SPI(0));
	enter_guest();
	ack_expect(SPI(0));
	leave_guest();
	vg.ctlr &= ~GICD_CTLR_ENABLE_GRP1;
	trigger(SPI(0));
	enter_guest();
	/* still active, so still in an LR; its new pending state is not delivered */
	assert_int_equal(LR_STATE(cpu.lr[0]), ICH_LR_ACTIVE);
	eoi_expect(SPI(0));
	exit_guest();
	check_idle();
	assert_true(v->pending_latch);
	leave_guest();
	vg.ctlr |= GICD_CTLR_ENABLE_GRP1;
	queue(v);
	enter_guest();
	assert_int_equal(LR_STATE(cpu.lr[0]), ICH_LR_PENDING);
	drain();
	check_idle();
}

static void test_unused_lrs_zeroed(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < 4; i++) {
		irq(SPI(i), (uint8_t)(0x40 + 8 * i), true);
		trigger(SPI(i));
	}
	enter_guest();
	assert_int_equal(vc.lr_used, 4);
	for (i = 0; i < 3; i++) {
		assert_int_equal(guest_ack(), SPI(i));
		assert_int_equal(guest_eoi_top(), SPI(i));
	}
	exit_guest();
	assert_int_equal(vc.lr_used, 1);
	assert_int_equal(LR_INTID(cpu.lr[0]), SPI(3));
	for (i = 1; i < 4; i++) {
		assert_int_equal(cpu.lr[i], 0);
		assert_null(vc.lr_virq[i]);
		assert_int_equal(vc.lr_written[i], 0);
	}
}

static void test_eoicount_written_zero(void **state)
{
	(void)state;
	enter_guest();
	/* an EOIcount with nothing active outside (a guest EOIing what it never took) */
	cpu.hcr |= 3u << ICH_HCR_EOICOUNT_SHIFT;
	exit_guest();
	assert_int_equal(cpu.hcr, ICH_HCR_EN);
	check_idle();
}

static void test_nr_lrs_clamped(void **state)
{
	unsigned int i;

	(void)state;
	cpu.nr = VGIC_MAX_LRS;
	hw.nr_lrs = 32;
	for (i = 0; i < 20; i++) {
		irq(SPI(i), 0x80, true);
		trigger(SPI(i));
	}
	enter_guest();
	assert_int_equal(vc.lr_used, VGIC_MAX_LRS);
	assert_int_equal(cpu.hcr, ICH_HCR_EN | ICH_HCR_UIE | ICH_HCR_NPIE);
	drain();
	check_idle();
}

/* ---- the failure modes other hypervisors had */

/* The guest disables an interrupt while it is active, in an LR: it stays until deactivated
 * (even pended again meanwhile), then leaves; not orphaned on the list, not stuck active. */
static void test_disable_while_active(void **state)
{
	struct virq *v = irq(SPI(0), 0x40, true);

	(void)state;
	trigger(SPI(0));
	enter_guest();
	ack_expect(SPI(0));
	leave_guest();
	set_enabled(v, false);
	trigger(SPI(0));
	enter_guest();
	assert_int_equal(LR_STATE(cpu.lr[0]), ICH_LR_ACTIVE);
	exit_guest();
	assert_int_equal(LR_STATE(cpu.lr[0]), ICH_LR_ACTIVE);

	eoi_expect(SPI(0));
	leave_guest();
	/* gone as soon as it is folded: the exit handler sees no stale entry */
	assert_false(v->active);
	assert_false(on_list(v));
	assert_int_equal(eoi_calls[SPI(0)], 1);
	enter_guest();
	check_idle();
	assert_true(v->pending_latch); /* the edge is kept for when it is enabled again */

	leave_guest();
	set_enabled(v, true);
	enter_guest();
	ack_expect(SPI(0));
	eoi_expect(SPI(0));
	exit_guest();
	check_idle();
	assert_int_equal(eoi_calls[SPI(0)], 2);
}

/* The same, with the active interrupt outside the LRs: its EOI comes through EOIcount. */
static void test_disable_while_active_outside(void **state)
{
	struct virq *a = irq(SPI(0), 0x80, true);

	(void)state;
	irq(SPI(1), 0x40, true);
	set_nr_lrs(1);
	enter_guest();
	take(SPI(0));
	take(SPI(1));
	assert_int_equal(a->lr, -1);
	assert_true(a->active);

	leave_guest();
	set_enabled(a, false);
	enter_guest();
	assert_int_equal(cpu.hcr, ICH_HCR_EN | ICH_HCR_LRENPIE);
	assert_true(on_list(a));

	eoi_expect(SPI(1));
	/* LRENPIE kept: a is still outside, or back in the LR; either way it leaves */
	eoi_expect(SPI(0));
	exit_guest();
	assert_false(a->active);
	assert_false(on_list(a));
	assert_int_equal(eoi_calls[SPI(0)], 1);
	assert_int_equal(eoi_calls[SPI(1)], 1);
	check_idle();
}

/* Every LR holds an active interrupt (handlers nested deeper than the LRs) while more are
 * pending: the higher-priority pending ones get LRs at once, evicting actives; the guest
 * keeps making progress and every interrupt is deactivated exactly once. */
static void test_all_lrs_active_more_pending(void **state)
{
	unsigned int i, exits;

	(void)state;
	enter_guest();
	for (i = 0; i < 6; i++) { /* 0xb0, 0xa0, ... 0x60: each preempts the one before */
		irq(SPI(i), (uint8_t)(0xb0 - 0x10 * i), true);
		take(SPI(i));
	}
	for (i = 0; i < 4; i++)
		assert_int_equal(LR_STATE(cpu.lr[i]), ICH_LR_ACTIVE);
	assert_int_equal(cpu.hcr, ICH_HCR_EN | ICH_HCR_UIE | ICH_HCR_LRENPIE);

	irq(SPI(10), 0x20, true);
	irq(SPI(11), 0x30, true);
	irq(SPI(12), 0xc0, true); /* below the running priority: waits for the unwinding */
	leave_guest();
	trigger(SPI(10));
	trigger(SPI(11));
	trigger(SPI(12));
	enter_guest();
	assert_int_equal(LR_INTID(cpu.lr[0]), SPI(10));
	assert_int_equal(LR_INTID(cpu.lr[1]), SPI(11));
	assert_int_equal(LR_INTID(cpu.lr[2]), SPI(12));
	assert_int_equal(LR_INTID(cpu.lr[3]), SPI(5));
	assert_int_equal(LR_STATE(cpu.lr[3]), ICH_LR_ACTIVE);

	ack_expect(SPI(10));
	eoi_expect(SPI(10));
	ack_expect(SPI(11));
	eoi_expect(SPI(11));
	assert_int_equal(guest_ack(), SPURIOUS); /* SPI(12) cannot preempt 0x60 */

	exits = 0;
	for (i = 6; i-- > 0;) {
		assert_int_equal(guest_eoi_top(), SPI(i));
		exits += service_maintenance();
	}
	assert_true(exits <= 6);
	ack_expect(SPI(12));
	eoi_expect(SPI(12));
	exit_guest();
	check_idle();
	for (i = 0; i < 6; i++)
		assert_int_equal(eoi_calls[SPI(i)], 1);
	assert_int_equal(eoi_calls[SPI(10)], 1);
	assert_int_equal(eoi_calls[SPI(11)], 1);
	assert_int_equal(eoi_calls[SPI(12)], 1);
}

/* EOIs of interrupts outside the LRs: each count deactivates one, highest priority first; a
 * HW one is deactivated physically by skiff, a sourced one gets its eoi(). */
static void test_eoicount_outside_lrs(void **state)
{
	struct virq *x = irq(SPI(0), 0x80, true);
	struct virq *y = irq(SPI(1), 0x60, true);

	(void)state;
	irq(SPI(2), 0x40, true);
	vgic_link_hw(&vg, &vc, SPI(0), 50);
	set_nr_lrs(1);
	enter_guest();
	take(SPI(0));
	take(SPI(1));
	take(SPI(2));
	assert_int_equal(LR_INTID(cpu.lr[0]), SPI(2));
	assert_int_equal(cpu.hcr, ICH_HCR_EN | ICH_HCR_LRENPIE);

	/* the guest EOIs the one in the LR and the next, before the maintenance is taken */
	assert_int_equal(guest_eoi_top(), SPI(2));
	assert_int_equal(guest_eoi_top(), SPI(1));
	assert_int_equal(HCR_EOICOUNT(cpu.hcr), 1);
	exit_guest();
	assert_false(y->active);
	assert_true(x->active);
	assert_int_equal(eoi_calls[SPI(1)], 1);
	assert_int_equal(eoi_calls[SPI(0)], 0);
	assert_int_equal(hyp_phys_deact[50], 0);

	/* the HW one is back in the LR now: its EOI deactivates the physical one there */
	assert_int_equal(cpu.lr[0] & ICH_LR_HW, ICH_LR_HW);
	eoi_expect(SPI(0));
	assert_int_equal(cpu.phys_deact[50], 1);
	exit_guest();
	assert_int_equal(hyp_phys_deact[50], 0);
	check_idle();

	/* now both outside when EOIed: two counts, in priority order */
	leave_guest();
	set_nr_lrs(1);
	enter_guest();
	take(SPI(0));
	take(SPI(1));
	take(SPI(2));
	assert_int_equal(guest_eoi_top(), SPI(2));
	assert_int_equal(guest_eoi_top(), SPI(1));
	assert_int_equal(guest_eoi_top(), SPI(0));
	assert_int_equal(HCR_EOICOUNT(cpu.hcr), 2);
	exit_guest();
	assert_int_equal(hyp_phys_deact[50], 1);
	assert_int_equal(cpu.phys_deact[50], 1);
	assert_int_equal(eoi_calls[SPI(0)], 2);
	assert_int_equal(eoi_calls[SPI(1)], 2);
	assert_int_equal(eoi_calls[SPI(2)], 2);
	check_idle();
}

/* A higher-priority interrupt arriving while the LRs are full of lower-priority pending ones
 * is delivered first, and the one it pushes out is not lost. */
static void test_priority_preemption(void **state)
{
	struct virq *low;
	unsigned int i;

	(void)state;
	for (i = 0; i < 4; i++) {
		irq(SPI(i), (uint8_t)(0xa0 + 0x10 * i), true);
		trigger(SPI(i));
	}
	low = vgic_get_virq(&vg, &vc, SPI(3));
	irq(SPI(9), 0x20, true);
	enter_guest();
	assert_int_equal(cpu.hcr, ICH_HCR_EN);

	leave_guest();
	trigger(SPI(9));
	enter_guest();
	assert_int_equal(LR_INTID(cpu.lr[0]), SPI(9));
	assert_int_equal(low->lr, -1);
	assert_true(low->pending_latch);
	assert_true(on_list(low));
	assert_int_equal(cpu.hcr, ICH_HCR_EN | ICH_HCR_UIE | ICH_HCR_NPIE);

	ack_expect(SPI(9));
	ack_expect(SPURIOUS);
	eoi_expect(SPI(9));
	for (i = 0; i < 4; i++) {
		ack_expect(SPI(i));
		eoi_expect(SPI(i));
	}
	exit_guest();
	check_idle();
	for (i = 0; i < 4; i++)
		assert_int_equal(eoi_calls[SPI(i)], 1);
}

/* An interrupt pended again and again, in and out of LRs, never sits in two LRs. */
static void test_never_two_lrs(void **state)
{
	unsigned int round;

	(void)state;
	irq(SPI(0), 0x40, true);
	irq(SPI(1), 0x40, false);
	enter_guest();
	for (round = 0; round < 20; round++) {
		leave_guest();
		trigger(SPI(0));
		set_level(SPI(1), round & 1);
		trigger(SPI(1));
		enter_guest(); /* check_flushed() checks uniqueness */
		if (round % 3 == 0)
			(void)guest_ack();
		if (round % 4 == 1 && cpu.nr_ap)
			guest_eoi_top();
		service_maintenance();
	}
	leave_guest();
	set_level(SPI(1), false);
	enter_guest();
	drain();
	check_idle();
}

static void test_fold_resets(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < 6; i++) {
		irq(SPI(i), 0x80, true);
		trigger(SPI(i));
	}
	enter_guest();
	assert_int_equal(vc.lr_used, 4);
	leave_guest(); /* check_folded(): lr_used 0, every v->lr -1 */
	for (i = 0; i < VGIC_MAX_LRS; i++)
		assert_null(vc.lr_virq[i]);
	assert_int_equal(list_len(), 6);
	/* a second fold without a flush changes nothing */
	leave_guest();
	for (i = 0; i < 6; i++)
		assert_true(vgic_get_virq(&vg, &vc, SPI(i))->pending_latch);
}

/* ---- randomized model check
 *
 * Random hypervisor-side events (each inside an exit: fold, event, flush): edge triggers,
 * level changes, pending writes, enable/disable; and guest-side events between exits:
 * acknowledge, EOI of the innermost. Maintenance interrupts are taken at once, or sometimes
 * late (after more guest operations). Checked against a reference model of which interrupts
 * are pending and active:
 *  - an acknowledgement returns an interrupt the model has pending, enabled and not active
 *    (nothing duplicated: at most once per trigger since the previous acknowledgement), and
 *    when no maintenance interrupt is outstanding, one of the highest priority the guest
 *    could take, or 1023 only if there is none;
 *  - after every exit: each virq's active and pending state is the model's, everything the
 *    model has in flight is on the list, the source saw exactly one eoi() per guest
 *    deactivation and every HW interrupt was deactivated physically exactly once per guest
 *    deactivation, and the LRs pass check_flushed();
 *  - at the end the guest drains everything: all is acknowledged, nothing stays active, the
 *    list is empty (nothing lost, nothing orphaned).
 */

/* ---- GICv2 list registers (v2_mode) */

/* SGI intid pending from the vCPUs of srcs, as GICD_SGIR and SPENDSGIR make it (irq/
 * vgic_dist_v2.c): lock held */
static void sgi_pend(uint32_t intid, uint8_t srcs)
{
	struct virq *v = vgic_lock_virq(&vg, &vc, intid);

	v->sgi_sources |= srcs;
	v->pending_latch = true;
	vgic_queue(&vg, v);
	vgic_unlock_virq(v);
}

/* GICD_CPENDSGIR of the vCPU's own SGI, after its fold */
static void sgi_unpend(uint32_t intid, uint8_t srcs)
{
	struct virq *v = vgic_lock_virq(&vg, &vc, intid);

	v->sgi_sources &= (uint8_t)~srcs;
	v->pending_latch = v->sgi_sources != 0;
	vgic_queue(&vg, v);
	vgic_unlock_virq(v);
}

static int setup_v2(void **state)
{
	v2_mode = true;
	return setup(state);
}

static int teardown_v2(void **state)
{
	(void)state;
	v2_mode = false;
	return 0;
}

/* What the 32-bit registers hold: 5 priority bits, 10-bit IDs, group, HW and physical ID. */
static void test_v2_encoding(void **state)
{
	struct virq *v = irq(SPI(3), 0xa0, true);
	struct virq *t = irq(TIMER_PPI, 0x10, false);

	(void)state;
	v->group = 0;
	v->eoi_notify = true;
	vgic_link_hw(&vg, &vc, TIMER_PPI, TIMER_PPI);
	trigger(SPI(3));
	trigger(TIMER_PPI);
	enter_guest();
	assert_int_equal(cpu.gich_lr[0], GICH_LR_PENDING | GICH_LR_GRP1 | GICH_LR_HW |
						 TIMER_PPI << GICH_LR_PHYSICALID_SHIFT |
						 (0x10 >> 3) << GICH_LR_PRIORITY_SHIFT | TIMER_PPI);
	assert_int_equal(cpu.gich_lr[1], GICH_LR_PENDING | GICH_LR_EOI |
						 (0xa0 >> 3) << GICH_LR_PRIORITY_SHIFT | SPI(3));
	assert_int_equal(t->lr, 0);
	ack_expect(TIMER_PPI);
	gich_sync(0); /* the guest's acknowledge, in the register */
	assert_int_equal(cpu.gich_lr[0] & (GICH_LR_PENDING | GICH_LR_ACTIVE), GICH_LR_ACTIVE);
	eoi_expect(TIMER_PPI);
	assert_int_equal(cpu.phys_deact[TIMER_PPI], 1);
	ack_expect(SPI(3));
	eoi_expect(SPI(3)); /* the EOI bit: maintenance, fold, the source's eoi() */
	assert_int_equal(eoi_calls[SPI(3)], 1);
	exit_guest();
	check_idle();
}

/* An SGI from three sources: one LR at a time, lowest source first, each in CPUID, the EOI bit
 * bringing the vCPU back while more wait; the guest sees each (intid, source) once. */
static void test_v2_sgi_sources(void **state)
{
	struct virq *v = irq(5, 0x40, true);
	unsigned int order[3], n = 0;

	(void)state;
	sgi_pend(5, 0x94); /* vCPUs 2, 4, 7 */
	enter_guest();
	assert_int_equal(LR_CPUID(cpu.lr[0]), 2);
	assert_true(cpu.lr[0] & ICH_LR_EOI);
	assert_int_equal(cpu.gich_lr[0] & GICH_LR_CPUID_MASK, 2u << GICH_LR_CPUID_SHIFT);
	assert_int_equal(v->sgi_sources, 0x90);
	while (n < 3) {
		assert_int_equal(guest_ack(), 5);
		order[n++] = LR_CPUID(lr_of(5));
		assert_int_equal(guest_eoi_top(), 5);
		assert_true(service_maintenance() > 0 || n == 3);
	}
	assert_int_equal(order[0], 2);
	assert_int_equal(order[1], 4);
	assert_int_equal(order[2], 7);
	assert_int_equal(guest_ack(), SPURIOUS);
	exit_guest();
	check_idle();
}

/* Taken from vCPU 1 and active, the same SGI pended again by vCPUs 0 and 1: written active
 * only with CPUID 1 and the EOI bit; after the EOI, source 0, then 1. An untaken LR gives its
 * source back at fold. */
static void test_v2_sgi_active_held(void **state)
{
	struct virq *v = irq(9, 0x40, true);

	(void)state;
	sgi_pend(9, 0x02);
	enter_guest();
	ack_expect(9);
	leave_guest();
	assert_true(v->active);
	assert_int_equal(v->sgi_active_src, 1);
	sgi_pend(9, 0x03);
	enter_guest();
	assert_int_equal(LR_STATE(cpu.lr[0]), ICH_LR_ACTIVE);
	assert_int_equal(LR_CPUID(cpu.lr[0]), 1);
	assert_true(cpu.lr[0] & ICH_LR_EOI);
	assert_int_equal(guest_ack(), SPURIOUS);
	eoi_expect(9); /* the maintenance interrupt delivers source 0 */
	assert_int_equal(LR_STATE(cpu.lr[0]), ICH_LR_PENDING);
	assert_int_equal(LR_CPUID(cpu.lr[0]), 0);
	leave_guest(); /* not taken: source 0 back */
	assert_int_equal(v->sgi_sources, 0x03);
	enter_guest();
	assert_int_equal(drain(), 2);
	check_idle();
	assert_int_equal(v->sgi_sources, 0);
}

#define MODEL_IRQS 12
#define MODEL_STEPS 3000
#define MODEL_PINTID_BASE 100
#define MODEL_SGIS 4 /* in v2_mode, of the MODEL_IRQS */

struct model_irq {
	uint32_t intid;
	bool edge, hw, resample;
	bool enabled, latch, line, active;
	unsigned int deactivations;
	bool sgi;		 /* v2_mode: a GICv2 SGI, pending once per source */
	uint8_t sources;	 /* its sources pending (in the virq or an LR) */
	unsigned int active_src; /* the source the guest took, while active */
};

static struct model {
	uint64_t rng;
	struct model_irq irq[MODEL_IRQS];
	unsigned int seed, nr, step;
} model;

static uint32_t rnd(uint32_t n)
{
	model.rng ^= model.rng << 13;
	model.rng ^= model.rng >> 7;
	model.rng ^= model.rng << 17;
	return (uint32_t)(model.rng >> 11) % n;
}

static void model_dump(void)
{
	unsigned int i;

	print_error("  hcr %#x, running %#x, nested", cpu.hcr, running_prio());
	for (i = 0; i < cpu.nr_ap; i++)
		print_error(" %u", cpu.ap[i].intid);
	print_error("\n");
	for (i = 0; i < cpu.nr; i++)
		print_error("  LR%u %016llx\n", i, (unsigned long long)cpu.lr[i]);
	for (i = 0; i < MODEL_IRQS; i++) {
		const struct model_irq *m = &model.irq[i];
		const struct virq *v = vgic_get_virq(&vg, &vc, m->intid);

		print_error("  %u prio %#x %s%s%s%s en %d latch %d line %d active %d | virq en %d "
			    "latch %d line %d active %d lr %d listed %d\n",
			    m->intid, v->priority, m->edge ? "edge" : "level", m->hw ? " hw" : "",
			    v->eoi_notify ? " notify" : "", v->group ? "" : " g0", m->enabled,
			    m->latch, m->line, m->active, v->enabled, v->pending_latch,
			    v->line_level, v->active, v->lr, on_list(v));
	}
}

#define MCHECK(cond)                                                                              \
	do {                                                                                      \
		if (!(cond)) {                                                                    \
			print_error("model seed %u, %u LRs, step %u: %s\n", model.seed, model.nr, \
				    model.step, #cond);                                           \
			model_dump();                                                             \
			fail();                                                                   \
		}                                                                                 \
	} while (0)

static struct model_irq *model_irq(uint32_t intid)
{
	unsigned int i;

	for (i = 0; i < MODEL_IRQS && model.irq[i].intid != intid; i++)
		;
	MCHECK(i < MODEL_IRQS);
	return &model.irq[i];
}

static bool model_pending(const struct model_irq *m)
{
	return m->latch || m->sources || (!m->edge && m->line);
}

/* the source lowers a resampled level line at eoi() half the time */
static void model_eoi_hook(uint32_t intid)
{
	struct model_irq *m = model_irq(intid);

	if (!m->edge && m->resample && m->line && rnd(2)) {
		m->line = false;
		vgic_set_level_locked(&vg, &vc, intid, false); /* eoi() runs with the lock held */
	}
}

static void model_check_state(void)
{
	unsigned int i;

	for (i = 0; i < MODEL_IRQS; i++) {
		const struct model_irq *m = &model.irq[i];
		const struct virq *v = vgic_get_virq(&vg, &vc, m->intid);
		uint64_t val = v->lr >= 0 ? cpu.lr[v->lr] : 0;
		bool pending = (val & ICH_LR_PENDING) || virq_pending(v);

		MCHECK(v->active == m->active);
		MCHECK(pending == model_pending(m));
		if (m->sgi) {
			/* every source is in the virq or the LR, the LR's one only there */
			uint8_t in_lr = (val & ICH_LR_PENDING) ? 1u << LR_CPUID(val) : 0;

			MCHECK(!(v->sgi_sources & in_lr));
			MCHECK((v->sgi_sources | in_lr) == m->sources);
			if (m->active)
				MCHECK(v->sgi_active_src == m->active_src);
			if (val & ICH_LR_ACTIVE)
				MCHECK(LR_CPUID(val) == m->active_src);
		}
		MCHECK(v->enabled == m->enabled);
		if (m->active || (m->enabled && model_pending(m)))
			MCHECK(on_list(v));
		MCHECK(eoi_calls[m->intid] == m->deactivations);
		if (m->hw)
			MCHECK(cpu.phys_deact[MODEL_PINTID_BASE + i] +
				       hyp_phys_deact[MODEL_PINTID_BASE + i] ==
			       m->deactivations);
	}
}

static void model_exit_begin(void)
{
	leave_guest();
}

static void model_exit_end(void)
{
	enter_guest();
	model_check_state();
}

static void model_ack(void)
{
	bool prompt = misr() == 0;
	unsigned int best = 0x100, i;
	uint32_t intid;

	/* the best the guest could take: pending, enabled, not active, able to preempt */
	for (i = 0; i < MODEL_IRQS; i++) {
		const struct model_irq *m = &model.irq[i];
		unsigned int prio = vgic_get_virq(&vg, &vc, m->intid)->priority;

		if (m->enabled && model_pending(m) && !m->active && prio < running_prio() &&
		    prio < best)
			best = prio;
	}
	intid = guest_ack();
	if (intid == SPURIOUS) {
		if (prompt)
			MCHECK(best == 0x100);
		return;
	}
	{
		struct model_irq *m = model_irq(intid);

		MCHECK(m->enabled && model_pending(m) && !m->active);
		/* running_prio() is now this interrupt's priority */
		if (prompt)
			MCHECK(running_prio() == best);
		m->active = true;
		m->latch = false;
		if (m->sgi) { /* GICV_IAR's CPUID: a source that was pending */
			unsigned int cpuid = LR_CPUID(lr_of(intid));

			MCHECK(m->sources & (1u << cpuid));
			m->sources &= (uint8_t) ~(1u << cpuid);
			m->active_src = cpuid;
		}
	}
}

static void model_eoi(void)
{
	struct model_irq *m;

	if (!cpu.nr_ap)
		return;
	m = model_irq(guest_eoi_top());
	MCHECK(m->active);
	m->active = false;
	m->deactivations++;
}

static void model_event(uint32_t r)
{
	struct model_irq *m = &model.irq[rnd(MODEL_IRQS)];
	struct virq *v = vgic_get_virq(&vg, &vc, m->intid);

	model_exit_begin();
	if (m->sgi) { /* GICv2 SGIs: SGIR or SPENDSGIR from a source, or CPENDSGIR */
		uint8_t srcs = (uint8_t)(r < 30 ? 1u << rnd(8) : r >= 40 ? rnd(256) : 0);

		if (r < 30) {
			sgi_pend(m->intid, srcs);
			m->sources |= srcs;
		} else if (r >= 40) {
			sgi_unpend(m->intid, srcs);
			m->sources &= (uint8_t)~srcs;
		} else {
			m->enabled = m->enabled ? rnd(3) != 0 : true;
			set_enabled(v, m->enabled);
		}
	} else if (r < 15) { /* an edge (HW: the physical interrupt fired) */
		if (m->edge) {
			trigger(m->intid);
			m->latch = true;
		}
	} else if (r < 25) { /* a level line moves */
		if (!m->edge) {
			m->line = rnd(2);
			set_level(m->intid, m->line);
		}
	} else if (r < 30) { /* ISPENDR */
		trigger(m->intid);
		m->latch = true;
	} else if (r < 40) { /* ISENABLER / ICENABLER */
		m->enabled = m->enabled ? rnd(3) != 0 : true;
		set_enabled(v, m->enabled);
	}
	model_exit_end();
}

static void model_maintenance(void)
{
	unsigned int exits = 0;

	while (misr()) {
		model_exit_begin();
		model_exit_end();
		MCHECK(++exits < 3);
	}
}

static void model_run(unsigned int seed, unsigned int nr)
{
	static const uint8_t prios[] = { 0x20, 0x40, 0x60, 0x80, 0xa0 };
	unsigned int i, ops;

	setup(NULL);
	set_nr_lrs(nr);
	eoi_hook = model_eoi_hook;
	memset(&model, 0, sizeof(model));
	model.seed = seed;
	model.nr = nr;
	model.rng = 0x9e3779b97f4a7c15ull * (seed * 32 + nr) + 1;

	for (i = 0; i < MODEL_IRQS; i++) {
		struct model_irq *m = &model.irq[i];
		struct virq *v;

		m->intid = SPI(i);
		m->edge = rnd(3) != 0;
		m->hw = m->edge && rnd(4) == 0;
		m->resample = !m->edge && rnd(2);
		m->enabled = true;
		v = irq(m->intid, prios[rnd(sizeof(prios))], m->edge);
		v->group = rnd(4) != 0;
		v->eoi_notify = !m->hw && rnd(3) == 0;
		if (v2_mode && i < MODEL_SGIS) { /* SGIs 1, 4, 7, 10: edge, behind sgi_src */
			m->intid = 1 + 3 * i;
			m->sgi = true;
			m->edge = true;
			m->hw = false;
			m->resample = false;
			v->pending_latch = false;
			v = irq(m->intid, v->priority, true);
			v->group = vgic_get_virq(&vg, &vc, SPI(i))->group;
			v->eoi_notify = vgic_get_virq(&vg, &vc, SPI(i))->eoi_notify;
			vgic_set_source(&vg, &vc, m->intid, &sgi_src, m->intid);
		}
		if (m->hw)
			vgic_link_hw(&vg, &vc, m->intid, MODEL_PINTID_BASE + i);
	}
	enter_guest();

	for (model.step = 0; model.step < MODEL_STEPS; model.step++) {
		uint32_t r = rnd(100);

		if (r < 30)
			model_ack();
		else if (r < 55)
			model_eoi();
		else
			model_event(rnd(45));
		if (rnd(8)) /* sometimes the guest runs on before the maintenance is taken */
			model_maintenance();
	}

	/* drain: lines down, everything enabled, then the guest handles all there is */
	model_maintenance();
	model_exit_begin();
	for (i = 0; i < MODEL_IRQS; i++) {
		struct model_irq *m = &model.irq[i];

		if (!m->edge && m->line) {
			m->line = false;
			set_level(m->intid, false);
		}
		m->enabled = true;
		set_enabled(vgic_get_virq(&vg, &vc, m->intid), true);
	}
	model_exit_end();
	for (ops = 0;; ops++) {
		unsigned int nested = cpu.nr_ap;

		MCHECK(ops < 10000);
		model_ack(); /* maintenance is always prompt here: checks the best is taken */
		if (cpu.nr_ap == nested) {
			if (!nested)
				break;
			model_eoi();
		}
		model_maintenance();
	}
	model_exit_begin();
	model_exit_end();
	for (i = 0; i < MODEL_IRQS; i++) {
		MCHECK(!model.irq[i].active);
		MCHECK(!model_pending(&model.irq[i]));
	}
	check_idle();
}

#define MODEL_V2 0x10000u /* in a test's seed: GICv2 list registers and SGIs */

static void test_model(void **state)
{
	unsigned int seed = (unsigned int)(uintptr_t)*state;
	unsigned int nr;

	v2_mode = seed & MODEL_V2;
	for (nr = 1; nr <= VGIC_MAX_LRS; nr++)
		model_run(seed & ~MODEL_V2, nr);
	v2_mode = false;
}

#define MODEL_TEST(seed)                                                  \
	{                                                                 \
		.name = "test_model_seed" #seed, .test_func = test_model, \
		.initial_state = (void *)(uintptr_t)(seed),               \
	}
#define MODEL_TEST_V2(seed)                                                  \
	{                                                                    \
		.name = "test_model_v2_seed" #seed, .test_func = test_model, \
		.initial_state = (void *)(uintptr_t)((seed) | MODEL_V2),     \
	}

/* ---- edges the mutation runner found unguarded (tools/mutants/irq-lr.txt) */

/* An edge interrupt whose line stays high was latched once: no EOI bit, the line has nothing
 * more to say at the deactivation. */
static void test_edge_line_high_no_eoi(void **state)
{
	struct virq *v = irq(SPI(5), 0x40, true);

	(void)state;
	set_level(SPI(5), true);
	assert_true(v->pending_latch);
	enter_guest();
	assert_int_equal(LR_STATE(cpu.lr[0]), ICH_LR_PENDING);
	assert_false(cpu.lr[0] & ICH_LR_EOI);
	ack_expect(SPI(5));
	eoi_expect(SPI(5));
	exit_guest();
	set_level(SPI(5), false);
	check_idle();
}

/* Pending and active, without hardware link or EOI notification: written so, as the GICv3 VM's
 * SGI it is, or as the GICv2 VM's PPI (not an SGI: no source to keep) */
static void check_pending_active(uint32_t intid, bool edge)
{
	struct virq *v = irq(intid, 0x40, edge);

	v->pending_latch = true;
	v->active = true;
	queue(v);
	enter_guest();
	assert_int_equal(LR_STATE(lr_of(intid)), ICH_LR_STATE_MASK);
	assert_false(lr_of(intid) & ICH_LR_EOI);
}

static void test_sgi_pending_active(void **state)
{
	(void)state;
	check_pending_active(5, true);
}

static void test_v2_ppi_pending_active(void **state)
{
	(void)state;
	check_pending_active(VGIC_NR_SGIS, false);
}

/* Between the ranking and the writes another CPU changes an interrupt: the flush writes it as
 * it is then (here, when LR 0 is written) */
static struct virq *hook_virq;
static bool hook_active;

static void change_when_lr0_written(unsigned int n)
{
	if (n != 0 || !hook_virq)
		return;
	spin_lock(&hook_virq->lock);
	hook_virq->enabled = false;
	hook_virq->active = hook_active;
	spin_unlock(&hook_virq->lock);
	hook_virq = NULL;
}

static void flush_with_hook(struct virq *second, bool active)
{
	hook_virq = second;
	hook_active = active;
	write_hook = change_when_lr0_written;
	vc.lr_unknown = ~0u; /* every LR written, LR 0 first */
	spin_lock(&vc.ap_lock);
	lr_flush(&vc, &hw);
	spin_unlock(&vc.ap_lock);
	write_hook = NULL;
	assert_null(hook_virq);
}

static void test_flush_reads_again(void **state)
{
	struct virq *b = irq(SPI(2), 0x20, true);

	(void)state;
	irq(SPI(1), 0x10, true);
	trigger(SPI(1));
	trigger(SPI(2));
	flush_with_hook(b, false); /* disabled meanwhile: LR 1 left empty */
	assert_int_equal(LR_INTID(cpu.lr[0]), SPI(1));
	assert_int_equal(cpu.lr[1], 0);
	leave_guest();
	b->enabled = true;
	queue(b);
	flush_with_hook(b, true); /* disabled and made active meanwhile: written active only */
	assert_int_equal(LR_INTID(cpu.lr[1]), SPI(2));
	assert_int_equal(LR_STATE(cpu.lr[1]), ICH_LR_ACTIVE);
	leave_guest();
}

/* An EOI counted outside the LRs deactivates the highest-priority active one outside them, at
 * equal priority the lowest INTID. */
static void test_eoicount_lowest_intid(void **state)
{
	struct virq *v[3];
	unsigned int i;

	(void)state;
	set_nr_lrs(1);
	for (i = 0; i < 3; i++) {
		v[i] = irq(SPI(1 + i), 0x40, true);
		v[i]->active = true;
		queue(v[i]);
	}
	enter_guest();
	assert_int_equal(LR_INTID(cpu.lr[0]), SPI(1));
	assert_true(cpu.hcr & ICH_HCR_LRENPIE);
	cpu.hcr |= 1u << ICH_HCR_EOICOUNT_SHIFT;
	leave_guest();
	assert_true(v[0]->active);
	assert_false(v[1]->active);
	assert_true(v[2]->active);
	assert_int_equal(eoi_calls[SPI(2)], 1);
	assert_int_equal(eoi_calls[SPI(3)], 0);
}

/* The fold of the fast path's LR leaves the flushed LRs alone: a level interrupt pending by
 * its line alone gets no latch from it. */
static void test_fast_fold_leaves_flushed_lrs(void **state)
{
	struct virq *v = irq(SPI(4), 0x40, false);

	(void)state;
	irq(TIMER_PPI, 0x10, false);
	vgic_link_hw(&vg, &vc, TIMER_PPI, TIMER_PPI);
	set_level(SPI(4), true);
	enter_guest();
	assert_int_equal(LR_INTID(cpu.lr[0]), SPI(4));
	assert_int_equal(fast_inject(TIMER_PPI, 0x10), 1);
	leave_guest();
	assert_false(v->pending_latch);
	set_level(SPI(4), false);
	assert_false(virq_pending(v));
}

/* What a flush and a fold leave in the bookkeeping: the LRs in use, which of them the fast
 * path may finish, and whether the next flush may be skipped (lr_idle) */
static void test_lr_bookkeeping(void **state)
{
	struct virq *a = irq(SPI(1), 0x10, true), *b = irq(SPI(2), 0x20, true);

	(void)state;
	b->fast_eoi = true;
	b->eoi_notify = true;
	trigger(SPI(1));
	trigger(SPI(2));
	enter_guest();
	assert_int_equal(vc.lr_map, 0x3);
	assert_int_equal(vc.lr_fast_eoi, 0x2);
	leave_guest(); /* neither taken: both LRs still live */
	assert_false(vc.lr_idle);
	assert_int_equal(vc.lr_map, 0);
	assert_int_equal(vc.lr_fast_eoi, 0);
	enter_guest();
	drain();
	exit_guest();
	assert_true(vc.lr_idle);

	/* two active, one LR: the one outside arms LRENPIE; its LR finished, still not idle */
	set_nr_lrs(1);
	a->active = true;
	b->active = true;
	b->eoi_notify = false;
	queue(a);
	queue(b);
	exit_guest();
	assert_true(cpu.hcr & ICH_HCR_LRENPIE);
	assert_int_equal(cpu.lr[0], vc.lr_written[0]);
	assert_false(cpu.lr[0] & ICH_LR_EOI);
	cpu.lr[0] &= ~ICH_LR_STATE_MASK; /* the guest deactivates what the LR holds */
	leave_guest();
	assert_false(vc.lr_idle);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_flush_empty, setup),
		cmocka_unit_test_setup(test_lr_fields, setup),
		cmocka_unit_test_setup(test_sort_order, setup),
		cmocka_unit_test_setup(test_pending_beats_active, setup),
		cmocka_unit_test_setup(test_uie_threshold, setup),
		cmocka_unit_test_setup(test_npie_and_uie_bring_back_pending, setup),
		cmocka_unit_test_setup(test_takeable_beats_pending_active, setup),
		cmocka_unit_test_setup(test_active_writes_do_not_starve, setup),
		cmocka_unit_test_setup(test_lrenpie, setup),
		cmocka_unit_test_setup(test_edge_latch, setup),
		cmocka_unit_test_setup(test_edge_latch_across_lrs, setup),
		cmocka_unit_test_setup(test_pending_active_counts, setup),
		cmocka_unit_test_setup(test_level, setup),
		cmocka_unit_test_setup(test_level_resample, setup),
		cmocka_unit_test_setup(test_hw_fields, setup),
		cmocka_unit_test_setup(test_no_hw_lrs, setup),
		cmocka_unit_test_setup_teardown(test_no_hw_lrs, setup_v2, teardown_v2),
		cmocka_unit_test_setup(test_level_repended_while_in_lr, setup),
		cmocka_unit_test_setup(test_fast_path_lr, setup),
		cmocka_unit_test_setup(test_fast_path_fold_clears_lr, setup),
		cmocka_unit_test_setup(test_active_write_waits_for_fold, setup),
		cmocka_unit_test_setup(test_fast_path_reuses_finished_lr, setup),
		cmocka_unit_test_setup(test_hw_never_pending_active, setup),
		cmocka_unit_test_setup(test_eoi_bit, setup),
		cmocka_unit_test_setup(test_group_disabled_while_active, setup),
		cmocka_unit_test_setup(test_unused_lrs_zeroed, setup),
		cmocka_unit_test_setup(test_eoicount_written_zero, setup),
		cmocka_unit_test_setup(test_nr_lrs_clamped, setup),
		cmocka_unit_test_setup(test_fold_resets, setup),
		cmocka_unit_test_setup(test_disable_while_active, setup),
		cmocka_unit_test_setup(test_disable_while_active_outside, setup),
		cmocka_unit_test_setup(test_all_lrs_active_more_pending, setup),
		cmocka_unit_test_setup(test_eoicount_outside_lrs, setup),
		cmocka_unit_test_setup(test_priority_preemption, setup),
		cmocka_unit_test_setup(test_never_two_lrs, setup),
		cmocka_unit_test_setup(test_edge_line_high_no_eoi, setup),
		cmocka_unit_test_setup(test_sgi_pending_active, setup),
		cmocka_unit_test_setup_teardown(test_v2_ppi_pending_active, setup_v2, teardown_v2),
		cmocka_unit_test_setup(test_flush_reads_again, setup),
		cmocka_unit_test_setup(test_eoicount_lowest_intid, setup),
		cmocka_unit_test_setup(test_fast_fold_leaves_flushed_lrs, setup),
		cmocka_unit_test_setup(test_lr_bookkeeping, setup),
		cmocka_unit_test_setup_teardown(test_v2_encoding, setup_v2, teardown_v2),
		cmocka_unit_test_setup_teardown(test_v2_sgi_sources, setup_v2, teardown_v2),
		cmocka_unit_test_setup_teardown(test_v2_sgi_active_held, setup_v2, teardown_v2),
		MODEL_TEST(1),
		MODEL_TEST(2),
		MODEL_TEST(3),
		MODEL_TEST(4),
		MODEL_TEST(5),
		MODEL_TEST_V2(1),
		MODEL_TEST_V2(2),
		MODEL_TEST_V2(3),
		MODEL_TEST_V2(4),
		MODEL_TEST_V2(5),
		MODEL_TEST_V2(6),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
