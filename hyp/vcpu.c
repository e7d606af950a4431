/*
 * vcpu.c - a vCPU's life on its physical CPU: wait until it is powered on (PSCI CPU_ON or
 * boot), reset it, flush its interrupts and enter the guest; around every exit, fold the
 * list registers back, let hyp/trap.c handle the exit, and flush again before returning.
 */
#include "arch/arm64/sysreg.h"
#include "arch/arm64/vcpu_arch.h"
#include "drivers/gicv3.h"
#include "hyp/cpu.h"
#include "hyp/log.h"
#include "hyp/trap.h"
#include "hyp/vm_boot.h"
#include "irq/lr.h"

void guest_enter(struct exc_frame *frame) __attribute__((noreturn));

static void setup_this_cpu(struct vcpu *v)
{
	vcpu_lr_hw_init();
	vcpu_arch_setup(v->vm->vttbr, v->vm->vtcr, v->mpidr);
}

/*
 * Most exits (MMIO, HVC, SGIs sent) happen with nothing in flight: then there is no LR to
 * fold and no list to flush, and the VM's lock is left alone. The flush may be skipped only
 * when the last one wrote no LR (v->lrs_clean): a finished LR can still hold an EOI bit whose
 * maintenance interrupt lasts until the LR is rewritten. Then every LR holds 0 or an entry
 * of the fast path (hardware-linked: never a maintenance interrupt) and ICH_HCR_EL2 just
 * En. The list head is read without the lock: a CPU that adds to this vCPU's list kicks it
 * afterwards, so a stale empty read only moves the flush to that kick's exit.
 */
static void flush(struct vcpu *v)
{
	if (v->lrs_clean && !__atomic_load_n(&v->vgic.ap_head, __ATOMIC_ACQUIRE))
		return;
	spin_lock(&v->vm->vgic.lock);
	lr_flush(&v->vgic, &vcpu_lr_hw);
	v->lrs_clean = v->vgic.lr_used == 0;
	spin_unlock(&v->vm->vgic.lock);
}

static void fold(struct vcpu *v)
{
	if (!v->vgic.lr_used && !v->vgic.lr_fast)
		return;
	spin_lock(&v->vm->vgic.lock);
	lr_fold(&v->vgic, &vcpu_lr_hw);
	spin_unlock(&v->vm->vgic.lock);
}

/* Park until powered on. IRQs stay masked around the check so a wake-up kick that lands
 * between the check and WFI still ends the WFI (a pending IRQ wakes it, masked or not). */
static void wait_power_on(struct vcpu *v)
{
	for (;;) {
		irq_disable();
		if (vcpu_get_power(v) == VCPU_ON_PENDING)
			return;
		wfi();
		irq_enable();
	}
}

/* The hardware-linked timer PPIs may have been left active by a previous life. */
static void reset_timers(struct vcpu *v)
{
	struct cpu *c = cpu_self();

	gicv3_ppi_deactivate(c->gicr, plat.timer_intid[PLAT_TIMER_VIRT]);
	gicv3_ppi_deactivate(c->gicr, plat.timer_intid[PLAT_TIMER_PHYS]);
	(void)v;
}

_Noreturn void vcpu_run(struct vcpu *v)
{
	static bool setup_done[VM_MAX_VCPUS];
	struct exc_frame *frame = cpu_guest_frame(cpu_self());

	if (!setup_done[v->id]) {
		setup_this_cpu(v);
		setup_done[v->id] = true;
	}
	wait_power_on(v);
	vcpu_arch_reset(frame, v->boot_entry, v->boot_context);
	reset_timers(v);
	vcpu_set_power(v, VCPU_ON);
	flush(v);
	guest_enter(frame);
}

/*
 * Added to the difference of an exit's two PMCCNTR_EL0 reads to get its instructions from the
 * vector to the ERET without the 3 of the measurement itself (the two reads and the store of
 * the first), counted from the disassembly (objdump -d build/skiff.elf): the difference holds
 * the first read and its store (-2) but not SUB and STP before them (+2), the 12 after the
 * read here (the rest of this function) nor the 21 of exc_return (restore and ERET).
 */
#define EXIT_UNCOUNTED_INSNS (2 - 2 + 12 + 21)

static uint64_t pmu_cycles(void)
{
	return read_sysreg(pmccntr_el0);
}

void vcpu_exit(struct vcpu *v, struct exc_frame *f, unsigned long slot)
{
	unsigned int reason;

	fold(v);
	reason = trap_handle(v, f, slot);
	if (vcpu_get_power(v) != VCPU_ON)
		vcpu_run(v); /* CPU_OFF: park; the stack is reset on the next entry */
	flush(v);
	v->el2_cost[reason] += pmu_cycles() - f->entry_cycles + EXIT_UNCOUNTED_INSNS;
}
