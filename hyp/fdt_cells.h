/*
 * fdt_cells.h - reading a number of 1 or 2 big-endian cells from a device-tree property,
 * shared by the parsers of the host tree and the configuration. Pure.
 */
#ifndef SKIFF_HYP_FDT_CELLS_H
#define SKIFF_HYP_FDT_CELLS_H

#include <libfdt.h>
#include <stdint.h>

/* The value of n cells starting at cell (n > 2 keeps only the low 64 bits). */
static inline uint64_t fdt_cells_read(const fdt32_t *cell, uint32_t n)
{
	uint64_t v = 0;

	while (n--)
		v = (v << 32) | fdt32_ld(cell++);
	return v;
}

#endif
