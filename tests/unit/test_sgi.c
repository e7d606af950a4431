/*
 * test_sgi.c - host unit tests for the SGI decode (irq/sgi.c: which vCPUs a write to
 * ICC_SGI1R_EL1 / ICC_ASGI1R_EL1 / ICC_SGI0R_EL1 targets) and for vgic_sgi() in irq/vgic.c,
 * which pends the SGI on the targets whose copy of it is in the group the register generates.
 * The prebuilt map (sgi_map_build) must agree with sgi_targets; vgic_sgi_others() refuses a write
 * that reaches the writer. The hardware is a fake vgic_ops that counts kicks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "irq/sgi.h"
#include "irq/vgic.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define NOBODY 0xffffffffu /* a sender index no vCPU has */

/* An ICC_SGI1R_EL1 value. */
static uint64_t sgir(unsigned int intid, unsigned int aff3, unsigned int aff2, unsigned int aff1,
		     unsigned int rs, uint16_t list)
{
	return (uint64_t)aff3 << 48 | (uint64_t)rs << 44 | (uint64_t)aff2 << 32 |
	       (uint64_t)intid << 24 | (uint64_t)aff1 << 16 | list;
}

static uint64_t mpidr(unsigned int aff3, unsigned int aff2, unsigned int aff1, unsigned int aff0)
{
	return (uint64_t)aff3 << 32 | aff2 << 16 | aff1 << 8 | aff0;
}

/* ---- the decode alone */

static void test_intid(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < 16; i++) {
		assert_int_equal(sgi_intid(sgir(i, 0xff, 0xff, 0xff, 0xf, 0xffff)), i);
		assert_int_equal(sgi_intid(sgir(i, 0, 0, 0, 0, 0) | ICC_SGI1R_IRM), i);
	}
	assert_int_equal(sgi_intid(0xf0000000ull | 3ull << 24), 3); /* bits 31:28 are RES0 */
}

/* 16 vCPUs with Aff0 0..15 in one cluster: TargetList bit n reaches exactly vCPU n. */
static void test_every_targetlist_bit(void **state)
{
	uint64_t m[16];
	unsigned int i;

	(void)state;
	for (i = 0; i < 16; i++)
		m[i] = mpidr(0, 0, 0, i);
	for (i = 0; i < 16; i++) {
		assert_int_equal(sgi_targets(sgir(1, 0, 0, 0, 0, 1u << i), m, 16, 0), 1u << i);
		/* the sender can target itself */
		assert_int_equal(sgi_targets(sgir(1, 0, 0, 0, 0, 1u << i), m, 16, i), 1u << i);
	}
	assert_int_equal(sgi_targets(sgir(1, 0, 0, 0, 0, 0xffff), m, 16, 3), 0xffff);
	assert_int_equal(sgi_targets(sgir(1, 0, 0, 0, 0, 0xa5a5), m, 16, 3), 0xa5a5);
	assert_int_equal(sgi_targets(sgir(1, 0, 0, 0, 0, 0), m, 16, 3), 0);
	/* MPIDR_EL1 as read, with bit 31 (RES1) and MT: not affinity */
	for (i = 0; i < 16; i++)
		m[i] |= 0x81000000ull;
	assert_int_equal(sgi_targets(sgir(1, 0, 0, 0, 0, 0x0102), m, 16, 0), 0x0102);
}

static void test_affinity_matching(void **state)
{
	const uint64_t m[] = {
		mpidr(0, 0, 0, 0), mpidr(0, 0, 1, 0), mpidr(0, 1, 0, 0),	  mpidr(1, 0, 0, 0),
		mpidr(1, 2, 3, 0), mpidr(0, 0, 1, 1), mpidr(0xff, 0xff, 0xff, 0),
	};
	const unsigned int n = ARRAY_SIZE(m);

	(void)state;
	assert_int_equal(sgi_targets(sgir(0, 0, 0, 0, 0, 1), m, n, 9), 1u << 0);
	assert_int_equal(sgi_targets(sgir(0, 0, 0, 1, 0, 1), m, n, 9), 1u << 1); /* Aff1 */
	assert_int_equal(sgi_targets(sgir(0, 0, 0, 1, 0, 3), m, n, 9), 1u << 1 | 1u << 5);
	assert_int_equal(sgi_targets(sgir(0, 0, 1, 0, 0, 1), m, n, 9), 1u << 2); /* Aff2 */
	assert_int_equal(sgi_targets(sgir(0, 1, 0, 0, 0, 1), m, n, 9), 1u << 3); /* Aff3 */
	assert_int_equal(sgi_targets(sgir(0, 1, 2, 3, 0, 1), m, n, 9), 1u << 4);
	assert_int_equal(sgi_targets(sgir(0, 0xff, 0xff, 0xff, 0, 1), m, n, 9), 1u << 6);
	/* one level off: nobody */
	assert_int_equal(sgi_targets(sgir(0, 1, 2, 2, 0, 1), m, n, 9), 0);
	assert_int_equal(sgi_targets(sgir(0, 1, 1, 3, 0, 1), m, n, 9), 0);
	assert_int_equal(sgi_targets(sgir(0, 0, 2, 3, 0, 1), m, n, 9), 0);
	/* the levels are not interchangeable: 0.0.1.0 is not 0.1.0.0 */
	assert_int_equal(sgi_targets(sgir(0, 0, 1, 0, 0, 0xffff), m, n, 9), 1u << 2);
}

/* IRM = 1: every vCPU but the sender; the affinity fields and TargetList do not matter. */
static void test_irm_broadcast(void **state)
{
	uint64_t m[8];
	unsigned int i, self;

	(void)state;
	for (i = 0; i < 8; i++)
		m[i] = mpidr(i & 1, 0, i >> 1, i);
	for (self = 0; self < 8; self++) {
		assert_int_equal(sgi_targets(ICC_SGI1R_IRM | 5ull << 24, m, 8, self),
				 0xffu & ~(1u << self));
		assert_int_equal(
			sgi_targets(ICC_SGI1R_IRM | sgir(5, 3, 3, 3, 3, 0xffff), m, 8, self),
			0xffu & ~(1u << self));
	}
	assert_int_equal(sgi_targets(ICC_SGI1R_IRM, m, 8, NOBODY), 0xff);
	assert_int_equal(sgi_targets(ICC_SGI1R_IRM, m, 1, 0), 0); /* alone */
	assert_int_equal(sgi_targets(ICC_SGI1R_IRM, m, 0, 0), 0);
}

/* RS selects which 16 Aff0 values TargetList stands for: bit n is Aff0 = RS * 16 + n. */
static void test_range_selector(void **state)
{
	const uint64_t m[] = {
		mpidr(0, 0, 0, 0x00), mpidr(0, 0, 0, 0x01), mpidr(0, 0, 0, 0x10),
		mpidr(0, 0, 0, 0x11), mpidr(0, 0, 0, 0x2f), mpidr(0, 0, 0, 0xf0),
		mpidr(0, 0, 0, 0xff), mpidr(0, 0, 1, 0x10),
	};
	const unsigned int n = ARRAY_SIZE(m);

	(void)state;
	assert_int_equal(sgi_targets(sgir(2, 0, 0, 0, 0, 0xffff), m, n, 0), 0x03);
	assert_int_equal(sgi_targets(sgir(2, 0, 0, 0, 1, 0x0001), m, n, 0), 1u << 2);
	assert_int_equal(sgi_targets(sgir(2, 0, 0, 0, 1, 0x0002), m, n, 0), 1u << 3);
	assert_int_equal(sgi_targets(sgir(2, 0, 0, 0, 1, 0xffff), m, n, 0), 0x0c);
	assert_int_equal(sgi_targets(sgir(2, 0, 0, 0, 2, 0x8000), m, n, 0), 1u << 4);
	assert_int_equal(sgi_targets(sgir(2, 0, 0, 0, 2, 0x7fff), m, n, 0), 0);
	assert_int_equal(sgi_targets(sgir(2, 0, 0, 0, 0xf, 0x0001), m, n, 0), 1u << 5);
	assert_int_equal(sgi_targets(sgir(2, 0, 0, 0, 0xf, 0x8000), m, n, 0), 1u << 6);
	assert_int_equal(sgi_targets(sgir(2, 0, 0, 0, 0xf, 0xffff), m, n, 0), 0x60);
	assert_int_equal(sgi_targets(sgir(2, 0, 0, 1, 1, 0x0001), m, n, 0), 1u << 7);
	/* RS 0 never reaches Aff0 >= 16 */
	assert_int_equal(sgi_targets(sgir(2, 0, 0, 1, 0, 0xffff), m, n, 0), 0);
}

/* Targets that do not exist are simply not in the set. */
static void test_nonexistent_targets(void **state)
{
	const uint64_t m[] = { mpidr(0, 0, 0, 0), mpidr(0, 0, 0, 1), mpidr(0, 0, 0, 2),
			       mpidr(0, 0, 0, 3) };

	(void)state;
	assert_int_equal(sgi_targets(sgir(0, 0, 0, 0, 0, 0xfff0), m, 4, 0), 0);
	assert_int_equal(sgi_targets(sgir(0, 0, 0, 0, 0, 0xfffa), m, 4, 0), 0xa);
	assert_int_equal(sgi_targets(sgir(0, 0, 0, 7, 0, 0xffff), m, 4, 0), 0);
	assert_int_equal(sgi_targets(sgir(0, 0, 0, 0, 1, 0xffff), m, 4, 0), 0);
	assert_int_equal(sgi_targets(sgir(0, 9, 0, 0, 0, 0x000f), m, 4, 0), 0);
	assert_int_equal(sgi_targets(sgir(0, 0, 0, 0, 0, 0x000f), m, 2, 0), 0x3); /* 2 vCPUs */
	assert_int_equal(sgi_targets(sgir(0, 0, 0, 0, 0, 0x000f), m, 0, 0), 0);
}

/* More MPIDRs than a mask can hold: only the first SGI_MAX_CPUS are considered. */
static void test_max_cpus(void **state)
{
	uint64_t m[SGI_MAX_CPUS + 4];
	unsigned int i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(m); i++)
		m[i] = mpidr(0, 0, i / 16, i % 16);
	assert_int_equal(sgi_targets(sgir(0, 0, 0, 1, 0, 0x8001), m, ARRAY_SIZE(m), 0),
			 1u << 16 | 1u << 31);
	assert_int_equal(sgi_targets(sgir(0, 0, 0, 2, 0, 0xffff), m, ARRAY_SIZE(m), 0), 0);
	assert_int_equal(sgi_targets(ICC_SGI1R_IRM, m, ARRAY_SIZE(m), 31), 0x7fffffff);
}

/* The prebuilt map (what the vGIC uses) answers as sgi_targets() does, for affinity layouts
 * of 1..8 vCPUs drawn at random (clusters, RS > 0, Aff2/Aff3, duplicates) and writes aimed at
 * them or near them, every sender. */
static void test_map_agrees(void **state)
{
	static const uint8_t aff0s[] = { 0, 1, 2, 3, 0xf, 0x10, 0x11, 0x1f, 0xf0, 0xff };
	struct sgi_map map;
	uint64_t m[SGI_MAP_CPUS];
	unsigned int layout, i, w, self;

	(void)state;
	srand(12345);
	for (layout = 0; layout < 400; layout++) {
		unsigned int n = 1 + (unsigned int)rand() % SGI_MAP_CPUS;
		for (i = 0; i < n; i++)
			m[i] = layout % 4 == 0
				       ? mpidr(0, 0, 0, i) /* the common case */
				       : mpidr((unsigned int)rand() % 2, (unsigned int)rand() % 2,
					       (unsigned int)rand() % 3,
					       aff0s[(unsigned int)rand() % ARRAY_SIZE(aff0s)]);
		sgi_map_build(&map, m, n);
		for (w = 0; w < 64; w++) {
			uint64_t a = m[(unsigned int)rand() % n], r;

			r = sgir((unsigned int)rand() % 16, (unsigned int)(a >> 32) & 0xff,
				 (unsigned int)(a >> 16) & 0xff, (unsigned int)(a >> 8) & 0xff,
				 (unsigned int)(a & 0xff) >> 4, (uint16_t)rand());
			if (w % 8 == 0)
				r ^= 1ull << (16 + (unsigned int)rand() % 8); /* another Aff1 */
			if (w % 16 == 1)
				r |= ICC_SGI1R_IRM;
			for (self = 0; self <= n; self++) /* self == n: a sender outside the set */
				assert_int_equal(sgi_map_targets(&map, r, self),
						 sgi_targets(r, m, n, self));
		}
	}
	/* more vCPUs than the map holds: the first SGI_MAP_CPUS */
	{
		uint64_t big[SGI_MAP_CPUS + 2];

		for (i = 0; i < ARRAY_SIZE(big); i++)
			big[i] = mpidr(0, 0, 0, i);
		sgi_map_build(&map, big, ARRAY_SIZE(big));
		assert_int_equal(sgi_map_targets(&map, sgir(0, 0, 0, 0, 0, 0xffff), 0),
				 (1u << SGI_MAP_CPUS) - 1);
		assert_int_equal(sgi_map_targets(&map, ICC_SGI1R_IRM, 0), (1u << SGI_MAP_CPUS) - 2);
	}
}

/* ---- vgic_sgi() */

static unsigned int kicks[VGIC_MAX_CPUS];

static unsigned int kick_intid = VGIC_NR_SGIS; /* an SGI whose state each kick checks */
static unsigned int kick_queued_first; /* how many targets had it listed at the first kick */

/* A kick is a GIC register write, which must not be made while a virq's lock or a list's
 * ap_lock is held: another CPU folding that virq would wait on it (on QEMU's TCG, for as long
 * as the kicker's thread sleeps on QEMU's own lock). */
static void fake_kick(struct vgic *vg, unsigned int vcpu)
{
	unsigned int i;

	assert_true(vcpu < VGIC_MAX_CPUS);
	kicks[vcpu]++;
	if (kick_intid >= VGIC_NR_SGIS)
		return;
	for (i = 0; i < vg->nr_cpus; i++) {
		struct vgic_cpu *vc = vg->cpus[i];

		assert_false(spin_is_locked(&vc->private_irqs[kick_intid].lock));
		assert_false(spin_is_locked(&vc->ap_lock));
		if (kicks[0] + kicks[1] + kicks[2] + kicks[3] == 1 &&
		    vc->private_irqs[kick_intid].ap_owner == vc)
			kick_queued_first++;
	}
}

static const struct vgic_ops fake_ops = { .kick = fake_kick };

struct env {
	struct vgic vg;
	struct vgic_cpu cpu[VGIC_MAX_CPUS];
};

/* Four vCPUs in two clusters: 0.0.0.0, 0.0.0.1, 0.0.1.0, 0.0.1.1 */
static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));
	struct vgic_cpu *cpus[4];
	unsigned int i;

	assert_non_null(e);
	for (i = 0; i < 4; i++) {
		e->cpu[i].mpidr = mpidr(0, 0, i >> 1, i & 1);
		cpus[i] = &e->cpu[i];
	}
	vgic_init(&e->vg, &fake_ops, 64, cpus, 4);
	memset(kicks, 0, sizeof(kicks));
	kick_intid = VGIC_NR_SGIS;
	kick_queued_first = 0;
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static bool sgi_pending(struct env *e, unsigned int cpu, unsigned int intid)
{
	return e->cpu[cpu].private_irqs[intid].pending_latch;
}

static bool on_list(const struct vgic_cpu *vc, const struct virq *v)
{
	const struct virq *p;

	for (p = vc->ap_head; p; p = p->ap_next)
		if (p == v)
			return true;
	return false;
}

/* SGIs reset to group 0: ICC_SGI1R_EL1 (group 1) pends nothing until the target's copy is in
 * group 1; ICC_SGI0R_EL1 and ICC_ASGI1R_EL1 (group 0) the opposite. */
static void test_group_filter(void **state)
{
	struct env *e = *state;
	const uint64_t to_all = sgir(3, 0, 0, 0, 0, 3); /* vCPUs 0, 1 */
	const uint64_t to_c1 = sgir(3, 0, 0, 1, 0, 3);	/* vCPUs 2, 3 */
	unsigned int i;

	vgic_sgi(&e->vg, &e->cpu[0], to_all, 1);
	vgic_sgi(&e->vg, &e->cpu[0], to_c1, 1);
	for (i = 0; i < 4; i++)
		assert_false(sgi_pending(e, i, 3));

	/* vCPU 1's and vCPU 3's SGI 3 in group 1 */
	e->cpu[1].private_irqs[3].group = 1;
	e->cpu[3].private_irqs[3].group = 1;
	vgic_sgi(&e->vg, &e->cpu[0], to_all, 1);
	vgic_sgi(&e->vg, &e->cpu[0], to_c1, 1);
	assert_false(sgi_pending(e, 0, 3));
	assert_true(sgi_pending(e, 1, 3));
	assert_false(sgi_pending(e, 2, 3));
	assert_true(sgi_pending(e, 3, 3));

	/* group 0 registers reach the others */
	vgic_sgi(&e->vg, &e->cpu[1], to_all, 0);
	vgic_sgi(&e->vg, &e->cpu[1], to_c1, 0);
	for (i = 0; i < 4; i++)
		assert_true(sgi_pending(e, i, 3));

	/* only the SGI named is touched */
	for (i = 0; i < 16; i++)
		if (i != 3)
			assert_false(sgi_pending(e, 0, i) || sgi_pending(e, 1, i));
}

/* IRM from vCPU 2: everybody else, per group; the sender is left alone. */
static void test_broadcast(void **state)
{
	struct env *e = *state;
	unsigned int i;

	for (i = 0; i < 4; i++)
		e->cpu[i].private_irqs[9].group = 1;
	e->cpu[3].private_irqs[9].group = 0;
	vgic_sgi(&e->vg, &e->cpu[2], ICC_SGI1R_IRM | 9ull << 24, 1);
	assert_true(sgi_pending(e, 0, 9));
	assert_true(sgi_pending(e, 1, 9));
	assert_false(sgi_pending(e, 2, 9)); /* the sender */
	assert_false(sgi_pending(e, 3, 9)); /* group 0 */
}

/* A pended SGI goes on its vCPU's list and kicks it only when it can be delivered: enabled
 * and its group enabled in GICD_CTLR. */
static void test_delivery(void **state)
{
	struct env *e = *state;
	struct virq *v = &e->cpu[2].private_irqs[1];

	v->group = 1;
	vgic_sgi(&e->vg, &e->cpu[0], sgir(1, 0, 0, 1, 0, 1), 1);
	assert_true(v->pending_latch);
	assert_false(on_list(&e->cpu[2], v)); /* disabled */
	assert_int_equal(kicks[2], 0);

	v->pending_latch = false;
	v->enabled = true;
	e->vg.ctlr |= 2; /* EnableGrp1 */
	vgic_sgi(&e->vg, &e->cpu[0], sgir(1, 0, 0, 1, 0, 1), 1);
	assert_true(on_list(&e->cpu[2], v));
	assert_ptr_equal(v->ap_owner, &e->cpu[2]);
	assert_int_equal(kicks[2], 1);
	assert_int_equal(kicks[0] + kicks[1] + kicks[3], 0);

	/* to itself */
	e->cpu[0].private_irqs[1].group = 1;
	e->cpu[0].private_irqs[1].enabled = true;
	vgic_sgi(&e->vg, &e->cpu[0], sgir(1, 0, 0, 0, 0, 1), 1);
	assert_true(on_list(&e->cpu[0], &e->cpu[0].private_irqs[1]));
	assert_int_equal(kicks[0], 1);
}

/* A broadcast kicks each target once, after every target's SGI is on its list and with no
 * lock held (fake_kick checks). */
static void test_kicks_after_unlock(void **state)
{
	struct env *e = *state;
	unsigned int i;

	e->vg.ctlr |= 2; /* EnableGrp1 */
	for (i = 0; i < 4; i++) {
		e->cpu[i].private_irqs[5].group = 1;
		e->cpu[i].private_irqs[5].enabled = true;
	}
	kick_intid = 5;
	vgic_sgi(&e->vg, &e->cpu[1], ICC_SGI1R_IRM | 5ull << 24, 1);
	assert_int_equal(kicks[0], 1);
	assert_int_equal(kicks[1], 0); /* the sender */
	assert_int_equal(kicks[2], 1);
	assert_int_equal(kicks[3], 1);
	assert_int_equal(kick_queued_first, 3);

	/* already listed (in flight): the owner is kicked to refresh its LRs, again unlocked */
	memset(kicks, 0, sizeof(kicks));
	assert_true(vgic_sgi_others(&e->vg, &e->cpu[0], sgir(5, 0, 0, 1, 0, 3), 1));
	assert_int_equal(kicks[2] + kicks[3], 2);
	assert_int_equal(kicks[0] + kicks[1], 0);
}

/* Targets that do not exist, and a NULL sender (nobody excluded). */
static void test_nonexistent_and_no_sender(void **state)
{
	struct env *e = *state;
	unsigned int i;

	vgic_sgi(&e->vg, &e->cpu[0], sgir(4, 0, 0, 5, 0, 0xffff), 0);
	vgic_sgi(&e->vg, &e->cpu[0], sgir(4, 0, 0, 0, 1, 0xffff), 0);
	vgic_sgi(&e->vg, &e->cpu[0], sgir(4, 0, 0, 0, 0, 0xfffc), 0);
	for (i = 0; i < 4; i++)
		assert_false(sgi_pending(e, i, 4));
	vgic_sgi(&e->vg, NULL, ICC_SGI1R_IRM | 4ull << 24, 0);
	for (i = 0; i < 4; i++)
		assert_true(sgi_pending(e, i, 4));
}

/* vgic_sgi_others(): done, as vgic_sgi() would, when the writer is not a target; refused with
 * nothing pended when it is (the general exit folds first, then vgic_sgi()). */
static void test_others_only(void **state)
{
	struct env *e = *state;
	unsigned int i;

	for (i = 0; i < 4; i++)
		e->cpu[i].private_irqs[6].group = 1;
	assert_true(vgic_sgi_others(&e->vg, &e->cpu[0], sgir(6, 0, 0, 0, 0, 2), 1));
	assert_true(sgi_pending(e, 1, 6));
	assert_true(vgic_sgi_others(&e->vg, &e->cpu[0], sgir(6, 0, 0, 1, 0, 3), 1)); /* 2, 3 */
	assert_true(sgi_pending(e, 2, 6) && sgi_pending(e, 3, 6));
	assert_true(vgic_sgi_others(&e->vg, &e->cpu[0], sgir(6, 0, 0, 7, 0, 1), 1)); /* nobody */
	for (i = 0; i < 4; i++)
		e->cpu[i].private_irqs[6].pending_latch = false;

	/* the writer among the targets, alone or with others: refused, nothing pended */
	assert_false(vgic_sgi_others(&e->vg, &e->cpu[1], sgir(6, 0, 0, 0, 0, 2), 1));
	assert_false(vgic_sgi_others(&e->vg, &e->cpu[1], sgir(6, 0, 0, 0, 0, 3), 1));
	for (i = 0; i < 4; i++)
		assert_false(sgi_pending(e, i, 6));

	/* IRM leaves the writer out by definition */
	assert_true(vgic_sgi_others(&e->vg, &e->cpu[3], ICC_SGI1R_IRM | 6ull << 24, 1));
	assert_true(sgi_pending(e, 0, 6) && sgi_pending(e, 1, 6) && sgi_pending(e, 2, 6));
	assert_false(sgi_pending(e, 3, 6));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intid),
		cmocka_unit_test(test_every_targetlist_bit),
		cmocka_unit_test(test_affinity_matching),
		cmocka_unit_test(test_irm_broadcast),
		cmocka_unit_test(test_range_selector),
		cmocka_unit_test(test_nonexistent_targets),
		cmocka_unit_test(test_max_cpus),
		cmocka_unit_test(test_map_agrees),
		cmocka_unit_test_setup_teardown(test_group_filter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_broadcast, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delivery, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kicks_after_unlock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nonexistent_and_no_sender, setup, teardown),
		cmocka_unit_test_setup_teardown(test_others_only, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
