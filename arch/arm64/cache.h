/*
 * cache.h - data cache maintenance by virtual address to the point of coherency.
 */
#ifndef SKIFF_ARCH_CACHE_H
#define SKIFF_ARCH_CACHE_H

#include <stdint.h>

void cache_clean_range(uint64_t start, uint64_t end); /* dc cvac */
void cache_inval_range(uint64_t start, uint64_t end); /* dc ivac */
void cache_icache_invalidate_all(void);		      /* ic ialluis: every CPU's */

#endif
