/*
 * mode.h - the three ways a passed-through SPI's deactivation reaches the physical line
 * (docs/interrupts.md). Definitions only.
 */
#ifndef SKIFF_IRQ_MODE_H
#define SKIFF_IRQ_MODE_H

enum irq_mode {
	IRQ_MODE_HW,	  /* LR HW bit: the guest's deactivation deactivates the physical line */
	IRQ_MODE_EOI,	  /* LR EOI bit: maintenance interrupt, then skiff deactivates */
	IRQ_MODE_ONESHOT, /* eoi, and the line stays masked until the guest unmasks */
};

/* The most interrupts one passed-through device may have (the configuration's limit too). */
#define IRQ_MAX_DEV_LINES 8

#endif
