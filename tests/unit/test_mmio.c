/*
 * test_mmio.c - host unit tests for hyp/emul/mmio.c: adding regions (overlaps on every side,
 * touching neighbours, a full table, empty and wrapping regions) and finding the region an
 * access lies wholly inside (edges, straddles, gaps, accesses that would wrap past 2^64).
 * Touches nothing but its own tables.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hyp/emul/mmio.h"

#define GICD_BASE 0x08000000ull
#define GICD_SIZE 0x10000ull
#define UART_BASE 0x09000000ull
#define PAGE 0x1000ull
#define TOP (~0ull)

static int ctx_a, ctx_b;

static struct mmio_region region(uint64_t base, uint64_t size, const char *name, void *ctx)
{
	struct mmio_region r = { .base = base, .size = size, .name = name, .ctx = ctx };

	return r;
}

static void test_add_and_find(void **state)
{
	struct mmio_bus bus = { .count = 0 };
	struct mmio_region gicd = region(GICD_BASE, GICD_SIZE, "gicd", &ctx_a);
	struct mmio_region uart = region(UART_BASE, PAGE, "uart", &ctx_b);
	const struct mmio_region *r;

	(void)state;
	assert_true(mmio_add(&bus, &gicd));
	assert_true(mmio_add(&bus, &uart));
	assert_int_equal(bus.count, 2);

	r = mmio_find(&bus, GICD_BASE, 4);
	assert_non_null(r);
	assert_string_equal(r->name, "gicd");
	assert_ptr_equal(r->ctx, &ctx_a);
	assert_ptr_not_equal(r, &gicd); /* the bus keeps its own copy */

	r = mmio_find(&bus, UART_BASE + 0x18, 4);
	assert_non_null(r);
	assert_string_equal(r->name, "uart");
	assert_ptr_equal(r->ctx, &ctx_b);
}

static void test_add_rejects_overlap(void **state)
{
	struct mmio_bus bus = { .count = 0 };
	struct mmio_region base = region(0x10000, 0x1000, "base", NULL);
	static const struct {
		uint64_t base, size;
		bool ok;
	} cases[] = {
		{ 0x10000, 0x1000, false }, /* the same */
		{ 0x0f000, 0x1001, false }, /* covers the first byte */
		{ 0x10fff, 0x1, false },    /* the last byte */
		{ 0x10800, 0x10, false },   /* inside */
		{ 0x0f000, 0x3000, false }, /* around */
		{ 0x10800, 0x1000, false }, /* over the end */
		{ 0x0, TOP, false },	    /* nearly everything */
		{ 0x0f000, 0x1000, true },  /* ends where base starts */
		{ 0x11000, 0x1000, true },  /* starts where base ends */
	};
	size_t i;

	(void)state;
	assert_true(mmio_add(&bus, &base));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mmio_bus b = bus;
		struct mmio_region r = region(cases[i].base, cases[i].size, "new", NULL);

		assert_int_equal(mmio_add(&b, &r), cases[i].ok);
		assert_int_equal(b.count, cases[i].ok ? 2 : 1);
	}
}

static void test_add_rejects_empty_and_wrapping(void **state)
{
	struct mmio_bus bus = { .count = 0 };
	struct mmio_region empty = region(0x10000, 0, "empty", NULL);
	struct mmio_region wraps = region(TOP - PAGE + 1, PAGE + 1, "wraps", NULL);
	struct mmio_region to_top = region(TOP - PAGE + 1, PAGE, "to-top", NULL);
	struct mmio_region last = region(TOP - PAGE, PAGE, "last", NULL);

	(void)state;
	assert_false(mmio_add(&bus, &empty));
	assert_false(mmio_add(&bus, &wraps));
	/* base + size == 2^64 is not representable: refused as well */
	assert_false(mmio_add(&bus, &to_top));
	assert_true(mmio_add(&bus, &last));
	assert_int_equal(bus.count, 1);
	assert_non_null(mmio_find(&bus, TOP - 8, 8));
	assert_null(mmio_find(&bus, TOP - 7, 8)); /* takes in byte 2^64 - 1, not in it */
}

static void test_add_full_table(void **state)
{
	struct mmio_bus bus = { .count = 0 };
	struct mmio_region r;
	unsigned int i;

	(void)state;
	for (i = 0; i < MMIO_MAX_REGIONS; i++) {
		r = region(UART_BASE + i * PAGE, PAGE, "uart", NULL);
		assert_true(mmio_add(&bus, &r));
	}
	assert_int_equal(bus.count, MMIO_MAX_REGIONS);
	r = region(UART_BASE + MMIO_MAX_REGIONS * PAGE, PAGE, "one-too-many", NULL);
	assert_false(mmio_add(&bus, &r));
	assert_int_equal(bus.count, MMIO_MAX_REGIONS);
	/* every region is still found */
	for (i = 0; i < MMIO_MAX_REGIONS; i++)
		assert_ptr_equal(mmio_find(&bus, UART_BASE + i * PAGE + 4, 4), &bus.region[i]);
	assert_null(mmio_find(&bus, UART_BASE + MMIO_MAX_REGIONS * PAGE, 4));
}

static void test_find_edges(void **state)
{
	struct mmio_bus bus = { .count = 0 };
	struct mmio_region gicd = region(GICD_BASE, GICD_SIZE, "gicd", NULL);
	struct mmio_region next = region(GICD_BASE + GICD_SIZE + PAGE, PAGE, "next", NULL);
	static const unsigned int widths[] = { 1, 2, 4, 8 };
	size_t i;

	(void)state;
	assert_true(mmio_add(&bus, &gicd));
	assert_true(mmio_add(&bus, &next));
	for (i = 0; i < sizeof(widths) / sizeof(widths[0]); i++) {
		unsigned int w = widths[i];
		uint64_t end = GICD_BASE + GICD_SIZE;

		assert_ptr_equal(mmio_find(&bus, GICD_BASE, w), &bus.region[0]);
		assert_ptr_equal(mmio_find(&bus, end - w, w), &bus.region[0]); /* last bytes */
		assert_null(mmio_find(&bus, GICD_BASE - w, w));		       /* just below */
		assert_null(mmio_find(&bus, end, w)); /* just above: a gap */
		assert_ptr_equal(mmio_find(&bus, end + PAGE, w), &bus.region[1]);
		if (w > 1) {
			assert_null(mmio_find(&bus, GICD_BASE - 1, w));	 /* straddles the start */
			assert_null(mmio_find(&bus, end - w + 1, w));	 /* straddles the end */
			assert_null(mmio_find(&bus, end + PAGE - 1, w)); /* gap into next */
		}
	}
	assert_null(mmio_find(&bus, GICD_BASE, 0));
	assert_null(mmio_find(&bus, 0, 8));
	assert_null(mmio_find(&bus, TOP, 1));
	assert_null(mmio_find(&bus, TOP - 3, 8)); /* ipa + width wraps to a small number */
}

/* Two touching regions: an access across the seam belongs to neither. */
static void test_find_across_touching_regions(void **state)
{
	struct mmio_bus bus = { .count = 0 };
	struct mmio_region a = region(0x20000, PAGE, "a", NULL);
	struct mmio_region b = region(0x21000, PAGE, "b", NULL);

	(void)state;
	assert_true(mmio_add(&bus, &a));
	assert_true(mmio_add(&bus, &b));
	assert_ptr_equal(mmio_find(&bus, 0x20ffc, 4), &bus.region[0]);
	assert_ptr_equal(mmio_find(&bus, 0x21000, 4), &bus.region[1]);
	assert_null(mmio_find(&bus, 0x20ffe, 4));
	assert_null(mmio_find(&bus, 0x20ff8, 16));
}

static void test_find_empty_bus(void **state)
{
	struct mmio_bus bus = { .count = 0 };

	(void)state;
	assert_null(mmio_find(&bus, GICD_BASE, 4));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_and_find),
		cmocka_unit_test(test_add_rejects_overlap),
		cmocka_unit_test(test_add_rejects_empty_and_wrapping),
		cmocka_unit_test(test_add_full_table),
		cmocka_unit_test(test_find_edges),
		cmocka_unit_test(test_find_across_touching_regions),
		cmocka_unit_test(test_find_empty_bus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
