/*
 * fdt.h - just enough flattened-device-tree reading for the test guests: the header check,
 * finding nodes by compatible string or by path, and reading properties and "reg" cells.
 * Read-only, no allocation; every offset is into the structure block.
 */
#ifndef GUEST_FDT_H
#define GUEST_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FDT_MAGIC 0xd00dfeed

/* A node: offset of its FDT_BEGIN_NODE token, and its parent's (-1 for the root). */
struct fdt_node {
	int off;
	int parent;
	int depth;
	const char *name;
};

/* Called for every node in document order; return true to stop the walk. */
typedef bool (*fdt_visit_fn)(const void *fdt, const struct fdt_node *node, void *arg);

bool fdt_check_header(const void *fdt);
uint32_t fdt_be32(const void *p);
void fdt_walk(const void *fdt, fdt_visit_fn visit, void *arg);
/* The value of property name of node, or NULL; *len gets its length. */
const void *fdt_prop(const void *fdt, int node, const char *name, uint32_t *len);
/* True if the string-list property name of node contains s. */
bool fdt_prop_has_string(const void *fdt, int node, const char *name, const char *s);
/* First node with this compatible string; false if none. */
bool fdt_find_compatible(const void *fdt, const char *compat, struct fdt_node *out);
/*
 * The node at path, len bytes of it (a full path from the root; a component without a unit
 * address matches "name@unit"); false if there is none.
 */
bool fdt_find_path(const void *fdt, const char *path, size_t len, struct fdt_node *out);
/* Entry idx of node's "reg", decoded with its parent's #address-cells/#size-cells. */
bool fdt_reg(const void *fdt, const struct fdt_node *node, unsigned int idx, uint64_t *addr,
	     uint64_t *size);

#endif
