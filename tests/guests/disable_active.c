/*
 * disable_active.c - test guest: an interrupt disabled while it is active must neither
 * stay active nor get lost (Bao's orphaned-LR bug). SGI: acknowledged, disabled (ICENABLER,
 * RWP), EOId; then re-enabled and sent again: delivered exactly once. SGI pended again
 * while active and disabled: after the EOI it waits pending and is delivered once when
 * enabled. Disabled while pending: held, then delivered once on enable. And the same with
 * the virtual timer's level PPI 27 (a hardware-linked interrupt under skiff), including a
 * line that is still asserted when the guest disables it and deasserted before it enables
 * it again: nothing may be delivered then.
 */
#include "tests/guests/lib/gic.h"
#include "tests/guests/lib/guest.h"
#include "tests/guests/lib/tap.h"
#include "tests/guests/lib/timer.h"

#define NR_TESTS 10
#define SGI_A 3
#define SGI_B 4
#define SGI_C 5
#define PPI TIMER_VIRT_PPI
#define SETTLE_US 3000
#define TIMEOUT_US 2000000
#define TIMER_DELAY_US 1000

const char guest_name[] = "disable_active";

enum action {
	ACT_EOI,	       /* just EOI */
	ACT_DISABLE,	       /* disable it, then EOI */
	ACT_DISABLE_REPEND,    /* disable it, send it again (active+pending), EOI */
	ACT_TIMER_OFF,	       /* timer off (line low), EOI */
	ACT_DISABLE_TIMER_OFF, /* disable, timer off, EOI */
	ACT_DISABLE_KEEP_LINE, /* disable, leave the timer asserted, EOI */
};

static volatile enum action action;
static volatile uint32_t count[GIC_NR_PRIVATE];
static volatile uint32_t active_in_handler;
static volatile uint32_t unexpected;

static void handler(uint32_t intid)
{
	if (intid >= GIC_NR_PRIVATE) {
		unexpected++;
		gic_eoi(intid);
		return;
	}
	count[intid]++;
	active_in_handler = gic_is_active(intid);
	switch (action) {
	case ACT_DISABLE:
		gic_disable(intid);
		break;
	case ACT_DISABLE_REPEND:
		gic_disable(intid);
		gic_send_sgi(intid, this_cpu());
		break;
	case ACT_TIMER_OFF:
		vtimer.set_ctl(0);
		break;
	case ACT_DISABLE_TIMER_OFF:
		gic_disable(intid);
		vtimer.set_ctl(0);
		break;
	case ACT_DISABLE_KEEP_LINE:
		gic_disable(intid);
		break;
	default:
		break;
	}
	gic_eoi(intid);
}

static bool idle(uint32_t intid)
{
	return !gic_is_active(intid) && !gic_is_pending(intid);
}

static void test_sgi_disable_while_active(void)
{
	bool first, second;

	action = ACT_DISABLE;
	gic_send_sgi(SGI_A, this_cpu());
	first = wait_until(count[SGI_A] == 1, TIMEOUT_US);
	udelay(SETTLE_US);
	tap_ok(first && active_in_handler && count[SGI_A] == 1 && idle(SGI_A) &&
		       !gic_is_enabled(SGI_A),
	       "SGI %u disabled while active, then EOId: not active, not pending, disabled "
	       "(active in handler %u)",
	       SGI_A, active_in_handler);

	action = ACT_EOI;
	gic_enable(SGI_A);
	gic_send_sgi(SGI_A, this_cpu());
	second = wait_until(count[SGI_A] == 2, TIMEOUT_US);
	udelay(SETTLE_US);
	tap_ok(second && count[SGI_A] == 2 && idle(SGI_A),
	       "...re-enabled and sent again: delivered exactly once more (%u in all)",
	       count[SGI_A]);
}

static void test_sgi_repend_while_active(void)
{
	bool held, pending, delivered;

	action = ACT_DISABLE_REPEND;
	gic_send_sgi(SGI_B, this_cpu());
	wait_until(count[SGI_B] == 1, TIMEOUT_US);
	udelay(SETTLE_US);
	held = count[SGI_B] == 1;
	pending = gic_is_pending(SGI_B) && !gic_is_active(SGI_B);
	tap_ok(held && pending,
	       "SGI %u disabled and sent again while active: after the EOI it is pending, not "
	       "active, not delivered",
	       SGI_B);
	action = ACT_EOI;
	gic_enable(SGI_B);
	delivered = wait_until(count[SGI_B] == 2, TIMEOUT_US);
	udelay(SETTLE_US);
	tap_ok(delivered && count[SGI_B] == 2 && idle(SGI_B),
	       "...enabled: delivered exactly once (%u in all)", count[SGI_B]);
}

static void test_sgi_disable_while_pending(void)
{
	bool held, pending, delivered;

	action = ACT_EOI;
	gic_disable(SGI_C);
	gic_send_sgi(SGI_C, this_cpu());
	udelay(SETTLE_US);
	held = count[SGI_C] == 0;
	pending = gic_is_pending(SGI_C);
	gic_enable(SGI_C);
	delivered = wait_until(count[SGI_C] == 1, TIMEOUT_US);
	udelay(SETTLE_US);
	tap_ok(held && pending && delivered && count[SGI_C] == 1 && idle(SGI_C),
	       "SGI %u sent while disabled: held pending, delivered once when enabled", SGI_C);
}

static void arm_timer(void)
{
	vtimer.set_tval((uint32_t)us_to_ticks(TIMER_DELAY_US));
	vtimer.set_ctl(CNT_CTL_ENABLE);
}

static void test_ppi(void)
{
	bool first, second, held, cleared;

	gic_enable(PPI);
	action = ACT_DISABLE_TIMER_OFF;
	arm_timer();
	first = wait_until(count[PPI] == 1, TIMEOUT_US);
	udelay(SETTLE_US);
	tap_ok(first && active_in_handler && count[PPI] == 1 && idle(PPI) && !gic_is_enabled(PPI),
	       "PPI %u (virtual timer) disabled while active, line lowered, EOId: not active, not "
	       "pending",
	       PPI);

	action = ACT_TIMER_OFF;
	gic_enable(PPI);
	arm_timer();
	second = wait_until(count[PPI] == 2, TIMEOUT_US);
	udelay(SETTLE_US);
	tap_ok(second && count[PPI] == 2 && idle(PPI),
	       "...re-enabled and the timer armed again: delivered exactly once more (%u in all)",
	       count[PPI]);

	/* Disabled while active with the line still high: pending follows the line. */
	action = ACT_DISABLE_KEEP_LINE;
	arm_timer();
	wait_until(count[PPI] == 3, TIMEOUT_US);
	udelay(SETTLE_US);
	held = count[PPI] == 3 && gic_is_pending(PPI) && !gic_is_active(PPI);
	if (!held)
		tap_diag("line high, PPI disabled: %u deliveries, pending %u, active %u",
			 count[PPI], gic_is_pending(PPI), gic_is_active(PPI));
	vtimer.set_ctl(0); /* line low */
	udelay(SETTLE_US);
	cleared = !gic_is_pending(PPI);
	if (!cleared)
		tap_diag("line lowered: still pending");
	action = ACT_EOI;
	gic_enable(PPI);
	udelay(SETTLE_US);
	if (count[PPI] != 3)
		tap_diag("after enabling: %u deliveries in all, expected 3", count[PPI]);
	tap_ok(held && cleared && count[PPI] == 3 && idle(PPI),
	       "PPI %u disabled while active with its line still high: pending, not delivered; "
	       "line lowered: not pending; enabled: nothing delivered (%u in all)",
	       PPI, count[PPI]);
	gic_disable(PPI);
}

void guest_main(void)
{
	tap_plan(NR_TESTS);
	tap_check_dtb();
	set_irq_handler(handler);
	local_irq_enable();
	test_sgi_disable_while_active();
	test_sgi_repend_while_active();
	test_sgi_disable_while_pending();
	test_ppi();
	local_irq_disable();
	tap_ok(unexpected == 0, "no unexpected interrupt (%u spurious acknowledges)",
	       irq_spurious[0]);
}
