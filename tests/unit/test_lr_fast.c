/*
 * test_lr_fast.c - host unit tests for irq/lr_fast.c, the interrupt core's half of the eoi and
 * oneshot fast path, call by call: the table entry lr_fast_entry() keeps for an SPI, every case
 * lr_fast_inject() must decline (changing nothing) and what it books when it injects, and
 * lr_fast_maint() the same way, its refill through the general path included. With the real
 * vGIC, list-register manager and passthrough lines (irq/vgic*.c, lr.c, passthrough.c) over a
 * fake physical GIC that counts deactivations and a fake list-register file whose ICH_ELRSR,
 * ICH_EISR and ICH_MISR the tests set. test_passthrough.c runs the fast path in whole guest
 * scenarios; this file pins down its rules one by one. Touches nothing but its own state.
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

static void hw_set_enable(uintptr_t frame, uint32_t pintid, bool on)
{
	assert_int_equal(frame, GICD_FRAME);
	enabled[pintid] = on;
}

static void hw_deactivate(uint32_t pintid)
{
	assert_true(pintid < NR_INTIDS);
	deactivated[pintid]++;
}

static const struct passthrough_hw fake_hw = {
	.set_enable = hw_set_enable,
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

static void ops_kick(struct vgic *g, unsigned int id)
{
	(void)g;
	(void)id;
}

static const struct vgic_ops fake_ops = {
	.kick = ops_kick,
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_entry, setup),
		cmocka_unit_test_setup(test_inject, setup),
		cmocka_unit_test_setup(test_inject_declines, setup),
		cmocka_unit_test_setup(test_maint, setup),
		cmocka_unit_test_setup(test_maint_declines, setup),
		cmocka_unit_test_setup(test_maint_refills, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
