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
#include "arch/arm64/vcpu_arch.h"
#include "hyp/emul/debug_trap.h"
#include "hyp/emul/mmio.h"
#include "hyp/emul/pmu_trap.h"
#include "hyp/plan/assign.h"
#include "hyp/plan/config.h"
#include "hyp/plan/platform.h"
#include "irq/vgic.h"
#include "skiff/hvc.h"

#define VM_MAX_VCPUS VGIC_MAX_CPUS
#define VM_MAX_RAM 8 /* ASSIGN_MAX_MEM: RAM can come in pieces */

enum vcpu_power {
	VCPU_OFF,
	VCPU_ON_PENDING, /* CPU_ON accepted, not yet running */
	VCPU_ON,
};

/*
 * A guest's life (hyp/guests/lifecycle.c): built at boot (IDLE), RUNNING once its first vCPU is
 * powered on, STOPPING while SYSTEM_OFF or SYSTEM_RESET parks its vCPUs and resets its
 * interrupts, then OFF for good or RUNNING again. Changed only under the VM's power_lock, with
 * __atomic stores so lock-free readers see whole values.
 */
enum vm_state {
	VM_IDLE,
	VM_RUNNING,
	VM_STOPPING,
	VM_OFF,
};

/* Why a vCPU left the guest, counted per vCPU: the SKIFF_EXIT_* reasons of the hypercall
 * ABI (include/skiff/hvc.h), which the guest reads with SKIFF_HVC_COUNTER. */
#define VCPU_EXIT_COUNT SKIFF_EXIT_COUNT

struct vm;

struct vcpu {
	unsigned int id;
	struct vm *vm;
	unsigned int pcpu;	   /* skiff's logical CPU that runs it */
	uint64_t mpidr;		   /* virtual MPIDR: the physical CPU's affinity */
	int power;		   /* enum vcpu_power, written with __atomic */
	bool parked;		   /* its CPU waits in vcpu_run, out of the guest (__atomic) */
	uint64_t boot_entry;	   /* from CPU_ON (or the kernel entry for vCPU 0) */
	uint64_t boot_context;	   /* x0 at entry (an AArch32 kernel: r2) */
	bool boot_kernel;	   /* the entry is the kernel's (vm_start), not a CPU_ON's */
	struct vcpu_arch_cfg arch; /* HCR, VTTBR, VTCR, MDCR, VMPIDR while it runs */
	struct pmu_shadow pmu;	   /* what skiff keeps from the PMU (hyp/emul/pmu_trap.h) */
	struct debug_shadow debug; /* and from the debug registers (hyp/emul/debug_trap.h) */
	struct vgic_cpu vgic;
	bool lrs_clean; /* the last flush wrote no LR (hyp/run/vcpu.c) */
	uint64_t exits[VCPU_EXIT_COUNT];
	uint64_t el2_cost[VCPU_EXIT_COUNT]; /* PMU cycles at EL2 per reason (hvc.h) */
};

struct vm_ops {
	/* a vCPU changed power state: wake its physical CPU so it acts on it */
	void (*wake)(struct vcpu *v);
	/* PSCI SYSTEM_OFF / SYSTEM_RESET from vCPU caller: stop this guest, or restart it */
	void (*system_off)(struct vm *vm, struct vcpu *caller);
	void (*system_reset)(struct vm *vm, struct vcpu *caller);
};

/*
 * power_lock serialises the power changes of the VM's vCPUs (CPU_ON, the start and stop of the
 * whole guest) with its state; nothing is taken under it. Every lock and the order they nest
 * in: docs/locks.md.
 */
struct vm {
	unsigned int id;
	const char *name; /* the configuration's node name, "guest@0" */
	int state;	  /* enum vm_state, under power_lock */
	struct spinlock power_lock;
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
	bool aarch32;		  /* EL1 is AArch32 (HCR_EL2.RW clear): vm_set_aarch32() */
	bool oneshot_no_deferral; /* test-only (SKIFF_TEST_ONESHOT_NO_DEFERRAL), its lines only */
	uint64_t resets;	  /* times SYSTEM_RESET restarted it */
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

static inline enum vm_state vm_get_state(const struct vm *vm)
{
	return (enum vm_state)__atomic_load_n(&vm->state, __ATOMIC_ACQUIRE);
}

/* ---- creating guests at boot, stopping and restarting them (vm.c) */

/* The physical distributor's INTID count (hyp/main.c sets it before vm_create). */
extern unsigned int vm_boot_nr_intids;

/* Build guest idx of the configuration from its assignment: vCPUs on the CPUs it names,
 * stage-2 with its RAM and device pages, vGIC, timers, SPIs in their modes, doorbell, virtual
 * console. ops are its power hooks (hyp/guests/lifecycle.c). The VM starts IDLE. */
void vm_create(struct vm *vm, unsigned int idx, const struct config *cfg,
	       const struct assignment *a, const struct vm_ops *ops);

/* A physical SPI skiff acknowledged: give it to the guest that owns it; that guest, or NULL if
 * none owns it. */
struct vm *vm_handle_spi(uint32_t intid);

/* Make v's physical CPU look at it (a kick), unless that is this CPU. */
void vm_wake(struct vcpu *v);

/*
 * The steps of stopping or restarting a guest (hyp/guests/lifecycle.c), in this order:
 * vm_stop_vcpus: if the VM is in state from, make it STOPPING and every vCPU OFF, under its
 *   power_lock, and kick them; false (nothing done) if it was not in that state.
 * vm_wait_parked: wait until every vCPU but self is parked out of the guest; false if one
 *   does not within a second (its CPU is lost at EL2): nothing may then be reset.
 * vm_quiesce: disable and deactivate its physical lines, reset its vGIC, doorbell and virtual
 *   console, forget its vCPUs' entry points. Its RAM is untouched.
 * vm_start: route its lines again and power on vCPU 0 at entry with x0 = context (RUNNING).
 */
bool vm_stop_vcpus(struct vm *vm, enum vm_state from);
bool vm_wait_parked(struct vm *vm, const struct vcpu *self);
void vm_quiesce(struct vm *vm);
void vm_start(struct vm *vm, uint64_t entry, uint64_t context);
/* Before its first start: the guest's EL1 is AArch32 (its vCPUs' HCR_EL2.RW clear). */
void vm_set_aarch32(struct vm *vm);

/* Print every vCPU's exits and every passed-through SPI's counters. */
void vm_print_stats(const struct vm *vm);

/* SKIFF_CNT_SPI_* (skiff/hvc.h) of an SPI vm owns into *val; false if it does not own it. */
bool vm_spi_counter(const struct vm *vm, uint32_t intid, unsigned int id, uint64_t *val);

#endif
