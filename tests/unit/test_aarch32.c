/*
 * test_aarch32.c - arch/arm64/aarch32.c: the AArch32 register mapping, the condition check
 * and IT-state step of a trapped instruction, the skip by ESR.IL, the entry frame, and
 * exceptions taken into an AArch32 EL1 (modes, SPSRs, LRs, vectors, fault status formats).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arch/arm64/aarch32.h"
#include "tests/unit/fake_cpu.h"

#define PC 0x40008100ull
#define N (1u << 31)
#define Z (1u << 30)
#define C (1u << 29)
#define V (1u << 28)

/* IT[7:0] into a CPSR: IT[1:0] at 26:25, IT[7:2] at 15:10 */
static uint64_t with_it(uint64_t psr, unsigned int it)
{
	return psr | ((uint64_t)(it & 0xfc) << 8) | ((uint64_t)(it & 3) << 25);
}

static unsigned int it_of(uint64_t psr)
{
	return (unsigned int)(((psr >> 8) & 0xfc) | ((psr >> 25) & 3));
}

static void test_register_mapping(void **state)
{
	static const struct {
		unsigned int mode, sp, lr;
	} modes[] = {
		{ A32_MODE_USR, 13, 14 }, { A32_MODE_SYS, 13, 14 }, { A32_MODE_IRQ, 17, 16 },
		{ A32_MODE_SVC, 19, 18 }, { A32_MODE_ABT, 21, 20 }, { A32_MODE_UND, 23, 22 },
		{ A32_MODE_FIQ, 29, 30 },
	};
	unsigned int i, n;

	(void)state;
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		for (n = 0; n < 8; n++)
			assert_int_equal(a32_reg(modes[i].mode, n), n);
		for (n = 8; n <= 12; n++)
			assert_int_equal(a32_reg(modes[i].mode, n),
					 modes[i].mode == A32_MODE_FIQ ? n + 16 : n);
		assert_int_equal(a32_reg(modes[i].mode, 13), modes[i].sp);
		assert_int_equal(a32_reg(modes[i].mode, 14), modes[i].lr);
		/* already the AArch64 view (as the architecture reports it): unchanged */
		for (n = 15; n <= 31; n++)
			assert_int_equal(a32_reg(modes[i].mode | A32_PSR_T, n), n);
	}
}

static void test_conditions(void **state)
{
	/* ConditionHolds(): cond 0..14 against a few flag sets (15 always holds) */
	static const struct {
		uint32_t flags;
		uint16_t holds; /* bit c: cond c holds */
	} cases[] = {
		{ 0, 0xffff & ~(1u << 0 | 1u << 2 | 1u << 4 | 1u << 6 | 1u << 8 | 1u << 11 |
				1u << 13) },
		{ Z, 0xffff & ~(1u << 1 | 1u << 2 | 1u << 4 | 1u << 6 | 1u << 8 | 1u << 11 |
				1u << 12) },
		{ C, 0xffff & ~(1u << 0 | 1u << 3 | 1u << 4 | 1u << 6 | 1u << 9 | 1u << 11 |
				1u << 13) },
		{ N, 0xffff & ~(1u << 0 | 1u << 2 | 1u << 5 | 1u << 6 | 1u << 8 | 1u << 10 |
				1u << 12) },
		{ N | V, 0xffff & ~(1u << 0 | 1u << 2 | 1u << 5 | 1u << 7 | 1u << 8 | 1u << 11 |
				    1u << 13) },
	};
	unsigned int i, cond;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		for (cond = 0; cond < 16; cond++) {
			uint64_t esr = A32_ISS_CV | ((uint64_t)cond << A32_ISS_COND_SHIFT);

			assert_int_equal(a32_cond_passed(esr, cases[i].flags | A32_MODE_SVC),
					 (cases[i].holds >> cond) & 1);
		}
	/* CV 0 (a T32 instruction): the condition from the IT state, none outside a block */
	assert_true(a32_cond_passed(0, A32_MODE_SVC | A32_PSR_T));
	assert_false(a32_cond_passed(0, with_it(A32_MODE_SVC | A32_PSR_T, 0x08))); /* EQ, Z 0 */
	assert_true(a32_cond_passed(0, with_it(A32_MODE_SVC | A32_PSR_T | Z, 0x08)));
	assert_true(a32_cond_passed(0, with_it(A32_MODE_SVC | A32_PSR_T, 0x18))); /* NE */
}

static void test_skip(void **state)
{
	struct exc_frame f = { .elr = PC, .esr = A32_ESR_IL, .spsr = 0x3c5 };

	(void)state;
	exc_skip_insn(&f); /* AArch64: 4 bytes, SPSR alone (bit 25 there is TCO, not IT) */
	assert_int_equal(f.elr, PC + 4);
	f.spsr = 0x3c5 | (1u << 25);
	exc_skip_insn(&f);
	assert_int_equal(f.spsr, 0x3c5 | (1u << 25));
	/* T32, 16 bits (IL 0): 2 bytes */
	f.elr = PC;
	f.esr = 0;
	f.spsr = A32_MODE_SVC | A32_PSR_T;
	exc_skip_insn(&f);
	assert_int_equal(f.elr, PC + 2);
	assert_int_equal(f.spsr, A32_MODE_SVC | A32_PSR_T);
	/* ITT EQ (firstcond 0000, mask 1100: IT 0x0c): skipping the first instruction leaves the
	 * second's state (0x18), skipping the second ends the block */
	f.spsr = with_it(A32_MODE_SVC | A32_PSR_T | N, 0x0c);
	exc_skip_insn(&f);
	assert_int_equal(it_of(f.spsr), 0x18);
	assert_int_equal(f.spsr & ~(uint64_t)A32_PSR_IT_MASK, A32_MODE_SVC | A32_PSR_T | N);
	exc_skip_insn(&f);
	assert_int_equal(it_of(f.spsr), 0);
	assert_int_equal(f.elr, PC + 6);
	/* ITETE NE (0x15 = 0001 0101): the mask shifts in the condition's low bit */
	assert_int_equal(it_of(a32_it_advance(with_it(A32_PSR_T | 0x13, 0x15))), 0x0a);
	assert_int_equal(it_of(a32_it_advance(with_it(A32_PSR_T | 0x13, 0x0a))), 0x14);
}

static void test_reset_frame(void **state)
{
	struct exc_frame f;

	(void)state;
	memset(&f, 0, sizeof(f));
	a32_reset_frame(&f, 0x40008000, 0x48000000, true);
	assert_int_equal(f.x[0], 0);
	assert_int_equal(f.x[1], 0xffffffffu);
	assert_int_equal(f.x[2], 0x48000000);
	assert_int_equal(f.elr, 0x40008000);
	assert_int_equal(f.spsr, 0x1d3); /* SVC, A, I, F masked, ARM */
	memset(&f, 0, sizeof(f));
	a32_reset_frame(&f, 0x40009001, 0x1234, false); /* CPU_ON to Thumb code */
	assert_int_equal(f.x[0], 0x1234);
	assert_int_equal(f.x[2], 0);
	assert_int_equal(f.elr, 0x40009000);
	assert_int_equal(f.spsr, 0x1f3);
	fake_cpu_reset();
	a32_reset_el1();
	assert_int_equal(fake_sysreg_get("sctlr_el1") &
				 (1u << 0 | 1u << 13 | 1u << 28 | 1u << 29 | 1u << 30),
			 0);
	assert_int_equal(fake_sysreg_writes("spsr_abt") + fake_sysreg_writes("spsr_und"), 2);
}

static void test_data_abort(void **state)
{
	struct exc_frame f = { .elr = PC, .spsr = A32_MODE_SVC | N | A32_PSR_F | with_it(0, 0x0c) };

	(void)state;
	fake_cpu_reset();
	fake_sysreg_set("vbar_el1", 0x40001000);
	fake_sysreg_set("far_el1", 0xabcd000000000000ull); /* IFAR in [63:32] stays */
	a32_take(&f, A32_DATA_ABORT, 0x0b100004, true);
	assert_int_equal(fake_sysreg_get("spsr_abt"),
			 A32_MODE_SVC | N | A32_PSR_F | with_it(0, 0x0c));
	assert_int_equal(f.x[20], PC + 8); /* LR_abt */
	assert_int_equal(f.elr, 0x40001010);
	/* Abort mode, A and I masked, F and the flags kept, IT cleared, ARM state */
	assert_int_equal(f.spsr, A32_MODE_ABT | N | A32_PSR_F | A32_PSR_A | A32_PSR_I);
	assert_int_equal(fake_sysreg_get("esr_el1"), 0x808); /* DFSR: WnR, FS 0b01000 */
	assert_int_equal(fake_sysreg_get("far_el1"), 0xabcd00000b100004ull);

	/* long-descriptor format (TTBCR.EAE), SCTLR.TE and EE, a read */
	f.elr = PC;
	f.spsr = A32_MODE_USR | A32_PSR_T;
	fake_sysreg_set("tcr_el1", 1ull << 31);
	fake_sysreg_set("sctlr_el1", 1u << 30 | 1u << 25 | 1u << 23);
	a32_take(&f, A32_DATA_ABORT, 0x9000000, false);
	assert_int_equal(fake_sysreg_get("esr_el1"), 0x210); /* LPAE, STATUS 0b010000 */
	assert_int_equal(f.spsr, A32_MODE_ABT | A32_PSR_T | A32_PSR_E | A32_PSR_A | A32_PSR_I);
	assert_int_equal(f.x[20], PC + 8);
}

static void test_prefetch_abort_and_undef(void **state)
{
	struct exc_frame f = { .elr = PC, .spsr = A32_MODE_SVC | A32_PSR_T };

	(void)state;
	fake_cpu_reset();
	fake_sysreg_set("far_el1", 0x1111);
	fake_sysreg_set("sctlr_el1", 1u << 13); /* hivecs */
	a32_take(&f, A32_PREFETCH_ABORT, 0x0b200000, false);
	assert_int_equal(fake_sysreg_get("ifsr32_el2"), 0x8);
	assert_int_equal(fake_sysreg_get("far_el1"), 0x0b20000000001111ull);
	assert_int_equal(fake_sysreg_writes("esr_el1"), 0); /* DFSR untouched */
	assert_int_equal(f.x[20], PC + 4);
	assert_int_equal(f.elr, 0xffff000c);
	assert_int_equal(f.spsr, A32_MODE_ABT | A32_PSR_A | A32_PSR_I); /* TE 0: ARM */

	/* UNDEF from Thumb: LR = +2, only I masked, A as it was, SPSR_und */
	f.elr = PC;
	f.spsr = A32_MODE_SVC | A32_PSR_T | Z;
	fake_sysreg_set("sctlr_el1", 0);
	fake_sysreg_set("vbar_el1", 0x40000000);
	a32_take(&f, A32_UNDEF, 0, false);
	assert_int_equal(fake_sysreg_get("spsr_und"), A32_MODE_SVC | A32_PSR_T | Z);
	assert_int_equal(f.x[22], PC + 2);
	assert_int_equal(f.elr, 0x40000004);
	assert_int_equal(f.spsr, A32_MODE_UND | A32_PSR_I | Z);
	/* from ARM state: +4 */
	f.elr = PC;
	f.spsr = A32_MODE_SVC | A32_PSR_A;
	a32_take(&f, A32_UNDEF, 0, false);
	assert_int_equal(f.x[22], PC + 4);
	assert_int_equal(f.spsr, A32_MODE_UND | A32_PSR_I | A32_PSR_A);
	/* with FEAT_PAN and SCTLR.SPAN 0, PAN is set */
	f.elr = PC;
	f.spsr = A32_MODE_SVC;
	fake_sysreg_set("id_aa64mmfr1_el1", 1u << 20);
	a32_take(&f, A32_UNDEF, 0, false);
	assert_int_equal(f.spsr, A32_MODE_UND | A32_PSR_I | A32_PSR_PAN);
	/* with FEAT_PAN and SCTLR.SPAN 1, PAN is left as it was (clear here) */
	f.elr = PC;
	f.spsr = A32_MODE_SVC;
	fake_sysreg_set("sctlr_el1", 1u << 23);
	a32_take(&f, A32_UNDEF, 0, false);
	assert_int_equal(f.spsr, A32_MODE_UND | A32_PSR_I);
	/* the vector base is VBAR[31:5]: bits [4:0] (RES0) never move the vector */
	fake_sysreg_set("vbar_el1", 0x4000201f);
	f.elr = PC;
	a32_take(&f, A32_UNDEF, 0, false);
	assert_int_equal(f.elr, 0x40002004);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_register_mapping),
		cmocka_unit_test(test_conditions),
		cmocka_unit_test(test_skip),
		cmocka_unit_test(test_reset_frame),
		cmocka_unit_test(test_data_abort),
		cmocka_unit_test(test_prefetch_abort_and_undef),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
