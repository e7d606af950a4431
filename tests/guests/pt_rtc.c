/*
 * pt_rtc.c - test guest: SPI passthrough of the PL031 RTC alarm (INTID 34, level), a line
 * the guest does not drive: the RTC raises it when RTCDR reaches RTCMR (1 s resolution) and
 * only RTCICR lowers it. Two alarms (each within about 2 s):
 *  1. a plain handler acknowledges (RTCICR) and EOIs: exactly one delivery, and skiff's
 *     counters for the mode (one physical interrupt, maintenance only in eoi/oneshot);
 *  2. Linux's threaded ONESHOT flow: the handler masks INTID 34 (ICENABLER) and EOIs with
 *     the alarm still asserted; the "thread" sees the line still high and no hypervisor
 *     entry for it while masked, then acknowledges RTCICR and unmasks: one delivery, and in
 *     oneshot mode skiff's mask is released at that unmask, not at the EOI.
 * Run with mode=hw|eoi|oneshot|native; counter checks SKIP natively.
 */
#include "tests/guests/lib/gic.h"
#include "tests/guests/lib/guest.h"
#include "tests/guests/lib/pt.h"
#include "tests/guests/lib/tap.h"

#define NR_TESTS 10

#define RTC_BASE 0x09010000UL
#define RTC_INTID 34
#define RTC_DR 0x00
#define RTC_MR 0x04
#define RTC_CR 0x0c
#define RTC_IMSC 0x10
#define RTC_RIS 0x14
#define RTC_MIS 0x18
#define RTC_ICR 0x1c

#define ALARM_TIMEOUT_US 4000000
#define SETTLE_US 50000
#define WINDOW_US 50000

const char guest_name[] = "pt_rtc";

static volatile bool threaded;
static volatile uint32_t deliveries;
static volatile uint32_t mis_in_handler;
static volatile uint32_t eois;
static volatile uint32_t unexpected;

static void rtc_arm(void)
{
	mmio_write32(RTC_BASE + RTC_CR, 1);
	mmio_write32(RTC_BASE + RTC_ICR, 1);
	mmio_write32(RTC_BASE + RTC_IMSC, 1);
	mmio_write32(RTC_BASE + RTC_MR, mmio_read32(RTC_BASE + RTC_DR) + 1);
}

static void rtc_ack(void)
{
	mmio_write32(RTC_BASE + RTC_ICR, 1);
}

static bool rtc_asserting(void)
{
	return mmio_read32(RTC_BASE + RTC_MIS) & 1;
}

static void handler(uint32_t intid)
{
	if (intid != RTC_INTID) {
		unexpected++;
		gic_eoi(intid);
		return;
	}
	deliveries++;
	mis_in_handler = mmio_read32(RTC_BASE + RTC_MIS);
	if (threaded)
		gic_disable(RTC_INTID); /* the thread acknowledges the device */
	else
		rtc_ack();
	gic_eoi(intid);
	eois++;
}

static void test_plain(void)
{
	struct pt_counts a, b;
	uint64_t t0, t1;
	bool got;

	deliveries = 0;
	threaded = false;
	pt_snap(&a, RTC_INTID);
	t0 = counter_now();
	rtc_arm();
	got = wait_until(deliveries >= 1, ALARM_TIMEOUT_US);
	t1 = counter_now();
	udelay(SETTLE_US);
	pt_snap(&b, RTC_INTID);
	tap_ok(got && deliveries == 1 && mis_in_handler == 1 && !rtc_asserting(),
	       "alarm 1 (RTCMR = RTCDR + 1): %u delivery after %llu ms (want 1), RTCMIS 1 in the "
	       "handler, 0 after its RTCICR",
	       deliveries, (unsigned long long)ticks_to_us(t1 - t0) / 1000);
	pt_check_cycles("alarm, acknowledged in the handler", &a, &b, 1, 1, 0);
}

static void test_threaded(void)
{
	struct pt_counts a, b, c, d;
	bool got, asserted, masked;

	deliveries = 0;
	eois = 0;
	threaded = true;
	pt_snap(&a, RTC_INTID);
	rtc_arm();
	got = wait_until(eois >= 1, ALARM_TIMEOUT_US);
	pt_snap(&b, RTC_INTID);
	udelay(WINDOW_US);
	asserted = rtc_asserting() && (mmio_read32(RTC_BASE + RTC_RIS) & 1);
	masked = !gic_is_enabled(RTC_INTID);
	pt_snap(&c, RTC_INTID);
	threaded = false;
	rtc_ack();
	gic_enable(RTC_INTID);
	udelay(SETTLE_US);
	pt_snap(&d, RTC_INTID);
	tap_ok(got && asserted && masked && deliveries == 1 && !rtc_asserting(),
	       "alarm 2, ONESHOT flow: handler masks and EOIs, the alarm still asserted in the "
	       "thread, acknowledged there, then unmasked: %u delivery (want 1)",
	       deliveries);
	pt_check_window("ONESHOT window, alarm asserted", &a, &b, &c);
	pt_check_cycles("alarm, ONESHOT flow", &a, &d, 1, 1, 0);
}

void guest_main(void)
{
	tap_plan(NR_TESTS);
	tap_check_dtb();
	pt_start();

	mmio_write32(RTC_BASE + RTC_IMSC, 0);
	rtc_ack();
	set_irq_handler(handler);
	gic_set_edge(RTC_INTID, false);
	gic_set_route(RTC_INTID, plat.mpidr[0]);
	tap_ok(!gic_is_pending(RTC_INTID) && !gic_is_active(RTC_INTID),
	       "INTID 34 neither pending nor active before the first alarm");
	gic_enable(RTC_INTID);
	local_irq_enable();

	test_plain();
	test_threaded();

	local_irq_disable();
	gic_disable(RTC_INTID);
	mmio_write32(RTC_BASE + RTC_IMSC, 0);
	tap_ok(!gic_is_pending(RTC_INTID) && !gic_is_active(RTC_INTID) && unexpected == 0,
	       "at the end: INTID 34 neither pending nor active, nothing unexpected (%u), %u "
	       "spurious",
	       unexpected, irq_spurious[0]);
	pt_finish();
}
