/*
 * vm_lookup.c - read-only questions about a VM's static layout: which vCPU has a given
 * MPIDR, and whether an IPA range is guest RAM. Plain C over struct vm; changes nothing.
 */
#include <stddef.h>

#include "arch/arm64/regs.h"
#include "hyp/core/vm.h"

/* Only the affinity fields of mpidr are compared; its other bits (U, MT, RES1) are ignored.
 * Callers that must reject them (PSCI) check before asking. */
struct vcpu *vm_vcpu_by_mpidr(struct vm *vm, uint64_t mpidr)
{
	unsigned int i;

	for (i = 0; i < vm->nr_vcpus; i++) {
		if ((vm->vcpus[i].mpidr & MPIDR_AFF_MASK) == (mpidr & MPIDR_AFF_MASK))
			return &vm->vcpus[i];
	}
	return NULL;
}

/* The range must lie inside one RAM bank: banks that happen to touch are not joined. An empty
 * range is not RAM. */
bool vm_ipa_in_ram(const struct vm *vm, uint64_t ipa, uint64_t size)
{
	unsigned int i;

	if (size == 0)
		return false;
	for (i = 0; i < vm->nr_ram; i++) {
		const struct plat_range *r = &vm->ram[i];
		uint64_t offset = ipa - r->base;

		if (ipa >= r->base && offset < r->size && size <= r->size - offset)
			return true;
	}
	return false;
}
