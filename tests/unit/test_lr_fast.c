/*
 * test_lr_fast.c - host unit tests for irq/lr_fast.c, the interrupt core's half of the eoi and
 * oneshot fast path, call by call: the table entry lr_fast_entry() keeps for an SPI, every case
 * lr_fast_inject() must decline (changing nothing) and what it books when it injects, and
 * lr_fast_maint() the same way, its refill through the general path included. With the real
 * vGIC, list-register manager and passthrough lines (irq/vgic*.c, lr.c, passthrough.c) over a
 * fake physical GIC that counts deactivations and a fake list-register file whose ICH_ELRSR,
 * ICH_EISR and ICH_MISR the tests set. test_passthrough.c runs the fast path in whole guest
 * scenarios; this file pins down its rules one by one. The GICv3 fire in assembly
 * (arch/arm64/vectors.S, fast_irq_pt) is mimicked by asm_fire(), and the races its lock-free LR
 * opens against other vCPUs' register writes each have a test (docs/interrupts.md, "The eoi and
 * oneshot fast path"). Touches nothing but its own state.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "irq/lr.h"
#include "irq/lr_fast.h"
#include "irq/passthrough.h"
#include "irq/vgic.h"
#include "irq/virq.h"
#include "drivers/gicv3_regs.h"
#include "skiff/hvc.h"
#include "tests/unit/vgic_locks.h"

#define GICD_FRAME ((uintptr_t)0x08000000)
#define NR_INTIDS 64
#define SPI_EOI 40     /* line 0, eoi mode */
#define SPI_ONESHOT 41 /* line 1, oneshot mode */
#define SPI_SOFT 42    /* no source: a software interrupt */
#define NR_LRS 4
#define PRIO 0xa0
#define MPIDR_1 0x100ull

#define LR_STATE(val) ((val)&ICH_LR_STATE_MASK)

/* ---- the fake physical GIC: what passthrough does to it */

static unsigned int deactivated[NR_INTIDS];
static bool enabled[NR_INTIDS];
static bool phys_active[NR_INTIDS];	      /* acknowledged by asm_fire(), not deactivated */
static bool enabled_at_deactivate[NR_INTIDS]; /* the enable when it was last deactivated */

static void hw_set_enable(uintptr_t frame, uint32_t pintid, bool on)
{
	assert_int_equal(frame, GICD_FRAME);
	enabled[pintid] = on;
}

static void hw_deactivate(uint32_t pintid)
{
	assert_true(pintid < NR_INTIDS);
	deactivated[pintid]++;
	phys_active[pintid] = false;
	enabled_at_deactivate[pintid] = enabled[pintid];
}

static bool hw_is_active(uintptr_t frame, uint32_t pintid)
{
	assert_int_equal(frame, GICD_FRAME);
	return phys_active[pintid];
}

static const struct passthrough_hw fake_hw = {
	.set_enable = hw_set_enable,
	.is_active = hw_is_active,
	.deactivate = hw_deactivate,
};

/* ---- the fake list registers of vCPU 0's CPU */

static uint64_t lr[NR_LRS];
static uint32_t hcr;
static uint32_t elrsr_extra; /* ICH_ELRSR_EL2 bits past the LRs skiff uses */
static uint32_t misr_extra;  /* ICH_MISR_EL2 bits besides EOI */
static unsigned int lr_writes, lr_reads;

static uint64_t fake_read_lr(unsigned int n)
{
	assert_true(n < NR_LRS);
	lr_reads++;
	return lr[n];
}

static void fake_write_lr(unsigned int n, uint64_t val)
{
	assert_true(n < NR_LRS);
	lr[n] = val;
	lr_writes++;
}

static uint32_t fake_read_hcr(void)
{
	return hcr;
}

static void fake_write_hcr(uint32_t val)
{
	hcr = val;
}

/* empty (no state) and owing no maintenance (no EOI bit) / owing it */
static uint32_t lr_bits(bool eoi_owed)
{
	uint32_t m = 0;
	unsigned int n;

	for (n = 0; n < NR_LRS; n++)
		if (!LR_STATE(lr[n]) && !!(lr[n] & ICH_LR_EOI) == eoi_owed)
			m |= 1u << n;
	return m;
}

static uint32_t fake_read_elrsr(void)
{
	return lr_bits(false) | elrsr_extra;
}

static uint32_t fake_read_eisr(void)
{
	return lr_bits(true);
}

static uint32_t fake_read_misr(void)
{
	return (lr_bits(true) ? ICH_MISR_EOI : 0) | misr_extra;
}

static const struct lr_hw hw = {
	.nr_lrs = NR_LRS,
	.read_lr = fake_read_lr,
	.write_lr = fake_write_lr,
	.read_hcr = fake_read_hcr,
	.write_hcr = fake_write_hcr,
	.read_elrsr = fake_read_elrsr,
	.read_eisr = fake_read_eisr,
	.read_misr = fake_read_misr,
};

/* ---- the VM: two vCPUs, one device with an eoi and a oneshot line */

static struct vgic vg;
static struct vgic_cpu cpu[2];
static struct passthrough pt;

static unsigned int kicks;

static void ops_kick(struct vgic *g, unsigned int id)
{
	(void)g;
	(void)id;
	kicks++;
}

/* The GICv3 fast-path table as hyp/core/fastirq.c keeps it for the assembly: each SPI's entry on
 * each vCPU's CPU, rewritten only when the vGIC says the virq changed (ops->changed), never
 * computed afresh at the fire. changes counts those calls. */
static uint64_t table[NR_INTIDS][2];
static unsigned int changes;

static void ops_changed(struct vgic *g, struct virq *v)
{
	unsigned int c;

	changes++;
	for (c = 0; c < 2; c++)
		table[v->intid][c] = lr_fast_entry(g, v, &cpu[c]);
}

static const struct vgic_ops fake_ops = {
	.kick = ops_kick,
	.changed = ops_changed,
};

static int setup(void **state)
{
	static const uint32_t intids[2] = { SPI_EOI, SPI_ONESHOT };
	static const enum irq_mode modes[2] = { IRQ_MODE_EOI, IRQ_MODE_ONESHOT };
	static const bool edges[2] = { false, false };
	struct vgic_cpu *cpus[2] = { &cpu[0], &cpu[1] };
	uint32_t i;

	(void)state;
	memset(&vg, 0, sizeof(vg));
	memset(cpu, 0, sizeof(cpu));
	memset(lr, 0, sizeof(lr));
	memset(deactivated, 0, sizeof(deactivated));
	memset(enabled, 0, sizeof(enabled));
	memset(phys_active, 0, sizeof(phys_active));
	memset(enabled_at_deactivate, 0, sizeof(enabled_at_deactivate));
	kicks = 0;
	hcr = ICH_HCR_EN;
	elrsr_extra = 0;
	misr_extra = 0;
	cpu[1].mpidr = MPIDR_1;
	vgic_init(&vg, &fake_ops, NR_INTIDS, cpus, 2);
	vg.ctlr |= GICD_CTLR_ENABLE_GRP1;
	assert_int_equal(passthrough_init_spis(&pt, &vg, &fake_hw, GICD_FRAME, intids, modes, edges,
					       2, NULL),
			 0);
	assert_int_equal(vgic_claim_spi(&vg, SPI_SOFT, NULL, 0), 0);
	for (i = SPI_EOI; i <= SPI_SOFT; i++) {
		struct virq *v = vgic_get_virq(&vg, NULL, i);

		v->group = 1;
		v->enabled = true;
		v->priority = PRIO;
	}
	cpu[0].lr_unknown = 0; /* a flush has run: the bookkeeping knows every LR */
	lr_writes = 0;
	for (i = SPI_EOI; i <= SPI_SOFT; i++) { /* the table, from the state set up above */
		struct virq *v = vgic_get_virq(&vg, NULL, i);

		spin_lock(&v->lock);
		ops_changed(&vg, v);
		spin_unlock(&v->lock);
	}
	changes = 0;
	return 0;
}

/* A GICv3 host's VM: its eoi/oneshot fires are the assembly's (asm_fire() stands for vectors.S's
 * fast_irq_pt), whose entries close while the virq is on a list (struct vgic.asm_eoi); the C
 * fire's tests run as on a GICv2 host */
static int setup_asm(void **state)
{
	setup(state);
	vg.asm_eoi = true;
	return 0;
}

static struct virq *spi(uint32_t intid)
{
	return vgic_get_virq(&vg, NULL, intid);
}

static uint64_t entry(uint32_t intid, unsigned int c)
{
	struct virq *v = spi(intid);
	uint64_t e;

	spin_lock(&v->lock);
	e = lr_fast_entry(&vg, v, &cpu[c]);
	spin_unlock(&v->lock);
	return e;
}

static uint64_t counter(uint32_t intid, unsigned int id)
{
	return passthrough_counter(&pt, (unsigned int)passthrough_find(&pt, intid), id);
}

static bool inject(uint32_t intid)
{
	uint64_t e = entry(intid, 0);
	bool done = lr_fast_inject(&cpu[0], &hw, spi(intid), &e);

	assert_true(vgic_all_unlocked(&vg));
	return done;
}

/* A declined injection changes nothing: no LR, no bookkeeping, no count, nothing held. */
static void expect_declined(uint32_t intid, const uint64_t *e)
{
	struct virq *v = spi(intid);
	uint64_t before[NR_LRS];
	uint32_t map = cpu[0].lr_map;
	unsigned int used = cpu[0].lr_used, writes = lr_writes;

	memcpy(before, lr, sizeof(lr));
	assert_false(lr_fast_inject(&cpu[0], &hw, v, e));
	assert_memory_equal(lr, before, sizeof(lr));
	assert_int_equal(lr_writes, writes);
	assert_int_equal(cpu[0].lr_map, map);
	assert_int_equal(cpu[0].lr_used, used);
	assert_int_equal(counter(intid, SKIFF_CNT_SPI_TAKEN), 0);
	assert_int_equal(counter(intid, SKIFF_CNT_SPI_INJECTED), 0);
	assert_false(pt.line[passthrough_find(&pt, intid)].phys_active);
	assert_true(vgic_all_unlocked(&vg));
}

/* ---- lr_fast_entry */

static void test_entry(void **state)
{
	struct virq *v = spi(SPI_EOI);
	uint64_t want = LR_FAST_C | ICH_LR_PENDING | ICH_LR_EOI | ICH_LR_GROUP |
			(uint64_t)PRIO << ICH_LR_PRIORITY_SHIFT | SPI_EOI;

	(void)state;
	assert_int_equal(entry(SPI_EOI, 0), want);
	assert_int_equal(entry(SPI_EOI, 1), 0);	 /* vCPU 0 is its target */
	assert_int_equal(entry(SPI_SOFT, 0), 0); /* not fast_eoi */
	v->enabled = false;
	assert_int_equal(entry(SPI_EOI, 0), 0);
	v->enabled = true;
	vg.ctlr &= ~GICD_CTLR_ENABLE_GRP1;
	assert_int_equal(entry(SPI_EOI, 0), 0);
	vg.ctlr |= GICD_CTLR_ENABLE_GRP0;
	v->group = 0;
	assert_int_equal(entry(SPI_EOI, 0), want & ~ICH_LR_GROUP);
	vg.ctlr = GICD_CTLR_ENABLE_GRP1;
	assert_int_equal(entry(SPI_EOI, 0), 0);
}

/* ---- lr_fast_inject */

static void test_inject(void **state)
{
	struct virq *v = spi(SPI_ONESHOT);
	uint64_t want = entry(SPI_ONESHOT, 0) & ~LR_FAST_C;
	unsigned int n = 1;

	(void)state;
	lr[0] = ICH_LR_PENDING | SPI_SOFT; /* LR 0 busy */
	cpu[0].lr_unknown = 0xf;
	cpu[0].lr_fast = 1ull << n; /* a hw entry the fast path left there, since finished */
	assert_true(inject(SPI_ONESHOT));
	assert_int_equal(lr[n], want);
	assert_int_equal(v->lr, n);
	assert_ptr_equal(v->ap_owner, &cpu[0]);
	assert_ptr_equal(cpu[0].ap_head, v);
	assert_ptr_equal(cpu[0].lr_virq[n], v);
	assert_int_equal(cpu[0].lr_written[n], want);
	assert_int_equal(cpu[0].lr_live[n], want);
	assert_int_equal(cpu[0].lr_unknown, 0xf & ~(1u << n));
	assert_int_equal(cpu[0].lr_latch, 1u << n);
	assert_int_equal(cpu[0].lr_map, 1u << n);
	assert_int_equal(cpu[0].lr_fast_eoi, 1u << n);
	assert_int_equal(cpu[0].lr_used, n + 1);
	assert_int_equal(cpu[0].lr_fast, 0);
	assert_int_equal(counter(SPI_ONESHOT, SKIFF_CNT_SPI_TAKEN), 1);
	assert_int_equal(counter(SPI_ONESHOT, SKIFF_CNT_SPI_INJECTED), 1);
	assert_true(pt.line[1].phys_active);
	assert_true(pt.line[1].skiff_masked);

	/* the next one takes the next free LR; lr_used stays as high as it was */
	assert_true(inject(SPI_EOI));
	assert_int_equal(spi(SPI_EOI)->lr, 2);
	assert_int_equal(cpu[0].lr_used, 3);
}

static void test_inject_declines(void **state)
{
	struct virq *v = spi(SPI_EOI);
	uint64_t e = entry(SPI_EOI, 0);

	(void)state;
	/* the last flush left something out: only the general path may add to the LRs */
	hcr = ICH_HCR_EN | ICH_HCR_NPIE;
	cpu[0].hcr = hcr;
	expect_declined(SPI_EOI, &e);
	cpu[0].hcr = ICH_HCR_EN;
	/* no free LR: every one busy, or free only for a flushed entry waiting for the fold, or
	 * free past the LRs skiff uses */
	lr[0] = lr[1] = lr[2] = lr[3] = ICH_LR_PENDING | SPI_SOFT;
	expect_declined(SPI_EOI, &e);
	lr[2] = 0;
	cpu[0].lr_map = 1u << 2;
	elrsr_extra = 1u << NR_LRS;
	expect_declined(SPI_EOI, &e);
	cpu[0].lr_map = 0;
	elrsr_extra = 0;
	/* a stale entry (the table's, cleared since it was read) */
	e &= ~LR_FAST_C;
	expect_declined(SPI_EOI, &e);
	e |= LR_FAST_C;
	/* another vCPU's interrupt */
	v->target = &cpu[1];
	expect_declined(SPI_EOI, &e);
	v->target = &cpu[0];
	/* one skiff already holds in some state: on a list, active, pending, a write waiting */
	v->ap_owner = &cpu[1];
	expect_declined(SPI_EOI, &e);
	v->ap_owner = NULL;
	v->active = true;
	expect_declined(SPI_EOI, &e);
	v->active = false;
	v->pending_latch = true;
	expect_declined(SPI_EOI, &e);
	v->pending_latch = false;
	v->lr_writes = VIRQ_WRITE_SET_ACTIVE;
	expect_declined(SPI_EOI, &e);
	v->lr_writes = 0;
	/* its guest is being stopped */
	pt.quiesced = true;
	assert_false(lr_fast_inject(&cpu[0], &hw, v, &e));
	assert_int_equal(lr[2], 0);
	assert_int_equal(deactivated[SPI_EOI], 0); /* the general path ends the fire, once */
	pt.quiesced = false;
	/* and with all that undone, LR 2 */
	assert_true(lr_fast_inject(&cpu[0], &hw, v, &e));
	assert_int_equal(v->lr, 2);
}

/* ---- lr_fast_maint */

/* The guest acknowledges and EOIs the interrupt in LR n: no state, the EOI bit owed. */
static void guest_done(unsigned int n)
{
	lr[n] &= ~ICH_LR_STATE_MASK;
}

static void test_maint(void **state)
{
	struct virq *a = spi(SPI_EOI), *b = spi(SPI_ONESHOT);

	(void)state;
	assert_true(inject(SPI_EOI));
	assert_true(inject(SPI_ONESHOT));
	assert_int_equal(a->lr, 0);
	assert_int_equal(b->lr, 1);
	guest_done(1);
	lr_reads = 0;
	assert_true(lr_fast_maint(&cpu[0], &hw));
	assert_true(vgic_all_unlocked(&vg));
	assert_int_equal(lr_reads, 0); /* nothing waits outside the LRs: no fold */
	/* LR 1 finished: the line deactivated, oneshot's mask released (enabled), counted */
	assert_int_equal(b->lr, -1);
	assert_false(b->active);
	assert_null(b->ap_owner);
	assert_int_equal(lr[1], 0);
	assert_int_equal(cpu[0].lr_live[1], 0);
	assert_null(cpu[0].lr_virq[1]);
	assert_int_equal(cpu[0].lr_written[1], 0);
	assert_int_equal(deactivated[SPI_ONESHOT], 1);
	assert_false(pt.line[1].skiff_masked);
	assert_true(enabled[SPI_ONESHOT]);
	assert_int_equal(counter(SPI_ONESHOT, SKIFF_CNT_SPI_MAINT), 1);
	/* LR 0 untouched */
	assert_int_equal(a->lr, 0);
	assert_int_equal(deactivated[SPI_EOI], 0);
	assert_int_equal(cpu[0].lr_map, 1);
	assert_int_equal(cpu[0].lr_latch, 1);
	assert_int_equal(cpu[0].lr_fast_eoi, 1);
	assert_int_equal(cpu[0].lr_used, 1);

	/* LR 0 finished with a set-active write waiting: applied, and it stays on the list */
	a->lr_writes = VIRQ_WRITE_SET_ACTIVE;
	guest_done(0);
	assert_true(lr_fast_maint(&cpu[0], &hw));
	assert_true(a->active);
	assert_int_equal(a->lr_writes, 0);
	assert_ptr_equal(a->ap_owner, &cpu[0]);
	assert_int_equal(deactivated[SPI_EOI], 1);
	/* and it was outside the LRs: a whole fold and flush put it back in one */
	assert_int_equal(a->lr, 0);
	assert_int_equal(cpu[0].lr_map, 1);
	assert_int_equal(LR_STATE(lr[0]), ICH_LR_ACTIVE);
}

static void test_maint_declines(void **state)
{
	struct virq *a = spi(SPI_EOI);
	uint64_t before[NR_LRS];

	(void)state;
	assert_true(inject(SPI_EOI));
	assert_false(lr_fast_maint(&cpu[0], &hw)); /* no EOI: nothing to do */
	guest_done(0);
	memcpy(before, lr, sizeof(lr));
	misr_extra = ICH_MISR_NP; /* another cause as well */
	assert_false(lr_fast_maint(&cpu[0], &hw));
	misr_extra = 0;
	cpu[0].hcr = ICH_HCR_EN | ICH_HCR_UIE; /* the last flush left something out */
	assert_false(lr_fast_maint(&cpu[0], &hw));
	cpu[0].hcr = ICH_HCR_EN;
	/* an EOI of an LR the fast path did not fill (a general one with the EOI bit) */
	lr[3] = ICH_LR_EOI | SPI_SOFT;
	assert_false(lr_fast_maint(&cpu[0], &hw));
	lr[3] = 0;
	assert_memory_equal(lr, before, sizeof(lr));
	assert_int_equal(a->lr, 0);
	assert_int_equal(deactivated[SPI_EOI], 0);
	assert_true(lr_fast_maint(&cpu[0], &hw));
	assert_int_equal(deactivated[SPI_EOI], 1);
}

/* An interrupt queued while the fast LR was in use (here a software one) waits outside the
 * LRs: the EOI that frees one brings it in through a whole fold and flush. */
static void test_maint_refills(void **state)
{
	struct virq *s = spi(SPI_SOFT);

	(void)state;
	assert_true(inject(SPI_EOI));
	vgic_trigger(&vg, NULL, SPI_SOFT);
	assert_ptr_equal(s->ap_owner, &cpu[0]);
	assert_int_equal(s->lr, -1);
	guest_done(0);
	assert_true(lr_fast_maint(&cpu[0], &hw));
	assert_true(s->lr >= 0);
	assert_int_equal(LR_STATE(lr[s->lr]), ICH_LR_PENDING);
	assert_true(vgic_all_unlocked(&vg));
}

/* ---- the GICv3 fire in assembly (vectors.S, fast_irq_pt) and the races of its LR */

static unsigned int asm_fires[NR_INTIDS]; /* the fast table's count */

/*
 * What fast_irq_pt does on vCPU 0's CPU for SPI intid, which fired there: acknowledged (the
 * physical SPI is active), its entry read without a lock (hyp/core/fastirq.c builds it from
 * lr_fast_entry()), a oneshot line disabled (GICD_ICENABLER), the value written into the lowest
 * LR ICH_ELRSR_EL2 shows empty unless ICH_HCR_EL2 has an overflow enable, lr_fast marked,
 * counted. No lock, no state in C. False where it would bail (the general path's then).
 */
static bool asm_fire(uint32_t intid)
{
	uint64_t e = __atomic_load_n(&table[intid][0], __ATOMIC_ACQUIRE) & ~LR_FAST_C;
	uint32_t free;
	unsigned int n;

	phys_active[intid] = true;
	if (!e)
		return false;
	if (intid == SPI_ONESHOT)
		enabled[intid] = false;
	free = fake_read_elrsr() & ((1u << NR_LRS) - 1);
	if ((hcr & (ICH_HCR_UIE | ICH_HCR_LRENPIE | ICH_HCR_NPIE)) || !free)
		return false;
	n = (unsigned int)__builtin_ctz(free);
	lr[n] = e;
	cpu[0].lr_fast |= 1ull << n;
	asm_fires[intid]++;
	return true;
}

/* vCPU 1 writes the 32-bit GICD register at reg for intid's bit */
static int gicd_bit(uint32_t reg, uint32_t intid)
{
	int r = vgic_dist_write(&vg, &cpu[1], reg + (intid / 32) * 4, 4, 1u << (intid % 32));

	assert_true(vgic_all_unlocked(&vg));
	return r;
}

/* vCPU 0 exits the general way: a whole fold (and flush), under its ap_lock */
static void general_exit(void)
{
	spin_lock(&cpu[0].ap_lock);
	lr_fold(&cpu[0], &hw);
	lr_flush(&cpu[0], &hw);
	spin_unlock(&cpu[0].ap_lock);
	assert_true(vgic_all_unlocked(&vg));
}

/* The fire, the guest's EOI and the maintenance fast path: the same effects and counts as the
 * general path, and the model never held it. */
static void test_asm_fire_and_maint(void **state)
{
	struct virq *a = spi(SPI_EOI), *b = spi(SPI_ONESHOT);

	(void)state;
	memset(asm_fires, 0, sizeof(asm_fires));
	enabled[SPI_ONESHOT] = true;
	assert_true(asm_fire(SPI_EOI));
	assert_true(asm_fire(SPI_ONESHOT));
	assert_false(enabled[SPI_ONESHOT]); /* masked by the fire */
	assert_int_equal(cpu[0].lr_fast, 3);
	assert_null(a->ap_owner);
	assert_int_equal(a->lr, -1);
	assert_false(pt.line[1].phys_active); /* the line does not know yet */
	guest_done(0);
	guest_done(1);
	assert_true(lr_fast_maint(&cpu[0], &hw));
	assert_true(vgic_all_unlocked(&vg));
	assert_int_equal(lr_reads, 2); /* the two LRs' INTIDs; no fold */
	assert_int_equal(lr[0], 0);
	assert_int_equal(lr[1], 0);
	assert_int_equal(cpu[0].lr_fast, 0);
	assert_int_equal(deactivated[SPI_EOI], 1);
	assert_int_equal(deactivated[SPI_ONESHOT], 1);
	assert_true(enabled[SPI_ONESHOT]); /* released: the guest's enable is set */
	assert_false(pt.line[1].skiff_masked);
	assert_false(pt.line[0].phys_active);
	assert_false(pt.line[1].phys_active);
	assert_int_equal(counter(SPI_EOI, SKIFF_CNT_SPI_MAINT), 1);
	assert_int_equal(counter(SPI_ONESHOT, SKIFF_CNT_SPI_MAINT), 1);
	assert_int_equal(counter(SPI_ONESHOT, SKIFF_CNT_SPI_UNMASKED), 1);
	assert_null(b->ap_owner);
	assert_null(cpu[0].ap_head);
}

/* A threaded handler (from another vCPU, while the LR holds the fire): it masks, the guest
 * EOIs, the mask stays; its unmask releases it, counted once, as on the general path. An
 * unmask before the EOI, against the stale state, cannot re-enable a line skiff holds masked
 * after the EOI: the maintenance masks again, before the deactivation, unless the guest's
 * enable is set then. */
static void test_asm_oneshot_enable_races(void **state)
{
	(void)state;
	enabled[SPI_ONESHOT] = true;
	assert_true(asm_fire(SPI_ONESHOT));
	assert_int_equal(gicd_bit(GICD_ICENABLER, SPI_ONESHOT), VGIC_ACCESS_OK);
	guest_done(0);
	assert_true(lr_fast_maint(&cpu[0], &hw));
	assert_int_equal(deactivated[SPI_ONESHOT], 1);
	assert_false(enabled[SPI_ONESHOT]);
	assert_false(enabled_at_deactivate[SPI_ONESHOT]);
	assert_true(pt.line[1].skiff_masked);
	assert_int_equal(counter(SPI_ONESHOT, SKIFF_CNT_SPI_UNMASKED), 0);
	assert_int_equal(gicd_bit(GICD_ISENABLER, SPI_ONESHOT), VGIC_ACCESS_OK);
	assert_true(enabled[SPI_ONESHOT]);
	assert_false(pt.line[1].skiff_masked);
	assert_int_equal(counter(SPI_ONESHOT, SKIFF_CNT_SPI_UNMASKED), 1);

	/* mask, unmask (against the stale state: enabled at once), mask, all before the EOI;
	 * and a write racing the fire's own mask (an ICFGR change's read and restore of the
	 * enable) left the line enabled */
	assert_true(asm_fire(SPI_ONESHOT));
	assert_int_equal(gicd_bit(GICD_ICENABLER, SPI_ONESHOT), VGIC_ACCESS_OK);
	assert_int_equal(gicd_bit(GICD_ISENABLER, SPI_ONESHOT), VGIC_ACCESS_OK);
	assert_true(enabled[SPI_ONESHOT]); /* harmless: the SPI is active until skiff's DIR */
	assert_int_equal(gicd_bit(GICD_ICENABLER, SPI_ONESHOT), VGIC_ACCESS_OK);
	enabled[SPI_ONESHOT] = true;
	guest_done(0);
	assert_true(lr_fast_maint(&cpu[0], &hw));
	assert_int_equal(deactivated[SPI_ONESHOT], 2);
	assert_false(enabled_at_deactivate[SPI_ONESHOT]); /* masked before the deactivation */
	assert_false(enabled[SPI_ONESHOT]);
	assert_true(pt.line[1].skiff_masked);
	assert_int_equal(counter(SPI_ONESHOT, SKIFF_CNT_SPI_UNMASKED), 1);
}

/* ICFGR of a oneshot line while the fire is in the LR and after the EOI with the mask held
 * (issue 15's gap 3): the line stays disabled. */
static void test_asm_oneshot_icfgr(void **state)
{
	uint32_t icfgr = GICD_ICFGR + (SPI_ONESHOT / 16) * 4;
	uint32_t edge = 2u << ((SPI_ONESHOT % 16) * 2);

	(void)state;
	enabled[SPI_ONESHOT] = true;
	assert_true(asm_fire(SPI_ONESHOT));
	assert_int_equal(gicd_bit(GICD_ICENABLER, SPI_ONESHOT), VGIC_ACCESS_OK);
	assert_int_equal(vgic_dist_write(&vg, &cpu[1], icfgr, 4, edge), VGIC_ACCESS_OK);
	assert_false(enabled[SPI_ONESHOT]);
	guest_done(0);
	assert_true(lr_fast_maint(&cpu[0], &hw));
	assert_false(enabled_at_deactivate[SPI_ONESHOT]);
	assert_int_equal(vgic_dist_write(&vg, &cpu[1], icfgr, 4, 0), VGIC_ACCESS_OK);
	assert_false(enabled[SPI_ONESHOT]);
	assert_true(pt.line[1].skiff_masked);
}

/* Another vCPU's pending or active write while the fire sits in the LR: retried (every vCPU
 * kicked) until vCPU 0's fold has adopted it, then it takes effect as on the general path. */
static void test_asm_state_write_retried(void **state)
{
	static const uint32_t regs[] = { GICD_ISPENDR, GICD_ICPENDR, GICD_ISACTIVER,
					 GICD_ICACTIVER };
	struct virq *b = spi(SPI_ONESHOT);
	unsigned int i;

	(void)state;
	enabled[SPI_ONESHOT] = true;
	assert_true(asm_fire(SPI_ONESHOT));
	for (i = 0; i < 4; i++) {
		unsigned int k = kicks;

		assert_int_equal(gicd_bit(regs[i], SPI_ONESHOT), VGIC_ACCESS_RETRY);
		assert_true(kicks > k);
	}
	assert_int_equal(deactivated[SPI_ONESHOT], 0);
	general_exit(); /* the kick: the fold adopts the fire */
	assert_int_equal(cpu[0].lr_fast, 0);
	assert_true(pt.line[1].phys_active);
	assert_true(pt.line[1].skiff_masked);
	assert_ptr_equal(b->ap_owner, &cpu[0]);
	assert_true(b->lr >= 0);
	assert_int_equal(LR_STATE(lr[b->lr]), ICH_LR_PENDING);
	assert_true(lr[b->lr] & ICH_LR_EOI);
	/* the guest never took it: ICPENDR ends the handling (deferred to the LR's fold) */
	assert_int_equal(gicd_bit(GICD_ICPENDR, SPI_ONESHOT), VGIC_ACCESS_OK);
	general_exit();
	assert_int_equal(deactivated[SPI_ONESHOT], 1);
	assert_false(pt.line[1].phys_active);
	assert_false(pt.line[1].skiff_masked); /* released: the guest's enable is set */
	assert_true(enabled[SPI_ONESHOT]);
	assert_int_equal(counter(SPI_ONESHOT, SKIFF_CNT_SPI_MAINT), 0);
}

/* A general exit before the maintenance interrupt: the fold adopts the fire, finished (the
 * guest EOId it: its end of handling, the LR cleared so it owes no maintenance) or active (on
 * the list, flushed with the EOI bit, finished by the flushed-LR maintenance). */
static void test_asm_fold_adopts(void **state)
{
	struct virq *a = spi(SPI_EOI);

	(void)state;
	assert_true(asm_fire(SPI_EOI));
	guest_done(0);
	general_exit();
	assert_int_equal(deactivated[SPI_EOI], 1);
	assert_int_equal(counter(SPI_EOI, SKIFF_CNT_SPI_MAINT), 1);
	assert_int_equal(fake_read_eisr(), 0);
	assert_null(a->ap_owner);

	assert_true(asm_fire(SPI_EOI));
	lr[0] = (lr[0] & ~ICH_LR_STATE_MASK) | ICH_LR_ACTIVE; /* the guest took it */
	general_exit();
	assert_true(a->active);
	assert_true(pt.line[0].phys_active);
	assert_int_equal(a->lr, 0);
	assert_int_equal(LR_STATE(lr[0]), ICH_LR_ACTIVE);
	assert_int_equal(cpu[0].lr_fast_eoi, 1);
	guest_done(0);
	assert_true(lr_fast_maint(&cpu[0], &hw));
	assert_int_equal(deactivated[SPI_EOI], 2);
	assert_false(pt.line[0].phys_active);
	assert_false(a->active);
	assert_null(a->ap_owner);
	assert_int_equal(counter(SPI_EOI, SKIFF_CNT_SPI_MAINT), 2);
}

/* Re-routed, disabled or its group disabled while in the LR: the entry changes at once, the
 * LR's EOI still ends the fire on the CPU that took it. */
static void test_asm_route_and_disable(void **state)
{
	struct virq *a = spi(SPI_EOI);

	(void)state;
	assert_true(asm_fire(SPI_EOI));
	assert_int_equal(vgic_dist_write(&vg, &cpu[1], GICD_IROUTER + SPI_EOI * 8, 8, MPIDR_1),
			 VGIC_ACCESS_OK);
	assert_ptr_equal(a->target, &cpu[1]);
	assert_int_equal(entry(SPI_EOI, 0), 0);
	assert_true(entry(SPI_EOI, 1) != 0);
	guest_done(0);
	assert_true(lr_fast_maint(&cpu[0], &hw));
	assert_int_equal(deactivated[SPI_EOI], 1);
	assert_null(a->ap_owner);

	assert_int_equal(vgic_dist_write(&vg, &cpu[1], GICD_IROUTER + SPI_EOI * 8, 8, 0),
			 VGIC_ACCESS_OK);
	assert_true(asm_fire(SPI_EOI));
	assert_int_equal(gicd_bit(GICD_ICENABLER, SPI_EOI), VGIC_ACCESS_OK);
	assert_int_equal(entry(SPI_EOI, 0), 0);
	assert_false(asm_fire(SPI_SOFT)); /* no entry: the general path */
	general_exit(); /* pending in the LR, now disabled: back to the model, not rewritten */
	assert_true(a->pending_latch);
	assert_int_equal(a->lr, -1);
	assert_int_equal(lr[0], 0);
	assert_int_equal(gicd_bit(GICD_ISENABLER, SPI_EOI), VGIC_ACCESS_OK);
	general_exit();
	assert_int_equal(LR_STATE(lr[a->lr]), ICH_LR_PENDING);
	guest_done((unsigned int)a->lr);
	assert_true(lr_fast_maint(&cpu[0], &hw));
	assert_int_equal(deactivated[SPI_EOI], 2);
}

/* The LRs in overflow (a maintenance enable in ICH_HCR_EL2): the assembly leaves the fire to
 * the general path. */
static void test_asm_overflow(void **state)
{
	(void)state;
	hcr = ICH_HCR_EN | ICH_HCR_UIE;
	assert_false(asm_fire(SPI_EOI));
	assert_int_equal(cpu[0].lr_fast, 0);
	hcr = ICH_HCR_EN;
}

/* The guest stopping: its vCPU parks through a general exit, whose fold adopts the fire; only
 * then does the quiesce end the line's state (a fire cannot reach the assembly for a parked
 * vCPU: its CPU is at EL2). */
static void test_asm_quiesce(void **state)
{
	(void)state;
	enabled[SPI_ONESHOT] = true;
	assert_true(asm_fire(SPI_ONESHOT));
	general_exit();
	assert_true(pt.line[1].phys_active);
	assert_true(pt.line[1].skiff_masked);
	assert_int_equal(cpu[0].lr_fast, 0);
	spin_lock(&vg.config_lock);
	passthrough_quiesce(&pt);
	spin_unlock(&vg.config_lock);
	assert_false(pt.line[1].phys_active);
	assert_false(pt.line[1].skiff_masked);
	assert_false(enabled[SPI_ONESHOT]);
}

/*
 * A virq on a list has no entry (lr_fast_entry(), vgic_ap_add()): here one left idle on vCPU 1's
 * list, its owner's ap_lock busy when another vCPU's ICPENDR ended it and IROUTER moved it to
 * vCPU 0. A fire now is the general path's: the assembly, which takes no lock, would put it in
 * vCPU 0's LR while vCPU 1 still holds it (whose prune would keep the adopted active state on
 * vCPU 1's list, and vCPU 0's EOI would never deactivate the physical SPI). Once vCPU 1's prune
 * takes it off, the entry is back and the fire is the assembly's, adopted on vCPU 0.
 */
static void test_asm_not_while_listed(void **state)
{
	struct virq *a = spi(SPI_EOI);
	unsigned int fires;

	(void)state;
	assert_int_equal(vgic_dist_write(&vg, &cpu[1], GICD_IROUTER + SPI_EOI * 8, 8, MPIDR_1),
			 VGIC_ACCESS_OK);
	assert_int_equal(table[SPI_EOI][0], 0);
	assert_true(table[SPI_EOI][1] != 0);
	phys_active[SPI_EOI] = true; /* the general path acknowledged it on vCPU 1's CPU */
	passthrough_handle(&pt, 0);
	assert_ptr_equal(a->ap_owner, &cpu[1]);
	assert_int_equal(table[SPI_EOI][1], 0); /* listed: no entry on vCPU 1's CPU either */
	spin_lock(&cpu[1].ap_lock);		/* vCPU 1 folding or flushing meanwhile */
	assert_int_equal(vgic_dist_write(&vg, &cpu[1], GICD_ICPENDR + (SPI_EOI / 32) * 4, 4,
					 1u << (SPI_EOI % 32)),
			 VGIC_ACCESS_OK);
	assert_int_equal(deactivated[SPI_EOI], 1);
	assert_int_equal(vgic_dist_write(&vg, &cpu[1], GICD_IROUTER + SPI_EOI * 8, 8, 0),
			 VGIC_ACCESS_OK);
	spin_unlock(&cpu[1].ap_lock);
	assert_ptr_equal(a->ap_owner, &cpu[1]);
	assert_ptr_equal(a->target, &cpu[0]);
	assert_int_equal(table[SPI_EOI][0], 0);
	fires = asm_fires[SPI_EOI];
	assert_false(asm_fire(SPI_EOI)); /* the general path's */
	assert_int_equal(asm_fires[SPI_EOI], fires);
	phys_active[SPI_EOI] = false; /* (not taken: the test goes on without that fire) */
	spin_lock(&cpu[1].ap_lock);
	vgic_prune(&vg, &cpu[1]);
	spin_unlock(&cpu[1].ap_lock);
	assert_null(a->ap_owner);
	assert_true(table[SPI_EOI][0] != 0); /* off the list: the entry is back */
	assert_int_equal(table[SPI_EOI][1], 0);
	assert_true(asm_fire(SPI_EOI));
	lr[0] = (lr[0] & ~ICH_LR_STATE_MASK) | ICH_LR_ACTIVE; /* vCPU 0's guest takes it */
	general_exit();					      /* adopted on vCPU 0 */
	assert_ptr_equal(a->ap_owner, &cpu[0]);
	assert_true(a->active);
	assert_int_equal(table[SPI_EOI][0], 0); /* listed again */
	lr[a->lr] &= ~ICH_LR_STATE_MASK;	/* the guest's EOI */
	general_exit();
	assert_int_equal(deactivated[SPI_EOI], 2);
	assert_false(phys_active[SPI_EOI]);
	assert_null(a->ap_owner);
	assert_true(table[SPI_EOI][0] != 0);
}

/* A oneshot fire still active in an assembly LR, whose mask a write against the stale line state
 * lifted (an ICFGR change's read and restore of the enable), adopted by a general exit: the
 * adoption masks the line again, so it stays masked until the EOI (passthrough_adopt_with) */
static void test_asm_oneshot_adopt_masks(void **state)
{
	(void)state;
	enabled[SPI_ONESHOT] = true;
	assert_true(asm_fire(SPI_ONESHOT));
	assert_false(enabled[SPI_ONESHOT]);
	enabled[SPI_ONESHOT] = true;			      /* lifted meanwhile */
	lr[0] = (lr[0] & ~ICH_LR_STATE_MASK) | ICH_LR_ACTIVE; /* the guest took it */
	general_exit();					      /* adopted */
	assert_true(spi(SPI_ONESHOT)->active);
	assert_false(enabled[SPI_ONESHOT]);
	assert_true(pt.line[1].skiff_masked);
	lr[spi(SPI_ONESHOT)->lr] &= ~ICH_LR_STATE_MASK; /* the guest's EOI */
	general_exit();
	assert_int_equal(deactivated[SPI_ONESHOT], 1);
	assert_false(enabled_at_deactivate[SPI_ONESHOT]);
	assert_true(enabled[SPI_ONESHOT]); /* released: the guest's enable is set */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_entry, setup),
		cmocka_unit_test_setup(test_inject, setup),
		cmocka_unit_test_setup(test_inject_declines, setup),
		cmocka_unit_test_setup(test_maint, setup),
		cmocka_unit_test_setup(test_maint_declines, setup),
		cmocka_unit_test_setup(test_maint_refills, setup),
		cmocka_unit_test_setup(test_asm_fire_and_maint, setup_asm),
		cmocka_unit_test_setup(test_asm_oneshot_enable_races, setup_asm),
		cmocka_unit_test_setup(test_asm_oneshot_icfgr, setup_asm),
		cmocka_unit_test_setup(test_asm_state_write_retried, setup_asm),
		cmocka_unit_test_setup(test_asm_fold_adopts, setup_asm),
		cmocka_unit_test_setup(test_asm_route_and_disable, setup_asm),
		cmocka_unit_test_setup(test_asm_overflow, setup_asm),
		cmocka_unit_test_setup(test_asm_quiesce, setup_asm),
		cmocka_unit_test_setup(test_asm_not_while_listed, setup_asm),
		cmocka_unit_test_setup(test_asm_oneshot_adopt_masks, setup_asm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
