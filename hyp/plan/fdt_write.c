/*
 * fdt_write.c - the sequential device-tree writer of fdt_write.h. The structure block is
 * [FDT_STRUCT_START, end) and the names [strings, size); a property's name offset holds the
 * name's place in the buffer until fdtw_finish() moves the names behind the structure block
 * and makes the offsets relative to them. Writes only the caller's buffer.
 */
#include "hyp/plan/fdt_write.h"

#include <libfdt.h>
#include <limits.h>
#include <string.h>

#define FDT_HEADER_SIZE 40u  /* struct fdt_header */
#define FDT_RSVMAP_START 48u /* the header rounded up to an entry of the map, as libfdt puts it */
#define FDT_STRUCT_START (FDT_RSVMAP_START + 16u)	 /* after the map's one (ending) entry */
#define FDT_WRITE_VERSION 17u				 /* as libfdt and dtc write */
#define FDT_WRITE_LAST_COMP 16u				 /* the oldest version it reads as */
#define ALIGN4(n) (((uint64_t)(n) + 3u) & ~(uint64_t)3u) /* 64 bits: never wraps */

/* len more bytes at the end of the structure block (zero, as fdtw_create left them), or NULL */
static uint8_t *grab(struct fdtw *w, uint64_t len)
{
	uint8_t *p = w->buf + w->end;

	if (len > w->strings - w->end)
		return NULL;
	w->end += (uint32_t)len;
	return p;
}

static int tag(struct fdtw *w, uint32_t t)
{
	uint8_t *p = grab(w, 4);

	if (!p)
		return -FDT_ERR_NOSPACE;
	fdt32_st(p, t);
	return 0;
}

int fdtw_create(struct fdtw *w, void *buf, size_t size)
{
	w->buf = buf;
	w->size = size > INT_MAX ? INT_MAX : (uint32_t)size;
	w->end = FDT_STRUCT_START;
	w->strings = w->size;
	if (w->size < FDT_STRUCT_START)
		return -FDT_ERR_NOSPACE;
	memset(buf, 0, w->size);
	return 0;
}

int fdtw_begin_node(struct fdtw *w, const char *name)
{
	size_t n = strlen(name) + 1;
	uint8_t *p = grab(w, 4 + ALIGN4(n));

	if (!p)
		return -FDT_ERR_NOSPACE;
	fdt32_st(p, FDT_BEGIN_NODE);
	memcpy(p + 4, name, n);
	return 0;
}

int fdtw_end_node(struct fdtw *w)
{
	return tag(w, FDT_END_NODE);
}

/* Where name is among the names (the first place it ends one, as libfdt looks), added when it
 * is not; 0 when there is no room. */
static uint32_t name_at(struct fdtw *w, const char *name)
{
	size_t n = strlen(name) + 1;
	uint32_t p;

	for (p = w->strings; n <= w->size - p; p++)
		if (!memcmp(w->buf + p, name, n))
			return p;
	if (n > w->strings - w->end)
		return 0;
	w->strings -= (uint32_t)n;
	memcpy(w->buf + w->strings, name, n);
	return w->strings;
}

int fdtw_placeholder(struct fdtw *w, const char *name, uint32_t len, void **val)
{
	uint32_t strings = w->strings, at = name_at(w, name);
	uint8_t *p = at ? grab(w, 12 + ALIGN4(len)) : NULL;

	if (!p) {
		w->strings = strings; /* a name just added goes again */
		return -FDT_ERR_NOSPACE;
	}
	fdt32_st(p, FDT_PROP);
	fdt32_st(p + 4, len);
	fdt32_st(p + 8, at);
	*val = p + 12;
	return 0;
}

int fdtw_property(struct fdtw *w, const char *name, const void *val, uint32_t len)
{
	void *p;
	int ret = fdtw_placeholder(w, name, len, &p);

	if (!ret && len)
		memcpy(p, val, len);
	return ret;
}

int fdtw_string(struct fdtw *w, const char *name, const char *s)
{
	return fdtw_property(w, name, s, (uint32_t)strlen(s) + 1);
}

int fdtw_u32(struct fdtw *w, const char *name, uint32_t v)
{
	fdt32_t c = cpu_to_fdt32(v);

	return fdtw_property(w, name, &c, sizeof(c));
}

int fdtw_u64(struct fdtw *w, const char *name, uint64_t v)
{
	fdt64_t c = cpu_to_fdt64(v);

	return fdtw_property(w, name, &c, sizeof(c));
}

int fdtw_finish(struct fdtw *w)
{
	uint8_t *b = w->buf;
	uint32_t names = w->size - w->strings, off, t, i;
	uint32_t header[FDT_HEADER_SIZE / 4];

	if (tag(w, FDT_END))
		return -FDT_ERR_NOSPACE;
	memmove(b + w->end, b + w->strings, names);
	/* the structure block is what the calls above wrote: every tag is whole */
	for (off = FDT_STRUCT_START; (t = fdt32_ld((const fdt32_t *)(b + off))) != FDT_END;) {
		if (t == FDT_BEGIN_NODE) {
			off += 4 + (uint32_t)ALIGN4(strlen((const char *)b + off + 4) + 1);
		} else if (t == FDT_PROP) {
			fdt32_st(b + off + 8,
				 fdt32_ld((const fdt32_t *)(b + off + 8)) - w->strings);
			off += 12 + (uint32_t)ALIGN4(fdt32_ld((const fdt32_t *)(b + off + 4)));
		} else {
			off += 4;
		}
	}
	header[0] = FDT_MAGIC;
	header[1] = w->end + names; /* totalsize */
	header[2] = FDT_STRUCT_START;
	header[3] = w->end; /* the names' offset */
	header[4] = FDT_RSVMAP_START;
	header[5] = FDT_WRITE_VERSION;
	header[6] = FDT_WRITE_LAST_COMP;
	header[7] = 0; /* boot_cpuid_phys */
	header[8] = names;
	header[9] = w->end - FDT_STRUCT_START;
	for (i = 0; i < FDT_HEADER_SIZE / 4; i++)
		fdt32_st(b + 4 * i, header[i]);
	return 0;
}
