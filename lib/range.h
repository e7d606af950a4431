/*
 * range.h - a physical address range, as device trees describe registers and RAM.
 * Definitions only.
 */
#ifndef SKIFF_LIB_RANGE_H
#define SKIFF_LIB_RANGE_H

#include <stdint.h>

struct plat_range {
	uint64_t base;
	uint64_t size;
};

#endif
