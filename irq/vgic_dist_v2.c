/*
 * vgic_dist_v2.c - the guest's GICv2 distributor (GICD, IHI 0048B 4.3): one 4 KiB page, one
 * register table over the machinery and per-INTID handlers of irq/vgic_mmio.c, used by
 * vgic_dist_read/write for a VM after vgic_set_v2(). The guest sees a GIC without the Security
 * Extensions. INTIDs 0..31 are banked: each vCPU reaches its own SGIs and PPIs. SPIs the VM
 * does not own and INTIDs beyond nr_intids read as zero and ignore writes. SPIs go where
 * ITARGETSR sends them (the lowest vCPU it names); SGIs come from GICD_SGIR and SPENDSGIR, one
 * pending state per requesting vCPU (virq.sgi_sources, which irq/lr.c puts in GICH_LR.CPUID).
 * Must not touch hardware, list registers or redistributor state: physical effects go through
 * struct vgic_ops and the interrupt's source.
 */
#include "irq/vgic_mmio.h"

/* INTIDs 0..31 are the accessing vCPU's; SPIs only if owned and below nr_intids */
static struct virq *gicd2_irq(struct vgic_mmio *m, uint32_t intid)
{
	return vgic_get_virq(m->vg, m->vc, intid);
}

/* The vCPUs of the VM, as a CPU mask (ITARGETSR, SGIR's CPUTargetList, SGI sources) */
static uint32_t gicd2_cpus(const struct vgic *vg)
{
	return (1u << vg->nr_cpus) - 1;
}

/* GICD_TYPER (4.3.2): ITLinesNumber from nr_intids, CPUNumber = vCPUs - 1, SecurityExtn 0
 * (hence LSPI 0). */
static uint64_t gicd2_read_typer(struct vgic_mmio *m, uint32_t idx)
{
	(void)idx;
	return (m->vg->nr_intids / 32 - 1) |
	       ((m->vg->nr_cpus - 1) << GICD_TYPER_CPUNUMBER_SHIFT & GICD_V2_TYPER_CPUNUMBER_MASK);
}

/* GICD_ITARGETSR<n> (4.3.12): for SGIs and PPIs read-only, each byte the reading vCPU's own
 * bit; for an SPI the byte as written, masked to the VM's vCPUs. */
static uint32_t gicd2_read_targets(struct vgic_mmio *m, struct virq *v)
{
	return v->intid < VGIC_NR_PRIVATE ? 1u << m->vc->id : (uint32_t)v->route;
}

static void gicd2_write_targets(struct vgic_mmio *m, struct virq *v, uint32_t field)
{
	if (v->intid >= VGIC_NR_PRIVATE)
		vgic_set_route(m->vg, v, field & gicd2_cpus(m->vg));
}

/* SGI v made pending from the vCPUs of the mask sources (v's lock held); the vCPUs to kick
 * once it is let go (vgic_queue_deferred). */
static uint32_t gicd2_pend_sgi(struct vgic *vg, struct virq *v, uint32_t sources)
{
	SPIN_ASSERT_HELD(&v->lock);
	if (!(sources & ~v->sgi_sources))
		return 0;
	v->sgi_sources |= (uint8_t)sources;
	v->pending_latch = true;
	return vgic_queue_deferred(vg, v);
}

/*
 * GICD_SGIR (4.3.15), write-only: SGI SGIINTID from the accessing vCPU to the vCPUs
 * TargetListFilter selects - CPUTargetList (bits beyond the VM's vCPUs ignored), every other
 * vCPU, or the accessing one; the reserved filter does nothing. NSATT is ignored (no Security
 * Extensions: the SGI is sent whatever its group).
 */
static void gicd2_write_sgir(struct vgic_mmio *m, uint32_t idx, uint64_t val)
{
	struct vgic *vg = m->vg;
	uint32_t intid = (uint32_t)val & GICD_SGIR_SGIINTID_MASK;
	uint32_t targets, self, i, kick = 0;

	(void)idx;
	if (!m->vc)
		return;
	self = 1u << m->vc->id;
	switch ((val >> GICD_SGIR_TARGETLISTFILTER_SHIFT) & GICD_SGIR_TARGETLISTFILTER_MASK) {
	case GICD_SGIR_FILTER_LIST:
		targets = (uint32_t)(val >> GICD_SGIR_CPUTARGETLIST_SHIFT) &
			  GICD_SGIR_CPUTARGETLIST_MASK;
		break;
	case GICD_SGIR_FILTER_OTHERS:
		targets = ~self;
		break;
	case GICD_SGIR_FILTER_SELF:
		targets = self;
		break;
	default:
		return;
	}
	for (i = 0; i < vg->nr_cpus; i++) /* CPUTargetList bits beyond them are ignored */
		if (targets & (1u << i)) {
			struct virq *v = &vg->cpus[i]->private_irqs[intid];

			spin_lock(&v->lock);
			kick |= gicd2_pend_sgi(vg, v, self);
			spin_unlock(&v->lock);
		}
	vgic_kick_mask(vg, kick);
}

/* GICD_CPENDSGIR<n> / GICD_SPENDSGIR<n> (4.3.16, 4.3.17): one byte per SGI of the accessing
 * vCPU, bit n for the SGI from vCPU n pending. */
static uint32_t gicd2_read_sgi_sources(struct vgic_mmio *m, struct virq *v)
{
	(void)m;
	return v->sgi_sources;
}

static void gicd2_write_spendsgir(struct vgic_mmio *m, struct virq *v, uint32_t field)
{
	/* a register write, under v's lock: it kicks there, as the others do (docs/locks.md) */
	vgic_kick_mask(m->vg, gicd2_pend_sgi(m->vg, v, field & gicd2_cpus(m->vg)));
}

static void gicd2_write_cpendsgir(struct vgic_mmio *m, struct virq *v, uint32_t field)
{
	if (!(field & v->sgi_sources))
		return;
	v->sgi_sources &= (uint8_t)~field;
	v->pending_latch = v->sgi_sources != 0;
	vgic_queue(m->vg, v);
}

/* ICPIDR0..7, ICCIDR0..3 (4.3.18 and Table 4-2): GICv3's values (vgic_mmio_idreg), but one
 * 4 KiB page (ICPIDR4.SIZE 0) and ArchRev 2 in ICPIDR2. */
static uint64_t gicd2_read_idreg(struct vgic_mmio *m, uint32_t idx)
{
	uint32_t id = vgic_mmio_idreg(idx);

	(void)m;
	if (idx == GIC_IDREG_PIDR4)
		id &= ~GIC_PIDR4_SIZE_MASK;
	if (idx == GIC_IDREG_PIDR2)
		id = (id & ~(GIC_PIDR2_ARCHREV_MASK << GIC_PIDR2_ARCHREV_SHIFT)) |
		     GIC_ARCHREV_GICV2 << GIC_PIDR2_ARCHREV_SHIFT;
	return id;
}

/*
 * GICD_CTLR: EnableGrp0 and EnableGrp1 (4.3.1, without Security Extensions), the rest RAZ/WI.
 * IGROUPR, I{S,C}ENABLER, I{S,C}ACTIVER, IPRIORITYR, ICFGR as GICv3's, words 0 banked;
 * I{S,C}PENDR too, but an SGI's bit ignores writes (vgic_mmio.c), and ICFGR0 keeps SGIs edge.
 * Not in the table, hence RAZ/WI: NSACR (no Security Extensions), the IMPLEMENTATION DEFINED
 * PPI/SPI status registers at 0xd00, every reserved offset, and all past the page
 * (vgic_dist.c).
 */
static const struct vgic_reg gicd2_regs[] = {
	VGIC_REG_32(GICD_CTLR, 1, vgic_mmio_read_ctlr, vgic_mmio_write_ctlr),
	VGIC_REG_32(GICD_TYPER, 1, gicd2_read_typer, NULL),
	VGIC_REG_32(GICD_IIDR, 1, vgic_mmio_read_iidr, NULL),
	VGIC_GICD_PER_INTID_ROWS,
	VGIC_REG_BITS_PER_IRQ(GICD_ITARGETSR, VGIC_GICD_INTIDS, 8, gicd2_read_targets,
			      gicd2_write_targets),
	VGIC_REG_BITS_PER_IRQ(GICD_ICFGR, VGIC_GICD_INTIDS, 2, vgic_mmio_read_config,
			      vgic_mmio_write_config),
	VGIC_REG_32(GICD_SGIR, 1, NULL, gicd2_write_sgir),
	VGIC_REG_BITS_PER_IRQ(GICD_CPENDSGIR, VGIC_NR_SGIS, 8, gicd2_read_sgi_sources,
			      gicd2_write_cpendsgir),
	VGIC_REG_BITS_PER_IRQ(GICD_SPENDSGIR, VGIC_NR_SGIS, 8, gicd2_read_sgi_sources,
			      gicd2_write_spendsgir),
	VGIC_REG_32(GICD_V2_ICPIDR4, GIC_IDREGS_COUNT, gicd2_read_idreg, NULL),
};

const struct vgic_frame gicd_v2_frame = {
	.regs = gicd2_regs,
	.nr_regs = sizeof(gicd2_regs) / sizeof(gicd2_regs[0]),
	.irq = gicd2_irq,
};
