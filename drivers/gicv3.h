/*
 * gicv3.h - the physical GICv3: distributor set-up, finding and waking this CPU's
 * redistributor, per-interrupt enable/priority/config/route, and the EL2 CPU interface
 * (group 1, EOImode = 1: priority drop at EOIR, deactivation at DIR).
 */
#ifndef SKIFF_DRIVERS_GICV3_H
#define SKIFF_DRIVERS_GICV3_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/range.h"

/* Distributor: checks the architecture revision, disables and resets every SPI to group 1,
 * default priority, level, disabled, routed to route_mpidr; then enables group 1 with
 * affinity routing. Returns the number of INTIDs (32 * (ITLinesNumber + 1), at most 1020)
 * or 0 if the frame is not a GICv3/v4 distributor. */
unsigned int gicv3_dist_init(uintptr_t gicd, uint64_t route_mpidr);

/* RD_base of the redistributor whose GICR_TYPER affinity is mpidr, or 0. stride 0 means
 * 128 KiB frames (256 KiB when GICR_TYPER.VLPIS), the DT's redistributor-stride otherwise. */
uintptr_t gicv3_redist_find(const struct plat_range *regions, unsigned int count, uint64_t stride,
			    uint64_t mpidr);

/* Wake the redistributor (GICR_WAKER handshake) and reset its SGIs/PPIs: group 1, default
 * priority, disabled, not pending or active. false if it does not wake. */
bool gicv3_redist_init(uintptr_t rd);

void gicv3_ppi_enable(uintptr_t rd, unsigned int intid, bool on);
void gicv3_ppi_deactivate(uintptr_t rd, unsigned int intid); /* GICR_ICACTIVER0 */
bool gicv3_ppi_pending(uintptr_t rd, unsigned int intid);    /* GICR_ISPENDR0 */
bool gicv3_ppi_active(uintptr_t rd, unsigned int intid);     /* GICR_ISACTIVER0 */
void gicv3_spi_enable(uintptr_t gicd, unsigned int intid, bool on);
void gicv3_spi_route(uintptr_t gicd, unsigned int intid, uint64_t mpidr);
void gicv3_spi_set_pending(uintptr_t gicd, unsigned int intid, bool on);
void gicv3_spi_set_active(uintptr_t gicd, unsigned int intid, bool on);
void gicv3_spi_set_priority(uintptr_t gicd, unsigned int intid, uint8_t prio);
/* GICD_ICFGR is shared by 16 INTIDs: serialised by a lock of the driver's own, a leaf taken
 * under a VM's vgic lock (docs/locks.md); the line is disabled around the change as IHI 0069
 * asks, and its enable restored. */
void gicv3_spi_set_edge(uintptr_t gicd, unsigned int intid, bool edge);
bool gicv3_spi_pending(uintptr_t gicd, unsigned int intid);
bool gicv3_spi_active(uintptr_t gicd, unsigned int intid); /* GICD_ISACTIVER */

/* CPU interface (ICC_* system registers at EL2) */
void gicv3_cpuif_init(void);
unsigned int gicv3_ack(void);			       /* ICC_IAR1_EL1 */
void gicv3_eoi(unsigned int intid);		       /* ICC_EOIR1_EL1: priority drop */
void gicv3_deactivate(unsigned int intid);	       /* ICC_DIR_EL1 */
void gicv3_send_sgi(uint64_t mpidr, unsigned int sgi); /* ICC_SGI1R_EL1, group 1 */

#endif
