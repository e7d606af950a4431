/*
 * abort.c - turns the syndrome of a guest data abort taken to EL2 (ESR_EL2 with EC 0x24, ISS
 * as in the Arm ARM's "ISS encoding for an exception from a Data Abort") into the MMIO
 * access it stands for, and moves data between that access and the guest's general-purpose
 * registers. Pure logic over the values it is given: it reads no system register, does not
 * advance the guest's PC and knows nothing of which device owns the address.
 */
#include "hyp/emul/abort.h"

#define ESR_EC_SHIFT 26
#define ESR_EC_MASK 0x3f
#define ESR_ISS_FNV (1ull << 10) /* FAR_EL2 not valid: no page offset to be had */
#define ABORT_REG_ZR 31		 /* Rt == 31 names XZR/WZR for loads and stores */
#define ABORT_PAGE_OFFSET_MASK 0xfffull

/* All ones in the low width bytes; width is 1, 2, 4 or 8 (a shift by 64 - 8 * width, never
 * by 64). */
static uint64_t width_mask(unsigned int width)
{
	return ~0ull >> (64 - 8 * width);
}

bool abort_decode(uint64_t esr, uint64_t hpfar, uint64_t far, struct mmio_access *acc)
{
	/* The IPA is filled in even for an access that cannot be emulated, for the message that
	 * reports it; the other fields only describe an access that can. */
	*acc = (struct mmio_access){
		.ipa = ((hpfar & HPFAR_FIPA_MASK) << HPFAR_FIPA_SHIFT) |
		       (far & ABORT_PAGE_OFFSET_MASK),
	};
	if (((esr >> ESR_EC_SHIFT) & ESR_EC_MASK) != ESR_EC_DABT_LOW)
		return false;
	/* No instruction syndrome (e.g. LDP, writeback, SIMD): the access cannot be replayed. */
	if (!(esr & ESR_ISS_ISV))
		return false;
	/* A fault on the guest's own stage-1 table walk is not an access to a device. */
	if (esr & ESR_ISS_S1PTW)
		return false;
	if (esr & ESR_ISS_FNV)
		return false;

	acc->width = 1u << ((esr >> ESR_ISS_SAS_SHIFT) & ESR_ISS_SAS_MASK);
	acc->write = (esr & ESR_ISS_WNR) != 0;
	acc->sign_extend = (esr & ESR_ISS_SSE) != 0;
	acc->reg64 = (esr & ESR_ISS_SF) != 0;
	acc->reg = (unsigned int)((esr >> ESR_ISS_SRT_SHIFT) & ESR_ISS_SRT_MASK);
	return true;
}

uint64_t abort_write_value(const struct mmio_access *acc, const uint64_t regs[31])
{
	uint64_t val = acc->reg == ABORT_REG_ZR ? 0 : regs[acc->reg];

	return val & width_mask(acc->width);
}

void abort_complete_read(const struct mmio_access *acc, uint64_t val, uint64_t regs[31])
{
	uint64_t mask = width_mask(acc->width);
	uint64_t sign = 1ull << (acc->width * 8 - 1);

	if (acc->reg == ABORT_REG_ZR)
		return;

	val &= mask;
	if (acc->sign_extend && (val & sign))
		val |= ~mask;
	/* A write to a W register zeroes bits [63:32] of the X register. */
	if (!acc->reg64)
		val &= width_mask(4);
	regs[acc->reg] = val;
}
