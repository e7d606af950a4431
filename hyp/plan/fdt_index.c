/*
 * fdt_index.c - one pass over a device tree recording each node's parent and phandle, then
 * binary search by node offset, and a check that no two nodes share a phandle. Reads the blob
 * only.
 */
#include "hyp/plan/fdt_index.h"

#include <libfdt.h>

#define FDT_MAX_DEPTH 32

void fdt_index_build(struct fdt_index *ix, const void *fdt)
{
	int stack[FDT_MAX_DEPTH];
	int depth = 0, node;

	ix->fdt = fdt;
	ix->count = 0;
	ix->complete = false;
	for (node = fdt_next_node(fdt, -1, &depth); node >= 0;
	     node = fdt_next_node(fdt, node, &depth)) {
		if (depth < 0 || depth >= FDT_MAX_DEPTH || ix->count == FDT_INDEX_MAX_NODES) {
			ix->count = 0; /* too big or too deep: libfdt's own walks instead */
			return;
		}
		stack[depth] = node;
		ix->offset[ix->count] = node;
		ix->parent[ix->count] = depth ? stack[depth - 1] : -FDT_ERR_NOTFOUND;
		ix->phandle[ix->count] = fdt_get_phandle(fdt, node);
		ix->count++;
	}
	ix->complete = node == -FDT_ERR_NOTFOUND;
	if (!ix->complete)
		ix->count = 0;
}

static int find(const struct fdt_index *ix, int node)
{
	unsigned int lo = 0, hi = ix->count;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (ix->offset[mid] == node)
			return (int)mid;
		if (ix->offset[mid] < node)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

int fdt_index_parent(const struct fdt_index *ix, int node)
{
	int i = ix->complete ? find(ix, node) : -1;

	return i >= 0 ? ix->parent[i] : fdt_parent_offset(ix->fdt, node);
}

int fdt_index_by_phandle(const struct fdt_index *ix, uint32_t phandle)
{
	unsigned int i;

	if (!ix->complete || phandle == 0 || phandle == ~0u)
		return fdt_node_offset_by_phandle(ix->fdt, phandle);
	for (i = 0; i < ix->count; i++)
		if (ix->phandle[i] == phandle)
			return ix->offset[i];
	return -FDT_ERR_NOTFOUND;
}

/*
 * A phandle names one node (Devicetree Specification, "phandle"); dtc refuses a tree where two
 * nodes share one, but a boot loader's edits can make such a tree. skiff follows phandles to a
 * device's interrupt controller, so a shared phandle would let it read the wrong node.
 */
static bool indexed_duplicate(const struct fdt_index *ix, int *first, int *second)
{
	unsigned int i, j;

	for (i = 1; i < ix->count; i++) {
		if (ix->phandle[i] == 0 || ix->phandle[i] == ~0u)
			continue;
		for (j = 0; j < i; j++) {
			if (ix->phandle[j] == ix->phandle[i]) {
				*first = ix->offset[j];
				*second = ix->offset[i];
				return true;
			}
		}
	}
	return false;
}

bool fdt_index_duplicate_phandle(const struct fdt_index *ix, int *first, int *second)
{
	int node, depth = 0;

	if (ix->complete)
		return indexed_duplicate(ix, first, second);
	/* Not indexed: a node whose phandle libfdt finds first elsewhere shares it. */
	for (node = fdt_next_node(ix->fdt, -1, &depth); node >= 0;
	     node = fdt_next_node(ix->fdt, node, &depth)) {
		uint32_t phandle = fdt_get_phandle(ix->fdt, node);
		int found;

		if (phandle == 0 || phandle == ~0u)
			continue;
		found = fdt_node_offset_by_phandle(ix->fdt, phandle);
		if (found != node) {
			*first = found;
			*second = node;
			return true;
		}
	}
	return false;
}
