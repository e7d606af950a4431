/*
 * hvc.h - skiff's own hypercalls (include/skiff/hvc.h is the ABI): version, counters, the
 * log ring, test-only switches. Called from hyp/exit/trap.c for HVC and SMC alike.
 */
#ifndef SKIFF_HYP_HVC_H
#define SKIFF_HYP_HVC_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/arm64/exception.h"
#include "hyp/core/vm.h"

/* A VM's hooks for the counters and switches that live outside struct vm. */
struct hvc_vm_info {
	/* SKIFF_CNT_SPI_* for an SPI the VM owns; false if it does not own it */
	bool (*spi_counter)(const struct vm *vm, uint32_t intid, unsigned int id, uint64_t *val);
	bool test_controls; /* the configuration allows SKIFF_HVC_TEST_SET */
};

extern struct hvc_vm_info hvc_info;

bool hvc_owns(uint32_t fid);
void hvc_handle(struct vcpu *v, struct exc_frame *f);

#endif
