/*
 * test_vgic_smp.c - the vGIC's locks (docs/locks.md) under real concurrency. Two host threads
 * play two vCPUs in their guests: they acknowledge and EOI what their list registers offer and
 * exit (fold, handle a GICD write of their own, flush) when kicked, when a maintenance
 * interrupt is owed, or at random. A third thread writes the distributor as either vCPU
 * (enables, pends, clears, active state, priorities, routes) and sends SGIs, all at the same
 * time, and the eoi/oneshot-style maintenance fast path (irq/lr_fast.c) runs too. The test is
 * built with ThreadSanitizer: an access to vGIC state that the locks do not order is a data
 * race, reported, and fails it. At the end, with every thread stopped and the vCPUs folded,
 * the lists must hold their invariants, no lock may be held and nothing may be forgotten.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "drivers/gicv3_regs.h"
#include "irq/lr.h"
#include "irq/lr_fast.h"
#include "irq/passthrough.h"
#include "irq/vgic.h"
#include "tests/unit/vgic_locks.h"

#define NR_VCPUS 2
#define NR_LRS 4
#define NR_INTIDS 64
#define FIRST_SPI 32
#define NR_SPIS 16
#define NR_PT 8 /* SPIs 32..39 passed through (eoi, oneshot), 40..47 virtual only */
#define STEPS 10000

/* the members are used through cur, which cppcheck does not follow */
struct fake_if {
	// cppcheck-suppress unusedStructMember
	uint64_t lr[NR_LRS];
	// cppcheck-suppress unusedStructMember
	uint32_t hcr;
};

static struct vgic vg;
static struct vgic_cpu vcpus[NR_VCPUS];
static struct fake_if cpuif[NR_VCPUS];
static int kicked[NR_VCPUS];		  /* __atomic */
static int stop;			  /* __atomic: the writer is done */
static _Thread_local struct fake_if *cur; /* the virtual CPU interface of this thread's vCPU */

/* ---- a physical GIC for the passed-through lines: enable, active and route per line, each
 * __atomic; a line fires on the vCPU it is routed to while enabled and not active */
static struct passthrough pt;
static struct {
	int enabled, active;
	uint64_t route;
} phys[NR_PT];
static unsigned int fires, fast_injects, fast_maints; /* __atomic */

static int phys_index(uint32_t intid)
{
	assert_true(intid >= FIRST_SPI && intid < FIRST_SPI + NR_PT);
	return (int)(intid - FIRST_SPI);
}

static void hw_set_enable(uintptr_t frame, uint32_t intid, bool on)
{
	(void)frame;
	__atomic_store_n(&phys[phys_index(intid)].enabled, on, __ATOMIC_RELAXED);
}

static void hw_route(uintptr_t frame, uint32_t intid, uint64_t mpidr)
{
	(void)frame;
	__atomic_store_n(&phys[phys_index(intid)].route, mpidr, __ATOMIC_RELAXED);
}

static void hw_deactivate(uint32_t intid)
{
	__atomic_store_n(&phys[phys_index(intid)].active, 0, __ATOMIC_RELEASE);
}

static const struct passthrough_hw fake_hw = {
	.set_enable = hw_set_enable,
	.route = hw_route,
	.deactivate = hw_deactivate,
};

static void ops_kick(struct vgic *g, unsigned int id)
{
	(void)g;
	__atomic_store_n(&kicked[id], 1, __ATOMIC_RELEASE);
}

static const struct vgic_ops ops = { .kick = ops_kick };

static uint64_t if_read_lr(unsigned int n)
{
	return cur->lr[n];
}

static void if_write_lr(unsigned int n, uint64_t val)
{
	cur->lr[n] = val;
}

static uint32_t if_read_hcr(void)
{
	return cur->hcr;
}

static void if_write_hcr(uint32_t val)
{
	cur->hcr = val;
}

static uint32_t lr_bits(bool eoi_owed)
{
	uint32_t m = 0;
	unsigned int n;

	for (n = 0; n < NR_LRS; n++)
		if (!(cur->lr[n] & ICH_LR_STATE_MASK) &&
		    ((cur->lr[n] & (ICH_LR_HW | ICH_LR_EOI)) == ICH_LR_EOI) == eoi_owed)
			m |= 1u << n;
	return m;
}

static uint32_t if_read_elrsr(void)
{
	return lr_bits(false);
}

static uint32_t if_read_eisr(void)
{
	return lr_bits(true);
}

/* ICH_MISR_EL2's EOI and NP conditions, the ones this guest can raise (no UIE with 4 LRs in
 * use rarely matters here: the vCPU also exits at random) */
static uint32_t if_read_misr(void)
{
	uint32_t m = lr_bits(true) ? ICH_MISR_EOI : 0;
	bool pending = false;
	unsigned int n;

	for (n = 0; n < NR_LRS; n++)
		if ((cur->lr[n] & ICH_LR_STATE_MASK) == ICH_LR_PENDING)
			pending = true;
	if ((cur->hcr & ICH_HCR_NPIE) && !pending)
		m |= ICH_MISR_NP;
	if ((cur->hcr & ICH_HCR_LRENPIE) && (cur->hcr & ICH_HCR_EOICOUNT_MASK))
		m |= ICH_MISR_LRENP;
	return m;
}

static const struct lr_hw lr_hw = {
	.nr_lrs = NR_LRS,
	.read_lr = if_read_lr,
	.write_lr = if_write_lr,
	.read_hcr = if_read_hcr,
	.write_hcr = if_write_hcr,
	.read_elrsr = if_read_elrsr,
	.read_eisr = if_read_eisr,
	.read_misr = if_read_misr,
};

/* xorshift, one state per thread */
static uint32_t next_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void vcpu_fold(struct vgic_cpu *vc)
{
	spin_lock(&vc->ap_lock);
	lr_fold(vc, &lr_hw);
	spin_unlock(&vc->ap_lock);
	vgic_requeue(&vg, vc);
}

static void vcpu_flush(struct vgic_cpu *vc)
{
	do {
		spin_lock(&vc->ap_lock);
		lr_flush(vc, &lr_hw);
		spin_unlock(&vc->ap_lock);
	} while (vgic_requeue(&vg, vc));
}

/* A GICD write of INTID intid's bit (or byte) at reg, by vCPU self. */
static void gicd_write(struct vgic_cpu *self, uint32_t reg, uint32_t intid, uint32_t r)
{
	if (reg == GICD_IPRIORITYR)
		vgic_dist_write(&vg, self, reg + intid, 1, (r & 0x7) << 5);
	else if (reg == GICD_IROUTER)
		vgic_dist_write(&vg, self, reg + 8 * intid, 8, vcpus[r & 1].mpidr);
	else
		vgic_dist_write(&vg, self, reg + intid / 32 * 4, 4, 1u << (intid % 32));
}

static const uint32_t regs[] = { GICD_ISENABLER, GICD_ICENABLER, GICD_ISPENDR,	  GICD_ICPENDR,
				 GICD_ISACTIVER, GICD_ICACTIVER, GICD_IPRIORITYR, GICD_IROUTER,
				 GICD_ISENABLER, GICD_ISPENDR,	 GICD_ISPENDR };

static uint32_t random_intid(uint32_t r)
{
	return (r & 1) ? FIRST_SPI + (r >> 1) % NR_SPIS : (r >> 1) % 8; /* an SPI or SGI 0..7 */
}

static void random_write(struct vgic_cpu *self, uint32_t *seed)
{
	uint32_t r = next_rand(seed);
	uint32_t intid = random_intid(r >> 8);

	if ((r & 15) == 0) { /* an SGI to the other vCPU (ICC_SGI1R_EL1: Aff0 target list) */
		struct vgic_cpu *to = &vcpus[1 - self->id];

		vgic_sgi(&vg, self, (uint64_t)(r >> 4 & 7) << 24 | (1u << (to->mpidr & 0xf)), 1);
		return;
	}
	if (intid < FIRST_SPI) { /* SGIs through the writer's own redistributor */
		static const uint32_t gicr[] = {
			GICR_ISENABLER0, GICR_ICENABLER0, GICR_ISPENDR0,
			GICR_ICPENDR0,	 GICR_ISACTIVER0, GICR_ICACTIVER0
		};

		vgic_redist_write(&vg, self, (uint64_t)self->id * VGIC_GICR_STRIDE + gicr[r % 6], 4,
				  1u << intid);
		return;
	}
	gicd_write(self, regs[(r >> 4) % (sizeof(regs) / sizeof(regs[0]))], intid, r >> 16);
}

/* The guest on this vCPU: acknowledge the best pending LR, or EOI an active one (EOImode 0). */
static void guest_step(uint32_t r)
{
	unsigned int n;

	if (r & 1) {
		unsigned int best = NR_LRS;

		for (n = 0; n < NR_LRS; n++)
			if ((cur->lr[n] & ICH_LR_STATE_MASK) == ICH_LR_PENDING &&
			    (best == NR_LRS || (cur->lr[n] & ICH_LR_PRIORITY_MASK) <
						       (cur->lr[best] & ICH_LR_PRIORITY_MASK)))
				best = n;
		if (best < NR_LRS)
			cur->lr[best] = (cur->lr[best] & ~ICH_LR_STATE_MASK) | ICH_LR_ACTIVE;
		return;
	}
	for (n = 0; n < NR_LRS; n++)
		if (cur->lr[n] & ICH_LR_ACTIVE) {
			cur->lr[n] &= ~ICH_LR_ACTIVE; /* a pending+active one stays pending */
			return;
		}
}

/* A passed-through line routed to vc's CPU fires (if enabled and not active): the fast path or
 * the general one, as hyp/run/irq_fast.c and irq_entry.c take it. */
static bool physical_fire(struct vgic_cpu *vc, uint32_t r)
{
	unsigned int i = r % NR_PT;
	struct virq *v = &vg.spis[FIRST_SPI + i - VGIC_INTID_SPI_BASE];
	int idle = 0;
	uint64_t entry;

	if (__atomic_load_n(&phys[i].route, __ATOMIC_RELAXED) != vc->mpidr ||
	    !__atomic_load_n(&phys[i].enabled, __ATOMIC_RELAXED) ||
	    !__atomic_compare_exchange_n(&phys[i].active, &idle, 1, false, __ATOMIC_ACQUIRE,
					 __ATOMIC_RELAXED))
		return false;
	__atomic_fetch_add(&fires, 1, __ATOMIC_RELAXED);
	spin_lock(&v->lock);
	entry = lr_fast_entry(&vg, v, vc);
	spin_unlock(&v->lock);
	if ((r & 0x10) && (entry & LR_FAST_C) && lr_fast_inject(vc, &lr_hw, v, &entry)) {
		__atomic_fetch_add(&fast_injects, 1, __ATOMIC_RELAXED);
		return true;
	}
	vcpu_fold(vc);
	passthrough_handle(&pt, i);
	vcpu_flush(vc);
	return true;
}

static void *vcpu_thread(void *arg)
{
	struct vgic_cpu *vc = arg;
	uint32_t seed = 0x9e3779b9u * (vc->id + 1);
	unsigned int steps = 0;

	cur = &cpuif[vc->id];
	vcpu_flush(vc);
	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE) || steps < STEPS) {
		uint32_t r = next_rand(&seed);

		steps++;
		guest_step(r);
		if ((r & 0xc00) == 0 && physical_fire(vc, r >> 12))
			continue;
		if ((r & 0x300) == 0 && if_read_misr() == ICH_MISR_EOI &&
		    lr_fast_maint(vc, &lr_hw)) {
			__atomic_fetch_add(&fast_maints, 1, __ATOMIC_RELAXED);
			vgic_requeue(&vg, vc);
			continue;
		}
		if (__atomic_exchange_n(&kicked[vc->id], 0, __ATOMIC_ACQUIRE) || if_read_misr() ||
		    (r & 0x70) == 0) {
			vcpu_fold(vc);
			if ((r & 0x80) == 0)
				random_write(vc, &seed); /* a trapped write of its own */
			vcpu_flush(vc);
		}
	}
	vcpu_fold(vc);
	return NULL;
}

static void *writer_thread(void *arg)
{
	uint32_t seed = 12345;
	unsigned int i;

	(void)arg;
	for (i = 0; i < STEPS; i++)
		random_write(&vcpus[next_rand(&seed) & 1], &seed);
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* ---- the checks */

static bool on_list(const struct vgic_cpu *vc, const struct virq *v)
{
	const struct virq *u;

	for (u = vc->ap_head; u; u = u->ap_next)
		if (u == v)
			return true;
	return false;
}

static void check_virq(const struct virq *v)
{
	unsigned int i, lists = 0;

	for (i = 0; i < NR_VCPUS; i++)
		lists += on_list(&vcpus[i], v);
	assert_int_equal(v->lr, -1); /* every vCPU folded */
	assert_int_equal(v->lr_writes, 0);
	assert_true(lists <= 1);
	assert_int_equal(lists, v->ap_owner != NULL);
	if (v->ap_owner)
		assert_true(on_list(v->ap_owner, v));
	/* nothing forgotten: what the guest should get is on its target's list */
	if (vgic_wants_lr(&vg, v) && v->target)
		assert_non_null(v->ap_owner);
}

static void test_concurrent_exits_and_writes(void **state)
{
	pthread_t t[NR_VCPUS + 1];
	unsigned int i, n;

	(void)state;
	for (i = 0; i < NR_VCPUS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, vcpu_thread, &vcpus[i]), 0);
	assert_int_equal(pthread_create(&t[NR_VCPUS], NULL, writer_thread, NULL), 0);
	for (i = 0; i <= NR_VCPUS; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);

	print_message("# %u physical fires, %u by the fast path, %u maintenance fast paths\n",
		      fires, fast_injects, fast_maints);
	assert_true(vgic_all_unlocked(&vg));
	for (i = 0; i < NR_VCPUS; i++) {
		assert_int_equal(vcpus[i].lr_used, 0);
		for (n = 0; n < VGIC_NR_PRIVATE; n++)
			check_virq(&vcpus[i].private_irqs[n]);
	}
	for (i = FIRST_SPI; i < FIRST_SPI + NR_SPIS; i++)
		check_virq(&vg.spis[i - VGIC_INTID_SPI_BASE]);
	assert_true(fires > 0);
	assert_true(fast_injects > 0);
	assert_true(fast_maints > 0);
}

/* A fire of a passed-through SPI that was on its way while its guest is reset (a parked CPU
 * takes it in its WFI) finds the virq: a reset never clears a virq's lock or its ownership,
 * which other CPUs use without the lock (vgic_get_virq, the ticket's fetch_add). */
static int reset_done; /* __atomic */
static unsigned int not_found;

static void *resetter(void *arg)
{
	unsigned int i;

	(void)arg;
	for (i = 0; i < 2000; i++) {
		spin_lock(&vg.config_lock);
		vgic_reset(&vg);
		spin_unlock(&vg.config_lock);
	}
	__atomic_store_n(&reset_done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void *firer(void *arg)
{
	uint32_t intid = (uint32_t)(uintptr_t)arg;

	while (!__atomic_load_n(&reset_done, __ATOMIC_ACQUIRE)) {
		struct virq *v = vgic_lock_virq(&vg, NULL, intid);

		if (!v) {
			__atomic_fetch_add(&not_found, 1, __ATOMIC_RELAXED);
			continue;
		}
		v->pending_latch = true; /* passthrough_handle's work, under the lock */
		vgic_unlock_virq(v);
	}
	return NULL;
}

static void test_reset_against_fires(void **state)
{
	pthread_t t[3];
	unsigned int i;

	(void)state;
	assert_int_equal(pthread_create(&t[0], NULL, resetter, NULL), 0);
	assert_int_equal(pthread_create(&t[1], NULL, firer, (void *)(uintptr_t)FIRST_SPI), 0);
	assert_int_equal(pthread_create(&t[2], NULL, firer, (void *)(uintptr_t)(FIRST_SPI + 9)), 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	assert_int_equal(not_found, 0);
	assert_true(vgic_all_unlocked(&vg));
}

static int setup(void **state)
{
	struct vgic_cpu *list[NR_VCPUS] = { &vcpus[0], &vcpus[1] };
	uint32_t intids[NR_PT];
	enum irq_mode modes[NR_PT];
	bool edges[NR_PT];
	unsigned int i;

	(void)state;
	for (i = 0; i < NR_VCPUS; i++)
		vcpus[i].mpidr = i;
	vgic_init(&vg, &ops, NR_INTIDS, list, NR_VCPUS);
	for (i = 0; i < NR_PT; i++) {
		intids[i] = FIRST_SPI + i;
		modes[i] = (i & 1) ? IRQ_MODE_ONESHOT : IRQ_MODE_EOI;
		edges[i] = i & 2;
	}
	assert_int_equal(
		passthrough_init_spis(&pt, &vg, &fake_hw, 0, intids, modes, edges, NR_PT, NULL), 0);
	for (i = FIRST_SPI + NR_PT; i < FIRST_SPI + NR_SPIS; i++)
		assert_int_equal(vgic_claim_spi(&vg, i, NULL, 0), 0);
	/* the guest's driver: both groups on, everything Group 1 */
	vgic_dist_write(&vg, &vcpus[0], GICD_CTLR, 4, GICD_CTLR_ENABLE_GRP1 | GICD_CTLR_ARE);
	vgic_dist_write(&vg, &vcpus[0], GICD_IGROUPR + 4, 4, 0xffffffff);
	for (i = 0; i < NR_VCPUS; i++)
		vgic_redist_write(&vg, &vcpus[i], (uint64_t)i * VGIC_GICR_STRIDE + GICR_IGROUPR0, 4,
				  0xffffffff);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_concurrent_exits_and_writes, setup),
		cmocka_unit_test_setup(test_reset_against_fires, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
