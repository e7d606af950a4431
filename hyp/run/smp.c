/*
 * smp.c - brings up the secondary CPUs at secondary_entry (boot.S), each as its cpu node's
 * enable-method says: PSCI CPU_ON, or a release from the firmware's spin-table. The entry finds
 * its logical index by MPIDR (boot_cpu_ids). Then waits a bounded time for each to report. A
 * CPU that fails stops alone; the others carry on.
 *
 * A spin-table CPU cannot be given back to the firmware: nothing can stop or restart it.
 * skiff never asks the firmware to (it has no CPU_OFF of its own): a guest's CPU_OFF parks
 * the vCPU's physical CPU in skiff (hyp/run/vcpu.c), so every physical CPU is skiff's from
 * here to power-off, however it was started.
 */
#include "hyp/run/smp.h"
#include "arch/arm64/boot.h"
#include "arch/arm64/cache.h"
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
	cpu_log_up(c);
	cpu_set_state(c, CPU_UP);
	if (smp_fault_cpu == (int)idx)
		(void)*(volatile uint32_t *)SMP_FAULT_ADDR;
	if (c->vcpu)
		vcpu_run(c->vcpu);
	for (;;)
		wfi(); /* parked for good: no guest to run, nothing to wait for (under QEMU's
			* -icount a WFE loop is never idle: virtual time crawls while it spins) */
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

/*
 * Start logical CPU i at entry (a physical address: skiff's map is the identity). A
 * spin-table CPU waits in WFE for its cpu-release-addr to hold an entry (Linux's
 * booting.rst): write it, clean it to the point of coherency (the CPU reads with its MMU
 * off), DSB (in cache_clean_range), SEV. There is no answer to wait for.
 */
static int start_cpu(unsigned int i, uint64_t entry)
{
	int p = plat_cpu_index(&plat, cpus[i].mpidr);

	if (p >= 0 && plat.cpu[p].enable_method == PLAT_ENABLE_SPIN_TABLE) {
		uint64_t addr = plat.cpu[p].release_addr;

		*(volatile uint64_t *)(uintptr_t)addr = entry;
		cache_clean_range(addr, addr + sizeof(entry));
		sev();
		return PSCI_SUCCESS;
	}
	return psci_fw_cpu_on(cpus[i].mpidr, entry, 0);
}

unsigned int smp_start_secondaries(void)
{
	uint64_t entry = (uint64_t)(uintptr_t)secondary_entry;
	unsigned int i, up = 0;

	boot_cpu_ids.count = cpu_count;
	for (i = 0; i < cpu_count; i++)
		boot_cpu_ids.mpidr[i] = cpus[i].mpidr;
	cache_clean_range((uint64_t)(uintptr_t)&boot_cpu_ids,
			  (uint64_t)(uintptr_t)(&boot_cpu_ids + 1));
	for (i = 1; i < cpu_count; i++) {
		int ret;

		cpu_set_state(&cpus[i], CPU_STARTING);
		ret = start_cpu(i, entry);
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
