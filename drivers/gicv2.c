/*
 * gicv2.c - the physical GICv2 distributor and CPU interface, through MMIO only (the list
 * registers are in gicv2_lr.c). Register rules come from IHI 0048B. Touches the GICD and
 * GICC frames it was given, nothing else.
 */
#include "drivers/gicv2.h"
#include "arch/arm64/sysreg.h"
#include "drivers/gicv2_regs.h"
#include "drivers/gicv3.h"
#include "drivers/gicv3_regs.h"
#include "drivers/mmio.h"
#include "lib/spinlock.h"

#define GIC_MAX_INTIDS 1020
#define GIC_ALL_ONES 0xffffffffu
#define GIC_PRIO4(p) ((p)*0x01010101u)
#define GIC_MASK4(m) ((m)*0x01010101u)

struct gicv2_frames gicv2;
static bool hw_deact_unsignalled;

/* CPU interface bits by MPIDR, as each CPU found its own at gicv2_cpu_init */
static struct {
	uint64_t mpidr;
	uint8_t mask;
} cpu_if[GICV2_MAX_CPUS];
static unsigned int cpu_if_count;
static struct spinlock cpu_if_lock;

uint64_t gicv2_gicc_page1(uint64_t base, uint64_t size)
{
	return base + (size >= 2 * GICC_ALIAS_STRIDE ? GICC_ALIAS_STRIDE : GICC_PAGE);
}

unsigned int gicv2_dist_init(const struct gicv2_frames *f)
{
	uintptr_t gicd = f->gicd;
	unsigned int rev = (mmio_read32(gicd + GICD_ICPIDR2) >> GIC_PIDR2_ARCHREV_SHIFT) &
			   GIC_PIDR2_ARCHREV_MASK;
	unsigned int nr, i;
	uint8_t boot_mask;

	if (rev != GIC_ARCHREV_GICV1 && rev != GIC_ARCHREV_GICV2)
		return 0;
	gicv2 = *f;
	hw_deact_unsignalled = mmio_read32(gicd + GICD_IIDR) == GICD_IIDR_QEMU;
	boot_mask = gicv2_cpu_mask();
	if (!boot_mask)
		boot_mask = 1; /* a uniprocessor GIC reads 0 */
	nr = 32 * ((mmio_read32(gicd + GICD_TYPER) & GICD_TYPER_ITLINES_MASK) + 1);
	if (nr > GIC_MAX_INTIDS)
		nr = GIC_MAX_INTIDS;

	mmio_write32(gicd + GICD_CTLR, 0);
	for (i = GIC_INTID_SPI_BASE; i < nr; i += 32) {
		mmio_write32(gicd + GICD_ICENABLER + i / 8, GIC_ALL_ONES);
		mmio_write32(gicd + GICD_ICPENDR + i / 8, GIC_ALL_ONES);
		mmio_write32(gicd + GICD_ICACTIVER + i / 8, GIC_ALL_ONES);
	}
	for (i = GIC_INTID_SPI_BASE; i < nr; i += 4) {
		mmio_write32(gicd + GICD_IPRIORITYR + i, GIC_PRIO4(GIC_PRIORITY_DEFAULT));
		mmio_write32(gicd + GICD_ITARGETSR + i, GIC_MASK4((uint32_t)boot_mask));
	}
	for (i = GIC_INTID_SPI_BASE; i < nr; i += 16)
		mmio_write32(gicd + GICD_ICFGR + i / 4, 0);
	/* Group 0 without the Security Extensions, Group 1 seen from Non-secure: IRQs either way */
	mmio_write32(gicd + GICD_CTLR, GICD_CTLR_ENABLE);
	return nr;
}

bool gicv2_hw_deact_unsignalled(void)
{
	return hw_deact_unsignalled;
}

uint8_t gicv2_cpu_mask(void)
{
	return (uint8_t)mmio_read32(gicv2.gicd + GICD_ITARGETSR);
}

static uint8_t mask_of(uint64_t mpidr)
{
	unsigned int i;

	for (i = 0; i < __atomic_load_n(&cpu_if_count, __ATOMIC_ACQUIRE); i++)
		if (cpu_if[i].mpidr == mpidr)
			return cpu_if[i].mask;
	return 0;
}

bool gicv2_cpu_init(uint64_t mpidr)
{
	uintptr_t gicd = gicv2.gicd;
	uint8_t mask = gicv2_cpu_mask();
	unsigned int i;
	bool ok = true;

	spin_lock(&cpu_if_lock);
	if (!mask_of(mpidr)) {
		if (cpu_if_count == GICV2_MAX_CPUS) {
			ok = false;
		} else {
			cpu_if[cpu_if_count].mpidr = mpidr;
			cpu_if[cpu_if_count].mask = mask ? mask : 1; /* uniprocessor: reads 0 */
			__atomic_store_n(&cpu_if_count, cpu_if_count + 1, __ATOMIC_RELEASE);
		}
	}
	spin_unlock(&cpu_if_lock);
	if (!ok)
		return false;

	/* the banked SGIs and PPIs (SGI enables may be fixed at 1: GIC-400 r0p1 3.3.3) */
	mmio_write32(gicd + GICD_ICENABLER, GIC_ALL_ONES);
	mmio_write32(gicd + GICD_ICPENDR, GIC_ALL_ONES);
	mmio_write32(gicd + GICD_ICACTIVER, GIC_ALL_ONES);
	for (i = 0; i < GIC_INTID_SPI_BASE; i += 4)
		mmio_write32(gicd + GICD_IPRIORITYR + i, GIC_PRIO4(GIC_PRIORITY_DEFAULT));

	mmio_write32(gicv2.gicc + GICC_PMR, GICC_PMR_LOWEST);
	mmio_write32(gicv2.gicc + GICC_BPR, 0);
	mmio_write32(gicv2.gicc + GICC_CTLR, GICC_CTLR_ENABLE | GICC_CTLR_EOIMODE);
	return true;
}

/*
 * On QEMU's GICv2 model before 9.1 (known as for hw_deact_unsignalled) an SPI's active state
 * is per CPU and a CPU's choice of interrupt looks at its own only: an SPI moved while active
 * fires at once at its new target, a second time. There, the move of an active SPI waits for
 * its deactivation (which skiff makes on that model: no HW=1 list registers); the architecture
 * keeps one active state, so a GIC-400 moves it at once.
 */
static uint8_t deferred_target[GIC_MAX_INTIDS];

void gicv2_spi_route(uintptr_t gicd, unsigned int intid, uint64_t mpidr)
{
	uint8_t mask = mask_of(mpidr);

	if (!mask || intid >= GIC_MAX_INTIDS)
		return;
	if (hw_deact_unsignalled && gicv3_spi_active(gicd, intid)) {
		__atomic_store_n(&deferred_target[intid], mask, __ATOMIC_RELAXED);
		return;
	}
	__atomic_store_n(&deferred_target[intid], 0, __ATOMIC_RELAXED);
	mmio_write8(gicd + GICD_ITARGETSR + intid, mask);
}

void gicv2_send_sgi(uint64_t mpidr, unsigned int sgi)
{
	dsb_ish();
	mmio_write32(gicv2.gicd + GICD_SGIR,
		     (uint32_t)mask_of(mpidr) << GICD_SGIR_TARGETLIST_SHIFT | (sgi & 0xfu));
}

unsigned int gicv2_ack(void)
{
	return mmio_read32(gicv2.gicc + GICC_IAR) & GICC_IAR_ID_MASK;
}

void gicv2_eoi(unsigned int iar)
{
	mmio_write32(gicv2.gicc + GICC_EOIR, iar);
}

/*
 * An SPI is deactivated in the distributor (GICD_ICACTIVER), whichever CPU does it: skiff ends a
 * passed-through SPI on the CPU of the vCPU that finished it, which need not be the one that
 * acknowledged it (the guest may have moved it meanwhile). The architecture keeps one active
 * state per SPI and allows either register (IHI 0048B 4.3.9, 4.4.15); QEMU's GICv2 model before
 * 9.1 keeps it per CPU and lets GICC_DIR clear only the writer's, leaving the SPI active for
 * good, while GICD_ICACTIVER clears it for every CPU. SGIs and PPIs are the CPU's own: GICC_DIR.
 */
void gicv2_deactivate(unsigned int iar)
{
	unsigned int intid = iar & GICC_IAR_INTID_MASK;

	if (intid >= GIC_INTID_SPI_BASE && intid < GIC_MAX_INTIDS) {
		uint8_t moved = __atomic_exchange_n(&deferred_target[intid], 0, __ATOMIC_RELAXED);

		mmio_write32(gicv2.gicd + GICD_ICACTIVER + (intid / 32) * 4, 1u << (intid % 32));
		if (moved)
			mmio_write8(gicv2.gicd + GICD_ITARGETSR + intid, moved);
	} else
		mmio_write32(gicv2.gicc_page1 + (GICC_DIR - GICC_PAGE), iar);
}
