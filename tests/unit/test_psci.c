/*
 * test_psci.c - host unit tests for hyp/exit/psci.c and hyp/core/vm_lookup.c: every PSCI 1.1 and
 * SMCCC function skiff offers, every error code CPU_ON and AFFINITY_INFO can return, the 32-bit
 * argument truncation of SMC32 calls, PSCI_FEATURES and SMCCC_ARCH_FEATURES answers, and
 * NOT_SUPPORTED for every other function ID in the ranges psci_owns claims. A fake struct
 * vm_ops counts its calls so each test can say exactly which hooks ran.
 * Touches nothing but the VM it allocates.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hyp/exit/psci.h"
#include "hyp/core/vm.h"

/* Function IDs skiff does not implement (DEN 0022 Table 5-1, DEN 0028 Table 6-2). */
#define PSCI_0_2_FN64_VERSION 0xc4000000u /* there is no SMC64 VERSION, CPU_OFF... */
#define PSCI_0_2_FN64_CPU_OFF 0xc4000002u
#define PSCI_1_0_FN_CPU_FREEZE 0x8400000bu
#define PSCI_1_0_FN_SYSTEM_SUSPEND 0x8400000eu
#define PSCI_1_0_FN64_SYSTEM_SUSPEND 0xc400000eu
#define PSCI_1_1_FN_SYSTEM_RESET2 0x84000012u
#define PSCI_1_1_FN64_SYSTEM_RESET2 0xc4000012u
#define PSCI_1_1_FN_MEM_PROTECT 0x84000013u
#define SMCCC_ARCH_SOC_ID 0x80000002u
#define SMCCC_ARCH_WORKAROUND_1 0x80008000u
#define SMCCC_ARCH_WORKAROUND_2 0x80007fffu
#define SMCCC_ARCH_WORKAROUND_3 0x80003fffu
#define SMCCC_ARCH_LAST 0x8000ffffu
#define SMCCC_ARCH64_FIRST 0xc0000000u /* SMC64 Arm Architecture calls: not owned */
#define PSCI_FN32_FIRST 0x84000000u
#define PSCI_FN64_FIRST 0xc4000000u
#define PSCI_FN_COUNT 0x20u

#define HIGH32 0xdeadbeef00000000ull /* junk an SMC32 caller may leave in x1..x3 */

/* The VM: four vCPUs, vCPU 0 running; two RAM banks with a gap. */
#define MPIDR_0 0x0ull
#define MPIDR_1 0x1ull
#define MPIDR_2 0x100ull       /* Aff1 = 1 */
#define MPIDR_3 0x100010002ull /* Aff3 = 1, Aff1 = 0, Aff2 = 1, Aff0 = 2 */
#define MPIDR_ABSENT 0x2ull
#define NR_VCPUS 4
#define RAM0_BASE 0x40000000ull
#define RAM0_SIZE 0x10000000ull
#define RAM1_BASE 0x100000000ull
#define RAM1_SIZE 0x01000000ull
#define ENTRY 0x40080000ull
#define CONTEXT 0x4a000000ull

struct fake_ops {
	unsigned int wake, system_off, system_reset;
	struct vcpu *woken;
	struct vm *vm;
	struct vcpu *caller;
};

static struct fake_ops calls;

static void fake_wake(struct vcpu *v)
{
	calls.wake++;
	calls.woken = v;
	/* the target's entry point is in place before it is woken */
	assert_int_equal(vcpu_get_power(v), VCPU_ON_PENDING);
}

static void fake_system_off(struct vm *vm, struct vcpu *caller)
{
	calls.system_off++;
	calls.vm = vm;
	calls.caller = caller;
}

static void fake_system_reset(struct vm *vm, struct vcpu *caller)
{
	calls.system_reset++;
	calls.vm = vm;
	calls.caller = caller;
}

static const struct vm_ops fake_vm_ops = {
	.wake = fake_wake,
	.system_off = fake_system_off,
	.system_reset = fake_system_reset,
};

static int setup(void **state)
{
	static const uint64_t mpidr[NR_VCPUS] = { MPIDR_0, MPIDR_1, MPIDR_2, MPIDR_3 };
	struct vm *vm = calloc(1, sizeof(*vm));
	unsigned int i;

	if (!vm)
		return -1;
	vm->ops = &fake_vm_ops;
	vm->state = VM_RUNNING;
	vm->nr_vcpus = NR_VCPUS;
	for (i = 0; i < NR_VCPUS; i++) {
		vm->vcpus[i].id = i;
		vm->vcpus[i].vm = vm;
		vm->vcpus[i].pcpu = i;
		vm->vcpus[i].mpidr = mpidr[i];
		vcpu_set_power(&vm->vcpus[i], VCPU_OFF);
	}
	vcpu_set_power(&vm->vcpus[0], VCPU_ON);
	vm->ram[0].base = RAM0_BASE;
	vm->ram[0].size = RAM0_SIZE;
	vm->ram[1].base = RAM1_BASE;
	vm->ram[1].size = RAM1_SIZE;
	vm->nr_ram = 2;
	memset(&calls, 0, sizeof(calls));
	*state = vm;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

/* A call from vCPU from, expected to return to the guest with ret. */
static void expect_ret(struct vm *vm, unsigned int from, uint32_t fid, uint64_t a1, uint64_t a2,
		       uint64_t a3, int64_t ret)
{
	struct psci_result r = psci_handle(vm, &vm->vcpus[from], fid, a1, a2, a3);

	assert_int_equal(r.action, PSCI_ACTION_RETURN);
	assert_int_equal(r.ret, ret);
}

static void expect_no_ops(void)
{
	assert_int_equal(calls.wake, 0);
	assert_int_equal(calls.system_off, 0);
	assert_int_equal(calls.system_reset, 0);
}

static void expect_power(struct vm *vm, enum vcpu_power p0, enum vcpu_power p1, enum vcpu_power p2,
			 enum vcpu_power p3)
{
	assert_int_equal(vcpu_get_power(&vm->vcpus[0]), p0);
	assert_int_equal(vcpu_get_power(&vm->vcpus[1]), p1);
	assert_int_equal(vcpu_get_power(&vm->vcpus[2]), p2);
	assert_int_equal(vcpu_get_power(&vm->vcpus[3]), p3);
}

/* Every function ID psci_handle implements; PSCI_FEATURES must say 0 for exactly these. */
static const uint32_t implemented[] = {
	PSCI_0_2_FN_VERSION,
	PSCI_0_2_FN_CPU_SUSPEND,
	PSCI_0_2_FN64_CPU_SUSPEND,
	PSCI_0_2_FN_CPU_OFF,
	PSCI_0_2_FN_CPU_ON,
	PSCI_0_2_FN64_CPU_ON,
	PSCI_0_2_FN_AFFINITY_INFO,
	PSCI_0_2_FN64_AFFINITY_INFO,
	PSCI_0_2_FN_MIGRATE_INFO_TYPE,
	PSCI_0_2_FN_SYSTEM_OFF,
	PSCI_0_2_FN_SYSTEM_RESET,
	PSCI_1_0_FN_PSCI_FEATURES,
	SMCCC_VERSION,
	SMCCC_ARCH_FEATURES,
};

static bool is_implemented(uint32_t fid)
{
	size_t i;

	for (i = 0; i < sizeof(implemented) / sizeof(implemented[0]); i++) {
		if (implemented[i] == fid)
			return true;
	}
	return false;
}

/* ---- psci_owns */

static void test_owns(void **state)
{
	static const struct {
		uint32_t fid;
		bool owned;
	} cases[] = {
		{ 0x00000000u, false }, { 0x7fffffffu, false },
		{ 0x80000000u, true },	/* SMCCC_VERSION */
		{ 0x8000ffffu, true },	/* last SMC32 Arm Architecture call */
		{ 0x80010000u, false }, /* ... past it */
		{ 0x82000000u, false }, /* SiP */
		{ 0x83ffffffu, false }, { 0x84000000u, true },
		{ 0x8400001fu, true },	{ 0x84000020u, false },
		{ 0x8400ffffu, false }, { 0x85000000u, false },
		{ 0x86000000u, false }, /* hypervisor service */
		{ 0xc0000000u, false }, /* SMC64 Arm Architecture calls */
		{ 0xc3ffffffu, false }, { 0xc4000000u, true },
		{ 0xc400001fu, true },	{ 0xc4000020u, false },
		{ 0xc6000000u, false }, { 0xffffffffu, false },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(psci_owns(cases[i].fid), cases[i].owned);
	for (i = 0; i < sizeof(implemented) / sizeof(implemented[0]); i++)
		assert_true(psci_owns(implemented[i]));
}

/* ---- VERSION, MIGRATE_INFO_TYPE, SMCCC_VERSION */

static void test_version(void **state)
{
	struct vm *vm = *state;

	expect_ret(vm, 0, PSCI_0_2_FN_VERSION, 0, 0, 0, PSCI_VERSION_1_1);
	expect_ret(vm, 0, PSCI_0_2_FN_VERSION, ~0ull, ~0ull, ~0ull, 0x10001);
	expect_ret(vm, 0, SMCCC_VERSION, 0, 0, 0, SMCCC_VERSION_1_1);
	expect_ret(vm, 0, SMCCC_VERSION, 0, 0, 0, 0x10001);
	expect_ret(vm, 0, PSCI_0_2_FN64_VERSION, 0, 0, 0, PSCI_RET_NOT_SUPPORTED);
	expect_no_ops();
	expect_power(vm, VCPU_ON, VCPU_OFF, VCPU_OFF, VCPU_OFF);
}

static void test_migrate(void **state)
{
	struct vm *vm = *state;

	expect_ret(vm, 0, PSCI_0_2_FN_MIGRATE_INFO_TYPE, 0, 0, 0, PSCI_MIGRATE_INFO_NOT_REQUIRED);
	expect_ret(vm, 0, PSCI_0_2_FN_MIGRATE_INFO_TYPE, 0, 0, 0, 2);
	expect_ret(vm, 0, PSCI_0_2_FN_MIGRATE, MPIDR_1, 0, 0, PSCI_RET_NOT_SUPPORTED);
	expect_ret(vm, 0, PSCI_0_2_FN64_MIGRATE, MPIDR_1, 0, 0, PSCI_RET_NOT_SUPPORTED);
	expect_ret(vm, 0, PSCI_0_2_FN_MIGRATE_INFO_UP_CPU, 0, 0, 0, PSCI_RET_NOT_SUPPORTED);
	expect_ret(vm, 0, PSCI_0_2_FN64_MIGRATE_INFO_UP_CPU, 0, 0, 0, PSCI_RET_NOT_SUPPORTED);
	expect_no_ops();
	expect_power(vm, VCPU_ON, VCPU_OFF, VCPU_OFF, VCPU_OFF);
}

/* ---- PSCI_FEATURES and SMCCC_ARCH_FEATURES */

static void test_psci_features(void **state)
{
	static const uint32_t not_supported[] = {
		PSCI_0_2_FN_MIGRATE,
		PSCI_0_2_FN64_MIGRATE,
		PSCI_0_2_FN_MIGRATE_INFO_UP_CPU,
		PSCI_0_2_FN64_MIGRATE_INFO_UP_CPU,
		PSCI_0_2_FN64_VERSION,
		PSCI_0_2_FN64_CPU_OFF,
		PSCI_1_0_FN_CPU_FREEZE,
		PSCI_1_0_FN_SYSTEM_SUSPEND,
		PSCI_1_0_FN64_SYSTEM_SUSPEND,
		PSCI_1_1_FN_SYSTEM_RESET2,
		PSCI_1_1_FN64_SYSTEM_RESET2,
		PSCI_1_1_FN_MEM_PROTECT,
		SMCCC_ARCH_SOC_ID,
		SMCCC_ARCH_WORKAROUND_1,
		SMCCC_ARCH_WORKAROUND_2,
		SMCCC_ARCH_WORKAROUND_3,
		0x8400001fu,
		0xc400001fu,
		0x84000020u,
		0x00000000u,
		0xffffffffu,
		0x82000000u,
	};
	struct vm *vm = *state;
	size_t i;

	for (i = 0; i < sizeof(implemented) / sizeof(implemented[0]); i++) {
		expect_ret(vm, 0, PSCI_1_0_FN_PSCI_FEATURES, implemented[i], 0, 0, 0);
		/* SMC32: junk above bit 31 of the argument is not part of it */
		expect_ret(vm, 0, PSCI_1_0_FN_PSCI_FEATURES, HIGH32 | implemented[i], 0, 0, 0);
	}
	for (i = 0; i < sizeof(not_supported) / sizeof(not_supported[0]); i++)
		expect_ret(vm, 0, PSCI_1_0_FN_PSCI_FEATURES, not_supported[i], 0, 0,
			   PSCI_RET_NOT_SUPPORTED);
	/* there is no SMC64 PSCI_FEATURES */
	expect_ret(vm, 0, PSCI_1_0_FN_PSCI_FEATURES | 0x40000000u, PSCI_0_2_FN_VERSION, 0, 0,
		   PSCI_RET_NOT_SUPPORTED);
	expect_no_ops();
	expect_power(vm, VCPU_ON, VCPU_OFF, VCPU_OFF, VCPU_OFF);
}

/* PSCI_FEATURES over every function ID in the owned ranges says 0 exactly for the
 * implemented ones. */
static void test_psci_features_every_fid(void **state)
{
	struct vm *vm = *state;
	uint32_t n;

	for (n = 0; n < PSCI_FN_COUNT; n++) {
		uint32_t f32 = PSCI_FN32_FIRST + n, f64 = PSCI_FN64_FIRST + n;

		expect_ret(vm, 0, PSCI_1_0_FN_PSCI_FEATURES, f32, 0, 0,
			   is_implemented(f32) ? 0 : PSCI_RET_NOT_SUPPORTED);
		expect_ret(vm, 0, PSCI_1_0_FN_PSCI_FEATURES, f64, 0, 0,
			   is_implemented(f64) ? 0 : PSCI_RET_NOT_SUPPORTED);
	}
	for (n = SMCCC_VERSION; n <= SMCCC_ARCH_LAST; n++)
		expect_ret(vm, 0, PSCI_1_0_FN_PSCI_FEATURES, n, 0, 0,
			   is_implemented(n) ? 0 : PSCI_RET_NOT_SUPPORTED);
	expect_no_ops();
}

static void test_smccc_arch_features(void **state)
{
	static const uint32_t not_supported[] = {
		SMCCC_ARCH_SOC_ID,
		SMCCC_ARCH_WORKAROUND_1,
		SMCCC_ARCH_WORKAROUND_2,
		SMCCC_ARCH_WORKAROUND_3,
		SMCCC_ARCH_LAST,
		PSCI_0_2_FN_VERSION,
		PSCI_0_2_FN_CPU_ON,
		PSCI_1_0_FN_PSCI_FEATURES,
		SMCCC_ARCH64_FIRST,
		0x00000000u,
		0xffffffffu,
	};
	struct vm *vm = *state;
	size_t i;

	expect_ret(vm, 0, SMCCC_ARCH_FEATURES, SMCCC_VERSION, 0, 0, PSCI_RET_SUCCESS);
	expect_ret(vm, 0, SMCCC_ARCH_FEATURES, SMCCC_ARCH_FEATURES, 0, 0, PSCI_RET_SUCCESS);
	expect_ret(vm, 0, SMCCC_ARCH_FEATURES, HIGH32 | SMCCC_VERSION, 0, 0, PSCI_RET_SUCCESS);
	for (i = 0; i < sizeof(not_supported) / sizeof(not_supported[0]); i++) {
		expect_ret(vm, 0, SMCCC_ARCH_FEATURES, not_supported[i], 0, 0,
			   PSCI_RET_NOT_SUPPORTED);
		expect_ret(vm, 0, SMCCC_ARCH_FEATURES, HIGH32 | not_supported[i], 0, 0,
			   PSCI_RET_NOT_SUPPORTED);
	}
	expect_no_ops();
}

/* ---- CPU_ON */

static void test_cpu_on(void **state)
{
	struct vm *vm = *state;
	struct vcpu *v1 = &vm->vcpus[1];

	expect_ret(vm, 0, PSCI_0_2_FN_CPU_ON, MPIDR_1, ENTRY, CONTEXT, PSCI_RET_SUCCESS);
	assert_int_equal(calls.wake, 1);
	assert_ptr_equal(calls.woken, v1);
	assert_int_equal(v1->boot_entry, ENTRY);
	assert_int_equal(v1->boot_context, CONTEXT);
	expect_power(vm, VCPU_ON, VCPU_ON_PENDING, VCPU_OFF, VCPU_OFF);

	/* again while it has not started: ON_PENDING, and the first request stands */
	expect_ret(vm, 0, PSCI_0_2_FN_CPU_ON, MPIDR_1, ENTRY + 0x100, 7, PSCI_RET_ON_PENDING);
	expect_ret(vm, 0, PSCI_0_2_FN64_CPU_ON, MPIDR_1, ENTRY, 7, PSCI_RET_ON_PENDING);
	assert_int_equal(v1->boot_entry, ENTRY);
	assert_int_equal(v1->boot_context, CONTEXT);

	/* the run loop starts it */
	vcpu_set_power(v1, VCPU_ON);
	expect_ret(vm, 0, PSCI_0_2_FN_CPU_ON, MPIDR_1, ENTRY, 0, PSCI_RET_ALREADY_ON);
	expect_ret(vm, 1, PSCI_0_2_FN64_CPU_ON, MPIDR_1, ENTRY, 0, PSCI_RET_ALREADY_ON); /* self */
	expect_ret(vm, 1, PSCI_0_2_FN64_CPU_ON, MPIDR_0, ENTRY, 0, PSCI_RET_ALREADY_ON);
	assert_int_equal(calls.wake, 1);
	assert_int_equal(calls.system_off + calls.system_reset, 0);
}

/* The SMC64 CPU_ON reaches Aff3 and takes 64-bit entry points and contexts. */
static void test_cpu_on64(void **state)
{
	struct vm *vm = *state;
	struct vcpu *v3 = &vm->vcpus[3];
	const uint64_t entry = RAM1_BASE + 0x1000, context = 0xfedcba9876543210ull;

	expect_ret(vm, 0, PSCI_0_2_FN64_CPU_ON, MPIDR_3, entry, context, PSCI_RET_SUCCESS);
	assert_int_equal(calls.wake, 1);
	assert_ptr_equal(calls.woken, v3);
	assert_int_equal(v3->boot_entry, entry);
	assert_int_equal(v3->boot_context, context);
	expect_power(vm, VCPU_ON, VCPU_OFF, VCPU_OFF, VCPU_ON_PENDING);
}

/* SMC32 CPU_ON: target, entry and context are the low 32 bits of x1..x3. */
static void test_cpu_on32_truncates(void **state)
{
	struct vm *vm = *state;
	struct vcpu *v2 = &vm->vcpus[2];

	/* MPIDR_3 seen through 32 bits is 0x10002: no such vCPU */
	expect_ret(vm, 0, PSCI_0_2_FN_CPU_ON, MPIDR_3, ENTRY, 0, PSCI_RET_INVALID_PARAMS);
	/* an entry in the high bank seen through 32 bits is 0x1000: not RAM */
	expect_ret(vm, 0, PSCI_0_2_FN_CPU_ON, MPIDR_2, RAM1_BASE + 0x1000, 0,
		   PSCI_RET_INVALID_ADDRESS);
	expect_no_ops();

	expect_ret(vm, 0, PSCI_0_2_FN_CPU_ON, HIGH32 | MPIDR_2, HIGH32 | ENTRY, HIGH32 | CONTEXT,
		   PSCI_RET_SUCCESS);
	assert_int_equal(v2->boot_entry, ENTRY);
	assert_int_equal(v2->boot_context, CONTEXT);
	assert_int_equal(calls.wake, 1);
	assert_ptr_equal(calls.woken, v2);
	expect_power(vm, VCPU_ON, VCPU_OFF, VCPU_ON_PENDING, VCPU_OFF);
}

/* An AArch32 guest: bit 0 of the entry asks for Thumb state (2-byte aligned), else as A32
 * (4-byte aligned); an AArch64 guest's entry with bit 0 set stays misaligned. A CPU_ON entry
 * is never the kernel's (r0 = context, not Linux's boot registers). */
static void test_cpu_on_aarch32(void **state)
{
	struct vm *vm = *state;
	struct vcpu *v1 = &vm->vcpus[1], *v2 = &vm->vcpus[2], *v3 = &vm->vcpus[3];

	expect_ret(vm, 0, PSCI_0_2_FN_CPU_ON, MPIDR_1, ENTRY + 3, 0, PSCI_RET_INVALID_ADDRESS);
	vm->aarch32 = true;
	v1->boot_kernel = true;
	expect_ret(vm, 0, PSCI_0_2_FN_CPU_ON, MPIDR_1, ENTRY + 2, 0, PSCI_RET_INVALID_ADDRESS);
	expect_ret(vm, 0, PSCI_0_2_FN_CPU_ON, MPIDR_1, RAM0_BASE - 1, 0, PSCI_RET_INVALID_ADDRESS);
	expect_ret(vm, 0, PSCI_0_2_FN_CPU_ON, MPIDR_1, ENTRY + 3, CONTEXT, PSCI_RET_SUCCESS);
	assert_int_equal(v1->boot_entry, ENTRY + 3);
	assert_false(v1->boot_kernel);
	expect_ret(vm, 0, PSCI_0_2_FN_CPU_ON, MPIDR_2, ENTRY + 1, 0, PSCI_RET_SUCCESS);
	expect_ret(vm, 0, PSCI_0_2_FN_CPU_ON, MPIDR_3 & 0xffff, ENTRY, 0,
		   PSCI_RET_INVALID_PARAMS); /* vCPU 3's Aff3 is out of a 32-bit call's reach */
	assert_int_equal(v2->boot_entry, ENTRY + 1);
	assert_int_equal(v3->boot_entry, 0);
	vm->aarch32 = false;
}

static void test_cpu_on_bad_mpidr(void **state)
{
	static const uint64_t bad64[] = {
		MPIDR_ABSENT,
		0x10000ull,		 /* Aff2 = 1 */
		0x200000000ull,		 /* Aff3 = 2 */
		MPIDR_3 & 0xffffffffull, /* vCPU 3 without its Aff3 */
		MPIDR_1 | (1ull << 31),	 /* RES1 bit of MPIDR_EL1 */
		MPIDR_1 | (1ull << 30),	 /* U */
		MPIDR_1 | (1ull << 24),	 /* MT */
		MPIDR_1 | (1ull << 40),	 /* above Aff3 */
		MPIDR_3 | (1ull << 63),
		MPIDR_0 | 0x80000000ull, /* the caller, as MPIDR_EL1 reads */
		~0ull,
	};
	static const uint64_t bad32[] = {
		MPIDR_ABSENT,		MPIDR_1 | (1ull << 31), MPIDR_1 | (1ull << 30),
		MPIDR_1 | (1ull << 24), 0xffffffffull,
	};
	struct vm *vm = *state;
	size_t i;

	for (i = 0; i < sizeof(bad64) / sizeof(bad64[0]); i++)
		expect_ret(vm, 0, PSCI_0_2_FN64_CPU_ON, bad64[i], ENTRY, 0,
			   PSCI_RET_INVALID_PARAMS);
	for (i = 0; i < sizeof(bad32) / sizeof(bad32[0]); i++)
		expect_ret(vm, 0, PSCI_0_2_FN_CPU_ON, bad32[i], ENTRY, 0, PSCI_RET_INVALID_PARAMS);
	/* a bad MPIDR is reported before a bad entry point */
	expect_ret(vm, 0, PSCI_0_2_FN64_CPU_ON, MPIDR_ABSENT, 0x1, 0, PSCI_RET_INVALID_PARAMS);
	expect_no_ops();
	expect_power(vm, VCPU_ON, VCPU_OFF, VCPU_OFF, VCPU_OFF);
}

static void test_cpu_on_bad_entry(void **state)
{
	static const uint64_t bad[] = {
		0x0,
		RAM0_BASE - 4,	       /* just below */
		RAM0_BASE + RAM0_SIZE, /* just past the end */
		RAM1_BASE - 4,	       /* in the gap between the banks */
		RAM1_BASE + RAM1_SIZE,
		RAM0_BASE + 1, /* misaligned */
		RAM0_BASE + 2,
		RAM0_BASE + 3,
		ENTRY + 2,
		RAM0_BASE + RAM0_SIZE - 2, /* misaligned, and runs past the end */
		RAM1_BASE + RAM1_SIZE - 1,
		0xfffffffffffffffcull,
	};
	struct vm *vm = *state;
	struct vcpu *v1 = &vm->vcpus[1];
	size_t i;

	v1->boot_entry = 0x1234;
	v1->boot_context = 0x5678;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		expect_ret(vm, 0, PSCI_0_2_FN64_CPU_ON, MPIDR_1, bad[i], CONTEXT,
			   PSCI_RET_INVALID_ADDRESS);
		if (bad[i] <= 0xffffffffull)
			expect_ret(vm, 0, PSCI_0_2_FN_CPU_ON, MPIDR_1, bad[i], CONTEXT,
				   PSCI_RET_INVALID_ADDRESS);
	}
	assert_int_equal(v1->boot_entry, 0x1234);
	assert_int_equal(v1->boot_context, 0x5678);
	expect_no_ops();
	expect_power(vm, VCPU_ON, VCPU_OFF, VCPU_OFF, VCPU_OFF);

	/* the first and last words of each bank are fine */
	expect_ret(vm, 0, PSCI_0_2_FN64_CPU_ON, MPIDR_1, RAM0_BASE, 0, PSCI_RET_SUCCESS);
	expect_ret(vm, 0, PSCI_0_2_FN64_CPU_ON, MPIDR_2, RAM0_BASE + RAM0_SIZE - 4, 0,
		   PSCI_RET_SUCCESS);
	expect_ret(vm, 0, PSCI_0_2_FN64_CPU_ON, MPIDR_3, RAM1_BASE + RAM1_SIZE - 4, 0,
		   PSCI_RET_SUCCESS);
	assert_int_equal(calls.wake, 3);
	expect_power(vm, VCPU_ON, VCPU_ON_PENDING, VCPU_ON_PENDING, VCPU_ON_PENDING);
}

/* A target that is on or pending says so whatever the entry point. */
static void test_cpu_on_state_before_entry(void **state)
{
	struct vm *vm = *state;

	vcpu_set_power(&vm->vcpus[1], VCPU_ON);
	vcpu_set_power(&vm->vcpus[2], VCPU_ON_PENDING);
	expect_ret(vm, 0, PSCI_0_2_FN64_CPU_ON, MPIDR_1, 0x3, 0, PSCI_RET_ALREADY_ON);
	expect_ret(vm, 0, PSCI_0_2_FN64_CPU_ON, MPIDR_2, 0x3, 0, PSCI_RET_ON_PENDING);
	expect_no_ops();
}

/* ---- CPU_OFF */

static void test_cpu_off_then_on(void **state)
{
	struct vm *vm = *state;
	struct vcpu *v1 = &vm->vcpus[1];
	struct psci_result r;

	expect_ret(vm, 0, PSCI_0_2_FN_CPU_ON, MPIDR_1, ENTRY, 1, PSCI_RET_SUCCESS);
	vcpu_set_power(v1, VCPU_ON);
	expect_ret(vm, 0, PSCI_0_2_FN_AFFINITY_INFO, MPIDR_1, 0, 0, PSCI_AFFINITY_ON);

	r = psci_handle(vm, v1, PSCI_0_2_FN_CPU_OFF, 0, 0, 0);
	assert_int_equal(r.action, PSCI_ACTION_CPU_OFF);
	expect_power(vm, VCPU_ON, VCPU_OFF, VCPU_OFF, VCPU_OFF);
	expect_ret(vm, 0, PSCI_0_2_FN_AFFINITY_INFO, MPIDR_1, 0, 0, PSCI_AFFINITY_OFF);
	assert_int_equal(calls.wake, 1);

	/* and on again, at a new entry point */
	expect_ret(vm, 0, PSCI_0_2_FN64_CPU_ON, MPIDR_1, ENTRY + 0x40, 2, PSCI_RET_SUCCESS);
	assert_int_equal(v1->boot_entry, ENTRY + 0x40);
	assert_int_equal(v1->boot_context, 2);
	assert_int_equal(calls.wake, 2);
	assert_ptr_equal(calls.woken, v1);
	expect_power(vm, VCPU_ON, VCPU_ON_PENDING, VCPU_OFF, VCPU_OFF);
	assert_int_equal(calls.system_off + calls.system_reset, 0);
}

/* The last vCPU on may turn itself off; then the others can be turned on by nobody, which is
 * the guest's business. Arguments are ignored. */
static void test_cpu_off_last(void **state)
{
	struct vm *vm = *state;
	struct psci_result r;

	r = psci_handle(vm, &vm->vcpus[0], PSCI_0_2_FN_CPU_OFF, ~0ull, ~0ull, ~0ull);
	assert_int_equal(r.action, PSCI_ACTION_CPU_OFF);
	expect_power(vm, VCPU_OFF, VCPU_OFF, VCPU_OFF, VCPU_OFF);
	expect_no_ops();
}

/* There is no SMC64 CPU_OFF: the caller stays on. */
static void test_cpu_off64_unknown(void **state)
{
	struct vm *vm = *state;

	expect_ret(vm, 0, PSCI_0_2_FN64_CPU_OFF, 0, 0, 0, PSCI_RET_NOT_SUPPORTED);
	expect_power(vm, VCPU_ON, VCPU_OFF, VCPU_OFF, VCPU_OFF);
	expect_no_ops();
}

/* ---- AFFINITY_INFO */

static void test_affinity_info(void **state)
{
	struct vm *vm = *state;

	vcpu_set_power(&vm->vcpus[2], VCPU_ON_PENDING);
	vcpu_set_power(&vm->vcpus[3], VCPU_ON);
	expect_ret(vm, 0, PSCI_0_2_FN_AFFINITY_INFO, MPIDR_0, 0, 0, PSCI_AFFINITY_ON);
	expect_ret(vm, 0, PSCI_0_2_FN_AFFINITY_INFO, MPIDR_1, 0, 0, PSCI_AFFINITY_OFF);
	expect_ret(vm, 0, PSCI_0_2_FN_AFFINITY_INFO, MPIDR_2, 0, 0, PSCI_AFFINITY_ON_PENDING);
	expect_ret(vm, 0, PSCI_0_2_FN64_AFFINITY_INFO, MPIDR_0, 0, 0, 0);
	expect_ret(vm, 0, PSCI_0_2_FN64_AFFINITY_INFO, MPIDR_1, 0, 0, 1);
	expect_ret(vm, 0, PSCI_0_2_FN64_AFFINITY_INFO, MPIDR_2, 0, 0, 2);
	expect_ret(vm, 0, PSCI_0_2_FN64_AFFINITY_INFO, MPIDR_3, 0, 0, PSCI_AFFINITY_ON);
	/* asked by another vCPU: same answers */
	expect_ret(vm, 3, PSCI_0_2_FN64_AFFINITY_INFO, MPIDR_2, 0, 0, PSCI_AFFINITY_ON_PENDING);

	/* SMC32: low 32 bits of target and level */
	expect_ret(vm, 0, PSCI_0_2_FN_AFFINITY_INFO, HIGH32 | MPIDR_2, HIGH32, 0,
		   PSCI_AFFINITY_ON_PENDING);
	expect_ret(vm, 0, PSCI_0_2_FN_AFFINITY_INFO, MPIDR_3, 0, 0, PSCI_RET_INVALID_PARAMS);
	/* SMC64: lowest_affinity_level is a uint32 even so */
	expect_ret(vm, 0, PSCI_0_2_FN64_AFFINITY_INFO, MPIDR_3, HIGH32, 0, PSCI_AFFINITY_ON);
	expect_no_ops();
	expect_power(vm, VCPU_ON, VCPU_OFF, VCPU_ON_PENDING, VCPU_ON);
}

static void test_affinity_info_invalid(void **state)
{
	static const uint64_t levels[] = { 1, 2, 3, 4, 0xff, 0xffffffffull };
	struct vm *vm = *state;
	size_t i;

	for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		expect_ret(vm, 0, PSCI_0_2_FN_AFFINITY_INFO, MPIDR_0, levels[i], 0,
			   PSCI_RET_INVALID_PARAMS);
		expect_ret(vm, 0, PSCI_0_2_FN64_AFFINITY_INFO, MPIDR_0, levels[i], 0,
			   PSCI_RET_INVALID_PARAMS);
	}
	expect_ret(vm, 0, PSCI_0_2_FN64_AFFINITY_INFO, MPIDR_ABSENT, 0, 0, PSCI_RET_INVALID_PARAMS);
	expect_ret(vm, 0, PSCI_0_2_FN64_AFFINITY_INFO, MPIDR_1 | (1ull << 31), 0, 0,
		   PSCI_RET_INVALID_PARAMS);
	expect_ret(vm, 0, PSCI_0_2_FN64_AFFINITY_INFO, MPIDR_1 | (1ull << 48), 0, 0,
		   PSCI_RET_INVALID_PARAMS);
	expect_ret(vm, 0, PSCI_0_2_FN_AFFINITY_INFO, MPIDR_1 | (1ull << 30), 0, 0,
		   PSCI_RET_INVALID_PARAMS);
	expect_no_ops();
}

/* ---- CPU_SUSPEND: a standby that returns at once, power state untouched */

static void test_cpu_suspend(void **state)
{
	struct vm *vm = *state;
	struct psci_result r;

	r = psci_handle(vm, &vm->vcpus[0], PSCI_0_2_FN_CPU_SUSPEND, 0, 0, 0);
	assert_int_equal(r.ret, PSCI_RET_SUCCESS);
	assert_int_equal(r.action, PSCI_ACTION_RETURN);
	r = psci_handle(vm, &vm->vcpus[0], PSCI_0_2_FN64_CPU_SUSPEND, 1u << 16, 0x40080000, 7);
	assert_int_equal(r.ret, PSCI_RET_SUCCESS);
	assert_int_equal(r.action, PSCI_ACTION_RETURN);
	expect_no_ops();
	expect_power(vm, VCPU_ON, VCPU_OFF, VCPU_OFF, VCPU_OFF);
}

/* ---- SYSTEM_OFF, SYSTEM_RESET */

static void test_system_off(void **state)
{
	struct vm *vm = *state;
	struct psci_result r = psci_handle(vm, &vm->vcpus[0], PSCI_0_2_FN_SYSTEM_OFF, 0, 0, 0);

	assert_int_equal(r.action, PSCI_ACTION_SYSTEM_OFF);
	assert_int_equal(calls.system_off, 1);
	assert_ptr_equal(calls.vm, vm);
	assert_ptr_equal(calls.caller, &vm->vcpus[0]);
	assert_int_equal(calls.system_reset, 0);
	assert_int_equal(calls.wake, 0);
}

static void test_system_reset(void **state)
{
	struct vm *vm = *state;
	struct psci_result r;

	vcpu_set_power(&vm->vcpus[2], VCPU_ON);
	r = psci_handle(vm, &vm->vcpus[2], PSCI_0_2_FN_SYSTEM_RESET, 0, 0, 0);
	assert_int_equal(r.action, PSCI_ACTION_SYSTEM_RESET);
	assert_int_equal(calls.system_reset, 1);
	assert_ptr_equal(calls.vm, vm);
	assert_ptr_equal(calls.caller, &vm->vcpus[2]);
	assert_int_equal(calls.system_off, 0);
	assert_int_equal(calls.wake, 0);
	/* SYSTEM_RESET2 is not offered */
	expect_ret(vm, 2, PSCI_1_1_FN_SYSTEM_RESET2, 0, 0, 0, PSCI_RET_NOT_SUPPORTED);
	expect_ret(vm, 2, PSCI_1_1_FN64_SYSTEM_RESET2, 0, 0, 0, PSCI_RET_NOT_SUPPORTED);
	assert_int_equal(calls.system_reset, 1);
}

/*
 * Once SYSTEM_OFF or SYSTEM_RESET has begun to stop the guest (STOPPING), or it is OFF, no
 * CPU_ON may start a vCPU of it: DENIED, no vCPU changed, nobody woken. (The race of issue 9:
 * a CPU_ON racing SYSTEM_OFF could keep a stopped guest running.)
 */
static void test_cpu_on_stopped_guest(void **state)
{
	static const enum vm_state stopped[] = { VM_STOPPING, VM_OFF, VM_IDLE };
	struct vm *vm = *state;
	unsigned int i;

	for (i = 0; i < sizeof(stopped) / sizeof(stopped[0]); i++) {
		vm->state = stopped[i];
		expect_ret(vm, 0, PSCI_0_2_FN64_CPU_ON, MPIDR_1, ENTRY, CONTEXT, PSCI_RET_DENIED);
		expect_ret(vm, 0, PSCI_0_2_FN_CPU_ON, MPIDR_2, ENTRY, CONTEXT, PSCI_RET_DENIED);
		/* a target that does not exist is still INVALID_PARAMS first */
		expect_ret(vm, 0, PSCI_0_2_FN64_CPU_ON, MPIDR_ABSENT, ENTRY, 0,
			   PSCI_RET_INVALID_PARAMS);
	}
	expect_no_ops();
	expect_power(vm, VCPU_ON, VCPU_OFF, VCPU_OFF, VCPU_OFF);
	vm->state = VM_RUNNING;
	expect_ret(vm, 0, PSCI_0_2_FN64_CPU_ON, MPIDR_1, ENTRY, CONTEXT, PSCI_RET_SUCCESS);
	expect_power(vm, VCPU_ON, VCPU_ON_PENDING, VCPU_OFF, VCPU_OFF);
}

/* ---- everything else */

/* Every function ID that psci_owns but psci_handle does not implement: NOT_SUPPORTED, no
 * hook called, no vCPU changed. Also a few IDs outside the owned ranges. */
static void test_unknown_fids(void **state)
{
	static const uint32_t others[] = {
		0x00000000u, 0x7fffffffu, 0x80010000u, 0x82000000u, 0x84000020u,
		0x86000000u, 0xc0000000u, 0xc0000001u, 0xc4000020u, 0xffffffffu,
	};
	struct vm *vm = *state;
	struct vcpu before[NR_VCPUS];
	unsigned int tried = 0;
	uint32_t n;
	size_t i;

	memcpy(before, vm->vcpus, sizeof(before));
	for (n = 0; n < PSCI_FN_COUNT; n++) {
		uint32_t f32 = PSCI_FN32_FIRST + n, f64 = PSCI_FN64_FIRST + n;

		if (!is_implemented(f32)) {
			expect_ret(vm, 0, f32, MPIDR_1, ENTRY, 0, PSCI_RET_NOT_SUPPORTED);
			tried++;
		}
		if (!is_implemented(f64)) {
			expect_ret(vm, 0, f64, MPIDR_1, ENTRY, 0, PSCI_RET_NOT_SUPPORTED);
			tried++;
		}
	}
	for (n = SMCCC_VERSION; n <= SMCCC_ARCH_LAST; n++) {
		if (!is_implemented(n)) {
			expect_ret(vm, 0, n, 0, 0, 0, PSCI_RET_NOT_SUPPORTED);
			tried++;
		}
	}
	for (i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		expect_ret(vm, 0, others[i], 0, 0, 0, PSCI_RET_NOT_SUPPORTED);
	/* 2 x 32 PSCI IDs less 12 implemented, 65536 SMCCC IDs less 2 */
	assert_int_equal(tried, 2 * PSCI_FN_COUNT - 12 + 0x10000 - 2);
	assert_memory_equal(vm->vcpus, before, sizeof(before));
	expect_no_ops();
}

/* ---- vm_lookup.c */

static void test_vm_lookup(void **state)
{
	struct vm *vm = *state;

	assert_ptr_equal(vm_vcpu_by_mpidr(vm, MPIDR_0), &vm->vcpus[0]);
	assert_ptr_equal(vm_vcpu_by_mpidr(vm, MPIDR_2), &vm->vcpus[2]);
	assert_ptr_equal(vm_vcpu_by_mpidr(vm, MPIDR_3), &vm->vcpus[3]);
	/* non-affinity bits (RES1, U, MT) are not part of the comparison */
	assert_ptr_equal(vm_vcpu_by_mpidr(vm, MPIDR_1 | 0x81000000ull), &vm->vcpus[1]);
	assert_null(vm_vcpu_by_mpidr(vm, MPIDR_ABSENT));
	assert_null(vm_vcpu_by_mpidr(vm, MPIDR_3 & 0xffffffffull));
	vm->nr_vcpus = 2; /* only the first nr_vcpus count */
	assert_null(vm_vcpu_by_mpidr(vm, MPIDR_2));
	vm->nr_vcpus = NR_VCPUS;

	assert_true(vm_ipa_in_ram(vm, RAM0_BASE, RAM0_SIZE));
	assert_true(vm_ipa_in_ram(vm, RAM0_BASE + RAM0_SIZE - 1, 1));
	assert_true(vm_ipa_in_ram(vm, RAM1_BASE, 8));
	assert_false(vm_ipa_in_ram(vm, RAM0_BASE, RAM0_SIZE + 1));
	assert_false(vm_ipa_in_ram(vm, RAM0_BASE - 1, 2));
	assert_false(vm_ipa_in_ram(vm, RAM0_BASE + RAM0_SIZE, 1));
	assert_false(vm_ipa_in_ram(vm, RAM0_BASE, 0));
	assert_false(vm_ipa_in_ram(vm, RAM0_BASE + 8, ~0ull)); /* would wrap */
	assert_false(vm_ipa_in_ram(vm, ~0ull, 2));
	/* banks that touch are not joined */
	vm->ram[1].base = RAM0_BASE + RAM0_SIZE;
	assert_true(vm_ipa_in_ram(vm, RAM0_BASE + RAM0_SIZE, 4));
	assert_false(vm_ipa_in_ram(vm, RAM0_BASE + RAM0_SIZE - 2, 4));
	vm->nr_ram = 1;
	assert_false(vm_ipa_in_ram(vm, RAM0_BASE + RAM0_SIZE, 4));
}

#define PSCI_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		PSCI_TEST(test_owns),
		PSCI_TEST(test_version),
		PSCI_TEST(test_migrate),
		PSCI_TEST(test_psci_features),
		PSCI_TEST(test_psci_features_every_fid),
		PSCI_TEST(test_smccc_arch_features),
		PSCI_TEST(test_cpu_on),
		PSCI_TEST(test_cpu_on64),
		PSCI_TEST(test_cpu_on32_truncates),
		PSCI_TEST(test_cpu_on_aarch32),
		PSCI_TEST(test_cpu_on_bad_mpidr),
		PSCI_TEST(test_cpu_on_bad_entry),
		PSCI_TEST(test_cpu_on_state_before_entry),
		PSCI_TEST(test_cpu_off_then_on),
		PSCI_TEST(test_cpu_off_last),
		PSCI_TEST(test_cpu_off64_unknown),
		PSCI_TEST(test_affinity_info),
		PSCI_TEST(test_affinity_info_invalid),
		PSCI_TEST(test_cpu_suspend),
		PSCI_TEST(test_system_off),
		PSCI_TEST(test_cpu_on_stopped_guest),
		PSCI_TEST(test_system_reset),
		PSCI_TEST(test_unknown_fids),
		PSCI_TEST(test_vm_lookup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
