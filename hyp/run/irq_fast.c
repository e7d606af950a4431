/*
 * irq_fast.c - the C half of the eoi/oneshot fast path (docs/interrupts.md, "The eoi and oneshot
 * fast path"): arch/arm64/vectors.S calls fastirq_c() for an interrupt whose fast-path entry
 * asks for it, with the guest's caller-saved registers saved and nothing else. It handles the
 * maintenance interrupt, and on a GICv2 a passed-through eoi/oneshot SPI of the vCPU running
 * here (a GICv3's is injected by the assembly, fast_irq_pt), through irq/lr_fast.c's logic;
 * anything else goes to the general path (irq_entry). On a GICv3 that logic is instantiated
 * here with the registers as direct accesses (drivers/gicv3_fast.h), on a GICv2 it goes through
 * struct lr_hw and the lines' passthrough_hw. Touches this CPU's vCPU, its
 * vGIC state through irq/, and the physical GIC through gic or gicv3_fast.h.
 */
#include "hyp/run/irq_fast.h"

#include "drivers/gic.h"
#include "drivers/gicv3_fast.h"
#include "hyp/core/cpu.h"
#include "hyp/core/vm.h"
#include "irq/lr_fast.h"

static uint32_t v3_elrsr(void)
{
	return gicv3_fast_elrsr();
}

static uint32_t v3_eisr(void)
{
	return gicv3_fast_eisr();
}

static uint32_t v3_misr(void)
{
	return gicv3_fast_misr();
}

static uint64_t v3_read_lr(unsigned int n)
{
	return gicv3_fast_read_lr(n);
}

static void v3_write_lr(unsigned int n, uint64_t val)
{
	gicv3_fast_write_lr(n, val);
}

static void v3_spi_enable(uintptr_t gicd, uint32_t pintid, bool on)
{
	gicv3_fast_spi_enable(gicd, pintid, on);
	/* a mask here is a oneshot line's, written again just before its deactivation
	 * (passthrough_fast_eoi_line; the fire's own mask is the assembly's): the store
	 * completed before ICC_DIR_EL1 */
	if (!on)
		dsb_sy();
}

static void v3_deactivate(uint32_t pintid)
{
	gicv3_fast_deactivate_spi(pintid); /* the maintenance interrupt's end synchronizes */
}

/* What the fast path needs of gicv3_lr_hw, as constants the compiler inlines */
static const struct lr_hw v3_lr = {
	.read_lr = v3_read_lr,
	.write_lr = v3_write_lr,
	.read_elrsr = v3_elrsr,
	.read_eisr = v3_eisr,
	.read_misr = v3_misr,
};

/* An eoi/oneshot SPI's effects on a GICv3: what hyp/core/vm.c's spi_hw does through gicv3_ops
 * (spi_enable, deactivate), the only passthrough_hw an SPI of a VM has */
static const struct passthrough_hw v3_spi = {
	.set_enable = v3_spi_enable,
	.deactivate = v3_deactivate,
};

/* The maintenance interrupt's end, once the EOId LRs are finished (r: lr_fast_maint_body's) */
__attribute__((cold, noinline)) static int maint_end(struct vcpu *v, uint32_t intid,
						     enum lr_fast_maint_result r)
{
	if (r == LR_FAST_REFILL)
		lr_fast_refill(&v->vgic, gic->lr);
	/* what a refill's prune moved; more than requeue holds: prune again, as flush() */
	while (v->vgic.nr_requeue && vgic_requeue(&v->vm->vgic, &v->vgic)) {
		spin_lock(&v->vgic.ap_lock);
		vgic_prune(&v->vm->vgic, &v->vgic);
		spin_unlock(&v->vgic.ap_lock);
	}
	v->lrs_clean = v->vgic.lr_used == 0;
	v->exits[SKIFF_EXIT_MAINT]++;
	gic->eoi(intid);
	gic->deactivate(intid); /* its condition is gone: the EOId LRs are cleared */
	return 0;
}

static inline int general(struct cpu *c, uint32_t intid)
{
	c->fast.acked = intid + 1; /* irq_entry() takes it from here */
	return 1;
}

/* The maintenance interrupt on a GICv3 */
__attribute__((noinline)) static int maint_v3(struct cpu *c, struct vcpu *v, uint32_t intid)
{
	enum lr_fast_maint_result r = lr_fast_maint_body(&v->vgic, &v3_lr, gic->lr, &v3_spi);

	if (r == LR_FAST_NOT)
		return general(c, intid);
	if (r == LR_FAST_REFILL || v->vgic.nr_requeue)
		return maint_end(v, intid, r);
	v->lrs_clean = v->vgic.lr_used == 0;
	v->exits[SKIFF_EXIT_MAINT]++;
	gicv3_fast_eoi(intid);
	gicv3_fast_deactivate(intid); /* its condition is gone: the EOId LRs are cleared */
	return 0;
}

/*
 * The maintenance interrupt on a GICv3 in the common case: the guest EOId one LR, which the
 * assembly fire wrote (fast_irq_pt), and nothing else is asked of the maintenance (no overflow
 * enable): no ap_lock, no list, the line finished under its virq's lock
 * (lr_fast_maint_pt_one). Anything else: maint_v3. Kept apart, and small, so that the common
 * case pays for few registers.
 */
static int maint_pt_v3(struct cpu *c, struct vcpu *v, uint32_t intid)
{
	struct vgic_cpu *vc = &v->vgic;
	uint32_t eoi_lrs = gicv3_fast_eisr();

	/* ICH_MISR_EL2 is EOI alone: skiff never sets ICH_HCR_EL2's VGrp* enables, and no
	 * overflow enable (UIE, LRENPIE, NPIE: IHI 0069 12.4.8) is set */
	if ((vc->hcr & LR_HCR_OVERFLOW) || !eoi_lrs || (eoi_lrs & (eoi_lrs - 1)) ||
	    !(eoi_lrs & (uint32_t)vc->lr_fast) ||
	    !lr_fast_maint_pt_one(vc, &v3_lr, &v3_spi, (unsigned int)__builtin_ctz(eoi_lrs)))
		return maint_v3(c, v, intid);
	v->exits[SKIFF_EXIT_MAINT]++;
	gicv3_fast_eoi(intid);
	gicv3_fast_deactivate(intid); /* its condition is gone: the EOId LR is cleared */
	return 0;
}

/* A GICv3 (vectors.S, fast_irq): the registers directly. Only the maintenance interrupt comes
 * here: an eoi/oneshot SPI's fire is the assembly's (fast_irq_pt). */
int fastirq_c(struct cpu *c, uint32_t intid, const struct fast_irq *e)
{
	struct vcpu *v = c->vcpu;

	(void)e;
	if (v && intid == plat.gic_maint_intid)
		return maint_pt_v3(c, v, intid);
	return general(c, intid);
}

/* A GICv2 (vectors.S, fast_irq_v2): through struct lr_hw and the lines' passthrough_hw */
int fastirq_c_v2(struct cpu *c, uint32_t intid, const struct fast_irq *e)
{
	struct vcpu *v = c->vcpu;
	struct virq *vq;

	if (!v)
		return general(c, intid);
	if (intid == plat.gic_maint_intid) {
		if (!lr_fast_maint(&v->vgic, gic->lr)) /* refilled already if it had to */
			return general(c, intid);
		return maint_end(v, intid, LR_FAST_DONE);
	}
	vq = __atomic_load_n(&e->virq, __ATOMIC_RELAXED);
	if (!vq || !lr_fast_inject(&v->vgic, gic->lr, vq, &e->lr))
		return general(c, intid);
	v->lrs_clean = false;
	gic->eoi(intid); /* priority drop; skiff deactivates at the guest's EOI */
	return 0;
}
