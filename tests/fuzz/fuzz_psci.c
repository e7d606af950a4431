/*
 * fuzz_psci.c - libFuzzer target for hyp/exit/psci.c (with hyp/core/vm_lookup.c): two fake VMs (as
 * in tests/unit/test_psci.c: vCPUs with MPIDRs, RAM ranges, vm_ops that record every call), then a
 * sequence of calls with random function IDs (mostly near the PSCI and SMCCC ranges) and arguments
 * from random vCPUs of either VM, mixed with the run loop's own moves (a vCPU powered on starts
 * running). After every call, checks, from a model kept here:
 *  - the return value is a PSCI code, or the version / state / type the function returns;
 *    a function outside skiff's list returns NOT_SUPPORTED and changes nothing;
 *  - power moves only OFF -> ON_PENDING through CPU_ON (success, with a target MPIDR of the
 *    calling VM with no bits outside Aff3..Aff0, a 4-byte aligned entry inside one of that VM's
 *    RAM ranges, boot_entry and boot_context as given, one wake of that vCPU), and ON -> OFF
 *    for the caller through CPU_OFF; boot_entry is never outside RAM;
 *  - system_off / system_reset are called once, for the calling VM, only by SYSTEM_OFF /
 *    SYSTEM_RESET; the other VM is never touched.
 * Touches only its own VMs.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "hyp/exit/psci.h"
#include "hyp/core/vm.h"
#include "tests/fuzz/fuzz.h"

#define NR_VMS 2
#define AFF_MASK 0xff00ffffffull
#define MAX_CALLS 256

struct fake_calls {
	unsigned int wake, system_off, system_reset;
	struct vcpu *woken;
	struct vm *vm;
};

static struct vm vms[NR_VMS];
static struct fake_calls calls[NR_VMS];

static unsigned int vm_index(const struct vm *vm)
{
	FUZZ_CHECK(vm == &vms[0] || vm == &vms[1], "vm_ops called with a VM that is not one");
	return (unsigned int)(vm - vms);
}

static void fake_wake(struct vcpu *v)
{
	struct fake_calls *c = &calls[vm_index(v->vm)];

	FUZZ_CHECK(v >= v->vm->vcpus && v < v->vm->vcpus + v->vm->nr_vcpus,
		   "wake of a vCPU that is not one of its VM's");
	FUZZ_CHECK(vcpu_get_power(v) == VCPU_ON_PENDING, "woken vCPU %u is not ON_PENDING", v->id);
	c->wake++;
	c->woken = v;
}

// cppcheck-suppress constParameter ; the hook's type is vm_ops'
static void fake_system_off(struct vm *vm, struct vcpu *caller)
{
	FUZZ_CHECK(caller >= vm->vcpus && caller < vm->vcpus + vm->nr_vcpus,
		   "SYSTEM_OFF's caller is not one of its VM's vCPUs");
	calls[vm_index(vm)].system_off++;
	calls[vm_index(vm)].vm = vm;
}

// cppcheck-suppress constParameter ; the hook's type is vm_ops'
static void fake_system_reset(struct vm *vm, struct vcpu *caller)
{
	FUZZ_CHECK(caller >= vm->vcpus && caller < vm->vcpus + vm->nr_vcpus,
		   "SYSTEM_RESET's caller is not one of its VM's vCPUs");
	calls[vm_index(vm)].system_reset++;
	calls[vm_index(vm)].vm = vm;
}

static const struct vm_ops fake_ops = {
	.wake = fake_wake,
	.system_off = fake_system_off,
	.system_reset = fake_system_reset,
};

/* Whether [ipa, ipa + 4) is inside one RAM range of vm, worked out on its own. */
static bool in_ram(const struct vm *vm, uint64_t ipa)
{
	unsigned int i;

	for (i = 0; i < vm->nr_ram; i++) {
		const struct plat_range *r = &vm->ram[i];
		unsigned __int128 end = (unsigned __int128)r->base + r->size;

		if (ipa >= r->base && (unsigned __int128)ipa + 4 <= end)
			return true;
	}
	return false;
}

static const uint64_t mpidr_pool[] = {
	0x0, 0x1, 0x2, 0x3, 0x100, 0x101, 0x10000, 0x100000000ull, 0x100010002ull, 0xff00ffffffull,
};

static void setup_vm(struct vm *vm, unsigned int id, struct fuzz_in *in)
{
	unsigned int i, j;

	memset(vm, 0, sizeof(*vm));
	vm->id = id;
	vm->ops = &fake_ops;
	vm->nr_vcpus = 1 + fuzz_below(in, VM_MAX_VCPUS);
	/* mostly running; sometimes being stopped or restarted, when CPU_ON is refused */
	vm->state = (fuzz_u8(in) & 7) ? VM_RUNNING : (int)fuzz_below(in, VM_OFF + 1);
	for (i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];
		uint8_t how = fuzz_u8(in);
		bool dup;

		v->id = i;
		v->vm = vm;
		v->pcpu = i;
		/* distinct affinities: a host's CPUs (MT, U, RES1 bits may be set beside them) */
		do {
			v->mpidr = (how & 0x80) ? fuzz_u64(in)
						: mpidr_pool[(how + i) % (sizeof(mpidr_pool) /
									  sizeof(mpidr_pool[0]))];
			if (how & 0x40)
				v->mpidr |= 0x80000000ull | (uint64_t)(how & 0x3) << 24;
			v->mpidr += (uint64_t)id << 16; /* the two VMs differ unless told not to */
			dup = false;
			for (j = 0; j < i; j++)
				if ((vm->vcpus[j].mpidr & AFF_MASK) == (v->mpidr & AFF_MASK))
					dup = true;
			how = (uint8_t)(how + 1);
		} while (dup && in->n);
		if (dup)
			v->mpidr = 0xa000 + i;
		vcpu_set_power(v, i == 0 ? VCPU_ON : VCPU_OFF);
	}
	vm->nr_ram = fuzz_below(in, VM_MAX_RAM + 1);
	for (i = 0; i < vm->nr_ram; i++) {
		uint8_t how = fuzz_u8(in);

		vm->ram[i].base = (how & 1) ? fuzz_u64(in) : 0x40000000ull * (i + 1 + id * 4);
		vm->ram[i].size = (how & 2) ? fuzz_u64(in) : 0x1000ull << (how >> 2);
		/* a range stops at 2^64 at the latest */
		if (vm->ram[i].size > ~vm->ram[i].base)
			vm->ram[i].size = ~vm->ram[i].base;
	}
}

/* Function IDs: the ones skiff answers, their neighbours, and anything. */
static uint32_t pick_fid(struct fuzz_in *in)
{
	static const uint32_t fids[] = {
		PSCI_0_2_FN_VERSION,
		PSCI_0_2_FN_CPU_SUSPEND,
		PSCI_0_2_FN_CPU_OFF,
		PSCI_0_2_FN_CPU_ON,
		PSCI_0_2_FN_AFFINITY_INFO,
		PSCI_0_2_FN_MIGRATE,
		PSCI_0_2_FN_MIGRATE_INFO_TYPE,
		PSCI_0_2_FN_MIGRATE_INFO_UP_CPU,
		PSCI_0_2_FN_SYSTEM_OFF,
		PSCI_0_2_FN_SYSTEM_RESET,
		PSCI_1_0_FN_PSCI_FEATURES,
		PSCI_0_2_FN64_CPU_SUSPEND,
		PSCI_0_2_FN64_CPU_ON,
		PSCI_0_2_FN64_AFFINITY_INFO,
		PSCI_0_2_FN64_MIGRATE,
		PSCI_0_2_FN64_MIGRATE_INFO_UP_CPU,
		SMCCC_VERSION,
		SMCCC_ARCH_FEATURES,
	};
	uint8_t how = fuzz_u8(in);

	switch (how & 3) {
	case 0:
		return fuzz_u32(in);
	case 1:
		return (how & 4 ? 0xc4000000u : 0x84000000u) + (how >> 3);
	default:
		return fids[(how >> 2) % (sizeof(fids) / sizeof(fids[0]))];
	}
}

static bool is_fn(uint32_t fid, uint32_t fn32, uint32_t fn64)
{
	return fid == fn32 || (fn64 && fid == fn64);
}

/* Whether skiff offers fid (hyp/exit/psci.c's header lists them). */
static bool offered(uint32_t fid)
{
	switch (fid) {
	case PSCI_0_2_FN_VERSION:
	case PSCI_0_2_FN_CPU_SUSPEND:
	case PSCI_0_2_FN64_CPU_SUSPEND:
	case PSCI_0_2_FN_CPU_OFF:
	case PSCI_0_2_FN_CPU_ON:
	case PSCI_0_2_FN64_CPU_ON:
	case PSCI_0_2_FN_AFFINITY_INFO:
	case PSCI_0_2_FN64_AFFINITY_INFO:
	case PSCI_0_2_FN_MIGRATE_INFO_TYPE:
	case PSCI_0_2_FN_SYSTEM_OFF:
	case PSCI_0_2_FN_SYSTEM_RESET:
	case PSCI_1_0_FN_PSCI_FEATURES:
	case SMCCC_VERSION:
	case SMCCC_ARCH_FEATURES:
		return true;
	default:
		return false;
	}
}

static bool psci_code(int64_t r)
{
	return r <= PSCI_RET_SUCCESS && r >= PSCI_RET_INVALID_ADDRESS;
}

struct snapshot {
	int power[NR_VMS][VM_MAX_VCPUS];
	uint64_t entry[NR_VMS][VM_MAX_VCPUS];
	uint64_t context[NR_VMS][VM_MAX_VCPUS];
	struct fake_calls calls[NR_VMS];
};

static void take(struct snapshot *s)
{
	unsigned int m, i;

	for (m = 0; m < NR_VMS; m++) {
		for (i = 0; i < VM_MAX_VCPUS; i++) {
			s->power[m][i] = vms[m].vcpus[i].power;
			s->entry[m][i] = vms[m].vcpus[i].boot_entry;
			s->context[m][i] = vms[m].vcpus[i].boot_context;
		}
		s->calls[m] = calls[m];
	}
}

static void check_call(unsigned int m, struct vcpu *caller, uint32_t fid, uint64_t a1, uint64_t a2,
		       uint64_t a3, const struct snapshot *s, struct psci_result r)
{
	struct vm *vm = &vms[m];
	bool fn64 = fid & (1u << 30);
	uint64_t t1 = fn64 ? a1 : (uint32_t)a1, entry = fn64 ? a2 : (uint32_t)a2;
	uint64_t context = fn64 ? a3 : (uint32_t)a3;
	int on_target = -1;
	unsigned int o, i;

	FUZZ_CHECK(offered(fid) ||
			   (r.ret == PSCI_RET_NOT_SUPPORTED && r.action == PSCI_ACTION_RETURN),
		   "fid 0x%x is not offered: ret %lld action %d", fid, (long long)r.ret, r.action);
	FUZZ_CHECK(r.ret == PSCI_RET_NOT_SUPPORTED || psci_owns(fid),
		   "fid 0x%x answered but psci_owns says no", fid);

	/* the return value */
	if (is_fn(fid, PSCI_0_2_FN_VERSION, 0))
		FUZZ_CHECK(r.ret == PSCI_VERSION_1_1, "VERSION %lld", (long long)r.ret);
	else if (is_fn(fid, SMCCC_VERSION, 0))
		FUZZ_CHECK(r.ret == SMCCC_VERSION_1_1, "SMCCC_VERSION %lld", (long long)r.ret);
	else if (is_fn(fid, PSCI_0_2_FN_MIGRATE_INFO_TYPE, 0))
		FUZZ_CHECK(r.ret == PSCI_MIGRATE_INFO_NOT_REQUIRED, "MIGRATE_INFO_TYPE %lld",
			   (long long)r.ret);
	else if (is_fn(fid, PSCI_0_2_FN_AFFINITY_INFO, PSCI_0_2_FN64_AFFINITY_INFO))
		FUZZ_CHECK(r.ret == PSCI_AFFINITY_ON || r.ret == PSCI_AFFINITY_OFF ||
				   r.ret == PSCI_AFFINITY_ON_PENDING ||
				   r.ret == PSCI_RET_INVALID_PARAMS,
			   "AFFINITY_INFO %lld", (long long)r.ret);
	else
		FUZZ_CHECK(psci_code(r.ret), "fid 0x%x returned %lld, not a PSCI code", fid,
			   (long long)r.ret);
	/* the choices hyp/exit/psci.c's header states */
	if (is_fn(fid, PSCI_1_0_FN_PSCI_FEATURES, 0) || is_fn(fid, SMCCC_ARCH_FEATURES, 0)) {
		bool known = is_fn(fid, SMCCC_ARCH_FEATURES, 0)
				     ? (uint32_t)a1 == SMCCC_VERSION ||
					       (uint32_t)a1 == SMCCC_ARCH_FEATURES
				     : offered((uint32_t)a1);

		FUZZ_CHECK(r.ret == (known ? PSCI_RET_SUCCESS : PSCI_RET_NOT_SUPPORTED),
			   "fid 0x%x of 0x%x: %lld", fid, (uint32_t)a1, (long long)r.ret);
	}
	if (is_fn(fid, PSCI_0_2_FN_CPU_SUSPEND, PSCI_0_2_FN64_CPU_SUSPEND) ||
	    is_fn(fid, PSCI_0_2_FN_CPU_OFF, 0))
		FUZZ_CHECK(r.ret == PSCI_RET_SUCCESS, "fid 0x%x: %lld", fid, (long long)r.ret);
	if (is_fn(fid, PSCI_0_2_FN_AFFINITY_INFO, PSCI_0_2_FN64_AFFINITY_INFO)) {
		int64_t expect = PSCI_RET_INVALID_PARAMS;

		for (i = 0; i < vm->nr_vcpus && !(t1 & ~AFF_MASK) && !(uint32_t)a2; i++)
			if ((vm->vcpus[i].mpidr & AFF_MASK) == t1) {
				expect = s->power[m][i] == VCPU_ON    ? PSCI_AFFINITY_ON
					 : s->power[m][i] == VCPU_OFF ? PSCI_AFFINITY_OFF
								      : PSCI_AFFINITY_ON_PENDING;
				break;
			}
		FUZZ_CHECK(r.ret == expect, "AFFINITY_INFO 0x%llx level %u: %lld, expected %lld",
			   (unsigned long long)t1, (uint32_t)a2, (long long)r.ret,
			   (long long)expect);
	}

	/* actions and hooks */
	FUZZ_CHECK(r.action != PSCI_ACTION_CPU_OFF || is_fn(fid, PSCI_0_2_FN_CPU_OFF, 0),
		   "CPU_OFF action from fid 0x%x", fid);
	FUZZ_CHECK(r.action != PSCI_ACTION_SYSTEM_OFF || is_fn(fid, PSCI_0_2_FN_SYSTEM_OFF, 0),
		   "SYSTEM_OFF action from fid 0x%x", fid);
	FUZZ_CHECK(r.action != PSCI_ACTION_SYSTEM_RESET || is_fn(fid, PSCI_0_2_FN_SYSTEM_RESET, 0),
		   "SYSTEM_RESET action from fid 0x%x", fid);
	for (o = 0; o < NR_VMS; o++) {
		bool self = o == m;
		bool off = self && is_fn(fid, PSCI_0_2_FN_SYSTEM_OFF, 0);
		bool reset = self && is_fn(fid, PSCI_0_2_FN_SYSTEM_RESET, 0);

		FUZZ_CHECK(calls[o].system_off == s->calls[o].system_off + off,
			   "system_off of vm %u: %u calls, was %u (fid 0x%x from vm %u)", o,
			   calls[o].system_off, s->calls[o].system_off, fid, m);
		FUZZ_CHECK(calls[o].system_reset == s->calls[o].system_reset + reset,
			   "system_reset of vm %u: %u calls, was %u (fid 0x%x from vm %u)", o,
			   calls[o].system_reset, s->calls[o].system_reset, fid, m);
		FUZZ_CHECK(!off || r.action == PSCI_ACTION_SYSTEM_OFF, "SYSTEM_OFF returned");
		FUZZ_CHECK(!reset || r.action == PSCI_ACTION_SYSTEM_RESET, "SYSTEM_RESET returned");
	}

	/* who CPU_ON may have started: the vCPU of this VM with exactly that affinity */
	if (is_fn(fid, PSCI_0_2_FN_CPU_ON, PSCI_0_2_FN64_CPU_ON) && !(t1 & ~AFF_MASK))
		for (i = 0; i < vm->nr_vcpus; i++)
			if ((vm->vcpus[i].mpidr & AFF_MASK) == t1) {
				on_target = (int)i;
				break;
			}
	if (is_fn(fid, PSCI_0_2_FN_CPU_ON, PSCI_0_2_FN64_CPU_ON)) {
		int64_t expect;

		if (on_target < 0)
			expect = PSCI_RET_INVALID_PARAMS;
		else if (vm_get_state(vm) != VM_RUNNING)
			expect = PSCI_RET_DENIED;
		else if (s->power[m][on_target] == VCPU_ON)
			expect = PSCI_RET_ALREADY_ON;
		else if (s->power[m][on_target] == VCPU_ON_PENDING)
			expect = PSCI_RET_ON_PENDING;
		else if (entry % 4 || !in_ram(vm, entry))
			expect = PSCI_RET_INVALID_ADDRESS;
		else
			expect = PSCI_RET_SUCCESS;
		FUZZ_CHECK(r.ret == expect, "CPU_ON 0x%llx entry 0x%llx: %lld, expected %lld",
			   (unsigned long long)t1, (unsigned long long)entry, (long long)r.ret,
			   (long long)expect);
		if (expect != PSCI_RET_SUCCESS)
			on_target = -1;
	}

	for (o = 0; o < NR_VMS; o++) {
		FUZZ_CHECK(calls[o].wake == s->calls[o].wake + (o == m && on_target >= 0),
			   "vm %u: %u wakes, was %u (fid 0x%x)", o, calls[o].wake, s->calls[o].wake,
			   fid);
		for (i = 0; i < VM_MAX_VCPUS; i++) {
			const struct vcpu *v = &vms[o].vcpus[i];
			int was = s->power[o][i];

			if (o == m && (int)i == on_target) {
				FUZZ_CHECK(was == VCPU_OFF && v->power == VCPU_ON_PENDING,
					   "CPU_ON: vCPU %u power %d -> %d", i, was, v->power);
				FUZZ_CHECK(v->boot_entry == entry && v->boot_context == context,
					   "CPU_ON: entry 0x%llx context 0x%llx",
					   (unsigned long long)v->boot_entry,
					   (unsigned long long)v->boot_context);
				FUZZ_CHECK(calls[o].woken == v, "CPU_ON woke another vCPU");
				continue;
			}
			if (o == m && v == caller && is_fn(fid, PSCI_0_2_FN_CPU_OFF, 0)) {
				FUZZ_CHECK(v->power == VCPU_OFF, "CPU_OFF left power %d", v->power);
				FUZZ_CHECK(v->boot_entry == s->entry[o][i] &&
						   v->boot_context == s->context[o][i],
					   "CPU_OFF changed the boot entry");
				continue;
			}
			FUZZ_CHECK(
				v->power == was && v->boot_entry == s->entry[o][i] &&
					v->boot_context == s->context[o][i],
				"vm %u vCPU %u changed by fid 0x%x from vm %u vCPU %u: power %d -> "
				"%d",
				o, i, fid, m, caller->id, was, v->power);
		}
	}
}

/* Every vCPU waiting to start has an entry point in its VM's RAM. */
static void check_entries(void)
{
	unsigned int m, i;

	for (m = 0; m < NR_VMS; m++)
		for (i = 0; i < vms[m].nr_vcpus; i++) {
			const struct vcpu *v = &vms[m].vcpus[i];

			if (v->power == VCPU_ON_PENDING)
				FUZZ_CHECK(in_ram(&vms[m], v->boot_entry) && !(v->boot_entry % 4),
					   "vm %u vCPU %u pending at 0x%llx, outside RAM", m, i,
					   (unsigned long long)v->boot_entry);
		}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	unsigned int m, n;

	memset(calls, 0, sizeof(calls));
	for (m = 0; m < NR_VMS; m++)
		setup_vm(&vms[m], m, &in);

	for (n = 0; n < MAX_CALLS && in.n; n++) {
		uint8_t how = fuzz_u8(&in);
		struct vm *vm = &vms[how & 1];
		struct vcpu *caller = &vm->vcpus[fuzz_below(&in, vm->nr_vcpus)];
		struct snapshot s;
		struct psci_result r;
		uint32_t fid;
		uint64_t a1, a2, a3;

		if ((how & 0x6) == 0x6) {
			/* the run loop: a vCPU CPU_ON accepted starts running */
			if (vcpu_get_power(caller) == VCPU_ON_PENDING)
				vcpu_set_power(caller, VCPU_ON);
			continue;
		}
		fid = pick_fid(&in);
		/* arguments: an MPIDR of either VM, an address in RAM, or anything */
		a1 = (how & 0x8) ? vms[(how >> 4) & 1].vcpus[(how >> 5) % VM_MAX_VCPUS].mpidr
				 : fuzz_u64(&in);
		if ((how & 0x8) && (how & 0x80))
			a1 |= fuzz_u64(&in) << 32;
		a2 = fuzz_u64(&in);
		if ((how & 0x10) && vm->nr_ram) {
			const struct plat_range *bank = &vm->ram[a2 % vm->nr_ram];

			a2 = bank->base + (bank->size ? (a2 >> 8) % bank->size : 0);
		}
		a3 = fuzz_u64(&in);
		take(&s);
		r = psci_handle(vm, caller, fid, a1, a2, a3);
		check_call((unsigned int)(vm - vms), caller, fid, a1, a2, a3, &s, r);
		check_entries();
	}
	return 0;
}
