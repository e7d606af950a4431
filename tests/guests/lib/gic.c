/*
 * gic.c - the test guests' GIC driver, GICv3 here and GICv2's own parts in gicv2.c (called
 * from the functions below when the device tree named a GICv2). GICv3: distributor and
 * redistributor set-up in the order Linux's irq-gic-v3 uses (distributor disabled, SPIs group 1 /
 * disabled / inactive / level / default priority, ARE and group 1 on, routes; per CPU: find the
 * redistributor by walking GICR_TYPER, wake it with the GICR_WAKER handshake, SGIs/PPIs set up,
 * then ICC_SRE, PMR, BPR1, EOImode 0, IGRPEN1), per-interrupt operations and SGI sending. Only MMIO
 * and ICC_* system registers; no interrupt handling policy.
 */
#include "tests/guests/lib/gic.h"

#include "tests/guests/lib/guest.h"

#define GIC_RWP_TIMEOUT_US 100000
#define GIC_WAKER_TIMEOUT_US 100000
#define GIC_MAX_IRQS 1020

static uintptr_t rd_base[GUEST_MAX_CPUS];
static unsigned int nr_irqs;

uint32_t mpidr_to_gicr_aff(uint64_t mpidr)
{
	return (uint32_t)(MPIDR_AFF3(mpidr) << 24 | MPIDR_AFF2(mpidr) << 16 |
			  MPIDR_AFF1(mpidr) << 8 | MPIDR_AFF0(mpidr));
}

uint64_t mpidr_to_irouter(uint64_t mpidr)
{
	return MPIDR_AFF3(mpidr) << 32 | MPIDR_AFF2(mpidr) << 16 | MPIDR_AFF1(mpidr) << 8 |
	       MPIDR_AFF0(mpidr);
}

unsigned int gic_nr_irqs(void)
{
	if (!nr_irqs) {
		uint32_t lines = mmio_read32(plat.gicd + GICD_TYPER) & GICD_TYPER_ITLINES_MASK;

		nr_irqs = 32 * (lines + 1);
		if (nr_irqs > GIC_MAX_IRQS)
			nr_irqs = GIC_MAX_IRQS;
	}
	return nr_irqs;
}

void gic_dist_wait_rwp(void)
{
	if (gic_is_v2())
		return;
	if (!wait_until(!(mmio_read32(plat.gicd + GICD_CTLR) & GICD_CTLR_RWP), GIC_RWP_TIMEOUT_US))
		printk("# gic: GICD_CTLR.RWP stuck at 1\n");
}

void gic_redist_wait_rwp(void)
{
	uintptr_t rd = gic_rd_base();

	if (rd && !wait_until(!(mmio_read32(rd + GICR_CTLR) & GICR_CTLR_RWP), GIC_RWP_TIMEOUT_US))
		printk("# gic: GICR_CTLR.RWP stuck at 1 on cpu%u\n", this_cpu());
}

void gic_dist_init(void)
{
	uintptr_t d = plat.gicd;
	unsigned int n = gic_nr_irqs();
	unsigned int i;

	if (gic_is_v2()) {
		gicv2_dist_init();
		return;
	}
	mmio_write32(d + GICD_CTLR, 0);
	gic_dist_wait_rwp();

	for (i = GIC_NR_PRIVATE; i < n; i += 32) {
		mmio_write32(d + GICD_IGROUPR + i / 8, ~0U);
		mmio_write32(d + GICD_ICENABLER + i / 8, ~0U);
		mmio_write32(d + GICD_ICACTIVER + i / 8, ~0U);
		mmio_write32(d + GICD_ICPENDR + i / 8, ~0U);
	}
	for (i = GIC_NR_PRIVATE; i < n; i += 16)
		mmio_write32(d + GICD_ICFGR + i / 4, 0); /* level */
	for (i = GIC_NR_PRIVATE; i < n; i += 4)
		mmio_write32(d + GICD_IPRIORITYR + i, GIC_DEFAULT_PRIO * 0x01010101U);
	gic_dist_wait_rwp();

	mmio_write32(d + GICD_CTLR, GICD_CTLR_ARE_NS | GICD_CTLR_ENABLE_G1A | GICD_CTLR_ENABLE_G1);
	gic_dist_wait_rwp();

	for (i = GIC_NR_PRIVATE; i < n; i++)
		mmio_write64(d + GICD_IROUTER + i * 8, mpidr_to_irouter(plat.mpidr[0]));
}

uintptr_t gic_find_redist(uint32_t aff)
{
	uintptr_t base = plat.gicr;
	uintptr_t end = plat.gicr + plat.gicr_size;

	while (base < end) {
		uint64_t typer = mmio_read64(base + GICR_TYPER);

		if ((uint32_t)(typer >> GICR_TYPER_AFF_SHIFT) == aff)
			return base;
		if (typer & GICR_TYPER_LAST)
			break;
		base += (typer & GICR_TYPER_VLPIS) ? GICR_STRIDE_VLPI : GICR_STRIDE;
	}
	return 0;
}

uintptr_t gic_rd_base_of(unsigned int cpu)
{
	if (gic_is_v2())
		return 0;
	return cpu < GUEST_MAX_CPUS ? rd_base[cpu] : 0;
}

uintptr_t gic_rd_base(void)
{
	return gic_rd_base_of(this_cpu());
}

uintptr_t gic_sgi_base(void)
{
	if (gic_is_v2())
		return plat.gicd;
	return rd_base[this_cpu()] + GICR_SGI_OFFSET;
}

void gic_cpu_init(void)
{
	unsigned int cpu = this_cpu();
	uintptr_t rd, sgi;
	unsigned int i;

	if (gic_is_v2()) {
		gicv2_cpu_init();
		return;
	}
	rd = gic_find_redist(mpidr_to_gicr_aff(read_sysreg(mpidr_el1)));
	if (!rd)
		bail_out("cpu%u: no redistributor for mpidr 0x%llx", cpu,
			 (unsigned long long)read_sysreg(mpidr_el1));
	rd_base[cpu] = rd;
	sgi = rd + GICR_SGI_OFFSET;

	mmio_write32(rd + GICR_WAKER,
		     mmio_read32(rd + GICR_WAKER) & ~(uint32_t)GICR_WAKER_PROCESSOR_SLEEP);
	if (!wait_until(!(mmio_read32(rd + GICR_WAKER) & GICR_WAKER_CHILDREN_ASLEEP),
			GIC_WAKER_TIMEOUT_US))
		printk("# gic: cpu%u: GICR_WAKER.ChildrenAsleep stays 1\n", cpu);

	mmio_write32(sgi + GICR_IGROUPR0, ~0U);
	mmio_write32(sgi + GICR_ICACTIVER0, ~0U);
	mmio_write32(sgi + GICR_ICENABLER0, 0xffff0000U); /* PPIs off */
	mmio_write32(sgi + GICR_ICPENDR0, ~0U);
	for (i = 0; i < GIC_NR_PRIVATE; i += 4)
		mmio_write32(sgi + GICR_IPRIORITYR + i, GIC_DEFAULT_PRIO * 0x01010101U);
	mmio_write32(sgi + GICR_ISENABLER0, 0x0000ffffU); /* SGIs on */
	gic_redist_wait_rwp();

	write_sysreg(read_sysreg(ICC_SRE_EL1) | ICC_SRE_SRE, ICC_SRE_EL1);
	isb();
	if (!(read_sysreg(ICC_SRE_EL1) & ICC_SRE_SRE))
		bail_out("cpu%u: ICC_SRE_EL1.SRE stays 0: no system-register CPU interface", cpu);
	write_sysreg(GIC_DEFAULT_PMR, ICC_PMR_EL1);
	write_sysreg(0, ICC_BPR1_EL1);
	write_sysreg(read_sysreg(ICC_CTLR_EL1) & ~ICC_CTLR_EOIMODE, ICC_CTLR_EL1);
	write_sysreg(ICC_IGRPEN1_EN, ICC_IGRPEN1_EL1);
	isb();
}

/* The frame holding intid's state: this CPU's SGI frame for SGIs and PPIs, else GICD. */
static uintptr_t bank(uint32_t intid)
{
	return intid < GIC_NR_PRIVATE ? gic_sgi_base() : plat.gicd;
}

static uintptr_t bit_reg(uint32_t intid, unsigned int reg)
{
	return bank(intid) + reg + (intid / 32) * 4;
}

static void wait_rwp_for(uint32_t intid)
{
	if (intid < GIC_NR_PRIVATE)
		gic_redist_wait_rwp();
	else
		gic_dist_wait_rwp();
}

static void write_bit(uint32_t intid, unsigned int reg)
{
	mmio_write32(bit_reg(intid, reg), (uint32_t)BIT(intid % 32));
}

static bool read_bit(uint32_t intid, unsigned int reg)
{
	return mmio_read32(bit_reg(intid, reg)) & BIT(intid % 32);
}

void gic_enable(uint32_t intid)
{
	write_bit(intid, GICD_ISENABLER);
}

void gic_disable(uint32_t intid)
{
	write_bit(intid, GICD_ICENABLER);
	wait_rwp_for(intid);
}

void gic_set_pending(uint32_t intid)
{
	write_bit(intid, GICD_ISPENDR);
}

void gic_clear_pending(uint32_t intid)
{
	write_bit(intid, GICD_ICPENDR);
}

void gic_set_active(uint32_t intid)
{
	write_bit(intid, GICD_ISACTIVER);
}

void gic_clear_active(uint32_t intid)
{
	write_bit(intid, GICD_ICACTIVER);
}

bool gic_is_enabled(uint32_t intid)
{
	return read_bit(intid, GICD_ISENABLER);
}

bool gic_is_pending(uint32_t intid)
{
	return read_bit(intid, GICD_ISPENDR);
}

bool gic_is_active(uint32_t intid)
{
	return read_bit(intid, GICD_ISACTIVER);
}

void gic_set_priority(uint32_t intid, uint8_t prio)
{
	mmio_write8(bank(intid) + GICD_IPRIORITYR + intid, prio);
}

uint8_t gic_get_priority(uint32_t intid)
{
	return mmio_read8(bank(intid) + GICD_IPRIORITYR + intid);
}

void gic_set_edge(uint32_t intid, bool edge)
{
	uintptr_t reg = bank(intid) + GICD_ICFGR + (intid / 16) * 4;
	uint32_t bit = GIC_ICFGR_EDGE << ((intid % 16) * 2);
	uint32_t v = mmio_read32(reg);

	mmio_write32(reg, edge ? v | bit : v & ~bit);
	wait_rwp_for(intid);
}

void gic_set_route(uint32_t intid, uint64_t mpidr)
{
	if (gic_is_v2())
		gicv2_set_route(intid, mpidr);
	else
		mmio_write64(plat.gicd + GICD_IROUTER + intid * 8, mpidr_to_irouter(mpidr));
}

uint64_t gic_get_route(uint32_t intid)
{
	if (gic_is_v2())
		return mmio_read8(plat.gicd + GICD_ITARGETSR + intid);
	return mmio_read64(plat.gicd + GICD_IROUTER + intid * 8);
}

uint64_t gic_route_value(uint64_t mpidr)
{
	if (gic_is_v2())
		return gicv2_cpu_mask(cpu_index_of_mpidr(mpidr));
	return mpidr_to_irouter(mpidr);
}

void gic_write_sgi1r(uint64_t val)
{
	dsb_ishst(); /* stores before the SGI are visible to its handler */
	write_sysreg(val, ICC_SGI1R_EL1);
	isb();
}

static uint64_t sgi1r_group(uint64_t mpidr, uint32_t intid)
{
	return MPIDR_AFF3(mpidr) << ICC_SGI1R_AFF3_SHIFT |
	       MPIDR_AFF2(mpidr) << ICC_SGI1R_AFF2_SHIFT |
	       MPIDR_AFF1(mpidr) << ICC_SGI1R_AFF1_SHIFT |
	       (uint64_t)(intid & 0xf) << ICC_SGI1R_INTID_SHIFT;
}

void gic_send_sgi(uint32_t intid, unsigned int cpu)
{
	uint64_t mpidr = plat.mpidr[cpu];

	if (gic_is_v2()) {
		gicv2_send_sgi_mask(intid, (uint32_t)BIT(cpu));
		return;
	}
	gic_write_sgi1r(sgi1r_group(mpidr, intid) | BIT(MPIDR_AFF0(mpidr) & 0xf));
}

void gic_send_sgi_mask(uint32_t intid, uint32_t cpu_mask)
{
	cpu_mask &= (uint32_t)(BIT(plat.ncpus) - 1);
	if (gic_is_v2()) {
		gicv2_send_sgi_mask(intid, cpu_mask);
		return;
	}
	while (cpu_mask) {
		unsigned int first = (unsigned int)__builtin_ctz(cpu_mask);
		uint64_t group = sgi1r_group(plat.mpidr[first], intid);
		uint64_t list = 0;
		unsigned int cpu;

		for (cpu = first; cpu < plat.ncpus; cpu++) {
			if (!(cpu_mask & BIT(cpu)) || sgi1r_group(plat.mpidr[cpu], intid) != group)
				continue;
			list |= BIT(MPIDR_AFF0(plat.mpidr[cpu]) & 0xf);
			cpu_mask &= ~(uint32_t)BIT(cpu);
		}
		gic_write_sgi1r(group | list);
	}
}

void gic_send_sgi_others(uint32_t intid)
{
	if (gic_is_v2()) {
		gicv2_write_sgir(GICD_SGIR_FILTER_OTHERS << GICD_SGIR_FILTER_SHIFT | (intid & 0xf));
		return;
	}
	gic_write_sgi1r(ICC_SGI1R_IRM | (uint64_t)(intid & 0xf) << ICC_SGI1R_INTID_SHIFT);
}

uint32_t gic_ack(void)
{
	uint32_t iar;

	if (gic_is_v2())
		return gicv2_ack();
	iar = (uint32_t)read_sysreg(ICC_IAR1_EL1);
	dsb_sy();
	return iar & GIC_INTID_MASK;
}

void gic_eoi(uint32_t intid)
{
	if (gic_is_v2()) {
		gicv2_eoi(intid);
		return;
	}
	write_sysreg(intid, ICC_EOIR1_EL1);
	isb();
}

void gic_set_eoimode(bool split)
{
	if (gic_is_v2()) {
		uint32_t ctlr = mmio_read32(plat.gicc + GICC_CTLR) & ~(uint32_t)GICC_CTLR_EOIMODE;

		mmio_write32(plat.gicc + GICC_CTLR, ctlr | (split ? GICC_CTLR_EOIMODE : 0));
		return;
	}
	write_sysreg((read_sysreg(ICC_CTLR_EL1) & ~ICC_CTLR_EOIMODE) |
			     (split ? ICC_CTLR_EOIMODE : 0),
		     ICC_CTLR_EL1);
	isb();
}

void gic_deactivate(uint32_t intid)
{
	if (gic_is_v2()) {
		gicv2_deactivate(intid);
		return;
	}
	write_sysreg(intid, ICC_DIR_EL1);
	isb();
}

void gic_set_pmr(uint8_t pmr)
{
	if (gic_is_v2()) {
		mmio_write32(plat.gicc + GICC_PMR, pmr);
		return;
	}
	write_sysreg(pmr, ICC_PMR_EL1);
	isb();
}

uint8_t gic_get_pmr(void)
{
	if (gic_is_v2())
		return (uint8_t)mmio_read32(plat.gicc + GICC_PMR);
	return (uint8_t)read_sysreg(ICC_PMR_EL1);
}

uint8_t gic_get_rpr(void)
{
	if (gic_is_v2())
		return (uint8_t)mmio_read32(plat.gicc + GICC_RPR);
	return (uint8_t)read_sysreg(ICC_RPR_EL1);
}
