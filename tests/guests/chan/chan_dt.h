/*
 * chan_dt.h - a bare-metal guest's look at its skiff,channel node (docs/channel.md, "The
 * guest's device tree"), through tests/guests/lib/fdt.c: plain C, shared by the AArch64 and
 * AArch32 channel guests. Reads the blob only.
 */
#ifndef SKIFF_TEST_CHAN_DT_H
#define SKIFF_TEST_CHAN_DT_H

#include <stdbool.h>
#include <stdint.h>

/* Doorbell register offsets in the doorbell page */
#define CHAN_DB_RING 0x0
#define CHAN_DB_HEARD 0x4

struct chan_dt {
	uint64_t doorbell;	/* the doorbell page ("reg" 0) */
	uint64_t shm, shm_size; /* the shared memory ("reg" 1) */
	uint32_t intid;		/* the doorbell's INTID (an SPI: "interrupts" cell 2 + 32) */
	uint32_t channel, end;	/* skiff,channel = <N end> */
};

/* The first node compatible with "skiff,channel"; false if none or it is malformed. */
bool chan_dt_find(const void *fdt, struct chan_dt *out);

#endif
