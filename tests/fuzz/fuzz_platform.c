/*
 * fuzz_platform.c - libFuzzer target for hyp/plan/platform.c: the input is a host device tree
 * (mutated structurally by fdt_mutate.c; seeds are the QEMU virt dumps and hand-made trees
 * the unit tests build). plat_parse_buf() on it, and plat_parse() when the blob keeps that
 * function's contract (totalsize within the buffer), must agree. Checks: no crash, no hang,
 * no read outside the blob (ASan: the blob sits alone in a buffer of its exact size); a
 * failure gives a non-empty, NUL-terminated, printable message; a success gives a self-
 * consistent struct platform: counts within their arrays and above zero where required,
 * memory banks non-empty and not wrapping, distinct CPU MPIDRs with only affinity bits,
 * INTIDs that are PPIs or SPIs, a stride of 64 KiB multiples, enums in range, a console path
 * that names a node of the tree, GIC, console and fw_cfg ranges that do not wrap. Blobs whose
 * property lengths wrap libfdt 1.6.1's offsets (a hang in fdt_check_full before
 * hyp/plan/fdt_struct.c, FINDINGS.md) and node names with a '/' are fed as any other.
 * Touches only its own memory.
 */
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "hyp/plan/platform.h"
#include "tests/fuzz/fdt_mutate.h"
#include "tests/fuzz/fuzz.h"

#define AFF_MASK 0xff00ffffffull
#define INTID_PPI_FIRST 16
#define INTID_SPI_END 1020

static const char *const props[] = {
	"reg",
	"#address-cells",
	"#size-cells",
	"compatible",
	"device_type",
	"status",
	"interrupts",
	"interrupt-parent",
	"#interrupt-cells",
	"enable-method",
	"#redistributor-regions",
	"redistributor-stride",
	"stdout-path",
	"linux,stdout-path",
	"method",
	"phandle",
	"ranges",
	"interrupts-extended",
	"serial0",
	NULL,
};

static const char *const strings[] = {
	"memory",
	"cpu",
	"psci",
	"okay",
	"ok",
	"disabled",
	"arm,gic-v3",
	"arm,gic-400",
	"arm,cortex-a15-gic",
	"arm,armv8-timer",
	"arm,pl011",
	"arm,primecell",
	"qemu,fw-cfg-mmio",
	"arm,psci-1.0",
	"arm,psci-0.2",
	"arm,psci",
	"smc",
	"hvc",
	"serial0",
	"serial0:115200n8",
	"/pl011@9000000",
	"spin-table",
	"arm,gic-v3-its",
	NULL,
};

static const char *const nodes[] = {
	"memory", "cpus", "cpu", "intc", "timer",   "pl011",	       "chosen", "aliases", "psci",
	"fw-cfg", "its",  "soc", "uart", "cpu-map", "reserved-memory", "flash",	 NULL,
};

static void *donor;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);
size_t LLVMFuzzerCustomCrossOver(const uint8_t *d1, size_t s1, const uint8_t *d2, size_t s2,
				 uint8_t *out, size_t max_out, unsigned int seed);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	size_t size;

	(void)argc;
	(void)argv;
	/* a real host tree to graft nodes and take values from; optional */
	donor = fuzz_load("tests/dtb/qemu-smp4.dtb", &size);
	if (donor && (fdt_check_header(donor) || fdt_totalsize(donor) > size)) {
		free(donor);
		donor = NULL;
	}
	return 0;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	const struct fdt_dict dict = { props, strings, nodes, donor };

	return fdt_mutate(data, size, max_size, seed, &dict);
}

size_t LLVMFuzzerCustomCrossOver(const uint8_t *d1, size_t s1, const uint8_t *d2, size_t s2,
				 uint8_t *out, size_t max_out, unsigned int seed)
{
	return fdt_cross(d1, s1, d2, s2, out, max_out, seed);
}

static bool wraps(const struct plat_range *r)
{
	return r->size && r->base + (r->size - 1) < r->base;
}

static bool intid_ok(unsigned int intid)
{
	return intid >= INTID_PPI_FIRST && intid < INTID_SPI_END;
}

static void check_platform(const void *fdt, const struct platform *p)
{
	unsigned int i, j;

	FUZZ_CHECK(p->mem_count >= 1 && p->mem_count <= PLAT_MAX_MEM, "mem_count %u", p->mem_count);
	for (i = 0; i < p->mem_count; i++)
		FUZZ_CHECK(p->mem[i].size && !wraps(&p->mem[i]), "memory bank 0x%llx+0x%llx",
			   (unsigned long long)p->mem[i].base, (unsigned long long)p->mem[i].size);
	FUZZ_CHECK(p->cpu_count >= 1 && p->cpu_count <= PLAT_MAX_CPUS, "cpu_count %u",
		   p->cpu_count);
	for (i = 0; i < p->cpu_count; i++) {
		FUZZ_CHECK(!(p->cpu[i].mpidr & ~AFF_MASK), "cpu %u mpidr 0x%llx", i,
			   (unsigned long long)p->cpu[i].mpidr);
		for (j = 0; j < i; j++)
			FUZZ_CHECK(p->cpu[i].mpidr != p->cpu[j].mpidr,
				   "cpus %u and %u: mpidr 0x%llx", j, i,
				   (unsigned long long)p->cpu[i].mpidr);
		FUZZ_CHECK(plat_cpu_index(p, p->cpu[i].mpidr) == (int)i, "plat_cpu_index of cpu %u",
			   i);
	}
	FUZZ_CHECK(p->gic_version == 2 || p->gic_version == 3, "gic_version %u", p->gic_version);
	if (p->gic_version == 3)
		FUZZ_CHECK(p->gicr_count >= 1 && p->gicr_count <= PLAT_MAX_GICR, "gicr_count %u",
			   p->gicr_count);
	else /* GICv2: no redistributor; GICH, and GICC and GICV of two pages or more */
		FUZZ_CHECK(!p->gicr_count && p->gich.size && p->gicc.size >= 0x2000 &&
				   p->gicv.size >= 0x2000,
			   "GICv2 frames: gicr_count %u, gicc 0x%llx gich 0x%llx gicv 0x%llx",
			   p->gicr_count, (unsigned long long)p->gicc.size,
			   (unsigned long long)p->gich.size, (unsigned long long)p->gicv.size);
	FUZZ_CHECK(p->gicr_stride % 0x10000 == 0, "gicr_stride 0x%llx",
		   (unsigned long long)p->gicr_stride);
	FUZZ_CHECK(intid_ok(p->gic_maint_intid), "maintenance INTID %u", p->gic_maint_intid);
	FUZZ_CHECK(p->gic_phandle == -1 || p->gic_phandle > 0, "gic_phandle %d", p->gic_phandle);
	for (i = 0; i < PLAT_TIMER_COUNT; i++)
		FUZZ_CHECK(intid_ok(p->timer_intid[i]), "timer INTID %u: %u", i, p->timer_intid[i]);
	FUZZ_CHECK(p->con.uart.kind >= UART_NONE && p->con.uart.kind <= UART_OTHER, "uart kind %d",
		   p->con.uart.kind);
	FUZZ_CHECK(strnlen(p->con.path, sizeof(p->con.path)) < sizeof(p->con.path),
		   "console path not terminated");
	FUZZ_CHECK(strnlen(p->con.why, sizeof(p->con.why)) < sizeof(p->con.why),
		   "console why not terminated");
	if (p->con.uart.kind == UART_NONE || p->con.uart.kind == UART_OTHER)
		FUZZ_CHECK(p->con.why[0], "no console but no reason");
	else
		FUZZ_CHECK(p->con.path[0] == '/' && fdt_path_offset(fdt, p->con.path) >= 0 &&
				   p->con.uart.base >= p->con.reg.base &&
				   p->con.uart.base - p->con.reg.base < p->con.reg.size,
			   "console \"%s\" names no node, or its registers are outside its reg",
			   p->con.path);
	FUZZ_CHECK(p->psci == PLAT_PSCI_NONE || p->psci == PLAT_PSCI_SMC ||
			   p->psci == PLAT_PSCI_HVC,
		   "psci %d", p->psci);
	FUZZ_CHECK(!wraps(&p->gicd), "GICD 0x%llx+0x%llx wraps", (unsigned long long)p->gicd.base,
		   (unsigned long long)p->gicd.size);
	for (i = 0; i < p->gicr_count; i++)
		FUZZ_CHECK(!wraps(&p->gicr[i]), "GICR %u 0x%llx+0x%llx wraps", i,
			   (unsigned long long)p->gicr[i].base,
			   (unsigned long long)p->gicr[i].size);
	FUZZ_CHECK(!wraps(&p->con.reg), "console 0x%llx+0x%llx wraps",
		   (unsigned long long)p->con.reg.base, (unsigned long long)p->con.reg.size);
	FUZZ_CHECK(!wraps(&p->fw_cfg), "fw_cfg 0x%llx+0x%llx wraps",
		   (unsigned long long)p->fw_cfg.base, (unsigned long long)p->fw_cfg.size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct platform p, q;
	char err[PLAT_ERR_MAX];
	uint8_t *blob = malloc(size ? size : 1);
	int ret;

	FUZZ_CHECK(blob, "out of memory");
	memcpy(blob, data, size);
	memset(err, 0x5a, sizeof(err));
	ret = plat_parse_buf(blob, size, &p, err, sizeof(err));
	FUZZ_CHECK(ret <= 0, "plat_parse_buf returned %d", ret);
	if (ret)
		fuzz_check_message("plat_parse_buf", err, sizeof(err));
	else
		check_platform(blob, &p);

	/* plat_parse trusts totalsize: only for blobs that keep to that */
	if (size >= sizeof(struct fdt_header) && fdt_totalsize(blob) <= size) {
		char err2[PLAT_ERR_MAX];
		int ret2;

		memset(err2, 0x5a, sizeof(err2));
		ret2 = plat_parse(blob, &q, err2, sizeof(err2));
		FUZZ_CHECK(ret2 == ret, "plat_parse %d, plat_parse_buf %d", ret2, ret);
		FUZZ_CHECK(ret || !memcmp(&p, &q, sizeof(p)),
			   "plat_parse and plat_parse_buf differ");
		FUZZ_CHECK(!ret || !strcmp(err, err2), "messages differ: \"%s\" / \"%s\"", err,
			   err2);
	}
	free(blob);
	return 0;
}
