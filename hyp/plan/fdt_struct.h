/*
 * fdt_struct.h - a walk over a flattened device tree's structure block that checks every tag,
 * node name and property length lies inside it, in bounded arithmetic, then the rest of what
 * libfdt's fdt_check_full() checks, which the image does not link. Run before anything else
 * reads the tree with libfdt: libfdt 1.6.1 (Debian 12's) adds a property's length to an int
 * offset unchecked, so a length that wraps the offset back makes its walks loop for ever.
 * Reads the blob only.
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

/*
 * What libfdt's fdt_check_full(fdt, totalsize) returns, for a blob that passed
 * fdt_struct_check(): 0, or -FDT_ERR_TRUNCATED when the memory reservation map does not end
 * inside the blob, -FDT_ERR_BADSTRUCTURE for a second root node, a root with a name or a tag
 * after the root but FDT_END, -FDT_ERR_BADOFFSET or -FDT_ERR_TRUNCATED for a property name
 * outside the strings block or not ended inside it.
 */
int fdt_struct_check_full(const void *fdt);

/* What libfdt's fdt_strerror() returns for err ("FDT_ERR_NOTFOUND" for -FDT_ERR_NOTFOUND), which
 * the image does not link. */
const char *fdt_struct_strerror(int err);

#endif
