/*
 * fdt_write.h - writes a flattened device tree front to back into one buffer: the header, an
 * empty memory reservation map, then nodes and properties in the order they are given. Only
 * what hyp/plan/guest_dtb.c needs, in place of libfdt's sequential-write API (fdt_sw), whose
 * output it matches byte for byte: the structure block grows up from the header, the property
 * names grow down from the buffer's end (each name stored once) and move up behind the
 * structure block when the tree is finished. Writes only the buffer; no state of its own.
 */
#ifndef SKIFF_HYP_FDT_WRITE_H
#define SKIFF_HYP_FDT_WRITE_H

#include <stddef.h>
#include <stdint.h>

struct fdtw {
	uint8_t *buf;
	uint32_t size;	  /* the buffer's */
	uint32_t end;	  /* of the structure block so far */
	uint32_t strings; /* where the names start: they grow down from size */
};

/*
 * Each call returns 0, or -FDT_ERR_NOSPACE when the buffer cannot hold what it adds (the tree
 * is then unfinished). fdtw_create zeroes the buffer (size bytes, at most INT_MAX) and writes
 * the header and the reservation map; fdtw_finish ends the structure block and makes the blob
 * a valid tree of version 17.
 */
int fdtw_create(struct fdtw *w, void *buf, size_t size);
int fdtw_begin_node(struct fdtw *w, const char *name);
int fdtw_end_node(struct fdtw *w);
/* A property of len bytes whose value the caller writes at *val. */
int fdtw_placeholder(struct fdtw *w, const char *name, uint32_t len, void **val);
int fdtw_property(struct fdtw *w, const char *name, const void *val, uint32_t len);
int fdtw_string(struct fdtw *w, const char *name, const char *s);
int fdtw_u32(struct fdtw *w, const char *name, uint32_t v);
int fdtw_u64(struct fdtw *w, const char *name, uint64_t v);
int fdtw_finish(struct fdtw *w);

#endif
