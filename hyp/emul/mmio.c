/*
 * mmio.c - the table of a VM's emulated MMIO regions: adding a region and finding the one an
 * access falls in. Knows nothing of syndromes, stage-2 or what a region emulates; never
 * calls a region's handlers.
 */
#include <stddef.h>

#include "hyp/emul/mmio.h"

/* [base, base + size) is non-empty and does not wrap past the top of the address space. */
static bool region_valid(const struct mmio_region *r)
{
	return r->size != 0 && r->base + r->size > r->base;
}

static bool regions_overlap(const struct mmio_region *a, const struct mmio_region *b)
{
	return a->base < b->base + b->size && b->base < a->base + a->size;
}

__attribute__((cold)) bool mmio_add(struct mmio_bus *bus, const struct mmio_region *r)
{
	unsigned int i;

	if (bus->count >= MMIO_MAX_REGIONS || !region_valid(r))
		return false;
	for (i = 0; i < bus->count; i++) {
		if (regions_overlap(&bus->region[i], r))
			return false;
	}
	bus->region[bus->count++] = *r;
	return true;
}

const struct mmio_region *mmio_find(const struct mmio_bus *bus, uint64_t ipa, unsigned int width)
{
	unsigned int i;

	if (width == 0)
		return NULL;
	for (i = 0; i < bus->count; i++) {
		const struct mmio_region *r = &bus->region[i];
		uint64_t offset = ipa - r->base;

		/* written so that no sum can wrap: ipa + width may pass 2^64. An ipa below base
		 * makes offset at least 2^64 - base, which no region's size reaches (mmio_add
		 * keeps base + size from wrapping), so offset < size also says ipa >= base. */
		if (offset < r->size && width <= r->size - offset)
			return r;
	}
	return NULL;
}
