/*
 * assign.c - applies a parsed configuration to the host: claims skiff's own resources (its
 * memory, the GIC and its ITS, fw_cfg, the console UART unless a guest is given it), then
 * per guest its CPUs, its RAM and its devices' MMIO and SPIs, found by host device-tree path,
 * and last the doorbells skiff places in the configured windows. Every claim goes through
 * the ledger. Reads the host device tree only (libfdt) and fills the caller's structs; maps
 * nothing, programs nothing.
 *
 * Addresses: a device's reg is translated through the `ranges` of every bus above it
 * (hyp/plan/fdt_addr.h); a bus without ranges is not memory-mapped, and its children
 * cannot be assigned.
 */
#include <libfdt.h>
#include <string.h>

#include "arch/arm64/pgtable.h"
#include "arch/arm64/stage2.h"
#include "hyp/plan/assign.h"
#include "hyp/plan/fdt_addr.h"
#include "hyp/plan/fdt_props.h"
#include "hyp/plan/fdt_struct.h"
#include "hyp/plan/fdt_index.h"
#include "hyp/plan/modules.h"
#include "lib/printf.h"
#include "irq/virq.h"

#define PROP_REG "reg"
#define PROP_STATUS "status"
#define PROP_INTERRUPTS "interrupts"
#define PROP_INTERRUPTS_EXT "interrupts-extended"
#define PROP_INTERRUPT_PARENT "interrupt-parent"
#define PROP_INTERRUPT_CELLS "#interrupt-cells"
#define PROP_INTERRUPT_MAP "interrupt-map"
#define PROP_ADDRESS_CELLS "#address-cells"
#define DT_IMAP_ADDRESS_CELLS 2 /* a nexus's own #address-cells when it has none */

#define CELL_BYTES 4u

/* Interrupt specifier of the GIC bindings: <type number flags [ppi-partition]>. */
#define GIC_DT_TYPE_SPI 0
#define GIC_DT_TYPE_PPI 1
#define GIC_DT_MIN_CELLS 3
#define GIC_DT_MAX_CELLS 4
#define GIC_SPI_BASE 32
#define GIC_NR_SPI 988
#define IRQ_TYPE_EDGE_RISING 1 /* dt-bindings/interrupt-controller/irq.h */
#define IRQ_TYPE_LEVEL_HIGH 4
#define IRQ_TYPE_SENSE_MASK 0xf

#define PAGE 0x1000ull
#define PAGE_MASK (~(PAGE - 1))
#define WHERE_MAX (2 * CONFIG_NAME_MAX + CONFIG_PATH_MAX + 8)
#define MAX_HOLES (1 + CONFIG_MAX_GUESTS * CONFIG_MAX_MEM + PLAT_MAX_RESV + CONFIG_MAX_CHANNELS)
#define ASG_EFAIL (-1)
#define AUTO_WINDOW 0x1000000ull       /* device-window = "auto": 16 MiB when it can... */
#define AUTO_WINDOW_TOP 0x100000000ull /* ...below 4 GiB, which every AArch64 IPA size reaches */

#define WHAT_SKIFF_MEM "skiff's memory"
#define WHAT_GIC "the GIC"
#define WHAT_FW_CFG "fw_cfg"
#define WHAT_UART "the console UART"
#define WHAT_DOORBELL "doorbell"
#define WHAT_VCONSOLE "virtual console"
#define WHAT_PAGE_REST "the rest of a page of its devices (whole-pages)"

_Static_assert(CONFIG_MAX_GUESTS <= sizeof(((struct ledger *)0)->owner_name) /
					    sizeof(((struct ledger *)0)->owner_name[0]),
	       "the ledger cannot name every guest");
_Static_assert(ASSIGN_MAX_DEVICES <= 65536 && ASSIGN_MAX_REGS <= 65536 &&
		       ASSIGN_MAX_SPIS <= 65536 && CONFIG_MAX_DEVICES <= ASSIGN_MAX_DEVICES,
	       "struct assign_device's and assign_spi's indexes are 16 bits");
_Static_assert(IRQ_MAX_DEV_LINES <= 255, "a device's interrupt count is a byte");

struct asg_ctx {
	const void *fdt;
	/* each configured device's host node (or a libfdt error), resolved once */
	int (*dev_node)[CONFIG_MAX_DEVICES];
	const struct fdt_index *ix; /* the host tree's parent and phandle links */
	const struct platform *plat;
	const struct config *cfg;
	struct ledger *l;
	char *err;
	size_t err_size;
	uint64_t skiff_base, skiff_end;
	int gic_node;
	uint32_t gic_icells;
	int uart_node;		   /* the console's node (/chosen/stdout-path), or -1 */
	bool chosen_modules_taken; /* the modules right under /chosen went to a guest */
	/* devices with interrupts in all guests: at most ASSIGN_MAX_IRQ_DEVICES */
	unsigned int irq_devices;
	struct assignment *out;		 /* every guest's: what devices = "all" must leave */
	const struct config_device *dev; /* the device being assigned; NULL: devices = "all" */
	const char *what;		 /* its name in the ledger, which outlives no blob */
	bool fatal;			 /* the failure is a limit: devices = "all" stops too */
	bool irq_ext;			 /* each_irq() reads a list with phandles */
	assign_note_fn *note;
	struct config_range win[2]; /* device-window and spi-window, as used */
	char where[WHERE_MAX];	    /* what messages start with: "guest@0/uart: /pl011@9000000" */
};

/* The config node messages name for a device devices = "all" gives: it has the defaults of the
 * binding and whole-pages (c->dev NULL). */
#define AUTO_NAME "devices"

/* Writes "<where>: <message>" (non-printable bytes as '?') and returns ASG_EFAIL. */
static int __attribute__((format(printf, 2, 3))) asg_fail(struct asg_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_message(c->err, c->err_size, c->where, fmt, ap);
	va_end(ap);
	return ASG_EFAIL;
}

static void __attribute__((format(printf, 2, 3))) set_where(struct asg_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(c->where, sizeof(c->where), fmt, ap);
	va_end(ap);
}

static const char *owner_label(const struct asg_ctx *c, int owner)
{
	return owner == LEDGER_OWNER_SKIFF ? "skiff" : c->cfg->guest[owner].name;
}

/*
 * Claim in the ledger. Its refusal reads "<owner>: <what>: <resource> ..."; the message
 * passed on starts with where instead, which names the config node as well.
 */
static int claim(struct asg_ctx *c, enum ledger_kind kind, int owner, uint64_t base, uint64_t size,
		 const char *what)
{
	const char *who = owner_label(c, owner);
	size_t nw = strlen(who), nt = strlen(what);
	char lerr[CONFIG_ERR_MAX];
	const char *msg = lerr;
	int ret;

	if (kind == LEDGER_MMIO)
		ret = ledger_claim_mmio(c->l, owner, base, size, what, lerr, sizeof(lerr));
	else if (kind == LEDGER_SPI)
		ret = ledger_claim_spi(c->l, owner, (uint32_t)base, what, lerr, sizeof(lerr));
	else
		ret = ledger_claim_cpu(c->l, owner, base, what, lerr, sizeof(lerr));
	if (!ret)
		return 0;
	c->fatal |= c->l->count == LEDGER_MAX;
	if (!strncmp(lerr, who, nw) && !strncmp(lerr + nw, ": ", 2) &&
	    !strncmp(lerr + nw + 2, what, nt) && !strncmp(lerr + nw + 2 + nt, ": ", 2))
		msg += nw + 2 + nt + 2;
	return asg_fail(c, "%s", msg);
}

/* The node's path for a message (a description when libfdt cannot give one). */
static const char *path_of(const struct asg_ctx *c, int node, char *buf, size_t size)
{
	if (fdt_get_path(c->fdt, node, buf, (int)size) < 0)
		fmt_snprintf(buf, size, "(node at offset %d)", node);
	return buf;
}

/* The name of reserved region i for a message: its node, or "/memreserve/". */
static const char *resv_name(const struct asg_ctx *c, unsigned int i, char *buf, size_t size)
{
	if (c->plat->resv[i].node < 0)
		return "/memreserve/";
	return path_of(c, c->plat->resv[i].node, buf, size);
}

/* Every phandle skiff follows must name one node (fdt_index_duplicate_phandle). */
static int unique_phandles(struct asg_ctx *c)
{
	char path[2][CONFIG_PATH_MAX];
	int first, second;

	if (!fdt_index_duplicate_phandle(c->ix, &first, &second))
		return 0;
	return asg_fail(c, "the host tree's %s and %s have the same phandle 0x%x",
			path_of(c, first, path[0], sizeof(path[0])),
			path_of(c, second, path[1], sizeof(path[1])),
			fdt_get_phandle(c->fdt, second));
}

static bool ranges_overlap(uint64_t a, uint64_t a_size, uint64_t b, uint64_t b_size)
{
	return a < b + b_size && b < a + a_size;
}

/* Entry i of node's reg, as a CPU address (hyp/plan/fdt_addr.h): 1, 0 when there is no
 * entry i (or no reg), or fails naming the node or bus at fault. */
static int read_reg(struct asg_ctx *c, int node, int i, struct plat_range *r)
{
	char path[CONFIG_PATH_MAX];
	struct fdt_addr_err e;
	int ret = fdt_addr_reg(c->fdt, c->ix, node, i, r, &e);

	if (ret >= 0)
		return ret;
	if (e.node == node)
		return asg_fail(c, "%s", e.msg);
	return asg_fail(c, "%s: %s", path_of(c, e.node, path, sizeof(path)), e.msg);
}

static bool in_ranges(const struct plat_range *r, unsigned int n, uint64_t base, uint64_t size)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (base >= r[i].base && base - r[i].base <= r[i].size &&
		    size <= r[i].size - (base - r[i].base))
			return true;
	return false;
}

/* Whether skiff already holds [r] whole for the same what (a GIC's ITS inside its GICD's
 * reg, as on TI's J721S2: both the GIC's, nothing to refuse). Inside another of skiff's
 * claims (its own memory) it is still refused. */
static bool held_by_skiff(const struct asg_ctx *c, const struct plat_range *r, const char *what)
{
	unsigned int i;

	for (i = 0; i < c->l->count; i++) {
		const struct ledger_entry *e = &c->l->e[i];

		if (e->kind == LEDGER_MMIO && e->owner == LEDGER_OWNER_SKIFF && e->what == what &&
		    e->base <= r->base && r->base - e->base + r->size <= e->size)
			return true;
	}
	return false;
}

/* Claim every reg entry of node for skiff. */
static int claim_regs_skiff(struct asg_ctx *c, int node, const char *what)
{
	char path[CONFIG_PATH_MAX];
	struct plat_range r;
	int i, ret;

	set_where(c, "skiff: %s", path_of(c, node, path, sizeof(path)));
	for (i = 0; (ret = read_reg(c, node, i, &r)) > 0; i++) {
		if (!r.size || held_by_skiff(c, &r, what))
			continue;
		ret = claim(c, LEDGER_MMIO, LEDGER_OWNER_SKIFF, r.base, r.size, what);
		if (ret < 0)
			return ret;
	}
	return ret;
}

/* The GIC's node and #interrupt-cells; the console UART's node. */
static int find_nodes(struct asg_ctx *c)
{
	const struct platform *p = c->plat;
	const fdt32_t *v;
	int len;

	set_where(c, "skiff: the GIC");
	c->gic_node = p->gic_node;
	if (c->gic_node < 0 || p->timer_node < 0)
		return asg_fail(c, "the platform names no GIC or timer node");
	v = fdt_getprop(c->fdt, c->gic_node, PROP_INTERRUPT_CELLS, &len);
	if (!v || len != (int)CELL_BYTES)
		return asg_fail(c, "no valid %s", PROP_INTERRUPT_CELLS);
	c->gic_icells = fdt32_ld(v);
	if (c->gic_icells < GIC_DT_MIN_CELLS || c->gic_icells > GIC_DT_MAX_CELLS)
		return asg_fail(c, "%s %u is not supported (3 or 4)", PROP_INTERRUPT_CELLS,
				c->gic_icells);

	c->uart_node = p->con.node;
	return 0;
}

/* Whether some guest is given the node at the host path of the console UART. */
static bool uart_given(const struct asg_ctx *c)
{
	unsigned int g, d;

	if (c->uart_node < 0)
		return false;
	for (g = 0; g < c->cfg->nr_guests; g++)
		for (d = 0; d < c->cfg->guest[g].nr_devices; d++)
			if (c->dev_node[g][d] == c->uart_node)
				return true;
	return false;
}

static int claim_skiff(struct asg_ctx *c)
{
	const struct platform *p = c->plat;
	unsigned int i;
	int sub, ret;

	set_where(c, "skiff: memory");
	if (c->skiff_end <= c->skiff_base || ((c->skiff_base | c->skiff_end) & ~PAGE_MASK))
		return asg_fail(c, "0x%llx-0x%llx is not a non-empty, 4 KiB-aligned range",
				(unsigned long long)c->skiff_base,
				(unsigned long long)c->skiff_end);
	/* with stage2-4k-pages its tables are part of it (assign_stage2_place) */
	if (c->cfg->stage2_4k_pages &&
	    !in_ranges(p->mem, p->mem_count, c->skiff_base, c->skiff_end - c->skiff_base))
		return asg_fail(
			c, "0x%llx-0x%llx (with stage2-4k-pages's tables) is not in one RAM range",
			(unsigned long long)c->skiff_base, (unsigned long long)c->skiff_end);
	for (i = 0; i < p->resv_count; i++) {
		if (ranges_overlap(c->skiff_base, c->skiff_end - c->skiff_base, p->resv[i].r.base,
				   p->resv[i].r.size)) {
			char path[CONFIG_PATH_MAX];

			return asg_fail(c,
					"0x%llx-0x%llx overlaps reserved memory %s 0x%llx+0x%llx: "
					"load skiff elsewhere",
					(unsigned long long)c->skiff_base,
					(unsigned long long)c->skiff_end,
					resv_name(c, i, path, sizeof(path)),
					(unsigned long long)p->resv[i].r.base,
					(unsigned long long)p->resv[i].r.size);
		}
	}
	ret = claim(c, LEDGER_MMIO, LEDGER_OWNER_SKIFF, c->skiff_base, c->skiff_end - c->skiff_base,
		    WHAT_SKIFF_MEM);
	if (!ret)
		ret = claim_regs_skiff(c, c->gic_node, WHAT_GIC);
	if (ret < 0)
		return ret;
	fdt_for_each_subnode(sub, c->fdt, c->gic_node)
	{
		ret = claim_regs_skiff(c, sub, WHAT_GIC);
		if (ret < 0)
			return ret;
	}
	set_where(c, "skiff: fw_cfg");
	if (p->has_fw_cfg && p->fw_cfg.size)
		ret = claim(c, LEDGER_MMIO, LEDGER_OWNER_SKIFF, p->fw_cfg.base, p->fw_cfg.size,
			    WHAT_FW_CFG);
	/* the console skiff drives, unless a guest takes it over (one it cannot drive is not its)
	 */
	set_where(c, "skiff: %s", p->con.path);
	if (!ret && p->con.uart.kind != UART_NONE && p->con.uart.kind != UART_OTHER &&
	    p->con.reg.size && !uart_given(c))
		ret = claim(c, LEDGER_MMIO, LEDGER_OWNER_SKIFF, p->con.reg.base, p->con.reg.size,
			    WHAT_UART);
	if (ret < 0)
		return ret;

	set_where(c, "/skiff: spi-window");
	if (c->cfg->spi_window.size &&
	    GIC_SPI_BASE + c->cfg->spi_window.base + c->cfg->spi_window.size > VGIC_MAX_INTIDS)
		return asg_fail(
			c,
			"SPIs %llu..%llu go past INTID %d: skiff's vGIC holds INTIDs below "
			"%d",
			(unsigned long long)c->cfg->spi_window.base,
			(unsigned long long)(c->cfg->spi_window.base + c->cfg->spi_window.size - 1),
			VGIC_MAX_INTIDS - 1, VGIC_MAX_INTIDS);

	/* The doorbell window is guest address space: no RAM there (guest RAM is IPA = PA). */
	set_where(c, "/skiff: device-window");
	for (i = 0; i < p->mem_count; i++)
		if (ranges_overlap(c->cfg->device_window.base, c->cfg->device_window.size,
				   p->mem[i].base, p->mem[i].size))
			return asg_fail(c, "0x%llx+0x%llx overlaps RAM 0x%llx+0x%llx",
					(unsigned long long)c->cfg->device_window.base,
					(unsigned long long)c->cfg->device_window.size,
					(unsigned long long)p->mem[i].base,
					(unsigned long long)p->mem[i].size);
	return 0;
}

static int assign_cpus(struct asg_ctx *c, int g, struct assignment *a)
{
	const struct config_guest *cg = &c->cfg->guest[g];
	const char *what = cg->all_cpus ? "all CPUs" : "cpus";
	unsigned int i, n = cg->all_cpus ? c->plat->cpu_count : cg->nr_cpus;

	set_where(c, "%s: cpus", cg->name);
	for (i = 0; i < n && i < PLAT_MAX_CPUS; i++) {
		int idx = cg->all_cpus ? (int)i : plat_cpu_index(c->plat, cg->cpu_mpidr[i]);
		int ret;

		if (idx < 0)
			return asg_fail(c, "no CPU 0x%llx on this host",
					(unsigned long long)cg->cpu_mpidr[i]);
		/* skiff starts only what its enable-method lets it (hyp/main.c order_cpus) */
		if ((unsigned int)idx != c->plat->boot_cpu &&
		    c->plat->cpu[idx].enable_method == PLAT_ENABLE_NONE) {
			if (cg->all_cpus)
				continue;
			return asg_fail(c,
					"CPU 0x%llx has an enable-method skiff cannot start it "
					"with (neither psci nor spin-table)",
					(unsigned long long)c->plat->cpu[idx].mpidr);
		}
		ret = claim(c, LEDGER_CPU, g, c->plat->cpu[idx].mpidr, 1, what);
		if (ret < 0)
			return ret;
		a->cpu_node[a->nr_cpus] = c->plat->cpu[idx].node;
		a->cpu_mpidr[a->nr_cpus++] = c->plat->cpu[idx].mpidr;
	}
	return 0;
}

static int add_mem(struct asg_ctx *c, struct assignment *a, uint64_t base, uint64_t end)
{
	base = (base + PAGE - 1) & PAGE_MASK;
	end &= PAGE_MASK;
	if (end <= base)
		return 0;
	if (a->nr_mem == ASSIGN_MAX_MEM)
		return asg_fail(c, "the RAM left for the guest is in more than %d pieces",
				ASSIGN_MAX_MEM);
	a->mem[a->nr_mem].base = base;
	a->mem[a->nr_mem++].size = end - base;
	return 0;
}

/* "All RAM": every bank minus skiff's memory, the other guests' memory ranges and the
 * memory the firmware keeps (/memreserve/, no-map reserved regions). */
static int assign_all_memory(struct asg_ctx *c, int g, struct assignment *a)
{
	const struct config *cfg = c->cfg;
	struct config_range hole[MAX_HOLES], t;
	unsigned int n = 0, i, j, k;
	int ret;

	for (j = 0; j < cfg->nr_guests; j++) {
		if ((int)j != g && cfg->guest[j].all_memory && (int)j < g)
			return asg_fail(c,
					"absent (all RAM), as for %s: only one guest can have "
					"all RAM",
					cfg->guest[j].name);
		for (k = 0; (int)j != g && k < cfg->guest[j].nr_mem; k++)
			hole[n++] = cfg->guest[j].mem[k];
	}
	hole[n].base = c->skiff_base;
	hole[n++].size = c->skiff_end - c->skiff_base;
	for (i = 0; i < cfg->nr_channels; i++)
		hole[n++] = cfg->channel[i].mem;
	for (i = 0; i < c->plat->resv_count; i++)
		if (c->plat->resv[i].no_map) {
			hole[n].base = c->plat->resv[i].r.base;
			hole[n++].size = c->plat->resv[i].r.size;
		}
	for (i = 1; i < n; i++) /* by base */
		for (j = i; j > 0 && hole[j - 1].base > hole[j].base; j--) {
			t = hole[j];
			hole[j] = hole[j - 1];
			hole[j - 1] = t;
		}
	for (i = 0; i < c->plat->mem_count; i++) {
		uint64_t cur = c->plat->mem[i].base, end = cur + c->plat->mem[i].size;

		for (j = 0; j < n && cur < end; j++) {
			if (hole[j].base + hole[j].size <= cur || hole[j].base >= end)
				continue;
			if (hole[j].base > cur) {
				ret = add_mem(c, a, cur, hole[j].base);
				if (ret < 0)
					return ret;
			}
			cur = hole[j].base + hole[j].size;
		}
		if (cur < end) {
			ret = add_mem(c, a, cur, end);
			if (ret < 0)
				return ret;
		}
	}
	if (!a->nr_mem)
		return asg_fail(c, "no RAM is left for the guest");
	return 0;
}

/* RAM configured for a guest must not take memory the firmware keeps (any reserved region,
 * for a channel's shared memory). */
static int check_resv(struct asg_ctx *c, uint64_t base, uint64_t size, bool any)
{
	char path[CONFIG_PATH_MAX];
	unsigned int i;

	for (i = 0; i < c->plat->resv_count; i++) {
		const struct plat_resv *rv = &c->plat->resv[i];

		if ((rv->no_map || any) && ranges_overlap(base, size, rv->r.base, rv->r.size))
			return asg_fail(
				c, "0x%llx+0x%llx overlaps reserved memory %s 0x%llx+0x%llx",
				(unsigned long long)base, (unsigned long long)size,
				resv_name(c, i, path, sizeof(path)), (unsigned long long)rv->r.base,
				(unsigned long long)rv->r.size);
	}
	return 0;
}

/* The reserved regions (not no-map) inside the guest's RAM, clipped to it: its tree marks them
 * reserved so that the guest leaves them alone as the host would. */
static int note_resv(struct asg_ctx *c, struct assignment *a)
{
	unsigned int i, m;

	for (i = 0; i < c->plat->resv_count; i++) {
		const struct plat_resv *rv = &c->plat->resv[i];

		for (m = 0; !rv->no_map && m < a->nr_mem; m++) {
			uint64_t b = rv->r.base > a->mem[m].base ? rv->r.base : a->mem[m].base;
			uint64_t e1 = rv->r.base + rv->r.size, e2 = a->mem[m].base + a->mem[m].size;
			uint64_t e = e1 < e2 ? e1 : e2;

			if (b >= e)
				continue;
			if (a->nr_resv == PLAT_MAX_RESV)
				return asg_fail(c, "more than %d reserved regions in its RAM",
						PLAT_MAX_RESV);
			a->resv[a->nr_resv].base = b;
			a->resv[a->nr_resv++].size = e - b;
		}
	}
	return 0;
}

/*
 * m (a guest's configured range, or a channel's shared memory when shared) is RAM that nobody
 * else has: inside one bank, clear of skiff's memory, of what the firmware keeps, of every other
 * configured range of any guest and of every channel's.
 */
static int check_ram(struct asg_ctx *c, const struct config_range *m, bool shared)
{
	const struct config *cfg = c->cfg;
	unsigned int j, k, n = cfg->nr_guests;
	int ret;

	if (!in_ranges(c->plat->mem, c->plat->mem_count, m->base, m->size))
		return asg_fail(c, "0x%llx+0x%llx is not inside RAM", (unsigned long long)m->base,
				(unsigned long long)m->size);
	if (ranges_overlap(m->base, m->size, c->skiff_base, c->skiff_end - c->skiff_base))
		return asg_fail(c, "0x%llx+0x%llx overlaps skiff's memory 0x%llx+0x%llx",
				(unsigned long long)m->base, (unsigned long long)m->size,
				(unsigned long long)c->skiff_base,
				(unsigned long long)(c->skiff_end - c->skiff_base));
	ret = check_resv(c, m->base, m->size, shared);
	if (ret < 0)
		return ret;
	for (j = 0; j < n + cfg->nr_channels; j++) {
		const struct config_range *o = j < n ? cfg->guest[j].mem : &cfg->channel[j - n].mem;

		for (k = 0; k < (j < n ? cfg->guest[j].nr_mem : 1); k++, o++)
			if (o != m && ranges_overlap(m->base, m->size, o->base, o->size))
				return asg_fail(
					c, "0x%llx+0x%llx overlaps %s's memory 0x%llx+0x%llx",
					(unsigned long long)m->base, (unsigned long long)m->size,
					j < n ? cfg->guest[j].name : cfg->channel[j - n].name,
					(unsigned long long)o->base, (unsigned long long)o->size);
	}
	return 0;
}

static int assign_memory(struct asg_ctx *c, int g, struct assignment *a)
{
	const struct config *cfg = c->cfg;
	const struct config_guest *cg = &cfg->guest[g];
	unsigned int i;
	int ret;

	set_where(c, "%s: memory", cg->name);
	if (cg->all_memory) {
		ret = assign_all_memory(c, g, a);
		return ret < 0 ? ret : note_resv(c, a);
	}
	for (i = 0; i < cg->nr_mem; i++) {
		const struct config_range *m = &cg->mem[i];

		ret = check_ram(c, m, false);
		if (ret < 0)
			return ret;
		a->mem[a->nr_mem].base = m->base;
		a->mem[a->nr_mem++].size = m->size;
	}
	return note_resv(c, a);
}

/* Take [base, base + size), rounded out to pages, out of the guest's RAM ranges. */
static int carve(struct asg_ctx *c, struct assignment *a, uint64_t base, uint64_t size)
{
	uint64_t b = base & PAGE_MASK, e = ((base + size - 1) | (PAGE - 1)) + 1;
	unsigned int i;

	for (i = 0; i < a->nr_mem; i++) {
		struct plat_range *m = &a->mem[i];
		uint64_t mb = m->base, me = m->base + m->size;

		if (e <= mb || b >= me)
			continue;
		if (b > mb && e < me) { /* a hole in the middle: the range splits */
			if (a->nr_mem == ASSIGN_MAX_MEM)
				return asg_fail(c, "its RAM would be in more than %d pieces",
						ASSIGN_MAX_MEM);
			memmove(&a->mem[i + 2], &a->mem[i + 1],
				(a->nr_mem - i - 1) * sizeof(a->mem[0]));
			a->nr_mem++;
			a->mem[i + 1].base = e;
			a->mem[i + 1].size = me - e;
			m->size = b - mb;
			i++;
		} else if (b <= mb && e >= me) { /* all of it */
			memmove(m, m + 1, (a->nr_mem - i - 1) * sizeof(a->mem[0]));
			a->nr_mem--;
			i--;
		} else if (b <= mb) {
			m->base = e;
			m->size = me - e;
		} else {
			m->size = b - mb;
		}
	}
	if (!a->nr_mem)
		return asg_fail(c, "no RAM is left for the guest once its images are kept");
	return 0;
}

/*
 * A kernel or initrd already in RAM must lie in the guest's own memory. Its pages are then left
 * out of the guest's RAM: skiff keeps them as the boot loader loaded them, copies them into
 * place at every start of the guest, and the guest can never overwrite them.
 */
static int check_image(struct asg_ctx *c, int g, const char *name, const struct config_image *img,
		       struct assignment *a)
{
	if (img->source != IMAGE_MEMORY)
		return 0;
	set_where(c, "%s: %s", c->cfg->guest[g].name, name);
	if (!in_ranges(a->mem, a->nr_mem, img->addr, img->size))
		return asg_fail(c, "0x%llx+0x%llx is not inside the guest's memory",
				(unsigned long long)img->addr, (unsigned long long)img->size);
	a->kept[a->nr_kept].base = img->addr & PAGE_MASK;
	a->kept[a->nr_kept++].size =
		(((img->addr + img->size - 1) | (PAGE - 1)) + 1) - (img->addr & PAGE_MASK);
	return 0;
}

/*
 * "multiboot" and "auto" images: the modules in /chosen/<guest name>, else (for the first guest
 * that asks) those right under /chosen (hyp/plan/modules.h). With none, "auto" is fw_cfg.
 * The initrd comes from the same source as the kernel.
 */
static int resolve_images(struct asg_ctx *c, int g, struct assignment *a)
{
	const struct config_guest *cg = &c->cfg->guest[g];
	char merr[CONFIG_ERR_MAX];
	struct boot_modules m;
	int chosen, node, ret = 0;

	a->kernel = cg->kernel;
	a->initrd = cg->initrd;
	if (cg->kernel.source != IMAGE_MULTIBOOT && cg->kernel.source != IMAGE_AUTO)
		return 0;
	set_where(c, "%s: kernel", cg->name);
	chosen = fdt_path_offset(c->fdt, "/chosen");
	node = chosen >= 0 ? fdt_subnode_offset(c->fdt, chosen, cg->name) : -1;
	if (node >= 0)
		ret = modules_find(c->fdt, node, &m, merr, sizeof(merr));
	if (!ret && chosen >= 0 && !c->chosen_modules_taken) {
		ret = modules_find(c->fdt, chosen, &m, merr, sizeof(merr));
		c->chosen_modules_taken = ret > 0;
	}
	if (ret < 0)
		return asg_fail(c, "%s", merr);
	if (!ret) {
		if (cg->kernel.source == IMAGE_MULTIBOOT)
			return asg_fail(c, "no %s module in /chosen/%s or /chosen",
					MODULES_COMPAT_KERNEL, cg->name);
		a->kernel.source = IMAGE_FW_CFG;
		a->initrd.source = IMAGE_FW_CFG;
		return 0;
	}
	a->kernel.source = IMAGE_MEMORY;
	a->kernel.addr = m.kernel.base;
	a->kernel.size = m.kernel.size;
	a->initrd.source = m.ramdisk.size ? IMAGE_MEMORY : IMAGE_NONE;
	a->initrd.addr = m.ramdisk.base;
	a->initrd.size = m.ramdisk.size;
	a->module_bootargs = m.bootargs;
	return 0;
}

static int carve_images(struct asg_ctx *c, int g, struct assignment *a)
{
	unsigned int i;
	int ret = 0;

	set_where(c, "%s: memory", c->cfg->guest[g].name);
	for (i = 0; i < a->nr_kept && !ret; i++)
		ret = carve(c, a, a->kept[i].base, a->kept[i].size);
	return ret;
}

/* Add [base, base + size) to the pages to map, rounded out to pages, merged with neighbours. */
static int map_add(struct asg_ctx *c, struct assignment *a, uint64_t base, uint64_t size)
{
	uint64_t b = base & PAGE_MASK, e = ((base + size - 1) | (PAGE - 1)) + 1;
	unsigned int i, j;

	for (i = 0; i < a->nr_mmio && a->mmio[i].base + a->mmio[i].size < b; i++)
		;
	for (j = i; j < a->nr_mmio && a->mmio[j].base <= e; j++) {
		if (a->mmio[j].base < b)
			b = a->mmio[j].base;
		if (a->mmio[j].base + a->mmio[j].size > e)
			e = a->mmio[j].base + a->mmio[j].size;
	}
	if (i == j) {
		if (a->nr_mmio == ASSIGN_MAX_MMIO)
			return asg_fail(c, "more than %d MMIO ranges to map", ASSIGN_MAX_MMIO);
		memmove(&a->mmio[i + 1], &a->mmio[i], (a->nr_mmio - i) * sizeof(a->mmio[0]));
		a->nr_mmio++;
		j = i + 1;
	}
	/* mmio[i..j) become one range */
	a->mmio[i].base = b;
	a->mmio[i].size = e - b;
	memmove(&a->mmio[i + 1], &a->mmio[j], (a->nr_mmio - j) * sizeof(a->mmio[0]));
	a->nr_mmio -= j - i - 1;
	return 0;
}

/* Claim node's MMIO for guest g (the pages to map are added once every device is in). */
static int device_regs(struct asg_ctx *c, int g, int node, struct assignment *a)
{
	struct plat_range r;
	unsigned int b;
	int i, ret;

	for (i = 0; (ret = read_reg(c, node, i, &r)) > 0; i++) {
		if (!r.size)
			continue;
		ret = claim(c, LEDGER_MMIO, g, r.base, r.size, c->what);
		if (ret < 0)
			return ret;
		for (b = 0; b < c->plat->mem_count; b++)
			if (ranges_overlap(r.base, r.size, c->plat->mem[b].base,
					   c->plat->mem[b].size))
				return asg_fail(c, "MMIO 0x%llx+0x%llx overlaps RAM 0x%llx+0x%llx",
						(unsigned long long)r.base,
						(unsigned long long)r.size,
						(unsigned long long)c->plat->mem[b].base,
						(unsigned long long)c->plat->mem[b].size);
		c->fatal = a->nr_regs == ASSIGN_MAX_REGS;
		if (c->fatal)
			return asg_fail(c, "more than %d reg entries in %s's devices",
					ASSIGN_MAX_REGS, c->cfg->guest[g].name);
		a->reg[a->nr_regs++] = r;
	}
	return ret;
}

/*
 * The interrupt parent of node: interrupt-parent of the node or of its nearest ancestor
 * that has one; -1 when none does.
 */
static int interrupt_parent(struct asg_ctx *c, int node, int *out)
{
	char path[CONFIG_PATH_MAX];

	for (*out = -1; node >= 0; node = fdt_index_parent(c->ix, node)) {
		int len;
		const fdt32_t *v = fdt_getprop(c->fdt, node, PROP_INTERRUPT_PARENT, &len);

		if (!v && len != -FDT_ERR_NOTFOUND)
			return asg_fail(c, "%s: %s", PROP_INTERRUPT_PARENT,
					fdt_struct_strerror(len));
		if (v) {
			if (len != (int)CELL_BYTES)
				return asg_fail(c, "%s: %s is %d bytes, not 4",
						path_of(c, node, path, sizeof(path)),
						PROP_INTERRUPT_PARENT, len);
			*out = fdt_index_by_phandle(c->ix, fdt32_ld(v));
			if (*out < 0)
				return asg_fail(c, "%s: %s 0x%x names no node",
						path_of(c, node, path, sizeof(path)),
						PROP_INTERRUPT_PARENT, fdt32_ld(v));
			return 0;
		}
		if (!node)
			break;
	}
	return 0;
}

/* Interrupt index (a GIC specifier at spec) of device d of guest g (c->dev). */
static int device_irq(struct asg_ctx *c, int g, unsigned int d, unsigned int index,
		      const fdt32_t *spec, struct assignment *a)
{
	const struct config_device *dev = c->dev;
	uint32_t type = fdt32_ld(&spec[0]), num = fdt32_ld(&spec[1]), flags = fdt32_ld(&spec[2]);
	enum irq_trigger trig =
		dev && index < dev->nr_triggers ? dev->trigger[index] : IRQ_TRIGGER_DT;
	struct assign_spi *s;
	bool edge;
	int ret;

	if (type == GIC_DT_TYPE_PPI)
		return asg_fail(c, "interrupt %u is a PPI, not an SPI", index);
	if (type != GIC_DT_TYPE_SPI)
		return asg_fail(c, "interrupt %u has type %u, not an SPI (0)", index, type);
	if (num >= GIC_NR_SPI)
		return asg_fail(c, "interrupt %u: SPI %u is out of range (0..%d)", index, num,
				GIC_NR_SPI - 1);
	if (GIC_SPI_BASE + num >= VGIC_MAX_INTIDS)
		return asg_fail(
			c,
			"interrupt %u: SPI %u (INTID %u) is beyond skiff's vGIC, which holds "
			"INTIDs below %d",
			index, num, GIC_SPI_BASE + num, VGIC_MAX_INTIDS);
	if (trig == IRQ_TRIGGER_DT) {
		flags &= IRQ_TYPE_SENSE_MASK;
		if (flags != IRQ_TYPE_EDGE_RISING && flags != IRQ_TYPE_LEVEL_HIGH)
			return asg_fail(c,
					"interrupt %u has trigger flags 0x%x, not 1 (rising edge) "
					"or 4 (high level): set interrupt-triggers",
					index, flags);
		edge = flags == IRQ_TYPE_EDGE_RISING;
	} else {
		edge = trig == IRQ_TRIGGER_EDGE;
	}
	if (a->nr_spis - a->dev[d].first_spi == IRQ_MAX_DEV_LINES)
		return asg_fail(c, "interrupt %u: more than %d SPIs, skiff's limit for a device",
				index, IRQ_MAX_DEV_LINES);
	ret = claim(c, LEDGER_SPI, g, GIC_SPI_BASE + num, 1, c->what);
	if (ret < 0)
		return ret;
	c->fatal = a->nr_spis == ASSIGN_MAX_SPIS;
	if (c->fatal)
		return asg_fail(c, "more than %d SPIs in %s", ASSIGN_MAX_SPIS,
				c->cfg->guest[g].name);
	s = &a->spi[a->nr_spis++];
	s->intid = GIC_SPI_BASE + num;
	s->mode = dev && index < dev->nr_modes ? dev->mode[index] : IRQ_MODE_HW;
	s->edge = edge;
	s->device = (uint16_t)d;
	s->index = (uint8_t)index;
	return 0;
}

/* Whether node x is top or sits inside it. */
static bool is_under(const struct asg_ctx *c, int x, int top)
{
	for (; x > 0; x = fdt_index_parent(c->ix, x))
		if (x == top)
			return true;
	return false;
}

/*
 * For a device devices = "all" gives (device d of a): whether interrupt controller ctl, not the
 * GIC, goes to the guest as well (it is, or sits in, one of its devices, d included), so that
 * the device's interrupts through it need nothing of skiff's; *cells: its #interrupt-cells.
 */
static bool other_controller(const struct asg_ctx *c, const struct assignment *a, unsigned int d,
			     int ctl, uint32_t *cells)
{
	uint32_t n = !c->dev && ctl > 0 ? fdt_u32_or(c->fdt, ctl, PROP_INTERRUPT_CELLS, 0) : 0;
	unsigned int i;

	if (n - 1 >= GIC_DT_MAX_CELLS)
		return false;
	*cells = n;
	for (i = 0; i <= d; i++)
		if (is_under(c, ctl, a->dev[i].node))
			return true;
	return false;
}

/* Told of each interrupt each_irq() finds: its index, controller, specifier and the cells left
 * in the property; returns the cells the specifier takes (> 0), or fails. */
typedef int irq_fn(struct asg_ctx *c, void *arg, unsigned int index, int ctl, const fdt32_t *spec,
		   uint32_t left);

/*
 * Each interrupt of node to fn: interrupts-extended's, else those of interrupts on the inherited
 * interrupt-parent; or (imap) interrupt-map's, whose entries hold the child's address and
 * specifier before the phandle and the controller's address after it. *count: how many.
 */
static int each_irq(struct asg_ctx *c, int node, bool imap, irq_fn *fn, void *arg,
		    unsigned int *count)
{
	const char *name = imap ? PROP_INTERRUPT_MAP : PROP_INTERRUPTS_EXT;
	uint32_t pos, n, pre = 0;
	const fdt32_t *v;
	int len, ret = 0, ctl = -1;

	*count = 0;
	c->irq_ext = true;
	v = fdt_getprop(c->fdt, node, name, &len);
	if (!v && len == -FDT_ERR_NOTFOUND && !imap) {
		c->irq_ext = false;
		name = PROP_INTERRUPTS;
		v = fdt_getprop(c->fdt, node, name, &len);
		ret = v ? interrupt_parent(c, node, &ctl) : 0;
		if (!ret && v && ctl < 0)
			ret = asg_fail(c, "interrupt 0 has no interrupt parent");
	}
	if (!v && len != -FDT_ERR_NOTFOUND)
		ret = asg_fail(c, "%s: %s", name, fdt_struct_strerror(len));
	if (!ret && v && (uint32_t)len % CELL_BYTES)
		ret = asg_fail(c, "%s is %d bytes, not a multiple of 4", name, len);
	if (imap)
		pre = fdt_u32_or(c->fdt, node, PROP_ADDRESS_CELLS, DT_IMAP_ADDRESS_CELLS) +
		      fdt_u32_or(c->fdt, node, PROP_INTERRUPT_CELLS, 1);
	if (ret || !v || pre > 2 * GIC_DT_MAX_CELLS)
		return ret;
	n = (uint32_t)len / CELL_BYTES;
	for (pos = 0; pos < n; pos += (uint32_t)ret, (*count)++) {
		if (c->irq_ext) { /* <[child address, specifier] phandle [address] specifier> */
			pos += pre;
			ctl = pos < n ? fdt_index_by_phandle(c->ix, fdt32_ld(&v[pos++])) : -1;
			if (imap && ctl > 0)
				pos += fdt_u32_or(c->fdt, ctl, PROP_ADDRESS_CELLS, 0) & 3;
		}
		ret = fn(c, arg, *count, ctl, &v[pos < n ? pos : n], pos < n ? n - pos : 0);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* Which device an interrupt is claimed for. */
struct irq_dev {
	int g;
	unsigned int d;
	struct assignment *a;
};

/* irq_fn of device_irqs(): an SPI on the GIC claimed (device_irq()); for devices = "all", one
 * on a controller the guest gets as well (other_controller()) needs nothing. */
static int claim_irq(struct asg_ctx *c, void *arg, unsigned int index, int ctl, const fdt32_t *spec,
		     uint32_t left)
{
	const struct irq_dev *x = arg;
	uint32_t cells = c->gic_icells;
	int ret;

	if (ctl != c->gic_node && !other_controller(c, x->a, x->d, ctl, &cells)) {
		char path[CONFIG_PATH_MAX];

		return asg_fail(c, "interrupt %u is not on the GIC (%s %s)", index,
				c->irq_ext ? "interrupts-extended names" : "interrupt parent",
				ctl < 0 ? "no node" : path_of(c, ctl, path, sizeof(path)));
	}
	if (left < cells)
		return asg_fail(c, "%s: interrupt %u is cut short",
				c->irq_ext ? PROP_INTERRUPTS_EXT : PROP_INTERRUPTS, index);
	ret = ctl == c->gic_node ? device_irq(c, x->g, x->d, index, spec, x->a) : 0;
	return ret < 0 ? ret : (int)cells;
}

/* The interrupts of device d of guest g (node): *count of them; each to the GIC, each an SPI (or,
 * for devices = "all", on a controller the guest gets: other_controller()). */
static int device_irqs(struct asg_ctx *c, int g, unsigned int d, int node, struct assignment *a,
		       unsigned int *count)
{
	struct irq_dev x = { g, d, a };

	return each_irq(c, node, false, claim_irq, &x, count);
}

/* Root nodes skiff writes into every guest tree itself (hyp/plan/guest_dtb.c): the host's are
 * never a guest's device. */
static const char generated_roots[] = "chosen\0aliases\0psci\0memory\0reserved-memory\0cpus\0";

/* What node x is, if it is no device a guest can be given: a CPU or memory node, or a root
 * node skiff writes itself (above). NULL for a device. */
static const char *not_a_device(const struct asg_ctx *c, int x)
{
	const char *type = fdt_getprop(c->fdt, x, "device_type", NULL);
	const char *name, *g;

	if (type && !strcmp(type, "cpu"))
		return "a CPU node: CPUs are given with cpus";
	if (type && !strcmp(type, "memory"))
		return "a memory node: RAM is given with memory";
	if (fdt_index_parent(c->ix, x) != 0)
		return NULL;
	name = fdt_get_name(c->fdt, x, NULL);
	for (g = generated_roots; name && *g; g += strlen(g) + 1) {
		size_t n = strlen(g);

		if (!strncmp(name, g, n) && (name[n] == '\0' || name[n] == '@'))
			return "a node skiff writes for each guest itself";
	}
	return NULL;
}

/* The device's node, the nodes above it and those inside it are all devices' (the guest gets
 * its node whole, and the nodes above it as containers). */
static int check_device_node(struct asg_ctx *c, int node)
{
	char path[CONFIG_PATH_MAX];
	const char *what;
	int x, depth = 0;

	for (x = node; x > 0; x = fdt_index_parent(c->ix, x)) {
		what = not_a_device(c, x);
		if (what && x == node)
			return asg_fail(c, "is %s", what);
		if (what)
			return asg_fail(c, "is inside %s, %s", path_of(c, x, path, sizeof(path)),
					what);
	}
	for (x = fdt_next_node(c->fdt, node, &depth); x >= 0 && depth > 0;
	     x = fdt_next_node(c->fdt, x, &depth)) {
		what = not_a_device(c, x);
		if (what)
			return asg_fail(c, "holds %s, %s", path_of(c, x, path, sizeof(path)), what);
	}
	return 0;
}

/* The node's status when it says the node is not available: anything but "okay", "ok" or none
 * ("disabled", "reserved", "fail", "fail-sss"; devicetree spec, "status"). */
static const char *disabled(const struct asg_ctx *c, int node, int *len)
{
	const char *status = fdt_getprop(c->fdt, node, PROP_STATUS, len);

	return status && !(*len == 5 && !memcmp(status, "okay", 5)) &&
			       !(*len == 3 && !memcmp(status, "ok", 3))
		       ? status
		       : NULL;
}

/* Give host node to guest g as its device d, as c->dev says, named c->what in the ledger: its
 * MMIO and SPIs claimed, its DMA classified. */
static int give_device(struct asg_ctx *c, int g, unsigned int d, int node, struct assignment *a)
{
	const struct config_device *dev = c->dev;
	struct assign_device *ad = &a->dev[d];
	unsigned int nr_irqs = 0;
	int iommu, ret;

	ad->node = node;
	ad->dma = dma_kind_of(c->fdt, node, &iommu);
	ad->iommu = iommu != 0;
	ad->first_reg = (uint16_t)a->nr_regs;
	ad->first_spi = (uint16_t)a->nr_spis;
	ret = device_regs(c, g, node, a);
	if (!ret)
		ret = device_irqs(c, g, d, node, a, &nr_irqs);
	if (ret < 0)
		return ret;
	ad->nr_reg = (uint16_t)(a->nr_regs - ad->first_reg);
	ad->nr_spi = (uint8_t)(a->nr_spis - ad->first_spi);
	c->fatal = ad->nr_spi && ++c->irq_devices > ASSIGN_MAX_IRQ_DEVICES;
	if (c->fatal)
		return asg_fail(c,
				"more than %d devices with interrupts in all guests (skiff's "
				"limit)",
				ASSIGN_MAX_IRQ_DEVICES);
	c->fatal = dev && (dev->nr_modes > nr_irqs || dev->nr_triggers > nr_irqs);
	if (c->fatal) /* the configuration's mistake: never left out, even when optional */
		return asg_fail(c, "%s has %u entries, but the device has %u interrupt%s",
				dev->nr_modes > nr_irqs ? "interrupt-modes" : "interrupt-triggers",
				dev->nr_modes > nr_irqs ? dev->nr_modes : dev->nr_triggers, nr_irqs,
				nr_irqs == 1 ? "" : "s");
	if (node == c->uart_node)
		a->console_uart = true;
	a->nr_devices = d + 1;
	return 0;
}

/* Guest g's configured device d is not given: nothing claimed, nothing to map. */
static int leave_out(unsigned int d, struct assignment *a)
{
	struct assign_device *ad = &a->dev[d];

	ad->node = -1;
	ad->first_reg = (uint16_t)a->nr_regs;
	ad->first_spi = (uint16_t)a->nr_spis;
	ad->nr_reg = 0;
	ad->nr_spi = 0;
	a->nr_devices = d + 1;
	return 0;
}

/* What giving one device changes, so that a device left out can be taken back (the ledger's
 * claims are append-only: its count is enough). */
struct asg_mark {
	unsigned int claims, regs, spis, irq_devices;
	bool console_uart;
};

static void mark(const struct asg_ctx *c, const struct assignment *a, struct asg_mark *m)
{
	m->claims = c->l->count;
	m->regs = a->nr_regs;
	m->spis = a->nr_spis;
	m->irq_devices = c->irq_devices;
	m->console_uart = a->console_uart;
}

/* Everything since m taken back; the reason (c->err) told when report. */
static void take_back(struct asg_ctx *c, struct assignment *a, const struct asg_mark *m,
		      bool report)
{
	ledger_undo(c->l, m->claims);
	a->nr_regs = m->regs;
	a->nr_spis = m->spis;
	c->irq_devices = m->irq_devices;
	a->console_uart = m->console_uart;
	if (report && c->note)
		c->note(c->err);
}

/*
 * An optional device this host cannot give for a reason of the device's (an interrupt skiff
 * cannot pass: through another controller, beyond the vGIC; MMIO someone else has) is left
 * out like a missing one: what it claimed taken back, the reason told. A limit of skiff's or
 * a mistake in the configuration still stops assignment.
 */
static int give_optional(struct asg_ctx *c, int g, unsigned int d, int node, struct assignment *a)
{
	struct asg_mark m;
	int ret;

	mark(c, a, &m);
	c->fatal = false;
	ret = give_device(c, g, d, node, a);
	if (!ret || c->fatal)
		return ret;
	take_back(c, a, &m, true);
	c->err[0] = '\0';
	return leave_out(d, a);
}

static int assign_device(struct asg_ctx *c, int g, unsigned int d, struct assignment *a)
{
	const struct config_device *dev = &c->cfg->guest[g].device[d];
	const char *status;
	int node, len, ret;

	set_where(c, "%s/%s: %s", c->cfg->guest[g].name, dev->name, dev->path);
	c->dev = dev;
	c->what = dev->path;
	node = c->dev_node[g][d];
	if ((node == -FDT_ERR_NOTFOUND || node == -FDT_ERR_BADPATH) && dev->optional)
		return leave_out(d, a); /* not on this host: nothing to claim or map */
	if (node == -FDT_ERR_NOTFOUND || node == -FDT_ERR_BADPATH)
		return asg_fail(c, "no such node in the host device tree");
	if (node < 0)
		return asg_fail(c, "%s", fdt_struct_strerror(node));
	if (!node)
		return asg_fail(c, "the root node cannot be assigned");
	status = disabled(c, node, &len);
	if (status)
		return asg_fail(c, "is not available in the host device tree (status \"%.*s\")",
				(int)strnlen(status, (size_t)len), status);
	ret = check_device_node(c, node);
	if (ret < 0)
		return ret;
	return dev->optional ? give_optional(c, g, d, node, a) : give_device(c, g, d, node, a);
}

/*
 * devices = "all". What a walk of the host tree does with node x: leaves it out with its subtree
 * (disabled; no device: a CPU, memory or generated node, the GIC, the timer, a node with neither
 * reg nor interrupts; some guest's device already, or holding one), goes into it (a bus: a child
 * has MMIO, and x is a simple-bus or has neither reg nor interrupts itself) or tries to give it,
 * whole.
 */
enum { ALL_SKIP, ALL_INTO, ALL_TRY };

static int all_kind(struct asg_ctx *c, int x)
{
	bool device = fdt_getprop(c->fdt, x, PROP_REG, NULL) ||
		      fdt_getprop(c->fdt, x, PROP_INTERRUPTS, NULL) ||
		      fdt_getprop(c->fdt, x, PROP_INTERRUPTS_EXT, NULL);
	struct fdt_addr_err e;
	struct plat_range r;
	unsigned int g, d;
	int len, y;

	/* interrupt-affinity: per-CPU SPIs, a PMU's, which stays out of guests' trees */
	if (disabled(c, x, &len) || not_a_device(c, x) || x == c->gic_node ||
	    x == c->plat->timer_node || fdt_getprop(c->fdt, x, "interrupt-affinity", NULL))
		return ALL_SKIP;
	fdt_for_each_subnode(
		y, c->fdt,
		x) if ((!device || !fdt_node_check_compatible(c->fdt, x, "simple-bus")) &&
		       fdt_addr_reg(c->fdt, c->ix, y, 0, &r, &e) > 0 && r.size) return ALL_INTO;
	for (g = 0; g < c->cfg->nr_guests; g++)
		for (d = 0; d < c->out[g].nr_devices; d++) {
			/* one inside a device given is not reached: the walk leaves its subtree */
			if (is_under(c, c->out[g].dev[d].node, x))
				return ALL_SKIP;
		}
	return device ? ALL_TRY : ALL_SKIP;
}

/*
 * Providers a device depends on, by property: the phandle, then the provider's #...-cells
 * arguments. pinctrl-0 names pin configurations inside the pin controller (plain phandles).
 */
static const char provider_props[] = "clocks\0#clock-cells\0resets\0#reset-cells\0"
				     "power-domains\0#power-domain-cells\0pinctrl-0\0\0";

/* Whether node x, or a node inside it, provides device dev's clocks, resets, power domains or
 * pins. */
static bool provides(const struct asg_ctx *c, int x, int dev)
{
	const char *name, *cells;

	for (name = provider_props; *name; name = cells + strlen(cells) + 1) {
		const fdt32_t *v;
		int len, i, n;
		uint32_t k = 0;

		cells = name + strlen(name) + 1;
		v = fdt_getprop(c->fdt, dev, name, &len);
		n = v && len > 0 ? len / (int)CELL_BYTES : 0;
		for (i = 0; i < n; i += 1 + (int)k) {
			int p = fdt_index_by_phandle(c->ix, fdt32_ld(&v[i]));
			if (p < 0)
				break;
			if (is_under(c, p, x))
				return true;
			/* the provider's #...-cells: a count past the list ends it (a malformed
			 * 0xffffffff must not wrap the step to 0) */
			k = *cells ? fdt_u32_or(c->fdt, p, cells, 0) : 0;
			if (k >= (uint32_t)(n - i))
				break;
		}
	}
	return false;
}

/*
 * For devices = "all": the device of another guest than g, or the console UART skiff keeps,
 * whose clocks, resets, power domains or pins x provides (*whose: its owner), or -1. Such a
 * provider is left to nobody: the guest that had it could gate or reset what it does not own
 * (on some SoCs an access to an unclocked device stalls the CPU that makes it).
 */
static int provider_user(const struct asg_ctx *c, int g, int x, const char **whose)
{
	bool console_given = false;
	unsigned int h, d;

	for (h = 0; h < c->cfg->nr_guests; h++) {
		console_given |= c->out[h].console_uart;
		for (d = 0; (int)h != g && d < c->out[h].nr_devices; d++)
			if (c->out[h].dev[d].node >= 0 && provides(c, x, c->out[h].dev[d].node)) {
				*whose = c->cfg->guest[h].name;
				return c->out[h].dev[d].node;
			}
	}
	*whose = "skiff's console";
	return !console_given && c->uart_node >= 0 && provides(c, x, c->uart_node) ? c->uart_node
										   : -1;
}

/* Try node as guest g's next device: given, or (a problem of the device's, not a limit of
 * skiff's) everything it claimed taken back and, when report, the reason told. */
static int try_device(struct asg_ctx *c, int g, int node, struct assignment *a, bool report)
{
	unsigned int d = a->nr_devices;
	char path[CONFIG_PATH_MAX];
	struct asg_mark m;
	struct fdt_addr_err e;
	struct plat_range r;
	const char *whose;
	int i, ret;

	set_where(c, "%s/" AUTO_NAME ": %s", c->cfg->guest[g].name,
		  path_of(c, node, path, sizeof(path)));
	c->dev = NULL;
	c->what =
		fdt_get_name(c->fdt, node, NULL); /* in the host tree, which outlives the ledger */
	if (d == ASSIGN_MAX_DEVICES)
		return asg_fail(c, "more than %d devices in %s", ASSIGN_MAX_DEVICES,
				c->cfg->guest[g].name);
	mark(c, a, &m);
	c->fatal = false;
	i = provider_user(c, g, node, &whose);
	ret = i >= 0 ? asg_fail(c, "provides clocks, resets, power or pins to %s's %s", whose,
				path_of(c, i, path, sizeof(path)))
		     : give_device(c, g, d, node, a);
	/* a window its ranges opens beyond its own registers (a PCI host bridge's): skiff maps
	 * reg only, and the guest would find nothing there */
	for (i = 0; !ret && fdt_addr_ranges(c->fdt, c->ix, node, i, &r, &e) > 0; i++)
		if (!in_ranges(&a->reg[m.regs], a->nr_regs - m.regs, r.base, r.size))
			ret = asg_fail(c,
				       "ranges opens 0x%llx+0x%llx, outside its reg: skiff "
				       "maps reg only",
				       (unsigned long long)r.base, (unsigned long long)r.size);
	if (!ret || c->fatal)
		return ret;
	a->nr_devices = d;
	take_back(c, a, &m, report);
	return 0;
}

/* One walk of the host tree, trying every device not given yet. */
static int all_walk(struct asg_ctx *c, int g, struct assignment *a, bool report)
{
	int node, depth = 0, skip = 0, ret = 0;

	for (node = fdt_next_node(c->fdt, 0, &depth); node >= 0 && depth > 0 && !ret;
	     node = fdt_next_node(c->fdt, node, &depth)) {
		int k;

		if (skip && depth > skip)
			continue;
		k = all_kind(c, node);
		skip = k == ALL_INTO ? 0 : depth;
		if (k == ALL_TRY)
			ret = try_device(c, g, node, a, report);
	}
	return ret;
}

/*
 * devices = "all" for guest g, after every configured device of every guest: walks until one
 * gives nothing more (a device whose interrupt controller comes later in the tree gets in on
 * the next), then once more to report what is left out.
 */
static int assign_all(struct asg_ctx *c, int g, struct assignment *a)
{
	unsigned int before;
	int ret;

	do {
		before = a->nr_devices;
		ret = all_walk(c, g, a, false);
	} while (!ret && a->nr_devices != before);
	return ret ? ret : all_walk(c, g, a, true);
}

/* [b, b + size) seen from address s: *in, the furthest end of a range that holds s; *next, the
 * nearest start above s. */
static void busy(uint64_t b, uint64_t size, uint64_t s, uint64_t *in, uint64_t *next)
{
	if (size && b <= s && s - b < size && b + size > *in)
		*in = b + size;
	else if (b > s && b < *next)
		*next = b;
}

/* busy() for RAM and every reg and ranges window of the host tree (skiff's claims are in those,
 * or in the pages of those). */
static void busy_all(struct asg_ctx *c, uint64_t s, uint64_t *in, uint64_t *next)
{
	struct fdt_addr_err e;
	struct plat_range r;
	unsigned int i;
	int node, depth = 0, k;

	*in = 0;
	*next = AUTO_WINDOW_TOP;
	for (i = 0; i < c->plat->mem_count; i++)
		busy(c->plat->mem[i].base, c->plat->mem[i].size, s, in, next);
	for (node = 0; node >= 0; node = fdt_next_node(c->fdt, node, &depth)) {
		for (k = 0; fdt_addr_reg(c->fdt, c->ix, node, k, &r, &e) > 0; k++)
			busy(r.base, r.size, s, in, next);
		for (k = 0; fdt_addr_ranges(c->fdt, c->ix, node, k, &r, &e) > 0; k++)
			busy(r.base, r.size, s, in, next);
	}
}

/*
 * device-window = "auto": the lowest AUTO_WINDOW of guest-physical space below AUTO_WINDOW_TOP,
 * 4 KiB-aligned, that overlaps no RAM and no reg or ranges of any host node (so no page of
 * anything claimed); else the largest such gap; else none.
 */
static void auto_device_window(struct asg_ctx *c, struct config_range *w)
{
	uint64_t s = PAGE, in, next;

	while (s < AUTO_WINDOW_TOP && w->size < AUTO_WINDOW) {
		busy_all(c, s, &in, &next);
		next &= in ? next : PAGE_MASK; /* a gap ends at the page of what comes next */
		if (!in && next > s + w->size) {
			w->base = s;
			w->size = next - s < AUTO_WINDOW ? next - s : AUTO_WINDOW;
		}
		s = in ? (in + PAGE - 1) & PAGE_MASK : next + PAGE;
	}
}

/* irq_fn marking the SPIs on the GIC in used (arg); one on another controller is passed over
 * by its #interrupt-cells. */
static int mark_irq(struct asg_ctx *c, void *arg, unsigned int index, int ctl, const fdt32_t *spec,
		    uint32_t left)
{
	uint32_t cells = ctl == c->gic_node ? c->gic_icells
			 : ctl > 0	    ? fdt_u32_or(c->fdt, ctl, PROP_INTERRUPT_CELLS, 0)
					    : 0;
	uint32_t num = left > 1 ? fdt32_ld(&spec[1]) : 0;

	(void)index;
	if (cells - 1 >= GIC_DT_MAX_CELLS)
		return ASG_EFAIL;
	if (ctl == c->gic_node && left >= GIC_DT_MIN_CELLS &&
	    fdt32_ld(&spec[0]) == GIC_DT_TYPE_SPI && num < VGIC_MAX_INTIDS - GIC_SPI_BASE)
		((uint8_t *)arg)[(num + GIC_SPI_BASE) / 8] |=
			(uint8_t)(1u << (num + GIC_SPI_BASE) % 8);
	return (int)cells;
}

/* spi-window = "auto": the longest run of SPIs below the GIC's last INTID (and the vGIC's) that
 * no interrupt of any host node names. */
static void auto_spi_window(struct asg_ctx *c, struct config_range *w)
{
	uint8_t used[VGIC_MAX_INTIDS / 8] = { 0 };
	unsigned int i, run = 0, end = c->plat->gic_nr_intids;
	int node, depth = 0;

	if (!end || end > VGIC_MAX_INTIDS)
		end = VGIC_MAX_INTIDS;
	for (node = 0; node >= 0; node = fdt_next_node(c->fdt, node, &depth)) {
		unsigned int n;

		each_irq(c, node, false, mark_irq, used, &n);
		each_irq(c, node, true, mark_irq, used, &n);
	}
	for (i = GIC_SPI_BASE; i <= end; i++) {
		if (i < end && !(used[i / 8] >> (i % 8) & 1)) {
			run++;
			continue;
		}
		if (run > w->size) {
			w->base = i - run - GIC_SPI_BASE;
			w->size = run;
		}
		run = 0;
	}
}

/* size bytes of the device-window for guest g's what (the window exists). */
static int window_alloc(struct asg_ctx *c, int g, uint64_t size, const char *what, uint64_t *base)
{
	const struct config_range *w = &c->win[0];

	*base = ledger_alloc_mmio(c->l, g, size, w->base, w->base + w->size, what);
	if (!*base)
		return asg_fail(c, "device-window 0x%llx+0x%llx is full",
				(unsigned long long)w->base, (unsigned long long)w->size);
	return 0;
}

/*
 * A guest gets the host's GIC architecture: a GICv3 host gives the system-register interface
 * (ICC_*) and a GICv3 distributor and redistributors; a GICv2 host the memory-mapped GICv2
 * distributor and CPU interface, with no system-register interface to offer. A config asking
 * for the other one is refused.
 */
static int check_gic_version(struct asg_ctx *c, int g)
{
	unsigned int want = c->cfg->guest[g].gic_version;

	set_where(c, "%s: gic-version", c->cfg->guest[g].name);
	if (!want || want == c->plat->gic_version)
		return 0;
	return asg_fail(c, "%u, but the host's GIC is a GICv%u: its guests get a GICv%u%s", want,
			c->plat->gic_version, c->plat->gic_version,
			c->plat->gic_version == 2 ? ", which has no system-register interface"
						  : "");
}

static int assign_doorbell(struct asg_ctx *c, int g, struct assignment *a)
{
	const struct config_range *sw = &c->win[1];
	uint64_t spi_lo = GIC_SPI_BASE + sw->base;

	set_where(c, "%s: doorbell", c->cfg->guest[g].name);
	if (!c->win[0].size)
		return asg_fail(c, "no device-window in /skiff to place it in");
	if (!sw->size)
		return asg_fail(c, "no spi-window in /skiff to take its SPI from");
	if (window_alloc(c, g, ASSIGN_DOORBELL_SIZE, WHAT_DOORBELL, &a->doorbell_base))
		return ASG_EFAIL;
	a->doorbell_intid = ledger_alloc_spi(c->l, g, (uint32_t)spi_lo,
					     (uint32_t)(spi_lo + sw->size), WHAT_DOORBELL);
	if (!a->doorbell_intid)
		return asg_fail(c, "spi-window <%llu %llu> is full", (unsigned long long)sw->base,
				(unsigned long long)sw->size);
	return 0;
}

/*
 * A channel's shared memory is host RAM that no guest has and skiff does not keep
 * (check_ram); a guest with all RAM has it carved out (assign_all_memory). So it is the only
 * memory the two guests share, and nothing else reaches it.
 */
static __attribute__((cold)) int check_channel(struct asg_ctx *c, unsigned int n)
{
	set_where(c, "%s: memory", c->cfg->channel[n].name);
	return check_ram(c, &c->cfg->channel[n].mem, true);
}

/* Each end of channel n: a doorbell page and an SPI from the windows, claimed for its guest. */
static __attribute__((cold)) int assign_channel(struct asg_ctx *c, unsigned int n,
						struct assignment *out)
{
	const struct config_channel *ch = &c->cfg->channel[n];
	uint32_t lo = GIC_SPI_BASE + (uint32_t)c->win[1].base;
	unsigned int e;

	for (e = 0; e < 2; e++) {
		struct assignment *a = &out[ch->guest[e]];
		struct assign_channel *ac = &a->chan[a->nr_chan++];

		set_where(c, "%s: %s", ch->name, c->cfg->guest[ch->guest[e]].name);
		ac->channel = (uint8_t)n;
		ac->end = (uint8_t)e;
		ac->peer = (uint8_t)ch->guest[!e];
		ac->mem = (struct plat_range){ ch->mem.base, ch->mem.size };
		ac->intid = ledger_alloc_spi(c->l, (int)ch->guest[e], lo,
					     lo + (uint32_t)c->win[1].size, ch->name);
		if (window_alloc(c, (int)ch->guest[e], ASSIGN_CHANNEL_DB_SIZE, ch->name,
				 &ac->db_base))
			return ASG_EFAIL;
		if (!ac->intid)
			return asg_fail(c, "no free SPI in spi-window <%llu %llu>",
					(unsigned long long)c->win[1].base,
					(unsigned long long)c->win[1].size);
	}
	return 0;
}

static int assign_vconsole(struct asg_ctx *c, int g, struct assignment *a)
{
	set_where(c, "%s: virtual-console", c->cfg->guest[g].name);
	if (!c->win[0].size)
		return asg_fail(c, "no device-window in /skiff to place it in");
	return window_alloc(c, g, ASSIGN_VCONSOLE_SIZE, WHAT_VCONSOLE, &a->vconsole_base);
}

/* One page of reg: the rest of it claimed for guest g, or (not claim_rest) refused. */
static int page_rest_one(struct asg_ctx *c, int g, const struct plat_range *reg, uint64_t page,
			 bool claim_rest)
{
	uint64_t gap, size;

	while ((size = ledger_page_gap(c->l, g, page, &gap))) {
		int ret;

		if (!claim_rest)
			return asg_fail(c,
					"MMIO 0x%llx+0x%llx does not fill its page 0x%llx: the "
					"guest would reach 0x%llx+0x%llx, which is not its own, as "
					"well (give it what sits there, or say whole-pages)",
					(unsigned long long)reg->base,
					(unsigned long long)reg->size, (unsigned long long)page,
					(unsigned long long)gap, (unsigned long long)size);
		ret = claim(c, LEDGER_MMIO, g, gap, size, WHAT_PAGE_REST);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/*
 * Stage 2 maps whole pages, so a device whose registers do not fill their pages gives the guest
 * the rest of those pages too: whatever else sits there (another virtio-mmio transport, say).
 * That is refused unless the guest's own claims cover the rest, or one of its devices in that
 * page says whole-pages: then the rest is claimed for the guest (nobody else can have it),
 * before any device is checked.
 */
static int page_rest(struct asg_ctx *c, int g, const struct assignment *a, bool claim_rest)
{
	const struct config_guest *cg = &c->cfg->guest[g];
	unsigned int d, r;

	for (d = 0; d < a->nr_devices; d++) {
		const struct assign_device *ad = &a->dev[d];
		const struct config_device *dev = d < cg->nr_devices ? &cg->device[d] : NULL;
		char path[CONFIG_PATH_MAX];

		if (claim_rest && dev && !dev->whole_pages)
			continue;
		set_where(c, "%s/%s: %s", cg->name, dev ? dev->name : AUTO_NAME,
			  dev ? dev->path : path_of(c, ad->node, path, sizeof(path)));
		for (r = ad->first_reg; r < (unsigned int)ad->first_reg + ad->nr_reg; r++) {
			const struct plat_range *reg = &a->reg[r];
			uint64_t first = reg->base & PAGE_MASK;
			uint64_t last = (reg->base + reg->size - 1) & PAGE_MASK;
			/* only the first and the last page can be partly someone else's */
			int ret = page_rest_one(c, g, reg, first, claim_rest);

			if (!ret && last != first)
				ret = page_rest_one(c, g, reg, last, claim_rest);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static int check_sub_pages(struct asg_ctx *c, int g, const struct assignment *a)
{
	int ret = page_rest(c, g, a, true);

	return ret ? ret : page_rest(c, g, a, false);
}

/* per RAM range of a guest, what its ends may add to the platform's spans: two partial spans
 * at each of three levels */
#define S2_PAGED_SLACK_PER_RANGE 6

unsigned int assign_stage2_more_tables(const struct platform *plat, const struct config *cfg)
{
	struct pt_range r[PLAT_MAX_MEM + CONFIG_MAX_CHANNELS];
	unsigned int i, n = 0;

	if (!cfg->stage2_4k_pages)
		return 0;
	for (i = 0; i < plat->mem_count && i < PLAT_MAX_MEM; i++)
		r[n++] = (struct pt_range){ plat->mem[i].base, plat->mem[i].size };
	/* a channel's memory is mapped by a second guest too */
	for (i = 0; i < cfg->nr_channels && i < CONFIG_MAX_CHANNELS; i++)
		r[n++] = (struct pt_range){ cfg->channel[i].mem.base, cfg->channel[i].mem.size };
	return pt_tables_paged(r, n, 0) +
	       cfg->nr_guests * (ASSIGN_MAX_MEM + CONFIG_MAX_CHANNELS) * S2_PAGED_SLACK_PER_RANGE;
}

unsigned int assign_stage2_place(const struct platform *plat, const struct config *cfg,
				 uint64_t *skiff_base, uint64_t *skiff_end, uint64_t *tables)
{
	unsigned int n = assign_stage2_more_tables(plat, cfg);
	uint64_t size = (uint64_t)n * PT_PAGE_SIZE, whole = *skiff_end - *skiff_base + size;

	if (!n)
		return 0;
	/* after the image, unless RAM ends there and there is room before it */
	if (!in_ranges(plat->mem, plat->mem_count, *skiff_base, whole) && *skiff_base >= size &&
	    in_ranges(plat->mem, plat->mem_count, *skiff_base - size, whole)) {
		*skiff_base -= size;
		*tables = *skiff_base;
		return n;
	}
	*tables = *skiff_end;
	*skiff_end += size;
	return n;
}

/* A guest's stage-2 tables: its devices' with blocks, and on a GICv2 host the GICC pages
 * hyp/core/vm.c maps to GICV; its RAM and channels' page by page when stage2-4k-pages (an
 * upper bound: the upper levels are counted twice). */
static unsigned int stage2_tables(const struct platform *p, const struct config *cfg,
				  const struct assignment *a)
{
	struct pt_range r[ASSIGN_MAX_MEM + ASSIGN_MAX_MMIO + CONFIG_MAX_CHANNELS + 1];
	unsigned int n = 0, paged, i;

	for (i = 0; i < a->nr_mem; i++)
		r[n++] = (struct pt_range){ a->mem[i].base, a->mem[i].size };
	for (i = 0; i < a->nr_chan; i++)
		r[n++] = (struct pt_range){ a->chan[i].mem.base, a->chan[i].mem.size };
	paged = n;
	for (i = 0; i < a->nr_mmio; i++)
		r[n++] = (struct pt_range){ a->mmio[i].base, a->mmio[i].size };
	if (p->gic_version == 2)
		r[n++] = (struct pt_range){ p->gicc.base & ~(PT_PAGE_SIZE - 1), 2 * PT_PAGE_SIZE };
	if (!cfg->stage2_4k_pages)
		return pt_tables_needed(r, n, 0);
	return pt_tables_needed(r + paged, n - paged, 0) + pt_tables_paged(r, paged, 0);
}

/* Every guest's stage 2 comes from one pool of STAGE2_POOL_TABLES tables (a 48-bit IPA, from
 * level 0, the most a CPU needs), and stage2-4k-pages's more: refused here, by name, rather
 * than at boot. */
static int check_stage2(struct asg_ctx *c, const struct assignment *out)
{
	unsigned int g, tables = 0, more = assign_stage2_more_tables(c->plat, c->cfg);

	set_where(c, "guests");
	for (g = 0; g < c->cfg->nr_guests; g++) {
		unsigned int t = stage2_tables(c->plat, c->cfg, &out[g]);

		tables = t > PT_TABLES_MANY - tables ? PT_TABLES_MANY : tables + t;
	}
	if (more >= PT_TABLES_MANY)
		return asg_fail(c, "stage2-4k-pages: too much RAM to map page by page");
	if (tables > STAGE2_POOL_TABLES + more)
		return asg_fail(c,
				"their stage-2 maps need %u translation tables, more than skiff's "
				"%u: give fewer, larger or 2 MiB-aligned RAM ranges and devices",
				tables, STAGE2_POOL_TABLES + more);
	return 0;
}

/* noinline: kept whole, its steps inlined into it, not spread over guests_prepare (LTO's
 * growth limits on that large function then leave the steps out of line: 1.3 KiB more) */
__attribute__((noinline)) int assign_guests(const void *host_fdt, const struct platform *plat,
					    const struct config *cfg, uint64_t skiff_base,
					    uint64_t skiff_end, struct ledger *l,
					    struct assignment *out, assign_note_fn *note, char *err,
					    size_t err_size)
{
	static struct fdt_index ix; /* 12 KiB: not on skiff's boot stack */
	static int dev_node[CONFIG_MAX_GUESTS][CONFIG_MAX_DEVICES];
	struct asg_ctx c = {
		.fdt = host_fdt,
		.ix = &ix,
		.dev_node = dev_node,
		.plat = plat,
		.cfg = cfg,
		.l = l,
		.err = err,
		.err_size = err_size,
		.skiff_base = skiff_base,
		.skiff_end = skiff_end,
		.out = out,
		.note = note,
	};
	unsigned int g, d;
	int ret;

	set_where(&c, "config");
	if (err && err_size)
		err[0] = '\0';
	if (!host_fdt || !plat || !cfg || !l || !out || cfg->nr_guests > CONFIG_MAX_GUESTS)
		return asg_fail(&c, "assign_guests: bad arguments");
	fdt_index_build(&ix, host_fdt);
	ret = unique_phandles(&c);
	if (ret)
		return ret;
	for (g = 0; g < cfg->nr_guests; g++)
		for (d = 0; d < cfg->guest[g].nr_devices; d++)
			dev_node[g][d] =
				strcmp(cfg->guest[g].device[d].path, CONFIG_DEVICE_STDOUT)
					? fdt_path_offset(host_fdt, cfg->guest[g].device[d].path)
				: plat->con.node >= 0 ? plat->con.node
						      : -FDT_ERR_NOTFOUND;
	for (g = 0; g < cfg->nr_guests; g++) {
		memset(&out[g], 0, sizeof(out[g]));
		out[g].gic_node = plat->gic_node;
		out[g].gic_version = plat->gic_version;
		out[g].timer_node = plat->timer_node;
		l->owner_name[g] = cfg->guest[g].name;
	}

	ret = find_nodes(&c);
	if (!ret)
		ret = claim_skiff(&c);
	for (g = 0; g < cfg->nr_channels && !ret; g++)
		ret = check_channel(&c, g);
	for (g = 0; g < cfg->nr_guests && !ret; g++) {
		ret = check_gic_version(&c, (int)g);
		if (!ret)
			ret = assign_cpus(&c, (int)g, &out[g]);
		if (!ret)
			ret = assign_memory(&c, (int)g, &out[g]);
		if (!ret)
			ret = resolve_images(&c, (int)g, &out[g]);
		if (!ret)
			ret = check_image(&c, (int)g, "kernel", &out[g].kernel, &out[g]);
		if (!ret)
			ret = check_image(&c, (int)g, "initrd", &out[g].initrd, &out[g]);
		for (d = 0; d < cfg->guest[g].nr_devices && !ret; d++)
			ret = assign_device(&c, (int)g, d, &out[g]);
	}
	/* after every configured device: those are the guests' whatever the order in the tree */
	for (g = 0; g < cfg->nr_guests && !ret; g++)
		if (cfg->guest[g].all_devices)
			ret = assign_all(&c, (int)g, &out[g]);
	for (g = 0; g < cfg->nr_guests && !ret; g++)
		ret = carve_images(&c, (int)g, &out[g]);
	/* After every device is claimed, so no other guest's device can be in the rest of a page
	 * and a doorbell or console never takes a page a device needs. */
	for (g = 0; g < cfg->nr_guests && !ret; g++)
		ret = check_sub_pages(&c, (int)g, &out[g]);
	for (g = 0; g < cfg->nr_guests && !ret; g++) {
		set_where(&c, "%s", cfg->guest[g].name);
		for (d = 0; d < out[g].nr_regs && !ret; d++)
			ret = map_add(&c, &out[g], out[g].reg[d].base, out[g].reg[d].size);
	}
	c.win[0] = cfg->device_window;
	c.win[1] = cfg->spi_window;
	if (!ret && cfg->device_window_auto)
		auto_device_window(&c, &c.win[0]);
	if (!ret && cfg->spi_window_auto)
		auto_spi_window(&c, &c.win[1]);
	for (g = 0; g < cfg->nr_guests && !ret; g++) {
		out[g].device_window = c.win[0];
		out[g].spi_window = c.win[1];
		if (cfg->guest[g].doorbell)
			ret = assign_doorbell(&c, (int)g, &out[g]);
		if (!ret && cfg->guest[g].vconsole)
			ret = assign_vconsole(&c, (int)g, &out[g]);
	}
	for (g = 0; g < cfg->nr_channels && !ret; g++)
		ret = assign_channel(&c, g, out);
	if (!ret)
		ret = check_stage2(&c, out);
	if (!ret && err_size)
		err[0] = '\0'; /* what devices = "all" tried and left out said */
	return ret;
}
