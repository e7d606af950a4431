/*
 * psci.c - PSCI calls from the test guests over the device tree's conduit (HVC on QEMU
 * virt and under skiff). The raw HVC and SMC instructions are in start.S.
 */
#include "tests/guests/lib/psci.h"

#include "tests/guests/lib/guest.h"

int64_t psci_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	if (plat.psci == PSCI_CONDUIT_SMC)
		return smccc_smc(fn, a1, a2, a3);
	return smccc_hvc(fn, a1, a2, a3);
}

int64_t psci_cpu_on(uint64_t mpidr, uintptr_t entry, uint64_t ctx)
{
	return psci_call(PSCI_CPU_ON_64, mpidr, entry, ctx);
}

int64_t psci_affinity_info(uint64_t mpidr)
{
	return psci_call(PSCI_AFFINITY_INFO_64, mpidr, 0, 0);
}

void psci_cpu_off(void)
{
	local_irq_disable();
	psci_call(PSCI_CPU_OFF, 0, 0, 0);
	bail_out("cpu%u: PSCI CPU_OFF returned", this_cpu());
}

void psci_system_off(void)
{
	local_irq_disable();
	psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
	for (;;)
		asm volatile("wfi");
}
