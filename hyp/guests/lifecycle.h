/*
 * lifecycle.h - guests after boot: starting them, PSCI SYSTEM_OFF (that guest stops for good)
 * and SYSTEM_RESET (that guest alone restarts, its images loaded afresh), and the machine's
 * power-off when the last running guest is off. The power hooks of every VM (struct vm_ops).
 */
#ifndef SKIFF_HYP_LIFECYCLE_H
#define SKIFF_HYP_LIFECYCLE_H

#include <stdbool.h>

#include "hyp/guests/guest_image.h"
#include "hyp/core/vm.h"

extern const struct vm_ops lifecycle_vm_ops;

/* Every VM, runnable or not (for the counters printed at power-off), and how to load it
 * again (NULL: it has nothing to run). stats_at_exit: print the counters at power-off. */
void lifecycle_add(struct vm *vm, struct guest_image *image, bool stats_at_exit);
/* Power the VM on: vCPU 0 at its kernel's entry with x0 = its device tree. */
void lifecycle_start(struct vm *vm);

#endif
