/*
 * sgi.h - decoding a write to ICC_SGI1R_EL1 / ICC_ASGI1R_EL1 / ICC_SGI0R_EL1 (all three share
 * one layout) into the set of vCPUs it targets. Pure arithmetic on the register value and
 * the vCPUs' MPIDRs; the vGIC (irq/vgic.c) pends the SGIs.
 */
#ifndef SKIFF_IRQ_SGI_H
#define SKIFF_IRQ_SGI_H

#include <stdint.h>

/* ICC_SGI1R_EL1 (IHI 0069 12.2.21); ICC_ASGI1R_EL1 and ICC_SGI0R_EL1 are laid out alike */
#define ICC_SGI1R_TARGETLIST_MASK 0xffffull
#define ICC_SGI1R_AFF1_SHIFT 16
#define ICC_SGI1R_INTID_SHIFT 24
#define ICC_SGI1R_INTID_MASK 0xfull
#define ICC_SGI1R_AFF2_SHIFT 32
#define ICC_SGI1R_IRM (1ull << 40)
#define ICC_SGI1R_RS_SHIFT 44
#define ICC_SGI1R_RS_MASK 0xfull
#define ICC_SGI1R_AFF3_SHIFT 48
#define ICC_SGI1R_AFF_MASK 0xffull

#define SGI_MAX_CPUS 32 /* the target set is a 32-bit mask of vCPU indices */

/* The SGI's INTID (0..15). */
static inline unsigned int sgi_intid(uint64_t sgir)
{
	return (unsigned int)((sgir >> ICC_SGI1R_INTID_SHIFT) & ICC_SGI1R_INTID_MASK);
}

/*
 * Bit i set for every vCPU i (of nr_cpus <= SGI_MAX_CPUS, MPIDRs in mpidr[]) that sgir
 * targets. IRM = 1: every vCPU but self (the sender's index). IRM = 0: the vCPUs whose
 * Aff3.Aff2.Aff1 equal the register's and whose Aff0 is RS * 16 + n for a set TargetList bit n
 * (which may include the sender). Affinities no vCPU has are simply not in the set.
 */
uint32_t sgi_targets(uint64_t sgir, const uint64_t *mpidr, unsigned int nr_cpus, unsigned int self);

/*
 * The same answer for a fixed set of at most SGI_MAP_CPUS vCPUs, from a table built once (a
 * VM's vCPUs and their MPIDRs never change): the vCPUs grouped by what the register selects
 * besides its TargetList (Aff3.Aff2.Aff1 and RS = Aff0 / 16), each group mapping a TargetList
 * bit to the vCPUs whose Aff0 % 16 it is. A trapped write then costs a lookup in the (usually
 * one) group and a visit of the set bits, not a walk of every vCPU's affinity.
 */
#define SGI_MAP_CPUS 8
struct sgi_group {
	uint32_t key;	  /* Aff1 | Aff2 << 8 | Aff3 << 16 | RS << 24 */
	uint16_t present; /* TargetList bits some vCPU answers to */
	uint8_t mask[16]; /* per TargetList bit: the vCPUs it reaches */
};
struct sgi_map {
	unsigned int nr_groups;
	uint32_t all; /* every vCPU */
	struct sgi_group group[SGI_MAP_CPUS];
};

/* Build map for nr_cpus (<= SGI_MAP_CPUS; more are left out) vCPUs with MPIDRs mpidr[]. */
void sgi_map_build(struct sgi_map *map, const uint64_t *mpidr, unsigned int nr_cpus);

/* sgi_targets() for the vCPUs map was built for. */
static inline uint32_t sgi_map_targets(const struct sgi_map *map, uint64_t sgir, unsigned int self)
{
	uint32_t key, list, mask = 0;
	unsigned int g;

	if (sgir & ICC_SGI1R_IRM)
		return self < 32 ? map->all & ~(1u << self) : map->all;
	key = (uint32_t)((sgir >> ICC_SGI1R_AFF1_SHIFT) & ICC_SGI1R_AFF_MASK) |
	      (uint32_t)((sgir >> ICC_SGI1R_AFF2_SHIFT) & ICC_SGI1R_AFF_MASK) << 8 |
	      (uint32_t)((sgir >> ICC_SGI1R_AFF3_SHIFT) & ICC_SGI1R_AFF_MASK) << 16 |
	      (uint32_t)((sgir >> ICC_SGI1R_RS_SHIFT) & ICC_SGI1R_RS_MASK) << 24;
	for (g = 0; g < map->nr_groups; g++) {
		if (map->group[g].key != key)
			continue;
		list = (uint32_t)(sgir & map->group[g].present);
		while (list) {
			mask |= map->group[g].mask[__builtin_ctz(list)];
			list &= list - 1;
		}
		break;
	}
	return mask;
}

#endif
