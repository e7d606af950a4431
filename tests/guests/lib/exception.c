/*
 * exception.c - the C side of the EL1 vectors: synchronous exceptions go to the test's hook
 * (for aborts it provokes on purpose) or end the run; IRQs are acknowledged from
 * ICC_IAR1_EL1 and handed to the test's handler, which must EOI them; anything else ends
 * the run with a description. No GIC set-up here.
 */
#include "tests/guests/lib/gic.h"
#include "tests/guests/lib/guest.h"

static sync_hook_fn sync_hook[GUEST_MAX_CPUS];
static irq_handler_fn irq_handler[GUEST_MAX_CPUS];
volatile uint32_t irq_spurious[GUEST_MAX_CPUS];

static const char *const kind_names[] = {
	"sync (EL1t)",	 "irq (EL1t)",	 "fiq (EL1t)",	 "serror (EL1t)",
	"sync (EL1h)",	 "irq (EL1h)",	 "fiq (EL1h)",	 "serror (EL1h)",
	"sync (EL0/64)", "irq (EL0/64)", "fiq (EL0/64)", "serror (EL0/64)",
	"sync (EL0/32)", "irq (EL0/32)", "fiq (EL0/32)", "serror (EL0/32)",
};

void set_sync_hook(sync_hook_fn fn)
{
	sync_hook[this_cpu()] = fn;
}

void set_irq_handler(irq_handler_fn fn)
{
	irq_handler[this_cpu()] = fn;
}

static void handle_irq(void)
{
	unsigned int cpu = this_cpu();
	uint32_t intid = gic_ack();

	if (intid >= GIC_SPURIOUS_FIRST && intid < GIC_SPURIOUS_FIRST + 4) {
		irq_spurious[cpu]++;
		return;
	}
	if (irq_handler[cpu]) {
		irq_handler[cpu](intid);
		return;
	}
	printk("# cpu%u: unexpected interrupt %u (no handler)\n", cpu, intid);
	gic_eoi(intid);
}

void exc_handler(struct exc_frame *frame, unsigned long kind)
{
	unsigned int cpu = this_cpu();
	uint64_t esr = read_sysreg(esr_el1);
	uint64_t far = read_sysreg(far_el1);

	if (kind == EXC_IRQ_SPX) {
		handle_irq();
		return;
	}
	if (kind == EXC_SYNC_SPX && cpu < GUEST_MAX_CPUS && sync_hook[cpu] &&
	    sync_hook[cpu](frame, esr, far))
		return;
	bail_out("cpu%u: unexpected exception %s: ESR_EL1 0x%llx (EC 0x%x) FAR_EL1 0x%llx "
		 "ELR_EL1 0x%llx SPSR_EL1 0x%llx",
		 cpu, kind < ARRAY_SIZE(kind_names) ? kind_names[kind] : "?",
		 (unsigned long long)esr, esr_ec(esr), (unsigned long long)far,
		 (unsigned long long)frame->elr, (unsigned long long)frame->spsr);
}
