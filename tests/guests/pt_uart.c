/*
 * pt_uart.c - test guest: SPI passthrough of the PL011's level interrupt (INTID 33), a line
 * the guest raises itself: QEMU's PL011 asserts UARTRIS.TXRIS on every write to UARTDR and
 * drops it only through UARTICR, so with TXIM unmasked a write of '+' raises the line and
 * the handler's UARTICR write lowers it. TXIM stays masked while TAP lines are printed.
 * Run with mode=hw|eoi|oneshot|native on the command line and, under skiff, a config that
 * gives the guest the PL011 and PL031 in that mode (dts/tests/pt-MODE.dts).
 *
 * (a) level cycles: N raise / clear-and-EOI cycles, N deliveries, one hypervisor entry per
 *     cycle, maintenance interrupts only in eoi and oneshot;
 * (b) Linux's threaded ONESHOT flow: the handler masks (ICENABLER) and EOIs, the "thread"
 *     acknowledges the device and unmasks: one delivery, no hypervisor entry while masked;
 *     then the device still asserting at the unmask: exactly one more delivery;
 * (c) oneshot only: the same with skiff's test switch ONESHOT_NO_DEFERRAL, as figures: the
 *     extra physical interrupt and the spurious delivery KVM's rule causes;
 * (d) INTID 33 configured edge: raised again inside the handler, delivered once more;
 * (e) routed to vCPU 1 (IROUTER): delivered there, without a kick from vCPU 0; moved back
 *     to vCPU 0 while active on vCPU 1: the next one arrives on vCPU 0; IROUTER ping-pong,
 *     raised right after each move: every raise arrives once, on the vCPU named;
 * (f) never EOId: only INTID 33 is blocked (SGIs, vCPU 1, the RTC alarm still arrive);
 * (g) SPIs and MMIO the guest does not own: writes ignored, accesses abort (skiff only).
 * Counter checks read skiff's counters (SKIFF_HVC_COUNTER) and SKIP natively. On a GICv2 the
 * route is the SPI's ITARGETSR byte where this says IROUTER.
 */
#include "tests/guests/lib/gic.h"
#include "tests/guests/lib/guest.h"
#include "tests/guests/lib/pt.h"
#include "tests/guests/lib/tap.h"

#define NR_TESTS 28

#define UART_INTID 33
#define UART_DR 0x00
#define UART_IMSC 0x38
#define UART_RIS 0x3c
#define UART_MIS 0x40
#define UART_ICR 0x44
#define UART_INT_TX BIT(5)
#define UART_INT_ALL 0x7ffU

#define RTC_BASE 0x09010000UL
#define RTC_INTID 34
#define RTC_DR 0x00
#define RTC_MR 0x04
#define RTC_CR 0x0c
#define RTC_IMSC 0x10
#define RTC_ICR 0x1c

#define SGI_PING 3
#define PRIO_UART_LOW 0xc0 /* (f): below the SGIs (0xa0) and the RTC */
#define PRIO_HIGH 0x80
#define RPR_IDLE 0xff

#define NR_CYCLES 20
#define NR_ROUTED 5
#define NR_PINGPONG 40
#define PINGPONG_TIMEOUT_US 500000
#define TIMEOUT_US 2000000
#define RTC_TIMEOUT_US 4000000
#define SETTLE_US 20000
#define WINDOW_US 20000

#define UNOWNED_MMIO 0x09040000UL /* nothing of the guest's (QEMU virt's secure UART slot) */
#define FW_CFG_MMIO 0x09020000UL  /* QEMU's fw_cfg: skiff's, never the guest's */
#define INSN_SIZE 4

const char guest_name[] = "pt_uart";

enum behaviour {
	B_CLEAR,   /* acknowledge the device (UARTICR), EOI */
	B_ONESHOT, /* mask at the GIC (ICENABLER), EOI; the thread acknowledges */
	B_EDGE,	   /* acknowledge, raise again before the EOI (first time only), EOI */
	B_NO_EOI,  /* return without acknowledging or EOI */
	B_HOLD,	   /* vCPU 1: stay in the handler until released, then acknowledge and EOI */
};

static const uint32_t unowned_spis[] = { 40, 47, 200 };

static volatile enum behaviour behaviour;
static volatile uint32_t uart_deliv[GUEST_MAX_CPUS];
static volatile uint32_t uart_eois[GUEST_MAX_CPUS];
static volatile uint32_t holding;
static volatile uint32_t hold_release;
static volatile uint32_t masked_eois;
static volatile uint32_t in_handler;
static volatile uint32_t nested;
static volatile uint32_t reraised;
static volatile uint32_t sgi_deliv[GUEST_MAX_CPUS];
static volatile uint32_t rtc_deliv;
static volatile uint32_t unowned_deliv;
static volatile uint32_t unexpected;
static volatile uint32_t cpu1_stop;
static volatile uint32_t naborts;
static uint64_t abort_esr, abort_far;

/* ---- the PL011's TX interrupt as a line the guest drives */
static void uart_tx_irq(bool on)
{
	mmio_write32(plat.uart + UART_IMSC, on ? (uint32_t)UART_INT_TX : 0);
}

static void uart_clear(void)
{
	mmio_write32(plat.uart + UART_ICR, UART_INT_TX);
}

static void uart_raise(void)
{
	mmio_write32(plat.uart + UART_DR, '+');
}

static bool uart_asserting(void)
{
	return mmio_read32(plat.uart + UART_MIS) & UART_INT_TX;
}

/* A measured section: its raises print as '+' after "# label: ". */
static void section_begin(const char *label)
{
	printk("# %s: ", label);
	uart_clear();
	uart_tx_irq(true);
}

static void section_end(void)
{
	uart_tx_irq(false);
	uart_clear();
	printk("\n");
}

static void rtc_arm(void)
{
	mmio_write32(RTC_BASE + RTC_CR, 1);
	mmio_write32(RTC_BASE + RTC_ICR, 1);
	mmio_write32(RTC_BASE + RTC_IMSC, 1);
	mmio_write32(RTC_BASE + RTC_MR, mmio_read32(RTC_BASE + RTC_DR) + 1);
}

static void rtc_off(void)
{
	mmio_write32(RTC_BASE + RTC_IMSC, 0);
	mmio_write32(RTC_BASE + RTC_ICR, 1);
}

static bool is_unowned(uint32_t intid)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(unowned_spis); i++)
		if (unowned_spis[i] == intid)
			return true;
	return false;
}

static void uart_handler(void)
{
	uart_deliv[this_cpu()]++;
	if (in_handler)
		nested++;
	in_handler = 1;
	switch (behaviour) {
	case B_CLEAR:
		uart_clear();
		break;
	case B_ONESHOT:
		gic_disable(UART_INTID);
		in_handler = 0;
		gic_eoi(UART_INTID);
		masked_eois++;
		return;
	case B_EDGE:
		uart_clear();
		if (!reraised) {
			reraised = 1;
			uart_raise(); /* a new rising edge while this one is active */
		}
		break;
	case B_NO_EOI:
		in_handler = 0;
		return;
	case B_HOLD:
		if (this_cpu() != 1) { /* taken elsewhere while active on vCPU 1: wrong */
			uart_clear();
			break;
		}
		holding = 1;
		while (!READ_ONCE(hold_release))
			cpu_relax();
		uart_clear();
		break;
	}
	in_handler = 0;
	gic_eoi(UART_INTID);
	uart_eois[this_cpu()]++;
}

static void handler(uint32_t intid)
{
	unsigned int cpu = this_cpu();

	if (intid == UART_INTID) {
		uart_handler();
		return;
	}
	if (intid == SGI_PING) {
		sgi_deliv[cpu]++;
	} else if (intid == RTC_INTID) {
		rtc_deliv++;
		rtc_off();
	} else if (is_unowned(intid)) {
		unowned_deliv++;
	} else {
		unexpected++;
	}
	gic_eoi(intid);
}

static bool abort_hook(struct exc_frame *frame, uint64_t esr, uint64_t far)
{
	if (esr_ec(esr) != ESR_EC_DABT_CUR)
		return false;
	abort_esr = esr;
	abort_far = far;
	naborts++;
	frame->elr += INSN_SIZE;
	return true;
}

static void reset_counts(void)
{
	unsigned int i;

	for (i = 0; i < GUEST_MAX_CPUS; i++) {
		uart_deliv[i] = 0;
		uart_eois[i] = 0;
		sgi_deliv[i] = 0;
	}
	holding = 0;
	hold_release = 0;
	masked_eois = 0;
	nested = 0;
	reraised = 0;
	rtc_deliv = 0;
}

/* ---- (a) */
static void test_level_cycles(void)
{
	struct pt_counts a, b;
	bool ok = true;
	unsigned int i;

	reset_counts();
	behaviour = B_CLEAR;
	pt_snap(&a, UART_INTID);
	section_begin("level cycles, one '+' per raise");
	for (i = 0; i < NR_CYCLES && ok; i++) {
		uart_raise();
		ok = wait_until(uart_deliv[0] == i + 1, TIMEOUT_US);
	}
	udelay(SETTLE_US);
	section_end();
	pt_snap(&b, UART_INTID);
	tap_ok(ok && uart_deliv[0] == NR_CYCLES && nested == 0,
	       "level: %u raise / acknowledge+EOI cycles, %u deliveries, none nested or extra",
	       NR_CYCLES, uart_deliv[0]);
	pt_check_cycles("level cycles", &a, &b, NR_CYCLES, NR_CYCLES, 0);
}

/* ---- (b), (c) */
struct flow {
	struct pt_counts start, eoied, unmasking, end;
	bool eoi_seen;
	bool asserting; /* the device still asserted after the EOI */
	bool masked;	/* ISENABLER read 0 in the window */
	uint32_t delivered;
};

/* Handler masks and EOIs; the thread waits, optionally acknowledges, unmasks. */
static void oneshot_flow(struct flow *f, bool ack_before_unmask, const char *label)
{
	reset_counts();
	behaviour = B_ONESHOT;
	pt_snap(&f->start, UART_INTID);
	section_begin(label);
	uart_raise();
	f->eoi_seen = wait_until(masked_eois == 1, TIMEOUT_US);
	pt_snap(&f->eoied, UART_INTID);
	udelay(WINDOW_US);
	f->asserting = uart_asserting();
	f->masked = !gic_is_enabled(UART_INTID);
	pt_snap(&f->unmasking, UART_INTID);
	if (ack_before_unmask)
		uart_clear();
	behaviour = B_CLEAR;
	gic_enable(UART_INTID);
	if (!ack_before_unmask)
		wait_until(uart_deliv[0] >= 2, TIMEOUT_US);
	udelay(SETTLE_US);
	section_end();
	pt_snap(&f->end, UART_INTID);
	f->delivered = uart_deliv[0];
}

static struct flow deferred;

static void test_oneshot_flow(void)
{
	struct flow *f = &deferred;
	struct flow g;

	oneshot_flow(f, true, "ONESHOT flow, acknowledged in the thread");
	tap_ok(f->eoi_seen && f->asserting && f->masked && f->delivered == 1 && nested == 0,
	       "ONESHOT flow: handler masks and EOIs, line still asserted and masked in the "
	       "window, thread acknowledges then unmasks: %u delivery (want 1)",
	       f->delivered);
	pt_check_window("ONESHOT window, line asserted", &f->start, &f->eoied, &f->unmasking);
	pt_check_cycles("ONESHOT flow", &f->start, &f->end, 1, 1, 0);

	oneshot_flow(&g, false, "ONESHOT flow, still asserted at the unmask");
	tap_ok(g.eoi_seen && g.asserting && g.masked && g.delivered == 2 && nested == 0 &&
		       !uart_asserting(),
	       "ONESHOT flow, device still asserting at the unmask: exactly one new delivery "
	       "(%u in all, want 2), acknowledged by the second handler",
	       g.delivered);
	pt_check_cycles("ONESHOT flow, asserted at unmask", &g.start, &g.end, 2, 2, 0);
}

static void test_no_deferral(void)
{
	struct flow nd, again;
	int64_t rc_on, rc_off, t_def, t_nd, t_again;

	if (!plat.skiff) {
		tap_skip_native("ONESHOT_NO_DEFERRAL: extra interrupt and spurious delivery");
		tap_skip_native("ONESHOT_NO_DEFERRAL off again: deferral restored");
		return;
	}
	if (pt_mode != PT_ONESHOT) {
		tap_skip("mode: only oneshot defers", "ONESHOT_NO_DEFERRAL (%s mode)",
			 pt_mode_name(pt_mode));
		tap_skip("mode: only oneshot defers", "ONESHOT_NO_DEFERRAL off again (%s mode)",
			 pt_mode_name(pt_mode));
		return;
	}
	rc_on = skiff_test_set(SKIFF_TEST_ONESHOT_NO_DEFERRAL, 1);
	oneshot_flow(&nd, true, "ONESHOT flow, NO_DEFERRAL (KVM's rule)");
	rc_off = skiff_test_set(SKIFF_TEST_ONESHOT_NO_DEFERRAL, 0);
	t_def = pt_spi_delta(&deferred.start, &deferred.end, SKIFF_CNT_SPI_TAKEN);
	t_nd = pt_spi_delta(&nd.start, &nd.end, SKIFF_CNT_SPI_TAKEN);
	pt_figures("oneshot, unmask deferred to the guest's unmask", &deferred.start,
		   &deferred.end);
	pt_figures("oneshot, NO_DEFERRAL: mask released at EOI", &nd.start, &nd.end);
	tap_diag("figures: ONESHOT flow, device acknowledged in the thread: deferred: %lld "
		 "physical interrupt(s), %u delivery(ies); NO_DEFERRAL: %lld physical, %u "
		 "deliveries (%u spurious)",
		 (long long)t_def, deferred.delivered, (long long)t_nd, nd.delivered,
		 nd.delivered ? nd.delivered - 1 : 0);
	tap_ok(rc_on == 0 && rc_off == 0 && t_def == 1 && deferred.delivered == 1 && t_nd == 2 &&
		       nd.delivered == 2,
	       "ONESHOT_NO_DEFERRAL (TEST_SET -> %lld, %lld): TAKEN %lld, %u deliveries (want 2 "
	       "and 2: one extra, one spurious after the unmask); deferred: TAKEN %lld, %u (want "
	       "1 and 1)",
	       (long long)rc_on, (long long)rc_off, (long long)t_nd, nd.delivered, (long long)t_def,
	       deferred.delivered);

	oneshot_flow(&again, true, "ONESHOT flow, deferral back on");
	t_again = pt_spi_delta(&again.start, &again.end, SKIFF_CNT_SPI_TAKEN);
	tap_ok(t_again == 1 && again.delivered == 1,
	       "ONESHOT_NO_DEFERRAL off again: TAKEN %lld, %u delivery (want 1 and 1)",
	       (long long)t_again, again.delivered);
}

/* ---- (d) */
static void test_edge(void)
{
	struct pt_counts a, b;
	bool ok;

	gic_set_edge(UART_INTID, true);
	reset_counts();
	behaviour = B_EDGE;
	pt_snap(&a, UART_INTID);
	section_begin("edge, raised again inside the handler");
	uart_raise();
	ok = wait_until(uart_deliv[0] >= 2, TIMEOUT_US);
	udelay(SETTLE_US);
	section_end();
	pt_snap(&b, UART_INTID);
	behaviour = B_CLEAR;
	gic_set_edge(UART_INTID, false);
	tap_ok(ok && reraised && uart_deliv[0] == 2 && nested == 0,
	       "edge: a new edge while the handler runs is delivered once more after its EOI "
	       "(%u deliveries, want 2; not lost, not twice)",
	       uart_deliv[0]);
	pt_check_cycles("edge re-raised in the handler", &a, &b, 2, 2, 0);
}

/* ---- (e) and (f): vCPU 1 polls with IRQs unmasked until told to stop */
static void cpu1_main(uint64_t ctx)
{
	(void)ctx;
	set_irq_handler(handler);
	local_irq_enable();
	while (!READ_ONCE(cpu1_stop))
		cpu_relax();
	local_irq_disable();
}

static bool cpu1_up;

static void test_route_vcpu1(void)
{
	struct pt_counts a, b;
	uint64_t want = gic_route_value(plat.mpidr[1]), route;
	bool ok = true;
	unsigned int i;
	int64_t kick, irq0;

	cpu1_up = plat.ncpus >= 2 && cpu_start(1, cpu1_main, 0) == 0 &&
		  wait_until(READ_ONCE(cpu_online[1]), TIMEOUT_US);
	reset_counts();
	behaviour = B_CLEAR;
	gic_set_route(UART_INTID, plat.mpidr[1]);
	route = gic_get_route(UART_INTID);
	pt_snap(&a, UART_INTID);
	section_begin("routed to vCPU 1");
	for (i = 0; i < NR_ROUTED && ok && cpu1_up; i++) {
		uart_raise();
		ok = wait_until(uart_eois[1] == i + 1, TIMEOUT_US);
	}
	udelay(SETTLE_US);
	section_end();
	pt_snap(&b, UART_INTID);
	/* vCPU 1 has EOId the last one: nothing of INTID 33 is in flight when it moves back */
	gic_set_route(UART_INTID, plat.mpidr[0]);
	udelay(SETTLE_US); /* the re-route right after a raise is test_reroute_pingpong's */
	tap_ok(cpu1_up && ok && route == want && uart_deliv[1] == NR_ROUTED && uart_deliv[0] == 0,
	       "%s = vCPU 1 (reads 0x%llx, want 0x%llx), vCPU 1 polling: %u of %u raises "
	       "delivered on vCPU 1, %u on vCPU 0",
	       gic_is_v2() ? "ITARGETSR" : "IROUTER", (unsigned long long)route,
	       (unsigned long long)want, uart_deliv[1], NR_ROUTED, uart_deliv[0]);
	pt_check_cycles("routed to vCPU 1", &a, &b, NR_ROUTED, NR_ROUTED, 1);
	if (!plat.skiff) {
		tap_skip_native("routed to vCPU 1: no cross-CPU kick");
		return;
	}
	kick = pt_exit_delta(&a, &b, 1, SKIFF_EXIT_KICK);
	irq0 = pt_exit_delta(&a, &b, 0, SKIFF_EXIT_IRQ);
	tap_ok(kick == 0 && irq0 == 0,
	       "routed to vCPU 1: the physical SPI goes to vCPU 1's CPU (vCPU 1 kicks %lld, "
	       "vCPU 0 IRQ exits %lld, want 0 and 0)",
	       (long long)kick, (long long)irq0);
}

static uint8_t read_rpr(void)
{
	return gic_get_rpr();
}

static void test_never_eoi(void)
{
	struct pt_counts a, b;
	bool got, active, self_ok, cpu1_ok, rtc_ok, quiet, inactive;
	uint8_t rpr, rpr_after;
	uint32_t before_eoi, where[2];

	gic_set_priority(UART_INTID, PRIO_UART_LOW);
	gic_set_priority(RTC_INTID, PRIO_HIGH);
	gic_set_route(RTC_INTID, plat.mpidr[0]);
	rtc_off();
	gic_enable(RTC_INTID);
	reset_counts();
	behaviour = B_NO_EOI;
	pt_snap(&a, UART_INTID);
	section_begin("never EOId");
	uart_raise();
	got = wait_until(uart_deliv[0] == 1, TIMEOUT_US);
	active = gic_is_active(UART_INTID);
	rpr = read_rpr();
	gic_send_sgi(SGI_PING, 0);
	self_ok = wait_until(sgi_deliv[0] == 1, TIMEOUT_US);
	cpu1_ok = false;
	if (cpu1_up) {
		gic_send_sgi(SGI_PING, 1);
		cpu1_ok = wait_until(sgi_deliv[1] == 1, TIMEOUT_US);
	}
	rtc_arm();
	rtc_ok = wait_until(rtc_deliv == 1, RTC_TIMEOUT_US);
	udelay(SETTLE_US);
	quiet = uart_deliv[0] == 1 && uart_asserting();
	where[0] = uart_deliv[0];
	where[1] = uart_deliv[1];
	pt_snap(&b, UART_INTID);
	/* The thread finally acknowledges the device and EOIs. */
	before_eoi = uart_deliv[0];
	uart_clear();
	behaviour = B_CLEAR;
	gic_eoi(UART_INTID);
	udelay(SETTLE_US);
	section_end();
	tap_diag("never EOId: INTID 33 delivered %u times on vCPU 0, %u on vCPU 1 (route 0x%llx)",
		 where[0], where[1], (unsigned long long)gic_get_route(UART_INTID));
	inactive = !gic_is_active(UART_INTID) && !gic_is_pending(UART_INTID);
	rpr_after = read_rpr();
	gic_disable(RTC_INTID);
	rtc_off();
	gic_set_priority(UART_INTID, GIC_DEFAULT_PRIO);
	gic_set_priority(RTC_INTID, GIC_DEFAULT_PRIO);

	tap_ok(got && active && rpr == PRIO_UART_LOW && self_ok && cpu1_ok && rtc_ok,
	       "INTID 33 never EOId (active %d, running priority 0x%x): a self SGI (%d), an SGI "
	       "to vCPU 1 (%d) and the RTC alarm INTID 34 (%d) still arrive",
	       active, rpr, self_ok, cpu1_ok, rtc_ok);
	if (plat.skiff)
		pt_figures("never EOId, line left asserted", &a, &b);
	tap_ok(quiet && (!plat.skiff || pt_spi_delta(&a, &b, SKIFF_CNT_SPI_TAKEN) == 1),
	       "INTID 33 left asserted and active: delivered once (%u), no storm (TAKEN %lld%s)",
	       uart_deliv[0], (long long)pt_spi_delta(&a, &b, SKIFF_CNT_SPI_TAKEN),
	       plat.skiff ? ", want 1" : ", native");
	tap_ok(inactive && rpr_after == RPR_IDLE && uart_deliv[0] == before_eoi,
	       "late EOI from the thread after acknowledging: INTID 33 inactive, running "
	       "priority 0x%x (idle), not delivered again",
	       rpr_after);
}

/*
 * (e2) Linux's irq_set_affinity() while the interrupt is being handled on the old CPU: vCPU 1
 * holds INTID 33 active in its handler while vCPU 0 routes it to itself; after vCPU 1's EOI
 * the next raise must arrive on vCPU 0, once.
 */
static void test_reroute_while_active(void)
{
	struct pt_counts a, b;
	bool held, eoied, got;
	uint32_t while_active;

	reset_counts();
	gic_set_route(UART_INTID, plat.mpidr[1]);
	behaviour = B_HOLD;
	pt_snap(&a, UART_INTID);
	section_begin("re-routed to vCPU 0 while active on vCPU 1");
	uart_raise();
	held = cpu1_up && wait_until(holding, TIMEOUT_US);
	gic_set_route(UART_INTID, plat.mpidr[0]);
	udelay(SETTLE_US);
	while_active = uart_deliv[0];
	behaviour = B_CLEAR;
	WRITE_ONCE(hold_release, 1);
	eoied = wait_until(uart_eois[1] == 1, TIMEOUT_US);
	uart_raise();
	got = wait_until(uart_deliv[0] == 1, TIMEOUT_US);
	udelay(SETTLE_US);
	section_end();
	pt_snap(&b, UART_INTID);
	if (!plat.skiff && gic_is_v2() && while_active) {
		/* QEMU's GICv2 keeps an SPI's active state per CPU interface (GIC-400: one) */
		tap_skip_native("route moved to vCPU 0 while INTID 33 is active on vCPU 1: QEMU's "
				"GICv2 delivered it to vCPU 0 while still active on vCPU 1");
		pt_check_cycles("re-routed while active", &a, &b, 2, 2, PT_ALL_VCPUS);
		return;
	}
	tap_ok(held && eoied && got && while_active == 0 && uart_deliv[1] == 1 &&
		       uart_deliv[0] == 1,
	       "IROUTER moved to vCPU 0 while INTID 33 is active on vCPU 1: after vCPU 1's EOI "
	       "the next raise arrives on vCPU 0 (vCPU 0: %u, vCPU 1: %u, want 1 and 1)",
	       uart_deliv[0], uart_deliv[1]);
	pt_check_cycles("re-routed while active", &a, &b, 2, 2, PT_ALL_VCPUS);
}

/*
 * (e3) IROUTER ping-pong: INTID 33 moved to the other vCPU after each EOI and raised right
 * after the move, while the vCPU it left may not have left the guest since its EOI: each
 * raise must arrive once, on the vCPU IROUTER names.
 */
static void test_reroute_pingpong(void)
{
	struct pt_counts a, b;
	unsigned int i, to = 0;
	bool ok = cpu1_up;

	reset_counts();
	behaviour = B_CLEAR;
	pt_snap(&a, UART_INTID);
	section_begin("IROUTER ping-pong, raised right after each move");
	for (i = 0; i < NR_PINGPONG && ok; i++) {
		to = (i & 1) ? 0 : 1;
		gic_set_route(UART_INTID, plat.mpidr[to]);
		uart_raise();
		ok = wait_until(uart_eois[to] == i / 2 + 1, PINGPONG_TIMEOUT_US);
	}
	udelay(SETTLE_US);
	section_end();
	pt_snap(&b, UART_INTID);
	gic_set_route(UART_INTID, plat.mpidr[0]);
	if (!ok)
		tap_diag("ping-pong: raise %u (to vCPU %u) not delivered: vCPU 0 %u, vCPU 1 %u", i,
			 to, uart_deliv[0], uart_deliv[1]);
	tap_ok(ok && uart_deliv[0] == NR_PINGPONG / 2 && uart_deliv[1] == NR_PINGPONG / 2,
	       "IROUTER ping-pong: %u raises right after moving INTID 33 to the other vCPU, each "
	       "delivered once there (vCPU 0: %u, vCPU 1: %u)",
	       NR_PINGPONG, uart_deliv[0], uart_deliv[1]);
	pt_check_cycles("IROUTER ping-pong", &a, &b, NR_PINGPONG, NR_PINGPONG, PT_ALL_VCPUS);
}

/* ---- (g) */
static void test_unowned(void)
{
	uint32_t before = naborts;
	bool zero = true;
	unsigned int i;

	if (!plat.skiff) {
		tap_skip_native("SPIs 40, 47, 200 not the guest's: enable/pend/activate/route");
		tap_skip_native("unassigned MMIO 0x%lx aborts", UNOWNED_MMIO);
		tap_skip_native("fw_cfg MMIO 0x%lx aborts", FW_CFG_MMIO);
		return;
	}
	set_sync_hook(abort_hook);
	for (i = 0; i < ARRAY_SIZE(unowned_spis); i++) {
		uint32_t s = unowned_spis[i];

		gic_set_priority(s, PRIO_HIGH);
		gic_set_route(s, plat.mpidr[plat.ncpus > 1 ? 1 : 0]);
		gic_set_edge(s, true);
		gic_enable(s);
		gic_set_pending(s);
		gic_set_active(s);
		if (gic_is_enabled(s) || gic_is_pending(s) || gic_is_active(s) ||
		    gic_get_priority(s) || gic_get_route(s) ||
		    (mmio_read32(plat.gicd + GICD_ICFGR + (s / 16) * 4) >> ((s % 16) * 2)) & 3) {
			tap_diag("INTID %u: enable %d pending %d active %d priority 0x%x route "
				 "0x%llx",
				 s, gic_is_enabled(s), gic_is_pending(s), gic_is_active(s),
				 gic_get_priority(s), (unsigned long long)gic_get_route(s));
			zero = false;
		}
	}
	udelay(SETTLE_US);
	for (i = 0; i < ARRAY_SIZE(unowned_spis); i++) {
		gic_disable(unowned_spis[i]);
		gic_clear_pending(unowned_spis[i]);
		gic_clear_active(unowned_spis[i]);
	}
	tap_ok(zero && unowned_deliv == 0 && naborts == before,
	       "SPIs 40, 47, 200 are not the guest's: ISENABLER, ISPENDR, ISACTIVER, "
	       "IPRIORITYR, ICFGR, IROUTER writes ignored, read as zero, nothing delivered");

	before = naborts;
	(void)mmio_read32(UNOWNED_MMIO);
	tap_ok(naborts == before + 1 && esr_ec(abort_esr) == ESR_EC_DABT_CUR &&
		       (abort_esr & ESR_ISS_DFSC_MASK) == DFSC_SYNC_EXT_ABORT &&
		       abort_far == UNOWNED_MMIO,
	       "read of unassigned MMIO 0x%lx: synchronous external abort (ESR 0x%llx FAR "
	       "0x%llx)",
	       UNOWNED_MMIO, (unsigned long long)abort_esr, (unsigned long long)abort_far);
	before = naborts;
	(void)mmio_read32(FW_CFG_MMIO);
	tap_ok(naborts == before + 1 && esr_ec(abort_esr) == ESR_EC_DABT_CUR &&
		       (abort_esr & ESR_ISS_DFSC_MASK) == DFSC_SYNC_EXT_ABORT &&
		       abort_far == FW_CFG_MMIO,
	       "read of fw_cfg 0x%lx (skiff's device): synchronous external abort (ESR 0x%llx "
	       "FAR 0x%llx)",
	       FW_CFG_MMIO, (unsigned long long)abort_esr, (unsigned long long)abort_far);
	set_sync_hook(NULL);
}

void guest_main(void)
{
	tap_plan(NR_TESTS);
	tap_check_dtb();
	pt_start();

	uart_tx_irq(false);
	mmio_write32(plat.uart + UART_ICR, UART_INT_ALL);
	rtc_off();
	set_irq_handler(handler);
	gic_set_priority(UART_INTID, GIC_DEFAULT_PRIO);
	gic_set_edge(UART_INTID, false);
	gic_set_route(UART_INTID, plat.mpidr[0]);
	gic_enable(UART_INTID);
	local_irq_enable();

	test_level_cycles();
	test_oneshot_flow();
	test_no_deferral();
	test_edge();
	test_route_vcpu1();
	test_never_eoi();
	test_reroute_while_active();
	test_reroute_pingpong();
	test_unowned();

	gic_disable(UART_INTID);
	local_irq_disable();
	WRITE_ONCE(cpu1_stop, 1);
	if (cpu1_up && !wait_until(!READ_ONCE(cpu_online[1]), TIMEOUT_US))
		tap_diag("vCPU 1 did not stop");
	tap_ok(!gic_is_pending(UART_INTID) && !gic_is_active(UART_INTID) && !uart_asserting() &&
		       unexpected == 0,
	       "at the end: INTID 33 neither pending nor active, the line low, nothing "
	       "unexpected (%u unexpected, %u spurious)",
	       unexpected, irq_spurious[0]);
	pt_finish();
}
