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
#define MAX_HOLES (1 + CONFIG_MAX_GUESTS * CONFIG_MAX_MEM + PLAT_MAX_RESV)
#define ASG_EFAIL (-1)

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
_Static_assert(CONFIG_MAX_DEVICES <= 255 && ASSIGN_MAX_REGS <= 255 && ASSIGN_MAX_SPIS <= 255,
	       "struct assign_device's indexes are bytes");

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
	/* devices with interrupts in all guests: at most CONFIG_MAX_DEVICES */
	unsigned int irq_devices;
	char where[WHERE_MAX]; /* what messages start with: "guest@0/uart: /pl011@9000000" */
};

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

/* Claim every reg entry of node for skiff. */
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

static bool in_ranges(const struct plat_range *r, unsigned int n, uint64_t base, uint64_t size)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (base >= r[i].base && base - r[i].base <= r[i].size &&
		    size <= r[i].size - (base - r[i].base))
			return true;
	return false;
}

/* RAM configured for a guest must not take memory the firmware keeps. */
static int check_resv(struct asg_ctx *c, uint64_t base, uint64_t size)
{
	char path[CONFIG_PATH_MAX];
	unsigned int i;

	for (i = 0; i < c->plat->resv_count; i++) {
		const struct plat_resv *rv = &c->plat->resv[i];

		if (rv->no_map && ranges_overlap(base, size, rv->r.base, rv->r.size))
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

static int assign_memory(struct asg_ctx *c, int g, struct assignment *a)
{
	const struct config *cfg = c->cfg;
	const struct config_guest *cg = &cfg->guest[g];
	unsigned int i, j, k;
	int ret;

	set_where(c, "%s: memory", cg->name);
	if (cg->all_memory) {
		ret = assign_all_memory(c, g, a);
		return ret < 0 ? ret : note_resv(c, a);
	}
	for (i = 0; i < cg->nr_mem; i++) {
		const struct config_range *m = &cg->mem[i];

		if (!in_ranges(c->plat->mem, c->plat->mem_count, m->base, m->size))
			return asg_fail(c, "0x%llx+0x%llx is not inside RAM",
					(unsigned long long)m->base, (unsigned long long)m->size);
		if (ranges_overlap(m->base, m->size, c->skiff_base, c->skiff_end - c->skiff_base))
			return asg_fail(c, "0x%llx+0x%llx overlaps skiff's memory 0x%llx+0x%llx",
					(unsigned long long)m->base, (unsigned long long)m->size,
					(unsigned long long)c->skiff_base,
					(unsigned long long)(c->skiff_end - c->skiff_base));
		ret = check_resv(c, m->base, m->size);
		if (ret < 0)
			return ret;
		for (j = 0; j < cfg->nr_guests; j++)
			for (k = 0; k < cfg->guest[j].nr_mem; k++) {
				const struct config_range *o = &cfg->guest[j].mem[k];

				if ((j != (unsigned int)g || k != i) &&
				    ranges_overlap(m->base, m->size, o->base, o->size))
					return asg_fail(c,
							"0x%llx+0x%llx overlaps %s's memory "
							"0x%llx+0x%llx",
							(unsigned long long)m->base,
							(unsigned long long)m->size,
							cfg->guest[j].name,
							(unsigned long long)o->base,
							(unsigned long long)o->size);
			}
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

static int device_regs(struct asg_ctx *c, int g, int node, const char *path, struct assignment *a)
{
	struct plat_range r;
	unsigned int b;
	int i, ret;

	for (i = 0; (ret = read_reg(c, node, i, &r)) > 0; i++) {
		if (!r.size)
			continue;
		ret = claim(c, LEDGER_MMIO, g, r.base, r.size, path);
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
		if (a->nr_regs == ASSIGN_MAX_REGS)
			return asg_fail(c, "more than %d reg entries in %s's devices",
					ASSIGN_MAX_REGS, c->cfg->guest[g].name);
		a->reg[a->nr_regs++] = r;
		ret = map_add(c, a, r.base, r.size);
		if (ret < 0)
			return ret;
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
			return asg_fail(c, "%s: %s", PROP_INTERRUPT_PARENT, fdt_strerror(len));
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

/* Interrupt index (a GIC specifier at spec) of device d of guest g. */
static int device_irq(struct asg_ctx *c, int g, unsigned int d, unsigned int index,
		      const fdt32_t *spec, struct assignment *a)
{
	const struct config_device *dev = &c->cfg->guest[g].device[d];
	uint32_t type = fdt32_ld(&spec[0]), num = fdt32_ld(&spec[1]), flags = fdt32_ld(&spec[2]);
	enum irq_trigger trig = index < dev->nr_triggers ? dev->trigger[index] : IRQ_TRIGGER_DT;
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
	ret = claim(c, LEDGER_SPI, g, GIC_SPI_BASE + num, 1, dev->path);
	if (ret < 0)
		return ret;
	if (a->nr_spis == ASSIGN_MAX_SPIS)
		return asg_fail(c, "more than %d SPIs in %s", ASSIGN_MAX_SPIS,
				c->cfg->guest[g].name);
	s = &a->spi[a->nr_spis++];
	s->intid = GIC_SPI_BASE + num;
	s->mode = index < dev->nr_modes ? dev->mode[index] : IRQ_MODE_HW;
	s->edge = edge;
	s->device = (uint8_t)d;
	s->index = (uint8_t)index;
	return 0;
}

/* interrupts-extended, else interrupts: *count interrupts, each to the GIC, each an SPI. */
static int device_irqs(struct asg_ctx *c, int g, unsigned int d, int node, struct assignment *a,
		       unsigned int *count)
{
	uint32_t spec = c->gic_icells;
	char path[CONFIG_PATH_MAX];
	const fdt32_t *v;
	int len, ret, parent;

	*count = 0;
	v = fdt_getprop(c->fdt, node, PROP_INTERRUPTS_EXT, &len);
	if (v) {
		uint32_t pos, cells = (uint32_t)len / CELL_BYTES;

		if ((uint32_t)len % CELL_BYTES)
			return asg_fail(c, "%s is %d bytes, not a multiple of 4",
					PROP_INTERRUPTS_EXT, len);
		for (pos = 0; pos < cells; pos += 1 + spec, (*count)++) {
			parent = fdt_index_by_phandle(c->ix, fdt32_ld(&v[pos]));
			if (parent != c->gic_node)
				return asg_fail(c, "interrupt %u is not on the GIC (%s names %s)",
						*count, PROP_INTERRUPTS_EXT,
						parent < 0
							? "no node"
							: path_of(c, parent, path, sizeof(path)));
			if (pos + 1 + spec > cells)
				return asg_fail(c, "%s is %d bytes: interrupt %u is cut short",
						PROP_INTERRUPTS_EXT, len, *count);
			ret = device_irq(c, g, d, *count, &v[pos + 1], a);
			if (ret < 0)
				return ret;
		}
		return 0;
	}
	if (len != -FDT_ERR_NOTFOUND)
		return asg_fail(c, "%s: %s", PROP_INTERRUPTS_EXT, fdt_strerror(len));
	v = fdt_getprop(c->fdt, node, PROP_INTERRUPTS, &len);
	if (!v)
		return len == -FDT_ERR_NOTFOUND
			       ? 0
			       : asg_fail(c, "%s: %s", PROP_INTERRUPTS, fdt_strerror(len));
	ret = interrupt_parent(c, node, &parent);
	if (ret < 0)
		return ret;
	if (parent < 0)
		return asg_fail(c, "interrupt 0 has no interrupt parent");
	if (parent != c->gic_node)
		return asg_fail(c, "interrupt 0 is not on the GIC (interrupt parent %s)",
				path_of(c, parent, path, sizeof(path)));
	if (!len || (uint32_t)len % (spec * CELL_BYTES))
		return asg_fail(c, "%s is %d bytes, not a multiple of %u (the GIC's %s is %u)",
				PROP_INTERRUPTS, len, spec * CELL_BYTES, PROP_INTERRUPT_CELLS,
				spec);
	for (; *count < (uint32_t)len / (spec * CELL_BYTES); (*count)++) {
		ret = device_irq(c, g, d, *count, &v[*count * spec], a);
		if (ret < 0)
			return ret;
	}
	return 0;
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

static int assign_device(struct asg_ctx *c, int g, unsigned int d, struct assignment *a)
{
	const struct config_device *dev = &c->cfg->guest[g].device[d];
	struct assign_device *ad = &a->dev[d];
	unsigned int nr_irqs = 0;
	const char *status;
	int node, len, ret;

	set_where(c, "%s/%s: %s", c->cfg->guest[g].name, dev->name, dev->path);
	node = c->dev_node[g][d];
	if ((node == -FDT_ERR_NOTFOUND || node == -FDT_ERR_BADPATH) && dev->optional) {
		ad->node = -1; /* not on this host: nothing to claim or map */
		ad->first_reg = (uint8_t)a->nr_regs;
		ad->first_spi = (uint8_t)a->nr_spis;
		ad->nr_reg = 0;
		ad->nr_spi = 0;
		a->nr_devices = d + 1;
		return 0;
	}
	if (node == -FDT_ERR_NOTFOUND || node == -FDT_ERR_BADPATH)
		return asg_fail(c, "no such node in the host device tree");
	if (node < 0)
		return asg_fail(c, "%s", fdt_strerror(node));
	if (!node)
		return asg_fail(c, "the root node cannot be assigned");
	status = fdt_getprop(c->fdt, node, PROP_STATUS, &len);
	if (status && !(len == 5 && !memcmp(status, "okay", 5)) &&
	    !(len == 3 && !memcmp(status, "ok", 3)))
		return asg_fail(c, "is disabled in the host device tree (status \"%.*s\")",
				(int)strnlen(status, (size_t)len), status);

	ret = check_device_node(c, node);
	if (ret < 0)
		return ret;
	ad->node = node;
	{
		int iommu;

		ad->dma = dma_kind_of(c->fdt, node, &iommu);
		ad->iommu = iommu != 0;
	}
	ad->first_reg = (uint8_t)a->nr_regs;
	ad->first_spi = (uint8_t)a->nr_spis;
	ret = device_regs(c, g, node, dev->path, a);
	if (!ret)
		ret = device_irqs(c, g, d, node, a, &nr_irqs);
	if (ret < 0)
		return ret;
	ad->nr_reg = (uint8_t)(a->nr_regs - ad->first_reg);
	ad->nr_spi = (uint8_t)(a->nr_spis - ad->first_spi);
	if (ad->nr_spi && ++c->irq_devices > CONFIG_MAX_DEVICES)
		return asg_fail(c,
				"more than %d devices with interrupts in all guests (skiff's "
				"limit)",
				CONFIG_MAX_DEVICES);
	if (dev->nr_modes > nr_irqs || dev->nr_triggers > nr_irqs)
		return asg_fail(c, "%s has %u entries, but the device has %u interrupt%s",
				dev->nr_modes > nr_irqs ? "interrupt-modes" : "interrupt-triggers",
				dev->nr_modes > nr_irqs ? dev->nr_modes : dev->nr_triggers, nr_irqs,
				nr_irqs == 1 ? "" : "s");
	if (node == c->uart_node)
		a->console_uart = true;
	a->nr_devices = d + 1;
	return 0;
}

/* size bytes of the config's device-window for guest g's what (the window exists). */
static int window_alloc(struct asg_ctx *c, int g, uint64_t size, const char *what, uint64_t *base)
{
	const struct config_range *w = &c->cfg->device_window;

	*base = ledger_alloc_mmio(c->l, g, size, w->base, w->base + w->size, what);
	if (!*base)
		return asg_fail(c, "device-window 0x%llx+0x%llx is full",
				(unsigned long long)w->base, (unsigned long long)w->size);
	return 0;
}

static int assign_doorbell(struct asg_ctx *c, int g, struct assignment *a)
{
	const struct config *cfg = c->cfg;
	uint64_t spi_lo = GIC_SPI_BASE + cfg->spi_window.base;

	set_where(c, "%s: doorbell", cfg->guest[g].name);
	if (!cfg->device_window.size)
		return asg_fail(c, "no device-window in /skiff to place it in");
	if (!cfg->spi_window.size)
		return asg_fail(c, "no spi-window in /skiff to take its SPI from");
	if (window_alloc(c, g, ASSIGN_DOORBELL_SIZE, WHAT_DOORBELL, &a->doorbell_base))
		return ASG_EFAIL;
	a->doorbell_intid =
		ledger_alloc_spi(c->l, g, (uint32_t)spi_lo,
				 (uint32_t)(spi_lo + cfg->spi_window.size), WHAT_DOORBELL);
	if (!a->doorbell_intid)
		return asg_fail(c, "spi-window <%llu %llu> is full",
				(unsigned long long)cfg->spi_window.base,
				(unsigned long long)cfg->spi_window.size);
	return 0;
}

static int assign_vconsole(struct asg_ctx *c, int g, struct assignment *a)
{
	const struct config *cfg = c->cfg;

	set_where(c, "%s: virtual-console", cfg->guest[g].name);
	if (!cfg->device_window.size)
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
		const struct config_device *dev = &cg->device[d];

		if (claim_rest && !dev->whole_pages)
			continue;
		set_where(c, "%s/%s: %s", cg->name, dev->name, dev->path);
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

/* Every guest's stage 2 comes from one pool of STAGE2_POOL_TABLES tables (a 48-bit IPA, from
 * level 0, the most a CPU needs): refused here, by name, rather than at boot. */
static int check_stage2(struct asg_ctx *c, const struct assignment *out)
{
	unsigned int g, i, tables = 0;

	set_where(c, "guests");
	for (g = 0; g < c->cfg->nr_guests; g++) {
		struct pt_range r[ASSIGN_MAX_MEM + ASSIGN_MAX_MMIO];
		unsigned int n = 0;

		for (i = 0; i < out[g].nr_mem; i++)
			r[n++] = (struct pt_range){ out[g].mem[i].base, out[g].mem[i].size };
		for (i = 0; i < out[g].nr_mmio; i++)
			r[n++] = (struct pt_range){ out[g].mmio[i].base, out[g].mmio[i].size };
		tables += pt_tables_needed(r, n, 0);
	}
	if (tables > STAGE2_POOL_TABLES)
		return asg_fail(c,
				"their stage-2 maps need %u translation tables, more than skiff's "
				"%d: give fewer, larger or 2 MiB-aligned RAM ranges and devices",
				tables, STAGE2_POOL_TABLES);
	return 0;
}

int assign_guests(const void *host_fdt, const struct platform *plat, const struct config *cfg,
		  uint64_t skiff_base, uint64_t skiff_end, struct ledger *l, struct assignment *out,
		  char *err, size_t err_size)
{
	static struct fdt_index ix; /* 6 KiB: not on skiff's boot stack */
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
		out[g].timer_node = plat->timer_node;
		l->owner_name[g] = cfg->guest[g].name;
	}

	ret = find_nodes(&c);
	if (!ret)
		ret = claim_skiff(&c);
	for (g = 0; g < cfg->nr_guests && !ret; g++) {
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
	for (g = 0; g < cfg->nr_guests && !ret; g++)
		ret = carve_images(&c, (int)g, &out[g]);
	/* After every device is claimed, so no other guest's device can be in the rest of a page
	 * and a doorbell or console never takes a page a device needs. */
	for (g = 0; g < cfg->nr_guests && !ret; g++)
		ret = check_sub_pages(&c, (int)g, &out[g]);
	for (g = 0; g < cfg->nr_guests && !ret; g++) {
		if (cfg->guest[g].doorbell)
			ret = assign_doorbell(&c, (int)g, &out[g]);
		if (!ret && cfg->guest[g].vconsole)
			ret = assign_vconsole(&c, (int)g, &out[g]);
	}
	if (!ret)
		ret = check_stage2(&c, out);
	return ret;
}
