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
#define PHANDLE_CHECK_MAX 4096 /* nodes with a phandle the sorted check holds */

struct ph_node {
	uint32_t phandle;
	int node;
};

static struct ph_node ph_nodes[PHANDLE_CHECK_MAX]; /* boot-time scratch: one caller at a time */

static bool ph_before(const struct ph_node *a, const struct ph_node *b)
{
	return a->phandle < b->phandle || (a->phandle == b->phandle && a->node < b->node);
}

/* Sort by phandle, then offset (Shell sort: no recursion, no allocation); then a shared
 * phandle is two neighbours, the first in blob order first. */
static bool sorted_duplicate(unsigned int n, int *first, int *second)
{
	static const unsigned int gaps[] = { 1750, 701, 301, 132, 57, 23, 10, 4, 1 };
	unsigned int g, i, j;

	for (g = 0; g < sizeof(gaps) / sizeof(gaps[0]); g++) {
		for (i = gaps[g]; i < n; i++) {
			struct ph_node t = ph_nodes[i];

			for (j = i; j >= gaps[g] && ph_before(&t, &ph_nodes[j - gaps[g]]);
			     j -= gaps[g])
				ph_nodes[j] = ph_nodes[j - gaps[g]];
			ph_nodes[j] = t;
		}
	}
	for (i = 1; i < n; i++) {
		if (ph_nodes[i].phandle == ph_nodes[i - 1].phandle) {
			*first = ph_nodes[i - 1].node;
			*second = ph_nodes[i].node;
			return true;
		}
	}
	return false;
}

bool fdt_index_duplicate_phandle(const struct fdt_index *ix, int *first, int *second)
{
	unsigned int n = 0;
	int node, depth = 0;

	for (node = fdt_next_node(ix->fdt, -1, &depth); node >= 0;
	     node = fdt_next_node(ix->fdt, node, &depth)) {
		uint32_t phandle = fdt_get_phandle(ix->fdt, node);

		if (phandle == 0 || phandle == ~0u)
			continue;
		if (n == PHANDLE_CHECK_MAX)
			break;
		ph_nodes[n].phandle = phandle;
		ph_nodes[n++].node = node;
	}
	if (node < 0)
		return sorted_duplicate(n, first, second);
	/* More nodes with phandles than the scratch holds: a node whose phandle libfdt finds
	 * first elsewhere shares it (slow, for trees no board has). */
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
