/*
 * guest_dtb.c - generates a guest's device tree (hyp/plan/guest_dtb.h says what it holds and the
 * rule for phandle references): marks the host nodes the guest gets, closes that set over the
 * references of what it copies, then writes the tree with hyp/plan/fdt_write.c.
 * Reads the host tree and the assignment, writes only the output buffer; no hardware, no log.
 */
#include "hyp/plan/guest_dtb.h"
#include "hyp/plan/fdt_index.h"
#include "hyp/plan/fdt_struct.h"
#include "hyp/plan/fdt_write.h"
#include "irq/vgic.h"
#include "lib/printf.h"

#include <libfdt.h>
#include <stdarg.h>
#include <string.h>

#define DT_ROOT_ADDR_CELLS_DEFAULT 2
#define DT_ROOT_SIZE_CELLS_DEFAULT 1
#define DT_CPUS_ADDR_CELLS_DEFAULT 1
#define DT_SIZE_CELLS_DEFAULT 1	     /* a node's #size-cells when it has none (DTSpec 2.3.5) */
#define DT_IMAP_ADDR_CELLS_DEFAULT 2 /* a node's own #address-cells in its interrupt-map */
/* More cells than any property of a 2 MiB tree has: a #xxx-cells that is missing (where one is
 * required) or larger makes the property that needs it malformed. */
#define DT_CELLS_MAX (1u << 20)
#define DT_CELL_BYTES 4
#define DT_UNIT_NAME_MAX 32
#define GIC_SPI 0
#define GIC_SPI_BASE 32 /* INTID of SPI 0 */
#define GIC_ICELLS 3
#define GIC_ICELLS_PPI_PARTITIONS 4
#define IRQ_TYPE_EDGE_RISING 1
#define IRQ_TYPE_LEVEL_HIGH 4

enum mark_kind {
	MARK_NONE,
	MARK_PARENT, /* its own properties, and only its marked children */
	MARK_WHOLE,  /* every property, every subnode */
};

enum node_place {
	PLACE_FREE,    /* not in the guest tree, and may be added */
	PLACE_IN,      /* in the guest tree */
	PLACE_FOREIGN, /* not in it, and must not be: a device the guest does not own */
};

struct mark {
	int node;
	uint8_t kind;
	uint8_t scanned; /* the kind its properties were scanned for */
	bool owned;	 /* a device of the assignment: its subtree is the guest's */
};

/* Where a phandle property keeps its phandles: see ref_format(). */
struct ref_fmt {
	const char *cells; /* the named node's #xxx-cells counting the arguments, or NULL */
	uint32_t pre;	   /* cells before each phandle */
	uint32_t post;	   /* fixed cells after each phandle and its arguments */
	bool imap;	   /* interrupt-map: arguments are #address-cells + #interrupt-cells */
};

struct gdtb {
	struct fdt_index ix; /* the host tree's parent and phandle links */
	const void *fdt;     /* the host's */
	struct fdtw w;	     /* the guest's tree */
	const struct assignment *a;
	const char *step;	      /* what is being done, for the error; NULL: host node at */
	char why[PLAT_PATH_MAX + 64]; /* a step that needs words of its own */
	int at;
	int gic, cpus;
	int cpu[PLAT_MAX_CPUS]; /* host cpu node of each vCPU */
	unsigned int nr;
	struct mark mark[GUEST_DTB_MAX_NODES];
};

static struct gdtb gd;

/* Root nodes written here, and /reserved-memory: the host's are never copied nor named. */
static const char generated_nodes[] = "chosen\0aliases\0psci\0memory\0reserved-memory\0";
static const char root_props[] = "compatible\0model\0#address-cells\0#size-cells\0";
static const char gic_skip[] = "interrupts\0ranges\0";
static const char gicv2_skip[] = "interrupts\0ranges\0reg\0";
static const char cpu_skip[] = "reg\0enable-method\0cpu-release-addr\0cpu-idle-states\0";
static const char psci_compat[] = "arm,psci-1.0\0arm,psci-0.2";
/*
 * Properties that hold phandles (besides pinctrl-N, *-supply, *-gpios and *-gpio): the name,
 * then how an entry reads: "#xxx-cells" (a phandle, then the arguments the named node's
 * #xxx-cells counts), "-" (a phandle), ":<pre><post>" (that many cells before and after the
 * phandle) or "i" (interrupt-map: the node's own #address-cells and #interrupt-cells before
 * it, the named node's after).
 */
static const char ref_props[] =
	"interrupt-parent\0-\0next-level-cache\0-\0memory-region\0-\0"
	"operating-points-v2\0-\0nvmem-cells\0-\0sram\0-\0phy-handle\0-\0"
	"remote-endpoint\0-\0interrupt-affinity\0-\0cpu\0-\0"
	"clocks\0#clock-cells\0assigned-clocks\0#clock-cells\0"
	"assigned-clock-parents\0#clock-cells\0resets\0#reset-cells\0"
	"power-domains\0#power-domain-cells\0phys\0#phy-cells\0"
	"dmas\0#dma-cells\0iommus\0#iommu-cells\0"
	"interrupts-extended\0#interrupt-cells\0msi-parent\0#msi-cells\0"
	"pwms\0#pwm-cells\0mboxes\0#mbox-cells\0"
	"io-channels\0#io-channel-cells\0gpios\0#gpio-cells\0"
	"gpio\0#gpio-cells\0gpio-ranges\0:03\0msi-map\0:12\0iommu-map\0:12\0"
	"interrupt-map\0i\0";

/* The entry of a NUL-separated list (every step-th string) equal to s[0..len), or NULL. */
static const char *list_find(const char *list, const char *s, size_t len, unsigned int step)
{
	unsigned int i;

	for (i = 0; *list; list += strlen(list) + 1, i++)
		if (!(i % step) && strlen(list) == len && !memcmp(list, s, len))
			return list;
	return NULL;
}

static bool ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && !memcmp(s + len - n, suffix, n);
}

static uint32_t cells(const void *fdt, int node, const char *name, uint32_t dflt)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);
	uint32_t v = (p && len == DT_CELL_BYTES) ? fdt32_ld(p) : dflt;

	return v > DT_CELLS_MAX ? DT_CELLS_MAX : v;
}

/* Close the node being written, unless writing it failed (ret). */
static int end_node(struct gdtb *g, int ret)
{
	return ret ? ret : fdtw_end_node(&g->w);
}

static void put_cells(uint8_t *p, uint32_t n, uint64_t val)
{
	if (n == 2)
		fdt32_st(p, (uint32_t)(val >> 32));
	fdt32_st(p + (n - 1) * DT_CELL_BYTES, (uint32_t)val);
}

/* Whether property name holds phandles, and where (*f). */
static bool ref_format(const char *name, struct ref_fmt *f)
{
	size_t len = strlen(name);
	const char *p = list_find(ref_props, name, len, 2);

	memset(f, 0, sizeof(*f));
	if (p) {
		p += len + 1;
		if (*p == '#') {
			f->cells = p;
		} else if (*p == 'i') {
			f->imap = true;
		} else if (*p == ':') {
			f->pre = (uint32_t)(p[1] - '0');
			f->post = (uint32_t)(p[2] - '0');
		}
		return true;
	}
	if (ends_with(name, len, "-gpios") || ends_with(name, len, "-gpio"))
		f->cells = "#gpio-cells";
	return f->cells || ends_with(name, len, "-supply") ||
	       (!strncmp(name, "pinctrl-", 8) && name[8] >= '0' && name[8] <= '9');
}

static struct mark *find_mark(struct gdtb *g, int node)
{
	unsigned int i;

	for (i = 0; i < g->nr; i++)
		if (g->mark[i].node == node)
			return &g->mark[i];
	return NULL;
}

static enum mark_kind kind_of(struct gdtb *g, int node)
{
	const struct mark *m = find_mark(g, node);

	return m ? m->kind : MARK_NONE;
}

/* Mark node (and the nodes above it as parents); a node keeps the larger kind. */
static int mark(struct gdtb *g, int node, enum mark_kind kind)
{
	for (; node > 0; node = fdt_index_parent(&g->ix, node), kind = MARK_PARENT) {
		struct mark *m = find_mark(g, node);

		if (m && m->kind >= kind)
			return 0;
		if (!m) {
			if (g->nr == GUEST_DTB_MAX_NODES) {
				g->step = "more host nodes than GUEST_DTB_MAX_NODES";
				return -FDT_ERR_NOSPACE;
			}
			m = &g->mark[g->nr++];
			m->node = node;
			m->scanned = MARK_NONE;
			m->owned = false;
		}
		m->kind = kind;
	}
	return node < 0 ? node : 0;
}

/* The vCPU whose host cpu node node is, or -1. */
static int vcpu_of(const struct gdtb *g, int node)
{
	unsigned int i;

	for (i = 0; i < g->a->nr_cpus; i++)
		if (g->cpu[i] == node)
			return (int)i;
	return -1;
}

static bool is_vcpu(const struct gdtb *g, int node)
{
	return vcpu_of(g, node) >= 0;
}

/* A vCPU's reg: its MPIDR as the guest reads it (the affinity fields: skiff drops any other bit
 * the host's reg has) in /cpus's #address-cells. */
static int put_vcpu_reg(struct gdtb *g, int node)
{
	uint32_t ac = cells(g->fdt, g->cpus, "#address-cells", DT_CPUS_ADDR_CELLS_DEFAULT);
	uint64_t mpidr = g->a->cpu_mpidr[vcpu_of(g, node)];
	fdt32_t reg[2];

	if (ac - 1 > 1 || (ac == 1 && mpidr >> 32))
		return -FDT_ERR_BADNCELLS;
	reg[0] = cpu_to_fdt32((uint32_t)(ac == 2 ? mpidr >> 32 : mpidr));
	reg[1] = cpu_to_fdt32((uint32_t)mpidr);
	return fdtw_property(&g->w, "reg", reg, ac * DT_CELL_BYTES);
}

/*
 * A GICv2 guest's GIC: the host's GICD, one 4 KiB page that skiff emulates, and GICC, the two
 * pages where skiff maps the hardware's GICV (hyp/core/vm.c); no GICH or GICV, which are the
 * hypervisor's. The addresses are the host's own reg entries, as its bus gives them.
 */
static int put_gicv2_reg(struct gdtb *g, int node)
{
	static const uint32_t size[2] = { VGIC_GICD_SIZE_V2, VGIC_GICC_SIZE_V2 };
	int parent = fdt_parent_offset(g->fdt, node);
	uint32_t ac = cells(g->fdt, parent, "#address-cells", 2);
	uint32_t sc = cells(g->fdt, parent, "#size-cells", 1);
	uint32_t entry = (ac + sc) * DT_CELL_BYTES;
	uint8_t reg[2 * (3 + 2) * DT_CELL_BYTES]; /* fdt_addr.c reads at most 3 + 2 cells */
	const uint8_t *host;
	int len, i;

	host = fdt_getprop(g->fdt, node, "reg", &len);
	if (!host || sc < 1 || sc > 2 || ac > 3 || (uint32_t)len < 2 * entry)
		return -FDT_ERR_BADVALUE; /* plat_parse took four entries from it */
	memcpy(reg, host, 2 * entry);
	for (i = 0; i < 2; i++) {
		memset(reg + i * entry + ac * DT_CELL_BYTES, 0, sc * DT_CELL_BYTES);
		put_cells(reg + i * entry + ac * DT_CELL_BYTES, sc, size[i]);
	}
	return fdtw_property(&g->w, "reg", reg, 2 * entry);
}

static bool generated_name(const char *name)
{
	const char *at = name ? strchr(name, '@') : NULL;

	return name && list_find(generated_nodes, name, at ? (size_t)(at - name) : strlen(name), 1);
}

/* A memory node, a CPU node not the guest's, or a node with an address range (reg under a
 * parent whose #size-cells is not 0): it describes something of the host's by itself. */
static bool describes_host(const struct gdtb *g, int node, int parent)
{
	const char *type = fdt_getprop(g->fdt, node, "device_type", NULL);

	if (type && (!strcmp(type, "memory") || (!strcmp(type, "cpu") && !is_vcpu(g, node))))
		return true;
	return fdt_getprop(g->fdt, node, "reg", NULL) &&
	       cells(g->fdt, parent, "#size-cells", DT_SIZE_CELLS_DEFAULT) != 0;
}

static bool owned(struct gdtb *g, int node)
{
	const struct mark *m = find_mark(g, node);

	return m && m->owned;
}

/*
 * Whether host node, below a node copied whole, is left out of the copy: a subtree copied whole
 * is the guest's when it is a device's it owns; any other (a vCPU's cpu node, the timer's, a
 * node a property names) goes without the nodes in it that describe the host's own (its caches
 * and idle states stay; a device or a memory node nested in it does not). filtered: no node
 * above node up to the copy's top is owned. A marked node is never left out.
 */
static bool is_memory(const struct gdtb *g, int node)
{
	const char *type = fdt_getprop(g->fdt, node, "device_type", NULL);

	return type && !strcmp(type, "memory");
}

/* ... and a memory node is left out even of an owned device's subtree: only the generated
 * /memory says what RAM the guest has (found by fuzz_guest_dtb: a memory node nested in a
 * virtio-mmio transport named host RAM). */
static bool left_out(struct gdtb *g, int node, int parent, bool filtered)
{
	if (kind_of(g, node))
		return false;
	return is_memory(g, node) || (filtered && describes_host(g, node, parent));
}

/* left_out() for a node anywhere: filtered unless a node above it is owned. */
static bool left_out_at(struct gdtb *g, int node)
{
	int parent = fdt_index_parent(&g->ix, node), x;

	for (x = parent; x > 0; x = fdt_index_parent(&g->ix, x))
		if (owned(g, x))
			return parent >= 0 && left_out(g, node, parent, false);
	return parent >= 0 && left_out(g, node, parent, true);
}

/*
 * Where host node stands: in the guest tree when it is marked, or a node above it is marked
 * whole and neither it nor a node between is left out of that copy (left_out()); else foreign
 * when it or a node between it and the nearest marked one (or the root) has reg or describes
 * the host's by itself; else free. Under a root node generated here, always foreign.
 */
static enum node_place place(struct gdtb *g, int node)
{
	bool in = !node, out = false, reg = false, below_mark = true;
	int x, up;

	for (x = node; x > 0; x = up) {
		enum mark_kind k = kind_of(g, x);

		up = fdt_index_parent(&g->ix, x);
		if (k == MARK_WHOLE || (k && x == node))
			in = true;
		if (k)
			below_mark =
				false; /* a marked node is never left out, nor those above it */
		if (below_mark && up >= 0 &&
		    (fdt_getprop(g->fdt, x, "reg", NULL) || describes_host(g, x, up)))
			reg = true;
		if (below_mark && left_out_at(g, x))
			out = true;
		if (!up && generated_name(fdt_get_name(g->fdt, x, NULL)))
			return PLACE_FOREIGN;
	}
	if (x < 0)
		return PLACE_FOREIGN;
	return in && !out ? PLACE_IN : reg ? PLACE_FOREIGN : PLACE_FREE;
}

/*
 * Whether property name = v (len bytes) of host node may be copied: 0 when it holds no
 * phandle, or every node it names is in the guest tree (when marking: or free, and those are
 * marked whole); 1 when it must be left out; or a negative libfdt error.
 */
static int refs(struct gdtb *g, int node, const char *name, const fdt32_t *v, int len, bool marking)
{
	uint32_t pass, i, n = (uint32_t)len / DT_CELL_BYTES;
	struct ref_fmt f;
	int ret;

	if (!ref_format(name, &f))
		return 0;
	if (len % DT_CELL_BYTES)
		return 1;
	if (f.imap)
		f.pre = cells(g->fdt, node, "#address-cells", DT_IMAP_ADDR_CELLS_DEFAULT) +
			cells(g->fdt, node, "#interrupt-cells", DT_CELLS_MAX);
	for (pass = 0; pass <= (uint32_t)marking; pass++) {
		for (i = 0; i < n;) {
			enum node_place p;
			uint32_t ph;
			int t;

			i += f.pre;
			if (i >= n)
				return 1;
			ph = fdt32_ld(&v[i++]);
			if (!ph)
				continue; /* an empty entry (gpios) */
			t = fdt_index_by_phandle(&g->ix, ph);
			if (t <= 0) /* the root's phandle is not copied: a reference to it would
				       dangle */
				return 1;
			if (f.imap)
				i += cells(g->fdt, t, "#address-cells", 0) +
				     cells(g->fdt, t, "#interrupt-cells", DT_CELLS_MAX);
			else if (f.cells)
				i += cells(g->fdt, t, f.cells, DT_CELLS_MAX);
			i += f.post;
			if (i > n)
				return 1;
			p = place(g, t);
			if (!pass && (p == PLACE_FOREIGN || (p == PLACE_FREE && !marking)))
				return 1;
			if (pass && p == PLACE_FREE) {
				ret = mark(g, t, MARK_WHOLE);
				if (ret)
					return ret;
			}
		}
	}
	return 0;
}

/* Scan (marking: mark what they name) or copy the properties of host node the guest gets. */
static int props(struct gdtb *g, int node, bool marking)
{
	const char *skip = node != g->gic	    ? (is_vcpu(g, node) ? cpu_skip : "")
			   : g->a->gic_version == 2 ? gicv2_skip
						    : gic_skip;
	int off, len, ret;

	fdt_for_each_property_offset(off, g->fdt, node)
	{
		const char *name;
		const void *v = fdt_getprop_by_offset(g->fdt, off, &name, &len);

		if (!v)
			return len;
		if (list_find(skip, name, strlen(name), 1))
			continue;
		ret = refs(g, node, name, v, len, marking);
		if (!ret && !marking)
			ret = fdtw_property(&g->w, name, v, len);
		if (ret < 0)
			return ret;
	}
	if (off != -FDT_ERR_NOTFOUND)
		return off;
	if (!marking && skip == gicv2_skip)
		return put_gicv2_reg(g, node);
	if (!marking && skip == cpu_skip) {
		ret = put_vcpu_reg(g, node);
		return ret ? ret : fdtw_string(&g->w, "enable-method", "psci");
	}
	return 0;
}

/* Scan host node's properties, and when whole those of the subtree the copy takes (filtered:
 * see left_out()). */
static int scan(struct gdtb *g, int node, bool whole, bool filtered)
{
	int child, ret;

	g->step = NULL;
	g->at = node;
	ret = props(g, node, true);
	if (ret || !whole)
		return ret;
	fdt_for_each_subnode(child, g->fdt, node)
	{
		if (left_out(g, child, node, filtered))
			continue;
		ret = scan(g, child, true, filtered && !owned(g, child));
		if (ret)
			return ret;
	}
	return child == -FDT_ERR_NOTFOUND ? 0 : child;
}

/* Scan every marked node (its whole subtree when marked whole) until no mark is new. */
static int close_marks(struct gdtb *g)
{
	bool again = true;
	unsigned int i;
	int ret;

	while (again) {
		again = false;
		for (i = 0; i < g->nr; i++) {
			enum mark_kind k = g->mark[i].kind;
			int node = g->mark[i].node, x;
			bool filtered = true;

			if (g->mark[i].scanned == k)
				continue;
			g->mark[i].scanned = (uint8_t)k;
			again = true;
			for (x = node; x > 0 && filtered; x = fdt_index_parent(&g->ix, x))
				filtered = !owned(g, x);
			ret = scan(g, node, k == MARK_WHOLE, filtered);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/*
 * Whether owned node (what, for the error) may come into the guest tree with the nodes above it
 * as containers: none of them, nor it, a CPU node not the guest's or a memory node (their reg
 * would describe the host's), and none a root node written here (the copy would be left out,
 * and references to it dangle).
 */
static int check_containers(struct gdtb *g, int node, const char *what)
{
	char path[PLAT_PATH_MAX];
	int x, up = 0;

	for (x = node; x > 0; x = up) {
		const char *type = fdt_getprop(g->fdt, x, "device_type", NULL);
		const char *bad = NULL;

		up = fdt_index_parent(&g->ix, x);
		if (type && !strcmp(type, "cpu") && !is_vcpu(g, x))
			bad = "a CPU node not the guest's";
		else if (type && !strcmp(type, "memory"))
			bad = "a memory node";
		else if (!up && generated_name(fdt_get_name(g->fdt, x, NULL)))
			bad = "named like a node skiff writes";
		if (!bad)
			continue;
		if (fdt_get_path(g->fdt, x, path, sizeof(path)))
			path[0] = '\0';
		fmt_snprintf(g->why, sizeof(g->why), "%s: %s is %s", what, path, bad);
		g->step = g->why;
		return -FDT_ERR_BADSTRUCTURE;
	}
	return up < 0 ? up : 0;
}

/* Mark a node the guest owns, with its subtree. */
static int mark_owned_node(struct gdtb *g, int node)
{
	int ret = mark(g, node, MARK_WHOLE);

	if (!ret)
		find_mark(g, node)->owned = true;
	return ret;
}

/* The nodes the guest owns: its vCPUs' cpu nodes, the GIC, the timer, its devices; the GIC,
 * cpu and timer nodes those plat_parse() took (the first enabled ones), found in the
 * assignment. */
static int mark_owned(struct gdtb *g)
{
	const struct assignment *a = g->a;
	unsigned int i;
	int ret = 0;

	g->step = "/cpus";
	g->cpus = fdt_path_offset(g->fdt, "/cpus");
	for (i = 0; !ret && i < a->nr_cpus; i++) {
		g->cpu[i] = a->cpu_node[i];
		if (g->cpus < 0)
			ret = g->cpus;
		else if (fdt_index_parent(&g->ix, g->cpu[i]) != g->cpus)
			ret = -FDT_ERR_NOTFOUND;
		else
			ret = mark(g, g->cpu[i], MARK_WHOLE);
	}
	if (ret)
		return ret;
	g->step = "the GIC";
	g->gic = a->gic_node >= 0 ? a->gic_node : -FDT_ERR_NOTFOUND;
	ret = g->gic < 0 ? g->gic : mark(g, g->gic, MARK_PARENT);
	if (!ret)
		ret = check_containers(g, g->gic, "the GIC");
	if (ret)
		return ret;
	g->step = "the timer (arm,armv8-timer)";
	ret = a->timer_node < 0 ? -FDT_ERR_NOTFOUND : mark(g, a->timer_node, MARK_WHOLE);
	if (!ret)
		ret = check_containers(g, a->timer_node, "the timer");
	for (i = 0; !ret && i < a->nr_devices; i++) {
		g->step = "devices";
		if (a->dev[i].node >= 0)
			ret = mark_owned_node(g, a->dev[i].node);
		if (!ret && a->dev[i].node >= 0)
			ret = check_containers(g, a->dev[i].node, "a device");
	}
	return ret;
}

static int copy_prop(struct gdtb *g, int node, const char *name)
{
	int len;
	const void *v = fdt_getprop(g->fdt, node, name, &len);

	return v ? fdtw_property(&g->w, name, v, len) : 0;
}

/* reg of n ranges in the root's cells (1 or 2 each). */
static int put_reg(struct gdtb *g, const struct plat_range *r, unsigned int n)
{
	uint32_t ac = cells(g->fdt, 0, "#address-cells", DT_ROOT_ADDR_CELLS_DEFAULT);
	uint32_t sc = cells(g->fdt, 0, "#size-cells", DT_ROOT_SIZE_CELLS_DEFAULT);
	uint8_t *p;
	unsigned int i;
	int ret;

	if (ac - 1 > 1 || sc - 1 > 1)
		return -FDT_ERR_BADNCELLS;
	ret = fdtw_placeholder(&g->w, "reg", n * (ac + sc) * DT_CELL_BYTES, (void **)&p);
	for (i = 0; !ret && i < n; i++, p += (ac + sc) * DT_CELL_BYTES) {
		if ((ac == 1 && r[i].base >> 32) || (sc == 1 && r[i].size >> 32))
			return -FDT_ERR_BADVALUE;
		put_cells(p, ac, r[i].base);
		put_cells(p + ac * DT_CELL_BYTES, sc, r[i].size);
	}
	return ret;
}

/* Begin node <name>@<base> with reg = the n ranges at r. */
static int begin_reg_node(struct gdtb *g, const char *name, const struct plat_range *r,
			  unsigned int n)
{
	char unit[DT_UNIT_NAME_MAX];
	int ret;

	g->step = name;
	if (!n)
		return -FDT_ERR_BADVALUE;
	fmt_snprintf(unit, sizeof(unit), "%s@%llx", name, (unsigned long long)r->base);
	ret = fdtw_begin_node(&g->w, unit);
	return ret ? ret : put_reg(g, r, n);
}

static int emit_chosen(struct gdtb *g, const struct guest_dtb_extra *x)
{
	int chosen = fdt_path_offset(g->fdt, "/chosen");
	int ret;

	g->step = "chosen";
	ret = fdtw_begin_node(&g->w, "chosen");
	if (!ret && x->bootargs && *x->bootargs)
		ret = fdtw_string(&g->w, "bootargs", x->bootargs);
	if (!ret && g->a->console_uart) {
		ret = copy_prop(g, chosen, "stdout-path");
	} else if (!ret && g->a->vconsole_base) {
		char path[DT_UNIT_NAME_MAX + 1];

		fmt_snprintf(path, sizeof(path), "/vconsole@%llx",
			     (unsigned long long)g->a->vconsole_base);
		ret = fdtw_string(&g->w, "stdout-path", path);
	}
	if (!ret && x->initrd_start)
		ret = fdtw_u64(&g->w, "linux,initrd-start", x->initrd_start);
	if (!ret && x->initrd_start)
		ret = fdtw_u64(&g->w, "linux,initrd-end", x->initrd_end);
	if (!ret)
		ret = copy_prop(g, chosen, "kaslr-seed");
	if (!ret)
		ret = copy_prop(g, chosen, "rng-seed");
	return end_node(g, ret);
}

/* The host's aliases whose path is a node of the guest tree. */
static int emit_aliases(struct gdtb *g)
{
	int aliases = fdt_path_offset(g->fdt, "/aliases"), off, len, ret;

	if (aliases < 0)
		return 0;
	g->step = "aliases";
	ret = fdtw_begin_node(&g->w, "aliases");
	fdt_for_each_property_offset(off, g->fdt, aliases)
	{
		const char *name, *v = fdt_getprop_by_offset(g->fdt, off, &name, &len);
		/* only full paths: libfdt resolves any other value as an alias again, and one that
		 * names itself would recurse until skiff's stack overflowed */
		int node = (v && len > 1 && !v[len - 1] && v[0] == '/') ? fdt_path_offset(g->fdt, v)
									: -1;

		if (!ret && node > 0 && place(g, node) == PLACE_IN)
			ret = fdtw_property(&g->w, name, v, len);
	}
	return end_node(g, ret);
}

static int emit_psci(struct gdtb *g)
{
	int ret;

	g->step = "psci";
	ret = fdtw_begin_node(&g->w, "psci");
	if (!ret)
		ret = fdtw_property(&g->w, "compatible", psci_compat, sizeof(psci_compat));
	if (!ret)
		ret = fdtw_string(&g->w, "method", "hvc");
	return end_node(g, ret);
}

static int emit_memory(struct gdtb *g)
{
	int ret = begin_reg_node(g, "memory", g->a->mem, g->a->nr_mem);

	if (!ret)
		ret = fdtw_string(&g->w, "device_type", "memory");
	return end_node(g, ret);
}

/* /reserved-memory: the host's reserved regions (not no-map) inside the guest's RAM, one
 * region node each, in the root's cells (reserved-memory.yaml); then each channel's shared
 * memory, no-map (docs/channel.md). */
static int emit_reserved(struct gdtb *g)
{
	uint32_t ac = cells(g->fdt, 0, "#address-cells", DT_ROOT_ADDR_CELLS_DEFAULT);
	uint32_t sc = cells(g->fdt, 0, "#size-cells", DT_ROOT_SIZE_CELLS_DEFAULT);
	unsigned int i;
	int ret;

	if (!g->a->nr_resv && !g->a->nr_chan)
		return 0;
	g->step = "reserved-memory";
	ret = fdtw_begin_node(&g->w, "reserved-memory");
	if (!ret)
		ret = fdtw_u32(&g->w, "#address-cells", ac);
	if (!ret)
		ret = fdtw_u32(&g->w, "#size-cells", sc);
	if (!ret)
		ret = fdtw_property(&g->w, "ranges", NULL, 0);
	for (i = 0; !ret && i < g->a->nr_resv; i++) {
		ret = begin_reg_node(g, "region", &g->a->resv[i], 1);
		ret = end_node(g, ret);
	}
	for (i = 0; !ret && i < g->a->nr_chan; i++) {
		ret = begin_reg_node(g, "channel", &g->a->chan[i].mem, 1);
		if (!ret)
			ret = fdtw_property(&g->w, "no-map", NULL, 0);
		ret = end_node(g, ret);
	}
	g->step = "reserved-memory";
	return end_node(g, ret);
}

static int emit_doorbell(struct gdtb *g)
{
	const struct plat_range r = { g->a->doorbell_base, ASSIGN_DOORBELL_SIZE };
	fdt32_t irq[GIC_ICELLS_PPI_PARTITIONS] = {
		cpu_to_fdt32(GIC_SPI), cpu_to_fdt32(g->a->doorbell_intid - GIC_SPI_BASE),
		cpu_to_fdt32(IRQ_TYPE_LEVEL_HIGH), 0
	};
	uint32_t icells = cells(g->fdt, g->gic, "#interrupt-cells", GIC_ICELLS);
	int ret;

	if (!g->a->doorbell_base)
		return 0;
	ret = begin_reg_node(g, "doorbell", &r, 1);
	if (!ret)
		ret = fdtw_string(&g->w, "compatible", "skiff,doorbell");
	if (!ret)
		ret = fdtw_property(&g->w, "interrupts", irq,
				    (icells == GIC_ICELLS_PPI_PARTITIONS ? icells : GIC_ICELLS) *
					    DT_CELL_BYTES);
	return end_node(g, ret);
}

/* Each channel end (docs/channel.md): reg = its doorbell page, then the shared memory;
 * interrupts = its doorbell SPI, an edge; skiff,channel = <the channel's index in the
 * configuration, end 0 or 1>. */
static int emit_channels(struct gdtb *g)
{
	uint32_t icells = cells(g->fdt, g->gic, "#interrupt-cells", GIC_ICELLS);
	unsigned int i;
	int ret = 0;

	for (i = 0; !ret && i < g->a->nr_chan; i++) {
		const struct assign_channel *ch = &g->a->chan[i];
		const struct plat_range r[2] = { { ch->db_base, ASSIGN_CHANNEL_DB_SIZE }, ch->mem };
		fdt32_t irq[GIC_ICELLS_PPI_PARTITIONS] = { cpu_to_fdt32(GIC_SPI),
							   cpu_to_fdt32(ch->intid - GIC_SPI_BASE),
							   cpu_to_fdt32(IRQ_TYPE_EDGE_RISING), 0 };
		fdt32_t id[2] = { cpu_to_fdt32(ch->channel), cpu_to_fdt32(ch->end) };

		ret = begin_reg_node(g, "channel", r, 2);
		if (!ret)
			ret = fdtw_string(&g->w, "compatible", "skiff,channel");
		if (!ret)
			ret = fdtw_property(&g->w, "reg-names", "doorbell\0shared-memory",
					    sizeof("doorbell\0shared-memory"));
		if (!ret)
			ret = fdtw_property(
				&g->w, "interrupts", irq,
				(icells == GIC_ICELLS_PPI_PARTITIONS ? icells : GIC_ICELLS) *
					DT_CELL_BYTES);
		if (!ret)
			ret = fdtw_property(&g->w, "skiff,channel", id, sizeof(id));
		ret = end_node(g, ret);
	}
	return ret;
}

/* /hypervisor, compatible "skiff,hypervisor": how a guest knows it runs under skiff (and may
 * make skiff's hypercalls), as Xen's guests find /hypervisor "xen,xen". */
static int emit_hypervisor(struct gdtb *g)
{
	int ret;

	g->step = "hypervisor";
	ret = fdtw_begin_node(&g->w, "hypervisor");
	if (!ret)
		ret = fdtw_string(&g->w, "compatible", "skiff,hypervisor");
	return end_node(g, ret);
}

/* skiff's virtual console (hyp/emul/vconsole.h): no interrupt, polled output only. */
static int emit_vconsole(struct gdtb *g)
{
	const struct plat_range r = { g->a->vconsole_base, ASSIGN_VCONSOLE_SIZE };
	int ret;

	if (!g->a->vconsole_base)
		return 0;
	ret = begin_reg_node(g, "vconsole", &r, 1);
	if (!ret)
		ret = fdtw_string(&g->w, "compatible", "skiff,vconsole");
	return end_node(g, ret);
}

static int emit_node(struct gdtb *g, int node, bool whole, bool filtered);

/* The children of host node parent the guest gets; under /cpus the vCPUs first, in order.
 * whole: parent is copied whole (filtered: see left_out()). */
static int emit_children(struct gdtb *g, int parent, bool whole, bool filtered)
{
	unsigned int i;
	int child, ret = 0;

	for (i = 0; parent == g->cpus && !ret && i < g->a->nr_cpus; i++)
		ret = emit_node(g, g->cpu[i], true, true);
	fdt_for_each_subnode(child, g->fdt, parent)
	{
		enum mark_kind k = whole ? MARK_WHOLE : kind_of(g, child);

		if (ret || !k || is_vcpu(g, child) ||
		    (!parent && generated_name(fdt_get_name(g->fdt, child, NULL))) ||
		    (whole && left_out(g, child, parent, filtered)))
			continue;
		ret = emit_node(g, child, k == MARK_WHOLE,
				(!whole || filtered) && !owned(g, child));
	}
	return ret;
}

static int emit_node(struct gdtb *g, int node, bool whole, bool filtered)
{
	const char *name = fdt_get_name(g->fdt, node, NULL);
	int ret;

	g->step = NULL;
	g->at = node;
	ret = name ? fdtw_begin_node(&g->w, name) : -FDT_ERR_BADSTRUCTURE;
	if (!ret)
		ret = props(g, node, false);
	if (!ret)
		ret = emit_children(g, node, whole, filtered);
	if (ret)
		return ret;
	g->step = NULL;
	g->at = node;
	return fdtw_end_node(&g->w);
}

static int emit_root(struct gdtb *g, const struct guest_dtb_extra *x)
{
	uint32_t gic_phandle = fdt_get_phandle(g->fdt, g->gic);
	const char *p;
	int ret;

	g->step = "/";
	ret = fdtw_begin_node(&g->w, "");
	for (p = root_props; !ret && *p; p += strlen(p) + 1)
		ret = copy_prop(g, 0, p);
	if (!ret && gic_phandle)
		ret = fdtw_u32(&g->w, "interrupt-parent", gic_phandle);
	if (!ret)
		ret = emit_chosen(g, x);
	if (!ret)
		ret = emit_aliases(g);
	if (!ret)
		ret = emit_memory(g);
	if (!ret)
		ret = emit_reserved(g);
	if (!ret)
		ret = emit_psci(g);
	if (!ret)
		ret = emit_hypervisor(g);
	if (!ret)
		ret = emit_doorbell(g);
	if (!ret)
		ret = emit_vconsole(g);
	if (!ret)
		ret = emit_channels(g);
	if (!ret)
		ret = emit_children(g, 0, false, true);
	if (ret)
		return ret;
	g->step = "/";
	return fdtw_end_node(&g->w);
}

/* The error message, host node names in it made printable. */
__attribute__((format(printf, 3, 4))) static void set_err(char *err, size_t size, const char *fmt,
							  ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_message(err, size, NULL, fmt, ap);
	va_end(ap);
}

int guest_dtb_build(const void *host_fdt, void *out, size_t out_size, const struct assignment *a,
		    const struct guest_dtb_extra *extra, char *err, size_t err_size)
{
	struct gdtb *g = &gd;
	int ret;

	g->fdt = host_fdt;
	fdt_index_build(&g->ix, host_fdt);
	g->a = a;
	g->nr = 0;
	g->at = -1;
	ret = mark_owned(g);
	if (!ret)
		ret = close_marks(g);
	if (!ret) {
		g->step = "header";
		ret = fdtw_create(&g->w, out, out_size);
	}
	if (!ret)
		ret = emit_root(g, extra);
	if (!ret) {
		g->step = "finish";
		ret = fdtw_finish(&g->w);
	}
	if (ret) {
		char path[PLAT_PATH_MAX];

		if (!g->step && fdt_get_path(host_fdt, g->at, path, sizeof(path)))
			g->step = "?";
		set_err(err, err_size, "guest device tree: %s: %s", g->step ? g->step : path,
			fdt_struct_strerror(ret));
	}
	return ret;
}
