/*
 * guests.h - bringing up the configured guests: configuration, ownership ledger and
 * assignment, VMs, their kernels, initrds and device trees, then powering them on.
 */
#ifndef SKIFF_HYP_GUESTS_H
#define SKIFF_HYP_GUESTS_H

#include "drivers/fw_cfg.h"
#include "lib/range.h"

/* Everything before any guest runs; stops boot with a message on any error. fc may be NULL.
 * Returns how many guests have a kernel to run. */
/* loader_dtb is where the boot loader left the host's device tree (host_fdt is skiff's copy):
 * once the configuration is applied, and before any guest's image is loaded, whatever of it
 * and of a configuration blob the boot loader left lies in a guest's RAM is zeroed, so a
 * guest reads nothing of the host's description. */
unsigned int guests_prepare(const void *host_fdt, struct fw_cfg *fc, struct plat_range loader_dtb);

/* Power on each guest's first vCPU, hand the console over if a guest owns it, and run the
 * vCPU pinned to this (the boot) CPU, or park it. */
_Noreturn void guests_start(void);

#endif
