/*
 * exception.c - what skiff does with an exception taken to EL2: interrupts go to the
 * interrupt handler; anything unexpected is reported (ESR, ELR, FAR, CPU, registers) and stops
 * only the CPU that took it.
 */
#include "arch/arm64/boot.h"
#include "arch/arm64/exception.h"
#include "arch/arm64/sysreg.h"
#include "hyp/core/cpu.h"
#include "hyp/run/irq_entry.h"
#include "lib/log.h"
#include "hyp/core/vm.h"
#include "hyp/run/vcpu.h"

static const char *ec_name(unsigned int ec)
{
	switch (ec) {
	case 0x00:
		return "unknown reason";
	case 0x07:
		return "FP/SIMD access";
	case 0x0e:
		return "illegal execution state";
	case 0x16:
		return "HVC";
	case 0x17:
		return "SMC";
	case 0x18:
		return "system register access";
	case 0x21:
		return "instruction abort";
	case 0x22:
		return "PC alignment";
	case 0x25:
		return "data abort";
	case 0x26:
		return "SP alignment";
	case 0x2f:
		return "SError";
	case 0x3c:
		return "BRK";
	default:
		return "other";
	}
}

/* x0-x30, the stack pointer at the exception and SPSR_EL2, four to a line. Like the line
 * before them, private (a register or FAR may hold any guest's data, ELR says where skiff is):
 * skiff's console only; a guest's view and a console a guest owns get "stopped". */
static void dump_regs(unsigned int idx, const struct exc_frame *f)
{
	unsigned int i;

	for (i = 0; i < 28; i += 4)
		log_cpu_private(idx, "x%u-x%u: %016llx %016llx %016llx %016llx", i, i + 3,
				(unsigned long long)f->x[i], (unsigned long long)f->x[i + 1],
				(unsigned long long)f->x[i + 2], (unsigned long long)f->x[i + 3]);
	log_cpu_private(idx, "x28-x30: %016llx %016llx %016llx, sp %016llx, spsr %llx",
			(unsigned long long)f->x[28], (unsigned long long)f->x[29],
			(unsigned long long)f->x[30], (unsigned long long)(uintptr_t)(f + 1),
			(unsigned long long)f->spsr);
}

static _Noreturn void unexpected(struct exc_frame *f, unsigned long slot)
{
	struct cpu *self = cpu_self();
	unsigned int idx = self ? self->idx : 0;
	unsigned int ec = (f->esr >> ESR_EC_SHIFT) & ESR_EC_MASK;

	log_cpu_private(
		idx, "unexpected exception: %s, ESR 0x%llx (EC 0x%02x %s), ELR 0x%llx, FAR 0x%llx",
		exc_slot_name(slot), (unsigned long long)f->esr, ec, ec_name(ec),
		(unsigned long long)f->elr, (unsigned long long)f->far);
	dump_regs(idx, f);
	log_cpu_alert(idx, "stopped");
	/* last: whoever acts on the stop (the boot CPU's count, a power-off) finds every line of
	 * this report in the log */
	if (self)
		cpu_set_state(self, CPU_STOPPED);
	cpu_halt();
}

/*
 * Leaves through exc_leave() or exc_resume(), not by returning: vectors.S restores the registers
 * that matter from the frame, so what this function saved of its caller's would be restored
 * for nothing.
 */
_Noreturn void exc_handle(struct exc_frame *f, unsigned long slot)
{
	if (slot == EXC_CUR_SPX_IRQ) {
		irq_entry();
		exc_resume(f);
	}
	unexpected(f, slot);
}

/* A guest exit: only a CPU that runs a vCPU drops to a lower EL. */
_Noreturn void exc_lower(struct exc_frame *f, unsigned long slot)
{
	struct cpu *self = cpu_self();

	if (__builtin_expect(self && self->vcpu, 1))
		exc_leave(f, vcpu_exit(self->vcpu, f, slot));
	unexpected(f, slot);
}
