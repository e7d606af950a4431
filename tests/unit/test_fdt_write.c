/*
 * test_fdt_write.c - host unit tests for hyp/plan/fdt_write.c: the same calls give the same bytes
 * as libfdt's sequential-write API (the whole buffer, past the tree too), and run out of room
 * at the same call, for fixed trees and for random ones in buffers of every size.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "hyp/plan/fdt_write.h"

#define BUF_MAX 4096
#define OPS_MAX 200

enum op_kind { OP_BEGIN, OP_END, OP_PROP, OP_STRING, OP_U32, OP_U64, OP_PLACEHOLDER };

struct op {
	enum op_kind kind;
	const char *name;
	uint8_t val[40];
	uint32_t len;
};

/* Names that share tails ("cells" ends three of them), as libfdt's search finds them. */
static const char *const names[] = { "compatible",
				     "reg",
				     "#address-cells",
				     "#size-cells",
				     "cells",
				     "s",
				     "",
				     "interrupt-parent",
				     "status",
				     "a-very-long-property-name-of-a-binding" };
static const char *const node_names[] = { "", "cpus", "cpu@0", "memory@40000000", "x", "a@1" };

static struct op ops[OPS_MAX];
static unsigned int nr_ops;
static uint8_t ours[BUF_MAX], theirs[BUF_MAX];

/* Apply ops[0..n) with libfdt; the index of the call that failed (n: none) and its error. */
static unsigned int run_libfdt(uint8_t *buf, uint32_t size, int *err)
{
	unsigned int i;
	void *p;

	*err = fdt_create(buf, (int)size);
	if (!*err)
		*err = fdt_finish_reservemap(buf);
	if (*err)
		return 0;
	for (i = 0; i < nr_ops; i++) {
		const struct op *o = &ops[i];

		switch (o->kind) {
		case OP_BEGIN:
			*err = fdt_begin_node(buf, o->name);
			break;
		case OP_END:
			*err = fdt_end_node(buf);
			break;
		case OP_PROP:
			*err = fdt_property(buf, o->name, o->val, (int)o->len);
			break;
		case OP_STRING:
			*err = fdt_property_string(buf, o->name, (const char *)o->val);
			break;
		case OP_U32:
			*err = fdt_property_u32(buf, o->name, (uint32_t)o->len);
			break;
		case OP_U64:
			*err = fdt_property_u64(buf, o->name, 0x123456789abcdef0ull + o->len);
			break;
		case OP_PLACEHOLDER:
			*err = fdt_property_placeholder(buf, o->name, (int)o->len, &p);
			if (!*err)
				memset(p, 0xa5, o->len);
			break;
		}
		if (*err)
			return i + 1;
	}
	*err = fdt_finish(buf);
	return *err ? nr_ops + 1 : nr_ops + 2;
}

static unsigned int run_ours(uint8_t *buf, uint32_t size, int *err)
{
	struct fdtw w;
	unsigned int i;
	void *p;

	*err = fdtw_create(&w, buf, size);
	if (*err)
		return 0;
	for (i = 0; i < nr_ops; i++) {
		const struct op *o = &ops[i];

		switch (o->kind) {
		case OP_BEGIN:
			*err = fdtw_begin_node(&w, o->name);
			break;
		case OP_END:
			*err = fdtw_end_node(&w);
			break;
		case OP_PROP:
			*err = fdtw_property(&w, o->name, o->val, o->len);
			break;
		case OP_STRING:
			*err = fdtw_string(&w, o->name, (const char *)o->val);
			break;
		case OP_U32:
			*err = fdtw_u32(&w, o->name, o->len);
			break;
		case OP_U64:
			*err = fdtw_u64(&w, o->name, 0x123456789abcdef0ull + o->len);
			break;
		case OP_PLACEHOLDER:
			*err = fdtw_placeholder(&w, o->name, o->len, &p);
			if (!*err)
				memset(p, 0xa5, o->len);
			break;
		}
		if (*err)
			return i + 1;
	}
	*err = fdtw_finish(&w);
	return *err ? nr_ops + 1 : nr_ops + 2;
}

/* Both writers over the ops in a buffer of size bytes: the same outcome, and when the tree is
 * finished the same buffer (filled with the same junk first) and a tree libfdt accepts. */
static void compare(uint32_t size)
{
	int err_ours, err_theirs;
	unsigned int at_ours, at_theirs;

	memset(ours, 0x5a, sizeof(ours));
	memset(theirs, 0x5a, sizeof(theirs));
	at_theirs = run_libfdt(theirs, size, &err_theirs);
	at_ours = run_ours(ours, size, &err_ours);
	if (at_ours != at_theirs || err_ours != err_theirs)
		fail_msg("size %u: ours stop at %u (%d), libfdt's at %u (%d)", size, at_ours,
			 err_ours, at_theirs, err_theirs);
	if (err_ours)
		return;
	assert_int_equal(fdt_check_full(ours, size), 0);
	assert_memory_equal(ours, theirs, sizeof(ours));
}

static void add(enum op_kind kind, const char *name, const void *val, uint32_t len)
{
	struct op *o = &ops[nr_ops++];

	assert_true(nr_ops <= OPS_MAX && (!val || len <= sizeof(o->val)));
	o->kind = kind;
	o->name = name;
	o->len = len;
	memset(o->val, 0, sizeof(o->val));
	if (val)
		memcpy(o->val, val, len);
}

/* A small tree like the guest trees, in every buffer size up to past its own. */
static void test_fixed_tree(void **state)
{
	static const uint8_t reg[16] = { 0, 0, 0, 0, 0x40, 0, 0, 0, 0, 0, 0, 0, 0x40, 0, 0, 0 };
	uint32_t size;

	(void)state;
	nr_ops = 0;
	add(OP_BEGIN, "", NULL, 0);
	add(OP_PROP, "compatible", "linux,dummy-virt", 17);
	add(OP_U32, "#address-cells", NULL, 2);
	add(OP_U32, "#size-cells", NULL, 2);
	add(OP_BEGIN, "chosen", NULL, 0);
	add(OP_STRING, "bootargs", "console=ttyAMA0", 16);
	add(OP_U64, "linux,initrd-start", NULL, 0);
	add(OP_END, NULL, NULL, 0);
	add(OP_BEGIN, "memory@40000000", NULL, 0);
	add(OP_PLACEHOLDER, "reg", NULL, 16);
	add(OP_PROP, "reg", reg, sizeof(reg));
	add(OP_STRING, "device_type", "memory", 7);
	add(OP_END, NULL, NULL, 0);
	add(OP_BEGIN, "reserved-memory", NULL, 0);
	add(OP_PROP, "ranges", NULL, 0);
	add(OP_U32, "size-cells", NULL, 1); /* a tail of "#size-cells": stored once */
	add(OP_END, NULL, NULL, 0);
	add(OP_END, NULL, NULL, 0);
	for (size = 0; size <= 700; size++)
		compare(size);
	compare(BUF_MAX);
}

/* Random trees: nodes nested and closed at random, properties of every kind and length. */
static void test_random_trees(void **state)
{
	unsigned int seed, i;

	(void)state;
	srand(1);
	for (seed = 0; seed < 300; seed++) {
		unsigned int depth = 0, n = 1 + (unsigned int)rand() % (OPS_MAX - 40);

		nr_ops = 0;
		add(OP_BEGIN, "", NULL, 0);
		depth = 1;
		for (i = 0; i < n; i++) {
			int r = rand() % 10;
			const char *name = names[rand() % (int)(sizeof(names) / sizeof(names[0]))];
			uint8_t val[40];
			uint32_t len = (uint32_t)rand() % (sizeof(val) + 1), j;

			for (j = 0; j < len; j++)
				val[j] = (uint8_t)rand();
			if (r < 2) {
				add(OP_BEGIN,
				    node_names[rand() %
					       (int)(sizeof(node_names) / sizeof(node_names[0]))],
				    NULL, 0);
				depth++;
			} else if (r < 4 && depth > 1) {
				add(OP_END, NULL, NULL, 0);
				depth--;
			} else if (r < 7) {
				add(OP_PROP, name, val, len);
			} else if (r < 8) {
				add(OP_STRING, name, "a string", 9);
			} else if (r < 9) {
				add(rand() % 2 ? OP_U32 : OP_U64, name, NULL, (uint32_t)rand());
			} else {
				add(OP_PLACEHOLDER, name, NULL, len);
			}
		}
		while (depth--)
			add(OP_END, NULL, NULL, 0);
		compare(BUF_MAX);
		for (i = 0; i < 20; i++)
			compare((uint32_t)rand() % BUF_MAX);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixed_tree),
		cmocka_unit_test(test_random_trees),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
