/*
 * fdt_index.h - a read-only device tree's parent and phandle links, indexed once so that
 * walking up the tree or following a phandle is a lookup rather than libfdt's scan of the
 * whole blob (which made assigning QEMU virt's 40 devices cost tens of millions of
 * instructions). Falls back to libfdt when the tree has more nodes than the index holds.
 */
#ifndef SKIFF_HYP_FDT_INDEX_H
#define SKIFF_HYP_FDT_INDEX_H

#include <stdbool.h>
#include <stdint.h>

#define FDT_INDEX_MAX_NODES 1024 /* RK3399 boards: up to 560 */

struct fdt_index {
	const void *fdt;
	unsigned int count; /* 0 with complete == false: not indexed, libfdt is used */
	bool complete;
	int offset[FDT_INDEX_MAX_NODES]; /* ascending, as the blob holds them */
	int parent[FDT_INDEX_MAX_NODES];
	uint32_t phandle[FDT_INDEX_MAX_NODES];
};

/* Index fdt (which must stay unchanged while the index is used). */
void fdt_index_build(struct fdt_index *ix, const void *fdt);
/* As fdt_parent_offset() and fdt_node_offset_by_phandle(), from the index when it can. */
int fdt_index_parent(const struct fdt_index *ix, int node);
int fdt_index_by_phandle(const struct fdt_index *ix, uint32_t phandle);
/* True, with the two nodes' offsets, when two nodes of the tree have the same phandle. */
bool fdt_index_duplicate_phandle(const struct fdt_index *ix, int *first, int *second);

#endif
