/*
 * fdt.c - the part of libfdt's read-only API (<libfdt.h>) that the image calls, under libfdt's
 * names, in place of Debian's libfdt.a (whole objects built -O2: twice this size). Each
 * function returns what libfdt 1.6.1 returns, error codes included, for every blob that passed
 * fdt_check_header(): every caller in the image checks the header before anything else, so
 * unlike libfdt no function probes it again. One deliberate difference: a property whose length
 * takes the 32-bit offset past 4 GiB ends the structure block here (FDT_ERR_BADSTRUCTURE),
 * where libfdt wraps the offset and can walk back over the same tags without end.
 * tests/unit/test_fdt.c holds the two side by side. Reads the blob only.
 */
#include <libfdt.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define TAG_SIZE 4u
#define PROP_HEADER 12u /* tag, len, nameoff */
#define RSV_ENTRY 16u	/* address, size */

/* A header field, read whole: the header is 8-byte aligned (fdt_check_header() checks that
 * first), where the structure block may not be 4-byte aligned (be32() reads it by bytes). */
typedef uint32_t __attribute__((may_alias)) fdt_word;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define HDR_SWAP(v) __builtin_bswap32(v)
#else
#define HDR_SWAP(v) (v)
#endif
#define HDR(fdt, field) HDR_SWAP(((const fdt_word *)(fdt))[offsetof(struct fdt_header, field) / 4])

static uint32_t be32(const void *p)
{
	return fdt32_ld((const fdt32_t *)p);
}

static const uint8_t *struct_block(const void *fdt)
{
	return (const uint8_t *)fdt + HDR(fdt, off_dt_struct);
}

/* How far into the structure block libfdt reads: its size, which versions before 17 lack. The
 * header check put both ends inside the blob. */
static uint32_t struct_limit(const void *fdt)
{
	return HDR(fdt, version) >= 17 ? HDR(fdt, size_dt_struct)
				       : HDR(fdt, totalsize) - HDR(fdt, off_dt_struct);
}

/* Block [base, base + size) inside [hdr, total], without wrapping. */
static bool block_ok(uint32_t hdr, uint32_t total, uint32_t base, uint32_t size)
{
	return base >= hdr && base <= total && (uint64_t)base + size <= total;
}

int fdt_check_header(const void *fdt)
{
	uint32_t v, total, hdr;

	if ((uintptr_t)fdt & 7)
		return -FDT_ERR_ALIGNMENT;
	if (HDR(fdt, magic) != FDT_MAGIC)
		return -FDT_ERR_BADMAGIC;
	v = HDR(fdt, version);
	if (v < 2 || HDR(fdt, last_comp_version) > 17 || v < HDR(fdt, last_comp_version))
		return -FDT_ERR_BADVERSION;
	hdr = v <= 2 ? 32 : v <= 16 ? 36 : 40;
	total = HDR(fdt, totalsize);
	if (total < hdr || total > INT_MAX || !block_ok(hdr, total, HDR(fdt, off_mem_rsvmap), 0) ||
	    !block_ok(hdr, total, HDR(fdt, off_dt_struct),
		      v >= 17 ? HDR(fdt, size_dt_struct) : 0) ||
	    !block_ok(hdr, total, HDR(fdt, off_dt_strings), HDR(fdt, size_dt_strings)))
		return -FDT_ERR_TRUNCATED;
	return 0;
}

/*
 * The tag at offset start of the structure block; *next is where the next one starts, or
 * -FDT_ERR_TRUNCATED when there is no tag at start and -FDT_ERR_BADSTRUCTURE when the tag is
 * unknown or runs past the block (both returned as FDT_END).
 */
static uint32_t next_tag(const void *fdt, int start, int *next)
{
	const uint8_t *s = struct_block(fdt), *nul;
	uint32_t limit = struct_limit(fdt), tag, len;
	uint64_t end = (uint64_t)start + TAG_SIZE;

	*next = -FDT_ERR_TRUNCATED;
	if (start < 0 || end > limit)
		return FDT_END;
	tag = be32(s + start);
	*next = -FDT_ERR_BADSTRUCTURE;
	switch (tag) {
	case FDT_BEGIN_NODE:
		nul = memchr(s + end, '\0', limit - end);
		if (!nul)
			return FDT_END;
		end = (uint64_t)(nul - s) + 1;
		break;
	case FDT_PROP:
		if (end + TAG_SIZE > limit)
			return FDT_END;
		len = be32(s + end);
		end += PROP_HEADER - TAG_SIZE + (uint64_t)len;
		/* before version 16 a value of 8 bytes or more was 8-byte aligned */
		if (HDR(fdt, version) < 16 && len >= 8 && ((uint32_t)start + PROP_HEADER) % 8)
			end += 4;
		break;
	case FDT_END:
	case FDT_END_NODE:
	case FDT_NOP:
		break;
	default:
		return FDT_END;
	}
	if (end > limit)
		return FDT_END;
	*next = (int)((end + 3) & ~3ull);
	return tag;
}

/* offset if it is a tag of kind tag, else -FDT_ERR_BADOFFSET; the next tag's offset. */
static int check_tag(const void *fdt, int offset, uint32_t tag)
{
	int next;

	if (offset < 0 || offset % (int)TAG_SIZE || next_tag(fdt, offset, &next) != tag)
		return -FDT_ERR_BADOFFSET;
	return next;
}

int fdt_next_node(const void *fdt, int offset, int *depth)
{
	int next = 0;
	uint32_t tag;

	if (offset >= 0) {
		next = check_tag(fdt, offset, FDT_BEGIN_NODE);
		if (next < 0)
			return next;
	}
	do {
		offset = next;
		tag = next_tag(fdt, offset, &next);
		if (tag == FDT_BEGIN_NODE && depth) {
			(*depth)++;
		} else if (tag == FDT_END_NODE && depth && --*depth < 0) {
			return next;
		} else if (tag == FDT_END) {
			return next >= 0 || (next == -FDT_ERR_TRUNCATED && !depth)
				       ? -FDT_ERR_NOTFOUND
				       : next;
		}
	} while (tag != FDT_BEGIN_NODE);
	return offset;
}

int fdt_first_subnode(const void *fdt, int offset)
{
	int depth = 0;

	offset = fdt_next_node(fdt, offset, &depth);
	return offset < 0 || depth != 1 ? -FDT_ERR_NOTFOUND : offset;
}

int fdt_next_subnode(const void *fdt, int offset)
{
	int depth = 1;

	do {
		offset = fdt_next_node(fdt, offset, &depth);
		if (offset < 0 || depth < 1)
			return -FDT_ERR_NOTFOUND;
	} while (depth > 1);
	return offset;
}

/* The string at offset off of the strings block and its length, or NULL with the error. */
static const char *string_at(const void *fdt, int off, int *lenp)
{
	uint32_t total = HDR(fdt, totalsize), at = HDR(fdt, off_dt_strings) + (uint32_t)off, n;
	const char *s = (const char *)fdt + at, *nul;

	*lenp = -FDT_ERR_BADOFFSET;
	if (at >= total || off < 0)
		return NULL;
	n = total - at;
	if (HDR(fdt, version) >= 17) {
		if ((uint32_t)off >= HDR(fdt, size_dt_strings))
			return NULL;
		if (HDR(fdt, size_dt_strings) - (uint32_t)off < n)
			n = HDR(fdt, size_dt_strings) - (uint32_t)off;
	}
	nul = memchr(s, '\0', n);
	if (!nul) {
		*lenp = -FDT_ERR_TRUNCATED;
		return NULL;
	}
	*lenp = (int)(nul - s);
	return s;
}

const char *fdt_get_name(const void *fdt, int nodeoffset, int *len)
{
	int err = check_tag(fdt, nodeoffset, FDT_BEGIN_NODE);
	const char *name = NULL;

	if (err >= 0) {
		name = (const char *)struct_block(fdt) + nodeoffset + TAG_SIZE;
		/* before version 16 a full path: its last component */
		if (HDR(fdt, version) < 16) {
			name = strrchr(name, '/');
			err = name ? err : -FDT_ERR_BADSTRUCTURE;
			name = name ? name + 1 : NULL;
		}
	}
	if (len)
		*len = name ? (int)strlen(name) : err;
	return name;
}

/* From offset on: the first property tag before the node's first subnode or its end. */
static int first_prop_from(const void *fdt, int offset)
{
	uint32_t tag;
	int next;

	do {
		tag = next_tag(fdt, offset, &next);
		if (tag == FDT_END)
			return next >= 0 ? -FDT_ERR_BADSTRUCTURE : next;
		if (tag == FDT_PROP)
			return offset;
		offset = next;
	} while (tag == FDT_NOP);
	return -FDT_ERR_NOTFOUND;
}

int fdt_first_property_offset(const void *fdt, int nodeoffset)
{
	int offset = check_tag(fdt, nodeoffset, FDT_BEGIN_NODE);

	return offset < 0 ? offset : first_prop_from(fdt, offset);
}

int fdt_next_property_offset(const void *fdt, int offset)
{
	offset = check_tag(fdt, offset, FDT_PROP);
	return offset < 0 ? offset : first_prop_from(fdt, offset);
}

/* The value of the property at offset (a property tag); before version 16 one of 8 bytes or
 * more starts 8-byte aligned. */
static const void *prop_value(const void *fdt, int offset)
{
	const uint8_t *p = struct_block(fdt) + offset;

	if (HDR(fdt, version) < 16 && ((uint32_t)offset + PROP_HEADER) % 8 &&
	    be32(p + TAG_SIZE) >= 8)
		return p + PROP_HEADER + 4;
	return p + PROP_HEADER;
}

const void *fdt_getprop_by_offset(const void *fdt, int offset, const char **namep, int *lenp)
{
	int err = check_tag(fdt, offset, FDT_PROP), n;
	const uint8_t *p = struct_block(fdt) + offset;

	if (err < 0) {
		if (lenp)
			*lenp = err;
		return NULL;
	}
	if (lenp)
		*lenp = (int)be32(p + TAG_SIZE);
	if (namep) {
		*namep = string_at(fdt, (int)be32(p + 2 * TAG_SIZE), &n);
		if (!*namep) {
			if (lenp)
				*lenp = n;
			return NULL;
		}
	}
	return prop_value(fdt, offset);
}

const void *fdt_getprop_namelen(const void *fdt, int nodeoffset, const char *name, int namelen,
				int *lenp)
{
	int offset, n;

	for (offset = fdt_first_property_offset(fdt, nodeoffset); offset >= 0;
	     offset = fdt_next_property_offset(fdt, offset)) {
		const uint8_t *p = struct_block(fdt) + offset;
		const char *s = string_at(fdt, (int)be32(p + 2 * TAG_SIZE), &n);

		if (s && n == namelen && !memcmp(s, name, (size_t)namelen)) {
			if (lenp)
				*lenp = (int)be32(p + TAG_SIZE);
			return prop_value(fdt, offset);
		}
	}
	if (lenp)
		*lenp = offset;
	return NULL;
}

const void *fdt_getprop(const void *fdt, int nodeoffset, const char *name, int *lenp)
{
	return fdt_getprop_namelen(fdt, nodeoffset, name, (int)strlen(name), lenp);
}

uint32_t fdt_get_phandle(const void *fdt, int nodeoffset)
{
	static const char *const names[] = { "phandle", "linux,phandle" };
	unsigned int i;
	int len;

	for (i = 0; i < 2; i++) {
		const void *v = fdt_getprop(fdt, nodeoffset, names[i], &len);

		if (v && len == 4)
			return be32(v);
	}
	return 0;
}

/* The offset of the node at depth want above (or at) node, with node's depth in *depth. */
static int node_above(const void *fdt, int node, int want, int *depth)
{
	int offset, d, found = -FDT_ERR_INTERNAL;

	if (want < 0)
		return -FDT_ERR_NOTFOUND;
	for (offset = 0, d = 0; offset >= 0 && offset <= node;
	     offset = fdt_next_node(fdt, offset, &d)) {
		if (d == want)
			found = offset;
		if (offset == node) {
			if (depth)
				*depth = d;
			return want > d ? -FDT_ERR_NOTFOUND : found;
		}
	}
	if (offset == -FDT_ERR_NOTFOUND || offset >= 0)
		return -FDT_ERR_BADOFFSET;
	return offset == -FDT_ERR_BADOFFSET ? -FDT_ERR_BADSTRUCTURE : offset;
}

int fdt_parent_offset(const void *fdt, int nodeoffset)
{
	int depth, err = node_above(fdt, nodeoffset, 0, &depth);

	if (err)
		return err < 0 ? err : -FDT_ERR_INTERNAL;
	return node_above(fdt, nodeoffset, depth - 1, NULL);
}

int fdt_get_path(const void *fdt, int nodeoffset, char *buf, int buflen)
{
	int pdepth = 0, p = 0, offset, depth, namelen;

	if (buflen < 2)
		return -FDT_ERR_NOSPACE;
	for (offset = 0, depth = 0; offset >= 0 && offset <= nodeoffset;
	     offset = fdt_next_node(fdt, offset, &depth)) {
		/* back up to the parent: drop components until the path holds depth of them (not
		 * past the root's '/': libfdt reads and writes before buf when the walk leaves the
		 * root, for a nodeoffset past it) */
		for (; pdepth > depth && p > 1; pdepth--)
			do
				p--;
			while (buf[p - 1] != '/');
		if (pdepth >= depth) {
			const char *name = fdt_get_name(fdt, offset, &namelen);

			if (!name)
				return namelen;
			if (p + namelen + 1 <= buflen) {
				memcpy(buf + p, name, (size_t)namelen);
				p += namelen;
				buf[p++] = '/';
				pdepth++;
			}
		}
		if (offset == nodeoffset) {
			if (pdepth < depth + 1)
				return -FDT_ERR_NOSPACE;
			if (p > 1) /* the root is "/", any other path has no '/' at its end */
				p--;
			buf[p] = '\0';
			return 0;
		}
	}
	if (offset == -FDT_ERR_NOTFOUND || offset >= 0)
		return -FDT_ERR_BADOFFSET;
	return offset == -FDT_ERR_BADOFFSET ? -FDT_ERR_BADSTRUCTURE : offset;
}

/* Whether node's name is name[0, len), or that followed by a unit address when name has none. */
static bool name_is(const void *fdt, int node, const char *name, int len)
{
	int n;
	const char *p = fdt_get_name(fdt, node, &n);

	if (!p || n < len || memcmp(p, name, (size_t)len))
		return false;
	return !p[len] || (p[len] == '@' && !memchr(name, '@', (size_t)len));
}

static int subnode_namelen(const void *fdt, int offset, const char *name, int namelen)
{
	int depth;

	for (depth = 0; offset >= 0 && depth >= 0; offset = fdt_next_node(fdt, offset, &depth))
		if (depth == 1 && name_is(fdt, offset, name, namelen))
			return offset;
	return depth < 0 ? -FDT_ERR_NOTFOUND : offset;
}

int fdt_subnode_offset(const void *fdt, int parentoffset, const char *name)
{
	return subnode_namelen(fdt, parentoffset, name, (int)strlen(name));
}

int fdt_path_offset_namelen(const void *fdt, const char *path, int namelen)
{
	const char *end = path + namelen, *p = path, *q;
	int offset = 0;

	if (*path != '/') {
		/* an alias: /aliases's property of that name holds the path it stands for */
		const char *alias;
		int aliases = fdt_path_offset(fdt, "/aliases");

		q = memchr(path, '/', (size_t)(end - p));
		if (!q)
			q = end;
		alias = aliases < 0 ? NULL
				    : fdt_getprop_namelen(fdt, aliases, p, (int)(q - p), NULL);
		if (!alias)
			return -FDT_ERR_BADPATH;
		/* libfdt follows a value that is not a full path as an alias again, without end
		 * when it names itself: every caller here has checked it is one */
		offset = *alias == '/' ? fdt_path_offset(fdt, alias) : -FDT_ERR_BADPATH;
		p = q;
	}
	while (p < end) {
		while (*p == '/')
			if (++p == end)
				return offset;
		q = memchr(p, '/', (size_t)(end - p));
		if (!q)
			q = end;
		offset = subnode_namelen(fdt, offset, p, (int)(q - p));
		if (offset < 0)
			return offset;
		p = q;
	}
	return offset;
}

int fdt_path_offset(const void *fdt, const char *path)
{
	return fdt_path_offset_namelen(fdt, path, (int)strlen(path));
}

/* Reservation map entry n, or NULL when it is not inside the blob. */
static const uint8_t *rsv_entry(const void *fdt, int n)
{
	uint32_t start = HDR(fdt, off_mem_rsvmap), at = start + (uint32_t)n * RSV_ENTRY;

	return at < start || at > HDR(fdt, totalsize) - RSV_ENTRY ? NULL
								  : (const uint8_t *)fdt + at;
}

int fdt_get_mem_rsv(const void *fdt, int n, uint64_t *address, uint64_t *size)
{
	const uint8_t *e = rsv_entry(fdt, n);

	if (!e)
		return -FDT_ERR_BADOFFSET;
	*address = fdt64_ld((const fdt64_t *)e);
	*size = fdt64_ld((const fdt64_t *)(e + 8));
	return 0;
}

int fdt_num_mem_rsv(const void *fdt)
{
	const uint8_t *e;
	int i;

	for (i = 0; (e = rsv_entry(fdt, i)) != NULL; i++)
		if (!(be32(e + 8) | be32(e + 12)))
			return i;
	return -FDT_ERR_TRUNCATED;
}

/* Each node after startoffset in turn, until match says yes (1) or fails (< 0). */
static int node_after(const void *fdt, int startoffset,
		      int (*match)(const void *fdt, int node, const void *arg), const void *arg)
{
	int offset;

	for (offset = fdt_next_node(fdt, startoffset, NULL); offset >= 0;
	     offset = fdt_next_node(fdt, offset, NULL)) {
		int m = match(fdt, offset, arg);

		if (m)
			return m < 0 ? m : offset;
	}
	return offset;
}

static int has_phandle(const void *fdt, int node, const void *arg)
{
	return fdt_get_phandle(fdt, node) == *(const uint32_t *)arg;
}

int fdt_node_offset_by_phandle(const void *fdt, uint32_t phandle)
{
	if (phandle == 0 || phandle == ~0u)
		return -FDT_ERR_BADPHANDLE;
	return node_after(fdt, -1, has_phandle, &phandle);
}

struct prop_match {
	const char *name;
	const void *val;
	int len;
};

static int has_prop(const void *fdt, int node, const void *arg)
{
	const struct prop_match *m = arg;
	int len;
	const void *v = fdt_getprop(fdt, node, m->name, &len);

	return v && len == m->len && !memcmp(v, m->val, (size_t)len);
}

int fdt_node_offset_by_prop_value(const void *fdt, int startoffset, const char *propname,
				  const void *propval, int proplen)
{
	const struct prop_match m = { propname, propval, proplen };

	return node_after(fdt, startoffset, has_prop, &m);
}

int fdt_stringlist_contains(const char *strlist, int listlen, const char *str)
{
	int len = (int)strlen(str);
	const char *nul;

	for (; listlen >= len; listlen -= (int)(nul - strlist) + 1, strlist = nul + 1) {
		if (!memcmp(str, strlist, (size_t)len + 1))
			return 1;
		nul = memchr(strlist, '\0', (size_t)listlen);
		if (!nul)
			return 0;
	}
	return 0;
}

int fdt_node_check_compatible(const void *fdt, int nodeoffset, const char *compatible)
{
	int len;
	const char *v = fdt_getprop(fdt, nodeoffset, "compatible", &len);

	return v ? !fdt_stringlist_contains(v, len, compatible) : len;
}

static int is_compatible(const void *fdt, int node, const void *arg)
{
	int err = fdt_node_check_compatible(fdt, node, arg);

	return err == -FDT_ERR_NOTFOUND ? 0 : err < 0 ? err : !err;
}

int fdt_node_offset_by_compatible(const void *fdt, int startoffset, const char *compatible)
{
	return node_after(fdt, startoffset, is_compatible, compatible);
}

const char *fdt_stringlist_get(const void *fdt, int nodeoffset, const char *property, int idx,
			       int *lenp)
{
	int len;
	const char *list = fdt_getprop(fdt, nodeoffset, property, &len);

	if (list) {
		const char *end = list + len;

		for (len = -FDT_ERR_NOTFOUND; list < end; idx--) {
			int n = (int)strnlen(list, (size_t)(end - list));

			if (list + n + 1 > end) {
				len = -FDT_ERR_BADVALUE; /* the last string has no NUL */
				break;
			}
			if (!idx) {
				if (lenp)
					*lenp = n;
				return list;
			}
			list += n + 1;
		}
	}
	if (lenp)
		*lenp = len;
	return NULL;
}
