/*
 * rt_window.c - a QEMU TCG plugin for `make bench`'s interference rows
 * (tools/bench_interference.py, bench/README.md section 7): counts the instructions one vCPU
 * executes from the point the real-time guest (tests/guests/rtlat32.c) is ready for its next
 * timer interrupt to that interrupt's IRQ vector, leaving out whatever the other vCPUs execute
 * meanwhile.
 *
 * Why: under -icount QEMU runs every vCPU round-robin in one thread, and virtual time advances
 * with all of them; a busy vCPU delays another's timer interrupt by up to about 200 ms of
 * virtual time in QEMU 7.2, which is QEMU's doing, not the hypervisor's. What the RT vCPU
 * itself executes between being ready and its vector is the path from the timer's firing to
 * the guest handler: skiff's EL2 entry, injection and ERET, and the guest's vector.
 *
 * Arguments (-plugin FILE,vcpu=N,out=PATH): the vCPU index (default 0) and the file the
 * counts are written to at exit ("marks N lost L starts S", then one line per mark, in order:
 * the count and where its window began). The guest marks three places with instructions that
 * nothing else in it executes: its vector's PMCCNTR read, "mrc p15, 0, r0, c9, c13, 0"
 * (0xee190f1d), ends a window; the same into r1 two instructions before its WFI begins one
 * ('w': it waited for the interrupt), into r2 two before the RFE of the previous interrupt
 * begins one too ('r': the interrupt was due already, so skiff's entry for it ran before this
 * window, during the previous handler). Instructions are counted per translation block as it
 * starts (one callback a block, not one an instruction); a mark adds the instructions of its
 * block up to itself, a start counts from itself.
 *
 * The plugin API: qemu_plugin_api.h.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MARK_A32 0xee190f1du
#define START_WFI 0xee191f1du /* mrc p15, 0, r1, c9, c13, 0 */
#define START_RFE 0xee192f1du /* the same into r2 */
#define MAX_MARKS 65536

#include "qemu_plugin_api.h"

/* ---- the count (QEMU runs the callbacks of every vCPU in its one TCG thread under icount) */
static unsigned int rt_vcpu;
static const char *out_path;
static uint64_t since_start, starts;
static uint32_t marks[MAX_MARKS];
static char mark_kind[MAX_MARKS]; /* 'w': the window began at the WFI, 'r': at an RFE */
static char start_kind = '?';
static unsigned int nr_marks, lost;

/* udata of a block's callback: its instruction count, and where in it a mark is */
#define UD_N(u) ((uintptr_t)(u)&0xffff)
#define UD_IDX(u) (((uintptr_t)(u) >> 16) & 0xfff)
#define UD_START (1u << 30)
#define UD_MARK (1u << 29)
#define UD_RFE (1u << 28)

/* Called as a block starts, for every block. A block is assumed to run to its end: the marks
 * are followed by WFI, or by the RFE, or come before the call of the C handler, none of which
 * can stop a block early. */
static void on_tb(unsigned int vcpu, void *u)
{
	uintptr_t v = (uintptr_t)u;

	if (vcpu != rt_vcpu)
		return;
	if (v & UD_MARK) {
		if (nr_marks < MAX_MARKS) {
			mark_kind[nr_marks] = start_kind;
			marks[nr_marks++] = (uint32_t)(since_start + UD_IDX(v) + 1);
		} else
			lost++;
	}
	if (v & UD_START) {
		since_start = UD_N(v) - UD_IDX(v);
		start_kind = v & UD_RFE ? 'r' : 'w';
		starts++;
	} else {
		since_start += UD_N(v);
	}
}

static void on_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb), i;
	uintptr_t u = n & 0xffff;

	(void)id;
	for (i = 0; i < n && i < 0xfff; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		uint32_t w;

		if (qemu_plugin_insn_size(insn) != 4)
			continue;
		memcpy(&w, qemu_plugin_insn_data(insn), 4);
		if (w == START_WFI || w == START_RFE)
			u |= UD_START | (w == START_RFE ? UD_RFE : 0) | (i << 16);
		else if (w == MARK_A32 && !(u & UD_START))
			u |= UD_MARK | (i << 16);
	}
	qemu_plugin_register_vcpu_tb_exec_cb(tb, on_tb, QEMU_PLUGIN_CB_NO_REGS, (void *)u);
}

static void at_exit(qemu_plugin_id_t id, void *p)
{
	FILE *f = out_path ? fopen(out_path, "w") : NULL;
	unsigned int i;

	(void)id;
	(void)p;
	if (!f) {
		qemu_plugin_outs("rt_window: cannot write its output file\n");
		return;
	}
	fprintf(f, "marks %u lost %u starts %llu\n", nr_marks, lost, (unsigned long long)starts);
	for (i = 0; i < nr_marks; i++)
		fprintf(f, "%u %c\n", marks[i], mark_kind[i]);
	fclose(f);
}

EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv)
{
	int i;

	if (!info->system_emulation)
		return -1;
	for (i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "vcpu=", 5))
			rt_vcpu = (unsigned int)strtoul(argv[i] + 5, NULL, 0);
		else if (!strncmp(argv[i], "out=", 4))
			out_path = argv[i] + 4;
		else
			return -1;
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_trans);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
