/*
 * smp.c - brings up the secondary CPUs: PSCI CPU_ON to secondary_entry (boot.S) with the
 * logical index as context, then waits a bounded time for each to report. A CPU that fails
 * stops alone; the others carry on.
 */
#include "hyp/run/smp.h"
#include "arch/arm64/psci_fw.h"
#include "arch/arm64/sysreg.h"
#include "drivers/timer.h"
#include "hyp/core/cpu.h"
#include "lib/log.h"
#include "hyp/core/vm.h"
#include "hyp/run/vcpu.h"

#define SMP_BOOT_TIMEOUT_US 2000000
#define SMP_FAULT_ADDR 0xdead0000ul /* never mapped at EL2 */

extern char secondary_entry[];

int smp_fault_cpu = -1;

void boot_secondary(unsigned long idx);

void boot_secondary(unsigned long idx)
{
	struct cpu *c = &cpus[idx];

	if (!cpu_bring_up(c)) {
		cpu_set_state(c, CPU_STOPPED);
		return;
	}
	log_cpu(c->idx, "up, mpidr 0x%llx, redistributor 0x%lx, hyp timer interrupt ok",
		(unsigned long long)c->mpidr, (unsigned long)c->gicr);
	cpu_set_state(c, CPU_UP);
	if (smp_fault_cpu == (int)idx)
		(void)*(volatile uint32_t *)SMP_FAULT_ADDR;
	if (c->vcpu)
		vcpu_run(c->vcpu);
	for (;;)
		wfe(); /* parked: no guest to run */
}

/*
 * Wait with WFE, not by spinning: the CPU coming up signals with SEV, the timer's event
 * stream bounds the wait on hardware, and under QEMU's TCG a WFE yields to the other CPUs
 * (a spinning boot CPU starves them there: seconds of virtual time under -icount).
 */
static bool wait_settled(struct cpu *c, uint64_t deadline)
{
	while (timer_count() < deadline) {
		enum cpu_state s = cpu_get_state(c);

		if (s == CPU_UP || s == CPU_STOPPED)
			return true;
		wfe();
	}
	return false;
}

unsigned int smp_start_secondaries(void)
{
	uint64_t entry = (uint64_t)(uintptr_t)secondary_entry;
	unsigned int i, up = 0;

	for (i = 1; i < cpu_count; i++) {
		int ret;

		cpu_set_state(&cpus[i], CPU_STARTING);
		ret = psci_fw_cpu_on(cpus[i].mpidr, entry, i);
		if (ret != PSCI_SUCCESS) {
			log_cpu(i, "PSCI CPU_ON failed: %s (%d)", psci_fw_error_name(ret), ret);
			cpu_set_state(&cpus[i], CPU_STOPPED);
		}
	}
	for (i = 1; i < cpu_count; i++) {
		uint64_t deadline = timer_count() + timer_us_to_ticks(SMP_BOOT_TIMEOUT_US);

		if (!wait_settled(&cpus[i], deadline))
			log_cpu(i, "did not come up within %u ms", SMP_BOOT_TIMEOUT_US / 1000);
	}
	/* a CPU told to fault reports UP first; give its report time to land */
	if (smp_fault_cpu > 0 && (unsigned int)smp_fault_cpu < cpu_count) {
		uint64_t deadline = timer_count() + timer_us_to_ticks(SMP_BOOT_TIMEOUT_US);

		while (cpu_get_state(&cpus[smp_fault_cpu]) != CPU_STOPPED &&
		       timer_count() < deadline)
			wfe();
	}
	for (i = 0; i < cpu_count; i++)
		if (cpu_get_state(&cpus[i]) == CPU_UP)
			up++;
	return up;
}
