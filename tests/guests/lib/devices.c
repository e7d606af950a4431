/*
 * devices.c - what a test guest owns according to its device tree (devices.h): walks the blob
 * once for RAM, MMIO ranges and SPIs. Interrupt specifiers are decoded with the GIC node's
 * #interrupt-cells (3, or 4 with PPI partitions); "interrupts-extended" and interrupt-map are
 * not read. Reads the blob only; touches no hardware.
 */
#include "tests/guests/lib/devices.h"

#include <string.h>

#include "tests/guests/lib/fdt.h"
#include "tests/guests/lib/guest.h"

#define GIC_DT_SPI 0
#define GIC_DT_ICELLS 3
#define GIC_SPI_BASE 32

struct dt_owned dt_owned;

struct owned_scan {
	int cpus_node;
	uint32_t gic_phandle;
	uint32_t icells;
};

static uint32_t prop_u32(const void *fdt, int node, const char *name, uint32_t dflt)
{
	uint32_t len;
	const void *p = fdt_prop(fdt, node, name, &len);

	return p && len == 4 ? fdt_be32(p) : dflt;
}

static void add_spi(uint32_t intid)
{
	struct dt_owned *o = &dt_owned;
	unsigned int i, j;

	for (i = 0; i < o->nr_spis && o->spis[i] < intid; i++)
		;
	if (i < o->nr_spis && o->spis[i] == intid)
		return;
	if (o->nr_spis == DT_MAX_SPIS) {
		o->truncated = true;
		return;
	}
	for (j = o->nr_spis; j > i; j--)
		o->spis[j] = o->spis[j - 1];
	o->spis[i] = intid;
	o->nr_spis++;
}

/*
 * The SPIs of node's "interrupts", in order, into out (at most max); their count. Only a node
 * whose interrupt parent is the GIC has any: its own "interrupt-parent", else the root's,
 * which QEMU and skiff point at the GIC (a parent between the two is not looked at).
 */
static unsigned int node_spis(const void *fdt, const struct fdt_node *node,
			      const struct owned_scan *s, uint32_t *out, unsigned int max)
{
	uint32_t len, i;
	const uint8_t *p = fdt_prop(fdt, node->off, "interrupts", &len);
	uint32_t parent = prop_u32(fdt, node->off, "interrupt-parent", s->gic_phandle);
	unsigned int n = 0;

	if (!p || parent != s->gic_phandle || !s->icells)
		return 0;
	for (i = 0; (i + 1) * s->icells * 4 <= len && n < max; i++) {
		const uint8_t *spec = p + i * s->icells * 4;

		if (fdt_be32(spec) == GIC_DT_SPI)
			out[n++] = fdt_be32(spec + 4) + GIC_SPI_BASE;
	}
	return n;
}

static void scan_gic(const void *fdt, struct owned_scan *s)
{
	struct fdt_node gic;

	if (fdt_find_compatible(fdt, "arm,gic-v3", &gic)) {
		s->gic_phandle = prop_u32(fdt, gic.off, "phandle", 0);
		s->icells = prop_u32(fdt, gic.off, "#interrupt-cells", GIC_DT_ICELLS);
	}
}

static bool visit_owned(const void *fdt, const struct fdt_node *node, void *arg)
{
	struct owned_scan *s = arg;
	struct dt_owned *o = &dt_owned;
	uint32_t spis[DT_MAX_SPIS];
	uint64_t addr, size;
	unsigned int i, n;
	bool ram, gic;

	if (node->depth == 1 && strcmp(node->name, "cpus") == 0)
		s->cpus_node = node->off;
	if (node->depth == 0 || node->off == s->cpus_node || node->parent == s->cpus_node)
		return false;
	ram = fdt_prop_has_string(fdt, node->off, "device_type", "memory");
	gic = fdt_prop_has_string(fdt, node->off, "compatible", "arm,gic-v3");
	for (i = 0; fdt_reg(fdt, node, i, &addr, &size); i++) {
		if (!size)
			continue;
		if (ram && o->nr_ram < DT_MAX_RAM) {
			o->ram[o->nr_ram].base = addr;
			o->ram[o->nr_ram++].size = size;
		} else if (!ram && o->nr_mmio < DT_MAX_MMIO) {
			o->mmio[o->nr_mmio].base = addr;
			o->mmio[o->nr_mmio].size = size;
			o->mmio[o->nr_mmio].name = node->name;
			o->mmio[o->nr_mmio++].gic = gic;
		} else {
			o->truncated = true;
		}
	}
	n = node_spis(fdt, node, s, spis, ARRAY_SIZE(spis));
	for (i = 0; i < n; i++)
		add_spi(spis[i]);
	return false;
}

void dt_scan_owned(void)
{
	const void *fdt = (const void *)plat.dtb;
	struct owned_scan s = { .cpus_node = -1, .icells = GIC_DT_ICELLS };

	memset(&dt_owned, 0, sizeof(dt_owned));
	if (!plat.dtb_ok)
		return;
	scan_gic(fdt, &s);
	fdt_walk(fdt, visit_owned, &s);
}

bool dt_owns_spi(uint32_t intid)
{
	unsigned int i;

	for (i = 0; i < dt_owned.nr_spis; i++)
		if (dt_owned.spis[i] == intid)
			return true;
	return false;
}

bool dt_device(const char *compat, uint64_t *base, uint32_t *intid)
{
	const void *fdt = (const void *)plat.dtb;
	struct owned_scan s = { .cpus_node = -1, .icells = GIC_DT_ICELLS };
	struct fdt_node node;
	uint64_t addr = 0;

	if (!plat.dtb_ok || !fdt_find_compatible(fdt, compat, &node))
		return false;
	scan_gic(fdt, &s);
	fdt_reg(fdt, &node, 0, &addr, NULL);
	*base = addr;
	if (!node_spis(fdt, &node, &s, intid, 1))
		*intid = 0;
	return true;
}
