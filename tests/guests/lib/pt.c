/*
 * pt.c - shared part of the passthrough test guests: the expected mode from the command
 * line, counter snapshots through skiff's SKIFF_HVC_COUNTER, and the per-mode expectations
 * for a handling cycle (docs/interrupts.md, "SPI passthrough modes"). No device access.
 */
#include "tests/guests/lib/pt.h"

#include <string.h>

#include "lib/printf.h"
#include "tests/guests/lib/gic.h"
#include "tests/guests/lib/guest.h"
#include "tests/guests/lib/tap.h"

#define MODE_MAX 16
#define LOG_TAIL_BYTES 3072

enum pt_mode pt_mode = PT_UNKNOWN;

static const char *const mode_names[] = { "native", "hw", "eoi", "oneshot", "unknown" };

const char *pt_mode_name(enum pt_mode m)
{
	return m <= PT_UNKNOWN ? mode_names[m] : "?";
}

void pt_start(void)
{
	char mode[MODE_MAX] = "";
	unsigned int m;
	int64_t v;

	bootarg("mode", mode, sizeof(mode));
	for (m = PT_NATIVE; m < PT_UNKNOWN; m++)
		if (strcmp(mode, mode_names[m]) == 0)
			pt_mode = (enum pt_mode)m;
	tap_diag("bootargs \"%s\": expecting %s", plat.bootargs, pt_mode_name(pt_mode));
	tap_ok(pt_mode != PT_UNKNOWN && (pt_mode == PT_NATIVE) == !plat.skiff,
	       "mode=%s on the command line, and the guest runs %s", mode,
	       plat.skiff ? "under skiff" : "natively");
	if (!plat.skiff) {
		tap_skip_native("skiff's HVC ABI version");
		return;
	}
	v = skiff_version();
	tap_ok(v == SKIFF_HVC_ABI_VERSION, "skiff's HVC ABI version 0x%llx (expected 0x%x)",
	       (long long)v, SKIFF_HVC_ABI_VERSION);
}

void pt_snap(struct pt_counts *c, uint32_t intid)
{
	unsigned int i, cpu;

	memset(c, 0, sizeof(*c));
	c->intid = intid;
	if (!plat.skiff)
		return;
	for (i = 0; i < PT_SPI_COUNTERS; i++)
		c->spi[i] = skiff_counter(i, intid);
	for (cpu = 0; cpu < PT_VCPUS && cpu < plat.ncpus; cpu++)
		for (i = 0; i < SKIFF_EXIT_COUNT; i++)
			if (i != SKIFF_EXIT_HVC) /* these very calls */
				c->exits[cpu][i] = skiff_vcpu_exits(cpu, i);
}

int64_t pt_spi_delta(const struct pt_counts *a, const struct pt_counts *b, unsigned int id)
{
	return b->spi[id] - a->spi[id];
}

int64_t pt_exit_delta(const struct pt_counts *a, const struct pt_counts *b, unsigned int vcpu,
		      unsigned int reason)
{
	return b->exits[vcpu][reason] - a->exits[vcpu][reason];
}

void pt_figures(const char *what, const struct pt_counts *a, const struct pt_counts *b)
{
	unsigned int cpu;

	if (!plat.skiff)
		return;
	tap_diag("figures: %s (INTID %u, %s): TAKEN %lld INJECTED %lld MAINT %lld UNMASKED %lld",
		 what, b->intid, pt_mode_name(pt_mode),
		 (long long)pt_spi_delta(a, b, SKIFF_CNT_SPI_TAKEN),
		 (long long)pt_spi_delta(a, b, SKIFF_CNT_SPI_INJECTED),
		 (long long)pt_spi_delta(a, b, SKIFF_CNT_SPI_MAINT),
		 (long long)pt_spi_delta(a, b, SKIFF_CNT_SPI_UNMASKED));
	for (cpu = 0; cpu < PT_VCPUS && cpu < plat.ncpus; cpu++)
		tap_diag("figures:   vCPU%u exits: irq %lld (maint %lld, kick %lld), mmio %lld, "
			 "sysreg %lld, abort %lld",
			 cpu, (long long)pt_exit_delta(a, b, cpu, SKIFF_EXIT_IRQ),
			 (long long)pt_exit_delta(a, b, cpu, SKIFF_EXIT_MAINT),
			 (long long)pt_exit_delta(a, b, cpu, SKIFF_EXIT_KICK),
			 (long long)pt_exit_delta(a, b, cpu, SKIFF_EXIT_MMIO),
			 (long long)pt_exit_delta(a, b, cpu, SKIFF_EXIT_SYSREG),
			 (long long)pt_exit_delta(a, b, cpu, SKIFF_EXIT_ABORT));
}

static int64_t vcpu_exits(const struct pt_counts *a, const struct pt_counts *b, unsigned int vcpu,
			  unsigned int reason)
{
	int64_t sum = 0;
	unsigned int cpu;

	if (vcpu != PT_ALL_VCPUS)
		return pt_exit_delta(a, b, vcpu, reason);
	for (cpu = 0; cpu < PT_VCPUS; cpu++)
		sum += pt_exit_delta(a, b, cpu, reason);
	return sum;
}

void pt_check_cycles(const char *what, const struct pt_counts *a, const struct pt_counts *b,
		     int64_t taken, int64_t cycles, unsigned int vcpu)
{
	bool hw = pt_mode == PT_HW;
	int64_t maint = hw ? 0 : cycles;
	/* hw mode on QEMU's GICv2: skiff writes no HW=1 LRs there (drivers/gicv2.h), so each
	 * cycle ends in a maintenance exit, an IRQ exit of its own; SPI_MAINT stays eoi's */
	int64_t xmaint = hw && gic_is_v2() ? cycles : maint;
	int64_t unmasked = pt_mode == PT_ONESHOT ? cycles : 0;
	int64_t t, inj, m, um, xm, xirq;
	char who[16];

	if (!plat.skiff) {
		tap_skip_native("%s: skiff's counters", what);
		return;
	}
	pt_figures(what, a, b);
	if (vcpu == PT_ALL_VCPUS)
		fmt_snprintf(who, sizeof(who), "all vCPUs'");
	else
		fmt_snprintf(who, sizeof(who), "vCPU%u", vcpu);
	t = pt_spi_delta(a, b, SKIFF_CNT_SPI_TAKEN);
	inj = pt_spi_delta(a, b, SKIFF_CNT_SPI_INJECTED);
	m = pt_spi_delta(a, b, SKIFF_CNT_SPI_MAINT);
	um = pt_spi_delta(a, b, SKIFF_CNT_SPI_UNMASKED);
	xm = vcpu_exits(a, b, vcpu, SKIFF_EXIT_MAINT);
	xirq = vcpu_exits(a, b, vcpu, SKIFF_EXIT_IRQ);
	tap_ok(t == taken && inj == taken && m == maint && xm == xmaint && um == unmasked &&
		       (!hw || vcpu == PT_ALL_VCPUS || xirq == taken + xmaint),
	       "%s: %s counters: TAKEN %lld INJECTED %lld (want %lld), MAINT %lld and %s "
	       "maintenance exits %lld (want %lld), UNMASKED %lld (want %lld)%s",
	       what, pt_mode_name(pt_mode), (long long)t, (long long)inj, (long long)taken,
	       (long long)m, who, (long long)xm, (long long)xmaint, (long long)um,
	       (long long)unmasked, hw && vcpu != PT_ALL_VCPUS ? ", one IRQ exit each" : "");
}

void pt_check_window(const char *what, const struct pt_counts *start, const struct pt_counts *eoied,
		     const struct pt_counts *unmasking)
{
	int64_t taken, irqs, unmasked;

	if (!plat.skiff) {
		tap_skip_native("%s: no hypervisor entries while masked", what);
		return;
	}
	taken = pt_spi_delta(eoied, unmasking, SKIFF_CNT_SPI_TAKEN);
	irqs = pt_exit_delta(eoied, unmasking, 0, SKIFF_EXIT_IRQ);
	unmasked = pt_spi_delta(start, unmasking, SKIFF_CNT_SPI_UNMASKED);
	pt_figures(what, eoied, unmasking);
	tap_ok(taken == 0 && irqs == 0 && unmasked == 0,
	       "%s: between the EOI and the unmask no hypervisor entry (TAKEN %lld, vCPU0 IRQ "
	       "exits %lld), skiff's mask not released (UNMASKED %lld)",
	       what, (long long)taken, (long long)irqs, (long long)unmasked);
}

void pt_finish(void)
{
	if (plat.skiff)
		skiff_print_log(LOG_TAIL_BYTES);
}
