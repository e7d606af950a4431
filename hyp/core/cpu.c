/*
 * cpu.c - the physical CPUs: their table, state and kick, and per-CPU EL2 bring-up: wakes this
 * CPU's redistributor (GICv3) or resets its banked distributor registers (GICv2), turns on its
 * CPU interface and proves the path timer -> GIC -> vector ->
 * EOI/DIR with one hypervisor-timer interrupt (handled by hyp/run/irq_entry.c).
 */
#include "hyp/core/cpu.h"

#include <stddef.h>
#include "arch/arm64/exception.h"
#include "arch/arm64/sysreg.h"
#include "drivers/gic.h"
#include "drivers/gicv3_regs.h"
#include "drivers/timer.h"
#include "lib/log.h"

#define SELFTEST_TIMER_US 10 /* short: under QEMU -icount every microsecond waited costs 1000 */
#define SELFTEST_TIMEOUT_US 100000

struct cpu cpus[SKIFF_MAX_CPUS];
unsigned int cpu_count;
struct platform plat;

struct cpu *cpu_self(void)
{
	return (struct cpu *)read_sysreg(tpidr_el2);
}

void cpu_set_state(struct cpu *c, enum cpu_state s)
{
	__atomic_store_n(&c->state, (int)s, __ATOMIC_RELEASE);
	dsb_ish();
	sev(); /* the boot CPU waits for this with WFE */
}

enum cpu_state cpu_get_state(const struct cpu *c)
{
	return (enum cpu_state)__atomic_load_n(&c->state, __ATOMIC_ACQUIRE);
}

extern char boot_stacks[];

struct exc_frame *cpu_guest_frame(const struct cpu *c)
{
	return (struct exc_frame *)(boot_stacks + (c->idx + 1) * SKIFF_STACK_SIZE - EXC_FRAME_SIZE);
}

void cpu_kick(const struct cpu *c)
{
	gic->send_sgi(c->mpidr, CPU_SGI_KICK);
}

static bool timer_round_trip(struct cpu *c)
{
	unsigned int intid = plat.timer_intid[PLAT_TIMER_HYP_PHYS];
	uint64_t deadline = timer_count() + timer_us_to_ticks(SELFTEST_TIMEOUT_US);

	c->timer_fired = false;
	gic->ppi_enable(c->gicr, intid, true);
	timer_hyp_arm(timer_us_to_ticks(SELFTEST_TIMER_US));
	irq_enable();
	while (!__atomic_load_n(&c->timer_fired, __ATOMIC_ACQUIRE) && timer_count() < deadline)
		;
	irq_disable();
	timer_hyp_stop();
	return c->timer_fired; /* the PPI stays enabled: the log's console retries use it */
}

void cpu_log_up(const struct cpu *c)
{
	if (gic->version == 3)
		log_cpu(c->idx, "up, mpidr 0x%llx, redistributor 0x%lx, hyp timer interrupt ok",
			(unsigned long long)c->mpidr, (unsigned long)c->gicr);
	else
		log_cpu(c->idx, "up, mpidr 0x%llx, hyp timer interrupt ok",
			(unsigned long long)c->mpidr);
}

bool cpu_bring_up(struct cpu *c)
{
	write_sysreg(tpidr_el2, (uint64_t)(uintptr_t)c);
	if (gic->version == 3 && !c->gicr) {
		log_cpu(c->idx, "no redistributor has affinity 0x%llx",
			(unsigned long long)c->mpidr);
		return false;
	}
	if (!gic->cpu_init(c->gicr)) {
		if (gic->version == 3)
			log_cpu(c->idx, "redistributor at 0x%lx does not wake",
				(unsigned long)c->gicr);
		else
			log_cpu(c->idx, "no GICv2 CPU interface slot left");
		return false;
	}
	gic->ppi_enable(c->gicr, CPU_SGI_KICK, true);
	gic->ppi_enable(c->gicr, plat.gic_maint_intid, true);
	timer_allow_el1_physical();
	if (!timer_round_trip(c)) {
		log_cpu(c->idx, "hyp timer interrupt %u did not arrive",
			plat.timer_intid[PLAT_TIMER_HYP_PHYS]);
		return false;
	}
	return true;
}
