/*
 * test_passthrough_calls.c - host unit tests for irq/passthrough.c one call at a time, where
 * test_passthrough.c walks whole guest scenarios: the set-up's refusals, the source operations
 * with a physical GIC that mirrors only part of them, the first priority and route a line gets,
 * what a quiesce does to an SPI's and to a PPI's physical state, and the counters. With the
 * real vGIC over a fake physical GIC that records what each line was told. Touches nothing but
 * its own state.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "irq/passthrough.h"
#include "irq/vgic.h"
#include "irq/virq.h"
#include "skiff/hvc.h"

#define GICD_FRAME ((uintptr_t)0x08000000)
#define RD_FRAME ((uintptr_t)0x080a0000)
#define NR_INTIDS 64
#define SPI_A 40
#define SPI_B 41
#define TIMER_VIRT 27
#define TIMER_PHYS 30
#define MPIDR_0 0x1ull /* vCPU 0 has affinity 0.0.0.1 ... */
#define MPIDR_1 0x0ull /* ... vCPU 1 0.0.0.0: IROUTER's reset value names vCPU 1 */

/* ---- the fake physical GIC: what each line was told */

static struct {
	unsigned int set_pending, set_active, set_priority, routes, deactivated;
	bool pending, active;
	uint8_t priority;
	uint64_t route;
} phys[NR_INTIDS];

static void hw_set_enable(uintptr_t frame, uint32_t pintid, bool on)
{
	(void)frame;
	(void)pintid;
	(void)on;
}

static void hw_set_pending(uintptr_t frame, uint32_t pintid, bool on)
{
	(void)frame;
	phys[pintid].set_pending++;
	phys[pintid].pending = on;
}

static void hw_set_active(uintptr_t frame, uint32_t pintid, bool on)
{
	(void)frame;
	phys[pintid].set_active++;
	phys[pintid].active = on;
}

static void hw_set_priority(uintptr_t frame, uint32_t pintid, uint8_t prio)
{
	(void)frame;
	phys[pintid].set_priority++;
	phys[pintid].priority = prio;
}

static void hw_route(uintptr_t frame, uint32_t pintid, uint64_t mpidr)
{
	assert_int_equal(frame, GICD_FRAME);
	phys[pintid].routes++;
	phys[pintid].route = mpidr;
}

static void hw_deactivate(uint32_t pintid)
{
	phys[pintid].deactivated++;
}

static const struct passthrough_hw full_hw = {
	.set_enable = hw_set_enable,
	.set_pending = hw_set_pending,
	.set_active = hw_set_active,
	.set_priority = hw_set_priority,
	.route = hw_route,
	.deactivate = hw_deactivate,
};

/* a GIC that mirrors no pending state: a guest's ISPENDR stays the vGIC's */
static const struct passthrough_hw no_pending_hw = {
	.set_enable = hw_set_enable,
	.deactivate = hw_deactivate,
};

/* ---- the VM */

static struct vgic vg;
static struct vgic_cpu cpu[2];
static struct passthrough pt, ppis;

static void ops_kick(struct vgic *g, unsigned int id)
{
	(void)g;
	(void)id;
}

static const struct vgic_ops fake_ops = {
	.kick = ops_kick,
};

static const uint32_t intids[2] = { SPI_A, SPI_B };
static const enum irq_mode modes[2] = { IRQ_MODE_EOI, IRQ_MODE_ONESHOT };
static const bool edges[2] = { false, true };

static int setup(void **state)
{
	struct vgic_cpu *cpus[2] = { &cpu[0], &cpu[1] };

	(void)state;
	memset(&vg, 0, sizeof(vg));
	memset(cpu, 0, sizeof(cpu));
	memset(phys, 0, sizeof(phys));
	cpu[0].mpidr = MPIDR_0;
	cpu[1].mpidr = MPIDR_1;
	vgic_init(&vg, &fake_ops, NR_INTIDS, cpus, 2);
	return 0;
}

static void init_spis(const struct passthrough_hw *hw)
{
	assert_int_equal(
		passthrough_init_spis(&pt, &vg, hw, GICD_FRAME, intids, modes, edges, 2, NULL), 0);
}

static struct virq *spi(uint32_t intid)
{
	return vgic_get_virq(&vg, NULL, intid);
}

/* ---- set-up */

static void test_init_refusals(void **state)
{
	uint32_t many[PASSTHROUGH_MAX_LINES + 1];
	enum irq_mode many_modes[PASSTHROUGH_MAX_LINES + 1];
	bool many_edges[PASSTHROUGH_MAX_LINES + 1];
	static const uint32_t ppi31[1] = { 31 }, spi32[1] = { 32 }, spi_then_ppi[2] = { SPI_A, 31 };
	static const enum irq_mode past[1] = { (enum irq_mode)(IRQ_MODE_ONESHOT + 1) };
	unsigned int i;

	(void)state;
	for (i = 0; i <= PASSTHROUGH_MAX_LINES; i++) {
		many[i] = (uint32_t)(VGIC_INTID_SPI_BASE + i);
		many_modes[i] = IRQ_MODE_HW;
		many_edges[i] = false;
	}
	/* PPIs: none, or more than the lines */
	assert_int_equal(passthrough_init_ppis(&ppis, &vg, &cpu[0], &full_hw, RD_FRAME, many, 0),
			 -1);
	assert_int_equal(passthrough_init_ppis(&ppis, &vg, &cpu[0], &full_hw, RD_FRAME, many,
					       PASSTHROUGH_MAX_LINES + 1),
			 -1);
	/* SPIs: a PPI is none, last in a list too (checked before any line is claimed); a mode
	 * past oneshot is none either */
	assert_int_equal(passthrough_init_spis(&pt, &vg, &full_hw, GICD_FRAME, ppi31, many_modes,
					       many_edges, 1, NULL),
			 -1);
	assert_int_equal(passthrough_init_spis(&pt, &vg, &full_hw, GICD_FRAME, spi_then_ppi,
					       many_modes, many_edges, 2, NULL),
			 -1);
	assert_null(spi(SPI_A));
	assert_int_equal(passthrough_init_spis(&pt, &vg, &full_hw, GICD_FRAME, spi32, past,
					       many_edges, 1, NULL),
			 -1);
	assert_null(spi(32)); /* nothing claimed */
	assert_int_equal(passthrough_init_spis(&pt, &vg, &full_hw, GICD_FRAME, spi32, many_modes,
					       many_edges, 1, NULL),
			 0);
}

/* A line's first priority is written even when it equals what skiff last knew (0: nothing);
 * its first route is its target's CPU, whichever vCPU that is. */
static void test_first_priority_and_route(void **state)
{
	struct irq_config cfg = { .edge = false, .priority = 0, .target_mpidr = MPIDR_1 };

	(void)state;
	init_spis(&full_hw);
	assert_ptr_equal(spi(SPI_A)->target, &cpu[1]);
	assert_int_equal(phys[SPI_A].routes, 1);
	assert_int_equal(phys[SPI_A].route, MPIDR_1);
	pt.src.ops->update_config(&pt.src, 0, &cfg);
	assert_int_equal(phys[SPI_A].set_priority, 1);
	pt.src.ops->update_config(&pt.src, 0, &cfg);
	assert_int_equal(phys[SPI_A].set_priority, 1); /* known since */
}

/* ---- source operations */

/* ISPENDR on a GIC that does not mirror it: the vGIC's latch delivers it, so it stays. */
static void test_ispendr_not_mirrored(void **state)
{
	struct virq *v;

	(void)state;
	init_spis(&no_pending_hw);
	v = spi(SPI_A);
	spin_lock(&v->lock);
	v->pending_latch = true; /* as vgic_mmio_write_set_pending() sets it, then tells */
	pt.src.ops->trigger(&pt.src, 0);
	spin_unlock(&v->lock);
	assert_true(v->pending_latch);
	/* mirrored, it comes back through passthrough_handle() instead */
	setup(NULL);
	init_spis(&full_hw);
	v = spi(SPI_A);
	spin_lock(&v->lock);
	v->pending_latch = true;
	pt.src.ops->trigger(&pt.src, 0);
	spin_unlock(&v->lock);
	assert_false(v->pending_latch);
	assert_true(phys[SPI_A].pending);
}

/* ---- stopping the guest */

/* A quiesce ends an SPI's physical pending and active states and forgets the priority skiff
 * wrote (the restarted guest's is written again); a PPI's physical state is its CPU's, left
 * alone. */
static void test_quiesce(void **state)
{
	static const uint32_t timers[2] = { TIMER_VIRT, TIMER_PHYS };
	struct irq_config cfg = { .edge = true, .priority = 0x80, .target_mpidr = MPIDR_1 };

	(void)state;
	init_spis(&full_hw);
	assert_int_equal(passthrough_init_ppis(&ppis, &vg, &cpu[0], &full_hw, RD_FRAME, timers, 2),
			 0);
	pt.src.ops->update_config(&pt.src, 1, &cfg);
	assert_int_equal(phys[SPI_B].set_priority, 1);
	phys[SPI_B].pending = true;
	phys[SPI_B].active = true;
	spin_lock(&vg.config_lock);
	passthrough_quiesce(&pt);
	passthrough_quiesce(&ppis);
	spin_unlock(&vg.config_lock);
	assert_false(phys[SPI_B].pending);
	assert_false(phys[SPI_B].active);
	assert_int_equal(phys[TIMER_VIRT].set_active + phys[TIMER_VIRT].set_pending, 0);
	assert_int_equal(phys[TIMER_PHYS].set_active + phys[TIMER_PHYS].set_pending, 0);
	spin_lock(&vg.config_lock);
	passthrough_restart(&pt);
	spin_unlock(&vg.config_lock);
	pt.src.ops->update_config(&pt.src, 1, &cfg);
	assert_int_equal(phys[SPI_B].set_priority, 2);
}

/* ---- counters */

static void test_counters(void **state)
{
	(void)state;
	init_spis(&full_hw);
	pt.line[2].taken = 7; /* past the lines: never read */
	spin_lock(&spi(SPI_A)->lock);
	assert_true(passthrough_take_locked(&pt, 0)); /* taken, by the fast path say */
	spin_unlock(&spi(SPI_A)->lock);
	assert_int_equal(passthrough_counter(&pt, 0, SKIFF_CNT_SPI_TAKEN), 1);
	assert_int_equal(passthrough_counter(&pt, 0, SKIFF_CNT_SPI_INJECTED), 0);
	passthrough_injected(&pt, 0);
	assert_int_equal(passthrough_counter(&pt, 0, SKIFF_CNT_SPI_INJECTED), 1);
	assert_int_equal(passthrough_counter(&pt, 2, SKIFF_CNT_SPI_TAKEN), 0);
	assert_int_equal(passthrough_find(&pt, SPI_B), 1);
	assert_int_equal(passthrough_find(&pt, SPI_B + 1), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_init_refusals, setup),
		cmocka_unit_test_setup(test_first_priority_and_route, setup),
		cmocka_unit_test_setup(test_ispendr_not_mirrored, setup),
		cmocka_unit_test_setup(test_quiesce, setup),
		cmocka_unit_test_setup(test_counters, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
