/*
 * bench.c - the benchmark guest of `make bench` (tools/bench.py; what each figure means is in
 * bench/README.md). The same image runs natively at EL1 and under skiff; QEMU runs with
 * -icount shift=0,sleep=off, so the PMU cycle counter PMCCNTR_EL0 counts executed instructions,
 * EL2's too (PMCCFILTR_EL0.NSH). It prints "bench: KEY VALUE" lines (raw figures and deltas of
 * skiff's counters) for bench.py and TAP self-checks that fail loudly when a figure is absurd.
 *
 * Its own EL1 vector table: the IRQ entry's first instruction reads PMCCNTR_EL0 into x17, so
 * IRQs are unmasked only inside asm blocks that declare x17 clobbered; every other vector goes
 * to the runtime's (tests/guests/lib/start.S). The device is the PL011's TX interrupt
 * (INTID 33, level): a write to UARTDR with UARTIMSC.TXIM set raises it, UARTICR lowers it.
 *
 *  1. calibration: a 100-iteration loop reads 202 (bench/README.md): PMCCNTR counts instructions;
 *  2. PL011 latency and round trip, N_LAT interrupts: t0 = PMCCNTR just before the UARTDR
 *     store, t1 = the vector's first instruction, t2 = right after the ICC_EOIR1_EL1 write;
 *     skiff's counters (SPI 33, vCPU0 exits and EL2 cost) around them;
 *  3. throughput: N_TPUT raise -> clear+EOI -> raise cycles, as fast as the guest goes;
 *  4. other traps, K_TRAP each, guest-seen instructions and skiff's EL2 cost per exit: a GICD
 *     ISENABLER and an IPRIORITYR write of SPI 33, PSCI_VERSION over HVC, the virtual timer's
 *     interrupt, an SGI to vCPU 1 (ping; vCPU 1 answers with an SGI: pong).
 * Run with mode=native|hw|eoi|oneshot on the command line, -smp 2.
 *
 * On a GICv2 (the runtime finds it in the tree) the same, through the memory-mapped CPU
 * interface: GICC_IAR and GICC_EOIR (EOImode 0) instead of ICC_IAR1_EL1 and ICC_EOIR1_EL1,
 * GICD_SGIR instead of ICC_SGI1R_EL1 (an MMIO exit under skiff, not a SYSREG one). It has a
 * vector table and handler of its own, so the GICv3 code and figures are untouched.
 * hwlr=0 says skiff writes no HW=1 list registers (QEMU's GICv2 model, drivers/gicv2.h): a
 * hardware-linked interrupt then ends in an EOI maintenance exit of its own; absent or 1: it
 * does (GICv3, or a GICv2 with the test-only gicv2-hw-lrs-on-qemu).
 */
#include <string.h>

#include "lib/printf.h"
#include "tests/guests/lib/gic.h"
#include "tests/guests/lib/guest.h"
#include "tests/guests/lib/psci.h"
#include "tests/guests/lib/skiff.h"
#include "tests/guests/lib/tap.h"
#include "tests/guests/lib/timer.h"

#define NR_TESTS 10

#define N_WARMUP 16
#define N_LAT 1024
#define N_TPUT 2000
#define K_TRAP 1000
#define SPIN_BUDGET 20000000UL /* wait-loop iterations before an interrupt counts as lost */
#define TIMER_TICKS 32	       /* virtual timer: fires 32 ticks (512 instructions) after arming */

#define UART_INTID 33
#define UART_DR 0x00
#define UART_IMSC 0x38
#define UART_ICR 0x44
#define UART_INT_TX BIT(5)
#define UART_INT_ALL 0x7ffU
#define RAISE_CHAR '.'

#define SGI_PING 5
#define SGI_PONG 6
#define SGI_STOP 7
#define PRIO_BENCH 0x80

/* PMU (Arm ARM D13): PMCR_EL0, PMCNTENSET_EL0, PMCCFILTR_EL0 */
#define PMCR_E BIT(0)
#define PMCR_C BIT(2)
#define PMCR_LC BIT(6)
#define PMCNTEN_C BIT(31)
#define PMCCFILTR_NSH BIT(27)
#define CALIB_LOOPS 100
#define CALIB_EXPECT 202

/* sanity bounds of the self-checks */
#define NATIVE_LAT_MAX 10000
#define SKIFF_LAT_MAX 100000

const char guest_name[] = "bench";

enum mode { M_NATIVE, M_HW, M_EOI, M_ONESHOT, M_UNKNOWN };
static const char *const mode_names[] = { "native", "hw", "eoi", "oneshot", "unknown" };
static enum mode mode = M_UNKNOWN;

/* ---- the vector tables: IRQ from EL1h reads PMCCNTR first, the rest is the runtime's */
void bench_irq(uint64_t t1);
void bench_irq_v2(uint64_t t1);

/* clang-format off */
#define VENTRY_RUNTIME(off) ".balign 128\n\tb	exc_vectors + " #off "\n\t"
/*
 * A vector table whose IRQ entry (current EL, SP_ELx) reads PMCCNTR_EL0 first, then saves the
 * caller-saved registers but x17 (the interrupted code declared it clobbered) and calls
 * handler(t1); NZCV, ELR and SPSR come back with ERET (the handler never unmasks, so never
 * nests).
 */
#define BENCH_VECTORS(table, entry, handler)						\
	asm(".pushsection .text.bench_vectors, \"ax\"\n\t"				\
	    ".balign 2048\n\t"								\
	    ".globl	" #table "\n"							\
	    #table ":\n\t"								\
	    VENTRY_RUNTIME(0x000) VENTRY_RUNTIME(0x080) VENTRY_RUNTIME(0x100)		\
	    VENTRY_RUNTIME(0x180) VENTRY_RUNTIME(0x200)					\
	    ".balign 128\n\t"			/* 0x280: IRQ, current EL with SP_ELx */\
	    "mrs	x17, pmccntr_el0\n\t"	/* the handler's first instruction */	\
	    "b	" #entry "\n\t"								\
	    VENTRY_RUNTIME(0x300) VENTRY_RUNTIME(0x380)					\
	    VENTRY_RUNTIME(0x400) VENTRY_RUNTIME(0x480) VENTRY_RUNTIME(0x500)		\
	    VENTRY_RUNTIME(0x580) VENTRY_RUNTIME(0x600) VENTRY_RUNTIME(0x680)		\
	    VENTRY_RUNTIME(0x700) VENTRY_RUNTIME(0x780)					\
	    #entry ":\n\t"								\
	    "sub	sp, sp, #176\n\t"						\
	    "stp	x0, x1, [sp, #0]\n\t"						\
	    "stp	x2, x3, [sp, #16]\n\t"						\
	    "stp	x4, x5, [sp, #32]\n\t"						\
	    "stp	x6, x7, [sp, #48]\n\t"						\
	    "stp	x8, x9, [sp, #64]\n\t"						\
	    "stp	x10, x11, [sp, #80]\n\t"					\
	    "stp	x12, x13, [sp, #96]\n\t"					\
	    "stp	x14, x15, [sp, #112]\n\t"					\
	    "stp	x16, x18, [sp, #128]\n\t"					\
	    "stp	x29, x30, [sp, #144]\n\t"					\
	    "mov	x0, x17\n\t"							\
	    "bl	" #handler "\n\t"							\
	    "ldp	x0, x1, [sp, #0]\n\t"						\
	    "ldp	x2, x3, [sp, #16]\n\t"						\
	    "ldp	x4, x5, [sp, #32]\n\t"						\
	    "ldp	x6, x7, [sp, #48]\n\t"						\
	    "ldp	x8, x9, [sp, #64]\n\t"						\
	    "ldp	x10, x11, [sp, #80]\n\t"					\
	    "ldp	x12, x13, [sp, #96]\n\t"					\
	    "ldp	x14, x15, [sp, #112]\n\t"					\
	    "ldp	x16, x18, [sp, #128]\n\t"					\
	    "ldp	x29, x30, [sp, #144]\n\t"					\
	    "add	sp, sp, #176\n\t"						\
	    "eret\n\t"									\
	    ".popsection")

BENCH_VECTORS(bench_vectors, bench_irq_entry, bench_irq);
BENCH_VECTORS(bench_vectors_v2, bench_irq_entry_v2, bench_irq_v2);
/* clang-format on */

extern char bench_vectors[], bench_vectors_v2[];

/* hwlr=0 on the command line: skiff writes no HW=1 LRs (see the top of this file) */
static bool hw_lrs = true;

static void set_vectors(void)
{
	write_sysreg((uintptr_t)(gic_is_v2() ? bench_vectors_v2 : bench_vectors), vbar_el1);
	isb();
}

/* ---- what the handler saw (per CPU where two CPUs take interrupts) */
static volatile uint32_t uart_count;
static volatile uint64_t uart_t1, uart_t2;
static volatile uint32_t timer_count;
static volatile uint32_t ping_count, pong_count;
static volatile uint32_t spurious[GUEST_MAX_CPUS];
static volatile uint32_t unexpected[GUEST_MAX_CPUS];
static volatile uint32_t cpu1_stop;

static inline uint64_t cycles(void)
{
	return read_sysreg(pmccntr_el0);
}

static void pmu_enable(void)
{
	write_sysreg(PMCCFILTR_NSH, pmccfiltr_el0); /* EL1 and EL0, and EL2 */
	write_sysreg(PMCNTEN_C, pmcntenset_el0);
	write_sysreg(PMCR_E | PMCR_C | PMCR_LC, pmcr_el0);
	isb();
}

/* ICC_EOIR1_EL1, then PMCCNTR_EL0 at once: the cycle after the EOI has retired. */
static inline uint64_t eoi_then_cycles(uint32_t intid)
{
	uint64_t t;

	asm volatile("msr " __stringify(ICC_EOIR1_EL1) ", %1\n\t"
						       "mrs %0, pmccntr_el0"
		     : "=&r"(t)
		     : "r"((uint64_t)intid)
		     : "memory");
	return t;
}

void bench_irq(uint64_t t1)
{
	unsigned int cpu = this_cpu();
	uint32_t intid = (uint32_t)read_sysreg(ICC_IAR1_EL1) & GIC_INTID_MASK;
	uint64_t t2;

	switch (intid) {
	case UART_INTID:
		mmio_write32(plat.uart + UART_ICR, UART_INT_TX);
		t2 = eoi_then_cycles(intid);
		uart_t1 = t1;
		uart_t2 = t2;
		uart_count = uart_count + 1;
		return;
	case TIMER_VIRT_PPI:
		write_sysreg(0, cntv_ctl_el0); /* the line drops */
		isb();
		break;
	case SGI_PING:
		write_sysreg(intid, ICC_EOIR1_EL1);
		ping_count = ping_count + 1;
		gic_send_sgi(SGI_PONG, 0);
		return;
	case SGI_PONG:
		pong_count = pong_count + 1;
		break;
	case SGI_STOP:
		break;
	default:
		if (intid >= GIC_SPURIOUS_FIRST) {
			spurious[cpu]++;
			return;
		}
		unexpected[cpu]++;
		break;
	}
	if (intid == TIMER_VIRT_PPI)
		timer_count = timer_count + 1;
	write_sysreg(intid, ICC_EOIR1_EL1);
}

/* GICC_EOIR, then PMCCNTR_EL0 at once; iar as GICC_IAR gave it (an SGI's source CPU too). */
static inline uint64_t eoi_then_cycles_v2(uint32_t iar)
{
	uint64_t t;

	asm volatile("str	%w1, [%2]\n\t"
		     "mrs	%0, pmccntr_el0"
		     : "=&r"(t)
		     : "r"(iar), "r"(plat.gicc + GICC_EOIR)
		     : "memory");
	return t;
}

/* bench_irq on a GICv2: the memory-mapped CPU interface, EOImode 0 (lib/gicv2.c). */
void bench_irq_v2(uint64_t t1)
{
	unsigned int cpu = this_cpu();
	uint32_t iar = mmio_read32(plat.gicc + GICC_IAR);
	uint32_t intid = iar & GICC_IAR_INTID_MASK;
	uint64_t t2;

	switch (intid) {
	case UART_INTID:
		mmio_write32(plat.uart + UART_ICR, UART_INT_TX);
		t2 = eoi_then_cycles_v2(iar);
		uart_t1 = t1;
		uart_t2 = t2;
		uart_count = uart_count + 1;
		return;
	case TIMER_VIRT_PPI:
		write_sysreg(0, cntv_ctl_el0); /* the line drops */
		isb();
		break;
	case SGI_PING:
		mmio_write32(plat.gicc + GICC_EOIR, iar);
		ping_count = ping_count + 1;
		gic_send_sgi(SGI_PONG, 0);
		return;
	case SGI_PONG:
		pong_count = pong_count + 1;
		break;
	case SGI_STOP:
		break;
	default:
		if (intid >= GIC_SPURIOUS_FIRST) {
			spurious[cpu]++;
			return;
		}
		unexpected[cpu]++;
		break;
	}
	if (intid == TIMER_VIRT_PPI)
		timer_count = timer_count + 1;
	mmio_write32(plat.gicc + GICC_EOIR, iar);
}

/* ---- skiff's counters (include/skiff/hvc.h); every read is an HVC exit itself */
#define NR_VCPUS 2
#define NR_COST SKIFF_EXIT_MAINT /* EL2 cost is kept for IRQ .. OTHER */
#define NR_SPI 4		 /* SKIFF_CNT_SPI_TAKEN .. SKIFF_CNT_SPI_UNMASKED */

struct snap {
	int64_t exits[NR_VCPUS][SKIFF_EXIT_COUNT];
	int64_t cost[NR_VCPUS][NR_COST];
	int64_t spi[NR_SPI];
};

static unsigned int nr_vcpus(void)
{
	return plat.ncpus < NR_VCPUS ? plat.ncpus : NR_VCPUS;
}

static void snap(struct snap *s)
{
	unsigned int v, i;

	memset(s, 0, sizeof(*s));
	if (!plat.skiff)
		return;
	for (v = 0; v < nr_vcpus(); v++) {
		for (i = 0; i < SKIFF_EXIT_COUNT; i++)
			s->exits[v][i] = skiff_counter(SKIFF_CNT_VCPU_EXITS + i, v);
		for (i = 0; i < NR_COST; i++)
			s->cost[v][i] = skiff_counter(SKIFF_CNT_VCPU_EL2_COST + i, v);
	}
	for (i = 0; i < NR_SPI; i++)
		s->spi[i] = skiff_counter(i, UART_INTID);
}

static int64_t d_exits(const struct snap *a, const struct snap *b, unsigned int v, unsigned int r)
{
	return b->exits[v][r] - a->exits[v][r];
}

static int64_t d_cost(const struct snap *a, const struct snap *b, unsigned int v, unsigned int r)
{
	return b->cost[v][r] - a->cost[v][r];
}

static int64_t d_spi(const struct snap *a, const struct snap *b, unsigned int id)
{
	return b->spi[id] - a->spi[id];
}

static void out(const char *key, int64_t val)
{
	printk("bench: %s %lld\n", key, (long long)val);
}

static void out_exits(const char *what, const struct snap *a, const struct snap *b)
{
	static const char *const reason[SKIFF_EXIT_COUNT] = { "irq",	"mmio",	 "hvc",	   "smc",
							      "sysreg", "abort", "undef",  "other",
							      "maint",	"kick",	 "foreign" };
	char key[64];
	unsigned int v, i;

	if (!plat.skiff)
		return;
	for (v = 0; v < nr_vcpus(); v++) {
		for (i = 0; i < SKIFF_EXIT_COUNT; i++) {
			if (i == SKIFF_EXIT_HVC)
				continue; /* the counter reads themselves */
			fmt_snprintf(key, sizeof(key), "%s.vcpu%u.exits.%s", what, v, reason[i]);
			out(key, d_exits(a, b, v, i));
		}
		for (i = 0; i < NR_COST; i++) {
			if (i == SKIFF_EXIT_HVC)
				continue;
			fmt_snprintf(key, sizeof(key), "%s.vcpu%u.el2.%s", what, v, reason[i]);
			out(key, d_cost(a, b, v, i));
		}
	}
}

/* ---- statistics: median and 99th percentile (nearest rank) of n values */
struct stats {
	uint64_t median, p99, min, max;
};

static void sort(uint64_t *v, unsigned int n)
{
	unsigned int gap, i, j;

	for (gap = n / 2; gap > 0; gap /= 2)
		for (i = gap; i < n; i++) {
			uint64_t x = v[i];

			for (j = i; j >= gap && v[j - gap] > x; j -= gap)
				v[j] = v[j - gap];
			v[j] = x;
		}
}

static uint64_t scratch[N_LAT > K_TRAP ? N_LAT : K_TRAP];

static struct stats stats_of(const uint64_t *v, unsigned int n)
{
	struct stats s = { 0, 0, 0, 0 };

	if (!n)
		return s;
	memcpy(scratch, v, n * sizeof(*v));
	sort(scratch, n);
	s.median = scratch[(n - 1) / 2];
	s.p99 = scratch[(99 * n + 99) / 100 - 1];
	s.min = scratch[0];
	s.max = scratch[n - 1];
	return s;
}

static void out_stats(const char *what, const struct stats *s)
{
	printk("bench: %s.median %llu\nbench: %s.p99 %llu\nbench: %s.min %llu\nbench: %s.max "
	       "%llu\n",
	       what, (unsigned long long)s->median, what, (unsigned long long)s->p99, what,
	       (unsigned long long)s->min, what, (unsigned long long)s->max);
}

/* ---- 1. calibration */
static uint64_t calib_loop(void)
{
	uint64_t t0, t1, n;

	/* the calibration loop of bench/README.md: MOV, 100 x (SUBS, B.NE), and one of the two
	 * reads */
	asm volatile("mrs	%0, pmccntr_el0\n\t"
		     "mov	%2, %3\n"
		     "1:	subs	%2, %2, #1\n\t"
		     "b.ne	1b\n\t"
		     "mrs	%1, pmccntr_el0"
		     : "=&r"(t0), "=&r"(t1), "=&r"(n)
		     : "i"(CALIB_LOOPS)
		     : "cc");
	return t1 - t0;
}

static uint64_t read_overhead(void)
{
	uint64_t t0, t1;

	asm volatile("mrs	%0, pmccntr_el0\n\t"
		     "mrs	%1, pmccntr_el0"
		     : "=&r"(t0), "=&r"(t1));
	return t1 - t0;
}

static void test_calibration(void)
{
	uint64_t loop = calib_loop(), ovh = read_overhead();

	out("calib.loop100", (int64_t)loop);
	out("calib.read_overhead", (int64_t)ovh);
	tap_ok(loop == CALIB_EXPECT,
	       "PMCCNTR_EL0 counts instructions: a %u-iteration loop reads %llu (want %u: run "
	       "QEMU with -icount shift=0,sleep=off)",
	       CALIB_LOOPS, (unsigned long long)loop, CALIB_EXPECT);
}

/* ---- 2, 3. the PL011's TX interrupt */
static uint64_t lat[N_LAT], rt[N_LAT];

static void uart_tx_irq(bool on)
{
	mmio_write32(plat.uart + UART_ICR, UART_INT_ALL);
	mmio_write32(plat.uart + UART_IMSC, on ? (uint32_t)UART_INT_TX : 0);
}

/*
 * One raise: t0 is read just before the UARTDR store; IRQs are open only in here. Waits at
 * most SPIN_BUDGET loops for the handler to count it; false if it did not.
 */
static bool uart_cycle(uint32_t want, uint64_t *t0)
{
	uint64_t start, budget = SPIN_BUDGET;
	uint32_t seen;

	asm volatile("msr	daifclr, #2\n\t"
		     "mrs	%[t0], pmccntr_el0\n\t"
		     "str	%w[ch], [%[dr]]\n"
		     "1:	ldr	%w[seen], [%[cnt]]\n\t"
		     "cmp	%w[seen], %w[want]\n\t"
		     "b.eq	2f\n\t"
		     "subs	%[budget], %[budget], #1\n\t"
		     "b.ne	1b\n"
		     "2:	msr	daifset, #2"
		     : [t0] "=&r"(start), [seen] "=&r"(seen), [budget] "+r"(budget)
		     : [ch] "r"((uint32_t)RAISE_CHAR), [dr] "r"(plat.uart + UART_DR),
		       [cnt] "r"(&uart_count), [want] "r"(want)
		     : "x17", "cc", "memory");
	*t0 = start;
	return seen == want;
}

/* n raises back to back; returns the instructions they took, 0 if one was lost. */
static uint64_t uart_burst(uint32_t n)
{
	uint64_t t0, t1, budget = SPIN_BUDGET;
	uint32_t want = uart_count + 1, last = uart_count + n, seen;

	asm volatile("msr	daifclr, #2\n\t"
		     "mrs	%[t0], pmccntr_el0\n"
		     "1:	str	%w[ch], [%[dr]]\n"
		     "2:	ldr	%w[seen], [%[cnt]]\n\t"
		     "cmp	%w[seen], %w[want]\n\t"
		     "b.eq	3f\n\t"
		     "subs	%[budget], %[budget], #1\n\t"
		     "b.ne	2b\n\t"
		     "b	4f\n"
		     "3:	add	%w[want], %w[want], #1\n\t"
		     "cmp	%w[want], %w[last]\n\t"
		     "b.ls	1b\n"
		     "4:	mrs	%[t1], pmccntr_el0\n\t"
		     "msr	daifset, #2"
		     : [t0] "=&r"(t0), [t1] "=&r"(t1), [seen] "=&r"(seen), [budget] "+r"(budget),
		       [want] "+r"(want)
		     : [ch] "r"((uint32_t)RAISE_CHAR), [dr] "r"(plat.uart + UART_DR),
		       [cnt] "r"(&uart_count), [last] "r"(last)
		     : "x17", "cc", "memory");
	return budget ? t1 - t0 : 0;
}

static void uart_setup(void)
{
	uart_tx_irq(false);
	gic_set_priority(UART_INTID, PRIO_BENCH);
	gic_set_edge(UART_INTID, false);
	gic_set_route(UART_INTID, plat.mpidr[0]);
	gic_enable(UART_INTID);
}

static bool is_skiff_mode(void)
{
	return mode == M_HW || mode == M_EOI || mode == M_ONESHOT;
}

/* Under skiff: its counters over the N_LAT interrupts, as figures and checked against the mode. */
static void check_uart_counters(const struct snap *a, const struct snap *b)
{
	int64_t taken, injected, maint, unmasked, irq_exits, maint_exits, want_exits, want_maint;

	if (!plat.skiff) {
		tap_skip_native("skiff's counters for SPI 33");
		return;
	}
	taken = d_spi(a, b, SKIFF_CNT_SPI_TAKEN);
	injected = d_spi(a, b, SKIFF_CNT_SPI_INJECTED);
	maint = d_spi(a, b, SKIFF_CNT_SPI_MAINT);
	unmasked = d_spi(a, b, SKIFF_CNT_SPI_UNMASKED);
	out("uart.spi.taken", taken);
	out("uart.spi.injected", injected);
	out("uart.spi.maint", maint);
	out("uart.spi.unmasked", unmasked);
	out_exits("uart", a, b);
	irq_exits = d_exits(a, b, 0, SKIFF_EXIT_IRQ);
	maint_exits = d_exits(a, b, 0, SKIFF_EXIT_MAINT);
	/* hw mode without HW=1 LRs: the maintenance exit deactivates, SPI_MAINT counts none */
	want_exits = mode == M_HW && hw_lrs ? N_LAT : 2 * N_LAT;
	want_maint = mode == M_HW ? 0 : N_LAT;
	tap_ok(is_skiff_mode() && taken == N_LAT && injected == N_LAT && irq_exits == want_exits &&
		       maint_exits == want_exits - N_LAT && maint == want_maint &&
		       unmasked == (mode == M_ONESHOT ? N_LAT : 0) &&
		       d_cost(a, b, 0, SKIFF_EXIT_IRQ) > 0,
	       "%s: skiff took and injected SPI 33 %lld/%lld times for %u interrupts, %lld IRQ "
	       "exits (want %lld), %lld maintenance (%lld for SPI 33), %lld unmasks, EL2 cost %lld",
	       mode_names[mode], (long long)taken, (long long)injected, N_LAT, (long long)irq_exits,
	       (long long)want_exits, (long long)maint_exits, (long long)maint, (long long)unmasked,
	       (long long)d_cost(a, b, 0, SKIFF_EXIT_IRQ));
}

static void test_uart(void)
{
	struct snap a, b;
	struct stats sl, sr;
	unsigned int i, lost = 0, bad = 0;
	uint64_t t0, insns;

	uart_setup();
	printk("# uart: warm-up, latency and round trip, one '%c' per raise: ", RAISE_CHAR);
	uart_count = 0;
	uart_tx_irq(true);
	for (i = 0; i < N_WARMUP; i++)
		if (!uart_cycle(uart_count + 1, &t0))
			lost++;
	snap(&a);
	for (i = 0; i < N_LAT; i++) {
		if (!uart_cycle(uart_count + 1, &t0)) {
			lost++;
			continue;
		}
		if (uart_t1 <= t0 || uart_t2 <= uart_t1)
			bad++;
		lat[i] = uart_t1 - t0;
		rt[i] = uart_t2 - t0;
	}
	snap(&b);
	uart_tx_irq(false);
	printk("\n");

	sl = stats_of(lat, N_LAT);
	sr = stats_of(rt, N_LAT);
	out("uart.n", N_LAT);
	out_stats("uart.latency", &sl);
	out_stats("uart.roundtrip", &sr);
	tap_ok(!lost && !bad && uart_count == N_WARMUP + N_LAT && !spurious[0] && !unexpected[0],
	       "PL011 TX interrupt: %u raises, %u handled, %u lost, %u out of order, %u spurious, "
	       "%u unexpected",
	       N_WARMUP + N_LAT, uart_count, lost, bad, spurious[0], unexpected[0]);
	tap_ok(sl.median > 0 && sl.median < (plat.skiff ? SKIFF_LAT_MAX : NATIVE_LAT_MAX) &&
		       sr.median > sl.median && sl.max < SKIFF_LAT_MAX,
	       "latency median %llu (0 < it < %u), round trip median %llu > latency",
	       (unsigned long long)sl.median, plat.skiff ? SKIFF_LAT_MAX : NATIVE_LAT_MAX,
	       (unsigned long long)sr.median);

	check_uart_counters(&a, &b);

	printk("# uart: throughput, %u raises back to back: ", N_TPUT);
	uart_tx_irq(true);
	insns = uart_burst(N_TPUT);
	uart_tx_irq(false);
	printk("\n");
	out("uart.tput.n", N_TPUT);
	out("uart.tput.insns", (int64_t)insns);
	tap_ok(insns > N_TPUT && insns < (uint64_t)N_TPUT * SKIFF_LAT_MAX * 2,
	       "throughput: %u interrupts in %llu instructions", N_TPUT, (unsigned long long)insns);
}

/* ---- 4. other traps */
static uint64_t samples[K_TRAP], samples2[K_TRAP];

/* EL2 cost per exit of one reason and vCPU: counters read before and after, in that order. */
struct cost_probe {
	unsigned int vcpu, reason;
	int64_t cost0, exits0, cost1, exits1;
};

static void probe_begin(struct cost_probe *p, unsigned int vcpu, unsigned int reason)
{
	p->vcpu = vcpu;
	p->reason = reason;
	p->cost0 = skiff_counter(SKIFF_CNT_VCPU_EL2_COST + reason, vcpu);
	p->exits0 = skiff_counter(SKIFF_CNT_VCPU_EXITS + reason, vcpu);
}

static void probe_end(struct cost_probe *p)
{
	p->cost1 = skiff_counter(SKIFF_CNT_VCPU_EL2_COST + p->reason, p->vcpu);
	p->exits1 = skiff_counter(SKIFF_CNT_VCPU_EXITS + p->reason, p->vcpu);
}

/*
 * For HVC the four reads are HVC exits too. A read returns the count before its own cost is
 * added but after its exit is counted: an empty probe (cal) holds exactly what the reads add
 * to the cost and to the exits, the same in every probe, and is subtracted.
 */
static void out_probe(const char *what, const struct cost_probe *p, const struct cost_probe *cal)
{
	char key[64];
	int64_t cost = p->cost1 - p->cost0, exits = p->exits1 - p->exits0;

	if (!plat.skiff)
		return;
	if (cal) {
		cost -= cal->cost1 - cal->cost0;
		exits -= cal->exits1 - cal->exits0;
	}
	fmt_snprintf(key, sizeof(key), "%s.el2", what);
	out(key, cost);
	fmt_snprintf(key, sizeof(key), "%s.exits", what);
	out(key, exits);
}

static int64_t probe_exits(const struct cost_probe *p, const struct cost_probe *cal)
{
	return p->exits1 - p->exits0 - (cal ? cal->exits1 - cal->exits0 : 0);
}

static void out_samples(const char *what, const uint64_t *v, unsigned int n)
{
	struct stats s = stats_of(v, n);
	char key[64];

	fmt_snprintf(key, sizeof(key), "%s.guest", what);
	out_stats(key, &s);
}

static inline uint64_t timed_write32(uintptr_t addr, uint32_t v)
{
	uint64_t t0, t1;

	asm volatile("mrs	%0, pmccntr_el0\n\t"
		     "str	%w2, [%3]\n\t"
		     "mrs	%1, pmccntr_el0"
		     : "=&r"(t0), "=&r"(t1)
		     : "r"(v), "r"(addr)
		     : "memory");
	return t1 - t0;
}

static inline uint64_t timed_write8(uintptr_t addr, uint8_t v)
{
	uint64_t t0, t1;

	asm volatile("mrs	%0, pmccntr_el0\n\t"
		     "strb	%w2, [%3]\n\t"
		     "mrs	%1, pmccntr_el0"
		     : "=&r"(t0), "=&r"(t1)
		     : "r"((uint32_t)v), "r"(addr)
		     : "memory");
	return t1 - t0;
}

static void test_gicd_writes(void)
{
	struct cost_probe pe = { 0 }, pp = { 0 };
	unsigned int i;
	uintptr_t isen = plat.gicd + GICD_ISENABLER + (UART_INTID / 32) * 4;
	uintptr_t prio = plat.gicd + GICD_IPRIORITYR + UART_INTID;
	bool ok = true;

	if (plat.skiff)
		probe_begin(&pe, 0, SKIFF_EXIT_MMIO);
	for (i = 0; i < K_TRAP; i++)
		samples[i] = timed_write32(isen, 1U << (UART_INTID % 32));
	if (plat.skiff)
		probe_end(&pe);
	out_samples("gicd_isenabler", samples, K_TRAP);
	out_probe("gicd_isenabler", &pe, NULL);

	if (plat.skiff)
		probe_begin(&pp, 0, SKIFF_EXIT_MMIO);
	for (i = 0; i < K_TRAP; i++)
		samples[i] = timed_write8(prio, PRIO_BENCH);
	if (plat.skiff)
		probe_end(&pp);
	out_samples("gicd_ipriorityr", samples, K_TRAP);
	out_probe("gicd_ipriorityr", &pp, NULL);

	ok = gic_is_enabled(UART_INTID) && gic_get_priority(UART_INTID) == PRIO_BENCH;
	if (plat.skiff)
		ok = ok && probe_exits(&pe, NULL) == K_TRAP && probe_exits(&pp, NULL) == K_TRAP &&
		     pe.cost1 > pe.cost0 && pp.cost1 > pp.cost0;
	tap_ok(ok,
	       "GICD writes of SPI 33: %u ISENABLER, %u IPRIORITYR, each one MMIO exit under skiff "
	       "(%lld, %lld)",
	       K_TRAP, K_TRAP, plat.skiff ? (long long)probe_exits(&pe, NULL) : 0LL,
	       plat.skiff ? (long long)probe_exits(&pp, NULL) : 0LL);
}

static inline uint64_t timed_psci_version(int64_t *ret)
{
	register uint64_t x0 asm("x0") = PSCI_VERSION;
	uint64_t t0, t1;

	asm volatile("mrs	%1, pmccntr_el0\n\t"
		     "hvc	#0\n\t"
		     "mrs	%2, pmccntr_el0"
		     : "+r"(x0), "=&r"(t0), "=&r"(t1)
		     :
		     : "x1", "x2", "x3", "memory");
	*ret = (int64_t)x0;
	return t1 - t0;
}

static void test_psci(void)
{
	struct cost_probe cal = { 0 }, p = { 0 };
	unsigned int i;
	int64_t ret = 0;
	bool ok = true;

	if (plat.skiff) {
		probe_begin(&cal, 0, SKIFF_EXIT_HVC);
		probe_end(&cal);
		probe_begin(&p, 0, SKIFF_EXIT_HVC);
	}
	for (i = 0; i < K_TRAP; i++) {
		samples[i] = timed_psci_version(&ret);
		ok = ok && ret >= PSCI_VERSION_1_0;
	}
	if (plat.skiff)
		probe_end(&p);
	out_samples("psci_version", samples, K_TRAP);
	out_probe("psci_version", &p, &cal);
	if (plat.skiff)
		ok = ok && probe_exits(&p, &cal) == K_TRAP;
	tap_ok(ok, "PSCI_VERSION over HVC %u times: 0x%llx%s", K_TRAP, (unsigned long long)ret,
	       plat.skiff ? ", one HVC exit each" : "");
}

static void test_vtimer(void)
{
	struct cost_probe p = { 0 };
	unsigned int i, lost = 0;

	gic_set_priority(TIMER_VIRT_PPI, PRIO_BENCH);
	gic_enable(TIMER_VIRT_PPI);
	timer_count = 0;
	if (plat.skiff)
		probe_begin(&p, 0, SKIFF_EXIT_IRQ);
	for (i = 0; i < K_TRAP; i++) {
		uint64_t budget = SPIN_BUDGET;
		uint32_t seen, want = i + 1;

		write_sysreg(TIMER_TICKS, cntv_tval_el0);
		write_sysreg(CNT_CTL_ENABLE, cntv_ctl_el0);
		isb();
		asm volatile("msr	daifclr, #2\n"
			     "1:	ldr	%w[seen], [%[cnt]]\n\t"
			     "cmp	%w[seen], %w[want]\n\t"
			     "b.eq	2f\n\t"
			     "subs	%[budget], %[budget], #1\n\t"
			     "b.ne	1b\n"
			     "2:	msr	daifset, #2"
			     : [seen] "=&r"(seen), [budget] "+r"(budget)
			     : [cnt] "r"(&timer_count), [want] "r"(want)
			     : "x17", "cc", "memory");
		if (seen != want) {
			lost++;
			write_sysreg(0, cntv_ctl_el0);
			isb();
		}
	}
	if (plat.skiff)
		probe_end(&p);
	gic_disable(TIMER_VIRT_PPI);
	out_probe("vtimer", &p, NULL);
	out("vtimer.n", K_TRAP);
	/* hardware-linked: without HW=1 LRs each tick ends in a maintenance exit as well */
	tap_ok(!lost && timer_count == K_TRAP &&
		       (!plat.skiff || probe_exits(&p, NULL) == (hw_lrs ? 1 : 2) * K_TRAP),
	       "virtual timer: %u interrupts, %u handled%s", K_TRAP, timer_count,
	       !plat.skiff ? ""
	       : hw_lrs	   ? ", one IRQ exit each"
			   : ", two IRQ exits each (the tick, the maintenance interrupt)");
}

/* ---- SGI ping-pong between vCPU 0 and vCPU 1; both wait with WFI (see bench/README.md) */
static void wait_flag_wfi(volatile uint32_t *flag, uint32_t want)
{
	uint32_t seen;

	/* masked check, WFI, then unmask to take what woke us: no lost wake-up */
	asm volatile("1:	msr	daifset, #2\n\t"
		     "ldr	%w[seen], [%[p]]\n\t"
		     "cmp	%w[seen], %w[want]\n\t"
		     "b.hs	2f\n\t"
		     "wfi\n\t"
		     "msr	daifclr, #2\n\t"
		     "b	1b\n"
		     "2:"
		     : [seen] "=&r"(seen)
		     : [p] "r"(flag), [want] "r"(want)
		     : "x17", "cc", "memory");
}

static void cpu1_main(uint64_t ctx)
{
	(void)ctx;
	set_vectors();
	pmu_enable();
	gic_set_priority(SGI_PING, PRIO_BENCH);
	wait_flag_wfi(&cpu1_stop, 1);
}

static inline uint64_t timed_sgi1r(uint64_t val)
{
	uint64_t t0, t1;

	asm volatile("mrs	%0, pmccntr_el0\n\t"
		     "msr	" __stringify(ICC_SGI1R_EL1) ", %2\n\t"
							     "mrs	%1, pmccntr_el0"
		     : "=&r"(t0), "=&r"(t1)
		     : "r"(val)
		     : "memory");
	return t1 - t0;
}

static void test_sgi(void)
{
	struct cost_probe ps = { 0 }, pt = { 0 };
	struct snap a, b;
	uint64_t sgi1r;
	uint32_t sgir;
	uintptr_t sgir_addr = plat.gicd + GICD_SGIR;
	unsigned int i;
	bool up, v2 = gic_is_v2();

	gic_set_priority(SGI_PONG, PRIO_BENCH);
	ping_count = pong_count = 0;
	up = plat.ncpus >= 2 && cpu_start(1, cpu1_main, 0) == PSCI_RET_SUCCESS &&
	     wait_until(READ_ONCE(cpu_online[1]), 2000000);
	if (!up) {
		tap_ok(false, "SGI ping-pong: vCPU 1 did not start (run with -smp 2)");
		return;
	}
	udelay(1000); /* vCPU 1 reaches its WFI */
	sgi1r = ((uint64_t)SGI_PING << ICC_SGI1R_INTID_SHIFT) |
		(MPIDR_AFF1(plat.mpidr[1]) << ICC_SGI1R_AFF1_SHIFT) |
		(MPIDR_AFF2(plat.mpidr[1]) << ICC_SGI1R_AFF2_SHIFT) |
		(MPIDR_AFF3(plat.mpidr[1]) << ICC_SGI1R_AFF3_SHIFT) |
		(1UL << (MPIDR_AFF0(plat.mpidr[1]) & 0xf));
	sgir = (uint32_t)gicv2_cpu_mask(1) << GICD_SGIR_TARGET_SHIFT | SGI_PING; /* GICv2 */
	/* one round first: vCPU 1's first interrupt is not part of the figures */
	if (v2)
		gicv2_write_sgir(sgir);
	else
		gic_write_sgi1r(sgi1r);
	wait_flag_wfi(&pong_count, 1);
	snap(&a);
	if (plat.skiff) {
		/* the sender's trap: ICC_SGI1R_EL1 a SYSREG exit, GICD_SGIR an MMIO one */
		probe_begin(&ps, 0, v2 ? SKIFF_EXIT_MMIO : SKIFF_EXIT_SYSREG);
		probe_begin(&pt, 1, SKIFF_EXIT_IRQ);
	}
	if (v2) {
		for (i = 0; i < K_TRAP; i++) {
			uint64_t t0 = cycles(), t1;

			samples[i] = timed_write32(sgir_addr, sgir);
			wait_flag_wfi(&pong_count, i + 2);
			t1 = cycles();
			samples2[i] = t1 - t0;
		}
	} else {
		for (i = 0; i < K_TRAP; i++) {
			uint64_t t0 = cycles(), t1;

			samples[i] = timed_sgi1r(sgi1r);
			wait_flag_wfi(&pong_count, i + 2);
			t1 = cycles();
			samples2[i] = t1 - t0;
		}
	}
	if (plat.skiff) {
		probe_end(&ps);
		probe_end(&pt);
	}
	snap(&b);
	out_samples("sgi_send", samples, K_TRAP);
	out_samples("sgi_pingpong", samples2, K_TRAP);
	out_probe("sgi_send", &ps, NULL);
	out_probe("sgi_target", &pt, NULL);
	out_exits("sgi", &a, &b);
	cpu1_stop = 1;
	gic_send_sgi(SGI_STOP, 1); /* wakes vCPU 1 to see the flag */
	wait_until(!READ_ONCE(cpu_online[1]), 2000000);
	tap_ok(ping_count == K_TRAP + 1 && pong_count == K_TRAP + 1 && !unexpected[1] &&
		       (!plat.skiff ||
			(probe_exits(&ps, NULL) == K_TRAP && probe_exits(&pt, NULL) >= K_TRAP)),
	       "SGI ping-pong with vCPU 1: %u pings, %u pongs (want %u)%s", ping_count, pong_count,
	       K_TRAP + 1,
	       !plat.skiff ? ""
	       : v2	   ? ", one MMIO exit (GICD_SGIR) per ping, an IRQ exit on vCPU 1"
			   : ", one SYSREG exit per ping, an IRQ exit on vCPU 1");
}

static void read_mode(void)
{
	char m[16] = "", h[4] = "";
	unsigned int i;

	bootarg("mode", m, sizeof(m));
	for (i = M_NATIVE; i < M_UNKNOWN; i++)
		if (strcmp(m, mode_names[i]) == 0)
			mode = (enum mode)i;
	printk("bench: mode %s\n", mode_names[mode]);
	if (bootarg("hwlr", h, sizeof(h)))
		hw_lrs = strcmp(h, "0") != 0;
	printk("bench: gic.version %u\nbench: hwlr %u\n", plat.gic_version, hw_lrs ? 1U : 0U);
	tap_ok(mode != M_UNKNOWN && (mode == M_NATIVE) == !plat.skiff,
	       "mode=%s on the command line, and the guest runs %s", m,
	       plat.skiff ? "under skiff" : "natively");
}

void guest_main(void)
{
	tap_plan(NR_TESTS);
	set_vectors();
	pmu_enable();
	read_mode();
	test_calibration();
	test_uart();
	test_gicd_writes();
	test_psci();
	test_vtimer();
	test_sgi();
}
