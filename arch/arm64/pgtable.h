/*
 * pgtable.h - builds VMSAv8-64 translation tables (4 KiB granule) for the EL2 stage-1 map
 * now and stage-2 later. Plain C over memory the caller provides; no system registers.
 */
#ifndef SKIFF_ARCH_PGTABLE_H
#define SKIFF_ARCH_PGTABLE_H

#include <stdbool.h>
#include <stdint.h>

#define PT_ENTRIES 512
#define PT_PAGE_SHIFT 12
#define PT_PAGE_SIZE (1ULL << PT_PAGE_SHIFT)

/* Descriptor bits (Arm ARM D8.3, VMSAv8-64 translation table format) */
#define PTE_VALID (1ULL << 0)
#define PTE_TABLE (1ULL << 1) /* levels 0-2: next-level table */
#define PTE_PAGE (1ULL << 1)  /* level 3: page */
#define PTE_ADDR_MASK 0x0000fffffffff000ULL
#define PTE_ATTRINDX(i) ((uint64_t)(i) << 2)
#define PTE_AP_RO (1ULL << 7) /* stage 1: AP[2] */
#define PTE_SH_INNER (3ULL << 8)
#define PTE_AF (1ULL << 10)
#define PTE_XN (1ULL << 54) /* stage 1 at EL2 (E2H == 0): XN */

enum pt_error {
	PT_OK = 0,
	PT_ERR_ALIGN = -1,    /* va, pa or size not page-aligned */
	PT_ERR_NOMEM = -2,    /* the table allocator ran dry */
	PT_ERR_CONFLICT = -3, /* a different mapping is already there */
	PT_ERR_RANGE = -4,    /* va beyond the table's input range, or pa beyond 48 bits */
};

struct pgtable {
	uint64_t *root;
	/* returns a zeroed, 4 KiB-aligned table, or NULL */
	uint64_t *(*alloc)(void *ctx);
	void *ctx;
	unsigned int start_level; /* 0: 48-bit input range */
	bool no_blocks;		  /* pt_map() writes 4 KiB pages only, no blocks */
};

/* A fixed pool of 4 KiB-aligned tables handed out in order (no freeing: tables live as long as
 * the map). pt_pool_alloc(pool) is a struct pgtable alloc function with ctx = the pool. */
struct pt_pool {
	uint64_t (*pages)[PT_ENTRIES];
	unsigned int count;
	unsigned int used;
};

uint64_t *pt_pool_alloc(void *pool);

/*
 * Map [va, va + size) to pa with the leaf attribute bits attrs (everything but the valid
 * and type bits). Uses 1 GiB and 2 MiB blocks where alignment allows. Never replaces a
 * valid entry with a different one (no break-before-make is needed by callers): mapping
 * the same range again with the same attributes is allowed, anything else is a conflict.
 * Not all-or-nothing: on an error, the part of the range before the fault stays mapped.
 */
int pt_map(struct pgtable *pt, uint64_t va, uint64_t pa, uint64_t size, uint64_t attrs);

/* A range of an identity map, for pt_tables_needed(). */
struct pt_range {
	uint64_t base;
	uint64_t size;
};

/*
 * How many tables pt_map() takes to map the n page-aligned ranges r (VA = PA, not overlapping)
 * into an empty map starting at start_level, the root included: one for every entry at each
 * level that is touched but not a block of its own (level 0 always; levels 1 and 2 unless one
 * range covers the entry whole). PT_TABLES_MANY when more than it keeps count of.
 */
#define PT_TABLES_MANY 0xffffu
unsigned int pt_tables_needed(const struct pt_range *r, unsigned int n, unsigned int start_level);

/* At most how many tables below the root mapping the ranges page by page (no_blocks) takes:
 * one per 2 MiB, 1 GiB and (from level 0) 512 GiB span each range touches. */
unsigned int pt_tables_paged(const struct pt_range *r, unsigned int n, unsigned int start_level);

/* The leaf descriptor translating va (0 if none); *level gets the level it was found at. */
uint64_t pt_lookup(const struct pgtable *pt, uint64_t va, unsigned int *level);

#endif
