/*
 * vgic_dist.c - the guest's GICv3 distributor (GICD): one register table over the machinery
 * of irq/vgic_mmio.c; vgic_dist_read/write serve a GICv2 VM from irq/vgic_dist_v2.c's table
 * instead. The guest sees a single Security state (GICD_CTLR.DS = 1) with affinity routing
 * always on. SPIs the VM does not own and INTIDs beyond nr_intids read as zero and ignore
 * writes, as do the SGI/PPI words (they live in the redistributors with ARE on). Must not
 * touch redistributor state or hardware: physical effects go through struct vgic_ops and the
 * interrupt's source.
 */
#include "irq/vgic_mmio.h"

static struct virq *gicd_irq(struct vgic_mmio *m, uint32_t intid)
{
	if (intid < VGIC_INTID_SPI_BASE)
		return NULL;
	return vgic_get_virq(m->vg, NULL, intid); /* NULL if not owned or beyond nr_intids */
}

/*
 * GICD_TYPER: ITLinesNumber from nr_intids; CPUNumber 0 (meaningless with ARE on);
 * SecurityExtn 0 (single Security state); no MBIs, LPIs, ESPIs, NMIs or direct vLPIs;
 * IDbits 9 (INTIDs 0..1023); A3V 1 and RSS 1, as IROUTER, GICR_TYPER and the SGI decode
 * handle every affinity level and Aff0 up to 255; No1N 1 (no 1-of-N routing: IROUTER.IRM
 * is RAZ/WI).
 */
static uint64_t gicd_read_typer(struct vgic_mmio *m, uint32_t idx)
{
	(void)idx;
	return (m->vg->nr_intids / 32 - 1) | VGIC_IDBITS << GICD_TYPER_IDBITS_SHIFT |
	       GICD_TYPER_A3V | GICD_TYPER_NO1N | GICD_TYPER_RSS;
}

/* GICD_IROUTER<n>, n = idx: Aff3.Aff2.Aff1.Aff0 stored, IRM RAZ/WI (No1N). A new route
 * moves the interrupt to the new target's list, or off every list if no vCPU has it. */
static uint64_t gicd_read_irouter(struct vgic_mmio *m, uint32_t idx)
{
	struct virq *v = gicd_irq(m, idx);
	uint64_t route = 0;

	if (v) {
		spin_lock(&v->lock);
		route = v->route;
		spin_unlock(&v->lock);
	}
	return route;
}

static void gicd_write_irouter(struct vgic_mmio *m, uint32_t idx, uint64_t val)
{
	struct virq *v = gicd_irq(m, idx);
	uint64_t route = val & GICD_IROUTER_AFF_MASK;

	if (v) {
		spin_lock(&v->lock);
		vgic_set_route(m->vg, v, route);
		spin_unlock(&v->lock);
	}
}

static uint64_t gicd_read_idreg(struct vgic_mmio *m, uint32_t idx)
{
	(void)m;
	return vgic_mmio_idreg(idx);
}

/*
 * Not in the table, hence RAZ/WI: STATUSR; SETSPI/CLRSPI (no MBIs); ITARGETSR, SGIR,
 * CPENDSGIR and SPENDSGIR (affinity routing is on); IGRPMODR and NSACR (single Security
 * state); every reserved or IMPLEMENTATION DEFINED offset.
 */
static const struct vgic_reg gicd_regs[] = {
	VGIC_REG_32(GICD_CTLR, 1, vgic_mmio_read_ctlr, vgic_mmio_write_ctlr),
	VGIC_REG_32(GICD_TYPER, 1, gicd_read_typer, NULL),
	VGIC_REG_32(GICD_IIDR, 1, vgic_mmio_read_iidr, NULL),
	VGIC_REG_32(GICD_TYPER2, 1, NULL, NULL),
	VGIC_GICD_PER_INTID_ROWS,
	VGIC_REG_BITS_PER_IRQ(GICD_ICFGR, VGIC_GICD_INTIDS, 2, vgic_mmio_read_config,
			      vgic_mmio_write_config),
	VGIC_REG_64(GICD_IROUTER, VGIC_GICD_INTIDS, gicd_read_irouter, gicd_write_irouter),
	VGIC_REG_32(GICD_PIDR4, GIC_IDREGS_COUNT, gicd_read_idreg, NULL),
};

static const struct vgic_frame gicd_frame = {
	.regs = gicd_regs,
	.nr_regs = sizeof(gicd_regs) / sizeof(gicd_regs[0]),
	.irq = gicd_irq,
};

/* The distributor a VM's guest sees: GICv3's, or GICv2's (irq/vgic_dist_v2.c, one page).
 * An offset past the frame finds no row in it: RAZ/WI, as the architecture's reserved
 * offsets (the MMIO bus gives the handlers only offsets inside the region anyway). */
static const struct vgic_frame *gicd_frame_of(const struct vgic *vg, uint64_t offset)
{
	if (offset > UINT32_MAX)
		return NULL; /* the rows' offsets are 32 bits */
	return vg->version == VGIC_V2 ? &gicd_v2_frame : &gicd_frame;
}

int vgic_dist_read(struct vgic *vg, struct vgic_cpu *self, uint64_t offset, unsigned int width,
		   uint64_t *val)
{
	struct vgic_mmio m = { .vg = vg, .vc = self };
	const struct vgic_frame *f = gicd_frame_of(vg, offset);

	*val = 0;
	if (!f)
		return VGIC_ACCESS_OK;
	*val = vgic_mmio_read(f, &m, (uint32_t)offset, width);
	return VGIC_ACCESS_OK;
}

int vgic_dist_write(struct vgic *vg, struct vgic_cpu *self, uint64_t offset, unsigned int width,
		    uint64_t val)
{
	struct vgic_mmio m = { .vg = vg, .vc = self };
	const struct vgic_frame *f = gicd_frame_of(vg, offset);
	int ret;

	if (!f)
		return VGIC_ACCESS_OK;
	ret = vgic_mmio_write(f, &m, (uint32_t)offset, width, val);
	return ret;
}
