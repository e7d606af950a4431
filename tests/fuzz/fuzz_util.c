/*
 * fuzz_util.c - the helpers of fuzz.h: failure reports, the input reader, fixture loading
 * and the message check. Host-only; reads files under the build directory and nothing else.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/fuzz/fuzz.h"

void fuzz_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz: %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	abort();
}

uint8_t fuzz_u8(struct fuzz_in *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

uint16_t fuzz_u16(struct fuzz_in *in)
{
	uint16_t lo = fuzz_u8(in);

	return (uint16_t)(lo | (uint16_t)fuzz_u8(in) << 8);
}

uint32_t fuzz_u32(struct fuzz_in *in)
{
	uint32_t lo = fuzz_u16(in);

	return lo | (uint32_t)fuzz_u16(in) << 16;
}

uint64_t fuzz_u64(struct fuzz_in *in)
{
	uint64_t lo = fuzz_u32(in);

	return lo | (uint64_t)fuzz_u32(in) << 32;
}

unsigned int fuzz_below(struct fuzz_in *in, unsigned int n)
{
	return (n > 256 ? fuzz_u16(in) : fuzz_u8(in)) % n;
}

const char *fuzz_build_dir(void)
{
	static char dir[PATH_MAX];
	const char *env = getenv("SKIFF_BUILD");
	ssize_t len;
	int i;

	if (env && *env)
		return env;
	if (dir[0])
		return dir;
	len = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
	if (len <= 0) {
		strcpy(dir, "build");
		return dir;
	}
	dir[len] = '\0';
	/* build/fuzz/<target>: two levels up */
	for (i = 0; i < 2; i++) {
		char *slash = strrchr(dir, '/');

		if (!slash) {
			strcpy(dir, "build");
			return dir;
		}
		*slash = '\0';
	}
	return dir;
}

void *fuzz_load(const char *rel, size_t *size)
{
	char path[PATH_MAX];
	void *buf = NULL;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s", fuzz_build_dir(), rel);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*size = (size_t)n;
	}
	fclose(f);
	return buf;
}

void *fuzz_load_fixture(const char *rel, size_t *size)
{
	void *buf = fuzz_load(rel, size);

	if (!buf) {
		fprintf(stderr, "fuzz: cannot read %s/%s: run `make unit` (or set SKIFF_BUILD)\n",
			fuzz_build_dir(), rel);
		exit(2);
	}
	return buf;
}

static uint32_t be32_at(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

bool fuzz_fdt_len_wraps(const void *blob, size_t size)
{
	const uint32_t fdt_begin_node = 1, fdt_end_node = 2, fdt_prop = 3, fdt_nop = 4;
	const uint8_t *b = blob, *st;
	uint64_t off, end;

	if (size < 40 || be32_at(b) != 0xd00dfeedu)
		return false;
	off = be32_at(b + 8);				      /* off_dt_struct */
	end = be32_at(b + 20) >= 17 ? be32_at(b + 36) : size; /* size_dt_struct (v17) */
	if (off >= size)
		return false;
	if (end > size - off)
		end = size - off;
	st = b + off;
	for (off = 0; off + 4 <= end;) {
		uint32_t tag = be32_at(st + off);

		if (tag == fdt_begin_node) {
			off += 4;
			while (off < end && st[off])
				off++;
			off = (off + 4) & ~3ull; /* the NUL, then 4-byte alignment */
		} else if (tag == fdt_prop) {
			if (off + 12 > end)
				return false;
			/* fdt_next_tag: int offset += 12 + len, then the bounds check */
			if (off + 12 + be32_at(st + off + 4) > (uint64_t)INT32_MAX)
				return true;
			off = (off + 12 + be32_at(st + off + 4) + 3) & ~3ull;
		} else if (tag == fdt_end_node || tag == fdt_nop) {
			off += 4;
		} else {
			return false; /* FDT_END, or a tag libfdt stops at */
		}
	}
	return false;
}

void fuzz_check_message(const char *what, const char *err, size_t size)
{
	size_t i, len = strnlen(err, size);

	FUZZ_CHECK(len < size, "%s: error message not NUL-terminated in its %zu bytes", what, size);
	FUZZ_CHECK(len > 0, "%s: failed with an empty error message", what);
	for (i = 0; i < len; i++)
		FUZZ_CHECK(err[i] >= 0x20 && err[i] < 0x7f,
			   "%s: byte 0x%02x at %zu of the error message is not printable: %s", what,
			   (unsigned char)err[i], i, err);
}
