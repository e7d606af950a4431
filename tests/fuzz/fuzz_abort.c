/*
 * fuzz_abort.c - libFuzzer target for hyp/emul/abort.c, the data-abort syndrome decoder: random
 * ESR_EL2 / HPFAR_EL2 / FAR_EL2 values and register files. Checks, against values worked out
 * here from the Arm ARM's field layout (not from the code under test): the IPA is HPFAR's
 * page plus FAR's page offset, whatever the syndrome; an access is decoded exactly when it is
 * a lower-EL data abort with a valid instruction syndrome, no stage-1 walk and FAR valid; a
 * decoded access has width 1/2/4/8 and a register <= 31 as the ISS says; a write's value is the
 * register truncated (0 for XZR); a read completes into the named register only (never XZR),
 * sign- or zero-extended, W registers zero-extended to 64 bits. Touches only its own state.
 */
#include <stdint.h>
#include <string.h>

#include "hyp/emul/abort.h"
#include "tests/fuzz/fuzz.h"

#define NR_REGS 31
#define XZR 31
#define EC_SHIFT 26
#define EC_MASK 0x3fu
#define ISS_FNV (1ull << 10)
#define PAGE_OFFSET 0xfffull
#define FIPA_BITS 40 /* HPFAR_EL2.FIPA [43:4] holds IPA [51:12] */

/* All ones in the low width bytes. */
static uint64_t mask_of(unsigned int width)
{
	return width == 8 ? ~0ull : (1ull << (8 * width)) - 1;
}

/* The register value a load of width bytes leaves, from C's own conversions. */
static uint64_t reference_load(unsigned int width, bool sse, bool sf, uint64_t val)
{
	uint64_t x;

	switch (width) {
	case 1:
		x = sse ? (uint64_t)(int64_t)(int8_t)(uint8_t)val : (uint8_t)val;
		break;
	case 2:
		x = sse ? (uint64_t)(int64_t)(int16_t)(uint16_t)val : (uint16_t)val;
		break;
	case 4:
		x = sse ? (uint64_t)(int64_t)(int32_t)(uint32_t)val : (uint32_t)val;
		break;
	default:
		x = val;
		break;
	}
	return sf ? x : (uint32_t)x;
}

static bool check_decode(uint64_t esr, uint64_t hpfar, uint64_t far, struct mmio_access *acc)
{
	uint64_t ipa = ((hpfar >> 4) & ((1ull << FIPA_BITS) - 1)) << 12 | (far & PAGE_OFFSET);
	bool ok = ((esr >> EC_SHIFT) & EC_MASK) == ESR_EC_DABT_LOW && (esr & ESR_ISS_ISV) &&
		  !(esr & ESR_ISS_S1PTW) && !(esr & ISS_FNV);
	bool ret;

	memset(acc, 0x5a, sizeof(*acc));
	ret = abort_decode(esr, hpfar, far, acc);
	FUZZ_CHECK(acc->ipa == ipa, "esr 0x%llx hpfar 0x%llx far 0x%llx: ipa 0x%llx, not 0x%llx",
		   (unsigned long long)esr, (unsigned long long)hpfar, (unsigned long long)far,
		   (unsigned long long)acc->ipa, (unsigned long long)ipa);
	FUZZ_CHECK(ret == ok, "esr 0x%llx: decoded %d, expected %d", (unsigned long long)esr, ret,
		   ok);
	if (!ret)
		return false;
	FUZZ_CHECK(acc->width == 1u << ((esr >> ESR_ISS_SAS_SHIFT) & 3), "esr 0x%llx: width %u",
		   (unsigned long long)esr, acc->width);
	FUZZ_CHECK(acc->width == 1 || acc->width == 2 || acc->width == 4 || acc->width == 8,
		   "width %u", acc->width);
	FUZZ_CHECK(acc->reg <= 31 && acc->reg == ((esr >> ESR_ISS_SRT_SHIFT) & 0x1f),
		   "esr 0x%llx: reg %u", (unsigned long long)esr, acc->reg);
	FUZZ_CHECK(acc->write == !!(esr & ESR_ISS_WNR), "esr 0x%llx: write %d",
		   (unsigned long long)esr, acc->write);
	FUZZ_CHECK(acc->sign_extend == !!(esr & ESR_ISS_SSE), "esr 0x%llx: sse %d",
		   (unsigned long long)esr, acc->sign_extend);
	FUZZ_CHECK(acc->reg64 == !!(esr & ESR_ISS_SF), "esr 0x%llx: sf %d", (unsigned long long)esr,
		   acc->reg64);
	return true;
}

static void check_data(const struct mmio_access *acc, uint64_t *regs, uint64_t val)
{
	uint64_t before[NR_REGS], expect;
	unsigned int i;

	memcpy(before, regs, sizeof(before));
	expect = (acc->reg == XZR ? 0 : regs[acc->reg]) & mask_of(acc->width);
	FUZZ_CHECK(abort_write_value(acc, regs) == expect, "write value of x%u width %u", acc->reg,
		   acc->width);
	FUZZ_CHECK(!memcmp(before, regs, sizeof(before)), "abort_write_value changed a register");

	abort_complete_read(acc, val, regs);
	for (i = 0; i < NR_REGS; i++) {
		if (i == acc->reg) {
			expect = reference_load(acc->width, acc->sign_extend, acc->reg64, val);
			FUZZ_CHECK(regs[i] == expect,
				   "read 0x%llx width %u sse %d sf %d into x%u: 0x%llx, not 0x%llx",
				   (unsigned long long)val, acc->width, acc->sign_extend,
				   acc->reg64, i, (unsigned long long)regs[i],
				   (unsigned long long)expect);
		} else {
			FUZZ_CHECK(regs[i] == before[i], "read into x%u changed x%u", acc->reg, i);
		}
	}
}

/* The register file, a global so that ASan watches its bounds (x31 does not exist). */
static uint64_t regs[NR_REGS];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	unsigned int i;

	for (i = 0; i < NR_REGS; i++)
		regs[i] = fuzz_u64(&in);
	/* Several syndromes per input; the tail of the input repeats the zeros reader gives. */
	do {
		uint8_t how = fuzz_u8(&in);
		uint64_t esr = fuzz_u64(&in), hpfar = fuzz_u64(&in), far = fuzz_u64(&in);
		uint64_t val = fuzz_u64(&in);
		struct mmio_access acc;

		/* Mostly data aborts with an instruction syndrome: the interesting cases. */
		if (how & 1)
			esr = (esr & ~((uint64_t)EC_MASK << EC_SHIFT)) | (uint64_t)ESR_EC_DABT_LOW
										 << EC_SHIFT;
		if (how & 2)
			esr |= ESR_ISS_ISV;
		if (how & 4)
			esr &= ~(ESR_ISS_S1PTW | ISS_FNV);
		if (check_decode(esr, hpfar, far, &acc))
			check_data(&acc, regs, val);
		/* Any access the API allows, not only decoded ones. */
		acc.width = 1u << (how >> 6);
		acc.reg = (how >> 1) & 0x1f;
		acc.sign_extend = how & 0x20;
		acc.reg64 = esr & 1;
		check_data(&acc, regs, val);
	} while (in.n);
	return 0;
}
