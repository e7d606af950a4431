/*
 * test_fdt_addr.c - host unit tests for hyp/plan/fdt_addr.c, reg entries as CPU addresses: the
 * parent's #address-cells and #size-cells (malformed, 0, too large), a bus's `ranges` (its
 * length, each window's edges to the byte), the parent side of a node's own ranges (the cells
 * skiff reads), entry indexes out of range, and the end of the 52-bit physical address space.
 * Builds its trees in memory with libfdt's sequential writer; platform, config and assignment
 * tests run the same code over whole machines' trees.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "hyp/plan/fdt_addr.h"
#include "hyp/plan/fdt_index.h"

#define TREE_SIZE 8192
#define LIMIT FDT_ADDR_PA_LIMIT

static char tree[TREE_SIZE];

static void begin(void)
{
	assert_int_equal(fdt_create(tree, TREE_SIZE), 0);
	assert_int_equal(fdt_finish_reservemap(tree), 0);
	assert_int_equal(fdt_begin_node(tree, ""), 0);
}

static void finish(void)
{
	assert_int_equal(fdt_end_node(tree), 0);
	assert_int_equal(fdt_finish(tree), 0);
}

static void cells(const char *name, const uint32_t *v, unsigned int n)
{
	fdt32_t b[16];
	unsigned int i;

	assert_true(n <= 16);
	for (i = 0; i < n; i++)
		b[i] = cpu_to_fdt32(v[i]);
	assert_int_equal(fdt_property(tree, name, b, (int)(n * sizeof(b[0]))), 0);
}

#define CELLS(name, ...)                                                     \
	do {                                                                 \
		static const uint32_t v_[] = { __VA_ARGS__ };                \
		cells(name, v_, (unsigned int)(sizeof(v_) / sizeof(v_[0]))); \
	} while (0)

static void address_cells(uint32_t ac, uint32_t sc)
{
	assert_int_equal(fdt_property_u32(tree, "#address-cells", ac), 0);
	assert_int_equal(fdt_property_u32(tree, "#size-cells", sc), 0);
}

static void node(const char *name)
{
	assert_int_equal(fdt_begin_node(tree, name), 0);
}

static void end(void)
{
	assert_int_equal(fdt_end_node(tree), 0);
}

/* reg entry 0 of path: 1 with *r, or -1 with the message containing msg */
static int reg_of(const char *path, struct plat_range *r, const char *msg)
{
	struct fdt_addr_err e;
	int n = fdt_path_offset(tree, path), ret;

	assert_true(n > 0);
	memset(&e, 0, sizeof(e));
	ret = fdt_addr_reg(tree, NULL, n, 0, r, &e);
	if (msg && !strstr(e.msg, msg))
		fail_msg("%s: \"%s\" does not say \"%s\"", path, e.msg, msg);
	return ret;
}

/* A bus with one window: child 0x1000..0x1fff is CPU 0x80000000..0x80000fff. Its children
 * at the window's first and last byte, just past it, and running one byte past it. */
static void test_window_edges(void **state)
{
	struct plat_range r;

	(void)state;
	begin();
	address_cells(1, 1);
	node("bus");
	address_cells(1, 1);
	CELLS("ranges", 0x1000, 0x80000000, 0x1000);
	node("first");
	CELLS("reg", 0x1000, 0x100);
	end();
	node("last");
	CELLS("reg", 0x1fff, 0x1);
	end();
	node("past");
	CELLS("reg", 0x2001, 0x1);
	end();
	node("long");
	CELLS("reg", 0x1000, 0x1001);
	end();
	node("below");
	CELLS("reg", 0xfff, 0x2);
	end();
	end();
	finish();
	assert_int_equal(reg_of("/bus/first", &r, NULL), 1);
	assert_int_equal(r.base, 0x80000000);
	assert_int_equal(r.size, 0x100);
	assert_int_equal(reg_of("/bus/last", &r, NULL), 1);
	assert_int_equal(r.base, 0x80000fff);
	assert_int_equal(reg_of("/bus/past", &r, "outside the ranges of /bus"), -1);
	assert_int_equal(reg_of("/bus/long", &r, "outside the ranges of /bus"), -1);
	assert_int_equal(reg_of("/bus/below", &r, "outside the ranges of /bus"), -1);
}

/* The parent's cells: 8 bytes, 0 and a ranges whose length is no whole number of entries are
 * refused by name. */
static void test_bad_cells(void **state)
{
	static const fdt32_t eight[2] = { 0, 0 };
	struct plat_range r;

	(void)state;
	begin();
	address_cells(1, 1);
	node("wide");
	assert_int_equal(fdt_property(tree, "#address-cells", eight, sizeof(eight)), 0);
	assert_int_equal(fdt_property_u32(tree, "#size-cells", 1), 0);
	assert_int_equal(fdt_property(tree, "ranges", NULL, 0), 0);
	node("dev");
	CELLS("reg", 0x1000, 0x100);
	end();
	end();
	node("zero");
	address_cells(0, 1);
	assert_int_equal(fdt_property(tree, "ranges", NULL, 0), 0);
	node("dev");
	CELLS("reg", 0x100);
	end();
	end();
	node("cut");
	address_cells(1, 1);
	CELLS("ranges", 0x0, 0x80000000); /* 8 bytes: an entry is 12 */
	node("dev");
	CELLS("reg", 0x10, 0x10);
	end();
	end();
	finish();
	assert_int_equal(reg_of("/wide/dev", &r, "#address-cells is 8 bytes, not 4"), -1);
	assert_int_equal(reg_of("/zero/dev", &r, "#address-cells 0 is not supported"), -1);
	assert_int_equal(reg_of("/cut/dev", &r, "ranges is 8 bytes, not a multiple of 12"), -1);
}

/* A property cut off by the end of the structure block, before #address-cells: libfdt's error,
 * not the default cells. (The parent comes from an index made before the damage.) */
static void test_truncated_cells(void **state)
{
	static struct fdt_index ix;
	struct plat_range r;
	struct fdt_addr_err e;
	int bus, dev, len;
	fdt32_t *lenp;
	const struct fdt_property *p;

	(void)state;
	begin();
	address_cells(1, 1);
	node("bus");
	CELLS("junk", 0x0);
	address_cells(1, 1);
	assert_int_equal(fdt_property(tree, "ranges", NULL, 0), 0);
	node("dev");
	CELLS("reg", 0x1000, 0x100);
	end();
	end();
	finish();
	bus = fdt_path_offset(tree, "/bus");
	dev = fdt_path_offset(tree, "/bus/dev");
	fdt_index_build(&ix, tree);
	p = fdt_get_property(tree, bus, "junk", &len);
	assert_non_null(p);
	lenp = (fdt32_t *)(uintptr_t)&p->len;
	*lenp = cpu_to_fdt32(0x100000); /* past the end of the blob */
	memset(&e, 0, sizeof(e));
	assert_int_equal(fdt_addr_reg(tree, &ix, dev, 0, &r, &e), -1);
	assert_non_null(strstr(e.msg, "#address-cells: "));
}

/* The parent side of a node's own ranges: a child address of 1 to 3 cells and a size of 1 or 2
 * are read; 4 and 3 are not (0 entries, no error) */
static void test_ranges_cells_read(void **state)
{
	struct plat_range r;
	struct fdt_addr_err e;

	(void)state;
	begin();
	address_cells(1, 1);
	node("pci");
	address_cells(3, 2);
	CELLS("ranges", 0x02000000, 0x0, 0x0, 0x40000000, 0x0, 0x10000000);
	end();
	node("four");
	address_cells(4, 1);
	CELLS("ranges", 0x0, 0x0, 0x0, 0x0, 0x40000000, 0x1000);
	end();
	node("three");
	address_cells(1, 3);
	CELLS("ranges", 0x0, 0x40000000, 0x0, 0x0, 0x1000);
	end();
	finish();
	assert_int_equal(fdt_addr_ranges(tree, NULL, fdt_path_offset(tree, "/pci"), 0, &r, &e), 1);
	assert_int_equal(r.base, 0x40000000);
	assert_int_equal(r.size, 0x10000000);
	assert_int_equal(fdt_addr_ranges(tree, NULL, fdt_path_offset(tree, "/four"), 0, &r, &e), 0);
	assert_int_equal(fdt_addr_ranges(tree, NULL, fdt_path_offset(tree, "/three"), 0, &r, &e),
			 0);
}

/* Entry indexes: none below 0, none at the count */
static void test_entry_index(void **state)
{
	struct plat_range r;
	struct fdt_addr_err e;
	int n;

	(void)state;
	begin();
	address_cells(1, 1);
	node("dev");
	CELLS("reg", 0x1000, 0x100, 0x2000, 0x100);
	end();
	finish();
	n = fdt_path_offset(tree, "/dev");
	assert_int_equal(fdt_addr_reg_count(tree, NULL, n, &e), 2);
	assert_int_equal(fdt_addr_reg(tree, NULL, n, 1, &r, &e), 1);
	assert_int_equal(r.base, 0x2000);
	assert_int_equal(fdt_addr_reg(tree, NULL, n, 2, &r, &e), 0);
	assert_int_equal(fdt_addr_reg(tree, NULL, n, -1, &r, &e), 0);
}

/* A reg ending at the last byte below 2^52 is taken; one at the very top of 64 bits is beyond
 * the physical address space, not a wrap. */
static void test_top_of_address_space(void **state)
{
	struct plat_range r;

	(void)state;
	begin();
	address_cells(2, 2);
	node("last");
	CELLS("reg", (uint32_t)((LIMIT - 0x1000) >> 32), (uint32_t)(LIMIT - 0x1000), 0x0, 0x1000);
	end();
	node("top");
	CELLS("reg", 0xffffffff, 0xfffff000, 0x0, 0x1000);
	end();
	finish();
	assert_int_equal(reg_of("/last", &r, NULL), 1);
	assert_int_equal(r.base, LIMIT - 0x1000);
	assert_int_equal(reg_of("/top", &r, "beyond the 52-bit physical address space"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_window_edges),	cmocka_unit_test(test_bad_cells),
		cmocka_unit_test(test_truncated_cells), cmocka_unit_test(test_ranges_cells_read),
		cmocka_unit_test(test_entry_index),	cmocka_unit_test(test_top_of_address_space),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
