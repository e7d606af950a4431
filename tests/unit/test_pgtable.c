/*
 * test_pgtable.c - host unit tests for arch/arm64/pgtable.c. The table allocator is a pool of
 * zeroed 4 KiB-aligned host pages that counts what it hands out and can be made to run dry.
 * Results are checked with pt_lookup and with a walker written here from the VMSAv8-64 rules
 * (4 KiB granule; L0..L3 index va[47:39], [38:30], [29:21], [20:12]; L1/L2 block = 01,
 * table = 11, L3 page = 11), which follows the host pointers the descriptors hold.
 * Touches nothing but its own pages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arch/arm64/pgtable.h"

#define PAGE 0x1000ULL
#define SZ_2M 0x200000ULL
#define SZ_1G 0x40000000ULL
#define VA_TOP (1ULL << 48)

#define POOL_MAX 16384 /* pages, root included */
#define NO_LIMIT (~0u)

#define DESC_TYPE_MASK 3ULL
#define DESC_BLOCK 1ULL
#define DESC_TABLE 3ULL
#define DESC_PAGE 3ULL

/* Typical normal-memory and device attributes. */
#define ATTR_NORMAL (PTE_ATTRINDX(0) | PTE_SH_INNER | PTE_AF)
#define ATTR_DEVICE (PTE_ATTRINDX(1) | PTE_AF | PTE_XN)
#define ATTR_RO (ATTR_NORMAL | PTE_AP_RO)

struct pool {
	uint64_t *pages[POOL_MAX];
	unsigned int npages; /* pages held, the root included */
	unsigned int allocs; /* pages handed out through pt->alloc */
	unsigned int limit;  /* pt->alloc returns NULL once allocs reaches this */
};

/* A copy of every table page, to show that a call changed nothing. */
struct snapshot {
	unsigned int npages;
	uint64_t *copy;
};

struct fixture {
	struct pool pool;
	struct pgtable pt;
	struct snapshot snap; /* freed by teardown if a test fails holding it */
};

static uint64_t *pool_page(struct pool *p)
{
	uint64_t *page;

	if (p->npages == POOL_MAX)
		return NULL;
	page = aligned_alloc(PAGE, PAGE);
	if (!page)
		return NULL;
	memset(page, 0, PAGE);
	p->pages[p->npages++] = page;
	return page;
}

static uint64_t *pool_alloc(void *ctx)
{
	struct pool *p = ctx;

	if (p->allocs >= p->limit)
		return NULL;
	p->allocs++;
	return pool_page(p);
}

static int setup_level(void **state, unsigned int start_level)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->pool.limit = NO_LIMIT;
	f->pt.root = pool_page(&f->pool);
	if (!f->pt.root) {
		free(f);
		return -1;
	}
	f->pt.alloc = pool_alloc;
	f->pt.ctx = &f->pool;
	f->pt.start_level = start_level;
	*state = f;
	return 0;
}

static int setup(void **state)
{
	return setup_level(state, 0);
}

static int setup_39bit(void **state)
{
	return setup_level(state, 1);
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	unsigned int i;

	for (i = 0; i < f->pool.npages; i++)
		free(f->pool.pages[i]);
	free(f->snap.copy);
	free(f);
	return 0;
}

/* ---- a reference walker, from the architecture rather than from pgtable.c */

static unsigned int va_index(uint64_t va, unsigned int level)
{
	static const unsigned int lsb[4] = { 39, 30, 21, 12 };

	return (unsigned int)((va >> lsb[level]) & 0x1ff);
}

static uint64_t level_size(unsigned int level)
{
	static const uint64_t size[4] = { 1ULL << 39, SZ_1G, SZ_2M, PAGE };

	return size[level];
}

static const uint64_t *next_table(uint64_t desc)
{
	return (const uint64_t *)(uintptr_t)(desc & 0x0000fffffffff000ULL);
}

/* The raw entry at level want for va; fails the test if a table on the way is missing. */
static uint64_t entry_at(const struct pgtable *pt, uint64_t va, unsigned int want)
{
	const uint64_t *table = pt->root;
	unsigned int level;

	for (level = pt->start_level; level < want; level++) {
		uint64_t desc = table[va_index(va, level)];

		if ((desc & DESC_TYPE_MASK) != DESC_TABLE)
			fail_msg("va 0x%llx: L%u entry 0x%llx is not a table",
				 (unsigned long long)va, level, (unsigned long long)desc);
		table = next_table(desc);
	}
	return table[va_index(va, want)];
}

/* Walks like the MMU: the leaf descriptor for va (0 if it faults) and its level. */
static uint64_t walk(const struct pgtable *pt, uint64_t va, unsigned int *leaf_level)
{
	const uint64_t *table = pt->root;
	unsigned int level;

	for (level = pt->start_level; level <= 3; level++) {
		uint64_t desc = table[va_index(va, level)];
		uint64_t type = desc & DESC_TYPE_MASK;

		if (level == 3) {
			if (type != DESC_PAGE)
				return 0;
		} else if (type == DESC_BLOCK) {
			if (level == 0)
				fail_msg("va 0x%llx: block descriptor at L0",
					 (unsigned long long)va);
		} else if (type == DESC_TABLE) {
			table = next_table(desc);
			continue;
		} else {
			return 0;
		}
		*leaf_level = level;
		return desc;
	}
	return 0;
}

/* Output address of va through leaf desc at level. */
static uint64_t out_addr(uint64_t desc, unsigned int level, uint64_t va)
{
	uint64_t size = level_size(level);

	return (desc & 0x0000fffffffff000ULL & ~(size - 1)) | (va & (size - 1));
}

static uint64_t leaf_attrs(uint64_t desc)
{
	return desc & ~0x0000fffffffff000ULL & ~DESC_TYPE_MASK;
}

/*
 * va must translate to pa with attrs through a leaf at level, by both the walker here and
 * pt_lookup, and the two must return the same descriptor.
 */
static void check_xlate(const struct pgtable *pt, uint64_t va, uint64_t pa, uint64_t attrs,
			unsigned int level)
{
	unsigned int wl = 99, ll = 99;
	uint64_t desc = walk(pt, va, &wl);
	uint64_t ldesc = pt_lookup(pt, va, &ll);

	if (!desc)
		fail_msg("va 0x%llx: not mapped", (unsigned long long)va);
	if (desc != ldesc || wl != ll)
		fail_msg("va 0x%llx: walker L%u 0x%llx, pt_lookup L%u 0x%llx",
			 (unsigned long long)va, wl, (unsigned long long)desc, ll,
			 (unsigned long long)ldesc);
	if (wl != level || out_addr(desc, wl, va) != pa || leaf_attrs(desc) != attrs ||
	    (desc & DESC_TYPE_MASK) != (wl == 3 ? DESC_PAGE : DESC_BLOCK))
		fail_msg("va 0x%llx: got L%u 0x%llx (pa 0x%llx), want L%u pa 0x%llx attrs 0x%llx",
			 (unsigned long long)va, wl, (unsigned long long)desc,
			 (unsigned long long)out_addr(desc, wl, va), level, (unsigned long long)pa,
			 (unsigned long long)attrs);
}

static void check_unmapped(const struct pgtable *pt, uint64_t va)
{
	unsigned int level;
	uint64_t desc = walk(pt, va, &level);
	uint64_t ldesc = pt_lookup(pt, va, NULL);

	if (desc || ldesc)
		fail_msg("va 0x%llx: mapped (walker 0x%llx, pt_lookup 0x%llx), want unmapped",
			 (unsigned long long)va, (unsigned long long)desc,
			 (unsigned long long)ldesc);
}

/* Number of non-zero entries in a table. */
static unsigned int table_used(const uint64_t *table)
{
	unsigned int i, n = 0;

	for (i = 0; i < PT_ENTRIES; i++)
		n += table[i] != 0;
	return n;
}

static void snap_take(struct fixture *f)
{
	struct snapshot *s = &f->snap;
	const struct pool *p = &f->pool;
	unsigned int i;

	s->npages = p->npages;
	s->copy = malloc((size_t)p->npages * PAGE);
	assert_non_null(s->copy);
	for (i = 0; i < p->npages; i++)
		memcpy(s->copy + i * PT_ENTRIES, p->pages[i], PAGE);
}

static void snap_check_and_free(struct fixture *f)
{
	struct snapshot *s = &f->snap;
	const struct pool *p = &f->pool;
	unsigned int i;

	assert_int_equal(p->npages, s->npages);
	for (i = 0; i < p->npages; i++)
		if (memcmp(s->copy + i * PT_ENTRIES, p->pages[i], PAGE))
			fail_msg("table page %u changed", i);
	free(s->copy);
	s->copy = NULL;
}

/* ---- single mappings */

static void test_map_page(void **state)
{
	struct fixture *f = *state;
	const uint64_t va = 0x80001000;
	unsigned int level = 99;

	assert_int_equal(pt_map(&f->pt, va, va, PAGE, ATTR_NORMAL), PT_OK);
	assert_int_equal(f->pool.allocs, 3); /* L1, L2, L3 */

	/* L0[0] -> L1, L1[2] -> L2, L2[0] -> L3, L3[1] = page */
	assert_int_equal(f->pt.root[0] & DESC_TYPE_MASK, DESC_TABLE);
	assert_int_equal(table_used(f->pt.root), 1);
	assert_int_equal(entry_at(&f->pt, va, 1) & DESC_TYPE_MASK, DESC_TABLE);
	assert_int_equal(entry_at(&f->pt, va, 2) & DESC_TYPE_MASK, DESC_TABLE);
	assert_int_equal(entry_at(&f->pt, va, 3), va | ATTR_NORMAL | DESC_PAGE);
	assert_int_equal(va_index(va, 1), 2);
	assert_int_equal(va_index(va, 3), 1);

	assert_int_equal(pt_lookup(&f->pt, va, &level), va | ATTR_NORMAL | DESC_PAGE);
	assert_int_equal(level, 3);
	/* any byte of the page, and nothing around it */
	check_xlate(&f->pt, va + 0xfff, va + 0xfff, ATTR_NORMAL, 3);
	check_unmapped(&f->pt, va - PAGE);
	check_unmapped(&f->pt, va + PAGE);
	check_unmapped(&f->pt, 0);
	check_unmapped(&f->pt, va + SZ_1G);
}

static void test_map_2m_block(void **state)
{
	struct fixture *f = *state;
	const uint64_t va = 0x40200000;
	unsigned int level = 99;
	uint64_t off;

	assert_int_equal(pt_map(&f->pt, va, va, SZ_2M, ATTR_DEVICE), PT_OK);
	assert_int_equal(f->pool.allocs, 2); /* L1, L2: no L3 */
	assert_int_equal(entry_at(&f->pt, va, 2), va | ATTR_DEVICE | DESC_BLOCK);

	assert_int_equal(pt_lookup(&f->pt, va + 0x12345, &level), va | ATTR_DEVICE | DESC_BLOCK);
	assert_int_equal(level, 2);
	for (off = 0; off < SZ_2M; off += PAGE)
		check_xlate(&f->pt, va + off, va + off, ATTR_DEVICE, 2);
	check_unmapped(&f->pt, va - PAGE);
	check_unmapped(&f->pt, va + SZ_2M);
}

static void test_map_1g_block(void **state)
{
	struct fixture *f = *state;
	const uint64_t va = 0x40000000;
	unsigned int level = 99;

	assert_int_equal(pt_map(&f->pt, va, va, SZ_1G, ATTR_RO), PT_OK);
	assert_int_equal(f->pool.allocs, 1); /* L1 only */
	assert_int_equal(entry_at(&f->pt, va, 1), va | ATTR_RO | DESC_BLOCK);
	assert_int_equal(table_used(next_table(f->pt.root[0])), 1);

	assert_int_equal(pt_lookup(&f->pt, va + SZ_1G - 1, &level), va | ATTR_RO | DESC_BLOCK);
	assert_int_equal(level, 1);
	check_xlate(&f->pt, va, va, ATTR_RO, 1);
	check_xlate(&f->pt, va + 0x3abcd000, va + 0x3abcd000, ATTR_RO, 1);
	check_unmapped(&f->pt, va - PAGE);
	check_unmapped(&f->pt, va + SZ_1G);
}

/* 0x3ffff000 .. 0x80201000: a page, a 1 GiB block, a 2 MiB block, a page. */
static void test_map_span(void **state)
{
	struct fixture *f = *state;
	const uint64_t start = SZ_1G - PAGE, end = 2 * SZ_1G + SZ_2M + PAGE;
	uint64_t va;

	assert_int_equal(pt_map(&f->pt, start, start, end - start, ATTR_NORMAL), PT_OK);
	/* L1; L2 + L3 for the first GiB; L2 + L3 for the third */
	assert_int_equal(f->pool.allocs, 5);

	assert_int_equal(entry_at(&f->pt, start, 3), start | ATTR_NORMAL | DESC_PAGE);
	assert_int_equal(entry_at(&f->pt, SZ_1G, 1), SZ_1G | ATTR_NORMAL | DESC_BLOCK);
	assert_int_equal(entry_at(&f->pt, 2 * SZ_1G, 2), 2 * SZ_1G | ATTR_NORMAL | DESC_BLOCK);
	assert_int_equal(entry_at(&f->pt, 2 * SZ_1G + SZ_2M, 3),
			 (2 * SZ_1G + SZ_2M) | ATTR_NORMAL | DESC_PAGE);
	/* nothing else in the tables */
	assert_int_equal(table_used(next_table(f->pt.root[0])), 3);
	assert_int_equal(table_used(next_table(entry_at(&f->pt, start, 1))), 1);
	assert_int_equal(table_used(next_table(entry_at(&f->pt, start, 2))), 1);
	assert_int_equal(table_used(next_table(entry_at(&f->pt, 2 * SZ_1G, 1))), 2);
	assert_int_equal(table_used(next_table(entry_at(&f->pt, end - PAGE, 2))), 1);

	for (va = start; va < end; va += PAGE) {
		unsigned int level = 3;

		if (va >= SZ_1G && va < 2 * SZ_1G)
			level = 1;
		else if (va >= 2 * SZ_1G && va < 2 * SZ_1G + SZ_2M)
			level = 2;
		check_xlate(&f->pt, va, va, ATTR_NORMAL, level);
	}
	check_unmapped(&f->pt, start - PAGE);
	check_unmapped(&f->pt, end);
}

/* The output address is pa, and blocks are used only where pa is aligned too. */
static void test_map_pa_differs(void **state)
{
	struct fixture *f = *state;
	uint64_t off;

	/* 1 GiB block at va 1 GiB -> pa 32 GiB */
	assert_int_equal(pt_map(&f->pt, SZ_1G, 32 * SZ_1G, SZ_1G, ATTR_NORMAL), PT_OK);
	assert_int_equal(entry_at(&f->pt, SZ_1G, 1), 32 * SZ_1G | ATTR_NORMAL | DESC_BLOCK);
	check_xlate(&f->pt, SZ_1G + 0x1234000, 32 * SZ_1G + 0x1234000, ATTR_NORMAL, 1);

	/* va 2 MiB-aligned, pa only page-aligned: 512 pages, no block */
	assert_int_equal(pt_map(&f->pt, 4 * SZ_2M, 0x7654321000, SZ_2M, ATTR_DEVICE), PT_OK);
	assert_int_equal(entry_at(&f->pt, 4 * SZ_2M, 2) & DESC_TYPE_MASK, DESC_TABLE);
	for (off = 0; off < SZ_2M; off += PAGE)
		check_xlate(&f->pt, 4 * SZ_2M + off, 0x7654321000 + off, ATTR_DEVICE, 3);

	/* va unaligned, pa unaligned, but congruent: a 2 MiB block in the middle */
	assert_int_equal(pt_map(&f->pt, 3 * SZ_1G - PAGE, 5 * SZ_1G + 3 * SZ_2M - PAGE,
				SZ_2M + 2 * PAGE, ATTR_RO),
			 PT_OK);
	check_xlate(&f->pt, 3 * SZ_1G - PAGE, 5 * SZ_1G + 3 * SZ_2M - PAGE, ATTR_RO, 3);
	check_xlate(&f->pt, 3 * SZ_1G, 5 * SZ_1G + 3 * SZ_2M, ATTR_RO, 2);
	check_xlate(&f->pt, 3 * SZ_1G + SZ_2M - PAGE, 5 * SZ_1G + 4 * SZ_2M - PAGE, ATTR_RO, 2);
	check_xlate(&f->pt, 3 * SZ_1G + SZ_2M, 5 * SZ_1G + 4 * SZ_2M, ATTR_RO, 3);
	check_unmapped(&f->pt, 3 * SZ_1G + SZ_2M + PAGE);

	/* top of the 48-bit output range */
	assert_int_equal(pt_map(&f->pt, 0x10000, VA_TOP - PAGE, PAGE, ATTR_NORMAL), PT_OK);
	check_xlate(&f->pt, 0x10000, VA_TOP - PAGE, ATTR_NORMAL, 3);
}

/* The highest page of the input range, and lookups of other L0 slots. */
static void test_map_top_of_range(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(pt_map(&f->pt, VA_TOP - PAGE, 0x1000, PAGE, ATTR_NORMAL), PT_OK);
	assert_int_equal(f->pool.allocs, 3);
	assert_int_equal(f->pt.root[511] & DESC_TYPE_MASK, DESC_TABLE);
	check_xlate(&f->pt, VA_TOP - PAGE, 0x1000, ATTR_NORMAL, 3);
	check_unmapped(&f->pt, VA_TOP - 2 * PAGE);
	check_unmapped(&f->pt, 0x1000);

	/* last 1 GiB, block */
	assert_int_equal(pt_map(&f->pt, VA_TOP - 2 * SZ_1G, 0, SZ_1G, ATTR_NORMAL), PT_OK);
	check_xlate(&f->pt, VA_TOP - 2 * SZ_1G, 0, ATTR_NORMAL, 1);
}

/* Valid and type bits in attrs do not change the descriptor type. */
static void test_attrs_type_bits_ignored(void **state)
{
	struct fixture *f = *state;
	const uint64_t type_bits = PTE_VALID | PTE_TABLE;

	assert_int_equal(pt_map(&f->pt, SZ_1G, SZ_1G, SZ_1G, ATTR_NORMAL | type_bits), PT_OK);
	assert_int_equal(pt_map(&f->pt, 2 * SZ_1G, 2 * SZ_1G, SZ_2M, ATTR_NORMAL | type_bits),
			 PT_OK);
	assert_int_equal(pt_map(&f->pt, 3 * SZ_1G, 3 * SZ_1G, PAGE, ATTR_NORMAL | type_bits),
			 PT_OK);
	assert_int_equal(entry_at(&f->pt, SZ_1G, 1), SZ_1G | ATTR_NORMAL | DESC_BLOCK);
	assert_int_equal(entry_at(&f->pt, 2 * SZ_1G, 2), 2 * SZ_1G | ATTR_NORMAL | DESC_BLOCK);
	check_xlate(&f->pt, SZ_1G, SZ_1G, ATTR_NORMAL, 1);
	check_xlate(&f->pt, 2 * SZ_1G, 2 * SZ_1G, ATTR_NORMAL, 2);
	check_xlate(&f->pt, 3 * SZ_1G, 3 * SZ_1G, ATTR_NORMAL, 3);
}

/* ---- errors */

static void test_err_align(void **state)
{
	struct fixture *f = *state;
	static const uint64_t bad[] = { 1, 0x800, 0xfff, 0x1001, 0x200800 };
	unsigned int i;

	snap_take(f);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(pt_map(&f->pt, bad[i], 0, PAGE, ATTR_NORMAL), PT_ERR_ALIGN);
		assert_int_equal(pt_map(&f->pt, 0, bad[i], PAGE, ATTR_NORMAL), PT_ERR_ALIGN);
		assert_int_equal(pt_map(&f->pt, 0, 0, bad[i], ATTR_NORMAL), PT_ERR_ALIGN);
		assert_int_equal(pt_map(&f->pt, SZ_1G, SZ_1G, SZ_1G + bad[i], ATTR_NORMAL),
				 PT_ERR_ALIGN);
	}
	/* alignment is checked before the range */
	assert_int_equal(pt_map(&f->pt, VA_TOP + 1, 0, PAGE, ATTR_NORMAL), PT_ERR_ALIGN);
	assert_int_equal(f->pool.allocs, 0);
	snap_check_and_free(f);
}

static void test_err_range(void **state)
{
	struct fixture *f = *state;

	snap_take(f);
	assert_int_equal(pt_map(&f->pt, VA_TOP, 0, PAGE, ATTR_NORMAL), PT_ERR_RANGE);
	assert_int_equal(pt_map(&f->pt, VA_TOP - PAGE, 0, 2 * PAGE, ATTR_NORMAL), PT_ERR_RANGE);
	assert_int_equal(pt_map(&f->pt, VA_TOP - SZ_1G, 0, 2 * SZ_1G, ATTR_NORMAL), PT_ERR_RANGE);
	assert_int_equal(pt_map(&f->pt, 0, 0, VA_TOP + PAGE, ATTR_NORMAL), PT_ERR_RANGE);
	/* va + size wraps around 2^64 */
	assert_int_equal(pt_map(&f->pt, PAGE, 0, 0ULL - PAGE, ATTR_NORMAL), PT_ERR_RANGE);
	assert_int_equal(pt_map(&f->pt, 0ULL - PAGE, 0, PAGE, ATTR_NORMAL), PT_ERR_RANGE);
	assert_int_equal(pt_map(&f->pt, 1ULL << 63, 0, PAGE, ATTR_NORMAL), PT_ERR_RANGE);
	assert_int_equal(f->pool.allocs, 0);
	snap_check_and_free(f);

	/* the whole range is fine: 512 GiB at a time is L1 blocks under fresh L1 tables */
	assert_int_equal(pt_map(&f->pt, VA_TOP - (1ULL << 39), 0, 1ULL << 39, ATTR_NORMAL), PT_OK);
	check_xlate(&f->pt, VA_TOP - PAGE, (1ULL << 39) - PAGE, ATTR_NORMAL, 1);
}

/* start_level 1: a 39-bit input range, the root is an L1 table. */
static void test_39bit_range(void **state)
{
	struct fixture *f = *state;
	const uint64_t top = 1ULL << 39;

	assert_int_equal(pt_map(&f->pt, top, 0, PAGE, ATTR_NORMAL), PT_ERR_RANGE);
	assert_int_equal(pt_map(&f->pt, top - PAGE, 0, 2 * PAGE, ATTR_NORMAL), PT_ERR_RANGE);
	assert_int_equal(f->pool.allocs, 0);

	assert_int_equal(pt_map(&f->pt, SZ_1G, SZ_1G, SZ_1G, ATTR_NORMAL), PT_OK);
	assert_int_equal(f->pool.allocs, 0); /* a block straight in the root */
	assert_int_equal(f->pt.root[1], SZ_1G | ATTR_NORMAL | DESC_BLOCK);
	check_xlate(&f->pt, SZ_1G + PAGE, SZ_1G + PAGE, ATTR_NORMAL, 1);

	assert_int_equal(pt_map(&f->pt, top - PAGE, 0x5000, PAGE, ATTR_DEVICE), PT_OK);
	assert_int_equal(f->pool.allocs, 2); /* L2, L3 */
	check_xlate(&f->pt, top - PAGE, 0x5000, ATTR_DEVICE, 3);
	check_unmapped(&f->pt, 0);
}

/* The same mapping again: OK, nothing allocated, nothing changed. */
static void test_remap_same(void **state)
{
	struct fixture *f = *state;
	const uint64_t start = SZ_1G - PAGE, size = SZ_1G + SZ_2M + 2 * PAGE;
	unsigned int allocs;

	assert_int_equal(pt_map(&f->pt, start, start, size, ATTR_NORMAL), PT_OK);
	allocs = f->pool.allocs;
	snap_take(f);

	assert_int_equal(pt_map(&f->pt, start, start, size, ATTR_NORMAL), PT_OK);
	/* parts of it: the leading page, the 1 GiB block, the 2 MiB block, the last page */
	assert_int_equal(pt_map(&f->pt, start, start, PAGE, ATTR_NORMAL), PT_OK);
	assert_int_equal(pt_map(&f->pt, SZ_1G, SZ_1G, SZ_1G, ATTR_NORMAL), PT_OK);
	assert_int_equal(pt_map(&f->pt, 2 * SZ_1G, 2 * SZ_1G, SZ_2M, ATTR_NORMAL), PT_OK);
	assert_int_equal(
		pt_map(&f->pt, start + size - PAGE, start + size - PAGE, PAGE, ATTR_NORMAL), PT_OK);

	assert_int_equal(f->pool.allocs, allocs);
	snap_check_and_free(f);
}

static void test_remap_conflict(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(pt_map(&f->pt, 0x9000000, 0x9000000, PAGE, ATTR_DEVICE), PT_OK);
	assert_int_equal(pt_map(&f->pt, 0x40000000, 0x40000000, SZ_1G, ATTR_NORMAL), PT_OK);
	assert_int_equal(pt_map(&f->pt, 0x80200000, 0x80200000, SZ_2M, ATTR_NORMAL), PT_OK);
	snap_take(f);

	/* different attributes */
	assert_int_equal(pt_map(&f->pt, 0x9000000, 0x9000000, PAGE, ATTR_NORMAL), PT_ERR_CONFLICT);
	assert_int_equal(pt_map(&f->pt, 0x40000000, 0x40000000, SZ_1G, ATTR_RO), PT_ERR_CONFLICT);
	assert_int_equal(pt_map(&f->pt, 0x80200000, 0x80200000, SZ_2M, ATTR_NORMAL | PTE_XN),
			 PT_ERR_CONFLICT);
	/* same attributes, different output address */
	assert_int_equal(pt_map(&f->pt, 0x9000000, 0xa000000, PAGE, ATTR_DEVICE), PT_ERR_CONFLICT);
	assert_int_equal(pt_map(&f->pt, 0x40000000, 0x80000000, SZ_1G, ATTR_NORMAL),
			 PT_ERR_CONFLICT);
	assert_int_equal(pt_map(&f->pt, 0x80200000, 0x80400000, SZ_2M, ATTR_NORMAL),
			 PT_ERR_CONFLICT);

	snap_check_and_free(f);
	check_xlate(&f->pt, 0x9000000, 0x9000000, ATTR_DEVICE, 3);
	check_xlate(&f->pt, 0x40000000, 0x40000000, ATTR_NORMAL, 1);
	check_xlate(&f->pt, 0x80200000, 0x80200000, ATTR_NORMAL, 2);
}

/* Pages or smaller blocks inside an existing block: the block is never split. */
static void test_map_inside_block(void **state)
{
	struct fixture *f = *state;
	unsigned int allocs;

	assert_int_equal(pt_map(&f->pt, SZ_1G, SZ_1G, SZ_1G, ATTR_NORMAL), PT_OK);
	assert_int_equal(pt_map(&f->pt, 2 * SZ_1G + SZ_2M, 2 * SZ_1G + SZ_2M, SZ_2M, ATTR_NORMAL),
			 PT_OK);
	allocs = f->pool.allocs;
	snap_take(f);

	/* a page in the 1 GiB block, same and different attributes */
	assert_int_equal(pt_map(&f->pt, SZ_1G + 0x5000, SZ_1G + 0x5000, PAGE, ATTR_NORMAL),
			 PT_ERR_CONFLICT);
	assert_int_equal(pt_map(&f->pt, SZ_1G + 0x5000, SZ_1G + 0x5000, PAGE, ATTR_DEVICE),
			 PT_ERR_CONFLICT);
	/* a 2 MiB block in the 1 GiB block */
	assert_int_equal(pt_map(&f->pt, SZ_1G + SZ_2M, SZ_1G + SZ_2M, SZ_2M, ATTR_NORMAL),
			 PT_ERR_CONFLICT);
	/* a page in the 2 MiB block */
	assert_int_equal(pt_map(&f->pt, 2 * SZ_1G + SZ_2M + PAGE, 2 * SZ_1G + SZ_2M + PAGE, PAGE,
				ATTR_NORMAL),
			 PT_ERR_CONFLICT);
	assert_int_equal(f->pool.allocs, allocs);
	snap_check_and_free(f);

	/*
	 * A range that starts before the block and runs into it. Whatever it mapped before
	 * reaching the block is not specified; the block itself must be intact.
	 */
	assert_int_equal(pt_map(&f->pt, SZ_1G - PAGE, SZ_1G - PAGE, 2 * PAGE, ATTR_NORMAL),
			 PT_ERR_CONFLICT);
	assert_int_equal(entry_at(&f->pt, SZ_1G, 1), SZ_1G | ATTR_NORMAL | DESC_BLOCK);
	assert_int_equal(entry_at(&f->pt, 2 * SZ_1G + SZ_2M, 2),
			 (2 * SZ_1G + SZ_2M) | ATTR_NORMAL | DESC_BLOCK);
}

/*
 * A block over an area that already has a table: the builder descends and keeps the pages
 * there. Identical pages are fine; a different one is a conflict.
 */
static void test_block_over_table(void **state)
{
	struct fixture *f = *state;
	uint64_t off;
	unsigned int allocs, i;
	const uint64_t *l2;

	/* 2 MiB over an L3 table holding one identical page */
	assert_int_equal(pt_map(&f->pt, 0x40201000, 0x40201000, PAGE, ATTR_NORMAL), PT_OK);
	allocs = f->pool.allocs;
	assert_int_equal(pt_map(&f->pt, 0x40200000, 0x40200000, SZ_2M, ATTR_NORMAL), PT_OK);
	assert_int_equal(f->pool.allocs, allocs);
	assert_int_equal(entry_at(&f->pt, 0x40200000, 2) & DESC_TYPE_MASK, DESC_TABLE);
	for (off = 0; off < SZ_2M; off += PAGE)
		check_xlate(&f->pt, 0x40200000 + off, 0x40200000 + off, ATTR_NORMAL, 3);

	/* different attributes over the same 2 MiB now conflict */
	assert_int_equal(pt_map(&f->pt, 0x40200000, 0x40200000, SZ_2M, ATTR_DEVICE),
			 PT_ERR_CONFLICT);
	check_xlate(&f->pt, 0x40200000, 0x40200000, ATTR_NORMAL, 3);

	/* 1 GiB over an L2 table holding a page: L2 table kept, blocks elsewhere */
	assert_int_equal(pt_map(&f->pt, 0x80001000, 0x80001000, PAGE, ATTR_NORMAL), PT_OK);
	allocs = f->pool.allocs;
	assert_int_equal(pt_map(&f->pt, 0x80000000, 0x80000000, SZ_1G, ATTR_NORMAL), PT_OK);
	assert_int_equal(f->pool.allocs, allocs);
	assert_int_equal(entry_at(&f->pt, 0x80000000, 1) & DESC_TYPE_MASK, DESC_TABLE);
	l2 = next_table(entry_at(&f->pt, 0x80000000, 1));
	assert_int_equal(l2[0] & DESC_TYPE_MASK, DESC_TABLE);
	for (i = 1; i < PT_ENTRIES; i++)
		assert_int_equal(l2[i], (0x80000000 + i * SZ_2M) | ATTR_NORMAL | DESC_BLOCK);
	for (off = 0; off < SZ_2M; off += PAGE)
		check_xlate(&f->pt, 0x80000000 + off, 0x80000000 + off, ATTR_NORMAL, 3);
	check_xlate(&f->pt, 0x80000000 + SZ_2M, 0x80000000 + SZ_2M, ATTR_NORMAL, 2);
	check_xlate(&f->pt, 0xbfe00000, 0xbfe00000, ATTR_NORMAL, 2);

	/* 1 GiB over a table holding a page with other attributes */
	assert_int_equal(pt_map(&f->pt, 0xc0005000, 0xc0005000, PAGE, ATTR_DEVICE), PT_OK);
	assert_int_equal(pt_map(&f->pt, 0xc0000000, 0xc0000000, SZ_1G, ATTR_NORMAL),
			 PT_ERR_CONFLICT);
	check_xlate(&f->pt, 0xc0005000, 0xc0005000, ATTR_DEVICE, 3);

	/* 1 GiB over a table holding a page with another output address */
	assert_int_equal(pt_map(&f->pt, 0x100005000, 0x5000, PAGE, ATTR_NORMAL), PT_OK);
	assert_int_equal(pt_map(&f->pt, 0x100000000, 0x100000000, SZ_1G, ATTR_NORMAL),
			 PT_ERR_CONFLICT);
	check_xlate(&f->pt, 0x100005000, 0x5000, ATTR_NORMAL, 3);
}

static void test_nomem(void **state)
{
	struct fixture *f = *state;
	unsigned int limit;

	/* A page needs L1, L2 and L3 tables: every shortfall is PT_ERR_NOMEM, no leaf. */
	for (limit = 0; limit < 3; limit++) {
		f->pool.limit = limit;
		assert_int_equal(pt_map(&f->pt, 0x80001000, 0x80001000, PAGE, ATTR_NORMAL),
				 PT_ERR_NOMEM);
		assert_int_equal(f->pool.allocs, limit);
		check_unmapped(&f->pt, 0x80001000);
	}
	/* with room, the tables made so far are reused */
	f->pool.limit = 3;
	assert_int_equal(pt_map(&f->pt, 0x80001000, 0x80001000, PAGE, ATTR_NORMAL), PT_OK);
	assert_int_equal(f->pool.allocs, 3);
	check_xlate(&f->pt, 0x80001000, 0x80001000, ATTR_NORMAL, 3);

	/* blocks under existing tables need nothing; a page in a fresh 2 MiB needs an L3 */
	assert_int_equal(pt_map(&f->pt, 0x80200000, 0x80200000, SZ_2M, ATTR_NORMAL), PT_OK);
	assert_int_equal(pt_map(&f->pt, 0x80401000, 0x80401000, PAGE, ATTR_NORMAL), PT_ERR_NOMEM);
	assert_int_equal(f->pool.allocs, 3);
	check_xlate(&f->pt, 0x80200000, 0x80200000, ATTR_NORMAL, 2);
	check_unmapped(&f->pt, 0x80401000);
}

/* ---- randomized: a few hundred non-overlapping ranges against a reference list */

#define RAND_RANGES 300
#define RAND_VA_SPACE (256 * SZ_1G)
#define RAND_PROBES 20000

struct range {
	uint64_t va, pa, size, attrs;
};

static uint64_t rng_state;

static uint64_t rng(void)
{
	/* xorshift64*: the same sequence on every host */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static uint64_t rng_below(uint64_t n)
{
	return rng() % n;
}

static uint64_t rand_attrs(void)
{
	uint64_t a = PTE_ATTRINDX(rng_below(8)) | PTE_AF;

	if (rng() & 1)
		a |= PTE_SH_INNER;
	if (rng() & 1)
		a |= PTE_AP_RO;
	if (rng() & 1)
		a |= PTE_XN;
	return a;
}

static void rand_range(struct range *r)
{
	uint64_t kind = rng_below(100), delta_unit;

	if (kind < 50) { /* a few pages anywhere */
		r->va = rng_below(RAND_VA_SPACE / PAGE) * PAGE;
		r->size = (1 + rng_below(16)) * PAGE;
	} else if (kind < 85) { /* up to 4 MiB, often 2 MiB-aligned */
		r->va = rng_below(RAND_VA_SPACE / PAGE) * PAGE;
		if (rng() & 1)
			r->va &= ~(SZ_2M - 1);
		r->size = (1 + rng_below(1024)) * PAGE;
	} else { /* up to 3 GiB, 2 MiB-aligned or a page off */
		r->va = rng_below(RAND_VA_SPACE / SZ_2M) * SZ_2M;
		if (rng() & 1)
			r->va &= ~(SZ_1G - 1);
		r->size = (1 + rng_below(1536)) * SZ_2M;
		if (rng() & 1) {
			r->va += PAGE;
			r->size += PAGE;
		}
	}
	if (r->va + r->size > RAND_VA_SPACE)
		r->va = RAND_VA_SPACE - r->size;

	/* large ranges keep pa congruent to va mod 2 MiB so tables stay few */
	switch (kind < 85 ? rng_below(4) : 2 + rng_below(2)) {
	case 0:
		delta_unit = 0;
		break;
	case 1:
		delta_unit = PAGE;
		break;
	case 2:
		delta_unit = SZ_2M;
		break;
	default:
		delta_unit = SZ_1G;
		break;
	}
	r->pa = delta_unit ? r->va + rng_below((1ULL << 44) / delta_unit) * delta_unit : r->va;
	r->attrs = rand_attrs();
}

static bool overlaps(const struct range *a, const struct range *b)
{
	return a->va < b->va + b->size && b->va < a->va + a->size;
}

static const struct range *find_range(const struct range *rs, unsigned int n, uint64_t va)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (va >= rs[i].va && va - rs[i].va < rs[i].size)
			return &rs[i];
	return NULL;
}

/* The level the builder must use for va in r: the largest block that fits, else a page. */
static unsigned int expected_level(const struct range *r, uint64_t va)
{
	unsigned int level;

	for (level = 1; level < 3; level++) {
		uint64_t size = level_size(level);
		uint64_t base = va & ~(size - 1);

		if (base >= r->va && base + size <= r->va + r->size &&
		    ((r->pa + (base - r->va)) & (size - 1)) == 0)
			return level;
	}
	return 3;
}

static void probe(const struct pgtable *pt, const struct range *rs, unsigned int n, uint64_t va)
{
	const struct range *r = find_range(rs, n, va);

	if (r)
		check_xlate(pt, va, r->pa + (va - r->va), r->attrs, expected_level(r, va));
	else
		check_unmapped(pt, va);
}

static void test_random(void **state)
{
	struct fixture *f = *state;
	struct range *rs = calloc(RAND_RANGES, sizeof(*rs));
	unsigned int n = 0, i, tries = 0, allocs;

	assert_non_null(rs);
	rng_state = 0x5ce1f00dd15ea5e5ULL;
	while (n < RAND_RANGES) {
		struct range r;
		bool clash = false;

		assert_true(++tries < 100000);
		rand_range(&r);
		for (i = 0; i < n && !clash; i++)
			clash = overlaps(&r, &rs[i]);
		if (clash)
			continue;
		rs[n++] = r;
		if (pt_map(&f->pt, r.va, r.pa, r.size, r.attrs) != PT_OK)
			fail_msg("range %u: pt_map(0x%llx, 0x%llx, 0x%llx) failed", n - 1,
				 (unsigned long long)r.va, (unsigned long long)r.pa,
				 (unsigned long long)r.size);
	}

	/* every range's edges and the pages just outside */
	for (i = 0; i < n; i++) {
		probe(&f->pt, rs, n, rs[i].va);
		probe(&f->pt, rs, n, rs[i].va + rs[i].size - 1);
		if (rs[i].va)
			probe(&f->pt, rs, n, rs[i].va - 1);
		probe(&f->pt, rs, n, rs[i].va + rs[i].size);
	}
	/* random addresses inside ranges and anywhere (beyond the space too) */
	for (i = 0; i < RAND_PROBES; i++) {
		const struct range *r = &rs[rng_below(n)];

		if (i & 1)
			probe(&f->pt, rs, n, r->va + rng_below(r->size));
		else
			probe(&f->pt, rs, n, rng_below(RAND_VA_SPACE + 4 * SZ_1G));
	}

	/* mapping everything again is a no-op */
	allocs = f->pool.allocs;
	for (i = 0; i < n; i++)
		assert_int_equal(pt_map(&f->pt, rs[i].va, rs[i].pa, rs[i].size, rs[i].attrs),
				 PT_OK);
	assert_int_equal(f->pool.allocs, allocs);
	free(rs);
}

/*
 * pt_tables_needed() against the builder: random sets of identity ranges (few or many,
 * tiny to gigabytes, aligned or a page off), mapped into an empty table from level 0 and
 * from level 1; the estimate is exactly the tables pt_map() took, the root included. It is
 * what lets assignment refuse a configuration whose stage 2 would not fit (issue 9 review).
 */
/* Up to n random, disjoint ranges of at most max_size (inside a level-1 root's 39 bits when
 * level is 1) mapped into f, and listed in rs; how many. */
static unsigned int map_random_ranges(struct fixture *f, struct pt_range *rs, unsigned int n,
				      unsigned int level, uint64_t max_size)
{
	unsigned int i, got = 0, tries = 0;

	while (got < n && ++tries < 10000) {
		struct range r;
		bool clash = false;

		rand_range(&r);
		if (r.size > max_size || (level == 1 && r.va + r.size > (1ULL << 39)))
			continue;
		for (i = 0; i < got && !clash; i++)
			clash = r.va < rs[i].base + rs[i].size && rs[i].base < r.va + r.size;
		if (clash)
			continue;
		rs[got].base = r.va;
		rs[got++].size = r.size;
		assert_int_equal(pt_map(&f->pt, r.va, r.va, r.size, r.attrs), PT_OK);
	}
	return got;
}

static void test_tables_needed(void **state)
{
	unsigned int round, level;

	(void)state;
	rng_state = 0x7ab1e5f00dULL;
	for (round = 0; round < 200; round++) {
		for (level = 0; level <= 1; level++) {
			struct pt_range rs[24] = { { 0, 0 } };
			struct fixture *f;
			unsigned int got;

			assert_int_equal(setup_level((void **)&f, level), 0);
			got = map_random_ranges(f, rs, 1 + rng_below(24), level, ~0ull);
			if (pt_tables_needed(rs, got, level) != f->pool.npages)
				fail_msg("round %u, start level %u, %u ranges: estimate %u, built "
					 "%u",
					 round, level, got, pt_tables_needed(rs, got, level),
					 f->pool.npages);
			teardown((void **)&f);
		}
	}
	assert_int_equal(pt_tables_needed(NULL, 0, 0), 1);
}

/* no_blocks: every leaf a level-3 page, where the same ranges would take blocks; and
 * pt_tables_paged() bounds the tables such a map takes (exact for one range). */
static void test_no_blocks(void **state)
{
	unsigned int round, level;

	(void)state;
	rng_state = 0xb10c5ULL;
	for (level = 0; level <= 1; level++) {
		struct fixture *f;
		const struct pt_range one = { 0x40000000, SZ_1G + SZ_2M + PAGE };
		uint64_t off;
		unsigned int lvl = 99;

		assert_int_equal(setup_level((void **)&f, level), 0);
		f->pt.no_blocks = true;
		assert_int_equal(pt_map(&f->pt, one.base, one.base, one.size, ATTR_NORMAL), PT_OK);
		for (off = 0; off < one.size; off += SZ_2M / 2 + PAGE) {
			pt_lookup(&f->pt, one.base + off, &lvl);
			assert_int_equal(lvl, 3);
		}
		/* 1 GiB + 2 MiB + 4 KiB: 514 L3 tables, 2 L2 and (from level 0) 1 L1 */
		assert_int_equal(pt_tables_paged(&one, 1, level), 516 + (level == 0));
		assert_int_equal(f->pool.npages, 1 + pt_tables_paged(&one, 1, level));
		teardown((void **)&f);
	}
	for (round = 0; round < 100; round++) {
		for (level = 0; level <= 1; level++) {
			struct pt_range rs[8] = { { 0, 0 } };
			struct fixture *f;
			unsigned int got;

			assert_int_equal(setup_level((void **)&f, level), 0);
			f->pt.no_blocks = true;
			got = map_random_ranges(f, rs, 1 + rng_below(8), level, 64 * SZ_2M);
			if (1 + pt_tables_paged(rs, got, level) < f->pool.npages)
				fail_msg("round %u, start level %u: bound %u below the %u built",
					 round, level, 1 + pt_tables_paged(rs, got, level),
					 f->pool.npages);
			teardown((void **)&f);
		}
	}
	assert_int_equal(pt_tables_paged(NULL, 0, 0), 0);
}

/* pt_pool_alloc: zeroed tables in order, NULL once the pool is used up. */
static void test_pool_alloc(void **state)
{
	static uint64_t pages[2][PT_ENTRIES] __attribute__((aligned(4096)));
	struct pt_pool pool = { .pages = pages, .count = 2 };
	uint64_t *a, *b;

	(void)state;
	memset(pages, 0xa5, sizeof(pages));
	a = pt_pool_alloc(&pool);
	b = pt_pool_alloc(&pool);
	assert_ptr_equal(a, pages[0]);
	assert_ptr_equal(b, pages[1]);
	assert_int_equal(a[0], 0);
	assert_int_equal(b[PT_ENTRIES - 1], 0);
	assert_null(pt_pool_alloc(&pool));
	assert_int_equal(pool.used, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pool_alloc),
		cmocka_unit_test(test_tables_needed),
		cmocka_unit_test(test_no_blocks),
		cmocka_unit_test_setup_teardown(test_map_page, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_2m_block, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_1g_block, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_span, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_pa_differs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_top_of_range, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attrs_type_bits_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_align, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_range, setup, teardown),
		cmocka_unit_test_setup_teardown(test_39bit_range, setup_39bit, teardown),
		cmocka_unit_test_setup_teardown(test_remap_same, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remap_conflict, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_inside_block, setup, teardown),
		cmocka_unit_test_setup_teardown(test_block_over_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nomem, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
