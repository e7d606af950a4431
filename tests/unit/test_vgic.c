/*
 * test_vgic.c - host unit tests for the vGIC core, irq/vgic.c, through its own calls rather
 * than a register file: set-up limits, what a reset keeps and what it clears, which virqs
 * ops->changed hears of, private-only sources, clearing a pending state, the in-flight lists
 * (vgic_queue_held, the requeue of a prune and its overflow, vgic_queue_all over every SPI);
 * and the emulated source on top of it (irq/emulated.c). The hardware is a fake vgic_ops
 * that counts kicks and changes. Touches nothing but its own state.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "irq/emulated.h"
#include "irq/vgic.h"
#include "tests/unit/vgic_locks.h"

#define NR_INTIDS 64 /* SPIs 32..63 */
#define NR_CPUS 2
#define SPI_FIRST VGIC_INTID_SPI_BASE
#define SPI_LAST (NR_INTIDS - 1)
#define SPI_A 40
#define SPI_B 41
#define SPI_C 42
#define TIMER_PPI 27
#define MPIDR_1 0x100ull /* vCPU 1: affinity 0.0.1.0; vCPU 0 is 0.0.0.0 */

/* ---- fakes */

static unsigned int kicks[VGIC_MAX_CPUS];
static unsigned int changed[VGIC_MAX_INTIDS];

static void fake_kick(struct vgic *vg, unsigned int vcpu)
{
	assert_true(vcpu < vg->nr_cpus);
	kicks[vcpu]++;
}

static void fake_changed(struct vgic *vg, struct virq *v)
{
	(void)vg;
	assert_true(v->intid < VGIC_MAX_INTIDS);
	changed[v->intid]++;
}

static const struct vgic_ops fake_ops = {
	.kick = fake_kick,
	.changed = fake_changed,
};

static struct irq_source src;

/* ---- the VM under test */

static struct vgic vg;
static struct vgic_cpu cpu[VGIC_MAX_CPUS + 1];

static void vm_init(unsigned int nr_cpus, unsigned int nr_intids)
{
	struct vgic_cpu *cpus[VGIC_MAX_CPUS + 1];
	unsigned int i;

	memset(&vg, 0, sizeof(vg));
	memset(cpu, 0, sizeof(cpu));
	for (i = 0; i < VGIC_MAX_CPUS + 1; i++) {
		cpu[i].mpidr = i << 8;
		cpus[i] = &cpu[i];
	}
	vgic_init(&vg, &fake_ops, nr_intids, cpus, nr_cpus);
	memset(kicks, 0, sizeof(kicks));
	memset(changed, 0, sizeof(changed));
	memset(&src, 0, sizeof(src));
}

static int setup(void **state)
{
	(void)state;
	vm_init(NR_CPUS, NR_INTIDS);
	return 0;
}

static struct virq *spi(uint32_t intid)
{
	return &vg.spis[intid - VGIC_INTID_SPI_BASE];
}

/* Enabled, group 1 with group 1 enabled: pending makes it want a list register. */
static void make_deliverable(struct virq *v)
{
	vg.ctlr |= GICD_CTLR_ENABLE_GRP1;
	v->group = 1;
	v->enabled = true;
}

static bool on_list(const struct vgic_cpu *vc, const struct virq *v)
{
	const struct virq *p;

	for (p = vc->ap_head; p; p = p->ap_next)
		if (p == v)
			return v->ap_owner == vc;
	return false;
}

static void set_route(struct virq *v, uint64_t route)
{
	spin_lock(&v->lock);
	vgic_set_route(&vg, v, route);
	spin_unlock(&v->lock);
}

static void reset(void)
{
	spin_lock(&vg.config_lock);
	vgic_reset(&vg);
	spin_unlock(&vg.config_lock);
	assert_true(vgic_all_unlocked(&vg));
}

/* ---- set-up */

static void test_init_limits(void **state)
{
	(void)state;
	vm_init(VGIC_MAX_CPUS + 1, VGIC_MAX_INTIDS + 32);
	assert_int_equal(vg.nr_cpus, VGIC_MAX_CPUS);
	assert_int_equal(vg.nr_intids, VGIC_MAX_INTIDS);
	assert_ptr_equal(vg.cpus[VGIC_MAX_CPUS - 1], &cpu[VGIC_MAX_CPUS - 1]);
	assert_null(cpu[VGIC_MAX_CPUS].vgic); /* the one too many is not touched */
	vm_init(1, 70);
	assert_int_equal(vg.nr_intids, 64); /* a whole number of 32 */
	vm_init(1, 8);
	assert_int_equal(vg.nr_intids, VGIC_NR_PRIVATE);
}

/* ---- ops->changed: for the virqs the fast path's table follows only */

static void test_changed_hw_and_fast_eoi_only(void **state)
{
	(void)state;
	assert_int_equal(vgic_claim_spi(&vg, SPI_A, NULL, 0), 0);
	assert_int_equal(vgic_claim_spi(&vg, SPI_B, NULL, 0), 0);
	assert_int_equal(vgic_claim_spi(&vg, SPI_C, NULL, 0), 0);
	vgic_link_hw(&vg, NULL, SPI_B, SPI_B);
	spi(SPI_C)->fast_eoi = true;
	vgic_trigger(&vg, NULL, SPI_A);
	vgic_trigger(&vg, NULL, SPI_B);
	vgic_trigger(&vg, NULL, SPI_C);
	assert_int_equal(changed[SPI_A], 0);
	assert_int_equal(changed[SPI_B], 1);
	assert_int_equal(changed[SPI_C], 1);
}

/* ---- reset */

/* What the interrupt is stays; what the guest did with it goes; so does every vCPU's list and
 * list-register bookkeeping. */
static void test_reset(void **state)
{
	static const uint32_t spis[] = { SPI_FIRST, SPI_A, SPI_LAST };
	unsigned int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		struct virq *v = spi(spis[i]);

		assert_int_equal(vgic_claim_spi(&vg, spis[i], &src, i), 0);
		vgic_link_hw(&vg, NULL, spis[i], spis[i] + 100);
		v->fast_eoi = true;
		v->eoi_notify = true;
		make_deliverable(v);
		v->priority = 0x80;
		set_route(v, MPIDR_1);
		assert_ptr_equal(v->target, &cpu[1]);
		vgic_trigger(&vg, NULL, spis[i]);
		assert_true(on_list(&cpu[1], v));
	}
	cpu[0].lr_map = 0x3;
	cpu[0].lr_fast_eoi = 0x2;
	cpu[0].nr_requeue = 2;
	memset(changed, 0, sizeof(changed));
	reset();
	for (i = 0; i < 3; i++) {
		struct virq *v = spi(spis[i]);

		assert_true(v->owned);
		assert_ptr_equal(v->src, &src);
		assert_int_equal(v->src_index, i);
		assert_true(v->hw);
		assert_int_equal(v->pintid, spis[i] + 100);
		assert_true(v->fast_eoi);
		assert_true(v->eoi_notify);
		assert_false(v->enabled || v->pending_latch || v->group);
		assert_int_equal(v->route, 0);
		assert_ptr_equal(v->target, &cpu[0]);
		assert_null(v->ap_owner);
		assert_int_equal(v->lr, -1);
		assert_int_equal(changed[spis[i]], 1);
	}
	for (i = 0; i < NR_CPUS; i++) {
		assert_null(cpu[i].ap_head);
		assert_int_equal(cpu[i].lr_map, 0);
		assert_int_equal(cpu[i].lr_fast_eoi, 0);
		assert_int_equal(cpu[i].nr_requeue, 0);
		assert_int_equal(cpu[i].lr_used, 0);
	}
}

/* ---- sources, levels and pending states */

/* vgic_set_source is for private interrupts; an SPI gets its source when it is claimed */
static void test_set_source_private_only(void **state)
{
	(void)state;
	assert_int_equal(vgic_claim_spi(&vg, SPI_A, NULL, 0), 0);
	vgic_set_source(&vg, &cpu[0], SPI_A, &src, 3);
	assert_null(spi(SPI_A)->src);
	vgic_set_source(&vg, &cpu[0], TIMER_PPI, &src, 3);
	assert_ptr_equal(cpu[0].private_irqs[TIMER_PPI].src, &src);
	assert_int_equal(cpu[0].private_irqs[TIMER_PPI].src_index, 3);
}

/* A pending state cleared (a timer's, hyp/run/vcpu.c) takes the interrupt off its list. */
static void test_clear_pending(void **state)
{
	struct virq *v = &cpu[0].private_irqs[TIMER_PPI];

	(void)state;
	make_deliverable(v);
	vgic_trigger(&vg, &cpu[0], TIMER_PPI);
	assert_true(on_list(&cpu[0], v));
	vgic_clear_pending(&vg, &cpu[0], TIMER_PPI);
	assert_false(v->pending_latch);
	assert_null(v->ap_owner);
	assert_null(cpu[0].ap_head);
}

/* ---- the in-flight lists */

static void test_queue_held(void **state)
{
	struct virq *a = spi(SPI_A), *b = spi(SPI_B);

	(void)state;
	assert_int_equal(vgic_claim_spi(&vg, SPI_A, NULL, 0), 0);
	assert_int_equal(vgic_claim_spi(&vg, SPI_B, NULL, 0), 0);
	/* one that wants no list register is not added */
	spin_lock(&cpu[0].ap_lock);
	spin_lock(&a->lock);
	vgic_queue_held(&vg, &cpu[0], a);
	spin_unlock(&a->lock);
	spin_unlock(&cpu[0].ap_lock);
	assert_false(on_list(&cpu[0], a));
	/* one on vCPU 1's list: vCPU 1 is kicked, the list left alone */
	make_deliverable(b);
	set_route(b, MPIDR_1);
	vgic_trigger(&vg, NULL, SPI_B);
	assert_true(on_list(&cpu[1], b));
	memset(kicks, 0, sizeof(kicks));
	spin_lock(&cpu[0].ap_lock);
	spin_lock(&b->lock);
	vgic_queue_held(&vg, &cpu[0], b);
	spin_unlock(&b->lock);
	spin_unlock(&cpu[0].ap_lock);
	assert_true(on_list(&cpu[1], b));
	assert_int_equal(kicks[1], 1);
}

/*
 * A prune of vCPU 0's list moves what was re-routed to vCPU 1 through its requeue, which holds
 * VGIC_REQUEUE_MAX: one more stays on the list for the next prune, and vgic_requeue() says so.
 */
static void test_requeue_overflow(void **state)
{
	unsigned int i, n = VGIC_REQUEUE_MAX + 1;

	(void)state;
	for (i = 0; i < n; i++) {
		struct virq *v = spi(SPI_FIRST + i);

		assert_int_equal(vgic_claim_spi(&vg, SPI_FIRST + i, NULL, 0), 0);
		make_deliverable(v);
		vgic_trigger(&vg, NULL, SPI_FIRST + i);
		assert_true(on_list(&cpu[0], v));
	}
	/* re-routed while vCPU 0 holds its list: they stay on it, vCPU 0 kicked */
	spin_lock(&cpu[0].ap_lock);
	for (i = 0; i < n; i++)
		set_route(spi(SPI_FIRST + i), MPIDR_1);
	vgic_prune(&vg, &cpu[0]);
	spin_unlock(&cpu[0].ap_lock);
	assert_int_equal(cpu[0].nr_requeue, n);
	assert_non_null(cpu[0].ap_head);
	assert_null(cpu[0].ap_head->ap_next);
	assert_true(vgic_requeue(&vg, &cpu[0])); /* one left behind: prune again */
	assert_int_equal(cpu[0].nr_requeue, 0);
	spin_lock(&cpu[0].ap_lock);
	vgic_prune(&vg, &cpu[0]);
	spin_unlock(&cpu[0].ap_lock);
	assert_int_equal(cpu[0].nr_requeue, 1);
	assert_false(vgic_requeue(&vg, &cpu[0]));
	assert_int_equal(cpu[0].nr_requeue, 0);
	assert_null(cpu[0].ap_head);
	for (i = 0; i < n; i++)
		assert_true(on_list(&cpu[1], spi(SPI_FIRST + i)));
	assert_true(vgic_all_unlocked(&vg));
}

/* A group enabled in GICD_CTLR: every SPI that now wants a list register gets on a list, the
 * first and the last included. */
static void test_queue_all(void **state)
{
	static const uint32_t spis[] = { SPI_FIRST, SPI_A, SPI_LAST };
	unsigned int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		struct virq *v = spi(spis[i]);

		assert_int_equal(vgic_claim_spi(&vg, spis[i], NULL, 0), 0);
		make_deliverable(v);
	}
	vg.ctlr &= ~GICD_CTLR_ENABLE_GRP1;
	for (i = 0; i < 3; i++) {
		vgic_trigger(&vg, NULL, spis[i]);
		assert_null(spi(spis[i])->ap_owner);
	}
	spin_lock(&vg.config_lock);
	vg.ctlr |= GICD_CTLR_ENABLE_GRP1;
	vgic_queue_all(&vg);
	spin_unlock(&vg.config_lock);
	for (i = 0; i < 3; i++)
		assert_true(on_list(&cpu[0], spi(spis[i])));
}

/* ---- the emulated source (irq/emulated.c) */

static unsigned int resampled[4];

static void dev_resample(void *dev, unsigned int index)
{
	assert_ptr_equal(dev, &resampled);
	assert_true(index < 4);
	resampled[index]++;
}

/* Each line claimed with its index and asking for the guest's EOI, which the device hears of
 * as that line's resample; a line someone else has fails the set-up. */
static void test_emulated(void **state)
{
	struct emu_source e, other;
	unsigned int i;

	(void)state;
	memset(resampled, 0, sizeof(resampled));
	assert_int_equal(emu_source_init(&e, &vg, SPI_A, 3, dev_resample, &resampled), 0);
	for (i = 0; i < 3; i++) {
		struct virq *v = spi(SPI_A + i);

		assert_true(v->owned);
		assert_ptr_equal(v->src, &e.src);
		assert_int_equal(v->src_index, i);
		assert_true(v->eoi_notify);
	}
	spi(SPI_A + 2)->src->ops->eoi(spi(SPI_A + 2)->src, spi(SPI_A + 2)->src_index);
	assert_int_equal(resampled[2], 1);
	assert_int_equal(resampled[0] + resampled[1], 0);
	/* a set-up whose second line someone has already fails */
	assert_int_equal(vgic_claim_spi(&vg, SPI_LAST, NULL, 0), 0);
	assert_int_not_equal(
		emu_source_init(&other, &vg, SPI_LAST - 1, 2, dev_resample, &resampled), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_limits),
		cmocka_unit_test_setup(test_changed_hw_and_fast_eoi_only, setup),
		cmocka_unit_test_setup(test_reset, setup),
		cmocka_unit_test_setup(test_set_source_private_only, setup),
		cmocka_unit_test_setup(test_clear_pending, setup),
		cmocka_unit_test_setup(test_queue_held, setup),
		cmocka_unit_test_setup(test_requeue_overflow, setup),
		cmocka_unit_test_setup(test_queue_all, setup),
		cmocka_unit_test_setup(test_emulated, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
