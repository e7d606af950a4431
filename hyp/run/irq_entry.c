/*
 * irq_entry.c - the EL2 interrupt handler: what skiff does with each physical interrupt it
 * acknowledges (a guest's timer, a passed-through SPI, its own timer, kick and maintenance
 * interrupts). Touches this CPU's state, the vCPU it runs and the VM that owns an SPI.
 */
#include "hyp/run/irq_entry.h"

#include <stddef.h>
#include "drivers/gic.h"
#include "drivers/gicv3_regs.h"
#include "drivers/timer.h"
#include "hyp/core/cpu.h"
#include "hyp/core/vm.h"
#include "lib/log.h"

static bool is_guest_timer(unsigned int intid)
{
	return intid == plat.timer_intid[PLAT_TIMER_VIRT] ||
	       intid == plat.timer_intid[PLAT_TIMER_PHYS];
}

/*
 * Physical interrupts at EL2 (EOImode = 1: EOIR drops priority, DIR deactivates). A guest
 * timer PPI is hardware-linked: it stays active until the guest deactivates the virtual one
 * through its list register. The kick SGI and the maintenance interrupt need no work here:
 * the vCPU's list registers are folded and flushed around every exit.
 */
_Static_assert(offsetof(struct cpu, fast) == 0, "vectors.S reads fast at TPIDR_EL2");

void irq_entry(void)
{
	struct cpu *self = cpu_self();
	struct vcpu *v = self->vcpu;
	unsigned int iar, intid;

	if (self->fast.acked) { /* the fast path acknowledged it and handed it on */
		iar = (unsigned int)(self->fast.acked - 1);
		self->fast.acked = 0;
	} else {
		iar = gic->ack();
	}

	intid = GIC_IAR_INTID(iar);
	if (intid == GIC_INTID_SPURIOUS)
		return;
	gic->eoi(iar);
	if (v && is_guest_timer(intid)) {
		vgic_trigger(&v->vm->vgic, &v->vgic, intid);
		return;
	}
	/* a passed-through SPI stays active until its guest is done with it */
	if (intid >= GIC_INTID_SPI_BASE) {
		const struct vm *owner = vm_handle_spi(intid);

		if (owner) {
			if (v && owner != v->vm)
				v->exits[SKIFF_EXIT_FOREIGN]++; /* never, with SPIs routed at set-up
								 */
			return;
		}
	}
	if (intid == plat.timer_intid[PLAT_TIMER_HYP_PHYS]) {
		timer_hyp_stop();
		__atomic_store_n(&self->timer_fired, true, __ATOMIC_RELEASE);
		log_poll(); /* the console's retry (hyp/main.c) */
	} else if (intid == CPU_SGI_KICK) {
		if (v)
			v->exits[SKIFF_EXIT_KICK]++;
	} else if (intid == plat.gic_maint_intid) {
		if (v)
			v->exits[SKIFF_EXIT_MAINT]++;
	} else {
		if (v)
			v->exits[SKIFF_EXIT_FOREIGN]++;
		if (!(self->unexpected_logged++))
			log_cpu(self->idx, "unexpected interrupt %u (logged once per CPU)", intid);
	}
	gic->deactivate(iar);
}
