/*
 * gic.h - the physical interrupt controller as the hypervisor sees it, one operation table
 * per GIC architecture (drivers/gicv3*.c, drivers/gicv2*.c): hyp/ calls gic->... and never
 * names a version, so a board with a GIC-400 and one with a GICv3 run the same code. The
 * table is chosen once at boot (gic_select) from what the device tree and the hardware say.
 *
 * Per-CPU handles: rd is the calling CPU's GICv3 redistributor (RD_base); a GICv2 banks the
 * private interrupts in the distributor, so its ops act on the calling CPU's bank and ignore
 * rd. cpu identities are MPIDRs (affinity fields); a GICv2 driver maps them to its CPU
 * interface numbers, which each CPU learns at cpu_init.
 */
#ifndef SKIFF_DRIVERS_GIC_H
#define SKIFF_DRIVERS_GIC_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/lr_hw.h"

#define GIC_IAR_INTID(iar) ((iar)&0x3ffu) /* INTIDs skiff takes are below 1024 */

struct gic_ops {
	unsigned int version; /* 2 or 3 */
	/* this CPU: its redistributor (v3) or banked distributor registers (v2) reset, its CPU
	 * interface on in EOImode 1; false if it does not come up */
	bool (*cpu_init)(uintptr_t rd);
	void (*ppi_enable)(uintptr_t rd, unsigned int intid, bool on);
	void (*ppi_deactivate)(uintptr_t rd, unsigned int intid);
	bool (*ppi_pending)(uintptr_t rd, unsigned int intid);
	bool (*ppi_active)(uintptr_t rd, unsigned int intid);
	void (*spi_enable)(uintptr_t gicd, unsigned int intid, bool on);
	void (*spi_route)(uintptr_t gicd, unsigned int intid, uint64_t mpidr);
	void (*spi_set_pending)(uintptr_t gicd, unsigned int intid, bool on);
	void (*spi_set_active)(uintptr_t gicd, unsigned int intid, bool on);
	void (*spi_set_priority)(uintptr_t gicd, unsigned int intid, uint8_t prio);
	void (*spi_set_edge)(uintptr_t gicd, unsigned int intid, bool edge);
	bool (*spi_pending)(uintptr_t gicd, unsigned int intid);
	bool (*spi_active)(uintptr_t gicd, unsigned int intid);
	/* acknowledge: the value to hand back to eoi/deactivate (a GICv2 SGI carries its
	 * requesting CPU in it); GIC_IAR_INTID() of it is the INTID */
	unsigned int (*ack)(void);
	void (*eoi)(unsigned int iar);	      /* priority drop */
	void (*deactivate)(unsigned int iar); /* DIR */
	void (*send_sgi)(uint64_t mpidr, unsigned int sgi);
	/* the virtual CPU interface's list registers on this CPU */
	struct lr_hw *lr;
	void (*lr_hw_init)(unsigned int max); /* count them, at most max (each CPU) */
	void (*vcpu_if_reset)(void);	      /* empty LRs and active priorities, VMCR reset, En */
};

extern const struct gic_ops gicv3_ops;
extern const struct gic_ops gicv2_ops;
extern const struct gic_ops *gic; /* the one in use, set at boot */

#endif
