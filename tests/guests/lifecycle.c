/*
 * lifecycle.c - test guest that powers off and resets itself while another guest runs: skiff
 * must restart it alone (its kernel, initrd and device tree loaded afresh, its vCPUs and vGIC
 * reset) and leave the other guests running. Each boot checks:
 *  - its .data is pristine: a global initialised to a known pattern, which it then changes
 *    (a restart from a freshly loaded image has the pattern back);
 *  - its virtual CPU interface is clean: no active priority (ICC_RPR_EL1 idle), nothing
 *    pending (ICC_HPPIR1_EL1 spurious), though the boot before left an SGI active;
 *  - its other vCPUs are off (AFFINITY_INFO), and come up with CPU_ON and answer an SGI;
 *  - its PL031's alarm interrupt arrives once (SKIP without a PL031 of its own), though the
 *    boot before left that alarm raised;
 *  - its virtual timer (PPI 27) ticks 20 times at 1 kHz, though the boot before left it
 *    firing;
 *  - under skiff, SKIFF_CNT_GUEST_RESETS (SKIFF_HVC_COUNTER) says how many times it was reset:
 *    this is boot resets + 1.
 * Then, if resets < lifecycle.resets (default 2), it waits lifecycle.delay_ms (default 0: so
 * that its restarts fall in the middle of another guest's work), leaves that state dirty and
 * calls PSCI SYSTEM_RESET; else it prints "# guest lifecycle done" and calls SYSTEM_OFF. Natively
 * it runs once (QEMU's SYSTEM_RESET would reset the machine) and the skiff checks SKIP.
 *
 * What the harness sees: lifecycle.resets + 1 blocks, boot N = 1, 2, ... in order, each
 *     # guest lifecycle: under skiff, ...          (the runtime's line)
 *     # lifecycle: boot N of M                     (M = lifecycle.resets + 1)
 *     1..7
 *     ok 1 - ... ok 7 - ...                        (a complete TAP document)
 *     # 7 passed, 0 failed, 0 skipped
 *     # lifecycle: boot N done: SYSTEM_RESET       (all but the last boot)
 * and after the last block "# guest lifecycle done". Under a skiff without the resets
 * counter, test 7 fails and the first boot is also the last.
 * Touches its RAM, GIC frames, timers and the PL031 it owns.
 */
#include <stdlib.h>

#include "tests/guests/lib/devices.h"
#include "tests/guests/lib/gic.h"
#include "tests/guests/lib/guest.h"
#include "tests/guests/lib/psci.h"
#include "tests/guests/lib/skiff.h"
#include "tests/guests/lib/tap.h"
#include "tests/guests/lib/timer.h"

#define NR_TESTS 7
#define DEFAULT_RESETS 2
#define PRISTINE_WORDS 4
#define PING_SGI 2
#define DIRTY_SGI 9
#define TICKS 20
#define TICK_HZ 1000
#define ICC_RPR_IDLE 0xff
#define RTC_DR 0x00
#define RTC_MR 0x04
#define RTC_CR 0x0c
#define RTC_IMSC 0x10
#define RTC_RIS 0x14
#define RTC_MIS 0x18
#define RTC_ICR 0x1c
#define ALARM_TIMEOUT_US 4000000
#define TICKS_TIMEOUT_US 2000000
#define SETTLE_US 50000
#define CPU_TIMEOUT_US 2000000

const char guest_name[] = "lifecycle";

/* In .data: the image as loaded has this pattern (.rodata keeps the reference); every boot
 * changes it. */
#define PRISTINE_PATTERN                                                             \
	{                                                                            \
		0x6c69666563796331ULL, 0x0123456789abcdefULL, 0xfedcba9876543210ULL, \
			0x5a5a5a5aa5a5a5a5ULL                                        \
	}
static volatile uint64_t pristine[PRISTINE_WORDS] = PRISTINE_PATTERN;
static const uint64_t pristine_ref[PRISTINE_WORDS] = PRISTINE_PATTERN;

static uintptr_t rtc_base;
static uint32_t rtc_intid;
static volatile uint32_t alarms, ticks, pings[GUEST_MAX_CPUS], unexpected;
static uint64_t tick_cval, tick_period;

static void handler(uint32_t intid)
{
	if (intid == TIMER_VIRT_PPI) {
		if (++ticks < TICKS) {
			tick_cval += tick_period;
			vtimer.set_cval(tick_cval);
		} else {
			vtimer.set_ctl(0);
		}
	} else if (intid == PING_SGI) {
		pings[this_cpu()]++;
	} else if (rtc_intid && intid == rtc_intid) {
		mmio_write32(rtc_base + RTC_ICR, 1);
		alarms++;
	} else {
		unexpected++;
	}
	gic_eoi(intid);
}

static void test_pristine(void)
{
	bool ok = true;
	unsigned int i;
	uint64_t first = pristine[0];

	for (i = 0; i < PRISTINE_WORDS; i++)
		ok = ok && pristine[i] == pristine_ref[i];
	for (i = 0; i < PRISTINE_WORDS; i++)
		pristine[i] = ~pristine[i];
	dsb_sy();
	tap_ok(ok, ".data as loaded: the pattern is there (0x%llx), now changed",
	       (unsigned long long)first);
}

static void test_clean_cpuif(void)
{
	uint64_t rpr = read_sysreg(ICC_RPR_EL1) & 0xff;
	uint64_t hppir = read_sysreg(ICC_HPPIR1_EL1) & GIC_INTID_MASK;

	tap_ok(rpr == ICC_RPR_IDLE && hppir >= GIC_SPURIOUS_FIRST,
	       "CPU interface clean at boot: ICC_RPR_EL1 0x%llx (idle 0xff), ICC_HPPIR1_EL1 %llu "
	       "(spurious)",
	       (unsigned long long)rpr, (unsigned long long)hppir);
}

static void secondary(uint64_t ctx)
{
	(void)ctx;
	set_irq_handler(handler);
	local_irq_enable();
	wait_until(pings[this_cpu()] > 0, CPU_TIMEOUT_US);
	local_irq_disable();
}

/* Its other vCPUs: off at boot, then on with CPU_ON, each answering an SGI. */
static void test_vcpus(void)
{
	unsigned int cpu, off = 0, answered = 0;
	bool started;

	for (cpu = 0; cpu < plat.ncpus; cpu++)
		if (cpu != this_cpu() && psci_affinity_info(plat.mpidr[cpu]) == PSCI_AFFINITY_OFF)
			off++;
	started = cpu_start_all(secondary, 0);
	for (cpu = 0; cpu < plat.ncpus; cpu++) {
		if (cpu == this_cpu())
			continue;
		gic_send_sgi(PING_SGI, cpu);
		if (wait_until(pings[cpu] > 0, CPU_TIMEOUT_US))
			answered++;
	}
	for (cpu = 0; cpu < plat.ncpus; cpu++)
		if (cpu != this_cpu())
			wait_until(psci_affinity_info(plat.mpidr[cpu]) == PSCI_AFFINITY_OFF,
				   CPU_TIMEOUT_US);
	tap_ok(off == plat.ncpus - 1 && started && answered == plat.ncpus - 1,
	       "other vCPUs: %u of %u off at boot, %u came up with CPU_ON and answered an SGI", off,
	       plat.ncpus - 1, answered);
}

static void rtc_arm(void)
{
	mmio_write32(rtc_base + RTC_CR, 1);
	mmio_write32(rtc_base + RTC_ICR, 1);
	mmio_write32(rtc_base + RTC_IMSC, 1);
	mmio_write32(rtc_base + RTC_MR, mmio_read32(rtc_base + RTC_DR) + 1);
}

static void test_alarm(void)
{
	bool got;

	if (!rtc_base) {
		tap_skip("no PL031 of its own", "PL031 alarm interrupt arrives once");
		return;
	}
	alarms = 0;
	gic_set_edge(rtc_intid, false);
	gic_set_route(rtc_intid, plat.mpidr[this_cpu()]);
	gic_enable(rtc_intid);
	rtc_arm();
	got = wait_until(alarms >= 1, ALARM_TIMEOUT_US);
	udelay(SETTLE_US);
	tap_ok(got && alarms == 1 && !(mmio_read32(rtc_base + RTC_MIS) & 1),
	       "PL031 alarm: INTID %u delivered %u time (want 1)", rtc_intid, alarms);
}

static void test_ticks(void)
{
	bool got;

	ticks = 0;
	tick_period = counter_freq() / TICK_HZ;
	gic_enable(TIMER_VIRT_PPI);
	tick_cval = counter_now() + tick_period;
	vtimer.set_cval(tick_cval);
	vtimer.set_ctl(CNT_CTL_ENABLE);
	got = wait_until(ticks >= TICKS, TICKS_TIMEOUT_US);
	udelay(SETTLE_US);
	tap_ok(got && ticks == TICKS && unexpected == 0,
	       "virtual timer: %u ticks at 1 kHz (want %u), %u unexpected interrupts", ticks, TICKS,
	       unexpected);
}

/* For the next boot to clean up: an SGI left active, the timer firing, the alarm raised. */
static void leave_dirty(void)
{
	uint32_t intid;

	local_irq_disable();
	gic_send_sgi(DIRTY_SGI, this_cpu());
	udelay(SETTLE_US);
	intid = gic_ack(); /* never EOId */
	vtimer.set_cval(counter_now());
	vtimer.set_ctl(CNT_CTL_ENABLE);
	if (rtc_base) {
		mmio_write32(rtc_base + RTC_IMSC, 1);
		mmio_write32(rtc_base + RTC_MR, mmio_read32(rtc_base + RTC_DR));
	}
	udelay(SETTLE_US);
	tap_diag("lifecycle: leaving INTID %u active, the timer firing%s", intid,
		 rtc_base ? ", the PL031 alarm raised" : "");
}

void guest_main(void)
{
	uint64_t delay_ms = 0;
	char v[16];
	uint64_t want = DEFAULT_RESETS;
	int64_t resets = plat.skiff ? skiff_counter(SKIFF_CNT_GUEST_RESETS, 0) : 0;
	bool counted = !plat.skiff || resets >= 0;
	uint64_t boot = counted ? (uint64_t)resets + 1 : 1;
	uint64_t base;
	uint32_t intid;

	if (bootarg("lifecycle.resets", v, sizeof(v)))
		want = strtoul(v, NULL, 0);
	if (bootarg("lifecycle.delay_ms", v, sizeof(v)))
		delay_ms = strtoul(v, NULL, 0);
	dt_scan_owned();
	if (dt_device("arm,pl031", &base, &intid) && intid && dt_owns_spi(intid)) {
		rtc_base = base;
		rtc_intid = intid;
	}
	printk("# lifecycle: boot %llu of %llu\n", (unsigned long long)boot,
	       (unsigned long long)(plat.skiff ? want + 1 : 1));
	tap_plan(NR_TESTS);
	tap_check_dtb();
	test_pristine();
	test_clean_cpuif();
	set_irq_handler(handler);
	local_irq_enable();
	test_vcpus();
	test_alarm();
	test_ticks();
	if (!plat.skiff)
		tap_skip_native("SKIFF_CNT_GUEST_RESETS says which boot this is");
	else
		tap_ok(counted && (uint64_t)resets <= want,
		       "SKIFF_CNT_GUEST_RESETS %lld: boot %llu (at most %llu resets asked)",
		       (long long)resets, (unsigned long long)boot, (unsigned long long)want);
	local_irq_disable();
	if (!plat.skiff || !counted || (uint64_t)resets >= want)
		return;		 /* tap_done(): "# guest lifecycle done", SYSTEM_OFF */
	udelay(delay_ms * 1000); /* spread the restarts over the other guests' runs */
	leave_dirty();
	tap_summary();
	printk("# lifecycle: boot %llu done: SYSTEM_RESET\n", (unsigned long long)boot);
	psci_call(PSCI_SYSTEM_RESET, 0, 0, 0);
	bail_out("PSCI SYSTEM_RESET returned");
}
