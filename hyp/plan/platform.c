/*
 * platform.c - reads the platform facts skiff needs (memory, CPUs, GICv3, generic timer,
 * console (hyp/plan/console_dt.c), PSCI conduit, fw_cfg) out of the host's flattened device tree
 * with libfdt. Reads the blob only: never writes to it, touches no hardware, keeps no state beyond
 * the struct platform it fills. Every length and offset libfdt hands back is checked, so a
 * malformed blob gives a message, never an out-of-bounds read.
 *
 * Addresses are CPU addresses: reg is translated through the ranges of every bus above the
 * node (hyp/plan/fdt_addr.h), as for the devices assigned to guests.
 */
#include <libfdt.h>
#include <string.h>

#include "hyp/plan/platform.h"
#include "hyp/plan/fdt_addr.h"
#include "hyp/plan/fdt_struct.h"
#include "hyp/plan/fdt_props.h"
#include "lib/printf.h"

/* Property names (Devicetree Specification v0.4 and the bindings named beside them). */
#define PROP_ADDRESS_CELLS "#address-cells"
#define PROP_SIZE_CELLS "#size-cells"
#define PROP_COMPATIBLE "compatible"
#define PROP_DEVICE_TYPE "device_type"
#define PROP_STATUS "status"
#define PROP_REG "reg"
#define PROP_INTERRUPTS "interrupts"
#define PROP_INTERRUPT_PARENT "interrupt-parent"
#define PROP_INTERRUPT_CELLS "#interrupt-cells"
#define PROP_ENABLE_METHOD "enable-method"	     /* cpus.yaml */
#define PROP_CPU_RELEASE_ADDR "cpu-release-addr"     /* cpus.yaml */
#define PROP_REDIST_REGIONS "#redistributor-regions" /* arm,gic-v3.yaml */
#define PROP_REDIST_STRIDE "redistributor-stride"    /* arm,gic-v3.yaml */
#define PROP_METHOD "method"			     /* arm,psci.yaml */

#define PROP_NO_MAP "no-map" /* reserved-memory.yaml */

#define PATH_CPUS "/cpus"
#define PATH_RESERVED "/reserved-memory"

#define DEVICE_TYPE_MEMORY "memory"
#define DEVICE_TYPE_CPU "cpu"
#define ENABLE_METHOD_PSCI "psci"
#define ENABLE_METHOD_SPIN_TABLE "spin-table"
#define COMPAT_GIC_V3 "arm,gic-v3"
#define COMPAT_TIMER "arm,armv8-timer"
#define COMPAT_FW_CFG "qemu,fw-cfg-mmio"

/* DT spec 2.3.5: what a client assumes when #address-cells / #size-cells are absent. */
#define DT_DEFAULT_ADDRESS_CELLS 2
#define DT_DEFAULT_SIZE_CELLS 1

/* Interrupt specifier of the GIC bindings: <type number flags [ppi-partition]>. */
#define GIC_DT_TYPE_SPI 0
#define GIC_DT_TYPE_PPI 1
#define GIC_DT_MIN_CELLS 3
#define GIC_DT_MAX_CELLS 4
#define GIC_PPI_BASE 16
#define GIC_NR_PPI 16
#define GIC_SPI_BASE 32
#define GIC_NR_SPI 988 /* INTIDs 32..1019 */

#define GICR_STRIDE_ALIGN 0x10000ULL   /* redistributor-stride is a multiple of 64 KiB */
#define MPIDR_AFF_MASK 0xff00ffffffULL /* Aff3 [39:32], Aff2..Aff0 [23:0] */

#define FDT_ALIGN 8 /* the blob's alignment: libfdt's, and the arm64 boot protocol's */

#define PLAT_EFAIL (-1)

struct plat_ctx {
	const void *fdt;
	struct platform *p;
	char *err;
	size_t err_size;
	int cpu_node[PLAT_MAX_CPUS]; /* node of each cpu kept, to name it in messages */
	int gic_node;
	uint32_t gic_icells; /* #interrupt-cells of the GIC */
};

static const char *const gic_v3_compat[] = { COMPAT_GIC_V3, NULL };

/* GICv2 compatibles of arm64 boards (arm,gic.yaml), taken when there is no GICv3; one without
 * the Virtualization Extensions (no GICH and GICV in its reg) gets a clear no. The GICv1 ones
 * (arm,cortex-a9-gic, arm,pl390...) are 32-bit SoCs' and never have them. */
static const char *const gic_v2_compat[] = {
	"arm,gic-400", "arm,cortex-a15-gic", "arm,cortex-a7-gic", "qcom,msm-qgic2", NULL,
};

static const char *const timer_compat[] = { COMPAT_TIMER, NULL };
static const char *const psci_compat[] = { "arm,psci-1.0", "arm,psci-0.2", "arm,psci", NULL };
static const char *const fw_cfg_compat[] = { COMPAT_FW_CFG, NULL };

/* The node's full path for a message; a description of it when libfdt cannot give one. */
static void node_path(const void *fdt, int node, char *buf, size_t size)
{
	int ret = fdt_get_path(fdt, node, buf, (int)size);

	if (ret < 0)
		fmt_snprintf(buf, size, "(node at offset %d: %s)", node, fdt_struct_strerror(ret));
}

/* Writes "<path of node>: <message>" (no path when node < 0) and returns PLAT_EFAIL. */
static int __attribute__((format(printf, 3, 4)))
plat_fail(struct plat_ctx *c, int node, const char *fmt, ...)
{
	char path[PLAT_PATH_MAX];
	va_list ap;

	if (node >= 0)
		node_path(c->fdt, node, path, sizeof(path));
	va_start(ap, fmt);
	fmt_message(c->err, c->err_size, node >= 0 ? path : NULL, fmt, ap);
	va_end(ap);
	return PLAT_EFAIL;
}

/* A libfdt error met while reading what of node. */
static int fdt_fail(struct plat_ctx *c, int node, const char *what, int err)
{
	return plat_fail(c, node, "%s: %s", what, fdt_struct_strerror(err));
}

/* True if a property value of len bytes is exactly the string s. */
static bool prop_is(const char *v, int len, const char *s)
{
	return v && len >= 1 && (size_t)len == strlen(s) + 1 && !memcmp(v, s, (size_t)len);
}

/* The string property name of node in *s: 1 when present, 0 when absent, or fails. */
static int prop_string(struct plat_ctx *c, int node, const char *name, const char **s)
{
	int len;
	const char *v = fdt_getprop(c->fdt, node, name, &len);

	if (!v)
		return len == -FDT_ERR_NOTFOUND ? 0 : fdt_fail(c, node, name, len);
	if (!fdt_prop_is_string(v, len))
		return plat_fail(c, node, "%s is not a string", name);
	*s = v;
	return 1;
}

/* The one-cell property name of node in *out: 1 when present, 0 when absent, or fails. */
static int prop_u32(struct plat_ctx *c, int node, const char *name, uint32_t *out)
{
	int len;
	const fdt32_t *v = fdt_getprop(c->fdt, node, name, &len);

	if (!v)
		return len == -FDT_ERR_NOTFOUND ? 0 : fdt_fail(c, node, name, len);
	if (len != (int)sizeof(*v))
		return plat_fail(c, node, "%s is %d bytes, not 4", name, len);
	*out = fdt32_ld(v);
	return 1;
}

/* 1 if node's status is okay (or absent), 0 if anything else, or fails. */
static int node_enabled(struct plat_ctx *c, int node)
{
	int len;
	const char *v = fdt_getprop(c->fdt, node, PROP_STATUS, &len);

	if (!v)
		return len == -FDT_ERR_NOTFOUND ? 1 : fdt_fail(c, node, PROP_STATUS, len);
	return prop_is(v, len, "okay") || prop_is(v, len, "ok");
}

/* The first enabled node compatible with one of compats (in order): 1 and *out, 0, or fails. */
static int find_compatible(struct plat_ctx *c, const char *const *compats, int *out)
{
	for (; *compats; compats++) {
		int node;

		for (node = fdt_node_offset_by_compatible(c->fdt, -1, *compats); node >= 0;
		     node = fdt_node_offset_by_compatible(c->fdt, node, *compats)) {
			int ret = node_enabled(c, node);

			if (ret < 0)
				return ret;
			if (ret) {
				*out = node;
				return 1;
			}
		}
		if (node != -FDT_ERR_NOTFOUND)
			return fdt_fail(c, -1, *compats, node);
	}
	return 0;
}

/* #address-cells and #size-cells of node, for its children; DT spec defaults when absent. */
static int node_cells(struct plat_ctx *c, int node, uint32_t *ac, uint32_t *sc)
{
	int ret;

	*ac = DT_DEFAULT_ADDRESS_CELLS;
	*sc = DT_DEFAULT_SIZE_CELLS;
	ret = prop_u32(c, node, PROP_ADDRESS_CELLS, ac);
	if (ret < 0)
		return ret;
	ret = prop_u32(c, node, PROP_SIZE_CELLS, sc);
	return ret < 0 ? ret : 0;
}

/* Entry i of node's reg as a CPU address (hyp/plan/fdt_addr.h): 1, 0 when absent, or fails. */
static int reg_at(struct plat_ctx *c, int node, int i, struct plat_range *out)
{
	struct fdt_addr_err e;
	int ret = fdt_addr_reg(c->fdt, NULL, node, i, out, &e);

	return ret < 0 ? plat_fail(c, e.node, "%s", e.msg) : ret;
}

/* The number of entries in node's reg, which must have at least one. */
static int reg_count(struct plat_ctx *c, int node)
{
	struct fdt_addr_err e;
	int ret = fdt_addr_reg_count(c->fdt, NULL, node, &e);

	if (ret < 0)
		return plat_fail(c, e.node, "%s", e.msg);
	if (!ret)
		return plat_fail(c, node,
				 fdt_getprop(c->fdt, node, PROP_REG, NULL) ? "reg is empty"
									   : "no reg property");
	return ret;
}

/* The first reg entry of node, which must have one. */
static int reg_first(struct plat_ctx *c, int node, struct plat_range *out)
{
	int ret = reg_count(c, node);

	return ret < 0 ? ret : reg_at(c, node, 0, out) < 0 ? PLAT_EFAIL : 0;
}

/*
 * The interrupt parent of node (interrupt-parent of the node or its nearest ancestor that
 * has one) in *out, or -1 when no node on the way up names one.
 */
static int interrupt_parent(struct plat_ctx *c, int node, int *out)
{
	*out = -1;
	while (node >= 0) {
		uint32_t phandle;
		int ret = prop_u32(c, node, PROP_INTERRUPT_PARENT, &phandle);

		if (ret < 0)
			return ret;
		if (ret) {
			*out = fdt_node_offset_by_phandle(c->fdt, phandle);
			if (*out < 0)
				return plat_fail(c, node, "interrupt-parent 0x%x names no node",
						 phandle);
			return 0;
		}
		if (node == 0)
			break;
		node = fdt_parent_offset(c->fdt, node);
		if (node < 0)
			return fdt_fail(c, -1, "parent", node);
	}
	return 0;
}

/* node's interrupts property, as specifiers of the GIC's #interrupt-cells. */
static int irq_prop(struct plat_ctx *c, int node, const fdt32_t **spec, int *count)
{
	uint32_t spec_bytes = c->gic_icells * (uint32_t)sizeof(fdt32_t);
	int len;

	*spec = fdt_getprop(c->fdt, node, PROP_INTERRUPTS, &len);
	if (!*spec) {
		if (len == -FDT_ERR_NOTFOUND)
			return plat_fail(c, node, "no interrupts property");
		return fdt_fail(c, node, PROP_INTERRUPTS, len);
	}
	if (len == 0 || (uint32_t)len % spec_bytes)
		return plat_fail(c, node, "interrupts is %d bytes, not a multiple of %u (%s %u)",
				 len, spec_bytes, PROP_INTERRUPT_CELLS, c->gic_icells);
	*count = (int)((uint32_t)len / spec_bytes);
	return 0;
}

/* The INTID of interrupt specifier i of node: SPI n is 32 + n, PPI n is 16 + n. */
static int irq_intid(struct plat_ctx *c, int node, const fdt32_t *spec, int i, unsigned int *intid)
{
	const fdt32_t *s = spec + (uint32_t)i * c->gic_icells;
	uint32_t type = fdt32_ld(&s[0]);
	uint32_t num = fdt32_ld(&s[1]);

	switch (type) {
	case GIC_DT_TYPE_SPI:
		if (num >= GIC_NR_SPI)
			return plat_fail(c, node, "interrupt %d: SPI %u is out of range", i, num);
		*intid = GIC_SPI_BASE + num;
		return 0;
	case GIC_DT_TYPE_PPI:
		if (num >= GIC_NR_PPI)
			return plat_fail(c, node, "interrupt %d: PPI %u is out of range", i, num);
		*intid = GIC_PPI_BASE + num;
		return 0;
	default:
		return plat_fail(c, node, "interrupt %d: type %u is neither SPI (0) nor PPI (1)", i,
				 type);
	}
}

/* Interrupts of node must go to the GIC found (or to no named parent at all). */
static int check_irq_parent(struct plat_ctx *c, int node)
{
	char gic[PLAT_PATH_MAX];
	int parent, ret;

	ret = interrupt_parent(c, node, &parent);
	if (ret < 0)
		return ret;
	if (parent < 0 || parent == c->gic_node)
		return 0;
	node_path(c->fdt, c->gic_node, gic, sizeof(gic));
	return plat_fail(c, node, "interrupt parent is not the GIC %s", gic);
}

/* A bank described twice would be given to two guests as two different pieces of RAM. */
static int bank_overlaps(struct plat_ctx *c, int node, const struct plat_range *bank)
{
	unsigned int i;

	for (i = 0; i < c->p->mem_count; i++) {
		const struct plat_range *o = &c->p->mem[i];

		if (bank->base <= o->base + (o->size - 1) &&
		    o->base <= bank->base + (bank->size - 1))
			return plat_fail(c, node, "bank 0x%llx+0x%llx overlaps bank 0x%llx+0x%llx",
					 (unsigned long long)bank->base,
					 (unsigned long long)bank->size,
					 (unsigned long long)o->base, (unsigned long long)o->size);
	}
	return 0;
}

static int parse_memory(struct plat_ctx *c)
{
	struct platform *p = c->p;
	bool found = false;
	int node;

	for (node = fdt_node_offset_by_prop_value(c->fdt, -1, PROP_DEVICE_TYPE, DEVICE_TYPE_MEMORY,
						  sizeof(DEVICE_TYPE_MEMORY));
	     node >= 0;
	     node = fdt_node_offset_by_prop_value(c->fdt, node, PROP_DEVICE_TYPE,
						  DEVICE_TYPE_MEMORY, sizeof(DEVICE_TYPE_MEMORY))) {
		int i, count, ret;

		/* RAM is described at the root (devicetree spec 3.4); a node typed "memory" inside
		 * a device is that device's business, not the machine's RAM */
		if (fdt_parent_offset(c->fdt, node) != 0)
			continue;
		ret = node_enabled(c, node);
		if (ret < 0)
			return ret;
		if (!ret)
			continue;
		found = true;
		count = reg_count(c, node);
		if (count < 0)
			return count;
		for (i = 0; i < count; i++) {
			struct plat_range bank;

			if (reg_at(c, node, i, &bank) < 0)
				return PLAT_EFAIL;
			if (!bank.size)
				continue;
			if (p->mem_count == PLAT_MAX_MEM)
				return plat_fail(c, node, "more than %d memory banks",
						 PLAT_MAX_MEM);
			ret = bank_overlaps(c, node, &bank);
			if (ret < 0)
				return ret;
			p->mem[p->mem_count++] = bank;
		}
	}
	if (node != -FDT_ERR_NOTFOUND)
		return fdt_fail(c, -1, "memory nodes", node);
	if (!found)
		return plat_fail(c, -1, "no memory node");
	if (!p->mem_count)
		return plat_fail(c, -1, "no memory: every memory bank has size 0");
	return 0;
}

static int add_resv(struct plat_ctx *c, int node, struct plat_range r, bool no_map)
{
	struct platform *p = c->p;

	if (!r.size)
		return 0;
	if (r.base + (r.size - 1) < r.base)
		return plat_fail(c, node, "reserved 0x%llx+0x%llx wraps around",
				 (unsigned long long)r.base, (unsigned long long)r.size);
	if (p->resv_count == PLAT_MAX_RESV)
		return plat_fail(c, node, "more than %d reserved memory regions", PLAT_MAX_RESV);
	p->resv[p->resv_count].r = r;
	p->resv[p->resv_count].no_map = no_map;
	p->resv[p->resv_count++].node = node;
	return 0;
}

/*
 * The memory the firmware keeps: /memreserve/ entries and the static regions (with reg) of
 * /reserved-memory (reserved-memory.yaml). Regions given by size alone are placed by the OS,
 * and a disabled region is not reserved.
 */
static int parse_reserved(struct plat_ctx *c)
{
	int i, n = fdt_num_mem_rsv(c->fdt), rm, node, ret;

	if (n < 0)
		return fdt_fail(c, -1, "/memreserve/", n);
	for (i = 0; i < n; i++) {
		struct plat_range r;

		ret = fdt_get_mem_rsv(c->fdt, i, &r.base, &r.size);
		if (ret < 0)
			return fdt_fail(c, -1, "/memreserve/", ret);
		if (add_resv(c, -1, r, true) < 0)
			return PLAT_EFAIL;
	}
	rm = fdt_path_offset(c->fdt, PATH_RESERVED);
	if (rm == -FDT_ERR_NOTFOUND)
		return 0;
	if (rm < 0)
		return fdt_fail(c, -1, PATH_RESERVED, rm);
	fdt_for_each_subnode(node, c->fdt, rm)
	{
		bool no_map;
		struct plat_range r;

		ret = node_enabled(c, node);
		if (ret <= 0) {
			if (ret < 0)
				return ret;
			continue;
		}
		no_map = fdt_getprop(c->fdt, node, PROP_NO_MAP, NULL) != NULL;
		for (i = 0; (ret = reg_at(c, node, i, &r)) > 0; i++)
			if (add_resv(c, node, r, no_map) < 0)
				return PLAT_EFAIL;
		if (ret < 0)
			return ret;
	}
	if (node != -FDT_ERR_NOTFOUND)
		return fdt_fail(c, rm, "subnodes", node);
	return 0;
}

static bool overlaps(const struct plat_range *a, const struct plat_range *b)
{
	return a->size && b->size && (a->base - b->base < b->size || b->base - a->base < a->size);
}

/* The console's registers are neither RAM nor the GIC's: a tree that says so is wrong, and
 * skiff would write its lines there. */
static int check_console(struct plat_ctx *c)
{
	const struct platform *p = c->p;
	const struct plat_range *r = &p->con.reg;
	unsigned int i;

	if (p->con.uart.kind == UART_NONE)
		return 0;
	for (i = 0; i < p->mem_count; i++)
		if (overlaps(r, &p->mem[i]))
			return plat_fail(
				c, p->con.node,
				"console registers 0x%llx+0x%llx overlap RAM 0x%llx+0x%llx",
				(unsigned long long)r->base, (unsigned long long)r->size,
				(unsigned long long)p->mem[i].base,
				(unsigned long long)p->mem[i].size);
	for (i = 0; i < PLAT_GICV2_REGS + PLAT_MAX_GICR; i++) {
		const struct plat_range *g = i >= PLAT_GICV2_REGS ? &p->gicr[i - PLAT_GICV2_REGS]
					     : i == 0		  ? &p->gicd
					     : i == 1		  ? &p->gicc
					     : i == 2		  ? &p->gich
								  : &p->gicv;

		if (g->size && overlaps(r, g))
			return plat_fail(c, p->con.node,
					 "console registers 0x%llx+0x%llx overlap the GIC's",
					 (unsigned long long)r->base, (unsigned long long)r->size);
	}
	return 0;
}

/*
 * A spin-table release address is kept from every guest like no-map memory (its page): a cpu
 * still in the firmware's pen (one skiff ignores, or one that never came up) jumps wherever
 * that word says, at EL2, so no guest may write it, no guest image be loaded over it, and
 * skiff not be placed over it.
 */
static int reserve_release(struct plat_ctx *c, int node, uint64_t addr)
{
	const struct platform *p = c->p;
	struct plat_range page = { addr & ~(uint64_t)(PLAT_PAGE - 1), PLAT_PAGE };
	unsigned int i;

	for (i = 0; i < p->resv_count; i++)
		if (p->resv[i].no_map && p->resv[i].r.base <= page.base &&
		    page.base - p->resv[i].r.base < p->resv[i].r.size &&
		    p->resv[i].r.size - (page.base - p->resv[i].r.base) >= PLAT_PAGE)
			return 0;
	return add_resv(c, node, page, true);
}

/*
 * A spin-table cpu's cpu-release-addr: 8 bytes (a 64-bit address), where the cpu waits for
 * its entry. skiff writes there with its MMU on, so it must lie in a RAM bank (skiff maps
 * them all, /memreserve/ regions included) and be 8-byte aligned (the cpu reads it with its
 * MMU off, as Device memory).
 */
static int parse_release_addr(struct plat_ctx *c, int node, struct plat_cpu *cpu)
{
	const struct platform *p = c->p;
	const fdt32_t *v;
	unsigned int i;
	int len;

	v = fdt_getprop(c->fdt, node, PROP_CPU_RELEASE_ADDR, &len);
	if (!v)
		return plat_fail(c, node,
				 "enable-method \"" ENABLE_METHOD_SPIN_TABLE
				 "\" without " PROP_CPU_RELEASE_ADDR);
	if (len != (int)sizeof(uint64_t))
		return plat_fail(c, node, PROP_CPU_RELEASE_ADDR " is %d bytes, not 8", len);
	cpu->release_addr = fdt_cells_read(v, 2);
	cpu->enable_method = PLAT_ENABLE_SPIN_TABLE;
	for (i = 0; i < p->mem_count && cpu->release_addr % sizeof(uint64_t) == 0; i++) {
		uint64_t off = cpu->release_addr - p->mem[i].base;

		if (cpu->release_addr >= p->mem[i].base && off < p->mem[i].size &&
		    p->mem[i].size - off >= sizeof(uint64_t))
			return reserve_release(c, node, cpu->release_addr);
	}
	return plat_fail(c, node,
			 PROP_CPU_RELEASE_ADDR " 0x%llx is not an 8-byte aligned address in RAM",
			 (unsigned long long)cpu->release_addr);
}

/* One cpu node: its MPIDR (checked against those kept so far), kept or counted as ignored. */
static int parse_cpu(struct plat_ctx *c, int node, uint32_t ac)
{
	struct platform *p = c->p;
	const fdt32_t *reg;
	struct plat_cpu *cpu;
	const char *method;
	uint64_t mpidr;
	unsigned int i;
	int len;

	reg = fdt_getprop(c->fdt, node, PROP_REG, &len);
	if (!reg) {
		if (len == -FDT_ERR_NOTFOUND)
			return plat_fail(c, node, "no reg property");
		return fdt_fail(c, node, PROP_REG, len);
	}
	if (len != (int)(ac * sizeof(fdt32_t)))
		return plat_fail(c, node, "reg is %d bytes, not %u (%s %u)", len,
				 ac * (uint32_t)sizeof(fdt32_t), PROP_ADDRESS_CELLS, ac);
	mpidr = fdt_cells_read(reg, ac) & MPIDR_AFF_MASK;

	for (i = 0; i < p->cpu_count; i++) {
		char other[PLAT_PATH_MAX];

		if (p->cpu[i].mpidr != mpidr)
			continue;
		node_path(c->fdt, c->cpu_node[i], other, sizeof(other));
		return plat_fail(c, node, "MPIDR 0x%llx already used by %s",
				 (unsigned long long)mpidr, other);
	}
	if (p->cpu_count == PLAT_MAX_CPUS) {
		struct plat_cpu ignored;

		/* never started, but its release address is kept from guests all the same */
		p->cpus_ignored++;
		method = fdt_getprop(c->fdt, node, PROP_ENABLE_METHOD, &len);
		if (method && fdt_stringlist_contains(method, len, ENABLE_METHOD_SPIN_TABLE))
			return parse_release_addr(c, node, &ignored);
		return 0;
	}

	cpu = &p->cpu[p->cpu_count];
	c->cpu_node[p->cpu_count] = node;
	cpu->node = node;
	cpu->mpidr = mpidr;
	method = fdt_getprop(c->fdt, node, PROP_ENABLE_METHOD, &len);
	if (!method && len != -FDT_ERR_NOTFOUND)
		return fdt_fail(c, node, PROP_ENABLE_METHOD, len);
	if (method && fdt_stringlist_contains(method, len, ENABLE_METHOD_PSCI))
		cpu->enable_method = PLAT_ENABLE_PSCI;
	else if (method && fdt_stringlist_contains(method, len, ENABLE_METHOD_SPIN_TABLE) &&
		 parse_release_addr(c, node, cpu) < 0)
		return PLAT_EFAIL;
	p->cpu_count++;
	return 0;
}

/*
 * Children of /cpus with device_type "cpu" and status okay. MPIDRs are checked for
 * duplicates against the cpus kept (the first PLAT_MAX_CPUS); duplicates among the cpus
 * ignored beyond those are not looked for, since skiff never touches them.
 */
static int parse_cpus(struct plat_ctx *c)
{
	uint32_t ac, sc;
	int cpus, node, ret;

	cpus = fdt_path_offset(c->fdt, PATH_CPUS);
	if (cpus == -FDT_ERR_NOTFOUND)
		return plat_fail(c, -1, "no %s node", PATH_CPUS);
	if (cpus < 0)
		return fdt_fail(c, -1, PATH_CPUS, cpus);
	ret = node_cells(c, cpus, &ac, &sc);
	if (ret < 0)
		return ret;
	if (ac < 1 || ac > 2)
		return plat_fail(c, cpus, "#address-cells %u is not supported (1 or 2)", ac);

	for (node = fdt_first_subnode(c->fdt, cpus); node >= 0;
	     node = fdt_next_subnode(c->fdt, node)) {
		int len;
		const char *type = fdt_getprop(c->fdt, node, PROP_DEVICE_TYPE, &len);

		if (!prop_is(type, len, DEVICE_TYPE_CPU))
			continue;
		ret = node_enabled(c, node);
		if (ret < 0)
			return ret;
		if (!ret)
			continue;
		ret = parse_cpu(c, node, ac);
		if (ret < 0)
			return ret;
	}
	if (node != -FDT_ERR_NOTFOUND)
		return fdt_fail(c, cpus, "subnodes", node);
	if (!c->p->cpu_count)
		return plat_fail(c, cpus, "no cpu nodes");
	return 0;
}

/* No enabled GIC node: say what there is instead. */
static int gic_missing(struct plat_ctx *c)
{
	const char *compat;
	int node, len, ret;

	/* Not a GIC we know; perhaps the root names some other interrupt controller. */
	ret = interrupt_parent(c, 0, &node);
	if (ret < 0)
		return ret;
	if (node < 0)
		return plat_fail(c, -1,
				 "no interrupt controller (no node compatible \"%s\" or \"%s\")",
				 COMPAT_GIC_V3, gic_v2_compat[0]);
	compat = fdt_stringlist_get(c->fdt, node, PROP_COMPATIBLE, 0, &len);
	if (!compat) {
		compat = "";
		len = 0;
	}
	ret = node_enabled(c, node);
	if (ret < 0)
		return ret;
	if (!len)
		return plat_fail(c, node, "interrupt controller is %s (no compatible)",
				 ret ? "not a GIC" : "disabled");
	return plat_fail(c, node, "interrupt controller is %s (compatible \"%.*s\")",
			 ret ? "not a GIC" : "disabled", len, compat);
}

/* The redistributor-stride property: 0 when absent, else a multiple of 64 KiB. */
static int parse_gicr_stride(struct plat_ctx *c, int node)
{
	const fdt32_t *v;
	uint64_t stride;
	int len;

	v = fdt_getprop(c->fdt, node, PROP_REDIST_STRIDE, &len);
	if (!v)
		return len == -FDT_ERR_NOTFOUND ? 0 : fdt_fail(c, node, PROP_REDIST_STRIDE, len);
	if (len != 4 && len != 8)
		return plat_fail(c, node, "%s is %d bytes, not 4 or 8", PROP_REDIST_STRIDE, len);
	stride = fdt_cells_read(v, (uint32_t)len / sizeof(fdt32_t));
	if (stride % GICR_STRIDE_ALIGN)
		return plat_fail(c, node, "%s 0x%llx is not a multiple of 64 KiB",
				 PROP_REDIST_STRIDE, (unsigned long long)stride);
	c->p->gicr_stride = stride;
	return 0;
}

/* A GICv3's reg: GICD, then #redistributor-regions GICR regions. */
static int parse_gicv3_regs(struct plat_ctx *c, int node)
{
	struct platform *p = c->p;
	uint32_t nr_redist = 1;
	int ret, nr_reg;
	unsigned int i;

	nr_reg = reg_count(c, node);
	if (nr_reg < 0)
		return nr_reg;
	ret = prop_u32(c, node, PROP_REDIST_REGIONS, &nr_redist);
	if (ret < 0)
		return ret;
	if (nr_redist < 1 || nr_redist > PLAT_MAX_GICR)
		return plat_fail(c, node, "%s %u is not supported (1 to %d)", PROP_REDIST_REGIONS,
				 nr_redist, PLAT_MAX_GICR);
	if ((uint32_t)nr_reg < 1 + nr_redist)
		return plat_fail(c, node, "reg has %d entr%s, need %u (GICD + %u GICR)", nr_reg,
				 nr_reg == 1 ? "y" : "ies", 1 + nr_redist, nr_redist);
	ret = reg_at(c, node, 0, &p->gicd);
	for (i = 0; ret > 0 && i < nr_redist; i++)
		ret = reg_at(c, node, (int)i + 1, &p->gicr[i]);
	if (ret < 0)
		return ret;
	p->gicr_count = nr_redist;
	return parse_gicr_stride(c, node);
}

/*
 * A GICv2's reg (arm,gic.yaml): GICD, GICC, then GICH and GICV, which only a GIC with the
 * Virtualization Extensions has and skiff needs. GICC and GICV hold two 4 KiB pages (8 KiB),
 * or two 64 KiB-aliased ones (128 KiB).
 */
static int parse_gicv2_regs(struct plat_ctx *c, int node)
{
	struct platform *p = c->p;
	struct plat_range *r[PLAT_GICV2_REGS] = { &p->gicd, &p->gicc, &p->gich, &p->gicv };
	int nr_reg, i;

	nr_reg = reg_count(c, node);
	if (nr_reg < 0)
		return nr_reg;
	if (nr_reg < PLAT_GICV2_REGS)
		return plat_fail(
			c, node,
			"reg has %d entr%s, need %d (GICD, GICC, GICH, GICV): a GIC without "
			"the Virtualization Extensions",
			nr_reg, nr_reg == 1 ? "y" : "ies", PLAT_GICV2_REGS);
	for (i = 0; i < PLAT_GICV2_REGS; i++) {
		int ret = reg_at(c, node, i, r[i]);

		if (ret < 0)
			return ret;
	}
	if (p->gicc.size < 2 * PLAT_PAGE || p->gicv.size < 2 * PLAT_PAGE || !p->gich.size ||
	    !p->gicd.size)
		return plat_fail(c, node, "reg: GICC 0x%llx and GICV 0x%llx must be 8 KiB or more",
				 (unsigned long long)p->gicc.size,
				 (unsigned long long)p->gicv.size);
	p->gic_version = 2;
	return 0;
}

static int parse_gic(struct plat_ctx *c)
{
	struct platform *p = c->p;
	const fdt32_t *spec;
	uint32_t phandle;
	int node, ret, count;

	ret = find_compatible(c, gic_v3_compat, &node);
	if (ret < 0)
		return ret;
	if (ret) {
		p->gic_version = 3;
	} else {
		ret = find_compatible(c, gic_v2_compat, &node);
		if (ret < 0)
			return ret;
		if (!ret)
			return gic_missing(c);
	}
	c->gic_node = node;
	p->gic_node = node;
	ret = p->gic_version == 3 ? parse_gicv3_regs(c, node) : parse_gicv2_regs(c, node);
	if (ret < 0)
		return ret;

	phandle = fdt_get_phandle(c->fdt, node);
	if (phandle > (uint32_t)INT32_MAX)
		return plat_fail(c, node, "phandle 0x%x is out of range", phandle);
	p->gic_phandle = phandle ? (int)phandle : -1;

	ret = prop_u32(c, node, PROP_INTERRUPT_CELLS, &c->gic_icells);
	if (ret < 0)
		return ret;
	if (!ret)
		return plat_fail(c, node, "no %s property", PROP_INTERRUPT_CELLS);
	if (c->gic_icells < GIC_DT_MIN_CELLS || c->gic_icells > GIC_DT_MAX_CELLS)
		return plat_fail(c, node, "%s %u is not supported (3 or 4)", PROP_INTERRUPT_CELLS,
				 c->gic_icells);

	/* The maintenance interrupt is the GIC's own interrupts property (arm,gic-v3.yaml). */
	if (!fdt_getprop(c->fdt, node, PROP_INTERRUPTS, NULL))
		return plat_fail(c, node, "no maintenance interrupt (no interrupts property)");
	ret = irq_prop(c, node, &spec, &count);
	if (ret < 0)
		return ret;
	return irq_intid(c, node, spec, 0, &p->gic_maint_intid);
}

static int parse_timer(struct plat_ctx *c)
{
	const fdt32_t *spec;
	int node, ret, count, i;

	ret = find_compatible(c, timer_compat, &node);
	if (ret < 0)
		return ret;
	if (!ret)
		return plat_fail(c, -1, "no timer node (compatible \"%s\")", COMPAT_TIMER);
	c->p->timer_node = node;
	ret = check_irq_parent(c, node);
	if (ret < 0)
		return ret;
	ret = irq_prop(c, node, &spec, &count);
	if (ret < 0)
		return ret;
	if (count < PLAT_TIMER_COUNT)
		return plat_fail(c, node, "interrupts has %d specifier%s, need %d", count,
				 count == 1 ? "" : "s", PLAT_TIMER_COUNT);
	for (i = 0; i < PLAT_TIMER_COUNT; i++) {
		ret = irq_intid(c, node, spec, i, &c->p->timer_intid[i]);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int parse_psci(struct plat_ctx *c)
{
	const char *method = NULL;
	int node, ret;

	ret = find_compatible(c, psci_compat, &node);
	if (ret <= 0)
		return ret;
	ret = prop_string(c, node, PROP_METHOD, &method);
	if (ret < 0)
		return ret;
	if (!ret)
		return plat_fail(c, node, "no %s property", PROP_METHOD);
	if (!strcmp(method, "smc"))
		c->p->psci = PLAT_PSCI_SMC;
	else if (!strcmp(method, "hvc"))
		c->p->psci = PLAT_PSCI_HVC;
	else
		return plat_fail(c, node, "method \"%s\" is neither \"smc\" nor \"hvc\"", method);
	return 0;
}

static int parse_fw_cfg(struct plat_ctx *c)
{
	int node, ret;

	ret = find_compatible(c, fw_cfg_compat, &node);
	if (ret <= 0)
		return ret;
	ret = reg_first(c, node, &c->p->fw_cfg);
	if (ret < 0)
		return ret;
	c->p->has_fw_cfg = true;
	return 0;
}

int plat_parse_buf(const void *fdt, size_t buf_size, struct platform *p, char *err, size_t err_size)
{
	struct plat_ctx c = {
		.fdt = fdt,
		.p = p,
		.err = err,
		.err_size = err_size,
		.gic_node = -1,
	};
	uint32_t at;
	int ret;

	if (err && err_size)
		err[0] = '\0';
	if (!fdt)
		return plat_fail(&c, -1, "no device tree");
	if (!p)
		return plat_fail(&c, -1, "no struct platform to fill");
	memset(p, 0, sizeof(*p));
	p->gic_phandle = -1;
	p->gic_node = -1;
	p->timer_node = -1;
	p->con.node = -1;

	/* libfdt wants 8 (and says so with an error its fdt_strerror cannot name). */
	if ((uintptr_t)fdt % FDT_ALIGN)
		return plat_fail(&c, -1, "device tree: address 0x%lx is not %d-byte aligned",
				 (unsigned long)(uintptr_t)fdt, FDT_ALIGN);
	if (buf_size < sizeof(struct fdt_header))
		return plat_fail(&c, -1, "device tree: %zu bytes, smaller than its header",
				 buf_size);
	ret = fdt_check_header(fdt);
	if (ret)
		return plat_fail(&c, -1, "device tree header: %s", fdt_struct_strerror(ret));
	if (fdt_totalsize(fdt) > buf_size)
		return plat_fail(&c, -1, "device tree: totalsize %u is larger than its %zu bytes",
				 fdt_totalsize(fdt), buf_size);
	ret = fdt_struct_check(fdt, &at);
	if (ret == -FDT_ERR_BADVERSION)
		return plat_fail(&c, -1, "device tree version %u: skiff reads version %d and later",
				 fdt_version(fdt), FDT_STRUCT_MIN_VERSION);
	if (ret)
		return plat_fail(&c, -1, "device tree structure: %s at structure offset 0x%x",
				 fdt_struct_strerror(ret), at);
	ret = fdt_struct_check_full(fdt);
	if (ret)
		return plat_fail(&c, -1, "device tree structure: %s", fdt_struct_strerror(ret));

	ret = parse_memory(&c);
	if (!ret)
		ret = parse_reserved(&c);
	if (!ret)
		ret = parse_cpus(&c);
	if (!ret)
		ret = parse_gic(&c);
	if (!ret)
		ret = parse_timer(&c);
	if (!ret) {
		console_dt_find(fdt, &p->con);
		ret = check_console(&c);
	}
	if (!ret)
		ret = parse_psci(&c);
	if (!ret)
		ret = parse_fw_cfg(&c);
	return ret;
}

int plat_parse(const void *fdt, struct platform *p, char *err, size_t err_size)
{
	return plat_parse_buf(fdt, SIZE_MAX, p, err, err_size);
}

int plat_cpu_index(const struct platform *p, uint64_t mpidr)
{
	unsigned int i;

	mpidr &= MPIDR_AFF_MASK;
	for (i = 0; i < p->cpu_count && i < PLAT_MAX_CPUS; i++)
		if (p->cpu[i].mpidr == mpidr)
			return (int)i;
	return -1;
}
