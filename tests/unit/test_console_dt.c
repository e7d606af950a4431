/*
 * test_console_dt.c - host unit tests for hyp/plan/console_dt.c, skiff's console from
 * /chosen/stdout-path, on trees built in memory: a stdout-path that is no string, an alias with
 * a subpath, the 8250 layout properties (malformed, out of range, reg-offset), misaligned
 * registers, an unknown UART, the mini UART's layout. test_platform.c runs it over whole
 * machines' trees.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "hyp/plan/console_dt.h"

#define TREE_SIZE 4096
#define UART_BASE 0x1000

static char tree[TREE_SIZE];
static struct plat_console con;

/* A tree: / with one cell each, /chosen with stdout-path (len bytes of path, as given), an
 * alias serial0 (if alias), and /uart@1000 of compatible compat with reg <base 0x100> and,
 * for each name in props (NULL-ended), a one-cell property of the value in vals, or an
 * 8-byte one where vals says ~0. */
static void build(const char *path, int len, const char *alias, const char *compat, uint32_t base,
		  const char *const *props, const uint32_t *vals)
{
	fdt32_t reg[2] = { cpu_to_fdt32(base), cpu_to_fdt32(0x100) };
	const fdt32_t two[2] = { cpu_to_fdt32(2), 0 }; /* a malformed value that reads as 2 */
	unsigned int i;

	assert_int_equal(fdt_create(tree, TREE_SIZE), 0);
	assert_int_equal(fdt_finish_reservemap(tree), 0);
	assert_int_equal(fdt_begin_node(tree, ""), 0);
	assert_int_equal(fdt_property_u32(tree, "#address-cells", 1), 0);
	assert_int_equal(fdt_property_u32(tree, "#size-cells", 1), 0);
	assert_int_equal(fdt_begin_node(tree, "chosen"), 0);
	assert_int_equal(fdt_property(tree, "stdout-path", path, len), 0);
	assert_int_equal(fdt_end_node(tree), 0);
	if (alias) {
		assert_int_equal(fdt_begin_node(tree, "aliases"), 0);
		assert_int_equal(fdt_property_string(tree, "serial0", alias), 0);
		assert_int_equal(fdt_end_node(tree), 0);
	}
	assert_int_equal(fdt_begin_node(tree, "uart@1000"), 0);
	assert_int_equal(fdt_property_string(tree, "compatible", compat), 0);
	assert_int_equal(fdt_property(tree, "reg", reg, sizeof(reg)), 0);
	for (i = 0; props && props[i]; i++) {
		if (vals[i] == ~0u)
			assert_int_equal(fdt_property(tree, props[i], two, sizeof(two)), 0);
		else
			assert_int_equal(fdt_property_u32(tree, props[i], vals[i]), 0);
	}
	assert_int_equal(fdt_end_node(tree), 0);
	assert_int_equal(fdt_end_node(tree), 0);
	assert_int_equal(fdt_finish(tree), 0);
	console_dt_find(tree, &con);
}

#define PATH "/uart@1000"
#define BUILD(path, compat, props, vals) \
	build(path, (int)sizeof(path), NULL, compat, UART_BASE, props, vals)

static void expect_none(const char *why)
{
	assert_int_equal(con.uart.kind, UART_NONE);
	if (!strstr(con.why, why))
		fail_msg("why \"%s\" does not say \"%s\"", con.why, why);
}

static void test_stdout_path_forms(void **state)
{
	(void)state;
	BUILD(PATH ":115200n8", "ns16550a", NULL, NULL);
	assert_int_equal(con.uart.kind, UART_8250);
	assert_string_equal(con.path, PATH);
	/* no NUL at the end: not a string */
	build(PATH, (int)strlen(PATH), NULL, "ns16550a", UART_BASE, NULL, NULL);
	expect_none("/chosen/stdout-path is not a string");
	/* an alias whose value is no full path, named with a subpath after it */
	build("serial0/x", sizeof("serial0/x"), "uart@1000", "ns16550a", UART_BASE, NULL, NULL);
	expect_none("/aliases/serial0 is not a full path");
}

static void test_8250_layout(void **state)
{
	static const char *const props[] = { "reg-shift", "reg-io-width", "reg-offset", NULL };
	const uint32_t good[] = { 2, 4, 0x40 }, shift5[] = { 5, 4, 0 }, width2[] = { 2, 2, 0 },
		       at_end[] = { 0, 1, 0x100 }, malformed[] = { ~0u, 4, 0 };

	(void)state;
	BUILD(PATH, "ns16550a", props, good);
	assert_int_equal(con.uart.kind, UART_8250);
	assert_int_equal(con.uart.reg_shift, 2);
	assert_int_equal(con.uart.io_width, 4);
	assert_int_equal(con.uart.base, UART_BASE + 0x40);
	assert_int_equal(con.uart.size, 0x100 - 0x40);
	assert_int_equal(con.reg.base, UART_BASE);
	BUILD(PATH, "ns16550a", props, shift5);
	expect_none("reg-shift 5");
	BUILD(PATH, "ns16550a", props, width2);
	expect_none("reg-io-width 2");
	BUILD(PATH, "ns16550a", props, at_end);
	expect_none("reg-offset 0x100");
	BUILD(PATH, "ns16550a", props, malformed); /* an 8-byte reg-shift: the implied 0 */
	assert_int_equal(con.uart.kind, UART_8250);
	assert_int_equal(con.uart.reg_shift, 0);
	/* the mini UART reads them too */
	BUILD(PATH, "brcm,bcm2835-aux-uart", props, good);
	assert_int_equal(con.uart.kind, UART_BCM_AUX);
	assert_int_equal(con.uart.base, UART_BASE + 0x40);
}

static void test_misaligned(void **state)
{
	static const char *const props[] = { "reg-io-width", NULL };
	static const uint32_t four[] = { 4 };

	(void)state;
	build(PATH, sizeof(PATH), NULL, "ns16550a", UART_BASE + 2, props, four);
	expect_none("are not 4-byte aligned");
	build(PATH, sizeof(PATH), NULL, "arm,pl011", UART_BASE + 2, NULL, NULL);
	expect_none("are not 4-byte aligned");
}

/* A UART skiff has no driver for: named, kind UART_OTHER, nothing to drive */
static void test_unknown_uart(void **state)
{
	(void)state;
	BUILD(PATH, "vendor,serial", NULL, NULL);
	assert_int_equal(con.uart.kind, UART_OTHER);
	assert_int_equal(con.uart.base, 0);
	assert_non_null(strstr(con.why, "no driver for compatible \"vendor,serial\""));
	assert_int_equal(con.reg.base, UART_BASE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stdout_path_forms),
		cmocka_unit_test(test_8250_layout),
		cmocka_unit_test(test_misaligned),
		cmocka_unit_test(test_unknown_uart),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
