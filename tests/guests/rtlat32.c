/*
 * rtlat32.c - the real-time guest of `make bench`'s interference rows
 * (tools/bench_interference.py, bench/README.md section 7): an AArch32 bare-metal guest (built
 * with arm-none-eabi-gcc, runtime tests/guests/lib32/) that programs its virtual timer every
 * 1 ms of guest time with absolute deadlines (CNTV_CVAL += 1 ms in the handler) and measures
 * each interrupt's latency: PMCCNTR as read by its own IRQ vector (the vector's sixth
 * instruction, before any C) minus the deadline, in instructions.
 *
 * Under QEMU -icount shift=0 one instruction is 1 ns of virtual time; the counter ticks every
 * 16 ns and PMCCNTR every ns (with PMCCFILTR.NSH set it counts at EL2 too, so what skiff runs
 * in between is in it). The deadline CVAL is in counter ticks: the guest first finds, to the
 * instruction, how PMCCNTR relates to CNTVCT (calibrate(): at 48 counter edges in a 3-instruction
 * loop) and checks at the end that the relation did not move (PMCCNTR counted throughout).
 *
 * Command line (/chosen/bootargs): rt.samples=N (default 1000), rt.start_ms=T (record from
 * virtual time T ms on; before it the timer runs unrecorded), rt.busy=1 (start every other CPU
 * of this guest on a busy loop of device reads and SGIs: the native control of QEMU's share).
 * It prints "rt: KEY VALUE" lines and TAP, then powers off.
 */
#include "tests/guests/lib/fdt.h"
#include "tests/guests/lib32/rt32.h"

#include <string.h>

#define NR_TESTS 5
#define MAX_SAMPLES 4000
#define WARMUP 16
#define PERIOD_US 1000
#define CAL_EDGES 48
#define CAL_AFTER 3 /* instructions from the edge's CNTVCT read to the PMCCNTR read */
#define TICK_NS 16  /* 62.5 MHz under QEMU */
#define SGI_BUSY 5
#define TOP 8 /* the largest latencies printed, with when they happened */
#define RUN_TIMEOUT_US 30000000u

/* PMU (AArch32 CP15) */
/* clang-format off */
#define PMCR p15, 0, %0, c9, c12, 0
#define PMCNTENSET p15, 0, %0, c9, c12, 1
#define PMSELR p15, 0, %0, c9, c12, 5
#define PMCCNTR p15, 0, %0, c9, c13, 0
#define PMXEVTYPER p15, 0, %0, c9, c13, 1
/* clang-format on */
#define PMCR_E 1u
#define PMCR_C (1u << 2)
#define PMCR_LC (1u << 6)
#define PMCNTEN_C (1u << 31)
#define PMCCFILTR_NSH (1u << 27)
#define PMSEL_CYCLE 31

const char guest_name[] = "rtlat32";

static uint32_t samples[MAX_SAMPLES], wanted = 1000, busy, start_ms;
static volatile uint32_t recorded, ticks, early, others, stop, first_tick;
static uint32_t sample_at[MAX_SAMPLES]; /* the deadline's tick, low 32 bits */
static uint64_t deadline, period, start_tick;
static uint32_t cal; /* PMCCNTR + cal = 16 * CNTVCT + the instructions into the tick */
static volatile uint32_t busy_ops[RT32_MAX_CPUS];

void rtlat_irq(uint32_t pmc);

/* Every exception but IRQ goes to the runtime's vectors; IRQ reads PMCCNTR first. */
asm(".syntax unified\n"
    ".arch armv7-a\n"
    ".text\n"
    ".arm\n"
    ".align 5\n"
    ".global rtlat_vectors\n"
    "rtlat_vectors:\n"
    "	b vectors32\n"
    "	b vectors32 + 4\n"
    "	b vectors32 + 8\n"
    "	b vectors32 + 12\n"
    "	b vectors32 + 16\n"
    "	b vectors32 + 20\n"
    "	b rtlat_irq_entry\n"
    "	b vectors32 + 28\n"
    "rtlat_irq_entry:\n"
    "	sub lr, lr, #4\n"
    "	srsdb sp!, #0x13\n"
    "	cps #0x13\n"
    "	push {r0-r3, r12, lr}\n"
    "	mrc p15, 0, r0, c9, c13, 0\n" /* PMCCNTR: the vector's sixth instruction */
    "	bl rtlat_irq\n"
    "	mrc p15, 0, r2, c9, c13, 0\n" /* the plugin's start mark (r2: at an RFE), 2 before it */
    "	pop {r0-r3, r12, lr}\n"
    "	rfeia sp!\n");
extern char rtlat_vectors[];

static uint64_t cntvct(void)
{
	return read_cp15_64(CNTVCT);
}

/*
 * How PMCCNTR relates to CNTVCT: at each of CAL_EDGES counter edges, a 3-instruction loop
 * (MRRC CNTVCT, CMP, BEQ) sees the new value t and PMCCNTR p is read CAL_AFTER instructions
 * later. The edge's read ran at 16 t + s (s in 0..2, the loop's phase, which moves by one
 * every edge since 16 = 1 mod 3), so 16 t - p = cal - s - CAL_AFTER: the largest over the
 * edges is the exact cal. Another CPU running in between (QEMU's round robin) only makes a
 * term smaller. Returns cal; *step gets the largest PMCCNTR step between two edges seen.
 */
static uint32_t calibrate(uint32_t *step_min, uint32_t *step_max)
{
	uint32_t best = 0, prev = 0, smin = ~0u, smax = 0, i;

	for (i = 0; i < CAL_EDGES; i++) {
		uint32_t lo0 = (uint32_t)cntvct(), d;
		/* not r0: the plugin bench/plugin/rt_window.c knows the vector's read by it */
		register uint32_t t asm("r2"), hi asm("r3"), p asm("r12");

		asm volatile("1:	mrrc p15, 1, %0, %2, c14\n"
			     "	cmp %0, %3\n"
			     "	beq 1b\n"
			     "	mrc p15, 0, %1, c9, c13, 0\n"
			     : "=&r"(t), "=&r"(p), "=&r"(hi)
			     : "r"(lo0)
			     : "cc", "memory");
		d = t * TICK_NS - p + CAL_AFTER;
		if (i == 0 || (int32_t)(d - best) > 0)
			best = d;
		if (i) {
			if (p - prev < smin)
				smin = p - prev;
			if (p - prev > smax)
				smax = p - prev;
		}
		prev = p;
	}
	*step_min = smin;
	*step_max = smax;
	return best;
}

/* a PMCCNTR step between two counter edges seen by calibrate(): whole ticks of 16, give or
 * take the loop's phase (0 to 2) */
static bool step_ok(uint32_t step)
{
	return step >= TICK_NS - 2 && (step + 2) % TICK_NS <= 4;
}

static void pmu_on(void)
{
	write_cp15(PMSELR, PMSEL_CYCLE);
	isb();
	write_cp15(PMXEVTYPER, PMCCFILTR_NSH); /* count at EL1, EL0 and EL2 */
	write_cp15(PMCR, PMCR_E | PMCR_C | PMCR_LC);
	write_cp15(PMCNTENSET, PMCNTEN_C);
	isb();
}

void rtlat_irq(uint32_t pmc)
{
	uint32_t intid = read_cp15(ICC_IAR1);

	if (intid >= 1020)
		return;
	if (intid == GIC_PPI_VTIMER && this_cpu() == 0) {
		int32_t lat = (int32_t)(pmc + cal - (uint32_t)deadline * TICK_NS);
		uint32_t n = ticks++;

		if (lat < 0)
			early++;
		else if (n >= WARMUP && deadline >= start_tick && recorded < wanted) {
			if (!recorded)
				first_tick = n;
			sample_at[recorded] = (uint32_t)deadline;
			samples[recorded++] = (uint32_t)lat;
		}
		deadline += period;
		if (recorded < wanted)
			write_cp15_64(CNTV_CVAL, deadline); /* the line drops before the EOI */
		else
			write_cp15(CNTV_CTL, 0);
	} else {
		others++;
	}
	write_cp15(ICC_EOIR1, intid);
}

/* ---- the native control: the guest's other CPUs busy with device reads and SGIs */
void guest32_secondary(unsigned int cpu, uint32_t context, bool thumb_entry)
{
	unsigned int next = cpu + 1 < plat32.nr_cpus ? cpu + 1 : 1;
	uint32_t i;

	(void)context;
	(void)thumb_entry;
	gic32_enable(SGI_BUSY, true);
	irq_enable();
	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
		if (busy & 1)
			for (i = 0; i < 8; i++)
				(void)mmio_read32(plat32.rtc ? plat32.rtc : plat32.gicd);
		if ((busy & 2) && next != cpu)
			gic32_sgi(SGI_BUSY, plat32.mpidr[next]);
		if (busy & 4)
			wfi();
		busy_ops[cpu]++;
	}
	irq_disable();
	for (;;)
		wfi();
}

static uint32_t arg(const char *name, uint32_t dflt)
{
	struct fdt_node chosen;
	const char *args, *s, *end;
	uint32_t len;
	size_t n = strlen(name);

	if (!plat32.dtb_ok || !fdt_find_path(plat32.dtb, "/chosen", 7, &chosen))
		return dflt;
	args = fdt_prop(plat32.dtb, chosen.off, "bootargs", &len);
	if (!args || !len)
		return dflt;
	end = args + len;
	for (s = args; s + n < end; s++) {
		uint32_t v = 0;

		if ((s != args && s[-1] != ' ') || memcmp(s, name, n) || s[n] != '=')
			continue;
		for (s += n + 1; s < end && *s >= '0' && *s <= '9'; s++)
			v = v * 10 + (uint32_t)(*s - '0');
		return v;
	}
	return dflt;
}

static void sort(uint32_t *v, uint32_t n)
{
	uint32_t gap, i, j;

	for (gap = n / 2; gap; gap /= 2) /* shell sort: n is a few thousand */
		for (i = gap; i < n; i++)
			for (j = i; j >= gap && v[j - gap] > v[j]; j -= gap) {
				uint32_t t = v[j];

				v[j] = v[j - gap];
				v[j - gap] = t;
			}
}

/* the nearest-rank percentile of sorted v, as tools/bench.py's guest figures */
static uint32_t pct(const uint32_t *v, uint32_t n, uint32_t p)
{
	return n ? v[(n - 1) * p / 100] : 0;
}

static void print_top(void)
{
	static uint32_t idx[MAX_SAMPLES];
	uint32_t i, k, m;

	for (i = 0; i < recorded; i++)
		idx[i] = i;
	for (k = 0; k < TOP && k < recorded; k++) {
		uint32_t t;

		for (m = k, i = k + 1; i < recorded; i++)
			if (samples[idx[i]] > samples[idx[m]])
				m = i;
		t = idx[m];
		idx[m] = idx[k];
		idx[k] = t;
		printk("rt: top%u %u at_tick %u\n", (unsigned int)k, (unsigned int)samples[t],
		       (unsigned int)sample_at[t]);
	}
}

void guest32_main(void)
{
	uint32_t smin, smax, smin2, smax2, cal2, i, busy_total = 0;
	uint64_t t0;
	bool all;

	printk("# guest %s: %s, AArch32, %u CPUs, timer %u Hz\n", guest_name,
	       plat32.under_skiff ? "under skiff" : "native", plat32.nr_cpus,
	       (unsigned int)plat32.timer_hz);
	tap_plan(NR_TESTS);
	wanted = arg("rt.samples", wanted);
	if (wanted > MAX_SAMPLES)
		wanted = MAX_SAMPLES;
	start_ms = arg("rt.start_ms", 0);
	busy = arg("rt.busy", 0);
	period = (uint64_t)plat32.timer_hz * PERIOD_US / 1000000u;
	start_tick = (uint64_t)plat32.timer_hz / 1000u * start_ms;

	pmu_on();
	cal = calibrate(&smin, &smax);
	tap_ok(plat32.timer_hz == 1000000000u / TICK_NS && step_ok(smin) && step_ok(smax),
	       "QEMU -icount shift=0: counter at %u Hz, PMCCNTR counts 1 a ns (%u to %u between "
	       "counter edges, %u per tick)",
	       (unsigned int)plat32.timer_hz, (unsigned int)smin, (unsigned int)smax, TICK_NS);

	if (busy)
		for (i = 1; i < plat32.nr_cpus; i++)
			if (cpu32_start(i, 0, false))
				bail_out("CPU_ON cpu%u failed", (unsigned int)i);

	write_cp15(VBAR, (uintptr_t)rtlat_vectors);
	isb();
	gic32_enable(GIC_PPI_VTIMER, true);
	deadline = (cntvct() / period + 2) * period; /* on the 1 ms grid */
	write_cp15_64(CNTV_CVAL, deadline);
	write_cp15(CNTV_CTL, 1);
	isb();
	t0 = cntvct();
	irq_enable();
	while (recorded < wanted &&
	       cntvct() - t0 < start_tick + (uint64_t)RUN_TIMEOUT_US * plat32.timer_hz / 1000000u)
		asm volatile("mrc p15, 0, r1, c9, c13, 0\n" /* the plugin's start mark, */
			     "nop\n"			    /* 2 before the WFI */
			     "wfi" ::
				     : "r1", "memory");
	irq_disable();
	write_cp15(CNTV_CTL, 0);
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	for (i = 1; i < RT32_MAX_CPUS; i++)
		busy_total += busy_ops[i];

	all = recorded == wanted;
	tap_ok(all && early == 0,
	       "%u of %u timer interrupts recorded from %u ms on (%u before the deadline, %u other "
	       "interrupts)",
	       (unsigned int)recorded, (unsigned int)wanted, (unsigned int)start_ms,
	       (unsigned int)early, (unsigned int)others);
	cal2 = calibrate(&smin2, &smax2);
	tap_ok(cal2 == cal || (busy && (int32_t)(cal - cal2) > 0 && cal - cal2 < 64),
	       "PMCCNTR kept to the counter throughout: offset %u before, %u after",
	       (unsigned int)cal, (unsigned int)cal2);
	tap_ok(!busy || busy_total > 0, "the other CPUs were busy: %u loops",
	       (unsigned int)busy_total);

	printk("rt: samples %u\n", (unsigned int)recorded);
	printk("rt: first_tick %u\n", (unsigned int)first_tick);
	printk("rt: ticks %u\n", (unsigned int)ticks);
	printk("rt: window_ticks %u %u\n", (unsigned int)sample_at[0],
	       (unsigned int)(recorded ? sample_at[recorded - 1] : 0));
	printk("rt: busy_loops %u\n", (unsigned int)busy_total);
	print_top();
	sort(samples, recorded);
	printk("rt: min %u\n", (unsigned int)samples[0]);
	printk("rt: p50 %u\n", (unsigned int)pct(samples, recorded, 50));
	printk("rt: p90 %u\n", (unsigned int)pct(samples, recorded, 90));
	printk("rt: p99 %u\n", (unsigned int)pct(samples, recorded, 99));
	printk("rt: max %u\n", (unsigned int)(recorded ? samples[recorded - 1] : 0));
	/* no upper bound: with busy CPUs beside it QEMU's round robin delays this one's turn by
	 * up to about 200 ms of virtual time (bench/README.md section 7) */
	tap_ok(recorded && samples[0] > 0,
	       "every latency after its deadline: %u to %u instructions", (unsigned int)samples[0],
	       (unsigned int)(recorded ? samples[recorded - 1] : 0));
}
