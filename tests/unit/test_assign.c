/*
 * test_assign.c - host tests of hyp/plan/assign.c: the default configuration on QEMU virt's own
 * device trees (exact devices, SPIs, modes, pages), two guests splitting a machine, mode and
 * trigger overrides, bus address translation, doorbell allocation, and each refusal with its
 * exact message. Configs come from $SKIFF_BUILD (else build)/tests/config (config.mk) and
 * /dts, host trees from /tests/dtb (platform.mk) and /tests/config/host-extra.dtb. Writes
 * nothing. Built with ASan/UBSan.
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

#include "arch/arm64/pgtable.h"
#include "arch/arm64/stage2.h"
#include "hyp/plan/assign.h"

#define SKIFF_BASE 0x40200000ull
#define SKIFF_END 0x40400000ull
#define RAM_BASE 0x40000000ull
#define SZ_1G 0x40000000ull
#define PAGE 0x1000ull
#define NR_VIRTIO 32
#define VIRTIO_BASE 0xa000000ull
#define VIRTIO_SIZE 0x200ull
#define VIRTIO_INTID 48 /* SPI 16 */
#define FUZZ_ROUNDS 1500

#define HOST_QEMU "tests/dtb/qemu-smp4"
#define HOST_GICV2 "tests/dtb/qemu-gicv2"
#define HOST_EXTRA "tests/config/host-extra"
#define HOST_MANY "tests/config/host-many-devices"
#define HOST_MANY_V2 "tests/config/host-many-devices-v2"
#define HOST_ODD "tests/config/host-odd-shapes"
#define HOST_BOOT "tests/config/host-boot"
#define HOST_ALL "tests/config/host-all"
#define HOST_WINDOWS "tests/config/host-windows"
#define BUILTIN_CONFIG "dts/default"
#define DEFAULT_CONFIG "dts/qemu-virt"

static struct config cfg;
static struct platform plat;
static struct ledger ledger;
static struct assignment out[CONFIG_MAX_GUESTS];
static struct blob host;
static char err[CONFIG_ERR_MAX];
static unsigned int gic_nr_intids; /* what skiff reads from GICD_TYPER at boot; 0: not known */

/* What devices = "all" left out, as assign_guests() told it. */
#define MAX_NOTES 16
static char notes[MAX_NOTES][CONFIG_ERR_MAX];
static unsigned int nr_notes;

static void note(const char *msg)
{
	if (nr_notes < MAX_NOTES)
		snprintf(notes[nr_notes], sizeof(notes[0]), "%s", msg);
	nr_notes++;
}

static void load(const char *name, struct blob *b)
{
	const char *build = getenv("SKIFF_BUILD");
	char path[768];

	snprintf(path, sizeof(path), "%s/%s.dtb", build && *build ? build : "build", name);
	fixture_read(path, "run make unit, or set SKIFF_BUILD", b);
}

static int teardown(void **state)
{
	(void)state;
	free(host.data);
	host.data = NULL;
	return 0;
}

/* A change a test makes to the host tree after loading it (dtc itself would refuse or hang on
 * some malformed trees); NULL for none. */
static void (*patch_host)(void *fdt);

/* Parse config (a path under the build directory) and host; assign; the result. */
static int run(const char *config, const char *host_name)
{
	struct blob c;
	int ret;

	load(config, &c);
	if (config_parse(c.data, c.size, &cfg, err, sizeof(err)))
		fail_msg("%s: %s", config, err);
	free(c.data);
	free(host.data);
	load(host_name, &host);
	if (patch_host)
		patch_host(host.data);
	if (plat_parse_buf(host.data, host.size, &plat, err, sizeof(err)))
		fail_msg("%s: %s", host_name, err);
	plat.gic_nr_intids = gic_nr_intids;
	ledger_init(&ledger);
	memset(out, 0xa5, sizeof(out)); /* assign_guests must set every field */
	nr_notes = 0;
	ret = assign_guests(host.data, &plat, &cfg, SKIFF_BASE, SKIFF_END, &ledger, out, note, err,
			    sizeof(err));
	assert_true(ret == 0 || ret == -1);
	return ret;
}

static void run_ok(const char *config, const char *host_name)
{
	if (run(config, host_name))
		fail_msg("%s on %s: %s", config, host_name, err);
	assert_string_equal(err, "");
}

static void assert_range(const struct plat_range *r, uint64_t base, uint64_t size)
{
	assert_int_equal(r->base, base);
	assert_int_equal(r->size, size);
}

static void assert_spi(const struct assign_spi *s, uint32_t intid, enum irq_mode mode, bool edge,
		       unsigned int device, unsigned int index)
{
	assert_int_equal(s->intid, intid);
	assert_int_equal(s->mode, mode);
	assert_int_equal(s->edge, edge);
	assert_int_equal(s->device, device);
	assert_int_equal(s->index, index);
}

static int node(const char *path)
{
	int n = fdt_path_offset(host.data, path);

	assert_true(n > 0);
	return n;
}

/* ---- the default configuration ---- */

static void test_default(void **state)
{
	struct assignment *a = &out[0];
	unsigned int i;

	(void)state;
	run_ok(DEFAULT_CONFIG, HOST_QEMU);
	assert_int_equal(a->nr_cpus, 4);
	for (i = 0; i < 4; i++)
		assert_int_equal(a->cpu_mpidr[i], i);
	/* All RAM but skiff's 2 MiB. */
	assert_int_equal(a->nr_mem, 2);
	assert_range(&a->mem[0], RAM_BASE, SKIFF_BASE - RAM_BASE);
	assert_range(&a->mem[1], SKIFF_END, RAM_BASE + SZ_1G - SKIFF_END);

	/* Exactly PL011, PL031, PL061, the 32 virtio-mmio transports and gpio-keys (last; no
	 * reg, no interrupts: it only references the PL061). */
	assert_int_equal(a->nr_devices, 3 + NR_VIRTIO + 1);
	assert_int_equal(a->dev[3 + NR_VIRTIO].nr_reg, 0);
	assert_int_equal(a->dev[3 + NR_VIRTIO].nr_spi, 0);
	assert_true(a->dev[3 + NR_VIRTIO].node > 0);
	assert_int_equal(a->nr_regs, 3 + NR_VIRTIO);
	assert_int_equal(a->nr_spis, 3 + NR_VIRTIO);
	assert_range(&a->reg[0], 0x9000000, 0x1000);
	assert_range(&a->reg[1], 0x9010000, 0x1000);
	assert_range(&a->reg[2], 0x9030000, 0x1000);
	assert_spi(&a->spi[0], 33, IRQ_MODE_HW, false, 0, 0);
	assert_spi(&a->spi[1], 34, IRQ_MODE_HW, false, 1, 0);
	assert_spi(&a->spi[2], 39, IRQ_MODE_HW, false, 2, 0);
	assert_int_equal(a->dev[0].node, node("/pl011@9000000"));
	assert_int_equal(a->dev[1].node, node("/pl031@9010000"));
	assert_int_equal(a->dev[2].node, node("/pl061@9030000"));
	for (i = 0; i < NR_VIRTIO; i++) {
		const struct assign_device *d = &a->dev[3 + i];
		char path[64];

		snprintf(path, sizeof(path), "/virtio_mmio@%llx",
			 (unsigned long long)(VIRTIO_BASE + i * VIRTIO_SIZE));
		assert_int_equal(d->node, node(path));
		assert_int_equal(d->first_reg, 3 + i);
		assert_int_equal(d->nr_reg, 1);
		assert_int_equal(d->first_spi, 3 + i);
		assert_int_equal(d->nr_spi, 1);
		assert_range(&a->reg[3 + i], VIRTIO_BASE + i * VIRTIO_SIZE, VIRTIO_SIZE);
		/* QEMU's virtio-mmio interrupts are rising edge (flags 1) */
		assert_spi(&a->spi[3 + i], VIRTIO_INTID + i, IRQ_MODE_HW, true, 3 + i, 0);
	}

	/* DMA: the UART, RTC, GPIO and keys do not master it; every virtio transport does, and
	 * none names an IOMMU (skiff says so at boot and in skiff-check). */
	for (i = 0; i < 3; i++)
		assert_int_equal(a->dev[i].dma, DMA_NONE);
	assert_int_equal(a->dev[3 + NR_VIRTIO].dma, DMA_NONE);
	for (i = 0; i < NR_VIRTIO; i++) {
		assert_int_equal(a->dev[3 + i].dma, DMA_MASTER);
		assert_false(a->dev[3 + i].iommu);
	}

	/* Pages to map: the transports' four pages merged into one range. */
	assert_int_equal(a->nr_mmio, 4);
	assert_range(&a->mmio[0], 0x9000000, PAGE);
	assert_range(&a->mmio[1], 0x9010000, PAGE);
	assert_range(&a->mmio[2], 0x9030000, PAGE);
	assert_range(&a->mmio[3], VIRTIO_BASE, NR_VIRTIO * VIRTIO_SIZE);

	/* The first doorbell slot of the default windows; the console UART handed over. */
	assert_int_equal(a->doorbell_base, 0x0b000000);
	assert_int_equal(a->doorbell_intid, 132);
	assert_true(a->console_uart);

	/* The ledger: skiff keeps its memory, the GIC, its ITS and fw_cfg, not the UART. */
	assert_int_equal(ledger_owner(&ledger, LEDGER_MMIO, SKIFF_BASE, 0x200000),
			 LEDGER_OWNER_SKIFF);
	assert_int_equal(ledger_owner(&ledger, LEDGER_MMIO, 0x8000000, 0x10000),
			 LEDGER_OWNER_SKIFF);
	assert_int_equal(ledger_owner(&ledger, LEDGER_MMIO, 0x80a0000, 0xf60000),
			 LEDGER_OWNER_SKIFF);
	assert_int_equal(ledger_owner(&ledger, LEDGER_MMIO, 0x8080000, 0x20000),
			 LEDGER_OWNER_SKIFF);
	assert_int_equal(ledger_owner(&ledger, LEDGER_MMIO, 0x9020000, 0x18), LEDGER_OWNER_SKIFF);
	assert_int_equal(ledger_owner(&ledger, LEDGER_MMIO, 0x9000000, 0x1000), 0);
	assert_int_equal(ledger_owner(&ledger, LEDGER_MMIO, 0x0b000000, 0x1000), 0);
	assert_int_equal(ledger_owner(&ledger, LEDGER_SPI, 132, 1), 0);
	assert_int_equal(ledger_owner(&ledger, LEDGER_CPU, 3, 1), 0);
	assert_string_equal(ledger.owner_name[0], "guest@0");
	/* 5 skiff claims, 4 CPUs, 35 MMIO, 35 SPIs, the doorbell's two */
	assert_int_equal(ledger.count, 5 + 4 + 35 + 35 + 2);
}

/* The default configuration fits every GICv3 machine shape platform.mk dumps. */
static void test_default_all_hosts(void **state)
{
	static const struct {
		const char *name;
		unsigned int cpus;
		uint64_t ram;
	} hosts[] = {
		{ "tests/dtb/qemu-smp1", 1, SZ_1G },
		{ "tests/dtb/qemu-smp2", 2, SZ_1G },
		{ "tests/dtb/qemu-smp8", 8, SZ_1G },
		{ "tests/dtb/qemu-smp12", 8, SZ_1G },
		{ "tests/dtb/qemu-a53-512M", 2, SZ_1G / 2 },
		{ "tests/dtb/qemu-max-3G", 4, 3 * SZ_1G },
		{ "tests/dtb/qemu-secure", 2, SZ_1G },
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		run_ok(DEFAULT_CONFIG, hosts[i].name);
		assert_int_equal(out[0].nr_cpus, hosts[i].cpus);
		assert_int_equal(out[0].nr_mem, 2);
		assert_int_equal(out[0].mem[1].base + out[0].mem[1].size, RAM_BASE + hosts[i].ram);
		assert_int_equal(out[0].nr_spis, 3 + NR_VIRTIO);
		assert_int_equal(out[0].doorbell_intid, 132);
	}
}

static void test_two_guests(void **state)
{
	struct assignment *a = &out[0], *b = &out[1];
	unsigned int i;

	(void)state;
	run_ok("tests/config/asg-two-guests", HOST_QEMU);
	assert_int_equal(a->nr_cpus, 2);
	assert_int_equal(a->cpu_mpidr[0], 0);
	assert_int_equal(a->cpu_mpidr[1], 1);
	assert_int_equal(b->nr_cpus, 2);
	assert_int_equal(b->cpu_mpidr[0], 2);
	assert_int_equal(b->cpu_mpidr[1], 3);
	assert_int_equal(a->nr_mem, 1);
	assert_range(&a->mem[0], 0x60000000, 0x10000000);
	/* guest@1 has all RAM but skiff's and guest@0's */
	assert_int_equal(b->nr_mem, 3);
	assert_range(&b->mem[0], RAM_BASE, SKIFF_BASE - RAM_BASE);
	assert_range(&b->mem[1], SKIFF_END, 0x60000000 - SKIFF_END);
	assert_range(&b->mem[2], 0x70000000, RAM_BASE + SZ_1G - 0x70000000);

	assert_int_equal(a->nr_devices, 9);
	assert_true(a->console_uart);
	assert_int_equal(a->nr_mmio, 2);
	assert_range(&a->mmio[0], 0x9000000, PAGE);
	assert_range(&a->mmio[1], VIRTIO_BASE, PAGE);
	assert_int_equal(b->nr_devices, 9);
	assert_false(b->console_uart);
	assert_int_equal(b->nr_mmio, 2);
	assert_range(&b->mmio[0], 0x9010000, PAGE);
	assert_range(&b->mmio[1], VIRTIO_BASE + PAGE, PAGE);
	for (i = 0; i < 8; i++) {
		assert_int_equal(a->spi[1 + i].intid, VIRTIO_INTID + i);
		assert_int_equal(b->spi[1 + i].intid, VIRTIO_INTID + 8 + i);
		assert_int_equal(ledger_owner(&ledger, LEDGER_SPI, VIRTIO_INTID + 8 + i, 1), 1);
	}
	/* One doorbell each, in turn. */
	assert_int_equal(a->doorbell_base, 0x0b000000);
	assert_int_equal(a->doorbell_intid, 132);
	assert_int_equal(b->doorbell_base, 0x0b001000);
	assert_int_equal(b->doorbell_intid, 133);
	assert_int_equal(ledger_owner(&ledger, LEDGER_CPU, 2, 1), 1);
	assert_int_equal(ledger_owner(&ledger, LEDGER_MMIO, 0x9010000, 0x1000), 1);
}

static void test_modes(void **state)
{
	struct assignment *a = &out[0];

	(void)state;
	run_ok("tests/config/asg-modes", HOST_QEMU);
	assert_int_equal(a->nr_spis, 4);
	assert_spi(&a->spi[0], 33, IRQ_MODE_EOI, true, 0, 0);	   /* level made edge */
	assert_spi(&a->spi[1], 34, IRQ_MODE_ONESHOT, false, 1, 0); /* trigger from the DT */
	assert_spi(&a->spi[2], 48, IRQ_MODE_HW, false, 2, 0);	   /* edge made level */
	assert_spi(&a->spi[3], 49, IRQ_MODE_EOI, true, 3, 0);	   /* "dt": edge as QEMU says */
	assert_int_equal(a->doorbell_base, 0);
	assert_int_equal(a->doorbell_intid, 0);
}

/* optional: a device the host lacks is skipped, one it has is assigned as usual */
static void test_optional(void **state)
{
	struct assignment *a = &out[0];

	(void)state;
	run_ok("tests/config/asg-optional", HOST_QEMU);
	assert_int_equal(a->nr_devices, 2);
	assert_int_equal(a->dev[0].node, -1);
	assert_int_equal(a->dev[0].nr_reg, 0);
	assert_int_equal(a->dev[0].nr_spi, 0);
	assert_int_equal(a->dev[1].nr_spi, 1);
	assert_int_equal(a->nr_spis, 1);
	assert_spi(&a->spi[0], 34, IRQ_MODE_HW, false, 1, 0);
	assert_int_equal(ledger_owner(&ledger, LEDGER_MMIO, 0x9010000, 0x1000), 0);
}

/* optional: a device this host cannot give is left out like a missing one, with its reason;
 * nothing of it is claimed and the next device is given. */
static void test_optional_unpassable(void **state)
{
	struct assignment *a = &out[0];

	(void)state;
	nr_notes = 0;
	run_ok("tests/config/asg-optional-unpassable", HOST_MANY);
	assert_int_equal(nr_notes, 1);
	assert_string_equal(notes[0], "guest@0/big: /bigspi@28000000: interrupt 0: SPI 500 "
				      "(INTID 532) is beyond skiff's vGIC, which holds INTIDs "
				      "below 512");
	assert_int_equal(a->nr_devices, 2);
	assert_int_equal(a->dev[0].node, -1);
	assert_int_equal(a->dev[0].nr_reg, 0);
	assert_int_equal(a->dev[0].nr_spi, 0);
	assert_int_equal(ledger_owner(&ledger, LEDGER_MMIO, 0x28000000, 0x1000), -2);
	assert_int_equal(a->dev[1].node, node("/pl011@9000000"));
	assert_int_equal(a->nr_spis, 1);
	assert_spi(&a->spi[0], 33, IRQ_MODE_HW, false, 1, 0);
	assert_int_equal(ledger_owner(&ledger, LEDGER_MMIO, 0x9000000, 0x1000), 0);
	assert_true(a->console_uart);
}

/* All CPUs: those skiff can start (psci, spin-table) and the boot CPU, not cpu@3 with a method
 * skiff does not know; named in cpus, that one is refused. */
static void test_cpus_startable(void **state)
{
	(void)state;
	run_ok("tests/config/asg-optional", "tests/dtb/cpu-spin-table");
	assert_int_equal(out[0].nr_cpus, 3);
	assert_int_equal(out[0].cpu_mpidr[2], 2);
	assert_int_equal(ledger_owner(&ledger, LEDGER_CPU, 3, 1), -2);
	assert_int_equal(run("tests/config/asg-cpu-no-method", "tests/dtb/cpu-spin-table"), -1);
	assert_string_equal(err, "guest@0: cpus: CPU 0x3 has an enable-method skiff cannot start "
				 "it with (neither psci nor spin-table)");
}

/* devices = "all" beside another guest: the providers of that guest's device (clocks and
 * resets, its pins' controller) go to nobody, told; a device that needs nothing is given. */
static void test_devices_all_providers(void **state)
{
	unsigned int i, told;
	bool timer = false;

	(void)state;
	nr_notes = 0;
	run_ok("tests/config/asg-providers", "tests/config/host-providers");
	for (i = 0; i < out[0].nr_devices; i++) {
		assert_int_not_equal(out[0].dev[i].node, node("/clock-controller@a000000"));
		assert_int_not_equal(out[0].dev[i].node, node("/pinctrl@a001000"));
		timer |= out[0].dev[i].node == node("/timer@b001000");
	}
	assert_true(timer);
	assert_int_equal(ledger_owner(&ledger, LEDGER_MMIO, 0xa000000, 0x1000), -2);
	assert_int_equal(ledger_owner(&ledger, LEDGER_MMIO, 0xa001000, 0x1000), -2);
	assert_int_equal(ledger_owner(&ledger, LEDGER_MMIO, 0xb000000, 0x1000), 1);
	told = 0;
	for (i = 0; i < nr_notes && i < MAX_NOTES; i++)
		told += !strcmp(notes[i], "guest@0/devices: /clock-controller@a000000: provides "
					  "clocks, resets, power or pins to guest@1's "
					  "/serial@b000000") +
			!strcmp(notes[i], "guest@0/devices: /pinctrl@a001000: provides clocks, "
					  "resets, power or pins to guest@1's /serial@b000000");
	assert_int_equal(told, 2);
}

/* A provider whose #clock-cells is 0xffffffff: the clocks list ends there (the step of
 * 1 + cells must not wrap to 0 and spin forever on the first phandle, found by make boards on a
 * corrupted Amlogic tree), and the provider is still kept from guest@0. */
static void huge_clock_cells(void *fdt)
{
	int cru = fdt_path_offset(fdt, "/clock-controller@a000000");

	assert_true(cru >= 0);
	assert_int_equal(fdt_setprop_inplace_u32(fdt, cru, "#clock-cells", 0xffffffffu), 0);
}

static void test_devices_all_providers_huge_cells(void **state)
{
	unsigned int i;

	(void)state;
	patch_host = huge_clock_cells;
	run_ok("tests/config/asg-providers", "tests/config/host-providers");
	patch_host = NULL;
	for (i = 0; i < out[0].nr_devices; i++)
		assert_int_not_equal(out[0].dev[i].node, node("/clock-controller@a000000"));
	assert_int_equal(ledger_owner(&ledger, LEDGER_MMIO, 0xa000000, 0x1000), -2);
}

static void test_no_uart(void **state)
{
	(void)state;
	run_ok("tests/config/asg-no-uart", HOST_QEMU);
	assert_false(out[0].console_uart);
	assert_int_equal(ledger_owner(&ledger, LEDGER_MMIO, 0x9000000, 0x1000), LEDGER_OWNER_SKIFF);
	assert_string_equal(ledger.e[ledger.count - 1].what, "/pl031@9010000");
}

/* Buses, interrupts-extended, sub-page neighbours, a node with no reg and no interrupts. */
static void test_host_extra(void **state)
{
	struct assignment *a = &out[0];

	(void)state;
	run_ok("tests/config/asg-hx-ok", HOST_EXTRA);
	assert_int_equal(a->nr_devices, 8);
	/* leaf@100 under sub@10000 (0 -> 0x10000) under bus@1c000000 (0 -> 0x1c000000) */
	assert_int_equal(a->dev[0].nr_reg, 2);
	assert_range(&a->reg[0], 0x1c010100, 0x100);
	assert_range(&a->reg[1], 0x1c011000, 0x1000);
	assert_spi(&a->spi[0], 53, IRQ_MODE_HW, true, 0, 0);
	assert_range(&a->reg[2], 0x1c001000, 0x1000); /* dev@1000 */
	assert_spi(&a->spi[1], 52, IRQ_MODE_HW, false, 1, 0);
	assert_range(&a->reg[3], 0x1c020000, 0x1000); /* under an empty ranges */
	assert_int_equal(a->dev[2].nr_spi, 0);
	assert_int_equal(a->dev[3].nr_spi, 2); /* interrupts-extended */
	assert_spi(&a->spi[2], 56, IRQ_MODE_HW, false, 3, 0);
	assert_spi(&a->spi[3], 57, IRQ_MODE_HW, true, 3, 1);
	assert_range(&a->reg[5], 0x1d006000, 0x800);
	assert_range(&a->reg[6], 0x1d006800, 0x800);
	assert_int_equal(a->dev[6].nr_reg, 0); /* keys */
	assert_int_equal(a->dev[6].nr_spi, 0);
	assert_int_equal(a->dev[6].node, node("/keys"));
	assert_spi(&a->spi[4], 55, IRQ_MODE_HW, true, 7, 0); /* falling edge, made edge */
	assert_false(a->console_uart);

	/* Pages, sorted and merged: the two sub-page halves share one, neighbours join. */
	assert_int_equal(a->nr_mmio, 5);
	assert_range(&a->mmio[0], 0x1c001000, PAGE);
	assert_range(&a->mmio[1], 0x1c010000, 2 * PAGE);
	assert_range(&a->mmio[2], 0x1c020000, PAGE);
	assert_range(&a->mmio[3], 0x1d002000, 2 * PAGE);
	assert_range(&a->mmio[4], 0x1d006000, PAGE);
	/* skiff claimed the ITS under the GIC node, through its empty ranges */
	assert_int_equal(ledger_owner(&ledger, LEDGER_MMIO, 0x8080000, 0x20000),
			 LEDGER_OWNER_SKIFF);
}

/* The doorbell goes past a device inside the window, and past the device's SPI. */
/* whole-pages: the rest of a sub-page device's page is the guest's, claimed in the ledger so
 * nobody else can have it; two transports of one guest in a page share its rest. */
static void test_subpage_whole(void **state)
{
	(void)state;
	run_ok("tests/config/asg-subpage-whole", HOST_QEMU);
	assert_int_equal(ledger_owner(&ledger, LEDGER_MMIO, 0xa003e00, 0x200), 0);
	assert_int_equal(ledger_owner(&ledger, LEDGER_MMIO, 0xa003000, 0xe00), 0);
	assert_int_equal(ledger_owner(&ledger, LEDGER_MMIO, 0xa002000, 0x200), 1);
	assert_int_equal(ledger_owner(&ledger, LEDGER_MMIO, 0xa002200, 0x200), 1);
	assert_int_equal(ledger_owner(&ledger, LEDGER_MMIO, 0xa002400, 0xc00), 1);
	assert_int_equal(out[0].nr_mmio, 1);
	assert_range(&out[0].mmio[0], 0xa003000, PAGE);
	assert_int_equal(out[1].nr_mmio, 1);
	assert_range(&out[1].mmio[0], 0xa002000, PAGE);
}

/* A kernel and initrd a boot loader left in the guest's memory are kept out of its RAM,
 * page-rounded; its virtual console gets a page of the device window. */
static void test_kept_images(void **state)
{
	struct assignment *a = &out[0];

	(void)state;
	run_ok("tests/config/asg-kept-images", HOST_QEMU);
	assert_int_equal(a->nr_kept, 2);
	assert_range(&a->kept[0], 0x48000000, 0x1001000);
	assert_range(&a->kept[1], 0x4c000000, 0x400000);
	assert_int_equal(a->nr_mem, 4);
	assert_range(&a->mem[0], 0x40000000, 0x200000);
	assert_range(&a->mem[1], 0x40400000, 0x48000000 - 0x40400000);
	assert_range(&a->mem[2], 0x49001000, 0x4c000000 - 0x49001000);
	assert_range(&a->mem[3], 0x4c400000, 0x80000000 - 0x4c400000);
	assert_int_equal(a->vconsole_base, 0xb000000);
	assert_int_equal(ledger_owner(&ledger, LEDGER_MMIO, 0xb000000, PAGE), 0);
}

/*
 * A board's boot: the kernel and ramdisk the boot loader named in /chosen become the guest's
 * images (their pages kept out of its RAM), the kernel module's bootargs its command line;
 * TF-A's no-map region is left out of "all RAM", the ramoops region stays in it and is marked
 * reserved in the guest's tree.
 */
static void test_multiboot(void **state)
{
	struct assignment *a = &out[0];

	(void)state;
	run_ok("tests/config/asg-multiboot", HOST_BOOT);
	assert_int_equal(a->kernel.source, IMAGE_MEMORY);
	assert_int_equal(a->kernel.addr, 0x48000000);
	assert_int_equal(a->kernel.size, 0x1000800);
	assert_int_equal(a->initrd.source, IMAGE_MEMORY);
	assert_int_equal(a->initrd.addr, 0x4c000000);
	assert_int_equal(a->initrd.size, 0x400000);
	assert_string_equal(a->module_bootargs, "console=ttyAMA0 root=/dev/vda");
	/* RAM: below skiff; skiff to the kernel; kernel to the initrd; the initrd to TF-A's
	 * region; after it */
	assert_int_equal(a->nr_mem, 5);
	assert_range(&a->mem[0], RAM_BASE, SKIFF_BASE - RAM_BASE);
	assert_range(&a->mem[1], SKIFF_END, 0x48000000 - SKIFF_END);
	assert_range(&a->mem[2], 0x49001000, 0x4c000000 - 0x49001000);
	assert_range(&a->mem[3], 0x4c400000, 0x7e000000 - 0x4c400000);
	assert_range(&a->mem[4], 0x7e200000, 0x80000000 - 0x7e200000);
	assert_int_equal(a->nr_resv, 1);
	assert_range(&a->resv[0], 0x7f000000, 0x100000);
}

/* "auto": the first guest takes the modules right under /chosen, the next its own node's;
 * with no modules at all, fw_cfg. */
static void test_auto(void **state)
{
	(void)state;
	run_ok("tests/config/asg-auto-two", HOST_BOOT);
	assert_int_equal(out[0].kernel.source, IMAGE_MEMORY);
	assert_int_equal(out[0].kernel.addr, 0x48000000);
	assert_int_equal(out[0].initrd.source, IMAGE_MEMORY);
	assert_int_equal(out[1].kernel.source, IMAGE_MEMORY);
	assert_int_equal(out[1].kernel.addr, 0x70000000);
	assert_int_equal(out[1].kernel.size, 0x200000);
	assert_int_equal(out[1].initrd.source, IMAGE_NONE);
	assert_null(out[1].module_bootargs);
	/* guest@1's configured RAM holds the ramoops region: marked reserved in its tree */
	assert_int_equal(out[0].nr_resv, 0);
	assert_int_equal(out[1].nr_resv, 1);

	run_ok("tests/config/asg-auto-two", HOST_QEMU);
	assert_int_equal(out[0].kernel.source, IMAGE_FW_CFG);
	assert_int_equal(out[0].initrd.source, IMAGE_FW_CFG);
	assert_int_equal(out[1].kernel.source, IMAGE_FW_CFG);
	assert_int_equal(out[0].nr_kept, 0);
}

/* skiff loaded over memory the firmware keeps: refused, naming the region. */
static void test_skiff_reserved(void **state)
{
	(void)state;
	run_ok("tests/config/asg-multiboot", HOST_BOOT);
	ledger_init(&ledger);
	assert_int_equal(assign_guests(host.data, &plat, &cfg, 0x7f000000, 0x7f200000, &ledger, out,
				       note, err, sizeof(err)),
			 -1);
	assert_string_equal(err, "skiff: memory: 0x7f000000-0x7f200000 overlaps reserved memory "
				 "/reserved-memory/ramoops@7f000000 0x7f000000+0x100000: load "
				 "skiff elsewhere");
}

/* stage2-4k-pages (the default config has it): its tables become part of skiff's memory, after
 * its image, or before it where RAM ends there; a range then outside RAM is refused, by name. */
static void test_stage2_pages(void **state)
{
	uint64_t base = SKIFF_BASE, end = SKIFF_END, at = 0;
	unsigned int n;

	(void)state;
	run_ok(DEFAULT_CONFIG, HOST_QEMU);
	assert_true(cfg.stage2_4k_pages);
	/* 1 GiB of RAM: 512 tables of pages, one of 2 MiB blocks, one of 1 GiB ones, and the
	 * slack for one guest's range ends */
	n = assign_stage2_more_tables(&plat, &cfg);
	assert_int_equal(n, 514 + (ASSIGN_MAX_MEM + CONFIG_MAX_CHANNELS) * 6);
	assert_int_equal(assign_stage2_place(&plat, &cfg, &base, &end, &at), n);
	assert_int_equal(base, SKIFF_BASE);
	assert_int_equal(at, SKIFF_END);
	assert_int_equal(end, SKIFF_END + n * 4096ull);
	ledger_init(&ledger);
	assert_int_equal(assign_guests(host.data, &plat, &cfg, base, end, &ledger, out, note, err,
				       sizeof(err)),
			 0);
	assert_range(&out[0].mem[1], end, RAM_BASE + SZ_1G - end);

	/* at the top of RAM: before it */
	base = RAM_BASE + SZ_1G - 0x200000;
	end = RAM_BASE + SZ_1G;
	assert_int_equal(assign_stage2_place(&plat, &cfg, &base, &end, &at), n);
	assert_int_equal(base, RAM_BASE + SZ_1G - 0x200000 - n * 4096ull);
	assert_int_equal(at, base);
	assert_int_equal(end, RAM_BASE + SZ_1G);

	/* no room either side (skiff said to be beyond RAM): refused */
	base = RAM_BASE + SZ_1G;
	end = base + 0x200000;
	assert_int_equal(assign_stage2_place(&plat, &cfg, &base, &end, &at), n);
	ledger_init(&ledger);
	assert_int_equal(assign_guests(host.data, &plat, &cfg, base, end, &ledger, out, note, err,
				       sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "(with stage2-4k-pages's tables) is not in one RAM range"));

	/* without it: nothing taken */
	cfg.stage2_4k_pages = false;
	base = SKIFF_BASE;
	end = SKIFF_END;
	assert_int_equal(assign_stage2_place(&plat, &cfg, &base, &end, &at), 0);
	assert_int_equal(end, SKIFF_END);
}

/* gic-version naming the host's own GIC is accepted, and the guest's tree says which */
static void test_gic_version_same(void **state)
{
	(void)state;
	run_ok("tests/config/asg-gic-v2", HOST_GICV2);
	assert_int_equal(out[0].gic_version, 2);
	run_ok("tests/config/asg-gic-v3", HOST_QEMU);
	assert_int_equal(out[0].gic_version, 3);
}

static void test_window_busy(void **state)
{
	(void)state;
	run_ok("tests/config/asg-hx-window-busy", HOST_EXTRA);
	assert_int_equal(out[0].spi[0].intid, 54);
	assert_int_equal(out[0].doorbell_base, 0x1d001000);
	assert_int_equal(out[0].doorbell_intid, 55);
}

/* Interrupt flags 0x104: only the sense bits (IRQ_TYPE_SENSE_MASK) say the trigger, high level. */
static void test_sense_flags(void **state)
{
	(void)state;
	run_ok("tests/config/asg-hx-sense-flags", HOST_EXTRA);
	assert_int_equal(out[0].nr_spis, 1);
	assert_spi(&out[0].spi[0], 59, IRQ_MODE_HW, false, 0, 0);
}

/* status = "ok" is as good as "okay" (every other status is refused: err_cases). */
static void test_status_ok(void **state)
{
	(void)state;
	run_ok("tests/config/asg-hx-status-ok", HOST_EXTRA);
	assert_int_equal(out[0].nr_devices, 1);
	assert_int_equal(out[0].dev[0].node, node("/ok@1e003000"));
	assert_int_equal(out[0].nr_regs, 1);
	assert_range(&out[0].reg[0], 0x1e003000, 0x1000);
	assert_int_equal(ledger_owner(&ledger, LEDGER_MMIO, 0x1e003000, 0x1000), 0);
}

/* A channel: the shared memory in both guests, a doorbell page and SPI each from the windows,
 * in turn; the ends know each other. */
static void test_channel(void **state)
{
	unsigned int e;

	(void)state;
	run_ok("tests/config/asg-channel", HOST_QEMU);
	for (e = 0; e < 2; e++) {
		const struct assign_channel *ch = &out[e].chan[0];

		assert_int_equal(out[e].nr_chan, 1);
		assert_int_equal(ch->channel, 0);
		assert_int_equal(ch->end, e);
		assert_int_equal(ch->peer, !e);
		assert_range(&ch->mem, 0x47000000, 0x10000);
		assert_int_equal(ch->db_base, 0x0b000000 + e * PAGE);
		assert_int_equal(ch->intid, 132 + e);
		assert_int_equal(ledger_owner(&ledger, LEDGER_MMIO, ch->db_base, PAGE), e);
		assert_int_equal(ledger_owner(&ledger, LEDGER_SPI, ch->intid, 1), e);
	}
}

/* A guest with all RAM does not get the channel's memory in its RAM (it is mapped apart). */
static void test_channel_all_ram(void **state)
{
	unsigned int i;

	(void)state;
	run_ok("tests/config/asg-channel-all-ram", HOST_QEMU);
	assert_int_equal(out[0].nr_chan, 1);
	assert_int_equal(out[0].chan[0].end, 1);
	assert_int_equal(out[1].chan[0].end, 0);
	for (i = 0; i < out[0].nr_mem; i++)
		assert_false(out[0].mem[i].base < 0x47010000 &&
			     out[0].mem[i].base + out[0].mem[i].size > 0x47000000);
}

/* ---- refusals: tests/config/asg-<name> on a host, and the exact message ---- */

struct err_case {
	const char *config;
	const char *host;
	const char *msg;
};

static const struct err_case err_cases[] = {
	{ "same-device", HOST_QEMU,
	  "guest@1/uart: /pl011@9000000: MMIO 0x9000000+0x1000 already assigned to guest@0 "
	  "(/pl011@9000000)" },
	{ "same-page", HOST_QEMU,
	  "guest@1/virtio1: /virtio_mmio@a000200: MMIO 0xa000200+0x200 is not page-aligned and "
	  "shares page 0xa000000 with guest@0 (/virtio_mmio@a000000)" },
	{ "hx-shared-spi", HOST_EXTRA,
	  "guest@0/b: /shared-b@1d001000: SPI 22 (INTID 54) already assigned to guest@0 "
	  "(/shared-a@1d000000)" },
	{ "hx-in-skiff", HOST_EXTRA,
	  "guest@0/x: /inram@40200000: MMIO 0x40200000+0x1000 already assigned to skiff "
	  "(skiff's memory)" },
	{ "hx-in-ram", HOST_EXTRA,
	  "guest@0/x: /inram@40800000: MMIO 0x40800000+0x1000 overlaps RAM "
	  "0x40000000+0x40000000" },
	{ "gic", HOST_QEMU,
	  "guest@0/gic: /intc@8000000: MMIO 0x8000000+0x10000 already assigned to skiff "
	  "(the GIC)" },
	/* a guest gets the host's GIC architecture, and a config cannot ask for the other */
	{ "gic-v3", HOST_GICV2,
	  "guest@0: gic-version: 3, but the host's GIC is a GICv2: its guests get a GICv2, which "
	  "has no system-register interface" },
	{ "gic-v2", HOST_QEMU,
	  "guest@0: gic-version: 2, but the host's GIC is a GICv3: its guests "
	  "get a GICv3" },
	{ "its", HOST_QEMU,
	  "guest@0/its: /intc@8000000/its@8080000: MMIO 0x8080000+0x20000 already assigned to "
	  "skiff (the GIC)" },
	{ "fw-cfg", HOST_QEMU,
	  "guest@0/fw: /fw-cfg@9020000: MMIO 0x9020000+0x18 already assigned to skiff (fw_cfg)" },
	{ "hx-near-fw-cfg", HOST_EXTRA,
	  "guest@0/x: /near-fw-cfg@9020100: MMIO 0x9020100+0x100 is not page-aligned and shares "
	  "page 0x9020000 with skiff (fw_cfg)" },
	{ "no-node", HOST_QEMU, "guest@0/x: /nope@0: no such node in the host device tree" },
	{ "channel-skiff", HOST_QEMU,
	  "channel@0: memory: 0x40200000+0x1000 overlaps skiff's memory 0x40200000+0x200000" },
	{ "channel-guest-ram", HOST_QEMU,
	  "channel@0: memory: 0x50fff000+0x2000 overlaps guest@1's memory 0x50000000+0x1000000" },
	{ "channel-mmio", HOST_QEMU, "channel@0: memory: 0x9000000+0x1000 is not inside RAM" },
	{ "channel-overlap", HOST_QEMU,
	  "channel@0: memory: 0x47000000+0x2000 overlaps channel@1's memory 0x47001000+0x1000" },
	{ "channel-no-window", HOST_QEMU, "channel@0: guest@0: device-window 0x0+0x0 is full" },
	{ "channel-no-spi", HOST_QEMU, "channel@0: guest@1: no free SPI in spi-window <100 1>" },
	{ "channel-resv", HOST_BOOT,
	  "channel@0: memory: 0x7f000000+0x1000 overlaps reserved memory "
	  "/reserved-memory/ramoops@7f000000 0x7f000000+0x100000" },
	{ "ppi", HOST_QEMU, "guest@0/pmu: /pmu: interrupt 0 is a PPI, not an SPI" },
	{ "hx-espi", HOST_EXTRA,
	  "guest@0/x: /espi@1d007000: interrupt 0 has type 2, not an SPI (0)" },
	{ "hx-big-spi", HOST_EXTRA,
	  "guest@0/x: /big-spi@1d008000: interrupt 0: SPI 1000 is out of range (0..987)" },
	{ "hx-intc2", HOST_EXTRA,
	  "guest@0/x: /on-intc2@1d005000: interrupt 0 is not on the GIC (interrupt parent "
	  "/intc2@1f000000)" },
	{ "hx-ext-other", HOST_EXTRA,
	  "guest@0/x: /ext-other@1d004000: interrupt 1 is not on the GIC (interrupts-extended "
	  "names /intc2@1f000000)" },
	{ "hx-falling", HOST_EXTRA,
	  "guest@0/f: /falling@1d002000: interrupt 0 has trigger flags 0x2, not 1 (rising edge) "
	  "or 4 (high level): set interrupt-triggers" },
	{ "hx-reserved", HOST_EXTRA,
	  "guest@0/x: /reserved@1e001000: is not available in the host device tree (status "
	  "\"reserved\")" },
	{ "hx-fail", HOST_EXTRA,
	  "guest@0/x: /fail@1e002000: is not available in the host device tree (status \"fail\")" },
	{ "hx-straddle", HOST_EXTRA,
	  "guest@0/x: /straddle@ffffffffff000: MMIO 0xffffffffff000+0x2000 is beyond the 52-bit "
	  "physical address space" },
	{ "root", HOST_QEMU, "guest@0/x: /: the root node cannot be assigned" },
	{ "hx-no-ranges", HOST_EXTRA,
	  "guest@0/x: /nobus/dev@10: bus /nobus has no ranges: its children are not "
	  "memory-mapped" },
	{ "hx-outside-ranges", HOST_EXTRA,
	  "guest@0/x: /bus@1c000000/far@200000: 0x200000+0x1000 is outside the ranges of "
	  "/bus@1c000000" },
	{ "hx-disabled", HOST_EXTRA,
	  "guest@0/x: /off@1e000000: is not available in the host device tree (status "
	  "\"disabled\")" },
	{ "modes-count", HOST_QEMU,
	  "guest@0/uart: /pl011@9000000: interrupt-modes has 2 entries, but the device has 1 "
	  "interrupt" },
	{ "triggers-count", HOST_QEMU,
	  "guest@0/uart: /pl011@9000000: interrupt-triggers has 2 entries, but the device has 1 "
	  "interrupt" },
	{ "cpu-twice", HOST_QEMU, "guest@1: cpus: CPU 0x1 already assigned to guest@0 (cpus)" },
	{ "cpu-all-twice", HOST_QEMU,
	  "guest@1: cpus: CPU 0x2 already assigned to guest@0 (all CPUs)" },
	{ "cpu-missing", HOST_QEMU, "guest@0: cpus: no CPU 0x7 on this host" },
	{ "mem-outside", HOST_QEMU, "guest@0: memory: 0x80000000+0x1000 is not inside RAM" },
	{ "mem-skiff", HOST_QEMU,
	  "guest@0: memory: 0x40000000+0x400000 overlaps skiff's memory 0x40200000+0x200000" },
	{ "mem-overlap", HOST_QEMU,
	  "guest@0: memory: 0x40400000+0x1000000 overlaps guest@1's memory 0x40800000+0x1000000" },
	{ "mem-all-twice", HOST_QEMU,
	  "guest@1: memory: absent (all RAM), as for guest@0: only one guest can have all RAM" },
	{ "kernel-outside", HOST_QEMU,
	  "guest@0: kernel: 0x48000000+0x1000000 is not inside the guest's memory" },
	{ "doorbell-no-window", HOST_QEMU,
	  "guest@0: doorbell: no device-window in /skiff to place it in" },
	{ "doorbell-no-spis", HOST_QEMU,
	  "guest@0: doorbell: no spi-window in /skiff to take its SPI from" },
	{ "doorbell-mmio-full", HOST_QEMU,
	  "guest@1: doorbell: device-window 0xb000000+0x1000 is full" },
	{ "doorbell-spi-full", HOST_QEMU, "guest@1: doorbell: spi-window <100 1> is full" },
	{ "subpage-alone", HOST_QEMU,
	  "guest@0/disk: /virtio_mmio@a003e00: MMIO 0xa003e00+0x200 does not fill its page "
	  "0xa003000: the guest would reach 0xa003000+0xe00, which is not its own, as well (give "
	  "it what sits there, or say whole-pages)" },
	{ "subpage-taken", HOST_QEMU,
	  "guest@1/rng: /virtio_mmio@a003c00: MMIO 0xa003c00+0x200 is not page-aligned and shares "
	  "page 0xa003000 with guest@0 (/virtio_mmio@a003e00)" },
	{ "vconsole-no-window", HOST_QEMU,
	  "guest@0: virtual-console: no device-window in /skiff to place it in" },
	/* nodes that are no device (found by tests/fuzz's guest_dtb target: the guest tree got
	 * every host CPU, or a host memory node, with them) */
	{ "cpus-as-device", HOST_ODD,
	  "guest@0/x: /cpus: is a node skiff writes for each guest itself" },
	{ "nested-memory", HOST_ODD,
	  "guest@0/x: /box@1d100000: holds /box@1d100000/memory@40000000, a memory node: RAM is "
	  "given with memory" },
	{ "in-cpu", HOST_ODD,
	  "guest@0/x: /cpus/cpu@1/l2-cache: is inside /cpus/cpu@1, a CPU node: CPUs are given "
	  "with cpus" },
	{ "in-chosen", HOST_ODD,
	  "guest@0/x: /chosen/framebuffer@1d200000: is inside /chosen, a node skiff writes for "
	  "each guest itself" },
	/* what hyp/core/vm.c could not build at boot: refused here, naming node and resource */
	{ "many-devices", HOST_MANY,
	  "guests: their stage-2 maps need 68 translation tables, more than skiff's 64: give "
	  "fewer, larger or 2 MiB-aligned RAM ranges and devices" },
	{ "optional-modes", HOST_MANY,
	  "guest@0/uart: /pl011@9000000: interrupt-modes has 2 entries, but the device has 1 "
	  "interrupt" },
	{ "big-spi", HOST_MANY,
	  "guest@0/big: /bigspi@28000000: interrupt 0: SPI 500 (INTID 532) is beyond skiff's vGIC, "
	  "which holds INTIDs below 512" },
	{ "doorbell-big-spi", HOST_MANY,
	  "/skiff: spi-window: SPIs 600..603 go past INTID 511: skiff's vGIC holds INTIDs below "
	  "512" },
	{ "stage2-full", HOST_MANY,
	  "guests: their stage-2 maps need 68 translation tables, more than skiff's 64: give "
	  "fewer, larger or 2 MiB-aligned RAM ranges and devices" },
	{ "stage2-one-past", HOST_MANY,
	  "guests: their stage-2 maps need 65 translation tables, more than skiff's 64: give "
	  "fewer, larger or 2 MiB-aligned RAM ranges and devices" },
	/* on a GICv2 host each guest's GICC pages (at 0x8010000, their own 2 MiB) take a table */
	{ "stage2-one-past", HOST_MANY_V2,
	  "guests: their stage-2 maps need 67 translation tables, more than skiff's 64: give "
	  "fewer, larger or 2 MiB-aligned RAM ranges and devices" },
	{ "mem-reserved", HOST_BOOT,
	  "guest@0: memory: 0x7c000000+0x4000000 overlaps reserved memory "
	  "/reserved-memory/tfa@7e000000 0x7e000000+0x200000" },
	{ "multiboot", HOST_QEMU,
	  "guest@0: kernel: no multiboot,kernel module in /chosen/guest@0 or /chosen" },
	{ "window-ram", HOST_QEMU,
	  "/skiff: device-window: 0x40000000+0x1000000 overlaps RAM 0x40000000+0x40000000" },
};
#define NR_ERR_CASES (sizeof(err_cases) / sizeof(err_cases[0]))

static void test_error(void **state)
{
	const struct err_case *c = *state;
	char config[128];

	snprintf(config, sizeof(config), "tests/config/asg-%s", c->config);
	assert_int_equal(run(config, c->host), -1);
	assert_string_equal(err, c->msg);
}

/* skiff's own memory: checked, and claimed before anything else. */
static void test_skiff_range(void **state)
{
	char small[10];

	(void)state;
	run_ok("tests/config/asg-no-uart", HOST_QEMU);
	ledger_init(&ledger);
	assert_int_equal(assign_guests(host.data, &plat, &cfg, SKIFF_END, SKIFF_BASE, &ledger, out,
				       note, err, sizeof(err)),
			 -1);
	assert_string_equal(err, "skiff: memory: 0x40400000-0x40200000 is not a non-empty, 4 "
				 "KiB-aligned range");
	ledger_init(&ledger);
	assert_int_equal(assign_guests(host.data, &plat, &cfg, SKIFF_BASE + 0x800, SKIFF_END,
				       &ledger, out, note, err, sizeof(err)),
			 -1);
	assert_string_equal(err, "skiff: memory: 0x40200800-0x40400000 is not a non-empty, 4 "
				 "KiB-aligned range");
	/* skiff placed over the GIC (a broken board description) */
	ledger_init(&ledger);
	assert_int_equal(assign_guests(host.data, &plat, &cfg, 0x8000000, 0x8200000, &ledger, out,
				       note, err, sizeof(err)),
			 -1);
	assert_string_equal(err, "skiff: /intc@8000000: MMIO 0x8000000+0x10000 already assigned to "
				 "skiff (skiff's memory)");
	/* Messages are cut to the buffer; none at all is fine. */
	ledger_init(&ledger);
	assert_int_equal(assign_guests(host.data, &plat, &cfg, 0x8000000, 0x8200000, &ledger, out,
				       note, small, sizeof(small)),
			 -1);
	assert_string_equal(small, "skiff: /i");
	ledger_init(&ledger);
	assert_int_equal(assign_guests(host.data, &plat, &cfg, 0x8000000, 0x8200000, &ledger, out,
				       note, NULL, 0),
			 -1);
	assert_int_equal(assign_guests(NULL, &plat, &cfg, SKIFF_BASE, SKIFF_END, &ledger, out, note,
				       err, sizeof(err)),
			 -1);
	assert_string_equal(err, "config: assign_guests: bad arguments");
}

/*
 * Two host nodes with one phandle (a boot loader's edit can make such a tree; dtc cannot):
 * refused before anything is assigned, naming both, by the sorted check and, for a tree with
 * more nodes with phandles than its scratch holds, by libfdt's walk (found by tests/fuzz's
 * guest_dtb target: the guest's interrupt-parent named a CPU).
 */
static void test_duplicate_phandle(void **state)
{
	static const char msg[] = "config: the host tree's /pl011@9000000 and /intc@8000000 have "
				  "the same phandle 0x%x";
	char want[sizeof(msg) + 16];
	uint32_t gic_phandle;
	int size, i, n;
	void *fdt;

	(void)state;
	run_ok(DEFAULT_CONFIG, HOST_QEMU);
	size = (int)host.size + 512 * 1024;
	fdt = malloc((size_t)size);
	assert_non_null(fdt);
	assert_int_equal(fdt_open_into(host.data, fdt, size), 0);
	gic_phandle = fdt_get_phandle(fdt, fdt_path_offset(fdt, "/intc@8000000"));
	assert_true(gic_phandle != 0);
	snprintf(want, sizeof(want), msg, gic_phandle);
	assert_int_equal(fdt_setprop_u32(fdt, fdt_path_offset(fdt, "/pl011@9000000"), "phandle",
					 gic_phandle),
			 0);
	for (i = 0; i < 2; i++) {
		ledger_init(&ledger);
		assert_int_equal(assign_guests(fdt, &plat, &cfg, SKIFF_BASE, SKIFF_END, &ledger,
					       out, note, err, sizeof(err)),
				 -1);
		assert_string_equal(err, want);
		assert_int_equal(ledger.count, 0);
		/* then with 4097 more nodes with phandles (their own): found by libfdt's walk */
		for (n = 0; i == 0 && n <= 4096; n++) {
			int filler = n ? fdt_path_offset(fdt, "/filler")
				       : fdt_add_subnode(fdt, 0, "filler");
			char name[32];
			int sub;

			snprintf(name, sizeof(name), "f%d", n);
			assert_true(filler >= 0);
			sub = fdt_add_subnode(fdt, filler, name);
			assert_true(sub >= 0);
			assert_int_equal(
				fdt_setprop_u32(fdt, sub, "phandle", 0x100000u + (uint32_t)n), 0);
		}
	}
	free(fdt);
}

/* An ITS inside the GICD's reg (TI's J721S2 gives GICD 1 MiB; here up to the GICR): both
 * skiff's, accepted; the console inside the GIC's is refused. */
static void test_its_inside_gicd(void **state)
{
	fdt32_t gicd_1m[] = { 0, cpu_to_fdt32(0x8000000), 0, cpu_to_fdt32(0xa0000),
			      0, cpu_to_fdt32(0x80a0000), 0, cpu_to_fdt32(0xf60000) };
	int size, gic;
	void *fdt;

	(void)state;
	run_ok(DEFAULT_CONFIG, HOST_QEMU);
	size = (int)host.size + 4096;
	fdt = malloc((size_t)size);
	assert_non_null(fdt);
	assert_int_equal(fdt_open_into(host.data, fdt, size), 0);
	gic = fdt_path_offset(fdt, "/intc@8000000");
	assert_true(gic > 0);
	assert_int_equal(fdt_setprop(fdt, gic, "reg", gicd_1m, sizeof(gicd_1m)), 0);
	assert_int_equal(plat_parse_buf(fdt, (size_t)size, &plat, err, sizeof(err)), 0);
	ledger_init(&ledger);
	if (assign_guests(fdt, &plat, &cfg, SKIFF_BASE, SKIFF_END, &ledger, out, note, err,
			  sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(ledger_owner(&ledger, LEDGER_MMIO, 0x8080000, 0x20000),
			 LEDGER_OWNER_SKIFF);
	/* the ITS made no claim of its own: it is inside the GICD's */
	assert_int_equal(ledger.count, 5 - 1 + 4 + 35 + 35 + 2);

	/* a GICD that takes in the console PL011: the host tree is refused before assignment */
	gicd_1m[3] = cpu_to_fdt32(0x1010000);
	assert_int_equal(fdt_setprop(fdt, gic, "reg", gicd_1m, sizeof(gicd_1m)), 0);
	assert_int_equal(plat_parse_buf(fdt, (size_t)size, &plat, err, sizeof(err)), -1);
	assert_string_equal(err, "/pl011@9000000: console registers 0x9000000+0x1000 overlap the "
				 "GIC's");
	free(fdt);
}

/* Accepted means buildable: every guest's stage 2 maps from one pool of STAGE2_POOL_TABLES,
 * as hyp/core/vm.c builds them (start at level 0, as on 40- to 48-bit IPAs), at 48 devices with
 * interrupts, skiff's limit. */
static void test_accepted_builds(void **state)
{
	static uint64_t tables[STAGE2_POOL_TABLES][PT_ENTRIES] __attribute__((aligned(4096)));
	static const char *const configs[] = { "tests/config/asg-devices-48",
					       "tests/config/asg-two-guests", DEFAULT_CONFIG };
	unsigned int k, g, i;

	(void)state;
	for (k = 0; k < sizeof(configs) / sizeof(configs[0]); k++) {
		struct pt_pool pool = { .pages = tables, .count = STAGE2_POOL_TABLES };
		unsigned int with_spis;

		run_ok(configs[k], k ? HOST_QEMU : HOST_MANY);
		memset(tables, 0, sizeof(tables));
		with_spis = 0;
		for (g = 0; g < cfg.nr_guests; g++) {
			struct pgtable pt = { .alloc = pt_pool_alloc, .ctx = &pool };
			int ret = 0;

			pt.root = pt_pool_alloc(&pool);
			assert_non_null(pt.root);
			for (i = 0; i < out[g].nr_mem && !ret; i++)
				ret = pt_map(&pt, out[g].mem[i].base, out[g].mem[i].base,
					     out[g].mem[i].size, PTE_AF);
			for (i = 0; i < out[g].nr_mmio && !ret; i++)
				ret = pt_map(&pt, out[g].mmio[i].base, out[g].mmio[i].base,
					     out[g].mmio[i].size, PTE_AF);
			if (ret)
				fail_msg("%s: accepted, but %s's stage 2 does not fit skiff's %d "
					 "tables (error %d)",
					 configs[k], cfg.guest[g].name, STAGE2_POOL_TABLES, ret);
			for (i = 0; i < out[g].nr_devices; i++)
				with_spis += out[g].dev[i].nr_spi != 0;
		}
		if (k == 0) {
			assert_int_equal(with_spis, 48);
			assert_int_equal(pool.used, 56); /* 2 x (4 + 24): see the fixture */
		}
	}
}

/* Random byte flips in the host tree: when it still parses, assign errs or assigns, no crash. */
static void test_fuzz_host(void **state)
{
	struct blob c, h;
	unsigned int round, seed = 4242, parsed = 0;

	(void)state;
	load(DEFAULT_CONFIG, &c);
	assert_int_equal(config_parse(c.data, c.size, &cfg, err, sizeof(err)), 0);
	load(HOST_QEMU, &h);
	assert_int_equal(fdt_pack(h.data), 0);
	h.size = fdt_totalsize(h.data);
	for (round = 0; round < FUZZ_ROUNDS; round++) {
		uint8_t *buf = malloc(h.size);
		unsigned int i;

		assert_non_null(buf);
		memcpy(buf, h.data, h.size);
		for (i = 0; i < 1 + round % 3; i++) {
			seed = seed * 1103515245u + 12345u;
			buf[(seed >> 8) % h.size] ^= (uint8_t)(1u << ((seed >> 4) % 8));
		}
		if (!plat_parse_buf(buf, h.size, &plat, err, sizeof(err))) {
			parsed++;
			ledger_init(&ledger);
			if (assign_guests(buf, &plat, &cfg, SKIFF_BASE, SKIFF_END, &ledger, out,
					  note, err, sizeof(err)))
				assert_true(err[0] != '\0');
		}
		free(buf);
	}
	assert_true(parsed > 0);
	free(h.data);
	free(c.data);
}

/* ---- devices = "all" and the "auto" windows ---- */

static const char *const all_left_out[] = {
	"guest@0/devices: /fw-cfg@9020000: MMIO 0x9020000+0x18 already assigned to skiff (fw_cfg)",
	"guest@0/devices: /bus@1c000000/sensor@4000: interrupt 0 is not on the GIC "
	"(interrupts-extended names /gpio@1d000000)",
	"guest@0/devices: /overlap@8000000: MMIO 0x8000000+0x1000 already assigned to skiff (the "
	"GIC)",
	"guest@0/devices: /pcie@1e000000: ranges opens 0x30000000+0x1000000, outside its reg: "
	"skiff maps reg only",
	"guest@0/devices: /ppi-dev: interrupt 0 is a PPI, not an SPI",
	"guest@0/devices: /many@1d002000: interrupt 8: more than 8 SPIs, skiff's limit for a "
	"device",
};

/*
 * devices = "all" (asg-all.dts on host-all.dts): after its UART, guest@0 gets the bus's GPIO
 * controller, the device with a sub-block (whole) and the button whose interrupt is on that
 * GPIO controller (found on the second walk: it comes first in the tree); not the bus, the
 * disabled node, the regulator, guest@1's RTC and GPIO controller (given once) or the sensor on
 * guest@1's controller; what it leaves out it says, with the reason, and none of it is claimed.
 */
static void test_devices_all(void **state)
{
	struct assignment *a = &out[0], *b = &out[1];
	unsigned int i;

	(void)state;
	run_ok("tests/config/asg-all", HOST_ALL);
	assert_int_equal(a->nr_devices, 4);
	assert_int_equal(a->dev[0].node, node("/pl011@9000000"));
	assert_int_equal(a->dev[1].node, node("/bus@1c000000/gpio@2000"));
	assert_int_equal(a->dev[2].node, node("/bus@1c000000/eth@10000"));
	assert_int_equal(a->dev[3].node, node("/bus@1c000000/button@1000"));
	assert_int_equal(a->nr_regs, 4);
	assert_range(&a->reg[1], 0x1c002000, PAGE);
	assert_range(&a->reg[2], 0x1c010000, 0x10000);
	assert_range(&a->reg[3], 0x1c001000, PAGE);
	/* the button's interrupt is the GPIO controller's business: no SPI of its own */
	assert_int_equal(a->nr_spis, 3);
	assert_spi(&a->spi[0], 33, IRQ_MODE_HW, false, 0, 0);
	assert_spi(&a->spi[1], 52, IRQ_MODE_HW, false, 1, 0);
	assert_spi(&a->spi[2], 54, IRQ_MODE_HW, false, 2, 0);
	assert_int_equal(a->dev[3].nr_spi, 0);
	assert_int_equal(a->nr_mmio, 3);
	assert_range(&a->mmio[0], 0x9000000, PAGE);
	assert_range(&a->mmio[1], 0x1c001000, 2 * PAGE);
	assert_range(&a->mmio[2], 0x1c010000, 0x10000);
	assert_true(a->console_uart);

	/* guest@1 keeps what it was given; guest@0 does not get it again */
	assert_int_equal(b->nr_devices, 2);
	assert_int_equal(b->dev[0].node, node("/rtc@1d001000"));
	assert_int_equal(b->dev[1].node, node("/gpio@1d000000"));
	assert_int_equal(ledger_owner(&ledger, LEDGER_MMIO, 0x1d000000, PAGE), 1);
	assert_int_equal(ledger_owner(&ledger, LEDGER_SPI, 32 + 23, 1), 1);

	/* left out, and why, in tree order; nothing of theirs is claimed */
	assert_int_equal(nr_notes, sizeof(all_left_out) / sizeof(all_left_out[0]));
	for (i = 0; i < nr_notes; i++)
		assert_string_equal(notes[i], all_left_out[i]);
	assert_int_equal(ledger_owner(&ledger, LEDGER_MMIO, 0x1c004000, PAGE), -2);
	assert_int_equal(ledger_owner(&ledger, LEDGER_MMIO, 0x1e000000, 0x100000), -2);
	assert_int_equal(ledger_owner(&ledger, LEDGER_MMIO, 0x1d002000, PAGE), -2);
	assert_int_equal(ledger_owner(&ledger, LEDGER_MMIO, 0x1c003000, PAGE), -2);
	for (i = 25; i <= 38; i++)
		assert_int_equal(ledger_owner(&ledger, LEDGER_SPI, 32 + i, 1), -2);
}

/* The built-in default on QEMU virt: the console, then every device nobody else has; fw_cfg
 * (skiff's), the PCI host bridge (its windows) and the PMU (a PPI) left out. */
static void test_builtin_default(void **state)
{
	struct assignment *a = &out[0];
	unsigned int i;

	(void)state;
	run_ok(BUILTIN_CONFIG, HOST_QEMU);
	assert_int_equal(a->dev[0].node, node("/pl011@9000000"));
	/* 32 virtio-mmio transports, the PL061, PL031 and the flash */
	assert_int_equal(a->nr_devices, 1 + NR_VIRTIO + 3);
	for (i = 1; i < a->nr_devices; i++)
		assert_true(a->dev[i].node != node("/fw-cfg@9020000") &&
			    a->dev[i].node != node("/pcie@10000000") &&
			    a->dev[i].node != node("/pmu"));
	assert_int_equal(nr_notes, 3);
	assert_non_null(strstr(notes[0], "/fw-cfg@9020000: MMIO 0x9020000+0x18 already assigned"));
	assert_non_null(strstr(notes[1], "/pcie@10000000: ranges opens"));
	assert_non_null(strstr(notes[2], "/pmu: interrupt 0 is a PPI"));
	/* the lowest 16 MiB QEMU virt leaves free: past the last virtio-mmio page */
	assert_range((const struct plat_range *)&a->device_window, 0xa004000, 0x1000000);
	assert_int_equal(a->spi_window.base, 48);
	assert_int_equal(a->spi_window.size, 512 - 32 - 48);
}

/*
 * "auto" windows on host-windows.dts, where the obvious gaps are taken (flash, a PCI bridge's
 * window, a disabled node, RAM, a device up to 4 GiB): the largest gap, 12 MiB at 0x80000000;
 * the longest run of SPIs no node names (interrupt-map and disabled nodes included), and below
 * the GIC's own last INTID when skiff knows it. On QEMU virt, 16 MiB past its last device.
 */
static void test_auto_windows(void **state)
{
	struct assignment *a = &out[0];

	(void)state;
	run_ok("tests/config/asg-auto-windows", HOST_WINDOWS);
	assert_range((const struct plat_range *)&a->device_window, 0x80000000, 0xc00000);
	assert_int_equal(a->spi_window.base, 301);
	assert_int_equal(a->spi_window.size, 179);
	assert_int_equal(a->doorbell_base, 0x80000000);
	assert_int_equal(a->doorbell_intid, 32 + 301);
	assert_int_equal(a->vconsole_base, 0x80001000);

	gic_nr_intids = 384;
	run_ok("tests/config/asg-auto-windows", HOST_WINDOWS);
	assert_int_equal(a->spi_window.base, 101);
	assert_int_equal(a->spi_window.size, 109);
	assert_int_equal(a->doorbell_intid, 32 + 101);

	gic_nr_intids = 288; /* QEMU virt's */
	run_ok("tests/config/asg-auto-windows", HOST_QEMU);
	gic_nr_intids = 0;
	assert_range((const struct plat_range *)&a->device_window, 0xa004000, 0x1000000);
	assert_int_equal(a->doorbell_base, 0xa004000);
	assert_int_equal(a->spi_window.base, 48);
	assert_int_equal(a->spi_window.size, 288 - 32 - 48);
	assert_int_equal(a->doorbell_intid, 80);
}

/* host-all.dts plus n devices under /lim, a page each from 0x20000000, SPI 100 + i when spis:
 * devices = "all" on it stops at skiff's limit, naming the node and the limit. */
static void test_all_limit(unsigned int n, bool spis, const char *msg)
{
	size_t size;
	void *fdt;
	int bus, i;

	assert_int_equal(run("tests/config/asg-all", HOST_ALL), 0);
	size = host.size + n * 160 + 4096;
	fdt = malloc(size);
	assert_non_null(fdt);
	assert_int_equal(fdt_open_into(host.data, fdt, (int)size), 0);
	bus = fdt_add_subnode(fdt, 0, "lim");
	assert_true(bus > 0);
	assert_int_equal(fdt_setprop_string(fdt, bus, "compatible", "simple-bus"), 0);
	assert_int_equal(fdt_setprop(fdt, bus, "ranges", NULL, 0), 0);
	assert_int_equal(fdt_setprop_u32(fdt, bus, "#address-cells", 2), 0);
	assert_int_equal(fdt_setprop_u32(fdt, bus, "#size-cells", 2), 0);
	for (i = (int)n - 1; i >= 0; i--) { /* libfdt adds each first: the tree is in order */
		fdt32_t reg[4] = { 0, cpu_to_fdt32(0x20000000 + (uint32_t)i * 0x1000), 0,
				   cpu_to_fdt32(0x1000) };
		fdt32_t irq[3] = { 0, cpu_to_fdt32(100 + (uint32_t)i), cpu_to_fdt32(4) };
		char name[32];
		int dev;

		snprintf(name, sizeof(name), "dev@%x", 0x20000000 + i * 0x1000);
		dev = fdt_add_subnode(fdt, bus, name);
		assert_true(dev > 0);
		assert_int_equal(fdt_setprop(fdt, dev, "reg", reg, sizeof(reg)), 0);
		if (spis)
			assert_int_equal(fdt_setprop(fdt, dev, "interrupts", irq, sizeof(irq)), 0);
	}
	assert_int_equal(plat_parse_buf(fdt, size, &plat, err, sizeof(err)), 0);
	ledger_init(&ledger);
	assert_int_equal(assign_guests(fdt, &plat, &cfg, SKIFF_BASE, SKIFF_END, &ledger, out, note,
				       err, sizeof(err)),
			 -1);
	assert_string_equal(err, msg);
	free(fdt);
}

static void test_all_limits(void **state)
{
	(void)state;
	/* /lim comes first in the tree: guest@1's 2 devices with SPIs, guest@0's UART, then 125
	 * of /lim's make 128 */
	test_all_limit(
		130, true,
		"guest@0/devices: /lim/dev@2007d000: more than 128 devices with interrupts in "
		"all guests (skiff's limit)");
	/* its UART and 255 of /lim's make 256 */
	test_all_limit(260, false,
		       "guest@0/devices: /lim/dev@200ff000: more than 256 devices in guest@0");
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test_teardown(test_default, teardown),
		cmocka_unit_test_teardown(test_default_all_hosts, teardown),
		cmocka_unit_test_teardown(test_two_guests, teardown),
		cmocka_unit_test_teardown(test_modes, teardown),
		cmocka_unit_test_teardown(test_optional, teardown),
		cmocka_unit_test_teardown(test_optional_unpassable, teardown),
		cmocka_unit_test_teardown(test_cpus_startable, teardown),
		cmocka_unit_test_teardown(test_devices_all_providers, teardown),
		cmocka_unit_test_teardown(test_devices_all_providers_huge_cells, teardown),
		cmocka_unit_test_teardown(test_no_uart, teardown),
		cmocka_unit_test_teardown(test_host_extra, teardown),
		cmocka_unit_test_teardown(test_window_busy, teardown),
		cmocka_unit_test_teardown(test_channel, teardown),
		cmocka_unit_test_teardown(test_channel_all_ram, teardown),
		cmocka_unit_test_teardown(test_sense_flags, teardown),
		cmocka_unit_test_teardown(test_status_ok, teardown),
		cmocka_unit_test_teardown(test_gic_version_same, teardown),
		cmocka_unit_test_teardown(test_subpage_whole, teardown),
		cmocka_unit_test_teardown(test_kept_images, teardown),
		cmocka_unit_test_teardown(test_multiboot, teardown),
		cmocka_unit_test_teardown(test_auto, teardown),
		cmocka_unit_test_teardown(test_skiff_reserved, teardown),
		cmocka_unit_test_teardown(test_stage2_pages, teardown),
		cmocka_unit_test_teardown(test_skiff_range, teardown),
		cmocka_unit_test_teardown(test_duplicate_phandle, teardown),
		cmocka_unit_test_teardown(test_its_inside_gicd, teardown),
		cmocka_unit_test_teardown(test_accepted_builds, teardown),
		cmocka_unit_test_teardown(test_fuzz_host, teardown),
		cmocka_unit_test_teardown(test_devices_all, teardown),
		cmocka_unit_test_teardown(test_builtin_default, teardown),
		cmocka_unit_test_teardown(test_auto_windows, teardown),
		cmocka_unit_test_teardown(test_all_limits, teardown),
	};
	static struct CMUnitTest tests[NR_ERR_CASES + sizeof(fixed) / sizeof(fixed[0])];
	static char names[NR_ERR_CASES][64];
	size_t n = 0, i;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		tests[n++] = fixed[i];
	for (i = 0; i < NR_ERR_CASES; i++, n++) {
		snprintf(names[i], sizeof(names[i]), "refuse %s", err_cases[i].config);
		tests[n] = (struct CMUnitTest){ names[i], test_error, NULL, teardown,
						(void *)&err_cases[i] };
	}
	return _cmocka_run_group_tests("assign", tests, n, NULL, NULL);
}
