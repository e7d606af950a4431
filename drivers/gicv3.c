/*
 * gicv3.c - the physical GICv3 distributor and redistributors, through MMIO only (the CPU
 * interface is in gicv3_cpuif.c). Register-level rules come from IHI 0069.
 */
#include "drivers/gicv3.h"
#include "drivers/gicv3_regs.h"
#include "drivers/mmio.h"
#include "lib/spinlock.h"

#define GIC_MAX_INTIDS 1020
#define GIC_POLL_LIMIT 10000000u
#define GIC_ALL_ONES 0xffffffffu
#define GIC_PRIO4(p) ((p)*0x01010101u)

static bool wait_clear(uintptr_t reg, uint32_t bits)
{
	unsigned int n;

	for (n = 0; n < GIC_POLL_LIMIT; n++)
		if (!(mmio_read32(reg) & bits))
			return true;
	return false;
}

static unsigned int archrev(uintptr_t frame, unsigned int pidr2)
{
	return (mmio_read32(frame + pidr2) >> GIC_PIDR2_ARCHREV_SHIFT) & GIC_PIDR2_ARCHREV_MASK;
}

unsigned int gicv3_dist_init(uintptr_t gicd, uint64_t route_mpidr)
{
	unsigned int rev = archrev(gicd, GICD_PIDR2);
	unsigned int nr, i;

	if (rev != GIC_ARCHREV_GICV3 && rev != GIC_ARCHREV_GICV4)
		return 0;
	nr = 32 * ((mmio_read32(gicd + GICD_TYPER) & GICD_TYPER_ITLINES_MASK) + 1);
	if (nr > GIC_MAX_INTIDS)
		nr = GIC_MAX_INTIDS;

	mmio_write32(gicd + GICD_CTLR, 0);
	wait_clear(gicd + GICD_CTLR, GICD_CTLR_RWP);
	for (i = GIC_INTID_SPI_BASE; i < nr; i += 32) {
		mmio_write32(gicd + GICD_IGROUPR + i / 8, GIC_ALL_ONES);
		mmio_write32(gicd + GICD_ICENABLER + i / 8, GIC_ALL_ONES);
		mmio_write32(gicd + GICD_ICPENDR + i / 8, GIC_ALL_ONES);
		mmio_write32(gicd + GICD_ICACTIVER + i / 8, GIC_ALL_ONES);
	}
	for (i = GIC_INTID_SPI_BASE; i < nr; i += 4)
		mmio_write32(gicd + GICD_IPRIORITYR + i, GIC_PRIO4(GIC_PRIORITY_DEFAULT));
	for (i = GIC_INTID_SPI_BASE; i < nr; i += 16)
		mmio_write32(gicd + GICD_ICFGR + i / 4, 0);
	for (i = GIC_INTID_SPI_BASE; i < nr; i++)
		mmio_write64(gicd + GICD_IROUTER + 8 * i, route_mpidr);
	wait_clear(gicd + GICD_CTLR, GICD_CTLR_RWP);
	mmio_write32(gicd + GICD_CTLR, GICD_CTLR_ARE_NS | GICD_CTLR_ENABLE_G1NS);
	wait_clear(gicd + GICD_CTLR, GICD_CTLR_RWP);
	return nr;
}

static uint64_t typer_affinity(uint64_t mpidr)
{
	return ((mpidr >> 8) & 0xff000000ull) | (mpidr & 0xffffffull);
}

uintptr_t gicv3_redist_find(const struct plat_range *regions, unsigned int count, uint64_t stride,
			    uint64_t mpidr)
{
	uint64_t want = typer_affinity(mpidr);
	unsigned int r;

	for (r = 0; r < count; r++) {
		uintptr_t rd = regions[r].base;
		uintptr_t end = regions[r].base + regions[r].size;

		while (rd + GICR_STRIDE_V3 <= end) {
			uint64_t typer = mmio_read64(rd + GICR_TYPER);

			if ((typer >> GICR_TYPER_AFF_SHIFT) == want)
				return rd;
			if (typer & GICR_TYPER_LAST)
				break;
			if (stride)
				rd += stride;
			else
				rd += (typer & GICR_TYPER_VLPIS) ? GICR_STRIDE_V4 : GICR_STRIDE_V3;
		}
	}
	return 0;
}

bool gicv3_redist_init(uintptr_t rd)
{
	uint32_t waker = mmio_read32(rd + GICR_WAKER);
	unsigned int i;

	mmio_write32(rd + GICR_WAKER, waker & ~GICR_WAKER_PROCESSOR_SLEEP);
	if (!wait_clear(rd + GICR_WAKER, GICR_WAKER_CHILDREN_ASLEEP))
		return false;
	mmio_write32(rd + GICR_IGROUPR0, GIC_ALL_ONES);
	mmio_write32(rd + GICR_ICENABLER0, GIC_ALL_ONES);
	mmio_write32(rd + GICR_ICPENDR0, GIC_ALL_ONES);
	mmio_write32(rd + GICR_ICACTIVER0, GIC_ALL_ONES);
	for (i = 0; i < GIC_INTID_SPI_BASE; i += 4)
		mmio_write32(rd + GICR_IPRIORITYR0 + i, GIC_PRIO4(GIC_PRIORITY_DEFAULT));
	mmio_write32(rd + GICR_ICFGR1, 0); /* PPIs level-sensitive */
	wait_clear(rd + GICR_CTLR, GICR_CTLR_RWP);
	return true;
}

void gicv3_ppi_enable(uintptr_t rd, unsigned int intid, bool on)
{
	mmio_write32(rd + (on ? GICR_ISENABLER0 : GICR_ICENABLER0), 1u << (intid % 32));
}

void gicv3_ppi_deactivate(uintptr_t rd, unsigned int intid)
{
	mmio_write32(rd + GICR_ICACTIVER0, 1u << (intid % 32));
}

bool gicv3_ppi_pending(uintptr_t rd, unsigned int intid)
{
	return (mmio_read32(rd + GICR_ISPENDR0) >> (intid % 32)) & 1;
}

bool gicv3_ppi_active(uintptr_t rd, unsigned int intid)
{
	return (mmio_read32(rd + GICR_ISACTIVER0) >> (intid % 32)) & 1;
}

void gicv3_spi_enable(uintptr_t gicd, unsigned int intid, bool on)
{
	uintptr_t reg = gicd + (on ? GICD_ISENABLER : GICD_ICENABLER) + (intid / 32) * 4;

	mmio_write32(reg, 1u << (intid % 32));
}

void gicv3_spi_route(uintptr_t gicd, unsigned int intid, uint64_t mpidr)
{
	mmio_write64(gicd + GICD_IROUTER + 8 * intid, mpidr);
}

static uintptr_t bit_reg(uintptr_t gicd, unsigned int base, unsigned int intid)
{
	return gicd + base + (intid / 32) * 4;
}

void gicv3_spi_set_pending(uintptr_t gicd, unsigned int intid, bool on)
{
	mmio_write32(bit_reg(gicd, on ? GICD_ISPENDR : GICD_ICPENDR, intid), 1u << (intid % 32));
}

void gicv3_spi_set_active(uintptr_t gicd, unsigned int intid, bool on)
{
	mmio_write32(bit_reg(gicd, on ? GICD_ISACTIVER : GICD_ICACTIVER, intid),
		     1u << (intid % 32));
}

void gicv3_spi_set_priority(uintptr_t gicd, unsigned int intid, uint8_t prio)
{
	mmio_write8(gicd + GICD_IPRIORITYR + intid, prio);
}

static struct spinlock icfgr_lock;

void gicv3_spi_set_edge(uintptr_t gicd, unsigned int intid, bool edge)
{
	uintptr_t cfg = gicd + GICD_ICFGR + (intid / 16) * 4;
	uint32_t bit = 2u << ((intid % 16) * 2); /* Int_config[1]: 1 = edge */
	bool enabled = (mmio_read32(bit_reg(gicd, GICD_ISENABLER, intid)) >> (intid % 32)) & 1;
	uint32_t val;

	spin_lock(&icfgr_lock);
	val = mmio_read32(cfg);
	if (((val & bit) != 0) != edge) {
		gicv3_spi_enable(gicd, intid, false);
		wait_clear(gicd + GICD_CTLR, GICD_CTLR_RWP);
		mmio_write32(cfg, edge ? (val | bit) : (val & ~bit));
		if (enabled)
			gicv3_spi_enable(gicd, intid, true);
	}
	spin_unlock(&icfgr_lock);
}

bool gicv3_spi_pending(uintptr_t gicd, unsigned int intid)
{
	return (mmio_read32(bit_reg(gicd, GICD_ISPENDR, intid)) >> (intid % 32)) & 1;
}

bool gicv3_spi_active(uintptr_t gicd, unsigned int intid)
{
	return (mmio_read32(bit_reg(gicd, GICD_ISACTIVER, intid)) >> (intid % 32)) & 1;
}
