/*
 * timer.c - test guest: the EL1 virtual timer (PPI 27) and EL1 physical timer (PPI 30)
 * through the (virtual) GIC. A level PPI with ISTATUS/IMASK semantics, a one-shot through
 * TVAL, then a periodic run through CVAL with absolute deadlines (100 interrupts at 1 kHz
 * for the virtual timer, 10 for the physical one): every interrupt arrives, none before
 * its deadline, the lateness stays within tolerances (so the spacing follows the period), and none
 * arrives after the handler disabled the timer.
 */
#include "tests/guests/lib/gic.h"
#include "tests/guests/lib/guest.h"
#include "tests/guests/lib/tap.h"
#include "tests/guests/lib/timer.h"

#define NR_TESTS 15
#define RATE_HZ 1000
#define VIRT_RUNS 100
#define PHYS_RUNS 10
#define MAX_RUNS VIRT_RUNS
#define RUN_TIMEOUT_US 5000000
#define QUIET_US 20000		 /* 20 periods with the timer off: nothing may arrive */
#define MEDIAN_LATE_MAX_US 20000 /* TCG on a loaded host: generous, but not unbounded */
#define LATE_MAX_US 250000

const char guest_name[] = "timer";

struct timer_run {
	const struct gtimer *t;
	uint32_t target;
	uint64_t period;
	volatile uint32_t count;
	volatile uint32_t extra;
	volatile uint32_t unexpected;
	uint64_t deadline[MAX_RUNS + 1];
	uint64_t arrival[MAX_RUNS];
};

static struct timer_run run;

static void timer_handler(uint32_t intid)
{
	uint32_t n = run.count;

	if (!run.t || intid != run.t->ppi) {
		run.unexpected++;
		gic_eoi(intid);
		return;
	}
	if (n >= run.target) {
		/* The timer was disabled by the last delivery: this one should not exist. */
		run.extra++;
		run.t->set_ctl(0);
		gic_eoi(intid);
		return;
	}
	run.arrival[n] = run.t->count();
	run.count = n + 1;
	if (n + 1 < run.target) {
		run.deadline[n + 1] = run.deadline[n] + run.period;
		run.t->set_cval(run.deadline[n + 1]); /* line drops before the EOI */
	} else {
		run.t->set_ctl(0);
	}
	gic_eoi(intid);
}

static void start_run(const struct gtimer *t, uint32_t target)
{
	t->set_ctl(0);
	run.t = t;
	run.target = target;
	run.period = counter_freq() / RATE_HZ;
	run.count = 0;
	run.extra = 0;
	run.unexpected = 0;
}

/* ISTATUS is set when the condition is met; IMASK keeps the interrupt from being signalled. */
static void test_status(const struct gtimer *t)
{
	uint32_t future, past;

	start_run(t, 0);
	t->set_cval(t->count() + counter_freq()); /* 1 s away */
	t->set_ctl(CNT_CTL_ENABLE | CNT_CTL_IMASK);
	future = t->get_ctl();
	t->set_cval(t->count() - 1);
	past = t->get_ctl();
	udelay(QUIET_US);
	t->set_ctl(0);
	tap_ok(!(future & CNT_CTL_ISTATUS) && (past & CNT_CTL_ISTATUS) && run.extra == 0 &&
		       run.unexpected == 0 && !gic_is_pending(t->ppi),
	       "%s: ISTATUS 0 before CVAL and 1 after it, IMASK holds the interrupt back (ctl "
	       "0x%x then 0x%x)",
	       t->name, future, past);
}

static void test_oneshot(const struct gtimer *t)
{
	uint64_t start;
	bool arrived;

	start_run(t, 1);
	start = t->count();
	run.deadline[0] = start + run.period;
	t->set_tval((uint32_t)run.period);
	t->set_ctl(CNT_CTL_ENABLE);
	arrived = wait_until(run.count == 1, RUN_TIMEOUT_US);
	udelay(QUIET_US);
	tap_ok(arrived && run.arrival[0] >= run.deadline[0] && run.extra == 0,
	       "%s: TVAL one-shot of %llu ticks arrives once, %lld ticks after its deadline",
	       t->name, (unsigned long long)run.period,
	       arrived ? (long long)(run.arrival[0] - run.deadline[0]) : -1LL);
}

/* The element at per-cent pct of v sorted (v is sorted in place). */
static uint64_t percentile(uint64_t *v, uint32_t n, uint32_t pct)
{
	uint32_t i, j;

	for (i = 1; i < n; i++)
		for (j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return n ? v[(n - 1) * pct / 100] : 0;
}

static void test_periodic(const struct gtimer *t, uint32_t runs)
{
	static uint64_t late[MAX_RUNS];
	uint64_t late_max = 0, span, mean, p50, p90;
	uint32_t early = 0, i;
	bool all;

	start_run(t, runs);
	run.deadline[0] = t->count() + run.period;
	t->set_cval(run.deadline[0]);
	t->set_ctl(CNT_CTL_ENABLE);
	all = wait_until(run.count == runs, RUN_TIMEOUT_US);
	tap_ok(all, "%s: %u interrupts at %u Hz all arrive (%u)", t->name, runs, RATE_HZ,
	       run.count);

	for (i = 0; i < run.count; i++) {
		if (run.arrival[i] < run.deadline[i]) {
			early++;
			late[i] = 0;
			continue;
		}
		late[i] = run.arrival[i] - run.deadline[i];
		if (late[i] > late_max)
			late_max = late[i];
	}
	span = run.count > 1 ? run.arrival[run.count - 1] - run.arrival[0] : 0;
	mean = run.count > 1 ? span / (run.count - 1) : 0;
	p50 = percentile(late, run.count, 50);
	p90 = percentile(late, run.count, 90);
	tap_diag("%s: period %llu ticks, mean spacing %llu, lateness median %llu p90 %llu max "
		 "%llu ticks",
		 t->name, (unsigned long long)run.period, (unsigned long long)mean,
		 (unsigned long long)p50, (unsigned long long)p90, (unsigned long long)late_max);
	tap_ok(all && early == 0 && ticks_to_us(late_max) <= LATE_MAX_US,
	       "%s: none before its deadline (%u early), none later than %u ms (max %llu us)",
	       t->name, early, LATE_MAX_US / 1000, (unsigned long long)ticks_to_us(late_max));
	/*
	 * The deadlines are absolute, so the spacing of the deliveries is the period plus the
	 * difference of two latenesses: a small median lateness is a right spacing. (The
	 * host's load moves single deliveries by milliseconds under TCG; a median does not.)
	 */
	tap_ok(all && ticks_to_us(p50) <= MEDIAN_LATE_MAX_US,
	       "%s: spacing follows the deadlines: median lateness %llu us <= %u us", t->name,
	       (unsigned long long)ticks_to_us(p50), MEDIAN_LATE_MAX_US);

	udelay(QUIET_US);
	tap_ok(run.extra == 0 && run.unexpected == 0 && !gic_is_pending(t->ppi) &&
		       !gic_is_active(t->ppi),
	       "%s: nothing after the handler disabled the timer (%u extra, %u unexpected)",
	       t->name, run.extra, run.unexpected);
}

void guest_main(void)
{
	uint64_t freq = counter_freq();

	tap_plan(NR_TESTS);
	tap_check_dtb();
	tap_ok(freq >= RATE_HZ * 100, "CNTFRQ_EL0 is %llu Hz", (unsigned long long)freq);

	set_irq_handler(timer_handler);
	gic_enable(TIMER_VIRT_PPI);
	gic_enable(TIMER_PHYS_PPI);
	local_irq_enable();

	test_status(&vtimer);
	test_oneshot(&vtimer);
	test_periodic(&vtimer, VIRT_RUNS);
	test_status(&ptimer);
	test_oneshot(&ptimer);
	test_periodic(&ptimer, PHYS_RUNS);

	local_irq_disable();
	gic_disable(TIMER_VIRT_PPI);
	gic_disable(TIMER_PHYS_PPI);
	tap_ok(!gic_is_pending(TIMER_VIRT_PPI) && !gic_is_pending(TIMER_PHYS_PPI),
	       "both timer PPIs idle at the end (%u spurious acknowledges)", irq_spurious[0]);
}
