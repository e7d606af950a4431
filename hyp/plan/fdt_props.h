/*
 * fdt_props.h - small readers of device-tree property values shared by the parsers of the
 * host tree and the configuration: a number from cells, whether a value is one string.
 * Pure.
 */
#ifndef SKIFF_HYP_FDT_PROPS_H
#define SKIFF_HYP_FDT_PROPS_H

#include <libfdt.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* The value of n cells starting at cell (n > 2 keeps only the low 64 bits). */
static inline uint64_t fdt_cells_read(const fdt32_t *cell, uint32_t n)
{
	uint64_t v = 0;

	while (n--)
		v = (v << 32) | fdt32_ld(cell++);
	return v;
}

/* A one-cell property of node, or dflt when it is absent or not one cell. */
static inline uint32_t fdt_u32_or(const void *fdt, int node, const char *name, uint32_t dflt)
{
	int len;
	const fdt32_t *v = fdt_getprop(fdt, node, name, &len);

	return v && len == 4 ? fdt32_ld(v) : dflt;
}

/* Whether a property value of len bytes is exactly one NUL-terminated string. */
static inline bool fdt_prop_is_string(const char *v, int len)
{
	return v && len >= 1 && v[len - 1] == '\0' && strlen(v) == (size_t)len - 1;
}

#endif
