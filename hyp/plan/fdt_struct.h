/*
 * fdt_struct.h - a walk over a flattened device tree's structure block that checks every tag,
 * node name and property length lies inside it, in bounded arithmetic. Run before libfdt's
 * own checks: libfdt 1.6.1 (Debian 12's) adds a property's length to an int offset unchecked,
 * so a length that wraps the offset back makes fdt_check_full() loop for ever. Reads the blob
 * only.
 */
#ifndef SKIFF_HYP_FDT_STRUCT_H
#define SKIFF_HYP_FDT_STRUCT_H

#include <stdint.h>

#define FDT_STRUCT_MIN_VERSION 16 /* older blobs are refused (fdt_struct.c says why) */

/*
 * fdt has passed fdt_check_header() and lies whole in memory (totalsize bytes). 0 if it is of
 * version 16 or later and its structure block is a sequence of well-formed tags ending in
 * FDT_END with every node closed and no '/' in a node name; else -FDT_ERR_BADVERSION,
 * -FDT_ERR_BADSTRUCTURE or -FDT_ERR_TRUNCATED, with the offset (into the structure block) of
 * the tag at fault in *where (0 for the version).
 */
int fdt_struct_check(const void *fdt, uint32_t *where);

#endif
