/*
 * psci.c - PSCI 1.1 (Arm DEN 0022) and the SMCCC 1.1 Arm Architecture calls (Arm DEN 0028)
 * as a guest sees them over HVC or SMC. Checks arguments, moves vCPUs between OFF, ON_PENDING
 * and ON, and tells the run loop what to do next. Touches no system register and no other
 * vCPU state than power, boot_entry and boot_context; starting, parking and powering off
 * physical CPUs is the business of vm->ops and the run loop.
 *
 * Choices where the specifications leave room:
 * - CPU_SUSPEND (mandatory since PSCI 1.0) is a standby that returns SUCCESS at once, as a
 *   wake-up event may end any suspend (DEN 0022 5.4); a power-down request is thereby
 *   demoted to standby, which the caller sees as a state with no context lost. Its
 *   PSCI_FEATURES flags are 0: the original power_state format. Nothing beyond the functions
 *   in PSCI_CALLS is offered (SYSTEM_SUSPEND, SYSTEM_RESET2, MEM_PROTECT...).
 * - CPU_ON checks, in this order: the target MPIDR (bits outside Aff3..Aff0 or no such vCPU:
 *   INVALID_PARAMS), the guest's state (being stopped or restarted: DENIED), the target's
 *   power state (ALREADY_ON, ON_PENDING), then the entry point (outside the VM's RAM or not
 *   4-byte aligned: INVALID_ADDRESS).
 * - SYSTEM_OFF stops this guest alone and SYSTEM_RESET restarts it alone (hyp/guests/lifecycle.c);
 *   the machine is powered off when the last guest is off.
 * - CPU_OFF always succeeds, even for the last vCPU on; there is no Trusted OS to refuse it.
 * - AFFINITY_INFO answers lowest_affinity_level 0 only and returns INVALID_PARAMS for higher
 *   levels, which PSCI 1.0 and later allow. Target MPIDRs are checked as for CPU_ON.
 * - MIGRATE_INFO_TYPE says 2 (no Trusted OS needing migration), so MIGRATE and
 *   MIGRATE_INFO_UP_CPU are NOT_SUPPORTED.
 * - SMCCC_ARCH_FEATURES reports 0 for SMCCC_VERSION and SMCCC_ARCH_FEATURES and
 *   NOT_SUPPORTED for everything else, SMCCC_ARCH_WORKAROUND_1/2/3 and SMCCC_ARCH_SOC_ID
 *   included: skiff implements none of them, so a guest must not call them.
 * - PSCI_FEATURES reports 0 for every function in PSCI_CALLS, SMCCC_VERSION and
 *   SMCCC_ARCH_FEATURES included, and NOT_SUPPORTED otherwise.
 */
#include <stddef.h>

#include "arch/arm64/regs.h"
#include "hyp/exit/psci.h"

/* Function ID ranges this module answers (DEN 0028 Table 6-2 "Allocation of values"). */
#define PSCI_FN32_FIRST 0x84000000u
#define PSCI_FN32_LAST 0x8400001fu
#define PSCI_FN64_FIRST 0xc4000000u
#define PSCI_FN64_LAST 0xc400001fu
#define SMCCC_ARCH_FIRST 0x80000000u
#define SMCCC_ARCH_LAST 0x8000ffffu

#define SMCCC_FN64 (1u << 30) /* the call uses the SMC64/HVC64 convention */
#define SMCCC_ARG32_MASK 0xffffffffull

#define PSCI_AFFINITY_LEVEL_CPU 0
#define PSCI_ENTRY_ALIGN 4     /* an A64 (or A32) instruction */
#define PSCI_ENTRY_ALIGN_T32 2 /* a T32 one */

/*
 * Every handler's parameters: the VM, the calling vCPU and the call's x1..x3 (an SMC32 call's
 * low halves), passed in registers; most handlers read few of them, or none. (They were a
 * struct in memory, built for every call.)
 */
#define PSCI_UNUSED __attribute__((unused))
#define PSCI_PARAMS                                                                          \
	struct vm *vm PSCI_UNUSED, struct vcpu *caller PSCI_UNUSED, uint64_t a1 PSCI_UNUSED, \
		uint64_t a2 PSCI_UNUSED, uint64_t a3 PSCI_UNUSED

/*
 * CPU_ON takes a vCPU out of OFF under the VM's power_lock, the lock under which the whole
 * guest is started and stopped (hyp/guests/lifecycle.c): a target seen OFF gets its entry point and
 * context written before its state becomes ON_PENDING, two CPU_ONs aimed at one vCPU cannot
 * both succeed, and no vCPU is started once SYSTEM_OFF or SYSTEM_RESET has begun to stop its
 * guest (DENIED). A vCPU leaves ON_PENDING and ON only by itself (the run loop, CPU_OFF) or
 * when its guest is stopped.
 */
static struct psci_result psci_ret(int64_t ret)
{
	struct psci_result r = { .ret = ret, .action = PSCI_ACTION_RETURN };

	return r;
}

/* The vCPU a PSCI call names, or NULL if mpidr has non-affinity bits or no vCPU has it. */
static struct vcpu *psci_target(struct vm *vm, uint64_t mpidr)
{
	if (mpidr & ~MPIDR_AFF_MASK)
		return NULL;
	return vm_vcpu_by_mpidr(vm, mpidr);
}

static struct psci_result psci_version(PSCI_PARAMS)
{
	return psci_ret(PSCI_VERSION_1_1);
}

__attribute__((cold)) static struct psci_result psci_cpu_off(PSCI_PARAMS)
{
	struct psci_result r = { .ret = PSCI_RET_SUCCESS, .action = PSCI_ACTION_CPU_OFF };

	/* On success CPU_OFF does not return: ret is never written to the guest. */
	vcpu_set_power(caller, VCPU_OFF);
	return r;
}

__attribute__((cold)) static struct psci_result psci_cpu_on(PSCI_PARAMS)
{
	struct vcpu *target = psci_target(vm, a1);
	uint64_t entry = a2, pc = a2, align = PSCI_ENTRY_ALIGN;
	int64_t ret = PSCI_RET_INTERNAL_FAILURE; /* a power state outside the enum */

	if (!target)
		return psci_ret(PSCI_RET_INVALID_PARAMS);

	spin_lock(&vm->power_lock);
	if (vm_get_state(vm) != VM_RUNNING) {
		spin_unlock(&vm->power_lock);
		return psci_ret(PSCI_RET_DENIED); /* the guest is being stopped or restarted */
	}
	switch (vcpu_get_power(target)) {
	case VCPU_ON:
		ret = PSCI_RET_ALREADY_ON;
		break;
	case VCPU_ON_PENDING:
		ret = PSCI_RET_ON_PENDING;
		break;
	case VCPU_OFF:
		/* an AArch32 caller's entry point: bit 0 set for T32, 2-byte aligned */
		if (vm->aarch32 && (entry & 1)) {
			pc = entry - 1;
			align = PSCI_ENTRY_ALIGN_T32;
		}
		if (pc % align || !vm_ipa_in_ram(vm, pc, align)) {
			ret = PSCI_RET_INVALID_ADDRESS;
			break;
		}
		target->boot_entry = entry;
		target->boot_context = a3;
		target->boot_kernel = false;
		vcpu_set_power(target, VCPU_ON_PENDING); /* release: entry and context first */
		ret = PSCI_RET_SUCCESS;
		break;
	}
	spin_unlock(&vm->power_lock);

	if (ret == PSCI_RET_SUCCESS)
		vm->ops->wake(target);
	return psci_ret(ret);
}

__attribute__((cold)) static struct psci_result psci_affinity_info(PSCI_PARAMS)
{
	struct vcpu *target = psci_target(vm, a1);

	/* lowest_affinity_level is a uint32 in both the SMC32 and the SMC64 call */
	if (!target || (uint32_t)a2 != PSCI_AFFINITY_LEVEL_CPU)
		return psci_ret(PSCI_RET_INVALID_PARAMS);

	switch (vcpu_get_power(target)) {
	case VCPU_ON:
		return psci_ret(PSCI_AFFINITY_ON);
	case VCPU_ON_PENDING:
		return psci_ret(PSCI_AFFINITY_ON_PENDING);
	case VCPU_OFF:
		break;
	}
	return psci_ret(PSCI_AFFINITY_OFF);
}

__attribute__((cold)) static struct psci_result psci_migrate_info_type(PSCI_PARAMS)
{
	return psci_ret(PSCI_MIGRATE_INFO_NOT_REQUIRED);
}

__attribute__((cold)) static struct psci_result psci_system_off(PSCI_PARAMS)
{
	struct psci_result r = { .ret = PSCI_RET_SUCCESS, .action = PSCI_ACTION_SYSTEM_OFF };

	vm->ops->system_off(vm, caller);
	return r;
}

__attribute__((cold)) static struct psci_result psci_system_reset(PSCI_PARAMS)
{
	struct psci_result r = { .ret = PSCI_RET_SUCCESS, .action = PSCI_ACTION_SYSTEM_RESET };

	vm->ops->system_reset(vm, caller);
	return r;
}

__attribute__((cold)) static struct psci_result psci_cpu_suspend(PSCI_PARAMS)
{
	return psci_ret(PSCI_RET_SUCCESS);
}

static struct psci_result smccc_version(PSCI_PARAMS)
{
	return psci_ret(SMCCC_VERSION_1_1);
}

__attribute__((cold)) static struct psci_result smccc_arch_features(PSCI_PARAMS)
{
	switch ((uint32_t)a1) {
	case SMCCC_VERSION:
	case SMCCC_ARCH_FEATURES:
		return psci_ret(PSCI_RET_SUCCESS);
	default:
		return psci_ret(PSCI_RET_NOT_SUPPORTED);
	}
}

/*
 * Every function offered, with its handler; anything else is NOT_SUPPORTED, to callers and to
 * PSCI_FEATURES. One list, expanded into the switch of psci_handle() (a call takes a jump
 * through the switch's table, not a search of the list) and into that of psci_offered().
 */
#define PSCI_CALLS(X)                                            \
	X(PSCI_0_2_FN_VERSION, psci_version)                     \
	X(PSCI_0_2_FN_CPU_SUSPEND, psci_cpu_suspend)             \
	X(PSCI_0_2_FN64_CPU_SUSPEND, psci_cpu_suspend)           \
	X(PSCI_0_2_FN_CPU_OFF, psci_cpu_off)                     \
	X(PSCI_0_2_FN_CPU_ON, psci_cpu_on)                       \
	X(PSCI_0_2_FN64_CPU_ON, psci_cpu_on)                     \
	X(PSCI_0_2_FN_AFFINITY_INFO, psci_affinity_info)         \
	X(PSCI_0_2_FN64_AFFINITY_INFO, psci_affinity_info)       \
	X(PSCI_0_2_FN_MIGRATE_INFO_TYPE, psci_migrate_info_type) \
	X(PSCI_0_2_FN_SYSTEM_OFF, psci_system_off)               \
	X(PSCI_0_2_FN_SYSTEM_RESET, psci_system_reset)           \
	X(PSCI_1_0_FN_PSCI_FEATURES, psci_features)              \
	X(SMCCC_VERSION, smccc_version)                          \
	X(SMCCC_ARCH_FEATURES, smccc_arch_features)

#define PSCI_CASE(fid, handler) case fid:
#define PSCI_CASE_CALL(fid, handler) \
	case fid:                    \
		return handler(vm, caller, a1, a2, a3);

static bool psci_offered(uint32_t fid)
{
	switch (fid) {
		PSCI_CALLS(PSCI_CASE)
		return true;
	default:
		return false;
	}
}

static struct psci_result psci_features(PSCI_PARAMS)
{
	/* psci_func_id is a uint32; 0 means "implemented, no feature flags" */
	if (psci_offered((uint32_t)a1))
		return psci_ret(PSCI_RET_SUCCESS);
	return psci_ret(PSCI_RET_NOT_SUPPORTED);
}

bool psci_owns(uint32_t fid)
{
	return (fid >= PSCI_FN32_FIRST && fid <= PSCI_FN32_LAST) ||
	       (fid >= PSCI_FN64_FIRST && fid <= PSCI_FN64_LAST) ||
	       (fid >= SMCCC_ARCH_FIRST && fid <= SMCCC_ARCH_LAST);
}

struct psci_result psci_handle(struct vm *vm, struct vcpu *caller, uint32_t fid, uint64_t a1,
			       uint64_t a2, uint64_t a3)
{
	if (!(fid & SMCCC_FN64)) {
		a1 &= SMCCC_ARG32_MASK;
		a2 &= SMCCC_ARG32_MASK;
		a3 &= SMCCC_ARG32_MASK;
	}
	switch (fid) {
		PSCI_CALLS(PSCI_CASE_CALL)
	default:
		return psci_ret(PSCI_RET_NOT_SUPPORTED);
	}
}
