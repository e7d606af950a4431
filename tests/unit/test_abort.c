/*
 * test_abort.c - host unit tests for hyp/emul/abort.c: decoding every field of a data-abort
 * syndrome, the syndromes that must be refused (ISV == 0, S1PTW, FnV, another EC), the IPA
 * built from HPFAR_EL2 and FAR_EL2, and moving data to and from the guest's registers for
 * every width x sign extension x W/X register, XZR included. Expected register values come
 * from C's own integer conversions (int8_t, int16_t...), not from the code under test.
 * Touches nothing but its own register arrays.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hyp/emul/abort.h"

#define EC_SHIFT 26
#define EC_IABT_LOW 0x20
#define ISS_FNV (1ull << 10)
#define DFSC_TRANS_L3 0x07 /* stage-2 translation fault, level 3 */
#define XZR 31
#define NR_REGS 31
#define POISON 0xa5a5a5a5a5a5a5a5ull
#define SAS_COUNT 4

static const unsigned int widths[SAS_COUNT] = { 1, 2, 4, 8 };

/* A data abort from a lower EL with a valid instruction syndrome. */
static uint64_t dabt(unsigned int sas, bool sse, unsigned int srt, bool sf, bool wnr)
{
	uint64_t esr =
		((uint64_t)ESR_EC_DABT_LOW << EC_SHIFT) | ESR_IL | ESR_ISS_ISV | DFSC_TRANS_L3;

	esr |= (uint64_t)sas << ESR_ISS_SAS_SHIFT;
	esr |= (uint64_t)srt << ESR_ISS_SRT_SHIFT;
	if (sse)
		esr |= ESR_ISS_SSE;
	if (sf)
		esr |= ESR_ISS_SF;
	if (wnr)
		esr |= ESR_ISS_WNR;
	return esr;
}

static struct mmio_access access_of(unsigned int width, bool sse, bool sf, unsigned int reg)
{
	struct mmio_access acc = {
		.ipa = 0x9000000, .width = width, .sign_extend = sse, .reg64 = sf, .reg = reg
	};

	return acc;
}

static void fill_regs(uint64_t regs[NR_REGS])
{
	unsigned int i;

	for (i = 0; i < NR_REGS; i++)
		regs[i] = POISON + i;
}

/* What the architecture puts in the register: the width-byte value, sign- or zero-extended,
 * and for a W register the low 32 bits of that with the top half zero. */
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

/* ---- decoding */

static void test_decode_every_field(void **state)
{
	unsigned int sas, srt, bits;

	(void)state;
	for (sas = 0; sas < SAS_COUNT; sas++) {
		for (srt = 0; srt <= XZR; srt++) {
			for (bits = 0; bits < 8; bits++) {
				bool sse = bits & 1, sf = bits & 2, wnr = bits & 4;
				struct mmio_access acc;

				memset(&acc, 0xff, sizeof(acc));
				assert_true(abort_decode(dabt(sas, sse, srt, sf, wnr), 0x90000,
							 0x1234, &acc));
				assert_int_equal(acc.width, widths[sas]);
				assert_int_equal(acc.reg, srt);
				assert_int_equal(acc.sign_extend, sse);
				assert_int_equal(acc.reg64, sf);
				assert_int_equal(acc.write, wnr);
				assert_int_equal(acc.ipa, 0x9000234);
			}
		}
	}
}

/* Bits of the syndrome that say nothing about the access change nothing. */
static void test_decode_ignores_other_bits(void **state)
{
	uint64_t esr = dabt(2, false, 3, false, true) | ESR_ISS_AR | ESR_ISS_DFSC_MASK;
	struct mmio_access acc;

	(void)state;
	assert_true(abort_decode(esr, 0x90000, 0x8, &acc));
	assert_int_equal(acc.width, 4);
	assert_int_equal(acc.reg, 3);
	assert_true(acc.write);
	assert_false(acc.reg64);
	assert_false(acc.sign_extend);
	assert_int_equal(acc.ipa, 0x9000008);

	/* ISS2, bits [55:32] of ESR_EL2 (FEAT_LS64 and later), is no part of the class. */
	memset(&acc, 0, sizeof(acc));
	assert_true(abort_decode(esr | (0xffffffull << 32), 0x90000, 0x8, &acc));
	assert_int_equal(acc.width, 4);
	assert_int_equal(acc.reg, 3);
}

static void test_decode_rejects(void **state)
{
	const uint64_t good = dabt(2, false, 1, false, false);
	const uint64_t bad[] = {
		good & ~ESR_ISS_ISV, /* no instruction syndrome */
		good & ~(ESR_ISS_ISV | ESR_ISS_SRT_MASK << ESR_ISS_SRT_SHIFT), /* and Rt 0 */
		good | ESR_ISS_S1PTW,		    /* stage-1 table walk */
		good | ESR_ISS_S1PTW | ESR_ISS_WNR, /* ... that writes */
		good | ISS_FNV,			    /* FAR not valid */
		(good & ~(0x3full << EC_SHIFT)) | ((uint64_t)EC_IABT_LOW << EC_SHIFT),
		0,
	};
	struct mmio_access acc;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&acc, 0x5a, sizeof(acc));
		assert_false(abort_decode(bad[i], 0x90000, 0x10, &acc));
		/* the IPA is there for the error message; nothing else is claimed */
		assert_int_equal(acc.ipa, 0x9000010);
		assert_int_equal(acc.width, 0);
		assert_false(acc.write);
	}
	assert_true(abort_decode(good, 0x90000, 0, &acc));
}

static void test_decode_ipa(void **state)
{
	static const struct {
		uint64_t hpfar, far, ipa;
	} cases[] = {
		{ 0x90000, 0x0, 0x9000000 },
		{ 0x90000, 0xfff, 0x9000fff },
		/* FAR holds the guest VA: only its page offset counts */
		{ 0x90000, 0xffff800012345678ull, 0x9000678 },
		/* FIPA at its top: IPA bits [51:12] all set */
		{ 0x00000ffffffffff0ull, 0x123, 0x000ffffffffff123ull },
		/* high IPAs: 2 GiB, 1 TiB, and bit 51 (52-bit IPA) */
		{ 0x800000, 0x10, 0x80000010 },
		{ 0x100000000ull, 0x4, 0x10000000004ull },
		{ 0x8000000001ull << 4, 0x4, 0x8000000001004ull },
		/* HPFAR bits outside FIPA (NS at 63, RES0 [3:0] and [62:44]) are ignored */
		{ (1ull << 63) | (1ull << 50) | 0xf | (0x90000ull), 0x0, 0x9000000 },
	};
	struct mmio_access acc;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_true(abort_decode(dabt(0, false, 0, false, false), cases[i].hpfar,
					 cases[i].far, &acc));
		assert_int_equal(acc.ipa, cases[i].ipa);
	}
}

/* ---- writes */

static void test_write_value_every_width(void **state)
{
	uint64_t regs[NR_REGS];
	unsigned int w, reg;

	(void)state;
	fill_regs(regs);
	regs[7] = 0x8877665544332211ull;
	for (w = 0; w < SAS_COUNT; w++) {
		static const uint64_t expect[SAS_COUNT] = { 0x11, 0x2211, 0x44332211,
							    0x8877665544332211ull };
		struct mmio_access acc = access_of(widths[w], false, true, 7);

		acc.write = true;
		assert_int_equal(abort_write_value(&acc, regs), expect[w]);
		acc.reg64 = false; /* str w7: same bytes */
		if (widths[w] <= 4)
			assert_int_equal(abort_write_value(&acc, regs), expect[w]);
	}
	/* each register is the one read */
	for (reg = 0; reg < XZR; reg++) {
		struct mmio_access acc = access_of(8, false, true, reg);

		fill_regs(regs);
		assert_int_equal(abort_write_value(&acc, regs), POISON + reg);
	}
}

static void test_write_value_xzr(void **state)
{
	uint64_t regs[NR_REGS];
	unsigned int w;

	(void)state;
	memset(regs, 0xff, sizeof(regs));
	for (w = 0; w < SAS_COUNT; w++) {
		struct mmio_access acc = access_of(widths[w], false, true, XZR);

		acc.write = true;
		assert_int_equal(abort_write_value(&acc, regs), 0);
		acc.reg64 = false;
		assert_int_equal(abort_write_value(&acc, regs), 0);
	}
}

/* ---- reads */

static void test_read_named_instructions(void **state)
{
	uint64_t regs[NR_REGS];
	struct mmio_access acc;

	(void)state;
	fill_regs(regs);

	acc = access_of(1, true, false, 0); /* ldrsb w0 */
	abort_complete_read(&acc, 0x80, regs);
	assert_int_equal(regs[0], 0x00000000ffffff80ull);

	acc = access_of(2, true, true, 1); /* ldrsh x1 */
	abort_complete_read(&acc, 0x8000, regs);
	assert_int_equal(regs[1], 0xffffffffffff8000ull);

	acc = access_of(4, false, false, 2); /* ldr w2 */
	abort_complete_read(&acc, 0xcafef00d, regs);
	assert_int_equal(regs[2], 0x00000000cafef00dull);

	acc = access_of(4, true, true, 3); /* ldrsw x3 */
	abort_complete_read(&acc, 0x80000000, regs);
	assert_int_equal(regs[3], 0xffffffff80000000ull);

	acc = access_of(1, false, false, 4); /* ldrb w4 */
	abort_complete_read(&acc, 0xff, regs);
	assert_int_equal(regs[4], 0xff);

	acc = access_of(2, false, false, 5); /* ldrh w5 */
	abort_complete_read(&acc, 0x8000, regs);
	assert_int_equal(regs[5], 0x8000);

	acc = access_of(8, false, true, 6); /* ldr x6 */
	abort_complete_read(&acc, 0xfedcba9876543210ull, regs);
	assert_int_equal(regs[6], 0xfedcba9876543210ull);

	acc = access_of(2, true, false, 7); /* ldrsh w7 of a positive value */
	abort_complete_read(&acc, 0x7fff, regs);
	assert_int_equal(regs[7], 0x7fff);

	acc = access_of(1, true, true, 30); /* ldrsb x30 */
	abort_complete_read(&acc, 0xfe, regs);
	assert_int_equal(regs[30], 0xfffffffffffffffeull);
}

/* Every width x SSE x SF, on values with the sign bit clear and set and with junk above the
 * access width; the other registers must not change. */
static void test_read_every_combination(void **state)
{
	static const uint64_t values[] = {
		0x0,
		0x1,
		0x7f,
		0x80,
		0xff,
		0x7fff,
		0x8000,
		0xffff,
		0x7fffffff,
		0x80000000,
		0xffffffff,
		0x7fffffffffffffffull,
		0x8000000000000000ull,
		0xffffffffffffffffull,
		0x123456789abcdef0ull,
		0xfedcba9876543281ull,
	};
	uint64_t regs[NR_REGS], before[NR_REGS];
	unsigned int w, bits, reg = 0;
	size_t i;

	(void)state;
	for (w = 0; w < SAS_COUNT; w++) {
		for (bits = 0; bits < 4; bits++) {
			bool sse = bits & 1, sf = bits & 2;

			for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
				struct mmio_access acc = access_of(widths[w], sse, sf, reg);

				fill_regs(regs);
				memcpy(before, regs, sizeof(regs));
				abort_complete_read(&acc, values[i], regs);
				before[reg] = reference_load(widths[w], sse, sf, values[i]);
				assert_memory_equal(regs, before, sizeof(regs));
				reg = (reg + 1) % XZR;
			}
		}
	}
}

static void test_read_into_xzr(void **state)
{
	uint64_t regs[NR_REGS], before[NR_REGS];
	unsigned int w, bits;

	(void)state;
	fill_regs(regs);
	memcpy(before, regs, sizeof(regs));
	for (w = 0; w < SAS_COUNT; w++) {
		for (bits = 0; bits < 4; bits++) {
			struct mmio_access acc = access_of(widths[w], bits & 1, bits & 2, XZR);

			abort_complete_read(&acc, 0xffffffffffffffffull, regs);
			assert_memory_equal(regs, before, sizeof(regs));
		}
	}
}

/* decode then complete: the path the trap handler takes */
static void test_decode_then_read(void **state)
{
	uint64_t regs[NR_REGS];
	struct mmio_access acc;

	(void)state;
	fill_regs(regs);
	/* ldrsb w9, [x0] at IPA 0x8010004 */
	assert_true(abort_decode(dabt(0, true, 9, false, false), 0x80100, 0x4, &acc));
	abort_complete_read(&acc, 0x81, regs);
	assert_int_equal(regs[9], 0xffffff81);
	/* str xzr, [x1] */
	assert_true(abort_decode(dabt(3, false, XZR, true, true), 0x80100, 0x8, &acc));
	assert_true(acc.write);
	assert_int_equal(abort_write_value(&acc, regs), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_every_field),
		cmocka_unit_test(test_decode_ignores_other_bits),
		cmocka_unit_test(test_decode_rejects),
		cmocka_unit_test(test_decode_ipa),
		cmocka_unit_test(test_write_value_every_width),
		cmocka_unit_test(test_write_value_xzr),
		cmocka_unit_test(test_read_named_instructions),
		cmocka_unit_test(test_read_every_combination),
		cmocka_unit_test(test_read_into_xzr),
		cmocka_unit_test(test_decode_then_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
