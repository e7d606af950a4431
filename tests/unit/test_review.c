/*
 * test_review.c - review reproducers for configurations that hyp/assign.c accepts (and with
 * it tools/skiff-check: "ok") but that hyp/vm.c cannot build, so that skiff stops at boot with
 * a fatal error instead of the config check naming the node and resource:
 *  - hyp/vm.c keeps the passthrough state of every guest's devices with interrupts in one
 *    array of CONFIG_MAX_DEVICES (48) for all guests together (dev_pt[], vm_of_pt[]), while the
 *    binding allows 48 devices per guest: "fatal: guest@1: more than 48 devices with
 *    interrupts" (pass_device_spis);
 *  - arch/arm64/stage2.c builds every guest's stage 2 from one pool of 64 tables, which nothing
 *    before vm_create() checks: "fatal: guest@1: cannot build stage-2 tables (error -2)"
 *    (map_stage2), naming no device;
 *  - the binding takes SPIs up to 987 (a device's interrupts, spi-window), the vGIC only
 *    INTIDs below VGIC_MAX_INTIDS (512): "fatal: guest@0: cannot pass SPI 532 through" or
 *    "cannot attach the doorbell device" (vm_create), on a GIC with that many SPIs (SoCs with
 *    SPIs past 480 are common) as on one with fewer.
 * Both seen on QEMU with the host tree of host-review-many.dts added to QEMU's own (-dtb) and
 * rv-many-devices.dtb as opt/skiff/config.dtb. Each test fails while assign_guests() accepts
 * such a configuration.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tests/unit/fixture.h"

#include <libfdt.h>

#include "arch/arm64/pgtable.h"
#include "hyp/assign.h"
#include "irq/virq.h"

#define SKIFF_BASE 0x40200000ull
#define SKIFF_END 0x40400000ull
#define HOST_MANY "tests/config/host-review-many"
#define CONFIG_MANY "tests/config/rv-many-devices"
#define CONFIG_BIG_SPI "tests/config/rv-big-spi"
#define CONFIG_DOORBELL_BIG_SPI "tests/config/rv-doorbell-big-spi"

/* arch/arm64/stage2.c */
#define S2_POOL_PAGES 64
#define S2_ATTR_RAM ((1ull << 10) | (3ull << 8) | (0x3ull << 6) | (0xfull << 2))
#define S2_ATTR_DEVICE ((1ull << 10) | (0x3ull << 6) | (0x1ull << 2) | (0x2ull << 53))

static struct config cfg;
static struct platform plat;
static struct ledger ledger;
static struct assignment out[CONFIG_MAX_GUESTS];
static struct blob host;
static char err[CONFIG_ERR_MAX];

static void load(const char *name, struct blob *b)
{
	const char *build = getenv("SKIFF_BUILD");
	char path[768];

	snprintf(path, sizeof(path), "%s/%s.dtb", build && *build ? build : "build", name);
	fixture_read(path, "run make unit, or set SKIFF_BUILD", b);
}

static int run(const char *config, const char *host_name)
{
	struct blob c;

	load(config, &c);
	if (config_parse(c.data, c.size, &cfg, err, sizeof(err)))
		fail_msg("%s: %s", config, err);
	free(c.data);
	free(host.data);
	load(host_name, &host);
	if (plat_parse_buf(host.data, host.size, &plat, err, sizeof(err)))
		fail_msg("%s: %s", host_name, err);
	ledger_init(&ledger);
	return assign_guests(host.data, &plat, &cfg, SKIFF_BASE, SKIFF_END, &ledger, out, err,
			     sizeof(err));
}

static int teardown(void **state)
{
	(void)state;
	free(host.data);
	host.data = NULL;
	return 0;
}

/* hyp/vm.c pass_device_spis(): one struct passthrough per device with SPIs, all guests
 * together, at most CONFIG_MAX_DEVICES. */
static void test_devices_with_spis_fit_vm(void **state)
{
	unsigned int g, d, n = 0;

	(void)state;
	if (run(CONFIG_MANY, HOST_MANY))
		return; /* refused with a message: what this test asks for */
	for (g = 0; g < cfg.nr_guests; g++)
		for (d = 0; d < out[g].nr_devices; d++)
			n += out[g].dev[d].nr_spi != 0;
	if (n > CONFIG_MAX_DEVICES)
		fail_msg("assign_guests accepted %u devices with interrupts in all; hyp/vm.c "
			 "passes through at most %u and stops boot (fatal) at the next",
			 n, CONFIG_MAX_DEVICES);
}

/* hyp/vm.c map_stage2(): each guest's RAM and device pages, tables from one pool of
 * S2_POOL_PAGES for all guests (a 44-bit IPA, as QEMU's cortex-a57: start at level 0). */
static void test_stage2_fits_pool(void **state)
{
	static uint64_t tables[S2_POOL_PAGES][PT_ENTRIES] __attribute__((aligned(4096)));
	struct pt_pool pool = { .pages = tables, .count = S2_POOL_PAGES };
	unsigned int g, i;

	(void)state;
	if (run(CONFIG_MANY, HOST_MANY))
		return;
	memset(tables, 0, sizeof(tables));
	for (g = 0; g < cfg.nr_guests; g++) {
		struct pgtable pt = { .alloc = pt_pool_alloc, .ctx = &pool, .start_level = 0 };
		int ret = 0;

		pt.root = pt_pool_alloc(&pool);
		if (!pt.root)
			ret = PT_ERR_NOMEM;
		for (i = 0; i < out[g].nr_mem && !ret; i++)
			ret = pt_map(&pt, out[g].mem[i].base, out[g].mem[i].base,
				     out[g].mem[i].size, S2_ATTR_RAM);
		for (i = 0; i < out[g].nr_mmio && !ret; i++)
			ret = pt_map(&pt, out[g].mmio[i].base, out[g].mmio[i].base,
				     out[g].mmio[i].size, S2_ATTR_DEVICE);
		if (ret)
			fail_msg("assign_guests accepted the configuration, but %s's stage 2 "
				 "cannot be built from the %d tables hyp/vm.c has for all guests "
				 "(error %d, %u tables used): skiff stops at boot",
				 cfg.guest[g].name, S2_POOL_PAGES, ret, pool.used);
	}
}

/* hyp/vm.c pass_device_spis() -> vgic_claim_spi(): INTIDs below VGIC_MAX_INTIDS only. */
static void test_device_spi_fits_vgic(void **state)
{
	unsigned int i;

	(void)state;
	if (run(CONFIG_BIG_SPI, HOST_MANY))
		return;
	for (i = 0; i < out[0].nr_spis; i++)
		if (out[0].spi[i].intid >= VGIC_MAX_INTIDS)
			fail_msg("assign_guests accepted INTID %u for %s; the vGIC holds INTIDs "
				 "below %d: skiff stops at boot (cannot pass SPI through)",
				 out[0].spi[i].intid, cfg.guest[0].name, VGIC_MAX_INTIDS);
}

/* hyp/vm.c vm_create() -> doorbell_attach() -> emu_source_init(): the same for a doorbell. */
static void test_doorbell_spi_fits_vgic(void **state)
{
	(void)state;
	if (run(CONFIG_DOORBELL_BIG_SPI, HOST_MANY))
		return;
	if (out[0].doorbell_intid >= VGIC_MAX_INTIDS)
		fail_msg(
			"assign_guests gave the doorbell INTID %u; the vGIC holds INTIDs below %d: "
			"skiff stops at boot (cannot attach the doorbell device)",
			out[0].doorbell_intid, VGIC_MAX_INTIDS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_devices_with_spis_fit_vm, teardown),
		cmocka_unit_test_teardown(test_stage2_fits_pool, teardown),
		cmocka_unit_test_teardown(test_device_spi_fits_vgic, teardown),
		cmocka_unit_test_teardown(test_doorbell_spi_fits_vgic, teardown),
	};

	return cmocka_run_group_tests_name("review", tests, NULL, NULL);
}
