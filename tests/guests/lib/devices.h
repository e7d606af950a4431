/*
 * devices.h - what a test guest owns according to its device tree: its RAM ranges, the MMIO
 * ranges of its device nodes and the SPIs those nodes name, and a look-up of one device by
 * compatible string. For the isolation guests (hostile, canary, lifecycle), which must know
 * what is theirs to tell it from what is not. Reads the blob only; touches no hardware.
 */
#ifndef GUEST_DEVICES_H
#define GUEST_DEVICES_H

#include <stdbool.h>
#include <stdint.h>

#define DT_MAX_RAM 4
#define DT_MAX_MMIO 96
#define DT_MAX_SPIS 96

struct dt_range {
	uint64_t base;
	uint64_t size;
};

struct dt_mmio {
	uint64_t base;
	uint64_t size;
	const char *name; /* the node's name */
	bool gic;	  /* a "reg" entry of the GIC node (GICD, GICR regions) */
};

struct dt_owned {
	unsigned int nr_ram;
	struct dt_range ram[DT_MAX_RAM];
	unsigned int nr_mmio;
	struct dt_mmio mmio[DT_MAX_MMIO];
	unsigned int nr_spis;
	uint32_t spis[DT_MAX_SPIS]; /* INTIDs, sorted */
	bool truncated;		    /* more than the arrays hold */
};

extern struct dt_owned dt_owned;

/* Fills dt_owned from plat.dtb: memory nodes, every node with "reg" but the CPUs, the "interrupts"
 * of every node whose interrupt parent is the GIC. Nothing natively without a device tree. */
void dt_scan_owned(void);
bool dt_owns_spi(uint32_t intid);
/* First node compatible with compat: its first "reg" address and first SPI (0 if it has none);
 * false if no such node. */
bool dt_device(const char *compat, uint64_t *base, uint32_t *intid);

#endif
