/*
 * fdt.c - a minimal flattened-device-tree reader (DTSpec v0.3 section 5) for the test
 * guests: walks the structure block token by token, keeping the parent chain so that "reg"
 * can be decoded with the parent's cell counts. Reads only the blob; no hardware.
 */
#include "tests/guests/lib/fdt.h"

#include <stddef.h>
#include <string.h>

#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9

#define FDT_HDR_MAGIC 0
#define FDT_HDR_TOTALSIZE 4
#define FDT_HDR_OFF_STRUCT 8
#define FDT_HDR_OFF_STRINGS 12
#define FDT_HDR_SIZE_STRUCT 36

#define FDT_MAX_DEPTH 16
#define FDT_DEFAULT_ADDR_CELLS 2
#define FDT_DEFAULT_SIZE_CELLS 1

uint32_t fdt_be32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static uint32_t hdr(const void *fdt, unsigned int field)
{
	return fdt_be32((const uint8_t *)fdt + field);
}

static const uint8_t *structure(const void *fdt)
{
	return (const uint8_t *)fdt + hdr(fdt, FDT_HDR_OFF_STRUCT);
}

static const char *string_at(const void *fdt, uint32_t off)
{
	return (const char *)fdt + hdr(fdt, FDT_HDR_OFF_STRINGS) + off;
}

static int align4(int off)
{
	return (off + 3) & ~3;
}

bool fdt_check_header(const void *fdt)
{
	return fdt && ((uintptr_t)fdt & 7) == 0 && hdr(fdt, FDT_HDR_MAGIC) == FDT_MAGIC &&
	       hdr(fdt, FDT_HDR_TOTALSIZE) >= 40;
}

void fdt_walk(const void *fdt, fdt_visit_fn visit, void *arg)
{
	const uint8_t *s = structure(fdt);
	int end = (int)hdr(fdt, FDT_HDR_SIZE_STRUCT);
	int stack[FDT_MAX_DEPTH];
	int depth = 0;
	int off = 0;

	while (off + 4 <= end) {
		uint32_t tok = fdt_be32(s + off);
		struct fdt_node node;

		switch (tok) {
		case FDT_BEGIN_NODE:
			node.off = off;
			node.parent = depth ? stack[depth - 1] : -1;
			node.depth = depth;
			node.name = (const char *)s + off + 4;
			if (depth >= FDT_MAX_DEPTH)
				return;
			stack[depth++] = off;
			if (visit(fdt, &node, arg))
				return;
			off = align4(off + 4 + (int)strlen(node.name) + 1);
			break;
		case FDT_END_NODE:
			if (depth)
				depth--;
			off += 4;
			break;
		case FDT_PROP:
			off = align4(off + 12 + (int)fdt_be32(s + off + 4));
			break;
		case FDT_NOP:
			off += 4;
			break;
		default:
			return;
		}
	}
}

const void *fdt_prop(const void *fdt, int node, const char *name, uint32_t *len)
{
	const uint8_t *s = structure(fdt);
	int end = (int)hdr(fdt, FDT_HDR_SIZE_STRUCT);
	int off;

	if (node < 0 || fdt_be32(s + node) != FDT_BEGIN_NODE)
		return NULL;
	off = align4(node + 4 + (int)strlen((const char *)s + node + 4) + 1);
	/* Properties come before the first subnode. */
	while (off + 4 <= end) {
		uint32_t tok = fdt_be32(s + off);

		if (tok == FDT_NOP) {
			off += 4;
			continue;
		}
		if (tok != FDT_PROP)
			return NULL;
		if (strcmp(string_at(fdt, fdt_be32(s + off + 8)), name) == 0) {
			if (len)
				*len = fdt_be32(s + off + 4);
			return s + off + 12;
		}
		off = align4(off + 12 + (int)fdt_be32(s + off + 4));
	}
	return NULL;
}

bool fdt_prop_has_string(const void *fdt, int node, const char *name, const char *str)
{
	uint32_t len;
	const char *p = fdt_prop(fdt, node, name, &len);
	size_t n = strlen(str);

	while (p && len > 0) {
		size_t l = strnlen(p, len);

		if (l == n && memcmp(p, str, n) == 0)
			return true;
		if (l + 1 >= len)
			break;
		len -= (uint32_t)(l + 1);
		p += l + 1;
	}
	return false;
}

struct find_compat {
	const char *compat;
	struct fdt_node *out;
	bool found;
};

static bool visit_compat(const void *fdt, const struct fdt_node *node, void *arg)
{
	struct find_compat *f = arg;

	if (!fdt_prop_has_string(fdt, node->off, "compatible", f->compat))
		return false;
	*f->out = *node;
	f->found = true;
	return true;
}

bool fdt_find_compatible(const void *fdt, const char *compat, struct fdt_node *out)
{
	struct find_compat f = { .compat = compat, .out = out, .found = false };

	fdt_walk(fdt, visit_compat, &f);
	return f.found;
}

struct find_path {
	const char *path; /* after the leading '/' */
	size_t len;
	size_t comp[FDT_MAX_DEPTH + 1]; /* where the component of each depth starts in path */
	bool on_path[FDT_MAX_DEPTH + 1];
	struct fdt_node *out;
	bool found;
};

/* Does node name match the path component p[0..n)? "name" also matches "name@unit". */
static bool component_matches(const char *name, const char *p, size_t n)
{
	return strncmp(name, p, n) == 0 &&
	       (name[n] == '\0' || (name[n] == '@' && !memchr(p, '@', n)));
}

/*
 * Nodes come in document order, so the chain of ancestors of the node visited is always the
 * last node seen at each smaller depth: on_path[d] says whether that chain matches the path's
 * first d components.
 */
static bool visit_path(const void *fdt, const struct fdt_node *node, void *arg)
{
	struct find_path *f = arg;
	int d = node->depth;
	size_t start, end;

	(void)fdt;
	if (d == 0) {
		f->on_path[0] = true;
		f->comp[0] = 0;
	} else if (d > FDT_MAX_DEPTH || !f->on_path[d - 1] || f->comp[d - 1] >= f->len) {
		if (d <= FDT_MAX_DEPTH)
			f->on_path[d] = false;
		return false;
	} else {
		start = f->comp[d - 1];
		end = start;
		while (end < f->len && f->path[end] != '/')
			end++;
		f->on_path[d] = component_matches(node->name, f->path + start, end - start);
		f->comp[d] = end < f->len ? end + 1 : end;
	}
	if (f->on_path[d] && f->comp[d] >= f->len) {
		*f->out = *node;
		f->found = true;
		return true;
	}
	return false;
}

bool fdt_find_path(const void *fdt, const char *path, size_t len, struct fdt_node *out)
{
	struct find_path f = { .out = out, .found = false };

	if (!len || path[0] != '/')
		return false;
	/* "/a/b/" is "/a/b" */
	while (len > 1 && path[len - 1] == '/')
		len--;
	f.path = path + 1;
	f.len = len - 1;
	fdt_walk(fdt, visit_path, &f);
	return f.found;
}

static uint32_t cells(const void *fdt, int node, const char *name, uint32_t dflt)
{
	uint32_t len;
	const void *p = fdt_prop(fdt, node, name, &len);

	return p && len == 4 ? fdt_be32(p) : dflt;
}

static uint64_t read_cells(const uint8_t *p, uint32_t n)
{
	uint64_t v = 0;

	while (n--) {
		v = v << 32 | fdt_be32(p);
		p += 4;
	}
	return v;
}

bool fdt_reg(const void *fdt, const struct fdt_node *node, unsigned int idx, uint64_t *addr,
	     uint64_t *size)
{
	uint32_t ac = FDT_DEFAULT_ADDR_CELLS;
	uint32_t sc = FDT_DEFAULT_SIZE_CELLS;
	uint32_t len;
	const uint8_t *p = fdt_prop(fdt, node->off, "reg", &len);
	uint32_t entry;

	if (node->parent >= 0) {
		ac = cells(fdt, node->parent, "#address-cells", FDT_DEFAULT_ADDR_CELLS);
		sc = cells(fdt, node->parent, "#size-cells", FDT_DEFAULT_SIZE_CELLS);
	}
	entry = (ac + sc) * 4;
	if (!p || ac > 2 || sc > 2 || entry == 0 || (idx + 1) * entry > len)
		return false;
	p += idx * entry;
	*addr = read_cells(p, ac);
	if (size)
		*size = read_cells(p + ac * 4, sc);
	return true;
}
