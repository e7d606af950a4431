/*
 * psci.c - test guest: the PSCI and SMCCC interface a guest OS relies on. VERSION (1.0 or
 * later natively, exactly 1.1 under skiff), FEATURES, SMCCC_VERSION, MIGRATE_INFO_TYPE,
 * unknown functions (NOT_SUPPORTED), CPU_ON errors (no such MPIDR, already on, entry
 * outside RAM), a CPU_ON / CPU_OFF / CPU_ON cycle of one vCPU with its context id checked
 * and AFFINITY_INFO following it, and under skiff the same over SMC as over HVC. Needs
 * three vCPUs: cpu1 cycles, the last one only ever sees the failing CPU_ON.
 */
#include "tests/guests/lib/guest.h"
#include "tests/guests/lib/psci.h"
#include "tests/guests/lib/tap.h"

#define NR_TESTS 19
#define CPU_CYCLE 1
#define NO_SUCH_AFF0 0xfe
#define UNKNOWN_PSCI_FN 0x8400001fU /* in the PSCI range, not allocated */
#define UNKNOWN_SIP_FN 0xc2000000U  /* SiP service, 64-bit fast call: nothing there */
#define UNKNOWN_ARCH_FN 0x8000ffffU /* Arm architecture service, not allocated */
#define NOT_RAM_ADDR 0x1000UL	    /* flash on QEMU virt */
#define CTX_FIRST 0x5eed0000cafe0001ULL
#define CTX_SECOND 0xfeedface00000002ULL
#define CTX_SMC 0x0123456789abcdefULL
#define TIMEOUT_US 2000000
#define UNDEF_RET INT64_MIN

const char guest_name[] = "psci";

enum conduit { HVC, SMC };

static volatile bool expect_undef;
static volatile bool undef_hit;
static volatile uint32_t boots;
static volatile uint64_t boot_ctx[4];
static volatile uint32_t boot_cpu[4];
static volatile bool release;
static volatile bool off_by_smc;

/* HVC or SMC with no handler behind it (natively) is UNDEFINED at EL1: catch that. */
static bool undef_hook(struct exc_frame *frame, uint64_t esr, uint64_t far)
{
	(void)far;
	if (!expect_undef || esr_ec(esr) != ESR_EC_UNKNOWN)
		return false;
	undef_hit = true;
	frame->elr += 4;
	return true;
}

static int64_t call(enum conduit c, uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	int64_t ret;

	undef_hit = false;
	expect_undef = true;
	ret = c == SMC ? smccc_smc(fn, a1, a2, a3) : smccc_hvc(fn, a1, a2, a3);
	expect_undef = false;
	return undef_hit ? UNDEF_RET : ret;
}

static const char *ret_name(int64_t r)
{
	switch (r) {
	case PSCI_RET_SUCCESS:
		return "SUCCESS";
	case PSCI_RET_NOT_SUPPORTED:
		return "NOT_SUPPORTED";
	case PSCI_RET_INVALID_PARAMETERS:
		return "INVALID_PARAMETERS";
	case PSCI_RET_DENIED:
		return "DENIED";
	case PSCI_RET_ALREADY_ON:
		return "ALREADY_ON";
	case PSCI_RET_ON_PENDING:
		return "ON_PENDING";
	case PSCI_RET_INTERNAL_FAILURE:
		return "INTERNAL_FAILURE";
	case PSCI_RET_INVALID_ADDRESS:
		return "INVALID_ADDRESS";
	case UNDEF_RET:
		return "undefined instruction";
	default:
		return "?";
	}
}

static void secondary(uint64_t ctx)
{
	uint32_t n = boots;

	if (n < ARRAY_SIZE(boot_ctx)) {
		boot_ctx[n] = ctx;
		boot_cpu[n] = this_cpu();
	}
	__atomic_store_n(&boots, n + 1, __ATOMIC_RELEASE);
	wait_until(release, TIMEOUT_US);
	release = false;
	if (off_by_smc) {
		local_irq_disable();
		smccc_smc(PSCI_CPU_OFF, 0, 0, 0);
		bail_out("cpu%u: CPU_OFF over SMC returned", this_cpu());
	}
	/* Returning powers the CPU off through the device tree's conduit (HVC). */
}

static void test_version(void)
{
	int64_t v = call(HVC, PSCI_VERSION, 0, 0, 0);

	if (plat.skiff)
		tap_ok(v == PSCI_VERSION_1_1, "PSCI_VERSION is 1.1 (0x%llx)", (long long)v);
	else
		tap_ok(v >= PSCI_VERSION_1_0, "PSCI_VERSION is 1.0 or later (0x%llx)",
		       (long long)v);
}

static void test_features(void)
{
	static const uint32_t fns[] = { PSCI_VERSION,		PSCI_CPU_OFF,
					PSCI_CPU_ON_64,		PSCI_AFFINITY_INFO_64,
					PSCI_MIGRATE_INFO_TYPE, PSCI_SYSTEM_OFF,
					PSCI_SYSTEM_RESET,	PSCI_FEATURES };
	unsigned int i;
	bool ok = true;
	int64_t r;

	for (i = 0; i < ARRAY_SIZE(fns); i++) {
		r = call(HVC, PSCI_FEATURES, fns[i], 0, 0);
		if (r < 0) {
			tap_diag("PSCI_FEATURES(0x%x) = %lld %s", fns[i], (long long)r,
				 ret_name(r));
			ok = false;
		}
	}
	tap_ok(ok, "PSCI_FEATURES: VERSION, CPU_ON, CPU_OFF, AFFINITY_INFO, MIGRATE_INFO_TYPE, "
		   "SYSTEM_OFF, SYSTEM_RESET, FEATURES are implemented");
	r = call(HVC, PSCI_FEATURES, UNKNOWN_PSCI_FN, 0, 0);
	tap_ok(r == PSCI_RET_NOT_SUPPORTED, "PSCI_FEATURES(unallocated 0x%x) is NOT_SUPPORTED (%s)",
	       UNKNOWN_PSCI_FN, ret_name(r));
}

static void test_smccc(void)
{
	int64_t feat = call(HVC, PSCI_FEATURES, SMCCC_VERSION, 0, 0);
	int64_t ver = call(HVC, SMCCC_VERSION, 0, 0, 0);
	int64_t arch;

	if (!plat.skiff && (feat < 0 || ver < 0)) {
		tap_skip_native("SMCCC_VERSION 1.1 or later, announced by PSCI_FEATURES (QEMU: "
				"FEATURES %lld, VERSION %lld)",
				(long long)feat, (long long)ver);
		tap_skip_native("SMCCC_ARCH_FEATURES of an unallocated function is NOT_SUPPORTED");
		return;
	}
	tap_ok(feat == PSCI_RET_SUCCESS && ver >= SMCCC_VERSION_1_1 && (ver >> 16) == 1,
	       "SMCCC_VERSION is 1.1 or later (0x%llx), announced by PSCI_FEATURES (%s)",
	       (long long)ver, ret_name(feat));
	arch = call(HVC, SMCCC_ARCH_FEATURES, UNKNOWN_ARCH_FN, 0, 0);
	tap_ok(arch == PSCI_RET_NOT_SUPPORTED,
	       "SMCCC_ARCH_FEATURES(unallocated 0x%x) is NOT_SUPPORTED (%s)", UNKNOWN_ARCH_FN,
	       ret_name(arch));
}

static void test_unknown(void)
{
	int64_t r1 = call(HVC, UNKNOWN_PSCI_FN, 0, 0, 0);
	int64_t r2 = call(HVC, UNKNOWN_SIP_FN, 0, 0, 0);

	if (!plat.skiff && (r1 == UNDEF_RET || r2 == UNDEF_RET)) {
		tap_skip_native("unknown functions return NOT_SUPPORTED (QEMU: %s, %s)",
				ret_name(r1), ret_name(r2));
		return;
	}
	tap_ok(r1 == PSCI_RET_NOT_SUPPORTED && r2 == PSCI_RET_NOT_SUPPORTED,
	       "unknown functions 0x%x (PSCI range) and 0x%x (SiP) return NOT_SUPPORTED (%s, %s)",
	       UNKNOWN_PSCI_FN, UNKNOWN_SIP_FN, ret_name(r1), ret_name(r2));
}

static void test_cpu_on_errors(void)
{
	unsigned int last = plat.ncpus - 1;
	uint64_t no_such = (plat.mpidr[0] & ~MPIDR_AFF0_MASK) | NO_SUCH_AFF0;
	uintptr_t entry = secondary_entry_address();
	int64_t r, r2, aff;

	r = call(HVC, PSCI_CPU_ON_64, no_such, entry, 0);
	aff = call(HVC, PSCI_AFFINITY_INFO_64, no_such, 0, 0);
	tap_ok(r == PSCI_RET_INVALID_PARAMETERS && aff == PSCI_RET_INVALID_PARAMETERS,
	       "CPU_ON and AFFINITY_INFO of MPIDR 0x%llx (no such CPU): INVALID_PARAMETERS (%s, "
	       "%s)",
	       (unsigned long long)no_such, ret_name(r), ret_name(aff));

	r = call(HVC, PSCI_CPU_ON_64, plat.mpidr[this_cpu()], entry, 0);
	tap_ok(r == PSCI_RET_ALREADY_ON, "CPU_ON of the calling vCPU: ALREADY_ON (%s)",
	       ret_name(r));

	if (!plat.skiff) {
		tap_skip_native("CPU_ON with an entry point outside the guest's RAM: "
				"INVALID_ADDRESS (QEMU would start the CPU there)");
		return;
	}
	cpu_prepare_entry(last, secondary);
	r = call(HVC, PSCI_CPU_ON_64, plat.mpidr[last], NOT_RAM_ADDR, 0);
	r2 = plat.ram_base + plat.ram_size < BIT(32)
		     ? call(HVC, PSCI_CPU_ON_64, plat.mpidr[last], plat.ram_base + plat.ram_size, 0)
		     : PSCI_RET_INVALID_ADDRESS;
	udelay(10000);
	aff = call(HVC, PSCI_AFFINITY_INFO_64, plat.mpidr[last], 0, 0);
	tap_ok(r == PSCI_RET_INVALID_ADDRESS && r2 == PSCI_RET_INVALID_ADDRESS &&
		       aff == PSCI_AFFINITY_OFF,
	       "CPU_ON of cpu%u at 0x%lx and just past RAM: INVALID_ADDRESS (%s, %s), it stays "
	       "off",
	       last, NOT_RAM_ADDR, ret_name(r), ret_name(r2));
}

static bool wait_affinity(enum conduit c, unsigned int cpu, int64_t state)
{
	return wait_until(call(c, PSCI_AFFINITY_INFO_64, plat.mpidr[cpu], 0, 0) == state,
			  TIMEOUT_US);
}

/* CPU_ON of CPU_CYCLE with ctx; checks that it arrives with ctx and is on. */
static bool cycle_on(enum conduit c, uint64_t ctx, const char *how)
{
	uint32_t n = boots;
	int64_t r, again;
	bool up;

	cpu_prepare_entry(CPU_CYCLE, secondary);
	r = call(c, PSCI_CPU_ON_64, plat.mpidr[CPU_CYCLE], secondary_entry_address(), ctx);
	up = wait_until(__atomic_load_n(&boots, __ATOMIC_ACQUIRE) == n + 1, TIMEOUT_US);
	again = call(c, PSCI_CPU_ON_64, plat.mpidr[CPU_CYCLE], secondary_entry_address(), ctx);
	tap_ok(r == PSCI_RET_SUCCESS && up && boot_ctx[n] == ctx && boot_cpu[n] == CPU_CYCLE &&
		       wait_affinity(c, CPU_CYCLE, PSCI_AFFINITY_ON) &&
		       again == PSCI_RET_ALREADY_ON,
	       "%s: CPU_ON of cpu%u (%s) enters with context id 0x%llx (got 0x%llx), "
	       "AFFINITY_INFO ON, a second CPU_ON is ALREADY_ON (%s)",
	       how, CPU_CYCLE, ret_name(r), (unsigned long long)ctx,
	       (unsigned long long)(up ? boot_ctx[n] : 0), ret_name(again));
	return up;
}

static void cycle_off(enum conduit c, const char *how)
{
	bool off;

	release = true;
	off = wait_affinity(c, CPU_CYCLE, PSCI_AFFINITY_OFF);
	tap_ok(off, "%s: cpu%u calls CPU_OFF, AFFINITY_INFO then says OFF", how, CPU_CYCLE);
}

static void test_smc(void)
{
	static const uint32_t fns[] = { PSCI_VERSION, PSCI_MIGRATE_INFO_TYPE };
	unsigned int i;
	bool same = true;

	if (!plat.skiff) {
		tap_skip_native("SMC gives the same answers as HVC (SMC is UNDEFINED at EL1 here)");
		tap_skip_native("CPU_ON over SMC, CPU_OFF over SMC");
		tap_skip_native("AFFINITY_INFO over SMC");
		return;
	}
	for (i = 0; i < ARRAY_SIZE(fns); i++)
		if (call(SMC, fns[i], 0, 0, 0) != call(HVC, fns[i], 0, 0, 0))
			same = false;
	if (call(SMC, PSCI_FEATURES, PSCI_CPU_ON_64, 0, 0) !=
		    call(HVC, PSCI_FEATURES, PSCI_CPU_ON_64, 0, 0) ||
	    call(SMC, UNKNOWN_PSCI_FN, 0, 0, 0) != PSCI_RET_NOT_SUPPORTED ||
	    call(SMC, PSCI_AFFINITY_INFO_64, plat.mpidr[this_cpu()], 0, 0) != PSCI_AFFINITY_ON)
		same = false;
	tap_ok(same, "over SMC: VERSION, MIGRATE_INFO_TYPE, FEATURES, AFFINITY_INFO and an "
		     "unknown function answer as over HVC");
	off_by_smc = true;
	if (cycle_on(SMC, CTX_SMC, "SMC"))
		cycle_off(SMC, "SMC");
	else
		tap_ok(false, "SMC: cpu%u did not come up, no CPU_OFF", CPU_CYCLE);
}

void guest_main(void)
{
	int64_t r;

	tap_plan(NR_TESTS);
	tap_check_dtb();
	set_sync_hook(undef_hook);
	if (plat.ncpus < 3)
		tap_diag("psci wants 3 vCPUs, has %u", plat.ncpus);
	test_version();
	test_features();
	test_smccc();
	r = call(HVC, PSCI_MIGRATE_INFO_TYPE, 0, 0, 0);
	tap_ok(r == PSCI_TOS_NOT_PRESENT_MP,
	       "MIGRATE_INFO_TYPE: no Trusted OS needing migration (%lld)", (long long)r);
	test_unknown();
	r = call(HVC, PSCI_AFFINITY_INFO_64, plat.mpidr[CPU_CYCLE], 0, 0);
	tap_ok(r == PSCI_AFFINITY_OFF && call(HVC, PSCI_AFFINITY_INFO_64, plat.mpidr[this_cpu()], 0,
					      0) == PSCI_AFFINITY_ON,
	       "AFFINITY_INFO: the calling vCPU is ON, cpu%u (not started) is OFF (%lld)",
	       CPU_CYCLE, (long long)r);
	test_cpu_on_errors();

	if (cycle_on(HVC, CTX_FIRST, "first"))
		cycle_off(HVC, "first");
	else
		tap_ok(false, "first: cpu%u did not come up, no CPU_OFF", CPU_CYCLE);
	if (cycle_on(HVC, CTX_SECOND, "again"))
		cycle_off(HVC, "again");
	else
		tap_ok(false, "again: cpu%u did not come up, no CPU_OFF", CPU_CYCLE);
	test_smc();
	set_sync_hook(NULL);
}
