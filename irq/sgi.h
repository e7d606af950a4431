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

#endif
