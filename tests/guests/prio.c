/*
 * prio.c - test guest: interrupt priorities through the (virtual) CPU interface, all with
 * SGIs to self. Ordering: 8 SGIs of different priorities pended with IRQs masked are
 * taken highest first. Nesting: the handler of level k unmasks IRQs and sends a
 * higher-priority SGI, 8 levels deep (more than the 4 list registers of QEMU's
 * cortex-a57): all 8 are active at once, each runs and is EOId once, innermost first.
 * Preemption: 6 low-priority SGIs pending, then 1 high one: the high one comes first.
 * An equal or lower priority does not preempt the running handler; PMR holds back what
 * it masks until it is opened. GICv3 or GICv2 (GIC-400: 4 list registers too), whichever
 * the device tree names.
 */
#include "tests/guests/lib/gic.h"
#include "tests/guests/lib/guest.h"
#include "tests/guests/lib/tap.h"

#define NR_TESTS 12
#define NR_ORDER 8
#define NEST_DEPTH 8
#define NR_LOW 6
#define SGI_HIGH 6
#define PRIO_LOW 0xc0
#define PRIO_HIGH 0x40
#define PRIO_NEST_BASE 0x90 /* level k: PRIO_NEST_BASE - k * PRIO_STEP */
#define PRIO_STEP 0x10	    /* distinct group priorities even with 4 preemption bits */
#define SGI_RUNNING 8
#define SGI_EQUAL 9
#define SGI_LOWER 10
#define PRIO_RUNNING 0x80
#define PRIO_LOWER 0xa0
#define SGI_PMR 11
#define PRIO_PMR 0x90
#define PMR_TIGHT 0x80
#define RPR_IDLE 0xff
#define SETTLE_US 2000
#define TIMEOUT_US 2000000
#define MAX_EVENTS 32

const char guest_name[] = "prio";

enum mode { MODE_RECORD, MODE_NEST, MODE_NO_PREEMPT };

static volatile enum mode mode;
static volatile uint32_t order[MAX_EVENTS];
static volatile uint32_t norder;
static volatile uint32_t entered[GIC_NR_SGIS];
static volatile uint32_t completed[GIC_NR_SGIS];
static volatile uint32_t eoi_order[MAX_EVENTS];
static volatile uint32_t neoi;
static volatile uint32_t depth, max_depth;
static volatile uint32_t active_at_deepest;
static volatile uint8_t rpr_at[NEST_DEPTH];
static volatile uint32_t preempted_running;
static volatile uint32_t unexpected;

static const uint8_t order_prio[NR_ORDER] = { 0x50, 0x20, 0x70, 0x10, 0x60, 0x30, 0x80, 0x40 };

static void record(uint32_t intid)
{
	if (norder < MAX_EVENTS)
		order[norder] = intid;
	norder++;
	entered[intid]++;
}

static void eoi(uint32_t intid)
{
	if (neoi < MAX_EVENTS)
		eoi_order[neoi] = intid;
	neoi++;
	completed[intid]++;
	gic_eoi(intid);
}

static void nest_level(uint32_t k)
{
	depth++;
	if (depth > max_depth)
		max_depth = depth;
	rpr_at[k] = gic_get_rpr();
	if (k + 1 < NEST_DEPTH) {
		local_irq_enable();
		gic_send_sgi(k + 1, this_cpu());
		wait_until(completed[k + 1] != 0, TIMEOUT_US);
		local_irq_disable();
	} else {
		active_at_deepest = mmio_read32(gic_sgi_base() + GICR_ISACTIVER0) & 0xffff;
	}
	depth--;
}

static void prio_handler(uint32_t intid)
{
	if (intid >= GIC_NR_SGIS) {
		unexpected++;
		gic_eoi(intid);
		return;
	}
	record(intid);
	switch (mode) {
	case MODE_NEST:
		if (intid < NEST_DEPTH)
			nest_level(intid);
		break;
	case MODE_NO_PREEMPT:
		if (intid == SGI_RUNNING) {
			local_irq_enable();
			gic_send_sgi(SGI_EQUAL, this_cpu());
			gic_send_sgi(SGI_LOWER, this_cpu());
			udelay(SETTLE_US);
			preempted_running = entered[SGI_EQUAL] + entered[SGI_LOWER];
			local_irq_disable();
		}
		break;
	default:
		break;
	}
	eoi(intid);
}

static void reset(enum mode m)
{
	unsigned int i;

	mode = m;
	norder = 0;
	neoi = 0;
	for (i = 0; i < GIC_NR_SGIS; i++) {
		entered[i] = 0;
		completed[i] = 0;
	}
}

static bool all_inactive(void)
{
	return (mmio_read32(gic_sgi_base() + GICR_ISACTIVER0) & 0xffff) == 0 &&
	       (mmio_read32(gic_sgi_base() + GICR_ISPENDR0) & 0xffff) == 0;
}

static void test_order(void)
{
	uint32_t want[NR_ORDER];
	unsigned int i, j;
	bool ok = true;

	/* Expected: SGIs sorted by priority value, lowest value (highest priority) first. */
	for (i = 0; i < NR_ORDER; i++)
		want[i] = i;
	for (i = 1; i < NR_ORDER; i++)
		for (j = i; j > 0 && order_prio[want[j - 1]] > order_prio[want[j]]; j--) {
			uint32_t t = want[j];

			want[j] = want[j - 1];
			want[j - 1] = t;
		}

	reset(MODE_RECORD);
	for (i = 0; i < NR_ORDER; i++)
		gic_set_priority(i, order_prio[i]);
	local_irq_disable();
	for (i = 0; i < NR_ORDER; i++)
		gic_send_sgi(i, this_cpu());
	udelay(SETTLE_US);
	local_irq_enable();
	wait_until(norder >= NR_ORDER, TIMEOUT_US);
	udelay(SETTLE_US);
	local_irq_disable();

	for (i = 0; i < NR_ORDER; i++)
		if (norder != NR_ORDER || order[i] != want[i])
			ok = false;
	if (!ok)
		tap_diag("delivered %u: %u %u %u %u %u %u %u %u; expected %u %u %u %u %u %u %u %u",
			 norder, order[0], order[1], order[2], order[3], order[4], order[5],
			 order[6], order[7], want[0], want[1], want[2], want[3], want[4], want[5],
			 want[6], want[7]);
	tap_ok(ok, "8 SGIs pended with IRQs masked are delivered highest priority first, "
		   "each once");
}

static void test_nesting(void)
{
	unsigned int k;
	bool once = true, inner_first, rpr_ok = true;

	reset(MODE_NEST);
	for (k = 0; k < NEST_DEPTH; k++)
		gic_set_priority(k, (uint8_t)(PRIO_NEST_BASE - k * PRIO_STEP));
	max_depth = 0;
	active_at_deepest = 0;
	local_irq_enable();
	gic_send_sgi(0, this_cpu());
	wait_until(neoi >= NEST_DEPTH, TIMEOUT_US);
	udelay(SETTLE_US);
	local_irq_disable();

	tap_ok(max_depth == NEST_DEPTH && neoi == NEST_DEPTH,
	       "nesting: %u levels deep (%u expected), %u handlers completed", max_depth,
	       NEST_DEPTH, neoi);
	tap_ok(active_at_deepest == (1U << NEST_DEPTH) - 1,
	       "nesting: at the deepest level all %u SGIs read active in %s (0x%04x)", NEST_DEPTH,
	       gic_is_v2() ? "GICD_ISACTIVER0" : "GICR_ISACTIVER0", active_at_deepest);
	inner_first = neoi == NEST_DEPTH;
	for (k = 0; k < NEST_DEPTH; k++) {
		if (entered[k] != 1 || completed[k] != 1)
			once = false;
		if (inner_first && eoi_order[k] != NEST_DEPTH - 1 - k)
			inner_first = false;
		if ((rpr_at[k] & 0xf0) != ((PRIO_NEST_BASE - k * PRIO_STEP) & 0xf0))
			rpr_ok = false;
	}
	if (!inner_first)
		tap_diag("EOI order: %u %u %u %u %u %u %u %u", eoi_order[0], eoi_order[1],
			 eoi_order[2], eoi_order[3], eoi_order[4], eoi_order[5], eoi_order[6],
			 eoi_order[7]);
	tap_ok(once && inner_first, "nesting: each level entered and EOId exactly once, "
				    "innermost first");
	if (!rpr_ok)
		tap_diag("running priority per level: 0x%02x 0x%02x 0x%02x 0x%02x 0x%02x 0x%02x "
			 "0x%02x 0x%02x",
			 rpr_at[0], rpr_at[1], rpr_at[2], rpr_at[3], rpr_at[4], rpr_at[5],
			 rpr_at[6], rpr_at[7]);
	tap_ok(rpr_ok && all_inactive(),
	       "nesting: the running priority (%s) is the running level's; nothing left "
	       "active",
	       gic_is_v2() ? "GICC_RPR" : "ICC_RPR_EL1");
}

static void test_preemption(void)
{
	unsigned int i;
	bool each_once = true;

	reset(MODE_RECORD);
	for (i = 0; i < NR_LOW; i++)
		gic_set_priority(i, PRIO_LOW);
	gic_set_priority(SGI_HIGH, PRIO_HIGH);
	local_irq_disable();
	for (i = 0; i < NR_LOW; i++)
		gic_send_sgi(i, this_cpu());
	udelay(SETTLE_US);
	gic_send_sgi(SGI_HIGH, this_cpu());
	local_irq_enable();
	wait_until(norder >= NR_LOW + 1, TIMEOUT_US);
	udelay(SETTLE_US);
	local_irq_disable();

	tap_ok(norder >= 1 && order[0] == SGI_HIGH,
	       "6 low-priority SGIs pending, then a high one: the high one is delivered first "
	       "(first %u)",
	       norder ? order[0] : 0xffffffffU);
	for (i = 0; i <= NR_LOW; i++)
		if (entered[i] != 1)
			each_once = false;
	tap_ok(each_once && norder == NR_LOW + 1 && all_inactive(),
	       "...and all 7 are delivered exactly once (%u deliveries)", norder);
}

static void test_no_preempt(void)
{
	reset(MODE_NO_PREEMPT);
	gic_set_priority(SGI_RUNNING, PRIO_RUNNING);
	gic_set_priority(SGI_EQUAL, PRIO_RUNNING);
	gic_set_priority(SGI_LOWER, PRIO_LOWER);
	preempted_running = 0xffffffffU;
	local_irq_enable();
	gic_send_sgi(SGI_RUNNING, this_cpu());
	wait_until(norder >= 3, TIMEOUT_US);
	udelay(SETTLE_US);
	local_irq_disable();

	tap_ok(preempted_running == 0,
	       "an equal and a lower priority SGI do not preempt the running handler (%u did)",
	       preempted_running);
	tap_ok(norder == 3 && order[0] == SGI_RUNNING && order[1] == SGI_EQUAL &&
		       order[2] == SGI_LOWER && all_inactive(),
	       "...they follow its EOI, in priority order (%u deliveries: %u %u %u)", norder,
	       order[0], order[1], order[2]);
}

static void test_pmr(void)
{
	bool held, pending, delivered;

	reset(MODE_RECORD);
	gic_set_priority(SGI_PMR, PRIO_PMR);
	gic_set_pmr(PMR_TIGHT);
	local_irq_enable();
	gic_send_sgi(SGI_PMR, this_cpu());
	udelay(SETTLE_US);
	held = entered[SGI_PMR] == 0;
	pending = gic_is_pending(SGI_PMR);
	gic_set_pmr(GIC_DEFAULT_PMR);
	delivered = wait_until(entered[SGI_PMR] == 1, TIMEOUT_US);
	udelay(SETTLE_US);
	local_irq_disable();
	tap_ok(held && pending && delivered && entered[SGI_PMR] == 1,
	       "PMR 0x%02x holds back priority 0x%02x (pending meanwhile), opening PMR delivers "
	       "it once",
	       PMR_TIGHT, PRIO_PMR);
}

void guest_main(void)
{
	uint8_t rpr;

	tap_plan(NR_TESTS);
	tap_check_dtb();
	set_irq_handler(prio_handler);
	test_order();
	test_nesting();
	test_preemption();
	test_no_preempt();
	test_pmr();
	rpr = gic_get_rpr();
	tap_ok(unexpected == 0 && all_inactive() && rpr == RPR_IDLE,
	       "no unexpected interrupt, nothing pending or active, running priority idle "
	       "(0x%02x); "
	       "%u spurious",
	       rpr, irq_spurious[0]);
}
