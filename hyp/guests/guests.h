/*
 * guests.h - bringing up the configured guests: configuration, ownership ledger and
 * assignment, VMs, their kernels, initrds and device trees, then powering them on.
 */
#ifndef SKIFF_HYP_GUESTS_H
#define SKIFF_HYP_GUESTS_H

#include "drivers/fw_cfg.h"

/* Everything before any guest runs; stops boot with a message on any error. fc may be NULL.
 * Returns how many guests have a kernel to run. */
unsigned int guests_prepare(const void *host_fdt, struct fw_cfg *fc);

/* Power on each guest's first vCPU, hand the console over if a guest owns it, and run the
 * vCPU pinned to this (the boot) CPU, or park it. */
_Noreturn void guests_start(void);

#endif
