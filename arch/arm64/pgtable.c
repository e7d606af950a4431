/*
 * pgtable.c - translation-table builder (4 KiB granule, levels 0-3). Writes only the tables
 * it is given or allocates through pt->alloc; the caller owns barriers and TLB upkeep.
 */
#include "arch/arm64/pgtable.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#define PT_LAST_LEVEL 3
#define PT_FIRST_BLOCK_LEVEL 1

uint64_t *pt_pool_alloc(void *pool)
{
	struct pt_pool *p = pool;
	uint64_t *table;

	if (p->used == p->count)
		return NULL;
	table = p->pages[p->used++];
	memset(table, 0, PT_PAGE_SIZE);
	return table;
}

static unsigned int level_shift(unsigned int level)
{
	return PT_PAGE_SHIFT + 9 * (PT_LAST_LEVEL - level);
}

static uint64_t *entry_table(uint64_t desc)
{
	return (uint64_t *)(uintptr_t)(desc & PTE_ADDR_MASK);
}

static bool is_table(uint64_t desc, unsigned int level)
{
	return level < PT_LAST_LEVEL && (desc & (PTE_VALID | PTE_TABLE)) == (PTE_VALID | PTE_TABLE);
}

static int set_leaf(uint64_t *entry, uint64_t desc)
{
	if (*entry == 0) {
		*entry = desc;
		return PT_OK;
	}
	return *entry == desc ? PT_OK : PT_ERR_CONFLICT;
}

static int map_level(struct pgtable *pt, uint64_t *table, unsigned int level, uint64_t va,
		     uint64_t pa, uint64_t size, uint64_t attrs);

static int map_chunk(struct pgtable *pt, uint64_t *entry, unsigned int level, uint64_t va,
		     uint64_t pa, uint64_t chunk, uint64_t attrs)
{
	uint64_t block = 1ULL << level_shift(level);

	if (level == PT_LAST_LEVEL)
		return set_leaf(entry, pa | attrs | PTE_VALID | PTE_PAGE);
	if (!pt->no_blocks && level >= PT_FIRST_BLOCK_LEVEL && chunk == block &&
	    (pa & (block - 1)) == 0 && !is_table(*entry, level))
		return set_leaf(entry, pa | attrs | PTE_VALID);
	if (*entry == 0) {
		uint64_t *next = pt->alloc(pt->ctx);

		if (!next)
			return PT_ERR_NOMEM;
		*entry = (uint64_t)(uintptr_t)next | PTE_VALID | PTE_TABLE;
	} else if (!is_table(*entry, level)) {
		return PT_ERR_CONFLICT; /* a block is there: splitting it is not supported */
	}
	return map_level(pt, entry_table(*entry), level + 1, va, pa, chunk, attrs);
}

static int map_level(struct pgtable *pt, uint64_t *table, unsigned int level, uint64_t va,
		     uint64_t pa, uint64_t size, uint64_t attrs)
{
	unsigned int shift = level_shift(level);
	uint64_t block = 1ULL << shift;

	while (size) {
		uint64_t chunk = block - (va & (block - 1));
		int ret;

		if (chunk > size)
			chunk = size;
		ret = map_chunk(pt, &table[(va >> shift) % PT_ENTRIES], level, va, pa, chunk,
				attrs);
		if (ret)
			return ret;
		va += chunk;
		pa += chunk;
		size -= chunk;
	}
	return PT_OK;
}

int pt_map(struct pgtable *pt, uint64_t va, uint64_t pa, uint64_t size, uint64_t attrs)
{
	uint64_t top = 1ULL << (level_shift(pt->start_level) + 9);

	if ((va | pa | size) & (PT_PAGE_SIZE - 1))
		return PT_ERR_ALIGN;
	if (va >= top || size > top - va)
		return PT_ERR_RANGE;
	if (pa > PTE_ADDR_MASK || size > PTE_ADDR_MASK + PT_PAGE_SIZE - pa)
		return PT_ERR_RANGE; /* output address beyond the 48 bits a descriptor holds */
	return map_level(pt, pt->root, pt->start_level, va, pa, size, attrs & ~PTE_TABLE);
}

uint64_t pt_lookup(const struct pgtable *pt, uint64_t va, unsigned int *level)
{
	const uint64_t *table = pt->root;
	unsigned int lvl;

	if (va >> (level_shift(pt->start_level) + 9))
		return 0;
	for (lvl = pt->start_level; lvl <= PT_LAST_LEVEL; lvl++) {
		uint64_t desc = table[(va >> level_shift(lvl)) % PT_ENTRIES];

		if (!(desc & PTE_VALID))
			return 0;
		if (!is_table(desc, lvl)) {
			if (level)
				*level = lvl;
			return desc;
		}
		table = entry_table(desc);
	}
	return 0;
}

#define TABLE_KEYS_MAX 512

struct table_keys {
	uint64_t key[TABLE_KEYS_MAX]; /* an entry's base, its level in the low bits */
	unsigned int n;
	bool overflow;
};

static void need_table(struct table_keys *t, uint64_t entry, unsigned int level)
{
	unsigned int k;

	for (k = 0; k < t->n; k++)
		if (t->key[k] == (entry | level))
			return;
	if (t->n == TABLE_KEYS_MAX)
		t->overflow = true;
	else
		t->key[t->n++] = entry | level;
}

/* Whether one of the ranges covers [base, base + size) whole. */
static bool covered_whole(const struct pt_range *r, unsigned int n, uint64_t base, uint64_t size)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (r[i].base <= base && base - r[i].base <= r[i].size &&
		    size <= r[i].size - (base - r[i].base))
			return true;
	return false;
}

unsigned int pt_tables_needed(const struct pt_range *r, unsigned int n, unsigned int start_level)
{
	static struct table_keys t;
	unsigned int level, i;

	t.n = 0;
	t.overflow = false;
	for (level = start_level; level < PT_LAST_LEVEL && !t.overflow; level++) {
		uint64_t block = 1ULL << level_shift(level);

		for (i = 0; i < n && !t.overflow; i++) {
			uint64_t first = r[i].base & ~(block - 1);
			uint64_t last = (r[i].base + r[i].size - 1) & ~(block - 1);

			if (!r[i].size)
				continue;
			if (level < PT_FIRST_BLOCK_LEVEL) { /* no blocks: every entry a table */
				for (uint64_t e = first; !t.overflow; e += block) {
					need_table(&t, e, level);
					if (e == last)
						break;
				}
				continue;
			}
			/* the entries in between are covered whole: blocks */
			if (!covered_whole(r, n, first, block))
				need_table(&t, first, level);
			if (last != first && !covered_whole(r, n, last, block))
				need_table(&t, last, level);
		}
	}
	return t.overflow ? PT_TABLES_MANY : 1 + t.n;
}

unsigned int pt_tables_paged(const struct pt_range *r, unsigned int n, unsigned int start_level)
{
	uint64_t tables = 0;
	unsigned int level, i;

	/* a table at level + 1 for each level-`level` entry a range touches */
	for (level = start_level; level < PT_LAST_LEVEL; level++) {
		unsigned int shift = level_shift(level);

		for (i = 0; i < n; i++)
			if (r[i].size)
				tables += ((r[i].base + r[i].size - 1) >> shift) -
					  (r[i].base >> shift) + 1;
	}
	return tables > PT_TABLES_MANY ? PT_TABLES_MANY : (unsigned int)tables;
}
