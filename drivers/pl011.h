/*
 * pl011.h - polled output on an Arm PL011 UART, for skiff's console.
 */
#ifndef SKIFF_DRIVERS_PL011_H
#define SKIFF_DRIVERS_PL011_H

#include <stdbool.h>
#include <stdint.h>

/* Wait (a bounded time) for room in the transmit FIFO, then send c; drop it if none came. */
void pl011_putc(uintptr_t base, char c);
/* Send c if the transmit FIFO has room now; false (nothing sent) if it is full. */
bool pl011_try_putc(uintptr_t base, char c);
/* Keep the UART's set-up (baud rate, line, control, interrupt masks) before a guest owns it,
 * and put it back when skiff takes the UART again. */
void pl011_save(uintptr_t base);
void pl011_restore(uintptr_t base);

#endif
