/*
 * pl011.h - polled output on an Arm PL011 UART, for skiff's console.
 */
#ifndef SKIFF_DRIVERS_PL011_H
#define SKIFF_DRIVERS_PL011_H

#include <stdbool.h>
#include <stdint.h>

/* Wait for room in the transmit FIFO, then send c. */
void pl011_putc(uintptr_t base, char c);
/* Send c if the transmit FIFO has room now; false (nothing sent) if it is full. */
bool pl011_try_putc(uintptr_t base, char c);

#endif
