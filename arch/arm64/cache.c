/*
 * cache.c - data cache maintenance by VA to the point of coherency, line size from
 * CTR_EL0.DminLine. Used at boot around the MMU switch and for data secondaries read
 * with their caches still off; and the instruction caches, after code is loaded where other
 * code ran.
 */
#include "arch/arm64/cache.h"
#include "arch/arm64/sysreg.h"

#define CTR_DMINLINE_SHIFT 16
#define CTR_DMINLINE_MASK 0xf

static uint64_t dcache_line(void)
{
	return 4UL << ((read_sysreg(ctr_el0) >> CTR_DMINLINE_SHIFT) & CTR_DMINLINE_MASK);
}

void cache_clean_range(uint64_t start, uint64_t end)
{
	uint64_t line = dcache_line();

	for (start &= ~(line - 1); start < end; start += line)
		__asm__ volatile("dc cvac, %0" : : "r"(start) : "memory");
	dsb_sy();
}

void cache_inval_range(uint64_t start, uint64_t end)
{
	uint64_t line = dcache_line();

	for (start &= ~(line - 1); start < end; start += line)
		__asm__ volatile("dc ivac, %0" : : "r"(start) : "memory");
	dsb_sy();
}

void cache_icache_invalidate_all(void)
{
	__asm__ volatile("ic ialluis\n dsb ish\n isb" ::: "memory");
}
