/*
 * canary.c - test guest that another guest (hostile) must not disturb. While it runs, every
 * vCPU keeps:
 *  (a) a canary: 4 MiB of its own RAM filled with a seeded pattern, re-verified over and over
 *      (each vCPU its slice, 16 KiB per heartbeat, then WFI: it leaves the host's CPUs to the
 *      guest attacking it, as an idle OS would), and verified whole once more when it stops;
 *  (b) a heartbeat: its virtual timer (PPI 27) at 1 kHz, CVAL-driven (late interrupts catch
 *      up), counting interrupts and the largest gap between two;
 *  (c) its GIC state as it set it: enable, priority, group, trigger and route of its own SPIs
 *      (its device tree names them), enable and priority of its SGIs and PPIs, GICD_CTLR,
 *      re-read and compared;
 *  (d) no foreign interrupt: every INTID its handler sees is one it expects (27, SGI 3 that
 *      vCPU 0 sends every vCPU every 50 ms once all took the last, the PL061's and PL031's
 *      SPIs when it uses them),
 *      and under skiff the counter SKIFF_CNT_VCPU_EXITS + SKIFF_EXIT_FOREIGN of each vCPU
 *      stays 0.
 * It runs until the power key: QEMU's PL061 GPIO line 3 (gpio-keys, QMP system_powerdown;
 * needs acpi=off), its rising edge an interrupt - it prints "# canary: waiting for the power
 * key" when it starts waiting. With canary.seconds=N in bootargs it stops after N seconds
 * instead (also when it has no PL061). At the end, if it owns the PL031, one RTC alarm shows
 * its SPIs still work. Then the TAP lines and "# guest canary done", and SYSTEM_OFF.
 * Bootargs: canary.seconds=N, canary.seed=N, canary.maxgap_ms=N (largest heartbeat gap allowed,
 * default 250), canary.rate_min=N (heartbeats in percent of one per ms, default 90),
 * canary.selftest=1 (after 1 s it flips a canary bit, changes PPI 27's priority and sends
 * itself SGI 5: tests 3, 5 and 6 must then fail - proof that they can).
 * Touches only its RAM, its GIC frames, the PL061 and PL031 it owns.
 */
#include <stdlib.h>

#include "tests/guests/lib/devices.h"
#include "tests/guests/lib/gic.h"
#include "tests/guests/lib/guest.h"
#include "tests/guests/lib/psci.h"
#include "tests/guests/lib/skiff.h"
#include "tests/guests/lib/tap.h"
#include "tests/guests/lib/timer.h"

#define NR_TESTS 10
#define CANARY_BYTES (4UL << 20)
#define CANARY_WORDS (CANARY_BYTES / 8)
#define CHUNK_WORDS 2048 /* 16 KiB verified per heartbeat, then WFI */
#define HEARTBEAT_HZ 1000
#define HEARTBEAT_PRIO 0x90
#define PING_SGI 3
#define PING_PRIO 0xa0
#define PING_EVERY_US 50000
#define GIC_CHECK_EVERY_US 50000
#define FOREIGN_CHECK_EVERY_US 1000000
#define PROGRESS_EVERY_US 10000000
#define SPI_PRIO_BASE 0x80
#define DEFAULT_MAXGAP_MS 250
#define DEFAULT_RATE_MIN 90
#define START_TIMEOUT_US 2000000
#define SETTLE_US 100000
#define MAX_DIFF_REPORTS 8
#define MAX_UNEXPECTED 8
#define SELFTEST_AFTER_US 1000000
#define SELFTEST_SGI 5

#define GPIO_PIN 3 /* QEMU virt: the power button (gpio-keys) */
#define GPIO_DIR 0x400
#define GPIO_IS 0x404
#define GPIO_IBE 0x408
#define GPIO_IEV 0x40c
#define GPIO_IE 0x410
#define GPIO_RIS 0x414
#define GPIO_MIS 0x418
#define GPIO_IC 0x41c
#define PIN BIT(GPIO_PIN)
#define KEY_POLL_GRACE_US 500000 /* the edge latched, the interrupt not yet taken */

#define RTC_DR 0x00
#define RTC_MR 0x04
#define RTC_CR 0x0c
#define RTC_IMSC 0x10
#define RTC_MIS 0x18
#define RTC_ICR 0x1c
#define ALARM_TIMEOUT_US 4000000

const char guest_name[] = "canary";

static uint64_t canary[CANARY_WORDS] __attribute__((aligned(4096)));

struct cpu_state {
	/* heartbeat, written by this vCPU's interrupt handler */
	volatile uint64_t beats;
	volatile uint64_t last;
	volatile uint64_t max_gap;
	uint64_t cval;
	uint64_t started, stopped;
	volatile uint32_t pings;
	volatile uint32_t unexpected;
	volatile uint32_t unexpected_intid[MAX_UNEXPECTED];
	/* canary and GIC state, this vCPU's part */
	uint64_t words_checked;
	uint64_t words_differ;
	uint64_t passes;
	uint64_t gic_reads;
	uint64_t gic_differ;
	/* its redistributor as it set it */
	uint32_t isenabler0;
	uint32_t ipriorityr[GIC_NR_PRIVATE / 4];
	volatile uint32_t done;
} __attribute__((aligned(64)));

struct spi_state {
	uint32_t intid;
	bool enabled;
	uint8_t prio;
	bool group1;
	bool edge;
	uint64_t route;
};

static struct cpu_state cs[GUEST_MAX_CPUS];
static struct spi_state spis[DT_MAX_SPIS];
static unsigned int nr_spis;
static uint32_t gicd_ctlr;
static uint64_t seed;
static uint64_t period;
static uint64_t seconds;
static uint64_t maxgap_ms = DEFAULT_MAXGAP_MS;
static uint64_t rate_min = DEFAULT_RATE_MIN;
static uintptr_t gpio_base, rtc_base;
static uint32_t gpio_intid, rtc_intid;
static volatile uint32_t stop;
static volatile uint32_t key_deliveries, rtc_deliveries;
static uint32_t pings_sent;
static uint32_t reports;
static int64_t foreign_exits[GUEST_MAX_CPUS];
static bool foreign_ok = true;
static bool key_missed;
static bool selftest;
static struct spinlock report_lock;

static inline void wfi(void)
{
	asm volatile("dsb sy\n\twfi" ::: "memory");
}

/* ---- the pattern: a word of splitmix64 output per index */
static uint64_t pattern(uint64_t i)
{
	uint64_t z = seed + (i + 1) * 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void report(const char *fmt, uint64_t a, uint64_t b, uint64_t c)
{
	spin_lock(&report_lock);
	if (reports++ < MAX_DIFF_REPORTS)
		printk(fmt, (unsigned long long)a, (unsigned long long)b, (unsigned long long)c);
	spin_unlock(&report_lock);
}

/* ---- interrupts */
static void heartbeat(struct cpu_state *c)
{
	uint64_t now = counter_now();

	if (c->beats && now - c->last > c->max_gap)
		c->max_gap = now - c->last;
	c->last = now;
	c->beats++;
	c->cval += period;
	vtimer.set_cval(c->cval);
}

static void power_key(void)
{
	if (mmio_read32(gpio_base + GPIO_MIS) & PIN) {
		mmio_write32(gpio_base + GPIO_IC, PIN);
		key_deliveries++;
	}
}

static void handler(uint32_t intid)
{
	struct cpu_state *c = &cs[this_cpu()];

	if (intid == TIMER_VIRT_PPI) {
		heartbeat(c);
	} else if (intid == PING_SGI) {
		c->pings++;
	} else if (gpio_intid && intid == gpio_intid) {
		power_key();
	} else if (rtc_intid && intid == rtc_intid) {
		mmio_write32(rtc_base + RTC_ICR, 1);
		rtc_deliveries++;
	} else {
		if (c->unexpected < MAX_UNEXPECTED)
			c->unexpected_intid[c->unexpected] = intid;
		c->unexpected++;
	}
	gic_eoi(intid);
}

/* ---- GIC state as it set it */
static uint32_t spi_reg(uint32_t intid, unsigned int reg)
{
	return mmio_read32(plat.gicd + reg + (intid / 32) * 4) >> (intid % 32) & 1;
}

static void read_spi(struct spi_state *s)
{
	s->enabled = spi_reg(s->intid, GICD_ISENABLER);
	s->group1 = spi_reg(s->intid, GICD_IGROUPR);
	s->prio = gic_get_priority(s->intid);
	s->edge = mmio_read32(plat.gicd + GICD_ICFGR + (s->intid / 16) * 4) >>
			  ((s->intid % 16) * 2 + 1) &
		  1;
	s->route = mmio_read64(plat.gicd + GICD_IROUTER + s->intid * 8);
}

static bool uses_spi(uint32_t intid)
{
	return (gpio_intid && intid == gpio_intid) || (rtc_intid && intid == rtc_intid);
}

/* Its SPIs: a priority and a route of its choosing each; enabled only the ones it handles. */
static void set_spis(void)
{
	unsigned int i;

	nr_spis = dt_owned.nr_spis;
	for (i = 0; i < nr_spis; i++) {
		uint32_t intid = dt_owned.spis[i];

		gic_disable(intid);
		gic_set_edge(intid, false);
		gic_set_priority(intid, (uint8_t)(SPI_PRIO_BASE + ((intid * 8) & 0x70)));
		gic_set_route(intid, plat.mpidr[i % plat.ncpus]);
		if (uses_spi(intid))
			gic_enable(intid);
		spis[i].intid = intid;
		read_spi(&spis[i]); /* as the GIC keeps it (priority bits it implements) */
	}
	gicd_ctlr = mmio_read32(plat.gicd + GICD_CTLR) & ~GICD_CTLR_RWP;
}

/* This vCPU's SGIs and PPIs: the heartbeat and the ping on, every other PPI off. */
static void set_private(struct cpu_state *c)
{
	uintptr_t sgi = gic_sgi_base();
	unsigned int i;

	for (i = GIC_NR_SGIS; i < GIC_NR_PRIVATE; i++)
		if (i != TIMER_VIRT_PPI)
			gic_disable(i);
	gic_set_priority(TIMER_VIRT_PPI, HEARTBEAT_PRIO);
	gic_set_priority(PING_SGI, PING_PRIO);
	gic_enable(TIMER_VIRT_PPI);
	gic_redist_wait_rwp();
	c->isenabler0 = mmio_read32(sgi + GICR_ISENABLER0);
	for (i = 0; i < GIC_NR_PRIVATE / 4; i++)
		c->ipriorityr[i] = mmio_read32(sgi + GICR_IPRIORITYR + i * 4);
}

static void differ(struct cpu_state *c, const char *what, uint64_t where, uint64_t want,
		   uint64_t got)
{
	c->gic_differ++;
	spin_lock(&report_lock);
	if (reports++ < MAX_DIFF_REPORTS)
		printk("# canary: cpu%u: %s %llu changed: 0x%llx, set 0x%llx\n", this_cpu(), what,
		       (unsigned long long)where, (unsigned long long)got,
		       (unsigned long long)want);
	spin_unlock(&report_lock);
}

static void check_gic(struct cpu_state *c, unsigned int cpu)
{
	uintptr_t sgi = gic_sgi_base();
	uint32_t v;
	unsigned int i;

	v = mmio_read32(sgi + GICR_ISENABLER0);
	c->gic_reads++;
	if (v != c->isenabler0)
		differ(c, "GICR_ISENABLER0 of vCPU", cpu, c->isenabler0, v);
	for (i = 0; i < GIC_NR_PRIVATE / 4; i++) {
		v = mmio_read32(sgi + GICR_IPRIORITYR + i * 4);
		c->gic_reads++;
		if (v != c->ipriorityr[i])
			differ(c, "GICR_IPRIORITYR word", i, c->ipriorityr[i], v);
	}
	if (cpu != 0)
		return;
	v = mmio_read32(plat.gicd + GICD_CTLR) & ~GICD_CTLR_RWP;
	c->gic_reads++;
	if (v != gicd_ctlr)
		differ(c, "GICD_CTLR", 0, gicd_ctlr, v);
	for (i = 0; i < nr_spis; i++) {
		struct spi_state now = { .intid = spis[i].intid };

		read_spi(&now);
		c->gic_reads++;
		if (now.enabled != spis[i].enabled)
			differ(c, "enable of INTID", now.intid, spis[i].enabled, now.enabled);
		if (now.prio != spis[i].prio)
			differ(c, "priority of INTID", now.intid, spis[i].prio, now.prio);
		if (now.group1 != spis[i].group1)
			differ(c, "group of INTID", now.intid, spis[i].group1, now.group1);
		if (now.edge != spis[i].edge)
			differ(c, "trigger of INTID", now.intid, spis[i].edge, now.edge);
		if (now.route != spis[i].route)
			differ(c, "route of INTID", now.intid, spis[i].route, now.route);
	}
}

/* ---- the canary */
static void fill(void)
{
	uint64_t i;

	for (i = 0; i < CANARY_WORDS; i++)
		canary[i] = pattern(i);
	dsb_sy();
}

static void slice(unsigned int cpu, uint64_t *lo, uint64_t *hi)
{
	*lo = CANARY_WORDS * cpu / plat.ncpus;
	*hi = CANARY_WORDS * (cpu + 1) / plat.ncpus;
}

static void verify_chunk(struct cpu_state *c, uint64_t from, uint64_t to)
{
	uint64_t i;

	for (i = from; i < to; i++) {
		uint64_t v = READ_ONCE(canary[i]);

		if (v != pattern(i)) {
			c->words_differ++;
			report("# canary: word %llu differs: 0x%llx, want 0x%llx\n", i, v,
			       pattern(i));
		}
	}
	c->words_checked += to - from;
}

/* ---- vCPU 0's extra duties */
static void check_foreign(void)
{
	unsigned int i;

	if (!plat.skiff)
		return;
	for (i = 0; i < plat.ncpus; i++) {
		int64_t n = skiff_vcpu_exits(i, SKIFF_EXIT_FOREIGN);

		foreign_exits[i] = n;
		if (n != 0)
			foreign_ok = false;
	}
}

static void progress(uint64_t start)
{
	uint64_t beats = 0, words = 0, gic = 0, passes = 0;
	unsigned int i;

	for (i = 0; i < plat.ncpus; i++) {
		beats += cs[i].beats;
		words += cs[i].words_differ;
		gic += cs[i].gic_differ;
		passes += cs[i].passes;
	}
	printk("# canary: %llu s: heartbeats %llu, canary passes %llu (%llu words differ), GIC "
	       "state %llu differ\n",
	       (unsigned long long)ticks_to_us(counter_now() - start) / 1000000,
	       (unsigned long long)beats, (unsigned long long)passes, (unsigned long long)words,
	       (unsigned long long)gic);
}

/* Every vCPU took the last ping: the next cannot merge with it (an SGI's pending state is a
 * latch). */
static bool pings_all_in(void)
{
	unsigned int i;

	for (i = 0; i < plat.ncpus; i++)
		if (READ_ONCE(cs[i].pings) != pings_sent)
			return false;
	return true;
}

/* Should it stop: the power key, or canary.seconds gone by? */
static bool time_to_stop(uint64_t start, uint64_t *latched_at)
{
	if (seconds || !gpio_base)
		return counter_now() - start >= seconds * counter_freq();
	if (key_deliveries)
		return true;
	/* the edge latched but no interrupt: the SPI is lost */
	if (mmio_read32(gpio_base + GPIO_RIS) & PIN) {
		if (!*latched_at)
			*latched_at = counter_now();
		else if (counter_now() - *latched_at > us_to_ticks(KEY_POLL_GRACE_US)) {
			key_missed = true;
			return true;
		}
	}
	return false;
}

/* ---- every vCPU */
static void run(unsigned int cpu)
{
	struct cpu_state *c = &cs[cpu];
	uint64_t lo, hi, pos, next_gic, next_ping = 0, next_foreign = 0, next_progress;
	uint64_t start = counter_now(), latched_at = 0;

	set_irq_handler(handler);
	set_private(c);
	slice(cpu, &lo, &hi);
	pos = lo;
	c->started = counter_now();
	c->last = c->started;
	c->cval = c->started + period;
	vtimer.set_cval(c->cval);
	vtimer.set_ctl(CNT_CTL_ENABLE);
	local_irq_enable();
	next_gic = counter_now() + us_to_ticks(GIC_CHECK_EVERY_US);
	next_progress = counter_now() + us_to_ticks(PROGRESS_EVERY_US);
	while (!READ_ONCE(stop)) {
		uint64_t to = pos + CHUNK_WORDS < hi ? pos + CHUNK_WORDS : hi;
		uint64_t now;

		verify_chunk(c, pos, to);
		pos = to;
		if (pos >= hi) {
			pos = lo;
			c->passes++;
		}
		wfi(); /* until the next heartbeat (1 ms) or ping */
		now = counter_now();
		if (now >= next_gic) {
			check_gic(c, cpu);
			next_gic = now + us_to_ticks(GIC_CHECK_EVERY_US);
		}
		if (cpu != 0)
			continue;
		if (now >= next_ping && pings_all_in()) {
			pings_sent++;
			gic_send_sgi_mask(PING_SGI, (uint32_t)BIT(plat.ncpus) - 1);
			next_ping = now + us_to_ticks(PING_EVERY_US);
		}
		if (now >= next_foreign) {
			check_foreign();
			next_foreign = now + us_to_ticks(FOREIGN_CHECK_EVERY_US);
		}
		if (selftest && now - start >= us_to_ticks(SELFTEST_AFTER_US)) {
			selftest = false;
			canary[CANARY_WORDS / 2] ^= 1;
			gic_set_priority(TIMER_VIRT_PPI, HEARTBEAT_PRIO - 0x10);
			gic_send_sgi(SELFTEST_SGI, cpu);
		}
		if (now >= next_progress) {
			progress(start);
			next_progress = now + us_to_ticks(PROGRESS_EVERY_US);
		}
		if (time_to_stop(start, &latched_at))
			__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	}
	/* what is still on its way (a ping, a heartbeat) arrives, then the heartbeat stops */
	udelay(SETTLE_US);
	local_irq_disable();
	vtimer.set_ctl(0);
	c->stopped = counter_now();
	/* The whole slice once more, after the attack: however few heartbeats a loaded host gave
	 * it (a late timer catches up in one wake-up, verifying one chunk), every word of the
	 * canary is checked at least once after the other guest had its go. */
	verify_chunk(c, lo, hi);
	c->passes++;
	check_gic(c, cpu);
	__atomic_store_n(&c->done, 1, __ATOMIC_RELEASE);
}

static void secondary(uint64_t ctx)
{
	(void)ctx;
	run(this_cpu());
}

/* ---- set-up and results */
static uint64_t arg_u64(const char *key, uint64_t dflt)
{
	char v[24];

	return bootarg(key, v, sizeof(v)) ? strtoul(v, NULL, 0) : dflt;
}

static void setup_gpio(void)
{
	uint64_t base;
	uint32_t intid;

	if (!dt_device("arm,pl061", &base, &intid) || !intid || !dt_owns_spi(intid))
		return;
	gpio_base = base;
	gpio_intid = intid;
	/* line 3: input, rising edge */
	mmio_write32(gpio_base + GPIO_IE, 0);
	mmio_write32(gpio_base + GPIO_DIR, mmio_read32(gpio_base + GPIO_DIR) & ~PIN);
	mmio_write32(gpio_base + GPIO_IS, mmio_read32(gpio_base + GPIO_IS) & ~PIN);
	mmio_write32(gpio_base + GPIO_IBE, mmio_read32(gpio_base + GPIO_IBE) & ~PIN);
	mmio_write32(gpio_base + GPIO_IEV, mmio_read32(gpio_base + GPIO_IEV) | PIN);
	mmio_write32(gpio_base + GPIO_IC, 0xff);
	mmio_write32(gpio_base + GPIO_IE, PIN);
}

static void setup_rtc(void)
{
	uint64_t base;
	uint32_t intid;

	if (!dt_device("arm,pl031", &base, &intid) || !intid || !dt_owns_spi(intid))
		return;
	rtc_base = base;
	rtc_intid = intid;
	mmio_write32(rtc_base + RTC_IMSC, 0);
	mmio_write32(rtc_base + RTC_ICR, 1);
}

static void test_rtc_alarm(void)
{
	bool got;

	if (!rtc_base) {
		tap_skip("no PL031 of its own", "PL031 alarm delivered once after the run");
		return;
	}
	rtc_deliveries = 0;
	gic_set_route(rtc_intid, plat.mpidr[this_cpu()]); /* the other vCPUs are off now */
	set_irq_handler(handler);
	local_irq_enable();
	mmio_write32(rtc_base + RTC_CR, 1);
	mmio_write32(rtc_base + RTC_ICR, 1);
	mmio_write32(rtc_base + RTC_IMSC, 1);
	mmio_write32(rtc_base + RTC_MR, mmio_read32(rtc_base + RTC_DR) + 1);
	got = wait_until(rtc_deliveries >= 1, ALARM_TIMEOUT_US);
	udelay(SETTLE_US);
	local_irq_disable();
	mmio_write32(rtc_base + RTC_IMSC, 0);
	tap_ok(got && rtc_deliveries == 1 && !(mmio_read32(rtc_base + RTC_MIS) & 1),
	       "PL031 alarm after the run: %u delivery of INTID %u (want 1)", rtc_deliveries,
	       rtc_intid);
}

static void results(bool started, bool all_done)
{
	uint64_t checked = 0, words_differ = 0, passes = 0, gic_reads = 0, gic_differ = 0;
	uint64_t max_gap = 0, min_rate = 100, unexpected = 0;
	uint32_t min_pings = UINT32_MAX, max_pings = 0;
	bool beats_ok = true;
	unsigned int i, k;

	for (i = 0; i < plat.ncpus; i++) {
		struct cpu_state *c = &cs[i];
		uint64_t want = (c->stopped - c->started) / period;
		uint64_t rate = want ? c->beats * 100 / want : 0;

		checked += c->words_checked;
		words_differ += c->words_differ;
		passes += c->passes;
		gic_reads += c->gic_reads;
		gic_differ += c->gic_differ;
		unexpected += c->unexpected;
		if (c->max_gap > max_gap)
			max_gap = c->max_gap;
		if (rate < min_rate)
			min_rate = rate;
		if (c->pings < min_pings)
			min_pings = c->pings;
		if (c->pings > max_pings)
			max_pings = c->pings;
		beats_ok = beats_ok && rate >= rate_min && c->beats <= want + 2;
		tap_diag("canary: cpu%u: %llu heartbeats in %llu ms (%llu%%), largest gap %llu us, "
			 "%u pings, %llu canary passes",
			 i, (unsigned long long)c->beats,
			 (unsigned long long)ticks_to_us(c->stopped - c->started) / 1000,
			 (unsigned long long)rate, (unsigned long long)ticks_to_us(c->max_gap),
			 c->pings, (unsigned long long)c->passes);
		for (k = 0; k < c->unexpected && k < MAX_UNEXPECTED; k++)
			tap_diag("canary: cpu%u: unexpected INTID %u", i, c->unexpected_intid[k]);
	}
	tap_ok(started && all_done && words_differ == 0 && passes > 0,
	       "canary intact: %llu bytes checked in %llu slice passes, %llu bytes differ",
	       (unsigned long long)checked * 8, (unsigned long long)passes,
	       (unsigned long long)words_differ * 8);
	tap_ok(beats_ok && ticks_to_us(max_gap) / 1000 < maxgap_ms,
	       "heartbeats at 1 kHz on %u vCPUs: at least %llu%% of the elapsed ms (want >= "
	       "%llu%%), "
	       "largest gap %llu ms (want < %llu)",
	       plat.ncpus, (unsigned long long)min_rate, (unsigned long long)rate_min,
	       (unsigned long long)ticks_to_us(max_gap) / 1000, (unsigned long long)maxgap_ms);
	tap_ok(gic_differ == 0 && gic_reads > 0,
	       "GIC state as it set it: %llu reads of %u SPIs and every vCPU's SGIs/PPIs, %llu "
	       "differ",
	       (unsigned long long)gic_reads, nr_spis, (unsigned long long)gic_differ);
	tap_ok(unexpected == 0, "no foreign interrupt: %llu INTIDs it did not expect",
	       (unsigned long long)unexpected);
	check_foreign();
	if (plat.skiff)
		tap_ok(foreign_ok,
		       "skiff's FOREIGN exit counter 0 on every vCPU (vCPU0 %lld, last vCPU %lld)",
		       (long long)foreign_exits[0], (long long)foreign_exits[plat.ncpus - 1]);
	else
		tap_skip_native("skiff's FOREIGN exit counter 0 on every vCPU");
	tap_ok(min_pings == pings_sent && max_pings == pings_sent,
	       "SGI %u it sent every vCPU: %u sent, %u..%u received", PING_SGI, pings_sent,
	       min_pings, max_pings);
	if (seconds || !gpio_base)
		tap_ok(!key_missed, "ran %llu s as canary.seconds says%s",
		       (unsigned long long)seconds, gpio_base ? "" : " (no PL061 of its own)");
	else
		tap_ok(key_deliveries == 1 && !key_missed,
		       "stopped by the power key: INTID %u delivered %u time (want 1)", gpio_intid,
		       key_deliveries);
}

void guest_main(void)
{
	unsigned int i;
	bool started, all_done;

	tap_plan(NR_TESTS);
	tap_check_dtb();
	dt_scan_owned();
	seed = arg_u64("canary.seed", counter_now() * 0x2545f4914f6cdd1dULL);
	seconds = arg_u64("canary.seconds", 0);
	maxgap_ms = arg_u64("canary.maxgap_ms", DEFAULT_MAXGAP_MS);
	rate_min = arg_u64("canary.rate_min", DEFAULT_RATE_MIN);
	selftest = arg_u64("canary.selftest", 0) != 0;
	period = counter_freq() / HEARTBEAT_HZ;
	setup_gpio();
	setup_rtc();
	if (!seconds && !gpio_base)
		seconds = 10;
	fill();
	set_spis();
	started = cpu_start_all(secondary, 0);
	tap_ok(started && nr_spis == dt_owned.nr_spis,
	       "set up: %lu KiB canary at 0x%lx (seed 0x%llx), heartbeat on %u vCPUs, %u SPIs of "
	       "its "
	       "own (PL061 %u, PL031 %u)",
	       CANARY_BYTES >> 10, (unsigned long)canary, (unsigned long long)seed, plat.ncpus,
	       nr_spis, gpio_intid, rtc_intid);
	if (seconds)
		printk("# canary: running for %llu s\n", (unsigned long long)seconds);
	else
		printk("# canary: waiting for the power key\n");
	run(this_cpu());
	all_done = true;
	for (i = 0; i < plat.ncpus; i++)
		all_done = wait_until(__atomic_load_n(&cs[i].done, __ATOMIC_ACQUIRE),
				      START_TIMEOUT_US) &&
			   all_done;
	results(started, all_done);
	test_rtc_alarm();
}
