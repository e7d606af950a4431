/*
 * test_platform.c - host tests of hyp/plan/platform.c: QEMU virt's own device trees (dumped by
 * tests/unit/platform.mk), the hand-made edge and broken trees of tests/unit/dts/, and blobs
 * corrupted here (truncated, bad header, bad offsets, random byte flips). Reads fixtures from
 * $SKIFF_DTB_DIR (else $SKIFF_BUILD/tests/dtb, else build/tests/dtb) and writes nothing.
 * Built with ASan/UBSan: a malformed blob must give an error, never a crash or a bad read.
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

#include "hyp/plan/platform.h"

#define SZ_512M 0x20000000ULL
#define SZ_1G 0x40000000ULL
#define SZ_3G 0xc0000000ULL

/* QEMU virt's memory map (hw/arm/virt.c) and its interrupts. */
#define VIRT_RAM_BASE 0x40000000ULL
#define VIRT_GICD 0x8000000ULL
#define VIRT_GICD_SIZE 0x10000ULL
#define VIRT_GICR 0x80a0000ULL
#define VIRT_GICR_SIZE 0xf60000ULL
#define VIRT_UART 0x9000000ULL
#define VIRT_UART_SIZE 0x1000ULL
#define VIRT_UART_PATH "/pl011@9000000"
#define VIRT_FW_CFG 0x9020000ULL
#define VIRT_FW_CFG_SIZE 0x18ULL
#define VIRT_MAINT_INTID 25 /* PPI 9 */

#define FUZZ_ROUNDS 4000

/* ---- fixtures ---- */

static const char *dtb_dir(void)
{
	const char *env = getenv("SKIFF_DTB_DIR");

	if (env && *env)
		return env;
	env = getenv("SKIFF_BUILD");
	if (env && *env) {
		static char dir[512];

		snprintf(dir, sizeof(dir), "%s/tests/dtb", env);
		return dir;
	}
	return "build/tests/dtb";
}

static void load(const char *name, struct blob *b)
{
	char path[768];

	snprintf(path, sizeof(path), "%s/%s.dtb", dtb_dir(), name);
	fixture_read(path, "run make unit, or set SKIFF_DTB_DIR", b);
}

/* A copy of b in a buffer of exactly size bytes (so ASan sees any read past it). */
static uint8_t *copy_of(const struct blob *b, size_t size)
{
	uint8_t *buf = malloc(size ? size : 1);

	assert_non_null(buf);
	memcpy(buf, b->data, size < b->size ? size : b->size);
	return buf;
}

static void set_be32(uint8_t *blob, size_t off, uint32_t v)
{
	fdt32_t be = cpu_to_fdt32(v);

	memcpy(blob + off, &be, sizeof(be));
}

/*
 * QEMU's dumps are 1 MiB, mostly free space; packed they are a few KiB, which keeps the
 * every-prefix and fuzz loops quick (and is what a bootloader hands over, padding aside).
 */
static void load_packed(const char *name, struct blob *b)
{
	load(name, b);
	assert_int_equal(fdt_pack(b->data), 0);
	b->size = fdt_totalsize(b->data);
}

static void parse_ok(const char *name, struct platform *p)
{
	struct platform again;
	char err[PLAT_ERR_MAX];
	struct blob b;
	int ret;

	load(name, &b);
	ret = plat_parse_buf(b.data, b.size, p, err, sizeof(err));
	if (ret)
		fail_msg("%s: plat_parse_buf failed: %s", name, err);
	assert_string_equal(err, "");

	/* plat_parse (totalsize trusted) agrees. */
	assert_int_equal(plat_parse(b.data, &again, err, sizeof(err)), 0);
	assert_memory_equal(p, &again, sizeof(again));
	free(b.data);
}

static void assert_range(const struct plat_range *r, uint64_t base, uint64_t size)
{
	assert_int_equal(r->base, base);
	assert_int_equal(r->size, size);
}

/* The GIC, timer, UART and fw_cfg of QEMU virt (and of base.dtsi, which copies them). */
static void assert_virt_devices(const struct platform *p)
{
	assert_range(&p->gicd, VIRT_GICD, VIRT_GICD_SIZE);
	assert_int_equal(p->gicr_count, 1);
	assert_range(&p->gicr[0], VIRT_GICR, VIRT_GICR_SIZE);
	assert_int_equal(p->gicr_stride, 0);
	assert_int_equal(p->gic_maint_intid, VIRT_MAINT_INTID);

	assert_int_equal(p->timer_intid[PLAT_TIMER_SEC_PHYS], 29);
	assert_int_equal(p->timer_intid[PLAT_TIMER_PHYS], 30);
	assert_int_equal(p->timer_intid[PLAT_TIMER_VIRT], 27);
	assert_int_equal(p->timer_intid[PLAT_TIMER_HYP_PHYS], 26);

	assert_int_equal(p->con.uart.kind, UART_PL011);
	assert_range(&p->con.reg, VIRT_UART, VIRT_UART_SIZE);
	assert_int_equal(p->con.uart.base, VIRT_UART);
	assert_string_equal(p->con.path, VIRT_UART_PATH);

	assert_true(p->has_fw_cfg);
	assert_range(&p->fw_cfg, VIRT_FW_CFG, VIRT_FW_CFG_SIZE);
}

/* ---- QEMU virt's device trees ---- */

struct qemu_case {
	const char *name;
	unsigned int cpus; /* cpu nodes in the DT */
	uint64_t mem_size;
	enum plat_psci_conduit psci;
};

static const struct qemu_case qemu_cases[] = {
	{ "qemu-smp1", 1, SZ_1G, PLAT_PSCI_SMC },
	{ "qemu-smp2", 2, SZ_1G, PLAT_PSCI_SMC },
	{ "qemu-smp4", 4, SZ_1G, PLAT_PSCI_SMC },
	{ "qemu-smp8", 8, SZ_1G, PLAT_PSCI_SMC },
	{ "qemu-smp12", 12, SZ_1G, PLAT_PSCI_SMC },
	{ "qemu-a53-512M", 2, SZ_512M, PLAT_PSCI_SMC },
	{ "qemu-max-3G", 4, SZ_3G, PLAT_PSCI_SMC },
	/* secure=on: QEMU leaves PSCI to the secure firmware (no psci node) and adds a
	 * secure-only memory node (status "disabled"), which must not count. */
	{ "qemu-secure", 2, SZ_1G, PLAT_PSCI_NONE },
};

#define NR_QEMU_CASES (sizeof(qemu_cases) / sizeof(qemu_cases[0]))

/* The GIC's phandle as the root's interrupt-parent names it. */
static int root_interrupt_parent(const char *name)
{
	const fdt32_t *v;
	struct blob b;
	int len, ph;

	load(name, &b);
	v = fdt_getprop(b.data, 0, "interrupt-parent", &len);
	assert_non_null(v);
	assert_int_equal(len, 4);
	ph = (int)fdt32_to_cpu(*v);
	free(b.data);
	return ph;
}

static void test_qemu(void **state)
{
	const struct qemu_case *qc = *state;
	unsigned int kept = qc->cpus < PLAT_MAX_CPUS ? qc->cpus : PLAT_MAX_CPUS;
	struct platform p;
	unsigned int i;

	parse_ok(qc->name, &p);

	assert_int_equal(p.mem_count, 1);
	assert_range(&p.mem[0], VIRT_RAM_BASE, qc->mem_size);

	/* With a GICv3, QEMU virt puts up to 16 cpus in cluster 0: MPIDR = index. */
	assert_int_equal(p.cpu_count, kept);
	assert_int_equal(p.cpus_ignored, qc->cpus - kept);
	for (i = 0; i < kept; i++) {
		assert_int_equal(p.cpu[i].mpidr, i);
		/* QEMU gives a lone cpu no enable-method: nothing to start. */
		assert_int_equal(p.cpu[i].enable_method,
				 qc->cpus > 1 ? PLAT_ENABLE_PSCI : PLAT_ENABLE_NONE);
		assert_int_equal(p.cpu[i].release_addr, 0);
		assert_int_equal(plat_cpu_index(&p, i), (int)i);
		/* MPIDR_EL1 as read on the cpu: RES1 bit 31 and U/MT bits do not matter. */
		assert_int_equal(plat_cpu_index(&p, 0x80000000ULL | i), (int)i);
	}
	assert_int_equal(plat_cpu_index(&p, kept), -1);

	assert_virt_devices(&p);
	assert_int_equal(p.gic_phandle, root_interrupt_parent(qc->name));
	assert_true(p.gic_phandle > 0);
	assert_int_equal(p.psci, qc->psci);
}

/* ---- trees that must be refused, and the exact message ---- */

struct err_case {
	const char *name;
	const char *msg;
};

static const struct err_case err_cases[] = {
	/* virtualization=off: no EL2, so QEMU gives the GIC no maintenance interrupt. */
	{ "qemu-novirt", "/intc@8000000: no maintenance interrupt (no interrupts property)" },
	{ "qemu-secure-novirt",
	  "/intc@8000000: no maintenance interrupt (no interrupts property)" },
	{ "no-memory", "no memory node" },
	{ "mem-bad-reg", "/memory@40000000: reg is 12 bytes, not a multiple of 16" },
	{ "mem-too-many", "/memory@40000000: more than 8 memory banks" },
	{ "mem-wrap", "/memory@40000000: reg 0: 0xfffffffffff00000+0x200000 wraps around" },
	{ "mem-empty", "no memory: every memory bank has size 0" },
	{ "root-cells3", "/: #address-cells 3 is not supported (1 or 2)" },
	{ "no-cpus", "no /cpus node" },
	{ "cpus-empty", "/cpus: no cpu nodes" },
	{ "cpus-cells3", "/cpus: #address-cells 3 is not supported (1 or 2)" },
	{ "cpu-reg-len", "/cpus/cpu@1: reg is 8 bytes, not 4 (#address-cells 1)" },
	{ "cpu-no-reg", "/cpus/cpu@1: no reg property" },
	{ "cpu-dup", "/cpus/cpu@1: MPIDR 0x0 already used by /cpus/cpu@0" },
	{ "cpu-spin-no-release",
	  "/cpus/cpu@1: enable-method \"spin-table\" without cpu-release-addr" },
	{ "cpu-spin-release-short", "/cpus/cpu@1: cpu-release-addr is 4 bytes, not 8" },
	{ "cpu-spin-release-unaligned",
	  "/cpus/cpu@1: cpu-release-addr 0x400000e4 is not an 8-byte aligned address in RAM" },
	{ "cpu-spin-release-not-ram",
	  "/cpus/cpu@1: cpu-release-addr 0x80000000 is not an 8-byte aligned address in RAM" },
	{ "cpu-dup-ignored", "/cpus/cpu@9: MPIDR 0x3 already used by /cpus/cpu@3" },
	{ "mem-overlap", "/memory@60000000: bank 0x60000000+0x10000000 overlaps bank "
			 "0x40000000+0x40000000" },
	{ "no-gic",
	  "no interrupt controller (no node compatible \"arm,gic-v3\" or \"arm,gic-400\")" },
	{ "gic-v2", "/intc@8000000: reg has 2 entries, need 4 (GICD, GICC, GICH, GICV): a GIC "
		    "without the Virtualization Extensions" },
	{ "gic-other", "/intc@8000000: interrupt controller is not a GIC (compatible "
		       "\"brcm,bcm2836-armctrl-ic\")" },
	{ "gic-gicd-only", "/intc@8000000: reg has 1 entry, need 2 (GICD + 1 GICR)" },
	{ "gic-too-many-redist",
	  "/intc@8000000: #redistributor-regions 5 is not supported (1 to 4)" },
	{ "gic-bad-stride",
	  "/intc@8000000: redistributor-stride 0x12345 is not a multiple of 64 KiB" },
	{ "gic-no-icells", "/intc@8000000: no #interrupt-cells property" },
	{ "gic-maint-type", "/intc@8000000: interrupt 0: type 2 is neither SPI (0) nor PPI (1)" },
	{ "gic-maint-len",
	  "/intc@8000000: interrupts is 8 bytes, not a multiple of 12 (#interrupt-cells 3)" },
	{ "timer-3irq", "/timer: interrupts has 3 specifiers, need 4" },
	{ "timer-ppi-range", "/timer: interrupt 2: PPI 16 is out of range" },
	{ "timer-parent", "/timer: interrupt parent is not the GIC /intc@8000000" },
	{ "no-timer", "no timer node (compatible \"arm,armv8-timer\")" },
	{ "ranges-outside", "/soc/intc@0: 0xa0000+0xf60000 is outside the ranges of /soc" },
	{ "reserved-no-ranges",
	  "/reserved-memory/tfa@7e000000: bus /reserved-memory has no ranges: "
	  "its children are not memory-mapped" },
	{ "psci-foo", "/psci: method \"foo\" is neither \"smc\" nor \"hvc\"" },
	{ "psci-no-method", "/psci: no method property" },
};

#define NR_ERR_CASES (sizeof(err_cases) / sizeof(err_cases[0]))

static void test_error(void **state)
{
	const struct err_case *ec = *state;
	char err[PLAT_ERR_MAX];
	struct platform p;
	struct blob b;

	load(ec->name, &b);
	memset(err, 'x', sizeof(err));
	assert_true(plat_parse_buf(b.data, b.size, &p, err, sizeof(err)) < 0);
	assert_string_equal(err, ec->msg);
	memset(err, 'x', sizeof(err));
	assert_true(plat_parse(b.data, &p, err, sizeof(err)) < 0);
	assert_string_equal(err, ec->msg);
	free(b.data);
}

/* ---- hand-made trees that must parse ---- */

static void test_good(void **state)
{
	struct platform p;

	(void)state;
	parse_ok("good", &p);
	assert_int_equal(p.mem_count, 1);
	assert_range(&p.mem[0], VIRT_RAM_BASE, SZ_1G);
	assert_int_equal(p.cpu_count, 2);
	assert_int_equal(p.cpus_ignored, 0);
	assert_int_equal(p.cpu[0].mpidr, 0);
	assert_int_equal(p.cpu[1].mpidr, 1);
	assert_virt_devices(&p);
	assert_int_equal(p.psci, PLAT_PSCI_SMC);
}

static void test_mem_two_banks(void **state)
{
	struct platform p;

	(void)state;
	parse_ok("mem-two-banks", &p);
	/* The zero-size bank and the disabled node are left out. */
	assert_int_equal(p.mem_count, 2);
	assert_range(&p.mem[0], VIRT_RAM_BASE, SZ_512M);
	assert_range(&p.mem[1], 0x100000000ULL, SZ_1G);
}

static void test_mem_nested(void **state)
{
	struct platform p;

	(void)state;
	parse_ok("mem-nested", &p);
	assert_int_equal(p.mem_count, 1);
	assert_int_equal(p.mem[0].base, 0x40000000);
	assert_int_equal(p.mem[0].size, 0x40000000);
}

static void test_root_cells(void **state)
{
	static const char *const names[] = { "root-size1", "root-default-cells" };
	unsigned int i;

	(void)state;
	for (i = 0; i < 2; i++) {
		struct platform p;

		parse_ok(names[i], &p);
		assert_int_equal(p.mem_count, 1);
		assert_range(&p.mem[0], VIRT_RAM_BASE, SZ_1G);
		assert_virt_devices(&p);
	}
}

static void test_cpu_reg2(void **state)
{
	struct platform p;

	(void)state;
	parse_ok("cpu-reg2", &p);
	assert_int_equal(p.cpu_count, 4); /* cpu@202 is disabled */
	assert_int_equal(p.cpus_ignored, 0);
	assert_int_equal(p.cpu[0].mpidr, 0);
	assert_int_equal(p.cpu[1].mpidr, 0x100);
	assert_int_equal(p.cpu[2].mpidr, 0x100000000ULL);
	assert_int_equal(p.cpu[3].mpidr, 0x201); /* reg 0xc1000201: bits 31, 30, 24 dropped */
	assert_int_equal(p.cpu[0].enable_method, PLAT_ENABLE_PSCI);
	assert_int_equal(p.cpu[1].enable_method, PLAT_ENABLE_PSCI);
	assert_int_equal(p.cpu[2].enable_method, PLAT_ENABLE_PSCI);
	assert_int_equal(p.cpu[3].enable_method, PLAT_ENABLE_SPIN_TABLE);
	assert_int_equal(p.cpu[3].release_addr, 0x7ffffff8); /* the last 8 bytes of RAM */

	assert_int_equal(plat_cpu_index(&p, 0x80000100ULL), 1);
	assert_int_equal(plat_cpu_index(&p, 0x100000000ULL), 2);
	assert_int_equal(plat_cpu_index(&p, 0x81000201ULL), 3);
	assert_int_equal(plat_cpu_index(&p, 0x202), -1);
	assert_int_equal(plat_cpu_index(&p, 0x10000), -1);
}

/* Each cpu's enable-method: spin-table with its release address, psci first when both are
 * listed, and one skiff does not know (the cpu is kept, but not started). */
static void test_cpu_spin_table(void **state)
{
	struct platform p;

	(void)state;
	parse_ok("cpu-spin-table", &p);
	assert_int_equal(p.cpu_count, 4);
	assert_int_equal(p.cpu[0].enable_method, PLAT_ENABLE_SPIN_TABLE);
	assert_int_equal(p.cpu[0].release_addr, 0x400000d8);
	assert_int_equal(p.cpu[1].enable_method, PLAT_ENABLE_SPIN_TABLE);
	assert_int_equal(p.cpu[1].release_addr, 0x400000e0);
	assert_int_equal(p.cpu[2].enable_method, PLAT_ENABLE_PSCI);
	assert_int_equal(p.cpu[2].release_addr, 0);
	assert_int_equal(p.cpu[3].mpidr, 3);
	assert_int_equal(p.cpu[3].enable_method, PLAT_ENABLE_NONE);
	assert_int_equal(p.cpu[3].release_addr, 0);
	/* the release addresses' page is kept from guests like no-map memory, once */
	assert_int_equal(p.resv_count, 1);
	assert_range(&p.resv[0].r, 0x40000000, 0x1000);
	assert_true(p.resv[0].no_map);
}

/* The console's registers in RAM or in the GIC's: a wrong tree, refused naming the node (skiff
 * would write its lines there). Not 4-byte aligned: no console. */
static void test_console_overlaps(void **state)
{
	static const struct {
		uint64_t base;
		const char *err;
	} cases[] = {
		{ 0x50000000, "/pl011@9000000: console registers 0x50000000+0x1000 overlap RAM "
			      "0x40000000+0x40000000" },
		{ 0x80a0000,
		  "/pl011@9000000: console registers 0x80a0000+0x1000 overlap the GIC's" },
		{ 0x8000ff0,
		  "/pl011@9000000: console registers 0x8000ff0+0x1000 overlap the GIC's" },
	};
	char err[PLAT_ERR_MAX];
	struct platform p;
	struct blob b;
	uint8_t *buf;
	unsigned int i;
	int uart;

	(void)state;
	load("good", &b);
	buf = copy_of(&b, b.size);
	uart = fdt_path_offset(buf, "/pl011@9000000");
	assert_true(uart > 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fdt32_t reg[4] = { cpu_to_fdt32((uint32_t)(cases[i].base >> 32)),
				   cpu_to_fdt32((uint32_t)cases[i].base), 0, cpu_to_fdt32(0x1000) };

		assert_int_equal(fdt_setprop_inplace(buf, uart, "reg", reg, sizeof(reg)), 0);
		assert_int_equal(plat_parse_buf(buf, b.size, &p, err, sizeof(err)), -1);
		assert_string_equal(err, cases[i].err);
	}
	{
		fdt32_t reg[4] = { 0, cpu_to_fdt32(0x9000002), 0, cpu_to_fdt32(0x1000) };

		assert_int_equal(fdt_setprop_inplace(buf, uart, "reg", reg, sizeof(reg)), 0);
		assert_int_equal(plat_parse_buf(buf, b.size, &p, err, sizeof(err)), 0);
		assert_int_equal(p.con.uart.kind, UART_NONE);
		assert_string_equal(
			p.con.why, "/pl011@9000000: registers at 0x9000002 are not 4-byte aligned");
	}
	free(buf);
	free(b.data);
}

/* A cpu beyond the PLAT_MAX_CPUS skiff starts stays in the firmware's pen: its release address
 * is checked and kept from guests all the same. */
static void test_cpu_spin_ignored(void **state)
{
	char err[PLAT_ERR_MAX], name[16];
	struct platform p;
	struct blob b;
	uint8_t *buf;
	size_t size;
	int cpus, node, i;

	(void)state;
	load("cpu-spin-table", &b);
	size = b.size + 4096;
	buf = copy_of(&b, size);
	assert_int_equal(fdt_open_into(b.data, buf, (int)size), 0);
	cpus = fdt_path_offset(buf, "/cpus");
	/* five more spin-table cpus; libfdt adds each before the others, so the tree's ninth
	 * cpu is cpu@3, which becomes a spin-table cpu too */
	for (i = 4; i <= PLAT_MAX_CPUS; i++) {
		snprintf(name, sizeof(name), "cpu@%d", i);
		node = fdt_add_subnode(buf, cpus, name);
		assert_true(node >= 0);
		assert_int_equal(fdt_setprop_string(buf, node, "device_type", "cpu"), 0);
		assert_int_equal(fdt_setprop_u32(buf, node, "reg", (uint32_t)i), 0);
		assert_int_equal(fdt_setprop_string(buf, node, "enable-method", "spin-table"), 0);
		assert_int_equal(fdt_setprop_u64(buf, node, "cpu-release-addr", 0x400000f0ull), 0);
	}
	node = fdt_path_offset(buf, "/cpus/cpu@3");
	assert_int_equal(fdt_setprop_string(buf, node, "enable-method", "spin-table"), 0);
	assert_int_equal(fdt_setprop_u64(buf, node, "cpu-release-addr", 0x7ffff003ull), 0);
	assert_int_equal(plat_parse_buf(buf, size, &p, err, sizeof(err)), -1);
	assert_string_equal(err, "/cpus/cpu@3: cpu-release-addr 0x7ffff003 is not an 8-byte "
				 "aligned address in RAM");
	node = fdt_path_offset(buf, "/cpus/cpu@3");
	assert_int_equal(fdt_setprop_u64(buf, node, "cpu-release-addr", 0x7ffff008ull), 0);
	assert_int_equal(plat_parse_buf(buf, size, &p, err, sizeof(err)), 0);
	node = fdt_path_offset(buf, "/cpus/cpu@3");
	assert_int_equal(p.cpu_count, PLAT_MAX_CPUS);
	assert_int_equal(p.cpus_ignored, 1);
	assert_int_equal(p.resv_count, 2);
	assert_range(&p.resv[1].r, 0x7ffff000, 0x1000);
	assert_true(p.resv[1].no_map);
	assert_int_equal(p.resv[1].node, node);
	free(buf);
	free(b.data);
}

static void test_gic_two_redist(void **state)
{
	struct platform p;

	(void)state;
	parse_ok("gic-two-redist", &p);
	assert_range(&p.gicd, VIRT_GICD, VIRT_GICD_SIZE);
	assert_int_equal(p.gicr_count, 2);
	assert_range(&p.gicr[0], VIRT_GICR, 0x100000);
	assert_range(&p.gicr[1], 0x8200000, 0x80000);
	assert_int_equal(p.gicr_stride, 0x40000);
	assert_int_equal(p.gic_maint_intid, VIRT_MAINT_INTID);
	assert_int_equal(p.timer_intid[PLAT_TIMER_VIRT], 27);
	assert_int_equal(p.timer_intid[PLAT_TIMER_HYP_PHYS], 26);
}

/* QEMU virt with gic-version=2: a GICv2 with GICD, GICC, GICH and GICV, 64 KiB apart. */
static void test_qemu_gicv2(void **state)
{
	struct platform p;

	(void)state;
	parse_ok("qemu-gicv2", &p);
	assert_int_equal(p.gic_version, 2);
	assert_range(&p.gicd, VIRT_GICD, VIRT_GICD_SIZE);
	assert_range(&p.gicc, 0x8010000, 0x10000);
	assert_range(&p.gich, 0x8030000, 0x10000);
	assert_range(&p.gicv, 0x8040000, 0x10000);
	assert_int_equal(p.gicr_count, 0);
	assert_int_equal(p.gic_maint_intid, VIRT_MAINT_INTID);
	assert_int_equal(p.cpu_count, 4);
	assert_int_equal(p.timer_intid[PLAT_TIMER_VIRT], 27);
	assert_true(p.gic_phandle > 0);
}

/* A GIC-400 with 64 KiB aliases behind a bus's ranges: the frames are CPU addresses. */
static void test_gic_v2_aliased(void **state)
{
	struct platform p;

	(void)state;
	parse_ok("gic-v2-aliased", &p);
	assert_int_equal(p.gic_version, 2);
	assert_range(&p.gicd, 0xf1010000, 0x10000);
	assert_range(&p.gicc, 0xf1020000, 0x20000);
	assert_range(&p.gich, 0xf1040000, 0x20000);
	assert_range(&p.gicv, 0xf1060000, 0x20000);
	assert_int_equal(p.gic_maint_intid, VIRT_MAINT_INTID);
}

static void test_gic_maint_spi(void **state)
{
	struct platform p;

	(void)state;
	parse_ok("gic-maint-spi", &p);
	assert_int_equal(p.gic_maint_intid, 37);
}

static void test_stdout(void **state)
{
	struct platform p;

	(void)state;
	parse_ok("stdout-alias", &p);
	assert_int_equal(p.con.uart.kind, UART_PL011);
	assert_range(&p.con.reg, VIRT_UART, VIRT_UART_SIZE);
	assert_string_equal(p.con.path, VIRT_UART_PATH);

	/* linux,stdout-path; an 8250 with its registers 4 bytes apart */
	parse_ok("stdout-linux", &p);
	assert_int_equal(p.con.uart.kind, UART_8250);
	assert_range(&p.con.reg, 0x9100000, 0x100);
	assert_int_equal(p.con.uart.base, 0x9100000);
	assert_int_equal(p.con.uart.reg_shift, 2);
	assert_int_equal(p.con.uart.io_width, 1);
	assert_string_equal(p.con.path, "/serial@9100000");
}

/* A stdout-path that leads nowhere skiff can print is no console, with the reason: never an
 * error (5 of Debian's board trees have such a stdout-path). */
struct none_case {
	const char *name;
	const char *why;
};

static const struct none_case none_cases[] = {
	{ "stdout-missing",
	  "/chosen/stdout-path \"/pl011@9999000:115200n8\" does not resolve to a node" },
	{ "stdout-bad-alias", "/chosen/stdout-path \"serial3\" does not resolve to a node" },
	{ "stdout-alias-binary", "/aliases/serial0 is not a full path" },
	/* libfdt 1.6.1 would follow this alias into itself until the stack runs out. */
	{ "stdout-alias-loop", "/aliases/serial0 is not a full path" },
	{ "uart-no-reg", "/pl011@9000000: no reg" },
	{ "uart-reg-empty", "/pl011@9000000: reg is empty" },
	{ "ranges-none",
	  "/i2c/serial@48: no driver for compatible \"nxp,sc16is752\", and no MMIO" },
	{ "minimal", "no stdout-path in /chosen" },
};

static void test_console_none(void **state)
{
	struct platform p;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(none_cases) / sizeof(none_cases[0]); i++) {
		parse_ok(none_cases[i].name, &p);
		assert_int_equal(p.con.uart.kind, UART_NONE);
		assert_string_equal(p.con.why, none_cases[i].why);
	}
}

/* GIC, console UART and fw_cfg behind a bus with ranges: their CPU addresses (QEMU virt's). */
static void test_ranges(void **state)
{
	struct platform p;

	(void)state;
	parse_ok("ranges-soc", &p);
	assert_range(&p.gicd, 0x8000000, 0x10000);
	assert_int_equal(p.gicr_count, 1);
	assert_range(&p.gicr[0], 0x80a0000, 0xf60000);
	assert_int_equal(p.con.uart.kind, UART_PL011);
	assert_range(&p.con.reg, VIRT_UART, VIRT_UART_SIZE);
	assert_int_equal(p.con.uart.base, VIRT_UART);
	assert_string_equal(p.con.path, "/soc/serial@1000000");
	assert_true(p.has_fw_cfg);
	assert_range(&p.fw_cfg, 0x9020000, 0x18);
}

/* /memreserve/ entries first, then the static /reserved-memory regions that are enabled. */
static void test_reserved(void **state)
{
	char err[PLAT_ERR_MAX];
	struct platform p;
	struct blob b;
	uint8_t *buf;
	size_t size;

	(void)state;
	load("reserved", &b);
	size = b.size + 64;
	buf = copy_of(&b, size);
	assert_int_equal(fdt_open_into(b.data, buf, (int)size), 0);
	assert_int_equal(fdt_add_mem_rsv(buf, 0x40000000, 0x1000), 0);
	assert_int_equal(plat_parse_buf(buf, size, &p, err, sizeof(err)), 0);
	assert_int_equal(p.resv_count, 3);
	assert_range(&p.resv[0].r, 0x40000000, 0x1000);
	assert_true(p.resv[0].no_map);
	assert_int_equal(p.resv[0].node, -1);
	assert_range(&p.resv[1].r, 0x7e000000, 0x200000);
	assert_true(p.resv[1].no_map);
	assert_int_equal(p.resv[1].node, fdt_path_offset(buf, "/reserved-memory/tfa@7e000000"));
	assert_range(&p.resv[2].r, 0x7f000000, 0x100000);
	assert_false(p.resv[2].no_map);
	free(buf);
	free(b.data);

	parse_ok("good", &p);
	assert_int_equal(p.resv_count, 0);
}

/* Up to PLAT_MAX_RESV regions (Qualcomm's trees have up to 44): all kept; one more is refused
 * with the limit named. */
static void test_reserved_many(void **state)
{
	char err[PLAT_ERR_MAX];
	struct platform p;
	struct blob b;
	uint8_t *buf;
	size_t size;
	int i;

	(void)state;
	load("reserved", &b);
	size = b.size + 16 * (PLAT_MAX_RESV + 1);
	buf = copy_of(&b, size);
	assert_int_equal(fdt_open_into(b.data, buf, (int)size), 0);
	for (i = 0; i < PLAT_MAX_RESV - 2; i++) /* + tfa and ramoops */
		assert_int_equal(fdt_add_mem_rsv(buf, 0x40000000 + (uint64_t)i * 0x10000, 0x1000),
				 0);
	assert_int_equal(plat_parse_buf(buf, size, &p, err, sizeof(err)), 0);
	assert_int_equal(p.resv_count, PLAT_MAX_RESV);
	assert_range(&p.resv[PLAT_MAX_RESV - 3].r, 0x40000000 + (PLAT_MAX_RESV - 3) * 0x10000ull,
		     0x1000);
	assert_range(&p.resv[PLAT_MAX_RESV - 1].r, 0x7f000000, 0x100000);
	assert_int_equal(fdt_add_mem_rsv(buf, 0x50000000, 0x1000), 0);
	assert_int_equal(plat_parse_buf(buf, size, &p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "more than 64 reserved memory regions"));
	free(buf);
	free(b.data);
}

static void test_minimal(void **state)
{
	struct platform p;

	(void)state;
	parse_ok("minimal", &p);
	assert_int_equal(p.con.uart.kind, UART_NONE);
	assert_string_equal(p.con.path, "");
	assert_range(&p.con.reg, 0, 0);
	assert_int_equal(p.psci, PLAT_PSCI_NONE);
	assert_false(p.has_fw_cfg);
	assert_int_equal(p.cpu_count, 2);
}

static void test_psci_hvc(void **state)
{
	struct platform p;

	(void)state;
	parse_ok("psci-hvc", &p);
	assert_int_equal(p.psci, PLAT_PSCI_HVC);
}

/* ---- corrupt blobs ---- */

static void expect_error(const void *fdt, size_t size, const char *msg)
{
	char err[PLAT_ERR_MAX];
	struct platform p;

	memset(err, 'x', sizeof(err));
	assert_true(plat_parse_buf(fdt, size, &p, err, sizeof(err)) < 0);
	if (msg)
		assert_string_equal(err, msg);
	else
		assert_true(err[0] != '\0' && strlen(err) < sizeof(err));
}

static void test_bad_header(void **state)
{
	struct blob b;
	uint8_t *buf;

	(void)state;
	load("qemu-smp4", &b);

	buf = copy_of(&b, b.size);
	set_be32(buf, offsetof(struct fdt_header, magic), 0xd00dfeee);
	expect_error(buf, b.size, "device tree header: FDT_ERR_BADMAGIC");
	free(buf);

	buf = copy_of(&b, b.size);
	set_be32(buf, offsetof(struct fdt_header, version), 1);
	set_be32(buf, offsetof(struct fdt_header, last_comp_version), 1);
	expect_error(buf, b.size, "device tree header: FDT_ERR_BADVERSION");
	free(buf);

	/* Structure block placed at the very end: past totalsize once its size is added. */
	buf = copy_of(&b, b.size);
	set_be32(buf, offsetof(struct fdt_header, off_dt_struct), fdt_totalsize(b.data) - 4);
	expect_error(buf, b.size, "device tree header: FDT_ERR_TRUNCATED");
	free(buf);

	free(b.data);
}

/* Every prefix of a good blob: the header still claims the full size. */
static void test_truncated(void **state)
{
	char msg[PLAT_ERR_MAX];
	struct blob b;
	size_t len;

	(void)state;
	load_packed("qemu-smp2", &b);
	for (len = 0; len < b.size; len++) {
		uint8_t *buf = copy_of(&b, len);

		if (len < sizeof(struct fdt_header))
			snprintf(msg, sizeof(msg),
				 "device tree: %zu bytes, smaller than its header", len);
		else
			snprintf(msg, sizeof(msg),
				 "device tree: totalsize %zu is larger than its %zu bytes", b.size,
				 len);
		expect_error(buf, len, msg);
		free(buf);
	}
	free(b.data);
}

/* Every prefix again, with totalsize made to match it: libfdt must notice the rest. */
static void test_truncated_totalsize(void **state)
{
	struct blob b;
	size_t len;

	(void)state;
	load("good", &b);
	for (len = sizeof(struct fdt_header); len < b.size; len++) {
		uint8_t *buf = copy_of(&b, len);

		set_be32(buf, offsetof(struct fdt_header, totalsize), (uint32_t)len);
		expect_error(buf, len, NULL);
		free(buf);
	}
	free(b.data);
}

static void test_totalsize_larger(void **state)
{
	char msg[PLAT_ERR_MAX];
	struct blob b;
	uint8_t *buf;

	(void)state;
	load("qemu-smp4", &b);
	buf = copy_of(&b, b.size);
	set_be32(buf, offsetof(struct fdt_header, totalsize), (uint32_t)b.size + 4096);
	snprintf(msg, sizeof(msg), "device tree: totalsize %zu is larger than its %zu bytes",
		 b.size + 4096, b.size);
	expect_error(buf, b.size, msg);
	free(buf);
	free(b.data);
}

/* Offset in the structure block of the first FDT_PROP tag after start. */
static int find_prop_tag(const void *fdt, int start)
{
	int off = start, next;
	uint32_t tag;

	do {
		tag = fdt_next_tag(fdt, off, &next);
		if (tag == FDT_PROP && off > start)
			return off;
		off = next;
	} while (tag != FDT_END && next >= 0);
	fail_msg("no property tag");
	return -1;
}

/* A property whose name offset points outside the strings block, or whose length runs
 * past the structure block. */
static void test_bad_offsets(void **state)
{
	struct blob b;
	uint8_t *buf;
	size_t at;
	int tag;

	(void)state;
	load("qemu-smp4", &b);
	tag = find_prop_tag(b.data, 0);
	at = fdt_off_dt_struct(b.data) + (size_t)tag;

	buf = copy_of(&b, b.size);
	set_be32(buf, at + 8, 0x7fffff00); /* nameoff */
	expect_error(buf, b.size, "device tree structure: FDT_ERR_BADOFFSET");
	free(buf);

	buf = copy_of(&b, b.size);
	set_be32(buf, at + 8, fdt_size_dt_strings(b.data)); /* just past the last string */
	expect_error(buf, b.size, "device tree structure: FDT_ERR_BADOFFSET");
	free(buf);

	buf = copy_of(&b, b.size);
	set_be32(buf, at + 4, 0x7ffffff0); /* len */
	expect_error(buf, b.size, NULL);
	free(buf);

	/* Lengths that wrap libfdt 1.6.1's int offset: -12 lands back on the same property, and
	 * fdt_check_full() would loop for ever (found by tests/fuzz's platform target). */
	{
		static const uint32_t wraps[] = { 0xfffffff4, 0xfffffff0, 0x80000000, 0xffffffff };
		char msg[PLAT_ERR_MAX];
		unsigned int i;

		snprintf(msg, sizeof(msg),
			 "device tree structure: FDT_ERR_BADSTRUCTURE at structure offset 0x%x",
			 (unsigned int)tag);
		for (i = 0; i < sizeof(wraps) / sizeof(wraps[0]); i++) {
			buf = copy_of(&b, b.size);
			set_be32(buf, at + 4, wraps[i]);
			expect_error(buf, b.size, msg);
			free(buf);
		}
	}

	/* The strings block made to end one byte early: the last name loses its NUL. */
	buf = copy_of(&b, b.size);
	set_be32(buf, offsetof(struct fdt_header, size_dt_strings),
		 fdt_size_dt_strings(b.data) - 1);
	expect_error(buf, b.size, NULL);
	free(buf);

	free(b.data);
}

/* A blob older than version 16 (names as full paths): refused before libfdt's checker, which
 * dereferences NULL on some of them (libfdt 1.6.1, found by tests/fuzz). */
static void test_old_version(void **state)
{
	struct blob b;
	uint8_t *buf;

	(void)state;
	load("good", &b);
	buf = copy_of(&b, b.size);
	set_be32(buf, offsetof(struct fdt_header, version), 4);
	set_be32(buf, offsetof(struct fdt_header, last_comp_version), 3);
	expect_error(buf, b.size, "device tree version 4: skiff reads version 16 and later");
	free(buf);
	free(b.data);
}

/* A '/' in a node name (dtc will not write one; libfdt 1.6.1 accepts it, and fdt_get_path()
 * then names other nodes: found by tests/fuzz's platform target). */
static void test_slash_in_node_name(void **state)
{
	char msg[PLAT_ERR_MAX];
	struct blob b;
	uint8_t *buf;
	int node, len;
	const char *name;

	(void)state;
	load("good", &b);
	node = fdt_path_offset(b.data, "/psci");
	assert_true(node > 0);
	name = fdt_get_name(b.data, node, &len);
	assert_int_equal(len, 4);
	buf = copy_of(&b, b.size);
	buf[(size_t)(name - (const char *)b.data) + 2] = '/'; /* "ps/i" */
	snprintf(msg, sizeof(msg),
		 "device tree structure: FDT_ERR_BADSTRUCTURE at structure offset 0x%x",
		 (unsigned int)node);
	expect_error(buf, b.size, msg);
	free(buf);
	free(b.data);
}

/* Random damage: never a crash; an error always comes with a message. */
static void fuzz(const char *name, uint32_t seed)
{
	char err[PLAT_ERR_MAX];
	struct platform p;
	uint32_t x = seed;
	struct blob b;
	int round;

	load_packed(name, &b);
	for (round = 0; round < FUZZ_ROUNDS; round++) {
		uint8_t *buf = copy_of(&b, b.size);
		int flips = 1 + round % 4, i, ret;

		for (i = 0; i < flips; i++) {
			size_t at;

			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			/* Mostly past the header, where libfdt's checks are thinner. */
			if (round % 8)
				at = sizeof(struct fdt_header) +
				     x % (b.size - sizeof(struct fdt_header));
			else
				at = x % b.size;
			buf[at] = (round & 1) ? (uint8_t)(x >> 8)
					      : buf[at] ^ (uint8_t)(1u << (x % 8));
		}
		ret = plat_parse_buf(buf, b.size, &p, err, sizeof(err));
		if (ret) {
			const char *e;

			assert_true(ret < 0);
			assert_true(err[0] != '\0');
			for (e = err; *e; e++) /* blob bytes in it are made printable */
				assert_true(*e >= 0x20 && *e <= 0x7e);
		} else {
			assert_true(p.mem_count >= 1 && p.mem_count <= PLAT_MAX_MEM);
			assert_true(p.cpu_count >= 1 && p.cpu_count <= PLAT_MAX_CPUS);
			assert_true(p.gicr_count >= 1 && p.gicr_count <= PLAT_MAX_GICR);
			assert_true(strlen(p.con.path) < sizeof(p.con.path));
		}
		assert_true(strlen(err) < sizeof(err));
		free(buf);
	}
	free(b.data);
}

static void test_fuzz(void **state)
{
	(void)state;
	fuzz("good", 0x12345678);
	fuzz("qemu-smp4", 0x9e3779b9);
}

/* A blob not 8-byte aligned is refused by name (libfdt's own error has no name in 1.6.1). */
static void test_unaligned(void **state)
{
	char err[PLAT_ERR_MAX], msg[PLAT_ERR_MAX];
	struct platform p;
	struct blob b;
	uint8_t *buf;
	size_t off;

	(void)state;
	load_packed("qemu-smp4", &b);
	buf = malloc(b.size + 8);
	assert_non_null(buf);
	for (off = 1; off < 8; off++) {
		memcpy(buf + off, b.data, b.size);
		snprintf(msg, sizeof(msg), "device tree: address %p is not 8-byte aligned",
			 (void *)(buf + off));
		expect_error(buf + off, b.size, msg);
	}
	memcpy(buf, b.data, b.size);
	assert_int_equal(plat_parse_buf(buf, b.size, &p, err, sizeof(err)), 0);
	assert_virt_devices(&p);
	free(buf);
	free(b.data);
}

static void test_args(void **state)
{
	char err[PLAT_ERR_MAX], small[8];
	struct platform p;
	struct blob b;

	(void)state;
	assert_true(plat_parse(NULL, &p, err, sizeof(err)) < 0);
	assert_string_equal(err, "no device tree");

	load("no-memory", &b);
	assert_true(plat_parse_buf(b.data, b.size, NULL, err, sizeof(err)) < 0);
	assert_string_equal(err, "no struct platform to fill");

	/* No room for a message, or a small one: no write past it, always terminated. */
	assert_true(plat_parse_buf(b.data, b.size, &p, NULL, 0) < 0);
	memset(small, 'x', sizeof(small));
	assert_true(plat_parse_buf(b.data, b.size, &p, small, 0) < 0);
	assert_int_equal(small[0], 'x');
	assert_true(plat_parse_buf(b.data, b.size, &p, small, sizeof(small)) < 0);
	assert_string_equal(small, "no memo");
	free(b.data);

	/* The path prefix alone overflows the buffer. */
	load("cpu-dup", &b);
	assert_true(plat_parse_buf(b.data, b.size, &p, small, sizeof(small)) < 0);
	assert_string_equal(small, "/cpus/c");
	free(b.data);

	/* plat_cpu_index on an empty platform. */
	memset(&p, 0, sizeof(p));
	assert_int_equal(plat_cpu_index(&p, 0), -1);
}

int main(void)
{
	static struct CMUnitTest tests[NR_QEMU_CASES + NR_ERR_CASES + 32];
	static char names[NR_QEMU_CASES + NR_ERR_CASES][64];
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_mem_two_banks),
		cmocka_unit_test(test_mem_nested),
		cmocka_unit_test(test_root_cells),
		cmocka_unit_test(test_cpu_reg2),
		cmocka_unit_test(test_cpu_spin_table),
		cmocka_unit_test(test_cpu_spin_ignored),
		cmocka_unit_test(test_console_overlaps),
		cmocka_unit_test(test_gic_two_redist),
		cmocka_unit_test(test_gic_maint_spi),
		cmocka_unit_test(test_qemu_gicv2),
		cmocka_unit_test(test_gic_v2_aliased),
		cmocka_unit_test(test_stdout),
		cmocka_unit_test(test_console_none),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_reserved),
		cmocka_unit_test(test_reserved_many),
		cmocka_unit_test(test_minimal),
		cmocka_unit_test(test_psci_hvc),
		cmocka_unit_test(test_bad_header),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_truncated_totalsize),
		cmocka_unit_test(test_totalsize_larger),
		cmocka_unit_test(test_bad_offsets),
		cmocka_unit_test(test_slash_in_node_name),
		cmocka_unit_test(test_old_version),
		cmocka_unit_test(test_fuzz),
		cmocka_unit_test(test_unaligned),
		cmocka_unit_test(test_args),
	};
	size_t n = 0, i;

	/* One test per fixture, named for it. */
	for (i = 0; i < NR_QEMU_CASES; i++, n++) {
		snprintf(names[n], sizeof(names[n]), "parse %s", qemu_cases[i].name);
		tests[n] = (struct CMUnitTest){ names[n], test_qemu, NULL, NULL,
						(void *)&qemu_cases[i] };
	}
	for (i = 0; i < NR_ERR_CASES; i++, n++) {
		snprintf(names[n], sizeof(names[n]), "refuse %s", err_cases[i].name);
		tests[n] = (struct CMUnitTest){ names[n], test_error, NULL, NULL,
						(void *)&err_cases[i] };
	}
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		tests[n++] = fixed[i];

	return _cmocka_run_group_tests("platform", tests, n, NULL, NULL);
}
