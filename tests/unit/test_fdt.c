/*
 * test_fdt.c - host unit tests for lib/fdt.c: every function it defines gives what the host's
 * libfdt (1.6.1, the version the image was linked with) gives, on the same blob and arguments:
 * return values, lengths, pointers and buffers. fdt_rename.h (force-included by fdt.mk) names
 * skiff's skiff_fdt_<name>. The blobs: every DTB under $SKIFF_BUILD (else build)/tests/dtb and
 * /dts, each as built and mutated at random (header fields, versions 2 to 17, tags, lengths,
 * name offsets, any byte), and the files FDT_TEST_DTBS names (a colon-separated list; for
 * longer runs, such as a board corpus). Arguments: every offset of the structure block and a
 * few outside it, every node's path and variants of it, the tree's names, strings and phandles.
 *
 * lib/fdt.c relies on fdt_check_header() having passed, so everything else is compared only
 * on such blobs, and not where a property length could wrap libfdt's 32-bit offset on a walk
 * (libfdt can loop for ever there; lib/fdt.c ends the walk) nor for an alias whose value is
 * not a full path (libfdt follows it as an alias again; lib/fdt.c does not, and its callers
 * never pass one).
 */
#include <dirent.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* skiff's are declared by fdt_rename.h under skiff_fdt_<name>: the plain names back to the
 * host's libfdt, the reference. */
#undef fdt_check_header
#undef fdt_next_node
#undef fdt_first_subnode
#undef fdt_next_subnode
#undef fdt_get_name
#undef fdt_first_property_offset
#undef fdt_next_property_offset
#undef fdt_getprop_by_offset
#undef fdt_getprop_namelen
#undef fdt_getprop
#undef fdt_get_phandle
#undef fdt_parent_offset
#undef fdt_get_path
#undef fdt_subnode_offset
#undef fdt_path_offset_namelen
#undef fdt_path_offset
#undef fdt_get_mem_rsv
#undef fdt_num_mem_rsv
#undef fdt_node_offset_by_phandle
#undef fdt_node_offset_by_prop_value
#undef fdt_stringlist_contains
#undef fdt_node_check_compatible
#undef fdt_node_offset_by_compatible
#undef fdt_stringlist_get

#include <cmocka.h>

#include "tests/unit/fixture.h"

#define BLOB_MAX (1u << 21)
#define MUTANTS 16    /* of each small fixture */
#define SMALL 8192    /* a fixture this size or less is mutated */
#define NAMES_MAX 256 /* names, strings and paths collected from one tree */
#define PATH_BUF 256

static uint64_t blob[BLOB_MAX / 8]; /* 8-byte aligned, as libfdt wants */
static const void *fdt = blob;
static const char *what; /* the blob, for messages */
static unsigned long compared;

struct words {
	unsigned int n;
	char s[NAMES_MAX][PATH_BUF];
};

static struct words names, strs, paths;
/* Where the walk from the root leaves it: libfdt's fdt_get_path() reads before its buffer for
 * an offset there or past it. */
static int root_end;

#define SAME(a, b, ...)                                                                \
	do {                                                                           \
		long long a_ = (long long)(a), b_ = (long long)(b);                    \
		compared++;                                                            \
		if (a_ != b_) {                                                        \
			char m_[256];                                                  \
			snprintf(m_, sizeof(m_), __VA_ARGS__);                         \
			fail_msg("%s: %s: skiff %lld, libfdt %lld", what, m_, a_, b_); \
		}                                                                      \
	} while (0)

static void add(struct words *w, const char *s, size_t len)
{
	unsigned int i;

	if (w->n == NAMES_MAX || len >= PATH_BUF)
		return;
	for (i = 0; i < w->n; i++)
		if (strlen(w->s[i]) == len && !memcmp(w->s[i], s, len))
			return;
	memcpy(w->s[w->n], s, len);
	w->s[w->n++][len] = '\0';
}

/* Whether libfdt's walk from offset cur ends: each tag after the one before it, and no
 * property length that takes its int offset near 2 GiB (where libfdt's offset wraps). */
static bool walk_ends(int cur)
{
	const uint8_t *st = (const uint8_t *)fdt + fdt_off_dt_struct(fdt);
	uint32_t limit = fdt_version(fdt) >= 17 ? fdt_size_dt_struct(fdt)
						: fdt_totalsize(fdt) - fdt_off_dt_struct(fdt);
	int next;

	for (;;) {
		if (cur < 0 || cur % 4 || (uint64_t)cur + 8 > limit)
			return true;
		if (fdt32_ld((const fdt32_t *)(st + cur)) == FDT_PROP &&
		    (uint64_t)cur + 16 + fdt32_ld((const fdt32_t *)(st + cur + 4)) >= 0x7fffff00u)
			return false;
		if (fdt_next_tag(fdt, cur, &next) == FDT_END || next < 0)
			return true;
		if (next <= cur)
			return false;
		cur = next;
	}
}

/* The names, strings and paths of the tree, collected with libfdt (bounded: the tree may be a
 * mutant). */
static void collect(void)
{
	int node, depth = 0, steps = 0, off, len;

	names.n = strs.n = paths.n = 0;
	root_end = INT_MAX;
	for (node = 0; node >= 0 && depth >= 0 && steps < 4000; steps++)
		node = fdt_next_node(fdt, node, &depth);
	if (depth < 0)
		root_end = node;
	depth = steps = 0;
	for (node = fdt_next_node(fdt, -1, &depth); node >= 0 && depth > 0 && steps < 2000;
	     node = fdt_next_node(fdt, node, &depth), steps++) {
		const char *name = fdt_get_name(fdt, node, &len);
		char path[PATH_BUF];
		int count = 0;

		if (name) {
			const char *at = strchr(name, '@');

			add(&names, name, (size_t)len);
			if (at)
				add(&names, name, (size_t)(at - name));
		}
		if (node < root_end && !fdt_get_path(fdt, node, path, sizeof(path)))
			add(&paths, path, strlen(path));
		fdt_for_each_property_offset(off, fdt, node)
		{
			const char *pname, *v = fdt_getprop_by_offset(fdt, off, &pname, &len);

			if (++count > 200)
				break;
			if (!v)
				continue;
			add(&names, pname, strlen(pname));
			if (len > 0 && len < PATH_BUF && !v[len - 1])
				add(&strs, v, strnlen(v, (size_t)len));
		}
	}
}

static void same_ptr(const void *a, const void *b, const char *fmt, int arg)
{
	char m[64];

	snprintf(m, sizeof(m), fmt, arg);
	SAME((uintptr_t)a, (uintptr_t)b, "%s", m);
}

/* The functions that take a node or property offset, at offset o (the ones that walk the tree
 * when walks; light: with a few of the tree's names only). */
static void at_offset(int o, bool walks, bool light)
{
	int d1, d2, l1, l2, i;
	const char *n1, *n2;
	const void *v1, *v2;

	for (i = -1; i <= 1; i++) {
		d1 = d2 = i;
		SAME(skiff_fdt_next_node(fdt, o, &d1), fdt_next_node(fdt, o, &d2), "next_node %d",
		     o);
		SAME(d1, d2, "next_node %d depth", o);
	}
	SAME(skiff_fdt_next_node(fdt, o, NULL), fdt_next_node(fdt, o, NULL), "next_node %d", o);
	SAME(skiff_fdt_first_subnode(fdt, o), fdt_first_subnode(fdt, o), "first_subnode %d", o);
	SAME(skiff_fdt_next_subnode(fdt, o), fdt_next_subnode(fdt, o), "next_subnode %d", o);
	SAME(skiff_fdt_first_property_offset(fdt, o), fdt_first_property_offset(fdt, o),
	     "first_property %d", o);
	SAME(skiff_fdt_next_property_offset(fdt, o), fdt_next_property_offset(fdt, o),
	     "next_property %d", o);
	l1 = l2 = 12345;
	same_ptr(skiff_fdt_get_name(fdt, o, &l1), fdt_get_name(fdt, o, &l2), "get_name %d", o);
	SAME(l1, l2, "get_name %d len", o);
	same_ptr(skiff_fdt_get_name(fdt, o, NULL), fdt_get_name(fdt, o, NULL), "get_name %d", o);
	n1 = n2 = NULL;
	l1 = l2 = 12345;
	v1 = skiff_fdt_getprop_by_offset(fdt, o, &n1, &l1);
	v2 = fdt_getprop_by_offset(fdt, o, &n2, &l2);
	same_ptr(v1, v2, "getprop_by_offset %d", o);
	same_ptr(n1, n2, "getprop_by_offset %d name", o);
	SAME(l1, l2, "getprop_by_offset %d len", o);
	same_ptr(skiff_fdt_getprop_by_offset(fdt, o, NULL, NULL),
		 fdt_getprop_by_offset(fdt, o, NULL, NULL), "getprop_by_offset %d", o);
	SAME(skiff_fdt_get_phandle(fdt, o), fdt_get_phandle(fdt, o), "get_phandle %d", o);
	for (i = 0; i < (int)names.n && (!light || i < 16); i++) {
		const char *name = names.s[i];
		int n = (int)strlen(name);

		l1 = l2 = 12345;
		same_ptr(skiff_fdt_getprop(fdt, o, name, &l1), fdt_getprop(fdt, o, name, &l2),
			 "getprop %d", o);
		SAME(l1, l2, "getprop %d \"%s\" len", o, name);
		same_ptr(skiff_fdt_getprop_namelen(fdt, o, name, n - (n > 0), &l1),
			 fdt_getprop_namelen(fdt, o, name, n - (n > 0), &l2), "getprop_namelen %d",
			 o);
		SAME(l1, l2, "getprop_namelen %d len", o);
		SAME(skiff_fdt_subnode_offset(fdt, o, name), fdt_subnode_offset(fdt, o, name),
		     "subnode_offset %d \"%s\"", o, name);
	}
	same_ptr(skiff_fdt_getprop(fdt, o, "compatible", NULL),
		 fdt_getprop(fdt, o, "compatible", NULL), "getprop %d", o);
	for (i = 0; i < 4; i++) {
		l1 = l2 = 12345;
		same_ptr(skiff_fdt_stringlist_get(fdt, o, "compatible", i, &l1),
			 fdt_stringlist_get(fdt, o, "compatible", i, &l2), "stringlist_get %d", o);
		SAME(l1, l2, "stringlist_get %d %d len", o, i);
	}
	same_ptr(skiff_fdt_stringlist_get(fdt, o, "compatible", 0, NULL),
		 fdt_stringlist_get(fdt, o, "compatible", 0, NULL), "stringlist_get %d", o);
	for (i = 0; i < (int)strs.n && (!light || i < 16); i++)
		SAME(skiff_fdt_node_check_compatible(fdt, o, strs.s[i]),
		     fdt_node_check_compatible(fdt, o, strs.s[i]), "check_compatible %d \"%s\"", o,
		     strs.s[i]);
	if (!walks)
		return;
	SAME(skiff_fdt_parent_offset(fdt, o), fdt_parent_offset(fdt, o), "parent_offset %d", o);
	for (i = 0; i < 6 && o < root_end; i++) {
		static const int lens[] = { 0, 1, 2, 5, 16, PATH_BUF };
		char b1[PATH_BUF], b2[PATH_BUF];

		memset(b1, 'x', sizeof(b1));
		memset(b2, 'x', sizeof(b2));
		SAME(skiff_fdt_get_path(fdt, o, b1, lens[i]), fdt_get_path(fdt, o, b2, lens[i]),
		     "get_path %d, %d bytes", o, lens[i]);
		SAME(memcmp(b1, b2, sizeof(b1)), 0, "get_path %d, %d bytes: the buffer", o,
		     lens[i]);
	}
	for (i = 0; i < (int)strs.n && i < (light ? 2 : 12); i++) {
		const char *s = strs.s[i];

		SAME(skiff_fdt_node_offset_by_compatible(fdt, o, s),
		     fdt_node_offset_by_compatible(fdt, o, s), "by_compatible %d \"%s\"", o, s);
		SAME(skiff_fdt_node_offset_by_prop_value(fdt, o, "compatible", s,
							 (int)strlen(s) + 1),
		     fdt_node_offset_by_prop_value(fdt, o, "compatible", s, (int)strlen(s) + 1),
		     "by_prop_value %d \"%s\"", o, s);
	}
	SAME(skiff_fdt_node_offset_by_prop_value(fdt, o, "reg", "", 0),
	     fdt_node_offset_by_prop_value(fdt, o, "reg", "", 0), "by_prop_value %d", o);
}

/* Whether libfdt may follow path's alias (a value not a full path): it would recurse. */
static bool alias_recurses(const char *path, int len)
{
	const char *slash = memchr(path, '/', (size_t)len), *v;
	int aliases = fdt_path_offset(fdt, "/aliases"), n;

	if (path[0] == '/' || aliases < 0) /* libfdt reads path[0] even for len 0 */
		return false;
	v = fdt_getprop_namelen(fdt, aliases, path, slash ? (int)(slash - path) : len, &n);
	return v && (v[0] != '/' || n < 1 || v[n - 1]);
}

static void at_path(const char *path)
{
	int len = (int)strlen(path), n;

	if (!alias_recurses(path, len))
		SAME(skiff_fdt_path_offset(fdt, path), fdt_path_offset(fdt, path),
		     "path_offset \"%s\"", path);
	for (n = 0; n < len; n++)
		if (!alias_recurses(path, n))
			SAME(skiff_fdt_path_offset_namelen(fdt, path, n),
			     fdt_path_offset_namelen(fdt, path, n), "path_offset_namelen \"%s\" %d",
			     path, n);
}

static void paths_and_variants(void)
{
	unsigned int i, n = paths.n;
	int aliases = fdt_path_offset(fdt, "/aliases"), off, len;
	char p[PATH_BUF + 8];

	at_path("/");
	at_path("//");
	at_path("");
	at_path("nosuchalias");
	at_path("/nosuchnode");
	for (i = 0; i < n; i++) {
		const char *s = paths.s[i], *at = strrchr(s, '@');

		at_path(s);
		snprintf(p, sizeof(p), "%s/", s);
		at_path(p);
		snprintf(p, sizeof(p), "/%s", s);
		at_path(p);
		if (at) {
			snprintf(p, sizeof(p), "%.*s", (int)(at - s), s);
			at_path(p);
		}
	}
	if (aliases < 0)
		return;
	fdt_for_each_property_offset(off, fdt, aliases)
	{
		const char *name;

		if (!fdt_getprop_by_offset(fdt, off, &name, &len))
			break;
		at_path(name);
		snprintf(p, sizeof(p), "%s/x", name);
		at_path(p);
	}
}

static void globals(void)
{
	unsigned int i;
	int n, nr;
	/* not INT_MIN, nor any n whose n * 16 wraps to a small offset: libfdt indexes with n itself
	 */
	static const int rsv[] = { -2, -1, 0, 1, 2, 3, 4, 100, INT_MAX };

	nr = fdt_num_mem_rsv(fdt);
	SAME(skiff_fdt_num_mem_rsv(fdt), nr, "num_mem_rsv");
	for (i = 0; i < sizeof(rsv) / sizeof(rsv[0]); i++) {
		uint64_t a1 = 1, s1 = 2, a2 = 1, s2 = 2;

		SAME(skiff_fdt_get_mem_rsv(fdt, rsv[i], &a1, &s1),
		     fdt_get_mem_rsv(fdt, rsv[i], &a2, &s2), "get_mem_rsv %d", rsv[i]);
		SAME(a1, a2, "get_mem_rsv %d address", rsv[i]);
		SAME(s1, s2, "get_mem_rsv %d size", rsv[i]);
	}
	for (n = 0; n < nr + 2 && n < 64; n++) {
		uint64_t a1 = 1, s1 = 2, a2 = 1, s2 = 2;

		SAME(skiff_fdt_get_mem_rsv(fdt, n, &a1, &s1), fdt_get_mem_rsv(fdt, n, &a2, &s2),
		     "get_mem_rsv %d", n);
		SAME(a1, a2, "get_mem_rsv %d address", n);
		SAME(s1, s2, "get_mem_rsv %d size", n);
	}
	for (n = -1; n < 40; n++) {
		uint32_t ph = n < 0 ? ~0u : (uint32_t)n;

		SAME(skiff_fdt_node_offset_by_phandle(fdt, ph), fdt_node_offset_by_phandle(fdt, ph),
		     "by_phandle %u", ph);
	}
	for (i = 0; i < strs.n; i++) {
		const char *s = strs.s[i];
		int len = (int)strlen(s) + 1, j;

		/* a list of strings: this one, and each one of the tree's inside it */
		for (j = 0; j < (int)strs.n && j < 40; j++)
			SAME(skiff_fdt_stringlist_contains(s, len, strs.s[j]),
			     fdt_stringlist_contains(s, len, strs.s[j]), "stringlist_contains");
		SAME(skiff_fdt_stringlist_contains(s, len - 1, s),
		     fdt_stringlist_contains(s, len - 1, s), "stringlist_contains");
	}
	paths_and_variants();
}

/* Everything, on the blob in blob[] (size bytes). */
static void compare_blob(size_t size, bool all_offsets)
{
	uint32_t limit;
	int o, nodes = 0;

	SAME(skiff_fdt_check_header(fdt), fdt_check_header(fdt), "check_header");
	if (fdt_check_header(fdt) || fdt_totalsize(fdt) > size || !walk_ends(0))
		return;
	collect();
	globals();
	limit = fdt_version(fdt) >= 17 ? fdt_size_dt_struct(fdt)
				       : fdt_totalsize(fdt) - fdt_off_dt_struct(fdt);
	for (o = -9; o <= (int)limit + 9 && o < (1 << 20); o++) {
		bool node = o >= 0 && o <= (int)limit && fdt_get_name(fdt, o, NULL);

		nodes += node;
		/* a large tree: its nodes, every 64th offset, the walks from every 8th node */
		if (limit > SMALL && o >= 0 && o <= (int)limit && o % 64 && !node)
			continue;
		if ((all_offsets || o % 4 == 0 || o < 0 || o > (int)limit) && walk_ends(o))
			at_offset(o, (o % 4 == 0 && (limit <= SMALL || (node && nodes % 8 == 1))) ||
					     o<0, limit> SMALL);
	}
	at_offset(INT_MAX, true, false);
	at_offset(INT_MIN, true, false);
}

static uint32_t rnd(void)
{
	return ((uint32_t)rand() << 16) ^ (uint32_t)rand();
}

static void put32(size_t size, uint32_t off, uint32_t v)
{
	if ((uint64_t)off + 4 <= size)
		fdt32_st((uint8_t *)blob + off, v);
}

static void mutate(size_t size)
{
	uint32_t st = fdt_off_dt_struct(fdt), ss = fdt_size_dt_struct(fdt), k;

	if (st >= size || ss > size - st)
		ss = 0;
	for (k = 0; k < 1 + (uint32_t)rand() % 3; k++) {
		switch (rand() % 8) {
		case 0:
			*((uint8_t *)blob + rnd() % size) = (uint8_t)rand();
			break;
		case 1: /* the version, with a last compatible version it allows */
			put32(size, 20, 2 + (uint32_t)rand() % 16);
			put32(size, 24, 2 + (uint32_t)rand() % 15);
			break;
		case 2: /* a header field */
			put32(size, 4 * (1 + (uint32_t)rand() % 9),
			      (uint32_t)rand() % 2
				      ? rnd() % ((uint32_t)size + 64)
				      : fdt32_ld((const fdt32_t *)((uint8_t *)blob +
								   4 * (1 + rand() % 9))) +
						(uint32_t)(rand() % 17) - 8);
			break;
		case 3: /* a tag */
			if (ss)
				put32(size, st + (rnd() % ss & ~3u), 1 + (uint32_t)rand() % 10);
			break;
		case 4: /* a length or name offset */
			if (ss)
				put32(size, st + (rnd() % ss & ~3u), (uint32_t)rand() % 64);
			break;
		case 5: /* a NUL of the structure or strings block */
			*((uint8_t *)blob + rnd() % size) = 0;
			break;
		case 6: /* the reservation map */
			put32(size, fdt_off_mem_rsvmap(fdt) + 4 * ((uint32_t)rand() % 8),
			      (uint32_t)rand() % 3);
			break;
		default: /* a '/' or '@' in a name */
			*((uint8_t *)blob + rnd() % size) = rand() % 2 ? '/' : '@';
			break;
		}
	}
}

static void one_file(const char *path)
{
	struct blob b;
	unsigned int i;

	fixture_read(path, "run make unit, or set SKIFF_BUILD", &b);
	what = path;
	if (b.size > sizeof(blob) - 64) {
		free(b.data);
		return;
	}
	memset(blob, 0, sizeof(blob));
	memcpy(blob, b.data, b.size);
	compare_blob(b.size, b.size <= SMALL);
	/* fdt_check_header on a blob not 8-byte aligned */
	memmove((uint8_t *)blob + 4, blob, b.size);
	SAME(skiff_fdt_check_header((uint8_t *)blob + 4), fdt_check_header((uint8_t *)blob + 4),
	     "check_header, misaligned");
	for (i = 0; b.size <= SMALL && i < MUTANTS; i++) {
		char m[768];

		memset(blob, 0, b.size + 64);
		memcpy(blob, b.data, b.size);
		mutate(b.size);
		snprintf(m, sizeof(m), "%s mutant %u", path, i);
		what = m;
		compare_blob(b.size, false);
	}
	free(b.data);
}

static void each_dtb_in(const char *dir)
{
	struct dirent **list;
	int n, i;

	n = scandir(dir, &list, NULL, alphasort);
	if (n < 0)
		fail_msg("cannot read %s (run make unit, or set SKIFF_BUILD)", dir);
	for (i = 0; i < n; i++) {
		const char *name = list[i]->d_name;
		size_t len = strlen(name);

		if (len > 4 && !strcmp(name + len - 4, ".dtb")) {
			char path[1024];

			snprintf(path, sizeof(path), "%s/%s", dir, name);
			one_file(path);
		}
		free(list[i]);
	}
	free(list);
}

static void test_fixtures(void **state)
{
	const char *build = getenv("SKIFF_BUILD"), *more = getenv("FDT_TEST_DTBS");
	char dir[768];

	(void)state;
	srand(1);
	snprintf(dir, sizeof(dir), "%s/tests/dtb", build && *build ? build : "build");
	each_dtb_in(dir);
	snprintf(dir, sizeof(dir), "%s/dts", build && *build ? build : "build");
	each_dtb_in(dir);
	/* FDT_TEST_DTBS: more trees, and MUTANTS of each that is small */
	if (more && *more) {
		char *copy = strdup(more), *p, *save = NULL;

		assert_non_null(copy);
		for (p = strtok_r(copy, ":", &save); p; p = strtok_r(NULL, ":", &save))
			one_file(p);
		free(copy);
	}
	if (compared < 1000000)
		fail_msg("only %lu comparisons", compared);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
