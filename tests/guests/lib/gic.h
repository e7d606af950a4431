/*
 * gic.h - the test guests' GICv3 driver, programmed the way Linux's irq-gic-v3 does it:
 * register offsets and fields (named as IHI 0069 names them), distributor and
 * redistributor set-up, per-interrupt operations and the ICC_* system registers.
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

/* Affinity as GICR_TYPER[63:32] and GICD_IROUTER hold it */
uint32_t mpidr_to_gicr_aff(uint64_t mpidr);
uint64_t mpidr_to_irouter(uint64_t mpidr);

/* Set-up: the distributor once (boot CPU), each CPU's redistributor and CPU interface. */
void gic_dist_init(void);
void gic_cpu_init(void);
unsigned int gic_nr_irqs(void);

/* This CPU's redistributor frames (0 if not found) and any CPU's. */
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

/* SGIs through ICC_SGI1R_EL1 */
void gic_send_sgi(uint32_t intid, unsigned int cpu);
/* One write per affinity group: the TargetList holds every CPU of cpu_mask in it. */
void gic_send_sgi_mask(uint32_t intid, uint32_t cpu_mask);
/* IRM=1: every CPU but this one. */
void gic_send_sgi_others(uint32_t intid);
void gic_write_sgi1r(uint64_t val);

/* CPU interface */
uint32_t gic_ack(void);
void gic_eoi(uint32_t intid);
void gic_set_pmr(uint8_t pmr);
uint8_t gic_get_pmr(void);

#endif
