/*
 * fdt_mutate.c - the structure-aware device-tree mutator of fdt_mutate.h. A valid tree (it
 * passes fdt_check_full) is opened into a scratch buffer and edited with libfdt's read-write
 * calls, then packed back into the caller's buffer; values come from the tree itself (its
 * cells, phandles, paths and property values), the donor tree and the target's dictionary.
 * Only trees that pass fdt_check_full are handed to libfdt's read-write code, which assumes
 * a sane tree; everything else gets libFuzzer's byte mutations. Host-only; touches only the
 * caller's buffer and the static scratch buffers below.
 */
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "hyp/plan/fdt_struct.h"
#include "tests/fuzz/fdt_mutate.h"
#include "tests/fuzz/fuzz.h"

#define WORK_MAX (1u << 20)
#define MAX_NODES 1024
#define MAX_CELLS 512
#define VAL_MAX 1024
#define PATH_MAX_LEN 256
#define NAME_MAX_LEN 64
#define COPY_DEPTH 6
#define RAW_ONE_IN 24 /* raw byte mutations of a valid tree, one time in this many */

static uint64_t work[WORK_MAX / 8]; /* 8-byte aligned, as libfdt wants */
static uint64_t snap[WORK_MAX / 8];
static uint64_t other[WORK_MAX / 8];

struct mctx {
	struct fdt_rng *r;
	void *fdt;
	const struct fdt_dict *d;
	uint32_t cells[MAX_CELLS];
	unsigned int nr_cells;
};

uint32_t fdt_rng_next(struct fdt_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return (uint32_t)((z ^ (z >> 31)) >> 16);
}

uint32_t fdt_rng_below(struct fdt_rng *r, uint32_t n)
{
	return n ? fdt_rng_next(r) % n : 0;
}

static bool one_in(struct fdt_rng *r, uint32_t n)
{
	return fdt_rng_below(r, n) == 0;
}

static unsigned int list_len(const char *const *l)
{
	unsigned int n = 0;

	while (l && l[n])
		n++;
	return n;
}

static const char *list_pick(struct fdt_rng *r, const char *const *l)
{
	unsigned int n = list_len(l);

	return n ? l[fdt_rng_below(r, n)] : NULL;
}

/* Whether buf[0..size) is a tree libfdt's read-write code may be given (and that its checker
 * returns for, without a NULL dereference: fuzz_fdt_len_wraps, version 16 or later). */
static bool valid_tree(const void *buf, size_t size)
{
	return size >= sizeof(struct fdt_header) && !fuzz_fdt_len_wraps(buf, size) &&
	       !fdt_check_header(buf) && fdt_version(buf) >= FDT_STRUCT_MIN_VERSION &&
	       fdt_totalsize(buf) <= size && !fdt_check_full(buf, fdt_totalsize(buf));
}

static unsigned int collect_nodes(const void *fdt, int *offs, unsigned int max)
{
	unsigned int n = 0;
	int node, depth = 0;

	for (node = 0; node >= 0 && n < max; node = fdt_next_node(fdt, node, &depth))
		offs[n++] = node;
	return n;
}

static int pick_node(struct fdt_rng *r, const void *fdt)
{
	static int offs[MAX_NODES];
	unsigned int n = collect_nodes(fdt, offs, MAX_NODES);

	return n ? offs[fdt_rng_below(r, n)] : 0;
}

/* A random property of node: its offset, or -1 when it has none. */
static int pick_prop(struct fdt_rng *r, const void *fdt, int node)
{
	int off, n = 0, i;

	for (off = fdt_first_property_offset(fdt, node); off >= 0;
	     off = fdt_next_property_offset(fdt, off))
		n++;
	if (!n)
		return -1;
	i = (int)fdt_rng_below(r, (uint32_t)n);
	for (off = fdt_first_property_offset(fdt, node); off >= 0 && i > 0;
	     off = fdt_next_property_offset(fdt, off))
		i--;
	return off >= 0 ? off : -1;
}

/* Cell values of the tree (and the donor): addresses, sizes, INTIDs, MPIDRs, phandles. */
static void harvest(struct mctx *m, const void *fdt)
{
	int node, depth = 0;

	if (!fdt)
		return;
	for (node = 0; node >= 0; node = fdt_next_node(fdt, node, &depth)) {
		int off;

		fdt_for_each_property_offset(off, fdt, node)
		{
			const char *name;
			int len, i;
			const fdt32_t *v = fdt_getprop_by_offset(fdt, off, &name, &len);

			if (!v || len % 4 || len > 64)
				continue;
			for (i = 0; i < len / 4 && m->nr_cells < MAX_CELLS; i++)
				m->cells[m->nr_cells++] = fdt32_ld(&v[i]);
		}
		if (m->nr_cells == MAX_CELLS)
			return;
	}
}

static uint32_t interesting(struct mctx *m)
{
	static const uint32_t fixed[] = {
		0,	    1,		2,	    3,		4,	   8,	       0xf,
		0x10,	    0x1f,	0x20,	    0xff,	0x100,	   0x200,      0x1000,
		0x10000,    0x20000,	0x200000,   0x8000000,	0x9000000, 0x40000000, 0x7fffffff,
		0x80000000, 0xfffff000, 0xfffffffe, 0xffffffff, 987,	   988,	       1019,
		1020,	    1023,	0x8000,
	};
	uint32_t v;

	switch (fdt_rng_below(m->r, 6)) {
	case 0:
	case 1:
		return fixed[fdt_rng_below(m->r, sizeof(fixed) / sizeof(fixed[0]))];
	case 2:
	case 3:
		if (!m->nr_cells)
			return fdt_rng_below(m->r, 64);
		return m->cells[fdt_rng_below(m->r, m->nr_cells)];
	case 4:
		v = m->nr_cells ? m->cells[fdt_rng_below(m->r, m->nr_cells)] : 0;
		return v + fdt_rng_below(m->r, 33) - 16;
	default:
		return fdt_rng_next(m->r);
	}
}

/* The path of a random node of the tree or the donor, now and then cut or with options. */
static int gen_path(struct mctx *m, char *buf, int cap)
{
	const void *t = (m->d->donor && one_in(m->r, 2)) ? m->d->donor : m->fdt;
	int len;

	if (fdt_get_path(t, pick_node(m->r, t), buf, cap) < 0)
		return 0;
	len = (int)strlen(buf);
	if (one_in(m->r, 8) && len > 1)
		len = 1 + (int)fdt_rng_below(m->r, (uint32_t)len - 1);
	else if (one_in(m->r, 8) && len + 10 < cap) {
		memcpy(buf + len, ":115200n8", 9);
		len += 9;
	}
	buf[len] = '\0';
	return len + 1;
}

/* A value for a property: cells, strings, a path, another property's value, or bytes. */
static int gen_value(struct mctx *m, uint8_t *buf, int cap)
{
	int len = 0, n, i;

	switch (fdt_rng_below(m->r, 10)) {
	case 0:
	case 1:
	case 2:
	case 3: /* cells, mostly the counts reg and interrupts entries have */
		n = (int)fdt_rng_below(m->r, 9);
		for (i = 0; i < n && len + 4 <= cap; i++, len += 4)
			fdt32_st(buf + len, interesting(m));
		return len;
	case 4: /* a string, or a list of them */
		n = 1 + (int)one_in(m->r, 3) + (int)one_in(m->r, 4);
		for (i = 0; i < n; i++) {
			const char *s = list_pick(m->r, m->d->strings);

			if (!s || len + (int)strlen(s) + 1 > cap)
				break;
			memcpy(buf + len, s, strlen(s) + 1);
			len += (int)strlen(s) + 1;
		}
		return len;
	case 5:
		return gen_path(m, (char *)buf, cap < PATH_MAX_LEN ? cap : PATH_MAX_LEN);
	case 6: { /* another property's value, of the tree or the donor */
		const void *t = (m->d->donor && one_in(m->r, 2)) ? m->d->donor : m->fdt;
		int off = pick_prop(m->r, t, pick_node(m->r, t));
		const void *v = off >= 0 ? fdt_getprop_by_offset(t, off, NULL, &len) : NULL;

		if (!v || len < 0 || len > cap)
			return 0;
		memcpy(buf, v, (size_t)len);
		return len;
	}
	case 7:
		return 0;
	default:
		n = 1 + (int)fdt_rng_below(m->r, 16);
		for (i = 0; i < n && i < cap; i++)
			buf[i] = (uint8_t)fdt_rng_next(m->r);
		return i;
	}
}

/* A node name: the dictionary's, a copy of one in the trees, random bytes; often a unit. */
static void gen_name(struct mctx *m, char *buf, size_t cap)
{
	const char *base = list_pick(m->r, m->d->nodes);
	size_t len;

	if (!base || one_in(m->r, 6)) {
		const void *t = (m->d->donor && one_in(m->r, 2)) ? m->d->donor : m->fdt;

		base = fdt_get_name(t, pick_node(m->r, t), NULL);
		if (!base || !*base)
			base = "n";
	}
	len = strnlen(base, cap - 1);
	memcpy(buf, base, len);
	buf[len] = '\0';
	if (!strchr(buf, '@') && one_in(m->r, 2) && len + 10 < cap)
		snprintf(buf + len, cap - len, "@%x", interesting(m));
	if (one_in(m->r, 32) && len)
		buf[fdt_rng_below(m->r, (uint32_t)len)] = (char)(fdt_rng_next(m->r) | 1);
}

/* Copy subtree src_node of src under node parent of m->fdt, as name. */
static int copy_subtree(struct mctx *m, const void *src, int src_node, int parent, const char *name,
			int depth)
{
	int node = fdt_add_subnode(m->fdt, parent, name), off, child;

	if (node == -FDT_ERR_EXISTS) {
		char alt[NAME_MAX_LEN];

		snprintf(alt, sizeof(alt), "%.40s-%x", name, fdt_rng_below(m->r, 0x10000));
		node = fdt_add_subnode(m->fdt, parent, alt);
	}
	if (node < 0)
		return node;
	fdt_for_each_property_offset(off, src, src_node)
	{
		const char *pname;
		int len, ret;
		const void *v = fdt_getprop_by_offset(src, off, &pname, &len);

		if (!v)
			continue;
		ret = fdt_setprop(m->fdt, node, pname, v, len);
		if (ret)
			return ret;
	}
	if (depth >= COPY_DEPTH)
		return 0;
	fdt_for_each_subnode(child, src, src_node)
	{
		const char *cname = fdt_get_name(src, child, NULL);
		int ret;

		if (!cname)
			continue;
		/* what is added goes after node, whose offset stays valid */
		ret = copy_subtree(m, src, child, node, cname, depth + 1);
		if (ret)
			return ret;
	}
	return 0;
}

/* One structural edit of m->fdt; libfdt errors (no space, a name taken) just end it. */
static void mutate_once(struct mctx *m)
{
	static uint8_t val[VAL_MAX];
	char name[NAME_MAX_LEN];
	int node = pick_node(m->r, m->fdt), off, len;
	const char *pname;
	const void *v;

	switch (fdt_rng_below(m->r, 20)) {
	case 0:
	case 1:
	case 2:
	case 3:
	case 4: /* one cell of a property */
		off = pick_prop(m->r, m->fdt, node);
		v = off >= 0 ? fdt_getprop_by_offset(m->fdt, off, &pname, &len) : NULL;
		if (!v || len < 4 || len > (int)sizeof(val))
			break;
		memcpy(val, v, (size_t)len);
		fdt32_st(val + 4 * fdt_rng_below(m->r, (uint32_t)len / 4), interesting(m));
		fdt_setprop_inplace(m->fdt, node, pname, val, len);
		break;
	case 5:
	case 6:
	case 7: /* a new value */
		off = pick_prop(m->r, m->fdt, node);
		if (off < 0 || !fdt_getprop_by_offset(m->fdt, off, &pname, &len))
			break;
		snprintf(name, sizeof(name), "%s", pname);
		len = gen_value(m, val, sizeof(val));
		fdt_setprop(m->fdt, node, name, val, len);
		break;
	case 8:
	case 9:
	case 10: /* a property added */
		pname = list_pick(m->r, m->d->props);
		if (!pname || one_in(m->r, 8)) {
			const void *t = (m->d->donor && one_in(m->r, 2)) ? m->d->donor : m->fdt;

			off = pick_prop(m->r, t, pick_node(m->r, t));
			if (off < 0 || !fdt_getprop_by_offset(t, off, &pname, &len))
				break;
		}
		snprintf(name, sizeof(name), "%s", pname);
		len = gen_value(m, val, sizeof(val));
		fdt_setprop(m->fdt, node, name, val, len);
		break;
	case 11: /* a property deleted */
		off = pick_prop(m->r, m->fdt, node);
		if (off < 0 || !fdt_getprop_by_offset(m->fdt, off, &pname, &len))
			break;
		snprintf(name, sizeof(name), "%s", pname);
		fdt_delprop(m->fdt, node, name);
		break;
	case 12: /* a value made longer or shorter */
		off = pick_prop(m->r, m->fdt, node);
		v = off >= 0 ? fdt_getprop_by_offset(m->fdt, off, &pname, &len) : NULL;
		if (!v || len > (int)sizeof(val) / 2)
			break;
		snprintf(name, sizeof(name), "%s", pname);
		memcpy(val, v, (size_t)len);
		switch (fdt_rng_below(m->r, 4)) {
		case 0:
			len = len >= 4 ? len - 4 : 0;
			break;
		case 1:
			fdt32_st(val + len, interesting(m));
			len += 4;
			break;
		case 2:
			memcpy(val + len, val, (size_t)len);
			len *= 2;
			break;
		default:
			len = len ? len - 1 : 1;
			break;
		}
		fdt_setprop(m->fdt, node, name, val, len);
		break;
	case 13:
	case 14: /* a node added, with a property or two */
		gen_name(m, name, sizeof(name));
		node = fdt_add_subnode(m->fdt, node, name);
		for (len = (int)fdt_rng_below(m->r, 3); node >= 0 && len > 0; len--) {
			const char *p = list_pick(m->r, m->d->props);
			int n;

			if (!p)
				break;
			n = gen_value(m, val, sizeof(val));
			fdt_setprop(m->fdt, node, p, val, n);
		}
		break;
	case 15: /* a node deleted */
		if (node > 0)
			fdt_del_node(m->fdt, node);
		break;
	case 16: /* a node renamed */
		if (node > 0) {
			gen_name(m, name, sizeof(name));
			fdt_set_name(m->fdt, node, name);
		}
		break;
	case 17: { /* a subtree of this tree or the donor copied under a node */
		const void *src = snap;
		int from;

		if (m->d->donor && one_in(m->r, 2))
			src = m->d->donor;
		else
			memcpy(snap, m->fdt, fdt_totalsize(m->fdt));
		from = pick_node(m->r, src);
		pname = fdt_get_name(src, from, NULL);
		if (from > 0 && pname)
			copy_subtree(m, src, from, node, pname, 0);
		break;
	}
	case 18: /* bytes of a value */
		off = pick_prop(m->r, m->fdt, node);
		v = off >= 0 ? fdt_getprop_by_offset(m->fdt, off, &pname, &len) : NULL;
		if (!v || len > (int)sizeof(val) - 16)
			break;
		snprintf(name, sizeof(name), "%s", pname);
		memcpy(val, v, (size_t)len);
		len = (int)LLVMFuzzerMutate(val, (size_t)len, (size_t)len + 16);
		fdt_setprop(m->fdt, node, name, val, len);
		break;
	default: { /* a phandle link: interrupt-parent to a node's phandle, or a phandle set */
		int target = pick_node(m->r, m->fdt);
		uint32_t ph = fdt_get_phandle(m->fdt, target);

		if (!ph && fdt_generate_phandle(m->fdt, &ph) == 0 &&
		    fdt_setprop_u32(m->fdt, target, "phandle", ph))
			break;
		node = pick_node(m->r, m->fdt);
		if (one_in(m->r, 3))
			fdt_setprop_u32(m->fdt, node, "phandle", ph);
		else
			fdt_setprop_u32(m->fdt, node, "interrupt-parent", ph);
		break;
	}
	}
}

size_t fdt_mutate(uint8_t *data, size_t size, size_t max_size, uint32_t seed,
		  const struct fdt_dict *dict)
{
	struct fdt_rng r = { seed };
	struct mctx m = { .r = &r, .fdt = work, .d = dict };
	size_t cap = max_size < WORK_MAX ? max_size : WORK_MAX;
	unsigned int i, n;

	if (size > cap || one_in(&r, RAW_ONE_IN))
		return LLVMFuzzerMutate(data, size, max_size);
	memcpy(other, data, size);
	if (!valid_tree(other, size) || fdt_open_into(other, work, (int)cap))
		return LLVMFuzzerMutate(data, size, max_size);
	harvest(&m, work);
	harvest(&m, dict->donor);
	n = 1 + (one_in(&r, 2) ? fdt_rng_below(&r, 3) : 0);
	for (i = 0; i < n; i++)
		mutate_once(&m);
	if (fdt_pack(work) || fdt_totalsize(work) > max_size)
		return LLVMFuzzerMutate(data, size, max_size);
	memcpy(data, work, fdt_totalsize(work));
	return fdt_totalsize(work);
}

size_t fdt_cross(const uint8_t *a, size_t a_size, const uint8_t *b, size_t b_size, uint8_t *out,
		 size_t max_out, uint32_t seed)
{
	static const struct fdt_dict none;
	struct fdt_rng r = { seed };
	struct mctx m = { .r = &r, .fdt = work, .d = &none };
	size_t cap = max_out < WORK_MAX ? max_out : WORK_MAX;
	int from, to;
	const char *name;

	if (a_size > cap || b_size > WORK_MAX)
		return 0;
	memcpy(other, a, a_size);
	memcpy(snap, b, b_size);
	if (!valid_tree(other, a_size) || !valid_tree(snap, b_size) ||
	    fdt_open_into(other, work, (int)cap))
		return 0;
	from = pick_node(&r, snap);
	to = pick_node(&r, work);
	if (from > 0 && one_in(&r, 3)) {
		/* a property of b's node set on a's */
		int off = pick_prop(&r, snap, from), len;
		const void *v = off >= 0 ? fdt_getprop_by_offset(snap, off, &name, &len) : NULL;

		if (v)
			fdt_setprop(work, to, name, v, len);
	} else if (from > 0) {
		name = fdt_get_name(snap, from, NULL);
		if (name)
			copy_subtree(&m, snap, from, to, name, 0);
	}
	if (fdt_pack(work) || fdt_totalsize(work) > max_out)
		return 0;
	memcpy(out, work, fdt_totalsize(work));
	return fdt_totalsize(work);
}
