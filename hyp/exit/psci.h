/*
 * psci.h - PSCI 1.1 and SMCCC 1.1 as skiff offers them to a guest over HVC and SMC
 * (DEN 0022, DEN 0028). Checks arguments and changes vCPU power state; the run loop acts on
 * the returned action. Plain C over struct vm.
 */
#ifndef SKIFF_HYP_PSCI_H
#define SKIFF_HYP_PSCI_H

#include <stdbool.h>
#include <stdint.h>

#include "hyp/core/vm.h"

#define PSCI_0_2_FN_VERSION 0x84000000u
#define PSCI_0_2_FN_CPU_SUSPEND 0x84000001u
#define PSCI_0_2_FN_CPU_OFF 0x84000002u
#define PSCI_0_2_FN_CPU_ON 0x84000003u
#define PSCI_0_2_FN_AFFINITY_INFO 0x84000004u
#define PSCI_0_2_FN_MIGRATE 0x84000005u
#define PSCI_0_2_FN_MIGRATE_INFO_TYPE 0x84000006u
#define PSCI_0_2_FN_MIGRATE_INFO_UP_CPU 0x84000007u
#define PSCI_0_2_FN_SYSTEM_OFF 0x84000008u
#define PSCI_0_2_FN_SYSTEM_RESET 0x84000009u
#define PSCI_1_0_FN_PSCI_FEATURES 0x8400000au
#define PSCI_0_2_FN64_CPU_SUSPEND 0xc4000001u
#define PSCI_0_2_FN64_CPU_ON 0xc4000003u
#define PSCI_0_2_FN64_AFFINITY_INFO 0xc4000004u
#define PSCI_0_2_FN64_MIGRATE 0xc4000005u
#define PSCI_0_2_FN64_MIGRATE_INFO_UP_CPU 0xc4000007u

#define SMCCC_VERSION 0x80000000u
#define SMCCC_ARCH_FEATURES 0x80000001u
#define SMCCC_VERSION_1_1 0x10001
#define PSCI_VERSION_1_1 0x10001

#define PSCI_RET_SUCCESS 0
#define PSCI_RET_NOT_SUPPORTED (-1)
#define PSCI_RET_INVALID_PARAMS (-2)
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

#define PSCI_MIGRATE_INFO_NOT_REQUIRED 2 /* no Trusted OS that needs migrating */

enum psci_action {
	PSCI_ACTION_RETURN,	/* write ret to x0 and resume the guest */
	PSCI_ACTION_CPU_OFF,	/* the calling vCPU is now off: park it */
	PSCI_ACTION_SYSTEM_OFF, /* vm->ops->system_off was called */
	PSCI_ACTION_SYSTEM_RESET,
};

struct psci_result {
	int64_t ret;
	enum psci_action action;
};

/* Whether fid is in the ranges this module answers (PSCI and SMCCC arch calls). */
bool psci_owns(uint32_t fid);
/* Handle one call from vCPU caller with x0..x3 = fid, a1, a2, a3. SMC32 calls take their
 * arguments from the low 32 bits. Unknown functions return NOT_SUPPORTED. */
struct psci_result psci_handle(struct vm *vm, struct vcpu *caller, uint32_t fid, uint64_t a1,
			       uint64_t a2, uint64_t a3);

#endif
