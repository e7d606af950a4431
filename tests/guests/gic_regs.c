/*
 * gic_regs.c - test guest: GICv3 discovery and register semantics as an OS sees them.
 * Distributor CTLR/TYPER/PIDR2, the redistributor walk (one frame per CPU, Last on the
 * last), the WAKER handshake both ways, set/clear round trips of enable, pending and active
 * for SGIs, PPIs and an SPI, IPRIORITYR byte writes masked to the implemented bits,
 * ICFGR0 (SGIs are edge), IROUTER written as two 32-bit halves, writes to another vCPU's
 * redistributor landing there, and under skiff an SPI the guest does not own reading as
 * zero. IRQs stay masked throughout: nothing is delivered.
 */
#include "tests/guests/lib/gic.h"
#include "tests/guests/lib/guest.h"
#include "tests/guests/lib/tap.h"
#include "tests/guests/lib/timer.h"

#define NR_TESTS 24
#define TEST_SPI 132	/* skiff's doorbell SPI: owned by the guest under skiff */
#define FOREIGN_SPI 200 /* an SPI skiff does not give this guest */
#define MIN_ITLINES 6	/* INTIDs up to 223: FOREIGN_SPI and TEST_SPI exist */
#define MIN_PRIO_BITS 4 /* IHI 0069: at least 16 priority levels */
#define WAKER_TIMEOUT_US 100000
#define SGI_MASK 0x0000ffffU
#define PPI_MASK (1U << TIMER_VIRT_PPI | 1U << TIMER_PHYS_PPI)
#define ICFGR0_ALL_EDGE 0xaaaaaaaaU
#define PATTERN_ENABLE 0x5a5aU /* which SGIs a round trip sets */
#define PATTERN_PENDING 0x00a5U
#define PATTERN_ACTIVE 0x0a50U
#define PRIO_ALL_ONES 0xff /* reads back as the implemented bits */
#define PRIO_PATTERN 0xa5
#define PRIO_NEIGHBOURS 0x40404040U
#define PRIO_OTHER 0x30 /* written to another vCPU's redistributor */
#define PRIO_FOREIGN 0x80
#define OTHER_SGI 2

const char guest_name[] = "gic_regs";

static unsigned int popcount8(uint8_t v)
{
	unsigned int n = 0;

	for (; v; v &= (uint8_t)(v - 1))
		n++;
	return n;
}

/*
 * Set/clear round trip on one pair of registers (ISxxx at set, ICxxx at clear) restricted
 * to mask: clear all, set pattern, both registers read pattern, clear part, both read the
 * rest, clear all. Returns true if every read matched; says which did not.
 */
static bool round_trip(const char *what, uintptr_t set, uintptr_t clear, uint32_t mask,
		       uint32_t pattern, bool rwp_redist)
{
	uint32_t part = pattern & (pattern << 1 | 0x1U) & mask;
	uint32_t got_s, got_c;
	bool ok = true;

	pattern &= mask;
	if (!part)
		part = pattern & (0U - pattern); /* lowest set bit */
	mmio_write32(clear, mask);
	if (rwp_redist)
		gic_redist_wait_rwp();
	else
		gic_dist_wait_rwp();
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
	if (rwp_redist)
		gic_redist_wait_rwp();
	else
		gic_dist_wait_rwp();
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
	uint32_t ctlr = mmio_read32(plat.gicd + GICD_CTLR);
	uint32_t typer = mmio_read32(plat.gicd + GICD_TYPER);
	uint32_t pidr2 = mmio_read32(plat.gicd + GICD_PIDR2);
	unsigned int lines = typer & GICD_TYPER_ITLINES_MASK;

	tap_ok((ctlr & GICD_CTLR_ARE_NS) && (ctlr & GICD_CTLR_ENABLE_G1A),
	       "GICD_CTLR: ARE and group 1 enabled after set-up (0x%08x)", ctlr);
	tap_ok(lines >= MIN_ITLINES, "GICD_TYPER.ITLinesNumber %u >= %u (%u INTIDs)", lines,
	       MIN_ITLINES, 32 * (lines + 1));
	tap_ok(((pidr2 >> GIC_PIDR2_ARCHREV_SHIFT) & GIC_PIDR2_ARCHREV_MASK) ==
		       GIC_PIDR2_ARCHREV_GICV3,
	       "GICD_PIDR2.ArchRev is 3 (0x%08x)", pidr2);
}

static void test_redistributors(void)
{
	uintptr_t base = plat.gicr;
	uintptr_t end = plat.gicr + plat.gicr_size;
	unsigned int found = 0;
	bool ok = true, last_seen = false;
	uint32_t pidr2 = mmio_read32(gic_rd_base() + GICR_PIDR2);

	while (base < end && found <= GUEST_MAX_CPUS) {
		uint64_t typer = mmio_read64(base + GICR_TYPER);
		uint32_t aff = (uint32_t)(typer >> GICR_TYPER_AFF_SHIFT);
		bool last = typer & GICR_TYPER_LAST;

		if (found < plat.ncpus && aff != mpidr_to_gicr_aff(plat.mpidr[found])) {
			tap_diag("redistributor %u at 0x%lx: affinity 0x%08x, cpu%u has 0x%08x",
				 found, (unsigned long)base, aff, found,
				 mpidr_to_gicr_aff(plat.mpidr[found]));
			ok = false;
		}
		found++;
		if (last) {
			last_seen = true;
			break;
		}
		base += (typer & GICR_TYPER_VLPIS) ? GICR_STRIDE_VLPI : GICR_STRIDE;
	}
	if (found != plat.ncpus || !last_seen) {
		tap_diag("walk found %u redistributors (%s Last), the DT has %u cpus", found,
			 last_seen ? "with" : "without", plat.ncpus);
		ok = false;
	}
	tap_ok(ok, "redistributor walk: %u frames, one per vCPU in MPIDR order, Last on the last",
	       found);
	tap_ok(((pidr2 >> GIC_PIDR2_ARCHREV_SHIFT) & GIC_PIDR2_ARCHREV_MASK) ==
		       GIC_PIDR2_ARCHREV_GICV3,
	       "GICR_PIDR2.ArchRev is 3 (0x%08x)", pidr2);
}

static void test_waker(void)
{
	uintptr_t waker = gic_rd_base() + GICR_WAKER;
	uint32_t awake = mmio_read32(waker);
	bool slept, woke;

	tap_ok(!(awake & (GICR_WAKER_PROCESSOR_SLEEP | GICR_WAKER_CHILDREN_ASLEEP)),
	       "GICR_WAKER after the wake-up handshake: ProcessorSleep 0, ChildrenAsleep 0 "
	       "(0x%08x)",
	       awake);
	mmio_write32(waker, awake | GICR_WAKER_PROCESSOR_SLEEP);
	slept = wait_until(mmio_read32(waker) & GICR_WAKER_CHILDREN_ASLEEP, WAKER_TIMEOUT_US);
	mmio_write32(waker, mmio_read32(waker) & ~(uint32_t)GICR_WAKER_PROCESSOR_SLEEP);
	woke = wait_until(!(mmio_read32(waker) & GICR_WAKER_CHILDREN_ASLEEP), WAKER_TIMEOUT_US);
	tap_ok(slept && woke,
	       "GICR_WAKER: ProcessorSleep=1 gives ChildrenAsleep=1, and 0 gives 0 again");
}

static void test_round_trips(void)
{
	uintptr_t sgi = gic_sgi_base();
	uintptr_t d = plat.gicd;
	uintptr_t spi_off = (TEST_SPI / 32) * 4;
	uint32_t spi_bit = 1U << (TEST_SPI % 32);
	bool ok;

	/* All SGIs and PPIs disabled first, so that nothing pending becomes deliverable. */
	ok = round_trip("SGI enable", sgi + GICR_ISENABLER0, sgi + GICR_ICENABLER0, SGI_MASK,
			PATTERN_ENABLE, true);
	tap_ok(ok, "SGIs: GICR_ISENABLER0/ICENABLER0 set and clear round trip");
	ok = round_trip("PPI enable", sgi + GICR_ISENABLER0, sgi + GICR_ICENABLER0, PPI_MASK,
			PPI_MASK, true);
	tap_ok(ok, "PPIs 27 and 30: enable set and clear round trip");
	ok = round_trip("SGI pending", sgi + GICR_ISPENDR0, sgi + GICR_ICPENDR0, SGI_MASK,
			PATTERN_PENDING, true);
	tap_ok(ok, "SGIs: GICR_ISPENDR0/ICPENDR0 set and clear round trip");
	ok = round_trip("PPI pending", sgi + GICR_ISPENDR0, sgi + GICR_ICPENDR0, PPI_MASK, PPI_MASK,
			true);
	tap_ok(ok, "PPIs 27 and 30: pending set and clear round trip");
	ok = round_trip("SGI active", sgi + GICR_ISACTIVER0, sgi + GICR_ICACTIVER0, SGI_MASK,
			PATTERN_ACTIVE, true);
	tap_ok(ok, "SGIs: GICR_ISACTIVER0/ICACTIVER0 set and clear round trip");
	ok = round_trip("PPI active", sgi + GICR_ISACTIVER0, sgi + GICR_ICACTIVER0, PPI_MASK,
			PPI_MASK, true);
	tap_ok(ok, "PPIs 27 and 30: active set and clear round trip");

	ok = round_trip("SPI enable", d + GICD_ISENABLER + spi_off, d + GICD_ICENABLER + spi_off,
			spi_bit, spi_bit, false);
	ok &= round_trip("SPI pending", d + GICD_ISPENDR + spi_off, d + GICD_ICPENDR + spi_off,
			 spi_bit, spi_bit, false);
	ok &= round_trip("SPI active", d + GICD_ISACTIVER + spi_off, d + GICD_ICACTIVER + spi_off,
			 spi_bit, spi_bit, false);
	tap_ok(ok, "SPI %u: enable, pending and active set and clear round trips", TEST_SPI);

	mmio_write32(sgi + GICR_ISENABLER0, SGI_MASK); /* back to the set-up state */
	gic_redist_wait_rwp();
}

/* Writes 0xff to one priority byte and checks the mask it reads back and its neighbours. */
static bool priority_bits(const char *what, uintptr_t word, unsigned int byte, uint8_t *mask)
{
	uint32_t before, after;
	uint8_t m, v;
	bool ok = true;

	mmio_write32(word, PRIO_NEIGHBOURS);
	before = mmio_read32(word);
	mmio_write8(word + byte, PRIO_ALL_ONES);
	m = mmio_read8(word + byte);
	after = mmio_read32(word);
	*mask = m;
	/* Implemented bits are the top ones: m is 0xff << k. */
	if ((uint8_t)(m | (m - 1)) != 0xff || m == 0 || popcount8(m) < MIN_PRIO_BITS) {
		tap_diag("%s: 0xff reads back 0x%02x: not %u or more top bits", what, m,
			 MIN_PRIO_BITS);
		ok = false;
	}
	if ((after & ~(0xffU << (8 * byte))) != (before & ~(0xffU << (8 * byte)))) {
		tap_diag("%s: byte write changed its neighbours: 0x%08x -> 0x%08x", what, before,
			 after);
		ok = false;
	}
	mmio_write8(word + byte, PRIO_PATTERN);
	v = mmio_read8(word + byte);
	if (v != (PRIO_PATTERN & m)) {
		tap_diag("%s: 0x%02x reads back 0x%02x, expected 0x%02x", what, PRIO_PATTERN, v,
			 PRIO_PATTERN & m);
		ok = false;
	}
	if ((mmio_read32(word) >> (8 * byte) & 0xff) != v) {
		tap_diag("%s: word read 0x%08x disagrees with byte read 0x%02x", what,
			 mmio_read32(word), v);
		ok = false;
	}
	mmio_write32(word, GIC_DEFAULT_PRIO * 0x01010101U);
	return ok;
}

static void test_priorities(void)
{
	uint8_t m_sgi = 0, m_spi = 0;
	bool ok;

	ok = priority_bits("SGI 5 priority", gic_sgi_base() + GICR_IPRIORITYR + 4, 1, &m_sgi);
	tap_ok(ok,
	       "GICR_IPRIORITYR byte write to SGI 5: reads back masked to %u bits (0x%02x), "
	       "neighbours untouched",
	       popcount8(m_sgi), m_sgi);
	ok = priority_bits("SPI priority", plat.gicd + GICD_IPRIORITYR + (TEST_SPI & ~3U),
			   TEST_SPI & 3, &m_spi);
	tap_ok(ok, "GICD_IPRIORITYR byte write to SPI %u: reads back masked to %u bits (0x%02x)",
	       TEST_SPI, popcount8(m_spi), m_spi);
}

static void test_icfgr0(void)
{
	uintptr_t reg = gic_sgi_base() + GICR_ICFGR0;
	uint32_t v0 = mmio_read32(reg);
	uint32_t v1;

	mmio_write32(reg, 0);
	gic_redist_wait_rwp();
	v1 = mmio_read32(reg);
	tap_ok(v0 == ICFGR0_ALL_EDGE && v1 == ICFGR0_ALL_EDGE,
	       "GICR_ICFGR0: every SGI reads edge-triggered (0x%08x), a write of 0 is ignored "
	       "(0x%08x)",
	       v0, v1);
}

static void test_irouter(void)
{
	uintptr_t r = plat.gicd + GICD_IROUTER + TEST_SPI * 8;
	unsigned int target = plat.ncpus > 1 ? 1 : 0;
	uint64_t want = mpidr_to_irouter(plat.mpidr[target]);
	uint64_t got, got64;
	uint32_t lo, hi;

	mmio_write64(r, 0);
	mmio_write32(r, (uint32_t)want);
	mmio_write32(r + 4, (uint32_t)(want >> 32));
	got = mmio_read64(r);
	lo = mmio_read32(r);
	hi = mmio_read32(r + 4);
	tap_ok(got == want && lo == (uint32_t)want && hi == (uint32_t)(want >> 32),
	       "GICD_IROUTER of SPI %u written as two 32-bit halves (cpu%u, 0x%llx) reads back "
	       "whole: 0x%llx (halves 0x%08x 0x%08x)",
	       TEST_SPI, target, (unsigned long long)want, (unsigned long long)got, lo, hi);

	mmio_write32(r, (uint32_t)mpidr_to_irouter(plat.mpidr[0]));
	got = mmio_read64(r);
	mmio_write64(r, want);
	got64 = mmio_read64(r);
	tap_ok(got == mpidr_to_irouter(plat.mpidr[0]) && got64 == want,
	       "GICD_IROUTER: a low-half write keeps the high half (0x%llx), a 64-bit write reads "
	       "back (0x%llx)",
	       (unsigned long long)got, (unsigned long long)got64);
	mmio_write64(r, mpidr_to_irouter(plat.mpidr[0]));
}

/*
 * Another vCPU's redistributor, written from this one (it is powered off), must change
 * that vCPU's SGI state and not ours: a trapping implementation must decode the frame.
 */
static void test_other_redist(void)
{
	uintptr_t mine = gic_sgi_base();
	uintptr_t other;
	unsigned int cpu = plat.ncpus - 1;
	uint8_t p_mine, p_other;
	uint32_t en_mine, en_other;

	other = gic_find_redist(mpidr_to_gicr_aff(plat.mpidr[cpu]));
	if (cpu == this_cpu() || !other) {
		tap_ok(false, "a second vCPU's redistributor to write (cpu%u, frame 0x%lx)", cpu,
		       (unsigned long)other);
		return;
	}
	other += GICR_SGI_OFFSET;
	mmio_write8(mine + GICR_IPRIORITYR + OTHER_SGI, GIC_DEFAULT_PRIO);
	mmio_write32(mine + GICR_ISENABLER0, 1U << OTHER_SGI);
	mmio_write8(other + GICR_IPRIORITYR + OTHER_SGI, PRIO_OTHER);
	mmio_write32(other + GICR_ICENABLER0, 1U << OTHER_SGI);
	gic_redist_wait_rwp();
	p_mine = mmio_read8(mine + GICR_IPRIORITYR + OTHER_SGI);
	p_other = mmio_read8(other + GICR_IPRIORITYR + OTHER_SGI);
	en_mine = mmio_read32(mine + GICR_ISENABLER0) & (1U << OTHER_SGI);
	en_other = mmio_read32(other + GICR_ISENABLER0) & (1U << OTHER_SGI);
	tap_ok(p_mine == GIC_DEFAULT_PRIO && p_other == PRIO_OTHER && en_mine && !en_other,
	       "writes to cpu%u's redistributor reach cpu%u, not the writer (priority 0x%02x vs "
	       "ours 0x%02x, enable %u vs ours %u)",
	       cpu, cpu, p_other, p_mine, !!en_other, !!en_mine);
	mmio_write8(other + GICR_IPRIORITYR + OTHER_SGI, GIC_DEFAULT_PRIO);
}

static void test_foreign_spi(void)
{
	uintptr_t d = plat.gicd;
	uintptr_t off = (FOREIGN_SPI / 32) * 4;
	uint32_t bit = 1U << (FOREIGN_SPI % 32);
	uint32_t en, pend, act;
	uint8_t prio;
	uint64_t route;

	if (!plat.skiff) {
		tap_skip_native("SPI %u, not owned by the guest, reads as zero after writes",
				FOREIGN_SPI);
		return;
	}
	mmio_write32(d + GICD_ISENABLER + off, bit);
	mmio_write32(d + GICD_ISPENDR + off, bit);
	mmio_write32(d + GICD_ISACTIVER + off, bit);
	mmio_write8(d + GICD_IPRIORITYR + FOREIGN_SPI, PRIO_FOREIGN);
	mmio_write64(d + GICD_IROUTER + FOREIGN_SPI * 8, mpidr_to_irouter(plat.mpidr[0]) | 1);
	en = mmio_read32(d + GICD_ISENABLER + off) & bit;
	pend = mmio_read32(d + GICD_ISPENDR + off) & bit;
	act = mmio_read32(d + GICD_ISACTIVER + off) & bit;
	prio = mmio_read8(d + GICD_IPRIORITYR + FOREIGN_SPI);
	route = mmio_read64(d + GICD_IROUTER + FOREIGN_SPI * 8);
	tap_ok(!en && !pend && !act && !prio && !route,
	       "SPI %u, not owned by the guest, reads as zero after writes (enable %u pending %u "
	       "active %u priority 0x%02x route 0x%llx)",
	       FOREIGN_SPI, !!en, !!pend, !!act, prio, (unsigned long long)route);
	mmio_write32(d + GICD_ICENABLER + off, bit);
	mmio_write32(d + GICD_ICPENDR + off, bit);
	mmio_write32(d + GICD_ICACTIVER + off, bit);
}

static void test_cpu_interface(void)
{
	uint64_t sre = read_sysreg(ICC_SRE_EL1);
	uint64_t ctlr = read_sysreg(ICC_CTLR_EL1);
	uint8_t pmr = gic_get_pmr();

	tap_ok((sre & ICC_SRE_SRE) && !(ctlr & ICC_CTLR_EOIMODE) && pmr == GIC_DEFAULT_PMR,
	       "ICC_SRE_EL1.SRE 1, ICC_CTLR_EL1.EOImode 0 (PRIbits %u), ICC_PMR_EL1 0x%02x",
	       (unsigned int)((ctlr >> ICC_CTLR_PRIBITS_SHIFT) & ICC_CTLR_PRIBITS_MASK) + 1, pmr);
}

void guest_main(void)
{
	local_irq_disable();
	tap_plan(NR_TESTS);
	tap_check_dtb();
	test_distributor();
	test_redistributors();
	test_waker();
	test_cpu_interface();
	test_round_trips();
	test_priorities();
	test_icfgr0();
	test_irouter();
	test_other_redist();
	test_foreign_spi();
	tap_ok(gic_is_enabled(0) && !gic_is_pending(0) && !gic_is_active(0),
	       "SGI 0 enabled, neither pending nor active at the end");
}
