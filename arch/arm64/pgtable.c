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
	if (level >= PT_FIRST_BLOCK_LEVEL && chunk == block && (pa & (block - 1)) == 0 &&
	    !is_table(*entry, level))
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
