/*
 * config.c - reads skiff's configuration device tree (binding: dts/README.md) with libfdt
 * into struct config and checks what can be checked without the host: lengths, known names
 * and values, limits, duplicates within a guest. Reads the blob only; knows nothing of the
 * host platform or the ledger (hyp/plan/assign.c checks the config against those). Every length
 * libfdt hands back is checked, so a malformed blob gives a message, never a bad read.
 */
#include <libfdt.h>
#include <string.h>

#include "hyp/plan/config.h"
#include "hyp/plan/fdt_struct.h"
#include "hyp/plan/fdt_props.h"
#include "lib/printf.h"

#define COMPAT_CONFIG "skiff,config-1"
#define NODE_SKIFF "skiff"
#define NODE_GUEST_PREFIX "guest@"
#define NODE_CHANNEL_PREFIX "channel@"
#define PROP_GUESTS "guests"
#define IMAGE_FW_CFG_NAME "fw_cfg"

#define PROP_COMPATIBLE "compatible"
#define PROP_ADDRESS_CELLS "#address-cells"
#define PROP_SIZE_CELLS "#size-cells"
#define PROP_CPUS "cpus"
#define PROP_MEMORY "memory"
#define PROP_BOOTARGS "bootargs"
#define PROP_KERNEL "kernel"
#define PROP_INITRD "initrd"
#define PROP_DOORBELL "doorbell"
#define PROP_DEVICE "device"
#define PROP_MODES "interrupt-modes"
#define PROP_TRIGGERS "interrupt-triggers"
#define PROP_OPTIONAL "optional"
#define PROP_WHOLE_PAGES "whole-pages"
#define PROP_VCONSOLE "virtual-console"
#define PROP_PMU_EL2 "pmu-el2-counting"
#define PROP_STATS "stats-at-exit"
#define PROP_TEST "test-controls"
#define PROP_NO_DEFERRAL "oneshot-no-deferral"
#define PROP_V2_HW_LRS "gicv2-hw-lrs-on-qemu"
#define PROP_S2_PAGES "stage2-4k-pages"
#define PROP_DEVICE_WINDOW "device-window"
#define PROP_SPI_WINDOW "spi-window"
#define PROP_DEVICES "devices"
#define PROP_GIC_VERSION "gic-version"
#define PROP_ARCH "arch"
#define WORD_AUTO "auto"
#define WORD_ALL "all"

/* DT spec 2.3.5: what a client assumes when #address-cells / #size-cells are absent. */
#define DT_DEFAULT_ADDRESS_CELLS 2
#define DT_DEFAULT_SIZE_CELLS 1
#define CELL_BYTES 4u

#define GIC_NR_SPI 988 /* SPI numbers 0..987: INTIDs 32..1019 */
#define PAGE_SIZE 0x1000ull
#define FDT_ALIGN 8
#define WHERE_MAX (CONFIG_NAME_MAX * 2 + 2)
#define NR_CHOICES 3
#define CFG_EFAIL (-1)

struct cfg_ctx {
	const void *fdt;
	struct config *cfg;
	char *err;
	size_t err_size;
	uint32_t ac, sc;       /* the root's cells, for memory, images and device-window */
	char where[WHERE_MAX]; /* the node messages name: "/", "/skiff", "guest@0/uart" */
};

static const char *const mode_names[NR_CHOICES] = { "hw", "eoi", "oneshot" };
static const char *const trigger_names[NR_CHOICES] = { "dt", "level", "edge" };
/* config_guest.arch - 1 */
static const char *const arch_names[NR_CHOICES] = { "aarch64", "aarch32", "aarch32-thumb" };

/* Properties each kind of node may have; anything else is a typo worth a message. */
static const char *const root_props[] = { PROP_COMPATIBLE, PROP_ADDRESS_CELLS, PROP_SIZE_CELLS,
					  "model", NULL };
static const char *const skiff_props[] = { PROP_STATS,	       PROP_TEST,	PROP_NO_DEFERRAL,
					   PROP_DEVICE_WINDOW, PROP_SPI_WINDOW, PROP_PMU_EL2,
					   PROP_V2_HW_LRS,     PROP_S2_PAGES,	NULL };
static const char *const guest_props[] = { PROP_CPUS,	  PROP_MEMORY,	PROP_BOOTARGS,
					   PROP_KERNEL,	  PROP_INITRD,	PROP_DOORBELL,
					   PROP_VCONSOLE, PROP_DEVICES, PROP_GIC_VERSION,
					   PROP_ARCH,	  NULL };
static const char *const channel_props[] = { PROP_GUESTS, PROP_MEMORY, NULL };
static const char *const device_props[] = { PROP_DEVICE,   PROP_MODES,	     PROP_TRIGGERS,
					    PROP_OPTIONAL, PROP_WHOLE_PAGES, NULL };

const char *irq_mode_name(enum irq_mode m)
{
	return (unsigned int)m < NR_CHOICES ? mode_names[m] : "?";
}

/* Writes "<where>: <message>" and returns CFG_EFAIL; bytes that are not printable ASCII
 * (the blob's strings go to a console) become '?'. */
static int __attribute__((format(printf, 2, 3))) cfg_fail(struct cfg_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_message(c->err, c->err_size, c->where, fmt, ap);
	va_end(ap);
	return CFG_EFAIL;
}

/* Property name of node: 1 with *v and *len when present, 0 when absent, or fails. */
static int get_prop(struct cfg_ctx *c, int node, const char *name, const void **v, int *len)
{
	*v = fdt_getprop(c->fdt, node, name, len);
	if (*v)
		return 1;
	if (*len == -FDT_ERR_NOTFOUND)
		return 0;
	return cfg_fail(c, "%s: %s", name, fdt_struct_strerror(*len));
}

/* A flag (an empty property): *out true when present. */
static int get_flag(struct cfg_ctx *c, int node, const char *name, bool *out)
{
	const void *v;
	int len, ret = get_prop(c, node, name, &v, &len);

	if (ret <= 0)
		return ret;
	if (len)
		return cfg_fail(c, "%s: has a %d-byte value; it is a flag and takes none", name,
				len);
	*out = true;
	return 0;
}

/* Every property of node must be named in allowed (or be a phandle dtc added). */
static int check_props(struct cfg_ctx *c, int node, const char *const *allowed)
{
	int off;

	fdt_for_each_property_offset(off, c->fdt, node)
	{
		const char *const *a;
		const char *name;
		int len;

		if (!fdt_getprop_by_offset(c->fdt, off, &name, &len) || !name)
			return cfg_fail(c, "property at offset %d: %s", off,
					fdt_struct_strerror(len));
		for (a = allowed; *a && strcmp(*a, name); a++)
			;
		if (!*a && strcmp(name, "phandle") && strcmp(name, "linux,phandle"))
			return cfg_fail(c, "%s: unknown property", name);
	}
	if (off != -FDT_ERR_NOTFOUND)
		return cfg_fail(c, "properties: %s", fdt_struct_strerror(off));
	return 0;
}

/* Whether property name of node is the string word. */
static bool is_word(const void *fdt, int node, const char *name, const char *word)
{
	int len;
	const char *v = fdt_getprop(fdt, node, name, &len);

	return v && len > 0 && !strncmp(v, word, (size_t)len);
}

/* One cell of the root (#address-cells / #size-cells): 1 or 2, the default when absent. */
static int root_cells(struct cfg_ctx *c, const char *name, uint32_t dflt, uint32_t *out)
{
	const void *v;
	int len, ret = get_prop(c, 0, name, &v, &len);

	*out = dflt;
	if (ret <= 0)
		return ret;
	if (len != (int)CELL_BYTES)
		return cfg_fail(c, "%s: %d bytes, not 4", name, len);
	*out = fdt32_ld(v);
	if (*out < 1 || *out > 2)
		return cfg_fail(c, "%s: %u is not supported (1 or 2)", name, *out);
	return 0;
}

/* The (address, size) pair at cell, in the root's cells: size not 0, no wrap around. */
static int read_range(struct cfg_ctx *c, const char *name, const fdt32_t *cell,
		      struct config_range *r)
{
	r->base = fdt_cells_read(cell, c->ac);
	r->size = fdt_cells_read(cell + c->ac, c->sc);
	if (!r->size)
		return cfg_fail(c, "%s: 0x%llx+0x0 has size 0", name, (unsigned long long)r->base);
	if (r->base + (r->size - 1) < r->base)
		return cfg_fail(c, "%s: 0x%llx+0x%llx wraps around", name,
				(unsigned long long)r->base, (unsigned long long)r->size);
	return 0;
}

static int check_page_aligned(struct cfg_ctx *c, const char *name, const struct config_range *r)
{
	if ((r->base | r->size) & (PAGE_SIZE - 1))
		return cfg_fail(c, "%s: 0x%llx+0x%llx is not 4 KiB-aligned", name,
				(unsigned long long)r->base, (unsigned long long)r->size);
	return 0;
}

static int parse_skiff(struct cfg_ctx *c, int node)
{
	struct config *cfg = c->cfg;
	const void *v;
	int len, ret;

	fmt_snprintf(c->where, sizeof(c->where), "/%s", NODE_SKIFF);
	ret = check_props(c, node, skiff_props);
	if (!ret)
		ret = get_flag(c, node, PROP_STATS, &cfg->stats_at_exit);
	if (!ret)
		ret = get_flag(c, node, PROP_TEST, &cfg->test_controls);
	if (!ret)
		ret = get_flag(c, node, PROP_NO_DEFERRAL, &cfg->oneshot_no_deferral);
	if (!ret)
		ret = get_flag(c, node, PROP_PMU_EL2, &cfg->pmu_el2_counting);
	if (!ret)
		ret = get_flag(c, node, PROP_V2_HW_LRS, &cfg->gicv2_hw_lrs_on_qemu);
	if (!ret)
		ret = get_flag(c, node, PROP_S2_PAGES, &cfg->stage2_4k_pages);
	if (ret < 0)
		return ret;
	if (fdt_first_subnode(c->fdt, node) >= 0)
		return cfg_fail(c, "has a subnode; it takes none");

	cfg->device_window_auto = is_word(c->fdt, node, PROP_DEVICE_WINDOW, WORD_AUTO);
	cfg->spi_window_auto = is_word(c->fdt, node, PROP_SPI_WINDOW, WORD_AUTO);
	ret = cfg->device_window_auto ? 0 : get_prop(c, node, PROP_DEVICE_WINDOW, &v, &len);
	if (ret < 0)
		return ret;
	if (ret) {
		if ((uint32_t)len != (c->ac + c->sc) * CELL_BYTES)
			return cfg_fail(c,
					"%s: %d bytes, not one (address, size) pair of %u cells "
					"nor \"" WORD_AUTO "\"",
					PROP_DEVICE_WINDOW, len, c->ac + c->sc);
		ret = read_range(c, PROP_DEVICE_WINDOW, v, &cfg->device_window);
		if (!ret)
			ret = check_page_aligned(c, PROP_DEVICE_WINDOW, &cfg->device_window);
		if (ret < 0)
			return ret;
	}

	ret = cfg->spi_window_auto ? 0 : get_prop(c, node, PROP_SPI_WINDOW, &v, &len);
	if (ret <= 0)
		return ret;
	if (len != 2 * (int)CELL_BYTES)
		return cfg_fail(c, "%s: %d bytes, not <first count> (8) nor \"" WORD_AUTO "\"",
				PROP_SPI_WINDOW, len);
	cfg->spi_window.base = fdt_cells_read(v, 1);
	cfg->spi_window.size = fdt_cells_read((const fdt32_t *)v + 1, 1);
	if (!cfg->spi_window.size)
		return cfg_fail(c, "%s: count is 0", PROP_SPI_WINDOW);
	if (cfg->spi_window.base + cfg->spi_window.size > GIC_NR_SPI)
		return cfg_fail(
			c, "%s: SPIs %llu..%llu go past the last SPI (%d)", PROP_SPI_WINDOW,
			(unsigned long long)cfg->spi_window.base,
			(unsigned long long)(cfg->spi_window.base + cfg->spi_window.size - 1),
			GIC_NR_SPI - 1);
	return 0;
}

static int parse_cpus(struct cfg_ctx *c, int node, struct config_guest *g)
{
	const void *v;
	unsigned int i, j;
	int len, ret = get_prop(c, node, PROP_CPUS, &v, &len);

	if (ret < 0)
		return ret;
	if (!ret) {
		g->all_cpus = true;
		return 0;
	}
	if (!len)
		return cfg_fail(c, "%s: empty (leave it out for every CPU)", PROP_CPUS);
	if (len < 0 || (uint32_t)len % CELL_BYTES)
		return cfg_fail(c, "%s: %d bytes, not a list of MPIDRs (one cell each)", PROP_CPUS,
				len);
	if ((uint32_t)len / CELL_BYTES > CONFIG_MAX_CPUS)
		return cfg_fail(c, "%s: %u CPUs, more than %d", PROP_CPUS,
				(uint32_t)len / CELL_BYTES, CONFIG_MAX_CPUS);
	g->nr_cpus = (uint32_t)len / CELL_BYTES;
	for (i = 0; i < g->nr_cpus; i++) {
		g->cpu_mpidr[i] = fdt_cells_read((const fdt32_t *)v + i, 1);
		for (j = 0; j < i; j++)
			if (g->cpu_mpidr[j] == g->cpu_mpidr[i])
				return cfg_fail(c, "%s: CPU 0x%llx is listed twice", PROP_CPUS,
						(unsigned long long)g->cpu_mpidr[i]);
	}
	return 0;
}

/* memory: up to max (address, size) pairs, page-aligned; *nr 0 when absent. */
static int parse_memory(struct cfg_ctx *c, int node, unsigned int max, unsigned int *nr,
			struct config_range *mem)
{
	uint32_t entry = (c->ac + c->sc) * CELL_BYTES;
	const void *v;
	unsigned int i;
	int len, ret = get_prop(c, node, PROP_MEMORY, &v, &len);

	if (ret <= 0)
		return ret;
	if (len <= 0 || (uint32_t)len % entry)
		return cfg_fail(c, "%s: %d bytes, not a list of (address, size) pairs of %u cells",
				PROP_MEMORY, len, c->ac + c->sc);
	if ((uint32_t)len / entry > max)
		return cfg_fail(c, "%s: %u ranges, more than %d", PROP_MEMORY,
				(uint32_t)len / entry, max);
	*nr = (uint32_t)len / entry;
	for (i = 0; i < *nr; i++) {
		const fdt32_t *cell = (const fdt32_t *)v + i * (c->ac + c->sc);

		ret = read_range(c, PROP_MEMORY, cell, &mem[i]);
		if (!ret)
			ret = check_page_aligned(c, PROP_MEMORY, &mem[i]);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* The words kernel and initrd take, by enum image_source (IMAGE_NONE and IMAGE_MEMORY: none). */
static const char *const image_words[] = {
	[IMAGE_FW_CFG] = IMAGE_FW_CFG_NAME,
	[IMAGE_MULTIBOOT] = "multiboot",
	[IMAGE_AUTO] = "auto",
};

static const char *image_source_name(enum image_source src)
{
	return src == IMAGE_FW_CFG   ? "\"" IMAGE_FW_CFG_NAME "\""
	       : src == IMAGE_MEMORY ? "<address size>"
				     : image_words[src];
}

/* kernel / initrd: "fw_cfg", "multiboot", "auto", or <address size> in the root's cells. */
static int parse_image(struct cfg_ctx *c, int node, const char *name, struct config_image *img)
{
	struct config_range r;
	const void *v;
	int len, ret = get_prop(c, node, name, &v, &len);

	if (ret <= 0)
		return ret;
	if (fdt_prop_is_string(v, len)) {
		enum image_source src;

		for (src = IMAGE_FW_CFG; src <= IMAGE_AUTO; src++)
			if (image_words[src] && !strcmp(v, image_words[src])) {
				img->source = src;
				return 0;
			}
		return cfg_fail(c,
				"%s: \"%s\" is not \"%s\", \"multiboot\" or \"auto\" (or "
				"<address size>)",
				name, (const char *)v, IMAGE_FW_CFG_NAME);
	}
	if ((uint32_t)len != (c->ac + c->sc) * CELL_BYTES)
		return cfg_fail(c, "%s: %d bytes, neither \"%s\" nor <address size> (%u cells)",
				name, len, IMAGE_FW_CFG_NAME, c->ac + c->sc);
	ret = read_range(c, name, v, &r);
	if (ret < 0)
		return ret;
	img->source = IMAGE_MEMORY;
	img->addr = r.base;
	img->size = r.size;
	return 0;
}

/* A list of strings, each one of names[]: their indexes into out[], their count in *count. */
static int parse_choices(struct cfg_ctx *c, int node, const char *name,
			 const char *const names[NR_CHOICES], unsigned int *out,
			 unsigned int *count)
{
	const void *pv;
	const char *v, *s;
	int len, ret = get_prop(c, node, name, &pv, &len);

	*count = 0;
	if (ret <= 0)
		return ret;
	v = pv;
	if (len <= 0 || v[len - 1] != '\0')
		return cfg_fail(c, "%s: not a list of strings", name);
	for (s = v; s < v + len; s += strlen(s) + 1) {
		unsigned int i;

		for (i = 0; i < NR_CHOICES && strcmp(s, names[i]); i++)
			;
		if (i == NR_CHOICES)
			return cfg_fail(c, "%s: \"%s\" is not %s, %s or %s", name, s, names[0],
					names[1], names[2]);
		if (*count == CONFIG_MAX_DEV_IRQS)
			return cfg_fail(c, "%s: more than %d entries", name, CONFIG_MAX_DEV_IRQS);
		out[(*count)++] = i;
	}
	return 0;
}

static int parse_device(struct cfg_ctx *c, int node, const char *name, struct config_guest *g)
{
	struct config_device *dev;
	unsigned int idx[CONFIG_MAX_DEV_IRQS], i;
	const void *v;
	int len, ret;

	fmt_snprintf(c->where, sizeof(c->where), "%s/%s", g->name, name);
	if (strlen(name) >= CONFIG_NAME_MAX)
		return cfg_fail(c, "node name is longer than %d bytes", CONFIG_NAME_MAX - 1);
	if (g->nr_devices == CONFIG_MAX_DEVICES)
		return cfg_fail(c, "more than %d devices in %s", CONFIG_MAX_DEVICES, g->name);
	dev = &g->device[g->nr_devices];
	memcpy(dev->name, name, strlen(name) + 1);

	ret = check_props(c, node, device_props);
	if (ret < 0)
		return ret;
	if (fdt_first_subnode(c->fdt, node) >= 0)
		return cfg_fail(c, "has a subnode; a device node takes none");
	ret = get_prop(c, node, PROP_DEVICE, &v, &len);
	if (ret < 0)
		return ret;
	if (!ret)
		return cfg_fail(c, "%s: missing (the host device-tree path)", PROP_DEVICE);
	if (!fdt_prop_is_string(v, len))
		return cfg_fail(c, "%s: not a string", PROP_DEVICE);
	if (((const char *)v)[0] != '/' && strcmp(v, CONFIG_DEVICE_STDOUT))
		return cfg_fail(c,
				"%s: \"%s\" is not a full path (it must start with '/') nor \"%s\"",
				PROP_DEVICE, (const char *)v, CONFIG_DEVICE_STDOUT);
	if (len > CONFIG_PATH_MAX)
		return cfg_fail(c, "%s: path is longer than %d bytes", PROP_DEVICE,
				CONFIG_PATH_MAX - 1);
	memcpy(dev->path, v, (size_t)len);
	dev->optional = fdt_getprop(c->fdt, node, PROP_OPTIONAL, NULL) != NULL;
	ret = get_flag(c, node, PROP_WHOLE_PAGES, &dev->whole_pages);
	if (ret < 0)
		return ret;
	for (i = 0; i < g->nr_devices; i++)
		if (!strcmp(g->device[i].path, dev->path))
			return cfg_fail(c, "%s: %s is already given to %s/%s", PROP_DEVICE,
					dev->path, g->name, g->device[i].name);

	ret = parse_choices(c, node, PROP_MODES, mode_names, idx, &dev->nr_modes);
	if (ret < 0)
		return ret;
	for (i = 0; i < dev->nr_modes; i++)
		dev->mode[i] = (enum irq_mode)idx[i];
	ret = parse_choices(c, node, PROP_TRIGGERS, trigger_names, idx, &dev->nr_triggers);
	if (ret < 0)
		return ret;
	for (i = 0; i < dev->nr_triggers; i++)
		dev->trigger[i] = (enum irq_trigger)idx[i];
	g->nr_devices++;
	return 0;
}

static int parse_guest(struct cfg_ctx *c, int node, const char *name)
{
	struct config_guest *g;
	const void *v = NULL;
	unsigned int i, n, arch[CONFIG_MAX_DEV_IRQS];
	int len = 0, ret, sub;

	fmt_snprintf(c->where, sizeof(c->where), "%s", name);
	if (strlen(name) >= CONFIG_NAME_MAX)
		return cfg_fail(c, "node name is longer than %d bytes", CONFIG_NAME_MAX - 1);
	if (c->cfg->nr_guests == CONFIG_MAX_GUESTS)
		return cfg_fail(c, "more than %d guests", CONFIG_MAX_GUESTS);
	g = &c->cfg->guest[c->cfg->nr_guests++];
	memcpy(g->name, name, strlen(name) + 1);

	ret = check_props(c, node, guest_props);
	if (!ret)
		ret = parse_cpus(c, node, g);
	if (!ret)
		ret = parse_memory(c, node, CONFIG_MAX_MEM, &g->nr_mem, g->mem);
	g->all_memory = !g->nr_mem;
	if (!ret)
		ret = get_flag(c, node, PROP_DOORBELL, &g->doorbell);
	if (!ret)
		ret = get_flag(c, node, PROP_VCONSOLE, &g->vconsole);
	if (!ret)
		ret = get_prop(c, node, PROP_BOOTARGS, &v, &len);
	if (ret < 0)
		return ret;
	if (ret) {
		if (!fdt_prop_is_string(v, len))
			return cfg_fail(c, "%s: not a string", PROP_BOOTARGS);
		if (len > CONFIG_BOOTARGS_MAX)
			return cfg_fail(c, "%s: %d bytes, longer than %d", PROP_BOOTARGS, len - 1,
					CONFIG_BOOTARGS_MAX - 1);
		memcpy(g->bootargs, v, (size_t)len);
		g->has_bootargs = true;
	}
	ret = get_prop(c, node, PROP_GIC_VERSION, &v, &len);
	if (ret < 0)
		return ret;
	if (ret) {
		if (len != (int)CELL_BYTES)
			return cfg_fail(c, "%s: %d bytes, not 4", PROP_GIC_VERSION, len);
		g->gic_version = fdt32_ld(v);
		if (g->gic_version != 2 && g->gic_version != 3)
			return cfg_fail(c, "%s: %u is not 2 or 3", PROP_GIC_VERSION,
					g->gic_version);
	}
	ret = parse_choices(c, node, PROP_ARCH, arch_names, arch, &n);
	if (ret < 0)
		return ret;
	if (n > 1)
		return cfg_fail(c, "%s: %u strings, not one", PROP_ARCH, n);
	g->arch = n ? arch[0] + 1 : CONFIG_ARCH_AUTO;
	g->all_devices = is_word(c->fdt, node, PROP_DEVICES, WORD_ALL);
	if (!g->all_devices && fdt_getprop(c->fdt, node, PROP_DEVICES, NULL))
		return cfg_fail(c, "%s: not \"" WORD_ALL "\"", PROP_DEVICES);
	for (i = 0; g->all_devices && i + 1 < c->cfg->nr_guests; i++)
		if (c->cfg->guest[i].all_devices)
			return cfg_fail(c,
					"%s: \"" WORD_ALL "\", as for %s: only one guest can have "
					"every device",
					PROP_DEVICES, c->cfg->guest[i].name);
	ret = parse_image(c, node, PROP_KERNEL, &g->kernel);
	if (!ret && g->kernel.source == IMAGE_NONE)
		ret = cfg_fail(c, "%s: missing (\"%s\", \"multiboot\", \"auto\" or <address size>)",
			       PROP_KERNEL, IMAGE_FW_CFG_NAME);
	if (!ret)
		ret = parse_image(c, node, PROP_INITRD, &g->initrd);
	if (!ret && g->initrd.source != IMAGE_NONE && g->initrd.source != g->kernel.source)
		ret = cfg_fail(c, "%s: %s, but %s is %s: give both from the same source",
			       PROP_INITRD, image_source_name(g->initrd.source), PROP_KERNEL,
			       image_source_name(g->kernel.source));
	if (ret < 0)
		return ret;

	fdt_for_each_subnode(sub, c->fdt, node)
	{
		const char *dname = fdt_get_name(c->fdt, sub, &len);

		if (!dname)
			return cfg_fail(c, "subnode name: %s", fdt_struct_strerror(len));
		ret = parse_device(c, sub, dname, g);
		if (ret < 0)
			return ret;
	}
	if (sub != -FDT_ERR_NOTFOUND)
		return cfg_fail(c, "subnodes: %s", fdt_struct_strerror(sub));
	return 0;
}

/* "guest@" and a decimal number. */
static bool is_guest_name(const char *name)
{
	size_t n = strlen(NODE_GUEST_PREFIX);

	if (strncmp(name, NODE_GUEST_PREFIX, n) || !name[n])
		return false;
	for (name += n; *name; name++)
		if (*name < '0' || *name > '9')
			return false;
	return true;
}

/* The guest@N node named s, or -1. */
static int guest_by_name(const struct config *cfg, const char *s)
{
	unsigned int i;

	for (i = 0; i < cfg->nr_guests; i++)
		if (!strcmp(cfg->guest[i].name, s))
			return (int)i;
	return -1;
}

/* channel@N (docs/channel.md): guests = two guest@N names; memory = one <address size>. The
 * host-side checks (inside RAM, nobody else's) are hyp/plan/assign.c's. */
static __attribute__((cold)) int parse_channel(struct cfg_ctx *c, int node, const char *name)
{
	struct config_channel *ch;
	const char *s, *end;
	const void *v = NULL;
	unsigned int i;
	int len, ret, g = 0;

	fmt_snprintf(c->where, sizeof(c->where), "%s", name);
	if (c->cfg->nr_channels == CONFIG_MAX_CHANNELS)
		return cfg_fail(c, "more than %d channels", CONFIG_MAX_CHANNELS);
	ch = &c->cfg->channel[c->cfg->nr_channels++];
	fmt_snprintf(ch->name, sizeof(ch->name), "%s", name);
	ret = check_props(c, node, channel_props);
	if (!ret)
		ret = get_prop(c, node, PROP_GUESTS, &v, &len);
	if (ret < 0)
		return ret;
	/* two strings, each a guest's name, not the same twice */
	if (!ret || len <= 0 || ((const char *)v)[len - 1])
		len = 0;		       /* absent, empty or not NUL-terminated: no names */
	end = len ? (const char *)v + len : v; /* (v may be NULL: no offset applied to it) */
	for (i = 0, s = v; s < end && i < 2 && g >= 0; i++) {
		g = guest_by_name(c->cfg, s);
		ch->guest[i] = (unsigned int)g;
		s += strlen(s) + 1;
	}
	if (i != 2 || g < 0 || s != end || ch->guest[0] == ch->guest[1])
		return cfg_fail(c, "%s: not the names of two guests of this configuration",
				PROP_GUESTS);
	i = 0;
	ret = parse_memory(c, node, 1, &i, &ch->mem);
	if (!ret && !i)
		ret = cfg_fail(c, "%s: missing", PROP_MEMORY);
	return ret;
}

static bool has_prefix(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static int parse_root(struct cfg_ctx *c)
{
	const void *v;
	int len, ret, node;

	fmt_snprintf(c->where, sizeof(c->where), "/");
	ret = get_prop(c, 0, PROP_COMPATIBLE, &v, &len);
	if (ret < 0)
		return ret;
	if (!ret)
		return cfg_fail(c, "%s: missing (it must be \"%s\")", PROP_COMPATIBLE,
				COMPAT_CONFIG);
	if (fdt_stringlist_contains(v, len, COMPAT_CONFIG) != 1)
		return cfg_fail(c, "%s: \"%.*s\" is not \"%s\"", PROP_COMPATIBLE,
				(int)strnlen(v, (size_t)len), (const char *)v, COMPAT_CONFIG);
	ret = check_props(c, 0, root_props);
	if (!ret)
		ret = root_cells(c, PROP_ADDRESS_CELLS, DT_DEFAULT_ADDRESS_CELLS, &c->ac);
	if (!ret)
		ret = root_cells(c, PROP_SIZE_CELLS, DT_DEFAULT_SIZE_CELLS, &c->sc);
	if (ret < 0)
		return ret;

	fdt_for_each_subnode(node, c->fdt, 0)
	{
		const char *name = fdt_get_name(c->fdt, node, &len);

		fmt_snprintf(c->where, sizeof(c->where), "/");
		if (!name)
			return cfg_fail(c, "subnode name: %s", fdt_struct_strerror(len));
		if (!strcmp(name, NODE_SKIFF)) {
			ret = parse_skiff(c, node);
		} else if (is_guest_name(name)) {
			ret = parse_guest(c, node, name);
		} else if (!strncmp(name, "__", 2) || has_prefix(name, NODE_CHANNEL_PREFIX)) {
			continue; /* dtc -@ adds __symbols__ and friends; channels: once guests are
				   */
		} else {
			return cfg_fail(c, "node %s is neither %s, %sN nor %sN", name, NODE_SKIFF,
					NODE_GUEST_PREFIX, NODE_CHANNEL_PREFIX);
		}
		if (ret < 0)
			return ret;
	}
	fmt_snprintf(c->where, sizeof(c->where), "/");
	if (node != -FDT_ERR_NOTFOUND)
		return cfg_fail(c, "subnodes: %s", fdt_struct_strerror(node));
	if (!c->cfg->nr_guests)
		return cfg_fail(c, "no %sN node: a configuration needs at least one guest",
				NODE_GUEST_PREFIX);
	fdt_for_each_subnode(node, c->fdt, 0)
	{
		const char *name = fdt_get_name(c->fdt, node, NULL);

		if (name && has_prefix(name, NODE_CHANNEL_PREFIX)) {
			ret = parse_channel(c, node, name);
			if (ret < 0)
				return ret;
		}
	}
	return 0;
}

int config_parse(const void *fdt, size_t size, struct config *cfg, char *err, size_t err_size)
{
	struct cfg_ctx c = { .fdt = fdt, .cfg = cfg, .err = err, .err_size = err_size };
	uint32_t at;
	int ret;

	fmt_snprintf(c.where, sizeof(c.where), "config");
	if (err && err_size)
		err[0] = '\0';
	if (!cfg)
		return cfg_fail(&c, "no struct config to fill");
	memset(cfg, 0, sizeof(*cfg));
	if (!fdt)
		return cfg_fail(&c, "no device tree");
	if ((uintptr_t)fdt % FDT_ALIGN)
		return cfg_fail(&c, "address 0x%lx is not %d-byte aligned",
				(unsigned long)(uintptr_t)fdt, FDT_ALIGN);
	if (size < sizeof(struct fdt_header))
		return cfg_fail(&c, "%zu bytes, smaller than a device tree header", size);
	ret = fdt_check_header(fdt);
	if (ret)
		return cfg_fail(&c, "device tree header: %s", fdt_struct_strerror(ret));
	if (fdt_totalsize(fdt) > size)
		return cfg_fail(&c, "totalsize %u is larger than its %zu bytes", fdt_totalsize(fdt),
				size);
	ret = fdt_struct_check(fdt, &at);
	if (ret == -FDT_ERR_BADVERSION)
		return cfg_fail(&c, "device tree version %u: skiff reads version %d and later",
				fdt_version(fdt), FDT_STRUCT_MIN_VERSION);
	if (ret)
		return cfg_fail(&c, "device tree structure: %s at structure offset 0x%x",
				fdt_struct_strerror(ret), at);
	ret = fdt_struct_check_full(fdt);
	if (ret)
		return cfg_fail(&c, "device tree structure: %s", fdt_struct_strerror(ret));
	return parse_root(&c);
}
