/*
 * fuzz_guest_dtb.c - libFuzzer target for hyp/plan/guest_dtb.c guest_dtb_build(), run the way
 * skiff boots: a host device tree parsed by plat_parse_buf(), a configuration (the default
 * dts/qemu-virt.dts, or a fuzzed one) parsed and assigned, then one guest's tree built into a
 * buffer. Input: byte 0 flags (bits 0-1: which guest; bit 2: bootargs; bit 3: an initrd; bits
 * 4-7: 0 for the 2 MiB output buffer skiff uses, else a small one), a little-endian u32 host
 * tree length, the host tree, then the configuration (empty: the default). Both trees are
 * mutated structurally (fdt_mutate.c).
 *
 * Checks on success: the output fits its buffer and passes fdt_check_full; its memory nodes
 * (at any depth) hold only the guest's RAM, the generated one exactly the assignment's ranges;
 * /cpus holds exactly the guest's vCPUs, enabled, in order; its GIC is an enabled arm,gic-v3 node
 * at the GICD skiff emulates, and the root's interrupt-parent names it; every phandle a property of
 * guest_dtb.h's reference list holds names a node inside the output that has the #xxx-cells the
 * entry needs, and the entries fill the property exactly. On failure: a non-empty, NUL-terminated
 * printable message. Host trees of the unusual shapes that broke these promises before
 * (FINDINGS.md: a memory node nested in a device, the GIC named like a node the generator
 * writes, a disabled arm,gic-v3 or cpu node first, a phandle on the root, a node the guest owns
 * below a cpu or memory node, /cpus given as a device, an alias loop, property lengths that wrap
 * libfdt 1.6.1's offsets) are fed as any other and must meet them.
 * Touches only its own memory; reads fixtures under the build directory.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hyp/plan/assign.h"
#include "hyp/plan/config.h"
#include "hyp/plan/fdt_struct.h"
#include "hyp/plan/guest_dtb.h"
#include "hyp/guests/guest_load.h"
#include "hyp/plan/ledger.h"
#include "hyp/plan/platform.h"
#include "tests/fuzz/fdt_mutate.h"
#include "tests/fuzz/fuzz.h"

#define SKIFF_BASE 0x40200000ull
#define SKIFF_END 0x40400000ull
#define INITRD_START 0x48000000ull
#define INITRD_END 0x48123456ull
#define HEADER 5
#define SMALL_OUT 512u

static const char *const host_props[] = {
	"reg",
	"#address-cells",
	"#size-cells",
	"compatible",
	"device_type",
	"status",
	"interrupts",
	"interrupt-parent",
	"#interrupt-cells",
	"interrupts-extended",
	"interrupt-map",
	"interrupt-map-mask",
	"ranges",
	"phandle",
	"clocks",
	"#clock-cells",
	"clock-names",
	"resets",
	"#reset-cells",
	"gpios",
	"reset-gpios",
	"#gpio-cells",
	"gpio-ranges",
	"msi-parent",
	"#msi-cells",
	"msi-map",
	"iommu-map",
	"iommus",
	"#iommu-cells",
	"pinctrl-0",
	"vdd-supply",
	"power-domains",
	"#power-domain-cells",
	"next-level-cache",
	"memory-region",
	"remote-endpoint",
	"cpu",
	"stdout-path",
	"kaslr-seed",
	"rng-seed",
	"enable-method",
	"cpu-release-addr",
	"cpu-idle-states",
	"dmas",
	"#dma-cells",
	NULL,
};

static const char *const host_strings[] = {
	"memory",
	"cpu",
	"okay",
	"disabled",
	"arm,gic-v3",
	"arm,gic-v3-its",
	"arm,armv8-timer",
	"arm,pl011",
	"arm,primecell",
	"arm,pl061",
	"fixed-clock",
	"gpio-keys",
	"regulator-fixed",
	"qemu,fw-cfg-mmio",
	"virtio,mmio",
	"/pl011@9000000",
	"psci",
	"spin-table",
	NULL,
};

static const char *const host_nodes[] = {
	"memory",	   "cpus",	"cpu",	   "intc", "its",      "timer",	    "pl011",
	"pl061",	   "chosen",	"aliases", "psci", "apb-pclk", "gpio-keys", "poweroff",
	"reserved-memory", "regulator", "clk",	   "soc",  "bus",      NULL,
};

static const char *const config_props[] = {
	"cpus",	      "memory",		 "bootargs",
	"kernel",     "initrd",		 "doorbell",
	"device",     "interrupt-modes", "interrupt-triggers",
	"optional",   "device-window",	 "spi-window",
	"compatible", "#address-cells",	 "#size-cells",
	NULL,
};

static const char *const config_strings[] = {
	"skiff,config-1", "fw_cfg", "hw", "eoi", "oneshot", "dt", "level", "edge", NULL,
};

static const char *const config_nodes[] = {
	"skiff", "guest@0", "guest@1", "guest@2", "uart", "rtc", "gpio", "dev", NULL,
};

static void *default_config, *default_host;
static size_t default_config_size;
static uint8_t out_buf[GUEST_DTB_MAX] __attribute__((aligned(8)));

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
	default_config = fuzz_load_fixture("dts/qemu-virt.dtb", &default_config_size);
	default_host = fuzz_load("tests/dtb/qemu-smp4.dtb", &size);
	if (default_host &&
	    (fdt_check_header(default_host) || fdt_totalsize(default_host) > size)) {
		free(default_host);
		default_host = NULL;
	}
	return 0;
}

/* The parts of an input: host tree at data + HEADER, host_len bytes, then the config. */
static size_t host_len(const uint8_t *data, size_t size)
{
	size_t n;

	if (size < HEADER)
		return 0;
	n = (size_t)data[1] | (size_t)data[2] << 8 | (size_t)data[3] << 16 | (size_t)data[4] << 24;
	return n < size - HEADER ? n : size - HEADER;
}

static void put_len(uint8_t *data, size_t n)
{
	data[1] = (uint8_t)n;
	data[2] = (uint8_t)(n >> 8);
	data[3] = (uint8_t)(n >> 16);
	data[4] = (uint8_t)(n >> 24);
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	static uint8_t part[1 << 20];
	struct fdt_rng r = { seed };
	size_t hl, cl, n;
	uint32_t what;

	if (size < HEADER || max_size > sizeof(part))
		return LLVMFuzzerMutate(data, size, max_size);
	hl = host_len(data, size);
	cl = size - HEADER - hl;
	what = fdt_rng_below(&r, 16);
	if (what == 0) {
		data[0] = (uint8_t)fdt_rng_next(&r);
		return size;
	}
	if (what < 9) { /* the host tree */
		const struct fdt_dict d = { host_props, host_strings, host_nodes, default_host };

		memcpy(part, data + HEADER, hl);
		n = fdt_mutate(part, hl, max_size - HEADER - cl, fdt_rng_next(&r), &d);
		memmove(data + HEADER + n, data + HEADER + hl, cl);
		memcpy(data + HEADER, part, n);
		put_len(data, n);
		return HEADER + n + cl;
	}
	/* the configuration: the default one to start from when there is none */
	if (!cl || what == 15) {
		if (HEADER + hl + default_config_size > max_size)
			return size;
		memcpy(data + HEADER + hl, default_config, default_config_size);
		return HEADER + hl + default_config_size;
	} else {
		const struct fdt_dict d = { config_props, config_strings, config_nodes, NULL };

		/* the host's paths and values make the config name its devices */
		struct fdt_dict dh = d;

		memcpy(part, data + HEADER, hl);
		dh.donor = hl >= sizeof(struct fdt_header) && !fuzz_fdt_len_wraps(part, hl) &&
					   !fdt_check_header(part) &&
					   fdt_version(part) >= FDT_STRUCT_MIN_VERSION &&
					   fdt_totalsize(part) <= hl && !fdt_check_full(part, hl)
				   ? part
				   : NULL;
		n = fdt_mutate(data + HEADER + hl, cl, max_size - HEADER - hl, fdt_rng_next(&r),
			       &dh);
		return HEADER + hl + n;
	}
}

size_t LLVMFuzzerCustomCrossOver(const uint8_t *d1, size_t s1, const uint8_t *d2, size_t s2,
				 uint8_t *out, size_t max_out, unsigned int seed)
{
	size_t h1 = host_len(d1, s1), h2 = host_len(d2, s2), c1, n;

	if (s1 < HEADER || s2 < HEADER || max_out < HEADER)
		return 0;
	c1 = s1 - HEADER - h1;
	/* host trees crossed, the first input's flags and configuration kept */
	n = fdt_cross(d1 + HEADER, h1, d2 + HEADER, h2, out + HEADER, max_out - HEADER - c1, seed);
	if (!n)
		return 0;
	memcpy(out, d1, 1);
	put_len(out, n);
	memcpy(out + HEADER + n, d1 + HEADER + h1, c1);
	return HEADER + n + c1;
}

/* The #address-cells / #size-cells node gives its children (DT defaults when absent). */
static uint32_t cells_of(const void *fdt, int node, const char *name, uint32_t dflt)
{
	int len;
	const fdt32_t *v = fdt_getprop(fdt, node, name, &len);

	return v && len == 4 ? fdt32_ld(v) : dflt;
}

static uint64_t read_cells(const fdt32_t *c, uint32_t n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 32 | fdt32_ld(c++);
	return v;
}

static bool in_guest_ram(const struct assignment *a, uint64_t base, uint64_t size)
{
	unsigned int i;

	for (i = 0; i < a->nr_mem; i++)
		if (base >= a->mem[i].base &&
		    (unsigned __int128)base + size <=
			    (unsigned __int128)a->mem[i].base + a->mem[i].size)
			return true;
	return false;
}

static void check_memory(const void *fdt, const struct assignment *a)
{
	int node, depth = 0, generated = 0;

	for (node = 0; node >= 0; node = fdt_next_node(fdt, node, &depth)) {
		const char *type, *name;
		int parent, len, i, n;
		const fdt32_t *reg;
		uint32_t ac, sc;

		type = fdt_getprop(fdt, node, "device_type", NULL);
		if (!type || strcmp(type, "memory"))
			continue;
		name = fdt_get_name(fdt, node, NULL);
		parent = fdt_parent_offset(fdt, node);
		if (parent < 0)
			continue;
		ac = cells_of(fdt, parent, "#address-cells", 2);
		sc = cells_of(fdt, parent, "#size-cells", 1);
		reg = fdt_getprop(fdt, node, "reg", &len);
		if (!reg || ac + sc == 0 || ac > 2 || sc > 2)
			continue;
		n = len / (int)(4 * (ac + sc));
		if (parent == 0 && name && !strncmp(name, "memory@", 7) && !generated++) {
			/* the generated node: exactly the guest's RAM */
			FUZZ_CHECK(n == (int)a->nr_mem && len == n * (int)(4 * (ac + sc)),
				   "memory node: %d ranges, the guest has %u", n, a->nr_mem);
			for (i = 0; i < n; i++) {
				const fdt32_t *e = reg + i * (int)(ac + sc);

				FUZZ_CHECK(read_cells(e, ac) == a->mem[i].base &&
						   read_cells(e + ac, sc) == a->mem[i].size,
					   "memory range %d differs from the guest's RAM", i);
			}
			continue;
		}
		for (i = 0; i < n; i++) {
			const fdt32_t *e = reg + i * (int)(ac + sc);
			uint64_t base = read_cells(e, ac), size = read_cells(e + ac, sc);

			FUZZ_CHECK(!size || in_guest_ram(a, base, size),
				   "memory node %s: 0x%llx+0x%llx is not the guest's RAM", name,
				   (unsigned long long)base, (unsigned long long)size);
		}
	}
	FUZZ_CHECK(generated == 1, "%d generated memory nodes", generated);
}

static void check_cpus(const void *fdt, const struct assignment *a)
{
	int cpus = fdt_path_offset(fdt, "/cpus"), node;
	unsigned int n = 0;
	uint32_t ac;

	FUZZ_CHECK(cpus >= 0, "no /cpus in the guest tree");
	ac = cells_of(fdt, cpus, "#address-cells", 1);
	fdt_for_each_subnode(node, fdt, cpus)
	{
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);
		const fdt32_t *reg;
		int len;

		if (!type || strcmp(type, "cpu"))
			continue;
		const char *status = fdt_getprop(fdt, node, "status", &len);

		FUZZ_CHECK(!status || (len == 5 && !memcmp(status, "okay", 5)) ||
				   (len == 3 && !memcmp(status, "ok", 3)),
			   "cpu node %u is not enabled", n);
		reg = fdt_getprop(fdt, node, "reg", &len);
		FUZZ_CHECK(n < a->nr_cpus, "more cpu nodes than the guest's %u vCPUs", a->nr_cpus);
		FUZZ_CHECK(reg && (ac == 1 || ac == 2) && len == (int)(4 * ac) &&
				   read_cells(reg, ac) == a->cpu_mpidr[n],
			   "cpu node %u is not vCPU %u's (mpidr 0x%llx)", n, n,
			   (unsigned long long)a->cpu_mpidr[n]);
		n++;
	}
	FUZZ_CHECK(n == a->nr_cpus, "%u cpu nodes for %u vCPUs", n, a->nr_cpus);
}

/* The GIC compatible skiff takes for plat's version: a GICv2 node has one of several. */
static bool gic_compatible(const void *fdt, int node, const struct platform *plat)
{
	static const char *const v2[] = { "arm,gic-400", "arm,cortex-a15-gic", "arm,cortex-a7-gic",
					  "qcom,msm-qgic2" };
	unsigned int i;

	if (plat->gic_version == 3)
		return !fdt_node_check_compatible(fdt, node, "arm,gic-v3");
	for (i = 0; i < sizeof(v2) / sizeof(v2[0]); i++)
		if (!fdt_node_check_compatible(fdt, node, v2[i]))
			return true;
	return false;
}

static bool enabled(const void *fdt, int node)
{
	int len;
	const char *status = fdt_getprop(fdt, node, "status", &len);

	return !status || (len == 5 && !memcmp(status, "okay", 5)) ||
	       (len == 3 && !memcmp(status, "ok", 3));
}

/* The guest tree's GIC is the one skiff emulates: the node the root's interrupt-parent names
 * (without one, the first enabled GIC node of plat's version; a device the guest owns may hold
 * another, FINDINGS.md) is an enabled GIC node of that version whose first reg entry is plat's
 * GICD; a GICv2's reg is GICD (4 KiB) and GICC (8 KiB), nothing else. */
static void check_gic(const void *fdt, const struct platform *plat)
{
	int gic, len, parent;
	const fdt32_t *reg, *ip = fdt_getprop(fdt, 0, "interrupt-parent", &len);
	uint32_t ac, sc;

	if (ip) {
		FUZZ_CHECK(len == 4, "the root's interrupt-parent has %d bytes", len);
		gic = fdt_node_offset_by_phandle(fdt, fdt32_ld(ip));
		FUZZ_CHECK(gic >= 0 && gic_compatible(fdt, gic, plat),
			   "the root's interrupt-parent does not name a GICv%u node",
			   plat->gic_version);
		FUZZ_CHECK(enabled(fdt, gic), "the root's interrupt-parent names a disabled GIC");
	} else {
		for (gic = fdt_next_node(fdt, 0, NULL); gic >= 0;
		     gic = fdt_next_node(fdt, gic, NULL))
			if (gic_compatible(fdt, gic, plat) && enabled(fdt, gic))
				break;
	}
	FUZZ_CHECK(gic >= 0, "no enabled GICv%u node in the guest tree", plat->gic_version);
	parent = fdt_parent_offset(fdt, gic);
	ac = cells_of(fdt, parent, "#address-cells", 2);
	sc = cells_of(fdt, parent, "#size-cells", 1);
	reg = fdt_getprop(fdt, gic, "reg", &len);
	FUZZ_CHECK(reg && ac >= 1 && ac <= 2 && sc <= 2 && len >= (int)(4 * (ac + sc)) &&
			   read_cells(reg, ac) == plat->gicd.base,
		   "the guest's GIC is not at GICD 0x%llx", (unsigned long long)plat->gicd.base);
	if (plat->gic_version == 2)
		FUZZ_CHECK(sc >= 1 && len == (int)(8 * (ac + sc)) &&
				   read_cells(reg + ac, sc) == 0x1000 &&
				   read_cells(reg + ac + sc, ac) == plat->gicc.base &&
				   read_cells(reg + 2 * ac + sc, sc) == 0x2000,
			   "the guest's GICv2 reg is not GICD 0x1000 and GICC 0x2000 (%d bytes)",
			   len);
}

/* guest_dtb.h's reference properties: name, then the #xxx-cells of the named node, "-" for a
 * bare phandle, ":<pre><post>" or "i" for interrupt-map. */
static const char *const refs[] = {
	"interrupt-parent",
	"-",
	"next-level-cache",
	"-",
	"memory-region",
	"-",
	"operating-points-v2",
	"-",
	"nvmem-cells",
	"-",
	"sram",
	"-",
	"phy-handle",
	"-",
	"remote-endpoint",
	"-",
	"interrupt-affinity",
	"-",
	"cpu",
	"-",
	"clocks",
	"#clock-cells",
	"assigned-clocks",
	"#clock-cells",
	"assigned-clock-parents",
	"#clock-cells",
	"resets",
	"#reset-cells",
	"power-domains",
	"#power-domain-cells",
	"phys",
	"#phy-cells",
	"dmas",
	"#dma-cells",
	"iommus",
	"#iommu-cells",
	"interrupts-extended",
	"#interrupt-cells",
	"msi-parent",
	"#msi-cells",
	"pwms",
	"#pwm-cells",
	"mboxes",
	"#mbox-cells",
	"io-channels",
	"#io-channel-cells",
	"gpios",
	"#gpio-cells",
	"gpio",
	"#gpio-cells",
	"gpio-ranges",
	":03",
	"msi-map",
	":12",
	"iommu-map",
	":12",
	"interrupt-map",
	"i",
	NULL,
};

static const char *ref_kind(const char *name)
{
	size_t len = strlen(name);
	unsigned int i;

	for (i = 0; refs[i]; i += 2)
		if (!strcmp(refs[i], name))
			return refs[i + 1];
	if ((len > 6 && !strcmp(name + len - 6, "-gpios")) ||
	    (len > 5 && !strcmp(name + len - 5, "-gpio")))
		return "#gpio-cells";
	if (len > 7 && !strcmp(name + len - 7, "-supply"))
		return "-";
	if (!strncmp(name, "pinctrl-", 8) && name[8] >= '0' && name[8] <= '9')
		return "-";
	return NULL;
}

#define MAX_PHANDLES 2048

static uint32_t ph_value[MAX_PHANDLES];
static int ph_node[MAX_PHANDLES];
static unsigned int nr_ph;

/* The node with phandle ph in the tree indexed, as fdt_node_offset_by_phandle() (first one). */
static int by_phandle(const void *fdt, uint32_t ph)
{
	unsigned int i;

	if (nr_ph == MAX_PHANDLES)
		return fdt_node_offset_by_phandle(fdt, ph);
	for (i = 0; i < nr_ph; i++)
		if (ph_value[i] == ph)
			return ph_node[i];
	return -FDT_ERR_NOTFOUND;
}

/* Every phandle property value of the guest tree (but /aliases's paths) names a node of it, and
 * fills it exactly. */
static void check_refs(const void *fdt)
{
	int node, depth = 0, aliases = fdt_path_offset(fdt, "/aliases");

	for (nr_ph = 0, node = 0; node >= 0 && nr_ph < MAX_PHANDLES;
	     node = fdt_next_node(fdt, node, &depth)) {
		uint32_t ph = fdt_get_phandle(fdt, node);

		if (ph) {
			ph_value[nr_ph] = ph;
			ph_node[nr_ph++] = node;
		}
	}

	for (depth = 0, node = 0; node >= 0; node = fdt_next_node(fdt, node, &depth)) {
		int off;

		/* an alias is a path, whatever its name (FINDINGS.md: an alias named gpio-ranges)
		 */
		if (node == aliases)
			continue;
		fdt_for_each_property_offset(off, fdt, node)
		{
			const char *name, *kind;
			int len;
			const fdt32_t *v = fdt_getprop_by_offset(fdt, off, &name, &len);
			uint32_t n, i, pre = 0, post = 0;

			if (!v || !(kind = ref_kind(name)))
				continue;
			FUZZ_CHECK(len % 4 == 0, "%s of node at %d: %d bytes", name, node, len);
			n = (uint32_t)len / 4;
			if (kind[0] == ':') {
				pre = (uint32_t)(kind[1] - '0');
				post = (uint32_t)(kind[2] - '0');
			} else if (kind[0] == 'i') {
				pre = cells_of(fdt, node, "#address-cells", 2) +
				      cells_of(fdt, node, "#interrupt-cells", 1u << 20);
			}
			for (i = 0; i < n;) {
				uint32_t ph;
				int t;

				i += pre;
				FUZZ_CHECK(i < n, "%s of node at %d: entry cut short", name, node);
				ph = fdt32_ld(&v[i++]);
				if (!ph)
					continue; /* an empty entry: no reference */
				t = by_phandle(fdt, ph);
				FUZZ_CHECK(t >= 0,
					   "%s of node at %d: phandle 0x%x is not in the tree",
					   name, node, ph);
				if (kind[0] == '#') {
					FUZZ_CHECK(fdt_getprop(fdt, t, kind, NULL),
						   "%s of node at %d: node 0x%x has no %s", name,
						   node, ph, kind);
					i += cells_of(fdt, t, kind, 0);
				} else if (kind[0] == 'i') {
					FUZZ_CHECK(fdt_getprop(fdt, t, "#interrupt-cells", NULL),
						   "interrupt-map of node at %d: 0x%x has no "
						   "#interrupt-cells",
						   node, ph);
					i += cells_of(fdt, t, "#address-cells", 0) +
					     cells_of(fdt, t, "#interrupt-cells", 0);
				}
				i += post;
				FUZZ_CHECK(i <= n, "%s of node at %d: entries overrun %u cells",
					   name, node, n);
			}
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct platform plat;
	static struct config cfg;
	static struct ledger ledger;
	static struct assignment asg[CONFIG_MAX_GUESTS];
	char err[CONFIG_ERR_MAX];
	struct guest_dtb_extra extra = { NULL, 0, 0 };
	size_t hl = host_len(data, size), cl, out_size;
	uint8_t *host, *conf = NULL;
	unsigned int g;
	const char *dump;
	int ret;

	if (size < HEADER)
		return 0;
	cl = size - HEADER - hl;
	host = malloc(hl ? hl : 1);
	FUZZ_CHECK(host, "out of memory");
	memcpy(host, data + HEADER, hl);
	if (plat_parse_buf(host, hl, &plat, err, sizeof(err)))
		goto out;
	if (cl) {
		conf = malloc(cl);
		FUZZ_CHECK(conf, "out of memory");
		memcpy(conf, data + HEADER + hl, cl);
	}
	if (config_parse(cl ? conf : default_config, cl ? cl : default_config_size, &cfg, err,
			 sizeof(err)))
		goto out;
	ledger_init(&ledger);
	if (assign_guests(host, &plat, &cfg, SKIFF_BASE, SKIFF_END, &ledger, asg, NULL, err,
			  sizeof(err)))
		goto out;

	g = (data[0] & 3) % cfg.nr_guests;
	if (data[0] & 4)
		extra.bootargs =
			cfg.guest[g].has_bootargs ? cfg.guest[g].bootargs : "console=ttyAMA0";
	if (data[0] & 8) {
		extra.initrd_start = INITRD_START;
		extra.initrd_end = INITRD_END;
	}
	out_size = data[0] >> 4 ? SMALL_OUT * (data[0] >> 4) : sizeof(out_buf);
	memset(err, 0x5a, sizeof(err));
	ret = guest_dtb_build(host, out_buf, out_size, &asg[g], &extra, err, sizeof(err));
	FUZZ_CHECK(ret <= 0, "guest_dtb_build returned %d", ret);
	if (ret) {
		size_t len = strnlen(err, sizeof(err));

		FUZZ_CHECK(len && len < sizeof(err), "guest_dtb_build: error message of %zu bytes",
			   len);
		fuzz_check_message("guest_dtb_build", err, sizeof(err));
		goto out;
	}
	FUZZ_CHECK(fdt_totalsize(out_buf) <= out_size,
		   "guest tree of %u bytes in a %zu-byte buffer", fdt_totalsize(out_buf), out_size);
	dump = getenv("SKIFF_FUZZ_DUMP");
	if (dump) { /* the guest tree, for a crash being replayed */
		FILE *fp = fopen(dump, "wb");

		if (fp) {
			fwrite(out_buf, 1, fdt_totalsize(out_buf), fp);
			fclose(fp);
		}
	}
	ret = fdt_check_full(out_buf, fdt_totalsize(out_buf));
	FUZZ_CHECK(!ret, "guest tree fails fdt_check_full: %s", fdt_strerror(ret));
	check_memory(out_buf, &asg[g]);
	check_gic(out_buf, &plat);
	check_cpus(out_buf, &asg[g]);
	check_refs(out_buf);
out:
	free(conf);
	free(host);
	return 0;
}
