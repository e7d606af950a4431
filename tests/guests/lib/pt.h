/*
 * pt.h - what the passthrough test guests (pt_uart, pt_rtc, pt_gpio) share: the interrupt
 * mode they were told to expect (mode=hw|eoi|oneshot|native on the command line, since a
 * guest cannot read skiff's config), snapshots of skiff's counters for one SPI and every
 * vCPU, and the per-mode check of one handling cycle's counters.
 */
#ifndef GUEST_PT_H
#define GUEST_PT_H

#include <stdbool.h>
#include <stdint.h>

#include "tests/guests/lib/skiff.h"

enum pt_mode { PT_NATIVE, PT_HW, PT_EOI, PT_ONESHOT, PT_UNKNOWN };

extern enum pt_mode pt_mode;
const char *pt_mode_name(enum pt_mode m);

#define PT_VCPUS 2
#define PT_ALL_VCPUS 0xffU /* pt_check_cycles: the exits of every vCPU added up */
#define PT_SPI_COUNTERS 4  /* SKIFF_CNT_SPI_TAKEN .. SKIFF_CNT_SPI_UNMASKED */

struct pt_counts {
	uint32_t intid;
	int64_t spi[PT_SPI_COUNTERS];
	int64_t exits[PT_VCPUS][SKIFF_EXIT_COUNT];
};

/*
 * Two TAP tests: mode= from /chosen/bootargs agrees with where the guest runs (native, or
 * under skiff with hw, eoi or oneshot), and skiff's HVC ABI version (SKIP natively).
 */
void pt_start(void);
/* Counters of intid and the exits of every vCPU (all zero natively). */
void pt_snap(struct pt_counts *c, uint32_t intid);
int64_t pt_spi_delta(const struct pt_counts *a, const struct pt_counts *b, unsigned int id);
int64_t pt_exit_delta(const struct pt_counts *a, const struct pt_counts *b, unsigned int vcpu,
		      unsigned int reason);
/* "# figures: what: TAKEN .. INJECTED .. MAINT .. UNMASKED ..; vCPUn exits irq/maint/kick" */
void pt_figures(const char *what, const struct pt_counts *a, const struct pt_counts *b);
/*
 * One TAP test (SKIP natively): between a and b the SPI was taken and injected `taken`
 * times and handled in `cycles` guest handling cycles (EOIs with the line enabled) on
 * vCPU vcpu, or on several (PT_ALL_VCPUS: their exits added up). hw: no maintenance
 * interrupt, and on one vCPU one IRQ exit per physical interrupt (several vCPUs: kicks
 * after a re-route are allowed); eoi and oneshot: one EOI maintenance interrupt per cycle;
 * oneshot: the mask released once per cycle (eoi, hw: never).
 */
void pt_check_cycles(const char *what, const struct pt_counts *a, const struct pt_counts *b,
		     int64_t taken, int64_t cycles, unsigned int vcpu);
/*
 * One TAP test (SKIP natively) on Linux's threaded ONESHOT flow: from the guest's EOI (eoied)
 * to just before its unmask (unmasking), the line masked by the guest but still asserted,
 * skiff took no physical interrupt for it and vCPU 0 no IRQ exit, and skiff's own mask was
 * not released since start (oneshot: it waits for the guest's unmask).
 */
void pt_check_window(const char *what, const struct pt_counts *start, const struct pt_counts *eoied,
		     const struct pt_counts *unmasking);
/* Under skiff: the last part of its log ring as "# skiff log:" lines. */
void pt_finish(void);

#endif
