/*
 * vgic_redist.c - the guest's GICv3 redistributors (GICR): one 128 KiB pair of frames per
 * vCPU (RD_base, then SGI_base at +64 KiB), one register table over irq/vgic_mmio.c. The
 * redistributor an access reaches is the one its offset addresses (offset /
 * VGIC_GICR_STRIDE), never simply the vCPU doing the access; past the last vCPU's frames the
 * access aborts. No LPIs. Must not touch distributor state or hardware.
 */
#include "irq/vgic_mmio.h"

static struct virq *gicr_irq(struct vgic_mmio *m, uint32_t intid)
{
	return intid < VGIC_NR_PRIVATE ? &m->vc->private_irqs[intid] : NULL;
}

/* GICR_TYPER: Affinity_Value = Aff3.Aff2.Aff1.Aff0, Processor_Number = vCPU index, Last on
 * the last vCPU; no physical or virtual LPIs, no DirectLPI, no MPAM, no extended PPIs. */
static uint64_t gicr_read_typer(struct vgic_mmio *m, uint32_t idx)
{
	const struct vgic_cpu *vc = m->vc;
	uint64_t aff = (vc->mpidr >> 32 & 0xff) << 24 | (vc->mpidr & 0xffffff);
	uint64_t typer = aff << GICR_TYPER_AFF_SHIFT | (uint64_t)vc->id
							       << GICR_TYPER_PROCESSOR_NUMBER_SHIFT;

	(void)idx;
	if (vc->id == m->vg->nr_cpus - 1)
		typer |= GICR_TYPER_LAST;
	return typer;
}

/* GICR_WAKER: ProcessorSleep read/write, ChildrenAsleep follows it at once (there is nothing
 * to quiesce), the rest RAZ/WI. */
static uint64_t gicr_read_waker(struct vgic_mmio *m, uint32_t idx)
{
	(void)idx;
	return __atomic_load_n(&m->vc->processor_sleep, __ATOMIC_RELAXED)
		       ? GICR_WAKER_PROCESSOR_SLEEP | GICR_WAKER_CHILDREN_ASLEEP
		       : 0;
}

static void gicr_write_waker(struct vgic_mmio *m, uint32_t idx, uint64_t val)
{
	(void)idx;
	__atomic_store_n(&m->vc->processor_sleep, val & GICR_WAKER_PROCESSOR_SLEEP,
			 __ATOMIC_RELAXED);
}

/* PROPBASER / PENDBASER: kept as written for when LPIs come; nothing reads them yet. */
static uint64_t gicr_read_propbaser(struct vgic_mmio *m, uint32_t idx)
{
	(void)idx;
	return m->vc->propbaser;
}

static void gicr_write_propbaser(struct vgic_mmio *m, uint32_t idx, uint64_t val)
{
	(void)idx;
	m->vc->propbaser = val;
}

static uint64_t gicr_read_pendbaser(struct vgic_mmio *m, uint32_t idx)
{
	(void)idx;
	return m->vc->pendbaser;
}

static void gicr_write_pendbaser(struct vgic_mmio *m, uint32_t idx, uint64_t val)
{
	(void)idx;
	m->vc->pendbaser = val;
}

static uint64_t gicr_read_idreg(struct vgic_mmio *m, uint32_t idx)
{
	(void)m;
	return vgic_mmio_idreg(idx);
}

/*
 * GICR_CTLR is RAZ/WI (no LPIs to enable, RWP always 0). Not in the table, hence RAZ/WI:
 * STATUSR, MPAMIDR/PARTIDR, the LPI registers (SETLPIR, CLRLPIR, INVLPIR, INVALLR, SYNCR),
 * IGRPMODR0 and NSACR (single Security state), everything reserved. ICFGR0 (SGIs) reads
 * 0xaaaaaaaa and ignores writes: vgic_mmio_write_config() leaves SGIs edge-triggered.
 */
static const struct vgic_reg gicr_regs[] = {
	VGIC_REG_32(GICR_CTLR, 1, NULL, NULL),
	VGIC_REG_32(GICR_IIDR, 1, vgic_mmio_read_iidr, NULL),
	VGIC_REG_64(GICR_TYPER, 1, gicr_read_typer, NULL),
	VGIC_REG_32(GICR_WAKER, 1, gicr_read_waker, gicr_write_waker),
	VGIC_REG_64(GICR_PROPBASER, 1, gicr_read_propbaser, gicr_write_propbaser),
	VGIC_REG_64(GICR_PENDBASER, 1, gicr_read_pendbaser, gicr_write_pendbaser),
	VGIC_REG_32(GICR_PIDR4, GIC_IDREGS_COUNT, gicr_read_idreg, NULL),
	VGIC_REG_BITS_PER_IRQ(GICR_IGROUPR0, VGIC_NR_PRIVATE, 1, vgic_mmio_read_group,
			      vgic_mmio_write_group),
	VGIC_REG_W1_PER_IRQ(GICR_ISENABLER0, VGIC_NR_PRIVATE, vgic_mmio_read_enable,
			    vgic_mmio_write_set_enable),
	VGIC_REG_W1_PER_IRQ(GICR_ICENABLER0, VGIC_NR_PRIVATE, vgic_mmio_read_enable,
			    vgic_mmio_write_clear_enable),
	VGIC_REG_W1_PER_IRQ(GICR_ISPENDR0, VGIC_NR_PRIVATE, vgic_mmio_read_pending,
			    vgic_mmio_write_set_pending),
	VGIC_REG_W1_PER_IRQ(GICR_ICPENDR0, VGIC_NR_PRIVATE, vgic_mmio_read_pending,
			    vgic_mmio_write_clear_pending),
	VGIC_REG_W1_PER_IRQ(GICR_ISACTIVER0, VGIC_NR_PRIVATE, vgic_mmio_read_active,
			    vgic_mmio_write_set_active),
	VGIC_REG_W1_PER_IRQ(GICR_ICACTIVER0, VGIC_NR_PRIVATE, vgic_mmio_read_active,
			    vgic_mmio_write_clear_active),
	VGIC_REG_BITS_PER_IRQ(GICR_IPRIORITYR0, VGIC_NR_PRIVATE, 8, vgic_mmio_read_priority,
			      vgic_mmio_write_priority),
	VGIC_REG_BITS_PER_IRQ(GICR_ICFGR0, VGIC_NR_PRIVATE, 2, vgic_mmio_read_config,
			      vgic_mmio_write_config),
};

static const struct vgic_frame gicr_frame = {
	.regs = gicr_regs,
	.nr_regs = sizeof(gicr_regs) / sizeof(gicr_regs[0]),
	.irq = gicr_irq,
};

/* The redistributor offset addresses, or NULL beyond the last vCPU's frames. */
static struct vgic_cpu *gicr_cpu(struct vgic *vg, uint64_t offset)
{
	uint64_t n = offset / VGIC_GICR_STRIDE;

	return n < vg->nr_cpus ? vg->cpus[n] : NULL;
}

int vgic_redist_read(struct vgic *vg, struct vgic_cpu *self, uint64_t offset, unsigned int width,
		     uint64_t *val)
{
	struct vgic_mmio m = { .vg = vg, .vc = gicr_cpu(vg, offset) };

	(void)self;
	*val = 0;
	if (!m.vc)
		return VGIC_ACCESS_ABORT;
	*val = vgic_mmio_read(&gicr_frame, &m, (uint32_t)(offset % VGIC_GICR_STRIDE), width);
	return VGIC_ACCESS_OK;
}

int vgic_redist_write(struct vgic *vg, struct vgic_cpu *self, uint64_t offset, unsigned int width,
		      uint64_t val)
{
	struct vgic_mmio m = { .vg = vg, .vc = gicr_cpu(vg, offset) };
	int ret;

	(void)self;
	if (!m.vc)
		return VGIC_ACCESS_ABORT;
	ret = vgic_mmio_write(&gicr_frame, &m, (uint32_t)(offset % VGIC_GICR_STRIDE), width, val);
	return ret;
}
