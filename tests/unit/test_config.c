/*
 * test_config.c - host tests of hyp/plan/config.c: the default configuration (dts/qemu-virt.dts),
 * every property of the binding (tests/unit/config/full.dts and friends), each refusal with
 * its exact message (tests/unit/config/bad-*.dts), and blobs truncated, corrupted or
 * misplaced. Reads fixtures from $SKIFF_BUILD (else build)/tests/config and /dts; writes
 * nothing. Built with ASan/UBSan: a malformed blob must give an error, never a bad read.
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

#include <libfdt.h>

#include "hyp/plan/config.h"

#define FUZZ_ROUNDS 3000
#define NR_VIRTIO 32

static struct config cfg;
static char err[CONFIG_ERR_MAX];

static void load_path(const char *sub, const char *name, struct blob *b)
{
	const char *build = getenv("SKIFF_BUILD");
	char path[768];

	snprintf(path, sizeof(path), "%s/%s/%s.dtb", build && *build ? build : "build", sub, name);
	fixture_read(path, "run make unit, or set SKIFF_BUILD", b);
}

static void load(const char *name, struct blob *b)
{
	load_path("tests/config", name, b);
}

static void parse_ok(const char *name)
{
	struct blob b;
	int ret;

	load(name, &b);
	ret = config_parse(b.data, b.size, &cfg, err, sizeof(err));
	if (ret)
		fail_msg("%s: %s", name, err);
	free(b.data);
}

/* ---- good configurations ---- */

static void test_default(void **state)
{
	struct config_guest *g = &cfg.guest[0];
	char path[CONFIG_PATH_MAX];
	struct blob b;
	unsigned int i;

	(void)state;
	load_path("dts", "qemu-virt", &b);
	assert_int_equal(config_parse(b.data, b.size, &cfg, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	free(b.data);

	assert_false(cfg.stats_at_exit);
	assert_false(cfg.test_controls);
	assert_false(cfg.oneshot_no_deferral);
	assert_int_equal(cfg.device_window.base, 0x0b000000);
	assert_int_equal(cfg.device_window.size, 0x01000000);
	assert_int_equal(cfg.spi_window.base, 100);
	assert_int_equal(cfg.spi_window.size, 32);
	assert_int_equal(cfg.nr_guests, 1);
	assert_string_equal(g->name, "guest@0");
	assert_true(g->all_cpus);
	assert_int_equal(g->nr_cpus, 0);
	assert_true(g->all_memory);
	assert_int_equal(g->nr_mem, 0);
	assert_false(g->has_bootargs);
	assert_string_equal(g->bootargs, "");
	assert_int_equal(g->kernel.source, IMAGE_FW_CFG);
	assert_int_equal(g->initrd.source, IMAGE_FW_CFG);
	assert_true(g->doorbell);
	assert_int_equal(g->nr_devices, 3 + NR_VIRTIO + 1);
	assert_string_equal(g->device[3 + NR_VIRTIO].name, "keys");
	assert_string_equal(g->device[3 + NR_VIRTIO].path, "/gpio-keys");
	assert_true(g->device[3 + NR_VIRTIO].optional);
	assert_string_equal(g->device[0].name, "uart");
	assert_string_equal(g->device[0].path, "/pl011@9000000");
	assert_string_equal(g->device[1].path, "/pl031@9010000");
	assert_string_equal(g->device[2].path, "/pl061@9030000");
	for (i = 0; i < 3; i++) {
		assert_int_equal(g->device[i].nr_modes, 1);
		assert_int_equal(g->device[i].mode[0], IRQ_MODE_HW);
		assert_int_equal(g->device[i].nr_triggers, 0);
	}
	for (i = 0; i < NR_VIRTIO; i++) {
		snprintf(path, sizeof(path), "/virtio_mmio@%x", 0xa000000 + 0x200 * i);
		assert_string_equal(g->device[3 + i].path, path);
		assert_int_equal(g->device[3 + i].nr_modes, 0);
		assert_int_equal(g->device[3 + i].nr_triggers, 0);
	}
}

static void test_full(void **state)
{
	struct config_guest *g = &cfg.guest[0];
	struct config_device *d;

	(void)state;
	parse_ok("full");
	assert_true(cfg.stats_at_exit);
	assert_true(cfg.test_controls);
	assert_true(cfg.oneshot_no_deferral);
	assert_true(cfg.pmu_el2_counting);
	assert_true(cfg.gicv2_hw_lrs_on_qemu);
	assert_true(cfg.stage2_4k_pages);
	assert_int_equal(cfg.device_window.base, 0x0b000000);
	assert_int_equal(cfg.spi_window.size, 32);
	assert_int_equal(cfg.nr_guests, 2);

	assert_false(g->all_cpus);
	assert_int_equal(g->nr_cpus, 2);
	assert_int_equal(g->cpu_mpidr[0], 0);
	assert_int_equal(g->cpu_mpidr[1], 1);
	assert_false(g->all_memory);
	assert_int_equal(g->nr_mem, 2);
	assert_int_equal(g->mem[0].base, 0x40000000);
	assert_int_equal(g->mem[0].size, 0x20000000);
	assert_int_equal(g->mem[1].base, 0x100000000ull);
	assert_int_equal(g->mem[1].size, 0x100000);
	assert_true(g->has_bootargs);
	assert_string_equal(g->bootargs, "console=ttyAMA0 earlycon");
	assert_int_equal(g->kernel.source, IMAGE_MEMORY);
	assert_int_equal(g->kernel.addr, 0x48000000);
	assert_int_equal(g->kernel.size, 0x01000000);
	assert_int_equal(g->initrd.source, IMAGE_MEMORY);
	assert_int_equal(g->initrd.addr, 0x49000000);
	assert_int_equal(g->initrd.size, 0x00100000);
	assert_true(g->doorbell);
	assert_true(g->vconsole);
	assert_int_equal(g->nr_devices, 2);

	d = &g->device[0];
	assert_string_equal(d->name, "uart");
	assert_false(d->whole_pages);
	assert_int_equal(d->nr_modes, 1);
	assert_int_equal(d->mode[0], IRQ_MODE_EOI);
	assert_int_equal(d->nr_triggers, 1);
	assert_int_equal(d->trigger[0], IRQ_TRIGGER_EDGE);
	d = &g->device[1];
	assert_string_equal(d->name, "multi");
	assert_string_equal(d->path, "/bus@1c000000/dev@1000");
	assert_true(d->whole_pages);
	assert_int_equal(d->nr_modes, 3);
	assert_int_equal(d->mode[0], IRQ_MODE_HW);
	assert_int_equal(d->mode[1], IRQ_MODE_EOI);
	assert_int_equal(d->mode[2], IRQ_MODE_ONESHOT);
	assert_int_equal(d->nr_triggers, 3);
	assert_int_equal(d->trigger[0], IRQ_TRIGGER_DT);
	assert_int_equal(d->trigger[1], IRQ_TRIGGER_LEVEL);
	assert_int_equal(d->trigger[2], IRQ_TRIGGER_EDGE);

	g = &cfg.guest[1];
	assert_string_equal(g->name, "guest@1");
	assert_int_equal(g->nr_cpus, 1);
	assert_int_equal(g->cpu_mpidr[0], 0x100);
	assert_true(g->all_memory);
	assert_false(g->doorbell);
	assert_false(g->vconsole);
	assert_false(cfg.guest[1].vconsole);
	assert_int_equal(g->initrd.source, IMAGE_NONE);
	assert_int_equal(g->nr_devices, 0);
	assert_int_equal(g->arch, CONFIG_ARCH_AARCH32_THUMB);
	assert_int_equal(cfg.guest[0].arch, CONFIG_ARCH_AUTO);
}

static void test_minimal(void **state)
{
	struct config_guest *g = &cfg.guest[0];

	(void)state;
	memset(&cfg, 0xa5, sizeof(cfg)); /* everything not in the blob must be set */
	parse_ok("minimal");
	assert_false(cfg.stats_at_exit);
	assert_false(cfg.test_controls);
	assert_false(cfg.oneshot_no_deferral);
	assert_false(cfg.gicv2_hw_lrs_on_qemu);
	assert_false(cfg.stage2_4k_pages);
	assert_int_equal(cfg.device_window.size, 0);
	assert_int_equal(cfg.spi_window.size, 0);
	assert_int_equal(cfg.nr_guests, 1);
	assert_true(g->all_cpus);
	assert_true(g->all_memory);
	assert_false(g->has_bootargs);
	assert_string_equal(g->bootargs, "");
	assert_int_equal(g->kernel.source, IMAGE_FW_CFG);
	assert_int_equal(g->initrd.source, IMAGE_NONE);
	assert_false(g->doorbell);
	assert_false(g->all_devices);
	assert_false(cfg.device_window_auto || cfg.spi_window_auto);
	assert_int_equal(g->nr_devices, 0);
}

static void test_cells1(void **state)
{
	struct config_guest *g = &cfg.guest[0];

	(void)state;
	parse_ok("cells1");
	assert_int_equal(cfg.device_window.base, 0x0b000000);
	assert_int_equal(cfg.device_window.size, 0x1000);
	assert_int_equal(g->nr_mem, 1);
	assert_int_equal(g->mem[0].base, 0x40000000);
	assert_int_equal(g->mem[0].size, 0x10000000);
	assert_int_equal(g->kernel.source, IMAGE_MEMORY);
	assert_int_equal(g->kernel.addr, 0x41000000);
	assert_int_equal(g->kernel.size, 0x200000);
	assert_int_equal(g->initrd.addr, 0x42000000);
	assert_int_equal(g->initrd.size, 0x100000);
}

/* A range ending at the last byte below 2^64 does not wrap around */
static void test_top_of_memory(void **state)
{
	(void)state;
	parse_ok("top-of-memory");
	assert_int_equal(cfg.guest[0].mem[0].base, 0xfffffffffffff000ull);
	assert_int_equal(cfg.guest[0].mem[0].size, 0x1000);
}

static void test_compat_list(void **state)
{
	(void)state;
	parse_ok("compat-list");
	assert_int_equal(cfg.nr_guests, 1);
}

static void test_mode_name(void **state)
{
	(void)state;
	assert_string_equal(irq_mode_name(IRQ_MODE_HW), "hw");
	assert_string_equal(irq_mode_name(IRQ_MODE_EOI), "eoi");
	assert_string_equal(irq_mode_name(IRQ_MODE_ONESHOT), "oneshot");
	assert_string_equal(irq_mode_name((enum irq_mode)7), "?");
}

/* The built-in configuration (dts/default.dts): one guest, every CPU and all RAM, its kernel
 * "auto", the console, every other device (devices = "all") and both windows "auto". */
static void test_builtin(void **state)
{
	struct config_guest *g = &cfg.guest[0];
	struct blob b;

	(void)state;
	memset(&cfg, 0xa5, sizeof(cfg));
	load_path("dts", "default", &b);
	assert_int_equal(config_parse(b.data, b.size, &cfg, err, sizeof(err)), 0);
	free(b.data);
	assert_int_equal(cfg.nr_guests, 1);
	assert_true(g->all_cpus && g->all_memory && g->all_devices);
	assert_int_equal(g->kernel.source, IMAGE_AUTO);
	assert_int_equal(g->nr_devices, 1);
	assert_string_equal(g->device[0].path, CONFIG_DEVICE_STDOUT);
	assert_true(cfg.device_window_auto && cfg.spi_window_auto);
	assert_int_equal(cfg.device_window.size, 0);
	assert_int_equal(cfg.spi_window.size, 0);

	/* the example names its windows and devices */
	load_path("dts", "qemu-virt", &b);
	assert_int_equal(config_parse(b.data, b.size, &cfg, err, sizeof(err)), 0);
	free(b.data);
	assert_false(cfg.device_window_auto || cfg.spi_window_auto || g->all_devices);
}

/* ---- refusals: tests/unit/config/bad-<name>.dts and the exact message ---- */

struct err_case {
	const char *name;
	const char *msg;
};

static const struct err_case err_cases[] = {
	{ "no-compatible", "/: compatible: missing (it must be \"skiff,config-1\")" },
	{ "compatible", "/: compatible: \"foo,bar\" is not \"skiff,config-1\"" },
	{ "no-guest", "/: no guest@N node: a configuration needs at least one guest" },
	{ "too-many-guests", "guest@4: more than 4 guests" },
	{ "unknown-node", "/: node gust@0 is neither skiff, guest@N nor channel@N" },
	{ "guest-name", "/: node guest@x is neither skiff, guest@N nor channel@N" },
	{ "unknown-prop", "guest@0: memroy: unknown property" },
	{ "root-cells", "/: #address-cells: 3 is not supported (1 or 2)" },
	{ "cpus-len", "guest@0: cpus: 2 bytes, not a list of MPIDRs (one cell each)" },
	{ "cpus-empty", "guest@0: cpus: empty (leave it out for every CPU)" },
	{ "cpus-too-many", "guest@0: cpus: 9 CPUs, more than 8" },
	{ "cpus-dup", "guest@0: cpus: CPU 0x0 is listed twice" },
	{ "mem-len", "guest@0: memory: 12 bytes, not a list of (address, size) pairs of 4 cells" },
	{ "mem-too-many", "guest@0: memory: 5 ranges, more than 4" },
	{ "mem-zero", "guest@0: memory: 0x40000000+0x0 has size 0" },
	{ "mem-unaligned", "guest@0: memory: 0x40000800+0x1000 is not 4 KiB-aligned" },
	{ "mem-wrap", "guest@0: memory: 0xfffffffffffff000+0x2000 wraps around" },
	{ "bootargs-long", "guest@0: bootargs: 1100 bytes, longer than 1023" },
	{ "bootargs-cells", "guest@0: bootargs: not a string" },
	{ "kernel-missing",
	  "guest@0: kernel: missing (\"fw_cfg\", \"multiboot\", \"auto\" or <address size>)" },
	{ "kernel-string",
	  "guest@0: kernel: \"tftp\" is not \"fw_cfg\", \"multiboot\" or \"auto\" (or "
	  "<address size>)" },
	{ "kernel-cells",
	  "guest@0: kernel: 12 bytes, neither \"fw_cfg\" nor <address size> (4 cells)" },
	{ "kernel-zero", "guest@0: kernel: 0x48000000+0x0 has size 0" },
	{ "initrd-cells",
	  "guest@0: initrd: 20 bytes, neither \"fw_cfg\" nor <address size> (4 cells)" },
	{ "initrd-mixed-fw-cfg", "guest@0: initrd: <address size>, but kernel is \"fw_cfg\": give "
				 "both from the same source" },
	{ "initrd-mixed-memory", "guest@0: initrd: \"fw_cfg\", but kernel is <address size>: give "
				 "both from the same source" },
	{ "doorbell-value", "guest@0: doorbell: has a 4-byte value; it is a flag and takes none" },
	{ "dev-no-device", "guest@0/uart: device: missing (the host device-tree path)" },
	{ "dev-relative",
	  "guest@0/uart: device: \"pl011@9000000\" is not a full path (it must start with '/') nor "
	  "\"stdout-path\"" },
	{ "dev-long", "guest@0/uart: device: path is longer than 127 bytes" },
	{ "dev-dup", "guest@0/uart2: device: /pl011@9000000 is already given to guest@0/uart" },
	{ "dev-too-many", "guest@0/d48: more than 48 devices in guest@0" },
	{ "dev-subnode", "guest@0/uart: has a subnode; a device node takes none" },
	{ "mode", "guest@0/uart: interrupt-modes: \"fast\" is not hw, eoi or oneshot" },
	{ "trigger", "guest@0/uart: interrupt-triggers: \"rising\" is not dt, level or edge" },
	{ "modes-too-many", "guest@0/uart: interrupt-modes: more than 8 entries" },
	{ "modes-cells", "guest@0/uart: interrupt-modes: not a list of strings" },
	{ "flag-value", "/skiff: stats-at-exit: has a 4-byte value; it is a flag and takes none" },
	{ "skiff-prop", "/skiff: stats: unknown property" },
	{ "whole-pages-value", "guest@0/disk: whole-pages: has a 4-byte value; it is a flag and "
			       "takes none" },
	{ "vconsole-value", "guest@0: virtual-console: has a 6-byte value; it is a flag and takes "
			    "none" },
	{ "gic-version-value", "guest@0: gic-version: 4 is not 2 or 3" },
	{ "gic-version-len", "guest@0: gic-version: 3 bytes, not 4" },
	{ "arch-value", "guest@0: arch: \"arm32\" is not aarch64, aarch32 or aarch32-thumb" },
	{ "arch-two", "guest@0: arch: 2 strings, not one" },
	{ "window-len",
	  "/skiff: device-window: 12 bytes, not one (address, size) pair of 4 cells nor \"auto\"" },
	{ "window-unaligned", "/skiff: device-window: 0xb000800+0x1000 is not 4 KiB-aligned" },
	{ "spi-window-len", "/skiff: spi-window: 4 bytes, not <first count> (8) nor \"auto\"" },
	{ "spi-window-zero", "/skiff: spi-window: count is 0" },
	{ "window-word",
	  "/skiff: device-window: 5 bytes, not one (address, size) pair of 4 cells nor \"auto\"" },
	{ "devices-value", "guest@0: devices: not \"all\"" },
	{ "devices-twice", "guest@1: devices: \"all\", as for guest@0: only one guest can have "
			   "every device" },
	{ "spi-window-range", "/skiff: spi-window: SPIs 980..995 go past the last SPI (987)" },
	{ "channel-guest", "channel@0: guests: not the names of two guests of this configuration" },
	{ "channel-self", "channel@0: guests: not the names of two guests of this configuration" },
	{ "channel-one", "channel@0: guests: not the names of two guests of this configuration" },
	{ "channel-no-guests",
	  "channel@0: guests: not the names of two guests of this configuration" },
	{ "channel-unaligned", "channel@0: memory: 0x47000800+0x1000 is not 4 KiB-aligned" },
	{ "channel-two-ranges", "channel@0: memory: 2 ranges, more than 1" },
	{ "channel-no-memory", "channel@0: memory: missing" },
	{ "channel-typo", "channel@0: doorbel: unknown property" },
	{ "channel-five", "channel@4: more than 4 channels" },
	{ "channel-three", "channel@0: guests: not the names of two guests of this configuration" },
	{ "channel-no-at", "/: node channels is neither skiff, guest@N nor channel@N" },
	/* one past each limit (tools/mutants/assign.txt) */
	{ "devices-prefix", "guest@0: devices: not \"all\"" },
	{ "mem-sub-page", "guest@0: memory: 0x40000000+0x800 is not 4 KiB-aligned" },
	{ "spi-window-one-past", "/skiff: spi-window: SPIs 1..988 go past the last SPI (987)" },
	{ "cpus-dup-last", "guest@0: cpus: CPU 0x1 is listed twice" },
	{ "dev-name-long",
	  "guest@0/dddddddddddddddddddddddddddddddd: node name is longer than 31 bytes" },
	{ "dev-path-by-one", "guest@0/uart: device: path is longer than 127 bytes" },
	{ "bootargs-by-one", "guest@0: bootargs: 1024 bytes, longer than 1023" },
	{ "gic-version-one", "guest@0: gic-version: 1 is not 2 or 3" },
	{ "guest-no-number", "/: node guest@ is neither skiff, guest@N nor channel@N" },
};
#define NR_ERR_CASES (sizeof(err_cases) / sizeof(err_cases[0]))

static void test_error(void **state)
{
	const struct err_case *c = *state;
	char name[64];
	struct blob b;

	snprintf(name, sizeof(name), "bad-%s", c->name);
	load(name, &b);
	assert_int_equal(config_parse(b.data, b.size, &cfg, err, sizeof(err)), -1);
	assert_string_equal(err, c->msg);
	free(b.data);
}

/* ---- blobs ---- */

/* A copy of b in a buffer of exactly size bytes (so ASan sees any read past it). */
static uint8_t *copy_of(const struct blob *b, size_t size)
{
	uint8_t *buf = malloc(size ? size : 1);

	assert_non_null(buf);
	memcpy(buf, b->data, size < b->size ? size : b->size);
	return buf;
}

static void test_blob_errors(void **state)
{
	char small[12];
	struct blob b;
	uint8_t *buf;

	(void)state;
	load("minimal", &b);
	assert_int_equal(config_parse(NULL, 0, &cfg, err, sizeof(err)), -1);
	assert_string_equal(err, "config: no device tree");
	assert_int_equal(config_parse(b.data, b.size, NULL, err, sizeof(err)), -1);
	assert_string_equal(err, "config: no struct config to fill");
	assert_int_equal(config_parse(b.data, 16, &cfg, err, sizeof(err)), -1);
	assert_string_equal(err, "config: 16 bytes, smaller than a device tree header");
	assert_int_equal(config_parse(b.data, b.size - 1, &cfg, err, sizeof(err)), -1);
	snprintf(small, sizeof(small), "%zu", b.size);
	assert_non_null(strstr(err, "config: totalsize "));
	assert_non_null(strstr(err, small));

	buf = malloc(b.size + 8);
	assert_non_null(buf);
	memcpy(buf + 4, b.data, b.size);
	assert_int_equal(config_parse(buf + 4, b.size, &cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "is not 8-byte aligned"));
	free(buf);

	buf = copy_of(&b, b.size);
	buf[0] ^= 0xff;
	assert_int_equal(config_parse(buf, b.size, &cfg, err, sizeof(err)), -1);
	assert_string_equal(err, "config: device tree header: FDT_ERR_BADMAGIC");
	free(buf);

	/* The root's first property's length made -12: libfdt 1.6.1's fdt_check_full() would
	 * come back to the same property for ever (tests/fuzz's config_assign target). */
	buf = copy_of(&b, b.size);
	{
		char msg[CONFIG_ERR_MAX];
		int next, off = 0;
		uint32_t tag;

		do {
			tag = fdt_next_tag(buf, off, &next);
			if (tag != FDT_PROP)
				off = next;
		} while (tag != FDT_PROP && tag != FDT_END);
		assert_int_equal(tag, FDT_PROP);
		fdt32_st(buf + fdt_off_dt_struct(buf) + off + 4, 0xfffffff4);
		assert_int_equal(config_parse(buf, b.size, &cfg, err, sizeof(err)), -1);
		snprintf(msg, sizeof(msg),
			 "config: device tree structure: FDT_ERR_BADSTRUCTURE at structure "
			 "offset 0x%x",
			 (unsigned int)off);
		assert_string_equal(err, msg);
	}
	free(buf);

	/* older than version 16: refused before libfdt's checker (see hyp/plan/fdt_struct.c) */
	buf = copy_of(&b, b.size);
	fdt_set_version(buf, 3);
	fdt_set_last_comp_version(buf, 2);
	assert_int_equal(config_parse(buf, b.size, &cfg, err, sizeof(err)), -1);
	assert_string_equal(err, "config: device tree version 3: skiff reads version 16 and later");
	free(buf);

	/* The message is cut to the buffer; no buffer at all is fine. */
	assert_int_equal(config_parse(NULL, 0, &cfg, small, sizeof(small)), -1);
	assert_string_equal(small, "config: no ");
	assert_int_equal(config_parse(NULL, 0, &cfg, NULL, 0), -1);
	free(b.data);
}

/* Every prefix of the default configuration, each in a buffer of exactly that size. */
static void test_truncated(void **state)
{
	struct blob b;
	size_t n;

	(void)state;
	load_path("dts", "qemu-virt", &b);
	assert_int_equal(fdt_pack(b.data), 0);
	b.size = fdt_totalsize(b.data);
	for (n = 0; n < b.size; n++) {
		uint8_t *buf = copy_of(&b, n);

		assert_int_equal(config_parse(buf, n, &cfg, err, sizeof(err)), -1);
		assert_true(err[0] != '\0');
		free(buf);
	}
	free(b.data);
}

/* Random byte flips: an error or a config, never a crash or a bad read (ASan watches). */
static void test_fuzz(void **state)
{
	struct blob b;
	unsigned int round, seed = 12345;

	(void)state;
	load("full", &b);
	assert_int_equal(fdt_pack(b.data), 0);
	b.size = fdt_totalsize(b.data);
	for (round = 0; round < FUZZ_ROUNDS; round++) {
		uint8_t *buf = copy_of(&b, b.size);
		unsigned int flips = 1 + round % 4, i;

		for (i = 0; i < flips; i++) {
			seed = seed * 1103515245u + 12345u;
			buf[(seed >> 8) % b.size] ^= (uint8_t)(1u << ((seed >> 4) % 8));
		}
		if (config_parse(buf, b.size, &cfg, err, sizeof(err)) == 0)
			assert_true(cfg.nr_guests >= 1 && cfg.nr_guests <= CONFIG_MAX_GUESTS);
		else
			assert_true(err[0] != '\0');
		free(buf);
	}
	free(b.data);
}

int main(void)
{
	static struct CMUnitTest tests[NR_ERR_CASES + 16];
	static char names[NR_ERR_CASES][64];
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_default),	      cmocka_unit_test(test_full),
		cmocka_unit_test(test_minimal),	      cmocka_unit_test(test_cells1),
		cmocka_unit_test(test_compat_list),   cmocka_unit_test(test_mode_name),
		cmocka_unit_test(test_blob_errors),   cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_fuzz),	      cmocka_unit_test(test_builtin),
		cmocka_unit_test(test_top_of_memory),
	};
	size_t n = 0, i;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		tests[n++] = fixed[i];
	for (i = 0; i < NR_ERR_CASES; i++, n++) {
		snprintf(names[i], sizeof(names[i]), "refuse %s", err_cases[i].name);
		tests[n] = (struct CMUnitTest){ names[i], test_error, NULL, NULL,
						(void *)&err_cases[i] };
	}
	return _cmocka_run_group_tests("config", tests, n, NULL, NULL);
}
