/*
 * gicv3_regs.h - GICv3 distributor and redistributor register offsets and fields, named as
 * the GICv3/v4 Architecture Specification (IHI 0069) names them.
 */
#ifndef SKIFF_DRIVERS_GICV3_REGS_H
#define SKIFF_DRIVERS_GICV3_REGS_H

/* Distributor (12.9) */
#define GICD_CTLR 0x0000
#define GICD_TYPER 0x0004
#define GICD_IIDR 0x0008
#define GICD_TYPER2 0x000c
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

#define GICD_CTLR_ENABLE_G0 (1u << 0)
#define GICD_CTLR_ENABLE_G1NS (1u << 1)
#define GICD_CTLR_ENABLE_G1S (1u << 2)
#define GICD_CTLR_ARE_NS (1u << 4)
#define GICD_CTLR_DS (1u << 6)
#define GICD_CTLR_RWP (1u << 31)

#define GICD_TYPER_ITLINES_MASK 0x1f

#define GIC_PIDR2_ARCHREV_SHIFT 4
#define GIC_PIDR2_ARCHREV_MASK 0xf
#define GIC_ARCHREV_GICV3 3
#define GIC_ARCHREV_GICV4 4

/* Redistributor RD_base frame (12.10) */
#define GICR_CTLR 0x0000
#define GICR_IIDR 0x0004
#define GICR_TYPER 0x0008
#define GICR_WAKER 0x0014
#define GICR_PIDR2 0xffe8

#define GICR_CTLR_RWP (1u << 3)

#define GICR_TYPER_VLPIS (1ull << 1)
#define GICR_TYPER_LAST (1ull << 4)
#define GICR_TYPER_AFF_SHIFT 32

#define GICR_WAKER_PROCESSOR_SLEEP (1u << 1)
#define GICR_WAKER_CHILDREN_ASLEEP (1u << 2)

/* Redistributor SGI_base frame, 64 KiB after RD_base */
#define GICR_SGI_BASE 0x10000
#define GICR_IGROUPR0 (GICR_SGI_BASE + 0x0080)
#define GICR_ISENABLER0 (GICR_SGI_BASE + 0x0100)
#define GICR_ICENABLER0 (GICR_SGI_BASE + 0x0180)
#define GICR_ISPENDR0 (GICR_SGI_BASE + 0x0200)
#define GICR_ICPENDR0 (GICR_SGI_BASE + 0x0280)
#define GICR_ISACTIVER0 (GICR_SGI_BASE + 0x0300)
#define GICR_ICACTIVER0 (GICR_SGI_BASE + 0x0380)
#define GICR_IPRIORITYR0 (GICR_SGI_BASE + 0x0400)
#define GICR_ICFGR0 (GICR_SGI_BASE + 0x0c00)
#define GICR_ICFGR1 (GICR_SGI_BASE + 0x0c04)

#define GICR_FRAME_SIZE 0x10000
#define GICR_STRIDE_V3 (2 * GICR_FRAME_SIZE) /* RD + SGI */
#define GICR_STRIDE_V4 (4 * GICR_FRAME_SIZE) /* + VLPI + reserved */

#define GIC_INTID_PPI_BASE 16
#define GIC_INTID_SPI_BASE 32
#define GIC_INTID_SPI_MAX 1019
#define GIC_INTID_SPURIOUS 1023
#define GIC_PRIORITY_DEFAULT 0xa0

#endif
