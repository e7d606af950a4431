/*
 * irq_entry.h - the EL2 interrupt handler (irq_entry.c).
 */
#ifndef SKIFF_HYP_RUN_IRQ_ENTRY_H
#define SKIFF_HYP_RUN_IRQ_ENTRY_H

/* Acknowledge the interrupt this CPU took (or the one the fast path handed on) and deal with
 * it: EOImode 1, so each path deactivates it or leaves it to its guest. */
void irq_entry(void);

#endif
