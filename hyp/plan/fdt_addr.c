/*
 * fdt_addr.c - reg entries as CPU addresses: read in the parent's #address-cells and
 * #size-cells, then translated through each bus's `ranges` up to the root (Devicetree
 * Specification v0.4, 2.3.8: an empty ranges is identity; a bus without one is not
 * memory-mapped). Reads the blob only; errors are written into the caller's struct.
 */
#include <libfdt.h>
#include <stdarg.h>
#include <stdbool.h>

#include "hyp/plan/fdt_addr.h"
#include "hyp/plan/fdt_props.h"
#include "hyp/plan/fdt_struct.h"
#include "lib/printf.h"

#define PROP_REG "reg"
#define PROP_RANGES "ranges"
#define PROP_ADDRESS_CELLS "#address-cells"
#define PROP_SIZE_CELLS "#size-cells"

/* DT spec 2.3.5: what a client assumes when #address-cells / #size-cells are absent. */
#define DT_DEFAULT_ADDRESS_CELLS 2
#define DT_DEFAULT_SIZE_CELLS 1
#define CELL_BYTES 4u
#define PATH_MAX_LEN 128

static int __attribute__((format(printf, 3, 4)))
addr_fail(struct fdt_addr_err *e, int node, const char *fmt, ...)
{
	va_list ap;

	e->node = node;
	va_start(ap, fmt);
	fmt_vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static const char *path_of(const void *fdt, int node, char *buf)
{
	if (fdt_get_path(fdt, node, buf, PATH_MAX_LEN) < 0)
		fmt_snprintf(buf, PATH_MAX_LEN, "(node at offset %d)", node);
	return buf;
}

static int parent_of(const void *fdt, const struct fdt_index *ix, int node, struct fdt_addr_err *e)
{
	int up = ix ? fdt_index_parent(ix, node) : fdt_parent_offset(fdt, node);

	return up < 0 ? addr_fail(e, node, "parent: %s", fdt_struct_strerror(up)) : up;
}

/* #address-cells and #size-cells of node (for its children): 1 or 2 each, else fails. */
static int node_cells(const void *fdt, int node, uint32_t cells[2], struct fdt_addr_err *e)
{
	static const char *const names[2] = { PROP_ADDRESS_CELLS, PROP_SIZE_CELLS };
	int i;

	cells[0] = DT_DEFAULT_ADDRESS_CELLS;
	cells[1] = DT_DEFAULT_SIZE_CELLS;
	for (i = 0; i < 2; i++) {
		int len;
		const fdt32_t *v = fdt_getprop(fdt, node, names[i], &len);

		if (!v && len != -FDT_ERR_NOTFOUND)
			return addr_fail(e, node, "%s: %s", names[i], fdt_struct_strerror(len));
		if (v && len != (int)CELL_BYTES)
			return addr_fail(e, node, "%s is %d bytes, not 4", names[i], len);
		if (v)
			cells[i] = fdt32_ld(v);
		if (cells[i] < 1 || cells[i] > 2)
			return addr_fail(e, node, "%s %u is not supported (1 or 2)", names[i],
					 cells[i]);
	}
	return 0;
}

/* The entry of bus's non-empty ranges v (len bytes) that holds *r: r->base moved up. */
static int ranges_entry(const void *fdt, int bus, int up, const fdt32_t *v, int len,
			struct plat_range *r, int asked, struct fdt_addr_err *e)
{
	char path[PATH_MAX_LEN];
	uint32_t child_cells[2], parent_cells[2], n, entry, i;

	if (node_cells(fdt, bus, child_cells, e) || node_cells(fdt, up, parent_cells, e))
		return -1;
	n = child_cells[0] + parent_cells[0] + child_cells[1];
	entry = n * CELL_BYTES;
	if ((uint32_t)len % entry)
		return addr_fail(e, bus, "ranges is %d bytes, not a multiple of %u", len, entry);
	for (i = 0; i < (uint32_t)len / entry; i++, v += n) {
		uint64_t child = fdt_cells_read(v, child_cells[0]);
		uint64_t size =
			fdt_cells_read(v + child_cells[0] + parent_cells[0], child_cells[1]);

		if (r->base >= child && r->base - child <= size &&
		    r->size <= size - (r->base - child)) {
			r->base = fdt_cells_read(v + child_cells[0], parent_cells[0]) +
				  (r->base - child);
			return 0;
		}
	}
	return addr_fail(e, asked, "0x%llx+0x%llx is outside the ranges of %s",
			 (unsigned long long)r->base, (unsigned long long)r->size,
			 path_of(fdt, bus, path));
}

static int translate(const void *fdt, const struct fdt_index *ix, int bus, int asked,
		     struct plat_range *r, struct fdt_addr_err *e)
{
	char path[PATH_MAX_LEN];

	while (bus > 0) {
		const fdt32_t *v;
		int len, up = parent_of(fdt, ix, bus, e);

		if (up < 0)
			return -1;
		v = fdt_getprop(fdt, bus, PROP_RANGES, &len);
		if (!v && len == -FDT_ERR_NOTFOUND)
			return addr_fail(e, asked,
					 "bus %s has no ranges: its children are not memory-mapped",
					 path_of(fdt, bus, path));
		if (!v)
			return addr_fail(e, bus, "ranges: %s", fdt_struct_strerror(len));
		if (len && ranges_entry(fdt, bus, up, v, len, r, asked, e))
			return -1;
		bus = up;
	}
	return 0;
}

int fdt_addr_translate(const void *fdt, const struct fdt_index *ix, int bus, struct plat_range *r,
		       struct fdt_addr_err *e)
{
	return translate(fdt, ix, bus, bus, r, e);
}

/*
 * node's reg (ranges false), or the parent side of its ranges (true): *v, the parent, and an
 * entry's cells: c[0] to skip (ranges' child address: PCI's 3 cells too), c[1] address and
 * c[2] size. The entry count; 0 without the property (or, for ranges, with cells skiff does not
 * read); or -1.
 */
static int entries_of(const void *fdt, const struct fdt_index *ix, int node, bool ranges,
		      const fdt32_t **v, int *parent, uint32_t c[3], struct fdt_addr_err *e)
{
	const char *name = ranges ? PROP_RANGES : PROP_REG;
	uint32_t entry;
	int len;

	*v = fdt_getprop(fdt, node, name, &len);
	if (!*v)
		return len == -FDT_ERR_NOTFOUND
			       ? 0
			       : addr_fail(e, node, "%s: %s", name, fdt_struct_strerror(len));
	*parent = parent_of(fdt, ix, node, e);
	if (*parent < 0 || node_cells(fdt, *parent, c + 1, e))
		return -1;
	c[0] = 0;
	if (ranges) {
		c[0] = fdt_u32_or(fdt, node, PROP_ADDRESS_CELLS, DT_DEFAULT_ADDRESS_CELLS);
		c[2] = fdt_u32_or(fdt, node, PROP_SIZE_CELLS, DT_DEFAULT_SIZE_CELLS);
		if (c[0] - 1 > 2 || c[2] - 1 > 1)
			return 0;
	}
	entry = (c[0] + c[1] + c[2]) * CELL_BYTES;
	if ((uint32_t)len % entry)
		return addr_fail(e, node, "%s is %d bytes, not a multiple of %u", name, len, entry);
	return (int)((uint32_t)len / entry);
}

int fdt_addr_reg_count(const void *fdt, const struct fdt_index *ix, int node,
		       struct fdt_addr_err *e)
{
	const fdt32_t *v;
	uint32_t c[3];
	int parent;

	return entries_of(fdt, ix, node, false, &v, &parent, c, e);
}

/* Entry i of node's reg or ranges (entries_of()) as a CPU address range. */
static int addr_entry(const void *fdt, const struct fdt_index *ix, int node, bool ranges, int i,
		      struct plat_range *out, struct fdt_addr_err *e)
{
	const fdt32_t *v;
	uint32_t c[3];
	int parent, count = entries_of(fdt, ix, node, ranges, &v, &parent, c, e);

	if (count <= 0 || i < 0 || i >= count)
		return count < 0 ? -1 : 0;
	v += (uint32_t)i * (c[0] + c[1] + c[2]) + c[0];
	out->base = fdt_cells_read(v, c[1]);
	out->size = fdt_cells_read(v + c[1], c[2]);
	if (out->size && out->base + (out->size - 1) < out->base)
		return addr_fail(e, node, "reg %d: 0x%llx+0x%llx wraps around", i,
				 (unsigned long long)out->base, (unsigned long long)out->size);
	if (translate(fdt, ix, parent, node, out, e))
		return -1;
	if (out->size && out->base + (out->size - 1) >= FDT_ADDR_PA_LIMIT)
		return addr_fail(e, node,
				 "MMIO 0x%llx+0x%llx is beyond the 52-bit physical address space",
				 (unsigned long long)out->base, (unsigned long long)out->size);
	return 1;
}

int fdt_addr_reg(const void *fdt, const struct fdt_index *ix, int node, int i,
		 struct plat_range *out, struct fdt_addr_err *e)
{
	return addr_entry(fdt, ix, node, false, i, out, e);
}

int fdt_addr_ranges(const void *fdt, const struct fdt_index *ix, int node, int i,
		    struct plat_range *out, struct fdt_addr_err *e)
{
	return addr_entry(fdt, ix, node, true, i, out, e);
}
