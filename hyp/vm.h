/*
 * vm.h - a guest: its vCPUs (each pinned to one physical CPU for life), RAM, stage-2
 * address space, emulated MMIO regions and vGIC. Plain data plus the few hooks that need
 * hardware (struct vm_ops), so PSCI and trap handling can be tested on the host.
 */
#ifndef SKIFF_HYP_VM_H
#define SKIFF_HYP_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/arm64/pgtable.h"
#include "hyp/mmio.h"
#include "hyp/platform.h"
#include "irq/vgic.h"
#include "skiff/hvc.h"

#define VM_MAX_VCPUS VGIC_MAX_CPUS
#define VM_MAX_RAM 4

enum vcpu_power {
	VCPU_OFF,
	VCPU_ON_PENDING, /* CPU_ON accepted, not yet running */
	VCPU_ON,
};

/* Why a vCPU left the guest, counted per vCPU: the SKIFF_EXIT_* reasons of the hypercall
 * ABI (include/skiff/hvc.h), which the guest reads with SKIFF_HVC_COUNTER. */
#define VCPU_EXIT_COUNT SKIFF_EXIT_COUNT

struct vm;

struct vcpu {
	unsigned int id;
	struct vm *vm;
	unsigned int pcpu;     /* skiff's logical CPU that runs it */
	uint64_t mpidr;	       /* virtual MPIDR: the physical CPU's affinity */
	int power;	       /* enum vcpu_power, written with __atomic */
	uint64_t boot_entry;   /* from CPU_ON (or the kernel entry for vCPU 0) */
	uint64_t boot_context; /* x0 at entry */
	struct vgic_cpu vgic;
	bool lrs_clean; /* the last flush wrote no LR (hyp/vcpu.c) */
	uint64_t exits[VCPU_EXIT_COUNT];
	uint64_t el2_cost[VCPU_EXIT_COUNT]; /* PMU cycles at EL2 per reason (hvc.h) */
};

struct vm_ops {
	/* a vCPU changed power state: wake its physical CPU so it acts on it */
	void (*wake)(struct vcpu *v);
	void (*system_off)(struct vm *vm);
	void (*system_reset)(struct vm *vm);
};

struct vm {
	unsigned int id;
	bool stopped; /* SYSTEM_OFF or SYSTEM_RESET seen (set once, with __atomic) */
	const struct vm_ops *ops;
	unsigned int nr_vcpus;
	struct vcpu vcpus[VM_MAX_VCPUS];
	struct plat_range ram[VM_MAX_RAM];
	unsigned int nr_ram;
	struct pgtable s2;
	uint64_t vttbr;
	uint64_t vtcr;
	struct mmio_bus mmio;
	struct vgic vgic;
};

/* The vCPU whose MPIDR affinity is mpidr, or NULL. */
struct vcpu *vm_vcpu_by_mpidr(struct vm *vm, uint64_t mpidr);
/* Whether [ipa, ipa + size) lies inside the VM's RAM. */
bool vm_ipa_in_ram(const struct vm *vm, uint64_t ipa, uint64_t size);

static inline enum vcpu_power vcpu_get_power(const struct vcpu *v)
{
	return (enum vcpu_power)__atomic_load_n(&v->power, __ATOMIC_ACQUIRE);
}

static inline void vcpu_set_power(struct vcpu *v, enum vcpu_power p)
{
	__atomic_store_n(&v->power, (int)p, __ATOMIC_RELEASE);
}

#endif
