/*
 * gicv2.h - the physical GICv2 (GIC-400 and its kind, IHI 0048B): distributor set-up, the
 * banked per-CPU part, SPI routing by CPU interface, SGIs through GICD_SGIR, and the CPU
 * interface at EL2 (EOImode 1: priority drop at EOIR, deactivation at DIR). The per-INTID
 * enable, pending, active and priority registers sit at the GICv3 distributor's offsets, so
 * drivers/gicv3.c's accessors serve both (drivers/gic.c binds them).
 */
#ifndef SKIFF_DRIVERS_GICV2_H
#define SKIFF_DRIVERS_GICV2_H

#include <stdbool.h>
#include <stdint.h>

#define GICV2_MAX_CPUS 8

/* The frames skiff drives: gicc_dir is where GICC_DIR is, gicc + 0x1000, or gicc + 0x10000 when
 * the CPU interface is wired with 64 KiB aliases (gicv2_gicc_page1). */
struct gicv2_frames {
	uintptr_t gicd;
	uintptr_t gicc;
	uintptr_t gicc_page1;
	uintptr_t gich;
};

/* The second 4 KiB page of a CPU interface region of size bytes at base: the next page, or the
 * next 64 KiB when the region is at least 128 KiB (a GIC-400 wired with 64 KiB aliases, as on
 * ZynqMP; Linux decides the same way from the region size). */
uint64_t gicv2_gicc_page1(uint64_t base, uint64_t size);

/* Distributor: checks ArchRev (1 or 2), disables it, resets every SPI to disabled, not
 * pending or active, default priority, level, targeted at the calling (boot) CPU's interface;
 * enables it. Returns the number of INTIDs or 0 if the frame is not a GICv2 distributor. */
unsigned int gicv2_dist_init(const struct gicv2_frames *f);

/*
 * True on a GIC that does not signal a physical interrupt a list register's HW=1 deactivation
 * leaves pending: QEMU's GICv2 model (hw/intc/arm_gic.c, 7.2 and later) clears the physical
 * active state when the guest deactivates a hardware-linked vINTID (GICV_EOIR, GICV_DIR) but
 * re-evaluates only the virtual CPU interface (gic_update_virt), never the physical one; a
 * level line still asserted then stays pending, undelivered, until some other GIC event.
 * Known by GICD_IIDR (Arm, ProductID 0); set at gicv2_dist_init.
 */
bool gicv2_hw_deact_unsignalled(void);

/* This CPU's interface bit, read from the banked GICD_ITARGETSR0 (0 on a uniprocessor GIC). */
uint8_t gicv2_cpu_mask(void);

/* This CPU, whose MPIDR is mpidr: records its interface bit (for routing and SGIs), resets its
 * banked SGIs and PPIs (disabled, not pending or active, default priority) and turns on its CPU
 * interface (priority mask open, EOImode 1). false if no CPU slot is left. */
bool gicv2_cpu_init(uint64_t mpidr);

void gicv2_spi_route(uintptr_t gicd, unsigned int intid, uint64_t mpidr); /* ITARGETSR */
void gicv2_send_sgi(uint64_t mpidr, unsigned int sgi); /* GICD_SGIR, by target list */

unsigned int gicv2_ack(void);		 /* GICC_IAR: INTID and CPUID */
void gicv2_eoi(unsigned int iar);	 /* GICC_EOIR */
void gicv2_deactivate(unsigned int iar); /* GICC_DIR; an SPI: GICD_ICACTIVER */

/* The frames gicv2_dist_init was given (for the list registers' driver). */
extern struct gicv2_frames gicv2;

/* GICH_LR<n> and GICH_HCR of this CPU through struct lr_hw (gicv2_lr.c); nr_lrs from
 * GICH_VTR.ListRegs (up to 64), at most max. */
struct lr_hw;
extern struct lr_hw gicv2_lr_hw;
void gicv2_lr_hw_init(unsigned int max);
/* The virtual CPU interface as a vCPU's reset leaves it: empty LRs, GICH_APR and GICH_VMCR 0,
 * GICH_HCR.En. */
void gicv2_vcpu_if_reset(void);

#endif
