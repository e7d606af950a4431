/*
 * pl011.h - polled output on an Arm PL011 UART, for skiff's console.
 */
#ifndef SKIFF_DRIVERS_PL011_H
#define SKIFF_DRIVERS_PL011_H

#include <stdint.h>

void pl011_putc(uintptr_t base, char c);

#endif
