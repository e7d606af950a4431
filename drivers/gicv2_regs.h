/*
 * gicv2_regs.h - GICv2 register offsets and fields that differ from the GICv3 distributor's
 * (drivers/gicv3_regs.h names the per-INTID registers, at the same offsets in both), named as
 * the GICv2 Architecture Specification (IHI 0048B) names them: the distributor's GICv2-only
 * registers (4.3), the CPU interface (4.4) and the virtual interface control (5.3).
 */
#ifndef SKIFF_DRIVERS_GICV2_REGS_H
#define SKIFF_DRIVERS_GICV2_REGS_H

/* Distributor (4.3) */
#define GICD_ITARGETSR 0x0800
#define GICD_SGIR 0x0f00
#define GICD_ICPIDR2 0x0fe8
#define GICD_IIDR_QEMU 0x0000043bu /* QEMU's model: Arm, ProductID 0 (a GIC-400 has 0x02) */
#define GICD_CTLR_ENABLE (1u << 0) /* EnableGrp1 seen from Non-secure, else EnableGrp0 */
#define GICD_SGIR_TARGETLIST_SHIFT 16
#define GICD_SGIR_FILTER_SHIFT 24
#define GIC_ARCHREV_GICV1 1
#define GIC_ARCHREV_GICV2 2

/* CPU interface (4.4); GICV, the virtual CPU interface, has the same layout (5.5) */
#define GICC_CTLR 0x0000
#define GICC_PMR 0x0004
#define GICC_BPR 0x0008
#define GICC_IAR 0x000c
#define GICC_EOIR 0x0010
#define GICC_IIDR 0x00fc
#define GICC_DIR 0x1000 /* in the second 4 KiB page */
#define GICC_CTLR_ENABLE (1u << 0)
#define GICC_CTLR_EOIMODE (1u << 9) /* EOImodeNS seen from Non-secure, else EOImode */
#define GICC_IAR_INTID_MASK 0x3ffu
#define GICC_IAR_ID_MASK 0x1fffu /* INTID and, for an SGI, the requesting CPU (CPUID) */
#define GICC_PMR_LOWEST 0xff
#define GICC_PAGE 0x1000
#define GICC_ALIAS_STRIDE 0x10000 /* a GIC-400 wired with each 4 KiB page on a 64 KiB one */

/* Virtual interface control (5.3) */
#define GICH_HCR 0x0000
#define GICH_VTR 0x0004
#define GICH_VMCR 0x0008
#define GICH_MISR 0x0010
#define GICH_EISR0 0x0020
#define GICH_ELRSR0 0x0030
#define GICH_APR 0x00f0
#define GICH_LR0 0x0100
#define GICH_VTR_LISTREGS_MASK 0x3f /* ListRegs: number of list registers - 1 */
#define GICH_MAX_LRS 64

#endif
