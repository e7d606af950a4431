/*
 * test_assign_limits.c - host tests of hyp/plan/assign.c at the edges of what it takes, each
 * a byte, a cell or an INTID from what it must refuse: SPI 988 and INTID 512, an interrupt
 * specifier one cell short, a ninth interrupt past eight interrupt-triggers, a status that only
 * starts with "okay", a reg whose last page is half its own, all RAM around a no-map region inside
 * pages, a kernel one byte past the guest's memory, an spi-window ending at the vGIC's last INTID,
 * a guest's own memory ranges overlapping. Configs tests/unit/config/lim-*.dts, host trees
 * base.dtsi and host-limits.dts, compiled by config.mk; test_assign.c covers the rest of assign.c
 * the same way.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tests/unit/fixture.h"

#include "hyp/plan/assign.h"

#define SKIFF_BASE 0x40200000ull
#define SKIFF_END 0x40400000ull
#define HOST "tests/config/host-limits"

static struct config cfg;
static struct platform plat;
static struct ledger ledger;
static struct assignment out[CONFIG_MAX_GUESTS];
static char err[CONFIG_ERR_MAX];

static void load(const char *name, struct blob *b)
{
	const char *build = getenv("SKIFF_BUILD");
	char path[768];

	snprintf(path, sizeof(path), "%s/%s.dtb", build && *build ? build : "build", name);
	fixture_read(path, "run make unit, or set SKIFF_BUILD", b);
}

/* tests/config/lim-<name> on host-limits: assign_guests' result, its message in err */
static int run(const char *name)
{
	static struct blob host;
	struct blob c;
	char path[128];
	int ret;

	snprintf(path, sizeof(path), "tests/config/lim-%s", name);
	load(path, &c);
	if (config_parse(c.data, c.size, &cfg, err, sizeof(err)))
		fail_msg("%s: %s", path, err);
	free(c.data);
	free(host.data);
	load(HOST, &host);
	if (plat_parse_buf(host.data, host.size, &plat, err, sizeof(err)))
		fail_msg("%s: %s", HOST, err);
	ledger_init(&ledger);
	ret = assign_guests(host.data, &plat, &cfg, SKIFF_BASE, SKIFF_END, &ledger, out, NULL, err,
			    sizeof(err));
	assert_true(ret == 0 || ret == -1);
	return ret;
}

static void refused(const char *name, const char *msg)
{
	if (run(name) != -1)
		fail_msg("lim-%s: accepted, expected \"%s\"", name, msg);
	if (!strstr(err, msg))
		fail_msg("lim-%s: \"%s\" does not say \"%s\"", name, err, msg);
}

static void taken(const char *name)
{
	if (run(name))
		fail_msg("lim-%s: %s", name, err);
}

static void test_interrupts(void **state)
{
	(void)state;
	refused("spi-988", "interrupt 0: SPI 988 is out of range (0..987)");
	refused("spi-480", "interrupt 0: SPI 480 (INTID 512) is beyond skiff's vGIC");
	refused("spec-short", "interrupts: interrupt 0 is cut short");
	refused("triggers-nine", "interrupt 8 has trigger flags 0x2, not 1 (rising edge) or 4 "
				 "(high level): set interrupt-triggers");
}

static void test_device_nodes(void **state)
{
	(void)state;
	refused("okay2", "is not available in the host device tree (status \"okay2\")");
	refused("last-page", "MMIO 0x1e104000+0x1800 does not fill its page 0x1e105000");
}

/* All RAM leaves out the pages of a no-map region that starts and ends inside them, and no
 * more. */
static void test_all_ram_pages(void **state)
{
	unsigned int i, below = 0, above = 0;

	(void)state;
	taken("all-ram");
	for (i = 0; i < out[0].nr_mem; i++) {
		const struct plat_range *m = &out[0].mem[i];

		assert_false(m->base < 0x48001000 && m->base + m->size > 0x48000000);
		if (m->base + m->size == 0x48000000)
			below++;
		if (m->base == 0x48001000)
			above++;
	}
	assert_int_equal(below, 1);
	assert_int_equal(above, 1);
}

static void test_memory(void **state)
{
	(void)state;
	refused("kernel-past", "0x50fff000+0x1001 is not inside the guest's memory");
	refused("mem-self-overlap",
		"0x50000000+0x2000000 overlaps guest@0's memory 0x51000000+0x1000000");
	taken("spi-window-top");
	assert_int_equal(out[0].spi_window.base, 448);
	assert_int_equal(out[0].spi_window.size, 32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_interrupts),
		cmocka_unit_test(test_device_nodes),
		cmocka_unit_test(test_all_ram_pages),
		cmocka_unit_test(test_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
