/*
 * gic.c - the GICv3 for the AArch32 test guests: the distributor and this CPU's
 * redistributor through MMIO (word accesses only), the CPU interface through the AArch32
 * ICC_* registers (MCR/MRC, MCRR for ICC_SGI1R), in the order tests/guests/lib/gic.c uses.
 */
#include "tests/guests/lib32/rt32.h"

#define GICD_CTLR 0x0000
#define GICD_TYPER 0x0004
#define GICD_IGROUPR 0x0080
#define GICD_ISENABLER 0x0100
#define GICD_ICENABLER 0x0180
#define GICD_ICPENDR 0x0280
#define GICD_ICACTIVER 0x0380
#define GICD_IPRIORITYR 0x0400
#define GICD_ICFGR 0x0c00
#define GICD_IROUTER 0x6000
#define GICD_CTLR_RWP (1u << 31)
#define GICD_CTLR_ARE_NS (1u << 4)
#define GICD_CTLR_G1A (1u << 1)
#define GICD_CTLR_G1 (1u << 0)
#define GICR_CTLR 0x0000
#define GICR_WAKER 0x0014
#define GICR_TYPER 0x0008
#define GICR_TYPER_LAST (1u << 4)
#define GICR_TYPER_VLPIS (1u << 1)
#define GICR_WAKER_SLEEP (1u << 1)
#define GICR_WAKER_ASLEEP (1u << 2)
#define GICR_SGI 0x10000
#define GICR_IGROUPR0 0x0080
#define GICR_ISENABLER0 0x0100
#define GICR_ICENABLER0 0x0180
#define GICR_ICPENDR0 0x0280
#define GICR_ICACTIVER0 0x0380
#define GICR_IPRIORITYR 0x0400
#define DEFAULT_PRIO 0xa0u
#define ICC_SRE_SRE 1u
#define ICC_CTLR_EOIMODE (1u << 1)
#define TIMEOUT_US 100000

static uintptr_t rd_base[RT32_MAX_CPUS];

static unsigned int nr_irqs(void)
{
	unsigned int n = ((mmio_read32(plat32.gicd + GICD_TYPER) & 0x1f) + 1) * 32;

	return n > 1020 ? 1020 : n;
}

static void dist_rwp(void)
{
	if (!wait_until(!(mmio_read32(plat32.gicd + GICD_CTLR) & GICD_CTLR_RWP), TIMEOUT_US))
		printk("# gic: GICD_CTLR.RWP stuck\n");
}

void gic32_dist_init(void)
{
	uintptr_t d = plat32.gicd;
	unsigned int i, n = nr_irqs();

	mmio_write32(d + GICD_CTLR, 0);
	dist_rwp();
	for (i = 32; i < n; i += 32) {
		mmio_write32(d + GICD_IGROUPR + i / 8, ~0u);
		mmio_write32(d + GICD_ICENABLER + i / 8, ~0u);
		mmio_write32(d + GICD_ICACTIVER + i / 8, ~0u);
		mmio_write32(d + GICD_ICPENDR + i / 8, ~0u);
	}
	for (i = 32; i < n; i += 16)
		mmio_write32(d + GICD_ICFGR + i / 4, 0);
	for (i = 32; i < n; i += 4)
		mmio_write32(d + GICD_IPRIORITYR + i, DEFAULT_PRIO * 0x01010101u);
	dist_rwp();
	mmio_write32(d + GICD_CTLR, GICD_CTLR_ARE_NS | GICD_CTLR_G1A | GICD_CTLR_G1);
	dist_rwp();
}

static uintptr_t find_redist(uint32_t mpidr)
{
	uintptr_t base = plat32.gicr, end = plat32.gicr + plat32.gicr_size;
	/* GICR_TYPER[63:32]: Aff3.Aff2.Aff1.Aff0 */
	uint32_t aff = mpidr & 0xffffff;

	while (base < end) {
		uint32_t lo = mmio_read32(base + GICR_TYPER),
			 hi = mmio_read32(base + GICR_TYPER + 4);

		if (hi == aff)
			return base;
		if (lo & GICR_TYPER_LAST)
			break;
		base += (lo & GICR_TYPER_VLPIS) ? 0x40000 : 0x20000;
	}
	return 0;
}

uintptr_t gic32_rd_base(unsigned int cpu)
{
	return cpu < RT32_MAX_CPUS ? rd_base[cpu] : 0;
}

void gic32_cpu_init(void)
{
	unsigned int cpu = this_cpu(), i;
	uintptr_t rd = find_redist(read_cp15(MPIDR)), sgi;

	if (!rd)
		bail_out("cpu%u: no redistributor for MPIDR 0x%x", cpu,
			 (unsigned int)read_cp15(MPIDR));
	rd_base[cpu] = rd;
	sgi = rd + GICR_SGI;
	mmio_write32(rd + GICR_WAKER, mmio_read32(rd + GICR_WAKER) & ~GICR_WAKER_SLEEP);
	if (!wait_until(!(mmio_read32(rd + GICR_WAKER) & GICR_WAKER_ASLEEP), TIMEOUT_US))
		printk("# gic: cpu%u: GICR_WAKER.ChildrenAsleep stays 1\n", cpu);
	mmio_write32(sgi + GICR_IGROUPR0, ~0u);
	mmio_write32(sgi + GICR_ICACTIVER0, ~0u);
	mmio_write32(sgi + GICR_ICENABLER0, 0xffff0000u);
	mmio_write32(sgi + GICR_ICPENDR0, ~0u);
	for (i = 0; i < 32; i += 4)
		mmio_write32(sgi + GICR_IPRIORITYR + i, DEFAULT_PRIO * 0x01010101u);
	mmio_write32(sgi + GICR_ISENABLER0, 0x0000ffffu);

	write_cp15(ICC_SRE, read_cp15(ICC_SRE) | ICC_SRE_SRE);
	isb();
	if (!(read_cp15(ICC_SRE) & ICC_SRE_SRE))
		bail_out("cpu%u: ICC_SRE.SRE stays 0", cpu);
	write_cp15(ICC_PMR, 0xf0);
	write_cp15(ICC_BPR1, 0);
	write_cp15(ICC_CTLR, read_cp15(ICC_CTLR) & ~ICC_CTLR_EOIMODE);
	write_cp15(ICC_IGRPEN1, 1);
	isb();
}

void gic32_enable(uint32_t intid, bool on)
{
	uintptr_t base = intid < 32 ? rd_base[this_cpu()] + GICR_SGI : plat32.gicd;

	mmio_write32(base + (on ? GICD_ISENABLER : GICD_ICENABLER) + (intid / 32) * 4,
		     1u << (intid % 32));
}

void gic32_route(uint32_t intid, uint32_t mpidr)
{
	mmio_write64(plat32.gicd + GICD_IROUTER + intid * 8, mpidr & 0xffffff);
}

void gic32_set_edge(uint32_t intid, bool edge)
{
	uintptr_t r = plat32.gicd + GICD_ICFGR + (intid / 16) * 4;
	uint32_t bit = 2u << ((intid % 16) * 2);

	mmio_write32(r, edge ? mmio_read32(r) | bit : mmio_read32(r) & ~bit);
}

/* ICC_SGI1R: Aff3 [55:48], Aff2 [39:32], INTID [27:24], Aff1 [23:16], TargetList [15:0] */
void gic32_sgi(unsigned int sgi, uint32_t mpidr)
{
	uint64_t v = ((uint64_t)((mpidr >> 16) & 0xff) << 32) | ((uint64_t)(sgi & 0xf) << 24) |
		     (((mpidr >> 8) & 0xff) << 16) | (1u << (mpidr & 0xf));

	dsb();
	write_cp15_64(ICC_SGI1R, v);
	isb();
}

uint32_t gic32_ack(void)
{
	uint32_t v = read_cp15(ICC_IAR1) & 0xffffff;

	dsb();
	return v;
}

void gic32_eoi(uint32_t intid)
{
	write_cp15(ICC_EOIR1, intid);
	isb();
}
