/*
 * psci.h - PSCI and SMCCC calls from the test guests (DEN0022, DEN0028): function IDs,
 * return codes, and calls over HVC, SMC or the conduit the device tree names.
 */
#ifndef GUEST_PSCI_H
#define GUEST_PSCI_H

#include <stdint.h>

#define PSCI_VERSION 0x84000000U
#define PSCI_CPU_SUSPEND_64 0xc4000001U
#define PSCI_CPU_OFF 0x84000002U
#define PSCI_CPU_ON_64 0xc4000003U
#define PSCI_AFFINITY_INFO_64 0xc4000004U
#define PSCI_MIGRATE_INFO_TYPE 0x84000006U
#define PSCI_SYSTEM_OFF 0x84000008U
#define PSCI_SYSTEM_RESET 0x84000009U
#define PSCI_FEATURES 0x8400000aU
#define SMCCC_VERSION 0x80000000U
#define SMCCC_ARCH_FEATURES 0x80000001U

#define PSCI_RET_SUCCESS 0
#define PSCI_RET_NOT_SUPPORTED (-1)
#define PSCI_RET_INVALID_PARAMETERS (-2)
#define PSCI_RET_DENIED (-3)
#define PSCI_RET_ALREADY_ON (-4)
#define PSCI_RET_ON_PENDING (-5)
#define PSCI_RET_INTERNAL_FAILURE (-6)
#define PSCI_RET_NOT_PRESENT (-7)
#define PSCI_RET_DISABLED (-8)
#define PSCI_RET_INVALID_ADDRESS (-9)

#define PSCI_AFFINITY_ON 0
#define PSCI_AFFINITY_OFF 1
#define PSCI_AFFINITY_ON_PENDING 2

/* MIGRATE_INFO_TYPE: no Trusted OS that needs migration */
#define PSCI_TOS_NOT_PRESENT_MP 2

#define PSCI_VERSION_MAJOR(v) (((uint32_t)(v) >> 16) & 0x7fff)
#define PSCI_VERSION_MINOR(v) ((uint32_t)(v)&0xffff)
#define PSCI_VERSION_1_0 0x10000
#define PSCI_VERSION_1_1 0x10001
#define SMCCC_VERSION_1_1 0x10001

/* start.S: x0 = fn, x1..x3 = arguments; the result is x0. */
int64_t smccc_hvc(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3);
int64_t smccc_smc(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3);

/* Over the conduit of the device tree's /psci node. */
int64_t psci_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3);
int64_t psci_cpu_on(uint64_t mpidr, uintptr_t entry, uint64_t ctx);
int64_t psci_affinity_info(uint64_t mpidr);
void psci_cpu_off(void) __attribute__((noreturn));
void psci_system_off(void) __attribute__((noreturn));

#endif
