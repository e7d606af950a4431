/*
 * fastirq.h - the layout the hw-mode fast path in vectors.S reads, shared by C and assembly.
 * TPIDR_EL2 points at the CPU's struct cpu, whose first member is a struct fast_cpu.
 */
#ifndef SKIFF_ARCH_FASTIRQ_H
#define SKIFF_ARCH_FASTIRQ_H

#define FAST_CPU_TABLE 0   /* struct fast_irq *: indexed by INTID; NULL: no fast path here */
#define FAST_CPU_LR_FAST 8 /* uint64_t *: the vCPU's vgic_cpu.lr_fast */
#define FAST_CPU_EXITS 16  /* uint64_t *: the vCPU's exits[SKIFF_EXIT_IRQ] */
#define FAST_CPU_COST 24   /* uint64_t *: the vCPU's el2_cost[SKIFF_EXIT_IRQ] */
#define FAST_CPU_ACKED                                                                         \
	32		     /* uint64_t: INTID + 1 of an interrupt the fast path acknowledged \
			      * and left to the general path; 0 when none */
#define FAST_CPU_TABLE_V2 40 /* the same for a GICv2, whose entries hold GICH_LR values */
#define FAST_CPU_GICC 48     /* uintptr_t: the GICv2 CPU interface (GICC_IAR, GICC_EOIR) */
#define FAST_CPU_GICH 56     /* uintptr_t: the GICv2 virtual interface control (GICH) */
#define FAST_CPU_GICD 64     /* uintptr_t: the GICv3 distributor (a oneshot fire's mask) */
#define FAST_CPU_SIZE 72

/* GICv2 offsets the fast path uses (drivers/gicv2_regs.h, IHI 0048B 4.4 and 5.3) */
#define FAST_GICC_IAR 0x0c
#define FAST_GICC_EOIR 0x10
#define FAST_GICH_HCR 0x00
#define FAST_GICH_ELRSR0 0x30
#define FAST_GICH_LR0 0x100
#define FAST_GICC_IAR_ID_MASK 0x1fff /* INTID and an SGI's CPUID */
#define FAST_LR_MASK 0xffff	     /* the LRs lr_fold() reads: VGIC_MAX_LRS */

#define FAST_IRQ_SHIFT 4 /* sizeof(struct fast_irq) == 16 */
#define FAST_IRQ_LR                                                                     \
	0 /* uint64_t: the ICH_LR<n>_EL2 value (GICH_LR<n> on a GICv2) to write; 0: not \
	   * on the fast path */
#define FAST_IRQ_COUNT 8 /* uint64_t: injections made by the fast path */
/* An entry with bit 63 set (the active bit, never in an LR value the fast path writes, which
 * is pending only) is for fastirq_c() (hyp/run/irq_fast.c), the eoi/oneshot and maintenance
 * fast path: vectors.S hands it the interrupt and the entry. For an eoi/oneshot SPI the other
 * bits are the ICH_LR<n>_EL2 value to write (in the GICv3 layout on a GICv2 as well: it goes
 * through struct lr_hw) and the second word is its struct virq, not a count. */
#define FAST_IRQ_C_BIT 63
/* On a GICv3, an eoi/oneshot SPI's entry is for the assembly (fast_irq_pt in vectors.S): the
 * ICH_LR<n>_EL2 value (pending, the EOI bit, group, priority, vINTID) with bit 59 set, and bit 58
 * too for a oneshot line, whose fire disables the SPI (GICD_ICENABLER); both bits are RES0 in
 * ICH_LR<n>_EL2 (IHI 0069, 12.4.5) and cleared before the write. Its second word counts the
 * fires, as a hw entry's. */
#define FAST_IRQ_PT_BIT 59
#define FAST_IRQ_ONESHOT_BIT 58
#define FAST_IRQ_PT_FLAGS 0x0c00000000000000 /* the two bits */
#define FAST_GICD_ICENABLER 0x180
#define FAST_MAX_INTIDS 512

/*
 * Added to the difference of a fast-path exit's two PMCCNTR_EL0 reads (vectors.S) to get its
 * instructions from the vector to the ERET, without the 3 of the measurement itself (the two
 * reads and the store of the first): the difference counts from the first read up to the
 * second, so it holds the first read and its store (-2) but not SUB and STP before them
 * (+2) nor the 7 after the second read (+7).
 */
#define FAST_UNCOUNTED_INSNS (2 - 2 + 7)

#ifndef __ASSEMBLY__
#include <stddef.h>
#include <stdint.h>

struct virq;

struct fast_irq {
	uint64_t lr;
	union {
		uint64_t count; /* an LR value's: injections */
		struct virq
			*virq; /* a FAST_IRQ_C_BIT entry's, NULL for the maintenance interrupt */
	};
};

struct fast_cpu {
	struct fast_irq *table;
	uint64_t *lr_fast;
	uint64_t *exits_irq;
	uint64_t *cost_irq;
	uint64_t acked;
	struct fast_irq *table_v2;
	uintptr_t gicc;
	uintptr_t gich;
	uintptr_t gicd;
};

_Static_assert(sizeof(struct fast_irq) == 1 << FAST_IRQ_SHIFT, "fast_irq layout");
_Static_assert(offsetof(struct fast_irq, count) == FAST_IRQ_COUNT, "fast_irq layout");
_Static_assert(offsetof(struct fast_irq, lr) == FAST_IRQ_LR && FAST_IRQ_LR == 0,
	       "vectors.S: ldar [x2]");
_Static_assert(offsetof(struct fast_cpu, lr_fast) == FAST_CPU_LR_FAST, "fast_cpu layout");
_Static_assert(offsetof(struct fast_cpu, exits_irq) == FAST_CPU_EXITS, "fast_cpu layout");
_Static_assert(offsetof(struct fast_cpu, cost_irq) == FAST_CPU_COST, "fast_cpu layout");
_Static_assert(offsetof(struct fast_cpu, acked) == FAST_CPU_ACKED, "fast_cpu layout");
_Static_assert(offsetof(struct fast_cpu, table_v2) == FAST_CPU_TABLE_V2, "fast_cpu layout");
_Static_assert(offsetof(struct fast_cpu, gicc) == FAST_CPU_GICC, "fast_cpu layout");
_Static_assert(offsetof(struct fast_cpu, gich) == FAST_CPU_GICH, "fast_cpu layout");
_Static_assert(offsetof(struct fast_cpu, gicd) == FAST_CPU_GICD, "fast_cpu layout");
_Static_assert(sizeof(struct fast_cpu) == FAST_CPU_SIZE, "fast_cpu layout");
_Static_assert(FAST_IRQ_PT_FLAGS == (1ull << FAST_IRQ_PT_BIT | 1ull << FAST_IRQ_ONESHOT_BIT),
	       "the PT entry's flags");
#endif

#endif
