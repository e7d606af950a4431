/*
 * mmio.h - emulated MMIO regions of a VM: a guest access to an IPA that stage-2 leaves
 * unmapped is decoded (hyp/emul/abort.c) and handed to the region that owns the address.
 */
#ifndef SKIFF_HYP_MMIO_H
#define SKIFF_HYP_MMIO_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

enum mmio_result {
	MMIO_OK = 0,
	MMIO_ABORT = -1, /* reported to the guest as a synchronous external abort */
	MMIO_RETRY = 1,	 /* not done: the guest executes the access again */
};

struct mmio_region {
	uint64_t base;
	uint64_t size;
	const char *name;
	void *ctx;
	/* offset is relative to base; width is 1, 2, 4 or 8 bytes */
	int (*read)(void *ctx, struct vcpu *v, uint64_t offset, unsigned int width, uint64_t *val);
	int (*write)(void *ctx, struct vcpu *v, uint64_t offset, unsigned int width, uint64_t val);
};

#define MMIO_MAX_REGIONS 8

struct mmio_bus {
	struct mmio_region region[MMIO_MAX_REGIONS];
	unsigned int count;
};

/* Add a region; false if the table is full or it overlaps one already there. */
bool mmio_add(struct mmio_bus *bus, const struct mmio_region *r);
/* The region containing [ipa, ipa + width), or NULL. */
const struct mmio_region *mmio_find(const struct mmio_bus *bus, uint64_t ipa, unsigned int width);

#endif
