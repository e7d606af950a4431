/*
 * gicv2.c - the GICv2 half of the test guests' GIC driver, in the order Linux's irq-gic uses:
 * distributor disabled, SPIs group 0 / level / targeted at the boot CPU / default priority /
 * disabled / inactive, then enabled; per CPU: its CPU interface bit from the banked
 * ITARGETSR0..7, SGIs/PPIs cleared and set up, PMR, BPR, then GICC_CTLR. SGIs through
 * GICD_SGIR; acknowledge and EOI through GICC_IAR/EOIR, keeping each SGI's source CPU for
 * its EOI. Only MMIO; gic.c decides when these run.
 */
#include "tests/guests/lib/gic.h"

#include "tests/guests/lib/guest.h"

#define SGI_BYTES_PER_REG 4 /* CPENDSGIR/SPENDSGIR: one byte (source CPUs) per SGI */

static uint8_t cpu_mask[GUEST_MAX_CPUS];
/* sgi_source[cpu][sgi]: the source of the SGI acknowledged last on cpu (one active at most) */
static uint8_t sgi_source[GUEST_MAX_CPUS][GIC_NR_SGIS];

uint8_t gicv2_cpu_mask(unsigned int cpu)
{
	if (cpu >= GUEST_MAX_CPUS)
		return 0;
	return cpu_mask[cpu] ? cpu_mask[cpu] : (uint8_t)BIT(cpu % GICV2_MAX_CPUS);
}

/* Linux's gic_get_cpumask(): the first non-zero byte of the banked ITARGETSR0..7. */
static uint8_t read_cpu_mask(void)
{
	unsigned int i;

	for (i = 0; i < GIC_NR_PRIVATE; i += 4) {
		uint32_t v = mmio_read32(plat.gicd + GICD_ITARGETSR + i);

		v |= v >> 16;
		v |= v >> 8;
		if (v & 0xff)
			return (uint8_t)v;
	}
	return 0; /* a uniprocessor GIC: ITARGETSR RAZ */
}

void gicv2_dist_init(void)
{
	uintptr_t d = plat.gicd;
	unsigned int n = gic_nr_irqs();
	uint32_t targets;
	unsigned int i;

	cpu_mask[this_cpu()] = read_cpu_mask();
	targets = gicv2_cpu_mask(this_cpu()) * 0x01010101U;

	mmio_write32(d + GICD_CTLR, 0);
	for (i = GIC_NR_PRIVATE; i < n; i += 16)
		mmio_write32(d + GICD_ICFGR + i / 4, 0); /* level */
	for (i = GIC_NR_PRIVATE; i < n; i += 4) {
		mmio_write32(d + GICD_ITARGETSR + i, targets);
		mmio_write32(d + GICD_IPRIORITYR + i, GIC_DEFAULT_PRIO * 0x01010101U);
	}
	for (i = GIC_NR_PRIVATE; i < n; i += 32) {
		mmio_write32(d + GICD_IGROUPR + i / 8, 0);
		mmio_write32(d + GICD_ICENABLER + i / 8, ~0U);
		mmio_write32(d + GICD_ICACTIVER + i / 8, ~0U);
		mmio_write32(d + GICD_ICPENDR + i / 8, ~0U);
	}
	mmio_write32(d + GICD_CTLR, GICD_CTLR_ENABLE_GRP0);
}

void gicv2_cpu_init(void)
{
	uintptr_t d = plat.gicd;
	unsigned int i;

	cpu_mask[this_cpu()] = read_cpu_mask();
	mmio_write32(d + GICD_IGROUPR, 0);
	mmio_write32(d + GICD_ICACTIVER, ~0U);
	mmio_write32(d + GICD_ICENABLER, 0xffff0000U); /* PPIs off */
	mmio_write32(d + GICD_ICPENDR, ~0U);
	for (i = 0; i < GIC_NR_SGIS; i += SGI_BYTES_PER_REG)
		mmio_write32(d + GICD_CPENDSGIR + i, ~0U);
	for (i = 0; i < GIC_NR_PRIVATE; i += 4)
		mmio_write32(d + GICD_IPRIORITYR + i, GIC_DEFAULT_PRIO * 0x01010101U);
	mmio_write32(d + GICD_ISENABLER, 0x0000ffffU); /* SGIs on */

	mmio_write32(plat.gicc + GICC_PMR, GIC_DEFAULT_PMR);
	mmio_write32(plat.gicc + GICC_BPR, 0);			    /* reads back as the minimum */
	mmio_write32(plat.gicc + GICC_CTLR, GICC_CTLR_ENABLE_GRP0); /* EOImode 0 */
}

void gicv2_set_route(uint32_t intid, uint64_t mpidr)
{
	if (intid >= GIC_NR_PRIVATE)
		mmio_write8(plat.gicd + GICD_ITARGETSR + intid,
			    gicv2_cpu_mask(cpu_index_of_mpidr(mpidr)));
}

void gicv2_write_sgir(uint32_t val)
{
	dsb_ishst(); /* stores before the SGI are visible to its handler */
	mmio_write32(plat.gicd + GICD_SGIR, val);
}

void gicv2_send_sgi_mask(uint32_t intid, uint32_t cpus)
{
	uint32_t targets = 0;
	unsigned int cpu;

	for (cpu = 0; cpu < plat.ncpus; cpu++)
		if (cpus & BIT(cpu))
			targets |= gicv2_cpu_mask(cpu);
	gicv2_write_sgir(targets << GICD_SGIR_TARGET_SHIFT |
			 (intid & 0xf)); /* filter 0: the list */
}

uint32_t gicv2_ack(void)
{
	uint32_t iar = mmio_read32(plat.gicc + GICC_IAR);
	uint32_t intid = iar & GICC_IAR_INTID_MASK;

	dsb_sy();
	if (intid < GIC_NR_SGIS)
		sgi_source[this_cpu()][intid] =
			(uint8_t)((iar >> GICC_IAR_CPUID_SHIFT) & GICC_IAR_CPUID_MASK);
	return intid;
}

/* GICC_EOIR and GICC_DIR take the value GICC_IAR gave: an SGI's source CPU included. */
static uint32_t iar_value(uint32_t intid)
{
	if (intid < GIC_NR_SGIS)
		return intid | (uint32_t)sgi_source[this_cpu()][intid] << GICC_IAR_CPUID_SHIFT;
	return intid;
}

void gicv2_eoi(uint32_t intid)
{
	mmio_write32(plat.gicc + GICC_EOIR, iar_value(intid));
}

void gicv2_deactivate(uint32_t intid)
{
	mmio_write32(plat.gicc + GICC_DIR, iar_value(intid));
}

unsigned int gic_sgi_source(uint32_t sgi)
{
	return sgi < GIC_NR_SGIS ? sgi_source[this_cpu()][sgi] : 0;
}
