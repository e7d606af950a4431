/*
 * block_count.c - a QEMU TCG plugin for tools/profile-contention.py (bench/README.md,
 * "Profiling"): counts the instructions every vCPU executes in each translation block whose
 * first instruction's address lies in [lo, hi), and all of them, on multi-threaded TCG.
 *
 * Why: the contention rows (section 5b) measure QEMU's CPU time, which says how much but not
 * where. skiff's own code is its image at its load address (EL2's identity map), which no
 * guest can execute (its stage 2 leaves that range out), so the blocks there are skiff's: a
 * lock that spins shows up as its loop's block.
 *
 * Arguments (-plugin FILE,lo=HEX,hi=HEX,out=PATH): at exit PATH gets "total N" (every
 * instruction executed), "range N" (those of blocks in [lo, hi)), then "block ADDR INSNS" per
 * block in the range that ran (its address and the instructions it executed, summed over its
 * translations). A block is counted as it starts, whole (one callback a block, not one an
 * instruction): an exception in its middle counts it all, which a spin loop's blocks never
 * have. Counts are atomic adds: the callbacks of every vCPU thread run at once.
 *
 * The plugin API: qemu_plugin_api.h.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu_plugin_api.h"

/* ---- the count */
struct block {
	uint64_t vaddr;
	uint64_t insns; /* per execution */
	uint64_t runs;
	struct block *next;
};

static uint64_t lo, hi;
static const char *out_path = "block_count.out";
static uint64_t total;
static struct block *blocks; /* one per translation in the range, pushed lock-free */

static void on_block(unsigned int vcpu, void *u)
{
	(void)vcpu;
	__atomic_add_fetch(&((struct block *)u)->runs, 1, __ATOMIC_RELAXED);
}

static void on_any(unsigned int vcpu, void *u)
{
	(void)vcpu;
	__atomic_add_fetch(&total, (uint64_t)(uintptr_t)u, __ATOMIC_RELAXED);
}

static void on_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	uint64_t va = qemu_plugin_tb_vaddr(tb), n = qemu_plugin_tb_n_insns(tb);
	struct block *b;

	(void)id;
	qemu_plugin_register_vcpu_tb_exec_cb(tb, on_any, QEMU_PLUGIN_CB_NO_REGS,
					     (void *)(uintptr_t)n);
	if (va < lo || va >= hi)
		return;
	b = calloc(1, sizeof(*b));
	if (!b)
		return;
	b->vaddr = va;
	b->insns = n;
	b->next = __atomic_load_n(&blocks, __ATOMIC_ACQUIRE);
	while (!__atomic_compare_exchange_n(&blocks, &b->next, b, false, __ATOMIC_ACQ_REL,
					    __ATOMIC_ACQUIRE))
		;
	qemu_plugin_register_vcpu_tb_exec_cb(tb, on_block, QEMU_PLUGIN_CB_NO_REGS, b);
}

static void at_exit(qemu_plugin_id_t id, void *u)
{
	FILE *f = fopen(out_path, "w");
	uint64_t range = 0;
	struct block *b;

	(void)id;
	(void)u;
	if (!f)
		return;
	for (b = blocks; b; b = b->next)
		range += b->insns * b->runs;
	fprintf(f, "total %llu\nrange %llu\n", (unsigned long long)total,
		(unsigned long long)range);
	for (b = blocks; b; b = b->next)
		if (b->runs)
			fprintf(f, "block %llx %llu\n", (unsigned long long)b->vaddr,
				(unsigned long long)(b->insns * b->runs));
	fclose(f);
}

EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv)
{
	int i;

	(void)info;
	for (i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "lo=", 3))
			lo = strtoull(argv[i] + 3, NULL, 16);
		else if (!strncmp(argv[i], "hi=", 3))
			hi = strtoull(argv[i] + 3, NULL, 16);
		else if (!strncmp(argv[i], "out=", 4))
			out_path = argv[i] + 4;
		else
			return -1;
	}
	if (hi <= lo)
		return -1;
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_trans);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
