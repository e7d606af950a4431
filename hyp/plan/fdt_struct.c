/*
 * fdt_struct.c - the structure-block walk of fdt_struct.h: the offset only grows and never
 * passes the block's end, so it ends on any input; then, for the full check, the
 * reservation map and the property names. Reads the blob only.
 */
#include "hyp/plan/fdt_struct.h"

#include <libfdt.h>
#include <stdbool.h>
#include <string.h>

#define TAG_SIZE 4u
#define PROP_HEADER 12u /* tag, len, nameoff */
#define RSV_ENTRY 16u	/* address, size */

static uint32_t be32_at(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static uint64_t align4(uint64_t v)
{
	return (v + 3u) & ~(uint64_t)3u;
}

/* The walk of fdt_struct_check(); with names (the strings block, nr bytes as libfdt bounds
 * it), fdt_struct_check_full()'s rules too. */
static int walk(const void *fdt, uint32_t *where, const char *names, uint32_t nr)
{
	const uint8_t *s = (const uint8_t *)fdt + fdt_off_dt_struct(fdt);
	uint32_t size = fdt_totalsize(fdt) - fdt_off_dt_struct(fdt); /* checked by the header */
	uint64_t off = 0; /* 64 bits: the next offset is computed without wrapping, then bounded */
	uint32_t depth = 0;
	bool closed = false; /* the root node has ended */

	*where = 0;
	/* before version 16 node names were full paths and property values aligned by their
	 * offset: libfdt 1.6.1 accepts those versions and dereferences NULL in fdt_check_full() on
	 * some such blobs (found by tests/fuzz); dtc, QEMU, U-Boot and Linux write 17 */
	if (fdt_version(fdt) < FDT_STRUCT_MIN_VERSION)
		return -FDT_ERR_BADVERSION;
	if (fdt_version(fdt) >= 17 && fdt_size_dt_struct(fdt) < size)
		size = fdt_size_dt_struct(fdt);
	for (;;) {
		uint32_t tag, n;

		*where = (uint32_t)off;
		if (size - off < TAG_SIZE)
			return -FDT_ERR_TRUNCATED;
		tag = be32_at(s + off);
		switch (tag) {
		case FDT_BEGIN_NODE:
			for (n = (uint32_t)off + TAG_SIZE; n < size && s[n]; n++)
				if (s[n] == '/')
					return -FDT_ERR_BADSTRUCTURE;
			if (n >= size)
				return -FDT_ERR_TRUNCATED;
			/* one root node, with an empty name */
			if (names && (closed || (!depth && n != off + TAG_SIZE)))
				return -FDT_ERR_BADSTRUCTURE;
			off = align4(n + 1);
			depth++;
			break;
		case FDT_END_NODE:
			if (!depth)
				return -FDT_ERR_BADSTRUCTURE;
			closed = !--depth;
			off += TAG_SIZE;
			break;
		case FDT_PROP:
			if (!depth)
				return -FDT_ERR_BADSTRUCTURE;
			if (size - off < PROP_HEADER)
				return -FDT_ERR_TRUNCATED;
			n = be32_at(s + off + TAG_SIZE);
			if (n > size - (uint32_t)off - PROP_HEADER)
				return -FDT_ERR_BADSTRUCTURE;
			if (names) {
				/* its name inside the strings block and ended there (the errors
				 * of libfdt's fdt_get_string()) */
				uint32_t at = be32_at(s + off + 2 * TAG_SIZE);

				if (at >= nr)
					return -FDT_ERR_BADOFFSET;
				while (names[at])
					if (++at == nr)
						return -FDT_ERR_TRUNCATED;
			}
			off = align4(off + PROP_HEADER + n);
			break;
		case FDT_NOP:
			if (names && closed)
				return -FDT_ERR_BADSTRUCTURE; /* only FDT_END after the root node */
			off += TAG_SIZE;
			break;
		case FDT_END:
			return depth ? -FDT_ERR_BADSTRUCTURE : 0;
		default:
			return -FDT_ERR_BADSTRUCTURE;
		}
		if (off > size)
			return -FDT_ERR_TRUNCATED;
	}
}

int fdt_struct_check(const void *fdt, uint32_t *where)
{
	return walk(fdt, where, NULL, 0);
}

int fdt_struct_check_full(const void *fdt)
{
	const uint8_t *map = (const uint8_t *)fdt + fdt_off_mem_rsvmap(fdt);
	const uint8_t *end = (const uint8_t *)fdt + fdt_totalsize(fdt);
	uint32_t where;

	/* the reservation map ends, in an entry of size 0, inside the blob */
	for (;; map += RSV_ENTRY) {
		if (end - map < RSV_ENTRY)
			return -FDT_ERR_TRUNCATED;
		if (!(be32_at(map + 8) | be32_at(map + 12)))
			break;
	}
	/* the header put the strings block inside the blob; before version 17 libfdt bounds a
	 * name by the blob's end only */
	return walk(fdt, &where, (const char *)fdt + fdt_off_dt_strings(fdt),
		    fdt_version(fdt) >= 17 ? fdt_size_dt_strings(fdt)
					   : fdt_totalsize(fdt) - fdt_off_dt_strings(fdt));
}

/* libfdt 1.6.1's names, in the order of its codes: FDT_ERR_NOTFOUND (1) to FDT_ERR_BADFLAGS */
static const char err_names[] =
	"<valid offset/length>\0<no error>\0<unknown error>\0"
	"FDT_ERR_NOTFOUND\0FDT_ERR_EXISTS\0FDT_ERR_NOSPACE\0FDT_ERR_BADOFFSET\0FDT_ERR_BADPATH\0"
	"FDT_ERR_BADPHANDLE\0FDT_ERR_BADSTATE\0FDT_ERR_TRUNCATED\0FDT_ERR_BADMAGIC\0"
	"FDT_ERR_BADVERSION\0FDT_ERR_BADSTRUCTURE\0FDT_ERR_BADLAYOUT\0FDT_ERR_INTERNAL\0"
	"FDT_ERR_BADNCELLS\0FDT_ERR_BADVALUE\0FDT_ERR_BADOVERLAY\0FDT_ERR_NOPHANDLES\0"
	"FDT_ERR_BADFLAGS";

const char *fdt_struct_strerror(int err)
{
	unsigned int i = err > 0		    ? 0
			 : !err			    ? 1
			 : err >= -FDT_ERR_BADFLAGS ? 2u - (unsigned int)err
						    : 2;
	const char *s = err_names;

	while (i--)
		s += strlen(s) + 1;
	return s;
}
