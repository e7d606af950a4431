/*
 * fake_cpu.h - the CPU as host tests play it: system registers by name and a log of barrier,
 * WFI/WFE, SEV and interrupt-mask operations (arch/arm64/sysreg.h's SKIFF_HOST_TEST
 * interface). Touches only its own tables.
 */
#ifndef SKIFF_TESTS_FAKE_CPU_H
#define SKIFF_TESTS_FAKE_CPU_H

#include <stdint.h>

/* Forget every register value and operation count. */
void fake_cpu_reset(void);
/* Set what reading register name returns (registers never set read as 0). */
void fake_sysreg_set(const char *name, uint64_t val);
/* The last value written to name, or set with fake_sysreg_set; 0 if neither. */
uint64_t fake_sysreg_get(const char *name);
/* How many times name was written. */
unsigned int fake_sysreg_writes(const char *name);
/* How many times op ("wfi", "sev", ...) ran. */
unsigned int fake_cpu_ops(const char *op);
/* Called at every "wfi" (NULL: nothing): lets a test change the world while the CPU waits. */
extern void (*fake_wfi_hook)(void);

#endif
