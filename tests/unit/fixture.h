/*
 * fixture.h - reading a test fixture (a blob `make unit` built, such as a DTB) into memory for
 * the host tests; a missing file fails the test with a hint on how to get it.
 */
#ifndef SKIFF_TESTS_UNIT_FIXTURE_H
#define SKIFF_TESTS_UNIT_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

struct blob {
	uint8_t *data;
	size_t size;
};

/* Read path whole into a malloc'd b->data (the caller frees it). */
static inline void fixture_read(const char *path, const char *hint, struct blob *b)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (!f)
		fail_msg("cannot open fixture %s (%s)", path, hint);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	b->size = (size_t)n;
	b->data = malloc(b->size);
	assert_non_null(b->data);
	assert_int_equal(fread(b->data, 1, b->size, f), b->size);
	fclose(f);
}

#endif
