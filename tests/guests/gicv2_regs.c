/*
 * gicv2_regs.c - test guest: a GICv2 (GIC-400) as an OS sees it, the GICv2 counterpart of
 * gic_regs. Distributor CTLR/TYPER (CPUNumber = CPUs - 1)/IIDR/ICPIDR2; set/clear round
 * trips of enable, pending and active for SGIs, PPIs and an SPI (SGI pending bits of
 * ISPENDR0 read-only: SPENDSGIR is the way); IPRIORITYR and ITARGETSR byte access (the bytes
 * of INTIDs 0..31 read-only, showing this CPU's own bit, on each vCPU; SPI bytes writable);
 * ICFGR; the banked per-CPU part seen from a second vCPU; the CPU interface's IIDR, PMR and
 * BPR, and EOImode 1 (EOI drops the priority, DIR deactivates). Under skiff an SPI the guest
 * does not own reads as zero. IRQs stay masked throughout: nothing is delivered.
 */
#include "tests/guests/lib/gic.h"
#include "tests/guests/lib/guest.h"
#include "tests/guests/lib/tap.h"
#include "tests/guests/lib/timer.h"

#define NR_TESTS 24
#define FOREIGN_SPI 200 /* an SPI skiff does not give this guest */
#define MIN_PRIO_BITS 4 /* IHI 0048: at least 16 priority levels */
#define SGI_MASK 0x0000ffffU
#define PPI_MASK (1U << TIMER_VIRT_PPI | 1U << TIMER_PHYS_PPI)
#define ICFGR0_ALL_EDGE 0xaaaaaaaaU
#define PATTERN_ACTIVE 0x0a50U
#define PRIO_ALL_ONES 0xff
#define PRIO_PATTERN 0xa5
#define PRIO_NEIGHBOURS 0x40404040U
#define PRIO_FOREIGN 0x80
#define PRIO_EOI_SGI 0x80
#define EOI_SGI 7
#define BPR_MAX 7
#define SECOND_CPU_TIMEOUT_US 2000000

const char guest_name[] = "gicv2_regs";

static unsigned int popcount8(uint8_t v)
{
	unsigned int n = 0;

	for (; v; v &= (uint8_t)(v - 1))
		n++;
	return n;
}

/* The SPI the tests write: under skiff the guest's own (its doorbell), natively the same. */
static uint32_t test_spi(void)
{
	return plat.doorbell_intid;
}

/*
 * Set/clear round trip on a register pair restricted to mask: clear all, set pattern, both
 * read pattern, clear part of it, both read the rest, clear all. Says which read was wrong.
 */
static bool round_trip(const char *what, unsigned int set_reg, unsigned int clear_reg,
		       uint32_t intid_base, uint32_t mask, uint32_t pattern)
{
	uintptr_t set = plat.gicd + set_reg + intid_base / 8;
	uintptr_t clear = plat.gicd + clear_reg + intid_base / 8;
	uint32_t part, got_s, got_c;
	bool ok = true;

	pattern &= mask;
	part = pattern & (0U - pattern); /* its lowest bit */
	mmio_write32(clear, mask);
	got_s = mmio_read32(set) & mask;
	if (got_s) {
		tap_diag("%s: after clearing 0x%08x reads 0x%08x", what, mask, got_s);
		ok = false;
	}
	mmio_write32(set, pattern);
	got_s = mmio_read32(set) & mask;
	got_c = mmio_read32(clear) & mask;
	if (got_s != pattern || got_c != pattern) {
		tap_diag("%s: set 0x%08x, reads 0x%08x (set reg) 0x%08x (clear reg)", what, pattern,
			 got_s, got_c);
		ok = false;
	}
	mmio_write32(clear, part);
	got_s = mmio_read32(set) & mask;
	got_c = mmio_read32(clear) & mask;
	if (got_s != (pattern & ~part) || got_c != (pattern & ~part)) {
		tap_diag("%s: cleared 0x%08x of 0x%08x, reads 0x%08x / 0x%08x", what, part, pattern,
			 got_s, got_c);
		ok = false;
	}
	mmio_write32(clear, mask);
	return ok;
}

static void test_distributor(void)
{
	uintptr_t d = plat.gicd;
	uint32_t ctlr = mmio_read32(d + GICD_CTLR);
	uint32_t typer = mmio_read32(d + GICD_TYPER);
	uint32_t iidr = mmio_read32(d + GICD_IIDR);
	uint32_t pidr2 = mmio_read32(d + GICD_ICPIDR2);
	unsigned int lines = typer & GICD_TYPER_ITLINES_MASK;
	unsigned int cpus = ((typer >> GICD_TYPER_CPUNUMBER_SHIFT) & GICD_TYPER_CPUNUMBER_MASK) + 1;
	uint32_t off, on, iidr2;

	mmio_write32(d + GICD_CTLR, 0);
	off = mmio_read32(d + GICD_CTLR);
	mmio_write32(d + GICD_CTLR, GICD_CTLR_ENABLE_GRP0);
	on = mmio_read32(d + GICD_CTLR);
	tap_ok(ctlr == GICD_CTLR_ENABLE_GRP0 && off == 0 && on == GICD_CTLR_ENABLE_GRP0,
	       "GICD_CTLR: 0x%08x after set-up (EnableGrp0), 0 written reads 0x%08x, 1 written "
	       "reads 0x%08x",
	       ctlr, off, on);
	tap_ok(cpus == plat.ncpus && 32 * (lines + 1) > test_spi() &&
		       32 * (lines + 1) > FOREIGN_SPI,
	       "GICD_TYPER 0x%08x: CPUNumber + 1 = %u CPUs (the tree has %u), ITLinesNumber %u "
	       "(%u INTIDs: SPIs %u and %u exist)",
	       typer, cpus, plat.ncpus, lines, 32 * (lines + 1), test_spi(), FOREIGN_SPI);
	mmio_write32(d + GICD_IIDR, ~iidr);
	iidr2 = mmio_read32(d + GICD_IIDR);
	tap_ok(iidr != 0 && iidr2 == iidr,
	       "GICD_IIDR 0x%08x (implementer 0x%03x, product 0x%02x): non-zero, read-only (0x%08x "
	       "after a write)",
	       iidr, iidr & 0xfffU, iidr >> 24, iidr2);
	tap_ok(((pidr2 >> GIC_PIDR2_ARCHREV_SHIFT) & GIC_PIDR2_ARCHREV_MASK) ==
		       GIC_PIDR2_ARCHREV_GICV2,
	       "GICD_ICPIDR2.ArchRev is 2 (0x%08x)", pidr2);
}

static void test_round_trips(void)
{
	uint32_t spi = test_spi() & ~31U;
	uint32_t spi_bit = 1U << (test_spi() % 32);
	uint32_t sgi_en, sgi_pend;
	bool ok;

	ok = round_trip("PPI enable", GICD_ISENABLER, GICD_ICENABLER, 0, PPI_MASK, PPI_MASK);
	tap_ok(ok, "PPIs 27 and 30: GICD_ISENABLER0/ICENABLER0 set and clear round trip");
	sgi_en = mmio_read32(plat.gicd + GICD_ISENABLER) & SGI_MASK;
	tap_ok(sgi_en == SGI_MASK, "SGIs: every one reads enabled after set-up (0x%04x)", sgi_en);

	ok = round_trip("PPI pending", GICD_ISPENDR, GICD_ICPENDR, 0, PPI_MASK, PPI_MASK);
	if (!ok && !plat.skiff)
		tap_skip_native(
			"PPIs 27 and 30: GICD_ISPENDR0/ICPENDR0 round trip: QEMU's GICv2 "
			"ignores ISPENDR writes for PPIs (it pends them on their SPI target, "
			"0)");
	else
		tap_ok(ok, "PPIs 27 and 30: GICD_ISPENDR0/ICPENDR0 set and clear round trip");
	mmio_write32(plat.gicd + GICD_ISPENDR, SGI_MASK);
	sgi_pend = mmio_read32(plat.gicd + GICD_ISPENDR) & SGI_MASK;
	tap_ok(sgi_pend == 0,
	       "SGIs: a write of 0xffff to GICD_ISPENDR0 pends none (reads 0x%04x): only "
	       "SPENDSGIR does",
	       sgi_pend);

	ok = round_trip("SGI active", GICD_ISACTIVER, GICD_ICACTIVER, 0, SGI_MASK, PATTERN_ACTIVE);
	ok &= round_trip("PPI active", GICD_ISACTIVER, GICD_ICACTIVER, 0, PPI_MASK, PPI_MASK);
	tap_ok(ok, "SGIs and PPIs 27, 30: GICD_ISACTIVER0/ICACTIVER0 set and clear round trips");

	ok = round_trip("SPI enable", GICD_ISENABLER, GICD_ICENABLER, spi, spi_bit, spi_bit);
	ok &= round_trip("SPI pending", GICD_ISPENDR, GICD_ICPENDR, spi, spi_bit, spi_bit);
	ok &= round_trip("SPI active", GICD_ISACTIVER, GICD_ICACTIVER, spi, spi_bit, spi_bit);
	tap_ok(ok, "SPI %u: enable, pending and active set and clear round trips", test_spi());
}

/* Writes 0xff to one priority byte and checks the mask it reads back and its neighbours. */
static bool priority_bits(const char *what, uint32_t intid, uint8_t *mask)
{
	uintptr_t word = plat.gicd + GICD_IPRIORITYR + (intid & ~3U);
	unsigned int byte = intid & 3;
	uint32_t before, after, keep = ~(0xffU << (8 * byte));
	uint8_t m, v;
	bool ok = true;

	mmio_write32(word, PRIO_NEIGHBOURS);
	before = mmio_read32(word);
	mmio_write8(word + byte, PRIO_ALL_ONES);
	m = mmio_read8(word + byte);
	after = mmio_read32(word);
	*mask = m;
	if ((uint8_t)(m | (m - 1)) != 0xff || m == 0 || popcount8(m) < MIN_PRIO_BITS) {
		tap_diag("%s: 0xff reads back 0x%02x: not %u or more top bits", what, m,
			 MIN_PRIO_BITS);
		ok = false;
	}
	if ((after & keep) != (before & keep)) {
		tap_diag("%s: byte write changed its neighbours: 0x%08x -> 0x%08x", what, before,
			 after);
		ok = false;
	}
	mmio_write8(word + byte, PRIO_PATTERN);
	v = mmio_read8(word + byte);
	if (v != (PRIO_PATTERN & m) || (mmio_read32(word) >> (8 * byte) & 0xff) != v) {
		tap_diag("%s: 0x%02x reads back 0x%02x (word 0x%08x), expected 0x%02x", what,
			 PRIO_PATTERN, v, mmio_read32(word), PRIO_PATTERN & m);
		ok = false;
	}
	mmio_write32(word, GIC_DEFAULT_PRIO * 0x01010101U);
	return ok;
}

static void test_priorities(void)
{
	uint8_t m_sgi = 0, m_spi = 0;
	bool ok;

	ok = priority_bits("SGI 5 priority", 5, &m_sgi);
	tap_ok(ok,
	       "GICD_IPRIORITYR byte write to SGI 5: reads back masked to %u bits (0x%02x), "
	       "neighbours untouched",
	       popcount8(m_sgi), m_sgi);
	ok = priority_bits("SPI priority", test_spi(), &m_spi);
	tap_ok(ok && m_spi == m_sgi,
	       "GICD_IPRIORITYR byte write to SPI %u: masked to the same %u bits (0x%02x)",
	       test_spi(), popcount8(m_spi), m_spi);
}

/*
 * The ITARGETSR bytes of INTIDs 0..31 read this CPU's own bit and ignore writes. Returns the
 * number of bytes that did not; the own bit in *own.
 */
static unsigned int private_targets(uint8_t *own)
{
	uintptr_t t = plat.gicd + GICD_ITARGETSR;
	unsigned int i, bad = 0;
	uint8_t mine = mmio_read8(t);

	mmio_write8(t + 3, 0xff);
	mmio_write8(t + TIMER_VIRT_PPI, 0);
	mmio_write32(t + 8, 0);
	for (i = 0; i < GIC_NR_PRIVATE; i++)
		if (mmio_read8(t + i) != mine)
			bad++;
	*own = mine;
	return popcount8(mine) == 1 ? bad : bad + 1;
}

static volatile uint32_t cpu1_done;
static uint8_t cpu1_own;
static unsigned int cpu1_bad;
static uint32_t cpu1_enable;
static uint8_t cpu1_prio;

/* The second vCPU: its own ITARGETSR bit, and its banked enables and priorities. */
static void second_cpu(uint64_t ctx)
{
	(void)ctx;
	cpu1_bad = private_targets(&cpu1_own);
	mmio_write32(plat.gicd + GICD_ISENABLER, 1U << TIMER_VIRT_PPI);
	mmio_write8(plat.gicd + GICD_IPRIORITYR + 2, PRIO_FOREIGN);
	cpu1_enable = mmio_read32(plat.gicd + GICD_ISENABLER);
	cpu1_prio = mmio_read8(plat.gicd + GICD_IPRIORITYR + 2);
	mmio_write32(plat.gicd + GICD_ICENABLER, 1U << TIMER_VIRT_PPI);
	__atomic_store_n(&cpu1_done, 1, __ATOMIC_RELEASE);
}

static void test_targets(void)
{
	uintptr_t t = plat.gicd + GICD_ITARGETSR + test_spi();
	uint8_t own = 0, one, all = 0, got_one, got_all;
	uint32_t before, after, keep = ~(0xffU << (8 * (test_spi() & 3)));
	unsigned int bad = private_targets(&own), cpu;
	bool started;

	tap_ok(bad == 0 && own == gicv2_cpu_mask(0),
	       "GICD_ITARGETSR bytes of INTIDs 0..31 on cpu0: all read its own bit 0x%02x, byte "
	       "and word writes ignored (%u bytes differ)",
	       own, bad);
	started = cpu_start(1, second_cpu, 0) == 0 &&
		  wait_until(__atomic_load_n(&cpu1_done, __ATOMIC_ACQUIRE), SECOND_CPU_TIMEOUT_US);
	tap_ok(started && cpu1_bad == 0 && cpu1_own != own && popcount8(cpu1_own) == 1,
	       "...and on cpu1: its own bit 0x%02x, not cpu0's (%u bytes differ)", cpu1_own,
	       cpu1_bad);
	tap_ok(started && (cpu1_enable & (1U << TIMER_VIRT_PPI)) && cpu1_prio == PRIO_FOREIGN &&
		       !gic_is_enabled(TIMER_VIRT_PPI) && gic_get_priority(2) == GIC_DEFAULT_PRIO,
	       "banked: cpu1's PPI 27 enable and SGI 2 priority (0x%02x) are its own, cpu0's stay "
	       "(enabled %d, 0x%02x)",
	       cpu1_prio, gic_is_enabled(TIMER_VIRT_PPI), gic_get_priority(2));

	one = gicv2_cpu_mask(plat.ncpus - 1);
	for (cpu = 0; cpu < plat.ncpus; cpu++)
		all |= gicv2_cpu_mask(cpu);
	mmio_write32(t - (test_spi() & 3), 0x01010101U * gicv2_cpu_mask(0));
	before = mmio_read32(t - (test_spi() & 3));
	mmio_write8(t, one);
	got_one = mmio_read8(t);
	after = mmio_read32(t - (test_spi() & 3));
	mmio_write8(t, all);
	got_all = mmio_read8(t);
	gic_set_route(test_spi(), plat.mpidr[0]);
	tap_ok(got_one == one && got_all == all && (after & keep) == (before & keep),
	       "GICD_ITARGETSR byte of SPI %u: 0x%02x reads 0x%02x, 0x%02x reads 0x%02x, "
	       "neighbours untouched",
	       test_spi(), one, got_one, all, got_all);
}

static void test_icfgr(void)
{
	uintptr_t r0 = plat.gicd + GICD_ICFGR;
	uintptr_t r = plat.gicd + GICD_ICFGR + (test_spi() / 16) * 4;
	uint32_t bit = GIC_ICFGR_EDGE << ((test_spi() % 16) * 2);
	uint32_t v0 = mmio_read32(r0), v1, edge, level;

	mmio_write32(r0, 0);
	v1 = mmio_read32(r0);
	gic_set_edge(test_spi(), true);
	edge = mmio_read32(r) & bit;
	gic_set_edge(test_spi(), false);
	level = mmio_read32(r) & bit;
	tap_ok(v0 == ICFGR0_ALL_EDGE && v1 == ICFGR0_ALL_EDGE && edge && !level,
	       "GICD_ICFGR0: SGIs edge (0x%08x), a write of 0 ignored (0x%08x); SPI %u set edge "
	       "and back to level",
	       v0, v1, test_spi());
}

static void test_foreign_spi(void)
{
	uintptr_t d = plat.gicd;
	uintptr_t off = (FOREIGN_SPI / 32) * 4;
	uint32_t bit = 1U << (FOREIGN_SPI % 32);
	uint32_t en, pend, act;
	uint8_t prio, target;

	if (!plat.skiff) {
		tap_skip_native("SPI %u, not owned by the guest, reads as zero after writes",
				FOREIGN_SPI);
		return;
	}
	mmio_write32(d + GICD_ISENABLER + off, bit);
	mmio_write32(d + GICD_ISPENDR + off, bit);
	mmio_write32(d + GICD_ISACTIVER + off, bit);
	mmio_write8(d + GICD_IPRIORITYR + FOREIGN_SPI, PRIO_FOREIGN);
	mmio_write8(d + GICD_ITARGETSR + FOREIGN_SPI, gicv2_cpu_mask(0));
	en = mmio_read32(d + GICD_ISENABLER + off) & bit;
	pend = mmio_read32(d + GICD_ISPENDR + off) & bit;
	act = mmio_read32(d + GICD_ISACTIVER + off) & bit;
	prio = mmio_read8(d + GICD_IPRIORITYR + FOREIGN_SPI);
	target = mmio_read8(d + GICD_ITARGETSR + FOREIGN_SPI);
	tap_ok(!en && !pend && !act && !prio && !target,
	       "SPI %u, not owned by the guest, reads as zero after writes (enable %u pending %u "
	       "active %u priority 0x%02x target 0x%02x)",
	       FOREIGN_SPI, !!en, !!pend, !!act, prio, target);
	mmio_write32(d + GICD_ICENABLER + off, bit);
	mmio_write32(d + GICD_ICPENDR + off, bit);
	mmio_write32(d + GICD_ICACTIVER + off, bit);
}

static void test_cpu_interface(void)
{
	uintptr_t c = plat.gicc;
	uint32_t iidr = mmio_read32(c + GICC_IIDR);
	uint32_t ctlr = mmio_read32(c + GICC_CTLR);
	uint8_t pmr_ff, pmr_0, pmr, bpr_min, bpr_max;
	unsigned int bits, want_min;

	tap_ok(((iidr >> GICC_IIDR_ARCH_SHIFT) & GICC_IIDR_ARCH_MASK) == 2 &&
		       (ctlr & (GICC_CTLR_ENABLE_GRP0 | GICC_CTLR_EOIMODE)) ==
			       GICC_CTLR_ENABLE_GRP0,
	       "GICC_IIDR 0x%08x: architecture version 2; GICC_CTLR 0x%08x: enabled, EOImode 0",
	       iidr, ctlr);
	mmio_write32(c + GICC_PMR, PRIO_ALL_ONES);
	pmr_ff = (uint8_t)mmio_read32(c + GICC_PMR);
	mmio_write32(c + GICC_PMR, 0);
	pmr_0 = (uint8_t)mmio_read32(c + GICC_PMR);
	mmio_write32(c + GICC_PMR, GIC_DEFAULT_PMR);
	pmr = (uint8_t)mmio_read32(c + GICC_PMR);
	bits = popcount8(pmr_ff);
	tap_ok((uint8_t)(pmr_ff | (pmr_ff - 1)) == 0xff && bits >= MIN_PRIO_BITS && pmr_0 == 0 &&
		       pmr == GIC_DEFAULT_PMR,
	       "GICC_PMR: 0xff reads 0x%02x (%u priority bits), 0 reads 0x%02x, 0x%02x reads back",
	       pmr_ff, bits, pmr_0, pmr);
	mmio_write32(c + GICC_BPR, BPR_MAX);
	bpr_max = (uint8_t)mmio_read32(c + GICC_BPR);
	mmio_write32(c + GICC_BPR, 0);
	bpr_min = (uint8_t)mmio_read32(c + GICC_BPR);
	/* IHI 0048B 3.3.3: the minimum is 7 - priority bits, 0 for 7 or 8 bits */
	want_min = bits >= 7 ? 0 : 7 - bits;
	tap_ok(bpr_max == BPR_MAX && bpr_min == want_min,
	       "GICC_BPR: 7 reads %u, 0 reads the minimum %u (want %u for %u priority bits)",
	       bpr_max, bpr_min, want_min, bits);
}

/* EOImode 1: the EOI drops the running priority, the interrupt stays active until DIR. */
static void test_eoimode(void)
{
	uint32_t iar;
	uint8_t rpr_acked, rpr_eoied;
	bool active_eoied, active_dir;

	gic_set_priority(EOI_SGI, PRIO_EOI_SGI);
	gic_set_eoimode(true);
	gic_send_sgi(EOI_SGI, this_cpu());
	wait_until(gic_is_pending(EOI_SGI), SECOND_CPU_TIMEOUT_US);
	iar = gic_ack(); /* IRQs masked: acknowledged here, not in a handler */
	rpr_acked = gic_get_rpr();
	gic_eoi(iar);
	rpr_eoied = gic_get_rpr();
	active_eoied = gic_is_active(EOI_SGI);
	gic_deactivate(iar);
	active_dir = gic_is_active(EOI_SGI);
	gic_set_eoimode(false);
	gic_set_priority(EOI_SGI, GIC_DEFAULT_PRIO);
	tap_ok(iar == EOI_SGI &&
		       gic_sgi_source(EOI_SGI) == (unsigned int)__builtin_ctz(gicv2_cpu_mask(0)) &&
		       rpr_acked == PRIO_EOI_SGI && rpr_eoied == 0xff && active_eoied &&
		       !active_dir && (mmio_read32(plat.gicc + GICC_CTLR) & GICC_CTLR_EOIMODE) == 0,
	       "EOImode 1: SGI %u acknowledged (IAR %u, source %u), running priority 0x%02x; "
	       "GICC_EOIR drops it (0x%02x) and leaves it active (%d); GICC_DIR deactivates (%d)",
	       EOI_SGI, iar, gic_sgi_source(EOI_SGI), rpr_acked, rpr_eoied, active_eoied,
	       active_dir);
}

void guest_main(void)
{
	local_irq_disable();
	tap_plan(NR_TESTS);
	tap_check_dtb();
	if (!gic_is_v2())
		bail_out("no GICv2 in the device tree (an arm,gic-400 or arm,cortex-a15-gic node)");
	if (plat.ncpus < 2)
		bail_out("run with -smp 2 or more: ITARGETSR and the banked registers need a "
			 "second CPU");
	test_distributor();
	test_cpu_interface();
	test_round_trips();
	test_priorities();
	test_targets();
	test_icfgr();
	test_eoimode();
	test_foreign_spi();
	tap_ok(gic_is_enabled(0) && !gic_is_pending(0) && !gic_is_active(0) &&
		       gic_get_rpr() == 0xff,
	       "SGI 0 enabled, neither pending nor active at the end; running priority idle");
}
