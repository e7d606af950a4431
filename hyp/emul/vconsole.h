/*
 * vconsole.h - skiff's virtual console, for a guest that has no UART of its own: the transmit
 * side of a PL011's registers (UARTDR takes a character, UARTFR says the FIFO is empty and
 * never busy; every other register reads as zero and ignores writes), emulated at a page in
 * skiff's device window. What the guest writes goes, a line at a time, into skiff's log as
 * "[guest@N] text" (lib/log.h: within a per-guest byte budget), and on to the console while
 * skiff owns it. Enough for a bare-metal guest's polled output and for Linux's
 * earlycon=pl011,mmio32,<address>. Every character is a trap: a debug console, not a tty.
 */
#ifndef SKIFF_HYP_VCONSOLE_H
#define SKIFF_HYP_VCONSOLE_H

#include <stdint.h>

#include "lib/spinlock.h"

#define VCONSOLE_SIZE 0x1000
#define VCONSOLE_UARTDR 0x000
#define VCONSOLE_UARTFR 0x018
#define VCONSOLE_UARTFR_RXFE (1u << 4)
#define VCONSOLE_UARTFR_TXFE (1u << 7)
#define VCONSOLE_LINE_MAX 200

struct mmio_bus;

struct vconsole {
	int guest; /* the log's owner index of its lines */
	struct spinlock lock;
	unsigned int len;
	char line[VCONSOLE_LINE_MAX];
};

/* Put a virtual console at IPA base into the VM. 0 on success. */
int vconsole_attach(struct vconsole *c, struct mmio_bus *bus, int guest, uint64_t base);
/* Its guest restarts: a line left unfinished is written out as it is. */
void vconsole_reset(struct vconsole *c);

#endif
