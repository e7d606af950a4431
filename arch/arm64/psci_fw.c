/*
 * psci_fw.c - calls into the firmware's PSCI over SMC or HVC as the device tree says.
 * Without a conduit every call fails with NOT_SUPPORTED.
 */
#include "arch/arm64/psci_fw.h"

uint64_t smccc_smc(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3);
uint64_t smccc_hvc(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3);

static enum plat_psci_conduit conduit;

void psci_fw_init(enum plat_psci_conduit c)
{
	conduit = c;
}

static int64_t psci_call(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	if (conduit == PLAT_PSCI_SMC)
		return (int64_t)smccc_smc(fid, a1, a2, a3);
	if (conduit == PLAT_PSCI_HVC)
		return (int64_t)smccc_hvc(fid, a1, a2, a3);
	return PSCI_E_NOT_SUPPORTED;
}

uint32_t psci_fw_version(void)
{
	return (uint32_t)psci_call(PSCI_FN_VERSION, 0, 0, 0);
}

int psci_fw_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context)
{
	return (int)psci_call(PSCI_FN64_CPU_ON, mpidr, entry, context);
}

void psci_fw_system_off(void)
{
	psci_call(PSCI_FN_SYSTEM_OFF, 0, 0, 0);
}

void psci_fw_system_reset(void)
{
	psci_call(PSCI_FN_SYSTEM_RESET, 0, 0, 0);
}

const char *psci_fw_error_name(int err)
{
	static const char *const names[] = {
		"SUCCESS",    "NOT_SUPPORTED",	 "INVALID_PARAMETERS", "DENIED",
		"ALREADY_ON", "ON_PENDING",	 "INTERNAL_FAILURE",   "NOT_PRESENT",
		"DISABLED",   "INVALID_ADDRESS",
	};

	if (err <= 0 && -err < (int)(sizeof(names) / sizeof(names[0])))
		return names[-err];
	return "UNKNOWN";
}
