/*
 * vm.c - builds a guest from its assignment (hyp/plan/assign.c): one vCPU per assigned CPU
 * (pinned, same MPIDR), its RAM, stage-2 with RAM and its devices' pages, the vGIC frames,
 * the doorbell and the virtual console as emulated MMIO, the guest timers hardware-linked,
 * its SPIs passed through in their modes. Also the VM's hooks into hardware (kicks, physical
 * deactivation), the routing of physical SPIs to their owners, and the primitives a stop or
 * restart of the guest is made of (hyp/guests/lifecycle.c): park its vCPUs, quiesce and reset its
 * interrupts, power on its first vCPU.
 */
#include "hyp/core/vm.h"
#include "arch/arm64/psci_fw.h"
#include "arch/arm64/stage2.h"
#include "arch/arm64/sysreg.h"
#include "drivers/gic.h"
#include "drivers/gicv2.h"
#include "drivers/gicv3_regs.h"
#include "drivers/timer.h"
#include "hyp/core/cpu.h"
#include "hyp/emul/channel.h"
#include "hyp/emul/doorbell.h"
#include "hyp/core/fastirq.h"
#include "lib/log.h"
#include "hyp/emul/vconsole.h"
#include "irq/passthrough.h"

#define PARK_TIMEOUT_US 1000000

static struct stage2 guest_s2[CONFIG_MAX_GUESTS];
static struct doorbell doorbells[CONFIG_MAX_GUESTS];
static struct vconsole vconsoles[CONFIG_MAX_GUESTS];
static struct passthrough timer_ppis[SKIFF_MAX_CPUS];
static struct passthrough dev_pt[ASSIGN_MAX_IRQ_DEVICES]; /* every guest's devices with SPIs */
static unsigned int dev_pt_used;
static struct passthrough *spi_owner[VGIC_MAX_INTIDS]; /* physical SPI -> its source */
static struct vm *vm_of_pt[ASSIGN_MAX_IRQ_DEVICES];

/* ---- the physical GIC as passthrough sources see it */

static void ppi_set_enable(uintptr_t rd, uint32_t pintid, bool on)
{
	gic->ppi_enable(rd, pintid, on);
}

static bool ppi_is_pending(uintptr_t rd, uint32_t pintid)
{
	return gic->ppi_pending(rd, pintid);
}

static bool ppi_is_active(uintptr_t rd, uint32_t pintid)
{
	return gic->ppi_active(rd, pintid);
}

static const struct passthrough_hw ppi_hw = {
	.set_enable = ppi_set_enable,
	.is_pending = ppi_is_pending,
	.is_active = ppi_is_active,
};

static void spi_set_enable(uintptr_t gicd, uint32_t pintid, bool on)
{
	gic->spi_enable(gicd, pintid, on);
}

static bool spi_is_pending(uintptr_t gicd, uint32_t pintid)
{
	return gic->spi_pending(gicd, pintid);
}

static bool spi_is_active(uintptr_t gicd, uint32_t pintid)
{
	return gic->spi_active(gicd, pintid);
}

static void spi_set_pending(uintptr_t gicd, uint32_t pintid, bool on)
{
	gic->spi_set_pending(gicd, pintid, on);
}

static void spi_set_active(uintptr_t gicd, uint32_t pintid, bool on)
{
	gic->spi_set_active(gicd, pintid, on);
}

static void spi_set_priority(uintptr_t gicd, uint32_t pintid, uint8_t prio)
{
	gic->spi_set_priority(gicd, pintid, prio);
}

static void spi_set_edge(uintptr_t gicd, uint32_t pintid, bool edge)
{
	gic->spi_set_edge(gicd, pintid, edge);
}

static void spi_route(uintptr_t gicd, uint32_t pintid, uint64_t mpidr)
{
	gic->spi_route(gicd, pintid, mpidr);
}

static void spi_deactivate(uint32_t pintid)
{
	gic->deactivate(pintid);
}

static const struct passthrough_hw spi_hw = {
	.set_enable = spi_set_enable,
	.is_pending = spi_is_pending,
	.is_active = spi_is_active,
	.set_pending = spi_set_pending,
	.set_active = spi_set_active,
	.set_priority = spi_set_priority,
	.set_edge = spi_set_edge,
	.route = spi_route,
	.deactivate = spi_deactivate,
};

/* ---- vGIC and VM hooks */

static void vm_vgic_kick(struct vgic *vg, unsigned int id)
{
	struct vm *vm = vg->priv;

	vm_wake(&vm->vcpus[id]);
}

/* A PPI is deactivated on the redistributor of its vCPU's CPU, whichever CPU asks. */
static void vgic_deactivate_phys(struct vgic *vg, const struct vgic_cpu *vc, uint32_t pintid)
{
	struct vm *vm = vg->priv;

	if (pintid < VGIC_INTID_SPI_BASE && vc)
		gic->ppi_deactivate(cpus[vm->vcpus[vc->id].pcpu].gicr, pintid);
	else if (pintid >= VGIC_INTID_SPI_BASE)
		gic->deactivate(pintid);
}

static const struct vgic_ops vm_vgic_ops = {
	.kick = vm_vgic_kick,
	.deactivate_phys = vgic_deactivate_phys,
	.changed = fastirq_changed,
};

void vm_wake(struct vcpu *v)
{
	if (cpu_self()->vcpu != v)
		cpu_kick(&cpus[v->pcpu]);
}

_Static_assert((int)VGIC_ACCESS_OK == (int)MMIO_OK && (int)VGIC_ACCESS_ABORT == (int)MMIO_ABORT &&
		       (int)VGIC_ACCESS_RETRY == (int)MMIO_RETRY,
	       "the vGIC's access results are MMIO results");

static int gicd_read(void *ctx, struct vcpu *v, uint64_t off, unsigned int w, uint64_t *val)
{
	return vgic_dist_read(ctx, &v->vgic, off, w, val);
}

static int gicd_write(void *ctx, struct vcpu *v, uint64_t off, unsigned int w, uint64_t val)
{
	return vgic_dist_write(ctx, &v->vgic, off, w, val);
}

static int gicr_read(void *ctx, struct vcpu *v, uint64_t off, unsigned int w, uint64_t *val)
{
	return vgic_redist_read(ctx, &v->vgic, off, w, val);
}

static int gicr_write(void *ctx, struct vcpu *v, uint64_t off, unsigned int w, uint64_t val)
{
	return vgic_redist_write(ctx, &v->vgic, off, w, val);
}

/* ---- building a VM */

static void create_vcpus(struct vm *vm, const struct config *cfg, const struct assignment *a)
{
	uint64_t mdcr = vcpu_arch_mdcr(cfg->pmu_el2_counting);
	struct vgic_cpu *vcs[VM_MAX_VCPUS];
	unsigned int i;

	vm->nr_vcpus = a->nr_cpus;
	for (i = 0; i < a->nr_cpus; i++) {
		struct vcpu *v = &vm->vcpus[i];
		int pcpu = -1;
		unsigned int k;

		for (k = 0; k < cpu_count; k++)
			if (cpus[k].mpidr == a->cpu_mpidr[i])
				pcpu = (int)k;
		if (pcpu < 0) {
			fatal("%s: CPU with MPIDR 0x%llx is not one skiff runs", vm->name,
			      (unsigned long long)a->cpu_mpidr[i]);
			return; /* not reached: fatal() stops this CPU */
		}
		v->id = i;
		v->vm = vm;
		v->pcpu = (unsigned int)pcpu;
		v->mpidr = a->cpu_mpidr[i];
		v->vgic.mpidr = v->mpidr;
		v->vgic.host_cpu = v->pcpu;
		v->power = VCPU_OFF;
		v->arch = (struct vcpu_arch_cfg){ .hcr = vcpu_arch_hcr(),
						  .vttbr = vm->vttbr,
						  .vtcr = vm->vtcr,
						  .vmpidr = v->mpidr,
						  .mdcr = mdcr };
		vcs[i] = &v->vgic;
		cpus[pcpu].vcpu = v;
		fastirq_attach(v->pcpu, &v->vgic.lr_fast, &v->exits[SKIFF_EXIT_IRQ],
			       &v->el2_cost[SKIFF_EXIT_IRQ]);
	}
	vgic_init(&vm->vgic, &vm_vgic_ops, vm_boot_nr_intids, vcs, vm->nr_vcpus);
	if (gic->version == 2) {
		vgic_set_v2(&vm->vgic);
		/* test-only gicv2-hw-lrs-on-qemu: HW=1 all the same, as on a GIC-400 */
		vm->vgic.no_hw_lrs = gicv2_hw_deact_unsignalled() && !cfg->gicv2_hw_lrs_on_qemu;
	}
	vm->vgic.asm_eoi = gic->version != 2; /* vectors.S's fast_irq_pt */
	vm->vgic.priv = vm;
	vm->vgic.gicd_base = plat.gicd.base;
	vm->vgic.gicr_base = plat.gicr[0].base;
	/* the guest's timers: hardware-linked PPIs on the vCPU's own physical CPU */
	for (i = 0; i < vm->nr_vcpus; i++) {
		uint32_t ppis[] = { plat.timer_intid[PLAT_TIMER_VIRT],
				    plat.timer_intid[PLAT_TIMER_PHYS] };
		unsigned int pcpu = vm->vcpus[i].pcpu;

		passthrough_init_ppis(&timer_ppis[pcpu], &vm->vgic, &vm->vcpus[i].vgic, &ppi_hw,
				      cpus[pcpu].gicr, ppis, 2);
	}
}

static void add_vgic_frames(struct vm *vm)
{
	struct mmio_region gicd = {
		.base = plat.gicd.base,
		.size = gic->version == 2 ? VGIC_GICD_SIZE_V2 : VGIC_GICD_SIZE,
		.name = "gicd",
		.ctx = &vm->vgic,
		.read = gicd_read,
		.write = gicd_write,
	};
	struct mmio_region gicr = {
		.base = plat.gicr[0].base,
		.size = plat.gicr[0].size,
		.name = "gicr",
		.ctx = &vm->vgic,
		.read = gicr_read,
		.write = gicr_write,
	};

	if (!mmio_add(&vm->mmio, &gicd) || (gic->version == 3 && !mmio_add(&vm->mmio, &gicr)))
		fatal("%s: cannot register the vGIC frames", vm->name);
}

static void map_stage2(struct vm *vm, unsigned int idx, const struct assignment *a, bool ram_pages)
{
	struct stage2 *s2 = &guest_s2[idx];
	unsigned int i;
	int ret = stage2_init(s2);

	s2->ram_pages = ram_pages;

	for (i = 0; i < a->nr_mem && !ret; i++)
		ret = stage2_map_ram(s2, a->mem[i].base, a->mem[i].size);
	for (i = 0; i < a->nr_mmio && !ret; i++)
		ret = stage2_map_device(s2, a->mmio[i].base, a->mmio[i].size);
	for (i = 0; i < a->nr_chan && !ret; i++)
		ret = stage2_map_shared(s2, a->chan[i].mem.base, a->chan[i].mem.size);
	/* GICv2: the guest's GICC (8 KiB, its tree says) is the hardware's GICV, page by page
	 * (the second from +64 KiB on a GIC-400 wired with aliases) */
	if (!ret && gic->version == 2)
		ret = stage2_map_device_at(s2, plat.gicc.base, plat.gicv.base, PLAT_PAGE);
	if (!ret && gic->version == 2)
		ret = stage2_map_device_at(s2, plat.gicc.base + PLAT_PAGE,
					   gicv2_gicc_page1(plat.gicv.base, plat.gicv.size),
					   PLAT_PAGE);
	if (ret)
		fatal("%s: cannot build stage-2 tables (error %d)", vm->name, ret);
	vm->s2 = s2->pt;
	vm->vtcr = s2->vtcr;
	vm->vttbr = stage2_vttbr(s2, idx + 1);
}

static void pass_device_spis(struct vm *vm, const struct assignment *a,
			     const struct assign_device *d)
{
	uint32_t intids[CONFIG_MAX_DEV_IRQS];
	enum irq_mode modes[CONFIG_MAX_DEV_IRQS];
	bool edges[CONFIG_MAX_DEV_IRQS];
	struct passthrough *p;
	unsigned int i;

	if (!d->nr_spi)
		return;
	if (dev_pt_used == ASSIGN_MAX_IRQ_DEVICES)
		fatal("%s: more than %u devices with interrupts", vm->name, ASSIGN_MAX_IRQ_DEVICES);
	for (i = 0; i < d->nr_spi; i++) {
		const struct assign_spi *s = &a->spi[d->first_spi + i];

		intids[i] = s->intid;
		modes[i] = s->mode;
		edges[i] = s->edge;
	}
	p = &dev_pt[dev_pt_used];
	if (passthrough_init_spis(p, &vm->vgic, &spi_hw, plat.gicd.base, intids, modes, edges,
				  d->nr_spi, &vm->oneshot_no_deferral))
		fatal("%s: cannot pass SPI %u through", vm->name, intids[0]);
	vm_of_pt[dev_pt_used++] = vm;
	for (i = 0; i < d->nr_spi; i++)
		spi_owner[intids[i]] = p;
}

void vm_create(struct vm *vm, unsigned int idx, const struct config *cfg,
	       const struct assignment *a, const struct vm_ops *ops)
{
	unsigned int i;

	vm->id = idx;
	vm->name = cfg->guest[idx].name;
	vm->state = VM_IDLE;
	vm->ops = ops;
	vm->oneshot_no_deferral = cfg->oneshot_no_deferral;
	vm->nr_ram = a->nr_mem < VM_MAX_RAM ? a->nr_mem : VM_MAX_RAM;
	for (i = 0; i < vm->nr_ram; i++)
		vm->ram[i] = a->mem[i];
	map_stage2(vm, idx, a, cfg->stage2_4k_pages);
	create_vcpus(vm, cfg, a);
	add_vgic_frames(vm);
	for (i = 0; i < a->nr_devices; i++)
		pass_device_spis(vm, a, &a->dev[i]);
	if (a->doorbell_base && doorbell_attach(&doorbells[idx], &vm->mmio, &vm->vgic,
						a->doorbell_base, a->doorbell_intid))
		fatal("%s: cannot attach the doorbell device", vm->name);
	if (a->vconsole_base &&
	    vconsole_attach(&vconsoles[idx], &vm->mmio, (int)vm->id, a->vconsole_base))
		fatal("%s: cannot attach the virtual console", vm->name);
	for (i = 0; i < a->nr_chan; i++)
		if (channel_attach(a->chan[i].channel, a->chan[i].end, &vm->mmio, &vm->vgic,
				   a->chan[i].db_base, a->chan[i].intid))
			fatal("%s: cannot attach channel %u", vm->name, a->chan[i].channel);
}

/* The passthrough source a physical SPI belongs to, NULL if none (lock-free: set at boot). */
static struct passthrough *vm_spi_source(uint32_t intid)
{
	return intid < VGIC_MAX_INTIDS ? spi_owner[intid] : NULL;
}

struct vm *vm_handle_spi(uint32_t intid)
{
	struct passthrough *p = vm_spi_source(intid);
	int index;

	if (!p)
		return NULL;
	index = passthrough_find(p, intid);
	if (index < 0)
		return NULL;
	passthrough_handle(p, (unsigned int)index);
	return p->src.vgic->priv; /* the VM (vm_vgic_ops) */
}

/* ---- stopping and restarting (hyp/guests/lifecycle.c) */

bool vm_stop_vcpus(struct vm *vm, enum vm_state from)
{
	unsigned int i;

	spin_lock(&vm->power_lock);
	if (vm_get_state(vm) != from) {
		spin_unlock(&vm->power_lock);
		return false;
	}
	__atomic_store_n(&vm->state, VM_STOPPING, __ATOMIC_RELEASE);
	for (i = 0; i < vm->nr_vcpus; i++) /* then parked is read: see vcpu_settled() */
		__atomic_store_n(&vm->vcpus[i].power, VCPU_OFF, __ATOMIC_SEQ_CST);
	spin_unlock(&vm->power_lock);
	for (i = 0; i < vm->nr_vcpus; i++)
		vm_wake(&vm->vcpus[i]);
	return true;
}

/* Whether v is out of its guest for good: parked, or on a CPU that never came up (where it
 * cannot run at all). Read after its power was set OFF, both sequentially consistent: see
 * wait_power_on() in hyp/run/vcpu.c. */
static bool vcpu_settled(const struct vcpu *v)
{
	return __atomic_load_n(&v->parked, __ATOMIC_SEQ_CST) ||
	       cpu_get_state(&cpus[v->pcpu]) != CPU_UP;
}

bool vm_wait_parked(struct vm *vm, const struct vcpu *self)
{
	uint64_t deadline = timer_count() + timer_us_to_ticks(PARK_TIMEOUT_US);
	unsigned int i;

	for (i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		while (v != self && !vcpu_settled(v)) {
			if (timer_count() > deadline) {
				/* a CPU that does not answer a kick for a second is lost at EL2 */
				log_guest_alert((int)vm->id, "vcpu%u on cpu%u does not park", i,
						v->pcpu);
				return false;
			}
			wfe();
		}
	}
	return true;
}

void vm_quiesce(struct vm *vm)
{
	unsigned int i;

	spin_lock(&vm->vgic.config_lock);
	for (i = 0; i < dev_pt_used; i++)
		if (vm_of_pt[i] == vm)
			passthrough_quiesce(&dev_pt[i]);
	for (i = 0; i < vm->nr_vcpus; i++)
		passthrough_quiesce(&timer_ppis[vm->vcpus[i].pcpu]);
	vgic_reset(&vm->vgic);
	spin_unlock(&vm->vgic.config_lock);
	doorbell_reset(&doorbells[vm->id]);
	channel_reset(&vm->vgic);
	vconsole_reset(&vconsoles[vm->id]);
	for (i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		v->lrs_clean = false;
		v->boot_entry = 0;
		v->boot_context = 0;
	}
}

__attribute__((cold)) void vm_set_aarch32(struct vm *vm)
{
	unsigned int i;

	vm->aarch32 = true;
	for (i = 0; i < vm->nr_vcpus; i++)
		vm->vcpus[i].arch.hcr &= ~HCR_EL2_RW;
}

void vm_start(struct vm *vm, uint64_t entry, uint64_t context)
{
	struct vcpu *v0 = &vm->vcpus[0];
	unsigned int i;

	spin_lock(&vm->vgic.config_lock);
	for (i = 0; i < dev_pt_used; i++)
		if (vm_of_pt[i] == vm)
			passthrough_restart(&dev_pt[i]);
	for (i = 0; i < vm->nr_vcpus; i++)
		passthrough_restart(&timer_ppis[vm->vcpus[i].pcpu]);
	spin_unlock(&vm->vgic.config_lock);

	spin_lock(&vm->power_lock);
	v0->boot_entry = entry;
	v0->boot_context = context;
	v0->boot_kernel = true;
	__atomic_store_n(&vm->state, VM_RUNNING, __ATOMIC_RELEASE);
	vcpu_set_power(v0, VCPU_ON_PENDING); /* release: entry and context first */
	spin_unlock(&vm->power_lock);
	vm_wake(v0);
}

bool vm_spi_counter(const struct vm *vm, uint32_t intid, unsigned int id, uint64_t *val)
{
	struct passthrough *p = intid < VGIC_MAX_INTIDS ? spi_owner[intid] : NULL;
	unsigned int i;

	for (i = 0; p && i < dev_pt_used; i++) {
		if (&dev_pt[i] != p)
			continue;
		if (vm_of_pt[i] != vm)
			return false;
		*val = passthrough_counter(p, (unsigned int)passthrough_find(p, intid), id);
		if (id == SKIFF_CNT_SPI_TAKEN || id == SKIFF_CNT_SPI_INJECTED)
			*val += fastirq_count(&vm->vgic,
					      intid); /* hw mode: the fast path counts these */
		return true;
	}
	return false;
}

unsigned int vm_boot_nr_intids;

void vm_print_stats(const struct vm *vm)
{
	static const char *const names[SKIFF_EXIT_COUNT] = {
		"irq",	 "mmio",  "hvc",   "smc",  "sysreg",  "abort",
		"undef", "other", "maint", "kick", "foreign",
	};
	unsigned int i, r;

	for (i = 0; i < vm->nr_vcpus; i++) {
		const struct vcpu *v = &vm->vcpus[i];

		for (r = 0; r < SKIFF_EXIT_COUNT; r++)
			if (v->exits[r])
				log_guest(vm->id, "stats: vcpu%u: exits %s %llu", i, names[r],
					  (unsigned long long)v->exits[r]);
	}
	for (i = 0; i < dev_pt_used; i++) {
		const struct passthrough *p = &dev_pt[i];
		unsigned int l;

		if (vm_of_pt[i] != vm)
			continue;
		for (l = 0; l < p->src.count; l++)
			log_guest(vm->id,
				  "stats: spi %u (%s): taken %llu injected %llu maint %llu "
				  "unmasked %llu",
				  p->line[l].pintid, irq_mode_name(p->line[l].mode),
				  (unsigned long long)(p->line[l].taken +
						       fastirq_count(&vm->vgic, p->line[l].pintid)),
				  (unsigned long long)(p->line[l].injected +
						       fastirq_count(&vm->vgic, p->line[l].pintid)),
				  (unsigned long long)p->line[l].maint,
				  (unsigned long long)p->line[l].unmasked);
	}
}
