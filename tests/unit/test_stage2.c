/*
 * test_stage2.c - host unit tests for arch/arm64/stage2.c: the IPA size, start level and
 * VTCR_EL2 that stage2_init derives from this CPU's ID_AA64MMFR0_EL1.PARange (read through
 * tests/unit/fake_cpu.c), and where its first mappings land in the root table. With 4 KiB
 * pages a walk may start at level 0 only with more than 42 bits of PA (Arm ARM D8.2.5): a
 * Cortex-A53/A55 (40 bits) or a 42-bit CPU gets a level-1 walk of 39 bits of IPA.
 * stage2.c's table pool lasts the whole run: each test takes a few of its 64 tables.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "arch/arm64/pgtable.h"
#include "arch/arm64/stage2.h"
#include "tests/unit/fake_cpu.h"

#define SZ_2M 0x200000ull
#define SZ_1G 0x40000000ull

/* ID_AA64MMFR0_EL1 with PARange parange and other fields set (ASIDBits 16, BigEnd,
 * SNSMem, TGran16 and TGran4 supported), which stage2_init must ignore */
#define MMFR0_OTHER 0x0000000000011120ull

#define VTCR_T0SZ_MASK 0x3full
#define VTCR_SL0_MASK (3ull << VTCR_SL0_SHIFT)
#define VTCR_PS_MASK (7ull << VTCR_PS_SHIFT)
#define VTCR_TG0_MASK (3ull << 14)

static struct stage2 init_with(uint64_t parange)
{
	struct stage2 s2;

	fake_cpu_reset();
	fake_sysreg_set("id_aa64mmfr0_el1", MMFR0_OTHER | parange);
	assert_int_equal(stage2_init(&s2), 0);
	assert_non_null(s2.pt.root);
	return s2;
}

static void test_start_level_by_parange(void **state)
{
	static const struct {
		uint64_t parange;
		unsigned int pa_bits, ipa_bits, level;
		uint64_t ps; /* VTCR_EL2.PS */
	} cases[] = {
		{ 0, 32, 32, 1, 0 }, { 1, 36, 36, 1, 1 },
		{ 2, 40, 39, 1, 2 }, /* Cortex-A53, A55, QEMU's xlnx-zcu102 */
		{ 3, 42, 39, 1, 3 }, { 4, 44, 44, 0, 4 },
		{ 5, 48, 48, 0, 5 }, { 6, 52, 48, 0, 5 }, /* skiff stops at 48 */
		{ 7, 0, 48, 0, 5 },			  /* reserved: taken as 48 */
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct stage2 s2 = init_with(cases[i].parange);
		uint64_t vtcr = s2.vtcr;

		if (s2.ipa_bits != cases[i].ipa_bits || s2.pt.start_level != cases[i].level)
			fail_msg("PARange %llu (%u bits): %u-bit IPA from level %u, expected %u "
				 "from "
				 "level %u",
				 (unsigned long long)cases[i].parange, cases[i].pa_bits,
				 s2.ipa_bits, s2.pt.start_level, cases[i].ipa_bits, cases[i].level);
		assert_int_equal(vtcr & VTCR_T0SZ_MASK, 64 - cases[i].ipa_bits);
		assert_int_equal(vtcr & VTCR_SL0_MASK, cases[i].level ? VTCR_SL0_L1 : VTCR_SL0_L0);
		assert_int_equal((vtcr & VTCR_PS_MASK) >> VTCR_PS_SHIFT, cases[i].ps);
		assert_int_equal(vtcr & VTCR_TG0_MASK, VTCR_TG0_4K);
		assert_true(vtcr & VTCR_RES1);
		assert_int_equal(vtcr & (VTCR_IRGN0_WBWA | VTCR_ORGN0_WBWA | VTCR_SH0_INNER),
				 VTCR_IRGN0_WBWA | VTCR_ORGN0_WBWA | VTCR_SH0_INNER);
		assert_int_equal(fake_cpu_ops("isb"), 0); /* reads one register, writes none */
	}
}

/* 40 bits of PA: the root is a level-1 table, one entry a GiB; the top of 39 bits is the last
 * IPA it maps. */
static void test_level1_walk(void **state)
{
	struct stage2 s2 = init_with(2);
	unsigned int level;

	(void)state;
	assert_int_equal(stage2_map_ram(&s2, SZ_1G, SZ_2M), 0);
	assert_int_equal(s2.pt.root[1] & 3, 3); /* IPA[38:30] = 1: a table */
	assert_int_equal(s2.pt.root[0], 0);
	/* the leaf: a 2 MiB block under the level-1 table */
	assert_int_equal(pt_lookup(&s2.pt, SZ_1G + 0x1000, &level) & PTE_ADDR_MASK, SZ_1G);
	assert_int_equal(level, 2);

	assert_int_equal(stage2_map_device(&s2, (1ull << 39) - 0x1000, 0x1000), 0);
	assert_int_equal(s2.pt.root[511] & 3, 3);
	assert_int_equal(stage2_map_device(&s2, 1ull << 39, 0x1000), PT_ERR_RANGE);
}

/* ram_pages (stage2-4k-pages): RAM and shared memory page by page, devices with blocks; the
 * added pool serves once the static one is used up. */
static void test_ram_pages(void **state)
{
	static uint64_t more[600][PT_ENTRIES] __attribute__((aligned(4096)));
	struct stage2 s2 = init_with(2);
	unsigned int level = 99;

	(void)state;
	assert_false(s2.ram_pages);
	s2.ram_pages = true;
	stage2_add_pool(more, 600);
	assert_int_equal(stage2_map_ram(&s2, SZ_1G, SZ_1G), 0); /* 512 L3 tables and one L2 */
	pt_lookup(&s2.pt, SZ_1G + SZ_2M + 0x1000, &level);
	assert_int_equal(level, 3);
	assert_int_equal(stage2_map_shared(&s2, 2 * SZ_1G, SZ_2M), 0);
	pt_lookup(&s2.pt, 2 * SZ_1G, &level);
	assert_int_equal(level, 3);
	assert_int_equal(stage2_map_device(&s2, 3 * SZ_1G, SZ_2M), 0);
	pt_lookup(&s2.pt, 3 * SZ_1G, &level);
	assert_int_equal(level, 2);
	/* the tables came from both pools: the static one holds 64 */
	assert_true(more[0][0] != 0 || more[1][0] != 0);
	/* the static pool used up: a second guest's root comes from the added one */
	{
		struct stage2 other = init_with(2);

		assert_true((uint64_t *)other.pt.root >= &more[0][0] &&
			    (uint64_t *)other.pt.root <= &more[599][0]);
		assert_int_equal(stage2_map_ram(&other, 4 * SZ_1G, SZ_2M), 0);
	}
}

/* 48 bits of PA: the root is a level-0 table, one entry 512 GiB. */
static void test_level0_walk(void **state)
{
	struct stage2 s2 = init_with(5);
	uint64_t *l1;

	(void)state;
	assert_int_equal(stage2_map_ram(&s2, SZ_1G, SZ_2M), 0);
	assert_int_equal(s2.pt.root[0] & 3, 3);
	assert_int_equal(s2.pt.root[1], 0);
	l1 = (uint64_t *)(uintptr_t)(s2.pt.root[0] & PTE_ADDR_MASK);
	assert_int_equal(l1[1] & 3, 3);
	assert_int_equal(stage2_map_device(&s2, 1ull << 39, 0x1000), 0);
	assert_int_equal(s2.pt.root[1] & 3, 3);
}

static void test_vttbr(void **state)
{
	struct stage2 s2 = init_with(2);

	(void)state;
	assert_int_equal(stage2_vttbr(&s2, 5), 5ull << 48 | (uint64_t)(uintptr_t)s2.pt.root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start_level_by_parange),
		cmocka_unit_test(test_level1_walk),
		cmocka_unit_test(test_level0_walk),
		cmocka_unit_test(test_vttbr),
		cmocka_unit_test(test_ram_pages), /* last: it uses up the static pool */
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
