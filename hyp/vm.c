/*
 * vm.c - builds the guest from the platform: one vCPU per skiff CPU (pinned, same MPIDR),
 * all RAM but skiff's own, stage-2 with RAM and the console UART page, the vGIC frames and
 * the doorbell as emulated MMIO, the guest timers hardware-linked. Also the VM's hooks into
 * hardware (kicks, physical deactivation, power).
 */
#include "hyp/vm.h"
#include "arch/arm64/mmu.h"
#include "arch/arm64/psci_fw.h"
#include "drivers/gicv3.h"
#include "hyp/cpu.h"
#include "hyp/doorbell.h"
#include "hyp/log.h"
#include "hyp/vm_boot.h"
#include "irq/passthrough.h"

#define GUEST_VMID 1

static struct doorbell doorbell;
static struct passthrough timer_ppis[VM_MAX_VCPUS];

static void ppi_set_enable(uintptr_t rd, uint32_t pintid, bool on)
{
	gicv3_ppi_enable(rd, pintid, on);
}

static bool ppi_is_pending(uintptr_t rd, uint32_t pintid)
{
	return gicv3_ppi_pending(rd, pintid);
}

static const struct passthrough_hw ppi_hw = {
	.set_enable = ppi_set_enable,
	.is_pending = ppi_is_pending,
};

static void vgic_kick(struct vgic *vg, unsigned int id)
{
	struct vm *vm = vg->priv;
	struct vcpu *v = &vm->vcpus[id];

	if (cpu_self()->vcpu != v)
		cpu_kick(&cpus[v->pcpu]);
}

static void vgic_deactivate_phys(struct vgic *vg, uint32_t pintid)
{
	(void)vg;
	if (pintid < VGIC_INTID_SPI_BASE)
		gicv3_ppi_deactivate(cpu_self()->gicr, pintid);
	else
		gicv3_deactivate(pintid);
}

static const struct vgic_ops vm_vgic_ops = {
	.kick = vgic_kick,
	.deactivate_phys = vgic_deactivate_phys,
};

static void vm_wake(struct vcpu *v)
{
	if (cpu_self()->vcpu != v)
		cpu_kick(&cpus[v->pcpu]);
}

static void vm_system_off(struct vm *vm)
{
	log_info("guest %u: SYSTEM_OFF: powering off", vm->id);
	psci_fw_system_off();
	fatal("PSCI SYSTEM_OFF returned");
}

static void vm_system_reset(struct vm *vm)
{
	log_info("guest %u: SYSTEM_RESET: resetting the machine", vm->id);
	psci_fw_system_reset();
	fatal("PSCI SYSTEM_RESET returned");
}

static const struct vm_ops guest_vm_ops = {
	.wake = vm_wake,
	.system_off = vm_system_off,
	.system_reset = vm_system_reset,
};

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

static void add_ram(struct vm *vm, uint64_t base, uint64_t end)
{
	if (end <= base)
		return;
	if (vm->nr_ram == VM_MAX_RAM) {
		log_info("guest: more than %u RAM ranges, 0x%llx-0x%llx not given", VM_MAX_RAM,
			 (unsigned long long)base, (unsigned long long)end - 1);
		return;
	}
	vm->ram[vm->nr_ram].base = base;
	vm->ram[vm->nr_ram].size = end - base;
	vm->nr_ram++;
}

/* Every RAM bank minus [reserved.base, reserved.end), skiff's own. */
static void assign_ram(struct vm *vm)
{
	struct mmu_reserved res = mmu_reserved();
	unsigned int i;

	for (i = 0; i < plat.mem_count; i++) {
		uint64_t base = plat.mem[i].base, end = base + plat.mem[i].size;

		add_ram(vm, base, end < res.base ? end : res.base);
		add_ram(vm, base > res.end ? base : res.end, end);
	}
}

static void create_vcpus(struct vm *vm)
{
	struct vgic_cpu *vcs[VM_MAX_VCPUS];
	unsigned int i;

	vm->nr_vcpus = cpu_count;
	for (i = 0; i < cpu_count; i++) {
		struct vcpu *v = &vm->vcpus[i];

		v->id = i;
		v->vm = vm;
		v->pcpu = i;
		v->mpidr = cpus[i].mpidr;
		v->vgic.mpidr = v->mpidr;
		v->power = VCPU_OFF;
		vcs[i] = &v->vgic;
		cpus[i].vcpu = v;
	}
	vgic_init(&vm->vgic, &vm_vgic_ops, vm_boot_nr_intids, vcs, cpu_count);
	vm->vgic.priv = vm;
	vm->vgic.gicd_base = plat.gicd.base;
	vm->vgic.gicr_base = plat.gicr[0].base;
	/* the guest's timers: hardware-linked PPIs on the vCPU's own physical CPU */
	for (i = 0; i < cpu_count; i++) {
		uint32_t ppis[] = { plat.timer_intid[PLAT_TIMER_VIRT],
				    plat.timer_intid[PLAT_TIMER_PHYS] };

		passthrough_init_ppis(&timer_ppis[i], &vm->vgic, &vm->vcpus[i].vgic, &ppi_hw,
				      cpus[i].gicr, ppis, 2);
	}
}

static bool add_vgic_frames(struct vm *vm)
{
	struct mmio_region gicd = {
		.base = plat.gicd.base,
		.size = VGIC_GICD_SIZE,
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

	return mmio_add(&vm->mmio, &gicd) && mmio_add(&vm->mmio, &gicr);
}

static void map_stage2(struct vm *vm, struct stage2 *s2)
{
	unsigned int i;
	int ret = stage2_init(s2);

	for (i = 0; i < vm->nr_ram && !ret; i++)
		ret = stage2_map_ram(s2, vm->ram[i].base, vm->ram[i].size);
	if (!ret && plat.uart_kind == PLAT_UART_PL011)
		ret = stage2_map_device(s2, plat.uart.base, plat.uart.size);
	if (ret)
		fatal("guest: cannot build stage-2 tables (error %d)", ret);
	vm->s2 = s2->pt;
	vm->vtcr = s2->vtcr;
	vm->vttbr = stage2_vttbr(s2, GUEST_VMID);
}

void vm_create(struct vm *vm, struct stage2 *s2)
{
	vm->id = 0;
	vm->ops = &guest_vm_ops;
	assign_ram(vm);
	if (!vm->nr_ram)
		fatal("guest: no RAM left for the guest");
	map_stage2(vm, s2);
	create_vcpus(vm);
	if (!add_vgic_frames(vm))
		fatal("guest: cannot register the vGIC frames");
	if (doorbell_attach(&doorbell, vm, VM_DOORBELL_BASE, VM_DOORBELL_INTID))
		fatal("guest: cannot attach the doorbell device");
}
