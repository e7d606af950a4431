/*
 * lr_parts.h - what irq/lr.c shares with irq/lr_fast.c, the eoi/oneshot fast path: the LRs in
 * use and the maintenance enables that mean entries wait outside the LRs. Internal to
 * irq/lr*.c; nothing else includes it.
 */
#ifndef SKIFF_IRQ_LR_PARTS_H
#define SKIFF_IRQ_LR_PARTS_H

#include <stdint.h>

#include "drivers/lr_hw.h"
#include "irq/vgic.h"

#define LR_NONE (-1)

/* UIE | LRENPIE | NPIE in ICH_HCR_EL2: the last flush left something out of the LRs */
#define LR_HCR_OVERFLOW (ICH_HCR_UIE | ICH_HCR_LRENPIE | ICH_HCR_NPIE)

/* The LRs the manager uses: the hardware's, at most VGIC_MAX_LRS. */
unsigned int lr_count(const struct lr_hw *hw);

#endif
