/*
 * sgi.c - which vCPUs a trapped ICC_SGI1R_EL1 / ICC_ASGI1R_EL1 / ICC_SGI0R_EL1 write targets.
 * Decoding only: no interrupt state, no locks, no system registers.
 */
#include "irq/sgi.h"

#include "arch/arm64/regs.h"

/* MPIDR_EL1 affinity fields */
#define MPIDR_AFF0(m) ((m)&0xff)
#define MPIDR_AFF1(m) (((m) >> 8) & 0xff)
#define MPIDR_AFF2(m) (((m) >> 16) & 0xff)
#define MPIDR_AFF3(m) (((m) >> 32) & 0xff)

uint32_t sgi_targets(uint64_t sgir, const uint64_t *mpidr, unsigned int nr_cpus, unsigned int self)
{
	uint64_t aff1 = (sgir >> ICC_SGI1R_AFF1_SHIFT) & ICC_SGI1R_AFF_MASK;
	uint64_t aff2 = (sgir >> ICC_SGI1R_AFF2_SHIFT) & ICC_SGI1R_AFF_MASK;
	uint64_t aff3 = (sgir >> ICC_SGI1R_AFF3_SHIFT) & ICC_SGI1R_AFF_MASK;
	uint64_t rs = (sgir >> ICC_SGI1R_RS_SHIFT) & ICC_SGI1R_RS_MASK;
	uint64_t list = sgir & ICC_SGI1R_TARGETLIST_MASK;
	uint32_t mask = 0;
	unsigned int i;

	if (nr_cpus > SGI_MAX_CPUS)
		nr_cpus = SGI_MAX_CPUS;

	for (i = 0; i < nr_cpus; i++) {
		uint64_t m = mpidr[i] & MPIDR_AFF_MASK;

		if (sgir & ICC_SGI1R_IRM) {
			if (i != self)
				mask |= 1u << i;
			continue;
		}
		if (MPIDR_AFF3(m) != aff3 || MPIDR_AFF2(m) != aff2 || MPIDR_AFF1(m) != aff1)
			continue;
		/* TargetList bit n stands for Aff0 = RS * 16 + n */
		if (MPIDR_AFF0(m) >> 4 != rs)
			continue;
		if (list & (1ull << (MPIDR_AFF0(m) & 0xf)))
			mask |= 1u << i;
	}
	return mask;
}

/* The group key of an MPIDR: its Aff1, Aff2, Aff3 and the RS its Aff0 needs. */
static uint32_t sgi_key(uint64_t m)
{
	return (uint32_t)MPIDR_AFF1(m) | (uint32_t)MPIDR_AFF2(m) << 8 |
	       (uint32_t)MPIDR_AFF3(m) << 16 | (uint32_t)(MPIDR_AFF0(m) >> 4) << 24;
}

__attribute__((cold)) void sgi_map_build(struct sgi_map *map, const uint64_t *mpidr,
					 unsigned int nr_cpus)
{
	unsigned int i, g;

	if (nr_cpus > SGI_MAP_CPUS)
		nr_cpus = SGI_MAP_CPUS;
	map->nr_groups = 0;
	map->all = 0;
	for (i = 0; i < nr_cpus; i++) {
		uint64_t m = mpidr[i] & MPIDR_AFF_MASK;
		uint32_t key = sgi_key(m);
		unsigned int bit = MPIDR_AFF0(m) & 0xf;
		struct sgi_group *grp;

		for (g = 0; g < map->nr_groups && map->group[g].key != key; g++)
			;
		grp = &map->group[g];
		if (g == map->nr_groups) { /* at most one group per vCPU: g < SGI_MAP_CPUS */
			map->nr_groups++;
			grp->key = key;
			grp->present = 0;
			for (bit = 0; bit < 16; bit++)
				grp->mask[bit] = 0;
			bit = MPIDR_AFF0(m) & 0xf;
		}
		grp->present |= (uint16_t)(1u << bit);
		grp->mask[bit] |= (uint8_t)(1u << i);
		map->all |= 1u << i;
	}
}
