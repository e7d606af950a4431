/*
 * gic.h - the test guests' GIC driver: GICv3 programmed the way Linux's irq-gic-v3 does it
 * (distributor, redistributors, ICC_* system registers), or GICv2 the way irq-gic does it
 * (distributor, memory-mapped CPU interface; gicv2.c), whichever the device tree names.
 * Register offsets and fields as IHI 0069 and IHI 0048 name them. The per-interrupt
 * operations, SGIs, acknowledge/EOI and PMR below work on either.
 */
#ifndef GUEST_GIC_H
#define GUEST_GIC_H

#include <stdbool.h>
#include <stdint.h>

#include "tests/guests/lib/guest.h"

/* ---- distributor */
#define GICD_CTLR 0x0000
#define GICD_TYPER 0x0004
#define GICD_IIDR 0x0008
#define GICD_IGROUPR 0x0080
#define GICD_ISENABLER 0x0100
#define GICD_ICENABLER 0x0180
#define GICD_ISPENDR 0x0200
#define GICD_ICPENDR 0x0280
#define GICD_ISACTIVER 0x0300
#define GICD_ICACTIVER 0x0380
#define GICD_IPRIORITYR 0x0400
#define GICD_ICFGR 0x0c00
#define GICD_IGRPMODR 0x0d00
#define GICD_IROUTER 0x6000
#define GICD_PIDR2 0xffe8

#define GICD_CTLR_RWP BIT(31)
#define GICD_CTLR_DS BIT(6)
#define GICD_CTLR_ARE_NS BIT(4)
#define GICD_CTLR_ENABLE_G1A BIT(1)
#define GICD_CTLR_ENABLE_G1 BIT(0)
#define GICD_TYPER_ITLINES_MASK 0x1fU
#define GICD_TYPER_IDBITS_SHIFT 19
#define GICD_TYPER_IDBITS_MASK 0x1fU

#define GIC_PIDR2_ARCHREV_SHIFT 4
#define GIC_PIDR2_ARCHREV_MASK 0xfU
#define GIC_PIDR2_ARCHREV_GICV3 3

/* ---- GICv2 (IHI 0048): distributor registers of its own, and the CPU interface (GICC) */
#define GICD_ITARGETSR 0x0800
#define GICD_SGIR 0x0f00
#define GICD_CPENDSGIR 0x0f10
#define GICD_SPENDSGIR 0x0f20
#define GICD_ICPIDR2 0x0fe8

#define GICD_CTLR_ENABLE_GRP0 BIT(0)
#define GICD_TYPER_CPUNUMBER_SHIFT 5
#define GICD_TYPER_CPUNUMBER_MASK 0x7U
#define GIC_PIDR2_ARCHREV_GICV2 2
#define GICD_SGIR_TARGET_SHIFT 16
#define GICD_SGIR_FILTER_SHIFT 24
#define GICD_SGIR_FILTER_LIST 0U
#define GICD_SGIR_FILTER_OTHERS 1U
#define GICD_SGIR_FILTER_SELF 2U

#define GICC_CTLR 0x0000
#define GICC_PMR 0x0004
#define GICC_BPR 0x0008
#define GICC_IAR 0x000c
#define GICC_EOIR 0x0010
#define GICC_RPR 0x0014
#define GICC_HPPIR 0x0018
#define GICC_APR0 0x00d0
#define GICC_IIDR 0x00fc
#define GICC_DIR 0x1000

#define GICC_CTLR_ENABLE_GRP0 BIT(0)
#define GICC_CTLR_EOIMODE BIT(9) /* EOImodeS without Security Extensions, EOImode in GICV */
#define GICC_IAR_INTID_MASK 0x3ffU
#define GICC_IAR_CPUID_SHIFT 10
#define GICC_IAR_CPUID_MASK 0x7U
#define GICC_IIDR_ARCH_SHIFT 16
#define GICC_IIDR_ARCH_MASK 0xfU
#define GICV2_MAX_CPUS 8

/* ---- redistributor: RD_base frame, then SGI_base frame 64 KiB above it */
#define GICR_CTLR 0x0000
#define GICR_IIDR 0x0004
#define GICR_TYPER 0x0008
#define GICR_WAKER 0x0014
#define GICR_PIDR2 0xffe8
#define GICR_SGI_OFFSET 0x10000
#define GICR_IGROUPR0 0x0080
#define GICR_ISENABLER0 0x0100
#define GICR_ICENABLER0 0x0180
#define GICR_ISPENDR0 0x0200
#define GICR_ICPENDR0 0x0280
#define GICR_ISACTIVER0 0x0300
#define GICR_ICACTIVER0 0x0380
#define GICR_IPRIORITYR 0x0400
#define GICR_ICFGR0 0x0c00
#define GICR_ICFGR1 0x0c04

#define GICR_CTLR_RWP BIT(3)
#define GICR_TYPER_PLPIS BIT(0)
#define GICR_TYPER_VLPIS BIT(1)
#define GICR_TYPER_LAST BIT(4)
#define GICR_TYPER_PROC_NUM_SHIFT 8
#define GICR_TYPER_PROC_NUM_MASK 0xffffUL
#define GICR_TYPER_AFF_SHIFT 32
#define GICR_WAKER_PROCESSOR_SLEEP BIT(1)
#define GICR_WAKER_CHILDREN_ASLEEP BIT(2)
#define GICR_STRIDE 0x20000	 /* RD_base + SGI_base */
#define GICR_STRIDE_VLPI 0x40000 /* plus VLPI_base and a reserved frame */

#define GIC_NR_SGIS 16
#define GIC_NR_PRIVATE 32
#define GIC_SPURIOUS_FIRST 1020
#define GIC_INTID_MASK 0xffffffU
#define GIC_DEFAULT_PRIO 0xa0
#define GIC_DEFAULT_PMR 0xf0
#define GIC_ICFGR_EDGE 2U /* Int_config[1] of a 2-bit field */

/* ---- CPU interface system registers */
#define ICC_PMR_EL1 S3_0_C4_C6_0
#define ICC_IAR1_EL1 S3_0_C12_C12_0
#define ICC_EOIR1_EL1 S3_0_C12_C12_1
#define ICC_HPPIR1_EL1 S3_0_C12_C12_2
#define ICC_BPR1_EL1 S3_0_C12_C12_3
#define ICC_CTLR_EL1 S3_0_C12_C12_4
#define ICC_SRE_EL1 S3_0_C12_C12_5
#define ICC_IGRPEN1_EL1 S3_0_C12_C12_7
#define ICC_DIR_EL1 S3_0_C12_C11_1
#define ICC_RPR_EL1 S3_0_C12_C11_3
#define ICC_SGI1R_EL1 S3_0_C12_C11_5

#define ICC_SRE_SRE BIT(0)
#define ICC_CTLR_EOIMODE BIT(1)
#define ICC_CTLR_PRIBITS_SHIFT 8
#define ICC_CTLR_PRIBITS_MASK 0x7U
#define ICC_IGRPEN1_EN BIT(0)

#define ICC_SGI1R_TARGET_LIST_MASK 0xffffUL
#define ICC_SGI1R_AFF1_SHIFT 16
#define ICC_SGI1R_INTID_SHIFT 24
#define ICC_SGI1R_AFF2_SHIFT 32
#define ICC_SGI1R_IRM BIT(40)
#define ICC_SGI1R_AFF3_SHIFT 48

#define MPIDR_AFF0(m) ((m)&0xffUL)
#define MPIDR_AFF1(m) (((m) >> 8) & 0xffUL)
#define MPIDR_AFF2(m) (((m) >> 16) & 0xffUL)
#define MPIDR_AFF3(m) (((m) >> 32) & 0xffUL)

static inline bool gic_is_v2(void)
{
	return plat.gic_version == 2;
}

/* Affinity as GICR_TYPER[63:32] and GICD_IROUTER hold it */
uint32_t mpidr_to_gicr_aff(uint64_t mpidr);
uint64_t mpidr_to_irouter(uint64_t mpidr);

/* Set-up: the distributor once (boot CPU), each CPU's redistributor and CPU interface. */
void gic_dist_init(void);
void gic_cpu_init(void);
unsigned int gic_nr_irqs(void);

/*
 * This CPU's redistributor frames (0 if not found) and any CPU's. On GICv2 there is no
 * redistributor: gic_sgi_base() is the distributor, whose SGI/PPI registers (ISENABLER0,
 * ISPENDR0, ISACTIVER0, IPRIORITYR0..7, ICFGR1 at the offsets GICR_* names) are banked.
 */
uintptr_t gic_rd_base(void);
uintptr_t gic_sgi_base(void);
uintptr_t gic_rd_base_of(unsigned int cpu);
/* Walks GICR_TYPER from the region start like Linux; returns the frame for aff or 0. */
uintptr_t gic_find_redist(uint32_t aff);

void gic_dist_wait_rwp(void);
void gic_redist_wait_rwp(void);

/* Per-interrupt operations; SGIs and PPIs act on this CPU's redistributor. */
void gic_enable(uint32_t intid);
void gic_disable(uint32_t intid);
void gic_set_pending(uint32_t intid);
void gic_clear_pending(uint32_t intid);
void gic_set_active(uint32_t intid);
void gic_clear_active(uint32_t intid);
bool gic_is_enabled(uint32_t intid);
bool gic_is_pending(uint32_t intid);
bool gic_is_active(uint32_t intid);
void gic_set_priority(uint32_t intid, uint8_t prio);
uint8_t gic_get_priority(uint32_t intid);
void gic_set_edge(uint32_t intid, bool edge);
void gic_set_route(uint32_t intid, uint64_t mpidr);
/* An SPI's route as its register holds it (IROUTER; GICv2: the ITARGETSR byte)... */
uint64_t gic_get_route(uint32_t intid);
/* ...and what that register holds when it names only the CPU of mpidr. */
uint64_t gic_route_value(uint64_t mpidr);

/* SGIs through ICC_SGI1R_EL1 */
void gic_send_sgi(uint32_t intid, unsigned int cpu);
/* One write per affinity group: the TargetList holds every CPU of cpu_mask in it. */
void gic_send_sgi_mask(uint32_t intid, uint32_t cpu_mask);
/* IRM=1 (GICv2: TargetListFilter 1): every CPU but this one. */
void gic_send_sgi_others(uint32_t intid);
void gic_write_sgi1r(uint64_t val);
/* GICv2: one GICD_SGIR write (a barrier first, like gic_write_sgi1r). */
void gicv2_write_sgir(uint32_t val);
/* GICv2: the CPU interface bit of logical CPU cpu, as ITARGETSR0..7 showed it there. */
uint8_t gicv2_cpu_mask(unsigned int cpu);

/*
 * CPU interface. gic_ack() returns the INTID alone; on GICv2 it keeps an SGI's source CPU
 * (GICC_IAR[12:10]) for gic_eoi(), which must write it back, and for gic_sgi_source().
 */
uint32_t gic_ack(void);
void gic_eoi(uint32_t intid);
/* EOImode 1 (split): gic_eoi() only drops the priority, gic_deactivate() deactivates. */
void gic_set_eoimode(bool split);
void gic_deactivate(uint32_t intid);
void gic_set_pmr(uint8_t pmr);
uint8_t gic_get_pmr(void);
uint8_t gic_get_rpr(void);
/* GICv2: the CPU interface number that sent sgi, as this CPU last acknowledged it. */
unsigned int gic_sgi_source(uint32_t sgi);

/* The GICv2 halves of the operations above (gicv2.c); gic.c calls them on a GICv2. */
void gicv2_dist_init(void);
void gicv2_cpu_init(void);
void gicv2_set_route(uint32_t intid, uint64_t mpidr);
void gicv2_send_sgi_mask(uint32_t intid, uint32_t cpu_mask);
uint32_t gicv2_ack(void);
void gicv2_eoi(uint32_t intid);
void gicv2_deactivate(uint32_t intid);

#endif
