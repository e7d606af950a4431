/*
 * vcpu.c - a vCPU's life on its physical CPU: wait until it is powered on (PSCI CPU_ON or
 * boot), reset it, flush its interrupts and enter the guest; around every exit, fold the
 * list registers back, let hyp/exit/trap.c handle the exit, and flush again before returning.
 */
#include "hyp/run/vcpu.h"

#include "arch/arm64/sysreg.h"
#include "arch/arm64/vcpu_arch.h"
#include "drivers/gic.h"
#include "hyp/core/cpu.h"
#include "lib/log.h"
#include "hyp/exit/trap.h"
#include "hyp/run/irq_entry.h"
#include "hyp/core/vm.h"
#include "irq/lr.h"

#include <string.h>

void guest_enter(struct exc_frame *frame) __attribute__((noreturn));

int selftest_entry_cpu = -1;

/*
 * Every time the vCPU starts (boot, CPU_ON, a restart of its guest) this CPU is programmed
 * for it afresh, and read back: skiff never enters a guest whose stage 2 and traps are not
 * in force here. The general exit checks the registers that confine the guest again
 * (vcpu_exit); nothing on an exit writes them.
 */
static void setup_this_cpu(struct vcpu *v)
{
	gic->lr_hw_init(VGIC_MAX_LRS);
	vcpu_arch_setup(&v->arch);
	if (selftest_entry_cpu == (int)v->pcpu) {
		selftest_entry_cpu = -1;
		vcpu_arch_selftest_break(); /* test-only: the check below must refuse the entry */
	}
	if (!vcpu_arch_in_force(&v->arch))
		fatal("cpu%u: %s vcpu%u: stage 2 and traps are not in force (HCR_EL2 0x%llx, "
		      "VTTBR_EL2 0x%llx): not entering",
		      v->pcpu, v->vm->name, v->id, (unsigned long long)read_sysreg(hcr_el2),
		      (unsigned long long)read_sysreg(vttbr_el2));
}

/*
 * Most exits (MMIO, HVC, SGIs sent) happen with nothing in flight: then there is no LR to
 * fold and no list to flush, and the vCPU's ap_lock is left alone. The flush may be skipped only
 * when no LR needs writing (v->lrs_clean): the last flush wrote none, or the last fold found
 * every LR finished and empty in ICH_ELRSR_EL2 (lr_idle) - a finished LR can still hold an EOI
 * bit whose maintenance interrupt lasts until the LR is rewritten, and ELRSR leaves those out.
 * Then every LR holds 0, a finished entry or an entry of the fast path (hardware-linked, or an
 * eoi/oneshot SPI with the EOI bit, whose maintenance interrupt maint_pt_v3() or the general
 * exit finishes) and ICH_HCR_EL2 just En. The list head is read without the lock: a CPU
 * that adds to this vCPU's list kicks it afterwards, so a stale empty read only moves the flush to
 * that kick's exit.
 */
/* The locked halves out of line: inlined, their register pressure made every exit, even one
 * that skips both, save and restore more (tools/profile-el2.py) */
static __attribute__((noinline)) void flush_locked(struct vcpu *v)
{
	do {
		spin_lock(&v->vgic.ap_lock);
		lr_flush(&v->vgic, gic->lr);
		v->lrs_clean = v->vgic.lr_used == 0;
		spin_unlock(&v->vgic.ap_lock);
	} while (vgic_requeue(&v->vm->vgic, &v->vgic)); /* what the prune moved elsewhere */
}

static inline __attribute__((always_inline)) void flush(struct vcpu *v)
{
	if (!v->lrs_clean || __atomic_load_n(&v->vgic.ap_head, __ATOMIC_ACQUIRE))
		flush_locked(v);
}

static __attribute__((noinline)) void fold_locked(struct vcpu *v)
{
	spin_lock(&v->vgic.ap_lock);
	lr_fold(&v->vgic, gic->lr);
	if (v->vgic.lr_idle)
		v->lrs_clean = true; /* every LR finished: nothing to rewrite */
	spin_unlock(&v->vgic.ap_lock);
}

static inline __attribute__((always_inline)) void fold(struct vcpu *v)
{
	if (v->vgic.lr_used || v->vgic.lr_fast)
		fold_locked(v);
}

/*
 * A parked vCPU's list may hold what must go elsewhere: an interrupt re-routed to another vCPU
 * while this one held its ap_lock (the router kicked it instead of moving it: vgic_queue). A
 * running vCPU's next flush prunes it; a parked one flushes nothing, so it prunes as it parks.
 * What stays is its own: delivered when it runs again. (Once parked it touches nothing of its
 * guest, which a reset of the guest relies on: a kick then finds nothing to do.)
 */
static void prune_parked(struct vcpu *v)
{
	do {
		spin_lock(&v->vgic.ap_lock);
		vgic_prune(&v->vm->vgic, &v->vgic);
		spin_unlock(&v->vgic.ap_lock);
	} while (vgic_requeue(&v->vm->vgic, &v->vgic));
}

/*
 * Park until powered on, then take the vCPU from ON_PENDING to ON. IRQs stay masked around the
 * check so a wake-up kick that lands between the check and WFI still ends the WFI (a pending
 * IRQ wakes it, masked or not). While parked the vCPU is out of the guest and touches none of
 * its guest's state: what a SYSTEM_OFF or SYSTEM_RESET of the guest waits for
 * (vm_wait_parked). The move to ON is a compare-and-swap, with parked cleared before it: a
 * guest stopped in between (its vCPUs set OFF, then parked read) either sees this vCPU not
 * parked and waits for it, or makes the swap fail. Both sides order their store before their
 * load (sequentially consistent), so they cannot each miss the other's.
 */
static void wait_power_on(struct vcpu *v)
{
	irq_disable();
	prune_parked(v); /* before parked is set: a reset of the guest waits for parked */
	__atomic_store_n(&v->parked, true, __ATOMIC_SEQ_CST);
	sev();
	for (;;) {
		int pending = VCPU_ON_PENDING;

		irq_disable();
		if (vcpu_get_power(v) == VCPU_ON_PENDING) {
			__atomic_store_n(&v->parked, false, __ATOMIC_SEQ_CST);
			if (__atomic_compare_exchange_n(&v->power, &pending, VCPU_ON, false,
							__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
				return;
			__atomic_store_n(&v->parked, true, __ATOMIC_SEQ_CST);
			sev();
			continue;
		}
		wfi();
		irq_enable();
	}
}

/* Leaving the guest for good (CPU_OFF, or its guest stopped): its EL1 timers are the guest's,
 * stopped so they do not fire at a parked CPU. */
static void stop_guest_timers(void)
{
	write_sysreg(cntv_ctl_el0, 0);
	write_sysreg(cntp_ctl_el0, 0);
}

/* The hardware-linked timer PPIs may have been left active by a previous life, and a fire
 * of its timers since then latched in the vGIC: neither belongs to the life starting now. */
static void reset_timers(struct vcpu *v)
{
	struct cpu *c = cpu_self();
	unsigned int t;

	for (t = PLAT_TIMER_PHYS; t <= PLAT_TIMER_VIRT; t++) {
		gic->ppi_deactivate(c->gicr, plat.timer_intid[t]);
		vgic_clear_pending(&v->vm->vgic, &v->vgic, plat.timer_intid[t]);
	}
}

_Noreturn void vcpu_run(struct vcpu *v)
{
	struct exc_frame *frame = cpu_guest_frame(cpu_self());

	stop_guest_timers();
	gic->lr->write_hcr(0); /* parked: no virtual CPU interface, no maintenance interrupt */
	wait_power_on(v);
	memset(&v->pmu, 0, sizeof(v->pmu)); /* the registers behind them are reset below */
	memset(&v->debug, 0, sizeof(v->debug));
	setup_this_cpu(v);
	vcpu_arch_reset(frame, v->boot_entry, v->boot_context, v->boot_kernel);
	gic->vcpu_if_reset();
	reset_timers(v);
	v->lrs_clean = false; /* the LRs were just zeroed: write them from the list, all of them */
	v->vgic.lr_unknown = ~0u;
	v->vgic.hcr_unknown = true;
	flush(v);
	guest_enter(frame);
}

static __attribute__((cold, noinline)) _Noreturn void guard_failed(const struct vcpu *v)
{
	fatal("cpu%u: %s vcpu%u: stage 2 or traps changed under the guest (HCR_EL2 0x%llx, "
	      "VTTBR_EL2 0x%llx)",
	      v->pcpu, v->vm->name, v->id, (unsigned long long)read_sysreg(hcr_el2),
	      (unsigned long long)read_sysreg(vttbr_el2));
}

/*
 * The exit's cost is counted by vectors.S (exc_common), from its PMCCNTR_EL0 read at the
 * vector to one just before the restore: the instructions after that read are then a fixed
 * sequence there (EXIT_UNCOUNTED_INSNS), not whatever the compiler makes of the end of this
 * function.
 */
uint64_t *vcpu_exit(struct vcpu *v, struct exc_frame *f, unsigned long slot)
{
	unsigned int reason;

	if (!vcpu_arch_guard(&v->arch))
		guard_failed(v);
	/* An exit that leaves this vCPU's interrupts alone skips the fold and the flush: its LRs
	 * and their bookkeeping stay as the last flush left them, for the next exit to fold. What
	 * another CPU queues here meanwhile comes with a kick, whose IRQ exit folds and flushes.
	 * Only asked when there is something to fold: else the general path costs the same. */
	if ((v->vgic.lr_used || v->vgic.lr_fast) && trap_handle_unfolded(v, f, slot))
		return &v->el2_cost[SKIFF_EXIT_SYSREG];
	fold(v);
	reason = trap_handle(v, f, slot);
	if (reason == SKIFF_EXIT_IRQ)
		irq_entry();
	if (vcpu_get_power(v) != VCPU_ON)
		vcpu_run(v); /* CPU_OFF: park; the stack is reset on the next entry */
	flush(v);
	return &v->el2_cost[reason];
}
