/*
 * test_channel.c - the doorbells of an inter-guest channel (hyp/emul/channel.c,
 * docs/channel.md), guest A ringing guest B, with B's vGIC and list registers real and its LRs
 * a fake register file: a ring pends B's doorbell SPI, HEARD counts, and a guest ringing in a
 * loop costs B at most one interrupt and one exit per interrupt B takes, whatever B does with
 * the one in its LR (never takes it, or sits in its handler).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hyp/emul/channel.h"
#include "hyp/emul/mmio.h"
#include "irq/lr.h"
#include "irq/vgic.h"
#include "irq/virq.h"
#include "tests/unit/vgic_locks.h"

#define DB_A 0x0b002000ull
#define DB_B 0x0b003000ull
#define SPI_A 100
#define SPI_B 101
#define NR_LRS 4

/* B's list registers: empty (ELRSR) is state 0 without a pending EOI maintenance; EISR is state
 * 0 with the EOI bit (ICH_EISR_EL2, IHI 0069 12.4.5) */
static uint64_t lrs[NR_LRS];
static uint32_t hcr;

static uint64_t rd_lr(unsigned int n)
{
	return lrs[n];
}

static void wr_lr(unsigned int n, uint64_t v)
{
	lrs[n] = v;
}

static uint32_t rd_hcr(void)
{
	return hcr;
}

static void wr_hcr(uint32_t v)
{
	hcr = v;
}

static uint32_t lrs_where(bool eoi)
{
	uint32_t m = 0;
	unsigned int n;

	for (n = 0; n < NR_LRS; n++)
		if (!(lrs[n] & ICH_LR_STATE_MASK) &&
		    ((lrs[n] & (ICH_LR_HW | ICH_LR_EOI)) == ICH_LR_EOI) == eoi)
			m |= 1u << n;
	return m;
}

static uint32_t rd_elrsr(void)
{
	return lrs_where(false);
}

static uint32_t rd_eisr(void)
{
	return lrs_where(true);
}

static uint32_t rd_misr(void)
{
	return rd_eisr() ? ICH_MISR_EOI : 0;
}

static const struct lr_hw hw = {
	.nr_lrs = NR_LRS,
	.read_lr = rd_lr,
	.write_lr = wr_lr,
	.read_hcr = rd_hcr,
	.write_hcr = wr_hcr,
	.read_elrsr = rd_elrsr,
	.read_eisr = rd_eisr,
	.read_misr = rd_misr,
};

static unsigned int kicks_a, kicks_b;

static void kick_a(struct vgic *vg, unsigned int vcpu)
{
	(void)vg;
	(void)vcpu;
	kicks_a++;
}

static void kick_b(struct vgic *vg, unsigned int vcpu)
{
	(void)vg;
	(void)vcpu;
	kicks_b++;
}

static const struct vgic_ops ops_a = { .kick = kick_a };
static const struct vgic_ops ops_b = { .kick = kick_b };

static struct vgic vg_a, vg_b;
static struct vgic_cpu vc_a, vc_b;
static struct mmio_bus bus_a, bus_b;

static int setup(void **state)
{
	struct vgic_cpu *ca[1] = { &vc_a }, *cb[1] = { &vc_b };
	struct virq *v;

	(void)state;
	memset(lrs, 0, sizeof(lrs));
	hcr = 0;
	kicks_a = kicks_b = 0;
	memset(&bus_a, 0, sizeof(bus_a));
	memset(&bus_b, 0, sizeof(bus_b));
	vgic_init(&vg_a, &ops_a, 256, ca, 1);
	vgic_init(&vg_b, &ops_b, 256, cb, 1);
	assert_int_equal(channel_attach(0, 0, &bus_a, &vg_a, DB_A, SPI_A), 0);
	assert_int_equal(channel_attach(0, 1, &bus_b, &vg_b, DB_B, SPI_B), 0);
	channel_reset(&vg_a);
	channel_reset(&vg_b);
	/* B enabled its doorbell SPI, group 1, and the group */
	vg_b.ctlr |= GICD_CTLR_ENABLE_GRP1;
	v = vgic_lock_virq(&vg_b, NULL, SPI_B);
	v->enabled = true;
	v->group = 1;
	vgic_unlock_virq(v);
	return 0;
}

/* A writes RING (any value) */
static void ring(void)
{
	const struct mmio_region *r = mmio_find(&bus_a, DB_A + CHANNEL_RING, 4);

	assert_non_null(r);
	assert_int_equal(r->write(r->ctx, NULL, CHANNEL_RING, 4, 0x1234), MMIO_OK);
	assert_true(vgic_all_unlocked(&vg_b));
}

/* B reads its HEARD */
static uint64_t heard_b(void)
{
	const struct mmio_region *r = mmio_find(&bus_b, DB_B + CHANNEL_HEARD, 4);
	uint64_t val = ~0ull;

	assert_non_null(r);
	assert_int_equal(r->read(r->ctx, NULL, CHANNEL_HEARD, 4, &val), MMIO_OK);
	return val;
}

/* B's exit and re-entry: fold, then flush, as hyp/run/vcpu.c does */
static void b_exit(void)
{
	spin_lock(&vc_b.ap_lock);
	lr_fold(&vc_b, &hw);
	lr_flush(&vc_b, &hw);
	spin_unlock(&vc_b.ap_lock);
	assert_true(vgic_all_unlocked(&vg_b));
}

/* The LR holding SPI_B, or -1 */
static int lr_of_doorbell(void)
{
	unsigned int n;

	for (n = 0; n < NR_LRS; n++)
		if ((lrs[n] & ICH_LR_STATE_MASK) && (lrs[n] & ICH_LR_VINTID_MASK) == SPI_B)
			return (int)n;
	return -1;
}

/* B's guest acknowledges its doorbell (pending -> active) */
static void b_acknowledge(void)
{
	int n = lr_of_doorbell();

	assert_true(n >= 0);
	assert_true(lrs[n] & ICH_LR_PENDING);
	lrs[n] = (lrs[n] & ~ICH_LR_STATE_MASK) | ICH_LR_ACTIVE;
}

/* ... and deactivates it (active -> 0): with the EOI bit, a maintenance interrupt */
static bool b_deactivate(void)
{
	int n = lr_of_doorbell();

	assert_true(n >= 0);
	assert_int_equal(lrs[n] & ICH_LR_STATE_MASK, ICH_LR_ACTIVE);
	lrs[n] &= ~ICH_LR_STATE_MASK;
	return rd_misr() != 0;
}

static void test_ring_pends_peer(void **state)
{
	(void)state;
	assert_int_equal(heard_b(), 0);
	ring();
	assert_int_equal(kicks_b, 1);
	assert_int_equal(kicks_a, 0); /* nothing of A's own */
	assert_int_equal(heard_b(), 1);
	b_exit();
	assert_true(lr_of_doorbell() >= 0);
	assert_true(lrs[lr_of_doorbell()] & ICH_LR_PENDING);
	/* A's own line is untouched */
	assert_false(vgic_get_virq(&vg_a, NULL, SPI_A)->pending_latch);
}

/* B never takes it (its interrupts masked): however often A rings and B exits for other
 * reasons, no second kick */
static void test_ring_storm_pending(void **state)
{
	unsigned int i;

	(void)state;
	ring();
	b_exit();
	for (i = 0; i < 100; i++) {
		ring();
		ring();
		b_exit();
	}
	assert_int_equal(kicks_b, 1);
	assert_int_equal(heard_b(), 201);
	assert_true(lrs[lr_of_doorbell()] & ICH_LR_PENDING);
}

/* B sits in its doorbell handler (active in the LR): rings then neither kick nor get lost; B's
 * deactivation raises the maintenance interrupt, and the exit it causes delivers one more */
static void test_ring_while_active(void **state)
{
	unsigned int i;

	(void)state;
	ring();
	b_exit();
	b_acknowledge();
	for (i = 0; i < 50; i++) {
		ring();
		b_exit(); /* B exits for other reasons meanwhile */
	}
	assert_int_equal(kicks_b, 1);
	assert_true(b_deactivate()); /* the EOI bit was there */
	b_exit();		     /* the maintenance interrupt's exit */
	assert_true(lr_of_doorbell() >= 0);
	assert_true(lrs[lr_of_doorbell()] & ICH_LR_PENDING); /* the rings while active: one more */
	b_acknowledge();
	assert_true(b_deactivate());
	b_exit();
	assert_int_equal(lr_of_doorbell(), -1); /* nothing rang since: done */
	assert_int_equal(kicks_b, 1);
}

/* Interrupts taken one after the other: each ring after B's deactivation is one more
 * interrupt, one kick each */
static void test_ring_after_each(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < 10; i++) {
		ring();
		b_exit();
		b_acknowledge();
		assert_true(b_deactivate());
		b_exit();
		assert_int_equal(lr_of_doorbell(), -1);
	}
	assert_int_equal(kicks_b, 10);
}

/* Writes other than a 32-bit RING are ignored; HEARD and other offsets read as 0 to A */
static void test_other_accesses(void **state)
{
	const struct mmio_region *r = mmio_find(&bus_a, DB_A, 4);
	uint64_t val = ~0ull;

	(void)state;
	assert_non_null(r);
	assert_int_equal(r->write(r->ctx, NULL, CHANNEL_RING, 1, 1), MMIO_OK);
	assert_int_equal(r->write(r->ctx, NULL, CHANNEL_RING, 8, 1), MMIO_OK);
	assert_int_equal(r->write(r->ctx, NULL, CHANNEL_HEARD, 4, 1), MMIO_OK);
	assert_int_equal(r->write(r->ctx, NULL, 0x800, 4, 1), MMIO_OK);
	assert_int_equal(kicks_b, 0);
	assert_int_equal(heard_b(), 0);
	assert_int_equal(r->read(r->ctx, NULL, CHANNEL_RING, 4, &val), MMIO_OK);
	assert_int_equal(val, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_ring_pends_peer, setup),
		cmocka_unit_test_setup(test_ring_storm_pending, setup),
		cmocka_unit_test_setup(test_ring_while_active, setup),
		cmocka_unit_test_setup(test_ring_after_each, setup),
		cmocka_unit_test_setup(test_other_accesses, setup),
	};

	return cmocka_run_group_tests_name("channel", tests, NULL, NULL);
}
