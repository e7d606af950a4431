/*
 * fdt_addr.h - a node's reg entries as CPU addresses: read in the cells of the node's parent
 * and translated through the `ranges` of every bus above it (Devicetree Specification v0.4,
 * 2.3.8). The one translation the platform parser and device assignment both use. Reads the
 * blob only.
 */
#ifndef SKIFF_HYP_FDT_ADDR_H
#define SKIFF_HYP_FDT_ADDR_H

#include <stddef.h>

#include "hyp/plan/fdt_index.h"
#include "lib/range.h"

#define FDT_ADDR_PA_LIMIT (1ull << 52) /* the largest physical address space AArch64 has */

/* Where a translation failed: the node the message is about (the node asked for, or one of
 * the buses above it) and the message, which does not repeat that node's path. */
struct fdt_addr_err {
	int node;
	char msg[160];
};

/*
 * Entry i of node's reg as a CPU address in *out. ix (may be NULL) speeds up the walk to the
 * root. Returns 1; 0 when node has no reg or fewer than i + 1 entries; or -1 with *e filled:
 * a reg that is not whole entries, an entry that wraps or lies past 52 bits, #address-cells
 * or #size-cells other than 1 or 2 on the way, a bus with no ranges (its children are not
 * memory-mapped), or an address outside a bus's ranges.
 */
int fdt_addr_reg(const void *fdt, const struct fdt_index *ix, int node, int i,
		 struct plat_range *out, struct fdt_addr_err *e);

/*
 * Entry i of node's non-empty ranges: the window it opens, as a CPU address range in *out (the
 * parent side, translated up). 1; 0 when node has no ranges, an empty one, fewer than i + 1
 * entries or cells skiff does not read (child #address-cells 1 to 3, PCI's included;
 * #size-cells 1 or 2); -1 with *e filled when the translation fails.
 */
int fdt_addr_ranges(const void *fdt, const struct fdt_index *ix, int node, int i,
		    struct plat_range *out, struct fdt_addr_err *e);

/* The number of entries in node's reg (0 when absent), or -1 with *e filled. */
int fdt_addr_reg_count(const void *fdt, const struct fdt_index *ix, int node,
		       struct fdt_addr_err *e);

/* A range in the child address space of bus, translated to CPU addresses: 0, or -1. */
int fdt_addr_translate(const void *fdt, const struct fdt_index *ix, int bus, struct plat_range *r,
		       struct fdt_addr_err *e);

#endif
