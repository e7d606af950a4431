/*
 * skiff.h - skiff's own hypercalls (include/skiff/hvc.h) as the test guests make them:
 * counters, the test-only switches and the log ring. Natively (no skiff,doorbell node) no
 * call is made at all (QEMU would take an unknown HVC as UNDEF): every call returns
 * PSCI_RET_NOT_SUPPORTED.
 */
#ifndef GUEST_SKIFF_H
#define GUEST_SKIFF_H

#include <stddef.h>
#include <stdint.h>

#include "skiff/hvc.h"

/* x0 of the call, or NOT_SUPPORTED natively; *x1 (if not NULL) gets x1. */
int64_t skiff_hvc(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t *x1);
int64_t skiff_version(void);
/* SKIFF_HVC_COUNTER: id SKIFF_CNT_*, index an SPI's INTID or a vCPU number. */
int64_t skiff_counter(unsigned int id, unsigned int index);
int64_t skiff_vcpu_exits(unsigned int vcpu, unsigned int reason);
/* SKIFF_HVC_TEST_SET: 0, or DENIED without test-controls in the config. */
int64_t skiff_test_set(unsigned int knob, uint64_t value);
/* Prints the last max_bytes of skiff's log ring as "# skiff log: ..." lines. */
void skiff_print_log(size_t max_bytes);

#endif
