/*
 * boot.h - what boot.S gives C: stop this CPU for good, and the table secondary_entry reads
 * to find which logical CPU it is. Touches nothing else.
 */
#ifndef SKIFF_ARCH_ARM64_BOOT_H
#define SKIFF_ARCH_ARM64_BOOT_H

#include <stdint.h>

#include "arch/arm64/layout.h"

/* Mask every interrupt and wait for ever (WFI). */
_Noreturn void cpu_halt(void);

/*
 * The MPIDR affinity fields of logical CPUs 0..count-1. A secondary CPU arrives at
 * secondary_entry with nothing in its registers skiff can trust (spin-table passes none, and
 * PSCI's context id is not used) and finds its logical index here by its MPIDR_EL1, with
 * its MMU and caches still off: the writer cleans the table to the point of coherency before
 * it starts any CPU. A CPU whose MPIDR is not in it halts.
 */
struct boot_cpu_ids {
	uint64_t count;
	uint64_t mpidr[SKIFF_MAX_CPUS];
};
extern struct boot_cpu_ids boot_cpu_ids;

#endif
