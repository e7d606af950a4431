/*
 * test_fdt_struct.c - host unit tests for hyp/plan/fdt_struct.c's fdt_struct_check_full(): on
 * every blob that passes fdt_check_header() and fdt_struct_check() it returns what libfdt's
 * fdt_check_full() does. Trees built here for each rule, then platform.mk's fixtures
 * ($SKIFF_BUILD, else build, /tests/dtb) mutated at random. And fdt_struct_strerror() against
 * libfdt's fdt_strerror().
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "hyp/plan/fdt_struct.h"
#include "tests/unit/fixture.h"

#define BUF_SIZE 16384
#define MUTANTS 40000

static uint64_t buf[BUF_SIZE / 8]; /* libfdt wants 8-byte alignment */
static unsigned int compared;

/* Whether the blob in buf gets the same answer from both; only blobs the image would hand to
 * fdt_struct_check_full() count. */
static void compare(void)
{
	uint32_t at;
	int ours, theirs;

	if (fdt_check_header(buf) || fdt_totalsize(buf) > sizeof(buf) || fdt_struct_check(buf, &at))
		return;
	ours = fdt_struct_check_full(buf);
	theirs = fdt_check_full(buf, fdt_totalsize(buf));
	if (ours != theirs)
		fail_msg("fdt_struct_check_full %d, fdt_check_full %d", ours, theirs);
	compared++;
}

static void begin(void)
{
	assert_int_equal(fdt_create(buf, sizeof(buf)), 0);
}

static void finish(void)
{
	assert_int_equal(fdt_finish(buf), 0);
}

/* Each rule by itself, in trees libfdt's writer makes. */
static void test_rules(void **state)
{
	uint32_t at;

	(void)state;
	/* a good tree with reserved ranges */
	begin();
	assert_int_equal(fdt_add_reservemap_entry(buf, 0x1000, 0x2000), 0);
	assert_int_equal(fdt_finish_reservemap(buf), 0);
	assert_int_equal(fdt_begin_node(buf, ""), 0);
	assert_int_equal(fdt_property_u32(buf, "#address-cells", 2), 0);
	assert_int_equal(fdt_begin_node(buf, "a"), 0);
	assert_int_equal(fdt_property_string(buf, "compatible", "x"), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	finish();
	assert_int_equal(fdt_struct_check(buf, &at), 0);
	assert_int_equal(fdt_struct_check_full(buf), 0);
	compare();
	/* the map's last entry is not its end: it runs off the blob */
	((fdt64_t *)((uint8_t *)buf + fdt_off_mem_rsvmap(buf)))[3] = cpu_to_fdt64(1);
	assert_int_equal(fdt_struct_check_full(buf), -FDT_ERR_TRUNCATED);
	compare();

	/* a root node with a name */
	begin();
	assert_int_equal(fdt_finish_reservemap(buf), 0);
	assert_int_equal(fdt_begin_node(buf, "root"), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	finish();
	assert_int_equal(fdt_struct_check_full(buf), -FDT_ERR_BADSTRUCTURE);
	compare();

	/* two root nodes */
	begin();
	assert_int_equal(fdt_finish_reservemap(buf), 0);
	assert_int_equal(fdt_begin_node(buf, ""), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_begin_node(buf, ""), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	finish();
	assert_int_equal(fdt_struct_check_full(buf), -FDT_ERR_BADSTRUCTURE);
	compare();

	/* a NOP after the root node, and one before it (allowed) */
	begin();
	assert_int_equal(fdt_finish_reservemap(buf), 0);
	assert_int_equal(fdt_begin_node(buf, ""), 0);
	assert_int_equal(fdt_property_u32(buf, "x", 1), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_begin_node(buf, ""), 0); /* 8 bytes: made a NOP pair below */
	finish();
	{
		fdt32_t *s = (fdt32_t *)((uint8_t *)buf + fdt_off_dt_struct(buf));
		uint32_t words = fdt_size_dt_struct(buf) / 4;

		s[words - 3] = cpu_to_fdt32(FDT_NOP);
		s[words - 2] = cpu_to_fdt32(FDT_NOP);
		assert_int_equal(fdt_struct_check(buf, &at), 0);
		assert_int_equal(fdt_struct_check_full(buf), -FDT_ERR_BADSTRUCTURE);
		compare();
		memmove(s + 2, s, (words - 3) * 4); /* the NOPs first */
		s[0] = cpu_to_fdt32(FDT_NOP);
		s[1] = cpu_to_fdt32(FDT_NOP);
		assert_int_equal(fdt_struct_check(buf, &at), 0);
		assert_int_equal(fdt_struct_check_full(buf), 0);
		compare();
		/* the property's name: past the strings block, negative, not ended inside it */
		s[2 + 4] = cpu_to_fdt32(fdt_size_dt_strings(buf));
		assert_int_equal(fdt_struct_check_full(buf), -FDT_ERR_BADOFFSET);
		compare();
		s[2 + 4] = cpu_to_fdt32(0x80000000u);
		assert_int_equal(fdt_struct_check_full(buf), -FDT_ERR_BADOFFSET);
		compare();
		s[2 + 4] = 0;
		*((uint8_t *)buf + fdt_off_dt_strings(buf) + 1) = 'y';
		assert_int_equal(fdt_struct_check_full(buf), -FDT_ERR_TRUNCATED);
		compare();
	}
}

static uint32_t rnd(void)
{
	return ((uint32_t)rand() << 16) ^ (uint32_t)rand();
}

static void put32(uint32_t off, uint32_t v)
{
	if ((uint64_t)off + 4 <= sizeof(buf))
		fdt32_st((uint8_t *)buf + off, v);
}

/* A value near the edges the checks draw, or any. */
static uint32_t edgy(uint32_t edge)
{
	switch (rand() % 4) {
	case 0:
		return edge + (uint32_t)(rand() % 9) - 4;
	case 1:
		return (uint32_t)((uint64_t)rand() % ((uint64_t)edge + 1));
	case 2:
		return 0x80000000u + (uint32_t)(rand() % 3) - 1;
	default:
		return rnd();
	}
}

/* One fixture, and mutants of it: words and bytes anywhere, the header's offsets and sizes,
 * a property's name offset, the reservation map. */
static void mutate_fixture(const char *name)
{
	const char *build = getenv("SKIFF_BUILD");
	char path[768];
	struct blob b;
	unsigned int i, before = compared;

	snprintf(path, sizeof(path), "%s/tests/dtb/%s.dtb", build && *build ? build : "build",
		 name);
	fixture_read(path, "run make unit, or set SKIFF_BUILD", &b);
	assert_true(b.size <= sizeof(buf));
	for (i = 0; i < MUTANTS; i++) {
		uint32_t size = (uint32_t)b.size, n = 1 + (uint32_t)rand() % 3, k;

		memset(buf, 0, sizeof(buf));
		memcpy(buf, b.data, b.size);
		for (k = 0; i && k < n; k++) {
			uint32_t st = fdt_off_dt_struct(buf), ss = fdt_size_dt_struct(buf);

			switch (rand() % 7) {
			case 0:
				*((uint8_t *)buf + rnd() % size) = (uint8_t)rand();
				break;
			case 1:
				put32(rnd() % size & ~3u, edgy(size));
				break;
			case 2: /* off_dt_strings .. size_dt_struct, off_mem_rsvmap, totalsize */
				put32(4 * (1 + (uint32_t)rand() % 9), edgy(size));
				break;
			case 3: /* a word of the structure block that may be a nameoff */
				if (ss)
					put32(st + (rnd() % ss & ~3u),
					      edgy(fdt_size_dt_strings(buf)));
				break;
			case 4: /* the end of the reservation map */
				put32(fdt_off_mem_rsvmap(buf) + 12 + 16 * (uint32_t)(rand() % 2),
				      (uint32_t)rand() % 2);
				break;
			case 5: /* a byte of the strings block */
				*((uint8_t *)buf +
				  (fdt_off_dt_strings(buf) +
				   rnd() % ((uint64_t)fdt_size_dt_strings(buf) + 1)) %
					  size) = (uint8_t)rand();
				break;
			default: /* a tag */
				if (ss)
					put32(st + (rnd() % ss & ~3u), 1 + (uint32_t)rand() % 9);
				break;
			}
		}
		compare();
	}
	free(b.data);
	/* most mutants are blobs the full check sees */
	if (compared - before < MUTANTS / 4)
		fail_msg("%s: only %u of %u mutants compared", name, compared - before, MUTANTS);
}

static void test_fixtures(void **state)
{
	(void)state;
	srand(1);
	mutate_fixture("good");
	mutate_fixture("gic-v2");
	mutate_fixture("minimal");
	mutate_fixture("cpu-spin-table");
}

/* fdt_struct_strerror() names each error as libfdt's fdt_strerror() does. */
static void test_strerror(void **state)
{
	int err;

	(void)state;
	for (err = -40; err <= 3; err++)
		assert_string_equal(fdt_struct_strerror(err), fdt_strerror(err));
	assert_string_equal(fdt_struct_strerror(INT_MIN), fdt_strerror(INT_MIN));
	assert_string_equal(fdt_struct_strerror(INT_MAX), fdt_strerror(INT_MAX));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_strerror),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
