/*
 * psci_fw.h - skiff as a PSCI client of the firmware below it (PSCI, DEN 0022): start
 * physical CPUs and power the machine off, over the conduit the device tree names.
 */
#ifndef SKIFF_ARCH_PSCI_FW_H
#define SKIFF_ARCH_PSCI_FW_H

#include <stdint.h>

/* How skiff reaches the firmware's PSCI (the device tree's /psci method). */
enum plat_psci_conduit {
	PLAT_PSCI_NONE,
	PLAT_PSCI_SMC,
	PLAT_PSCI_HVC,
};

#define PSCI_FN_VERSION 0x84000000u
#define PSCI_FN_CPU_OFF 0x84000002u
#define PSCI_FN64_CPU_ON 0xc4000003u
#define PSCI_FN64_AFFINITY_INFO 0xc4000004u
#define PSCI_FN_SYSTEM_OFF 0x84000008u
#define PSCI_FN_SYSTEM_RESET 0x84000009u

#define PSCI_SUCCESS 0
#define PSCI_E_NOT_SUPPORTED (-1)
#define PSCI_E_INVALID_PARAMS (-2)
#define PSCI_E_DENIED (-3)
#define PSCI_E_ALREADY_ON (-4)
#define PSCI_E_ON_PENDING (-5)
#define PSCI_E_INTERNAL_FAILURE (-6)
#define PSCI_E_NOT_PRESENT (-7)
#define PSCI_E_DISABLED (-8)
#define PSCI_E_INVALID_ADDRESS (-9)

void psci_fw_init(enum plat_psci_conduit conduit);
uint32_t psci_fw_version(void);
int psci_fw_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context);
void psci_fw_system_off(void);
void psci_fw_system_reset(void);
const char *psci_fw_error_name(int err);

#endif
